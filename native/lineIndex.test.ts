import * as fs from 'node:fs';

import { afterEach, beforeAll, describe, expect, it } from 'vitest';

import { type SeededRandom, seededRandom } from '../src/shared/seededRandom';
import {
  createLineIndex,
  type LineIndex,
  type LineSlice,
  type LineSliceAt,
  type MappedFile,
  nativeTesting,
  openMapped,
  type TextEncodingName,
} from './index';
import {
  expectDroppedScansReleased,
  expectNativeError,
  KiB,
  MiB,
  runChildNode,
  settleScan,
  tick,
  tempDirForFile,
} from './testSupport';

const temp = tempDirForFile('hexlog-line-index-');
const makeFile = temp.makeFile;
const openFiles: MappedFile[] = [];
const indexes: LineIndex[] = [];

afterEach(() => {
  for (const index of indexes.splice(0)) index.dispose();
  for (const file of openFiles.splice(0)) file.close();
  expect(nativeTesting.lineIndexWorkerThreads()).toBe(0);
});

// ---- Files and the naive reference ----------------------------------------------------------

function open(file: string): MappedFile {
  const mapped = openMapped(file, 'readonly');
  openFiles.push(mapped);
  return mapped;
}

function index(file: MappedFile, encoding: TextEncodingName, options?: { threads?: number; chunkBytes?: number }) {
  const created = createLineIndex(file, encoding, options);
  indexes.push(created);
  return created;
}

/** Polls until the scan is done, failed or cancelled. */
function settle(lineIndex: LineIndex, timeoutMs?: number): Promise<void> {
  return settleScan(lineIndex, 'index', timeoutMs);
}

async function indexed(
  file: MappedFile,
  encoding: TextEncodingName,
  options?: { threads?: number; chunkBytes?: number },
): Promise<LineIndex> {
  const lineIndex = index(file, encoding, options);
  await settle(lineIndex);
  return lineIndex;
}

interface RefLine {
  readonly offset: number;
  readonly length: number;
}

/** The naive version: split on the newline unit. */
function referenceLines(bytes: Uint8Array, encoding: TextEncodingName): RefLine[] {
  const lines: RefLine[] = [];
  let start = 0;
  if (encoding === 'utf-8' || encoding === 'latin1') {
    for (let i = 0; i < bytes.length; i++) {
      if (bytes[i] === 0x0a) {
        lines.push({ offset: start, length: i - start });
        start = i + 1;
      }
    }
  } else {
    const [first, second] = encoding === 'utf-16le' ? [0x0a, 0x00] : [0x00, 0x0a];
    for (let i = 0; i + 1 < bytes.length; i += 2) {
      if (bytes[i] === first && bytes[i + 1] === second) {
        lines.push({ offset: start, length: i - start });
        start = i + 2;
      }
    }
  }
  if (start < bytes.length) lines.push({ offset: start, length: bytes.length - start });
  return lines;
}

/** The line containing `offset`; offset == size is the last line. */
function referenceLineAt(lines: readonly RefLine[], offset: number): number {
  let low = 0;
  let high = lines.length; // first line starting after offset
  while (low < high) {
    const middle = (low + high) >> 1;
    if (lines[middle]!.offset <= offset) low = middle + 1;
    else high = middle;
  }
  return Math.max(0, low - 1);
}

function expectSlice(
  slice: LineSlice,
  bytes: Uint8Array,
  lines: readonly RefLine[],
  firstLine: number,
  count: number,
  cap: number,
): void {
  const expectedCount = Math.max(0, Math.min(count, lines.length - firstLine));
  expect(slice.firstLine).toBe(firstLine);
  expect(slice.count).toBe(expectedCount);
  expect(slice.textStarts.length).toBe(expectedCount + 1);
  expect(slice.fileOffsets.length).toBe(expectedCount);
  expect(slice.fullLengths.length).toBe(expectedCount);
  expect(slice.textStarts[0]).toBe(0);
  expect(slice.bytes.length).toBe(slice.textStarts[expectedCount]);
  for (let i = 0; i < expectedCount; i++) {
    const line = lines[firstLine + i]!;
    if (slice.fileOffsets[i] !== line.offset || slice.fullLengths[i] !== line.length) {
      expect({ line: firstLine + i, offset: slice.fileOffsets[i], length: slice.fullLengths[i] }).toEqual({
        line: firstLine + i,
        ...line,
      });
    }
    const text = slice.bytes.subarray(slice.textStarts[i], slice.textStarts[i + 1]);
    const want = bytes.subarray(line.offset, line.offset + Math.min(line.length, cap));
    if (Buffer.compare(text, want) !== 0) {
      expect({ line: firstLine + i, text: Buffer.from(text) }).toEqual({
        line: firstLine + i,
        text: Buffer.from(want),
      });
    }
  }
}

