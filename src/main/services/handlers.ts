// Request handlers for every channel of the contract. Each validates its arguments before touching
// a session or native code, and answers a Result; the dispatcher never throws.
import {
  MAX_READ_BYTES,
  isRequestName,
  type HostInfo,
  type RequestName,
  type RequestResult,
} from '../../shared/contract';
import { err, errFromThrown, ok, type Result } from '../../shared/result';
import { byteCount, byteOffset, isNonNegativeSafeInteger, sessionId, type SessionId } from '../../shared/units';
import type { OfferList } from './offers';
import type { SessionRegistry } from './sessionRegistry';

/** Who is calling: a window or a browser-host connection. Sessions belong to their owner. */
export interface CallContext {
  readonly owner: string;
}

/** What differs between Electron and the browser host. */
export interface HostPorts {
  readonly info: HostInfo;
  /** Shows the platform's open dialog; resolves to the chosen path, or null if cancelled. */
  showOpenDialog?(context: CallContext): Promise<string | null>;
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
      const id = sessionArg(args[0]);
      const offset = byteOffset(integerArg(args[1], 'offset'));
      const length = byteCount(integerArg(args[2], 'length', MAX_READ_BYTES));
      const session = sessions.get(id, context.owner);
      return session.ok ? session.value.readBytes(offset, length) : session;
    },
    fileStatus: (context, args) => {
      argCount(args, 1);
      const session = sessions.get(sessionArg(args[0]), context.owner);
      return session.ok ? session.value.status() : session;
    },
  };

  return async (context, name, args) => {
    if (!isRequestName(name)) return err('EINVAL', `unknown request ${describe(name)}`);
    if (!Array.isArray(args)) return err('EINVAL', `arguments of ${name} must be an array`);
    try {
      // The handler table is keyed by name, so this call is typed per channel.
      const handler = handlers[name] as Handler<RequestName>;
      return await handler(context, args as readonly unknown[]);
    } catch (error) {
      if (error instanceof ArgumentError) return err('EINVAL', `${name}: ${error.message}`);
      return errFromThrown(error);
    }
  };
}
