// The event loop keeps running while a large copy is saved: the copy's I/O runs on libuv's thread
// pool, so the services answer other requests meanwhile. Only responsiveness is checked (that the
// loop ran and readBytes answered while the copy was pending), never speed.
import { open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { expect, it } from 'vitest';

import type { FileInfo } from '../../../shared/contract';
import type { Result } from '../../../shared/result';
import { seededRandom } from '../../../shared/seededRandom';
import { tempDirPerTest } from '../testing/commitTestKit';
import { createServiceHarness } from '../testing/serviceHarness';

const dir = tempDirPerTest('hexlog-responsive-');

const GIB = 1024 ** 3;
const BLOCK = 16 * 1024 * 1024;
const PATTERN = seededRandom(40)
  .bytes(1024 * 1024)
  .map((byte) => byte | 1); // never zero: no holes

/** The byte at `offset` of the test file: the pattern repeated, with the 16 MiB block's index in its first byte. */
function expectedByte(offset: number): number {
  return offset % BLOCK === 0 ? ((offset / BLOCK) % 255) | 1 : PATTERN[offset % PATTERN.length]!;
}

/** Writes real (non-zero, non-sparse) data, so the copy cannot be instant. */
async function writeGiB(path: string): Promise<void> {
  const handle = await open(path, 'wx');
  try {
    const block = new Uint8Array(BLOCK);
    for (let at = 0; at < BLOCK; at += PATTERN.length) block.set(PATTERN, at);
    for (let offset = 0; offset < GIB; offset += BLOCK) {
      block[0] = expectedByte(offset);
      await handle.write(block, 0, BLOCK, offset);
    }
  } finally {
    await handle.close();
  }
}

it('while a 1 GiB copy is saved, timers fire and readBytes answers', async () => {
  const path = join(dir.path, 'one-gib.bin');
  const dest = join(dir.path, 'one-gib.copy');
  try {
    await writeGiB(path);
    const harness = createServiceHarness('hexlog-responsive-services-');
    const owner = { owner: 'window:1' };
    const rng = seededRandom(41);
    let settled = false;
    let timerTicks = 0;
    let immediateTicks = 0;
    let reads = 0;
    try {
      const info = await harness.call<FileInfo>('openOffered', harness.services.offers.offer(path).offerId);
      await harness.call('editBytes', info.session, GIB - 4, Uint8Array.of(0, 0, 0, 0));
      harness.copyDest = dest;
      const saving = harness.services.dispatch(owner, 'saveCopy', [info.session]).finally(() => (settled = true));
      const timers = (async () => {
        while (!settled) {
          await new Promise((resolve) => setTimeout(resolve, 1));
          if (settled) break;
          timerTicks++;
          const offset = rng.int(GIB - 4096);
          const read = (await harness.services.dispatch(owner, 'readBytes', [
            info.session,
            offset,
            4096,
          ])) as Result<Uint8Array>;
          if (!read.ok) throw new Error(read.message);
          expect(read.value[0]).toBe(expectedByte(offset));
          expect(read.value[4095]).toBe(expectedByte(offset + 4095));
          if (!settled) reads++;
        }
      })();
      const immediates = (async () => {
        while (!settled) {
          await nextTurn();
          if (!settled) immediateTicks++;
        }
      })();
      expect(await saving).toEqual({ ok: true, value: { path: dest } });
      await Promise.all([timers, immediates]);
    } finally {
      harness.dispose();
    }
    expect(timerTicks, 'setTimeout callbacks while the copy was pending').toBeGreaterThanOrEqual(5);
    expect(immediateTicks, 'setImmediate callbacks while the copy was pending').toBeGreaterThanOrEqual(5);
    expect(reads, 'readBytes answered while the copy was pending').toBeGreaterThanOrEqual(5);

    // The copy is right at its ends and where the edit went.
    const copy = await open(dest, 'r');
    try {
      expect((await copy.stat()).size).toBe(GIB);
      const head = new Uint8Array(8);
      await copy.read(head, 0, 8, 0);
      expect([...head]).toEqual([0, 1, 2, 3, 4, 5, 6, 7].map(expectedByte));
      const end = new Uint8Array(8);
      await copy.read(end, 0, 8, GIB - 8);
      expect([...end]).toEqual([...[8, 7, 6, 5].map((back) => expectedByte(GIB - back)), 0, 0, 0, 0]);
    } finally {
      await copy.close();
    }
  } finally {
    await rm(path, { force: true });
    await rm(dest, { force: true });
  }
}, 300_000);
