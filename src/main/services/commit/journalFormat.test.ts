import { crc32 as zlibCrc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';

import type { PendingEdit } from '../../../shared/editModel';
import { seededRandom, type SeededRandom } from '../../../shared/seededRandom';
import { commitFixture } from '../testing/commitFixture';
import { handMadeJournal } from '../testing/commitTestKit';
import {
  TRAILER_BYTES,
  crc32,
  encodeJournal,
  encodeJournalBytes,
  parseJournal,
  type ParsedJournal,
} from './journalFormat';

/** Ascending, non-overlapping edits of 1 to maxLength bytes in a file of fileSize bytes. */
function randomEdits(rng: SeededRandom, fileSize: number, count: number, maxLength: number): PendingEdit[] {
  const edits: PendingEdit[] = [];
  let at = 0;
  for (let i = 0; i < count && at < fileSize; i++) {
    const offset = at + rng.int(Math.min(64, fileSize - at));
    const length = 1 + rng.int(Math.min(maxLength, fileSize - offset));
    edits.push({ offset, oldBytes: rng.bytes(length), newBytes: rng.bytes(length) });
    at = offset + length;
  }
  return edits;
}

function join(chunks: Iterable<Uint8Array>): Uint8Array {
  return Buffer.concat([...chunks]);
}

function expectComplete(parsed: ParsedJournal, fileSize: number, edits: readonly PendingEdit[]): void {
  if (parsed.kind !== 'complete') expect.fail(`expected a complete journal, got ${JSON.stringify(parsed)}`);
  expect(parsed.fileSize).toBe(fileSize);
  expect(parsed.entries.length).toBe(edits.length);
  parsed.entries.forEach((entry, i) => {
    const edit = edits[i]!;
    expect(entry.offset).toBe(edit.offset);
    expect(Buffer.compare(entry.oldBytes, edit.oldBytes)).toBe(0);
    expect(Buffer.compare(entry.newBytes, edit.newBytes)).toBe(0);
  });
}

/** body with a correct trailer, so a test reaches the checks behind the checksum. */
function sealed(body: Uint8Array): Uint8Array {
  const trailer = Buffer.alloc(TRAILER_BYTES);
  trailer.writeUInt32LE(zlibCrc32(body), 0);
  trailer.write('HXLGDONE', 4, 'latin1');
  return Buffer.concat([body, trailer]);
}

function bodyOf(journal: Uint8Array): Buffer {
  return Buffer.from(journal.subarray(0, journal.length - TRAILER_BYTES));
}

describe('crc32', () => {
  it('agrees with zlib on seeded random bytes, whole and continued across a split', () => {
    const rng = seededRandom(11);
    for (let i = 0; i < 300; i++) {
      const bytes = rng.bytes(rng.int(3000));
      const split = rng.int(bytes.length + 1);
      const seed = rng.int(2) === 0 ? 0 : rng.int(0xffff_ffff);
      expect(crc32(bytes, seed)).toBe(zlibCrc32(bytes, seed));
      expect(crc32(bytes.subarray(split), crc32(bytes.subarray(0, split)))).toBe(zlibCrc32(bytes));
    }
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926); // the standard check value
  });
});

describe('encodeJournal', () => {
  it('writes exactly the documented layout', () => {
    const { oldFile, edits } = commitFixture(1, 16 * 1024, 90);
    expect(Buffer.compare(encodeJournalBytes(edits, oldFile.length), handMadeJournal(edits, oldFile.length))).toBe(0);
    expect(Buffer.compare(encodeJournalBytes([], 7), handMadeJournal([], 7))).toBe(0);
  });

  it('streams chunks of at most chunkBytes, except an entry at least that long, and ends with the trailer', () => {
    const rng = seededRandom(12);
    const edits = randomEdits(rng, 1 << 20, 40, 3000);
    const chunks = [...encodeJournal(edits, 1 << 20, 1024)];
    const longSides = new Set(
      edits.flatMap((edit) => [edit.oldBytes, edit.newBytes]).filter((side) => side.length >= 1024),
    );
    expect(longSides.size).toBeGreaterThan(0);
    // Each chunk is a buffered one of at most 1024 bytes, or one whole long side of an entry, passed through.
    for (const chunk of chunks) expect(chunk.length <= 1024 || longSides.has(chunk)).toBe(true);
    expect(chunks.filter((chunk) => longSides.has(chunk)).length).toBe(longSides.size);
    expect(chunks.at(-1)!.length).toBe(TRAILER_BYTES);
    expectComplete(parseJournal(join(chunks)), 1 << 20, edits);
  });

  it('refuses edits out of order, overlapping, empty, uneven or past the end with RangeError', () => {
    const one = Uint8Array.of(1);
    const two = Uint8Array.of(1, 2);
    const cases: PendingEdit[][] = [
      [
        { offset: 5, oldBytes: one, newBytes: one },
        { offset: 2, oldBytes: one, newBytes: one },
      ],
      [
        { offset: 0, oldBytes: two, newBytes: two },
        { offset: 1, oldBytes: one, newBytes: one },
      ],
      [{ offset: 0, oldBytes: new Uint8Array(0), newBytes: new Uint8Array(0) }],
      [{ offset: 0, oldBytes: one, newBytes: two }],
      [{ offset: 9, oldBytes: two, newBytes: two }],
    ];
    for (const edits of cases) expect(() => encodeJournalBytes(edits, 10)).toThrow(RangeError);
  });
});

