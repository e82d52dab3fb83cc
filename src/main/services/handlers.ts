// Request handlers for every channel of the contract. Each validates its arguments before touching
// a session or native code, and answers a Result; the dispatcher never throws.
import {
  MAX_LINES_PER_READ,
  MAX_MATCHES_PER_PAGE,
  MAX_READ_BYTES,
  isRequestName,
  textEncodings,
  type EncodingChoice,
  type EventName,
  type Events,
  type FindQuery,
  type HostInfo,
  type JournalAction,
  type RequestName,
  type RequestResult,
} from '../../shared/contract';
import { err, errFromThrown, ok, type Result } from '../../shared/result';
import {
  byteCount,
  byteOffset,
  isNonNegativeSafeInteger,
  lineNumber,
  sessionId,
  type LineNumber,
  type SessionId,
} from '../../shared/units';
import type { FileSession } from './fileSession';
import type { OfferList } from './offers';
import type { SessionRegistry } from './sessionRegistry';

/** Who is calling: a window or a browser-host connection. Sessions belong to their owner. */
export interface CallContext {
  readonly owner: string;
}

/** What differs between Electron and the browser host. */
export interface HostPorts {
  readonly info: HostInfo;
  /** Sends an event to one window or connection; a gone owner drops it. */
  emit<E extends EventName>(owner: string, name: E, payload: Events[E]): void;
  /** Shows the platform's open dialog; resolves to the chosen path, or null if cancelled. */
  showOpenDialog?(context: CallContext): Promise<string | null>;
  /** Picks where "Save a copy" writes: a save dialog, or a fresh name beside the file. Null if cancelled. */
  chooseCopyPath(context: CallContext, original: string): Promise<string | null>;
}

export interface ServiceDeps {
  readonly sessions: SessionRegistry;
  readonly offers: OfferList;
  readonly host: HostPorts;
}

export type Dispatch = (context: CallContext, name: unknown, args: unknown) => Promise<Result<unknown>>;

type Handler<K extends RequestName> = (
  context: CallContext,
  args: readonly unknown[],
) => Result<RequestResult<K>> | Promise<Result<RequestResult<K>>>;

class ArgumentError extends Error {}

function argCount(args: readonly unknown[], count: number): void {
  if (args.length !== count) throw new ArgumentError(`expected ${count} argument(s), got ${args.length}`);
}

function integerArg(value: unknown, what: string, max = Number.MAX_SAFE_INTEGER): number {
  if (!isNonNegativeSafeInteger(value) || value > max) {
    throw new ArgumentError(`${what} must be an integer from 0 to ${max}, got ${describe(value)}`);
  }
  return value;
}

function sessionArg(value: unknown): SessionId {
  return sessionId(integerArg(value, 'session id'));
}

function lineArg(value: unknown, what: string): LineNumber {
  if (!isNonNegativeSafeInteger(value) || value < 1) {
    throw new ArgumentError(`${what} must be a line number from 1, got ${describe(value)}`);
  }
  return lineNumber(value);
}

function bytesArg(value: unknown, what: string): Uint8Array {
  if (!(value instanceof Uint8Array) || value.byteLength > MAX_READ_BYTES) {
    throw new ArgumentError(`${what} must be a Uint8Array of at most ${MAX_READ_BYTES} bytes`);
  }
  return value;
}

function journalActionArg(value: unknown): JournalAction {
  if (value === 'rollback' || value === 'finish' || value === 'discard') return value;
  throw new ArgumentError(`journal action must be rollback, finish or discard; got ${describe(value)}`);
}

function queryArg(value: unknown): FindQuery {
  if (typeof value !== 'object' || value === null) throw new ArgumentError('query must be an object');
  const candidate = value as Partial<Record<keyof FindQuery, unknown>>;
  if (candidate.mode !== 'text' && candidate.mode !== 'regex' && candidate.mode !== 'hex') {
    throw new ArgumentError(`query mode must be text, regex or hex; got ${describe(candidate.mode)}`);
  }
  if (typeof candidate.pattern !== 'string' || candidate.pattern.length > 16_384) {
    throw new ArgumentError('query pattern must be a string of at most 16384 characters');
  }
  return {
    mode: candidate.mode,
    pattern: candidate.pattern,
    matchCase: booleanArg(candidate.matchCase, 'matchCase'),
    wholeWord: booleanArg(candidate.wholeWord, 'wholeWord'),
  };
}

function booleanArg(value: unknown, what: string): boolean {
  if (typeof value !== 'boolean') throw new ArgumentError(`${what} must be true or false, got ${describe(value)}`);
  return value;
}

