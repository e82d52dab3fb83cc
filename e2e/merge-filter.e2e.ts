// Issue 13 item 4, the filter in the merged view: two generated logs merged from the command line;
// a rule keeps the rows holding a word, and the rows shown are exactly the matching lines in time
// order (their merged row numbers, text and files); export writes them; find steps over the rows
// shown; context rows; removing the rule and leaving the filtered view shows every row again; a
// timeline range shown alone.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../src/shared/seededRandom';
import { openPage } from './support/harness';
import { browserSuite } from './support/suite';

interface Log {
  readonly name: string;
  readonly lines: string[];
  readonly times: number[];
}

const WORDS = ['checkout', 'login', 'payment', 'search'];

/** A sorted log with stack traces after some lines (which name a word too), times in UTC. */
function log(seed: number, timed: number, name: string): Log {
  const random = seededRandom(seed);
  const lines: string[] = [];
  const times: number[] = [];
  let now = Date.UTC(2026, 11, 5, 8);
  for (let i = 0; i < timed; i++) {
    now += random.int(3) === 0 ? 0 : random.int(3000);
    const level = i % 11 === 0 ? 'ERROR' : 'INFO';
    lines.push(`${new Date(now).toISOString()} ${level} ${name} ${WORDS[random.int(WORDS.length)]} request ${i}`);
    times.push(now);
    if (random.int(6) === 0) {
      lines.push(`    at ${name}.${WORDS[random.int(WORDS.length)]}.run(Worker.java:${i})`);
      times.push(Number.NaN);
    }
  }
  return { name, lines, times };
}

interface Row {
  readonly text: string;
  readonly source: string;
  /** The time of its block (its own, or its line's above). */
  readonly ms: number;
}

/** The merged rows: each file's blocks (a timed line and its continuation lines), stably sorted by time. */
function mergedRows(logs: readonly Log[]): Row[] {
  const blocks: Row[][] = [];
  const keys: number[] = [];
  for (const file of logs) {
    file.lines.forEach((text, line) => {
      const ms = file.times[line]!;
      if (!Number.isNaN(ms)) {
        blocks.push([]);
        keys.push(ms);
      }
      blocks[blocks.length - 1]!.push({ text, source: file.name, ms: keys[keys.length - 1]! });
    });
  }
  const order = blocks.map((_, i) => i).sort((a, b) => keys[a]! - keys[b]! || a - b);
  return order.flatMap((i) => blocks[i]!);
}

/** The rows drawn now (their text loaded): merged row number (1-based), text, file. */
const drawnRows = (page: Page) =>
  page.locator('[data-testid=text-view] [data-line]:not(:has(.pending))').evaluateAll((found) =>
    found.map((row) => ({
      line: Number(row.getAttribute('data-line')),
      context: row.getAttribute('data-context') === 'true',
      text: row.querySelector('[data-part=text]')?.textContent ?? '',
      source: row.querySelector('[data-part=source]')?.textContent ?? '',
    })),
  );

