// Opening a compressed log through the services: shown under its own name, decompressed, read-only,
// its temporary copy deleted when the tab closes; progress events; cancel; damaged files as values.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FileInfo, IndexStatus, OpenProgress, TextLines } from '../../../shared/contract';
import { seededRandom } from '../../../shared/seededRandom';
import { createServiceHarness, testOwner, type ServiceHarness } from '../testing/serviceHarness';

let harness: ServiceHarness;
beforeEach(() => {
  harness = createServiceHarness('hexlog-gzopen-');
});
afterEach(() => harness.dispose());

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const logText = (lines: number): string =>
  Array.from(
    { length: lines },
    (_, i) => `2026-01-01T00:00:${String(i % 60).padStart(2, '0')}Z INFO line ${i + 1}`,
  ).join('\n') + '\n';

describe('opening compressed logs', () => {
  it('shows a gzip file decompressed under its own name, read-only, and deletes the copy on close', async () => {
    const text = logText(5000);
    const path = join(harness.dir, 'app.log.gz');
    writeFileSync(path, gzipSync(text));
    const info = await harness.call<FileInfo>('openOffered', harness.services.offers.offer(path).offerId);
    expect(info).toMatchObject({ name: 'app.log.gz', path, compression: 'gzip', writable: false });
    expect(info.size).toBe(Buffer.byteLength(text));
    let status = await harness.call<IndexStatus>('openText', info.session, 'auto');
    while (!status.done) {
      await sleep(2);
      status = await harness.call<IndexStatus>('indexStatus', info.session);
    }
    expect(status.linesKnown).toBe(5000);
    const lines = await harness.call<TextLines>('readLines', info.session, 4999, 1);
    expect(new TextDecoder().decode(lines.bytes)).toBe('2026-01-01T00:00:19Z INFO line 5000');
    const edit = await harness.services.dispatch(testOwner, 'editBytes', [info.session, 0, new Uint8Array([0x41])]);
    expect(edit).toMatchObject({ ok: false, code: 'EREADONLY', message: /read-only/ });
    const progress = harness.events
      .filter((event) => event.name === 'openProgress')
      .map((e) => e.payload as OpenProgress);
    expect(progress.at(-1)).toMatchObject({ name: 'app.log.gz', compression: 'gzip', done: true });
    // The session maps a temporary copy; closing the tab deletes it.
    const session = harness.services.sessions.get(info.session, testOwner.owner);
    expect(session.ok).toBe(true);
    const cachePath = session.ok ? session.value.path : '';
    expect(cachePath).not.toBe(path);
    expect(existsSync(cachePath)).toBe(true);
    await harness.call('closeFile', info.session);
    expect(existsSync(cachePath)).toBe(false);
  });

  it('refuses a damaged file with a clear message, and cancels on request', async () => {
    const damaged = join(harness.dir, 'cut.log.gz');
    writeFileSync(damaged, gzipSync(logText(2000)).subarray(0, 300));
    const refused = await harness.services.dispatch(testOwner, 'openOffered', [
      harness.services.offers.offer(damaged).offerId,
    ]);
    expect(refused).toMatchObject({ ok: false, code: 'ECORRUPT', message: /cut\.log\.gz/ });

    const big = join(harness.dir, 'big.log.gz');
    writeFileSync(big, gzipSync(seededRandom(3).bytes(40 << 20), { level: 1 }));
    const opening = harness.services.dispatch(testOwner, 'openOffered', [harness.services.offers.offer(big).offerId]);
    await harness.call('cancelOpen');
    expect(await opening).toMatchObject({ ok: false, code: 'ECANCELLED' });
    expect(harness.services.sessions.openCount).toBe(0);
  });
});
