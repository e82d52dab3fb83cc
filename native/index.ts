// Typed loader for the hexlog native addon: the one place that loads the .node file.
// Every argument is checked here before it reaches C++; C++ checks again and throws coded errors,
// which leave this module as NativeError.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { types } from 'node:util';

import { isNonNegativeSafeInteger } from '../src/shared/units';

export type MapMode = 'readonly' | 'shared' | 'private';

export const MAP_MODES: readonly MapMode[] = ['readonly', 'shared', 'private'];

/** What identifies the file on disk now; compare two of these to notice outside changes. */
export interface FileIdentity {
  readonly size: number;
  readonly dev: number;
  readonly ino: number;
  readonly mtimeMs: number;
}

/**
 * An error from the addon or from the argument checks in front of it. `code` is one of ENOENT,
 * EACCES, EISDIR, ENOTREG, EFILECHANGED, ECLOSED, ERANGE, EINVAL, EREADONLY, EBADMODE, EIO,
 * ENATIVE (addon missing) or another errno name.
 */
export class NativeError extends Error {
  readonly code: string;
  readonly path: string | undefined;

  constructor(code: string, message: string, path?: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'NativeError';
    this.code = code;
    this.path = path;
  }
}

export function isNativeError(e: unknown): e is NativeError {
  if (e instanceof NativeError) return true;
  // A second copy of this module (bundle chunks, a test's fresh import) has its own class.
  if (!(e instanceof Error) || e.name !== 'NativeError') return false;
  const coded: Error & { code?: unknown } = e;
  return typeof coded.code === 'string';
}

export interface MappedFile {
  readonly path: string;
  readonly mode: MapMode;
  readonly closed: boolean;
  /** Size at open (the mapped length). */
  size(): number;
  /** fstat of the open descriptor now. */
  stat(): FileIdentity;
  /** Copies min(target.length, size - offset) bytes into target; returns the count. */
  readInto(offset: number, target: Uint8Array): number;
  /** Overwrites bytes in place (shared or private mode); never grows the file. */
  write(offset: number, bytes: Uint8Array): number;
  /** Shared mode only: writes the range (default: whole file) to disk and fsyncs. */
  flush(offset?: number, length?: number): void;
  /**
   * flush on a worker thread: settles once the range is on disk. Rejects (never throws) with the
   * NativeError flush would throw (EBADMODE, ERANGE, ECLOSED, EINVAL, EIO, ...). The pending flush
   * holds its own reference to the mapping, so close() meanwhile is safe.
   */
  flushAsync(offset?: number, length?: number): Promise<void>;
  /**
   * Takes an advisory exclusive lock (flock LOCK_EX | LOCK_NB) on this mapping's descriptor, in any
   * mode, without waiting: true when held (again) by this file, false when another open of the file
   * holds it (another MappedFile, another process). Only other lockers see it; reads and writes of
   * the file are not stopped.
   */
  tryLock(): boolean;
  /** Releases the lock; a no-op when this file does not hold it. */
  unlock(): void;
  /** Idempotent; releases the lock. */
  close(): void;
}

/** Opens and maps a regular file. Throws NativeError. */
export function openMapped(path: string, mode: MapMode): MappedFile {
  if (typeof path !== 'string' || path.length === 0) {
    throw invalid(`path must be a non-empty string, got ${describe(path)}`);
  }
  if (!isMapMode(mode)) {
    throw invalid(`mode must be 'readonly', 'shared' or 'private', got ${describe(mode)}`, path);
  }
  const binding = loadBinding();
  const handle = callNative(() => binding.MappedFile.open(path, mode), path);
  return new MappedFileHandle(path, mode, handle);
}

export type TextEncodingName = 'utf-8' | 'latin1' | 'utf-16le' | 'utf-16be';

export const TEXT_ENCODINGS: readonly TextEncodingName[] = ['utf-8', 'latin1', 'utf-16le', 'utf-16be'];

