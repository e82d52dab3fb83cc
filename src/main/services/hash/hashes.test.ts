// Hashes of a selection through the services, against the system's own tools (sha256sum, sha1sum,
// md5sum, crc32 from libarchive-zip-perl) run over the same bytes written to a file.
import { execFileSync } from 'node:child_process';
import { truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EditState, FileInfo, HashStatus } from '../../../shared/contract';
import { seededRandom } from '../../../shared/seededRandom';
import { createServiceHarness, type ServiceHarness } from '../testing/serviceHarness';
import { sleep } from '../merge/mergeTestKit';

const tool = (name: string, path: string): string =>
  execFileSync(name, [path], { encoding: 'utf8' }).trim().split(/\s+/)[0]!.toLowerCase();

/** What the system's tools say of `bytes`. */
function reference(dir: string, bytes: Uint8Array): Record<string, string> {
  const path = join(dir, 'reference.bin');
  writeFileSync(path, bytes);
  return {
    crc32: tool('crc32', path),
    md5: tool('md5sum', path),
    sha1: tool('sha1sum', path),
    sha256: tool('sha256sum', path),
  };
}

async function hashed(harness: ServiceHarness, session: number, offset: number, length: number): Promise<HashStatus> {
  const started = await harness.call<HashStatus>('startHashes', session, offset, length);
  for (let i = 0; i < 3000; i++) {
    const status = await harness.call<HashStatus | null>('hashStatus', session);
    if (status !== null && status.hashId === started.hashId && status.done) return status;
    await sleep(10);
  }
  throw new Error('the hashes did not finish in time');
}

describe('hashes of a selection', () => {
  let harness: ServiceHarness;
  beforeEach(() => {
    harness = createServiceHarness('hexlog-hash-');
  });
  afterEach(() => harness.dispose());

  const open = async (name: string, bytes: Uint8Array): Promise<FileInfo> => {
    const path = join(harness.dir, name);
    writeFileSync(path, bytes);
    return harness.call<FileInfo>('openOffered', harness.services.offers.offer(path).offerId);
  };

  it('equal sha256sum, sha1sum, md5sum and crc32 of the same bytes, over seeded ranges across blocks, with pending edits', async () => {
    const random = seededRandom(1406);
    // Past two 4 MiB blocks, so ranges start, end and cross block edges.
    const size = 9 * 1024 * 1024 + 123;
    const bytes = random.bytes(size);
    const info = await open('data.bin', bytes);
    // Pending edits: the hashes are of the bytes as shown.
    const shown = bytes.slice();
    for (let i = 0; i < 20; i++) {
      const at = random.int(size - 64);
      const edit = random.bytes(1 + random.int(64));
      await harness.call<EditState>('editBytes', info.session, at, edit);
      shown.set(edit, at);
    }
    const block = 4 * 1024 * 1024;
    const ranges: [number, number][] = [
      [0, size],
      [0, 1],
      [size - 1, 1],
      [block - 3, 7],
      [block - 1, block + 2],
      [0, 0],
    ];
    for (let i = 0; i < 6; i++) {
      const start = random.int(size);
      ranges.push([start, 1 + random.int(size - start)]);
    }
    for (const [offset, length] of ranges) {
      const status = await hashed(harness, info.session, offset, length);
      expect(status.error, `${offset}+${length}`).toBeNull();
      expect(status.bytesDone).toBe(length);
      expect(status.values, `${offset}+${length}`).toEqual(
        reference(harness.dir, shown.subarray(offset, offset + length)),
      );
    }
  });

  it('refuses a range past the end, says a file that shrank while hashed changed, and can be cancelled', async () => {
    const size = 64 * 1024 * 1024;
    const info = await open('big.bin', seededRandom(7).bytes(size));
    await expect(harness.call('startHashes', info.session, size - 10, 11)).rejects.toThrow(/ERANGE.*passes the end/);
    await expect(harness.call('startHashes', info.session, -1, 11)).rejects.toThrow(/EINVAL/);

    const cancelled = await harness.call<HashStatus>('startHashes', info.session, 0, size);
    await harness.call('cancelHashes', info.session);
    let status: HashStatus | null = null;
    for (let i = 0; i < 500 && !(status?.done ?? false); i++) {
      status = await harness.call<HashStatus | null>('hashStatus', info.session);
      await sleep(10);
    }
    expect(status).toMatchObject({ hashId: cancelled.hashId, done: true, cancelled: true, values: {} });

    truncateSync(join(harness.dir, 'big.bin'), size / 2);
    const shrunk = await hashed(harness, info.session, 0, size);
    expect(shrunk.error?.code).toBe('EFILECHANGED');
    expect(shrunk.values).toEqual({});
  });

  it('a new hashing replaces the one running, and progress reaches the renderer as events', async () => {
    const size = 32 * 1024 * 1024;
    const bytes = seededRandom(9).bytes(size);
    const info = await open('events.bin', bytes);
    const first = await harness.call<HashStatus>('startHashes', info.session, 0, size);
    const second = await hashed(harness, info.session, 5, 100);
    expect(second.hashId).toBeGreaterThan(first.hashId);
    expect(second.values).toEqual(reference(harness.dir, bytes.subarray(5, 105)));
    const finished = harness.events.filter(
      (event) => event.name === 'hashProgress' && (event.payload as HashStatus).done,
    );
    expect(finished.map((event) => (event.payload as HashStatus).hashId)).toEqual([second.hashId]);
  });

  it('stops when the tab closes', async () => {
    const info = await open('closed.bin', seededRandom(3).bytes(16 * 1024 * 1024));
    await harness.call('startHashes', info.session, 0, 16 * 1024 * 1024);
    await harness.call('closeFile', info.session);
    await expect(harness.call('hashStatus', info.session)).rejects.toThrow(/ENOTFOUND|ECLOSED|no open file/i);
  });
});
