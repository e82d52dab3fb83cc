import { AxeBuilder } from '@axe-core/playwright';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../src/shared/seededRandom';
import { openPage } from './support/harness';
import { browserSuite } from './support/suite';

const RECORDS = 1_000_000;

/** Record i is struct.pack('<Id', i, i * 0.5). */
function idDoubleFile(path: string): Buffer {
  const content = Buffer.alloc(RECORDS * 12);
  for (let index = 0; index < RECORDS; index++) {
    content.writeUInt32LE(index, index * 12);
    content.writeDoubleLE(index * 0.5, index * 12 + 4);
  }
  writeFileSync(path, content);
  return content;
}

const cell = (page: Page, record: number, field: string) =>
  page.locator(`[data-testid=record-view] [data-record="${record}"] [data-field="${field}"]`);

async function showRecords(page: Page, layout: string): Promise<void> {
  await page.locator('[data-testid=view-records]').click();
  await page.getByLabel('Record layout').fill(layout);
  await page.getByLabel('Record layout').press('Enter');
  await page.locator('[data-testid=record-view] [data-record="0"]').waitFor();
}

async function goToRecord(page: Page, record: number): Promise<void> {
  await page.keyboard.press('Control+g');
  await page.getByLabel('Go to record').fill(String(record));
  await page.getByLabel('Go to record').press('Enter');
  await page.locator(`[data-testid=record-view] [data-record="${record}"]`).waitFor();
}

