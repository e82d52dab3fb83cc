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

/** A frame built by hand: a JSON part as given and the blobs after it. */
function rawFrame(json: string, blobs: readonly Uint8Array[] = []): Uint8Array {
  const jsonBytes = Buffer.from(json);
  const parts: Buffer[] = [u32(jsonBytes.byteLength), jsonBytes, u32(blobs.length)];
  for (const blob of blobs) parts.push(u32(blob.byteLength), Buffer.from(blob));
  return new Uint8Array(Buffer.concat(parts));
}

function u32(value: number): Buffer {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32LE(value);
  return bytes;
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

  it('a malformed frame whose id can be read is answered with that id; otherwise with id -1', async () => {
    const socket = await connect();
    const answerTo = async (frame: Uint8Array | string): Promise<{ id: number; result: Result<unknown> }> => {
      const answer = nextResponse(socket);
      socket.send(frame);
      const response = await answer;
      return { id: response.id, result: response.result as Result<unknown> };
    };
    const einval = { ok: false, code: 'EINVAL' };
    try {
      const badBlob = rawFrame(
        '{"kind":"request","id":7,"name":"editBytes","args":[1,0,{"$blob":5,"$type":"Uint8Array"}]}',
      );
      expect(await answerTo(badBlob)).toMatchObject({ id: 7, result: einval });
      const oddLength = rawFrame('{"kind":"request","id":8,"name":"x","args":[{"$blob":0,"$type":"Float64Array"}]}', [
        new Uint8Array(3),
      ]);
      expect(await answerTo(oddLength)).toMatchObject({ id: 8, result: einval });
      const wrongKind = encodeFrame({ kind: 'event', id: 9, name: 'hostInfo', args: [] });
      expect(await answerTo(wrongKind)).toMatchObject({ id: 9, result: einval });
      expect(await answerTo(encodeFrame({ kind: 'request', id: 10, name: 5, args: [] }))).toMatchObject({
        id: 10,
        result: einval,
      });
      expect(await answerTo(encodeFrame({ kind: 'request', id: 11, name: 'hostInfo', args: 'no' }))).toMatchObject({
        id: 11,
        result: einval,
      });
      expect(await answerTo('{"kind":"request","id":12,"name":"hostInfo","args":[]}')).toMatchObject({
        id: 12,
        result: einval,
      });
      const missingBlobs = rawFrame('{"kind":"request","id":13,"name":"hostInfo","args":[]}').subarray(0, -4);
      expect(await answerTo(missingBlobs)).toMatchObject({ id: 13, result: einval });
      expect(await answerTo(new Uint8Array([200, 0, 0, 0, 1]))).toMatchObject({ id: -1, result: einval });
      expect(await answerTo(encodeFrame({ kind: 'request', id: -5, name: 'hostInfo', args: [] }))).toMatchObject({
        id: -1,
        result: einval,
      });
      expect(await answerTo(encodeFrame({ kind: 'request', id: 14, name: 'hostInfo', args: [] }))).toMatchObject({
        id: 14,
        result: { ok: true },
      });
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
