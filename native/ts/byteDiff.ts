// ByteDiff: same-offset comparison of two mapped files, run by the addon's own worker threads.
// Counts of differing ranges (maximal runs of differing bytes) and bytes are exact; the list of
// entries is bounded: past `maxEntries`, neighbouring ranges coalesce into regions (`gap` > 0) and
// `step` finds the exact range by comparing the bytes again. The longer file's tail past the
// shorter one's end is one more range, the last.

import { loadBinding, type NativeBinding, type NativeMappedFile } from './binding';
import { describe, requireOffset, requireOptionalInteger } from './checks';
import { callNative, invalid } from './errors';
import { type MappedFile, nativeMappedFileOf } from './mappedFile';

export const BYTE_DIFF_LIMITS = {
  maxThreads: 64,
  maxChunkBytes: 2 ** 30,
  maxTickBuckets: 65536,
} as const;

export interface ByteDiffOptions {
  /** Worker threads, 1..64 (default: hardware concurrency, at most 2). */
  readonly threads?: number;
  /** Bytes a worker compares at a time, 1..2^30 (default 16 MiB); tests use tiny ones. */
  readonly chunkBytes?: number;
  /** Entries kept before coalescing, at least 2 (default 4 Mi). */
  readonly maxEntries?: number;
}

export interface ByteDiffProgress {
  /** End of the contiguous compared prefix, from 0. */
  readonly bytesCompared: number;
  /** The shorter file's size: what is compared byte for byte. */
  readonly totalBytes: number;
  /** Differing ranges and bytes in that prefix (and the tail's, once done): exact. */
  readonly ranges: number;
  readonly bytes: number;
  /** Entries held, and the gap they are coalesced with (0: each entry is one exact range). */
  readonly entries: number;
  readonly gap: number;
  readonly done: boolean;
  readonly cancelled: boolean;
  readonly error: { readonly code: string; readonly message: string } | null;
}

/** [start, end) of differing bytes. */
export interface DiffRange {
  readonly start: number;
  readonly end: number;
}

export interface ByteDiff {
  progress(): ByteDiffProgress;
  /** Entries [first, first + count) as [start0, end0, start1, end1, ...]. */
  entries(first: number, count: number): Float64Array;
  /** The range starting first at or after `offset` (1) or last before it (-1); null if none. EBUSY until done. */
  step(offset: number, direction: 1 | -1): DiffRange | null;
  /** Entries starting in each of `buckets` equal slices of the longer file. */
  ticks(buckets: number): Uint32Array;
  cancel(): void;
  dispose(): void;
}

interface NativeByteDiff {
  progress(): ByteDiffProgress;
  entries(first: number, count: number): Float64Array;
  step(offset: number, direction: number): DiffRange | null;
  ticks(buckets: number): Uint32Array;
  cancel(): void;
  dispose(): void;
}

type ByteDiffBinding = NativeBinding & {
  ByteDiff: {
    create(
      a: NativeMappedFile,
      b: NativeMappedFile,
      threads: number,
      chunkBytes: number,
      maxEntries: number,
    ): NativeByteDiff;
  };
  __byteDiffWorkerThreads(): number;
};

const binding = (): ByteDiffBinding => loadBinding() as ByteDiffBinding;

/** Starts comparing `a` and `b`. Throws NativeError (EINVAL). */
export function createByteDiff(a: MappedFile, b: MappedFile, options: ByteDiffOptions = {}): ByteDiff {
  const nativeA = nativeMappedFileOf(a);
  const nativeB = nativeMappedFileOf(b);
  if (nativeA === undefined) throw invalid(`a must be a MappedFile from openMapped, got ${describe(a)}`);
  if (nativeB === undefined) throw invalid(`b must be a MappedFile from openMapped, got ${describe(b)}`);
  const path = a.path;
  const { threads, chunkBytes, maxEntries } = options;
  requireOptionalInteger('threads', threads, 1, BYTE_DIFF_LIMITS.maxThreads, path);
  requireOptionalInteger('chunkBytes', chunkBytes, 1, BYTE_DIFF_LIMITS.maxChunkBytes, path);
  requireOptionalInteger('maxEntries', maxEntries, 2, Number.MAX_SAFE_INTEGER, path);
  const loaded = binding();
  const handle = callNative(
    () => loaded.ByteDiff.create(nativeA, nativeB, threads ?? 0, chunkBytes ?? 0, maxEntries ?? 0),
    path,
  );
  return new ByteDiffHandle(path, handle);
}

/** Test support: compare worker threads alive in this process. */
export function byteDiffWorkerThreads(): number {
  return binding().__byteDiffWorkerThreads();
}

class ByteDiffHandle implements ByteDiff {
  readonly #path: string;
  readonly #native: NativeByteDiff;

  constructor(path: string, native: NativeByteDiff) {
    this.#path = path;
    this.#native = native;
  }

  progress(): ByteDiffProgress {
    return callNative(() => this.#native.progress(), this.#path);
  }

  entries(first: number, count: number): Float64Array {
    requireOffset('first', first, this.#path);
    requireOffset('count', count, this.#path);
    return callNative(() => this.#native.entries(first, count), this.#path);
  }

  step(offset: number, direction: 1 | -1): DiffRange | null {
    requireOffset('offset', offset, this.#path);
    if (direction !== 1 && direction !== -1) throw invalid(`direction must be 1 or -1, got ${describe(direction)}`);
    return callNative(() => this.#native.step(offset, direction), this.#path);
  }

  ticks(buckets: number): Uint32Array {
    requireOptionalInteger('buckets', buckets, 1, BYTE_DIFF_LIMITS.maxTickBuckets, this.#path);
    return callNative(() => this.#native.ticks(buckets), this.#path);
  }

  cancel(): void {
    callNative(() => this.#native.cancel(), this.#path);
  }

  dispose(): void {
    this.#native.dispose();
  }
}
