// Issue 12, log power tools: the filtered view (include and exclude rules, original line numbers,
// the count checked against grep), level colours, marks and their navigation, and everything
// coming back when the file is opened again.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { openPage } from './support/harness';
import { browserSuite } from './support/suite';

const currentLine = async (page: Page): Promise<number> =>
  Number(await page.locator('[data-testid=current-line]').getAttribute('data-at-line'));

const levels = ['INFO', 'DEBUG', 'WARN', 'ERROR', 'INFO', '[error]', 'level=warn', '{"level":"fatal"}', 'TRACE'];

/** A log with levels in several layouts; every fourth line is from db.pool. */
function generatedLog(lines: number): string {
  const out: string[] = [];
  for (let i = 0; i < lines; i++) {
    const level = levels[i % levels.length]!;
    const component = i % 4 === 0 ? 'db.pool' : 'http';
    out.push(`2026-12-05T10:${String(i % 60).padStart(2, '0')}:00Z ${level} ${component} request ${i + 1}`);
  }
  return `${out.join('\n')}\n`;
}

async function addRule(page: Page, pattern: string, exclude: boolean, matchCase = true): Promise<void> {
  const rules = page.getByTestId('filter-rules');
  const before = await rules.getByTestId('filter-rule').count();
  await page.getByLabel('Filter pattern').fill(pattern);
  for (const [label, on] of [
    ['Exclude', exclude],
    ['Match case', matchCase],
  ] as const) {
    const toggle = rules.getByLabel(label);
    if ((await toggle.getAttribute('aria-pressed')) !== String(on)) await toggle.click();
  }
  await page.getByRole('button', { name: 'Add rule' }).click();
  await expect.poll(() => rules.getByTestId('filter-rule').count()).toBe(before + 1);
}

