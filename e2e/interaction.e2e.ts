// The first ten minutes of a new user (issue 9): focus and keys, selection and copy, go-to
// semantics, toasts, follow, the window title, opening files in the browser host.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../src/shared/seededRandom';
import { browserSuite } from './support/suite';

const activeTestId = (page: Page): Promise<string | null> =>
  page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? document.activeElement?.tagName ?? null);
const domSelection = (page: Page): Promise<string> => page.evaluate(() => window.getSelection()?.toString() ?? '');
const readClipboard = (page: Page): Promise<string> => page.evaluate(() => navigator.clipboard.readText());
const currentLine = async (page: Page): Promise<number> =>
  Number(await page.locator('[data-testid=current-line]').getAttribute('data-at-line'));
const cursorOffset = async (page: Page): Promise<number> =>
  Number(await page.locator('[data-testid=cursor-offset]').getAttribute('data-offset'));

describe('interaction: focus, selection, copy, go-to, messages', () => {
  const suite = browserSuite('hexlog-interaction-');
  let log = '';
  let other = '';
  let bin = '';
  let binBytes: Buffer = Buffer.alloc(0);
  const LINES = 20_000;

  beforeAll(() => {
    const random = seededRandom(9);
    const lines: string[] = [];
    for (let i = 1; i <= LINES; i++) {
      const long = i % 3 === 0 ? ` ${'x'.repeat(300 + Math.floor(random.next() * 200))}` : '';
      lines.push(`line ${i} level=${i % 7 === 0 ? 'needle' : 'info'}${long}`);
    }
    log = join(suite.dir, 'app.log');
    writeFileSync(log, `${lines.join('\n')}\n`);
    other = join(suite.dir, 'other.log');
    writeFileSync(other, 'first\nsecond\nthird\n');
    binBytes = Buffer.from(random.bytes(4096));
    binBytes.set([0x7f, 0x45, 0x4c, 0x46, 0x00], 0);
    bin = join(suite.dir, 'image.bin');
    writeFileSync(bin, binBytes);
  });

  const openText = async (...files: string[]): Promise<Page> => {
    const page = await suite.start(...files);
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    await page.locator('[data-testid=text-view] [data-line="1"]').waitFor();
    await page.locator('[data-testid=line-count][data-done=true]').waitFor();
    await page.locator('[data-testid=text-view]').focus();
    return page;
  };
  const openHex = async (): Promise<Page> => {
    const page = await suite.start(bin);
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    await expect.poll(() => page.locator('[data-byte="0"]').textContent()).toBe('7F');
    return page;
  };

  it('focus returns to the view after Esc in the find bar, a matches-pane click, a dismissed toast', async () => {
    const page = await openText(log);
    await page.keyboard.press('Control+f');
    await page.keyboard.type('needle');
    await page.keyboard.press('Escape');
    await expect.poll(() => activeTestId(page)).toBe('text-view');

    await page.keyboard.press('Control+f');
    await page.locator('[data-testid=match-count][data-done=true]').waitFor();
    await page.getByRole('button', { name: 'Matches' }).click();
    await page.locator('[data-testid=matches] [data-line="14"]').click();
    await expect.poll(() => activeTestId(page)).toBe('text-view');
    // The jump lands once the match is fetched; the next key moves on from there.
    await expect.poll(() => currentLine(page)).toBe(14);
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => currentLine(page)).toBe(15);

    await page.keyboard.press('Control+s');
    await page.locator('[data-testid=info]', { hasText: 'Nothing to commit' }).waitFor();
    await page.getByRole('button', { name: 'Dismiss' }).click();
    await expect.poll(() => activeTestId(page)).toBe('text-view');
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => currentLine(page)).toBe(16);
  });

  it('Ctrl+G works right after clicking the Text or Hex button; a dropdown gives focus back', async () => {
    const page = await openText(log);
    await page.getByTestId('view-hex').click();
    await page.locator('[data-testid=hex-view]').waitFor();
    await page.keyboard.press('Control+g');
    await expect.poll(() => page.getByLabel('Go to offset').isVisible()).toBe(true);
    await page.keyboard.press('Escape');
    await page.getByTestId('view-text').click();
    await page.locator('[data-testid=text-view] [data-line="1"]').waitFor();
    await page.keyboard.press('Control+g');
    await expect.poll(() => page.getByLabel('Go to line').isVisible()).toBe(true);
    await page.keyboard.press('Escape');
    await expect.poll(() => activeTestId(page)).toBe('text-view');

    await page.getByLabel('Encoding').selectOption('latin1');
    await expect.poll(() => activeTestId(page)).toBe('text-view');
    const before = await currentLine(page);
    await page.keyboard.press('PageDown');
    await expect.poll(() => currentLine(page)).toBeGreaterThan(before);
    expect(await page.getByLabel('Encoding').inputValue()).toBe('latin1');
  });

  it('Enter in the inspector writes the value (0x hex accepted) and gives focus back to the bytes', async () => {
    const page = await openHex();
    await page.locator('[data-byte="8"]').click();
    await expect.poll(() => page.getByTestId('inspector-offset').textContent()).toContain('0x8 (8)');
    await page.locator('[data-type=uint8] [data-part=value]').dblclick();
    await page.getByLabel('Edit uint8').fill('0x41');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('[data-byte="8"]').textContent()).toBe('41');
    await expect.poll(() => activeTestId(page)).toBe('hex-view');
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => cursorOffset(page)).toBe(9);
    // The window title carries the modified mark.
    await expect.poll(() => page.title()).toBe('● image.bin — hexlog');
  });

  it('dragging selects bytes and lines, never page text; the status bar shows start, end and length', async () => {
    const page = await openHex();
    expect(await page.locator('[data-testid=hex-header] [data-column="15"]').textContent()).toBe('0F');
    const from = await page.locator('[data-byte="2"]').boundingBox();
    const to = await page.locator('[data-byte="20"]').boundingBox();
    if (from === null || to === null) throw new Error('cells not laid out');
    await page.mouse.move(from.x + 4, from.y + 4);
    await page.mouse.down();
    await page.mouse.move(to.x + 4, to.y + 4, { steps: 8 });
    await page.mouse.up();
    const selection = page.getByTestId('selection-length');
    await expect.poll(() => selection.getAttribute('data-bytes')).toBe('19');
    expect(await selection.getAttribute('data-start')).toBe('2');
    expect(await selection.getAttribute('data-end')).toBe('20');
    expect(await selection.textContent()).toBe('Selected 0x2 (2) – 0x14 (20): 19 bytes (0x13)');
    expect(await domSelection(page)).toBe('');

    const text = await openText(log);
    const first = await text.locator('[data-line="2"]').boundingBox();
    const last = await text.locator('[data-line="5"]').boundingBox();
    if (first === null || last === null) throw new Error('rows not laid out');
    await text.mouse.move(first.x + 80, first.y + 5);
    await text.mouse.down();
    await text.mouse.move(last.x + 120, last.y + 5, { steps: 8 });
    await text.mouse.up();
    await expect.poll(() => text.getByTestId('selection-length').getAttribute('data-lines')).toBe('4');
    expect(await domSelection(text)).toBe('');
    await text.keyboard.press('Control+c');
    await expect
      .poll(() => readClipboard(text))
      .toMatch(/^line 2 level=info\nline 3 level=info x+\nline 4 level=info\nline 5 level=info$/);
  });

  it('Ctrl+C in the hex view copies hex from the hex pane and text from the ASCII pane', async () => {
    const page = await openHex();
    await page.locator('[data-byte="0"]').click();
    await page.locator('[data-byte="4"]').click({ modifiers: ['Shift'] });
    await page.keyboard.press('Control+c');
    await expect.poll(() => readClipboard(page)).toBe('7F 45 4C 46 00');
    await page.locator('[data-testid=info]', { hasText: 'Copied 5 bytes as hex.' }).waitFor();
    await page.locator('[data-char="1"]').click();
    await page.locator('[data-char="3"]').click({ modifiers: ['Shift'] });
    await page.keyboard.press('Control+c');
    await expect.poll(() => readClipboard(page)).toBe('ELF');
  });

  it('Ctrl+A selects the whole file; copying a selection past the limit says so', async () => {
    const page = await openHex();
    await page.keyboard.press('Control+a');
    await expect.poll(() => page.getByTestId('selection-length').getAttribute('data-bytes')).toBe('4096');
    expect(await domSelection(page)).toBe('');

    const big = join(suite.dir, 'big.bin');
    writeFileSync(big, Buffer.alloc(9 * 1024 * 1024));
    const large = await suite.start(big);
    await large.locator('[data-byte="0"]').waitFor();
    await large.locator('[data-testid=hex-view]').focus();
    await large.keyboard.press('Control+a');
    await large.keyboard.press('Control+c');
    await expect.poll(() => large.locator('[role=alert]').textContent()).toContain('copying is limited to 8.00 MiB');

    const text = await openText(other);
    await text.keyboard.press('Control+a');
    await expect.poll(() => text.getByTestId('selection-length').getAttribute('data-lines')).toBe('3');
    expect(await domSelection(text)).toBe('');
  });

  it('go to offset reads digits as the offset column shows them; go to line takes 1,000 and 1 000', async () => {
    const page = await openHex();
    const goTo = async (target: string): Promise<void> => {
      await page.keyboard.press('Control+g');
      await page.getByLabel('Go to offset').fill(target);
      await page.keyboard.press('Enter');
    };
    for (const [target, offset] of [
      ['00000100', 0x100],
      ['0x1F', 31],
      ['0X1F', 31],
      ['1Fh', 31],
      ['ff', 255],
      ['#256', 256],
    ] as const) {
      await goTo(target);
      await expect.poll(() => cursorOffset(page), { message: target }).toBe(offset);
    }
    await page.keyboard.press('Control+Home');
    await goTo('-1');
    await expect.poll(() => page.locator('.goto [role=alert]').textContent()).toContain('before the start of the file');
    await page.getByLabel('Go to offset').fill('1000');
    await page.keyboard.press('Enter');
    await expect
      .poll(() => page.locator('.goto [role=alert]').textContent())
      .toBe('Offset 0x1000 (4,096) is past the end of the file: it has 4,096 bytes, the last at 0xFFF (4,095).');
    expect(await cursorOffset(page)).toBe(0);

    const text = await openText(log);
    for (const target of ['1,000', '1 000']) {
      await text.keyboard.press('Control+g');
      await text.getByLabel('Go to line').fill(target);
      await text.keyboard.press('Enter');
      await text.locator('[data-testid=text-view] [data-line="1000"][data-current=true]').waitFor();
      await text.keyboard.press('Control+Home');
    }
  });

  it('Wrap keeps the current line on screen and current', async () => {
    const page = await openText(log);
    await page.keyboard.press('Control+g');
    await page.getByLabel('Go to line').fill('51');
    await page.keyboard.press('Enter');
    await page.locator('[data-testid=text-view] [data-line="51"][data-current=true]').waitFor();
    await page.keyboard.press('w');
    const view = await page.locator('.vrows-list').first().boundingBox();
    await expect
      .poll(async () => {
        const row = await page.locator('[data-testid=text-view] [data-line="51"]').boundingBox();
        return row !== null && view !== null && row.y >= view.y && row.y + 10 <= view.y + view.height;
      })
      .toBe(true);
    expect(await currentLine(page)).toBe(51);
    expect(await page.locator('[data-testid=text-view] [data-line="51"]').getAttribute('class')).toContain('wrap');
  });

  it('Ctrl+End during indexing ends on the true last line', async () => {
    const chunk = Buffer.from('2026-12-02T10:00:00Z info a line of a large log\n'.repeat(20_000));
    const large = join(suite.dir, 'large.log');
    const parts: Buffer[] = [];
    for (let i = 0; i < 300; i++) parts.push(chunk);
    writeFileSync(large, Buffer.concat(parts));
    const total = 300 * 20_000;
    const page = await suite.start(large);
    await page.locator('[data-testid=text-view] [data-line="1"]').waitFor();
    await page.locator('[data-testid=text-view]').focus();
    await page.keyboard.press('Control+End');
    await page.locator('[data-testid=line-count][data-done=true]').waitFor({ timeout: 60_000 });
    await expect.poll(() => currentLine(page)).toBe(total);
    await page.locator(`[data-testid=text-view] [data-line="${total}"][data-current=true]`).waitFor();
  });

  it('find runs as you type, Enter steps; Replace is disabled with nothing to replace; state stays with its file', async () => {
    const page = await openText(log, other);
    await page.keyboard.press('Control+f');
    await page.keyboard.type('needle');
    const count = page.getByTestId('match-count');
    await expect.poll(() => count.getAttribute('data-done')).toBe('true');
    expect(await count.getAttribute('data-count')).toBe(String(Math.floor(LINES / 7)));
    await page.keyboard.press('Enter');
    await expect.poll(() => count.textContent()).toMatch(/^1 of 2,857/);
    await page.keyboard.press('Enter');
    await expect.poll(() => count.textContent()).toMatch(/^2 of /);
    await page.getByRole('button', { name: 'Matches' }).click();
    await page.getByRole('button', { name: 'Show replacing' }).click();
    await page.getByLabel('Find').fill('nowhere-to-be-found');
    await expect.poll(() => count.getAttribute('data-count')).toBe('0');
    await expect.poll(() => page.locator('[data-testid=matches] [role=status]').textContent()).toBe('No matches');
    await expect.poll(() => page.getByRole('button', { name: 'Replace', exact: true }).isDisabled()).toBe(true);
    expect(await page.getByRole('button', { name: 'Replace all' }).isDisabled()).toBe(true);

    // Another file's tab: no query, no replacement, no matches follow the user there.
    await page.getByLabel('Replace').fill('elsewhere');
    await page.locator('[data-testid=tab][data-name="other.log"]').click();
    await page.locator('[data-testid=file-name]', { hasText: 'other.log' }).waitFor();
    await page.locator('[data-testid=text-view] [data-line="1"]').waitFor();
    expect(await page.getByLabel('Find').count()).toBe(0);
    await page.keyboard.press('Control+h');
    expect(await page.getByLabel('Find').inputValue()).toBe('');
    expect(await page.getByLabel('Replace').inputValue()).toBe('');
    expect(await page.getByTestId('match-count').count()).toBe(0);
    // And back: the first file's query and replacement are where they were left.
    await page.locator('[data-testid=tab][data-name="app.log"]').click();
    await page.locator('[data-testid=file-name]', { hasText: 'app.log' }).waitFor();
    expect(await page.getByLabel('Find').inputValue()).toBe('nowhere-to-be-found');
    expect(await page.getByLabel('Replace').inputValue()).toBe('elsewhere');
  });

  it('the matches pane marks each match, lines up with the text gutter, and moves with the keys', async () => {
    const page = await openText(log);
    await page.keyboard.press('Control+f');
    await page.keyboard.type('needle');
    await page.locator('[data-testid=match-count][data-done=true]').waitFor();
    await page.getByRole('button', { name: 'Matches' }).click();
    const pane = page.locator('[data-testid=matches]');
    const first = pane.locator('[data-line="7"]');
    await first.waitFor();
    expect(await first.locator('mark[data-match]').textContent()).toBe('needle');
    const paneGutter = await first.locator('.gutter').boundingBox();
    const textGutter = await page.locator('[data-testid=text-view] [data-line="7"] .gutter').boundingBox();
    expect(paneGutter?.width).toBe(textGutter?.width);
    const fontOf = (selector: string): Promise<string> =>
      page
        .locator(selector)
        .first()
        .evaluate((element) => getComputedStyle(element).font);
    expect(await fontOf('[data-testid=matches] .match-text')).toBe(
      await fontOf('[data-testid=text-view] [data-part=text]'),
    );

    await pane.focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => currentLine(page)).toBe(14);
    await expect.poll(() => pane.locator('[data-current=true]').getAttribute('data-line')).toBe('14');
    await page.keyboard.press('End');
    await expect.poll(() => currentLine(page)).toBe(Math.floor(LINES / 7) * 7);
    await page.keyboard.press('Home');
    await expect.poll(() => currentLine(page)).toBe(7);
    await expect.poll(() => activeTestId(page)).toBe('matches');
    await page.keyboard.press('Enter');
    await expect.poll(() => activeTestId(page)).toBe('text-view');
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => currentLine(page)).toBe(8);
  });

  it('toasts float without moving the layout, are not red unless errors, and clear with the file', async () => {
    const page = await openText(log, other);
    const before = await page.locator('[data-testid=text-view]').boundingBox();
    await page.keyboard.press('Control+s');
    const toast = page.locator('[data-testid=info]', { hasText: 'Nothing to commit: there are no pending edits.' });
    await toast.waitFor();
    expect(await page.locator('[role=alert]').count()).toBe(0);
    expect(await page.locator('[data-testid=text-view]').boundingBox()).toEqual(before);
    await page.locator('[data-testid=tab][data-name="other.log"]').click();
    await page.locator('[data-testid=file-name]', { hasText: 'other.log' }).waitFor();
    await expect.poll(() => page.locator('[data-testid=info]').count()).toBe(0);
    expect(await page.title()).toBe('other.log — hexlog');
    await page.locator('[data-testid=line-count][data-done=true]').waitFor();
    expect(await page.getByTestId('line-count').textContent()).toContain('3 lines');
  });

  it('follow shows when it is paused by scrolling away and resumes at the end', async () => {
    const page = await openText(log);
    await page.keyboard.press('f');
    await expect
      .poll(() => page.getByRole('button', { name: 'Follow', exact: true }).getAttribute('aria-pressed'))
      .toBe('true');
    // Following scrolls to the end first (a few frames on a busy machine); then Ctrl+Home leaves it.
    await page.locator(`[data-testid=text-view] [data-line="${LINES}"]`).waitFor();
    await expect.poll(() => page.getByTestId('follow-paused').count()).toBe(0);
    await page.keyboard.press('Control+Home');
    await page.getByTestId('follow-paused').waitFor();
    await page.keyboard.press('Control+End');
    await expect.poll(() => page.getByTestId('follow-paused').count()).toBe(0);
  });

  it('Ctrl+O lists the offered files; a drop explains what the browser host opens', async () => {
    const page = await openText(log, other);
    await page.keyboard.press('Control+o');
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.getAttribute('aria-label')))
      .toBe('Open a file');
    expect(await page.locator('[role=alert]').count()).toBe(0);
    expect(
      await page
        .getByRole('listbox', { name: 'Files' })
        .getByRole('option')
        .locator('.palette-title')
        .allTextContents(),
    ).toEqual(['app.log', 'other.log']);
    await page.keyboard.press('Escape');
    await page.evaluate(() => {
      const data = new DataTransfer();
      data.items.add(new File(['x'], 'dropped.txt', { type: 'text/plain' }));
      const target = document.querySelector('.app') ?? document.body;
      target.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
    });
    await expect
      .poll(() => page.locator('[data-testid=info]').textContent())
      .toContain('it opens only the files named on its command line');
  });
});
