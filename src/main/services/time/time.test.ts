// Times through the services over real files: detection of each format from samples, times on the
// lines read, Go to time against a linear scan, a line's inherited time, the timeline's counts
// against a naive count, the format chosen by the user, growth in follow mode.
import { appendFileSync, writeFileSync } from 'node:fs';
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
import { seededRandom } from '../../../shared/seededRandom';
import { createServiceHarness, testOwner, type ServiceHarness } from '../testing/serviceHarness';
import { splitLines } from './timeController';
import { formatTime } from '../../../shared/time';

let harness: ServiceHarness;
let call: ServiceHarness['call'];

beforeEach(() => {
  harness = createServiceHarness('hexlog-time-');
  ({ call } = harness);
});
afterEach(() => harness.dispose());

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const localText = (ms: number): string => formatTime(ms, true);

async function open(name: string, content: string): Promise<FileInfo> {
  const path = join(harness.dir, name);
  writeFileSync(path, content);
  const info = await call<FileInfo>('openOffered', harness.services.offers.offer(path).offerId);
  let status = await call<IndexStatus>('openText', info.session, 'auto');
  while (!status.done) {
    await sleep(2);
    status = await call<IndexStatus>('indexStatus', info.session);
  }
  return info;
}

async function timeline(info: FileInfo, searchId = -1): Promise<TimelineStatus> {
  let status = await call<TimelineStatus>('startTimeline', info.session, searchId);
  for (let i = 0; i < 4000 && !status.done; i++) {
    await sleep(2);
    status = (await call<TimelineStatus | null>('timelineStatus', info.session))!;
  }
  expect(status.done).toBe(true);
  return status;
}

/** A nearly sorted log with stack traces, a preamble without times and a few lines out of order. */
function generated(seed: number, timed: number): { text: string; times: number[]; levels: string[] } {
  const random = seededRandom(seed);
  const lines = ['starting up', 'config loaded'];
  const times = [Number.NaN, Number.NaN];
  const levels = ['', ''];
  let now = new Date(2026, 2, 29, 0, 30).getTime();
  for (let i = 0; i < timed; i++) {
    now += random.int(3) === 0 ? 0 : random.int(5000);
    const ms = random.int(40) === 0 ? now - random.int(3000) : now;
    const level = ['INFO', 'INFO', 'WARN', 'ERROR', 'DEBUG'][random.int(5)]!;
    lines.push(`${localText(ms)} ${level} job ${i}`);
    times.push(ms);
    levels.push(level);
    for (let c = random.int(8) === 0 ? 1 + random.int(4) : 0; c > 0; c--) {
      lines.push(`    at frame ${c}`);
      times.push(Number.NaN);
      levels.push(levels[levels.length - 1]!);
    }
  }
  return { text: `${lines.join('\n')}\n`, times, levels };
}