/** Limits the addon enforces; checked here first. */
export const LINE_INDEX_LIMITS = {
  maxThreads: 64,
  minChunkBytes: 16,
  maxChunkBytes: 2 ** 30,
  maxLinesPerRead: 2 ** 20,
  /** Also the most bytes one readLines answer carries; further lines are left for the next call. */
  maxBytesPerLine: 256 * 2 ** 20,
} as const;

export interface LineIndexProgress {
  /** End of the contiguous scanned prefix (totalBytes once done). */
  readonly bytesScanned: number;
  readonly totalBytes: number;
  /** Lines whose end is known; once done, plus an unterminated last line. */
  readonly linesKnown: number;
  readonly done: boolean;
  readonly cancelled: boolean;
  /** A fault while scanning (EFILECHANGED: the file shrank); terminal. */
  readonly error: { readonly code: string; readonly message: string } | null;
}

export interface LineSlice {
  /** 0-based. */
  readonly firstLine: number;
  readonly count: number;
  /** The lines' bytes, each capped at maxBytesPerLine, concatenated (newlines excluded). */
  readonly bytes: Uint8Array;
  /** count + 1 entries: line i is bytes.subarray(textStarts[i], textStarts[i + 1]). */
  readonly textStarts: Uint32Array;
  readonly fileOffsets: Float64Array;
  /** Newline excluded, not capped. */
  readonly fullLengths: Float64Array;
}

/** A LineSlice of arbitrary lines: entry i is line `lines[i]`. */
export type LineSliceAt = LineSlice & { readonly lines: Float64Array };

export interface LineIndexOptions {
  /** Worker threads; default: hardware concurrency, at most 4. */
  readonly threads?: number;
  /** Bytes per scanned chunk (even); default 4 MiB. */
  readonly chunkBytes?: number;
}

/**
 * A line index built progressively by worker threads over a mapped file. It holds its own
 * reference to the mapping, so the MappedFile may be closed while it runs.
 */
export interface LineIndex {
  readonly encoding: TextEncodingName;
  /** Cheap; poll it. */
  progress(): LineIndexProgress;
  /** Lines within linesKnown; fewer (count 0 at or past it) when the range passes it. */
  readLines(firstLine: number, count: number, maxBytesPerLine: number): LineSlice;
  /** The 0-based line containing the offset (offset == size: the last line); ERANGE past the scanned prefix. */
  lineAtOffset(offset: number): number;
  /**
   * lineAtOffset for many offsets in one call (one viewport of matches): -1 in each slot whose
   * offset lies past the scanned prefix. At most maxLinesPerRead offsets.
   */
  linesAtOffsets(offsets: Float64Array): Float64Array;
  /**
   * readLines for arbitrary line numbers (any order): entry i is line `lines[i]`. Lines not known
   * yet are skipped; firstLine is the first entry's line (0 if none).
   */
  readLinesAt(lines: Float64Array, maxBytesPerLine: number): LineSliceAt;
  /** The file grew: `grown` is a new MappedFile of the same file. Scans only the new bytes. */
  extend(grown: MappedFile): void;
  /** Stops scanning; what is known stays readable. */
  cancel(): void;
  /** Bytes held by the index's tables. */
  memoryBytes(): number;
  /** Cancels and joins the threads; idempotent. Every other call after it fails with ECLOSED. */
  dispose(): void;
}