/** Every line, random ranges and random offsets against the reference. */
function expectMatchesReference(
  lineIndex: LineIndex,
  bytes: Uint8Array,
  encoding: TextEncodingName,
  seed: number,
): void {
  const lines = referenceLines(bytes, encoding);
  const random = seededRandom(seed);
  const progress = lineIndex.progress();
  expect(progress).toEqual({
    bytesScanned: bytes.length,
    totalBytes: bytes.length,
    linesKnown: lines.length,
    done: true,
    cancelled: false,
    error: null,
  });

  const caps = [0, 1, 7, 100, 4 * MiB];
  for (let first = 0; first < lines.length; first += 500) {
    const cap = caps[random.int(caps.length)]!;
    expectSlice(lineIndex.readLines(first, 500, cap), bytes, lines, first, 500, cap);
  }
  for (let i = 0; i < 200; i++) {
    const first = random.int(lines.length + 3);
    const count = random.int(300);
    const cap = caps[random.int(caps.length)]!;
    expectSlice(lineIndex.readLines(first, count, cap), bytes, lines, first, count, cap);
  }

  const offsets = [0, bytes.length, Math.max(0, bytes.length - 1)];
  for (let i = 0; i < 400; i++) offsets.push(random.int(bytes.length + 1));
  for (const line of lines.slice(0, 200)) offsets.push(line.offset, line.offset + line.length);
  for (const offset of offsets) {
    const got = lineIndex.lineAtOffset(offset);
    if (got !== referenceLineAt(lines, offset)) {
      expect({ offset, line: got }).toEqual({ offset, line: referenceLineAt(lines, offset) });
    }
  }
  expectNativeError(() => lineIndex.lineAtOffset(bytes.length + 1), 'ERANGE');
}

/** Random lines: empty, short, long (spanning many chunks), some CRLF, any byte but LF. */
function randomByteText(random: SeededRandom, targetBytes: number, finalNewline: boolean): Uint8Array {
  const out = new Uint8Array(targetBytes + 70 * KiB);
  let length = 0;
  while (length < targetBytes) {
    const kind = random.int(100);
    const lineLength = kind < 15 ? 0 : kind < 96 ? 1 + random.int(120) : 1000 + random.int(60_000);
    for (let i = 0; i < lineLength; i++) {
      const byte = random.int(8) === 0 ? random.int(256) : 0x20 + random.int(95);
      out[length++] = byte === 0x0a ? 0x0d : byte;
    }
    if (random.int(8) === 0) out[length++] = 0x0d;
    out[length++] = 0x0a;
  }
  if (!finalNewline) {
    length--; // drop the final LF: the last line is unterminated
    out[length++] = 0x41;
  }
  return out.slice(0, length);
}

// Characters whose UTF-16 code units hold a 0x0A byte that is not a newline: as the high byte
// (U+0A0A, U+0A41), as the low byte of another character (U+010A), and the pairs that put
// "0A 00" (LE) or "00 0A" (BE) at an odd offset.
const TRICKY_UTF16 = ['\u0a0a', '\u010a', '\u0a41\u4100', '\u4100\u0a41', '\u0a00', '\u000a\u0000'.slice(1), 'é', '😀'];

function randomUtf16Text(
  random: SeededRandom,
  targetUnits: number,
  encoding: 'utf-16le' | 'utf-16be',
  options: { bom: boolean; finalNewline: boolean },
): Uint8Array {
  const parts: string[] = options.bom ? ['\ufeff'] : [];
  let units = 0;
  while (units < targetUnits) {
    const kind = random.int(100);
    const lineLength = kind < 15 ? 0 : kind < 97 ? 1 + random.int(60) : 1000 + random.int(20_000);
    let line = '';
    for (let i = 0; i < lineLength; i++) {
      line +=
        random.int(6) === 0
          ? TRICKY_UTF16[random.int(TRICKY_UTF16.length)]!
          : String.fromCharCode(0x20 + random.int(95));
    }
    if (random.int(8) === 0) line += '\r';
    parts.push(line, '\n');
    units += line.length + 1;
  }
  if (!options.finalNewline) parts.push('tail');
  const bytes = Buffer.from(parts.join(''), 'utf16le');
  if (encoding === 'utf-16be') bytes.swap16();
  return new Uint8Array(bytes);
}

function encodeUtf16(text: string, encoding: 'utf-16le' | 'utf-16be'): Buffer {
  const bytes = Buffer.from(text, 'utf16le');
  return encoding === 'utf-16be' ? bytes.swap16() : bytes;
}

function lineTexts(lineIndex: LineIndex, encoding: TextEncodingName): string[] {
  const slice = lineIndex.readLines(0, 1000, 1000);
  const decoding = encoding === 'utf-16be' ? 'utf-16le' : encoding === 'latin1' ? 'latin1' : encoding;
  const texts: string[] = [];
  for (let i = 0; i < slice.count; i++) {
    let bytes = Buffer.from(slice.bytes.subarray(slice.textStarts[i], slice.textStarts[i + 1]));
    if (encoding === 'utf-16be') bytes = bytes.subarray(0, bytes.length & ~1).swap16(); // a stray odd byte is dropped
    texts.push(bytes.toString(decoding === 'utf-16le' ? 'utf16le' : decoding === 'latin1' ? 'latin1' : 'utf8'));
  }
  return texts;
}

/** A sparse file: scanning it takes long enough to cancel, close or dispose mid-scan. */
function makeSparseFile(name: string, size: number): string {
  return temp.makeSparseFile(name, size, 'first\nsecond\n', 0);
}

// ---- Tests ----------------------------------------------------------------------------------

