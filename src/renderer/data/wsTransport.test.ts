import { afterEach, describe, expect, it } from 'vitest';
// eslint-disable-next-line local/code-layering -- the test runs under Node against a real ws server
import WebSocket, { WebSocketServer } from 'ws';
import type { Transport } from '../../shared/api';
import { ok, type Result } from '../../shared/result';
import { decodeFrame, encodeFrame, type ClientMessage } from '../../shared/wire';
import { createWsTransport, type SocketLike } from './wsTransport';

type Behaviour = (socket: WebSocket, request: ClientMessage) => void;

let server: WebSocketServer | undefined;

afterEach(async () => {
  const closing = server;
  server = undefined;
  if (closing === undefined) return;
  for (const client of closing.clients) client.terminate();
  await new Promise((resolve) => closing.close(resolve));
});

async function startServer(behaviour: Behaviour): Promise<string> {
  const started = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  server = started;
  await new Promise((resolve) => started.once('listening', resolve));
  started.on('connection', (socket) => {
    socket.on('message', (data: Buffer) => behaviour(socket, decodeFrame(new Uint8Array(data)) as ClientMessage));
  });
  return `ws://127.0.0.1:${portOf(started)}/ws`;
}

/** The port a listening server was given (address() is an AddressInfo for a TCP server). */
const portOf = (listening: WebSocketServer): number => (listening.address() as { port: number }).port;

const nodeSocket = (url: string): SocketLike => new WebSocket(url);
const transportTo = (url: string): Transport => createWsTransport(url, nodeSocket);

const respond = (socket: WebSocket, id: number, result: Result<unknown>): void =>
  socket.send(encodeFrame({ kind: 'response', id, result }));

/** Fails the test instead of hanging it when a call does not settle. */
function settlesSoon<T>(promise: Promise<T>, ms = 5000): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_resolve, reject) => setTimeout(() => reject(new Error(`did not settle in ${ms} ms`)), ms)),
  ]);
}

