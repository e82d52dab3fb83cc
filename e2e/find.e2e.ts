import { execFileSync } from 'node:child_process';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateLog } from '../bench/generate';
import { pcre2Version } from '../native/index';
import { browserSuite } from './support/suite';

const grepCount = (pattern: string, path: string): number =>
  Number(execFileSync('sh', ['-c', `grep -o -- '${pattern}' '${path}' | wc -l`], { encoding: 'utf8' }).trim());

describe('find through the browser host', () => {
  const suite = browserSuite('hexlog-find-');
  const log = join(suite.dir, 'app.log');
  const start = suite.start;

  const search = async (page: Page, pattern: string): Promise<number> => {
    await page.keyboard.press('Control+f');
    await page.getByLabel('Find').fill(pattern);
    await page.getByLabel('Find').press('Enter');
    const counter = page.locator('[data-testid=match-count][data-done=true]');
    await counter.waitFor({ timeout: 30_000 });
    return Number(await counter.getAttribute('data-count'));
  };

  beforeAll(() => {
    generateLog(log, 8 << 20, 11);
  });

  it('counts ERROR like grep, highlights it, F3 moves on, the matches pane jumps', async () => {
    const page = await start(log);
    await page.locator('[data-testid=text-view] [data-line="1"]').waitFor();
    const count = await search(page, 'ERROR');
    expect(count).toBe(grepCount('ERROR', log));
    expect(count).toBe(Number(execFileSync('grep', ['-c', 'ERROR', log], { encoding: 'utf8' }).trim()));

    const current = page.locator('[data-testid=text-view] mark[data-match=current]');
    await expect.poll(() => current.textContent()).toBe('ERROR');
    const firstLine = await current.evaluate((el) => el.closest('[data-line]')!.getAttribute('data-line'));
    expect(await page.locator('[data-testid=text-view] mark[data-match]').count()).toBeGreaterThan(1);
    await page.keyboard.press('F3');
    await expect
      .poll(() => current.evaluate((el) => el.closest('[data-line]')!.getAttribute('data-line')))
      .not.toBe(firstLine);
    const secondLine = Number(await current.evaluate((el) => el.closest('[data-line]')!.getAttribute('data-line')));
    const expectedSecond = Number(
      execFileSync('sh', ['-c', `grep -n ERROR '${log}' | sed -n 2p | cut -d: -f1`], { encoding: 'utf8' }).trim(),
    );
    expect(secondLine).toBe(expectedSecond);

    await page.getByRole('button', { name: 'Matches' }).click();
    const pane = page.locator('[data-testid=matches]');
    const tenth = Number(
      execFileSync('sh', ['-c', `grep -n ERROR '${log}' | sed -n 10p | cut -d: -f1`], { encoding: 'utf8' }).trim(),
    );
    // The pane's gutter shows the line 1-based, as grep -n does.
    expect(await pane.locator(`[data-line="${tenth}"] .gutter`).first().textContent()).toBe(String(tenth));
    await pane.locator(`[data-line="${tenth}"]`).first().click();
    await page.locator(`[data-testid=text-view] [data-line="${tenth}"][data-current=true]`).waitFor();
  });

  it('an invalid regex shows an inline message and starts no search', async () => {
    const page = await start(log);
    await page.locator('[data-testid=text-view] [data-line="1"]').waitFor();
    await page.keyboard.press('Control+f');
    await page.getByRole('button', { name: 'Regex' }).click();
    await page.getByLabel('Find').fill('(ERROR');
    await page.getByLabel('Find').press('Enter');
    await expect
      .poll(() => page.locator('.find-bar [role=alert]').textContent())
      .toContain('Invalid regular expression');
    if (pcre2Version() !== null && process.env.HEXLOG_REGEX_ENGINE !== 'js') {
      expect(await page.locator('.find-bar [role=alert]').textContent()).toContain(
        'PCRE2: missing closing parenthesis at the end of the pattern',
      );
    }
    expect(await page.locator('[data-testid=match-count]').count()).toBe(0);
  });

  it('a regex counts like grep -E -o | wc -l, and the count says which engine ran', async () => {
    const page = await start(log);
    await page.locator('[data-testid=text-view] [data-line="1"]').waitFor();
    await page.keyboard.press('Control+f');
    await page.getByRole('button', { name: 'Regex' }).click();
    for (const pattern of [
      'retry=9{2}[0-9]{3}',
      '(upload|commit)=[0-9]{5}$',
      '^[^ ]+ (WARN|ERROR) \\[worker-1[0-5]\\]',
    ]) {
      await page.getByLabel('Find').fill(pattern);
      await page.getByLabel('Find').press('Enter');
      const counter = page.locator('[data-testid=match-count][data-done=true]');
      await counter.waitFor({ timeout: 30_000 });
      const expected = Number(
        execFileSync('sh', ['-c', 'grep -E -o -- "$1" "$2" | wc -l', 'sh', pattern, log], { encoding: 'utf8' }).trim(),
      );
      expect(expected).toBeGreaterThan(0);
      await expect.poll(() => counter.getAttribute('data-count')).toBe(String(expected));
      const engine = await counter.getAttribute('data-engine');
      // The host runs the same addon: PCRE2 when it was built with it and not switched off.
      expect(engine).toBe(pcre2Version() !== null && process.env.HEXLOG_REGEX_ENGINE !== 'js' ? 'pcre2' : 'js');
      expect(await counter.getAttribute('title')).toMatch(engine === 'pcre2' ? /PCRE2/ : /JavaScript/);
    }
  });

  it('a hex pattern finds known bytes in a binary', async () => {
    const bin = join(suite.dir, 'fw.bin');
    const bytes = Buffer.alloc(200_000);
    bytes.set([0xde, 0xad, 0x42, 0xef], 150_001);
    writeFileSync(bin, bytes);
    const page = await start(bin);
    await page.locator('[data-testid=hex-view] [data-byte="0"]').waitFor();
    await page.keyboard.press('Control+f');
    await page.getByRole('button', { name: 'Hex' }).click();
    await page.getByLabel('Find').fill('DE AD ?? EF');
    await page.getByLabel('Find').press('Enter');
    await expect.poll(() => page.locator('[data-testid=match-count]').getAttribute('data-count')).toBe('1');
    await expect.poll(() => page.locator('[data-byte="150001"]').getAttribute('data-match')).toBe('current');
    expect(await page.locator('[data-testid=cursor-offset]').getAttribute('data-offset')).toBe('150001');
  });

  it('replace all of a same-length word previews, commits, and matches sed', async () => {
    const copy = join(suite.dir, 'replace.log');
    copyFileSync(log, copy);
    const expected = execFileSync('sed', ['s/WARN/CRIT/g', copy], { maxBuffer: 1 << 30 });
    const page = await start(copy);
    await page.locator('[data-testid=text-view] [data-line="1"]').waitFor();
    const count = await search(page, 'WARN');
    expect(count).toBeGreaterThan(0);
    await page.keyboard.press('Control+h');
    await page.getByLabel('Replace').fill('CRIT');
    await page.getByRole('button', { name: 'Replace all' }).click();
    await expect
      .poll(() => page.locator('[data-testid=pending-edits]').getAttribute('data-bytes'))
      .toBe(String(count * 4));
    // The search runs again over the replaced text: no WARN is left to count or highlight.
    await page
      .locator('[data-testid=info]', { hasText: `Replaced ${count.toLocaleString('en-US')} matches` })
      .waitFor();
    await expect.poll(() => page.getByTestId('match-count').getAttribute('data-count')).toBe('0');
    expect(await page.locator('[data-testid=text-view] [data-match]').count()).toBe(0);
    expect(readFileSync(copy).equals(readFileSync(log))).toBe(true);
    await page.getByRole('button', { name: 'Commit edits' }).click();
    await expect.poll(() => page.locator('[data-testid=pending-edits]').count()).toBe(0);
    expect(readFileSync(copy).equals(expected)).toBe(true);
  });
});