describe('line index against a naive split', () => {
  const configurations = [
    { threads: 1, chunkBytes: 4 * KiB },
    { threads: 2, chunkBytes: 4 * KiB + 2 },
    { threads: 2, chunkBytes: 64 * KiB },
    { threads: 2, chunkBytes: 30 },
  ];

  for (const encoding of ['utf-8', 'latin1'] as const) {
    for (const [n, options] of configurations.entries()) {
      for (const finalNewline of [true, false]) {
        it(`${encoding}, ${options.threads} thread(s), ${options.chunkBytes}-byte chunks, final newline ${finalNewline}: every line matches`, async () => {
          const seed = 1000 + n * 10 + (finalNewline ? 1 : 0) + (encoding === 'latin1' ? 500 : 0);
          const size = options.chunkBytes === 30 ? 96 * KiB : 700 * KiB;
          const bytes = randomByteText(seededRandom(seed), size, finalNewline);
          const file = makeFile(`random-${encoding}-${n}-${finalNewline}.txt`, bytes);
          const lineIndex = await indexed(open(file), encoding, options);
          expectMatchesReference(lineIndex, bytes, encoding, seed);
        });
      }
    }
  }

  for (const encoding of ['utf-16le', 'utf-16be'] as const) {
    for (const [n, options] of configurations.entries()) {
      for (const bom of [true, false]) {
        it(`${encoding}, ${options.threads} thread(s), ${options.chunkBytes}-byte chunks, BOM ${bom}: every line matches`, async () => {
          const seed = 2000 + n * 10 + (bom ? 1 : 0) + (encoding === 'utf-16be' ? 500 : 0);
          const random = seededRandom(seed);
          const units = options.chunkBytes === 30 ? 48 * KiB : 350 * KiB;
          const bytes = randomUtf16Text(random, units, encoding, { bom, finalNewline: !bom });
          const file = makeFile(`random-${encoding}-${n}-${bom}.txt`, bytes);
          const lineIndex = await indexed(open(file), encoding, options);
          expectMatchesReference(lineIndex, bytes, encoding, seed);
        });
      }
    }
  }

  it('utf-16 with an odd byte count keeps the stray last byte in the last line', async () => {
    for (const encoding of ['utf-16le', 'utf-16be'] as const) {
      const bytes = Buffer.concat([encodeUtf16('ab\ncd\n', encoding), Buffer.from([0x0a])]);
      const lineIndex = await indexed(open(makeFile(`odd-${encoding}.txt`, bytes)), encoding, { chunkBytes: 16 });
      expectMatchesReference(lineIndex, bytes, encoding, 3);
      expect(lineIndex.progress().linesKnown).toBe(3);
      expect(lineIndex.readLines(2, 1, 10).fullLengths[0]).toBe(1);
    }
  });
});