describe('wsTransport settles every call', () => {
  it('answers a call with the result the host sent for its id', async () => {
    const url = await startServer((socket, request) => respond(socket, request.id, ok(request.args)));
    const transport = transportTo(url);
    expect(await settlesSoon(transport.invoke('readBytes', [1, 2, 3]))).toEqual({ ok: true, value: [1, 2, 3] });
  });

  it('a frame that does not decode settles every pending call with EIO, and later calls still work', async () => {
    let seen = 0;
    const url = await startServer((socket, request) => {
      seen += 1;
      if (seen === 2) socket.send(new Uint8Array([1, 2, 3]));
      else if (seen > 2) respond(socket, request.id, ok('fine'));
    });
    const transport = transportTo(url);
    const first = transport.invoke('hostInfo', []);
    const second = transport.invoke('hostInfo', []);
    const expected = { ok: false, code: 'EIO', message: 'malformed answer from the hexlog host' };
    expect(await settlesSoon(first)).toEqual(expected);
    expect(await settlesSoon(second)).toEqual(expected);
    expect(await settlesSoon(transport.invoke('hostInfo', []))).toEqual({ ok: true, value: 'fine' });
  });

  it('an answer that is not a Result settles its call with EIO', async () => {
    const url = await startServer((socket, request) =>
      socket.send(encodeFrame({ kind: 'response', id: request.id, result: { yes: 1 } })),
    );
    expect(await settlesSoon(transportTo(url).invoke('hostInfo', []))).toMatchObject({ ok: false, code: 'EIO' });
  });

  it('an answer with id -1 (the host could not read an id) settles the pending calls', async () => {
    const url = await startServer((socket) =>
      socket.send(
        encodeFrame({ kind: 'response', id: -1, result: { ok: false, code: 'EINVAL', message: 'malformed message' } }),
      ),
    );
    expect(await settlesSoon(transportTo(url).invoke('hostInfo', []))).toMatchObject({ ok: false, code: 'EINVAL' });
  });

  it('a socket closed with calls pending settles them with EIO, and later calls answer at once', async () => {
    const url = await startServer((socket) => socket.close());
    const transport = transportTo(url);
    expect(await settlesSoon(transport.invoke('hostInfo', []))).toMatchObject({ ok: false, code: 'EIO' });
    expect(await settlesSoon(transport.invoke('hostInfo', []), 100)).toMatchObject({ ok: false, code: 'EIO' });
  });

  it('a host that closes with a coded reason (too many connections) answers that code', async () => {
    const url = await startServer(() => undefined);
    server!.on('connection', (socket) => socket.close(4029, 'ELIMIT: Too many connections (32)'));
    const transport = transportTo(url);
    expect(await settlesSoon(transport.invoke('hostInfo', []))).toEqual({
      ok: false,
      code: 'ELIMIT',
      message: 'Too many connections (32)',
    });
  });

  it('a socket refused before it opened settles the call instead of waiting forever', async () => {
    const refusing = new WebSocketServer({ port: 0, host: '127.0.0.1', verifyClient: () => false });
    server = refusing;
    await new Promise((resolve) => refusing.once('listening', resolve));
    const url = `ws://127.0.0.1:${portOf(refusing)}/ws`;
    expect(await settlesSoon(transportTo(url).invoke('hostInfo', []))).toMatchObject({ ok: false, code: 'EIO' });
  });

  it('nothing listening settles the call with EIO', async () => {
    const probe = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await new Promise((resolve) => probe.once('listening', resolve));
    const port = portOf(probe);
    await new Promise((resolve) => probe.close(resolve));
    expect(await settlesSoon(transportTo(`ws://127.0.0.1:${port}/ws`).invoke('hostInfo', []))).toMatchObject({
      ok: false,
      code: 'EIO',
    });
  });

  it('a URL the socket refuses to open settles with EIO', async () => {
    expect(await settlesSoon(transportTo('not a url').invoke('hostInfo', []))).toMatchObject({
      ok: false,
      code: 'EIO',
    });
  });

  it('a send that throws settles that call with EIO', async () => {
    const url = await startServer(() => undefined);
    const throwing = (target: string): SocketLike => {
      const real = new WebSocket(target);
      return {
        get binaryType() {
          return real.binaryType;
        },
        set binaryType(value: string) {
          real.binaryType = value === 'arraybuffer' ? 'arraybuffer' : 'nodebuffer';
        },
        send: () => {
          throw new Error('send failed');
        },
        close: () => real.close(),
        addEventListener: (type: 'open' | 'close' | 'error' | 'message', listener: (event: never) => void) =>
          real.addEventListener(type, listener as () => void),
      };
    };
    const transport = createWsTransport(url, throwing);
    expect(await settlesSoon(transport.invoke('hostInfo', []))).toMatchObject({ ok: false, code: 'EIO' });
  });

  it('arguments that cannot be encoded answer EINVAL without sending', async () => {
    const url = await startServer((socket, request) => respond(socket, request.id, ok(null)));
    const transport = transportTo(url);
    expect(await settlesSoon(transport.invoke('readBytes', [1n, 0, 1]))).toMatchObject({
      ok: false,
      code: 'EINVAL',
    });
    expect(await settlesSoon(transport.invoke('hostInfo', []))).toEqual({ ok: true, value: null });
  });

  it('events reach their subscribers', async () => {
    const url = await startServer((socket, request) => {
      socket.send(encodeFrame({ kind: 'event', name: 'menuCommand', payload: 'open' }));
      respond(socket, request.id, ok(null));
    });
    const transport = transportTo(url);
    const seen: unknown[] = [];
    transport.subscribe('menuCommand', (payload) => seen.push(payload));
    await settlesSoon(transport.invoke('hostInfo', []));
    expect(seen).toEqual(['open']);
  });
});
