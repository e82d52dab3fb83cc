// The browser host's side of the contract: requests and events over a loopback WebSocket.
import type { Transport } from '../../shared/api';
import type { EventName, RequestName } from '../../shared/contract';
import { err, isResult, type Result } from '../../shared/result';
import { decodeFrame, encodeFrame, type ClientMessage, type ServerMessage } from '../../shared/wire';

export function createWsTransport(url: string): Transport {
  const pending = new Map<number, (result: Result<unknown>) => void>();
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  let nextId = 1;
  let closedReason: string | undefined;

  const socket = new WebSocket(url);
  socket.binaryType = 'arraybuffer';
  const opened = new Promise<void>((resolve) => socket.addEventListener('open', () => resolve(), { once: true }));

  const failAll = (reason: string): void => {
    closedReason = reason;
    for (const settle of pending.values()) settle(err('EIO', reason));
    pending.clear();
  };
  socket.addEventListener('close', () => failAll('The connection to the hexlog host was closed.'));
  socket.addEventListener('error', () => failAll('The connection to the hexlog host failed.'));
  socket.addEventListener('message', (event: MessageEvent<unknown>) => {
    if (!(event.data instanceof ArrayBuffer)) return;
    let message: ServerMessage;
    try {
      message = decodeFrame(new Uint8Array(event.data)) as ServerMessage;
    } catch {
      return;
    }
    if (message.kind === 'response') {
      const settle = pending.get(message.id);
      pending.delete(message.id);
      settle?.(isResult(message.result) ? message.result : err('EINTERNAL', 'malformed answer from the host'));
    } else if (message.kind === 'event') {
      for (const listener of listeners.get(message.name) ?? []) listener(message.payload);
    }
  });

  return {
    invoke: async (name: RequestName, args: readonly unknown[]) => {
      if (closedReason !== undefined) return err('EIO', closedReason);
      await opened;
      const id = nextId++;
      const answer = new Promise<Result<unknown>>((resolve) => pending.set(id, resolve));
      socket.send(encodeFrame({ kind: 'request', id, name, args: [...args] } satisfies ClientMessage));
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