function encodingArg(value: unknown): EncodingChoice {
  if (value === 'auto' || (typeof value === 'string' && (textEncodings as readonly string[]).includes(value))) {
    return value as EncodingChoice;
  }
  throw new ArgumentError(`encoding must be one of auto, ${textEncodings.join(', ')}; got ${describe(value)}`);
}

function stringArg(value: unknown, what: string): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 4096 || value.includes('\0')) {
    throw new ArgumentError(`${what} must be a non-empty string`);
  }
  return value;
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.slice(0, 40));
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) {
    return String(value);
  }
  return typeof value;
}

export function createDispatch({ sessions, offers, host }: ServiceDeps): Dispatch {
  /** Runs `act` on the caller's session, validated from the first argument. */
  const withSession = <T>(
    context: CallContext,
    args: readonly unknown[],
    count: number,
    act: (session: FileSession) => Result<T>,
  ): Result<T> => {
    argCount(args, count);
    const session = sessions.get(sessionArg(args[0]), context.owner);
    return session.ok ? act(session.value) : session;
  };

  const handlers: { [K in RequestName]: Handler<K> } = {
    hostInfo: (_context, args) => {
      argCount(args, 0);
      return ok(host.info);
    },
    listOffered: (_context, args) => {
      argCount(args, 0);
      return ok(offers.list());
    },
    openOffered: (context, args) => {
      argCount(args, 1);
      const offerId = integerArg(args[0], 'offer id');
      const offer = offers.get(offerId);
      if (offer === undefined) return err('ENOTFOUND', `no offered file with id ${offerId}`);
      return sessions.open(offer.path, context.owner);
    },
    openDialog: async (context, args) => {
      argCount(args, 0);
      if (host.showOpenDialog === undefined) {
        return err('EUNSUPPORTED', 'This host has no open dialog: it opens only the files named on its command line.');
      }
      const path = await host.showOpenDialog(context);
      if (path === null) return ok(null);
      offers.offer(path);
      return sessions.open(path, context.owner);
    },
    openDroppedPath: (context, args) => {
      argCount(args, 1);
      if (!host.info.acceptsDroppedFiles) {
        return err(
          'EUNSUPPORTED',
          'This host cannot open dropped files: it opens only the files named on its command line.',
        );
      }
      const path = stringArg(args[0], 'dropped path');
      offers.offer(path);
      return sessions.open(path, context.owner);
    },
    closeFile: (context, args) => {
      argCount(args, 1);
      return sessions.close(sessionArg(args[0]), context.owner);
    },
    readBytes: (context, args) => {
      argCount(args, 3);
      const offset = byteOffset(integerArg(args[1], 'offset'));
      const length = byteCount(integerArg(args[2], 'length', MAX_READ_BYTES));
      return withSession(context, args, 3, (session) => session.readBytes(offset, length));
    },
    fileStatus: (context, args) => withSession(context, args, 1, (session) => session.status()),
    reloadFile: (context, args) => withSession(context, args, 1, (session) => session.reload()),
    openText: (context, args) => {
      const encoding = encodingArg(args[1]);
      return withSession(context, args, 2, (session) => session.openText(encoding));
    },
    indexStatus: (context, args) => withSession(context, args, 1, (session) => session.indexStatus()),
    cancelIndex: (context, args) => withSession(context, args, 1, (session) => session.cancelIndex()),
    readLines: (context, args) => {
      argCount(args, 3);
      const first = lineArg(args[1], 'first line');
      const count = integerArg(args[2], 'line count', MAX_LINES_PER_READ);
      return withSession(context, args, 3, (session) => session.readLines(first, count));
    },
    lineAtOffset: (context, args) => {
      argCount(args, 2);
      const offset = byteOffset(integerArg(args[1], 'offset'));
      return withSession(context, args, 2, (session) => session.lineAtOffset(offset));
    },
    copyLines: (context, args) => {
      argCount(args, 3);
      const first = lineArg(args[1], 'first line');
      const last = lineArg(args[2], 'last line');
      return withSession(context, args, 3, (session) => session.copyLines(first, last));
    },
    readView: (context, args) => {
      argCount(args, 3);
      const offset = byteOffset(integerArg(args[1], 'offset'));
      const length = byteCount(integerArg(args[2], 'length', MAX_READ_BYTES));
      return withSession(context, args, 3, (session) => session.readView(offset, length));
    },
    editBytes: (context, args) => {
      argCount(args, 3);
      const offset = byteOffset(integerArg(args[1], 'offset'));
      const bytes = bytesArg(args[2], 'bytes');
      return withSession(context, args, 3, (session) => session.editBytes(offset, bytes));
    },
    editState: (context, args) => withSession(context, args, 1, (session) => ok(session.editState())),
    undoEdit: (context, args) => withSession(context, args, 1, (session) => ok(session.undoEdit())),
    redoEdit: (context, args) => withSession(context, args, 1, (session) => ok(session.redoEdit())),
    discardEdits: (context, args) => withSession(context, args, 1, (session) => ok(session.discardEdits())),
    commitEdits: (context, args) => withSession(context, args, 1, (session) => session.commit()),
    saveCopy: async (context, args) => {
      const session = withSession(context, args, 1, (found) => ok(found));
      if (!session.ok) return session;
      const dest = await host.chooseCopyPath(context, session.value.path);
      return dest === null ? ok(null) : session.value.saveCopy(dest);
    },
    journalStatus: (context, args) => withSession(context, args, 1, (session) => session.journalStatus()),
    resolveJournal: (context, args) => {
      argCount(args, 2);
      const action = journalActionArg(args[1]);
      return withSession(context, args, 2, (session) => session.resolveJournal(action));
    },
    startFind: (context, args) => {
      argCount(args, 2);
      const query = queryArg(args[1]);
      return withSession(context, args, 2, (session) => session.find.start(query));
    },
    findStatus: (context, args) => withSession(context, args, 1, (session) => ok(session.find.status())),
    cancelFind: (context, args) => withSession(context, args, 1, (session) => ok(session.find.cancel())),
    findMatches: (context, args) => {
      argCount(args, 4);
      const searchId = integerArg(args[1], 'search id');
      const first = integerArg(args[2], 'first match');
      const count = integerArg(args[3], 'match count', MAX_MATCHES_PER_PAGE);
      return withSession(context, args, 4, (session) => session.find.matches(searchId, first, count));
    },
    matchesInRange: (context, args) => {
      argCount(args, 4);
      const searchId = integerArg(args[1], 'search id');
      const start = integerArg(args[2], 'start offset');
      const end = integerArg(args[3], 'end offset');
      if (end < start) throw new ArgumentError('end offset is before start offset');
      return withSession(context, args, 4, (session) =>
        session.find.inRange(searchId, start, end, MAX_MATCHES_PER_PAGE),
      );
    },
    matchIndexAt: (context, args) => {
      argCount(args, 3);
      const searchId = integerArg(args[1], 'search id');
      const offset = integerArg(args[2], 'offset');
      return withSession(context, args, 3, (session) => session.find.indexAt(searchId, offset));
    },
    matchRows: (context, args) => {
      argCount(args, 4);
      const searchId = integerArg(args[1], 'search id');
      const first = integerArg(args[2], 'first match');
      const count = integerArg(args[3], 'match count', 1000);
      return withSession(context, args, 4, (session) => session.find.rows(searchId, first, count));
    },
    replaceMatches: (context, args) => {
      argCount(args, 4);
      const searchId = integerArg(args[1], 'search id');
      const which = args[2] === 'all' ? 'all' : integerArg(args[2], 'match index');
      if (typeof args[3] !== 'string' || args[3].length > 16_384) {
        throw new ArgumentError('replacement must be a string of at most 16384 characters');
      }
      const replacement = args[3];
      return withSession(context, args, 4, (session) => {
        const replaced = session.find.replace(searchId, which, replacement);
        return replaced.ok ? ok(session.editState()) : replaced;
      });
    },
    setFollow: (context, args) => {
      argCount(args, 2);
      const follow = booleanArg(args[1], 'follow');
      return withSession(context, args, 2, (session) => session.setFollow(follow));
    },
  };

  return async (context, name, args) => {
    if (!isRequestName(name)) return err('EINVAL', `unknown request ${describe(name)}`);
    let snapshot: unknown[];
    try {
      if (!Array.isArray(args)) return err('EINVAL', `arguments of ${name} must be an array`);
      // Read each argument once: a getter or a Proxy trap cannot answer differently later.
      snapshot = Array.from(args as readonly unknown[]);
    } catch (error) {
      // A revoked Proxy throws even from Array.isArray.
      return err('EINVAL', `arguments of ${name} cannot be read: ${errFromThrown(error).message}`);
    }
    try {
      // The handler table is keyed by name, so this call is typed per channel.
      const handler = handlers[name] as Handler<RequestName>;
      return await handler(context, snapshot);
    } catch (error) {
      if (error instanceof ArgumentError) return err('EINVAL', `${name}: ${error.message}`);
      return errFromThrown(error);
    }
  };
}