describe('edge cases', () => {
  it('an empty file has 0 lines', async () => {
    const lineIndex = await indexed(open(makeFile('empty.txt', '')), 'utf-8');
    expect(lineIndex.progress()).toEqual({
      bytesScanned: 0,
      totalBytes: 0,
      linesKnown: 0,
      done: true,
      cancelled: false,
      error: null,
    });
    const slice = lineIndex.readLines(0, 10, 100);
    expect(slice.count).toBe(0);
    expect([...slice.textStarts]).toEqual([0]);
    expect(lineIndex.lineAtOffset(0)).toBe(0);
    expectNativeError(() => lineIndex.lineAtOffset(1), 'ERANGE');
  });

  it('a file that is exactly "\\n" has one empty line; "\\n\\n\\n" has three', async () => {
    const one = await indexed(open(makeFile('lf.txt', '\n')), 'utf-8');
    expect(one.progress().linesKnown).toBe(1);
    expect(lineTexts(one, 'utf-8')).toEqual(['']);
    expect(one.lineAtOffset(0)).toBe(0);
    expect(one.lineAtOffset(1)).toBe(0);

    const three = await indexed(open(makeFile('lflflf.txt', '\n\n\n')), 'utf-8', { chunkBytes: 16 });
    expect(lineTexts(three, 'utf-8')).toEqual(['', '', '']);
    expect([0, 1, 2, 3].map((offset) => three.lineAtOffset(offset))).toEqual([0, 1, 2, 2]);
  });

  it('a last line without a newline is a line', async () => {
    const lineIndex = await indexed(open(makeFile('nofinal.txt', 'first\nsecond')), 'utf-8');
    expect(lineTexts(lineIndex, 'utf-8')).toEqual(['first', 'second']);
    expect([...lineIndex.readLines(1, 5, 100).fullLengths]).toEqual([6]);
    expect(lineIndex.lineAtOffset(12)).toBe(1);
  });

  it('CRLF: the CR stays part of the line bytes', async () => {
    const lineIndex = await indexed(open(makeFile('crlf.txt', 'one\r\ntwo\r\n\r\nthree')), 'utf-8');
    expect(lineTexts(lineIndex, 'utf-8')).toEqual(['one\r', 'two\r', '\r', 'three']);
  });

  it('a single 1 MB line is capped by maxBytesPerLine and keeps its exact full length', async () => {
    const line = Buffer.alloc(MiB, 'x');
    for (const [name, contents] of [
      ['long.txt', line],
      ['long-lf.txt', Buffer.concat([line, Buffer.from('\n')])],
    ] as const) {
      const lineIndex = await indexed(open(makeFile(name, contents)), 'utf-8', { chunkBytes: 64 * KiB });
      expect(lineIndex.progress().linesKnown).toBe(1);
      const slice = lineIndex.readLines(0, 10, 1000);
      expect(slice.count).toBe(1);
      expect(slice.bytes.length).toBe(1000);
      expect([...slice.fullLengths]).toEqual([MiB]);
      expect(lineIndex.lineAtOffset(MiB / 2)).toBe(0);
      expect(lineIndex.lineAtOffset(contents.length)).toBe(0);
    }
  });

  for (const encoding of ['utf-16le', 'utf-16be'] as const) {
    it(`${encoding}: a 0x0A byte at an odd offset or as a high byte does not split a line, with and without BOM`, async () => {
      // Each of these lines holds 0x0A bytes that are not a newline unit.
      const text = 'a\u0a0ab\r\n\u010a\n\u0a41\u4100\u4100\u0a41\n\nlast';
      for (const bom of [false, true]) {
        const bytes = encodeUtf16((bom ? '\ufeff' : '') + text, encoding);
        const lineIndex = await indexed(open(makeFile(`tricky-${encoding}-${bom}.txt`, bytes)), encoding, {
          chunkBytes: 16,
        });
        const texts = lineTexts(lineIndex, encoding);
        expect(texts).toEqual([(bom ? '\ufeff' : '') + 'a\u0a0ab\r', '\u010a', '\u0a41\u4100\u4100\u0a41', '', 'last']);
        expectMatchesReference(lineIndex, bytes, encoding, 5);
      }
    });
  }

  it('utf-16 files read as utf-8 split at every 0x0A byte (the encoding decides)', async () => {
    const bytes = encodeUtf16('a\u0a0ab\n', 'utf-16le');
    const lineIndex = await indexed(open(makeFile('utf16-as-utf8.txt', bytes)), 'utf-8');
    expect(lineIndex.progress().linesKnown).toBe(referenceLines(bytes, 'utf-8').length);
    expect(lineIndex.progress().linesKnown).toBe(4);
  });

  it('latin1: every byte but 0x0A is text', async () => {
    const bytes = Buffer.from([0xe9, 0x0d, 0x0a, 0xff, 0x00, 0x85, 0x0a, 0x0b, 0x0c]);
    const lineIndex = await indexed(open(makeFile('latin1.txt', bytes)), 'latin1');
    expect(lineTexts(lineIndex, 'latin1')).toEqual(['\xe9\r', '\xff\x00\x85', '\x0b\x0c']);
    expectMatchesReference(lineIndex, bytes, 'latin1', 9);
  });

  it('readLines at or past the known end returns count 0, not an error', async () => {
    const lineIndex = await indexed(open(makeFile('three.txt', 'a\nb\nc\n')), 'utf-8');
    expect(lineIndex.readLines(3, 10, 10).count).toBe(0);
    expect(lineIndex.readLines(1e9, 10, 10).count).toBe(0);
    expect(lineIndex.readLines(2, 10, 10).count).toBe(1);
    expect(lineIndex.readLines(0, 0, 10).count).toBe(0);
  });

  it('readLines rejects nonsense sizes with ERANGE', async () => {
    const lineIndex = await indexed(open(makeFile('nonsense.txt', 'a\n')), 'utf-8');
    expectNativeError(() => lineIndex.readLines(0, 2 ** 20 + 1, 10), 'ERANGE');
    expectNativeError(() => lineIndex.readLines(0, 1, 2 ** 40), 'ERANGE');
  });

  it('the slice buffers are ordinary V8 arrays sized to their contents', async () => {
    const lineIndex = await indexed(open(makeFile('buffers.txt', 'abc\ndefg\n')), 'utf-8');
    const slice = lineIndex.readLines(0, 2, 100);
    expect(slice.bytes).toBeInstanceOf(Uint8Array);
    expect(slice.textStarts).toBeInstanceOf(Uint32Array);
    expect(slice.fileOffsets).toBeInstanceOf(Float64Array);
    expect(slice.fullLengths).toBeInstanceOf(Float64Array);
    expect(slice.bytes.buffer.byteLength).toBe(7);
    expect(Buffer.from(slice.bytes).toString()).toBe('abcdefg');
  });
});

