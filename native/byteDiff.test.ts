// The comparison against a naive byte loop: maximal runs of differing bytes over the common
// length, then the longer file's tail as one more range. Seeded files with edits of every kind
// (single bytes, runs, runs across chunk and thread boundaries, at offset 0 and at the last byte).
import { truncateSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';

import { seededRandom, type SeededRandom } from '../src/shared/seededRandom';
import {
  type ByteDiff,
  byteDiffWorkerThreads,
  type ByteDiffOptions,
  createByteDiff,
  type DiffRange,
  type MappedFile,
  openMapped,
} from './index';
import { expectNativeError, GiB, settleScan, tempDirForFile } from './testSupport';
import { naiveRanges } from './naiveRanges';

const temp = tempDirForFile('hexlog-bytediff-', { uniqueNames: true });
const openFiles: MappedFile[] = [];
const diffs: ByteDiff[] = [];

afterEach(() => {
  for (const diff of diffs.splice(0)) diff.dispose();
  for (const file of openFiles.splice(0)) file.close();
  expect(byteDiffWorkerThreads()).toBe(0);
});

/** `base` with `edits` edits: single bytes, short and long runs, at random places, at 0 and at the end. */
function edited(random: SeededRandom, base: Uint8Array, edits: number, boundaries: readonly number[]): Uint8Array {
  const copy = base.slice();
  const flip = (at: number): void => {
    if (at >= 0 && at < copy.length) copy[at] = copy[at]! ^ (1 + random.int(255));
  };
  for (let i = 0; i < edits; i++) {
    const at = random.int(copy.length);
    const kind = random.int(4);
    const length = kind === 0 ? 1 : kind === 1 ? 1 + random.int(8) : kind === 2 ? 1 + random.int(200) : 2;
    for (let j = 0; j < length; j++) flip(at + j);
  }
  // Runs across chunk (and so thread) boundaries, and runs that end or start exactly at one.
  for (const boundary of boundaries) {
    const kind = random.int(3);
    if (kind === 0) for (let j = -3; j < 3; j++) flip(boundary + j);
    else if (kind === 1) flip(boundary - 1);
    else flip(boundary);
  }
  return copy;
}

async function compare(a: Uint8Array, b: Uint8Array, options: ByteDiffOptions = {}): Promise<ByteDiff> {
  const fileA = openMapped(temp.makeFile('a.bin', a), 'readonly');
  const fileB = openMapped(temp.makeFile('b.bin', b), 'readonly');
  openFiles.push(fileA, fileB);
  const diff = createByteDiff(fileA, fileB, options);
  diffs.push(diff);
  await settleScan(diff, 'the comparison');
  return diff;
}

function allEntries(diff: ByteDiff): DiffRange[] {
  const flat = diff.entries(0, diff.progress().entries);
  const out: DiffRange[] = [];
  for (let i = 0; i < flat.length; i += 2) out.push({ start: flat[i]!, end: flat[i + 1]! });
  return out;
}

function walkForward(diff: ByteDiff): DiffRange[] {
  const seen: DiffRange[] = [];
  for (let range = diff.step(0, 1); range !== null; range = diff.step(range.start + 1, 1)) seen.push(range);
  return seen;
}

function walkBack(diff: ByteDiff, size: number): DiffRange[] {
  const seen: DiffRange[] = [];
  for (let range = diff.step(size, -1); range !== null; range = range.start === 0 ? null : diff.step(range.start, -1)) {
    seen.push(range);
  }
  return seen.reverse();
}

function expectMatchesNaive(diff: ByteDiff, a: Uint8Array, b: Uint8Array): void {
  const expected = naiveRanges(a, b);
  const progress = diff.progress();
  expect(progress.error).toBeNull();
  expect(progress.done).toBe(true);
  expect(progress.ranges).toBe(expected.length);
  expect(progress.bytes).toBe(expected.reduce((sum, range) => sum + range.end - range.start, 0));
  if (progress.gap === 0) expect(allEntries(diff)).toEqual(expected);
  const size = Math.max(a.length, b.length);
  expect(walkForward(diff)).toEqual(expected);
  expect(walkBack(diff, size)).toEqual(expected);
}

const sizes = (random: SeededRandom, size: number, chunk: number): number[] => {
  const boundaries: number[] = [];
  for (let at = chunk; at < size; at += chunk) if (random.int(2) === 0) boundaries.push(at);
  return boundaries;
};

describe('ByteDiff against a naive byte loop', () => {
  it('finds every range of seeded edits, across chunk and thread boundaries', async () => {
    const random = seededRandom(1407);
    for (let round = 0; round < 12; round++) {
      const size = 1 + random.int(200_000);
      const chunkBytes = [64, 1000, 4096, 65_536][round % 4]!;
      const base = random.bytes(size);
      const changed = edited(random, base, 1 + random.int(300), sizes(random, size, chunkBytes));
      const diff = await compare(base, changed, { chunkBytes, threads: 1 + (round % 3) });
      expectMatchesNaive(diff, base, changed);
    }
  });

  it('counts a difference at offset 0 and at the last byte', async () => {
    const base = new Uint8Array(10_000).fill(7);
    const changed = base.slice();
    changed[0] = 1;
    changed[9_999] = 1;
    const diff = await compare(base, changed, { chunkBytes: 100 });
    expectMatchesNaive(diff, base, changed);
    expect(allEntries(diff)).toEqual([
      { start: 0, end: 1 },
      { start: 9_999, end: 10_000 },
    ]);
  });

  it('counts a run that spans every chunk as one range', async () => {
    const base = new Uint8Array(5_000);
    const changed = new Uint8Array(5_000).fill(1);
    const diff = await compare(base, changed, { chunkBytes: 7, threads: 2 });
    expectMatchesNaive(diff, base, changed);
    expect(diff.progress().ranges).toBe(1);
  });

  it('counts the longer file’s tail as one more range, either way round', async () => {
    const random = seededRandom(21);
    const base = random.bytes(3_000);
    const longer = new Uint8Array(4_500);
    longer.set(base);
    longer[2_999] = base[2_999]! ^ 1; // a range ending where the shorter file ends: still apart
    longer.set(random.bytes(1_500), 3_000);
    for (const [a, b] of [
      [base, longer],
      [longer, base],
    ] as const) {
      const diff = await compare(a, b, { chunkBytes: 256 });
      expectMatchesNaive(diff, a, b);
      expect(diff.progress().ranges).toBe(2);
      expect(diff.step(3_000, 1)).toEqual({ start: 3_000, end: 4_500 });
      expect(diff.step(4_000, -1)).toEqual({ start: 3_000, end: 4_500 });
    }
  });

  it('compares empty files, and an empty file with another', async () => {
    const empty = new Uint8Array(0);
    const some = new Uint8Array([1, 2, 3]);
    const both = await compare(empty, empty);
    expect(both.progress()).toMatchObject({ done: true, ranges: 0, bytes: 0, totalBytes: 0 });
    expect(both.step(0, 1)).toBeNull();
    const one = await compare(empty, some);
    expectMatchesNaive(one, empty, some);
    expect(one.progress()).toMatchObject({ ranges: 1, bytes: 3 });
  });

  it('finds nothing in identical files', async () => {
    const same = seededRandom(5).bytes(100_000);
    const diff = await compare(same, same.slice(), { chunkBytes: 4096 });
    expect(diff.progress()).toMatchObject({ done: true, ranges: 0, bytes: 0, entries: 0, gap: 0 });
    expect(diff.step(0, 1)).toBeNull();
    expect(diff.step(100_000, -1)).toBeNull();
  });

  it('coalesces past the cap, keeps the counts exact and still steps through every range', async () => {
    const random = seededRandom(77);
    for (let round = 0; round < 6; round++) {
      const size = 20_000 + random.int(80_000);
      const chunkBytes = [64, 4096, 1_000][round % 3]!;
      const base = random.bytes(size);
      const changed = edited(random, base, 400 + random.int(400), sizes(random, size, chunkBytes));
      const diff = await compare(base, changed, { chunkBytes, maxEntries: 2 + random.int(40), threads: 2 });
      const progress = diff.progress();
      expect(progress.gap).toBeGreaterThan(0);
      expect(progress.entries).toBeLessThanOrEqual(64);
      expectMatchesNaive(diff, base, changed);
      // Each entry starts where a range starts and ends where one ends.
      const ranges = naiveRanges(base, changed);
      const starts = new Set(ranges.map((range) => range.start));
      const ends = new Set(ranges.map((range) => range.end));
      for (const entry of allEntries(diff)) {
        expect(starts.has(entry.start)).toBe(true);
        expect(ends.has(entry.end)).toBe(true);
      }
    }
  });

  it('steps from any offset to the next and the previous range, as the naive list says', async () => {
    const random = seededRandom(99);
    const base = random.bytes(30_000);
    const changed = edited(random, base, 200, []);
    const ranges = naiveRanges(base, changed);
    for (const maxEntries of [undefined, 5]) {
      const diff = await compare(base, changed, { chunkBytes: 512, ...(maxEntries ? { maxEntries } : {}) });
      for (let i = 0; i < 500; i++) {
        const offset = random.int(30_001);
        const next = ranges.find((range) => range.start >= offset) ?? null;
        const previous = ranges.findLast((range) => range.start < offset) ?? null;
        expect(diff.step(offset, 1)).toEqual(next);
        expect(diff.step(offset, -1)).toEqual(previous);
      }
    }
  });

  it('gives entry counts per bucket for the scrollbar', async () => {
    const base = new Uint8Array(1_000);
    const changed = base.slice();
    changed[0] = 1;
    changed[999] = 1;
    changed[500] = 1;
    const diff = await compare(base, changed);
    expect([...diff.ticks(4)]).toEqual([1, 0, 1, 1]);
  });

  it('says EFILECHANGED when a file shrinks under it, and refuses bad options', async () => {
    const big = new Uint8Array(4 << 20).fill(3);
    const pathA = temp.makeFile('a.bin', big);
    const pathB = temp.makeFile('b.bin', big);
    const fileA = openMapped(pathA, 'readonly');
    const fileB = openMapped(pathB, 'readonly');
    openFiles.push(fileA, fileB);
    truncateSync(pathB, 1000);
    const diff = createByteDiff(fileA, fileB, { chunkBytes: 4096 });
    diffs.push(diff);
    await settleScan(diff, 'the comparison');
    expect(diff.progress().error?.code).toBe('EFILECHANGED');
    expectNativeError(() => diff.step(0, 1), 'EFILECHANGED');
    expectNativeError(() => createByteDiff(fileA, fileB, { maxEntries: 1 }), 'EINVAL');
    expectNativeError(() => createByteDiff(fileA, fileB, { threads: 0 }), 'EINVAL');
  });

  // Opt-in (HEXLOG_BIG_TESTS=1): reading 2 × 4 GiB of holes fills the page cache with zero pages
  // and takes ~20 s on a busy machine.
  it.skipIf(process.env['HEXLOG_BIG_TESTS'] !== '1')(
    'finds a difference past 4 GiB in sparse files (64-bit offsets)',
    async () => {
      const size = 4 * GiB + 4096;
      const at = 4 * GiB + 123;
      const fileA = openMapped(temp.makeSparseFile('a.bin', size, '', 0), 'readonly');
      const fileB = openMapped(temp.makeSparseFile('b.bin', size, 'xy', at), 'readonly');
      openFiles.push(fileA, fileB);
      const diff = createByteDiff(fileA, fileB);
      diffs.push(diff);
      await settleScan(diff, 'the comparison', 120_000);
      expect(diff.progress()).toMatchObject({ done: true, ranges: 1, bytes: 2, totalBytes: size });
      expect(diff.step(0, 1)).toEqual({ start: at, end: at + 2 });
      expect(diff.step(size, -1)).toEqual({ start: at, end: at + 2 });
    },
    120_000,
  );

  it('stops when cancelled and releases its threads when disposed', async () => {
    const big = new Uint8Array(32 << 20);
    const fileA = openMapped(temp.makeFile('a.bin', big), 'readonly');
    const fileB = openMapped(temp.makeFile('b.bin', big), 'readonly');
    openFiles.push(fileA, fileB);
    const diff = createByteDiff(fileA, fileB, { chunkBytes: 4096, threads: 2 });
    diff.cancel();
    await settleScan(diff, 'the comparison');
    const progress = diff.progress();
    expect(progress.done || progress.cancelled).toBe(true);
    diff.dispose();
    expect(byteDiffWorkerThreads()).toBe(0);
    expectNativeError(() => diff.progress(), 'ECLOSED');
  });
});
