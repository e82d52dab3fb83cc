// Issue 14 item 7, compare two files: two 100 MB files with 1,000 seeded differences compared in
// a compare tab opened from the palette's "Compare with…"; the counts equal a naive byte loop's,
// and F7 / Shift+F7 visit the differences in order.
import { openSync, closeSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../src/shared/seededRandom';
import { browserSuite } from './support/suite';
import { naiveRanges, type NaiveRange } from '../native/naiveRanges';

const MiB = 1024 * 1024;
const SIZE = 100 * MiB;

function write(path: string, bytes: Uint8Array): void {
  const fd = openSync(path, 'w');
  try {
    for (let at = 0; at < bytes.length; at += 16 * MiB) writeSync(fd, bytes, at, Math.min(16 * MiB, bytes.length - at));
  } finally {
    closeSync(fd);
  }
}

async function openCompare(page: Page, other: string): Promise<void> {
  await expect.poll(() => page.locator('[data-testid=tab]').count()).toBe(2);
  await page.keyboard.press('Control+Shift+P');
  await page.getByLabel('Command').fill('Compare with');
  await page.getByRole('option', { name: /Compare with…/ }).click();
  const picker = page.getByRole('dialog', { name: 'Compare with' });
  await picker.getByRole('option', { name: new RegExp(other) }).click();
  await page.locator('[data-testid=tab][data-compared=true][aria-selected=true]').waitFor();
  await page.getByTestId('compare-view').waitFor();
}

const currentDiff = async (page: Page): Promise<NaiveRange> => {
  const current = page.getByTestId('current-diff');
  return {
    start: Number(await current.getAttribute('data-start')),
    end: Number(await current.getAttribute('data-end')),
  };
};

describe('compare two files', () => {
  const suite = browserSuite('hexlog-compare-');
  let ranges: NaiveRange[] = [];
  let paths: string[] = [];

  beforeAll(() => {
    const random = seededRandom(14);
    const a = new Uint8Array(SIZE);
    const block = random.bytes(MiB);
    for (let at = 0; at < SIZE; at += MiB) a.set(block, at);
    const b = a.slice();
    for (let i = 0; i < 1000; i++) {
      const at = random.int(SIZE - 8);
      const length = 1 + random.int(random.int(4) === 0 ? 8 : 2);
      for (let j = 0; j < length; j++) b[at + j] = b[at + j]! ^ (1 + random.int(255));
    }
    b[0] = b[0]! ^ 0x5a;
    b[SIZE - 1] = b[SIZE - 1]! ^ 0x5a;
    ranges = naiveRanges(a, b);
    paths = [join(suite.dir, 'left.bin'), join(suite.dir, 'right.bin')];
    write(paths[0]!, a);
    write(paths[1]!, b);
  });

  it('counts the differing ranges and bytes as a naive byte loop does, and F7 / Shift+F7 visit them in order', async () => {
    const page = await suite.start(...paths);
    await openCompare(page, 'right.bin');
    const count = page.locator('[data-testid=diff-count][data-ranges]');
    await count.waitFor({ timeout: 60_000 });
    expect(Number(await count.getAttribute('data-ranges'))).toBe(ranges.length);
    expect(Number(await count.getAttribute('data-bytes'))).toBe(
      ranges.reduce((sum, range) => sum + range.end - range.start, 0),
    );

    // F7 from the start: the first differences in order, each highlighted in both panes.
    for (const expected of ranges.slice(0, 4)) {
      await page.keyboard.press('F7');
      await expect.poll(() => currentDiff(page)).toEqual(expected);
      for (const pane of ['a', 'b']) {
        await page
          .locator(`[data-pane=${pane}] [data-byte="${expected.start}"][data-current=true]`)
          .waitFor({ timeout: 5000 });
      }
    }
    await page.keyboard.press('Shift+F7');
    await expect.poll(() => currentDiff(page)).toEqual(ranges[2]);

    // Go to offset moves both panes; F7 from there reaches the last difference, Shift+F7 goes back.
    const beforeLast = ranges[ranges.length - 2]!;
    await page.keyboard.press('Control+g');
    await page.getByLabel('Go to offset').fill(`0x${beforeLast.start.toString(16)}`);
    await page.getByLabel('Go to offset').press('Enter');
    await page
      .getByTestId('cursor-offset')
      .and(page.locator(`[data-offset="${beforeLast.start}"]`))
      .waitFor();
    for (const pane of ['a', 'b'])
      await page.locator(`[data-pane=${pane}] [data-byte="${beforeLast.start}"]`).waitFor();
    await page.keyboard.press('F7');
    await expect.poll(() => currentDiff(page)).toEqual(beforeLast);
    await page.keyboard.press('F7');
    await expect.poll(() => currentDiff(page)).toEqual(ranges[ranges.length - 1]);
    await page.locator(`[data-pane=b] [data-byte="${SIZE - 1}"][data-current=true]`).waitFor();
    await page.keyboard.press('Shift+F7');
    await expect.poll(() => currentDiff(page)).toEqual(beforeLast);
    await page.keyboard.press('Shift+F7');
    await expect.poll(() => currentDiff(page)).toEqual(ranges[ranges.length - 3]);
  });

  it('files of different lengths: the tail is one more range, and the shorter side shows where it ends', async () => {
    const long = new Uint8Array(5000).fill(0x41);
    const short = long.slice(0, 3000);
    short[10] = 0x42;
    const pair = [join(suite.dir, 'long.bin'), join(suite.dir, 'short.bin')];
    write(pair[0]!, long);
    write(pair[1]!, short);
    const page = await suite.start(...pair);
    await openCompare(page, 'short.bin');
    const count = page.locator('[data-testid=diff-count][data-ranges]');
    await count.waitFor();
    expect(Number(await count.getAttribute('data-ranges'))).toBe(2);
    expect(Number(await count.getAttribute('data-bytes'))).toBe(1 + 2000);
    await page.keyboard.press('F7');
    await expect.poll(() => currentDiff(page)).toEqual({ start: 10, end: 11 });
    await page.keyboard.press('F7');
    await expect.poll(() => currentDiff(page)).toEqual({ start: 3000, end: 5000 });
    // The hex and the text cell just past the shorter file's end mark it, on B's side only.
    await expect.poll(() => page.locator('[data-pane=b] [data-eof=true]').count()).toBe(2);
    expect(await page.locator('[data-pane=a] [data-eof=true]').count()).toBe(0);
    await page.locator('[data-pane=a] [data-byte="3000"][data-current=true]').waitFor();
    expect(await page.locator('[data-pane=b] [data-byte="3000"]').count()).toBe(0);
  });
});
