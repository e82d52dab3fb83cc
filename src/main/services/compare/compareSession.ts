// A compare tab: two files mapped on their own (so closing either file's tab leaves it working)
// and compared byte for byte at the same offsets by the addon's ByteDiff, on its threads. The
// session polls the comparison and sends its progress; reads, ranges and steps check first that
// neither file changed on disk since the comparison began.
import {
  createByteDiff,
  openMapped,
  type ByteDiff,
  type ByteDiffOptions,
  type MappedFile,
} from '../../../../native/index';
import type {
  CompareStatus,
  ComparedBytes,
  ComparedFile,
  DiffRange,
  DiffRanges,
  FileInfo,
} from '../../../shared/contract';
import { DisposableStore, toDisposable, type Disposable } from '../../../shared/disposable';
import { err, errFromThrown, ok, type Err, type Result } from '../../../shared/result';
import { byteCount, byteOffset, type ByteCount, type ByteOffset, type SessionId } from '../../../shared/units';
import { describeChange, type FileIdentity } from '../fileIdentity';

const PROGRESS_INTERVAL_MS = 100;

/** What a compare tab needs of each file: its mapped path, and how the user knows it. */
export interface CompareSource {
  readonly session: SessionId;
  readonly name: string;
  /** The path shown to the user. */
  readonly path: string;
  /** The file mapped (a compressed file's decompressed copy). */
  readonly mappedPath: string;
  readonly fileId: string;
}

interface Side {
  readonly source: CompareSource;
  readonly file: MappedFile;
  readonly opened: FileIdentity;
}

export class CompareSession implements Disposable {
  private readonly store = new DisposableStore();
  private timer: ReturnType<typeof setInterval> | undefined;
  private disposed = false;

  private constructor(
    readonly id: SessionId,
    readonly owner: string,
    private readonly sides: readonly [Side, Side],
    private readonly diff: ByteDiff,
    private readonly emit: (status: CompareStatus) => void,
  ) {
    for (const side of sides) this.store.add(toDisposable(() => side.file.close()));
    this.store.add(diff);
    this.store.add(toDisposable(() => this.stopPolling()));
    this.timer = setInterval(() => this.poll(), PROGRESS_INTERVAL_MS);
    this.timer.unref?.();
  }

  /** Maps both files and starts comparing them. */
  static open(
    id: SessionId,
    owner: string,
    a: CompareSource,
    b: CompareSource,
    emit: (status: CompareStatus) => void,
    options: ByteDiffOptions = {},
  ): Result<CompareSession> {
    const opened: MappedFile[] = [];
    try {
      const sides = [a, b].map((source): Side => {
        const file = openMapped(source.mappedPath, 'readonly');
        opened.push(file);
        return { source, file, opened: file.stat() };
      }) as [Side, Side];
      const diff = createByteDiff(sides[0].file, sides[1].file, options);
      return ok(new CompareSession(id, owner, sides, diff, emit));
    } catch (error) {
      for (const file of opened) file.close();
      return errFromThrown(error);
    }
  }

  get info(): FileInfo {
    const [a, b] = this.sides;
    const compared = this.sides.map((side): ComparedFile => ({
      session: side.source.session,
      name: side.source.name,
      path: side.source.path,
      size: byteCount(side.file.size()),
    })) as [ComparedFile, ComparedFile];
    return {
      session: this.id,
      name: `${a.source.name} ↔ ${b.source.name}`,
      path: '',
      size: byteCount(Math.max(a.file.size(), b.file.size())),
      writable: false,
      fileId: `compare:${a.source.fileId}+${b.source.fileId}`,
      compression: null,
      compared,
    };
  }

  /** Whether the tab compares the file of session `id`. */
  reads(id: SessionId): boolean {
    return this.sides.some((side) => side.source.session === id);
  }

  status(): CompareStatus {
    const progress = this.diff.progress();
    const changed = progress.error === null ? this.changed() : null;
    return {
      session: this.id,
      bytesCompared: byteCount(progress.bytesCompared),
      totalBytes: byteCount(progress.totalBytes),
      ranges: progress.ranges,
      bytes: progress.bytes,
      coalesced: progress.gap > 0,
      done: progress.done && changed === null,
      cancelled: progress.cancelled,
      error: progress.error ?? (changed === null ? null : { code: changed.code, message: changed.message }),
    };
  }

  cancel(): CompareStatus {
    this.diff.cancel();
    this.poll();
    return this.status();
  }

  read(offset: ByteOffset, length: ByteCount): Result<ComparedBytes> {
    const changed = this.changed();
    if (changed !== null) return changed;
    const [a, b] = this.sides.map((side) => {
      const available = Math.max(0, Math.min(length, side.file.size() - offset));
      const bytes = new Uint8Array(available);
      if (available > 0) side.file.readInto(offset, bytes);
      return bytes;
    }) as [Uint8Array, Uint8Array];
    return ok({ offset, a, b });
  }

  ranges(first: number, count: number): Result<DiffRanges> {
    const changed = this.changed();
    if (changed !== null) return changed;
    const flat = this.diff.entries(first, count);
    const starts = new Float64Array(flat.length / 2);
    const ends = new Float64Array(flat.length / 2);
    for (let i = 0; i < starts.length; i++) {
      starts[i] = flat[2 * i]!;
      ends[i] = flat[2 * i + 1]!;
    }
    return ok({ first, starts, ends, coalesced: this.diff.progress().gap > 0 });
  }

  step(offset: ByteOffset, direction: 1 | -1): Result<DiffRange | null> {
    const status = this.status();
    if (status.error !== null) return err('EFILECHANGED', status.error.message);
    if (!status.done) {
      return err('EINVAL', 'The comparison is still running: its differences can be visited once it is done.');
    }
    const range = this.diff.step(offset, direction);
    return ok(range === null ? null : { start: byteOffset(range.start), end: byteOffset(range.end) });
  }

  ticks(buckets: number): Result<Float64Array> {
    return ok(Float64Array.from(this.diff.ticks(buckets)));
  }

  /** EFILECHANGED naming the file that changed on disk since the comparison began, or null. */
  private changed(): Err | null {
    for (const side of this.sides) {
      let now: FileIdentity;
      try {
        now = side.file.stat();
      } catch {
        return err('EFILECHANGED', `${side.source.name} can no longer be read: close this tab and compare again.`);
      }
      const what = describeChange(side.opened, now);
      if (what !== '') {
        return err(
          'EFILECHANGED',
          `${side.source.name} changed on disk since the comparison began (${what}): close this tab and compare again.`,
        );
      }
    }
    return null;
  }

  private poll(): void {
    if (this.disposed) return;
    const status = this.status();
    this.emit(status);
    if (status.done || status.cancelled || status.error !== null) this.stopPolling();
  }

  private stopPolling(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.store.dispose();
  }
}