/** Starts indexing the lines of `file` at once. Throws NativeError. */
export function createLineIndex(
  file: MappedFile,
  encoding: TextEncodingName,
  options: LineIndexOptions = {},
): LineIndex {
  const native = MappedFileHandle.nativeOf(file);
  if (native === undefined) throw invalid(`file must be a MappedFile from openMapped, got ${describe(file)}`);
  if (!isTextEncoding(encoding)) {
    throw invalid(`encoding must be 'utf-8', 'latin1', 'utf-16le' or 'utf-16be', got ${describe(encoding)}`, file.path);
  }
  if (typeof options !== 'object' || options === null) {
    throw invalid(`options must be an object, got ${describe(options)}`, file.path);
  }
  const { threads, chunkBytes } = options;
  if (
    threads !== undefined &&
    !(isNonNegativeSafeInteger(threads) && threads >= 1 && threads <= LINE_INDEX_LIMITS.maxThreads)
  ) {
    throw invalid(
      `threads must be an integer from 1 to ${LINE_INDEX_LIMITS.maxThreads}, got ${describe(threads)}`,
      file.path,
    );
  }
  if (
    chunkBytes !== undefined &&
    !(
      isNonNegativeSafeInteger(chunkBytes) &&
      chunkBytes % 2 === 0 &&
      chunkBytes >= LINE_INDEX_LIMITS.minChunkBytes &&
      chunkBytes <= LINE_INDEX_LIMITS.maxChunkBytes
    )
  ) {
    throw invalid(
      `chunkBytes must be an even integer from ${LINE_INDEX_LIMITS.minChunkBytes} to ${LINE_INDEX_LIMITS.maxChunkBytes}, got ${describe(chunkBytes)}`,
      file.path,
    );
  }
  const binding = loadBinding();
  const handle = callNative(() => binding.LineIndex.create(native, encoding, threads ?? 0, chunkBytes ?? 0), file.path);
  return new LineIndexHandle(file.path, encoding, handle);
}

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
  const native = MappedFileHandle.nativeOf(file);
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
  if (
    threads !== undefined &&
    !(isNonNegativeSafeInteger(threads) && threads >= 1 && threads <= SEARCH_LIMITS.maxThreads)
  ) {
    throw invalid(
      `threads must be an integer from 1 to ${SEARCH_LIMITS.maxThreads}, got ${describe(threads)}`,
      file.path,
    );
  }
  if (
    chunkBytes !== undefined &&
    !(
      isNonNegativeSafeInteger(chunkBytes) &&
      chunkBytes >= SEARCH_LIMITS.minChunkBytes &&
      chunkBytes <= SEARCH_LIMITS.maxChunkBytes
    )
  ) {
    throw invalid(
      `chunkBytes must be an integer from ${SEARCH_LIMITS.minChunkBytes} to ${SEARCH_LIMITS.maxChunkBytes}, got ${describe(chunkBytes)}`,
      file.path,
    );
  }
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

/**
 * Hands memory that closed sessions freed (search results, line tables) back to the operating
 * system: glibc keeps freed memory for reuse, fragmented between what is still in use, so the
 * process would stay as large as its peak. Calls malloc_trim(0) with glibc; a no-op elsewhere.
 * Cheap enough to call after every session close (a few ms when much was freed).
 */
export function releaseMemory(): void {
  const binding = loadBinding();
  callNative(() => binding.releaseMemory(), undefined);
}

export interface FaultGuardReport {
  readonly caughtOnCallingThread: boolean;
  readonly caughtOnOtherThread: boolean;
}

/** Test support only; production code has no reason to call these. */
export const nativeTesting = {
  /** The .node file this module loads (loading it if needed). */
  addonPath(): string {
    loadBinding();
    if (loadedAddonPath === undefined) throw new NativeError('ENATIVE', 'ENATIVE: addon not loaded');
    return loadedAddonPath;
  },
  /** Triggers a real SIGBUS on a truncated mapping under the guard, on two threads. */
  faultGuardSelfTest(): FaultGuardReport {
    const binding = loadBinding();
    return callNative(() => binding.__faultGuardSelfTest(), undefined);
  },
  /** Line-index worker threads alive in this process, over all indexes. */
  lineIndexWorkerThreads(): number {
    return loadBinding().__lineIndexWorkerThreads();
  },
  /** Search worker threads alive in this process, over all searches. */
  searchWorkerThreads(): number {
    return loadBinding().__searchWorkerThreads();
  },
  /** Forces the search's scanning loop for the whole process ('auto': the best this CPU has). */
  setSearchKernel(kernel: 'auto' | 'sse2' | 'scalar'): void {
    const binding = loadBinding();
    callNative(() => binding.__setSearchKernel(kernel), undefined);
  },
  /**
   * false: openMapped skips the file-system type check (procfs, sysfs, ...) for the whole process,
   * so the check for a 0-byte file that reads data can be tried on a /proc file.
   */
  setFileSystemTypeCheck(enabled: boolean): void {
    const binding = loadBinding();
    callNative(() => binding.__setFileSystemTypeCheck(enabled), undefined);
  },
};

