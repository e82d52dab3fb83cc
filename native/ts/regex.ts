// RegexSearch: a PCRE2 (JIT) search of a mapped file, run progressively by worker threads in the
// addon. Lines end at LF, a CR before the LF is not line text, a match never spans lines and empty
// matches are skipped: the semantics of the JavaScript regex engine in src/main/services/find.

import { loadBinding, type NativeRegexSearch } from './binding';
import { describe, requireBytes, requireOffset, requireOptionalInteger } from './checks';
import { callNative, invalid } from './errors';
import type { ClassRunSpec } from './jsRegex';
import { type MappedFile, nativeMappedFileOf } from './mappedFile';
import type { SearchOptions, SearchProgress } from './search';

export const REGEX_LIMITS = {
  maxThreads: 64,
  maxChunkBytes: 2 ** 30,
  maxResultsPerRead: 2 ** 24,
  /** Alternatives in a literal set (RegexPattern.literalSet). */
  maxLiterals: 4096,
  /** PCRE2's match limit for one call (a block of lines, or one line), unless told otherwise. */
  defaultMatchLimit: 2_000_000,
} as const;

export interface RegexPattern {
  /** The pattern in PCRE2 syntax: UTF-8 bytes when `utf`, else one byte per (Latin-1) character. */
  readonly bytes: Uint8Array;
  /** UTF-8 text (invalid bytes match nothing and never stop the search); false: Latin-1 bytes. */
  readonly utf: boolean;
  readonly caseless?: boolean;
  /** Match every line on its own (needed when the pattern has lookaround). */
  readonly lineMode?: boolean;
  /**
   * Bytes every match contains exactly (the caller's promise; a wrong one loses matches): only
   * lines holding them are matched. Where they are on most lines, blocks of lines are matched.
   */
  readonly requiredLiteral?: Uint8Array;
  /**
   * The file's text: 'bytes' (UTF-8 or Latin-1, as `utf` says; the default), or UTF-16, transcoded
   * to UTF-8 a chunk at a time (then `utf` must be true, and the pattern and literal are UTF-8);
   * offsets and lengths are the file's bytes either way.
   */
  readonly text?: 'bytes' | 'utf-16le' | 'utf-16be';
  /**
   * The pattern's alternatives when it is nothing but literals (the caller's promise; see
   * jsRegexLiteralSet): the addon then finds them itself, leftmost and the first alternative in
   * order, without PCRE2. None empty or holding CR or LF; all ASCII when `caseless`.
   */
  readonly literalSet?: readonly Uint8Array[];
  /**
   * When the pattern is one ASCII class under a quantifier (the caller's promise; see
   * jsRegexClassRun): the addon then finds the class's runs itself, without PCRE2.
   */
  readonly classRun?: ClassRunSpec;
}

export interface RegexSearchOptions extends SearchOptions {
  /** PCRE2's match limit per call; a line that needs more fails the search with ECOMPLEX. */
  readonly matchLimit?: number;
}

export interface RegexSearch {
  /** Whether PCRE2 runs the pattern with its JIT. */
  readonly jit: boolean;
  /** Cheap; poll it. resultBytes is ~8 per match. error: EFILECHANGED, ECOMPLEX ("pattern too complex near offset N"). */
  /** workersRunning: threads not yet ended (after cancel, one may still be inside a PCRE2 call). */
  progress(): SearchProgress & { readonly workersRunning: number };
  /** Matches [firstIndex, firstIndex + count) below matchesKnown. */
  results(firstIndex: number, count: number): { offsets: Float64Array; lengths: Float64Array };
  indexAtOrAfter(offset: number): number;
  cancel(): void;
  dispose(): void;
}

/** PCRE2's version when the addon was built with it, else null (regexes then run in JavaScript). */
export function pcre2Version(): string | null {
  return loadBinding().pcre2Version();
}

/**
 * Where PCRE2 rejects a pattern (UTF-8 bytes when `utf`, else Latin-1): its message and the byte
 * offset in the pattern; null when it compiles, or in a build without PCRE2.
 */
export function checkRegex(
  pattern: Uint8Array,
  utf: boolean,
  caseless = false,
): { readonly message: string; readonly offset: number } | null {
  if (pcre2Version() === null) return null;
  requireBytes('pattern', pattern, '');
  if (pattern.length === 0) return null;
  return callNative(() => loadBinding().checkRegex(pattern, utf, caseless), '');
}

/**
 * Starts a PCRE2 search of `file`. Throws NativeError: EINVAL with `patternOffset` (in pattern
 * bytes) for a pattern PCRE2 rejects, ENOTSUP in a build without PCRE2.
 */
