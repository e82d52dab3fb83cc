import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { nativeTesting } from '../../native/index';
import { SEARCH_LIMITS, searchPool } from '../main/services/find/searchPool';
import type { Result } from '../shared/result';
import { decodeFrame, encodeFrame, type ServerMessage } from '../shared/wire';
import { defaultHostLimits, startHost, type RunningHost } from './server';

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

const token = (to: RunningHost = host): string => new URL(to.url).searchParams.get('token')!;

function connect(query = `token=${token()}`, origin?: string, to: RunningHost = host): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`ws://127.0.0.1:${to.port}/ws?${query}`, origin ? { origin } : {});
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

/** Polls until `condition` holds, failing after `ms`. */
async function until(condition: () => boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const frameOf = (id: number, name: string, args: unknown[]): Uint8Array =>
  encodeFrame({ kind: 'request', id, name, args });

describe('browser host caps and backpressure', () => {
  it('a page that stops reading pauses its socket with bounded buffers, then gets every answer', async () => {
    const highWaterBytes = 2 * 1024 * 1024;
    const slowHost = await startHost({
      files: [],
      rendererDir: dir,
      limits: { highWaterBytes, lowWaterBytes: 512 * 1024 },
    });
    const megabyte = 1024 * 1024;
    const content = Buffer.alloc(megabyte, 0x61);
    writeFileSync(join(dir, 'big.bin'), content);
    slowHost.services.offers.offer(join(dir, 'big.bin'));
    const socket = await connect(`token=${token(slowHost)}`, undefined, slowHost);
    try {
      const opened = await request(socket, frameOf(1, 'openOffered', [1]));
      const session = (opened as { value: { session: number } }).value.session;
      const answers = new Map<number, Result<unknown>>();
      const offerEvents: unknown[] = [];
      socket.on('message', (data: Buffer) => {
        const message = decodeFrame(new Uint8Array(data)) as ServerMessage;
        if (message.kind === 'response') answers.set(message.id, message.result as Result<unknown>);
        else if (message.name === 'offersChanged') offerEvents.push(message.payload);
      });
      socket.pause();
      const count = 64;
      for (let id = 100; id < 100 + count; id++) socket.send(frameOf(id, 'readBytes', [session, 0, megabyte]));
      const stats = () => slowHost.connections()[0]!;
      await until(() => stats().paused && stats().queued > 0, 'the host pauses the socket');
      // While paused, snapshot events are coalesced: five offers make one offersChanged.
      for (let i = 0; i < 5; i++) slowHost.services.offers.offer(join(dir, `offer-${i}.log`));
      await new Promise((resolve) => setTimeout(resolve, 200));
      const stalled = stats();
      expect(stalled).toMatchObject({ paused: true, heldEvents: 1 });
      expect(stalled.queued).toBeGreaterThan(0);
      // At most one answer past the mark: the host stopped answering instead of buffering them all.
      expect(stalled.maxBufferedAmount).toBeLessThanOrEqual(highWaterBytes + megabyte + 4096);
      expect(answers.size).toBe(0);

      socket.resume();
      await until(() => answers.size === count, 'every request is answered', 30_000);
      for (const result of answers.values()) {
        expect(result.ok && (result.value as Uint8Array).byteLength).toBe(megabyte);
      }
      const first = answers.get(100)!;
      expect(first.ok && Buffer.from(first.value as Uint8Array).equals(content)).toBe(true);
      expect(offerEvents).toHaveLength(1);
      expect(offerEvents[0]).toHaveLength(6);
      expect(stats()).toMatchObject({ paused: false, queued: 0, running: 0, heldEvents: 0 });
      expect(stats().maxBufferedAmount).toBeLessThanOrEqual(highWaterBytes + megabyte + 4096);
    } finally {
      socket.close();
      await slowHost.close();
    }
  });

  it('more than 256 requests in flight on one connection: the excess is answered ELIMIT at once', async () => {
    const socket = await connect();
    try {
      const answers = new Map<number, Result<unknown>>();
      socket.on('message', (data: Buffer) => {
        const message = decodeFrame(new Uint8Array(data)) as ServerMessage;
        if (message.kind === 'response') answers.set(message.id, message.result as Result<unknown>);
      });
      const count = 400;
      for (let id = 1; id <= count; id++) socket.send(frameOf(id, 'hostInfo', []));
      await until(() => answers.size === count, 'every request is answered');
      const refused = [...answers.values()].filter((result) => !result.ok);
      expect(refused.length).toBeGreaterThan(0);
      expect(count - refused.length).toBeGreaterThanOrEqual(defaultHostLimits.maxInFlight);
      for (const result of refused) {
        expect(result).toEqual({
          ok: false,
          code: 'ELIMIT',
          message: 'Too many requests in flight on this connection (256); wait for answers first.',
        });
      }
    } finally {
      socket.close();
    }
  });

  it('the 33rd connection is closed at once with ELIMIT; closing one lets another in', async () => {
    expect(defaultHostLimits.maxConnections).toBe(32);
    const sockets: WebSocket[] = [];
    try {
      for (let i = 0; i < 32; i++) sockets.push(await connect());
      const extra = await connect();
      const closed = await new Promise<{ code: number; reason: string }>((resolve) =>
        extra.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
      );
      expect(closed).toEqual({
        code: 4029,
        reason: 'ELIMIT: Too many connections to this hexlog host (32); close another tab first.',
      });
      expect(host.connections()).toHaveLength(32);
      const leaving = sockets.pop()!;
      const left = new Promise((resolve) => leaving.once('close', resolve));
      leaving.close();
      await left;
      await until(() => host.connections().length === 31, 'the host forgets the closed socket');
      const replacement = await connect();
      sockets.push(replacement);
      expect(await request(replacement, frameOf(1, 'hostInfo', []))).toMatchObject({ ok: true });
    } finally {
      for (const socket of sockets) socket.close();
    }
  });
});

describe('many searching sockets', () => {
  it('32 sockets each searching share the pool: at most 4 searches run, and every thread ends when they close', async () => {
    const path = join(dir, 'big.log');
    writeFileSync(path, 'abcdefgh ERROR ijk\n'.repeat(400_000));
    const busyHost = await startHost({ files: [path], rendererDir: dir });
    const sockets: WebSocket[] = [];
    try {
      for (let i = 0; i < 32; i++) sockets.push(await connect(`token=${token(busyHost)}`, undefined, busyHost));
      let id = 1;
      const call = async (socket: WebSocket, name: string, args: unknown[]): Promise<Result<unknown>> =>
        request(socket, frameOf(id++, name, args));
      const offerId = busyHost.services.offers.list()[0]!.offerId;
      const started = await Promise.all(
        sockets.map(async (socket) => {
          const opened = (await call(socket, 'openOffered', [offerId])) as Result<{ session: number }>;
          if (!opened.ok) return opened;
          // No required literal: the regex engine reads the whole file in its worker.
          return call(socket, 'startFind', [
            opened.value.session,
            { mode: 'regex', pattern: 'E.ROR|W.RN', matchCase: true, wholeWord: false },
          ]);
        }),
      );
      expect(started.filter((result) => !result.ok)).toEqual([]);
      let peakRunning = 0;
      let peakThreads = 0;
      for (let i = 0; i < 50; i++) {
        peakRunning = Math.max(peakRunning, searchPool.runningCount);
        peakThreads = Math.max(peakThreads, nativeTesting.searchWorkerThreads());
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      expect(peakRunning).toBeGreaterThan(0);
      expect(peakRunning).toBeLessThanOrEqual(SEARCH_LIMITS.maxRunning);
      // Each regex with a required literal may run one native search (at most 2 threads) beside it.
      expect(peakThreads).toBeLessThanOrEqual(2 * SEARCH_LIMITS.maxRunning);
    } finally {
      for (const socket of sockets) socket.close();
      await until(() => busyHost.services.sessions.openCount === 0, 'the sockets closed their sessions');
      await busyHost.close();
    }
    await until(() => searchPool.runningCount === 0 && searchPool.waitingCount === 0, 'the pool emptied');
    await until(() => nativeTesting.searchWorkerThreads() === 0, 'every search thread ended');
  }, 60_000);
});