describe('progressive indexing', () => {
  // 64 MiB: a 1 MiB block of random lines, 64 times.
  const blockCount = 64;
  let bigFile = '';
  let block: Uint8Array = new Uint8Array(0);
  let blockLines: RefLine[] = [];

  beforeAll(() => {
    block = randomByteText(seededRandom(64), MiB - 4 * KiB, true);
    blockLines = referenceLines(block, 'utf-8');
    bigFile = temp.pathFor('big.log');
    const fd = fs.openSync(bigFile, 'w');
    try {
      for (let i = 0; i < blockCount; i++) fs.writeSync(fd, block);
    } finally {
      fs.closeSync(fd);
    }
  });

  const lineOf = (line: number): RefLine => {
    const inBlock = blockLines[line % blockLines.length]!;
    return { offset: Math.floor(line / blockLines.length) * block.length + inBlock.offset, length: inBlock.length };
  };

  function expectKnownLines(lineIndex: LineIndex, first: number, count: number): void {
    const slice = lineIndex.readLines(first, count, 64);
    for (let i = 0; i < slice.count; i++) {
      const line = lineOf(first + i);
      expect(slice.fileOffsets[i]).toBe(line.offset);
      expect(slice.fullLengths[i]).toBe(line.length);
      const inBlock = line.offset % block.length;
      const want = block.subarray(inBlock, inBlock + Math.min(64, line.length));
      expect(Buffer.compare(slice.bytes.subarray(slice.textStarts[i], slice.textStarts[i + 1]), want)).toBe(0);
    }
  }

  for (const threads of [1, 2]) {
    it(`with ${threads} thread(s), progress grows monotonically and known lines are right before done`, () => {
      const lineIndex = index(open(bigFile), 'utf-8', { threads, chunkBytes: 64 * KiB });
      let previous = lineIndex.progress();
      expect(previous.totalBytes).toBe(blockCount * block.length);
      const deadline = Date.now() + 30_000;
      // Polled synchronously: the scan runs on native threads meanwhile, so this loop sees it grow.
      while (!previous.done) {
        if (Date.now() > deadline) throw new Error(`index did not finish: ${JSON.stringify(previous)}`);
        const progress = lineIndex.progress();
        expect(progress.error).toBeNull();
        expect(progress.bytesScanned).toBeGreaterThanOrEqual(previous.bytesScanned);
        expect(progress.linesKnown).toBeGreaterThanOrEqual(previous.linesKnown);
        expect(progress.bytesScanned).toBeLessThanOrEqual(progress.totalBytes);
        // Whatever is known is right: the first lines, the last known ones and beyond (the
        // workers move on meanwhile), and offsets below the scanned end.
        expectKnownLines(lineIndex, 0, 50);
        expectKnownLines(lineIndex, Math.max(0, progress.linesKnown - 20), 40);
        if (progress.linesKnown > 0) {
          const line = progress.linesKnown - 1;
          expect(lineIndex.lineAtOffset(lineOf(line).offset)).toBe(line);
        }
        lineIndex.lineAtOffset(progress.bytesScanned); // within the prefix: never ERANGE
        previous = progress;
      }
      expect(previous.linesKnown).toBe(blockLines.length * blockCount);
      expect(previous.bytesScanned).toBe(previous.totalBytes);
      expectKnownLines(lineIndex, previous.linesKnown - 5, 10);
      expect(lineIndex.lineAtOffset(previous.totalBytes)).toBe(previous.linesKnown - 1);
    });
  }

  it('offsets past the scanned prefix are ERANGE while scanning', async () => {
    const lineIndex = index(open(makeSparseFile('sparse-range.bin', 512 * MiB)), 'utf-8', {
      threads: 1,
      chunkBytes: 64 * KiB,
    });
    const error = expectNativeError(() => lineIndex.lineAtOffset(512 * MiB - 1), 'ERANGE');
    expect(error.message).toContain('not indexed yet');
    lineIndex.cancel();
  });

  it('memoryBytes per known line stays well under 1 byte on short lines', async () => {
    const random = seededRandom(77);
    const parts: string[] = [];
    for (let i = 0; i < 1_000_000; i++) parts.push('x'.repeat(random.int(12)));
    const lineIndex = await indexed(open(makeFile('short-lines.txt', parts.join('\n') + '\n')), 'utf-8');
    const { linesKnown } = lineIndex.progress();
    expect(linesKnown).toBe(1_000_000);
    expect(lineIndex.memoryBytes() / linesKnown).toBeLessThanOrEqual(0.2);
  });
});

