// The record view's first screen in Chromium through the browser host: from applying a layout to the
// first screen of records drawn with their values (target: at most 50 ms).
import { closeSync, existsSync, openSync, statSync, writeSync } from 'node:fs';
import { launchBrowser, openPage, startWebHost } from '../e2e/support/harness';
import { percentile, report } from './report';
import { ensureRendererBuilt } from './scroll';

/** `count` records of struct.pack('<Id', i, i * 0.5), written once. */
export function generateIdDoubleRecords(path: string, count: number): string {
  if (existsSync(path) && statSync(path).size === count * 12) return path;
  const fd = openSync(path, 'w');
  const batch = 1 << 16;
  try {
    for (let first = 0; first < count; first += batch) {
      const rows = Math.min(batch, count - first);
      const chunk = Buffer.alloc(rows * 12);
      for (let row = 0; row < rows; row++) {
        chunk.writeUInt32LE(first + row, row * 12);
        chunk.writeDoubleLE((first + row) * 0.5, row * 12 + 4);
      }
      writeSync(fd, chunk);
    }
  } finally {
    closeSync(fd);
  }
  return path;
}

// In the page: apply `layout`, then count frames until every drawn row shows its values.
const applyAndWait = (layout: string): string => `(async () => {
  const input = document.querySelector('[aria-label="Record layout"]');
  const setValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
  const started = performance.now();
  setValue.call(input, ${JSON.stringify(layout)});
  input.dispatchEvent(new Event('input', { bubbles: true }));
  input.form.requestSubmit();
  for (;;) {
    await new Promise((resolve) => requestAnimationFrame(resolve));
    const view = document.querySelector('[data-testid=record-view]');
    const rows = view.querySelectorAll('[data-record]').length;
    if (rows > 0 && view.querySelector('.record-cell.pending') === null) {
      return { ms: performance.now() - started, rows };
    }
    if (performance.now() - started > 30000) throw new Error('no first screen of records in 30 s');
  }
})()`;

/** Opens a fresh page per run, starts the records far into the file (a cold page cache), applies a layout. */
export async function benchRecords(path: string): Promise<void> {
  ensureRendererBuilt();
  const size = statSync(path).size;
  const host = await startWebHost([path]);
  const browser = await launchBrowser();
  const times: number[] = [];
  let rows = 0;
  try {
    for (let run = 0; run < 7; run++) {
      const page = await openPage(browser, host.url);
      await page.locator('[data-testid=view-records]').click();
      const start = Math.floor((size / 12) * ((run + 1) / 9)) * 12;
      await page.getByLabel('Start offset').fill(String(start));
      await page.getByLabel('Start offset').press('Enter');
      const layout = run % 2 === 0 ? '<Id' : 'u32le id; f64le value';
      const result = (await page.evaluate(applyAndWait(layout))) as { ms: number; rows: number };
      times.push(result.ms);
      rows = result.rows;
      await page.close();
    }
  } finally {
    await browser.close();
    await host.stop();
  }
  times.sort((a, b) => a - b);
  report({
    metric: 'records.first_screen.median',
    value: percentile(times, 0.5),
    unit: 'ms',
    better: 'lower',
    note: `target ≤ 50 ms; ${(size / 12).toLocaleString('en-US')} records of <Id, ${rows} rows drawn, cold pages, ${times.length} runs`,
  });
  report({
    metric: 'records.first_screen.max',
    value: times[times.length - 1] ?? Number.NaN,
    unit: 'ms',
    better: 'lower',
  });
}
