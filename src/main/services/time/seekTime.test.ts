import { describe, expect, it } from 'vitest';
import { seededRandom, type SeededRandom } from '../../../shared/seededRandom';
import { LOOK_BACK_LINES, SEEK_WINDOW, seekTime, timeAround, type ReadTimes } from './seekTime';

/** Own times of a generated log: nearly sorted, with continuation lines, a preamble and local disorder. */
function generatedTimes(random: SeededRandom, lines: number, disorder: number): Float64Array {
  const times = new Float64Array(lines).fill(Number.NaN);
  let now = 1_700_000_000_000 + random.int(1e9);
  const preamble = random.int(3) === 0 ? random.int(50) : 0;
  for (let line = preamble; line < lines; line++) {
    // Continuations (stack traces) in runs; sometimes long untimed blocks.
    if (random.int(6) === 0) continue;
    if (random.int(500) === 0) {
      line += random.int(3000);
      continue;
    }
    now += random.int(4) === 0 ? 0 : random.int(2000);
    times[line] = now;
  }
  // Local disorder: swap timed lines at most `disorder` lines apart.
  for (let k = 0; k < lines / 20; k++) {
    const a = random.int(lines);
    const b = Math.min(lines - 1, a + 1 + random.int(Math.max(1, disorder)));
    if (disorder === 0 || Number.isNaN(times[a]!) || Number.isNaN(times[b]!)) continue;
    [times[a], times[b]] = [times[b]!, times[a]!];
  }
  return times;
}

const reader = (times: Float64Array, reads: { lines: number }): ReadTimes => {
  return (first, count) => {
    const slice = times.slice(first, Math.min(times.length, first + count));
    reads.lines += slice.length;
    return slice;
  };
};

function linear(times: Float64Array, target: number): { line: number; ms: number } | null {
  for (let line = 0; line < times.length; line++) if (times[line]! >= target) return { line, ms: times[line]! };
  return null;
}

describe('seekTime', () => {
  it('finds what a linear scan finds, over seeded logs with local disorder and continuation lines', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const random = seededRandom(seed);
      const lines = [0, 1, 7, 500, 5000, 60_000, 200_000][seed % 7]!;
      const disorder = [0, 3, 40, SEEK_WINDOW / 4][seed % 4]!;
      const times = generatedTimes(random, lines, disorder);
      const timed = times.filter((t) => !Number.isNaN(t));
      const min = timed.length > 0 ? Math.min(...timed.slice(0, 1000)) : 0;
      const max = timed.length > 0 ? timed[timed.length - 1]! : 0;
      const targets = [
        min - 1000,
        min,
        max,
        max + 1,
        ...Array.from({ length: 30 }, () => min + random.int(max - min + 1)),
      ];
      for (let i = 0; i < 10 && timed.length > 0; i++) targets.push(timed[random.int(timed.length)]!);
      for (const target of targets) {
        const reads = { lines: 0 };
        const found = seekTime(reader(times, reads), lines, target);
        expect(found, `seed ${seed}, ${lines} lines, disorder ${disorder}, target ${target}`).toEqual(
          linear(times, target),
        );
        // Logarithmic in the lines, plus the window: never a scan of a big file.
        if (lines >= 60_000) expect(reads.lines).toBeLessThan(40_000);
      }
    }
  });

  it('lands on the first of equal times, and passes over a long block without times', () => {
    const times = new Float64Array(100_000).fill(Number.NaN);
    for (let line = 0; line < 40_000; line++) times[line] = 1000 + Math.floor(line / 10);
    for (let line = 60_000; line < 100_000; line++) times[line] = 10_000 + line;
    const read = reader(times, { lines: 0 });
    expect(seekTime(read, times.length, 1500)).toEqual({ line: 5000, ms: 1500 });
    expect(seekTime(read, times.length, 5000)).toEqual({ line: 60_000, ms: 70_000 });
    expect(seekTime(read, times.length, 200_000)).toBeNull();
    expect(seekTime(read, 0, 0)).toBeNull();
  });
});

describe('timeAround', () => {
  it('gives a line its own time or the time above it, and the time before that', () => {
    const random = seededRandom(7);
    const times = generatedTimes(random, 20_000, 0);
    const read = reader(times, { lines: 0 });
    for (let k = 0; k < 500; k++) {
      const line = random.int(times.length);
      const above: number[] = [];
      for (let at = line; at >= Math.max(0, line - LOOK_BACK_LINES) && above.length < 2; at--) {
        if (!Number.isNaN(times[at]!)) above.push(times[at]!);
      }
      expect(timeAround(read, line)).toEqual({
        ms: above[0] ?? null,
        own: !Number.isNaN(times[line]!),
        previousMs: above[1] ?? null,
      });
    }
  });
});