// ---- Native binding -------------------------------------------------------------------------

interface NativeMappedFile {
  size(): number;
  stat(): FileIdentity;
  readInto(offset: number, target: Uint8Array): number;
  write(offset: number, source: Uint8Array): number;
  flush(offset: number, length: number): void;
  flushAsync(offset: number, length: number): Promise<void>;
  tryLock(): boolean;
  unlock(): void;
  close(): void;
  isClosed(): boolean;
}

interface NativeLineIndex {
  progress(): LineIndexProgress;
  readLines(firstLine: number, count: number, maxBytesPerLine: number): LineSlice;
  lineAtOffset(offset: number): number;
  linesAtOffsets(offsets: Float64Array): Float64Array;
  readLinesAt(lines: Float64Array, maxBytesPerLine: number): LineSliceAt;
  extend(grown: NativeMappedFile): void;
  cancel(): void;
  memoryBytes(): number;
  dispose(): void;
}

interface NativeByteSearch {
  patternLength(): number;
  progress(): SearchProgress;
  results(firstIndex: number, count: number): Float64Array;
  indexAtOrAfter(offset: number): number;
  cancel(): void;
  dispose(): void;
}

interface NativeBinding {
  MappedFile: { open(path: string, mode: MapMode): NativeMappedFile };
  LineIndex: {
    create(file: NativeMappedFile, encoding: TextEncodingName, threads: number, chunkBytes: number): NativeLineIndex;
  };
  ByteSearch: {
    create(
      file: NativeMappedFile,
      bytes: Uint8Array,
      mask: Uint8Array | null,
      caseInsensitive: boolean,
      wholeWord: boolean,
      threads: number,
      chunkBytes: number,
    ): NativeByteSearch;
  };
  releaseMemory(): boolean;
  __faultGuardSelfTest(): FaultGuardReport;
  __lineIndexWorkerThreads(): number;
  __searchWorkerThreads(): number;
  __setSearchKernel(kernel: string): void;
  __setFileSystemTypeCheck(enabled: boolean): void;
}

const ADDON_FILE = 'hexlog_native.node';
const ADDON_FROM_ROOT = join('native', 'build', 'Release', ADDON_FILE);
const BUILD_HINT = 'run `npm run build:native` (or set HEXLOG_NATIVE_PATH to the .node file)';

let loadedBinding: NativeBinding | undefined;
let loadedAddonPath: string | undefined;

function loadBinding(): NativeBinding {
  if (loadedBinding !== undefined) return loadedBinding;
  const file = findAddon();
  const addonModule: { exports: unknown } = { exports: {} };
  try {
    // process.dlopen works the same under vitest (ESM), tsx (CJS) and the electron-vite bundle,
    // where require and createRequire do not.
    process.dlopen(addonModule, file);
  } catch (error) {
    throw new NativeError(
      'ENATIVE',
      `ENATIVE: could not load the native addon ${file}: ${errorMessage(error)}; ${BUILD_HINT}`,
      file,
      { cause: error },
    );
  }
  if (!isNativeBinding(addonModule.exports)) {
    throw new NativeError(
      'ENATIVE',
      `ENATIVE: ${file} is not the hexlog addon, or an outdated build (no MappedFile, LineIndex, ByteSearch or releaseMemory export); ${BUILD_HINT}`,
      file,
    );
  }
  loadedBinding = addonModule.exports;
  loadedAddonPath = file;
  return loadedBinding;
}

function findAddon(): string {
  const fromEnv = process.env['HEXLOG_NATIVE_PATH'];
  if (fromEnv !== undefined && fromEnv !== '') {
    const file = resolve(fromEnv);
    if (!existsSync(file)) {
      throw new NativeError(
        'ENATIVE',
        `ENATIVE: HEXLOG_NATIVE_PATH is ${fromEnv}, which does not exist; ${BUILD_HINT}`,
        file,
      );
    }
    return file;
  }
  // This file sits in native/; bundled, it runs from out/main/. Both have the repo root above.
  const start = resolve(typeof __dirname !== 'undefined' ? __dirname : process.cwd());
  for (let dir = start; ; dir = dirname(dir)) {
    const candidate = join(dir, ADDON_FROM_ROOT);
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) break;
  }
  throw new NativeError(
    'ENATIVE',
    `ENATIVE: native addon not found: no ${ADDON_FROM_ROOT} in ${start} or any parent; ${BUILD_HINT}`,
  );
}