export function createRegexSearch(
  file: MappedFile,
  pattern: RegexPattern,
  options: RegexSearchOptions = {},
): RegexSearch {
  const native = nativeMappedFileOf(file);
  if (native === undefined) throw invalid(`file must be a MappedFile from openMapped, got ${describe(file)}`);
  if (typeof pattern !== 'object' || pattern === null) {
    throw invalid(`pattern must be an object, got ${describe(pattern)}`, file.path);
  }
  requireBytes('pattern.bytes', pattern.bytes, file.path);
  if (pattern.bytes.length === 0) throw invalid('pattern.bytes must not be empty', file.path);
  if (pattern.requiredLiteral !== undefined)
    requireBytes('pattern.requiredLiteral', pattern.requiredLiteral, file.path);
  if (pattern.text !== undefined && !['bytes', 'utf-16le', 'utf-16be'].includes(pattern.text)) {
    throw invalid(`pattern.text must be 'bytes', 'utf-16le' or 'utf-16be', got ${describe(pattern.text)}`, file.path);
  }
  for (const name of ['utf', 'caseless', 'lineMode'] as const) {
    const value = pattern[name];
    if (value !== undefined && typeof value !== 'boolean') {
      throw invalid(`pattern.${name} must be a boolean, got ${describe(value)}`, file.path);
    }
  }
  if (pattern.classRun !== undefined) requireClassRun(pattern.classRun, file.path);
  if (pattern.literalSet !== undefined) {
    requireLiteralSet('pattern.literalSet', pattern.literalSet, pattern.caseless ?? false, file.path);
  }
  const { threads, chunkBytes, matchLimit } = options;
  requireOptionalInteger('threads', threads, 1, REGEX_LIMITS.maxThreads, file.path);
  requireOptionalInteger('chunkBytes', chunkBytes, 1, REGEX_LIMITS.maxChunkBytes, file.path);
  requireOptionalInteger('matchLimit', matchLimit, 1, 2 ** 32 - 1, file.path);
  const binding = loadBinding();
  const handle = callNative(
    () =>
      binding.RegexSearch.create(
        native,
        pattern.bytes,
        pattern.utf,
        pattern.caseless ?? false,
        pattern.lineMode ?? false,
        threads ?? 0,
        chunkBytes ?? 0,
        matchLimit ?? 0,
        pattern.requiredLiteral ?? new Uint8Array(0),
        pattern.text ?? 'bytes',
        pattern.literalSet ?? [],
        pattern.classRun?.members ?? new Uint8Array(0),
        pattern.classRun?.min ?? 0,
        pattern.classRun?.max ?? 0,
      ),
    file.path,
  );
  return new RegexSearchHandle(file.path, handle);
}

/** Checks a RegexPattern.literalSet (named `name`) as the addon takes it; EINVAL otherwise. */
export function requireLiteralSet(
  name: string,
  literals: unknown,
  caseless: boolean,
  path: string,
): asserts literals is readonly Uint8Array[] {
  if (!Array.isArray(literals)) throw invalid(`${name} must be an Array, got ${describe(literals)}`, path);
  if (literals.length === 0 || literals.length > REGEX_LIMITS.maxLiterals) {
    throw invalid(`${name} must hold 1 to ${REGEX_LIMITS.maxLiterals} literals, got ${literals.length}`, path);
  }
  literals.forEach((literal: unknown, i) => {
    const itemName = `${name}[${i}]`;
    requireBytes(itemName, literal, path);
    if (literal.length === 0) throw invalid(`${itemName} must not be empty`, path);
    if (literal.includes(0x0a) || literal.includes(0x0d)) throw invalid(`${itemName} must not hold CR or LF`, path);
    if (caseless && literal.some((byte) => byte >= 0x80)) {
      throw invalid(`${itemName} must be ASCII when the pattern ignores case`, path);
    }
  });
}

function requireClassRun(run: unknown, path: string): void {
  if (typeof run !== 'object' || run === null)
    throw invalid(`pattern.classRun must be an object, got ${describe(run)}`, path);
  const { members, min, max } = run as Record<string, unknown>;
  requireBytes('pattern.classRun.members', members, path);
  if (members.length === 0 || members.some((byte) => byte >= 0x80 || byte === 10 || byte === 13)) {
    throw invalid('pattern.classRun.members must be 1 or more ASCII bytes, not CR or LF', path);
  }
  requireOptionalInteger('pattern.classRun.min', min, 1, 2 ** 32 - 1, path);
  requireOptionalInteger('pattern.classRun.max', max, 0, 2 ** 32 - 1, path);
  if (typeof min !== 'number' || typeof max !== 'number' || (max !== 0 && max < min)) {
    throw invalid('pattern.classRun needs a min of 1 or more and a max of 0 (none) or at least min', path);
  }
}

class RegexSearchHandle implements RegexSearch {
  readonly jit: boolean;
  readonly #path: string;
  readonly #native: NativeRegexSearch;

  constructor(path: string, native: NativeRegexSearch) {
    this.#path = path;
    this.#native = native;
    this.jit = native.jit();
  }

  progress(): SearchProgress & { readonly workersRunning: number } {
    return callNative(() => this.#native.progress(), this.#path);
  }

  results(firstIndex: number, count: number): { offsets: Float64Array; lengths: Float64Array } {
    requireOffset('firstIndex', firstIndex, this.#path);
    requireOffset('count', count, this.#path);
    return callNative(() => this.#native.results(firstIndex, count), this.#path);
  }

  indexAtOrAfter(offset: number): number {
    requireOffset('offset', offset, this.#path);
    return callNative(() => this.#native.indexAtOrAfter(offset), this.#path);
  }

  cancel(): void {
    callNative(() => this.#native.cancel(), this.#path);
  }

  dispose(): void {
    this.#native.dispose();
  }
}
