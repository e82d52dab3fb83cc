// A describe block's browser, hosts and temp files (vitest hooks live here, not in harness.ts,
// which scripts and the bench import outside vitest).
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { launchBrowser, openPage, startWebHost, tempDir, type HostOptions, type HostProcess } from './harness';

export interface BrowserSuite {
  /** A temp directory for the suite's generated files, removed afterwards. */
  readonly dir: string;
  /** Starts a browser host on `files` (tracked, stopped afterwards). */
  host(...files: string[]): Promise<HostProcess>;
  /** The same, with a settings folder to share between hosts, or more arguments. */
  hostWith(options: HostOptions, ...files: string[]): Promise<HostProcess>;
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
    host: (...files) => suite.hostWith({}, ...files),
    hostWith: async (options, ...files) => {
      const host = await startWebHost(files, options);
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
