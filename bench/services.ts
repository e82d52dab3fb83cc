// What the user waits for, through the services as the app calls them: openText until the index
// is done, and startFind until the search is done, warm and (where the machine allows dropping the
// file's pages) cold, each against its peer in the same run; and the first screen in the browser
// host, from page load to the first row.
import { spawnSync } from 'node:child_process';
import type { FileInfo, FindStatus, IndexStatus } from '../src/shared/contract';
import { launchBrowser, openPage, startWebHost } from '../e2e/support/harness';
import { benchServices as createBenchServices } from './find';
import { timePeer, type PeerRun } from './peers';
import { nowMs, report } from './report';
import { ensureRendererBuilt } from './scroll';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Drops the file's pages from the page cache (posix_fadvise DONTNEED, through python3, since Node
 * has no fadvise). Returns why it cannot, or null once done.
 */
function dropCache(path: string): string | null {
  const script =
    'import os,sys\nfd=os.open(sys.argv[1],os.O_RDONLY)\nos.fsync(fd)\nos.posix_fadvise(fd,0,0,os.POSIX_FADV_DONTNEED)';
  const result = spawnSync('python3', ['-c', script, path], { encoding: 'utf8' });
  if (result.error !== undefined) return `python3 is not available (${result.error.message})`;
  if (result.status !== 0) return `posix_fadvise failed: ${result.stderr.trim()}`;
  return null;
}

/** One openText-to-done through fresh services (the app's path: offer, open, index). */
async function openToDone(path: string): Promise<number> {
  const { services, call } = createBenchServices();
  try {
    const start = nowMs();
    const info = await call<FileInfo>('openOffered', services.offers.offer(path).offerId);
    let status = await call<IndexStatus>('openText', info.session, 'utf-8');
    while (!status.done) {
      if (status.error !== null) throw new Error(status.error.message);
      await sleep(1);
      status = await call<IndexStatus>('indexStatus', info.session);
    }
    return nowMs() - start;
  } finally {
    services.dispose();
  }
}

/** One startFind-to-done for a literal, on a session whose index is done. */
async function findToDone(path: string, pattern: string): Promise<{ ms: number; matches: number }> {
  const { services, call } = createBenchServices();
  try {
    const info = await call<FileInfo>('openOffered', services.offers.offer(path).offerId);
    const start = nowMs();
    await call('startFind', info.session, { mode: 'text', pattern, matchCase: true, wholeWord: false });
    for (;;) {
      const status = (await call<FindStatus>('findStatus', info.session))!;
      if (status.error !== null) throw new Error(status.error.message);
      if (status.done) return { ms: nowMs() - start, matches: status.matchCount };
      await sleep(1);
    }
  } finally {
    services.dispose();
  }
}

const best = async (runs: number, once: () => Promise<number>): Promise<number> => {
  let least = Number.POSITIVE_INFINITY;
  for (let i = 0; i < runs; i++) least = Math.min(least, await once());
  return least;
};

function peerMetric(peer: string, run: PeerRun | undefined): { peer?: string; peerValue?: number } {
  return run === undefined ? {} : { peer, peerValue: run.ms };
}

export async function benchServices(path: string, size: number): Promise<void> {
  const mib = (size / 2 ** 20).toFixed(0);
  timePeer('wc', ['-l', path], 1); // warm
  const wc = timePeer('wc', ['-l', path]);
  report({
    metric: 'services.open_text.done',
    value: await best(3, () => openToDone(path)),
    unit: 'ms',
    ...peerMetric('wc -l', wc),
    better: 'lower',
    note: `${mib} MiB, page cache warm, openText to index done through the services`,
  });
  const rg = timePeer('rg', ['-c', '-F', 'ERROR', path]);
  let found = { ms: Number.POSITIVE_INFINITY, matches: 0 };
  for (let i = 0; i < 3; i++) {
    const run = await findToDone(path, 'ERROR');
    if (run.ms < found.ms) found = run;
  }
  report({
    metric: 'services.start_find.done',
    value: found.ms,
    unit: 'ms',
    ...peerMetric('rg -c', rg),
    better: 'lower',
    note: `ERROR: ${found.matches} matches, page cache warm, startFind to done through the services`,
  });

  const cannot = dropCache(path);
  if (cannot !== null) {
    process.stderr.write(`bench: cold-cache metrics skipped: ${cannot}\n`);
    return;
  }
  const wcCold = (() => {
    dropCache(path);
    return timePeer('wc', ['-l', path], 1);
  })();
  dropCache(path);
  const cold = await openToDone(path);
  report({
    metric: 'services.open_text.done.cold',
    value: cold,
    unit: 'ms',
    ...peerMetric('wc -l (cold)', wcCold),
    better: 'lower',
    note: `${mib} MiB, the file's pages dropped (posix_fadvise DONTNEED) before each run`,
  });
}

/** Page load to the first row in Chromium through the browser host, on `path` (the big file). */
export async function benchFirstScreen(path: string, size: number): Promise<void> {
  ensureRendererBuilt();
  const host = await startWebHost([path]);
  const browser = await launchBrowser();
  try {
    let least = Number.POSITIVE_INFINITY;
    for (let i = 0; i < 3; i++) {
      const start = nowMs();
      const page = await openPage(browser, host.url);
      await page.locator('[data-testid=text-view] [data-line="1"]').waitFor({ timeout: 60_000 });
      least = Math.min(least, nowMs() - start);
      await page.close();
    }
    report({
      metric: 'browser.first_screen',
      value: least,
      unit: 'ms',
      better: 'lower',
      note: `${(size / 2 ** 30).toFixed(1)} GiB: page load to the first row in the browser host`,
    });
  } finally {
    await browser.close();
    await host.stop();
  }
}
