// What the merged view's tests share: a file opened and indexed through the services as the app
// does (offer, open, openText), and waiting for a session's index (or merge) to be done.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FileInfo, IndexStatus } from '../../../shared/contract';
import type { ServiceHarness } from '../testing/serviceHarness';

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Writes `text` to `name` in the harness's folder and opens it as text. */
export async function openLog(harness: ServiceHarness, name: string, text: string): Promise<FileInfo> {
  const path = join(harness.dir, name);
  writeFileSync(path, text);
  const info = await harness.call<FileInfo>('openOffered', harness.services.offers.offer(path).offerId);
  await harness.call('openText', info.session, 'auto');
  return info;
}

/** The session's index status once done (with `lines` lines, when given); throws after about 20 s. */
export async function indexDone(harness: ServiceHarness, session: number, lines?: number): Promise<IndexStatus> {
  for (let i = 0; i < 4000; i++) {
    const status = await harness.call<IndexStatus>('indexStatus', session);
    if (status.done && (lines === undefined || status.linesKnown === lines)) return status;
    await sleep(5);
  }
  throw new Error(`session ${session} was not indexed in time`);
}
