// A describe block's browser, hosts and temp files (vitest hooks live here, not in harness.ts,
// which scripts and the bench import outside vitest).
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { launchBrowser, openPage, startWebHost, tempDir, type HostProcess } from './harness';

export interface BrowserSuite {
  /** A temp directory for the suite's generated files, removed afterwards. */
  readonly dir: string;
  /** Starts a browser host on `files` (tracked, stopped afterwards). */
  host(...files: string[]): Promise<HostProcess>;
  /** Starts a host on `files` and opens its URL in a new page. */
  start(...files: string[]): Promise<Page>;
  browser(): Browser;
}

/** One Chromium for a describe block, hosts and temp files cleaned up after it. Call inside describe(). */
export function browserSuite(prefix: string): BrowserSuite {
  const dir = tempDir(prefix);
  const hosts: HostProcess[] = [];
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await Promise.all(hosts.map((host) => host.stop()));
    dir.dispose();
  });
  const suite: BrowserSuite = {
    dir: dir.path,
    host: async (...files) => {
      const host = await startWebHost(files);
      hosts.push(host);
      return host;
    },
    start: async (...files) => openPage(suite.browser(), (await suite.host(...files)).url),
    browser: () => {
      if (browser === undefined) throw new Error('the browser starts in beforeAll');
      return browser;
    },
  };
  return suite;
}
