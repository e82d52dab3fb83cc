// Issue 11, the app shell: tabs, the command palette, the shortcuts sheet, persisted settings and
// recent files, themes, and a chrome that stays one row high.
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { openPage } from './support/harness';
import { browserSuite } from './support/suite';

const currentLine = async (page: Page): Promise<number> =>
  Number(await page.locator('[data-testid=current-line]').getAttribute('data-at-line'));
const activeTab = (page: Page): Promise<string | null> =>
  page.locator('[data-testid=tab][aria-selected=true]').getAttribute('data-name');
const tabNames = (page: Page): Promise<(string | null)[]> =>
  page.locator('[data-testid=tab]').evaluateAll((tabs) => tabs.map((tab) => tab.getAttribute('data-name')));

async function goToLine(page: Page, line: number): Promise<void> {
  await page.keyboard.press('Control+g');
  await page.getByLabel('Go to line').fill(String(line));
  await page.keyboard.press('Enter');
  await page.locator(`[data-testid=text-view] [data-line="${line}"][data-current=true]`).waitFor();
}

async function find(page: Page, query: string): Promise<void> {
  await page.keyboard.press('Control+f');
  await page.getByLabel('Find').fill(query);
  await page.locator('[data-testid=match-count][data-done=true]').waitFor();
  await page.keyboard.press('Escape');
}

async function runFromPalette(page: Page, query: string, title: string): Promise<void> {
  await page.keyboard.press('Control+Shift+P');
  const input = page.getByLabel('Command');
  await input.fill(query);
  const option = page.getByRole('option', { name: title }).first();
  await option.waitFor();
  expect(await page.getByRole('option').first().textContent()).toContain(title);
  await page.keyboard.press('Enter');
  await expect.poll(() => input.count()).toBe(0);
}

