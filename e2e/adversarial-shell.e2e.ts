// Adversarial tests of the app shell (issue 11): each one failed on the defect it names until it was fixed.
import { symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { browserSuite } from './support/suite';

const activeTab = (page: Page): Promise<string | null> =>
  page.locator('[data-testid=tab][aria-selected=true]').getAttribute('data-name');
const tabNames = (page: Page): Promise<(string | null)[]> =>
  page.locator('[data-testid=tab]').evaluateAll((tabs) => tabs.map((tab) => tab.getAttribute('data-name')));
const fontSize = (page: Page): Promise<string> =>
  page.evaluate(() => document.documentElement.style.getPropertyValue('--content-font-size'));

describe('adversarial: the app shell', () => {
  const suite = browserSuite('hexlog-adv-shell-');
  const path = (name: string): string => join(suite.dir, name);

  beforeAll(() => {
    for (const name of ['alpha.log', 'beta.log', 'gamma.log', 'delta.log']) {
      const lines = Array.from({ length: 2000 }, (_, i) => `${name} line ${i + 1}`);
      writeFileSync(path(name), `${lines.join('\n')}\n`);
    }
    symlinkSync(path('alpha.log'), path('link.log'));
  });

  const open = async (...names: string[]): Promise<Page> => {
    const page = await suite.start(...names.map(path));
    await expect.poll(() => tabNames(page)).toHaveLength(names.length);
    await page.locator('[data-testid=line-count][data-done=true]').waitFor();
    return page;
  };

  /** Gives `name` a pending edit (hex view, first byte) and leaves it in the hex view. */
  const editFirstByte = async (page: Page, name: string): Promise<void> => {
    await page.locator(`[data-testid=tab][data-name="${name}"]`).click();
    await page.getByTestId('view-hex').click();
    await page.locator('[data-byte="0"]').click();
    await page.keyboard.type('41');
    await page.locator(`[data-testid=tab][data-name="${name}"] [data-testid=modified-dot]`).waitFor();
  };

  it('F1 opens the shortcuts sheet while typing in the find input', async () => {
    const page = await open('alpha.log');
    await page.keyboard.press('Control+f');
    await page.getByLabel('Find').fill('abc');
    await page.keyboard.press('F1');
    await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor({ timeout: 2000 });
  });

  it('"Close other tabs" closes every other tab once a tab with pending edits is discarded, and keeps the one it was run from', async () => {
    const page = await open('alpha.log', 'beta.log', 'gamma.log', 'delta.log');
    await editFirstByte(page, 'beta.log');
    await page.locator('[data-testid=tab][data-name="alpha.log"]').click();
    await expect.poll(() => activeTab(page)).toBe('alpha.log');
    await page.keyboard.press('Control+Shift+P');
    await page.getByLabel('Command').fill('close other tabs');
    await page.keyboard.press('Enter');
    await page
      .getByRole('dialog', { name: 'Pending edits' })
      .getByRole('button', { name: 'Discard and continue' })
      .click();
    await expect.poll(() => tabNames(page), { timeout: 3000 }).toEqual(['alpha.log']);
    expect(await activeTab(page)).toBe('alpha.log');
  });

  it('the pending-edits dialog asked for a background tab takes the focus, and Escape cancels it', async () => {
    const page = await open('alpha.log', 'beta.log');
    await editFirstByte(page, 'beta.log');
    await page.locator('[data-testid=tab][data-name="alpha.log"]').click();
    await expect.poll(() => activeTab(page)).toBe('alpha.log');
    await page.locator('[data-testid=tab][data-name="beta.log"]').getByRole('button', { name: 'Close tab' }).click();
    const dialog = page.getByRole('dialog', { name: 'Pending edits' });
    await dialog.waitFor();
    await expect
      .poll(() => dialog.evaluate((box) => box.contains(document.activeElement)), { timeout: 2000 })
      .toBe(true);
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.count(), { timeout: 2000 }).toBe(0);
  });

  it('Escape closes the palette after Tab moved the focus off its input', async () => {
    const page = await open('alpha.log');
    await page.keyboard.press('Control+Shift+P');
    await page.getByLabel('Command').waitFor();
    await page.keyboard.press('Tab');
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByLabel('Command').count(), { timeout: 2000 }).toBe(0);
  });

  it('Ctrl+Shift+P while the shortcuts sheet is open shows the palette', async () => {
    const page = await open('alpha.log');
    await page.keyboard.press('F1');
    await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor();
    await page.keyboard.press('Control+Shift+P');
    await page.getByLabel('Command').waitFor({ timeout: 2000 });
  });

  it('every Ctrl+= and Ctrl+- counts, however fast they come', async () => {
    const page = await open('alpha.log');
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 40; i++) await page.keyboard.press('Control+=');
      await expect.poll(() => fontSize(page)).toBe('28px');
      for (let i = 0; i < 60; i++) await page.keyboard.press('Control+-');
      // Settles at the minimum, and stays there once the host has answered every change.
      await new Promise((resolve) => setTimeout(resolve, 800));
      expect(await fontSize(page), `round ${round}`).toBe('9px');
    }
  });

  it('the same file named twice (once through a symlink) opens one tab', async () => {
    const page = await suite.start(path('alpha.log'), path('link.log'));
    await page.locator('[data-testid=line-count][data-done=true]').waitFor();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(await tabNames(page)).toEqual(['alpha.log']);
  });

  it('Ctrl+Tab with one tab does not blame the view', async () => {
    const page = await open('alpha.log');
    await page.keyboard.press('Control+Tab');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const said = await page.locator('[role=alert], [role=status]').allTextContents();
    expect(said.join(' ')).not.toContain('not available in this view');
  });
});
