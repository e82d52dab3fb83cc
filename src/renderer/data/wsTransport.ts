// The browser host's side of the contract: requests and events over a loopback WebSocket.
// Every call settles: with its answer, or with an error on a bad frame, a failed send, a socket
// that closes (before or after it opened) or fails.
import type { Transport } from '../../shared/api';
import type { EventName, RequestName } from '../../shared/contract';
import { err, isErrorCode, isResult, type Err, type Result } from '../../shared/result';
import { UNKNOWN_ID, decodeFrame, encodeFrame, type ClientMessage } from '../../shared/wire';

/** The part of the DOM WebSocket this transport uses; tests under Node pass the `ws` package's client. */
export interface SocketLike {
  binaryType: string;
  send(data: Uint8Array): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'open' | 'error', listener: () => void): void;
  addEventListener(type: 'close', listener: (event: { code: number; reason: string }) => void): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
}

const malformed = (): Err => err('EIO', 'malformed answer from the hexlog host');
const messageOf = (thrown: unknown): string => (thrown instanceof Error ? thrown.message : String(thrown));

/**
 * Why the socket closed, as an error value. The host closes with a code from 4000 to 4999 and a
 * reason "CODE: message" when it refuses the connection (for example ELIMIT: too many connections).
 */
function closeError(code: number, reason: string): Err {
  const coded = /^([A-Z]+): (.+)$/s.exec(reason);
  if (code >= 4000 && code <= 4999 && coded !== null && isErrorCode(coded[1])) return err(coded[1], coded[2]!);
  return err('EIO', 'The connection to the hexlog host was closed.');
}

export function createWsTransport(
  url: string,
  openSocket: (url: string) => SocketLike = (target) => new WebSocket(target),
): Transport {
  const pending = new Map<number, (result: Result<unknown>) => void>();
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  let nextId = 1;
  /** Set once the socket is gone; every later call answers it at once. */
  let closed: Err | undefined;
  let settleOpened: (isOpen: boolean) => void = () => undefined;
  const opened = new Promise<boolean>((resolve) => (settleOpened = resolve));

  const settleAll = (failure: Err): void => {
    const waiting = [...pending.values()];
    pending.clear();
    for (const settle of waiting) settle(failure);
  };
  const shutDown = (failure: Err): void => {
    closed ??= failure;
    settleOpened(false);
    settleAll(closed);
  };

  const onMessage = (data: unknown): void => {
    if (!(data instanceof ArrayBuffer)) {
      settleAll(malformed());
      return;
    }
    let message: unknown;
    try {
      message = decodeFrame(new Uint8Array(data));
    } catch {
      // The frame may have been the answer to any pending call: none of them can be matched now.
      settleAll(malformed());
      return;
    }
    const candidate = (typeof message === 'object' && message !== null ? message : {}) as {
      kind?: unknown;
      id?: unknown;
      name?: unknown;
      result?: unknown;
      payload?: unknown;
    };
    if (candidate.kind === 'event' && typeof candidate.name === 'string') {
      for (const listener of [...(listeners.get(candidate.name) ?? [])]) listener(candidate.payload);
    } else if (candidate.kind === 'response' && candidate.id === UNKNOWN_ID) {
      // The host could not read the id of one of our frames: that call would never be answered.
      settleAll(isResult(candidate.result) && !candidate.result.ok ? candidate.result : malformed());
    } else if (candidate.kind === 'response' && typeof candidate.id === 'number') {
      const settle = pending.get(candidate.id);
      pending.delete(candidate.id);
      settle?.(isResult(candidate.result) ? candidate.result : malformed());
    } else {
      settleAll(malformed());
    }
  };

  let socket: SocketLike | undefined;
  try {
    socket = openSocket(url);
    socket.binaryType = 'arraybuffer';
    socket.addEventListener('open', () => settleOpened(true));
    socket.addEventListener('close', (event) => shutDown(closeError(event.code, event.reason)));
    socket.addEventListener('error', () => shutDown(err('EIO', 'The connection to the hexlog host failed.')));
    socket.addEventListener('message', (event) => onMessage(event.data));
  } catch (error) {
    shutDown(err('EIO', `Cannot connect to the hexlog host: ${messageOf(error)}`));
  }

  return {
    invoke: async (name: RequestName, args: readonly unknown[]) => {
      if (closed !== undefined || socket === undefined) return closed ?? malformed();
      if (!(await opened) || closed !== undefined) return closed ?? malformed();
      const id = nextId++;
      let frame: Uint8Array;
      try {
        frame = encodeFrame({ kind: 'request', id, name, args: [...args] } satisfies ClientMessage);
      } catch (error) {
        return err('EINVAL', `${name}: the arguments cannot be sent: ${messageOf(error)}`);
      }
      const answer = new Promise<Result<unknown>>((resolve) => pending.set(id, resolve));
      try {
        socket.send(frame);
      } catch (error) {
        pending.delete(id);
        return err('EIO', `${name} could not be sent to the hexlog host: ${messageOf(error)}`);
      }
      return answer;
    },
    subscribe: (event: EventName, listener: (payload: unknown) => void) => {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      set.add(listener);
      return () => set.delete(listener);
    },
    openDropped: () =>
      Promise.resolve(
        err('EUNSUPPORTED', 'The browser host opens only the files named on its command line; drop is not available.'),
      ),
  };
}
