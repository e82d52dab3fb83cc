// Byte map and strings of a mapped file, each one parallel pass on the addon's threads.
//
// ByteMap: a range cut into regions (at most maxRegions, default 4096, or regionBytes each), each
// with a class and its Shannon entropy, and the byte histogram of the range. Classes, first match
// wins: zeros (>= 99% 0x00), text (>= 95% printable ASCII, tab, LF, CR), high entropy (>= 7.2 bits
// a byte, corrected for the region's size), other. See native/src/core/byte_map.h.
//
// StringsScan: runs of printable ASCII (0x20-0x7E, tab) and of UTF-16LE units (such a byte then
// 0x00) of at least minLength characters, as GNU `strings -a -n N` (and `-e l`) finds them, kept
// in the addon and read in pages by index. See native/src/core/strings_scan.h.
import { loadBinding, type NativeMappedFile } from './binding';
import { describe, requireOffset, requireOptionalInteger } from './checks';
import { callNative, invalid, NativeError } from './errors';
import { type MappedFile, nativeMappedFileOf } from './mappedFile';

export const BYTE_MAP_LIMITS = {
  defaultRegions: 4096,
  maxRegions: 2 ** 20,
  maxThreads: 64,
  highEntropyBits: 7.2,
} as const;

export const STRINGS_LIMITS = {
  maxMinLength: 2 ** 20,
  maxThreads: 64,
  maxChunkBytes: 2 ** 30,
  defaultMaxResults: 2 ** 24,
  maxResultsPerRead: 2 ** 16,
  maxPreview: 4096,
} as const;

/** Region classes as the addon numbers them; PENDING for a region not scanned yet. */
export const BYTE_CLASS = { zeros: 0, text: 1, highEntropy: 2, other: 3, pending: 255 } as const;

export interface ScanError {
  readonly code: string;
  readonly message: string;
}

export interface ByteMapProgress {
  /** Bytes of the range in finished regions. */
  readonly bytesScanned: number;
  /** The range's length. */
  readonly totalBytes: number;
  readonly done: boolean;
  readonly cancelled: boolean;
  readonly error: ScanError | null;
  readonly workersRunning: number;
}

export interface ByteMapResult {
  readonly from: number;
  readonly to: number;
  readonly regionBytes: number;
  /** One BYTE_CLASS value a region (the last region may be shorter). */
  readonly classes: Uint8Array;
  /** Bits per byte, 0..8; NaN for a region not scanned yet. */
  readonly entropy: Float32Array;
  /** 256 counts over the finished regions. */
  readonly histogram: Float64Array;
}

export interface ByteMapOptions {
  readonly regionBytes?: number;
  readonly maxRegions?: number;
  readonly threads?: number;
}

export interface ByteMap {
  progress(): ByteMapProgress;
  result(): ByteMapResult;
  cancel(): void;
  dispose(): void;
}

export type StringEncoding = 'ascii' | 'utf-16le';

export interface StringsOptions {
  readonly threads?: number;
  /** Bytes a worker takes at a time (default 4 MiB); tests use tiny ones. */
  readonly chunkBytes?: number;
  /** The scan stops (truncated) once this many strings are known (default 2^24). */
  readonly maxResults?: number;
}

export interface StringsProgress {
  readonly bytesScanned: number;
  readonly totalBytes: number;
  /** Strings starting in the scanned prefix: final and in order. */
  readonly stringsKnown: number;
  readonly truncated: boolean;
  readonly done: boolean;
  readonly cancelled: boolean;
  readonly error: ScanError | null;
  readonly workersRunning: number;
}

export interface StringsPage {
  readonly offsets: Float64Array;
  /** In bytes: two a character for UTF-16LE. */
  readonly lengths: Float64Array;
  /** 1 ASCII, 2 UTF-16LE. */
  readonly encodings: Uint8Array;
  /** Up to maxPreview characters of each string, one byte a character, concatenated. */
  readonly preview: Uint8Array;
  readonly previewEnds: Uint32Array;
}

export interface StringsScan {
  progress(): StringsProgress;
  /** Strings [first, first + count) of those known; count at most 65536. */
  read(first: number, count: number, maxPreview: number): StringsPage;
  /** The index of the first string at or after `offset` (stringsKnown if none is known yet). */
  indexAtOffset(offset: number): number;
  cancel(): void;
  dispose(): void;
}

interface NativeByteMap {
  progress(): ByteMapProgress;
  result(): ByteMapResult;
  cancel(): void;
  dispose(): void;
}

interface NativeStringsScan {
  progress(): StringsProgress;
  read(first: number, count: number, maxPreview: number): StringsPage;
  indexAtOffset(offset: number): number;
  cancel(): void;
  dispose(): void;
}