describe('log tools: filtered view, level colours, marks, per-file memory', () => {
  const suite = browserSuite('hexlog-logtools-');
  let logPath = '';

  beforeAll(() => {
    logPath = join(suite.dir, 'service.log');
    writeFileSync(logPath, generatedLog(20_000));
  });

  it('include ERROR, exclude db.pool: the count equals grep ERROR | grep -v db.pool | wc -l, rows keep their numbers', async () => {
    const expected = Number(
      execFileSync('sh', ['-c', 'grep ERROR "$1" | grep -v db.pool | wc -l', 'sh', logPath], {
        encoding: 'utf8',
      }).trim(),
    );
    expect(expected).toBeGreaterThan(100);
    const page = await suite.start(logPath);
    await page.locator('[data-testid=line-count][data-done=true]').waitFor();
    await page.getByRole('button', { name: 'Filtered view' }).click();
    // The pattern input takes the keyboard when the filtered view opens without rules.
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.getAttribute('aria-label')))
      .toBe('Filter pattern');
    await addRule(page, 'ERROR', false);
    await addRule(page, 'db.pool', true);
    const count = page.locator('[data-testid=filtered-count][data-done=true]');
    await count.waitFor();
    expect(Number(await count.getAttribute('data-lines'))).toBe(expected);
    // The rows are the lines grep -n names, with their own numbers.
    const rows = page.locator('[data-testid=text-view] [data-line]');
    const numbers = (
      await rows.evaluateAll((found) => found.map((row) => Number(row.getAttribute('data-line'))))
    ).slice(0, 5);
    const grepped = execFileSync(
      'sh',
      ['-c', 'grep -n ERROR "$1" | grep -v db.pool | head -5 | cut -d: -f1', 'sh', logPath],
      {
        encoding: 'utf8',
      },
    )
      .trim()
      .split('\n')
      .map(Number);
    expect(numbers).toEqual(grepped);
    for (const text of await page.locator('[data-testid=text-view] [data-part=text]').allTextContents()) {
      expect(text).toContain('ERROR');
      expect(text).not.toContain('db.pool');
    }
    // Going to a hidden line shows the next kept one and says so.
    await page.keyboard.press('Control+g');
    await page.getByLabel('Go to line').fill('1000');
    await page.keyboard.press('Enter');
    const next =
      grepped.length > 0
        ? Number(
            execFileSync(
              'sh',
              [
                '-c',
                'grep -n ERROR "$1" | grep -v db.pool | cut -d: -f1 | awk \'$1 >= 1000\' | head -1',
                'sh',
                logPath,
              ],
              { encoding: 'utf8' },
            ).trim(),
          )
        : 0;
    await page.locator(`[data-testid=text-view] [data-line="${next}"][data-current=true]`).waitFor();
    await page.locator('[role=status], .toast', { hasText: 'hidden by the filter' }).first().waitFor();
    // Switching the rule off shows every line again, the current line still in view and current.
    await page.getByRole('button', { name: 'Filtered view' }).click();
    await page.locator(`[data-testid=text-view] [data-line="${next}"][data-current=true]`).waitFor();
    expect(await currentLine(page)).toBe(next);
    await page.getByRole('button', { name: 'Filtered view' }).click();
    await page.locator(`[data-testid=text-view] [data-line="${next}"][data-current=true]`).waitFor();
  });

  it('context lines read as grep -C: the count matches, context rows are marked, groups are separated', async () => {
    const expected = Number(
      execFileSync('sh', ['-c', 'grep -i -C1 fatal "$1" | grep -vc -- "^--$"', 'sh', logPath], {
        encoding: 'utf8',
      }).trim(),
    );
    const page = await suite.start(logPath);
    await page.locator('[data-testid=line-count][data-done=true]').waitFor();
    await page.getByRole('button', { name: 'Filtered view' }).click();
    await page.getByLabel('Filter pattern').fill('fatal');
    await page.keyboard.press('Enter');
    await page.getByTestId('filter-rules').getByLabel('Context lines').fill('1');
    await expect
      .poll(() => page.locator('[data-testid=filtered-count][data-done=true]').getAttribute('data-lines'))
      .toBe(String(expected));
    // Line 8 holds "fatal"; 7 and 9 are its context; 17 (the next group's first row) starts a new group.
    await page.locator('[data-testid=text-view] [data-line="8"]').waitFor();
    expect(await page.locator('[data-testid=text-view] [data-line="8"]').getAttribute('data-context')).toBeNull();
    expect(await page.locator('[data-testid=text-view] [data-line="7"]').getAttribute('data-context')).toBe('true');
    expect(await page.locator('[data-testid=text-view] [data-line="9"]').getAttribute('data-context')).toBe('true');
    expect(await page.locator('[data-testid=text-view] [data-line="16"]').getAttribute('data-gap')).toBe('true');
  });

  it('a bad regex rule is refused with a message; the rules in force stay', async () => {
    const page = await suite.start(logPath);
    await page.locator('[data-testid=line-count][data-done=true]').waitFor();
    await page.keyboard.press('Control+Shift+L');
    await addRule(page, 'WARN', false);
    await page.locator('[data-testid=filtered-count][data-done=true]').waitFor();
    const rules = page.getByTestId('filter-rules');
    await page.getByLabel('Filter pattern').fill('a(b');
    await rules.getByLabel('Regex').click();
    await page.getByRole('button', { name: 'Add rule' }).click();
    await rules.locator('[role=alert]', { hasText: 'Rule 2' }).waitFor();
    expect(await rules.getByTestId('filter-rule').count()).toBe(1);
    expect(await page.getByLabel('Filter pattern').inputValue()).toBe('a(b');
  });

  it('level colours: each row carries the level of its layout', async () => {
    const page = await suite.start(logPath);
    await page.locator('[data-testid=text-view] [data-line="9"]').waitFor();
    const expected = ['info', 'debug', 'warn', 'error', 'info', 'error', 'warn', 'fatal', 'debug'];
    for (const [i, level] of expected.entries()) {
      expect(await page.locator(`[data-testid=text-view] [data-line="${i + 1}"]`).getAttribute('data-level')).toBe(
        level,
      );
    }
    const colour = (line: number): Promise<string> =>
      page
        .locator(`[data-testid=text-view] [data-line="${line}"] [data-part=text]`)
        .evaluate((element) => getComputedStyle(element).color);
    expect(await colour(4)).not.toBe(await colour(1));
    expect(await colour(3)).not.toBe(await colour(4));
  });

  it('marks: M marks three lines, ] and [ cycle them, the pane lists them; reopened, they are still marked', async () => {
    const config = join(suite.dir, 'config-marks');
    mkdirSync(config);
    const first = await suite.hostWith({ configDir: config }, logPath);
    let page = await openPage(suite.browser(), first.url);
    await page.locator('[data-testid=line-count][data-done=true]').waitFor();
    const marked = [5, 120, 4000];
    for (const line of marked) {
      await page.keyboard.press('Control+g');
      await page.getByLabel('Go to line').fill(String(line));
      await page.keyboard.press('Enter');
      await page.locator(`[data-testid=text-view] [data-line="${line}"][data-current=true]`).waitFor();
      await page.keyboard.press('m');
      await page.locator(`[data-testid=text-view] [data-line="${line}"][data-marked=true]`).waitFor();
    }
    // A click in the gutter marks too, and unmarks.
    await page.locator('[data-testid=text-view] [data-line="3998"] .gutter').click();
    await page.locator('[data-testid=text-view] [data-line="3998"][data-marked=true]').waitFor();
    await page.locator('[data-testid=text-view] [data-line="3998"] .gutter').click();
    await expect
      .poll(() => page.locator('[data-testid=text-view] [data-line="3998"]').getAttribute('data-marked'))
      .toBe(null);
    // The click made line 3998 current: ] goes to 4000, then wraps to 5, then 120; [ goes back.
    expect(await currentLine(page)).toBe(3998);
    await page.keyboard.press(']');
    await expect.poll(() => currentLine(page)).toBe(4000);
    await page.keyboard.press(']');
    await expect.poll(() => currentLine(page)).toBe(5);
    await page.keyboard.press(']');
    await expect.poll(() => currentLine(page)).toBe(120);
    await page.keyboard.press('F2');
    await expect.poll(() => currentLine(page)).toBe(4000);
    await page.keyboard.press('[');
    await expect.poll(() => currentLine(page)).toBe(120);
    await page.keyboard.press('Shift+F2');
    await expect.poll(() => currentLine(page)).toBe(5);
    await page.getByRole('button', { name: 'Marked lines' }).click();
    const pane = page.getByTestId('marks');
    await expect.poll(() => pane.getAttribute('data-count')).toBe('3');
    await pane.locator('[data-line="4000"]').click();
    await expect.poll(() => currentLine(page)).toBe(4000);
    await page.close();
    await first.stop();

    const second = await suite.hostWith({ configDir: config }, logPath);
    page = await openPage(suite.browser(), second.url);
    await page.locator('[data-testid=line-count][data-done=true]').waitFor();
    await expect.poll(() => currentLine(page)).toBe(4000);
    await page.locator('[data-testid=text-view] [data-line="4000"][data-marked=true]').waitFor();
    await page.keyboard.press(']');
    await expect.poll(() => currentLine(page)).toBe(5);
    await page.locator('[data-testid=text-view] [data-line="5"][data-marked=true]').waitFor();
  });

  it('rules, the filtered view and the query come back on reopen; a replaced file gets no marks', async () => {
    const config = join(suite.dir, 'config-rules');
    mkdirSync(config);
    const path = join(suite.dir, 'rotating.log');
    writeFileSync(path, generatedLog(3000));
    const first = await suite.hostWith({ configDir: config }, path);
    let page = await openPage(suite.browser(), first.url);
    await page.locator('[data-testid=line-count][data-done=true]').waitFor();
    await page.keyboard.press('m');
    await page.keyboard.press('Control+f');
    await page.getByLabel('Find').fill('request 7');
    await page.locator('[data-testid=match-count][data-done=true]').waitFor();
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Filtered view' }).click();
    await addRule(page, 'WARN', false);
    await page.locator('[data-testid=filtered-count][data-done=true]').waitFor();
    const shown = await page.getByTestId('filtered-count').getAttribute('data-lines');
    await page.waitForTimeout(1000);
    await page.close();
    await first.stop();

    let second = await suite.hostWith({ configDir: config }, path);
    page = await openPage(suite.browser(), second.url);
    await page.locator('[data-testid=filtered-count][data-done=true]').waitFor();
    expect(await page.getByTestId('filtered-count').getAttribute('data-lines')).toBe(shown);
    expect(await page.getByRole('button', { name: 'Filtered view' }).getAttribute('aria-pressed')).toBe('true');
    expect(await page.getByLabel('Find').inputValue()).toBe('request 7');
    expect(await page.getByTestId('filter-rules').getByTestId('filter-rule').count()).toBe(1);
    await page.getByRole('button', { name: 'Filtered view' }).click();
    await page.locator('[data-testid=text-view] [data-line="1"][data-marked=true]').waitFor();
    await page.waitForTimeout(1000);
    await page.close();
    await second.stop();

    // Log rotation: another file takes the name; it starts clean.
    writeFileSync(`${path}.new`, generatedLog(50));
    execFileSync('mv', [`${path}.new`, path]);
    second = await suite.hostWith({ configDir: config }, path);
    page = await openPage(suite.browser(), second.url);
    await page.locator('[data-testid=line-count][data-done=true]').waitFor();
    await page.locator('[data-testid=text-view] [data-line="1"]').waitFor();
    expect(await page.locator('[data-testid=text-view] [data-marked=true]').count()).toBe(0);
    expect(await page.getByLabel('Filter pattern').count()).toBe(0);
  });
});
