// The byte map strip and the strings pane, in Chromium against the browser host: the strip maps the
// whole file and a click jumps the hex view there; the strings pane lists a known string at its
// offset (as many strings as GNU strings finds), and a click selects it in the hex view.
import { AxeBuilder } from '@axe-core/playwright';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../src/shared/seededRandom';
import { browserSuite } from './support/suite';

const SIZE = 1 << 20;
const MARKER = 'hexlog-known-string';
const MARKER_AT = 300_000;

/** Zeros with a known string, then seeded random bytes, then text lines. */
function firmwareLike(): Uint8Array {
  const bytes = new Uint8Array(SIZE);
  bytes.set(new TextEncoder().encode(MARKER), MARKER_AT);
  bytes.set(seededRandom(14).bytes(SIZE / 4), SIZE / 2);
  const line = new TextEncoder().encode('the quick brown fox jumps over the lazy dog\n');
  for (let at = (3 * SIZE) / 4; at < SIZE; at++) bytes[at] = line[at % line.length]!;
  return bytes;
}

async function palette(page: Page, text: string): Promise<void> {
  await page.keyboard.press('Control+Shift+P');
  await page.getByLabel('Command').fill(text);
  await page.getByRole('option').first().waitFor();
  await page.keyboard.press('Enter');
}

const cursorOffset = async (page: Page): Promise<number> =>
  Number(await page.locator('[data-testid=cursor-offset]').getAttribute('data-offset'));

describe('binary tools: byte map strip and strings', () => {
  const suite = browserSuite('hexlog-binary-e2e-');

  it('the strip maps the whole file, and a click jumps the hex view there', async () => {
    const path = join(suite.dir, 'firmware.bin');
    writeFileSync(path, firmwareLike());
    const page = await suite.start(path);
    const strip = page.locator('[data-testid=byte-map]');
    await expect.poll(() => strip.getAttribute('data-done'), { timeout: 20_000 }).toBe('true');
    expect(await strip.getAttribute('data-regions')).toBe('4096');
    expect(await strip.getAttribute('data-region-bytes')).toBe('256');

    const box = (await strip.boundingBox())!;
    // Three quarters down: the text lines.
    await page.mouse.click(box.x + box.width / 2, box.y + box.height * 0.75);
    const tolerance = (2 * SIZE) / box.height;
    await expect.poll(async () => Math.abs((await cursorOffset(page)) - 0.75 * SIZE) <= tolerance).toBe(true);
    const row = Math.floor((await cursorOffset(page)) / 16) * 16;
    await expect.poll(() => page.locator(`[data-testid=hex-view] [data-offset="${row}"]`).count()).toBe(1);
    // The keyboard stays in the hex view, as after a scrollbar click.
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('hex-view');

    // The panel's histogram counts every byte of the file.
    await palette(page, 'byte map panel');
    const histogram = page.locator('[data-testid=byte-histogram]');
    await expect.poll(() => histogram.getAttribute('data-total')).toBe(String(SIZE));
    // Half the file is zeros, but for the region of the known string (19 bytes of 256: other).
    const legend = page.locator('[data-testid=byte-map-legend]');
    expect(await legend.locator('[data-class=zeros]').getAttribute('data-regions')).toBe('2047');
    expect(await legend.locator('[data-class=high-entropy]').getAttribute('data-regions')).toBe('1024');
    expect(await legend.locator('[data-class=text]').getAttribute('data-regions')).toBe('1024');
  });

  it('the strings pane shows a known string at its offset, as many as GNU strings finds, and a click selects it', async () => {
    const path = join(suite.dir, 'strings.bin');
    writeFileSync(path, firmwareLike());
    const page = await suite.start(path);
    await page.locator('[data-testid=byte-map][data-done=true]').waitFor({ timeout: 20_000 });
    await palette(page, 'strings pane');
    const pane = page.locator('[data-testid=strings]');
    await pane.getByLabel('Minimum length').fill('8');
    await pane.getByLabel('Encoding').selectOption('both');
    await pane.getByRole('button', { name: 'Find strings' }).click();

    const count = page.locator('[data-testid=strings-count]');
    await expect.poll(() => count.getAttribute('data-done'), { timeout: 20_000 }).toBe('true');
    const gnu = (args: string[]): number =>
      execFileSync('strings', ['-a', '-n', '8', ...args, path], { encoding: 'latin1' })
        .split('\n')
        .filter(Boolean).length;
    expect(Number(await count.getAttribute('data-count'))).toBe(gnu([]) + gnu(['-e', 'l']));

    const row = pane.locator(`[data-string="${MARKER_AT}"]`);
    await expect.poll(() => row.textContent()).toContain(MARKER);
    expect(await row.getAttribute('data-length')).toBe(String(MARKER.length));
    await row.click();
    await expect.poll(() => cursorOffset(page)).toBe(MARKER_AT);
    await expect
      .poll(() => page.locator('[data-testid=selection-length]').getAttribute('data-bytes'))
      .toBe(String(MARKER.length));
    await expect.poll(() => page.locator(`[data-testid=hex-view] [data-byte="${MARKER_AT}"]`).textContent()).toBe('68');
  });

  it('the strip, the panel and the strings pane have no serious or critical axe findings, light and dark', async () => {
    const path = join(suite.dir, 'a11y.bin');
    writeFileSync(path, firmwareLike());
    // AxeBuilder opens a helper page in the page's context, which needs a context of our own.
    const host = await suite.host(path);
    const context = await suite.browser().newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.goto(host.url);
    await page.locator('[data-testid=byte-map][data-done=true]').waitFor({ timeout: 20_000 });
    await palette(page, 'byte map panel');
    await palette(page, 'strings pane');
    await page.getByRole('button', { name: 'Find strings' }).click();
    await page.locator('[data-testid=strings-count][data-done=true]').waitFor({ timeout: 20_000 });
    await page.locator(`[data-string="${MARKER_AT}"]`).waitFor();
    for (const theme of ['light', 'dark']) {
      await palette(page, `Theme: ${theme}`);
      await expect.poll(() => page.evaluate(() => document.documentElement.dataset['theme'])).toBe(theme);
      const results = await new AxeBuilder({ page })
        .include('[data-testid=byte-map]')
        .include('[data-testid=byte-map-panel]')
        .include('[data-testid=strings]')
        .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'])
        .analyze();
      const serious = results.violations
        .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
        .map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
      expect(serious, theme).toEqual([]);
    }
  });
});