interface BinaryToolsBinding {
  ByteMap: { liveWorkerThreads(): number } & (new (
    file: NativeMappedFile,
    from: number,
    to: number,
    regionBytes: number,
    maxRegions: number,
    threads: number,
  ) => NativeByteMap);
  StringsScan: new (
    file: NativeMappedFile,
    minLength: number,
    encodings: number,
    threads: number,
    chunkBytes: number,
    maxResults: number,
  ) => NativeStringsScan;
}

function binaryToolsBinding(): BinaryToolsBinding {
  const binding: object = loadBinding();
  if (
    !('ByteMap' in binding && typeof binding.ByteMap === 'function') ||
    !('StringsScan' in binding && typeof binding.StringsScan === 'function')
  ) {
    throw new NativeError(
      'ENATIVE',
      'ENATIVE: the native addon is an outdated build (no ByteMap or StringsScan); run `npm run build:native`',
    );
  }
  // Checked just above: the two constructors the addon exports.
  return binding as BinaryToolsBinding;
}

function requireNative(file: MappedFile): NativeMappedFile {
  const native = nativeMappedFileOf(file);
  if (native === undefined) throw invalid(`file must be a MappedFile from openMapped, got ${describe(file)}`);
  return native;
}

/** Starts a byte map of [from, to) of `file`. Throws NativeError: EINVAL, ECLOSED. */
export function createByteMap(file: MappedFile, from: number, to: number, options: ByteMapOptions = {}): ByteMap {
  const native = requireNative(file);
  const path = file.path;
  requireOffset('from', from, path);
  requireOffset('to', to, path);
  if (from > to) throw invalid(`from must be at most to, got ${from} and ${to}`, path);
  requireOptionalInteger('regionBytes', options.regionBytes, 1, Number.MAX_SAFE_INTEGER, path);
  requireOptionalInteger('maxRegions', options.maxRegions, 1, BYTE_MAP_LIMITS.maxRegions, path);
  requireOptionalInteger('threads', options.threads, 1, BYTE_MAP_LIMITS.maxThreads, path);
  const binding = binaryToolsBinding();
  const handle = callNative(
    () =>
      new binding.ByteMap(native, from, to, options.regionBytes ?? 0, options.maxRegions ?? 0, options.threads ?? 0),
    path,
  );
  return {
    progress: () => callNative(() => handle.progress(), path),
    result: () => callNative(() => handle.result(), path),
    cancel: () => callNative(() => handle.cancel(), path),
    dispose: () => handle.dispose(),
  };
}

/** Starts finding the strings of `file`. Throws NativeError: EINVAL, ECLOSED. */
export function createStringsScan(
  file: MappedFile,
  minLength: number,
  encodings: readonly StringEncoding[],
  options: StringsOptions = {},
): StringsScan {
  const native = requireNative(file);
  const path = file.path;
  requireOptionalInteger('minLength', minLength, 1, STRINGS_LIMITS.maxMinLength, path);
  let bits = 0;
  for (const encoding of encodings) {
    if (encoding === 'ascii') bits |= 1;
    else if (encoding === 'utf-16le') bits |= 2;
    else throw invalid(`encodings must be 'ascii' or 'utf-16le', got ${describe(encoding)}`, path);
  }
  if (bits === 0) throw invalid('encodings must name at least one encoding', path);
  requireOptionalInteger('threads', options.threads, 1, STRINGS_LIMITS.maxThreads, path);
  requireOptionalInteger('chunkBytes', options.chunkBytes, 1, STRINGS_LIMITS.maxChunkBytes, path);
  requireOptionalInteger('maxResults', options.maxResults, 1, Number.MAX_SAFE_INTEGER, path);
  const binding = binaryToolsBinding();
  const handle = callNative(
    () =>
      new binding.StringsScan(
        native,
        minLength,
        bits,
        options.threads ?? 0,
        options.chunkBytes ?? 0,
        options.maxResults ?? 0,
      ),
    path,
  );
  return {
    progress: () => callNative(() => handle.progress(), path),
    read: (first, count, maxPreview) => {
      requireOffset('first', first, path);
      requireOptionalInteger('count', count, 0, STRINGS_LIMITS.maxResultsPerRead, path);
      requireOptionalInteger('maxPreview', maxPreview, 0, STRINGS_LIMITS.maxPreview, path);
      return callNative(() => handle.read(first, count, maxPreview), path);
    },
    indexAtOffset: (offset) => {
      requireOffset('offset', offset, path);
      return callNative(() => handle.indexAtOffset(offset), path);
    },
    cancel: () => callNative(() => handle.cancel(), path),
    dispose: () => handle.dispose(),
  };
}

/** Test only: byte-map and strings worker threads alive in this process (0 once all are disposed). */
export function binaryToolWorkerThreads(): number {
  return binaryToolsBinding().ByteMap.liveWorkerThreads();
}