describe('batched lookups: linesAtOffsets and readLinesAt', () => {
  /** readLinesAt against the naive split: entry i is line `want[i]`. */
  function expectSliceAt(
    slice: LineSliceAt,
    bytes: Uint8Array,
    lines: readonly RefLine[],
    want: readonly number[],
    cap: number,
  ): void {
    expect(Array.from(slice.lines)).toEqual(want);
    expect(slice.count).toBe(want.length);
    expect(slice.firstLine).toBe(want.length > 0 ? want[0] : 0);
    expect(slice.textStarts.length).toBe(want.length + 1);
    expect(slice.bytes.length).toBe(slice.textStarts[want.length]);
    want.forEach((number, i) => {
      const line = lines[number]!;
      expect({ line: number, offset: slice.fileOffsets[i], length: slice.fullLengths[i] }).toEqual({
        line: number,
        ...line,
      });
      const text = slice.bytes.subarray(slice.textStarts[i], slice.textStarts[i + 1]);
      const expected = bytes.subarray(line.offset, line.offset + Math.min(line.length, cap));
      expect(Buffer.compare(text, expected)).toBe(0);
    });
  }

  for (const encoding of ['utf-8', 'utf-16le'] as const) {
    for (const finalNewline of [true, false]) {
      it(`${encoding}, final newline ${finalNewline}: random, unsorted and repeated offsets and lines match the naive split`, async () => {
        const seed = 900 + (encoding === 'utf-8' ? 0 : 10) + (finalNewline ? 1 : 0);
        const random = seededRandom(seed);
        const bytes =
          encoding === 'utf-8'
            ? randomByteText(random, 300 * KiB, finalNewline)
            : randomUtf16Text(random, 150 * KiB, encoding, { bom: true, finalNewline });
        const lineIndex = await indexed(open(makeFile(`batched-${seed}.txt`, bytes)), encoding, {
          threads: 2,
          chunkBytes: 4 * KiB + 2,
        });
        const lines = referenceLines(bytes, encoding);

        const offsets = [0, bytes.length, bytes.length + 1, bytes.length + 12_345, 7, 7];
        for (let i = 0; i < 2000; i++) offsets.push(random.int(bytes.length + 1));
        for (const line of lines.slice(0, 100)) offsets.push(line.offset + line.length, line.offset);
        const got = lineIndex.linesAtOffsets(Float64Array.from(offsets));
        expect(got).toBeInstanceOf(Float64Array);
        const want = offsets.map((offset) => (offset > bytes.length ? -1 : referenceLineAt(lines, offset)));
        expect(Array.from(got)).toEqual(want);
        expect(lineIndex.linesAtOffsets(new Float64Array(0)).length).toBe(0);

        for (const cap of [0, 5, 100, 4 * MiB]) {
          const requested = [lines.length + 5, 0, lines.length - 1, 3, 3, lines.length];
          for (let i = 0; i < 300; i++) requested.push(random.int(lines.length + 10));
          const slice = lineIndex.readLinesAt(Float64Array.from(requested), cap);
          expectSliceAt(
            slice,
            bytes,
            lines,
            requested.filter((line) => line < lines.length),
            cap,
          );
        }
        expectSliceAt(
          lineIndex.readLinesAt(Float64Array.from([lines.length, lines.length + 1]), 10),
          bytes,
          lines,
          [],
          10,
        );
      });
    }
  }

  it('an empty file: offset 0 is line 0, other offsets -1, and no line is known', async () => {
    const lineIndex = await indexed(open(makeFile('batched-empty.txt', '')), 'utf-8');
    expect(Array.from(lineIndex.linesAtOffsets(Float64Array.from([0, 1])))).toEqual([0, -1]);
    expect(lineIndex.readLinesAt(Float64Array.from([0]), 10).count).toBe(0);
  });

  it('while indexing, offsets past the scanned prefix are -1 and lines not known yet are skipped', async () => {
    const lineIndex = index(open(makeSparseFile('batched-sparse.bin', 512 * MiB)), 'utf-8', {
      threads: 1,
      chunkBytes: 64 * KiB,
    });
    while (lineIndex.progress().linesKnown < 2) await tick();
    const lines = lineIndex.linesAtOffsets(Float64Array.from([0, 6, 512 * MiB - 1, 512 * MiB]));
    expect(Array.from(lines.subarray(0, 2))).toEqual([0, 1]);
    expect(Array.from(lines.subarray(2))).toEqual([-1, -1]);
    const slice = lineIndex.readLinesAt(Float64Array.from([1, 5_000_000, 0]), 10);
    expect(Array.from(slice.lines)).toEqual([1, 0]);
    expect(Buffer.from(slice.bytes).toString()).toBe('secondfirst');
    lineIndex.cancel();
  });

  it('a file truncated after indexing: EFILECHANGED past the new end, answers before it', async () => {
    const bytes = randomByteText(seededRandom(71), 2 * MiB, true);
    const name = makeFile('batched-truncated.txt', bytes);
    const lineIndex = await indexed(open(name), 'utf-8', { chunkBytes: 64 * KiB });
    const lines = referenceLines(bytes, 'utf-8');
    fs.truncateSync(name, 100 * KiB);
    expectNativeError(() => lineIndex.linesAtOffsets(Float64Array.from([0, bytes.length - 10])), 'EFILECHANGED');
    expectNativeError(() => lineIndex.readLinesAt(Float64Array.from([0, lines.length - 2]), 100), 'EFILECHANGED');
    expect(Array.from(lineIndex.linesAtOffsets(Float64Array.from([0, 10])))).toEqual([0, referenceLineAt(lines, 10)]);
    expect(lineIndex.readLinesAt(Float64Array.from([1, 0]), 100).count).toBe(2);
  });

  it('bad arguments: EINVAL for anything but a Float64Array of non-negative safe integers; ERANGE above the limit', async () => {
    const lineIndex = await indexed(open(makeFile('batched-args.txt', 'a\nb\n')), 'utf-8');
    for (const bad of [
      [0],
      new Uint32Array(1),
      Float64Array.from([-1]),
      Float64Array.from([0.5]),
      Float64Array.from([Number.NaN]),
      Float64Array.from([2 ** 53]),
      null,
    ]) {
      const value = bad as Float64Array;
      expectNativeError(() => lineIndex.linesAtOffsets(value), 'EINVAL');
      expectNativeError(() => lineIndex.readLinesAt(value, 10), 'EINVAL');
    }
    expectNativeError(() => lineIndex.readLinesAt(new Float64Array(1), -1), 'EINVAL');
    expectNativeError(() => lineIndex.readLinesAt(new Float64Array(1), 256 * MiB + 1), 'ERANGE');
    expectNativeError(() => lineIndex.linesAtOffsets(new Float64Array(2 ** 20 + 1)), 'ERANGE');
    expectNativeError(() => lineIndex.readLinesAt(new Float64Array(2 ** 20 + 1), 1), 'ERANGE');
  });
});

