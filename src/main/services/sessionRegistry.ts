// All open file sessions, each owned by one window (or one browser-host connection).
import { resolve } from 'node:path';
import { releaseMemory } from '../../../native/index';
import type { FileInfo } from '../../shared/contract';
import type { Disposable } from '../../shared/disposable';
import { err, errFromThrown, ok, type Result } from '../../shared/result';
import { sessionId, type SessionId } from '../../shared/units';
import { FileSession, type Emit } from './fileSession';
import { compressionOf, decompressToCache, type DecompressedFile } from './compressed';
import { MergedSession } from './merge/mergedSession';
import { CompareSession } from './compare/compareSession';
import { basename } from 'node:path';

/** Routes a session's events to its owner. */
export type EmitTo = (owner: string) => Emit;

/** Most files one window (or browser-host connection) may hold open at once. */
export const MAX_SESSIONS_PER_OWNER = 64;

export class SessionRegistry implements Disposable {
  private readonly sessions = new Map<SessionId, FileSession>();
  private readonly mergedViews = new Map<SessionId, MergedSession>();
  private readonly compareViews = new Map<SessionId, CompareSession>();
  private readonly countByOwner = new Map<string, number>();
  private nextId = 1;

  constructor(
    private readonly emitTo: EmitTo,
    private readonly maxPerOwner = MAX_SESSIONS_PER_OWNER,
  ) {}

  get openCount(): number {
    return this.sessions.size;
  }

  /** How many sessions `owner` holds open. */
  ownedBy(owner: string): number {
    return this.countByOwner.get(owner) ?? 0;
  }

  /** Decompressions running for each owner, stopped by cancelOpening or when the owner goes. */
  private readonly opening = new Map<string, Set<AbortController>>();

  /**
   * Opens `path`: a gzip or zstd file (told by its bytes) is first decompressed into a temporary
   * file, with openProgress events, and shown read-only under its own name.
   */
  async openFile(path: string, owner: string): Promise<Result<FileInfo>> {
    if (this.ownedBy(owner) >= this.maxPerOwner) return this.open(path, owner);
    const absolute = resolve(path);
    // Registered before the first await: a cancel sent right after the request reaches it.
    const controller = new AbortController();
    const running = this.opening.get(owner) ?? new Set<AbortController>();
    running.add(controller);
    this.opening.set(owner, running);
    let decompressed: Result<DecompressedFile | 'cancelled'> | null = null;
    const emit = this.emitTo(owner);
    let progress: ((read: number, total: number, written: number, done: boolean) => void) | null = null;
    try {
      const compression = await compressionOf(absolute);
      // Missing, unreadable, a directory, a device: the mapping's own error says it the usual way.
      if (compression.ok && compression.value !== null) {
        const kind = compression.value;
        progress = (compressedRead, compressedTotal, outputWritten, done) =>
          emit('openProgress', {
            path: absolute,
            name: basename(absolute),
            compression: kind,
            compressedRead,
            compressedTotal,
            outputWritten,
            done,
          });
        const report = progress;
        decompressed = await decompressToCache(absolute, {
          signal: controller.signal,
          onProgress: (at) => report(at.compressedRead, at.compressedTotal, at.outputWritten, false),
        });
      }
    } finally {
      running.delete(controller);
      if (running.size === 0) this.opening.delete(owner);
    }
    if (decompressed === null) {
      return controller.signal.aborted
        ? err('ECANCELLED', `Opening ${basename(absolute)} was cancelled.`)
        : this.open(absolute, owner);
    }
    if (!decompressed.ok || decompressed.value === 'cancelled') {
      progress?.(0, 0, 0, true);
      return decompressed.ok ? err('ECANCELLED', `Opening ${basename(absolute)} was cancelled.`) : decompressed;
    }
    const file = decompressed.value;
    progress?.(file.outputBytes, file.outputBytes, file.outputBytes, true);
    const opened = this.open(absolute, owner, file);
    if (!opened.ok) file.dispose();
    return opened;
  }

  /** Stops the decompressions `owner` is waiting for. */
  cancelOpening(owner: string): void {
    for (const controller of this.opening.get(owner) ?? []) controller.abort();
  }

  /** Maps `path` (or `decompressed`'s copy of it) as a new session of `owner`. */
  open(path: string, owner: string, decompressed: DecompressedFile | null = null): Result<FileInfo> {
    if (this.ownedBy(owner) >= this.maxPerOwner) {
      return err('ELIMIT', `Too many open files in this window (${this.maxPerOwner}); close some first.`);
    }
    const absolute = resolve(path);
    try {
      const session = FileSession.open(sessionId(this.nextId++), owner, absolute, this.emitTo(owner), decompressed);
      this.sessions.set(session.id, session);
      this.countByOwner.set(owner, this.ownedBy(owner) + 1);
      return ok(session.info);
    } catch (error) {
      return errFromThrown(error);
    }
  }

