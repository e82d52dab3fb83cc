// LineFilter: the lines of a mapped file that match a rule set (include and exclude rules, byte
// patterns or PCRE2 regexes), found by worker threads in the addon in one pass, with their exact
// 0-based line numbers (counted on the way, not looked up) and line starts. A line is kept when it
// matches any include rule (every line when there is none) and no exclude rule; a regex rule
// matches a line where RegexSearch would find a match in it. Grows with the file (`extend`).

import { loadBinding, type NativeLineFilter } from './binding';
import { describe, requireBytes, requireOffset, requireOptionalInteger } from './checks';
import { callNative, invalid } from './errors';
import { type MappedFile, nativeMappedFileOf } from './mappedFile';
import type { RegexPattern } from './regex';
import type { SearchOptions, SearchPattern, SearchProgress } from './search';

export const LINE_FILTER_LIMITS = {
  maxRules: 64,
  maxThreads: 64,
  maxChunkBytes: 2 ** 30,
  maxResultsPerRead: 2 ** 24,
} as const;

/** A byte pattern (as createSearch takes it) or a PCRE2 regex (as createRegexSearch takes it). */
export type LineRule =
  | { readonly kind: 'bytes'; readonly exclude: boolean; readonly pattern: SearchPattern }
  | { readonly kind: 'regex'; readonly exclude: boolean; readonly pattern: RegexPattern };

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

const EXCLUDE = 1;
const CASELESS = 2;
const WHOLE_WORD = 4;
const UTF = 8;
const LINE_MODE = 16;
const HAS_MASK = 32;

/** Starts filtering `file` by `rules`. Throws NativeError: EINVAL (with `rule`, and `patternOffset` for a regex PCRE2 rejects), ENOTSUP for a regex rule without PCRE2. */
export function createLineFilter(
  file: MappedFile,
  rules: readonly LineRule[],
  options: LineFilterOptions = {},
): LineFilter {
  const native = nativeMappedFileOf(file);
  if (native === undefined) throw invalid(`file must be a MappedFile from openMapped, got ${describe(file)}`);
  if (!Array.isArray(rules)) throw invalid(`rules must be an array, got ${describe(rules)}`, file.path);
  if (rules.length > LINE_FILTER_LIMITS.maxRules) {
    throw invalid(`at most ${LINE_FILTER_LIMITS.maxRules} rules, got ${rules.length}`, file.path);
  }
  const kinds = new Uint8Array(rules.length);
  const flags = new Uint8Array(rules.length);
  const patternEnds = new Float64Array(rules.length);
  const literalEnds = new Float64Array(rules.length);
  const patterns: Uint8Array[] = [];
  const masks: Uint8Array[] = [];
  const literals: Uint8Array[] = [];
  let patternBytes = 0;
  let literalBytes = 0;
  rules.forEach((rule: unknown, i) => {
    const checked = checkRule(rule, i, file.path);
    let flag = checked.exclude ? EXCLUDE : 0;
    if (checked.kind === 'bytes') {
      const { bytes, mask, caseInsensitive, wholeWord } = checked.pattern;
      patterns.push(bytes);
      masks.push(mask ?? new Uint8Array(bytes.length));
      literals.push(new Uint8Array(0));
      if (mask !== undefined) flag |= HAS_MASK;
      if (caseInsensitive === true) flag |= CASELESS;
      if (wholeWord === true) flag |= WHOLE_WORD;
    } else {
      const { bytes, utf, caseless, lineMode, requiredLiteral } = checked.pattern;
      kinds[i] = 1;
      patterns.push(bytes);
      masks.push(new Uint8Array(bytes.length));
      literals.push(requiredLiteral ?? new Uint8Array(0));
      if (utf) flag |= UTF;
      if (caseless === true) flag |= CASELESS;
      if (lineMode === true) flag |= LINE_MODE;
    }
    flags[i] = flag;
    patternBytes += patterns[i]!.length;
    literalBytes += literals[i]!.length;
    patternEnds[i] = patternBytes;
    literalEnds[i] = literalBytes;
  });
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
      binding.LineFilter.create(
        native,
        kinds,
        flags,
        concat(patterns),
        patternEnds,
        concat(masks),
        concat(literals),
        literalEnds,
        threads ?? 0,
        chunkBytes ?? 0,
        matchLimit ?? 0,
        linesOnly === true,
      ),
    file.path,
  );
  return new LineFilterHandle(file.path, handle);
}

function checkRule(rule: unknown, index: number, path: string): LineRule {
  const name = `rules[${index}]`;
  if (typeof rule !== 'object' || rule === null)
    throw invalid(`${name} must be an object, got ${describe(rule)}`, path);
  const { kind, exclude, pattern } = rule as Record<string, unknown>;
  if (kind !== 'bytes' && kind !== 'regex')
    throw invalid(`${name}.kind must be 'bytes' or 'regex', got ${describe(kind)}`, path);
  if (typeof exclude !== 'boolean') throw invalid(`${name}.exclude must be a boolean, got ${describe(exclude)}`, path);
  if (typeof pattern !== 'object' || pattern === null) {
    throw invalid(`${name}.pattern must be an object, got ${describe(pattern)}`, path);
  }
  const fields = pattern as Record<string, unknown>;
  requireBytes(`${name}.pattern.bytes`, fields.bytes, path);
  if (fields.bytes.length === 0) throw invalid(`${name}.pattern.bytes must not be empty`, path);
  if (kind === 'bytes') {
    if (fields.mask !== undefined) {
      requireBytes(`${name}.pattern.mask`, fields.mask, path);
      if (fields.mask.length !== fields.bytes.length) {
        throw invalid(`${name}.pattern.mask must be as long as its bytes`, path);
      }
    }
    for (const flag of ['caseInsensitive', 'wholeWord'] as const) {
      if (fields[flag] !== undefined && typeof fields[flag] !== 'boolean') {
        throw invalid(`${name}.pattern.${flag} must be a boolean, got ${describe(fields[flag])}`, path);
      }
    }
  } else {
    if (typeof fields.utf !== 'boolean')
      throw invalid(`${name}.pattern.utf must be a boolean, got ${describe(fields.utf)}`, path);
    for (const flag of ['caseless', 'lineMode'] as const) {
      if (fields[flag] !== undefined && typeof fields[flag] !== 'boolean') {
        throw invalid(`${name}.pattern.${flag} must be a boolean, got ${describe(fields[flag])}`, path);
      }
    }
    if (fields.requiredLiteral !== undefined)
      requireBytes(`${name}.pattern.requiredLiteral`, fields.requiredLiteral, path);
  }
  return rule as LineRule;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
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
