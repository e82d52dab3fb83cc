// The compare channels through the services, as the renderer calls them: two open files, a compare
// tab of them, its counts, bytes, steps and ticks, a file changing under it, and closing.
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { CompareStatus, ComparedBytes, DiffRange, DiffRanges, FileInfo } from '../../../shared/contract';
import type { Result } from '../../../shared/result';
import { seededRandom } from '../../../shared/seededRandom';
import { byteDiffWorkerThreads } from '../../../../native/index';
import { createServiceHarness, testOwner, type ServiceHarness } from '../testing/serviceHarness';

let harness: ServiceHarness;
beforeEach(() => {
  harness = createServiceHarness('hexlog-compare-');
});
afterEach(() => {
  harness.dispose();
  expect(byteDiffWorkerThreads()).toBe(0);
});

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function open(name: string, bytes: Uint8Array): Promise<FileInfo> {
  const path = join(harness.dir, name);
  writeFileSync(path, bytes);
  return harness.call<FileInfo>('openOffered', harness.services.offers.offer(path).offerId);
}

async function done(session: number): Promise<CompareStatus> {
  for (let i = 0; i < 2000; i++) {
    const status = await harness.call<CompareStatus>('compareStatus', session);
    if (status.done || status.error !== null) return status;
    await sleep(5);
  }
  throw new Error('the comparison did not finish');
}

const raw = (name: string, ...args: unknown[]): Promise<Result<unknown>> =>
  harness.services.dispatch(testOwner, name, args);

describe('compare tab', () => {
  it('compares two open files: counts, bytes of both, steps, ranges, ticks, progress events', async () => {
    const random = seededRandom(3);
    const a = random.bytes(300_000);
    const b = a.slice(0, 250_000);
    const edits = [0, 17, 18, 19, 100_000, 249_999];
    for (const at of edits) b[at] = b[at]! ^ 0xff;
    const fileA = await open('a.bin', a);
    const fileB = await open('b.bin', b);
    const tab = await harness.call<FileInfo>('compareFiles', fileA.session, fileB.session);
    expect(tab.compared?.map((file) => file.name)).toEqual(['a.bin', 'b.bin']);
    expect(tab.size).toBe(300_000);
    const status = await done(tab.session);
    // 0, 17..19, 100000, 249999, and the tail [250000, 300000).
    expect(status).toMatchObject({ done: true, ranges: 5, bytes: 6 + 50_000, coalesced: false, error: null });
    const bytes = await harness.call<ComparedBytes>('readCompared', tab.session, 249_990, 20);
    expect(bytes.a).toEqual(a.subarray(249_990, 250_010));
    expect(bytes.b).toEqual(b.subarray(249_990, 250_000));
    const visited: DiffRange[] = [];
    for (let range = await harness.call<DiffRange | null>('nextDiff', tab.session, 0, 1); range !== null;) {
      visited.push(range);
      range = await harness.call<DiffRange | null>('nextDiff', tab.session, range.start + 1, 1);
    }
    expect(visited.map((range) => [range.start, range.end])).toEqual([
      [0, 1],
      [17, 20],
      [100_000, 100_001],
      [249_999, 250_000],
      [250_000, 300_000],
    ]);
    expect(await harness.call('nextDiff', tab.session, 100_000, -1)).toEqual({ start: 17, end: 20 });
    const ranges = await harness.call<DiffRanges>('diffRanges', tab.session, 1, 2);
    expect([...ranges.starts]).toEqual([17, 100_000]);
    expect([...ranges.ends]).toEqual([20, 100_001]);
    const ticks = await harness.call<Float64Array>('diffTicks', tab.session, 3);
    expect([...ticks]).toEqual([2, 1, 2]);
    await sleep(150);
    const events = harness.events.filter((event) => event.name === 'compareProgress');
    expect(events.at(-1)?.payload).toMatchObject({ session: tab.session, done: true, ranges: 5 });
  });

  it('keeps working when a compared file’s tab closes, and closes with its own tab', async () => {
    const fileA = await open('a.bin', new Uint8Array([1, 2, 3]));
    const fileB = await open('b.bin', new Uint8Array([1, 9, 3]));
    const tab = await harness.call<FileInfo>('compareFiles', fileA.session, fileB.session);
    await done(tab.session);
    await harness.call('closeFile', fileA.session);
    expect(await harness.call('nextDiff', tab.session, 0, 1)).toEqual({ start: 1, end: 2 });
    await harness.call('closeFile', tab.session);
    expect(await raw('compareStatus', tab.session)).toMatchObject({ ok: false, code: 'ENOSESSION' });
  });

  it('says which file changed on disk under it, and refuses bad pairs', async () => {
    const fileA = await open('a.bin', new Uint8Array(1000));
    const fileB = await open('b.bin', new Uint8Array(1000).fill(1));
    const tab = await harness.call<FileInfo>('compareFiles', fileA.session, fileB.session);
    await done(tab.session);
    appendFileSync(join(harness.dir, 'b.bin'), 'more');
    const read = await raw('readCompared', tab.session, 0, 10);
    expect(read).toMatchObject({ ok: false, code: 'EFILECHANGED' });
    expect(!read.ok && read.message).toContain('b.bin changed on disk');
    expect(await raw('nextDiff', tab.session, 0, 1)).toMatchObject({ ok: false, code: 'EFILECHANGED' });
    expect((await harness.call<CompareStatus>('compareStatus', tab.session)).error?.code).toBe('EFILECHANGED');
    expect(await raw('compareFiles', fileA.session, fileA.session)).toMatchObject({ ok: false, code: 'EINVAL' });
    expect(await raw('compareFiles', fileA.session, 999)).toMatchObject({ ok: false, code: 'ENOSESSION' });
    expect(await raw('nextDiff', fileA.session, 0, 1)).toMatchObject({ ok: false, code: 'ENOSESSION' });
    expect(await raw('nextDiff', tab.session, 0, 2)).toMatchObject({ ok: false, code: 'EINVAL' });
  });

  it('is disposed with its window', async () => {
    const fileA = await open('a.bin', new Uint8Array(64 << 20));
    const fileB = await open('b.bin', new Uint8Array(64 << 20));
    const tab = await harness.call<FileInfo>('compareFiles', fileA.session, fileB.session);
    harness.services.sessions.disposeOwner(testOwner.owner);
    expect(await raw('compareStatus', tab.session)).toMatchObject({ ok: false, code: 'ENOSESSION' });
    expect(byteDiffWorkerThreads()).toBe(0);
  });
});