describe('the app shell: tabs, palette, settings, themes', () => {
  const suite = browserSuite('hexlog-shell-');
  const files: Record<string, string> = {};

  beforeAll(() => {
    for (const [name, words] of [
      ['alpha.log', 'alpha'],
      ['beta.log', 'beta'],
      ['gamma.log', 'gamma'],
    ] as const) {
      const lines = Array.from({ length: 3000 }, (_, i) => `${words} line ${i + 1}${i % 10 === 0 ? ' needle' : ''}`);
      files[name] = join(suite.dir, name);
      writeFileSync(files[name], `${lines.join('\n')}\n`);
    }
  });

  const path = (name: string): string => files[name] ?? '';
  const openAll = async (): Promise<Page> => {
    const page = await suite.start(path('alpha.log'), path('beta.log'), path('gamma.log'));
    await expect.poll(() => tabNames(page)).toEqual(['alpha.log', 'beta.log', 'gamma.log']);
    await page.locator('[data-testid=text-view] [data-line="1"]').waitFor();
    await page.locator('[data-testid=line-count][data-done=true]').waitFor();
    return page;
  };

  it('opens every file named on the command line as a tab; each keeps its position and query; Ctrl+W closes', async () => {
    const page = await openAll();
    expect(await activeTab(page)).toBe('alpha.log');
    await goToLine(page, 1500);
    await find(page, 'needle');

    await page.keyboard.press('Control+Tab');
    await expect.poll(() => activeTab(page)).toBe('beta.log');
    await page.locator('[data-testid=line-count][data-done=true]').waitFor();
    expect(await currentLine(page)).toBe(1);
    await goToLine(page, 42);
    await find(page, 'beta line 7');

    await page.keyboard.press('Control+Tab');
    await expect.poll(() => activeTab(page)).toBe('gamma.log');
    await page.keyboard.press('Control+Tab');
    await expect.poll(() => activeTab(page)).toBe('alpha.log');
    await expect.poll(() => currentLine(page)).toBe(1500);
    await page.locator('[data-testid=text-view] [data-line="1500"][data-current=true]').waitFor();
    await page.keyboard.press('Control+f');
    expect(await page.getByLabel('Find').inputValue()).toBe('needle');
    expect(await page.getByTestId('match-count').getAttribute('data-count')).toBe('300');
    await page.keyboard.press('Escape');

    await page.keyboard.press('Control+Shift+Tab');
    await expect.poll(() => activeTab(page)).toBe('gamma.log');
    await page.keyboard.press('Control+Shift+Tab');
    await expect.poll(() => activeTab(page)).toBe('beta.log');
    await expect.poll(() => currentLine(page)).toBe(42);
    await page.keyboard.press('Control+f');
    expect(await page.getByLabel('Find').inputValue()).toBe('beta line 7');
    await page.keyboard.press('Escape');

    await page.keyboard.press('Control+w');
    await expect.poll(() => tabNames(page)).toEqual(['alpha.log', 'gamma.log']);
    expect(await activeTab(page)).toBe('gamma.log');
    // A click on a tab's close button closes that tab, not the active one.
    await page.locator('[data-testid=tab][data-name="alpha.log"]').getByRole('button', { name: 'Close tab' }).click();
    await expect.poll(() => tabNames(page)).toEqual(['gamma.log']);
  });

  it('a file already open is focused, not opened twice; closing a tab with edits asks first', async () => {
    const page = await openAll();
    await page.keyboard.press('Control+o');
    await page.getByLabel('Open a file').fill('gamma');
    await page.keyboard.press('Enter');
    await expect.poll(() => activeTab(page)).toBe('gamma.log');
    expect(await tabNames(page)).toEqual(['alpha.log', 'beta.log', 'gamma.log']);

    await page.getByTestId('view-hex').click();
    await page.locator('[data-byte="0"]').click();
    await page.keyboard.type('41');
    await page.locator('[data-testid=tab][data-name="gamma.log"] [data-testid=modified-dot]').waitFor();
    await page.keyboard.press('Control+w');
    const dialog = page.getByRole('dialog', { name: 'Pending edits' });
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect(await tabNames(page)).toEqual(['alpha.log', 'beta.log', 'gamma.log']);
    await page.keyboard.press('Control+w');
    await page.getByRole('button', { name: 'Discard and continue' }).click();
    await expect.poll(() => tabNames(page)).toEqual(['alpha.log', 'beta.log']);
  });

  it('the palette runs "Go to line" and "Toggle theme"; a reload keeps the theme and the recent files', async () => {
    const page = await openAll();
    const theme = (): Promise<string | null> => page.evaluate(() => document.documentElement.dataset['theme'] ?? null);
    const before = await theme();
    expect(['light', 'dark']).toContain(before);

    await runFromPalette(page, 'go to line', 'Go to line or offset');
    await page.getByLabel('Go to line').fill('777');
    await page.keyboard.press('Enter');
    await expect.poll(() => currentLine(page)).toBe(777);

    await runFromPalette(page, 'toggle theme', 'Toggle theme');
    const toggled = before === 'dark' ? 'light' : 'dark';
    await expect.poll(theme).toBe(toggled);

    // Entries show their shortcut, and typing filters them fuzzily.
    await page.keyboard.press('Control+Shift+P');
    await page.getByLabel('Command').fill('shrtcts');
    const entry = page.getByRole('option').first();
    expect(await entry.textContent()).toContain('Keyboard shortcuts');
    expect(await entry.textContent()).toContain('F1');
    await page.keyboard.press('Escape');

    await page.reload();
    await page.locator('[data-testid=line-count][data-done=true]').waitFor();
    await expect.poll(theme).toBe(toggled);
    await page.keyboard.press('Control+Shift+P');
    await page.getByLabel('Command').fill('recent');
    const recent = await page.getByRole('option').allTextContents();
    for (const name of ['alpha.log', 'beta.log', 'gamma.log']) {
      expect(recent.some((text) => text.includes(`Open recent: ${name}`))).toBe(true);
    }
    await page.keyboard.press('Escape');
    // The file comes back where it was left.
    await expect.poll(() => currentLine(page)).toBe(777);
  });

  it('settings live in the host config folder: a new host keeps them; a corrupt file is set aside with a notice', async () => {
    const config = join(suite.dir, 'config');
    mkdirSync(config);
    const first = await suite.hostWith({ configDir: config }, path('alpha.log'));
    let page = await openPage(suite.browser(), first.url);
    await page.locator('[data-testid=line-count][data-done=true]').waitFor();
    await runFromPalette(page, 'theme dark', 'Theme: dark');
    await page.keyboard.press('Control+=');
    await page.keyboard.press('Control+=');
    await page.keyboard.press('w');
    await runFromPalette(page, 'row width 32', 'Hex row width: 32 bytes');
    const fontSize = (): Promise<string> =>
      page.evaluate(() => document.documentElement.style.getPropertyValue('--content-font-size'));
    await expect.poll(fontSize).toBe('15px');
    await page.close();
    await first.stop();
    expect(readdirSync(config)).toEqual(['web-settings.json']);

    const second = await suite.hostWith({ configDir: config }, path('beta.log'));
    page = await openPage(suite.browser(), second.url);
    await page.locator('[data-testid=line-count][data-done=true]').waitFor();
    expect(await page.evaluate(() => document.documentElement.dataset['theme'])).toBe('dark');
    await expect.poll(fontSize).toBe('15px');
    expect(await page.getByRole('button', { name: 'Wrap' }).getAttribute('aria-pressed')).toBe('true');
    await page.getByTestId('view-hex').click();
    expect(await page.getByLabel('Bytes per row').inputValue()).toBe('32');
    await page.keyboard.press('Control+o');
    const offered = await page.getByRole('option').allTextContents();
    expect(offered.some((text) => text.includes('alpha.log'))).toBe(true);
    await page.close();
    await second.stop();

    writeFileSync(join(config, 'web-settings.json'), '{"version": 1, "settings": {');
    const third = await suite.hostWith({ configDir: config }, path('gamma.log'));
    page = await openPage(suite.browser(), third.url);
    const alert = page.locator('[role=alert]', { hasText: 'set aside' });
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/web-settings\.json\.corrupt-/);
    await page.locator('[data-testid=line-count][data-done=true]').waitFor();
    expect(await page.evaluate(() => document.documentElement.dataset['theme'])).toBe('light');
    expect(readdirSync(config).some((name) => name.startsWith('web-settings.json.corrupt-'))).toBe(true);
  });

  it('F1 shows the shortcuts sheet, generated from the command table', async () => {
    const page = await openAll();
    await page.keyboard.press('F1');
    const sheet = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await sheet.waitFor();
    const keys = await sheet.locator('kbd').allTextContents();
    expect(keys).toEqual(expect.arrayContaining(['Ctrl+Shift+P', 'Ctrl+Tab', 'Ctrl+W', 'Ctrl+O', 'F1']));
    await page.keyboard.press('Escape');
    await expect.poll(() => sheet.count()).toBe(0);
    // ? from the view opens it too; in a text field it is typed.
    await page.locator('[data-testid=text-view]').focus();
    await page.keyboard.press('?');
    await sheet.waitFor();
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+f');
    await page.keyboard.press('?');
    expect(await page.getByLabel('Find').inputValue()).toBe('?');
    expect(await sheet.count()).toBe(0);
  });

  for (const [width, height] of [
    [1280, 800],
    [1920, 1080],
  ] as const) {
    it(`at ${width}×${height} every bar of chrome is one row, in both views and with find open`, async () => {
      const page = await openAll();
      await page.setViewportSize({ width, height });
      const heights = (): Promise<Record<string, number>> =>
        page.evaluate(() => {
          const out: Record<string, number> = {};
          for (const selector of ['.tab-bar', '.file-bar', '.statusbar', '.find-bar .find-row']) {
            const element = document.querySelector(selector);
            if (element !== null) out[selector] = element.getBoundingClientRect().height;
          }
          return out;
        });
      await page.keyboard.press('Control+f');
      await page.getByLabel('Find').fill('needle');
      await page.locator('[data-testid=match-count][data-done=true]').waitFor();
      await page.keyboard.press('Control+g');
      for (const view of ['text', 'hex'] as const) {
        await page.getByTestId(`view-${view}`).click();
        const seen = await heights();
        expect(Object.keys(seen).length, view).toBe(4);
        for (const [selector, height] of Object.entries(seen))
          expect(height, `${view} ${selector}`).toBeLessThanOrEqual(40);
      }
    });
  }
});
