// MappedFile: a regular file mapped into memory, read and written by copying through buffers JS
// owns (readInto, write), flushed to disk in shared mode, and advisory-lockable in any mode.
import { loadBinding, type NativeMappedFile } from './binding';
import { describe, requireBytes, requireOffset, requireOffsetArray } from './checks';
import { callNative, invalid, toNativeError } from './errors';

export type MapMode = 'readonly' | 'shared' | 'private';

export const MAP_MODES: readonly MapMode[] = ['readonly', 'shared', 'private'];

/** What identifies the file on disk now; compare two of these to notice outside changes. */
export interface FileIdentity {
  readonly size: number;
  readonly dev: number;
  readonly ino: number;
  readonly mtimeMs: number;
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
  /**
   * The first bytes of the lines starting at `starts` (each up to its LF, at most `maxBytes`),
   * concatenated; line i's bytes end at ends[i]. One call for a page of lines anywhere in the file.
   */
  readLineHeads(starts: Float64Array, maxBytes: number): { bytes: Uint8Array; ends: Uint32Array };
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

/** The addon object behind a MappedFile from openMapped (for a line index or a search), else undefined. */
export function nativeMappedFileOf(file: unknown): NativeMappedFile | undefined {
  return MappedFileHandle.nativeOf(file);
}

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

  readLineHeads(starts: Float64Array, maxBytes: number): { bytes: Uint8Array; ends: Uint32Array } {
    requireOffsetArray('starts', starts, this.path);
    requireOffset('maxBytes', maxBytes, this.path);
    return callNative(() => this.#native.readLineHeads(starts, maxBytes), this.path);
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

function isMapMode(value: unknown): value is MapMode {
  return typeof value === 'string' && (MAP_MODES as readonly string[]).includes(value);
}
