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

/** The bytes of line `line` of a file, its line end included: any function of the line, the same for every reader. */
const spanOf = (line: number): number => 1 + ((line * 7919) % 53);

/** Where line `line` starts: the spans of the lines before it. */
function startOf(line: number): number {
  let at = 0;
  for (let i = 0; i < line; i++) at += spanOf(i);
  return at;
}

const sourceOf = (times: Float64Array, reads: { calls: number } = { calls: 0 }): MergeSource => {
  const starts = new Float64Array(times.length + 1);
  for (let line = 0; line < times.length; line++) starts[line + 1] = starts[line]! + spanOf(line);
  return {
    lines: times.length,
    readTimes: (first, count) => {
      reads.calls++;
      return times.slice(first, first + count);
    },
    starts: (lines) => lines.map((line) => starts[line]!),
  };
};

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

/** Each row's offset in the merged text: the rows' lines one after another, each with its line end. */
function offsetsOf(rows: readonly [number, number][]): number[] {
  let at = 0;
  return rows.map(([, line]) => {
    const start = at;
    at += spanOf(line);
    return start;
  });
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

  it('holds half a byte a row and a few bytes per checkpoint, never the lines, and reads times in batches', () => {
    const random = seededRandom(9);
    const files = [fileTimes(random, 200_000, false), fileTimes(random, 150_000, false)];
    const reads = { calls: 0 };
    const index = new MergeIndex(files.map((times) => sourceOf(times, reads)));
    index.advance(Number.MAX_SAFE_INTEGER);
    expect(index.memoryBytes / index.totalRows).toBeLessThan(0.52);
    expect(reads.calls).toBeLessThan((350_000 / 4096) * 2 + 10);
    // A row deep in the file is counted from its checkpoint, without reading a time.
    reads.calls = 0;
    expect(index.rows(300_000, 10).files.length).toBe(10);
    expect(reads.calls).toBe(0);
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

  it('gives each row its offset in the merged text, and finds the row holding an offset', () => {
    for (let seed = 60; seed <= 70; seed++) {
      const random = seededRandom(seed);
      const files = Array.from({ length: 1 + random.int(4) }, () =>
        fileTimes(random, random.int(9000), seed % 2 === 0),
      );
      const index = new MergeIndex(files.map((times) => sourceOf(times)));
      while (index.advance(1 + random.int(7000)));
      const rows = rowsOf(index, 0, index.totalRows);
      const offsets = offsetsOf(rows);
      expect(Array.from(index.rows(0, index.totalRows).offsets)).toEqual(offsets);
      const end = rows.length === 0 ? 0 : offsets.at(-1)! + spanOf(rows.at(-1)![1]);
      expect(index.textLength()).toBe(end);
      for (let k = 0; k < 40 && rows.length > 0; k++) {
        const row = random.int(rows.length);
        const first = random.int(rows.length);
        expect(Array.from(index.rows(first, 5).offsets)).toEqual(offsets.slice(first, first + 5));
        const inside = offsets[row]! + random.int(spanOf(rows[row]![1]));
        expect(index.rowAtOffset(inside), `seed ${seed} offset ${inside}`).toBe(row);
      }
      expect(index.rowAtOffset(end)).toBe(rows.length);
      expect(index.rowAtOffset(end + 100)).toBe(rows.length);
    }
  });

  it('locates the rows of any lines of the files in one walk, as a look-up in the merged rows does', () => {
    for (let seed = 80; seed <= 95; seed++) {
      const random = seededRandom(seed);
      const files = Array.from({ length: 1 + random.int(4) }, () =>
        fileTimes(random, random.int(4) === 0 ? random.int(20) : random.int(30_000), seed % 3 === 0),
      );
      const index = new MergeIndex(files.map((times) => sourceOf(times)));
      index.advance(Number.MAX_SAFE_INTEGER);
      const rows = rowsOf(index, 0, index.totalRows);
      const offsets = offsetsOf(rows);
      const rowOf = new Map(rows.map(([file, line], row) => [`${file}:${line}`, row]));
      // Dense, sparse or no lines a file; repeats (several matches on a line) allowed.
      const targets = files.map((times) => {
        const density = [0, 0.0005, 0.01, 0.5, 1][random.int(5)]!;
        const lines: number[] = [];
        for (let line = 0; line < times.length; line++) {
          if (random.next() < density) lines.push(line);
          if (random.int(50) === 0 && lines.at(-1) === line) lines.push(line);
        }
        return Float64Array.from(lines);
      });
      const locator = index.locate(targets, true);
      targets.forEach((lines, file) => {
        const expected = Array.from(lines, (line) => rowOf.get(`${file}:${line}`)!);
        expect(Array.from(locator.rows[file]!), `seed ${seed} file ${file}`).toEqual(expected);
        // The other files' bytes before the row: the row's offset less the file's own lines before it.
        expect(Array.from(locator.before[file]!)).toEqual(
          Array.from(lines, (line, k) => offsets[expected[k]!]! - startOf(line)),
        );
      });
    }
  });

  it('locates lines far apart without reading a time, and a line of another file from its row', () => {
    const random = seededRandom(7);
    const files = [fileTimes(random, 400_000, false), fileTimes(random, 300_000, false)];
    const reads = { calls: 0 };
    const index = new MergeIndex(files.map((times) => sourceOf(times, reads)));
    index.advance(Number.MAX_SAFE_INTEGER);
    reads.calls = 0;
    const located = index.locate([Float64Array.of(10, 200_000, 399_999), Float64Array.of(150_000)], true);
    expect(reads.calls).toBe(0);
    const rows = rowsOf(index, 0, index.totalRows);
    expect(rows[located.rows[0]![2]!]).toEqual([0, 399_999]);
    expect(rows[located.rows[1]![0]!]).toEqual([1, 150_000]);
    expect(index.rows(located.rows[1]![0]!, 1).offsets[0]).toBe(located.before[1]![0]! + startOf(150_000));
    // Past the lines: not found.
    expect(Array.from(index.locate([Float64Array.of(400_000), Float64Array.of()]).rows[0]!)).toEqual([-1]);
    // Reading rows reads no time either: each row's file is kept.
    expect(index.rows(500_000, 100).files).toHaveLength(100);
    expect(reads.calls).toBe(0);
    expect(index.memoryBytes / index.totalRows).toBeLessThan(0.52);
    expect(startOf(3)).toBe(spanOf(0) + spanOf(1) + spanOf(2));
  });

  it('takes lines appended after everything merged into the merge, as merging again would; refuses what would reorder it', () => {
    let extended = 0;
    let refused = 0;
    for (let seed = 100; seed <= 160; seed++) {
      const random = seededRandom(seed);
      const full = Array.from({ length: 1 + random.int(3) }, () => fileTimes(random, random.int(6000), false));
      // Each file as it was (a prefix), then as it is; appended lines mostly later than everything.
      const cut = full.map((times) => (random.int(3) === 0 ? times.length : random.int(times.length + 1)));
      const lengths = [...cut];
      const shown = full.map((times, file) => ({
        get lines() {
          return lengths[file]!;
        },
        readTimes: sourceOf(times).readTimes,
        starts: sourceOf(times).starts,
      }));
      const index = new MergeIndex(shown);
      index.advance(Number.MAX_SAFE_INTEGER);
      full.forEach((times, file) => (lengths[file] = times.length));
      const expected = new MergeIndex(full.map((times) => sourceOf(times)));
      expected.advance(Number.MAX_SAFE_INTEGER);
      if (index.extend(lengths)) {
        extended++;
        while (index.advance(1 + random.int(3000)));
        expect(rowsOf(index, 0, index.totalRows), `seed ${seed}`).toEqual(rowsOf(expected, 0, expected.totalRows));
        expect(Array.from(index.rows(0, index.totalRows).offsets)).toEqual(
          Array.from(expected.rows(0, expected.totalRows).offsets),
        );
        expect(index.rowAtTime(1_000_000 + random.int(100_000))).toBeLessThanOrEqual(index.totalRows);
      } else refused++;
    }
    // Sorted files cut anywhere: some appends fit after the merge, and some do not.
    expect(extended).toBeGreaterThan(5);
    expect(refused).toBeGreaterThan(5);
  });

  it('appends a followed log whose new lines come later: one file, then another', () => {
    const times = [Float64Array.of(10, 20, Number.NaN, 30), Float64Array.of(15, 25, 40, 50, Number.NaN)];
    const lengths = [2, 2];
    const index = new MergeIndex(
      times.map((all, file) => ({
        get lines() {
          return lengths[file]!;
        },
        readTimes: sourceOf(all).readTimes,
        starts: sourceOf(all).starts,
      })),
    );
    index.advance(100);
    expect(rowsOf(index, 0, 4)).toEqual([
      [0, 0],
      [1, 0],
      [0, 1],
      [1, 1],
    ]);
    // A continuation line of an earlier block: merge again.
    expect(index.extend([3, 2])).toBe(false);
    expect(index.extend([2, 4])).toBe(true);
    index.advance(100);
    expect(rowsOf(index, 0, 10)).toEqual([
      [0, 0],
      [1, 0],
      [0, 1],
      [1, 1],
      [1, 2],
      [1, 3],
    ]);
    // 30 is before 50, merged already.
    expect(index.extend([4, 4])).toBe(false);
    expect(index.extend([2, 5])).toBe(false);
  });
});
