import { describe, expect, it } from 'vitest';
import { seededRandom, type SeededRandom } from '../../../shared/seededRandom';
import { CHECKPOINT_ROWS, MergeIndex, type MergeSource } from './mergeIndex';

/** A file's own times: a preamble without times, timed lines with continuation lines, maybe out of order. */
function fileTimes(random: SeededRandom, lines: number, disorder: boolean): Float64Array {
  const times = new Float64Array(lines).fill(Number.NaN);
  let now = 1_000_000 + random.int(5000);
  const preamble = random.int(3) === 0 ? random.int(4) : 0;
  for (let line = preamble; line < lines; line++) {
    if (line > preamble && random.int(5) === 0) continue; // a continuation line
    now += random.int(3) === 0 ? 0 : random.int(40);
    times[line] = disorder && random.int(10) === 0 ? now - random.int(30) : now;
  }
  return times;
}

const sourceOf = (times: Float64Array, reads: { calls: number } = { calls: 0 }): MergeSource => ({
  lines: times.length,
  readTimes: (first, count) => {
    reads.calls++;
    return times.slice(first, first + count);
  },
});

interface Block {
  readonly time: number;
  readonly file: number;
  readonly lines: number[];
}

/** The blocks of each file, sorted stably by time (files in order): what the merge must give for sorted files. */
function naiveSorted(files: readonly Float64Array[]): [number, number][] {
  const blocks: Block[] = [];
  files.forEach((times, file) => {
    const first = times.find((ms) => !Number.isNaN(ms)) ?? Number.POSITIVE_INFINITY;
    let block: Block | null = null;
    times.forEach((ms, line) => {
      if (block === null || !Number.isNaN(ms)) {
        block = { time: Number.isNaN(ms) ? first : ms, file, lines: [] };
        blocks.push(block);
      }
      block.lines.push(line);
    });
  });
  // Array.prototype.sort is stable: equal times keep the files' order, and each file's order.
  blocks.sort((a, b) => a.time - b.time);
  return blocks.flatMap((block) => block.lines.map((line) => [block.file, line] as [number, number]));
}

function rowsOf(index: MergeIndex, first: number, count: number): [number, number][] {
  const { files, lines } = index.rows(first, count);
  return Array.from(files, (file, i) => [file, lines[i]!] as [number, number]);
}

describe('MergeIndex', () => {
  it('merges sorted files as a stable sort of their blocks does, read in any order from its checkpoints', () => {
    for (let seed = 1; seed <= 30; seed++) {
      const random = seededRandom(seed);
      const count = 1 + random.int(5);
      const files = Array.from({ length: count }, () =>
        fileTimes(random, [0, 1, 5, 300, 3000, 12_000][random.int(6)]!, false),
      );
      const expected = naiveSorted(files);
      const index = new MergeIndex(files.map((times) => sourceOf(times)));
      expect(index.totalRows).toBe(expected.length);
      // Built a little at a time, as the services do between requests.
      while (index.advance(1 + random.int(5000)));
      expect(index.rowsKnown).toBe(expected.length);
      expect(rowsOf(index, 0, expected.length)).toEqual(expected);
      for (let k = 0; k < 20 && expected.length > 0; k++) {
        const first = random.int(expected.length);
        const length = 1 + random.int(300);
        expect(rowsOf(index, first, length), `seed ${seed} rows ${first}+${length}`).toEqual(
          expected.slice(first, first + length),
        );
      }
    }
  });

  it('keeps each file in its own order and continuation lines after their line, when times go back', () => {
    for (let seed = 40; seed <= 55; seed++) {
      const random = seededRandom(seed);
      const files = Array.from({ length: 2 + random.int(3) }, () => fileTimes(random, 2000 + random.int(4000), true));
      const index = new MergeIndex(files.map((times) => sourceOf(times)));
      index.advance(Number.MAX_SAFE_INTEGER);
      const rows = rowsOf(index, 0, index.totalRows);
      const seen = files.map(() => -1);
      for (const [at, [file, line]] of rows.entries()) {
        // Every line once, each file's lines in order.
        expect(line).toBe(seen[file]! + 1);
        seen[file] = line;
        // A line without a time follows the line before it in its file (within its block).
        if (line > 0 && Number.isNaN(files[file]![line]!) && at > 0) expect(rows[at - 1]).toEqual([file, line - 1]);
      }
      expect(seen).toEqual(files.map((times) => times.length - 1));
    }
  });

  it('holds a few bytes per checkpoint, never the lines, and reads times in batches', () => {
    const random = seededRandom(9);
    const files = [fileTimes(random, 200_000, false), fileTimes(random, 150_000, false)];
    const reads = { calls: 0 };
    const index = new MergeIndex(files.map((times) => sourceOf(times, reads)));
    index.advance(Number.MAX_SAFE_INTEGER);
    expect(index.memoryBytes / index.totalRows).toBeLessThan(0.02);
    expect(reads.calls).toBeLessThan((350_000 / 4096) * 2 + 10);
    // A row deep in the file is a replay of at most one checkpoint's rows.
    reads.calls = 0;
    expect(index.rows(300_000, 10).files.length).toBe(10);
    expect(reads.calls).toBeLessThanOrEqual(4);
    expect(CHECKPOINT_ROWS).toBeGreaterThan(0);
  });

  it('finds the first row at or after a time', () => {
    const random = seededRandom(12);
    const files = [fileTimes(random, 20_000, false), fileTimes(random, 30_000, false)];
    const expected = naiveSorted(files);
    const index = new MergeIndex(files.map((times) => sourceOf(times)));
    index.advance(Number.MAX_SAFE_INTEGER);
    const timeOfRow = (row: number): number => {
      const [file, line] = expected[row]!;
      return files[file]![line]!;
    };
    for (let k = 0; k < 50; k++) {
      const target = timeOfRow(random.int(expected.length)) + random.int(3) - 1;
      const row = expected.findIndex(([file, line]) => files[file]![line]! >= target);
      expect(index.rowAtTime(target), `time ${target}`).toBe(row < 0 ? expected.length : row);
    }
  });

  it('takes a file without times after every timed line, and refuses no files', () => {
    const timed = Float64Array.from([5, 6, Number.NaN, 7]);
    const plain = new Float64Array(3).fill(Number.NaN);
    const index = new MergeIndex([sourceOf(plain), sourceOf(timed)]);
    index.advance(100);
    expect(rowsOf(index, 0, 7)).toEqual([
      [1, 0],
      [1, 1],
      [1, 2],
      [1, 3],
      [0, 0],
      [0, 1],
      [0, 2],
    ]);
    expect(() => new MergeIndex([])).toThrow(RangeError);
  });
});
