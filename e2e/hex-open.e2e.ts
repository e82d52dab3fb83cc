import { execFileSync } from 'node:child_process';
import { closeSync, openSync, writeFileSync, writeSync, ftruncateSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../src/shared/seededRandom';
import { browserSuite } from './support/suite';

/** Bytes and ASCII column of the first `length` bytes, as xxd prints them. */
function xxdRows(path: string, length: number): { offset: number; hex: string[]; ascii: string }[] {
  const text = execFileSync('xxd', ['-l', String(length), path], { encoding: 'latin1' });
  return text
    .trimEnd()
    .split('\n')
    .map((line) => {
      const match = /^([0-9a-f]{8}): ((?:[0-9a-f]{2,4} ?)+)\s+(.*)$/.exec(line);
      if (!match) throw new Error(`unexpected xxd line: ${line}`);
      const hex = match[2]!
        .replace(/\s+/g, '')
        .match(/../g)!
        .map((pair) => pair.toUpperCase());
      return { offset: parseInt(match[1]!, 16), hex, ascii: match[3]!.slice(0, hex.length) };
    });
}

async function renderedRow(page: Page, offset: number): Promise<{ hex: string[]; ascii: string }> {
  const row = page.locator(`[data-testid=hex-view] [data-offset="${offset}"]`);
  const hex = await row.locator('[data-byte]').allTextContents();
  const ascii = (await row.locator('[data-char]').allTextContents()).join('');
  return { hex, ascii };
}

describe('browser host: open a file and see its bytes', () => {
  const suite = browserSuite('hexlog-e2e-');
  const start = suite.start;

  it('shows name, exact size and the first screen exactly as xxd prints it', async () => {
    const random = seededRandom(2024);
    const content = random.bytes(70_000);
    content.set(new TextEncoder().encode('hexlog says hello, world!\n'), 16);
    const path = join(suite.dir, 'sample.bin');
    writeFileSync(path, content);
    const page = await start(path);

    await expect.poll(() => page.locator('[data-testid=file-name]').textContent()).toBe('sample.bin');
    await expect.poll(() => page.locator('[data-testid=file-size]').getAttribute('data-bytes')).toBe('70000');
    await page.locator('[data-byte="0"]').waitFor();
    await expect.poll(() => page.locator('[data-byte="0"]').textContent()).not.toBe('··');

    const expected = xxdRows(path, 16 * 20);
    for (const row of expected) {
      expect(await renderedRow(page, row.offset)).toEqual({ hex: row.hex, ascii: row.ascii });
    }
  });

  it('shows a real system binary exactly as xxd does', async () => {
    const path = process.execPath;
    const page = await start(path);
    await expect.poll(() => page.locator('[data-byte="0"]').textContent()).toBe('7F');
    for (const row of xxdRows(path, 16 * 10)) {
      expect(await renderedRow(page, row.offset)).toEqual({ hex: row.hex, ascii: row.ascii });
    }
  });

  it('drags the scrollbar to the bottom of a 1 GiB sparse file and sees its last bytes', async () => {
    const path = join(suite.dir, 'sparse.bin');
    const size = 2 ** 30 + 5;
    const fd = openSync(path, 'w');
    ftruncateSync(fd, size);
    writeSync(fd, Buffer.from('THE END'), 0, 7, size - 7);
    closeSync(fd);
    const page = await start(path);
    await page.locator('[data-byte="0"]').waitFor();

    const track = page.locator('[data-testid=scrollbar]');
    const thumb = page.locator('[data-testid=scrollbar-thumb]');
    const trackBox = (await track.boundingBox())!;
    const thumbBox = (await thumb.boundingBox())!;
    await page.mouse.move(thumbBox.x + thumbBox.width / 2, thumbBox.y + thumbBox.height / 2);
    await page.mouse.down();
    await page.mouse.move(trackBox.x + trackBox.width / 2, trackBox.y + trackBox.height + 200, { steps: 8 });
    await page.mouse.up();

    const lastRow = Math.floor((size - 1) / 16) * 16;
    await page.locator(`[data-offset="${lastRow}"]`).waitFor();
    await expect.poll(() => page.locator(`[data-byte="${size - 1}"]`).textContent()).toBe('44');
    const tail = size - lastRow;
    expect(await renderedRow(page, lastRow)).toEqual({
      hex: ['54', '48', '45', '20', '45', '4E', '44'].slice(-tail),
      ascii: 'THE END'.slice(-tail),
    });
  });

  it('an empty file opens and says it is empty', async () => {
    const path = join(suite.dir, 'empty.log');
    writeFileSync(path, '');
    const page = await start(path);
    await expect.poll(() => page.locator('[data-testid=file-size]').getAttribute('data-bytes')).toBe('0');
    await expect.poll(() => page.locator('[data-testid=text-view]').textContent()).toContain('no lines');
    await expect.poll(() => page.locator('[data-testid=line-count]').getAttribute('data-lines')).toBe('0');
    await page.locator('[data-testid=view-hex]').click();
    await expect.poll(() => page.locator('[data-testid=hex-view]').textContent()).toContain('empty');
  });

  it('a missing file shows a clear alert naming it, and other files stay usable', async () => {
    const good = join(suite.dir, 'good.txt');
    writeFileSync(good, 'good');
    const missing = join(suite.dir, 'missing.log');
    const page = await start(missing, good);
    const alert = page.locator('[role=alert]');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('missing.log');
    // The other file named with it opened as a tab all the same.
    await page.locator('[data-testid=tab][data-name="good.txt"][aria-selected=true]').waitFor();
    await expect.poll(() => page.locator('[data-testid=file-name]').textContent()).toBe('good.txt');
    await expect.poll(() => page.locator('[data-line="1"] [data-part=text]').textContent()).toBe('good');
    await page.locator('[data-testid=view-hex]').click();
    await expect.poll(() => page.locator('[data-byte="0"]').textContent()).toBe('67');
  });

  it('a directory named on the command line is refused with a message', async () => {
    const page = await start(suite.dir);
    await expect.poll(() => page.locator('[role=alert]').textContent()).toMatch(/directory|EISDIR/i);
  });

  it('the page and the socket refuse a request without the token', async () => {
    const path = join(suite.dir, 'a.txt');
    writeFileSync(path, 'a');
    const host = await suite.host(path);
    const bare = host.url.replace(/\?token=.*$/, '');
    const response = await fetch(bare);
    expect(response.status).toBe(403);
    const wrong = await fetch(`${bare}?token=${'0'.repeat(48)}`);
    expect(wrong.status).toBe(403);
    const page = await suite.browser().newPage();
    await page.goto(host.url);
    const refused = await page.evaluate(
      (wsUrl) =>
        new Promise<boolean>((resolve) => {
          const socket = new WebSocket(wsUrl);
          socket.onopen = () => resolve(false);
          socket.onerror = () => resolve(true);
        }),
      bare.replace('http:', 'ws:') + 'ws?token=bad',
    );
    expect(refused).toBe(true);
  });
});