describe('parseJournal', () => {
  it('round-trips seeded random journals, whatever the chunk size', () => {
    const rng = seededRandom(13);
    for (let i = 0; i < 200; i++) {
      const fileSize = 1 + rng.int(1 << 16);
      const edits = randomEdits(rng, fileSize, rng.int(60), 1 + rng.int(rng.int(4) === 0 ? 5000 : 40));
      const chunkBytes = 16 + rng.int(4096);
      const streamed = join(encodeJournal(edits, fileSize, chunkBytes));
      expect(Buffer.compare(streamed, encodeJournalBytes(edits, fileSize))).toBe(0);
      expectComplete(parseJournal(streamed), fileSize, edits);
    }
  });

  it('every truncation of a valid journal parses as torn or damaged, never complete, never a throw', () => {
    const rng = seededRandom(14);
    for (let i = 0; i < 6; i++) {
      const fileSize = 4096;
      const journal = encodeJournalBytes(randomEdits(rng, fileSize, 1 + rng.int(20), 1 + rng.int(50)), fileSize);
      for (let cut = 0; cut < journal.length; cut++) {
        const kind = parseJournal(journal.subarray(0, cut)).kind;
        expect(['torn', 'damaged'], `cut at ${cut} of ${journal.length}`).toContain(kind);
      }
    }
  });

  it('a flipped bit anywhere is caught: by the checksum, or as torn when it hits the end marker', () => {
    const rng = seededRandom(15);
    const edits = randomEdits(rng, 8192, 25, 30);
    const journal = encodeJournalBytes(edits, 8192);
    const body = journal.length - TRAILER_BYTES;
    for (let at = 0; at < journal.length; at++) {
      const flipped = journal.slice();
      flipped[at]! ^= 1 << rng.int(8);
      const parsed = parseJournal(flipped);
      if (at < body + 4) expect(parsed, `flip at ${at}`).toEqual({ kind: 'damaged', reason: 'checksum mismatch' });
      else expect(parsed, `flip at ${at}`).toEqual({ kind: 'torn' });
    }
  });

  it('a journal whose checksum holds but whose shape does not is damaged, with the reason', () => {
    const rng = seededRandom(16);
    const edits = randomEdits(rng, 1000, 3, 10);
    const body = bodyOf(encodeJournalBytes(edits, 1000));
    const reasonOf = (bytes: Uint8Array): string => {
      const parsed = parseJournal(bytes);
      if (parsed.kind !== 'damaged') expect.fail(`expected damaged, got ${parsed.kind}`);
      return parsed.reason;
    };
    const edited = (change: (copy: Buffer) => void): Uint8Array => {
      const copy = Buffer.from(body);
      change(copy);
      return sealed(copy);
    };

    expect(reasonOf(edited((copy) => copy.write('NOTAJRNL', 0, 'latin1')))).toBe('not a hexlog journal');
    expect(reasonOf(sealed(new Uint8Array(10)))).toBe('not a hexlog journal');
    expect(reasonOf(edited((copy) => copy.writeUInt32LE(2, 8)))).toBe('unsupported version 2');
    expect(reasonOf(edited((copy) => copy.writeUInt32LE(4, 12)))).toBe('entries end early');
    expect(reasonOf(edited((copy) => copy.writeUInt32LE(0xffff_ffff, 12)))).toBe('entries end early');
    expect(reasonOf(edited((copy) => copy.writeUInt32LE(2, 12)))).toBe('bytes after the last entry');
    expect(reasonOf(sealed(Buffer.concat([body, Buffer.of(0)])))).toBe('bytes after the last entry');
    expect(reasonOf(edited((copy) => copy.writeBigUInt64LE(2n ** 60n, 16)))).toBe('a size past 2^53');
    expect(reasonOf(edited((copy) => copy.writeBigUInt64LE(1n, 24)))).toMatch(/edited bytes/);
    expect(reasonOf(edited((copy) => copy.writeBigUInt64LE(5n, 16)))).toMatch(/passes the file size 5/);
    // The second entry moved onto the first.
    const second = 32 + 12 + 2 * edits[0]!.oldBytes.length;
    expect(reasonOf(edited((copy) => copy.writeBigUInt64LE(BigInt(edits[0]!.offset), second)))).toMatch(
      /overlaps or precedes/,
    );
  });
});
