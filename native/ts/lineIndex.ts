// LineIndex: the lines of a mapped file, indexed progressively by worker threads in the addon.
import { isNonNegativeSafeInteger } from '../../src/shared/units';

import { loadBinding, type NativeLineIndex } from './binding';
import { describe, requireOffset, requireOffsetArray, requireOptionalInteger } from './checks';
import { callNative, invalid } from './errors';
import { type MappedFile, nativeMappedFileOf } from './mappedFile';

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
  const native = nativeMappedFileOf(file);
  if (native === undefined) throw invalid(`file must be a MappedFile from openMapped, got ${describe(file)}`);
  if (!isTextEncoding(encoding)) {
    throw invalid(`encoding must be 'utf-8', 'latin1', 'utf-16le' or 'utf-16be', got ${describe(encoding)}`, file.path);
  }
  if (typeof options !== 'object' || options === null) {
    throw invalid(`options must be an object, got ${describe(options)}`, file.path);
  }
  const { threads, chunkBytes } = options;
  requireOptionalInteger('threads', threads, 1, LINE_INDEX_LIMITS.maxThreads, file.path);
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
    const native = nativeMappedFileOf(grown);
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

function isTextEncoding(value: unknown): value is TextEncodingName {
  return typeof value === 'string' && (TEXT_ENCODINGS as readonly string[]).includes(value);
}
