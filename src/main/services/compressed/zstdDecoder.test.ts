import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { seededRandom } from '../../../shared/seededRandom';
import {
  concatBytes,
  fixtureContent,
  handFrame,
  hasZstdCli,
  logText,
  skippableFrame,
  zstdCli,
  zstdFixtures,
  type ZstdFixtureName,
} from './compressedTestKit';
import { ZstdDataError, ZstdStreamDecoder } from './zstdDecoder';

/** Decodes `input` handed over in pieces of `pieceBytes`; answers the output and the largest piece yielded. */
function decode(input: Uint8Array, pieceBytes = 64 * 1024): { output: Buffer; largestPiece: number } {
  const decoder = new ZstdStreamDecoder();
  const pieces: Uint8Array[] = [];
  for (let at = 0; at < input.length; at += pieceBytes) {
    for (const piece of decoder.push(input.subarray(at, at + pieceBytes))) pieces.push(piece);
  }
  decoder.finish();
  return { output: Buffer.concat(pieces), largestPiece: Math.max(0, ...pieces.map((piece) => piece.length)) };
}

function expectSame(actual: Uint8Array, expected: Uint8Array): void {
  expect(actual.length).toBe(expected.length);
  expect(Buffer.compare(actual, expected)).toBe(0);
}

function decodeError(input: Uint8Array): ZstdDataError {
  try {
    decode(input, 1000);
  } catch (error) {
    expect(error).toBeInstanceOf(ZstdDataError);
    return error as ZstdDataError;
  }
  return expect.fail('decoded without an error');
}

const fixture = (name: ZstdFixtureName): Buffer => readFileSync(join(import.meta.dirname, 'fixtures', name));

