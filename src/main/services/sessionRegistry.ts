// All open file sessions, each owned by one window (or one browser-host connection).
import { resolve } from 'node:path';
import type { FileInfo } from '../../shared/contract';
import type { Disposable } from '../../shared/disposable';
import { err, errFromThrown, ok, type Result } from '../../shared/result';
import { sessionId, type SessionId } from '../../shared/units';
import { FileSession, type Emit } from './fileSession';

/** Routes a session's events to its owner. */
export type EmitTo = (owner: string) => Emit;

export class SessionRegistry implements Disposable {
  private readonly sessions = new Map<SessionId, FileSession>();
  private nextId = 1;

  constructor(private readonly emitTo: EmitTo) {}

  get openCount(): number {
    return this.sessions.size;
  }

  open(path: string, owner: string): Result<FileInfo> {
    const absolute = resolve(path);
    try {
      const session = FileSession.open(sessionId(this.nextId++), owner, absolute, this.emitTo(owner));
      this.sessions.set(session.id, session);
      return ok(session.info);
    } catch (error) {
      return errFromThrown(error);
    }
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
    const found = this.get(id, owner);
    if (!found.ok) return found;
    this.sessions.delete(id);
    found.value.dispose();
    return ok(null);
  }

  disposeOwner(owner: string): void {
    for (const session of [...this.sessions.values()]) {
      if (session.owner === owner) {
        this.sessions.delete(session.id);
        session.dispose();
      }
    }
  }

  dispose(): void {
    for (const session of this.sessions.values()) session.dispose();
    this.sessions.clear();
  }
}
