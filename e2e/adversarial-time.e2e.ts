// Adversarial tests of issue 13 (times, Go to time, the timeline, compressed logs). A test without a
// prefix names a defect a demanding user would hit and fails on the code it was written against; a
// test named "PASS: …" covers an edge that no other suite checks and passed when written.
import { execFileSync } from 'node:child_process';
import { appendFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { browserSuite } from './support/suite';
import { formatTime } from '../src/shared/time';

/** `2026-12-05 08:00:00.000`, the local wall clock, as the log writes it and Go to time reads it. */
const localText = (ms: number): string => formatTime(ms, true);
const pad = (value: number): string => String(value).padStart(2, '0');

const T0 = new Date(2026, 11, 5, 8, 0, 0).getTime();
/** Line i (1-based) is at T0 + (i - 1) s; every 10th line (10, 20, …) is an ERROR. */
function secondsLog(lines: number, from = 0): string {
  const out: string[] = [];
  for (let i = from; i < from + lines; i++) {
    out.push(`${localText(T0 + i * 1000)} ${(i + 1) % 10 === 0 ? 'ERROR' : 'INFO'} worker request ${i + 1}`);
  }
  return `${out.join('\n')}\n`;
}

const currentLine = async (page: Page): Promise<number> =>
  Number(await page.locator('[data-testid=current-line]').getAttribute('data-at-line'));

async function openText(page: Page): Promise<void> {
  await page.locator('[data-testid=line-count][data-done=true]').waitFor();
  await expect.poll(() => page.getByTestId('time-format').getAttribute('data-kind')).not.toBe(null);
}

async function goToTime(page: Page, text: string): Promise<void> {
  await page.keyboard.press('Control+t');
  const input = page.getByLabel('Go to time');
  await input.fill(text);
  await input.press('Enter');
}

const cacheDir = (): string => join(tmpdir(), `hexlog-cache-${process.getuid!()}`);
const cacheFilesOf = (name: string): string[] => {
  try {
    return readdirSync(cacheDir()).filter((file) => file.endsWith(`-${name}`));
  } catch {
    return [];
  }
};

describe('adversarial: times and Go to time', () => {
  const suite = browserSuite('hexlog-advtime-');
  let logPath = '';

  beforeAll(() => {
    logPath = join(suite.dir, 'seconds.log');
    writeFileSync(logPath, secondsLog(20_000));
  });

  it('PASS: a relative Go to time typed right after a jump counts from the line jumped to', async () => {
    const page = await suite.start(logPath);
    await openText(page);
    await page.getByTestId('text-view').focus();
    // Line 10001 is at T0 + 10000 s; ten seconds later is line 10011.
    await goToTime(page, localText(T0 + 10_000_000));
    await expect.poll(() => currentLine(page)).toBe(10_001);
    await goToTime(page, '+10s');
    await expect.poll(() => currentLine(page)).toBe(10_011);
  });

  it('PASS: Go to time in the filtered view lands on the next shown line; keys work after Esc and Enter', async () => {
    const page = await suite.start(logPath);
    await openText(page);
    await page.getByRole('button', { name: 'Filtered view' }).click();
    await page.getByLabel('Filter pattern').fill('ERROR');
    await page.getByRole('button', { name: 'Add rule' }).click();
    await page.locator('[data-testid=filtered-count][data-done=true]').waitFor();
    // 08:16:41 is line 1002, hidden: the next ERROR is line 1010.
    await page.getByTestId('text-view').focus();
    await goToTime(page, localText(T0 + 1_001_000));
    await expect.poll(() => currentLine(page)).toBe(1010);
    // Esc closes the input and the keys go back to the view: Ctrl+G opens Go to line.
    await page.keyboard.press('Control+t');
    await page.getByLabel('Go to time').waitFor();
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByLabel('Go to time').count()).toBe(0);
    await page.keyboard.press('Control+g');
    await page.getByLabel('Go to line').waitFor();
    await page.keyboard.press('Escape');
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => currentLine(page)).toBe(1020);
  });

  it('Go to time to a year past 2243 says it is out of reach, not a contract error', async () => {
    const page = await suite.start(logPath);
    await openText(page);
    await page.getByTestId('text-view').focus();
    await page.keyboard.press('Control+End');
    await expect.poll(() => page.getByTestId('line-time').getAttribute('data-time-ms')).toBe(String(T0 + 19_999_000));
    // Garbage is refused in words, and the view stays.
    await goToTime(page, 'yesterday');
    await page
      .getByText(/"yesterday" is not a time/)
      .first()
      .waitFor();
    await page.keyboard.press('Escape');
    expect(await currentLine(page)).toBe(20_000);
    // A date past the contract's epoch limit (2243) is refused in words, not with the IPC schema's message.
    await goToTime(page, '9999-12-31 23:59');
    await page
      .getByText(/9999-12-31 is out of the times Go to time reaches/)
      .first()
      .waitFor();
    const body = await page.locator('body').innerText();
    expect(body).not.toMatch(/epoch ms|must be an integer/);
    await page.keyboard.press('Escape');
    expect(await currentLine(page)).toBe(20_000);
  });

  it('the timeline follows a followed file that grows, also past its range', async () => {
    const path = join(suite.dir, 'growing.log');
    writeFileSync(path, secondsLog(2000));
    const page = await suite.start(path);
    await openText(page);
    await page.getByTestId('text-view').focus();
    await page.keyboard.press('f');
    await expect.poll(() => page.getByRole('button', { name: 'Follow' }).getAttribute('aria-pressed')).toBe('true');
    await expect.poll(() => page.getByTestId('timeline').getAttribute('data-lines')).toBe('2000');
    appendFileSync(path, secondsLog(300, 2000));
    await expect.poll(() => page.getByTestId('timeline').getAttribute('data-lines'), { timeout: 10_000 }).toBe('2300');
    // Ten times the span: far past the quarter of room the range keeps for a followed file.
    appendFileSync(path, secondsLog(20_000, 2300));
    await expect.poll(() => page.getByTestId('timeline').getAttribute('data-lines'), { timeout: 10_000 }).toBe('22300');
    const toMs = Number(await page.getByTestId('timeline').getAttribute('data-to-ms'));
    expect(toMs).toBeGreaterThan(T0 + 22_299_000);
  });

  it('PASS: the time format and the dragged range stay with their tab', async () => {
    const other = join(suite.dir, 'other.log');
    writeFileSync(other, secondsLog(3000));
    const page = await suite.start(logPath, other);
    await page.locator('.tab', { hasText: 'other.log' }).waitFor();
    await page.locator('.tab', { hasText: 'seconds.log' }).click();
    await openText(page);
    const picker = page.getByLabel('Time format');
    await picker.selectOption('none');
    await expect.poll(() => picker.getAttribute('data-kind')).toBe('none');
    await page.locator('.tab', { hasText: 'other.log' }).click();
    await expect.poll(() => page.getByLabel('Time format').getAttribute('data-kind')).toBe('iso');
    const timeline = page.locator('[data-testid=timeline][data-lines]');
    await timeline.waitFor();
    const box = (await page.locator('[data-testid=timeline] canvas').boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height / 2, { steps: 5 });
    await page.mouse.up();
    await page.getByTestId('timeline-range').waitFor();
    await page.locator('.tab', { hasText: 'seconds.log' }).click();
    await expect.poll(() => page.getByLabel('Time format').getAttribute('data-kind')).toBe('none');
    expect(await page.getByTestId('timeline-range').count()).toBe(0);
    expect(await page.getByTestId('line-time').count()).toBe(0);
    await page.locator('.tab', { hasText: 'other.log' }).click();
    await page.getByTestId('timeline-range').waitFor();
  });
});

