// Issue 13, find in a merged view: two generated logs merged by time; the count is both files'
// count; F3 visits the matching rows in merged (time) order; the highlights sit on the matched
// text; the matches pane names the merged rows; the merged tab offers no replace (read-only).
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../src/shared/seededRandom';
import { openPage } from './support/harness';
import { browserSuite } from './support/suite';

interface Row {
  readonly ms: number;
  readonly text: string;
}

/** A sorted log with stack traces after some lines: its blocks (a timed line and its continuation lines). */
function log(seed: number, timed: number, name: string): Row[][] {
  const random = seededRandom(seed);
  const blocks: Row[][] = [];
  let now = Date.UTC(2026, 11, 5, 8);
  for (let i = 0; i < timed; i++) {
    now += random.int(3) === 0 ? 0 : random.int(3000);
    const word = random.int(40) === 0 ? 'timeout' : 'ok';
    const block: Row[] = [{ ms: now, text: `${new Date(now).toISOString()} INFO ${name} request ${i} ${word}` }];
    if (random.int(9) === 0) block.push({ ms: now, text: `    at ${name}.Worker.retry(Worker.java:${i}) timeout` });
    blocks.push(block);
  }
  return blocks;
}

const text = (blocks: Row[][]): string => `${blocks.flatMap((block) => block.map((row) => row.text)).join('\n')}\n`;

/** The merged rows: both files' blocks, stably sorted by time (the first file first on a tie). */
function merged(files: Row[][][]): string[] {
  const blocks = files.flatMap((blocks, file) => blocks.map((block, at) => ({ block, file, at })));
  blocks.sort((x, y) => x.block[0]!.ms - y.block[0]!.ms || x.file - y.file || x.at - y.at);
  return blocks.flatMap(({ block }) => block.map((row) => row.text));
}

const currentRow = async (page: Page): Promise<number> =>
  Number(
    await page
      .locator('[data-testid=text-view] mark[data-match=current]')
      .evaluate((el) => el.closest('[data-line]')!.getAttribute('data-line')),
  );

