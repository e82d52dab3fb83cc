// LineFilter: the lines of a mapped file that match a rule set (include and exclude rules, byte
// patterns or PCRE2 regexes), found by worker threads in the addon in one pass, with their exact
// 0-based line numbers (counted on the way, not looked up) and line starts. A line is kept when it
// matches any include rule (every line when there is none) and no exclude rule; a regex rule
// matches a line where RegexSearch would find a match in it. Grows with the file (`extend`).

import { loadBinding, type NativeLineFilter } from './binding';
import { describe, requireOffset, requireOptionalInteger } from './checks';
import { callNative, invalid } from './errors';
import { type MappedFile, nativeMappedFileOf } from './mappedFile';
import { flattenRules, type LineRule } from './lineRules';
import type { SearchOptions, SearchProgress } from './search';

export type { LineRule } from './lineRules';

export const LINE_FILTER_LIMITS = {
  maxRules: 64,
  maxThreads: 64,
  maxChunkBytes: 2 ** 30,
  maxResultsPerRead: 2 ** 24,
} as const;

export interface LineFilterOptions extends SearchOptions {
  /** PCRE2's match limit per call; a line that needs more fails the filter with ECOMPLEX. */
  readonly matchLimit?: number;
  /**
   * Keep only the kept lines' numbers: 4 bytes a line instead of 8. `results` then answers empty
   * offsets and `indexAtOffset` fails with EINVAL. For a filtered view, which reads lines by number.
   */
  readonly linesOnly?: boolean;
}

export interface LineFilterProgress extends SearchProgress {
  /** Kept lines in the scanned prefix: final and in order. */
  readonly keptKnown: number;
  /** Lines starting in the scanned prefix. */
  readonly linesScanned: number;
  /** Bytes the kept lines hold: ~8 per line (~4 with linesOnly). */
  readonly resultBytes: number;
  readonly workersRunning: number;
}

export interface LineFilter {
  progress(): LineFilterProgress;
  /** Kept lines [first, first + count) below keptKnown: 0-based line numbers and line starts (none with linesOnly). */
  results(first: number, count: number): { lines: Float64Array; offsets: Float64Array };
  /** Index of the first kept line at or after 0-based `line` (keptKnown if none is known yet). */
  indexOfLine(line: number): number;
  /** indexOfLine for many 0-based lines in one call (at most maxResultsPerRead). */
  indexesOfLines(lines: Float64Array): Float64Array;
  /** Index of the last kept line starting at or before `offset`, or -1. */
  indexAtOffset(offset: number): number;
  /** Goes on over a grown mapping of the same file, once done (EBUSY before). */
  extend(file: MappedFile): void;
  cancel(): void;
  dispose(): void;
}

/** Starts filtering `file` by `rules`. Throws NativeError: EINVAL (with `rule`, and `patternOffset` for a regex PCRE2 rejects), ENOTSUP for a regex rule without PCRE2. */
export function createLineFilter(
  file: MappedFile,
  rules: readonly LineRule[],
  options: LineFilterOptions = {},
): LineFilter {
  const native = nativeMappedFileOf(file);
  if (native === undefined) throw invalid(`file must be a MappedFile from openMapped, got ${describe(file)}`);
  if (Array.isArray(rules) && rules.length > LINE_FILTER_LIMITS.maxRules) {
    throw invalid(`at most ${LINE_FILTER_LIMITS.maxRules} rules, got ${rules.length}`, file.path);
  }
  const flat = flattenRules(rules, file.path);
  const { threads, chunkBytes, matchLimit, linesOnly } = options;
  if (linesOnly !== undefined && typeof linesOnly !== 'boolean') {
    throw invalid(`linesOnly must be a boolean, got ${describe(linesOnly)}`, file.path);
  }
  requireOptionalInteger('threads', threads, 1, LINE_FILTER_LIMITS.maxThreads, file.path);
  requireOptionalInteger('chunkBytes', chunkBytes, 1, LINE_FILTER_LIMITS.maxChunkBytes, file.path);
  requireOptionalInteger('matchLimit', matchLimit, 1, 2 ** 32 - 1, file.path);
  const binding = loadBinding();
  const handle = callNative(
    () =>
      binding.LineFilter.create(native, ...flat, threads ?? 0, chunkBytes ?? 0, matchLimit ?? 0, linesOnly === true),
    file.path,
  );
  return new LineFilterHandle(file.path, handle);
}

class LineFilterHandle implements LineFilter {
  readonly #path: string;
  readonly #native: NativeLineFilter;

  constructor(path: string, native: NativeLineFilter) {
    this.#path = path;
    this.#native = native;
  }

  progress(): LineFilterProgress {
    return callNative(() => this.#native.progress(), this.#path);
  }

  results(first: number, count: number): { lines: Float64Array; offsets: Float64Array } {
    requireOffset('first', first, this.#path);
    requireOffset('count', count, this.#path);
    return callNative(() => this.#native.results(first, count), this.#path);
  }

  indexOfLine(line: number): number {
    requireOffset('line', line, this.#path);
    return callNative(() => this.#native.indexOfLine(line), this.#path);
  }

  indexesOfLines(lines: Float64Array): Float64Array {
    if (!(lines instanceof Float64Array)) {
      throw invalid(`lines must be a Float64Array, got ${describe(lines)}`, this.#path);
    }
    if (lines.length > LINE_FILTER_LIMITS.maxResultsPerRead) {
      throw invalid(`at most ${LINE_FILTER_LIMITS.maxResultsPerRead} lines at once, got ${lines.length}`, this.#path);
    }
    return callNative(() => this.#native.indexesOfLines(lines), this.#path);
  }

  indexAtOffset(offset: number): number {
    requireOffset('offset', offset, this.#path);
    return callNative(() => this.#native.indexAtOffset(offset), this.#path);
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
