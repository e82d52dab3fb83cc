// Each tab owns its session: closing one disposes its index, its search and their threads (native
// workers and the JavaScript regex worker), leaves the other tabs' work alone, and closing them all
// brings every count of live work back to zero.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { nativeTesting } from '../../../native/index';
import type { FileInfo, FindQuery, FindStatus } from '../../shared/contract';
import { seededRandom } from '../../shared/seededRandom';
import { liveRegexWorkers } from './find/regexSearch';
import { searchPool } from './find/searchPool';
import { indexPool } from './textIndex';
import { createServiceHarness, type ServiceHarness } from './testing/serviceHarness';

/** Every count of work that holds a thread or a session in this process. */
function liveWork(harness: ServiceHarness): Record<string, number> {
  return {
    sessions: harness.services.sessions.openCount,
    indexThreads: nativeTesting.lineIndexWorkerThreads(),
    searchThreads: nativeTesting.searchWorkerThreads(),
    regexWorkers: liveRegexWorkers(),
    searchesRunning: searchPool.runningCount + searchPool.waitingCount,
    indexesRunning: indexPool.runningCount + indexPool.waitingCount,
  };
}

const idle = { sessions: 0, indexThreads: 0, searchThreads: 0, regexWorkers: 0, searchesRunning: 0, indexesRunning: 0 };

/** A back-reference runs on the JavaScript engine (a worker thread); a literal on the native search. */
const jsRegex: FindQuery = { mode: 'regex', pattern: '(\\d)\\1 needle', matchCase: false, wholeWord: false };
const literal: FindQuery = { mode: 'text', pattern: 'needle', matchCase: true, wholeWord: false };

describe('closing a tab', () => {
  let harness: ServiceHarness;
  const files: string[] = [];

  beforeEach(() => {
    harness = createServiceHarness('hexlog-close-tab-');
    const random = seededRandom(23);
    files.length = 0;
    for (const name of ['a.log', 'b.log', 'c.log']) {
      const lines: string[] = [];
      for (let i = 0; i < 120_000; i++)
        lines.push(`${i} ${random.int(100)} ${i % 9 === 0 ? 'needle' : 'hay'} ${'x'.repeat(random.int(60))}`);
      const path = join(harness.dir, name);
      writeFileSync(path, `${lines.join('\n')}\n`);
      files.push(path);
    }
  });
  afterEach(() => harness.dispose());

  async function openTab(path: string, query: FindQuery): Promise<FileInfo> {
    const offer = harness.services.offers.offer(path);
    const info = await harness.call<FileInfo>('openOffered', offer.offerId);
    await harness.call('openText', info.session, 'auto');
    await harness.call('startFind', info.session, query);
    return info;
  }

  const finished = async (info: FileInfo): Promise<FindStatus> => {
    let status: FindStatus | null = null;
    await expect
      .poll(
        async () => {
          status = await harness.call<FindStatus | null>('findStatus', info.session);
          return status?.done === true;
        },
        { timeout: 30_000, interval: 20 },
      )
      .toBe(true);
    return status as unknown as FindStatus;
  };

  it('disposes its index, search and workers; the others go on; closing all leaves no live work', async () => {
    expect(liveWork(harness)).toEqual(idle);
    const a = await openTab(files[0] ?? '', jsRegex);
    const b = await openTab(files[1] ?? '', jsRegex);
    const c = await openTab(files[2] ?? '', literal);
    expect(liveWork(harness).sessions).toBe(3);
    // The counts see the work: a JavaScript worker per regex search, at least.
    expect(liveWork(harness).regexWorkers).toBeGreaterThanOrEqual(1);

    // Close the first tab while its search and index may still run.
    await harness.call('closeFile', a.session);
    expect(liveWork(harness).sessions).toBe(2);
    await expect(harness.call('findStatus', a.session)).rejects.toThrow(/ENOSESSION/);

    // The other two finish with the counts a plain scan gives.
    expect((await finished(c)).matchCount).toBe(Math.ceil(120_000 / 9));
    const bStatus = await finished(b);
    expect(bStatus.engine).toBe('js');
    expect(bStatus.error).toBeNull();
    expect(bStatus.matchCount).toBeGreaterThan(0);

    // Start more work in both, then close them mid-way.
    await harness.call('startFind', b.session, { ...jsRegex, pattern: '(\\w)\\1' });
    await harness.call('startFind', c.session, { ...jsRegex, pattern: '(x)\\1x' });
    expect(liveWork(harness).regexWorkers).toBeGreaterThanOrEqual(1);
    await harness.call('closeFile', b.session);
    await harness.call('closeFile', c.session);

    await expect.poll(() => liveWork(harness), { timeout: 15_000, interval: 50 }).toEqual(idle);
  });
});
