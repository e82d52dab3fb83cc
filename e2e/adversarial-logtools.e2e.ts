// Adversarial tests of the log tools (issue 12). A test without a prefix names a defect a klogg / lnav
// user would hit and failed on the code it was written against (each is fixed now); a test named "PASS: …" covers something
// important that no other suite checks (follow + filter, rotation, export and copy against grep, …)
// and passed when written.
import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { openPage } from './support/harness';
import { browserSuite } from './support/suite';

const levels = ['INFO', 'DEBUG', 'WARN', 'ERROR', 'INFO', '[error]', 'level=warn', '{"level":"fatal"}', 'TRACE'];

/** Line i (1-based) has level levels[(i-1) % 9]: "ERROR" (match case) is on lines 4, 13, 22, ... */
function generatedLog(lines: number, tag = 'request', from = 0): string {
  const out: string[] = [];
  for (let i = from; i < from + lines; i++) {
    const level = levels[i % levels.length]!;
    const component = i % 4 === 0 ? 'db.pool' : 'http';
    out.push(`2026-12-05T10:${String(i % 60).padStart(2, '0')}:00Z ${level} ${component} ${tag} ${i + 1}`);
  }
  return `${out.join('\n')}\n`;
}

const sh = (script: string, ...args: string[]): string =>
  execFileSync('sh', ['-c', script, 'sh', ...args], { encoding: 'utf8' });

const currentLine = async (page: Page): Promise<number> =>
  Number(await page.locator('[data-testid=current-line]').getAttribute('data-at-line'));

const row = (page: Page, line: number) => page.locator(`[data-testid=text-view] [data-line="${line}"]`);

async function goToLine(page: Page, line: number): Promise<void> {
  await page.keyboard.press('Control+g');
  await page.getByLabel('Go to line').fill(String(line));
  await page.keyboard.press('Enter');
  await row(page, line).and(page.locator('[data-current=true]')).waitFor();
}

async function addRule(page: Page, pattern: string, options: { exclude?: boolean; regex?: boolean } = {}) {
  const rules = page.getByTestId('filter-rules');
  const before = await rules.getByTestId('filter-rule').count();
  await page.getByLabel('Filter pattern').fill(pattern);
  for (const [label, on] of [
    ['Exclude', options.exclude === true],
    ['Regex', options.regex === true],
    ['Match case', true],
  ] as const) {
    const toggle = rules.getByLabel(label);
    if ((await toggle.getAttribute('aria-pressed')) !== String(on)) await toggle.click();
  }
  await page.getByRole('button', { name: 'Add rule' }).click();
  await expect.poll(() => rules.getByTestId('filter-rule').count()).toBe(before + 1);
}

const filteredCount = async (page: Page): Promise<number> => {
  const count = page.locator('[data-testid=filtered-count][data-done=true]');
  await count.waitFor();
  return Number(await count.getAttribute('data-lines'));
};

