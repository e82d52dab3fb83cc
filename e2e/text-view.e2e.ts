import { execFileSync } from 'node:child_process';
import { appendFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateLog } from '../bench/generate';
import { browserSuite } from './support/suite';

const sedLine = (path: string, line: number): string =>
  execFileSync('sed', ['-n', `${line}p`, path], { encoding: 'utf8' }).replace(/\r?\n$/, '');
const wcLines = (path: string): number => Number(execFileSync('wc', ['-l', path], { encoding: 'utf8' }).split(' ')[0]);

const lineText = (page: Page, line: number) =>
  page.locator(`[data-testid=text-view] [data-line="${line}"] [data-part=text]`);

/** The status bar's "Line N", as a person reads it. */
const statusLine = (page: Page) => page.locator('footer.statusbar > span', { hasText: /^Line [\d,]+$/ });

async function waitForLineCount(page: Page): Promise<number> {
  const counter = page.locator('[data-testid=line-count][data-lines]');
  await counter.waitFor({ timeout: 30_000 });
  return Number(await counter.getAttribute('data-lines'));
}

describe('text view through the browser host', () => {
  const suite = browserSuite('hexlog-text-');
  const log = join(suite.dir, 'app.log');
  const start = suite.start;

  beforeAll(() => {
    generateLog(log, 40 << 20, 3); // ~40 MiB, ~330k lines, no final newline guaranteed
  });

  it('shows line 1, counts lines like wc -l, jumps with Ctrl+G, and drags to the last line', async () => {
    const page = await start(log);
    await expect.poll(() => lineText(page, 1).textContent()).toBe(sedLine(log, 1));

    const expected = wcLines(log) + (execFileSync('tail', ['-c', '1', log]).toString() === '\n' ? 0 : 1);
    expect(await waitForLineCount(page)).toBe(expected);

    await page.locator('[data-testid=text-view]').focus();
    await page.keyboard.press('Control+g');
    await page.getByLabel('Go to line').fill('123456');
    await page.keyboard.press('Enter');
    const target = page.locator('[data-line="123456"][data-current=true] [data-part=text]');
    await expect.poll(() => target.textContent()).toBe(sedLine(log, 123456));
    // What a person reads is 1-based: the gutter and the status bar name the line typed.
    expect(await page.locator('[data-line="123456"] .gutter').textContent()).toBe('123456');
    await expect.poll(() => statusLine(page).textContent()).toBe('Line 123,456');

    const track = page.locator('[data-testid=text-view] [data-testid=scrollbar]');
    const thumb = page.locator('[data-testid=text-view] [data-testid=scrollbar-thumb]');
    const trackBox = (await track.boundingBox())!;
    const thumbBox = (await thumb.boundingBox())!;
    await page.mouse.move(thumbBox.x + thumbBox.width / 2, thumbBox.y + thumbBox.height / 2);
    await page.mouse.down();
    await page.mouse.move(trackBox.x + trackBox.width / 2, trackBox.y + trackBox.height + 100, { steps: 6 });
    await page.mouse.up();
    await expect.poll(() => lineText(page, expected).textContent()).toBe(sedLine(log, expected));
  });

  it('refuses a go-to-line that is not a number or out of range, and does not jump', async () => {
    const page = await start(log);
    const total = await waitForLineCount(page);
    await page.locator('[data-testid=text-view]').focus();
    await page.keyboard.press('Control+g');
    await page.getByLabel('Go to line').fill('12abc');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('[role=alert]').textContent()).toContain('not a line number');
    await page.getByLabel('Go to line').fill(String(total + 1));
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('[role=alert]').textContent()).toContain('out of range');
    expect(await page.locator('[data-line="1"]').getAttribute('data-current')).toBe('true');
    expect(await statusLine(page).textContent()).toBe('Line 1');
  });

  it('switching text → hex → text keeps the position', async () => {
    const page = await start(log);
    await waitForLineCount(page);
    await page.locator('[data-testid=text-view]').focus();
    await page.keyboard.press('Control+g');
    await page.getByLabel('Go to line').fill('5000');
    await page.keyboard.press('Enter');
    await page.locator('[data-line="5000"][data-current=true]').waitFor();
    const offset = Number(execFileSync('sh', ['-c', `head -n 4999 '${log}' | wc -c`], { encoding: 'utf8' }).trim());
    await page.locator('[data-testid=view-hex]').click();
    await expect
      .poll(() => page.locator('[data-testid=cursor-offset]').getAttribute('data-offset'))
      .toBe(String(offset));
    await page.locator(`[data-byte="${offset}"]`).waitFor();
    await page.locator('[data-testid=view-text]').click();
    await page.locator('[data-line="5000"][data-current=true]').waitFor();
  });

  it('follow mode shows appended lines', async () => {
    const growing = join(suite.dir, 'growing.log');
    writeFileSync(growing, Array.from({ length: 50 }, (_, i) => `first batch line ${i + 1}`).join('\n') + '\n');
    const page = await start(growing);
    expect(await waitForLineCount(page)).toBe(50);
    await page.getByRole('button', { name: 'Follow' }).click();
    appendFileSync(growing, Array.from({ length: 200 }, (_, i) => `appended line ${i + 1}`).join('\n') + '\n');
    await expect
      .poll(() => lineText(page, 250).textContent(), { timeout: 3000, interval: 100 })
      .toBe('appended line 200');
    expect(await page.locator('[data-testid=line-count]').getAttribute('data-lines')).toBe('250');
  });

  it('CRLF lines show without the CR, a UTF-16 file with a BOM is decoded, controls are visible', async () => {
    const crlf = join(suite.dir, 'crlf.txt');
    writeFileSync(crlf, 'alpha\r\nbeta\r\ngamma\u0001\u0000end');
    let page = await start(crlf);
    await page.locator('[data-testid=view-text]').click(); // the NUL byte opens it in the hex view
    await expect.poll(() => lineText(page, 2).textContent()).toBe('beta');
    await expect.poll(() => lineText(page, 3).textContent()).toBe('gamma\u2401\u2400end');
    expect(await waitForLineCount(page)).toBe(3);

    const utf16 = join(suite.dir, 'utf16.txt');
    writeFileSync(utf16, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('héllo\nwörld\n', 'utf16le')]));
    page = await start(utf16);
    await expect.poll(() => lineText(page, 1).textContent()).toBe('héllo');
    await expect.poll(() => lineText(page, 2).textContent()).toBe('wörld');
    expect(await waitForLineCount(page)).toBe(2);
    expect(await page.getByLabel('Encoding').inputValue()).toBe('utf-16le');
  });

  it('click and shift+click select lines; Ctrl+C copies exactly them', async () => {
    const small = join(suite.dir, 'copy.log');
    writeFileSync(small, 'alpha\nbeta\r\ngamma\ndelta\n');
    const page = await start(small);
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    await page.locator('[data-line="2"] .gutter').click();
    await page.locator('[data-line="3"] .gutter').click({ modifiers: ['Shift'] });
    expect(await page.locator('[data-selected=true]').count()).toBe(2);
    await page.keyboard.press('Control+c');
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe('beta\r\ngamma');
  });

  it('wrap shows a long line on several rows, and go to line still lands on the line', async () => {
    const page = await start(log);
    await page.locator('[data-testid=text-view] [data-line="1"]').waitFor();
    await waitForLineCount(page);
    await page.getByRole('button', { name: 'Wrap' }).click();
    const tallest = async (): Promise<number> =>
      Math.max(
        ...(await page
          .locator('[data-testid=text-view] [data-line]')
          .evaluateAll((rows) => rows.map((row) => row.getBoundingClientRect().height))),
      );
    await expect.poll(tallest).toBeGreaterThan(30);
    await page.locator('[data-testid=text-view]').focus();
    await page.keyboard.press('Control+g');
    await page.getByLabel('Go to line').fill('200000');
    await page.keyboard.press('Enter');
    await expect
      .poll(() => page.locator('[data-line="200000"][data-current=true] [data-part=text]').textContent())
      .toBe(sedLine(log, 200000));
  });

  it('a file deleted while open shows a notice and stays readable', async () => {
    const doomed = join(suite.dir, 'doomed.log');
    writeFileSync(doomed, 'still here\nsecond line\n');
    const page = await start(doomed);
    await expect.poll(() => lineText(page, 1).textContent()).toBe('still here');
    unlinkSync(doomed);
    const notice = page.locator('[data-testid=file-notice][data-state=vanished]');
    await notice.waitFor({ timeout: 10_000 });
    expect(await notice.textContent()).toMatch(/deleted or moved/);
    await page.locator('[data-testid=view-hex]').click();
    await expect.poll(() => page.locator('[data-byte="0"]').textContent()).toBe('73');
  });

  it('a binary file in the text view shows replacement symbols and stays usable', async () => {
    const page = await start(process.execPath);
    await page.locator('[data-testid=view-text]').click();
    await expect.poll(() => lineText(page, 1).textContent()).toMatch(/^\u007f?ELF|^\u2421ELF/);
    const text = (await lineText(page, 1).textContent()) ?? '';
    expect(text).toMatch(/[\ufffd\u2400-\u2421]/);
    await page.locator('[data-testid=text-view]').focus();
    await page.keyboard.press('PageDown');
    await page.keyboard.press('Control+End');
    await page.locator('[data-testid=view-hex]').click();
    await page.locator('[data-testid=hex-view]').waitFor();
  });
});
