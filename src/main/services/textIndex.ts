// The line index of one file session: wraps the native index, pumps progress events at a bounded
// rate, and answers viewport reads in the contract's shape.
import {
  createLineIndex,
  type LineIndex,
  type LineSlice,
  type LineSliceAt,
  type MappedFile,
} from '../../../native/index';
import type { IndexStatus, TextEncodingName } from '../../shared/contract';

/** The index's own status; the session adds its data generation. */
export type IndexProgress = Omit<IndexStatus, 'generation'>;
import { MAX_LINE_DISPLAY_BYTES } from '../../shared/contract';
import type { Disposable } from '../../shared/disposable';
import { errFromThrown } from '../../shared/result';
import { byteCount, lineCount, type SessionId } from '../../shared/units';
import { WorkPool, type WorkLease } from './workPool';

const PROGRESS_INTERVAL_MS = 100;

/** Indexing holds worker threads: at most this many files are indexed at once, the rest wait. */
export const INDEX_LIMITS = { maxRunning: 4, maxPerOwner: 64 } as const;
export const indexPool = new WorkPool(INDEX_LIMITS.maxRunning, INDEX_LIMITS.maxPerOwner, 'files being indexed');

/** Lines of one viewport, as the addon answers them. */
export type LineRange = LineSlice;

/** Picks an encoding from a byte-order mark at the start of the file; UTF-8 otherwise. */
export function detectEncoding(file: MappedFile): TextEncodingName {
  const head = new Uint8Array(Math.min(4, file.size()));
  if (head.byteLength > 0) file.readInto(0, head);
  if (head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
  if (head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
  return 'utf-8';
}

const emptySlice = (): LineSliceAt => ({
  firstLine: 0,
  count: 0,
  bytes: new Uint8Array(0),
  textStarts: Uint32Array.of(0),
  fileOffsets: new Float64Array(0),
  fullLengths: new Float64Array(0),
  lines: new Float64Array(0),
});

/**
 * The line index of one session. The native index starts once the process's index pool gives it a
 * place; until then it answers as an index that knows no line yet.
 */
export class TextIndex implements Disposable {
  private index: LineIndex | null = null;
  private lease: WorkLease | null = null;
  /** The mapping to index once started (the newest, if the file grew while waiting). */
  private file: MappedFile;
  /** Its size (read once: the mapping may be closed by its owner while the index waits). */
  private fileSize: number;
  private cancelledBeforeStart = false;
  private startError: { code: string; message: string } | null = null;
  private pump: ReturnType<typeof setInterval> | undefined;
  private disposed = false;

  constructor(
    file: MappedFile,
    readonly encoding: TextEncodingName,
    private readonly session: SessionId,
    private readonly onProgress: (status: IndexProgress) => void,
    private readonly isFollowing: () => boolean,
    owner = 'default',
    pool: WorkPool = indexPool,
  ) {
    this.file = file;
    this.fileSize = file.size();
    const lease = pool.request(owner, () => this.begin());
    if (lease.ok) this.lease = lease.value;
    else this.startError = { code: lease.code, message: lease.message };
    if (this.ended()) this.release();
    this.startPump();
  }

  private begin(): void {
    if (this.disposed || this.cancelledBeforeStart) return;
    try {
      this.index = createLineIndex(this.file, this.encoding);
    } catch (error) {
      const failure = errFromThrown(error);
      this.startError = { code: failure.code, message: failure.message };
      queueMicrotask(() => this.release());
    }
  }

  private ended(): boolean {
    const status = this.status();
    return status.done || status.cancelled || status.error !== null;
  }

  private release(): void {
    this.lease?.release();
    this.lease = null;
  }

  /** Whether the index waits for a place in the pool. */
  get waiting(): boolean {
    return this.index === null && this.startError === null && !this.cancelledBeforeStart;
  }

  status(): IndexProgress {
    const progress = this.index?.progress() ?? {
      bytesScanned: 0,
      totalBytes: this.fileSize,
      linesKnown: 0,
      done: false,
      cancelled: this.cancelledBeforeStart,
      error: this.startError,
    };
    return {
      session: this.session,
      encoding: this.encoding,
      bytesScanned: byteCount(progress.bytesScanned),
      totalBytes: byteCount(progress.totalBytes),
      linesKnown: lineCount(progress.linesKnown),
      done: progress.done,
      cancelled: progress.cancelled,
      error: progress.error,
      following: this.isFollowing(),
    };
  }

  /**
   * 0-based lines [firstLine, firstLine + count) within the known range, each capped for display.
   * Callers keep count within the contract's MAX_LINES_PER_READ; the addon's bigger
   * LINE_INDEX_LIMITS.maxLinesPerRead is only its own safety net.
   */
  readLines(firstLine: number, count: number, maxBytesPerLine = MAX_LINE_DISPLAY_BYTES): LineRange {
    return this.index?.readLines(firstLine, count, maxBytesPerLine) ?? { ...emptySlice(), firstLine };
  }

  /** 0-based line containing `offset`. */
  lineAtOffset(offset: number): number {
    if (this.index === null) {
      throw Object.assign(new Error(`offset ${offset} is not indexed yet`), { code: 'ERANGE' });
    }
    return this.index.lineAtOffset(offset);
  }

  /** 0-based lines of many offsets in one call (-1 where not indexed yet). */
  linesAtOffsets(offsets: Float64Array): Float64Array {
    return this.index?.linesAtOffsets(offsets) ?? new Float64Array(offsets.length).fill(-1);
  }

  /** Arbitrary 0-based lines in one call; `lines` names the line of each entry. */
  readLinesAt(lines: Float64Array, maxBytesPerLine: number): LineSliceAt {
    return this.index?.readLinesAt(lines, maxBytesPerLine) ?? emptySlice();
  }

  /** The file grew: index only the appended bytes, reading through the new mapping. */
  extend(grown: MappedFile): void {
    if (this.index === null) {
      this.file = grown;
      this.fileSize = grown.size();
    } else this.index.extend(grown);
    this.startPump();
  }

  cancel(): void {
    if (this.index === null) {
      this.cancelledBeforeStart = true;
      this.release();
    } else {
      this.index.cancel();
    }
  }

  memoryBytes(): number {
    return this.index?.memoryBytes() ?? 0;
  }

  private startPump(): void {
    if (this.pump !== undefined || this.disposed) return;
    this.pump = setInterval(() => {
      const status = this.status();
      this.onProgress(status);
      const ended = status.done || status.cancelled || status.error !== null;
      if (ended) this.release();
      if (ended && this.pump !== undefined) {
        clearInterval(this.pump);
        this.pump = undefined;
      }
    }, PROGRESS_INTERVAL_MS);
    this.pump.unref?.();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.pump !== undefined) clearInterval(this.pump);
    this.pump = undefined;
    this.release();
    this.index?.dispose();
  }
}
