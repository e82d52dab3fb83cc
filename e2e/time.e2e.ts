// Issue 13, time: timestamp detection shown in the status bar, times on rows, Go to time (Ctrl+T)
// checked against a linear scan, the current line's time and gap, the timeline's counts against
// wc -l, and overriding the format.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../src/shared/seededRandom';
import { browserSuite } from './support/suite';
import { formatTime } from '../src/shared/time';

/** `2026-12-05 08:00:00.123`, the local wall clock, as the log writes it and Go to time reads it. */
const localText = (ms: number): string => formatTime(ms, true);

interface GeneratedLog {
  readonly text: string;
  /** Each line's own time, or NaN for a continuation line. */
  readonly times: number[];
}

/** A nearly sorted log: ISO times without a zone, stack traces, a few lines out of order, levels. */
function generatedLog(seed: number, timedLines: number): GeneratedLog {
  const random = seededRandom(seed);
  const lines: string[] = [];
  const times: number[] = [];
  let now = new Date(2026, 11, 5, 8, 0, 0).getTime();
  for (let i = 0; i < timedLines; i++) {
    now += random.int(4) === 0 ? 0 : random.int(900);
    // A line written a little late: its time is before the line above's.
    const ms = random.int(50) === 0 ? now - random.int(2000) : now;
    const level = i % 13 === 0 ? 'ERROR' : i % 11 === 0 ? 'WARN' : 'INFO';
    lines.push(`${localText(ms)} ${level} worker-${i % 4} request ${i + 1} done`);
    times.push(ms);
    if (i % 7 === 3) {
      lines.push('java.lang.IllegalStateException: boom', '    at com.example.Worker.run(Worker.java:42)');
      times.push(Number.NaN, Number.NaN);
    }
  }
  return { text: `${lines.join('\n')}\n`, times };
}

const currentLine = async (page: Page): Promise<number> =>
  Number(await page.locator('[data-testid=text-view] [data-current=true]').getAttribute('data-line'));

async function goToTime(page: Page, text: string): Promise<void> {
  await page.getByTestId('text-view').focus();
  await page.keyboard.press('Control+t');
  const input = page.getByLabel('Go to time');
  await input.fill(text);
  await input.press('Enter');
  await input.waitFor({ state: 'detached' });
}

