// The browser host: serves the built renderer on 127.0.0.1 and bridges the same contract to the
// same services over a WebSocket, so the app runs (and is tested) in a plain browser.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { createServices, type Services } from '../main/services';
import { copyPathBeside } from '../main/services/copyPath';
import type { EventName, Events } from '../shared/contract';
import { err, errFromThrown, type Result } from '../shared/result';
import {
  UNKNOWN_ID,
  decodeFrame,
  encodeFrame,
  peekFrameId,
  type ClientMessage,
  type ServerMessage,
} from '../shared/wire';

export interface HostOptions {
  readonly files: readonly string[];
  readonly port?: number;
  /** Directory of the built renderer (out/renderer). */
  readonly rendererDir: string;
  readonly log?: (line: string) => void;
}

export interface RunningHost {
  readonly url: string;
  readonly port: number;
  readonly services: Services;
  close(): Promise<void>;
}

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

const MAX_CLIENT_FRAME = 64 * 1024 * 1024;

export async function startHost(options: HostOptions): Promise<RunningHost> {
  const log = options.log ?? (() => undefined);
  const token = randomBytes(24).toString('hex');
  const connections = new Map<string, WebSocket>();
  const send = <E extends EventName>(ws: WebSocket, name: E, payload: Events[E]): void => {
    if (ws.readyState === ws.OPEN) ws.send(encodeFrame({ kind: 'event', name, payload } satisfies ServerMessage));
  };
  const services = createServices({
    info: { kind: 'browser', nativeOpenDialog: false, acceptsDroppedFiles: false },
    chooseCopyPath: (_context, original) => Promise.resolve(copyPathBeside(original)),
    emit: (owner, name, payload) => {
      const ws = connections.get(owner);
      if (ws !== undefined) send(ws, name, payload);
    },
  });
  for (const file of options.files) services.offers.offer(file);

  const tokenMatches = (candidate: string | null | undefined): boolean => {
    if (typeof candidate !== 'string' || candidate.length !== token.length) return false;
    return timingSafeEqual(Buffer.from(candidate), Buffer.from(token));
  };
  const cookieToken = (request: IncomingMessage): string | undefined =>
    /(?:^|;\s*)hexlog_token=([0-9a-f]+)/.exec(request.headers.cookie ?? '')?.[1];

  const server = createServer((request, response) => {
    void serveStatic(request, response).catch((error: unknown) => {
      log(`http error: ${String(error)}`);
      if (!response.headersSent) response.writeHead(500);
      response.end();
    });
  });

  async function serveStatic(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const authorized = tokenMatches(url.searchParams.get('token')) || tokenMatches(cookieToken(request));
    if (!authorized) {
      response.writeHead(403, { 'content-type': 'text/plain' });
      response.end('hexlog: a valid token is required (use the URL the host printed)\n');
      return;
    }
    const relative = url.pathname === '/' ? 'index.html' : decodeURIComponent(url.pathname.slice(1));
    const root = normalize(options.rendererDir);
    const file = normalize(join(root, relative));
    if (!file.startsWith(root + sep)) {
      response.writeHead(404);
      response.end();
      return;
    }
    let body: Buffer;
    try {
      body = await readFile(file);
    } catch {
      response.writeHead(404, { 'content-type': 'text/plain' });
      response.end('not found\n');
      return;
    }
    response.writeHead(200, {
      'content-type': contentTypes[extname(file)] ?? 'application/octet-stream',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'set-cookie': `hexlog_token=${token}; HttpOnly; SameSite=Strict; Path=/`,
    });
    response.end(body);
  }

  const sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_CLIENT_FRAME });
  let nextConnection = 1;

  server.on('upgrade', (request, socket, head) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const origin = request.headers.origin;
    const sameOrigin = origin === undefined || origin === `http://127.0.0.1:${port()}`;
    if (url.pathname !== '/ws' || !tokenMatches(url.searchParams.get('token')) || !sameOrigin) {
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    sockets.handleUpgrade(request, socket, head, (ws) => onConnection(ws));
  });

  const stopOffers = services.offers.onChange((offers) => {
    for (const ws of connections.values()) send(ws, 'offersChanged', offers);
  });

  function onConnection(ws: WebSocket): void {
    const owner = `ws:${nextConnection++}`;
    connections.set(owner, ws);
    ws.on('message', (data: RawData, isBinary: boolean) => {
      void answer(ws, owner, data, isBinary);
    });
    ws.on('close', () => {
      connections.delete(owner);
      services.sessions.disposeOwner(owner);
    });
    ws.on('error', (error) => log(`socket error: ${error.message}`));
  }

  const reply = (ws: WebSocket, id: number, result: Result<unknown>): void => {
    if (ws.readyState !== ws.OPEN) return;
    let frame: Uint8Array;
    try {
      frame = encodeFrame({ kind: 'response', id, result } satisfies ServerMessage);
    } catch (error) {
      frame = encodeFrame({ kind: 'response', id, result: errFromThrown(error) } satisfies ServerMessage);
    }
    ws.send(frame);
  };

  async function answer(ws: WebSocket, owner: string, data: RawData, isBinary: boolean): Promise<void> {
    const parsed = parseFrame(data, isBinary);
    if (!parsed.ok) {
      log(`refused a malformed message: ${parsed.reason}`);
      reply(ws, parsed.id, err('EINVAL', `malformed message: ${parsed.reason}`));
      return;
    }
    const { id, name, args } = parsed.message;
    // dispatch answers every call with a value; the catch only keeps a defect from hanging the caller.
    reply(ws, id, await services.dispatch({ owner }, name, args).catch(errFromThrown));
  }

  const port = (): number => (server.address() as AddressInfo).port;
  await new Promise<void>((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolvePromise());
  });

  return {
    url: `http://127.0.0.1:${port()}/?token=${token}`,
    port: port(),
    services,
    close: async () => {
      stopOffers();
      for (const client of sockets.clients) client.terminate();
      sockets.close();
      await new Promise<void>((resolvePromise) => server.close(() => resolvePromise()));
      services.dispose();
    },
  };
}

function toUint8Array(data: RawData): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return data;
}

type ParsedFrame =
  | { readonly ok: true; readonly message: ClientMessage }
  | { readonly ok: false; readonly id: number; readonly reason: string };

/** A request, or why not with the id to answer (UNKNOWN_ID only when no id can be read at all). */
function parseFrame(data: RawData, isBinary: boolean): ParsedFrame {
  const bytes = toUint8Array(data);
  const refuse = (reason: string): ParsedFrame => ({
    ok: false,
    id: peekFrameId(isBinary ? bytes : Buffer.from(bytes).toString('utf8')) ?? UNKNOWN_ID,
    reason,
  });
  if (!isBinary) return refuse('text frames are not part of the protocol');
  let value: unknown;
  try {
    value = decodeFrame(bytes);
  } catch (error) {
    return refuse(error instanceof Error ? error.message : String(error));
  }
  if (typeof value !== 'object' || value === null) return refuse('message is not an object');
  const candidate = value as Partial<Record<keyof ClientMessage, unknown>>;
  const id = candidate.id;
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0) return refuse('bad id');
  if (candidate.kind !== 'request') return refuse('unknown message kind');
  if (typeof candidate.name !== 'string') return refuse('bad request name');
  if (!Array.isArray(candidate.args)) return refuse('arguments are not an array');
  return { ok: true, message: { kind: 'request', id, name: candidate.name, args: candidate.args as unknown[] } };
}