describe('adversarial: compressed logs', () => {
  const suite = browserSuite('hexlog-advgz-');

  it('PASS: a huge gzip shows progress, Cancel stops it and leaves no copy; reopened, it opens; closing deletes the copy', async () => {
    const path = join(suite.dir, 'advhuge.log.gz');
    // ~400 MB of log text, quickly: one line repeated, compressed fast.
    execFileSync('sh', [
      '-c',
      'yes "2026-12-05T08:00:00Z INFO the same line again and again, padded out to sixty-four b" | head -c 400000000 | gzip -1 > "$1"',
      'sh',
      path,
    ]);
    const page = await suite.start(path);
    const progress = page.getByTestId('open-progress');
    await progress.waitFor({ timeout: 10_000 });
    await progress.getByRole('button', { name: 'Cancel' }).click();
    await page
      .getByText(/cancelled/)
      .first()
      .waitFor();
    await expect.poll(() => progress.count()).toBe(0);
    await expect.poll(() => cacheFilesOf('advhuge.log')).toEqual([]);
    expect(await page.locator('.tab', { hasText: 'advhuge.log.gz' }).count()).toBe(0);

    await page.keyboard.press('Control+o');
    await page
      .getByRole('listbox', { name: 'Files' })
      .getByRole('option', { name: /advhuge/ })
      .click();
    const count = page.locator('[data-testid=line-count][data-done=true]');
    await count.waitFor({ timeout: 30_000 });
    expect(Number(await count.getAttribute('data-lines'))).toBe(Math.ceil(400_000_000 / 84));
    await page.locator('[data-testid=compressed][data-compression=gzip]').waitFor();
    expect(cacheFilesOf('advhuge.log')).toHaveLength(1);
    await page.getByRole('button', { name: 'Close tab' }).first().click();
    await expect.poll(() => cacheFilesOf('advhuge.log')).toEqual([]);
  });

  it('PASS: the same .gz opened twice, misnamed and empty files, and the position remembered on reopening', async () => {
    const text =
      Array.from({ length: 5000 }, (_, i) => `2026-12-05T08:00:${pad(i % 60)}Z INFO line ${i + 1}`).join('\n') + '\n';
    const gz = join(suite.dir, 'advtwice.log.gz');
    writeFileSync(gz, gzipSync(text));
    const plainNamedGz = join(suite.dir, 'advplain.log.gz');
    writeFileSync(plainNamedGz, text);
    const gzNamedPlain = join(suite.dir, 'advsecret.log');
    writeFileSync(gzNamedPlain, gzipSync(text));
    const empty = join(suite.dir, 'advempty.log.gz');
    writeFileSync(empty, gzipSync(''));
    const page = await suite.start(plainNamedGz, gzNamedPlain, empty, gz);
    const tab = (name: string) => page.locator('.tab', { hasText: name });
    await tab('advtwice.log.gz').waitFor({ timeout: 10_000 });
    // Misnamed both ways: told by the bytes.
    await tab('advplain.log.gz').click();
    await page.locator('[data-testid=line-count][data-done=true][data-lines="5000"]').waitFor();
    expect(await page.getByTestId('compressed').count()).toBe(0);
    await tab('advsecret.log').click();
    await page.locator('[data-testid=line-count][data-done=true][data-lines="5000"]').waitFor();
    await page.locator('[data-testid=compressed][data-compression=gzip]').waitFor();
    await tab('advempty.log.gz').click();
    await page.locator('[data-testid=compressed][data-compression=gzip]').waitFor();
    await page.locator('[data-testid=line-count][data-done=true]').waitFor();

    // The same .gz a second time: a second copy, and closing one tab leaves the other's.
    await tab('advtwice.log.gz').click();
    await page.getByTestId('text-view').focus();
    await page.keyboard.press('Control+g');
    await page.getByLabel('Go to line').fill('3000');
    await page.keyboard.press('Enter');
    await expect.poll(() => currentLine(page)).toBe(3000);
    await page.waitForTimeout(1500);
    await page.keyboard.press('Control+o');
    await page
      .getByRole('listbox', { name: 'Files' })
      .getByRole('option', { name: /advtwice/ })
      .click();
    await expect.poll(() => tab('advtwice.log.gz').count()).toBeGreaterThanOrEqual(1);
    const tabs = await tab('advtwice.log.gz').count();
    expect(cacheFilesOf('advtwice.log')).toHaveLength(tabs);
    // Close every tab of it, then reopen: the line it was left at comes back.
    for (let open = await tab('advtwice.log.gz').count(); open > 0; open--) {
      await tab('advtwice.log.gz').first().getByRole('button', { name: 'Close tab' }).click();
      // The tab goes once its session is closed: wait for it before the next click.
      await expect.poll(() => tab('advtwice.log.gz').count()).toBe(open - 1);
    }
    await expect.poll(() => cacheFilesOf('advtwice.log')).toEqual([]);
    await page.keyboard.press('Control+o');
    await page
      .getByRole('listbox', { name: 'Files' })
      .getByRole('option', { name: /advtwice/ })
      .click();
    await tab('advtwice.log.gz').waitFor();
    await page.locator('[data-testid=line-count][data-done=true]').waitFor();
    await expect.poll(() => currentLine(page)).toBe(3000);
  });

  it('PASS: while a big .gz decompresses, opening a small one keeps the big one’s progress and Cancel', async () => {
    const big = join(suite.dir, 'advbig2.log.gz');
    execFileSync('sh', [
      '-c',
      'yes "2026-12-05T08:00:00Z INFO the same line again and again, padded out to sixty-four b" | head -c 600000000 | gzip -1 > "$1"',
      'sh',
      big,
    ]);
    const small = join(suite.dir, 'advsmall.log.gz');
    writeFileSync(small, gzipSync('2026-12-05T08:00:00Z INFO small\n'.repeat(100)));
    const page = await suite.start(big, small);
    const progress = page.getByTestId('open-progress');
    await progress.filter({ hasText: 'advbig2' }).waitFor({ timeout: 10_000 });
    await page.keyboard.press('Control+o');
    await page
      .getByRole('listbox', { name: 'Files' })
      .getByRole('option', { name: /advsmall/ })
      .click();
    await page.locator('.tab', { hasText: 'advsmall.log.gz' }).waitFor({ timeout: 10_000 });
    // The big one is still being decompressed: its progress (and its Cancel) must still show.
    const stillRunning =
      cacheFilesOf('advbig2.log').length === 1 && (await page.locator('.tab', { hasText: 'advbig2' }).count()) === 0;
    expect(stillRunning).toBe(true);
    await progress.filter({ hasText: 'advbig2' }).waitFor({ timeout: 1000 });
  });
});