describe('the filter in the merged view', () => {
  const suite = browserSuite('hexlog-merge-filter-');
  let logs: Log[] = [];
  let paths: string[] = [];

  beforeAll(() => {
    logs = [log(31, 8000, 'alpha.log'), log(32, 6000, 'beta.log')];
    paths = logs.map((file) => join(suite.dir, file.name));
    logs.forEach((file, at) => writeFileSync(paths[at]!, `${file.lines.join('\n')}\n`));
  });

  it('a word keeps exactly the merged rows holding it, in time order, tagged with their files; export, find, context; cleared; a time range', async () => {
    const host = await suite.hostWith({ args: ['--merge'] }, ...paths);
    const page = await openPage(suite.browser(), host.url);
    await page.setViewportSize({ width: 1400, height: 800 });
    await page.locator('[data-testid=tab][data-merged=true][aria-selected=true]').waitFor();
    const total = logs.reduce((sum, file) => sum + file.lines.length, 0);
    await page.locator(`[data-testid=line-count][data-done=true][data-lines="${total}"]`).waitFor();

    const rows = mergedRows(logs);
    const word = 'payment';
    const expected = rows.flatMap((row, at) => (row.text.includes(word) ? [at + 1] : []));
    expect(expected.length).toBeGreaterThan(1000);

    await page.getByRole('button', { name: 'Filtered view' }).click();
    await page.getByLabel('Filter pattern').fill(word);
    await page.getByRole('button', { name: 'Add rule' }).click();
    const count = page.locator('[data-testid=filtered-count][data-done=true]');
    await expect.poll(() => count.getAttribute('data-lines')).toBe(String(expected.length));

    // The first screen: the first matching rows, in order, each its file's line, named by its file.
    await page.locator('[data-testid=text-view] [data-row="0"] [data-part=source]:not(:empty)').waitFor();
    const first = await drawnRows(page);
    expect(first.length).toBeGreaterThan(10);
    expect(first.map((row) => row.line)).toEqual(expected.slice(0, first.length));
    for (const row of first) {
      expect(row.text).toBe(rows[row.line - 1]!.text);
      expect(row.source).toBe(rows[row.line - 1]!.source);
      expect(row.text).toContain(word);
    }
    expect(new Set(first.map((row) => row.source))).toEqual(new Set(['alpha.log', 'beta.log']));
    if (process.env['HEXLOG_E2E_SHOTS'] !== undefined) {
      await page.screenshot({ path: join(process.env['HEXLOG_E2E_SHOTS'], 'merge-filter-1.png') });
    }

    // Export writes the shown rows beside the first file (the browser host names it for the merge).
    await page.getByRole('button', { name: 'Export…' }).click();
    const exported = join(suite.dir, 'alpha.merged.filtered.log');
    await expect.poll(() => existsSync(exported)).toBe(true);
    expect(readFileSync(exported, 'utf8')).toBe(expected.map((line) => `${rows[line - 1]!.text}\n`).join(''));

    // Find in the filtered view: Enter goes from match to match on the rows shown only.
    await page.keyboard.press('Control+f');
    await page.getByLabel('Find').fill('ERROR');
    await page.locator('[data-testid=match-count][data-done=true]').waitFor();
    const current = page.locator('[data-testid=text-view] [data-current=true]');
    let previous = 0;
    for (let k = 0; k < 3; k++) {
      await page.getByLabel('Find').press('Enter');
      await expect.poll(async () => Number(await current.getAttribute('data-line'))).toBeGreaterThan(previous);
      const line = Number(await current.getAttribute('data-line'));
      expect(rows[line - 1]!.text).toMatch(/ERROR.*payment/);
      expect(await current.locator('[data-part=text]').textContent()).toBe(rows[line - 1]!.text);
      previous = line;
    }
    if (process.env['HEXLOG_E2E_SHOTS'] !== undefined) {
      await page.screenshot({ path: join(process.env['HEXLOG_E2E_SHOTS'], 'merge-filter-find.png') });
    }
    await page.getByLabel('Find').press('Escape');

    // The last screen too (Ctrl+End): the last matching rows.
    await page.getByTestId('text-view').focus();
    await page.keyboard.press('Control+End');
    await expect.poll(async () => (await drawnRows(page)).at(-1)?.line).toBe(expected.at(-1));
    const last = await drawnRows(page);
    expect(last.map((row) => row.line)).toEqual(expected.slice(expected.length - last.length));

    // Two context rows around each kept row: the rows between are there, quieter.
    await page.getByLabel('Context lines').fill('2');
    const around = new Set<number>();
    for (const line of expected) {
      for (let k = Math.max(1, line - 2); k <= Math.min(total, line + 2); k++) around.add(k);
    }
    await expect.poll(() => count.getAttribute('data-lines')).toBe(String(around.size));
    // Ctrl+Home in the Context lines input is the input's own: the view takes it once focused.
    await page.getByTestId('text-view').focus();
    await page.keyboard.press('Control+Home');
    await page.locator('[data-testid=text-view] [data-row="0"] [data-part=source]:not(:empty)').waitFor();
    const withContext = await drawnRows(page);
    const shownInOrder = [...around].sort((a, b) => a - b);
    expect(withContext.map((row) => row.line)).toEqual(shownInOrder.slice(0, withContext.length));
    for (const row of withContext) expect(row.context).toBe(!rows[row.line - 1]!.text.includes(word));
    if (process.env['HEXLOG_E2E_SHOTS'] !== undefined) {
      await page.screenshot({ path: join(process.env['HEXLOG_E2E_SHOTS'], 'merge-filter-2.png') });
    }

    // Cleared: no rule, then the filtered view off; every row shows again.
    await page.getByLabel('Remove rule 1').click();
    await expect.poll(() => page.getByTestId('filter-rule').count()).toBe(0);
    await page.getByRole('button', { name: 'Filtered view' }).click();
    await expect.poll(() => page.getByTestId('filter-rules').count()).toBe(0);
    await page.getByTestId('text-view').focus();
    await page.keyboard.press('Control+Home');
    await page.locator('[data-testid=text-view] [data-line="1"] [data-part=source]:not(:empty)').waitFor();
    const all = await drawnRows(page);
    expect(all.map((row) => row.line)).toEqual(all.map((_, at) => at + 1));
    expect(all.map((row) => row.text)).toEqual(rows.slice(0, all.length).map((row) => row.text));
    expect(Number(await page.locator('[data-testid=line-count]').getAttribute('data-lines'))).toBe(total);

    // A range dragged on the timeline, shown alone: the rows whose time is in it.
    const canvas = page.locator('[data-testid=timeline][data-lines] canvas');
    const box = (await canvas.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.3, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height / 2, { steps: 5 });
    await page.mouse.up();
    await page.getByRole('button', { name: 'Show only this range' }).click();
    const chip = page.getByTestId('filter-time');
    await chip.waitFor();
    const fromMs = Number(await chip.getAttribute('data-from-ms'));
    const toMs = Number(await chip.getAttribute('data-to-ms'));
    const inRange = rows.flatMap((row, at) => (row.ms >= fromMs && row.ms < toMs ? [at + 1] : []));
    expect(inRange.length).toBeGreaterThan(1000);
    await expect.poll(() => count.getAttribute('data-lines')).toBe(String(inRange.length));
    await page.locator('[data-testid=text-view] [data-row="0"] [data-part=source]:not(:empty)').waitFor();
    const ranged = await drawnRows(page);
    expect(ranged.map((row) => row.line)).toEqual(inRange.slice(0, ranged.length));
    if (process.env['HEXLOG_E2E_SHOTS'] !== undefined) {
      await page.screenshot({ path: join(process.env['HEXLOG_E2E_SHOTS'], 'merge-filter-3.png') });
    }
  });
});
