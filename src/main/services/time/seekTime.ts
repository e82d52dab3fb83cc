// Go to time: the first line whose own time is at or after a target, found by a binary search
// over line numbers (a few short reads) and settled by a linear look through a window around where
// it lands. Logs are nearly sorted: a line written out of order (threads, buffered writers) sits
// within SEEK_WINDOW / 4 lines of where its time belongs, and the window finds it exactly as a linear
// scan from the start would. Lines without a time of their own (continuations) are passed over.

/** The own time of lines [first, first + count) (NaN where a line has none); fewer past the end. */
export type ReadTimes = (first: number, count: number) => Float64Array;

/** Lines read at each probe of the binary search, looking for one with a time. */
export const PROBE_LINES = 64;
/** Probes look this far ahead for a line with a time before they give up on a region. */
export const PROBE_REACH = 1024;
/** Lines either side of the landing point looked through linearly: the disorder tolerated. */
export const SEEK_WINDOW = 2048;
/** Lines read per call in the linear look. */
const READ_CHUNK = 4096;

export interface SeekHit {
  /** The first line (0-based) whose own time is at or after the target. */
  readonly line: number;
  readonly ms: number;
}

/** A line with a time in [from, end), looking at most `reach` lines ahead of `from`, or null. */
function timedAfter(read: ReadTimes, from: number, end: number, reach = PROBE_REACH): SeekHit | null {
  for (let at = from; at < Math.min(end, from + reach); at += PROBE_LINES) {
    const times = read(at, Math.min(PROBE_LINES, end - at));
    for (let i = 0; i < times.length; i++) {
      if (!Number.isNaN(times[i]!)) return { line: at + i, ms: times[i]! };
    }
    if (times.length === 0) break;
  }
  return null;
}

/** A line with a time in (start, before), looking at most PROBE_REACH lines back from `before`, or null. */
function timedBefore(read: ReadTimes, start: number, before: number): SeekHit | null {
  for (let end = before; end > Math.max(start + 1, before - PROBE_REACH); end -= PROBE_LINES) {
    const from = Math.max(start + 1, end - PROBE_LINES);
    const times = read(from, end - from);
    for (let i = times.length - 1; i >= 0; i--) {
      if (!Number.isNaN(times[i]!)) return { line: from + i, ms: times[i]! };
    }
  }
  return null;
}

/** The first line in [from, to) whose own time is at or after `target`, or null. */
function scan(read: ReadTimes, from: number, to: number, target: number): SeekHit | null {
  for (let at = from; at < to; at += READ_CHUNK) {
    const times = read(at, Math.min(READ_CHUNK, to - at));
    for (let i = 0; i < times.length; i++) {
      const ms = times[i]!;
      if (ms >= target) return { line: at + i, ms };
    }
    if (times.length === 0) break;
  }
  return null;
}

/**
 * The first of `lines` lines whose own time is at or after `target`, or null when none is (within
 * the window of the end). Reads O(log(lines) · PROBE_LINES + SEEK_WINDOW) lines.
 */
export function seekTime(read: ReadTimes, lines: number, target: number): SeekHit | null {
  let lo = 0;
  let hi = lines;
  // Where hi was before the search passed over lines with no time at all (then the answer is before
  // them, or around there).
  let beyond: number | null = null;
  // Each probe is a line with a time strictly between lo and hi: one before the target becomes lo,
  // one at or after it hi. With lines out of order by at most SEEK_WINDOW / 4, the first line at or
  // after the target stays within SEEK_WINDOW of [lo, hi].
  while (hi - lo > SEEK_WINDOW) {
    const mid = lo + Math.floor((hi - lo) / 2);
    // A long block without times around the middle (a dump, a binary blob) is read through once.
    const probe = timedAfter(read, mid, hi) ?? timedBefore(read, lo, mid) ?? timedAfter(read, mid, hi, Infinity);
    if (probe === null) {
      beyond ??= hi;
      hi = mid;
      continue;
    }
    if (probe.ms < target) lo = probe.line;
    else hi = probe.line;
  }
  const found = scan(read, Math.max(0, lo - SEEK_WINDOW), Math.min(lines, hi + SEEK_WINDOW), target);
  if (found !== null || beyond === null) return found;
  return scan(read, Math.max(hi, beyond - SEEK_WINDOW), Math.min(lines, beyond + SEEK_WINDOW), target);
}

export interface TimeAround {
  /** The line's time: its own, or that of the nearest line above with one; null if none within reach. */
  readonly ms: number | null;
  /** Whether the time is the line's own. */
  readonly own: boolean;
  /** The time of the nearest line with one above the line that gave `ms`, or null. */
  readonly previousMs: number | null;
}

/** Lines above a line looked at for its inherited time and for the previous time. */
export const LOOK_BACK_LINES = 1000;

/** The time of `line` (own or inherited) and the time before it, from one read of the lines above. */
export function timeAround(read: ReadTimes, line: number): TimeAround {
  const first = Math.max(0, line - LOOK_BACK_LINES);
  const times = read(first, line - first + 1);
  let at = times.length - 1;
  if (at < 0) return { ms: null, own: false, previousMs: null };
  const own = times.length === line - first + 1 && !Number.isNaN(times[at]!);
  while (at >= 0 && Number.isNaN(times[at]!)) at--;
  if (at < 0) return { ms: null, own: false, previousMs: null };
  const ms = times[at]!;
  at--;
  while (at >= 0 && Number.isNaN(times[at]!)) at--;
  return { ms, own, previousMs: at >= 0 ? times[at]! : null };
}
