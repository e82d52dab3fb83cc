import { AxeBuilder } from '@axe-core/playwright';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateLog } from '../bench/generate';
import { seededRandom } from '../src/shared/seededRandom';
import { browserSuite } from './support/suite';

interface Finding {
  readonly rule: string;
  readonly impact: string;
  readonly targets: readonly string[];
}

/** axe-core's serious and critical findings on the page as it is now (WCAG 2.x A and AA rules, best practices). */
const seriousFindings = async (page: Page): Promise<Finding[]> => {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'])
    .analyze();
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => ({
      rule: violation.id,
      impact: violation.impact ?? '',
      targets: violation.nodes.map((node) => node.target.join(' ')),
    }));
};

/** WCAG 2 contrast ratio of an element's own text colour against its own (opaque) background. */
const contrastOf = async (locator: Locator): Promise<number> => {
  const [text, background] = await locator.evaluate((element) => {
    const style = getComputedStyle(element);
    return [style.color, style.backgroundColor];
  });
  const luminance = (rgb: string): number => {
    const [r, g, b] = (rgb.match(/[\d.]+/g) ?? []).slice(0, 3).map((part) => {
      const channel = Number(part) / 255;
      return channel <= 0.03928 ? channel / 12.92 : ((channel + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
  };
  const [light, dark] = [luminance(text), luminance(background)].sort((a, b) => b - a);
  return (light! + 0.05) / (dark! + 0.05);
};

describe('accessibility (axe-core) through the browser host', () => {
  const suite = browserSuite('hexlog-a11y-');
  const log = join(suite.dir, 'app.log');
  const bin = join(suite.dir, 'fw.bin');

  // AxeBuilder opens a helper page in the page's context, which needs a context of our own.
  const start = async (file: string, colorScheme: 'light' | 'dark' = 'light', ...more: string[]): Promise<Page> => {
    const host =
      more.length === 0 ? await suite.host(file) : await suite.hostWith({ args: ['--merge'] }, file, ...more);
    const context = await suite.browser().newContext({ viewport: { width: 1280, height: 800 }, colorScheme });
    const page = await context.newPage();
    page.setDefaultTimeout(5000);
    await page.goto(host.url);
    // With no theme chosen, the page follows the OS.
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset['theme'])).toBe(colorScheme);
    return page;
  };

  // The first page of bytes can take a while on a busy machine; expect.poll gives up after 1 s.
  const firstBytes = (page: Page) =>
    expect.poll(() => page.locator('[data-byte="0"]').textContent(), { timeout: 15_000 }).toBe('00');

  beforeAll(() => {
    generateLog(log, 1 << 20, 5);
    const bytes = Buffer.from(seededRandom(9).bytes(50_000));
    bytes.set([0x00, 0x01, 0x02, 0x03], 0);
    writeFileSync(bin, bytes);
  });

  for (const scheme of ['light', 'dark'] as const) {
    it(`${scheme} theme: the text view of a log has no serious or critical findings`, async () => {
      const page = await start(log, scheme);
      await page.locator('[data-testid=text-view] [data-line="1"]').waitFor();
      await page.locator('[data-testid=line-count][data-lines]').waitFor({ timeout: 30_000 });
      // The times: the timeline (with a range dragged on it), the line's time, the format menu.
      await page.locator('[data-testid=timeline][data-lines]').waitFor({ timeout: 30_000 });
      const strip = (await page.locator('[data-testid=timeline] canvas').boundingBox())!;
      await page.mouse.move(strip.x + strip.width * 0.2, strip.y + strip.height / 2);
      await page.mouse.down();
      await page.mouse.move(strip.x + strip.width * 0.6, strip.y + strip.height / 2, { steps: 5 });
      await page.mouse.up();
      await page.getByTestId('timeline-range').waitFor();
      await page.getByTestId('line-time').waitFor();
      expect(await seriousFindings(page)).toEqual([]);
    });

    it(`${scheme} theme: the hex view of a binary, with the inspector, has no serious or critical findings`, async () => {
      const page = await start(bin, scheme);
      await firstBytes(page);
      await page.locator('[data-byte="2"]').click();
      await page.locator('[data-testid=inspector]').waitFor();
      expect(await seriousFindings(page)).toEqual([]);
    });

    it(`${scheme} theme: the hex view's bookmarks, hashes, bookmark dialog and right-click menu have no serious or critical findings`, async () => {
      const page = await start(bin, scheme);
      await firstBytes(page);
      await page.locator('[data-byte="4"]').click();
      await page.locator('[data-byte="40"]').click({ modifiers: ['Shift'] });
      await page.keyboard.press('Control+b');
      await page.getByLabel('Bookmark name').fill('header');
      expect(await seriousFindings(page)).toEqual([]);
      await page.getByLabel('Bookmark name').press('Enter');
      await page.locator('[data-testid=bookmarks] [data-bookmark=header]').waitFor();
      await page.getByRole('button', { name: 'Hashes', exact: true }).click();
      await page.locator('[data-testid=hashes][data-done=true]').waitFor({ timeout: 15_000 });
      await page.locator('[data-byte="100"]').click();
      await page.locator('[data-byte="100"]').click({ button: 'right' });
      await page.getByRole('menu').waitFor();
      expect(await seriousFindings(page)).toEqual([]);
    });

    it(`${scheme} theme: the find bar with highlighted matches has no serious or critical findings`, async () => {
      const page = await start(log, scheme);
      await page.locator('[data-testid=text-view] [data-line="1"]').waitFor();
      await page.keyboard.press('Control+f');
      await page.getByLabel('Find').fill('ERROR');
      await page.getByLabel('Find').press('Enter');
      await page.locator('[data-testid=match-count][data-done=true]').waitFor({ timeout: 30_000 });
      expect(Number(await page.locator('[data-testid=match-count]').getAttribute('data-count'))).toBeGreaterThan(0);
      await page.locator('[data-testid=text-view] mark[data-match=current]').waitFor();
      expect(await page.locator('[data-testid=text-view] mark[data-match]').count()).toBeGreaterThan(1);
      await page.getByRole('button', { name: 'Matches' }).click();
      await page.locator('[data-testid=matches] .match-row').first().waitFor();
      expect(await seriousFindings(page)).toEqual([]);
      // axe cannot see behind the sticky gutter, so it leaves text rows unchecked; check highlights here.
      expect(
        await contrastOf(page.locator('[data-testid=text-view] mark[data-match]:not([data-match=current])').first()),
      ).toBeGreaterThanOrEqual(4.5);
      expect(await contrastOf(page.locator('[data-testid=text-view] mark[data-match=current]'))).toBeGreaterThanOrEqual(
        4.5,
      );
    });

    it(`${scheme} theme: the log tools (rules, filtered view, marks pane, highlight rules) have no serious or critical findings`, async () => {
      const page = await start(log, scheme);
      await page.locator('[data-testid=line-count][data-lines]').waitFor({ timeout: 30_000 });
      // Level colours read against the view's background (axe leaves text rows unchecked).
      for (const level of ['error', 'warn', 'debug', 'info']) {
        const row = page.locator(`[data-testid=text-view] [data-level=${level}] [data-part=text]`).first();
        if ((await row.count()) === 0) continue;
        const ratio = await row.evaluate((element) => {
          const luminance = (rgb: string): number => {
            const [r, g, b] = (rgb.match(/[\d.]+/g) ?? []).slice(0, 3).map((part) => {
              const channel = Number(part) / 255;
              return channel <= 0.03928 ? channel / 12.92 : ((channel + 0.055) / 1.055) ** 2.4;
            });
            return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
          };
          // The first opaque background behind the row.
          let behind: Element | null = element;
          while (behind !== null && /rgba\(.*, 0\)|transparent/.test(getComputedStyle(behind).backgroundColor)) {
            behind = behind.parentElement;
          }
          const [light, dark] = [
            luminance(getComputedStyle(element).color),
            luminance(getComputedStyle(behind ?? document.documentElement).backgroundColor),
          ].sort((a, b) => b - a);
          return (light! + 0.05) / (dark! + 0.05);
        });
        expect(ratio, level).toBeGreaterThanOrEqual(4.5);
      }
      await page.getByRole('button', { name: 'Filtered view' }).click();
      await page.getByLabel('Filter pattern').fill('ERROR');
      await page.getByRole('button', { name: 'Add rule' }).click();
      await page.locator('[data-testid=filtered-count][data-done=true]').waitFor({ timeout: 30_000 });
      await page.locator('[data-testid=text-view]').focus();
      await page.keyboard.press('m');
      await page.getByRole('button', { name: 'Marked lines' }).click();
      await page.getByTestId('marks').locator('[data-line]').first().waitFor();
      expect(await seriousFindings(page)).toEqual([]);
      await page.getByRole('button', { name: 'Highlights' }).click();
      await page.getByRole('dialog', { name: 'Highlight rules' }).waitFor();
      expect(await seriousFindings(page)).toEqual([]);
    });

    it(`${scheme} theme: a merged tab of two logs, its rows naming their files, has no serious or critical findings`, async () => {
      const second = join(suite.dir, 'other.log');
      generateLog(second, 1 << 18, 6);
      const page = await start(log, scheme, second);
      await page.locator('[data-testid=tab][data-merged=true][aria-selected=true]').waitFor({ timeout: 30_000 });
      await page
        .locator('[data-testid=text-view] [data-line="1"] [data-part=source]:not(:empty)')
        .waitFor({ timeout: 30_000 });
      expect(await seriousFindings(page)).toEqual([]);
      // axe leaves text rows unchecked (behind the sticky gutter): each file's tag colour is checked here.
      for (const name of ['app.log', 'other.log']) {
        const tag = page.locator('[data-testid=text-view] [data-part=source]', { hasText: name }).first();
        await tag.waitFor({ timeout: 30_000 });
        const contrast = await tag.evaluate((element) => {
          const parse = (rgb: string): number[] => (rgb.match(/[\d.]+/g) ?? []).map(Number);
          // The first opaque background behind the tag.
          let behind: Element | null = element;
          let background = 'rgb(255, 255, 255)';
          while (behind !== null) {
            const colour = getComputedStyle(behind).backgroundColor;
            const parts = parse(colour);
            if (parts.length === 3 || (parts.length === 4 && parts[3]! > 0.99)) {
              background = colour;
              break;
            }
            behind = behind.parentElement;
          }
          const lum = (rgb: string): number => {
            const [r, g, b] = parse(rgb)
              .slice(0, 3)
              .map((part) => {
                const c = part / 255;
                return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
              });
            return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
          };
          const [light, dark] = [lum(getComputedStyle(element).color), lum(background)].sort((a, b) => b - a);
          return (light! + 0.05) / (dark! + 0.05);
        });
        expect(contrast, name).toBeGreaterThanOrEqual(4.5);
      }
      // Find in the merged tab, with the matches pane (its rows name their files too).
      await page.getByTestId('text-view').focus();
      await page.keyboard.press('Control+f');
      await page.getByLabel('Find').fill('ERROR');
      await page.getByLabel('Find').press('Enter');
      await page.locator('[data-testid=match-count][data-done=true]').waitFor({ timeout: 30_000 });
      await page.getByRole('button', { name: 'Matches' }).click();
      await page.locator('[data-testid=matches] [data-part=source]:not(:empty)').first().waitFor();
      expect(await seriousFindings(page)).toEqual([]);
    });

    it(`${scheme} theme: the command palette and the shortcuts sheet have no serious or critical findings`, async () => {
      const page = await start(log, scheme);
      await page.locator('[data-testid=text-view] [data-line="1"]').waitFor();
      await page.keyboard.press('Control+Shift+P');
      await page.getByLabel('Command').fill('theme');
      await page.getByRole('option').first().waitFor();
      expect(await seriousFindings(page)).toEqual([]);
      await page.keyboard.press('Escape');
      await page.keyboard.press('F1');
      await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor();
      expect(await seriousFindings(page)).toEqual([]);
    });
  }

  it('the pending-edits dialog has no serious or critical findings', async () => {
    const page = await start(bin);
    await firstBytes(page);
    await page.locator('[data-byte="8"]').click();
    await page.keyboard.type('ab');
    await expect.poll(() => page.locator('[data-byte="8"]').getAttribute('data-modified')).toBe('true');
    await page.getByRole('button', { name: 'Close tab' }).click();
    await page.getByRole('dialog', { name: 'Pending edits' }).waitFor();
    expect(await seriousFindings(page)).toEqual([]);
  });
});
