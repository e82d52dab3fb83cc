// The hex view's binary tools in Chromium: hashes of a selection against sha256sum and md5sum,
// named bookmarks (made, drawn, jumped to, edited, deleted, remembered, exported and imported), and
// Copy as… / paste against xxd.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../src/shared/seededRandom';
import { openPage } from './support/harness';
import { browserSuite } from './support/suite';

const sum = (tool: string, bytes: Uint8Array): string =>
  execFileSync(tool, { input: bytes, encoding: 'utf8' }).trim().split(/\s+/)[0]!;

describe('hex view binary tools through the browser host', () => {
  const suite = browserSuite('hexlog-hextools-');

  /** A binary file of seeded bytes (NUL bytes among them, so it opens in the hex view). */
  const makeFile = (name: string, size: number): { path: string; content: Buffer } => {
    const content = Buffer.from(seededRandom(size).bytes(size));
    content[0] = 0;
    const path = join(suite.dir, name);
    writeFileSync(path, content);
    return { path, content };
  };

  const opened = async (page: Page): Promise<Page> => {
    await page.locator('[data-byte="0"]').waitFor();
    return page;
  };

  const goToOffset = async (page: Page, offset: number): Promise<void> => {
    await page.getByTestId('hex-view').focus();
    await page.keyboard.press('Control+g');
    await page.getByLabel('Go to offset').fill(`#${offset}`);
    await page.getByLabel('Go to offset').press('Enter');
    await page.locator(`[data-byte="${offset}"][data-cursor=true]`).waitFor();
  };

  const hashes = async (page: Page): Promise<Record<string, string>> => {
    await page.locator('[data-testid=hashes][data-done=true]').waitFor({ timeout: 30_000 });
    const values: Record<string, string> = {};
    for (const algo of ['crc32', 'md5', 'sha1', 'sha256']) {
      values[algo] = (await page.locator(`[data-testid=hash][data-algo=${algo}]`).textContent()) ?? '';
    }
    return values;
  };

  it('the hashes of a selection equal sha256sum, sha1sum and md5sum of the same bytes, pending edits included', async () => {
    const { path, content } = makeFile('hash.bin', 3 * 1024 * 1024 + 17);
    const page = await opened(await suite.start(path));
    // Ctrl+A: the whole file.
    await page.getByTestId('hex-view').focus();
    await page.keyboard.press('Control+a');
    await expect
      .poll(() => page.getByTestId('selection-length').getAttribute('data-bytes'))
      .toBe(String(content.length));
    await page.getByRole('button', { name: 'Hashes', exact: true }).click();
    const whole = await hashes(page);
    expect(whole.sha256).toBe(sum('sha256sum', content));
    expect(whole.sha1).toBe(sum('sha1sum', content));
    expect(whole.md5).toBe(sum('md5sum', content));
    expect(whole.crc32).toMatch(/^[0-9a-f]{8}$/);

    // A selection made by Shift+click, after typing over its first bytes: the bytes as shown.
    await page.locator('[data-byte="20"]').click();
    await page.keyboard.type('c0ffee');
    await page.locator('[data-byte="22"][data-modified=true]').waitFor();
    await page.locator('[data-byte="18"]').click();
    await page.locator('[data-byte="300"]').click({ modifiers: ['Shift'] });
    await expect.poll(() => page.getByTestId('selection-length').getAttribute('data-bytes')).toBe('283');
    await page.keyboard.press('Control+Shift+p');
    await page.getByLabel('Command').fill('hashes of the selection');
    await page.getByRole('option', { name: /Hashes of the selection/ }).click();
    const shown = Buffer.from(content.subarray(18, 301));
    shown.set([0xc0, 0xff, 0xee], 2);
    await expect.poll(async () => (await hashes(page)).sha256).toBe(sum('sha256sum', shown));
    expect((await hashes(page)).md5).toBe(sum('md5sum', shown));
    // The file on disk is unchanged.
    expect(readFileSync(path).equals(content)).toBe(true);
  });

  it('Ctrl+B bookmarks the selection with a name and colour; the pane jumps, renames and deletes; bookmarks come back and export and import as JSON', async () => {
    const { path } = makeFile('marks.bin', 200_000);
    const config = join(suite.dir, 'config');
    mkdirSync(config);
    const host = await suite.hostWith({ configDir: config }, path);
    let page = await opened(await openPage(suite.browser(), host.url));

    await page.locator('[data-byte="16"]').click();
    await page.locator('[data-byte="23"]').click({ modifiers: ['Shift'] });
    await page.keyboard.press('Control+b');
    await page.getByLabel('Bookmark name').fill('header');
    await page.getByLabel('Green').check();
    await page.getByLabel('Note').fill('the magic and version');
    await page.getByLabel('Bookmark name').press('Enter');
    await page.locator('[data-testid=bookmarks] [data-bookmark=header]').waitFor();
    // Drawn over its bytes, in both panes, and nowhere else.
    expect(await page.locator('[data-bookmarked=header]').count()).toBe(16);
    expect(await page.locator('[data-byte="24"]').getAttribute('data-bookmarked')).toBeNull();

    // A second bookmark far away, at the cursor's byte only (no selection).
    await goToOffset(page, 150_000);
    await page.keyboard.press('Control+b');
    await page.getByLabel('Bookmark name').fill('far');
    await page.getByRole('button', { name: 'Add bookmark' }).click();
    const row = (name: string) => page.locator(`[data-testid=bookmarks] [data-bookmark="${name}"]`);
    await row('far').waitFor();
    // A name already taken is refused with a message, and nothing changes.
    await page.keyboard.press('Control+b');
    await page.getByLabel('Bookmark name').fill('far');
    await page.getByLabel('Bookmark name').press('Enter');
    await expect.poll(() => page.getByRole('dialog').getByRole('alert').textContent()).toMatch(/exists already/);
    await page.keyboard.press('Escape');
    expect(await page.locator('[data-testid=bookmarks] [data-bookmark]').count()).toBe(2);

    // A click on a row selects its bytes in the hex view.
    await row('header').click();
    await expect.poll(() => page.getByTestId('selection-length').getAttribute('data-bytes')).toBe('8');
    expect(await page.getByTestId('selection-length').getAttribute('data-start')).toBe('16');
    // F2 in the pane edits it (rename); Delete removes the other.
    await page.getByTestId('bookmarks').focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('F2');
    await page.getByLabel('Bookmark name').fill('tail');
    await page.getByLabel('Bookmark name').press('Enter');
    await row('tail').waitFor();
    await page.getByTestId('bookmarks').focus();
    await page.keyboard.press('Home');
    await page.keyboard.press('Delete');
    await expect.poll(() => page.locator('[data-testid=bookmarks] [data-bookmark]').count()).toBe(1);
    await page.locator('[data-byte="16"]').click();
    await page.locator('[data-byte="19"]').click({ modifiers: ['Shift'] });
    await page.keyboard.press('Control+b');
    await page.getByLabel('Bookmark name').fill('magic');
    await page.getByLabel('Bookmark name').press('Enter');
    await row('magic').waitFor();

    // Export: name.bookmarks.json beside the file (the browser host's place for a saved file).
    await page.getByRole('button', { name: 'Export…' }).click();
    const exported = join(suite.dir, 'marks.bookmarks.json');
    await expect.poll(() => readFileSync(exported, 'utf8').length > 0).toBe(true);
    const json = JSON.parse(readFileSync(exported, 'utf8')) as { bookmarks: { name: string; offset: number }[] };
    expect(json.bookmarks.map((bookmark) => [bookmark.name, bookmark.offset])).toEqual([
      ['magic', 16],
      ['tail', 150_000],
    ]);

    // The file opened again (a new host on the same settings) has its bookmarks back.
    await page.waitForTimeout(1200);
    await page.close();
    await host.stop();
    const again = await suite.hostWith({ configDir: config }, path);
    page = await opened(await openPage(suite.browser(), again.url));
    await page.getByRole('button', { name: /^Bookmarks/ }).click();
    await row('magic').waitFor();
    expect(await page.locator('[data-testid=bookmarks] [data-bookmark]').count()).toBe(2);
    expect(await page.locator('[data-byte="17"]').getAttribute('data-bookmarked')).toBe('magic');

    // Import: the same names are renamed, a bookmark past the end is left out, bad JSON is refused.
    const importPath = join(suite.dir, 'import.json');
    writeFileSync(
      importPath,
      JSON.stringify({
        bookmarks: [
          { name: 'magic', offset: 40, length: 4, color: '#539bf5', note: '' },
          { name: 'beyond', offset: 999_999, length: 4, color: '#539bf5', note: '' },
        ],
      }),
    );
    await page.getByLabel('Import bookmarks from a JSON file').setInputFiles(importPath);
    await row('magic (2)').waitFor();
    expect(await page.locator('[data-testid=bookmarks] [data-bookmark]').count()).toBe(3);
    writeFileSync(importPath, '{"bookmarks": [{"name": ""}]}');
    await page.getByLabel('Import bookmarks from a JSON file').setInputFiles(importPath);
    await expect.poll(() => page.locator('[role=alert]').last().textContent()).toMatch(/not imported: Bookmark 1/);
  });

  it('Copy as xxd gives what xxd prints; Copy as C array and Base64 pasted back overwrite the same bytes', async () => {
    const { path, content } = makeFile('copy.bin', 4096);
    const page = await opened(await suite.start(path));
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    const clipboard = (): Promise<string> => page.evaluate(() => navigator.clipboard.readText());
    await page.locator('[data-byte="5"]').click();
    await page.locator('[data-byte="44"]').click({ modifiers: ['Shift'] });
    // From the right-click menu.
    await page.locator('[data-byte="10"]').click({ button: 'right' });
    await page.getByRole('menuitem', { name: /Copy as hexdump/ }).click();
    await expect.poll(clipboard).toBe(execFileSync('xxd', ['-s', '5', '-l', '40', path], { encoding: 'utf8' }));
    await page.getByRole('menu').waitFor({ state: 'detached' });

    // Copy as C array from the palette, then paste it at offset 1000: the same 40 bytes.
    await page.keyboard.press('Control+Shift+p');
    await page.getByLabel('Command').fill('copy as c array');
    await page.getByRole('option', { name: /Copy as C array/ }).click();
    await expect.poll(clipboard).toMatch(/^unsigned char data\[40\] = \{/);
    await goToOffset(page, 1000);
    await page.evaluate(async () => {
      const text = await navigator.clipboard.readText();
      const event = new ClipboardEvent('paste', { clipboardData: new DataTransfer(), bubbles: true });
      event.clipboardData?.setData('text/plain', text);
      document.activeElement?.dispatchEvent(event);
    });
    await page.locator('[data-byte="1039"][data-modified=true]').waitFor();
    for (const offset of [1000, 1017, 1039]) {
      const text = await page.locator(`[data-byte="${offset}"]`).textContent();
      expect(text).toBe(content[5 + offset - 1000]!.toString(16).toUpperCase().padStart(2, '0'));
    }
    // Base64 text pasted over offset 2000.
    await goToOffset(page, 2000);
    await page.evaluate(() => {
      const event = new ClipboardEvent('paste', { clipboardData: new DataTransfer(), bubbles: true });
      event.clipboardData?.setData('text/plain', 'SGVsbG8h');
      document.activeElement?.dispatchEvent(event);
    });
    await page.locator('[data-byte="2005"][data-modified=true]').waitFor();
    expect(await page.locator('[data-char="2000"]').textContent()).toBe('H');
    expect(await page.locator('[data-char="2005"]').textContent()).toBe('!');
    await expect
      .poll(() => page.locator('[role=status], .toast').allTextContents())
      .toEqual(expect.arrayContaining([expect.stringMatching(/read as Base64/)]));
  });
});
