// Adversarial tests of issue 13's times through the services, over real files and the real addon:
// zones and DST, syslog years, mtimes outside the parser's year range, Go to time against a linear
// scan on awkward files, the timeline's counts against the line count, malformed arguments. A test
// without a prefix names a defect and failed on the code it was written against; "PASS: …" passed.
import { appendFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type {
  FileInfo,
  FilteredLines,
  FilterStatus,
  IndexStatus,
  LineTime,
  TextLines,
  TimelineStatus,
  TimeSeekResult,
  TimeState,
} from '../../../shared/contract';
import type { Result } from '../../../shared/result';
import { createServiceHarness, testOwner, type ServiceHarness } from '../testing/serviceHarness';
import { formatTime } from '../../../shared/time';

let harness: ServiceHarness;
let call: ServiceHarness['call'];
const savedZone = process.env['TZ'];

beforeEach(() => {
  harness = createServiceHarness('hexlog-advtime-');
  ({ call } = harness);
});
afterEach(() => {
  harness.dispose();
  if (savedZone === undefined) delete process.env['TZ'];
  else process.env['TZ'] = savedZone;
});

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const localText = (ms: number): string => formatTime(ms, true);
const pad = (value: number): string => String(value).padStart(2, '0');

function write(name: string, content: string | Uint8Array, mtime?: Date): string {
  const path = join(harness.dir, name);
  writeFileSync(path, content);
  if (mtime !== undefined) utimesSync(path, mtime, mtime);
  return path;
}

async function openPath(path: string): Promise<FileInfo> {
  const info = await call<FileInfo>('openOffered', harness.services.offers.offer(path).offerId);
  let status = await call<IndexStatus>('openText', info.session, 'auto');
  while (!status.done) {
    await sleep(2);
    status = await call<IndexStatus>('indexStatus', info.session);
  }
  return info;
}

const open = (name: string, content: string | Uint8Array, mtime?: Date): Promise<FileInfo> =>
  openPath(write(name, content, mtime));

const dispatch = (name: string, ...args: unknown[]): Promise<Result<unknown>> =>
  harness.services.dispatch(testOwner, name, args) as Promise<Result<unknown>>;

async function timeline(info: FileInfo, searchId = -1): Promise<TimelineStatus> {
  let status = await call<TimelineStatus>('startTimeline', info.session, searchId);
  for (let i = 0; i < 4000 && !status.done; i++) {
    await sleep(2);
    status = (await call<TimelineStatus | null>('timelineStatus', info.session))!;
  }
  // Let a widening pass (if any) start and finish.
  await sleep(250);
  status = (await call<TimelineStatus | null>('timelineStatus', info.session))!;
  for (let i = 0; i < 4000 && !status.done; i++) {
    await sleep(2);
    status = (await call<TimelineStatus | null>('timelineStatus', info.session))!;
  }
  return status;
}

function lineSum(status: TimelineStatus): number {
  let lines = 0;
  for (let b = 0; b < status.buckets; b++) lines += status.counts[b * (1 + status.series.length)]!;
  return lines;
}

/** Hourly zoneless ISO lines from `start` (local wall clock), padded with INFO text. */
function hourly(start: Date, hours: number): { text: string; times: number[] } {
  const lines: string[] = [];
  const times: number[] = [];
  for (let h = 0; h < hours; h++) {
    const at = new Date(start.getFullYear(), start.getMonth(), start.getDate(), start.getHours() + h, 7, 30);
    lines.push(`${localText(at.getTime())} INFO tick ${h}`);
    times.push(at.getTime());
  }
  return { text: `${lines.join('\n')}\n`, times };
}

describe('times off by a zone or a year', () => {
  it('a zoneless log spanning a DST change reads every line in the local time of its own date', async () => {
    process.env['TZ'] = 'Europe/Berlin';
    // 2026-10-25 03:00 CEST is 02:00 CET: the lines after it are an hour further from UTC.
    const log = hourly(new Date(2026, 9, 20, 0), 24 * 14);
    const info = await open('dst.log', log.text);
    const lines = await call<TextLines>('readLines', info.session, 0, log.times.length);
    const wrong = log.times.flatMap((ms, i) =>
      lines.times[i] === ms ? [] : [`line ${i}: ${localText(lines.times[i]!)} for ${localText(ms)}`],
    );
    expect(wrong.slice(0, 3), `${wrong.length} lines read off by the zone`).toEqual([]);
    // Go to time of a wall clock after the change lands on that line.
    const target = new Date(2026, 10, 1, 12, 7, 30).getTime();
    const seek = await call<TimeSeekResult>('seekTime', info.session, target);
    expect(seek.line).toBe(log.times.indexOf(target));
  });

  it('a file whose mtime is past 2200 still reads its times (and its lines)', async () => {
    const log = hourly(new Date(2026, 0, 1, 0), 200);
    const info = await open('future.log', log.text, new Date(Date.UTC(2250, 0, 1)));
    // The text itself must show whatever the times do.
    const lines = await dispatch('readLines', info.session, 0, 5);
    expect(lines, JSON.stringify(lines).slice(0, 300)).toMatchObject({ ok: true });
    const state = await dispatch('timeState', info.session);
    expect(state).toMatchObject({ ok: true, value: { format: { kind: 'iso' } } });
  });

  it('a file whose mtime is 0 (reproducible builds, archives) reads its times west of UTC', async () => {
    process.env['TZ'] = 'America/New_York';
    const log = hourly(new Date(2026, 0, 1, 0), 200);
    // Epoch 0 is 1969-12-31 19:00 in New York.
    const info = await open('epoch0.log', log.text, new Date(0));
    // The text itself must show whatever the times do.
    const lines = await dispatch('readLines', info.session, 0, 5);
    expect(lines, JSON.stringify(lines).slice(0, 300)).toMatchObject({ ok: true });
    const state = await dispatch('timeState', info.session);
    expect(state).toMatchObject({ ok: true, value: { format: { kind: 'iso' } } });
  });

  it('PASS: syslog across New Year (mtime in January): December lines are of the year before', async () => {
    const lines = [
      'Dec 31 23:59:58 host app[1]: old year',
      'Dec 31 23:59:59 host app[1]: old year',
      'Jan  1 00:00:00 host app[1]: new year',
      'Jan  1 00:00:01 host app[1]: new year',
    ];
    const info = await open('syslog-ny.log', `${lines.join('\n')}\n`, new Date(2027, 0, 1, 0, 0, 5));
    const read = await call<TextLines>('readLines', info.session, 0, 4);
    expect([...read.times]).toEqual([
      new Date(2026, 11, 31, 23, 59, 58).getTime(),
      new Date(2026, 11, 31, 23, 59, 59).getTime(),
      new Date(2027, 0, 1, 0, 0, 0).getTime(),
      new Date(2027, 0, 1, 0, 0, 1).getTime(),
    ]);
  });

  it('a followed syslog file that crosses New Year dates its January lines in the new year', async () => {
    const dec = Array.from({ length: 60 }, (_, i) => `Dec 31 23:59:${pad(i)} host app[1]: tick ${i}`);
    const path = write('syslog-follow.log', `${dec.join('\n')}\n`, new Date(2026, 11, 31, 23, 59, 59));
    const info = await openPath(path);
    await call('setFollow', info.session, true);
    expect((await call<TimeState>('timeState', info.session)).format?.kind).toBe('syslog');
    appendFileSync(path, 'Jan  1 00:00:05 host app[1]: happy new year\n');
    utimesSync(path, new Date(2027, 0, 1, 0, 0, 6), new Date(2027, 0, 1, 0, 0, 6));
    await call('reloadFile', info.session);
    while (!(await call<IndexStatus>('indexStatus', info.session)).done) await sleep(2);
    const time = await call<LineTime>('lineTime', info.session, 60);
    expect(localText(time.ms!)).toBe(localText(new Date(2027, 0, 1, 0, 0, 5).getTime()));
  });

  it('PASS: times written with Z, with offsets and without a zone are each read in their own zone', async () => {
    const base = Date.UTC(2026, 5, 1, 12, 0, 0);
    const text = [
      '2026-06-01T12:00:00Z a',
      '2026-06-01T14:00:01+02:00 b',
      '2026-06-01T07:00:02-0500 c',
      '2026-06-01 12:00:03 +00 d',
      '2026-06-01T12:00:04.5z e',
    ];
    const info = await open('zones.log', `${text.join('\n')}\n`.repeat(20));
    const read = await call<TextLines>('readLines', info.session, 0, 5);
    expect([...read.times]).toEqual([base, base + 1000, base + 2000, base + 3000, base + 4500]);
  });
});

/** The line count as wc -l counts it, plus one for a last line without its LF. */
const linesOf = (text: string): number => text.split('\n').length - (text.endsWith('\n') ? 1 : 0);

describe('the timeline counts every line once', () => {
  it('PASS: with no final newline, CRLF, blank lines and a preamble without times', async () => {
    const body = hourly(new Date(2026, 0, 1, 0), 500);
    const variants: Record<string, string> = {
      'no-final-lf.log': body.text.slice(0, -1),
      'crlf.log': body.text.replaceAll('\n', '\r\n'),
      'blank.log': body.text.replaceAll('\n', '\n\n'),
      'preamble.log': `${'banner line without a time\n'.repeat(3000)}${body.text}`,
      'trailer.log': `${body.text}${'    at trace frame\n'.repeat(3000)}`,
      'one.log': `${localText(Date.UTC(2026, 0, 1))} only line`,
    };
    for (const [name, text] of Object.entries(variants)) {
      const info = await open(name, text);
      const status = await timeline(info);
      expect(status.error, name).toBeNull();
      expect(lineSum(status), name).toBe(linesOf(text));
      expect(status.linesCounted, name).toBe(linesOf(text));
    }
  });

  it('PASS: with a few lines far outside the sampled range (an outlier year in the middle)', async () => {
    const body = hourly(new Date(2026, 0, 1, 0), 40_000).text.split('\n');
    body[20_000] = '2099-01-01 00:00:00.000 INFO clock jumped';
    body[20_001] = '1999-01-01 00:00:00.000 INFO clock jumped back';
    const text = body.join('\n');
    const info = await open('outlier.log', text);
    const status = await timeline(info);
    expect(lineSum(status)).toBe(linesOf(text));
  });

  it('PASS: in Latin-1, and says why not in UTF-16', async () => {
    const body = hourly(new Date(2026, 0, 1, 0), 300).text.replaceAll('INFO', 'INFO caf\xe9');
    const info = await open('latin1.log', Buffer.from(body, 'latin1'));
    await call('openText', info.session, 'latin1');
    while (!(await call<IndexStatus>('indexStatus', info.session)).done) await sleep(2);
    const status = await timeline(info);
    expect(lineSum(status)).toBe(300);
    const utf16 = await open('utf16.log', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(body, 'utf16le')]));
    const state = await call<TimeState>('timeState', utf16.session);
    expect(state.format).toBeNull();
    expect(state.notice).toMatch(/UTF-16/);
    // Back to UTF-8 (a wrong guess corrected): the times are detected again.
    const mislabelled = await open('mislabelled.log', body);
    await call('openText', mislabelled.session, 'utf-16le');
    while (!(await call<IndexStatus>('indexStatus', mislabelled.session)).done) await sleep(2);
    expect((await call<TimeState>('timeState', mislabelled.session)).format).toBeNull();
    await call('openText', mislabelled.session, 'latin1');
    while (!(await call<IndexStatus>('indexStatus', mislabelled.session)).done) await sleep(2);
    expect((await call<TimeState>('timeState', mislabelled.session)).format?.kind).toBe('iso');
  });

  it('PASS: an empty file, a binary file and a file without times: no timeline, a reason, no crash', async () => {
    const binary = new Uint8Array(200_000);
    for (let i = 0; i < binary.length; i++) binary[i] = (i * 7919) & 0xff;
    for (const [name, content] of [
      ['empty.log', ''],
      ['binary.bin', binary],
      ['words.txt', 'a\nb\nc\n'],
    ] as const) {
      const info = await open(name, content);
      const started = await dispatch('startTimeline', info.session, -1);
      expect(started, name).toMatchObject({ ok: false, code: 'ENOTFOUND' });
      expect(await dispatch('timelineStatus', info.session), name).toMatchObject({ ok: true, value: null });
      expect(await dispatch('lineTime', info.session, 0), name).toMatchObject({ ok: true, value: { ms: null } });
    }
  });
});