function isNativeBinding(value: unknown): value is NativeBinding {
  return (
    typeof value === 'object' &&
    value !== null &&
    'MappedFile' in value &&
    typeof value.MappedFile === 'function' &&
    'open' in value.MappedFile &&
    typeof value.MappedFile.open === 'function' &&
    // An addon built before the line index: rebuilding fixes it.
    'LineIndex' in value &&
    typeof value.LineIndex === 'function' &&
    // An addon built before search.
    'ByteSearch' in value &&
    typeof value.ByteSearch === 'function' &&
    // An addon built before releaseMemory.
    'releaseMemory' in value &&
    typeof value.releaseMemory === 'function' &&
    '__faultGuardSelfTest' in value &&
    typeof value.__faultGuardSelfTest === 'function'
  );
}

// ---- Wrapper --------------------------------------------------------------------------------

class MappedFileHandle implements MappedFile {
  readonly path: string;
  readonly mode: MapMode;
  readonly #native: NativeMappedFile;

  constructor(path: string, mode: MapMode, native: NativeMappedFile) {
    this.path = path;
    this.mode = mode;
    this.#native = native;
  }

  /** The addon object behind a MappedFile from openMapped, for the line index. */
  static nativeOf(file: unknown): NativeMappedFile | undefined {
    return file instanceof MappedFileHandle ? file.#native : undefined;
  }

  get closed(): boolean {
    return this.#native.isClosed();
  }

