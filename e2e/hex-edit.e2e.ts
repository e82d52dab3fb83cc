import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { commitFixture } from '../src/main/services/testing/commitFixture';
import { seededRandom } from '../src/shared/seededRandom';
import { browserSuite } from './support/suite';

const xxd = (path: string): string => execFileSync('xxd', [path], { encoding: 'utf8' });

describe('hex view editing through the browser host', () => {
  const suite = browserSuite('hexlog-edit-');

  /** A binary file (NUL bytes, so it opens in the hex view) with known bytes at the start. */
  const makeFile = (name: string): { path: string; content: Buffer } => {
    const content = Buffer.from(seededRandom(77).bytes(50_000));
    content.set([0x78, 0x56, 0x34, 0x12, 0x00, 0x00, 0x80, 0x3f], 0);
    const path = join(suite.dir, name);
    writeFileSync(path, content);
    return { path, content };
  };

  const start = async (path: string): Promise<Page> => {
    const page = await suite.start(path);
    await expect.poll(() => page.locator('[data-byte="0"]').textContent()).toBe('78');
    return page;
  };

  const clickByte = (page: Page, offset: number) => page.locator(`[data-byte="${offset}"]`).click();

  it('typed bytes are marked modified while the file on disk is unchanged; commit writes exactly them', async () => {
    const { path, content } = makeFile('edit.bin');
    const before = xxd(path);
    const page = await start(path);
    await clickByte(page, 16);
    await page.keyboard.type('cafe');
    await expect.poll(() => page.locator('[data-byte="16"]').getAttribute('data-modified')).toBe('true');
    await expect.poll(() => page.locator('[data-byte="17"]').textContent()).toBe('FE');
    expect(await page.locator('[data-byte="17"]').getAttribute('data-modified')).toBe('true');
    expect(await page.locator('[data-byte="18"]').getAttribute('data-modified')).toBeNull();
    expect(await page.locator('[data-char="16"]').getAttribute('data-modified')).toBe('true');
    expect(xxd(path)).toBe(before);

    // The ASCII pane takes characters.
    await page.locator('[data-char="32"]').click();
    await page.keyboard.type('Hi');
    await expect.poll(() => page.locator('[data-byte="33"]').textContent()).toBe('69');

    await page.getByRole('button', { name: 'Commit edits' }).click();
    await expect.poll(() => page.locator('[data-byte="16"]').getAttribute('data-modified')).toBeNull();
    const expected = Buffer.from(content);
    expected.set([0xca, 0xfe], 16);
    expected.set([0x48, 0x69], 32);
    expect(readFileSync(path).equals(expected)).toBe(true);
  });

  it('undo and redo with the keyboard', async () => {
    const { path } = makeFile('undo.bin');
    const page = await start(path);
    await expect.poll(() => page.locator('[data-byte="5"]').textContent()).not.toBe('··');
    const original = await page.locator('[data-byte="5"]').textContent();
    await clickByte(page, 5);
    await page.keyboard.type('ab');
    await expect.poll(() => page.locator('[data-byte="5"]').textContent()).toBe('AB');
    await page.keyboard.press('Control+z');
    await page.keyboard.press('Control+z');
    await expect.poll(() => page.locator('[data-byte="5"]').textContent()).toBe(original);
    await page.keyboard.press('Control+Shift+z');
    await page.keyboard.press('Control+y');
    await expect.poll(() => page.locator('[data-byte="5"]').textContent()).toBe('AB');
  });

  it('the data inspector shows known values for known bytes', async () => {
    const { path } = makeFile('inspect.bin');
    const page = await start(path);
    await clickByte(page, 0);
    const value = (type: string) => page.locator(`[data-testid=inspector] [data-type=${type}] [data-part=value]`);
    await expect.poll(() => value('uint32le').textContent()).toBe('305419896');
    expect(await value('uint8').textContent()).toBe('120');
    expect(await value('int16le').textContent()).toBe('22136');
    await clickByte(page, 4);
    await expect.poll(() => value('float32le').textContent()).toBe('1');
    await page.getByRole('button', { name: 'Byte order' }).click();
    await clickByte(page, 0);
    await expect.poll(() => value('uint32be').textContent()).toBe('2018915346');
  });

  it('go to offset shows that row, and refuses an offset out of range', async () => {
    const { path } = makeFile('goto.bin');
    const page = await start(path);
    await page.locator('[data-testid=hex-view]').focus();
    await page.keyboard.press('Control+g');
    await page.getByLabel('Go to offset').fill('0xB000');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('[data-testid=cursor-offset]').getAttribute('data-offset')).toBe('45056');
    await page.locator('[data-testid=hex-view] [data-offset="45056"]').waitFor();
    await page.keyboard.press('Control+g');
    await page.getByLabel('Go to offset').fill('#999999');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('[role=alert]').textContent()).toContain('past the end of the file');
    expect(await page.locator('[data-testid=cursor-offset]').getAttribute('data-offset')).toBe('45056');
  });

  it.each(['Roll back', 'Finish the commit'] as const)(
    'a commit killed mid-way leaves a journal; opening the file offers to %s, and it does',
    async (choice) => {
      const path = join(suite.dir, `crashed-${choice.length}.bin`);
      const fixture = commitFixture(5, 200_000, 100);
      writeFileSync(path, fixture.oldFile);
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', 'src/main/services/testing/commitChild.ts', path, '5', '200000', '100'],
        { env: { ...process.env, HEXLOG_COMMIT_PAUSE: 'edit-written:50' }, stdio: ['ignore', 'pipe', 'inherit'] },
      );
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => {
          if (chunk.toString().includes('paused')) resolve();
        });
        child.once('exit', (code) => reject(new Error(`commit child exited early (${code})`)));
      });
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
      const half = readFileSync(path);
      expect(half.equals(Buffer.from(fixture.oldFile)) || half.equals(Buffer.from(fixture.newFile))).toBe(false);

      const page = await suite.start(path);
      const dialog = page.getByRole('alertdialog', { name: 'Unfinished commit' });
      await dialog.waitFor();
      expect(await dialog.textContent()).toContain('partly written');
      await dialog.getByRole('button', { name: choice }).click();
      await expect.poll(() => dialog.count()).toBe(0);
      const expected = choice === 'Roll back' ? fixture.oldFile : fixture.newFile;
      expect(readFileSync(path).equals(Buffer.from(expected))).toBe(true);
      const first = fixture.edits[0]!;
      const hex = (byte: number): string => byte.toString(16).toUpperCase().padStart(2, '0');
      await expect
        .poll(() => page.locator(`[data-byte="${first.offset}"]`).textContent())
        .toBe(hex(expected[first.offset]!));
    },
  );

  it('deleting or inserting is refused with a message, and closing with edits asks first', async () => {
    const { path, content } = makeFile('refuse.bin');
    const page = await start(path);
    await clickByte(page, 3);
    await page.keyboard.press('Backspace');
    await expect.poll(() => page.locator('[role=alert]').textContent()).toContain('length');
    await page.keyboard.type('00');
    await page.getByRole('button', { name: 'Close tab' }).click();
    const dialog = page.getByRole('dialog', { name: 'Pending edits' });
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => page.locator('[data-testid=file-name]').textContent()).toBe('refuse.bin');
    await page.getByRole('button', { name: 'Close tab' }).click();
    await page.getByRole('button', { name: 'Discard and continue' }).click();
    await expect.poll(() => page.locator('[data-testid=file-name]').count()).toBe(0);
    expect(readFileSync(path).equals(content)).toBe(true);
  });
});