describe('time through the services', () => {
  it('detects each format and reads the times of the lines read', async () => {
    const at = new Date(2026, 10, 14, 22, 13, 20).getTime();
    const cases: [string, string, number][] = [
      ['iso', '2026-11-14T22:13:20.250Z INFO up', Date.UTC(2026, 10, 14, 22, 13, 20, 250)],
      ['iso', '2026-11-14 22:13:20,250 INFO up', at + 250],
      ['syslog', 'Nov 14 22:13:20 host app[1]: up', at],
      ['clf', '::1 - - [14/Nov/2026:22:13:20 -0130] "GET / HTTP/1.1" 200 1', Date.UTC(2026, 10, 14, 23, 43, 20)],
      ['slashed', '2026/11/14 22:13:20 up', at],
      ['epoch', `${at / 1000} up`, at],
      ['epoch', `[${at}] up`, at],
      ['json', `{"msg":"up","time":${at / 1000}.5}`, at + 500],
      ['json', `{"level":"info","timestamp":"2026-11-14T22:13:20+02:00"}`, Date.UTC(2026, 10, 14, 20, 13, 20)],
    ];
    for (const [index, [kind, line, ms]] of cases.entries()) {
      const info = await open(`f${index}.log`, `${line}\n${line}\n    continued\n${line}\n`);
      const state = await call<TimeState>('timeState', info.session);
      expect(state.format?.kind, line).toBe(kind);
      const lines = await call<TextLines>('readLines', info.session, 0, 4);
      expect([...lines.times], line).toEqual([ms, ms, Number.NaN, ms]);
      const inherited = await call<LineTime>('lineTime', info.session, 2);
      expect(inherited).toEqual({ line: 2, ms, own: false, previousMs: ms });
    }
  });

  it('finds no times in a file without them, and in an empty file, and says so', async () => {
    for (const [name, content] of [
      ['words.txt', 'just words\nand more words 12:00 is not enough\n'],
      ['empty.log', ''],
    ] as const) {
      const info = await open(name, content);
      const state = await call<TimeState>('timeState', info.session);
      expect(state.format).toBeNull();
      if (content !== '') expect(state.notice).toMatch(/No timestamps were recognised/);
      const seek = await harness.services.dispatch(testOwner, 'seekTime', [info.session, 0]);
      expect(seek).toMatchObject({ ok: false, code: 'ENOTFOUND' });
      const lines = await call<TextLines>('readLines', info.session, 0, 5);
      expect([...lines.times].every(Number.isNaN)).toBe(true);
    }
  });

  it('Go to time lands where a linear scan does, and the timeline counts every line once', async () => {
    for (let seed = 1; seed <= 4; seed++) {
      const log = generated(seed, [50, 3000, 20_000, 60_000][seed - 1]!);
      const info = await open(`g${seed}.log`, log.text);
      const random = seededRandom(seed * 31);
      const timed = log.times.filter((ms) => !Number.isNaN(ms));
      for (let k = 0; k < 25; k++) {
        const target = timed[random.int(timed.length)]! + random.int(3) - 1;
        const expected = log.times.findIndex((ms) => ms >= target);
        const result = await harness.services.dispatch(testOwner, 'seekTime', [info.session, target]);
        if (expected < 0) expect(result).toMatchObject({ ok: false, code: 'ERANGE' });
        else expect((result as { value: TimeSeekResult }).value).toEqual({ line: expected, ms: log.times[expected] });
      }
      const status = await timeline(info);
      const stride = 1 + status.series.length;
      let lines = 0;
      let errors = 0;
      let warnings = 0;
      for (let b = 0; b < status.buckets; b++) {
        lines += status.counts[b * stride]!;
        errors += status.counts[b * stride + 1 + status.series.indexOf('error')]!;
        warnings += status.counts[b * stride + 1 + status.series.indexOf('warn')]!;
      }
      expect(lines).toBe(log.times.length);
      expect(status.linesCounted).toBe(log.times.length);
      // A level counts the lines holding its word (continuation lines hold none).
      expect(errors).toBe(log.text.split('\n').filter((line) => line.includes('ERROR')).length);
      expect(warnings).toBe(log.text.split('\n').filter((line) => line.includes('WARN')).length);
      // Each line sits in the bucket of its time (its own, or the line above's).
      const bucketOf = (ms: number): number =>
        Math.min(
          status.buckets - 1,
          Math.max(0, Math.floor(((ms - status.fromMs) / (status.toMs - status.fromMs)) * status.buckets)),
        );
      const naive = new Float64Array(status.buckets);
      let inherited = log.times.find((ms) => !Number.isNaN(ms))!;
      for (const ms of log.times) {
        if (!Number.isNaN(ms)) inherited = ms;
        naive[bucketOf(inherited)]!++;
      }
      expect(Array.from({ length: status.buckets }, (_, b) => status.counts[b * stride])).toEqual([...naive]);
    }
  });

  it('counts the matches of the search in the timeline', async () => {
    const log = generated(9, 5000);
    const info = await open('m.log', log.text);
    const search = await call<{ searchId: number }>('startFind', info.session, {
      mode: 'text',
      pattern: 'job 1',
      matchCase: true,
      wholeWord: false,
    });
    const status = await timeline(info, search.searchId);
    expect(status.series).toContain('match');
    const stride = 1 + status.series.length;
    const at = 1 + status.series.indexOf('match');
    let matched = 0;
    for (let b = 0; b < status.buckets; b++) matched += status.counts[b * stride + at]!;
    expect(matched).toBe(log.text.split('\n').filter((line) => line.includes('job 1')).length);
  });

  it('takes the format the user chooses, and off', async () => {
    const info = await open('c.log', generated(3, 100).text);
    const off = await call<TimeState>('setTimeFormat', info.session, 'none');
    expect(off.format).toBeNull();
    expect([...(await call<TextLines>('readLines', info.session, 0, 10)).times].every(Number.isNaN)).toBe(true);
    const syslog = await call<TimeState>('setTimeFormat', info.session, 'syslog');
    expect(syslog.format?.kind).toBe('syslog');
    expect(syslog.timedLines).toBe(0);
    expect(syslog.notice).toMatch(/No sampled line has a syslog time/);
    const auto = await call<TimeState>('setTimeFormat', info.session, 'auto');
    expect(auto.format?.kind).toBe('iso');
    expect(auto.version).toBeGreaterThan(off.version);
    const bad = await harness.services.dispatch(testOwner, 'setTimeFormat', [info.session, 'strftime']);
    expect(bad).toMatchObject({ ok: false, code: 'EINVAL' });
  });

  it('a time range is a filter rule: the rows are the lines of that time, with the other rules applied', async () => {
    const log = generated(21, 8000);
    const info = await open('range.log', log.text);
    const textLines = log.text.split('\n').slice(0, -1);
    const timed = log.times.filter((ms) => !Number.isNaN(ms));
    const random = seededRandom(77);
    for (let round = 0; round < 6; round++) {
      const a = timed[random.int(timed.length)]!;
      const b = timed[random.int(timed.length)]!;
      const [fromMs, toMs] = [Math.min(a, b), Math.max(a, b) + 1];
      const rules =
        round % 2 === 0 ? [] : [{ pattern: 'ERROR', exclude: false, regex: false, matchCase: true, enabled: true }];
      let status = await call<FilterStatus>('setFilter', info.session, { rules, context: 0, time: { fromMs, toMs } });
      while (!status.done) {
        await sleep(2);
        status = (await call<FilterStatus | null>('filterStatus', info.session))!;
      }
      // Lines from the first at or after fromMs up to the first at or after toMs (a linear scan of each).
      const first = log.times.findIndex((ms) => ms >= fromMs);
      const endAt = log.times.findIndex((ms) => ms >= toMs);
      const end = endAt < 0 ? log.times.length : endAt;
      const expected: number[] = [];
      for (let line = Math.max(0, first); first >= 0 && line < end; line++) {
        if (rules.length === 0 || textLines[line]!.includes('ERROR')) expected.push(line);
      }
      expect(status.rowsKnown, `round ${round}`).toBe(expected.length);
      const rows = await call<FilteredLines>(
        'readFilteredLines',
        info.session,
        status.filterId,
        0,
        Math.min(5000, expected.length),
      );
      expect([...rows.lines]).toEqual(expected.slice(0, 5000));
      if (expected.length > 0) {
        const row = await call<number>('filterRowOfLine', info.session, status.filterId, 0);
        expect(row).toBe(0);
        const shown = await call<Float64Array>('filterRowsOfLines', info.session, status.filterId, [
          expected[0]!,
          Math.max(0, expected[0]! - 1),
          expected[expected.length - 1]!,
          end,
        ]);
        expect(shown[0]).toBe(0);
        expect(shown[2]).toBe(expected.length - 1);
        expect(shown[3]).toBe(-1);
      }
    }
    const backwards = await harness.services.dispatch(testOwner, 'setFilter', [
      info.session,
      { rules: [], context: 0, time: { fromMs: 10, toMs: 5 } },
    ]);
    expect(backwards).toMatchObject({ ok: false, code: 'EINVAL' });
  });

  it('a time range set while the file is still being indexed shows its lines once indexing is done', async () => {
    const log = generated(5, 300_000);
    const path = join(harness.dir, 'early.log');
    writeFileSync(path, log.text);
    const info = await call<FileInfo>('openOffered', harness.services.offers.offer(path).offerId);
    const index = await call<IndexStatus>('openText', info.session, 'auto');
    const timed = log.times.filter((ms) => !Number.isNaN(ms));
    const [fromMs, toMs] = [timed[Math.floor(timed.length * 0.6)]!, timed[Math.floor(timed.length * 0.8)]!];
    let status = await call<FilterStatus>('setFilter', info.session, { rules: [], context: 0, time: { fromMs, toMs } });
    expect(index.done && status.done).toBe(false);
    while (!(status.done && (await call<IndexStatus>('indexStatus', info.session)).done)) {
      await sleep(5);
      status = (await call<FilterStatus | null>('filterStatus', info.session))!;
    }
    status = (await call<FilterStatus | null>('filterStatus', info.session))!;
    const first = log.times.findIndex((ms) => ms >= fromMs);
    const end = log.times.findIndex((ms) => ms >= toMs);
    expect(status.rowsKnown).toBe(end - first);
    const rows = await call<FilteredLines>('readFilteredLines', info.session, status.filterId, 0, 3);
    expect([...rows.lines]).toEqual([first, first + 1, first + 2]);
  });

  it('extends the timeline as a followed file grows', async () => {
    const start = new Date(2026, 0, 1, 12).getTime();
    const line = (i: number): string => `${localText(start + i * 1000)} INFO tick ${i}\n`;
    const path = join(harness.dir, 'follow.log');
    writeFileSync(path, Array.from({ length: 100 }, (_, i) => line(i)).join(''));
    const info = await call<FileInfo>('openOffered', harness.services.offers.offer(path).offerId);
    await call('openText', info.session, 'auto');
    await call('setFollow', info.session, true);
    while (!(await call<IndexStatus>('indexStatus', info.session)).done) await sleep(2);
    const first = await timeline(info);
    expect(first.linesCounted).toBe(100);
    appendFileSync(path, Array.from({ length: 20 }, (_, i) => line(100 + i)).join(''));
    await call('reloadFile', info.session);
    for (let i = 0; i < 2000; i++) {
      const status = (await call<TimelineStatus | null>('timelineStatus', info.session))!;
      if (status.done && status.linesCounted === 120) break;
      await sleep(5);
    }
    const grown = (await call<TimelineStatus | null>('timelineStatus', info.session))!;
    expect(grown.linesCounted).toBe(120);
    let lines = 0;
    for (let b = 0; b < grown.buckets; b++) lines += grown.counts[b * (1 + grown.series.length)]!;
    expect(lines).toBe(120);
  });
});

describe('splitLines', () => {
  it('keeps whole lines only, each without its LF', () => {
    const bytes = new TextEncoder().encode('tail\nline one\nline two\nhead');
    const whole = splitLines(bytes, true, true);
    expect(new TextDecoder().decode(whole.bytes)).toBe('line oneline two');
    expect([...whole.starts]).toEqual([0, 8, 16]);
    expect([...splitLines(bytes, false, false).starts]).toEqual([0, 4, 12, 20, 24]);
    expect([...splitLines(new Uint8Array(0), false, false).starts]).toEqual([0]);
  });
});
