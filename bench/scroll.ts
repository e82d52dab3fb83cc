// Frame times while scrolling in Chromium through the browser host: a 10M-line file, and the merged
// tab of two logs.
import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { launchBrowser, openPage, startWebHost } from '../e2e/support/harness';
import { percentile, report } from './report';

/** "line 0000001 …\n" × count: short lines, the worst case for line count per byte. */
export function generateManyLines(path: string, count: number): string {
  const lineBytes = 24;
  if (existsSync(path) && statSync(path).size === count * lineBytes) return path;
  const fd = openSync(path, 'w');
  const batch = 100_000;
  try {
    for (let first = 0; first < count; first += batch) {
      let text = '';
      for (let i = first; i < Math.min(count, first + batch); i++)
        text += `line ${String(i + 1).padStart(10, '0')} abcdefgh\n`;
      writeSync(fd, text);
    }
  } finally {
    closeSync(fd);
  }
  return path;
}

/** The browser host serves the built renderer: build it once if it is missing. */
export function ensureRendererBuilt(): void {
  if (!existsSync(join(process.cwd(), 'out/renderer/index.html'))) {
    execFileSync(join(process.cwd(), 'node_modules/.bin/electron-vite'), ['build'], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  }
}

/** Eight highlight rules in use (regex and literal, whole line and match), as a demanding user has them. */
function highlightedSettingsDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'hexlog-bench-settings-'));
  const rule = (pattern: string, regex: boolean, scope: 'line' | 'match', target: 'foreground' | 'background') => ({
    pattern,
    regex,
    matchCase: false,
    color: '#3388ff',
    target,
    scope,
    enabled: true,
  });
  const rules = [
    rule('line 00000', false, 'match', 'background'),
    rule(String.raw`\d{4}7`, true, 'match', 'foreground'),
    rule('abc', false, 'match', 'foreground'),
    rule(String.raw`line \d+5 `, true, 'line', 'background'),
    rule('timeout', false, 'line', 'foreground'),
    rule(String.raw`(?:ERROR|FATAL)\b`, true, 'line', 'background'),
    rule('fgh$', true, 'match', 'background'),
    rule('user=', false, 'match', 'foreground'),
  ];
  const settings = { highlights: { active: 'Bench', sets: [{ name: 'Bench', rules }] } };
  writeFileSync(join(dir, 'web-settings.json'), JSON.stringify({ version: 1, settings, recent: [], files: {} }));
  return dir;
}

/** Frame times with no highlight rule, then with eight in use ("rules cost no frame drop"). */
export async function benchScroll(path: string): Promise<void> {
  await scrollRun(path, 'scroll', undefined);
  const dir = highlightedSettingsDir();
  try {
    await scrollRun(path, 'scroll.highlighted', dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function scrollRun(path: string, name: string, configDir: string | undefined): Promise<void> {
  ensureRendererBuilt();
  const host = await startWebHost([path], configDir === undefined ? {} : { configDir });
  const browser = await launchBrowser();
  try {
    const page = await openPage(browser, host.url);
    await page.locator('[data-testid=line-count][data-lines]').waitFor({ timeout: 120_000 });
    await page.locator('[data-testid=text-view] [data-line="1"]').waitFor();
    await scrollAndReport(page, name, '');
  } finally {
    await browser.close();
    await host.stop();
  }
}

/**
 * Frame times scrolling the merged tab of two logs (`npm run web -- --merge A B`), once the merge and
 * the merged view's timeline are done, so that no pass runs beside the scrolling.
 */
export async function benchMergeScroll(first: string, second: string): Promise<void> {
  ensureRendererBuilt();
  const host = await startWebHost([first, second], { args: ['--merge'] });
  const browser = await launchBrowser();
  try {
    const page = await openPage(browser, host.url);
    await page.locator('[data-testid=tab][data-merged=true][aria-selected=true]').waitFor({ timeout: 120_000 });
    // Only merged rows name their file: from here on the status bar is the merged tab's.
    await page
      .locator('[data-testid=text-view] [data-line="1"] [data-part=source]:not(:empty)')
      .waitFor({ timeout: 120_000 });
    const count = page.locator('[data-testid=line-count][data-done=true]');
    await count.waitFor({ timeout: 300_000 });
    await page.locator('[data-testid=timeline][data-lines]').waitFor({ timeout: 120_000 });
    const rows = Number(await count.getAttribute('data-lines'));
    await scrollAndReport(page, 'merge.scroll', `the merged tab of two logs, ${rows} rows; `);
  } finally {
    await browser.close();
    await host.stop();
  }
}

/** Wheels through the text view, jumps far and back, wheels again; reports frame p95, median and dropped share. */
async function scrollAndReport(page: Page, name: string, what: string): Promise<void> {
  const view = page.locator('[data-testid=text-view] .vrows-list');
  const box = (await view.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  // A string, not a function: the TypeScript loader would wrap a function's inner helpers.
  await page.evaluate(`(() => {
    const times = [];
    window.__frames = times;
    let last = performance.now();
    const tick = (now) => {
      times.push(now - last);
      last = now;
      if (times.length < 100000) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  })()`);
  // Wheel through the file, then jump far with the scrollbar, then wheel again.
  for (let i = 0; i < 150; i++) await page.mouse.wheel(0, 400);
  for (let i = 0; i < 5; i++) {
    await page.keyboard.press('Control+End');
    await page.keyboard.press('Control+Home');
  }
  for (let i = 0; i < 150; i++) await page.mouse.wheel(0, -200);
  const frames = (await page.evaluate('window.__frames.slice(1)')) as number[];
  frames.sort((a, b) => a - b);
  report({
    metric: `${name}.frame.p95`,
    value: percentile(frames, 0.95),
    unit: 'ms',
    better: 'lower',
    note: `${what}${frames.length} frames`,
  });
  report({ metric: `${name}.frame.median`, value: percentile(frames, 0.5), unit: 'ms', better: 'lower' });
  // At 60 Hz every frame is ~16.7 ms; a frame over 20 ms is a dropped one.
  const dropped = frames.filter((ms) => ms > 20).length / Math.max(1, frames.length);
  report({ metric: `${name}.frame.dropped.share`, value: dropped, unit: 'fraction', better: 'lower' });
}