describe('cancel, dispose and close', () => {
  it('cancel mid-scan stops the workers; the known prefix stays readable', async () => {
    const file = open(makeSparseFile('sparse-cancel.bin', 1024 * MiB));
    const lineIndex = index(file, 'utf-8', { threads: 2, chunkBytes: 64 * KiB });
    lineIndex.cancel();
    const deadline = Date.now() + 10_000;
    while (nativeTesting.lineIndexWorkerThreads() > 0 && Date.now() < deadline) await tick();
    expect(nativeTesting.lineIndexWorkerThreads()).toBe(0);
    const progress = lineIndex.progress();
    expect(progress.cancelled).toBe(true);
    expect(progress.done).toBe(false);
    expect(progress.bytesScanned).toBeLessThan(progress.totalBytes);
    expect(lineIndex.readLines(0, 5, 10).count).toBeLessThanOrEqual(2);
    expectNativeError(() => lineIndex.extend(file), 'ECANCELED');
    lineIndex.dispose();
  });

  it('dispose while scanning joins the threads; every later call fails with ECLOSED; dispose is idempotent', () => {
    const file = open(makeSparseFile('sparse-dispose.bin', 1024 * MiB));
    const lineIndex = createLineIndex(file, 'utf-8', { threads: 2, chunkBytes: 64 * KiB });
    lineIndex.dispose();
    expect(nativeTesting.lineIndexWorkerThreads()).toBe(0);
    lineIndex.dispose();
    const calls: Array<() => unknown> = [
      () => lineIndex.progress(),
      () => lineIndex.readLines(0, 1, 1),
      () => lineIndex.lineAtOffset(0),
      () => lineIndex.extend(file),
      () => lineIndex.cancel(),
      () => lineIndex.memoryBytes(),
    ];
    for (const call of calls) expectNativeError(call, 'ECLOSED');
  });

  it('closing the MappedFile while indexing is safe: the index keeps its own mapping', async () => {
    const bytes = randomByteText(seededRandom(31), 4 * MiB, false);
    const file = openMapped(makeFile('close-while-indexing.txt', bytes), 'readonly');
    const lineIndex = index(file, 'utf-8', { threads: 2, chunkBytes: 16 * KiB });
    file.close();
    expect(file.closed).toBe(true);
    await settle(lineIndex);
    expectMatchesReference(lineIndex, bytes, 'utf-8', 31);
  });

  it('an index on a closed MappedFile fails with ECLOSED', () => {
    const file = openMapped(makeFile('closed-before.txt', 'a\n'), 'readonly');
    file.close();
    expectNativeError(() => createLineIndex(file, 'utf-8'), 'ECLOSED');
  });

  it('an index JS drops without dispose() joins its threads and releases the mapping when collected', () => {
    const file = makeSparseFile('sparse-gc.bin', 1024 * MiB);
    expectDroppedScansReleased(
      temp.path,
      file,
      "native.LineIndex.create(file, 'utf-8', 1, 65536)",
      'native.__lineIndexWorkerThreads()',
    );
  });
});

describe('growth', () => {
  it('extend completes an unterminated last line and equals a fresh index of the grown file', async () => {
    const name = makeFile('grow.txt', 'one\ntwo\npart');
    const lineIndex = await indexed(open(name), 'utf-8', { chunkBytes: 16 });
    expect(lineIndex.progress().linesKnown).toBe(3);
    fs.appendFileSync(name, 'ial\nfour\nfive\n');
    lineIndex.extend(open(name));
    await settle(lineIndex);
    expect(lineTexts(lineIndex, 'utf-8')).toEqual(['one', 'two', 'partial', 'four', 'five']);
    const bytes = fs.readFileSync(name);
    expectMatchesReference(lineIndex, bytes, 'utf-8', 1);
    const fresh = await indexed(open(name), 'utf-8');
    expect(fresh.progress()).toEqual(lineIndex.progress());
  });

  for (const threads of [1, 2]) {
    it(`repeated random appends, extended with ${threads} thread(s) while scanning or after, match a fresh index`, async () => {
      const random = seededRandom(4242 + threads);
      const name = makeFile(`grow-random-${threads}.txt`, randomByteText(random, 200 * KiB, false));
      const lineIndex = index(open(name), 'utf-8', { threads, chunkBytes: 4 * KiB + 2 });
      for (let round = 0; round < 25; round++) {
        if (random.int(2) === 0) await settle(lineIndex); // otherwise extend mid-scan
        const grown = randomByteText(random, random.int(3) === 0 ? 100 : 20 * KiB, random.int(2) === 0);
        fs.appendFileSync(name, grown.subarray(random.int(2)));
        lineIndex.extend(open(name));
        // The old mapping is no longer needed by us.
        openFiles.splice(0, openFiles.length - 1).forEach((file) => file.close());
      }
      await settle(lineIndex);
      const bytes = fs.readFileSync(name);
      expectMatchesReference(lineIndex, bytes, 'utf-8', 99);
      const fresh = await indexed(open(name), 'utf-8', { threads, chunkBytes: 4 * KiB + 2 });
      expect(fresh.progress()).toEqual(lineIndex.progress());
      expect(fresh.readLines(0, 1000, 50)).toEqual(lineIndex.readLines(0, 1000, 50));
      // Small appends continue the short last chunk instead of adding tiny chunks.
      expect(lineIndex.memoryBytes()).toBeLessThan(fresh.memoryBytes() * 2);
    });
  }

  for (const encoding of ['utf-16le', 'utf-16be'] as const) {
    it(`${encoding}: growth that completes a half newline unit at an odd size`, async () => {
      const full = encodeUtf16('ab\ncd\nef\n', encoding);
      const name = makeFile(`grow-${encoding}.txt`, full.subarray(0, 13)); // "ab\ncd\n" + half of 'e'
      const lineIndex = await indexed(open(name), encoding, { chunkBytes: 16 });
      expect(lineTexts(lineIndex, encoding).length).toBe(3);
      for (const end of [14, 17, full.length]) {
        fs.appendFileSync(name, full.subarray(fs.statSync(name).size, end)); // 17: "ef" + half a newline
        lineIndex.extend(open(name));
        await settle(lineIndex);
        expectMatchesReference(lineIndex, full.subarray(0, end), encoding, end);
      }
      expect(lineTexts(lineIndex, encoding)).toEqual(['ab', 'cd', 'ef']);
    });
  }

  it('extend with the same size keeps the result; a different file is EINVAL; a shorter one EFILECHANGED', async () => {
    const name = makeFile('grow-errors.txt', 'a\nb\nc\n');
    const lineIndex = await indexed(open(name), 'utf-8');
    lineIndex.extend(open(name));
    expect(lineIndex.progress().linesKnown).toBe(3);
    expectNativeError(() => lineIndex.extend(open(makeFile('other.txt', 'a\nb\nc\nd\n'))), 'EINVAL');
    fs.truncateSync(name, 2);
    expectNativeError(() => lineIndex.extend(open(name)), 'EFILECHANGED');
    expectNativeError(() => lineIndex.extend({} as MappedFile), 'EINVAL');
  });
});