describe('time: detection, Go to time, the timeline', () => {
  const suite = browserSuite('hexlog-time-');
  let logPath = '';
  let log: GeneratedLog;

  beforeAll(() => {
    log = generatedLog(13, 30_000);
    logPath = join(suite.dir, 'app.log');
    writeFileSync(logPath, log.text);
  });

  it('detects ISO times, puts each line’s time on its row, and Go to time lands where a linear scan does', async () => {
    const page = await suite.start(logPath);
    await page.locator('[data-testid=line-count][data-done=true]').waitFor();
    await expect.poll(() => page.getByTestId('time-format').getAttribute('data-kind')).toBe('iso');
    // Rows carry their own time; continuation lines carry none (rows whose line is read).
    await page.locator('[data-testid=text-view] [data-line="1"][data-time-ms]').waitFor();
    const rows = await page
      .locator('[data-testid=text-view] [data-line]:not(:has(.pending))')
      .evaluateAll((found) =>
        found.map((row) => [Number(row.getAttribute('data-line')), row.getAttribute('data-time-ms')] as const),
      );
    expect(rows.length).toBeGreaterThan(10);
    for (const [line, ms] of rows) {
      const expected = log.times[line - 1]!;
      expect(ms === null ? Number.NaN : Number(ms), `line ${line}`).toBe(expected);
    }

    const random = seededRandom(5);
    for (let k = 0; k < 6; k++) {
      const pick = log.times[random.int(log.times.length)]!;
      const target = Number.isNaN(pick) ? log.times[0]! + 3_600_000 : pick + 1;
      const expected = log.times.findIndex((ms) => ms >= target);
      await goToTime(page, localText(target));
      await expect.poll(() => currentLine(page), { message: `target ${localText(target)}` }).toBe(expected + 1);
      // The status bar shows the line's time and the gap since the line with a time before it.
      const shown = page.getByTestId('line-time');
      await expect.poll(() => shown.getAttribute('data-time-ms')).toBe(String(log.times[expected]));
      const previous = log.times
        .slice(0, expected)
        .reverse()
        .find((ms) => !Number.isNaN(ms));
      if (previous !== undefined) {
        expect(Number(await shown.getAttribute('data-gap-ms'))).toBe(log.times[expected]! - previous);
      }
    }

    // A relative time counts from the current line's time.
    const from = await currentLine(page);
    const base = log.times[from - 1]!;
    await goToTime(page, '-15m');
    await expect.poll(() => currentLine(page)).toBe(log.times.findIndex((ms) => ms >= base - 15 * 60_000) + 1);

    // Past the last time: the view stays and the message says what the last time is.
    const before = await currentLine(page);
    await goToTime(page, '2099-01-01 00:00');
    await page.getByText(/No line is at or after .*the last time in the file is/).waitFor();
    expect(await currentLine(page)).toBe(before);
  });

  it('the timeline counts every line once, as wc -l does, and a click goes to its time', async () => {
    const page = await suite.start(logPath);
    const timeline = page.locator('[data-testid=timeline][data-lines]');
    await timeline.waitFor();
    const wc = Number(execFileSync('wc', ['-l', logPath], { encoding: 'utf8' }).trim().split(/\s+/)[0]);
    expect(Number(await timeline.getAttribute('data-lines'))).toBe(wc);
    expect(Number(await timeline.getAttribute('data-buckets'))).toBeGreaterThan(100);
    // A click in the middle of the strip goes to the first line at or after that bucket's time.
    const box = (await page.locator('[data-testid=timeline] canvas').boundingBox())!;
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    const fromMs = Number(await timeline.getAttribute('data-from-ms'));
    const toMs = Number(await timeline.getAttribute('data-to-ms'));
    await expect.poll(() => currentLine(page)).toBeGreaterThan(1);
    const line = await currentLine(page);
    const landed = log.times[line - 1]!;
    expect(Math.abs(landed - (fromMs + toMs) / 2)).toBeLessThan((toMs - fromMs) / 50);

    // A dragged range becomes the filter's time rule: the lines from the first at or after its
    // start to the first at or after its end.
    await page.mouse.move(box.x + box.width * 0.3, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.45, box.y + box.height / 2, { steps: 6 });
    await page.mouse.up();
    await page.getByRole('button', { name: 'Show only this range' }).click();
    const chip = page.getByTestId('filter-time');
    await chip.waitFor();
    const rangeFrom = Number(await chip.getAttribute('data-from-ms'));
    const rangeTo = Number(await chip.getAttribute('data-to-ms'));
    const first = log.times.findIndex((ms) => ms >= rangeFrom);
    const end = log.times.findIndex((ms) => ms >= rangeTo);
    const count = page.locator('[data-testid=filtered-count][data-done=true]');
    await count.waitFor();
    expect(Number(await count.getAttribute('data-lines'))).toBe((end < 0 ? log.times.length : end) - first);
    await page.getByTestId('text-view').focus();
    await page.keyboard.press('Control+Home');
    await expect
      .poll(() => page.locator('[data-testid=text-view] [data-line]').first().getAttribute('data-line'))
      .toBe(String(first + 1));
  });

  it('the timeline works from the keyboard: arrows pick a time, Enter goes there, Shift+arrows select a range', async () => {
    const page = await suite.start(logPath);
    const timeline = page.locator('[data-testid=timeline][data-lines]');
    await timeline.waitFor();
    const strip = page.getByRole('slider');
    await strip.focus();
    await page.keyboard.press('End');
    await page.keyboard.press('Enter');
    const toMs = Number(await timeline.getAttribute('data-to-ms'));
    const fromMs = Number(await timeline.getAttribute('data-from-ms'));
    const lastBucketMs = Math.floor(fromMs + ((toMs - fromMs) * 1023) / 1024);
    await expect.poll(() => currentLine(page)).toBe(log.times.findIndex((ms) => ms >= lastBucketMs) + 1);
    // The strip keeps the keyboard: arrows do not move the text view.
    const before = await currentLine(page);
    await page.keyboard.press('Shift+ArrowLeft');
    await page.keyboard.press('Shift+ArrowLeft');
    await page.getByTestId('timeline-range').waitFor();
    expect(await currentLine(page)).toBe(before);
    await page.keyboard.press('Escape');
    await page.getByTestId('timeline-range').waitFor({ state: 'detached' });
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('text-view');
  });

  it('the format can be overridden: off removes the times, auto brings them back', async () => {
    const page = await suite.start(logPath);
    const picker = page.getByLabel('Time format');
    await expect.poll(() => picker.getAttribute('data-kind')).toBe('iso');
    await picker.selectOption('none');
    await expect.poll(() => picker.getAttribute('data-kind')).toBe('none');
    await expect.poll(() => page.locator('[data-testid=text-view] [data-time-ms]').count()).toBe(0);
    await expect.poll(() => page.getByTestId('timeline').count()).toBe(0);
    await picker.selectOption('syslog');
    await page.getByText(/No sampled line has a syslog time/).waitFor();
    await picker.selectOption('auto');
    await expect.poll(() => page.locator('[data-testid=text-view] [data-time-ms]').count()).toBeGreaterThan(5);
  });

  it('recognises syslog, Apache, slashed, epoch and JSON times; a file without times has no timeline', async () => {
    const at = new Date(2026, 10, 14, 22, 13, 20).getTime();
    const samples: Record<string, string> = {
      syslog: 'Nov 14 22:13:20 host sshd[123]: Accepted publickey',
      clf: '127.0.0.1 - - [14/Nov/2026:22:13:20 +0000] "GET / HTTP/1.1" 200 512',
      slashed: '2026/11/14 22:13:20 [error] 7#7: connect() failed',
      epoch: `${Math.floor(at / 1000)}.250 INFO started`,
      json: `{"level":"info","ts":"2026-11-14T22:13:20.5Z","msg":"up"}`,
    };
    for (const [kind, line] of Object.entries(samples)) {
      const path = join(suite.dir, `${kind}.log`);
      writeFileSync(path, `${Array.from({ length: 50 }, () => line).join('\n')}\n`);
      const page = await suite.start(path);
      await expect.poll(() => page.getByTestId('time-format').getAttribute('data-kind'), { message: kind }).toBe(kind);
      // The row exists before its line is read: wait for its time.
      const row = page.locator('[data-testid=text-view] [data-line="1"][data-time-ms]');
      await row.waitFor();
      const ms = Number(await row.getAttribute('data-time-ms'));
      const expected =
        kind === 'syslog' || kind === 'slashed'
          ? at
          : kind === 'clf'
            ? Date.UTC(2026, 10, 14, 22, 13, 20)
            : kind === 'epoch'
              ? Math.floor(at / 1000) * 1000 + 250
              : Date.UTC(2026, 10, 14, 22, 13, 20, 500);
      expect(ms, kind).toBe(expected);
      await page.close();
    }
    const plain = join(suite.dir, 'plain.txt');
    writeFileSync(plain, 'no times here\njust words\n');
    const page = await suite.start(plain);
    await expect.poll(() => page.getByTestId('time-format').getAttribute('data-kind')).toBe('none');
    expect(await page.getByTestId('timeline').count()).toBe(0);
    await page.getByTestId('text-view').focus();
    await page.keyboard.press('Control+t');
    await page.getByText(/no timestamp format is in force/).waitFor();
  });
});
