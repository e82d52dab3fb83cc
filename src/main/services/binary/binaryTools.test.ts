// The byte map and strings channels through dispatch, over real files: results, paging, the
// session owning its jobs, and a file that changes under a pass.
import { appendFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { ByteMapStatus, StringsPage, StringsStatus } from '../../../shared/binaryTools';
import type { FileChange, FileInfo } from '../../../shared/contract';
import type { Result } from '../../../shared/result';
import { seededRandom } from '../../../shared/seededRandom';
import { binaryToolWorkerThreads } from '../../../../native/index';
import { createServiceHarness, testOwner, type ServiceHarness } from '../testing/serviceHarness';

let harness: ServiceHarness;
beforeEach(() => {
  harness = createServiceHarness('hexlog-binary-');
});
afterEach(() => {
  harness.dispose();
});

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function openFile(name: string, bytes: Uint8Array): Promise<FileInfo> {
  const path = join(harness.dir, name);
  writeFileSync(path, bytes);
  return harness.call<FileInfo>('openOffered', harness.services.offers.offer(path).offerId);
}

async function settledMap(session: number, purpose: 'file' | 'selection'): Promise<ByteMapStatus> {
  for (;;) {
    const status = (await harness.call<ByteMapStatus | null>('byteMapStatus', session, purpose))!;
    if (status.done || status.error !== null || status.cancelled) return status;
    await sleep(2);
  }
}

async function settledStrings(session: number): Promise<StringsStatus> {
  for (;;) {
    const status = (await harness.call<StringsStatus | null>('stringsStatus', session))!;
    if (status.done || status.error !== null || status.cancelled) return status;
    await sleep(2);
  }
}

/** 64 KiB of zeros, 64 KiB of text, 64 KiB of random bytes. */
function firmware(): Uint8Array {
  const bytes = new Uint8Array(3 * 65536);
  const text = new TextEncoder().encode('hello firmware world\n');
  for (let i = 0; i < 65536; i++) bytes[65536 + i] = text[i % text.length]!;
  bytes.set(seededRandom(1).bytes(65536), 2 * 65536);
  return bytes;
}

describe('byte map channels', () => {
  it('map the whole file and a selection; the classes follow the blocks', async () => {
    const info = await openFile('fw.bin', firmware());
    const started = await harness.call<ByteMapStatus>('startByteMap', info.session, 'file', 0, info.size);
    // 192 KiB: regions of the least size, 256 bytes.
    expect(started.classes.length).toBe(768);
    const whole = await settledMap(info.session, 'file');
    expect(whole.done).toBe(true);
    expect(whole.regionBytes).toBe(256);
    expect(Array.from(whole.classes.subarray(0, 256)).every((c) => c === 0)).toBe(true);
    expect(Array.from(whole.classes.subarray(256, 512)).every((c) => c === 1)).toBe(true);
    expect(Array.from(whole.classes.subarray(512)).every((c) => c === 2)).toBe(true);
    expect(whole.histogram.reduce((a, b) => a + b, 0)).toBe(info.size);
    expect(whole.histogram[0]).toBeGreaterThanOrEqual(65536);

    await harness.call<ByteMapStatus>('startByteMap', info.session, 'selection', 2 * 65536, 3 * 65536);
    const selection = await settledMap(info.session, 'selection');
    expect(selection.from).toBe(2 * 65536);
    expect(selection.regionBytes).toBe(256);
    expect(selection.classes.length).toBe(256);
    expect(selection.histogram.reduce((a, b) => a + b, 0)).toBe(65536);
    // The whole file's map is still there, apart from the selection's.
    expect((await settledMap(info.session, 'file')).mapId).toBe(whole.mapId);
  });

  it('an empty file maps to no regions; a range past the end is ERANGE', async () => {
    const info = await openFile('empty.bin', new Uint8Array(0));
    await harness.call('startByteMap', info.session, 'file', 0, 0);
    const status = await settledMap(info.session, 'file');
    expect(status).toMatchObject({ done: true, totalBytes: 0 });
    expect(status.classes.length).toBe(0);
    const past = await harness.services.dispatch(testOwner, 'startByteMap', [info.session, 'file', 0, 1]);
    expect(past).toMatchObject({ ok: false, code: 'ERANGE' });
  });

  it('a file that shrank under the map ends it with EFILECHANGED; after a reload the old pass says so too', async () => {
    const path = join(harness.dir, 'shrinks.bin');
    const bytes = seededRandom(2).bytes(4 << 20);
    writeFileSync(path, bytes);
    const info = await harness.call<FileInfo>('openOffered', harness.services.offers.offer(path).offerId);
    truncateSync(path, 100);
    await harness.call('startByteMap', info.session, 'file', 0, info.size);
    const status = await settledMap(info.session, 'file');
    expect(status.error?.code).toBe('EFILECHANGED');

    appendFileSync(path, 'more');
    await harness.call<FileChange>('reloadFile', info.session);
    const stale = await harness.call<ByteMapStatus>('byteMapStatus', info.session, 'file');
    expect(stale.error?.code).toBe('EFILECHANGED');
  });

  it('closing the session disposes its jobs', async () => {
    const info = await openFile('big.bin', new Uint8Array(32 << 20));
    await harness.call('startByteMap', info.session, 'file', 0, info.size);
    await harness.call('startStrings', info.session, 4, 'both');
    expect(binaryToolWorkerThreads()).toBeGreaterThan(0);
    await harness.call('closeFile', info.session);
    const after = await harness.services.dispatch(testOwner, 'byteMapStatus', [info.session, 'file']);
    expect(after).toMatchObject({ ok: false, code: 'ENOSESSION' });
    // Dispose joins the workers: none is left once the session is gone.
    expect(binaryToolWorkerThreads()).toBe(0);
  });
});

describe('strings channels', () => {
  it('find strings, page them and find the index at an offset', async () => {
    const bytes = new Uint8Array(100_000);
    const words: [number, string][] = [];
    for (let i = 0; i < 1000; i++) {
      const offset = i * 100 + (i % 7);
      const word = `word${i}`;
      bytes.set(new TextEncoder().encode(word), offset);
      words.push([offset, word]);
    }
    const wide = new Uint8Array(Buffer.from('WIDE STRING', 'utf16le'));
    bytes.set(wide, 99_950);
    const info = await openFile('strings.bin', bytes);
    const started = await harness.call<StringsStatus>('startStrings', info.session, 5, 'both');
    const status = await settledStrings(info.session);
    expect(status).toMatchObject({ done: true, stringsKnown: 1001, stringsId: started.stringsId });
    const page = await harness.call<StringsPage>('readStrings', info.session, status.stringsId, 995, 10);
    expect(page.texts).toEqual(['word995', 'word996', 'word997', 'word998', 'word999', 'WIDE STRING']);
    expect(Array.from(page.offsets.subarray(0, 5))).toEqual(words.slice(995, 1000).map(([o]) => o));
    expect(Array.from(page.encodings)).toEqual([1, 1, 1, 1, 1, 2]);
    expect(page.lengths[5]).toBe(22);
    expect(await harness.call<number>('stringIndexAt', info.session, status.stringsId, 99_901)).toBe(999);

    const ascii = await harness.call<StringsStatus>('startStrings', info.session, 5, 'ascii');
    expect((await settledStrings(info.session)).stringsKnown).toBe(1000);
    const old = await harness.services.dispatch(testOwner, 'readStrings', [info.session, started.stringsId, 0, 10]);
    expect(old).toMatchObject({ ok: false, code: 'ENOTFOUND' });
    expect(ascii.stringsId).not.toBe(started.stringsId);
  });

  it('refuses a bad minimum length and too large a page', async () => {
    const info = await openFile('a.bin', new Uint8Array(10));
    const zero = (await harness.services.dispatch(testOwner, 'startStrings', [
      info.session,
      0,
      'ascii',
    ])) as Result<unknown>;
    expect(zero).toMatchObject({ ok: false, code: 'EINVAL' });
    const status = await harness.call<StringsStatus>('startStrings', info.session, 4, 'ascii');
    const big = await harness.services.dispatch(testOwner, 'readStrings', [info.session, status.stringsId, 0, 100_000]);
    expect(big).toMatchObject({ ok: false, code: 'EINVAL' });
  });
});

describe('byte map regions', () => {
  it('are at least 256 bytes, and at most 4096 of them', async () => {
    const small = await openFile('small.bin', new Uint8Array(1000));
    expect(await harness.call<ByteMapStatus>('startByteMap', small.session, 'file', 0, 1000)).toMatchObject({
      regionBytes: 256,
    });
    expect((await settledMap(small.session, 'file')).classes.length).toBe(4);
    const one = await openFile('one.bin', Uint8Array.of(7));
    await harness.call('startByteMap', one.session, 'file', 0, 1);
    expect((await settledMap(one.session, 'file')).classes.length).toBe(1);
    const big = await openFile('big.bin', new Uint8Array(3 << 20));
    await harness.call('startByteMap', big.session, 'file', 0, 3 << 20);
    const map = await settledMap(big.session, 'file');
    expect(map.classes.length).toBe(4096);
    expect(map.regionBytes).toBe(768);
  });
});