describe('truncation', () => {
  it('a file truncated behind its mapping before indexing: the scan reports EFILECHANGED and the process lives', async () => {
    const name = makeFile('truncated-before.txt', randomByteText(seededRandom(5), 2 * MiB, true));
    const file = open(name);
    fs.truncateSync(name, 0);
    const lineIndex = index(file, 'utf-8', { threads: 2, chunkBytes: 64 * KiB });
    await settle(lineIndex);
    const progress = lineIndex.progress();
    expect(progress.error?.code).toBe('EFILECHANGED');
    expect(progress.error?.message).toContain(name);
    expect(progress.done).toBe(false);
    expect(lineIndex.readLines(0, 10, 10).count).toBe(0);
    expectNativeError(() => lineIndex.extend(file), 'EFILECHANGED');
  });

  it('a file truncated while indexing: no crash, and either the scan or the read reports EFILECHANGED', async () => {
    const bytes = randomByteText(seededRandom(6), 8 * MiB, true);
    const name = makeFile('truncated-during.txt', bytes);
    const lineIndex = index(open(name), 'utf-8', { threads: 2, chunkBytes: 16 * KiB });
    fs.truncateSync(name, MiB + 5);
    await settle(lineIndex);
    const progress = lineIndex.progress();
    if (progress.error !== null) {
      expect(progress.error.code).toBe('EFILECHANGED');
    } else {
      expectNativeError(() => lineIndex.readLines(progress.linesKnown - 1, 1, 10), 'EFILECHANGED');
    }
  });

  it('a file truncated after indexing: reads past the new end are EFILECHANGED, reads before it still work', async () => {
    const bytes = randomByteText(seededRandom(7), 2 * MiB, true);
    const name = makeFile('truncated-after.txt', bytes);
    const lineIndex = await indexed(open(name), 'utf-8', { chunkBytes: 64 * KiB });
    const lines = referenceLines(bytes, 'utf-8');
    fs.truncateSync(name, 100 * KiB);
    expectNativeError(() => lineIndex.readLines(lines.length - 3, 3, 100), 'EFILECHANGED');
    expectNativeError(() => lineIndex.lineAtOffset(bytes.length - 10), 'EFILECHANGED');
    expectSlice(lineIndex.readLines(0, 5, 100), bytes, lines, 0, 5, 100);
  });
});

describe('arguments', () => {
  it('createLineIndex rejects a bad file, encoding or options with EINVAL', () => {
    const file = open(makeFile('args.txt', 'a\n'));
    expectNativeError(() => createLineIndex({} as MappedFile, 'utf-8'), 'EINVAL');
    for (const encoding of ['utf8', 'UTF-8', 'utf-16', '', undefined]) {
      expectNativeError(() => createLineIndex(file, encoding as TextEncodingName), 'EINVAL');
    }
    for (const threads of [0, -1, 1.5, 65, Number.NaN, '2']) {
      expectNativeError(() => createLineIndex(file, 'utf-8', { threads: threads as number }), 'EINVAL');
    }
    for (const chunkBytes of [0, 15, 4097, 2 ** 31, -2, 1.5]) {
      expectNativeError(() => createLineIndex(file, 'utf-8', { chunkBytes }), 'EINVAL');
    }
  });

  it('readLines and lineAtOffset reject values that are not non-negative safe integers with EINVAL', async () => {
    const lineIndex = await indexed(open(makeFile('args2.txt', 'a\nb\n')), 'utf-8');
    for (const bad of [-1, 0.5, Number.NaN, 2 ** 53, '1', null]) {
      const value = bad as number;
      expectNativeError(() => lineIndex.readLines(value, 1, 1), 'EINVAL');
      expectNativeError(() => lineIndex.readLines(0, value, 1), 'EINVAL');
      expectNativeError(() => lineIndex.readLines(0, 1, value), 'EINVAL');
      expectNativeError(() => lineIndex.lineAtOffset(value), 'EINVAL');
    }
  });

  it('the raw binding checks its arguments too', () => {
    const child = runChildNode(
      `const results = [];
         const attempt = (f) => { try { f(); results.push('no error'); }
           catch (e) { results.push(e.code); } };
         const file = native.MappedFile.open(process.env.FILE, 'readonly');
         attempt(() => native.LineIndex.create({}, 'utf-8', 0, 0));
         attempt(() => native.LineIndex.create(file, 'utf-7', 0, 0));
         attempt(() => native.LineIndex.create(file, 'utf-8', 65, 0));
         attempt(() => native.LineIndex.create(file, 'utf-8', 0, 17));
         attempt(() => native.LineIndex.create(file, 'utf-8', -1, 0));
         const index = native.LineIndex.create(file, 'utf-8', 0, 0);
         attempt(() => index.readLines(-1, 1, 1));
         attempt(() => index.lineAtOffset(0.5));
         attempt(() => index.extend({}));
         index.dispose();
         console.log(JSON.stringify(results));`,
      { cwd: temp.path, env: { FILE: makeFile('raw-args.txt', 'raw\n') } },
    );
    expect(child.status, String(child.stderr)).toBe(0);
    expect(JSON.parse(String(child.stdout))).toEqual(Array(8).fill('EINVAL'));
  });
});