describe('Go to time lands where a linear scan does', () => {
  async function expectSeeksLikeScan(name: string, lines: string[], times: number[], targets: number[]): Promise<void> {
    const info = await open(name, `${lines.join('\n')}\n`);
    for (const target of targets) {
      const expected = times.findIndex((ms) => ms >= target);
      const result = await dispatch('seekTime', info.session, target);
      if (expected < 0) expect(result, `${name} ${localText(target)}`).toMatchObject({ ok: false, code: 'ERANGE' });
      else {
        expect((result as { value?: TimeSeekResult }).value, `${name} ${localText(target)}`).toEqual({
          line: expected,
          ms: times[expected],
        });
      }
    }
  }

  it('PASS: with times only in the middle, long blocks without times and a 1-line file', async () => {
    const t0 = new Date(2026, 3, 1, 0).getTime();
    for (const [name, before, timed, gapAt, gap, after] of [
      ['middle.log', 30_000, 20_000, -1, 0, 30_000],
      ['dump.log', 0, 40_000, 20_000, 9_000, 0],
      ['shortgap.log', 0, 40_000, 10_000, 1_500, 0],
      ['tail.log', 0, 3_000, -1, 0, 50_000],
      ['one.log', 0, 1, -1, 0, 0],
    ] as const) {
      const lines: string[] = [];
      const times: number[] = [];
      const untimed = (text: string): void => {
        lines.push(text);
        times.push(Number.NaN);
      };
      for (let i = 0; i < before; i++) untimed(`preamble ${i}`);
      for (let i = 0; i < timed; i++) {
        if (i === gapAt) for (let g = 0; g < gap; g++) untimed(`  dump ${g}`);
        lines.push(`${localText(t0 + i * 1000)} INFO ${i}`);
        times.push(t0 + i * 1000);
      }
      for (let i = 0; i < after; i++) untimed(`  trailer ${i}`);
      const targets = [t0 - 1, t0, t0 + 1, t0 + 500 * 1000, t0 + (timed - 1) * 1000, t0 + timed * 1000];
      for (let k = 1; k < 12; k++) targets.push(t0 + Math.floor((timed * k) / 12) * 1000 + 1);
      if (gapAt > 0) targets.push(t0 + (gapAt - 1) * 1000 + 1, t0 + gapAt * 1000);
      await expectSeeksLikeScan(name, lines, times, targets);
    }
  });

  it('PASS: with times in different zones that increase in absolute time', async () => {
    const t0 = Date.UTC(2026, 5, 1, 0, 0, 0);
    const lines: string[] = [];
    const times: number[] = [];
    const zones = ['Z', '+05:30', '-08:00', '+14:00', '-11:00'];
    for (let i = 0; i < 20_000; i++) {
      const ms = t0 + i * 1000;
      const zone = zones[i % zones.length]!;
      const sign = zone === 'Z' ? 0 : zone.startsWith('-') ? -1 : 1;
      const offset = zone === 'Z' ? 0 : sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
      const wall = new Date(ms + offset * 60_000).toISOString().slice(0, 19);
      lines.push(`${wall}${zone} INFO ${i}`);
      times.push(ms);
    }
    const targets = Array.from({ length: 15 }, (_, k) => t0 + k * 1_333_001);
    await expectSeeksLikeScan('zones.log', lines, times, targets);
  });
});

