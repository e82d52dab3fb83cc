// ByteSearch: the non-overlapping occurrences of a byte pattern in a mapped file, found
// progressively by worker threads in the addon.

import { loadBinding, type NativeByteSearch } from './binding';
import { describe, requireBytes, requireOffset, requireOptionalInteger } from './checks';
import { callNative, invalid } from './errors';
import { type MappedFile, nativeMappedFileOf } from './mappedFile';

/** Limits the addon enforces on searches; checked here first. */
export const SEARCH_LIMITS = {
  maxPatternBytes: 4096,
  maxThreads: 64,
  minChunkBytes: 1,
  maxChunkBytes: 2 ** 30,
  maxResultsPerRead: 2 ** 24,
} as const;

export interface SearchPattern {
  /** 1 .. SEARCH_LIMITS.maxPatternBytes bytes, already encoded (UTF-8, UTF-16LE, ...). */
  readonly bytes: Uint8Array;
  /**
   * One byte per pattern byte: a data byte d matches pattern byte b when (d & mask) == (b & mask),
   * so 0x00 is a wildcard (`??` in a hex pattern) and 0xFF an exact byte. At least one non-zero.
   */
  readonly mask?: Uint8Array;
  /** ASCII case folding of exact letters; other bytes (non-ASCII, 0x00) compare exactly. */
  readonly caseInsensitive?: boolean;
  /** The bytes before and after a match must not be ASCII [A-Za-z0-9_] (or be the file's ends). */
  readonly wholeWord?: boolean;
}

export interface SearchProgress {
  /** End of the contiguous scanned prefix (totalBytes once done). */
  readonly bytesScanned: number;
  readonly totalBytes: number;
  /** Matches starting in that prefix: final, in file order, readable with results(). */
  readonly matchesKnown: number;
  /**
   * Bytes held by the stored matches of every finished chunk (allocated capacity, so what the
   * results cost in memory): 4 per match (uint32 offsets from each chunk's start).
   */
  readonly resultBytes: number;
  readonly done: boolean;
  readonly cancelled: boolean;
  /** A fault while scanning (EFILECHANGED: the file shrank); terminal. */
  readonly error: { readonly code: string; readonly message: string } | null;
}

export interface SearchOptions {
  /** Worker threads; default: hardware concurrency, at most 2. */
  readonly threads?: number;
  /** Bytes per scanned chunk; default 4 MiB (raised so a file has at most 2^20 chunks). */
  readonly chunkBytes?: number;
}

/**
 * A search for a byte pattern, run progressively by worker threads over a mapped file: the
 * non-overlapping occurrences, left to right (after a match at p the next may start at p + length).
 * It holds its own reference to the mapping, so the MappedFile may be closed while it runs.
 */
export interface ByteSearch {
  readonly patternLength: number;
  /** Cheap; poll it. */
  progress(): SearchProgress;
  /** Offsets of matches [firstIndex, firstIndex + count) that lie below matchesKnown; fewer past it. */
  results(firstIndex: number, count: number): Float64Array;
  /** Index of the first known match whose offset is >= offset; matchesKnown if there is none (yet). */
  indexAtOrAfter(offset: number): number;
  /** Stops searching; what is known stays readable. */
  cancel(): void;
  /** Cancels and joins the threads; idempotent. Every other call after it fails with ECLOSED. */
  dispose(): void;
}

/** Starts searching `file` for `pattern` at once. Throws NativeError (EINVAL for a bad pattern). */
export function createSearch(file: MappedFile, pattern: SearchPattern, options: SearchOptions = {}): ByteSearch {
  const native = nativeMappedFileOf(file);
  if (native === undefined) throw invalid(`file must be a MappedFile from openMapped, got ${describe(file)}`);
  if (typeof pattern !== 'object' || pattern === null) {
    throw invalid(`pattern must be an object, got ${describe(pattern)}`, file.path);
  }
  const { bytes, mask, caseInsensitive, wholeWord } = pattern;
  requireBytes('pattern.bytes', bytes, file.path);
  if (bytes.length < 1 || bytes.length > SEARCH_LIMITS.maxPatternBytes) {
    throw invalid(
      `pattern.bytes must hold 1 to ${SEARCH_LIMITS.maxPatternBytes} bytes, got ${bytes.length}`,
      file.path,
    );
  }
  if (mask !== undefined) {
    requireBytes('pattern.mask', mask, file.path);
    if (mask.length !== bytes.length) {
      throw invalid(
        `pattern.mask must have the same length as pattern.bytes (${bytes.length}), got ${mask.length}`,
        file.path,
      );
    }
    if (mask.every((byte) => byte === 0)) {
      throw invalid('pattern.mask is all wildcards: at least one byte must be matched', file.path);
    }
  }
  if (caseInsensitive !== undefined && typeof caseInsensitive !== 'boolean') {
    throw invalid(`pattern.caseInsensitive must be a boolean, got ${describe(caseInsensitive)}`, file.path);
  }
  if (wholeWord !== undefined && typeof wholeWord !== 'boolean') {
    throw invalid(`pattern.wholeWord must be a boolean, got ${describe(wholeWord)}`, file.path);
  }
  if (typeof options !== 'object' || options === null) {
    throw invalid(`options must be an object, got ${describe(options)}`, file.path);
  }
  const { threads, chunkBytes } = options;
  requireOptionalInteger('threads', threads, 1, SEARCH_LIMITS.maxThreads, file.path);
  requireOptionalInteger('chunkBytes', chunkBytes, SEARCH_LIMITS.minChunkBytes, SEARCH_LIMITS.maxChunkBytes, file.path);
  const binding = loadBinding();
  const handle = callNative(
    () =>
      binding.ByteSearch.create(
        native,
        bytes,
        mask ?? null,
        caseInsensitive ?? false,
        wholeWord ?? false,
        threads ?? 0,
        chunkBytes ?? 0,
      ),
    file.path,
  );
  return new ByteSearchHandle(file.path, handle);
}

class ByteSearchHandle implements ByteSearch {
  readonly patternLength: number;
  readonly #path: string;
  readonly #native: NativeByteSearch;

  constructor(path: string, native: NativeByteSearch) {
    this.#path = path;
    this.#native = native;
    this.patternLength = native.patternLength();
  }

  progress(): SearchProgress {
    return callNative(() => this.#native.progress(), this.#path);
  }

  results(firstIndex: number, count: number): Float64Array {
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