describe('ZstdStreamDecoder', () => {
  it('reads the committed CLI-made fixtures back, in any piece size', () => {
    for (const name of Object.keys(zstdFixtures) as ZstdFixtureName[]) {
      for (const pieceBytes of [1, 7, 4096, 1 << 20]) {
        expectSame(decode(fixture(name), pieceBytes).output, fixtureContent(name));
      }
    }
  });

  it('reads multi-frame input with skippable frames between the frames', () => {
    const rng = seededRandom(3);
    const parts = [logText(1, 300_000), rng.bytes(70_000), new Uint8Array(0), logText(2, 5)];
    const input = concatBytes([
      skippableFrame(Uint8Array.of(9, 9, 9, 9)),
      handFrame(parts[0]!, { checksum: true }),
      skippableFrame(new Uint8Array(0), 3),
      handFrame(parts[1]!, { declareSize: null }),
      handFrame(parts[2]!, { checksum: true }),
      fixture('frames.zst'),
      handFrame(parts[3]!),
    ]);
    const expected = concatBytes([...parts.slice(0, 3), fixtureContent('frames.zst'), parts[3]!]);
    for (const pieceBytes of [13, 65_536]) expectSame(decode(input, pieceBytes).output, expected);
  });

  it('reads frames of tiny blocks, which fzstd holds back until a frame has 18 bytes', () => {
    for (const blockBytes of [1, 2, 5]) {
      const content = logText(15, 40);
      expectSame(decode(handFrame(content, { blockBytes, checksum: true }), 3).output, content);
      expectSame(decode(handFrame(content, { blockBytes, declareSize: null }), 1000).output, content);
    }
  });

  it('yields one block at a time, however far a block expands (RLE)', () => {
    const zeros = new Uint8Array(16 * 1024 * 1024);
    const input = handFrame(zeros, { rleFrom: 1, checksum: true });
    expect(input.length).toBeLessThan(1000);
    const { output, largestPiece } = decode(input, input.length);
    expectSame(output, zeros);
    expect(largestPiece).toBeLessThanOrEqual(128 * 1024);
  });

  it('finds a checksum that does not match the content', () => {
    const frame = handFrame(logText(4, 10_000), { checksum: true });
    frame[frame.length - 1]! ^= 0x01;
    expect(decodeError(frame).message).toMatch(/frame 1 fails its content checksum/);
    const damaged = Buffer.from(fixture('text.zst'));
    damaged[damaged.length - 2]! ^= 0x10;
    expect(decodeError(damaged).kind).toBe('corrupt');
  });

  it('finds content that is not the size the header declares', () => {
    const frame = handFrame(logText(5, 1000), { declareSize: 999 });
    expect(decodeError(frame).message).toMatch(/declares 999 bytes of content but holds 1000/);
  });

  it('finds input that ends inside a frame, at every cut of a fixture', () => {
    const whole = fixture('frames.zst');
    const secondFrame = whole.indexOf(Buffer.from([0x28, 0xb5, 0x2f, 0xfd]), 4);
    expect(secondFrame).toBeGreaterThan(0);
    for (let cut = 1; cut < whole.length; cut++) {
      let error: unknown;
      try {
        decode(whole.subarray(0, cut), 97);
      } catch (thrown) {
        error = thrown;
      }
      // A cut between the two frames leaves valid zstd (the first frame); every other cut must be found.
      if (cut === secondFrame) expect(error).toBeUndefined();
      else expect(error, `cut at ${cut}`).toBeInstanceOf(ZstdDataError);
    }
  });

  it('refuses stray bytes after the last frame and data that is not zstd', () => {
    expect(decodeError(concatBytes([handFrame(logText(6, 100)), Uint8Array.of(1, 2)])).message).toMatch(
      /2 stray bytes follow the last frame/,
    );
    expect(decodeError(concatBytes([handFrame(logText(6, 100)), logText(7, 100)])).message).toMatch(
      /unknown data follows the last frame at byte/,
    );
    expect(decodeError(logText(8, 100)).message).toMatch(/no zstd frame starts at byte 0/);
  });

  it('refuses reserved bits and block types, and oversized blocks, as damage', () => {
    const reservedBit = handFrame(logText(9, 100));
    reservedBit[4]! |= 0x08;
    expect(decodeError(reservedBit).message).toMatch(/reserved bit/);
    const reservedType = handFrame(logText(9, 100));
    reservedType[14]! |= 0x06; // the block header after magic, descriptor, window and 8 size bytes
    expect(decodeError(reservedType).message).toMatch(/reserved block type/);
    const oversized = handFrame(logText(9, 100));
    oversized[16]! = 0xff;
    expect(decodeError(oversized).message).toMatch(/more than a block may hold/);
  });

  it('says what it does not support: dictionaries and windows beyond 128 MiB, or beyond 32 MiB without a checksum', () => {
    const withDictionary = concatBytes([
      Uint8Array.of(0x28, 0xb5, 0x2f, 0xfd, 0x01, 7 << 3, 42),
      Uint8Array.of(1, 0, 0),
    ]);
    const dictionary = decodeError(withDictionary);
    expect(dictionary.kind).toBe('unsupported');
    expect(dictionary.message).toMatch(/dictionary 42/);
    const window = (exponent: number, checksum: boolean): Uint8Array =>
      concatBytes([Uint8Array.of(0x28, 0xb5, 0x2f, 0xfd, checksum ? 0x04 : 0, exponent << 3), Uint8Array.of(1, 0, 0)]);
    expect(decodeError(window(18, true)).message).toMatch(/256 MiB window/); // 2^28
    expect(decodeError(window(16, false)).message).toMatch(/64 MiB window and has no checksum/); // 2^26
    expect(decode(concatBytes([window(16, true), Uint8Array.of(0x51, 0xd8, 0xe9, 0x99).reverse()])).output.length).toBe(
      0,
    );
  });
});

describe.skipIf(!hasZstdCli)('ZstdStreamDecoder against the zstd CLI', () => {
  it('reads what the CLI writes at several levels and sizes, multi-frame too', () => {
    const rng = seededRandom(11);
    for (const size of [0, 1, 1000, 200_000, 3 * 1024 * 1024]) {
      const content = size % 2 === 0 ? logText(size, size) : rng.bytes(size);
      for (const args of [['-1'], ['-19'], ['-3', '--no-check'], ['-5', '-B65536']]) {
        expectSame(decode(zstdCli(args, content)).output, content);
      }
    }
    const halves = [logText(20, 2_000_000), logText(21, 1_500_000)];
    const twoFrames = concatBytes(halves.map((half) => zstdCli(['-3'], half)));
    expectSame(decode(twoFrames, 1 << 20).output, concatBytes(halves));
  });

  it('reads a window over 32 MiB when the frame has a checksum (zstd --long)', () => {
    const unit = seededRandom(12).bytes(33 * 1024 * 1024);
    const content = concatBytes([unit, unit]); // the second half refers back 33 MiB
    const compressed = zstdCli(['-1', '--long=26'], content);
    expectSame(decode(compressed, 1 << 20).output, content);
  });
});