  /** A merged view (a tab of its own) of `owner`'s open files `ids` by time. */
  merge(ids: readonly SessionId[], owner: string): Result<FileInfo> {
    const unique = [...new Set(ids)];
    if (unique.length < 2) return err('EINVAL', 'A merged view takes at least two open files.');
    if (this.ownedBy(owner) >= this.maxPerOwner) {
      return err('ELIMIT', `Too many open files in this window (${this.maxPerOwner}); close some first.`);
    }
    const sources: FileSession[] = [];
    for (const id of unique) {
      const found = this.get(id, owner);
      if (!found.ok) return found;
      const source = found.value;
      const index = source.indexStatus();
      if (!index.ok) return err('EINVAL', `${source.info.name} is not open as text: it cannot be merged by time.`);
      const time = source.time.timeState();
      if (time.format === null) {
        // The reason when there is one (a UTF-16 file: times are read from UTF-8 and Latin-1 text).
        const why = time.notice === null ? '' : ` (${time.notice.replace(/\.$/, '')})`;
        return err(
          'EINVAL',
          `${source.info.name} has no timestamps hexlog recognises${why}: it cannot be merged by time.`,
        );
      }
      sources.push(source);
    }
    const view = new MergedSession(sessionId(this.nextId++), owner, sources, this.emitTo(owner));
    this.mergedViews.set(view.id, view);
    this.countByOwner.set(owner, this.ownedBy(owner) + 1);
    return ok(view.info);
  }

  /** The merged view `id` of `owner`, or null (a file's session, or none). */
  getMerged(id: SessionId, owner: string): MergedSession | null {
    const view = this.mergedViews.get(id);
    return view !== undefined && view.owner === owner ? view : null;
  }

  /** A compare tab (a session of its own) of `owner`'s open files `a` and `b`, compared byte for byte. */
  compare(a: SessionId, b: SessionId, owner: string): Result<FileInfo> {
    if (a === b) return err('EINVAL', 'A file compared with itself has no differences: choose another file.');
    if (this.ownedBy(owner) >= this.maxPerOwner) {
      return err('ELIMIT', `At most ${this.maxPerOwner} files can be open at once: close one to compare.`);
    }
    const sources = [];
    for (const id of [a, b]) {
      const found = this.get(id, owner);
      if (!found.ok) return found;
      const info = found.value.info;
      sources.push({
        session: id,
        name: info.name,
        path: info.path,
        mappedPath: found.value.path,
        fileId: info.fileId,
      });
    }
    const id = sessionId(this.nextId++);
    const view = CompareSession.open(id, owner, sources[0]!, sources[1]!, (status) =>
      this.emitTo(owner)('compareProgress', status),
    );
    if (!view.ok) return view;
    this.compareViews.set(id, view.value);
    this.countByOwner.set(owner, this.ownedBy(owner) + 1);
    return ok(view.value.info);
  }

  /** The compare tab `id` of `owner`, or null. */
  getCompare(id: SessionId, owner: string): CompareSession | null {
    const view = this.compareViews.get(id);
    return view !== undefined && view.owner === owner ? view : null;
  }

  /** The session, if it exists and belongs to `owner`: one window never reaches another's files. */
  get(id: SessionId, owner: string): Result<FileSession> {
    const session = this.sessions.get(id);
    if (session === undefined || session.owner !== owner) {
      return err('ENOSESSION', `no open file with session id ${id}`);
    }
    return ok(session);
  }

  close(id: SessionId, owner: string): Result<null> {
    const compared = this.getCompare(id, owner);
    if (compared !== null) {
      this.compareViews.delete(id);
      this.uncount(owner);
      compared.dispose();
      return ok(null);
    }
    const view = this.getMerged(id, owner);
    if (view !== null) {
      this.mergedViews.delete(id);
      this.uncount(owner);
      view.dispose();
      return ok(null);
    }
    const found = this.get(id, owner);
    if (!found.ok) return found;
    this.forget(found.value);
    found.value.dispose();
    for (const view of this.mergedViews.values()) if (view.reads(id)) view.sourceClosed();
    scheduleMemoryRelease();
    return ok(null);
  }

  disposeOwner(owner: string): void {
    this.cancelOpening(owner);
    for (const view of [...this.compareViews.values()]) {
      if (view.owner !== owner) continue;
      this.compareViews.delete(view.id);
      this.uncount(owner);
      view.dispose();
    }
    for (const view of [...this.mergedViews.values()]) {
      if (view.owner !== owner) continue;
      this.mergedViews.delete(view.id);
      this.uncount(owner);
      view.dispose();
    }
    for (const session of [...this.sessions.values()]) {
      if (session.owner === owner) {
        this.forget(session);
        session.dispose();
      }
    }
    scheduleMemoryRelease();
  }

  dispose(): void {
    for (const owner of [...this.opening.keys()]) this.cancelOpening(owner);
    for (const view of this.mergedViews.values()) view.dispose();
    this.mergedViews.clear();
    for (const view of this.compareViews.values()) view.dispose();
    this.compareViews.clear();
    const all = [...this.sessions.values()];
    this.sessions.clear();
    this.countByOwner.clear();
    for (const session of all) session.dispose();
  }

  private forget(session: FileSession): void {
    this.sessions.delete(session.id);
    this.uncount(session.owner);
  }

  private uncount(owner: string): void {
    const left = this.ownedBy(owner) - 1;
    if (left > 0) this.countByOwner.set(owner, left);
    else this.countByOwner.delete(owner);
  }
}

let releaseTimer: ReturnType<typeof setTimeout> | undefined;

/**
 * Once closing settles down, hands freed memory (search results, index tables) back to the system:
 * glibc keeps freed blocks of many threads' arenas otherwise.
 */
function scheduleMemoryRelease(): void {
  if (releaseTimer !== undefined) return;
  releaseTimer = setTimeout(() => {
    releaseTimer = undefined;
    releaseMemory();
  }, 1000);
  releaseTimer.unref?.();
}