describe('find in logs merged by time', () => {
  const suite = browserSuite('hexlog-merge-find-');
  let rows: string[] = [];
  let paths: string[] = [];

  beforeAll(() => {
    const a = log(11, 9_000, 'alpha');
    const b = log(12, 7_000, 'beta');
    rows = merged([a, b]);
    paths = [join(suite.dir, 'alpha.log'), join(suite.dir, 'beta.log')];
    writeFileSync(paths[0]!, text(a));
    writeFileSync(paths[1]!, text(b));
  });

  it('counts both files’ matches, F3 goes through them in time order, the pane names the merged rows', async () => {
    const host = await suite.hostWith({ args: ['--merge'] }, ...paths);
    const page = await openPage(suite.browser(), host.url);
    await page.locator('[data-testid=tab][data-merged=true][aria-selected=true]').waitFor();
    await page.locator('[data-testid=line-count][data-done=true]').waitFor();
    expect(Number(await page.locator('[data-testid=line-count]').getAttribute('data-lines'))).toBe(rows.length);
    await page.locator('[data-testid=text-view] [data-line="1"] [data-part=source]:not(:empty)').waitFor();

    const expected = rows.flatMap((row, at) => (row.includes('timeout') ? [at + 1] : []));
    await page.getByTestId('text-view').focus();
    await page.keyboard.press('Control+f');
    // Read-only: no replace row here.
    expect(await page.getByRole('button', { name: 'Show replacing' }).count()).toBe(0);
    await page.getByLabel('Find').fill('timeout');
    await page.getByLabel('Find').press('Enter');
    const counter = page.locator('[data-testid=match-count][data-done=true]');
    await counter.waitFor({ timeout: 30_000 });
    expect(Number(await counter.getAttribute('data-count'))).toBe(expected.length);

    // Enter went to the first match from the top; F3 on through the next ones, in merged order.
    const current = page.locator('[data-testid=text-view] mark[data-match=current]');
    await expect.poll(() => current.textContent()).toBe('timeout');
    await expect.poll(() => currentRow(page)).toBe(expected[0]);
    for (let k = 1; k < 6; k++) {
      await page.keyboard.press('F3');
      await expect.poll(() => currentRow(page)).toBe(expected[k]);
      await expect.poll(() => current.textContent()).toBe('timeout');
    }
    await page.keyboard.press('Shift+F3');
    await expect.poll(() => currentRow(page)).toBe(expected[4]);

    // Every highlight in view is on the word, in a row that has it.
    const marks = await page.locator('[data-testid=text-view] mark[data-match]').evaluateAll((found) =>
      found.map((mark) => ({
        text: mark.textContent,
        line: Number(mark.closest('[data-line]')!.getAttribute('data-line')),
      })),
    );
    expect(marks.length).toBeGreaterThan(0);
    for (const mark of marks) {
      expect(mark.text).toBe('timeout');
      expect(rows[mark.line - 1]).toContain('timeout');
    }

    // The matches pane: merged rows; a click goes there, deep in the view.
    await page.getByRole('button', { name: 'Matches' }).click();
    const pane = page.locator('[data-testid=matches]');
    const target = expected[7]!;
    await pane.locator(`[data-line="${target}"]`).first().scrollIntoViewIfNeeded();
    const source = rows[target - 1]!.includes('alpha') ? 'alpha.log' : 'beta.log';
    expect(await pane.locator(`[data-line="${target}"] [data-part=source]`).first().textContent()).toBe(source);
    await pane.locator(`[data-line="${target}"]`).first().click();
    await page.locator(`[data-testid=text-view] [data-line="${target}"][data-current=true]`).waitFor();
    expect(await page.locator(`[data-testid=text-view] [data-line="${target}"] [data-part=source]`).textContent()).toBe(
      rows[target - 1]!.includes('alpha') ? 'alpha.log' : 'beta.log',
    );
  });

  it('Follow in the merged tab follows both files: later lines appended to either show at the end, in time order', async () => {
    const dir = suite.dir;
    const early = (name: string, i: number): string =>
      `${new Date(Date.UTC(2026, 11, 5, 8, 0, i)).toISOString()} ${name} ${i}`;
    const files = [join(dir, 'one.log'), join(dir, 'two.log')];
    writeFileSync(files[0]!, `${Array.from({ length: 30 }, (_, i) => early('one', 2 * i)).join('\n')}\n`);
    writeFileSync(files[1]!, `${Array.from({ length: 30 }, (_, i) => early('two', 2 * i + 1)).join('\n')}\n`);
    const host = await suite.hostWith({ args: ['--merge'] }, ...files);
    const page = await openPage(suite.browser(), host.url);
    await page.locator('[data-testid=tab][data-merged=true][aria-selected=true]').waitFor();
    const count = page.locator('[data-testid=line-count][data-done=true]');
    await count.waitFor();
    expect(await count.getAttribute('data-lines')).toBe('60');
    await page.getByRole('button', { name: 'Follow' }).click();
    await expect.poll(() => page.getByRole('button', { name: 'Follow' }).getAttribute('aria-pressed')).toBe('true');
    const late = (name: string, i: number): string =>
      `${new Date(Date.UTC(2026, 11, 5, 9, 0, i)).toISOString()} ${name} late ${i}`;
    appendFileSync(files[0]!, `${late('one', 1)}\n`);
    appendFileSync(files[1]!, `${late('two', 2)}\n`);
    await expect
      .poll(() => page.locator('[data-testid=line-count]').getAttribute('data-lines'), { timeout: 10_000 })
      .toBe('62');
    const last = page.locator('[data-testid=text-view] [data-line="62"]');
    await expect.poll(() => last.textContent(), { timeout: 5000 }).toContain('two late 2');
    expect(await page.locator('[data-testid=text-view] [data-line="61"]').textContent()).toContain('one late 1');
  });
});