describe('adversarial: log tools', () => {
  const suite = browserSuite('hexlog-adv-logtools-');
  let logPath = '';

  beforeAll(() => {
    logPath = join(suite.dir, 'service.log');
    writeFileSync(logPath, generatedLog(20_000));
  });

  const open = async (...paths: string[]): Promise<Page> => {
    const page = await suite.start(...paths);
    await page.locator('[data-testid=line-count][data-done=true]').waitFor();
    return page;
  };

  it('a filter that keeps no line says so, not "This file has no lines."', async () => {
    const page = await open(logPath);
    await page.getByRole('button', { name: 'Filtered view' }).click();
    await addRule(page, 'no-such-text-anywhere');
    expect(await filteredCount(page)).toBe(0);
    const view = page.getByTestId('text-view');
    await expect.poll(() => view.textContent()).not.toBe('');
    expect(await view.textContent()).not.toContain('This file has no lines');
  });

  it('[ in the filtered view gets past a marked line that the filter hides', async () => {
    const page = await open(logPath);
    for (const line of [4, 6]) {
      await goToLine(page, line);
      await page.keyboard.press('m');
      await row(page, line).and(page.locator('[data-marked=true]')).waitFor();
    }
    await page.getByRole('button', { name: 'Filtered view' }).click();
    await addRule(page, 'ERROR'); // keeps 4, 13, 22…; hides 6
    await filteredCount(page);
    await goToLine(page, 13);
    await page.keyboard.press('[');
    await page.waitForTimeout(500);
    await page.keyboard.press('[');
    // The earlier mark (line 4) shows; the hidden one (6) must not pin the user to line 13.
    await expect.poll(() => currentLine(page), { timeout: 3000 }).toBe(4);
  });

  it('F3 in the filtered view moves to the next match among the shown rows', async () => {
    const page = await open(logPath);
    await page.getByRole('button', { name: 'Filtered view' }).click();
    await addRule(page, 'ERROR'); // rows: lines 4, 13, 22, 31…
    await filteredCount(page);
    await page.keyboard.press('Control+f');
    await page.getByLabel('Find').fill('request');
    await page.locator('[data-testid=match-count][data-done=true]').waitFor();
    await page.keyboard.press('Escape');
    const seen: number[] = [];
    for (let i = 0; i < 3; i++) {
      await page.keyboard.press('F3');
      await page.waitForTimeout(400);
      seen.push(await currentLine(page));
    }
    // Every match on a shown row is "request": three presses show three different rows.
    expect(new Set(seen).size, `current lines after each F3: ${seen.join(', ')}`).toBe(3);
  });

  it('marks do not stay on a rotated file: after Reload of a replaced file no line is marked', async () => {
    const path = join(suite.dir, 'rotate-open.log');
    writeFileSync(path, generatedLog(3000));
    const page = await open(path);
    await goToLine(page, 5);
    await page.keyboard.press('m');
    await row(page, 5).and(page.locator('[data-marked=true]')).waitFor();
    writeFileSync(`${path}.new`, generatedLog(2000, 'rotated'));
    renameSync(`${path}.new`, path);
    const notice = page.locator('[data-testid=file-notice][data-state=replaced]');
    await notice.waitFor({ timeout: 10_000 });
    await notice.getByRole('button', { name: 'Reload' }).click();
    await page.locator('[data-testid=line-count][data-lines="2000"][data-done=true]').waitFor();
    await row(page, 5).waitFor();
    expect(await row(page, 5).textContent()).toContain('rotated');
    await page.waitForTimeout(500);
    expect(await page.locator('[data-testid=text-view] [data-marked=true]').count()).toBe(0);
  });

  it('PASS: follow mode with the filtered view: appended matching lines are counted and shown (count = grep)', async () => {
    const path = join(suite.dir, 'growing.log');
    writeFileSync(path, generatedLog(20_000));
    const page = await open(path);
    await page.getByRole('button', { name: 'Filtered view' }).click();
    await addRule(page, 'ERROR');
    await filteredCount(page);
    await page.keyboard.press('f');
    await expect.poll(() => page.getByRole('button', { name: 'Follow' }).getAttribute('aria-pressed')).toBe('true');
    for (let batch = 0; batch < 5; batch++) {
      appendFileSync(path, generatedLog(37, 'appended', 20_000 + batch * 37));
      await page.waitForTimeout(300);
    }
    const expected = Number(sh('grep -c ERROR "$1"', path).trim());
    const lastError = Number(sh('grep -n ERROR "$1" | tail -1 | cut -d: -f1', path).trim());
    await expect
      .poll(() => page.getByTestId('filtered-count').getAttribute('data-lines'), { timeout: 10_000 })
      .toBe(String(expected));
    await row(page, lastError).waitFor({ timeout: 5000 });
  });

  it('PASS: in the filtered view, click, shift+click and Ctrl+C copy exactly the grep lines between; Ctrl+A copies all of them', async () => {
    const page = await open(logPath);
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    await page.getByRole('button', { name: 'Filtered view' }).click();
    await addRule(page, 'ERROR');
    await addRule(page, 'db.pool', { exclude: true });
    await filteredCount(page);
    const grepped = sh('grep ERROR "$1" | grep -v db.pool', logPath).trimEnd().split('\n');
    const numbers = sh('grep -n ERROR "$1" | grep -v db.pool | cut -d: -f1', logPath).trim().split('\n').map(Number);
    await row(page, numbers[1]!).click();
    await row(page, numbers[6]!).click({ modifiers: ['Shift'] });
    await page.keyboard.press('Control+c');
    const clip = (): Promise<string> => page.evaluate(() => navigator.clipboard.readText());
    await expect.poll(clip).toBe(grepped.slice(1, 7).join('\n'));
    await page.keyboard.press('Control+a');
    await page.keyboard.press('Control+c');
    await expect.poll(clip).toBe(grepped.join('\n'));
  });

  it('PASS: keys reach the view after a click on a rule chip checkbox or a filter toggle', async () => {
    const page = await open(logPath);
    await page.getByRole('button', { name: 'Filtered view' }).click();
    await addRule(page, 'ERROR');
    await filteredCount(page);
    await row(page, 13).click();
    await page.getByLabel('Apply rule 1').click();
    await page.getByLabel('Apply rule 1').click();
    await filteredCount(page);
    await page.keyboard.press('m');
    await expect.poll(() => page.locator('[data-testid=text-view] [data-marked=true]').count()).toBe(1);
    await page.getByTestId('filter-rules').getByLabel('Regex').click();
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => currentLine(page)).toBe(22);
  });

  it("PASS: Export… of the filtered view of a CRLF file writes exactly grep's output", async () => {
    const path = join(suite.dir, 'export-crlf.log');
    writeFileSync(path, generatedLog(3000).replace(/\n/g, '\r\n'));
    const page = await open(path);
    await page.getByRole('button', { name: 'Filtered view' }).click();
    await addRule(page, 'WARN');
    await filteredCount(page);
    await page.getByTestId('filter-rules').getByRole('button', { name: 'Export…' }).click();
    const dest = join(suite.dir, 'export-crlf.filtered.log');
    await expect.poll(() => existsSync(dest), { timeout: 10_000 }).toBe(true);
    expect(readFileSync(dest).equals(execFileSync('grep', ['WARN', path]))).toBe(true);
  });

  it('PASS: context lines: the count equals grep -C N', async () => {
    const page = await open(logPath);
    await page.getByRole('button', { name: 'Filtered view' }).click();
    await addRule(page, 'fatal.*request 1[0-9]*5$', { regex: true });
    await filteredCount(page);
    for (const context of [3, 40]) {
      await page.getByLabel('Context lines').fill(String(context));
      const expected = Number(
        sh(`grep -E -C ${context} 'fatal.*request 1[0-9]*5$' "$1" | grep -v -x -- -- | wc -l`, logPath).trim(),
      );
      await expect.poll(() => page.getByTestId('filtered-count').getAttribute('data-lines')).toBe(String(expected));
    }
  });

  it('PASS: switching the encoding to UTF-16 and back while filtered brings the same filtered rows back', async () => {
    const page = await open(logPath);
    await page.getByRole('button', { name: 'Filtered view' }).click();
    await addRule(page, 'ERROR');
    const before = await filteredCount(page);
    await page.getByLabel('Encoding').selectOption('utf-16le');
    await page.waitForTimeout(1000);
    await page.getByLabel('Encoding').selectOption('utf-8');
    await page.locator('[data-testid=line-count][data-done=true]').waitFor();
    await expect.poll(() => page.getByTestId('filtered-count').getAttribute('data-lines')).toBe(String(before));
    await row(page, 4).waitFor();
    expect(await page.locator('[data-testid=text-view] [data-line="5"]').count()).toBe(0);
  });

  it('PASS: two tabs keep their own rules, filtered view and marks', async () => {
    const other = join(suite.dir, 'other.log');
    writeFileSync(other, generatedLog(500, 'other'));
    const page = await open(logPath, other);
    await goToLine(page, 3);
    await page.keyboard.press('m');
    await page.getByRole('button', { name: 'Filtered view' }).click();
    await addRule(page, 'ERROR');
    await filteredCount(page);
    await page.getByLabel('Filter pattern').fill('half typed');
    await page.locator('[data-testid=tab][data-name="other.log"]').click();
    await row(page, 1).waitFor();
    expect(await row(page, 1).textContent()).toContain('other');
    expect(await page.getByRole('button', { name: 'Filtered view' }).getAttribute('aria-pressed')).toBe('false');
    expect(await page.getByTestId('filter-rules').count()).toBe(0);
    expect(await page.locator('[data-testid=text-view] [data-marked=true]').count()).toBe(0);
    await page.getByRole('button', { name: 'Filtered view' }).click();
    expect(await page.getByTestId('filter-rule').count()).toBe(0);
    expect(await page.getByLabel('Filter pattern').inputValue()).toBe('');
    await page.locator('[data-testid=tab][data-name="service.log"]').click();
    expect(await filteredCount(page)).toBe(Number(sh('grep -c ERROR "$1"', logPath).trim()));
  });

  it('PASS: follow mode with the filtered view on a fast-growing file stays at the end, count = grep', async () => {
    const path = join(suite.dir, 'fast.log');
    writeFileSync(path, generatedLog(100_000));
    const page = await open(path);
    await page.getByRole('button', { name: 'Filtered view' }).click();
    await addRule(page, 'ERROR');
    await filteredCount(page);
    await page.keyboard.press('f');
    await expect.poll(() => page.getByRole('button', { name: 'Follow' }).getAttribute('aria-pressed')).toBe('true');
    let next = 100_000;
    for (let batch = 0; batch < 60; batch++) {
      appendFileSync(path, generatedLog(500, 'fast', next));
      next += 500;
      await new Promise((resolve) => setTimeout(resolve, 40));
    }
    const expected = Number(sh('grep -c ERROR "$1"', path).trim());
    const lastError = Number(sh('grep -n ERROR "$1" | tail -1 | cut -d: -f1', path).trim());
    await expect
      .poll(() => page.getByTestId('filtered-count').getAttribute('data-lines'), { timeout: 15_000 })
      .toBe(String(expected));
    await row(page, lastError).waitFor({ timeout: 5000 });
  });

  it('PASS: follow mode, filtered: the file rotated under it is filtered again (count = grep of the new file)', async () => {
    const path = join(suite.dir, 'follow-rotate.log');
    writeFileSync(path, generatedLog(5000));
    const page = await open(path);
    await page.getByRole('button', { name: 'Filtered view' }).click();
    await addRule(page, 'ERROR');
    await filteredCount(page);
    await page.keyboard.press('f');
    await expect.poll(() => page.getByRole('button', { name: 'Follow' }).getAttribute('aria-pressed')).toBe('true');
    writeFileSync(`${path}.new`, generatedLog(700, 'rotated', 3));
    renameSync(`${path}.new`, path);
    await page.waitForTimeout(1500);
    appendFileSync(path, generatedLog(100, 'rotated', 703));
    const expected = Number(sh('grep -c ERROR "$1"', path).trim());
    await expect
      .poll(() => page.getByTestId('filtered-count').getAttribute('data-lines'), { timeout: 10_000 })
      .toBe(String(expected));
    const first = Number(sh('grep -n ERROR "$1" | head -1 | cut -d: -f1', path).trim());
    await page.keyboard.press('Control+Home');
    await expect.poll(() => row(page, first).textContent()).toContain('rotated');
  });

  it('PASS: a file truncated in place (copytruncate) while filtered: Reload filters the new content', async () => {
    const path = join(suite.dir, 'truncated.log');
    writeFileSync(path, generatedLog(5000));
    const page = await open(path);
    await page.getByRole('button', { name: 'Filtered view' }).click();
    await addRule(page, 'ERROR');
    await filteredCount(page);
    writeFileSync(path, generatedLog(300, 'after'));
    const notice = page.locator('[data-testid=file-notice][data-state=shrunk]');
    await notice.waitFor({ timeout: 10_000 });
    await notice.getByRole('button', { name: 'Reload' }).click();
    const expected = Number(sh('grep -c ERROR "$1"', path).trim());
    await expect.poll(() => page.getByTestId('filtered-count').getAttribute('data-lines')).toBe(String(expected));
    await expect.poll(() => row(page, 4).textContent()).toContain('after');
  });

  it('PASS: rapid toggling of a rule and of the filtered view settles on what the controls say', async () => {
    const page = await open(logPath);
    await page.getByRole('button', { name: 'Filtered view' }).click();
    await addRule(page, 'ERROR');
    await filteredCount(page);
    const apply = page.getByLabel('Apply rule 1');
    for (let i = 0; i < 7; i++) await apply.click({ delay: 0 });
    for (let i = 0; i < 6; i++) await page.keyboard.press('Control+Shift+L');
    await page.waitForTimeout(1500);
    expect(await apply.isChecked()).toBe(false);
    // The rule is off: every line shows.
    await expect.poll(() => page.getByTestId('filtered-count').getAttribute('data-lines')).toBe('20000');
    await row(page, 2).waitFor();
    await apply.click();
    await apply.click();
    await apply.click();
    await expect
      .poll(() => page.getByTestId('filtered-count').getAttribute('data-lines'))
      .toBe(sh('grep -c ERROR "$1"', logPath).trim());
    await expect.poll(() => page.locator('[data-testid=text-view] [data-line="2"]').count()).toBe(0);
  });

  it('PASS: follow, filtered: a line appended in two writes is judged whole (kept once its ERROR arrives)', async () => {
    const path = join(suite.dir, 'partial.log');
    writeFileSync(path, generatedLog(1000));
    const page = await open(path);
    await page.getByRole('button', { name: 'Filtered view' }).click();
    await addRule(page, 'ERROR');
    const before = await filteredCount(page);
    await page.keyboard.press('f');
    await expect.poll(() => page.getByRole('button', { name: 'Follow' }).getAttribute('aria-pressed')).toBe('true');
    appendFileSync(path, '2026-12-05T11:00:00Z http half written');
    await page.waitForTimeout(1500);
    appendFileSync(path, ' then ERROR\n2026-12-05T11:00:01Z INFO after\n');
    await expect
      .poll(() => page.getByTestId('filtered-count').getAttribute('data-lines'), { timeout: 10_000 })
      .toBe(String(before + 1));
    await expect.poll(() => row(page, 1001).textContent()).toContain('half written then ERROR');
  });

  it('a case-insensitive text rule keeps "ÉTAT" for "état" as grep -i and the same rule as a regex do', async () => {
    const path = join(suite.dir, 'accents.log');
    writeFileSync(path, generatedLog(500) + 'ÉTAT ok\nétat ok\nEtat ok\n');
    const expected = sh('LC_ALL=C.UTF-8 grep -c -i \'état\' "$1"', path).trim();
    expect(expected).toBe('2');
    const page = await open(path);
    await page.getByRole('button', { name: 'Filtered view' }).click();
    const rules = page.getByTestId('filter-rules');
    for (const regex of [false, true]) {
      while ((await rules.getByTestId('filter-rule').count()) > 0) await page.getByLabel('Remove rule 1').click();
      await page.getByLabel('Filter pattern').fill('état');
      for (const [label, on] of [
        ['Exclude', false],
        ['Regex', regex],
        ['Match case', false],
      ] as const) {
        const toggle = rules.getByLabel(label);
        if ((await toggle.getAttribute('aria-pressed')) !== String(on)) await toggle.click();
      }
      await page.getByRole('button', { name: 'Add rule' }).click();
      await expect
        .poll(() => page.getByTestId('filtered-count').getAttribute('data-lines'), {
          message: regex ? 'regex rule' : 'text rule',
        })
        .toBe(expected);
    }
  });

  it('a file keeps up to 10,000 marks, all of them remembered; one more is refused with a message', async () => {
    // Marks are capped at what the per-file memory keeps, so none is lost silently on reopen.
    const config = join(suite.dir, 'config-many-marks');
    mkdirSync(config);
    const path = join(suite.dir, 'many-marks.log');
    writeFileSync(path, generatedLog(12_000));
    const { dev, ino, size, mtimeMs } = statSync(path);
    const marks = Array.from({ length: 10_000 }, (_, i) => i);
    const position = { view: 'text', line: 0, offset: 0, marks };
    const files = { [path]: { dev, ino, size, mtimeMs, savedAt: Date.now(), position } };
    writeFileSync(join(config, 'web-settings.json'), JSON.stringify({ version: 1, settings: {}, recent: [], files }));
    const host = await suite.hostWith({ configDir: config }, path);
    const page = await openPage(suite.browser(), host.url);
    await page.locator('[data-testid=line-count][data-done=true]').waitFor();
    await page.getByRole('button', { name: /^Marked lines/ }).click();
    await expect.poll(() => page.getByTestId('marks').getAttribute('data-count')).toBe('10000');
    await goToLine(page, 11_000);
    await page.keyboard.press('m');
    await page.locator('[role=alert]', { hasText: 'at most 10,000 marks' }).waitFor();
    expect(await page.getByTestId('marks').getAttribute('data-count')).toBe('10000');
    expect(await row(page, 11_000).getAttribute('data-marked')).toBeNull();
  });
});