describe('a time range in the filtered view', () => {
  it('a range reaching past the last time keeps the lines a followed file appends within it', async () => {
    const start = new Date(2026, 0, 1, 12).getTime();
    const line = (i: number): string => `${localText(start + i * 1000)} INFO tick ${i}\n`;
    const path = write('follow-range.log', Array.from({ length: 100 }, (_, i) => line(i)).join(''));
    const info = await openPath(path);
    await call('setFollow', info.session, true);
    while (!(await call<IndexStatus>('indexStatus', info.session)).done) await sleep(2);
    // Lines 50.. and the hour after the last one.
    const spec = { rules: [], context: 0, time: { fromMs: start + 50_000, toMs: start + 3_600_000 } };
    let status = await call<FilterStatus>('setFilter', info.session, spec);
    while (!status.done) {
      await sleep(2);
      status = (await call<FilterStatus | null>('filterStatus', info.session))!;
    }
    expect(status.rowsKnown).toBe(50);
    appendFileSync(path, Array.from({ length: 20 }, (_, i) => line(100 + i)).join(''));
    await call('reloadFile', info.session);
    while (!(await call<IndexStatus>('indexStatus', info.session)).done) await sleep(2);
    await sleep(300);
    status = (await call<FilterStatus | null>('filterStatus', info.session))!;
    expect(status.rowsKnown).toBe(70);
    const rows = await call<FilteredLines>('readFilteredLines', info.session, status.filterId, 0, 70);
    expect(rows.lines[69]).toBe(119);
  });

  it('PASS: an empty range, and a range with a rule and context lines, show exactly the lines of that time', async () => {
    const t0 = new Date(2026, 0, 1, 0).getTime();
    const lines: string[] = [];
    for (let i = 0; i < 2000; i++) lines.push(`${localText(t0 + i * 1000)} ${i % 10 === 0 ? 'ERROR' : 'INFO'} ${i}`);
    const info = await open('ctx.log', `${lines.join('\n')}\n`);
    const apply = async (spec: unknown): Promise<FilterStatus> => {
      let status = await call<FilterStatus>('setFilter', info.session, spec);
      while (!status.done) {
        await sleep(2);
        status = (await call<FilterStatus | null>('filterStatus', info.session))!;
      }
      return status;
    };
    // Between two lines' times: no line.
    const empty = await apply({ rules: [], context: 0, time: { fromMs: t0 + 500_100, toMs: t0 + 500_900 } });
    expect(empty.rowsKnown).toBe(0);
    // Lines 95..205 with ERROR and one line of context: 100, 110, ..., 200 and their neighbours within.
    const rule = { pattern: 'ERROR', exclude: false, regex: false, matchCase: true, enabled: true };
    const ranged = await apply({ rules: [rule], context: 1, time: { fromMs: t0 + 95_000, toMs: t0 + 206_000 } });
    const rows = await call<FilteredLines>('readFilteredLines', info.session, ranged.filterId, 0, ranged.rowsKnown);
    const expected: number[] = [];
    for (let i = 95; i < 206; i++) if (i % 10 === 0 || i % 10 === 1 || i % 10 === 9) expected.push(i);
    expect([...rows.lines]).toEqual(expected);
  });
});

