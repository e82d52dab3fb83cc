// Starts the browser host as a user would (`npm run web -- FILE...` minus the build) and drives
// Debian's Chromium through Playwright.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env['HEXLOG_CHROMIUM'] ?? '/usr/bin/chromium';

export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export interface HostProcess {
  readonly url: string;
  readonly child: ChildProcess;
  stop(): Promise<void>;
}

export interface HostOptions {
  /** The host's settings folder; by default a fresh one of its own, removed when it stops. */
  readonly configDir?: string;
  /** More command-line arguments before the files. */
  readonly args?: readonly string[];
}

export async function startWebHost(files: readonly string[], options: HostOptions = {}): Promise<HostProcess> {
  const tsx = join(process.cwd(), 'node_modules/.bin/tsx');
  // Tests never touch ~/.config, nor see each other's settings.
  const ownConfig = options.configDir === undefined ? tempDir('hexlog-config-') : null;
  const configDir = options.configDir ?? ownConfig?.path ?? '';
  const args = ['src/host/cli.ts', '--port', '0', '--config-dir', configDir, ...(options.args ?? []), ...files];
  const child = spawn(tsx, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  child.once('exit', () => ownConfig?.dispose());
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const lines = createInterface({ input: child.stdout! });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`host did not start: ${stderr}`)), 30_000);
    lines.once('line', (line) => {
      clearTimeout(timer);
      resolve(line.trim());
    });
    child.once('exit', (code) => reject(new Error(`host exited with ${code}: ${stderr}`)));
  });
  return {
    url,
    child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`Chromium not found at ${CHROMIUM_PATH}: apt-get install chromium`);
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: chromiumArgs, headless: true });
}

export async function openPage(browser: Browser, url: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  // Locator calls auto-wait; keep that short so that expect.poll can retry instead of blocking.
  page.setDefaultTimeout(5000);
  await page.goto(url);
  return page;
}

export function tempDir(prefix: string): { path: string; dispose(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, dispose: () => rmSync(path, { recursive: true, force: true }) };
}
