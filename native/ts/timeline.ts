// Timeline: how the lines of a mapped file spread over time. One parallel pass in the addon counts
// every line into one of `buckets` equal time buckets over [fromMs, toMs), and per bucket the
// lines each rule matches. A line without a time of its own takes the time of the nearest line
// above that has one; lines before the file's first timed line take that line's time. So the line
// counts add up to the lines a LineIndex counts. Counts are exact for the contiguous scanned
// prefix and grow as the pass goes on; the pass grows with the file (`extend`).

import { loadBinding, type NativeTimeline } from './binding';
import { describe, requireOptionalInteger } from './checks';
import { callNative, invalid } from './errors';
import { flattenRules, type LineRule } from './lineRules';
import { type MappedFile, nativeMappedFileOf } from './mappedFile';
import { type TimeFormatSpec, timeFormatArgs } from './time';

export const TIMELINE_LIMITS = {
  maxBuckets: 65536,
  maxRules: 64,
  maxThreads: 64,
  maxChunkBytes: 2 ** 30,
} as const;

export interface TimelineOptions {
  /** Worker threads, 1..64 (default: hardware concurrency, at most 2). */
  readonly threads?: number;
  /** Bytes a worker takes at a time, 1..2^30 (default 4 MiB); tests use tiny ones. */
  readonly chunkBytes?: number;
  /** PCRE2's match limit per call; a line that needs more fails the pass with ECOMPLEX. */
  readonly matchLimit?: number;
}

export interface TimelineProgress {
  /** End of the contiguous prefix of scanned bytes, from 0. */
  readonly bytesScanned: number;
  readonly totalBytes: number;
  /** Lines starting in that prefix. */
  readonly linesScanned: number;
  readonly done: boolean;
  readonly cancelled: boolean;
  readonly error: { readonly code: string; readonly message: string } | null;
  readonly workersRunning: number;
}

export interface TimelineCounts {
  /** buckets × (1 + rules): entry b*(1+K) is bucket b's line count, b*(1+K)+1+k the lines rule k matches in it. Over the contiguous scanned prefix. */
  readonly counts: Float64Array;
  /** Lines with a parsed time in the prefix, and the least and greatest time seen (NaN if none). */
  readonly timedLines: number;
  readonly minMs: number;
  readonly maxMs: number;
  /** Lines whose (inherited) time fell before fromMs / at or after toMs: they are counted in the first / last bucket. */
  readonly below: number;
  readonly above: number;
  /**
   * Lines of the prefix in no bucket yet: those before the file's first timed line while the pass
   * has not reached it. The line counts plus pendingLines are linesScanned. Once the pass is done
   * this is 0: a file with no timed line at all has every line in bucket 0.
   */
  readonly pendingLines: number;
}

export interface Timeline {
  progress(): TimelineProgress;
  counts(): TimelineCounts;
  /** Goes on over a grown mapping of the same file, once done (EBUSY before); a last line without a newline is counted again with the new bytes. */
  extend(file: MappedFile): void;
  cancel(): void;
  dispose(): void;
}

/**
 * Starts counting the lines of `file` over time. `rules` are LineFilter's rules, include only
 * (exclude: true is refused). Throws NativeError: EINVAL (with `rule`, and `patternOffset` for a
 * regex PCRE2 rejects), ENOTSUP for a regex rule without PCRE2.
 */
export function createTimeline(
  file: MappedFile,
  format: TimeFormatSpec,
  fromMs: number,
  toMs: number,
  buckets: number,
  rules: readonly LineRule[],
  options: TimelineOptions = {},
): Timeline {
  const native = nativeMappedFileOf(file);
  if (native === undefined) throw invalid(`file must be a MappedFile from openMapped, got ${describe(file)}`);
  const path = file.path;
  const formatArgs = timeFormatArgs(format, path);
  for (const [name, value] of [
    ['fromMs', fromMs],
    ['toMs', toMs],
  ] as const) {
    if (!Number.isSafeInteger(value)) throw invalid(`${name} must be a safe integer, got ${describe(value)}`, path);
  }
  if (!(fromMs < toMs)) throw invalid(`fromMs must be below toMs, got ${fromMs} and ${toMs}`, path);
  if (!(Number.isInteger(buckets) && buckets >= 1 && buckets <= TIMELINE_LIMITS.maxBuckets)) {
    throw invalid(`buckets must be an integer from 1 to ${TIMELINE_LIMITS.maxBuckets}, got ${describe(buckets)}`, path);
  }
  if (Array.isArray(rules)) {
    if (rules.length > TIMELINE_LIMITS.maxRules) {
      throw invalid(`at most ${TIMELINE_LIMITS.maxRules} rules, got ${rules.length}`, path);
    }
    rules.forEach((rule: unknown, i) => {
      if (typeof rule === 'object' && rule !== null && (rule as { exclude?: unknown }).exclude === true) {
        throw invalid(
          `rules[${i}] excludes: a timeline counts the lines each rule matches, so it takes no exclude rule`,
          path,
        );
      }
    });
  }
  const flat = flattenRules(rules, path);
  const { threads, chunkBytes, matchLimit } = options;
  requireOptionalInteger('threads', threads, 1, TIMELINE_LIMITS.maxThreads, path);
  requireOptionalInteger('chunkBytes', chunkBytes, 1, TIMELINE_LIMITS.maxChunkBytes, path);
  requireOptionalInteger('matchLimit', matchLimit, 1, 2 ** 32 - 1, path);
  const binding = loadBinding();
  const handle = callNative(
    () =>
      binding.Timeline.create(
        native,
        ...formatArgs,
        fromMs,
        toMs,
        buckets,
        ...flat,
        threads ?? 0,
        chunkBytes ?? 0,
        matchLimit ?? 0,
      ),
    path,
  );
  return new TimelineHandle(path, handle);
}

class TimelineHandle implements Timeline {
  readonly #path: string;
  readonly #native: NativeTimeline;

  constructor(path: string, native: NativeTimeline) {
    this.#path = path;
    this.#native = native;
  }

  progress(): TimelineProgress {
    return callNative(() => this.#native.progress(), this.#path);
  }

  counts(): TimelineCounts {
    return callNative(() => this.#native.counts(), this.#path);
  }

  extend(file: MappedFile): void {
    const native = nativeMappedFileOf(file);
    if (native === undefined)
      throw invalid(`file must be a MappedFile from openMapped, got ${describe(file)}`, this.#path);
    callNative(() => this.#native.extend(native), this.#path);
  }

  cancel(): void {
    callNative(() => this.#native.cancel(), this.#path);
  }

  dispose(): void {
    this.#native.dispose();
  }
}