describe('malformed arguments to the time channels', () => {
  it('PASS: answer EINVAL or ERANGE, never a throw or a hang', async () => {
    const info = await open('args.log', hourly(new Date(2026, 0, 1), 50).text);
    const s = info.session;
    const cases: [string, unknown[]][] = [
      ['timeState', []],
      ['timeState', ['nope']],
      ['setTimeFormat', [s]],
      ['setTimeFormat', [s, 'ISO']],
      ['setTimeFormat', [s, { kind: 'iso' }]],
      ['seekTime', [s, Number.NaN]],
      ['seekTime', [s, Number.POSITIVE_INFINITY]],
      ['seekTime', [s, 1.5]],
      ['seekTime', [s, '1700000000000']],
      ['seekTime', [s, 1e300]],
      ['lineTime', [s, -1]],
      ['lineTime', [s, 50]],
      ['lineTime', [s, 2 ** 53]],
      ['lineTime', [s, null]],
      ['startTimeline', [s, -2]],
      ['startTimeline', [s, 0.5]],
      ['startTimeline', [s]],
      ['timelineStatus', [s, 1]],
      ['cancelOpen', [1]],
    ];
    for (const [name, args] of cases) {
      const result = await dispatch(name, ...args);
      expect(result.ok, `${name}(${JSON.stringify(args)})`).toBe(false);
      expect(['EINVAL', 'ERANGE', 'ENOSESSION'], `${name}(${JSON.stringify(args)})`).toContain(
        (result as { code: string }).code,
      );
    }
    // A search id that is not the current search: the timeline counts no matches, and says nothing wrong.
    const foreign = await dispatch('startTimeline', s, 12345);
    expect(foreign).toMatchObject({ ok: true });
    expect((foreign as { value: TimelineStatus }).value.series).not.toContain('match');
  });
});

describe('the Go to time grammar', () => {
  it('a year below 100 is not read as 19xx: it is refused as out of reach, and an early year in reach is that year', async () => {
    const { parseTimeTarget } = await import('../../../shared/time');
    const typed = parseTimeTarget('0099-06-01 12:00Z', { currentMs: null });
    expect(typed).toMatchObject({ ok: false, message: /0099-06-01 is out of the times Go to time reaches/ });
    const early = parseTimeTarget('1700-06-01 12:00Z', { currentMs: null });
    expect(early).toEqual({ ok: true, value: Date.UTC(1700, 5, 1, 12) });
  });
});
