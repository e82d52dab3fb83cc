// Issue 13, logs merged by time: two generated logs merged (from the command line and from the
// palette); the merged line count is the sum; rows come in time order and name their file; Go to
// time lands on the row a stable merge gives; the timeline counts every row.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../src/shared/seededRandom';
import { openPage } from './support/harness';
import { browserSuite } from './support/suite';

interface Log {
  readonly text: string;
  readonly times: number[];
}

/** A sorted log with stack traces after some lines, times in UTC. */
function log(seed: number, timed: number, name: string): Log {
  const random = seededRandom(seed);
  const lines: string[] = [];
  const times: number[] = [];
  let now = Date.UTC(2026, 11, 5, 8);
  for (let i = 0; i < timed; i++) {
    now += random.int(3) === 0 ? 0 : random.int(3000);
    lines.push(`${new Date(now).toISOString()} ${i % 9 === 0 ? 'ERROR' : 'INFO'} ${name} request ${i}`);
    times.push(now);
    if (random.int(7) === 0) {
      lines.push(`    at ${name}.Worker.run(Worker.java:${i})`);
      times.push(Number.NaN);
    }
  }
  return { text: `${lines.join('\n')}\n`, times };
}

/** Each file's blocks (a timed line and its continuation lines), stably sorted by time: the merged rows' times. */
function mergedTimes(logs: readonly Log[]): number[] {
  const blocks: number[][] = [];
  const keys: number[] = [];
  for (const file of logs) {
    for (const ms of file.times) {
      if (!Number.isNaN(ms)) {
        blocks.push([]);
        keys.push(ms);
      }
      blocks[blocks.length - 1]!.push(ms);
    }
  }
  const order = blocks.map((_, i) => i).sort((a, b) => keys[a]! - keys[b]! || a - b);
  return order.flatMap((i) => blocks[i]!);
}

const currentRow = async (page: Page): Promise<number> =>
  Number(await page.locator('[data-testid=text-view] [data-current=true]').getAttribute('data-line'));

describe('logs merged by time', () => {
  const suite = browserSuite('hexlog-merge-');
  let a: Log;
  let b: Log;
  let paths: string[] = [];

  beforeAll(() => {
    a = log(1, 12_000, 'alpha');
    b = log(2, 9_000, 'beta');
    paths = [join(suite.dir, 'alpha.log'), join(suite.dir, 'beta.log')];
    writeFileSync(paths[0]!, a.text);
    writeFileSync(paths[1]!, b.text);
  });

  it('npm run web -- --merge A B: the sum of the lines, in time order, each row naming its file; go to time and the timeline', async () => {
    const host = await suite.hostWith({ args: ['--merge'] }, ...paths);
    const page = await openPage(suite.browser(), host.url);
    await page.locator('[data-testid=tab][data-merged=true][aria-selected=true]').waitFor();
    const count = page.locator('[data-testid=line-count][data-done=true]');
    await count.waitFor();
    const total = a.times.length + b.times.length;
    expect(Number(await count.getAttribute('data-lines'))).toBe(total);

    const expected = mergedTimes([a, b]);
    await page.locator('[data-testid=text-view] [data-line="1"] [data-part=source]:not(:empty)').waitFor();
    const rows = await page.locator('[data-testid=text-view] [data-line]:not(:has(.pending))').evaluateAll((found) =>
      found.map((row) => ({
        line: Number(row.getAttribute('data-line')),
        ms: row.getAttribute('data-time-ms'),
        source: row.querySelector('[data-part=source]')?.textContent ?? '',
      })),
    );
    expect(rows.length).toBeGreaterThan(10);
    for (const row of rows) {
      expect(row.ms === null ? Number.NaN : Number(row.ms), `row ${row.line}`).toBe(expected[row.line - 1]);
      expect(['alpha.log', 'beta.log']).toContain(row.source);
    }

    const random = seededRandom(4);
    const timed = expected.filter((ms) => !Number.isNaN(ms));
    for (let k = 0; k < 4; k++) {
      const target = timed[random.int(timed.length)]! + 1;
      await page.getByTestId('text-view').focus();
      await page.keyboard.press('Control+t');
      await page.getByLabel('Go to time').fill(new Date(target).toISOString());
      await page.getByLabel('Go to time').press('Enter');
      await expect.poll(() => currentRow(page)).toBe(expected.findIndex((ms) => ms >= target) + 1);
    }

    const timeline = page.locator('[data-testid=timeline][data-lines]');
    await timeline.waitFor();
    expect(Number(await timeline.getAttribute('data-lines'))).toBe(total);
  });

  it('"Merge open files by time" in the palette opens a merged tab; closing a file says the merged tab cannot read it', async () => {
    const page = await suite.start(...paths);
    await expect.poll(() => page.locator('[data-testid=tab]').count()).toBe(2);
    await page.locator('[data-testid=line-count][data-done=true]').waitFor();
    // The palette has it, and the tab bar has a button for it.
    await page.keyboard.press('Control+Shift+P');
    await page.keyboard.type('Merge open files');
    await page.getByRole('option', { name: /Merge open files by time/ }).waitFor();
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Merge by time' }).click();
    await page.locator('[data-testid=tab][data-merged=true][aria-selected=true]').waitFor();
    const count = page.locator('[data-testid=line-count][data-done=true]');
    await count.waitFor();
    expect(Number(await count.getAttribute('data-lines'))).toBe(a.times.length + b.times.length);
    // The merged tab shows no hex view; it has the filtered view (merge-filter.e2e.ts).
    expect(await page.getByTestId('view-hex').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Filtered view' }).count()).toBe(1);
    // Closing one of its files: the merged tab says it cannot read it any more.
    await page.locator('[data-testid=tab][data-name="alpha.log"]').click();
    await page.keyboard.press('Control+w');
    await expect.poll(() => page.locator('[data-testid=tab]').count()).toBe(2);
    await page.locator('[data-testid=tab][data-merged=true]').click();
    await page
      .getByText(/alpha\.log was closed: the merged view cannot read it/)
      .first()
      .waitFor();
  });
});
