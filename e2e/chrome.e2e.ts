// Issue 9, the rest of the first ten minutes: stale messages and rotation, long lines, the edit
// buttons, the empty state, the hex layout, and a dismissed file notice giving focus back.
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../src/shared/seededRandom';
import { browserSuite } from './support/suite';

const activeTestId = (page: Page): Promise<string | null> =>
  page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? document.activeElement?.tagName ?? null);
const currentLine = async (page: Page): Promise<number> =>
  Number(await page.locator('[data-testid=current-line]').getAttribute('data-at-line'));

describe('chrome: messages, long lines, edit buttons, empty state, hex layout', () => {
  const suite = browserSuite('hexlog-chrome-');
  let log = '';
  let bin = '';

  beforeAll(() => {
    const random = seededRandom(19);
    const lines: string[] = [];
    for (let i = 1; i <= 200; i++) lines.push(`line ${i} ${i === 5 ? 'y'.repeat(4000) : 'short'}`);
    log = join(suite.dir, 'service.log');
    writeFileSync(log, `${lines.join('\n')}\n`);
    bin = join(suite.dir, 'blob.bin');
    writeFileSync(bin, Buffer.from(random.bytes(8192)));
  });

  const openText = async (path: string): Promise<Page> => {
    const page = await suite.start(path);
    await page.locator('[data-testid=text-view] [data-line="1"]').waitFor();
    await page.locator('[data-testid=line-count][data-done=true]').waitFor();
    await page.locator('[data-testid=text-view]').focus();
    return page;
  };

  it('a successful action clears a stale error', async () => {
    const page = await suite.start(bin);
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.locator('[data-byte="0"]').waitFor();
    await page.locator('[data-byte="3"]').click();
    await page.keyboard.press('Backspace');
    await page.locator('[data-testid=error]').waitFor();
    await page.keyboard.press('Control+g');
    await page.getByLabel('Go to offset').fill('100');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('[data-testid=cursor-offset]').getAttribute('data-offset')).toBe('256');
    await expect.poll(() => page.locator('[data-testid=error]').count()).toBe(0);
  });

  it('a rotated log pulls the status-bar line inside the new file; OK on its notice gives focus back', async () => {
    const path = join(suite.dir, 'rotating.log');
    writeFileSync(path, Array.from({ length: 100 }, (_, i) => `old ${i + 1}`).join('\n') + '\n');
    const page = await openText(path);
    await page.keyboard.press('f');
    await page.keyboard.press('Control+End');
    await expect.poll(() => currentLine(page)).toBe(100);
    writeFileSync(`${path}.new`, 'new 1\nnew 2\nnew 3\nnew 4\n');
    renameSync(`${path}.new`, path);
    const notice = page.getByTestId('file-notice');
    await expect.poll(() => notice.textContent(), { timeout: 10_000 }).toMatch(/replaced/);
    await expect.poll(() => page.getByTestId('line-count').getAttribute('data-lines')).toBe('4');
    await expect.poll(() => currentLine(page)).toBe(4);
    await page.locator('[data-testid=text-view] [data-line="4"][data-current=true]').waitFor();
    await notice.getByRole('button', { name: 'OK' }).click();
    await expect.poll(() => notice.count()).toBe(0);
    await expect.poll(() => activeTestId(page)).toBe('text-view');
    await page.keyboard.press('ArrowUp');
    await expect.poll(() => currentLine(page)).toBe(3);
  });

  it('a long line scrolls sideways; a binary in the hex view shows no line count', async () => {
    const page = await openText(log);
    await page.locator('[data-testid=text-view] [data-line="5"]').waitFor();
    const scroller = page.locator('[data-testid=text-view] .vrows-list');
    const sideways = await scroller.evaluate((element) => ({
      overflowX: getComputedStyle(element).overflowX,
      scrollWidth: element.scrollWidth,
      clientWidth: element.clientWidth,
      // Headless Chromium hides scrollbars from layout; the style says what a person sees.
      barHeight: parseFloat(getComputedStyle(element, '::-webkit-scrollbar').height),
    }));
    expect(['auto', 'scroll']).toContain(sideways.overflowX);
    expect(sideways.scrollWidth).toBeGreaterThan(sideways.clientWidth * 2);
    expect(sideways.barHeight).toBeGreaterThan(0);
    await scroller.evaluate((element) => {
      element.scrollLeft = 2000;
    });
    expect(await scroller.evaluate((element) => element.scrollLeft)).toBeGreaterThan(1000);
    // The gutter stays put while the text scrolls under it.
    const gutter = await page.locator('[data-testid=text-view] [data-line="5"] .gutter').boundingBox();
    const view = await page.locator('[data-testid=text-view]').boundingBox();
    expect(Math.abs((gutter?.x ?? -1) - (view?.x ?? 0))).toBeLessThan(2);

    const hex = await suite.start(bin);
    await hex.locator('[data-byte="0"]').waitFor();
    await hex.getByTestId('file-size').waitFor();
    expect(await hex.getByTestId('line-count').count()).toBe(0);
    expect(await hex.locator('.statusbar').textContent()).not.toMatch(/lines?\b/i);
  });

  it('the edit buttons show in the hex view and with edits, not in a text view without edits', async () => {
    const page = await openText(log);
    expect(await page.getByRole('button', { name: 'Commit edits' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Undo' }).count()).toBe(0);
    await page.getByTestId('view-hex').click();
    await page.locator('[data-byte="0"]').waitFor();
    await expect.poll(() => page.getByRole('button', { name: 'Commit edits' }).isDisabled()).toBe(true);
    await page.locator('[data-byte="0"]').click();
    await page.keyboard.type('41');
    await expect.poll(() => page.getByRole('button', { name: 'Commit edits' }).isDisabled()).toBe(false);
    await page.getByTestId('view-text').click();
    await page.locator('[data-testid=text-view] [data-line="1"]').waitFor();
    // Pending edits keep their buttons in sight in the text view too.
    await expect.poll(() => page.getByRole('button', { name: 'Discard edits' }).isDisabled()).toBe(false);
    await page.getByRole('button', { name: 'Discard edits' }).click();
    await expect.poll(() => page.getByTestId('pending-edits').count()).toBe(0);
    await expect.poll(() => page.getByRole('button', { name: 'Commit edits' }).isDisabled()).toBe(true);
  });

  it('with no file open, the app lists the offered files and the main keys', async () => {
    const page = await openText(log);
    await page.getByRole('button', { name: 'Close tab' }).click();
    const welcome = page.getByTestId('welcome');
    await welcome.waitFor();
    expect(await welcome.getByRole('list', { name: 'Files to open' }).getByRole('button').allTextContents()).toEqual([
      'service.log',
    ]);
    const keys = await welcome.getByRole('table', { name: 'Keyboard shortcuts' }).locator('kbd').allTextContents();
    expect(keys).toEqual(expect.arrayContaining(['Ctrl+O', 'Ctrl+F', 'Ctrl+G', 'Ctrl+S']));
    await welcome.getByRole('button', { name: 'service.log' }).click();
    await page.locator('[data-testid=text-view] [data-line="1"]').waitFor();
  });

  for (const width of [1280, 1920]) {
    it(`at ${width} px the byte map strip and the inspector sit beside the hex data, with the scrollbar at the data's edge`, async () => {
      const page = await suite.start(bin);
      await page.setViewportSize({ width, height: 900 });
      await page.locator('[data-byte="0"]').waitFor();
      const data = await page.getByTestId('hex-view').boundingBox();
      const inspector = await page.getByTestId('inspector').boundingBox();
      const lastAscii = await page.locator('[data-char="15"]').boundingBox();
      const bar = await page.locator('[data-testid=hex-view] .vrows-track').first().boundingBox();
      // The byte map strip stands between the data's scrollbar and the inspector.
      const strip = await page.getByTestId('byte-map').boundingBox();
      if (data === null || inspector === null || lastAscii === null || bar === null || strip === null)
        throw new Error('hex layout not rendered');
      expect(Math.abs(strip.x - (data.x + data.width))).toBeLessThan(4);
      expect(strip.width).toBeLessThan(24);
      expect(Math.abs(inspector.x - (strip.x + strip.width))).toBeLessThan(4);
      // No gap: the data pane ends within a scrollbar's width and some padding of the last column.
      expect(data.x + data.width - (lastAscii.x + lastAscii.width)).toBeLessThan(48);
      expect(Math.abs(bar.x + bar.width - (data.x + data.width))).toBeLessThan(4);
    });
  }
});