  size(): number {
    return callNative(() => this.#native.size(), this.path);
  }

  stat(): FileIdentity {
    return callNative(() => this.#native.stat(), this.path);
  }

  readInto(offset: number, target: Uint8Array): number {
    requireOffset('offset', offset, this.path);
    requireBytes('target', target, this.path);
    return callNative(() => this.#native.readInto(offset, target), this.path);
  }

  write(offset: number, bytes: Uint8Array): number {
    requireOffset('offset', offset, this.path);
    requireBytes('bytes', bytes, this.path);
    return callNative(() => this.#native.write(offset, bytes), this.path);
  }

  flush(offset = 0, length?: number): void {
    requireOffset('offset', offset, this.path);
    if (length !== undefined) requireOffset('length', length, this.path);
    const size = this.size();
    // Past-the-end offsets go through so the addon reports ERANGE.
    const byteLength = length ?? (offset <= size ? size - offset : 0);
    callNative(() => this.#native.flush(offset, byteLength), this.path);
  }

  async flushAsync(offset = 0, length?: number): Promise<void> {
    // async: a failed check or a synchronous throw of the binding becomes a rejection too.
    requireOffset('offset', offset, this.path);
    if (length !== undefined) requireOffset('length', length, this.path);
    const size = this.size();
    const byteLength = length ?? (offset <= size ? size - offset : 0);
    const pending = callNative(() => this.#native.flushAsync(offset, byteLength), this.path);
    try {
      await pending;
    } catch (error) {
      throw toNativeError(error, this.path);
    }
  }

  tryLock(): boolean {
    return callNative(() => this.#native.tryLock(), this.path);
  }

  unlock(): void {
    callNative(() => this.#native.unlock(), this.path);
  }

  close(): void {
    this.#native.close();
  }
}

class LineIndexHandle implements LineIndex {
  readonly encoding: TextEncodingName;
  readonly #path: string;
  readonly #native: NativeLineIndex;

  constructor(path: string, encoding: TextEncodingName, native: NativeLineIndex) {
    this.#path = path;
    this.encoding = encoding;
    this.#native = native;
  }

  progress(): LineIndexProgress {
    return callNative(() => this.#native.progress(), this.#path);
  }

  readLines(firstLine: number, count: number, maxBytesPerLine: number): LineSlice {
    requireOffset('firstLine', firstLine, this.#path);
    requireOffset('count', count, this.#path);
    requireOffset('maxBytesPerLine', maxBytesPerLine, this.#path);
    return callNative(() => this.#native.readLines(firstLine, count, maxBytesPerLine), this.#path);
  }

  lineAtOffset(offset: number): number {
    requireOffset('offset', offset, this.#path);
    return callNative(() => this.#native.lineAtOffset(offset), this.#path);
  }

  linesAtOffsets(offsets: Float64Array): Float64Array {
    requireOffsetArray('offsets', offsets, this.#path);
    return callNative(() => this.#native.linesAtOffsets(offsets), this.#path);
  }

  readLinesAt(lines: Float64Array, maxBytesPerLine: number): LineSliceAt {
    requireOffsetArray('lines', lines, this.#path);
    requireOffset('maxBytesPerLine', maxBytesPerLine, this.#path);
    return callNative(() => this.#native.readLinesAt(lines, maxBytesPerLine), this.#path);
  }

  extend(grown: MappedFile): void {
    const native = MappedFileHandle.nativeOf(grown);
    if (native === undefined) {
      throw invalid(`grown must be a MappedFile from openMapped, got ${describe(grown)}`, this.#path);
    }
    callNative(() => this.#native.extend(native), this.#path);
  }

  cancel(): void {
    callNative(() => this.#native.cancel(), this.#path);
  }

  memoryBytes(): number {
    return callNative(() => this.#native.memoryBytes(), this.#path);
  }

  dispose(): void {
    this.#native.dispose();
  }
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

// ---- Checks and errors ----------------------------------------------------------------------

function isMapMode(value: unknown): value is MapMode {
  return typeof value === 'string' && (MAP_MODES as readonly string[]).includes(value);
}

function isTextEncoding(value: unknown): value is TextEncodingName {
  return typeof value === 'string' && (TEXT_ENCODINGS as readonly string[]).includes(value);
}

function requireOffset(name: string, value: unknown, path: string): void {
  if (!isNonNegativeSafeInteger(value)) {
    throw invalid(`${name} must be a non-negative safe integer, got ${describe(value)}`, path);
  }
}

function requireOffsetArray(name: string, value: unknown, path: string): void {
  if (!types.isFloat64Array(value)) {
    throw invalid(`${name} must be a Float64Array, got ${describe(value)}`, path);
  }
  for (let i = 0; i < value.length; i++) {
    if (!isNonNegativeSafeInteger(value[i])) {
      throw invalid(`${name}[${i}] must be a non-negative safe integer, got ${describe(value[i])}`, path);
    }
  }
}

function requireBytes(name: string, value: unknown, path: string): asserts value is Uint8Array {
  // types.isUint8Array also accepts Buffers and arrays from another realm (vm context, iframe).
  if (!types.isUint8Array(value)) {
    throw invalid(`${name} must be a Uint8Array, got ${describe(value)}`, path);
  }
}

function invalid(message: string, path?: string): NativeError {
  return new NativeError('EINVAL', `EINVAL: ${message}`, path);
}

function describe(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    return String(value);
  }
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null) return 'null';
  if (typeof value === 'object') return Object.prototype.toString.call(value).slice(8, -1);
  return typeof value;
}

/** Runs a native call and turns its coded Error into a NativeError. */
function callNative<T>(call: () => T, path: string | undefined): T {
  try {
    return call();
  } catch (error) {
    throw toNativeError(error, path);
  }
}

function toNativeError(error: unknown, fallbackPath: string | undefined): unknown {
  if (isNativeError(error) || !(error instanceof Error)) return error;
  const coded: Error & { code?: unknown; path?: unknown } = error;
  if (typeof coded.code !== 'string') return error; // not one of ours: let it through unchanged
  const path = typeof coded.path === 'string' ? coded.path : fallbackPath;
  return new NativeError(coded.code, coded.message, path, { cause: error });
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
