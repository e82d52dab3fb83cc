// "Save a copy" through the services: progress events, cancel, one at a time.
import { chmodSync, existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FileInfo, SaveProgress } from '../../shared/contract';
import type { Result } from '../../shared/result';
import { seededRandom } from '../../shared/seededRandom';
import { createServiceHarness, testOwner, type ServiceHarness } from './testing/serviceHarness';

let harness: ServiceHarness;
beforeEach(() => {
  harness = createServiceHarness('hexlog-savecopy-');
});
afterEach(() => harness.dispose());

/** A read-only file of real (non-zero) data, with one pending edit. */
async function openEdited(size: number): Promise<FileInfo> {
  const path = join(harness.dir, 'ro.bin');
  const block = seededRandom(5)
    .bytes(1 << 20)
    .map((byte) => byte | 1);
  const content = Buffer.alloc(size);
  for (let at = 0; at < size; at += block.length) content.set(block.subarray(0, Math.min(block.length, size - at)), at);
  writeFileSync(path, content);
  chmodSync(path, 0o444);
  const info = await harness.call<FileInfo>('openOffered', harness.services.offers.offer(path).offerId);
  await harness.call('editBytes', info.session, 0, Uint8Array.of(0));
  harness.copyDest = join(harness.dir, 'copy.bin');
  return info;
}

const saveEvents = (): SaveProgress[] =>
  harness.events.filter((event) => event.name === 'saveProgress').map((event) => event.payload as SaveProgress);

describe('save a copy through the services', () => {
  it('reports progress, ends with a done event, and the copy holds the edit', async () => {
    const info = await openEdited(64 << 20);
    const saved = await harness.call<{ path: string } | null>('saveCopy', info.session);
    expect(saved).toEqual({ path: harness.copyDest });
    const events = saveEvents();
    expect(events.at(-1)).toMatchObject({ session: info.session, done: true, copiedBytes: 64 << 20 });
  });

  it('cancel stops it: the answer is null, no copy and no temporary file is left; a second save is refused meanwhile', async () => {
    const info = await openEdited(256 << 20);
    const saving = harness.services.dispatch(testOwner, 'saveCopy', [info.session]);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(await harness.services.dispatch(testOwner, 'saveCopy', [info.session])).toMatchObject({
      ok: false,
      code: 'ELOCKED',
    });
    await harness.call('cancelSaveCopy', info.session);
    const result = (await saving) as Result<unknown>;
    expect(result).toEqual({ ok: true, value: null });
    expect(existsSync(harness.copyDest!)).toBe(false);
    expect(readdirSync(harness.dir).filter((name) => name.includes('hexlog-save'))).toEqual([]);
    // Cancelling when nothing runs is harmless.
    expect(await harness.call('cancelSaveCopy', info.session)).toBeNull();
  });
});
