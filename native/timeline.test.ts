// The timeline against a naive count: split on LF as the line index does, parse every line with
// parseLineTimes, give each untimed line the time above it (the first time to lines before it),
// and count lines and rule matches per bucket with exact integer arithmetic.
import { appendFileSync, truncateSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';

import { seededRandom, type SeededRandom } from '../src/shared/seededRandom';
import {
  createLineIndex,
  createTimeline,
  jsRegexToPcre2,
  type LineRule,
  type MappedFile,
  nativeTesting,
  openMapped,
  parseLineTimes,
  pcre2Version,
  type Timeline,
  type TimelineCounts,
  type TimelineOptions,
  type TimeFormatSpec,
  type TimeKind,
} from './index';
import { expectDroppedScansReleased, expectNativeError, MiB, settleScan, tempDirForFile } from './testSupport';

const temp = tempDirForFile('hexlog-timeline-', { uniqueNames: true });
const openFiles: MappedFile[] = [];
const timelines: Timeline[] = [];

function cleanUp(): void {
  for (const timeline of timelines.splice(0)) timeline.dispose();
  for (const file of openFiles.splice(0)) file.close();
}

afterEach(() => {
  cleanUp();
  expect(nativeTesting.timelineWorkerThreads()).toBe(0);
});

const hasPcre2 = pcre2Version() !== null;
const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
const DAY = Date.UTC(2023, 10, 14);
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

interface SpecRule {
  readonly literal?: string;
  readonly regex?: string;
}

function toRule(rule: SpecRule): LineRule {
  if (rule.literal !== undefined) return { kind: 'bytes', exclude: false, pattern: { bytes: utf8(rule.literal) } };
  const pcre2 = jsRegexToPcre2(rule.regex!, true);
  if (pcre2 === null) throw new Error(`${rule.regex} is left to JavaScript`);
  return { kind: 'regex', exclude: false, pattern: { bytes: utf8(pcre2.source), utf: true, lineMode: pcre2.lineMode } };
}

interface Setup {
  readonly format: TimeFormatSpec;
  readonly fromMs: number;
  readonly toMs: number;
  readonly buckets: number;
  readonly rules: readonly SpecRule[];
}

type Expected = Omit<TimelineCounts, 'counts'> & { counts: number[]; lines: number };

/** The lines of `bytes` as the line index has them: [start, end) without the LF. */
function splitLines(bytes: Uint8Array): { starts: number[]; ends: number[] } {
  const starts: number[] = [];
  const ends: number[] = [];
  for (let start = 0; start < bytes.length;) {
    let end = bytes.indexOf(10, start);
    if (end < 0) end = bytes.length;
    starts.push(start);
    ends.push(end);
    start = end + 1;
  }
  return { starts, ends };
}

/** The naive answer over the first `prefixLines` lines (all of them by default). */
function naive(bytes: Uint8Array, setup: Setup, prefixLines?: number): Expected {
  const { starts, ends } = splitLines(bytes);
  const total = starts.length;
  const lineCount = prefixLines ?? total;
  const boundaries = Uint32Array.from([
    ...starts.slice(0, lineCount),
    lineCount < total ? starts[lineCount]! : bytes.length,
  ]);
  const { times } = parseLineTimes(bytes, boundaries, setup.format);
  const stride = 1 + setup.rules.length;
  const counts = new Array<number>(setup.buckets * stride).fill(0);
  const span = BigInt(setup.toMs - setup.fromMs);
  let below = 0;
  let above = 0;
  const bucketOf = (ms: number): number => {
    if (ms < setup.fromMs) return 0;
    if (ms >= setup.toMs) return setup.buckets - 1;
    return Number((BigInt(ms - setup.fromMs) * BigInt(setup.buckets)) / span);
  };
  const matches = (line: number): boolean[] => {
    const raw = bytes.subarray(starts[line]!, ends[line]!);
    const text = new TextDecoder().decode(raw).replace(/\r$/, '');
    return setup.rules.map((rule) => {
      if (rule.literal !== undefined) return Buffer.from(raw).includes(rule.literal);
      for (const match of text.matchAll(new RegExp(rule.regex!, 'g'))) if (match[0].length > 0) return true;
      return false;
    });
  };
  let firstTimed = -1;
  for (let i = 0; i < lineCount; i++) {
    if (!Number.isNaN(times[i]!)) {
      firstTimed = i;
      break;
    }
  }
  let timedLines = 0;
  let minMs = NaN;
  let maxMs = NaN;
  let pendingLines = 0;
  let current = firstTimed < 0 ? NaN : times[firstTimed]!;
  for (let i = 0; i < lineCount; i++) {
    const own = times[i]!;
    if (!Number.isNaN(own)) {
      timedLines++;
      minMs = Number.isNaN(minMs) ? own : Math.min(minMs, own);
      maxMs = Number.isNaN(maxMs) ? own : Math.max(maxMs, own);
      current = own;
    }
    let bucket = 0;
    if (Number.isNaN(current)) {
      // No time in the prefix: pending until the pass is done, then bucket 0.
      if (lineCount < total) {
        pendingLines++;
        continue;
      }
    } else {
      bucket = bucketOf(current);
      if (current < setup.fromMs) below++;
      if (current >= setup.toMs) above++;
    }
    counts[bucket * stride]!++;
    matches(i).forEach((matched, k) => {
      if (matched) counts[bucket * stride + 1 + k]!++;
    });
  }
  return { counts, timedLines, minMs, maxMs, below, above, pendingLines, lines: lineCount };
}

function open(content: string | Uint8Array): { file: MappedFile; path: string } {
  const path = temp.makeFile('data.log', content);
  const file = openMapped(path, 'readonly');
  openFiles.push(file);
  return { file, path };
}

function start(file: MappedFile, setup: Setup, options: TimelineOptions = {}): Timeline {
  const timeline = createTimeline(
    file,
    setup.format,
    setup.fromMs,
    setup.toMs,
    setup.buckets,
    setup.rules.map(toRule),
    options,
  );
  timelines.push(timeline);
  return timeline;
}

function actual(timeline: Timeline): Expected {
  const counts = timeline.counts();
  return { ...counts, counts: Array.from(counts.counts), lines: timeline.progress().linesScanned };
}

async function settled(timeline: Timeline): Promise<Expected> {
  await settleScan(timeline, 'timeline');
  const progress = timeline.progress();
  if (progress.error !== null) throw new Error(progress.error.message);
  expect(progress.done).toBe(true);
  return actual(timeline);
}

function spec(kind: TimeKind, maxColumn = 0): TimeFormatSpec {
  return { kind, zoneMinutes: 0, year: 2023, month: 11, maxColumn };
}

/** A timestamp at `ms` as `kind` writes it. */
function stamp(kind: TimeKind, ms: number): string {
  const iso = new Date(ms).toISOString();
  switch (kind) {
    case 'iso':
      return iso;
    case 'slashed':
      return iso.slice(0, 19).replace(/-/g, '/').replace('T', ' ');
    case 'syslog': {
      const d = new Date(ms);
      return `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${iso.slice(11, 19)}`;
    }
    case 'clf': {
      const d = new Date(ms);
      return `[${iso.slice(8, 10)}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${iso.slice(11, 19)} +0000]`;
    }
    case 'epoch':
      return String(ms);
    case 'json':
      return `{"ts":"${iso}","msg":"m"}`;
  }
}

/**
 * A log: some untimed lines, then timed lines in nearly sorted order (with local disorder),
 * continuation and empty lines, CRLF here and there, maybe no final newline. Also its time span.
 */
function makeLog(random: SeededRandom, kind: TimeKind, lineCount: number, maxColumn = 0) {
  const words = [' INFO ok', ' ERROR boom', ' WARN retry', ' ERROR', ' debug error'];
  const continuations = ['  at com.example.Foo(Foo.java:12)', '\tCaused by: ERROR inner', '', 'plain words', '{}'];
  let text = '';
  let ms = DAY + random.int(3_600_000);
  const firstMs = ms;
  const eol = (): string => (random.int(5) === 0 ? '\r\n' : '\n');
  for (let i = random.int(3); i > 0; i--) text += continuations[random.int(continuations.length)]! + eol();
  for (let i = 0; i < lineCount; i++) {
    if (random.int(10) < 6) {
      ms += random.int(60_000);
      const written = random.int(5) === 0 ? ms - random.int(30_000) : ms;
      const prefix = maxColumn > 0 && random.int(2) === 0 ? '[main] '.slice(0, Math.min(7, maxColumn)) : '';
      text += prefix + stamp(kind, written) + words[random.int(words.length)]!;
    } else {
      text += continuations[random.int(continuations.length)]!;
    }
    text += eol();
  }
  if (text.length > 0 && random.int(2) === 0) text = text.replace(/\r?\n$/, '');
  return { text, firstMs, lastMs: ms };
}

function randomSetup(random: SeededRandom, kind: TimeKind, firstMs: number, lastMs: number, maxColumn: number): Setup {
  const span = Math.max(1, lastMs - firstMs);
  // The range may start after the first times and end before the last (below, above).
  const fromMs = firstMs + Math.floor(random.next() * span * 0.3) - random.int(2) * 100_000;
  const toMs = fromMs + 1 + Math.floor(span * (0.4 + random.next()));
  const rules: SpecRule[] = [];
  if (random.int(3) > 0) rules.push({ literal: 'ERROR' });
  if (hasPcre2 && random.int(2) === 0)
    rules.push({ regex: ['err(or)?\\b', '^\\s', 'retry$', '\\d{4}'][random.int(4)]! });
  return { format: spec(kind, maxColumn), fromMs, toMs, buckets: 1 + random.int(40), rules };
}

describe('Timeline', () => {
  it('counts every line into the bucket of its time or the time above it (seeded, against a naive count)', async () => {
    const random = seededRandom(20261114);
    const kinds: TimeKind[] = ['iso', 'iso', 'syslog', 'clf', 'slashed', 'epoch', 'json'];
    for (let round = 0; round < 70; round++) {
      const kind = kinds[random.int(kinds.length)]!;
      const maxColumn = kind === 'epoch' || kind === 'json' || random.int(2) === 0 ? 0 : 10;
      const log = makeLog(random, kind, random.int(120), maxColumn);
      const setup = randomSetup(random, kind, log.firstMs, log.lastMs, maxColumn);
      const { file } = open(log.text);
      const options = { threads: 1 + random.int(4), chunkBytes: 1 + random.int(random.int(2) === 0 ? 64 : 2048) };
      const expected = naive(utf8(log.text), setup);
      expect({ round, kind, options, ...(await settled(start(file, setup, options))) }).toEqual({
        round,
        kind,
        options,
        ...expected,
      });
      cleanUp();
    }
  });

  it('adds up to the lines a LineIndex counts: CRLF, empty lines, no final newline, an empty file', async () => {
    const setup: Setup = { format: spec('iso'), fromMs: DAY, toMs: DAY + 86_400_000, buckets: 24, rules: [] };
    const contents = [
      '',
      '\n',
      '\n\n\r\n',
      'x',
      `${stamp('iso', DAY)} a\r\n\r\nb`,
      `before\n${stamp('iso', DAY + 3_600_000)} a\n`,
      `${stamp('iso', DAY + 7_200_000)}`,
    ];
    for (const content of contents) {
      const { file } = open(content);
      const counted = await settled(start(file, setup, { chunkBytes: 3 }));
      const index = createLineIndex(file, 'utf-8');
      await settleScan(index, 'line index');
      const linesKnown = index.progress().linesKnown;
      index.dispose();
      const lineTotal = counted.counts.reduce((sum, n) => sum + n, 0);
      expect({ content, lineTotal, lines: counted.lines }).toEqual({
        content,
        lineTotal: linesKnown,
        lines: linesKnown,
      });
      expect(counted).toEqual(naive(utf8(content), setup));
    }
  });

  it('puts every line of a file without times in bucket 0, with NaN for minMs and maxMs', async () => {
    const { file } = open('no\ntimes\r\nhere ERROR\n\nat all');
    const setup: Setup = { format: spec('iso', 100), fromMs: 0, toMs: 1000, buckets: 4, rules: [{ literal: 'ERROR' }] };
    expect(await settled(start(file, setup, { chunkBytes: 2, threads: 3 }))).toEqual({
      counts: [5, 1, 0, 0, 0, 0, 0, 0],
      timedLines: 0,
      minMs: NaN,
      maxMs: NaN,
      below: 0,
      above: 0,
      pendingLines: 0,
      lines: 5,
    });
    const empty = open('').file;
    expect(await settled(start(empty, setup))).toEqual({
      counts: [0, 0, 0, 0, 0, 0, 0, 0],
      timedLines: 0,
      minMs: NaN,
      maxMs: NaN,
      below: 0,
      above: 0,
      pendingLines: 0,
      lines: 0,
    });
  });

  it('cuts the range into equal buckets exactly; times outside it count in the first and last as below and above', async () => {
    // 10 ms in 3 buckets: [0, 4), [4, 7), [7, 10) after `from`, as floor((t - from) * 3 / 10).
    const from = DAY;
    const lines = [-1, 0, 3, 4, 6, 7, 9, 10, 5000].map((offset) => `${stamp('iso', from + offset)} x`);
    const { file } = open(lines.join('\n'));
    const setup: Setup = { format: spec('iso'), fromMs: from, toMs: from + 10, buckets: 3, rules: [] };
    const counted = await settled(start(file, setup));
    expect(counted.counts).toEqual([3, 2, 4]);
    expect({ below: counted.below, above: counted.above }).toEqual({ below: 1, above: 2 });
    expect({ minMs: counted.minMs, maxMs: counted.maxMs }).toEqual({ minMs: from - 1, maxMs: from + 5000 });
  });

  it('gives continuation lines the time above them and lines before the first time the first time', async () => {
    const t = (minutes: number): string => stamp('iso', DAY + minutes * 60_000);
    const content = `head ERROR\n\n${t(30)} a\n  at x ERROR\n${t(90)} b\ntrace\r\ntrace ERROR`;
    const { file } = open(content);
    const setup: Setup = {
      format: spec('iso'),
      fromMs: DAY,
      toMs: DAY + 2 * 3_600_000,
      buckets: 2,
      rules: [{ literal: 'ERROR' }],
    };
    // Bucket 0 (first hour): head, empty, a, "at x". Bucket 1: b, trace, trace ERROR.
    expect((await settled(start(file, setup, { chunkBytes: 5, threads: 2 }))).counts).toEqual([4, 2, 3, 1]);
  });

  it.runIf(hasPcre2)('counts a literal rule and a regex rule once a line, per bucket', async () => {
    const t = (minutes: number): string => stamp('iso', DAY + minutes * 60_000);
    const content = `${t(1)} ERROR ERROR error\n${t(2)} fine\n${t(61)} error 123\n${t(62)} ERROR\n`;
    const { file } = open(content);
    const setup: Setup = {
      format: spec('iso'),
      fromMs: DAY,
      toMs: DAY + 2 * 3_600_000,
      buckets: 2,
      rules: [{ literal: 'ERROR' }, { regex: 'error \\d+' }],
    };
    expect((await settled(start(file, setup))).counts).toEqual([2, 1, 0, 2, 1, 1]);
  });

  it('extends over a grown file, counting a last line without a newline again with its new bytes (seeded)', async () => {
    const random = seededRandom(99);
    for (let round = 0; round < 40; round++) {
      const kind: TimeKind = random.int(3) === 0 ? 'epoch' : 'iso';
      const log = makeLog(random, kind, 5 + random.int(60));
      const setup = randomSetup(random, kind, log.firstMs, log.lastMs, 0);
      const whole = utf8(log.text);
      // Cut anywhere: inside a timestamp, between CR and LF, before the first time.
      const cut = random.int(whole.length + 1);
      const { file, path } = open(whole.subarray(0, cut));
      const options = { threads: 1 + random.int(3), chunkBytes: 1 + random.int(200) };
      const timeline = start(file, setup, options);
      expect({ round, cut, ...(await settled(timeline)) }).toEqual({
        round,
        cut,
        ...naive(whole.subarray(0, cut), setup),
      });
      appendFileSync(path, whole.subarray(cut));
      const grown = openMapped(path, 'readonly');
      openFiles.push(grown);
      timeline.extend(grown);
      expect({ round, cut, ...(await settled(timeline)) }).toEqual({ round, cut, ...naive(whole, setup) });
      // The same size again changes nothing.
      timeline.extend(grown);
      expect(await settled(timeline)).toEqual(naive(whole, setup));
      cleanUp();
    }
  });

  it('gives exact counts for the scanned prefix while the pass runs, and after a cancel', async () => {
    const random = seededRandom(5);
    const log = makeLog(random, 'iso', 60_000);
    const bytes = utf8(log.text.repeat(4));
    const setup: Setup = {
      format: spec('iso'),
      fromMs: log.firstMs,
      toMs: log.lastMs,
      buckets: 50,
      rules: [{ literal: 'ERROR' }],
    };
    const { file } = open(bytes);
    const linesIn = (counts: TimelineCounts): number =>
      counts.counts.reduce((sum, n, i) => (i % 2 === 0 ? sum + n : sum), 0) + counts.pendingLines;
    // Snapshots as fast as the thread can take them (the workers do not wait for it), checked after.
    const timeline = start(file, setup, { threads: 2, chunkBytes: 4096 });
    const snapshots = new Map<number, TimelineCounts>();
    for (let done = false; !done;) {
      done = timeline.progress().done;
      const counts = timeline.counts();
      snapshots.set(linesIn(counts), counts);
    }
    const total = naive(bytes, setup).lines;
    const seen = [...snapshots.keys()];
    expect(seen.at(-1)).toBe(total);
    expect(seen.some((lines) => lines > 0 && lines < total)).toBe(true);
    for (const lines of seen.filter((_, i) => i % Math.ceil(seen.length / 6) === 0 || i === seen.length - 1)) {
      const counts = snapshots.get(lines)!;
      expect({ ...counts, counts: Array.from(counts.counts), lines }).toEqual(naive(bytes, setup, lines));
    }

    const cancelled = start(file, setup, { threads: 1, chunkBytes: 1024 });
    while (cancelled.progress().linesScanned === 0) {
      // Cancel once some lines are counted.
    }
    cancelled.cancel();
    await settleScan(cancelled, 'timeline');
    const progress = cancelled.progress();
    expect({ cancelled: progress.cancelled, done: progress.done }).toEqual({ cancelled: true, done: false });
    const counts = cancelled.counts();
    const lines = linesIn(counts);
    expect(lines).toBe(progress.linesScanned);
    expect(lines).toBeLessThan(total);
    expect({ ...counts, counts: Array.from(counts.counts), lines }).toEqual(naive(bytes, setup, lines));
    expectNativeError(() => cancelled.extend(file), 'ECANCELED');
  });

  it.runIf(hasPcre2)('extend while running is EBUSY; cancel stops a slow pass and its threads end', async () => {
    const { file } = open(`${stamp('iso', DAY)} ${'a'.repeat(16)}b\n`.repeat(50_000));
    const setup: Setup = { format: spec('iso'), fromMs: DAY, toMs: DAY + 1, buckets: 1, rules: [{ regex: '(a+)+$' }] };
    const timeline = start(file, setup, { chunkBytes: 64 * 1024 });
    expectNativeError(() => timeline.extend(file), 'EBUSY');
    timeline.cancel();
    await settleScan(timeline, 'timeline', 5_000);
    expect(timeline.progress().cancelled).toBe(true);
  });

  it('refuses bad arguments with EINVAL, and any call after dispose with ECLOSED', async () => {
    const { file } = open('a\n');
    const setup: Setup = { format: spec('iso'), fromMs: 0, toMs: 10, buckets: 2, rules: [] };
    const attempts: Array<() => unknown> = [
      () => createTimeline(file, { ...setup.format, kind: 'nope' as TimeKind }, 0, 10, 2, []),
      () => createTimeline(file, { ...setup.format, zoneMinutes: 2000 }, 0, 10, 2, []),
      () => createTimeline(file, { ...setup.format, maxColumn: 2000 }, 0, 10, 2, []),
      () => createTimeline(file, setup.format, 10, 10, 2, []),
      () => createTimeline(file, setup.format, 0.5, 10, 2, []),
      () => createTimeline(file, setup.format, 0, 2 ** 53, 2, []),
      () => createTimeline(file, setup.format, 0, 10, 0, []),
      () => createTimeline(file, setup.format, 0, 10, 65_537, []),
      () =>
        createTimeline(file, setup.format, 0, 10, 2, [{ kind: 'bytes', exclude: true, pattern: { bytes: utf8('x') } }]),
      () =>
        createTimeline(file, setup.format, 0, 10, 2, [{ kind: 'bytes', exclude: false, pattern: { bytes: utf8('') } }]),
      () => createTimeline(file, setup.format, 0, 10, 2, 'rules' as unknown as LineRule[]),
      () => createTimeline(file, setup.format, 0, 10, 2, [], { threads: 0 }),
      () => createTimeline(file, setup.format, 0, 10, 2, [], { chunkBytes: 2 ** 31 }),
      () => createTimeline({} as MappedFile, setup.format, 0, 10, 2, []),
    ];
    attempts.forEach((attempt) => expectNativeError(attempt, 'EINVAL'));
    const timeline = start(file, setup);
    await settled(timeline);
    timeline.dispose();
    expectNativeError(() => timeline.counts(), 'ECLOSED');
    expectNativeError(() => timeline.progress(), 'ECLOSED');
    expectNativeError(() => timeline.extend(file), 'ECLOSED');
    timeline.dispose();
  });

  it('a negative range and times before 1970 work too', async () => {
    const content = '1969-12-31T23:59:59.000Z a\n1970-01-01T00:00:00.500Z b\n';
    const { file } = open(content);
    const setup: Setup = { format: spec('iso'), fromMs: -2000, toMs: 1000, buckets: 3, rules: [] };
    expect((await settled(start(file, setup))).counts).toEqual([0, 1, 1]);
  });

  it('a timeline dropped without dispose lets go of its threads and its mapping once collected', () => {
    const file = temp.makeSparseFile('dropped.log', 256 * MiB, `${stamp('iso', DAY)} line\n`, 0);
    const noRules =
      'new Uint8Array(0), new Uint8Array(0), new Uint8Array(0), new Float64Array(0), ' +
      'new Uint8Array(0), new Uint8Array(0), new Float64Array(0), ' +
      'new Uint8Array(0), new Float64Array(0), new Float64Array(0)';
    expectDroppedScansReleased(
      temp.path,
      file,
      `native.Timeline.create(file, 0, 0, 2023, 11, 0, 0, 2e12, 100, ${noRules}, 1, 65536, 0)`,
      'native.__timelineWorkerThreads()',
    );
  });

  it('a file truncated behind its mapping: the pass reports EFILECHANGED and the process lives', async () => {
    const random = seededRandom(8);
    const { file, path } = open(makeLog(random, 'iso', 40_000).text);
    truncateSync(path, 0);
    const setup: Setup = { format: spec('iso'), fromMs: DAY, toMs: DAY + 1, buckets: 1, rules: [{ literal: 'ERROR' }] };
    const timeline = start(file, setup, { threads: 2, chunkBytes: 64 * 1024 });
    await settleScan(timeline, 'timeline');
    const progress = timeline.progress();
    expect(progress.error?.code).toBe('EFILECHANGED');
    expect(progress.done).toBe(false);
    expectNativeError(() => timeline.extend(file), 'EFILECHANGED');
  });
});
