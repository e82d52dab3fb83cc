import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Result } from '../shared/result';
import { decodeFrame, encodeFrame, type ServerMessage } from '../shared/wire';
import { startHost, type RunningHost } from './server';

let dir: string;
let host: RunningHost;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hexlog-host-'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>hexlog</title>');
  writeFileSync(join(dir, 'data.bin'), 'hello host');
  host = await startHost({ files: [join(dir, 'data.bin')], rendererDir: dir });
});
afterEach(async () => {
  await host.close();
  rmSync(dir, { recursive: true, force: true });
});

const token = (): string => new URL(host.url).searchParams.get('token')!;

function connect(query = `token=${token()}`, origin?: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`ws://127.0.0.1:${host.port}/ws?${query}`, origin ? { origin } : {});
    socket.once('open', () => resolve(socket));
    socket.once('error', reject);
    socket.once('unexpected-response', () => reject(new Error('refused')));
  });
}

function nextResponse(socket: WebSocket): Promise<Extract<ServerMessage, { kind: 'response' }>> {
  return new Promise((resolve) => {
    const onMessage = (data: Buffer): void => {
      const message = decodeFrame(new Uint8Array(data)) as ServerMessage;
      if (message.kind === 'response') {
        socket.off('message', onMessage);
        resolve(message);
      }
    };
    socket.on('message', onMessage);
  });
}

async function request(socket: WebSocket, frame: Uint8Array | string): Promise<Result<unknown>> {
  const answer = nextResponse(socket);
  socket.send(frame);
  return (await answer).result as Result<unknown>;
}

describe('browser host socket', () => {
  it('refuses a socket without the token or from another origin', async () => {
    await expect(connect('token=wrong')).rejects.toThrow();
    await expect(connect(`token=${token()}`, 'http://evil.example')).rejects.toThrow();
  });

  it('answers malformed frames with errors and keeps serving', async () => {
    const socket = await connect();
    try {
      expect(await request(socket, 'not binary')).toMatchObject({ ok: false, code: 'EINVAL' });
      expect(await request(socket, new Uint8Array([1, 2, 3]))).toMatchObject({ ok: false, code: 'EINVAL' });
      expect(
        await request(socket, encodeFrame({ kind: 'request', id: 'x', name: 'hostInfo', args: [] })),
      ).toMatchObject({
        ok: false,
      });
      expect(await request(socket, encodeFrame({ kind: 'request', id: 1, name: 'rm -rf', args: [] }))).toMatchObject({
        ok: false,
        code: 'EINVAL',
      });
      expect(
        await request(socket, encodeFrame({ kind: 'request', id: 2, name: 'readBytes', args: [1, -5, 'a'] })),
      ).toMatchObject({ ok: false, code: 'EINVAL' });
      const opened = await request(socket, encodeFrame({ kind: 'request', id: 3, name: 'openOffered', args: [1] }));
      expect(opened).toMatchObject({ ok: true, value: { name: 'data.bin', size: 10 } });
      const session = (opened as { value: { session: number } }).value.session;
      const bytes = await request(
        socket,
        encodeFrame({ kind: 'request', id: 4, name: 'readBytes', args: [session, 0, 5] }),
      );
      expect(bytes.ok && Buffer.from(bytes.value as Uint8Array).toString()).toBe('hello');
    } finally {
      socket.close();
    }
  });

  it('one connection cannot use the sessions of another, and closing a socket disposes its sessions', async () => {
    const first = await connect();
    const second = await connect();
    try {
      const opened = await request(first, encodeFrame({ kind: 'request', id: 1, name: 'openOffered', args: [1] }));
      const session = (opened as { value: { session: number } }).value.session;
      expect(
        await request(second, encodeFrame({ kind: 'request', id: 2, name: 'readBytes', args: [session, 0, 1] })),
      ).toMatchObject({ ok: false, code: 'ENOSESSION' });
      expect(host.services.sessions.openCount).toBe(1);
      first.close();
      for (let i = 0; i < 100 && host.services.sessions.openCount > 0; i++) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      expect(host.services.sessions.openCount).toBe(0);
    } finally {
      second.close();
    }
  });

  it('serves the page only with the token', async () => {
    expect((await fetch(`http://127.0.0.1:${host.port}/`)).status).toBe(403);
    expect((await fetch(host.url)).status).toBe(200);
    expect((await fetch(`${host.url.replace('/?', '/../../etc/passwd?')}`)).status).not.toBe(200);
  });
});
