// The browser host: serves the built renderer on 127.0.0.1 and bridges the same contract to the
// same services over a WebSocket, so the app runs (and is tested) in a plain browser.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { createServices, type Services } from '../main/services';
import { copyPathBeside } from '../main/services/copyPath';
import { MAX_SESSIONS_PER_OWNER } from '../main/services/sessionRegistry';
import { REFUSAL_CLOSE_CODE } from '../shared/wire';
import { HostConnection, defaultConnectionLimits, type ConnectionLimits, type ConnectionStats } from './connection';

export interface HostOptions {
  readonly files: readonly string[];
  readonly port?: number;
  /** Directory of the built renderer (out/renderer). */
  readonly rendererDir: string;
  readonly log?: (line: string) => void;
  /** Caps and backpressure marks; tests lower them. */
  readonly limits?: Partial<HostLimits>;
  /** The settings file (created when first written); absent keeps settings in memory. */
  readonly settingsPath?: string;
  /** Also merge the files by time into one tab when the page opens (`--merge`). */
  readonly merge?: boolean;
}

export interface HostLimits extends ConnectionLimits {
  /** Most sockets open at once; another is closed at once with ELIMIT. */
  readonly maxConnections: number;
  /** Most files one connection may hold open. */
  readonly maxSessionsPerOwner: number;
}

export const defaultHostLimits: HostLimits = {
  ...defaultConnectionLimits,
  maxConnections: 32,
  maxSessionsPerOwner: MAX_SESSIONS_PER_OWNER,
};

export interface RunningHost {
  readonly url: string;
  readonly port: number;
  readonly services: Services;
  /** The load of each open connection. */
  connections(): readonly ConnectionStats[];
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
  const limits: HostLimits = { ...defaultHostLimits, ...options.limits };
  const token = randomBytes(24).toString('hex');
  const connections = new Map<string, HostConnection>();
  const services = createServices(
    {
      info: {
        kind: 'browser',
        nativeOpenDialog: false,
        acceptsDroppedFiles: false,
        ...(options.merge === true ? { mergeAtStart: true } : {}),
      },
      chooseCopyPath: (_context, original, purpose) =>
        Promise.resolve(copyPathBeside(original, purpose?.tag, purpose?.extension)),
      emit: (owner, name, payload) => connections.get(owner)?.emit(name, payload),
      broadcast: (name, payload) => {
        for (const connection of connections.values()) connection.emit(name, payload);
      },
    },
    { maxSessionsPerOwner: limits.maxSessionsPerOwner, settingsPath: options.settingsPath ?? null, log },
  );
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
    for (const connection of connections.values()) connection.emit('offersChanged', offers);
  });

  function onConnection(ws: WebSocket): void {
    ws.on('error', (error) => log(`socket error: ${error.message}`));
    if (connections.size >= limits.maxConnections) {
      log(`refused a connection: ${limits.maxConnections} are open`);
      ws.close(
        REFUSAL_CLOSE_CODE,
        `ELIMIT: Too many connections to this hexlog host (${limits.maxConnections}); close another tab first.`,
      );
      return;
    }
    const owner = `ws:${nextConnection++}`;
    const connection = new HostConnection(ws, owner, services.dispatch, limits, log);
    connections.set(owner, connection);
    ws.on('close', () => {
      connections.delete(owner);
      connection.dispose();
      services.sessions.disposeOwner(owner);
    });
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
    connections: () => [...connections.values()].map((connection) => connection.stats()),
    close: async () => {
      stopOffers();
      for (const client of sockets.clients) client.terminate();
      sockets.close();
      await new Promise<void>((resolvePromise) => server.close(() => resolvePromise()));
      services.dispose();
    },
  };
}
