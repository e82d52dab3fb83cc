// The line index of one file session: wraps the native index, pumps progress events at a bounded
// rate, and answers viewport reads in the contract's shape.
import { createLineIndex, type LineIndex, type LineSlice, type MappedFile } from '../../../native/index';
import type { IndexStatus, TextEncodingName } from '../../shared/contract';
import { MAX_LINE_DISPLAY_BYTES } from '../../shared/contract';
import type { Disposable } from '../../shared/disposable';
import { byteCount, lineCount, type SessionId } from '../../shared/units';

const PROGRESS_INTERVAL_MS = 100;

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

export class TextIndex implements Disposable {
  private readonly index: LineIndex;
  private pump: ReturnType<typeof setInterval> | undefined;
  private disposed = false;

  constructor(
    file: MappedFile,
    readonly encoding: TextEncodingName,
    private readonly session: SessionId,
    private readonly onProgress: (status: IndexStatus) => void,
    private readonly isFollowing: () => boolean,
  ) {
    this.index = createLineIndex(file, encoding);
    this.startPump();
  }

  status(): IndexStatus {
    const progress = this.index.progress();
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
    return this.index.readLines(firstLine, count, maxBytesPerLine);
  }

  /** 0-based line containing `offset`. */
  lineAtOffset(offset: number): number {
    return this.index.lineAtOffset(offset);
  }

  /** 0-based lines of many offsets in one call (-1 where not indexed yet). */
  linesAtOffsets(offsets: Float64Array): Float64Array {
    return this.index.linesAtOffsets(offsets);
  }

  /** Arbitrary 0-based lines in one call; `lines` names the line of each entry. */
  readLinesAt(lines: Float64Array, maxBytesPerLine: number): LineRange & { readonly lines: Float64Array } {
    return this.index.readLinesAt(lines, maxBytesPerLine);
  }

  /** The file grew: index only the appended bytes, reading through the new mapping. */
  extend(grown: MappedFile): void {
    this.index.extend(grown);
    this.startPump();
  }

  cancel(): void {
    this.index.cancel();
  }

  memoryBytes(): number {
    return this.index.memoryBytes();
  }

  private startPump(): void {
    if (this.pump !== undefined || this.disposed) return;
    this.pump = setInterval(() => {
      const status = this.status();
      this.onProgress(status);
      const ended = status.done || status.cancelled || status.error !== null;
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
    this.index.dispose();
  }
}