describe('record view through the browser host', () => {
  const suite = browserSuite('hexlog-records-');

  it('a million <Id records: go to record 123456, edit a field, commit writes exactly its bytes', async () => {
    const path = join(suite.dir, 'records.bin');
    const original = idDoubleFile(path);
    const page = await suite.start(path);
    await showRecords(page, '<Id');
    const count = page.getByTestId('record-count');
    await expect.poll(() => count.getAttribute('data-records')).toBe(String(RECORDS));
    expect(await count.getAttribute('data-remainder')).toBe('0');

    await goToRecord(page, 123456);
    await expect.poll(() => cell(page, 123456, 'f0').textContent()).toBe('123456');
    expect(await cell(page, 123456, 'f1').textContent()).toBe('61728.0');
    expect(await cell(page, 123457, 'f1').textContent()).toBe('61728.5');
    expect(await cell(page, 123456, 'f0').getAttribute('data-cursor')).toBe('true');

    // A value out of range is explained and changes nothing.
    await page.keyboard.press('Enter');
    const editor = page.getByLabel('Edit f0 of record 123456');
    await editor.fill('4294967296');
    await editor.press('Enter');
    await expect.poll(() => page.getByRole('alert').first().textContent()).toMatch(/out of range for u32/);
    await editor.press('Escape');
    expect(await cell(page, 123456, 'f0').textContent()).toBe('123456');
    expect(await page.getByTestId('pending-edits').count()).toBe(0);

    // Typing starts an edit; Enter puts it in the pending edits; Ctrl+Z takes it back.
    await page.keyboard.type('7');
    await page.keyboard.press('Enter');
    await expect.poll(() => cell(page, 123456, 'f0').textContent()).toBe('7');
    expect(await cell(page, 123456, 'f0').getAttribute('data-modified')).toBe('true');
    await page.keyboard.press('Control+z');
    await expect.poll(() => cell(page, 123456, 'f0').textContent()).toBe('123456');
    await expect.poll(() => cell(page, 123456, 'f0').getAttribute('data-modified')).toBeNull();

    // The double of record 123456: arrow right, Enter, a new value, Enter, then commit.
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Enter');
    const valueEditor = page.getByLabel('Edit f1 of record 123456');
    await expect.poll(() => valueEditor.inputValue()).toBe('61728.0');
    await valueEditor.fill('-2.5e-3');
    await valueEditor.press('Enter');
    await expect.poll(() => cell(page, 123456, 'f1').textContent()).toBe('-0.0025');
    expect(readFileSync(path).equals(original)).toBe(true);
    await page.keyboard.press('Control+s');
    await expect.poll(() => cell(page, 123456, 'f1').getAttribute('data-modified')).toBeNull();
    const expected = Buffer.from(original);
    expected.writeDoubleLE(-2.5e-3, 123456 * 12 + 4);
    const written = readFileSync(path);
    expect(written.length).toBe(original.length);
    const changed: number[] = [];
    for (let offset = 0; offset < written.length; offset++)
      if (written[offset] !== original[offset]) changed.push(offset);
    expect(changed.every((offset) => offset >= 123456 * 12 + 4 && offset < 123456 * 12 + 12)).toBe(true);
    expect(written.equals(expected)).toBe(true);
  });

  it('a struct string with bytes left over, named fields, a start offset, and a bad layout explained', async () => {
    const path = join(suite.dir, 'mixed.bin');
    const content = Buffer.from(seededRandom(14).bytes(1000));
    content.write('AB', 6 + 4, 'latin1');
    writeFileSync(path, content);
    const page = await suite.start(path);
    await showRecords(page, '<I 2s');
    const count = page.getByTestId('record-count');
    await expect.poll(() => count.textContent()).toBe('166 records · 4 bytes left over at 0x3E4');
    expect(await count.getAttribute('data-remainder')).toBe('4');
    await expect.poll(() => cell(page, 1, 'f0').textContent()).toBe(String(content.readUInt32LE(6)));
    expect(await cell(page, 1, 'f1').textContent()).toBe("b'AB'");

    // A bad layout is explained where it goes wrong, and the table keeps the last good one.
    await page.getByLabel('Record layout').fill('<I 2s z');
    await page.getByLabel('Record layout').press('Enter');
    await expect
      .poll(() => page.getByRole('alert').first().textContent())
      .toMatch(/at 7: bad format character 'z'; expected one of x c b B/);
    expect(await cell(page, 1, 'f1').textContent()).toBe("b'AB'");

    await page.getByLabel('Record layout').fill('u16be hi; u16be lo; char[2] tag');
    await page.getByLabel('Record layout').press('Enter');
    await expect.poll(() => cell(page, 1, 'tag').textContent()).toBe('AB');
    expect(await cell(page, 1, 'hi').textContent()).toBe(String(content.readUInt16BE(6)));

    // A double-click edits; a click elsewhere keeps the value, as one edit (one undo takes it back).
    const before = await cell(page, 2, 'lo').textContent();
    await cell(page, 2, 'lo').dblclick();
    await page.getByLabel('Edit lo of record 2').fill('0x0201');
    await cell(page, 3, 'hi').click();
    await expect.poll(() => cell(page, 2, 'lo').textContent()).toBe('513');
    expect(await cell(page, 3, 'hi').getAttribute('data-cursor')).toBe('true');
    await page.keyboard.press('Control+z');
    await expect.poll(() => cell(page, 2, 'lo').textContent()).toBe(before);
    await expect.poll(() => page.getByRole('button', { name: 'Undo' }).isDisabled()).toBe(true);

    await page.getByLabel('Start offset').fill('0x4');
    await page.getByLabel('Start offset').press('Enter');
    await expect.poll(() => count.textContent()).toBe('166 records');
    expect(await page.locator('[data-testid=record-view] [data-record="1"]').getAttribute('data-offset')).toBe('10');
    await expect.poll(() => cell(page, 1, 'hi').textContent()).toBe(String(0x4142)); // "AB" at offset 10

    // Switching views keeps the place: the current cell's byte in the hex view, and back.
    await cell(page, 3, 'lo').click();
    await page.locator('[data-testid=view-hex]').click();
    await expect.poll(() => page.getByTestId('cursor-offset').getAttribute('data-offset')).toBe(String(4 + 3 * 6 + 2));
    await page.keyboard.press('Control+g');
    await page.getByLabel('Go to offset').fill('#700');
    await page.getByLabel('Go to offset').press('Enter');
    await page.locator('[data-testid=view-records]').click();
    await expect.poll(() => cell(page, 116, 'lo').getAttribute('data-cursor')).toBe('true');
  });

  it('the layout comes back when the file is opened again, and a named layout is kept for any file', async () => {
    const config = join(suite.dir, 'config-records');
    mkdirSync(config);
    const path = join(suite.dir, 'remember.bin');
    writeFileSync(path, Buffer.from(seededRandom(5).bytes(4096)));
    const other = join(suite.dir, 'other.bin');
    writeFileSync(other, Buffer.from(seededRandom(6).bytes(4096)));
    const first = await suite.hostWith({ configDir: config }, path);
    let page = await openPage(suite.browser(), first.url);
    await showRecords(page, '>hhq');
    // The name is typed straight away: the input it opens has the keyboard.
    await page.getByRole('button', { name: 'Save layout as…' }).click();
    await page.getByLabel('Layout name').waitFor();
    await page.keyboard.type('pairs and a long');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByLabel('Saved layouts').inputValue()).toBe('pairs and a long');
    await page.waitForTimeout(1500); // the position is saved once it settles
    await page.close();
    await first.stop();

    const second = await suite.hostWith({ configDir: config }, path);
    page = await openPage(suite.browser(), second.url);
    await page.locator('[data-testid=record-view] [data-record="0"] [data-field="f2"]').waitFor();
    expect(await page.getByLabel('Record layout').inputValue()).toBe('>hhq');
    await page.close();
    await second.stop();

    const third = await suite.hostWith({ configDir: config }, other);
    page = await openPage(suite.browser(), third.url);
    await page.locator('[data-testid=hex-view]').waitFor();
    await page.keyboard.press('Control+Shift+P');
    await page.getByLabel('Command').fill('Record view');
    await page.keyboard.press('Enter');
    await page.locator('[data-testid=record-view]').waitFor();
    expect(await page.getByLabel('Record layout').inputValue()).toBe('');
    await page.getByLabel('Saved layouts').selectOption('pairs and a long');
    await page.locator('[data-testid=record-view] [data-record="0"] [data-field="f2"]').waitFor();
    await page.getByRole('button', { name: 'Delete layout' }).click();
    await expect.poll(() => page.locator('[aria-label="Saved layouts"] option').count()).toBe(1);
  });

  for (const colorScheme of ['light', 'dark'] as const) {
    it(`${colorScheme} theme: the record view, with an error and a cell editor open, has no serious or critical findings`, async () => {
      const path = join(suite.dir, `a11y-${colorScheme}.bin`);
      writeFileSync(path, Buffer.from(seededRandom(21).bytes(5000)));
      const host = await suite.host(path);
      const context = await suite.browser().newContext({ viewport: { width: 1280, height: 800 }, colorScheme });
      const page = await context.newPage();
      page.setDefaultTimeout(5000);
      await page.goto(host.url);
      await expect.poll(() => page.evaluate(() => document.documentElement.dataset['theme'])).toBe(colorScheme);
      await showRecords(page, 'u32le id; f32be ratio; char[6] tag; u8[3] rgb');
      await cell(page, 1, 'ratio').dblclick();
      await page.getByLabel('Edit ratio of record 1').fill('x');
      await page.getByLabel('Edit ratio of record 1').press('Enter');
      await page.getByRole('alert').first().waitFor();
      const results = await new AxeBuilder({ page })
        .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'])
        .analyze();
      const serious = results.violations
        .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
        .map((violation) => ({ rule: violation.id, targets: violation.nodes.map((node) => node.target.join(' ')) }));
      expect(serious).toEqual([]);
      await context.close();
    });
  }
});
