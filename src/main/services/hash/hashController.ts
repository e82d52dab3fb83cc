// One session's "Hashes of selection": at most one hashing at a time (a new one replaces the one
// running), progress as hashProgress events about ten times a second, and a file that changes on
// disk while it runs answers EFILECHANGED rather than the hashes of a mix of two files.
import { HASH_ALGOS, type HashAlgo, type HashStatus } from '../../../shared/contract';
import type { Disposable } from '../../../shared/disposable';
import { err, ok, type Result } from '../../../shared/result';
import { byteCount, byteOffset, type ByteCount, type ByteOffset, type SessionId } from '../../../shared/units';
import { describeChange, identityAt } from '../fileIdentity';
import { RangeHasher, type OverlayEdit } from './rangeHasher';

export interface HashHost {
  readonly session: SessionId;
  /** The file the session maps (a decompressed copy for a compressed file). */
  readonly path: string;
  size(): number;
  /** Pending edits overlapping [start, end), in offset order. */
  editsIn(start: number, end: number): OverlayEdit[];
  emit(status: HashStatus): void;
}

const PROGRESS_INTERVAL_MS = 100;

export class HashController implements Disposable {
  private nextId = 1;
  private current: HashStatus | null = null;
  private hasher: RangeHasher | null = null;
  private timer: ReturnType<typeof setInterval> | undefined;
  private disposed = false;

  constructor(private readonly host: HashHost) {}

  /** Starts hashing [offset, offset + length) of the file as shown (edits laid over). */
  start(offset: ByteOffset, length: ByteCount, algos: readonly HashAlgo[] = HASH_ALGOS): Result<HashStatus> {
    if (this.disposed) return err('ECLOSED', 'the file was closed');
    const size = this.host.size();
    if (offset + length > size) {
      return err('ERANGE', `The range ${offset} + ${length} bytes passes the end of the file (${size} bytes).`);
    }
    const before = identityAt(this.host.path);
    if (before === null) return err('ENOENT', `${this.host.path} is gone: it cannot be read for its hashes.`);
    this.stop();
    const hashId = this.nextId++;
    const hasher = new RangeHasher({
      path: this.host.path,
      offset,
      length,
      algos,
      edits: this.host.editsIn(offset, offset + length),
    });
    this.hasher = hasher;
    const status: HashStatus = {
      session: this.host.session,
      hashId,
      offset: byteOffset(offset),
      length: byteCount(length),
      algos: [...algos],
      bytesDone: 0,
      done: false,
      cancelled: false,
      error: null,
      values: {},
    };
    this.current = status;
    this.timer = setInterval(() => this.report(hashId), PROGRESS_INTERVAL_MS);
    void hasher.outcome.then((outcome) => {
      if (this.hasher !== hasher) return;
      this.clearTimer();
      this.hasher = null;
      const after = identityAt(this.host.path);
      const changed = after === null ? 'deleted' : describeChange(before, after);
      const base = { ...status, bytesDone: hasher.bytesDone(), done: true };
      if (outcome.kind === 'done' && changed !== '') {
        this.finish({
          ...base,
          error: {
            code: 'EFILECHANGED',
            message: `The file changed on disk while its hashes were being computed (${changed}); compute them again.`,
          },
        });
      } else if (outcome.kind === 'done') this.finish({ ...base, bytesDone: length, values: outcome.values });
      else if (outcome.kind === 'cancelled') this.finish({ ...base, cancelled: true });
      else this.finish({ ...base, error: { code: outcome.code, message: outcome.message } });
      hasher.dispose();
    });
    return ok(status);
  }

  status(): HashStatus | null {
    if (this.current !== null && this.hasher !== null) {
      this.current = { ...this.current, bytesDone: this.hasher.bytesDone() };
    }
    return this.current;
  }

  /** Stops the running hashing; its status says cancelled once the workers have stopped. */
  cancel(): HashStatus | null {
    this.hasher?.cancel();
    return this.status();
  }

  private report(hashId: number): void {
    const status = this.status();
    if (status !== null && status.hashId === hashId && !status.done) this.host.emit(status);
  }

  private finish(status: HashStatus): void {
    this.current = status;
    if (!this.disposed) this.host.emit(status);
  }

  private clearTimer(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Stops what runs without an answer: a new hashing replaces it. */
  private stop(): void {
    this.clearTimer();
    const running = this.hasher;
    this.hasher = null;
    running?.dispose();
  }

  dispose(): void {
    this.disposed = true;
    this.stop();
  }
}
