// The filtered view's rows against a naive filter (split on LF, test each rule) over seeded random
// logs and rule sets, with and without context lines; growth while filtering; bad rules as values.
import { appendFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FileInfo, FilteredLines, FilterRule, FilterSpec, FilterStatus } from '../../../shared/contract';
import { seededRandom } from '../../../shared/seededRandom';
import type { Services } from '../index';
import { createServiceHarness, testOwner, type ServiceHarness } from '../testing/serviceHarness';
import { pcre2Enabled } from '../find/nativeRegexSearch';
import { ContextRuns } from './contextRuns';

let harness: ServiceHarness;
let dir: string;
let services: Services;
let call: ServiceHarness['call'];

beforeEach(() => {
  harness = createServiceHarness('hexlog-filter-');
  ({ dir, services, call } = harness);
});
afterEach(() => harness.dispose());

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function open(content: string): Promise<FileInfo> {
  const path = join(dir, 'f.log');
  writeFileSync(path, content);
  const info = await call<FileInfo>('openOffered', services.offers.offer(path).offerId);
  await call('openText', info.session, 'auto');
  return info;
}

async function settle(info: FileInfo): Promise<FilterStatus> {
  for (let i = 0; i < 2000; i++) {
    const status = await call<FilterStatus | null>('filterStatus', info.session);
    if (status !== null && status.done) return status;
    await sleep(5);
  }
  throw new Error('the filter did not finish');
}

async function shownLines(info: FileInfo, status: FilterStatus): Promise<number[]> {
  const lines: number[] = [];
  for (let row = 0; row < status.rowsKnown; row += 5000) {
    const page = await call<FilteredLines>('readFilteredLines', info.session, status.filterId, row, 5000);
    lines.push(...page.lines);
  }
  return lines;
}

const rule = (pattern: string, options: Partial<FilterRule> = {}): FilterRule => ({
  pattern,
  exclude: false,
  regex: false,
  matchCase: true,
  enabled: true,
  ...options,
});

/** What the filtered view must show: the same rules, one line at a time. */
function naive(text: string, spec: FilterSpec): number[] {
  const lines = text.split('\n');
  if (text.endsWith('\n')) lines.pop();
  const tests = spec.rules
    .filter((r) => r.enabled)
    .map((r) => {
      const source = r.regex ? r.pattern : r.pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      const re = new RegExp(source, r.matchCase ? '' : 'i');
      return { exclude: r.exclude, test: (line: string) => re.test(line) };
    });
  const includes = tests.filter((t) => !t.exclude);
  const kept = lines.flatMap((line, index) =>
    (includes.length === 0 || includes.some((t) => t.test(line))) && !tests.some((t) => t.exclude && t.test(line))
      ? [index]
      : [],
  );
  if (spec.context === 0) return kept;
  const shown = new Set<number>();
  for (const line of kept) {
    for (let i = Math.max(0, line - spec.context); i <= Math.min(lines.length - 1, line + spec.context); i++)
      shown.add(i);
  }
  return [...shown].sort((a, b) => a - b);
}

const words = ['ERROR', 'error', 'WARN', 'INFO', 'db.pool', 'db', 'pool', 'user=42', 'GET /x', 'timeout', 'ok'];

function randomLog(random: () => number, lines: number): string {
  const out: string[] = [];
  for (let i = 0; i < lines; i++) {
    const count = Math.floor(random() * 4);
    const parts = [`${i}`];
    for (let j = 0; j < count; j++) parts.push(words[Math.floor(random() * words.length)]!);
    out.push(parts.join(' '));
  }
  return out.join('\n') + (random() < 0.5 ? '\n' : '');
}

function randomSpec(random: () => number): FilterSpec {
  const count = Math.floor(random() * 4);
  const rules: FilterRule[] = [];
  for (let i = 0; i < count; i++) {
    const regex = pcre2Enabled() && random() < 0.3;
    rules.push(
      rule(regex ? 'ERR(OR)?|tim.out' : words[Math.floor(random() * words.length)]!, {
        exclude: random() < 0.4,
        regex,
        matchCase: random() < 0.6,
        enabled: random() < 0.85,
      }),
    );
  }
  return { rules, context: random() < 0.4 ? Math.floor(random() * 3) : 0 };
}

describe('filtered view', () => {
  it('shows the same lines as a naive filter, over seeded random logs and rule sets', async () => {
    const { next: random } = seededRandom(0xf11e5);
    for (let round = 0; round < 25; round++) {
      const text = randomLog(random, 1 + Math.floor(random() * 400));
      const spec = randomSpec(random);
      const info = await open(text);
      const started = await call<FilterStatus>('setFilter', info.session, spec);
      expect(started.active).toBe(spec.rules.some((r) => r.enabled));
      const status = await settle(info);
      const expected = naive(text, spec);
      expect(status.rowsKnown, JSON.stringify(spec)).toBe(expected.length);
      expect(await shownLines(info, status), JSON.stringify(spec)).toEqual(expected);
      // With context, each row says whether a rule keeps it or it is context only.
      const page = await call<FilteredLines>('readFilteredLines', info.session, status.filterId, 0, 5000);
      if (spec.context > 0 && status.active) {
        const kept = new Set(naive(text, { ...spec, context: 0 }));
        expect(Array.from(page.kept ?? [])).toEqual(Array.from(page.lines, (line) => (kept.has(line) ? 1 : 0)));
      } else {
        expect(page.kept).toBeNull();
      }
      // The row of each shown line is its position; a hidden line maps to the next shown one.
      for (const probe of [0, Math.floor(random() * 400), 399]) {
        const row = await call<number>('filterRowOfLine', info.session, status.filterId, probe);
        const next = expected.findIndex((line) => line >= probe);
        expect(row, `line ${probe} of ${JSON.stringify(spec)}`).toBe(next === -1 ? expected.length : next);
      }
      await call('closeFile', info.session);
    }
  });

  it('include ERROR, exclude db.pool: rows carry their original line numbers and text', async () => {
    const text = ['a ERROR x', 'b INFO', 'c ERROR db.pool', 'd ERROR y', 'e'].join('\n');
    const info = await open(text);
    await call('setFilter', info.session, { rules: [rule('ERROR'), rule('db.pool', { exclude: true })], context: 0 });
    const status = await settle(info);
    expect(status.rowsKnown).toBe(2);
    const page = await call<FilteredLines>('readFilteredLines', info.session, status.filterId, 0, 10);
    expect([...page.lines]).toEqual([0, 3]);
    const decoded = new TextDecoder().decode(page.bytes.subarray(page.textStarts[1], page.textStarts[2]));
    expect(decoded).toBe('d ERROR y');
    const copied = await call<Uint8Array>('copyFilteredLines', info.session, status.filterId, 0, 1);
    expect(new TextDecoder().decode(copied)).toBe('a ERROR x\nd ERROR y');
  });

  it('goes on over appended lines when the file grows (follow mode)', async () => {
    const first = 'ERROR one\nINFO two\n';
    const info = await open(first);
    await call('setFilter', info.session, { rules: [rule('ERROR')], context: 0 });
    const before = await settle(info);
    expect(before.rowsKnown).toBe(1);
    appendFileSync(join(dir, 'f.log'), 'ERROR three\nINFO four\nERROR five\n');
    await call('reloadFile', info.session);
    const after = await settle(info);
    expect(after.filterId).toBe(before.filterId);
    expect(await shownLines(info, after)).toEqual([0, 2, 4]);
  });

  it('grows while filtering a larger file: the rows known only ever grow, and end right', async () => {
    const { next: random } = seededRandom(7);
    const text = randomLog(random, 200_000);
    const info = await open(text);
    const spec: FilterSpec = { rules: [rule('ERROR'), rule('pool', { exclude: true })], context: 1 };
    const started = await call<FilterStatus>('setFilter', info.session, spec);
    let last = started.rowsKnown;
    for (let i = 0; i < 4000; i++) {
      const status = await call<FilterStatus>('filterStatus', info.session);
      expect(status.rowsKnown).toBeGreaterThanOrEqual(last);
      last = status.rowsKnown;
      if (status.done) break;
      await sleep(1);
    }
    const status = await settle(info);
    expect(await shownLines(info, status)).toEqual(naive(text, spec));
  });

  it('refuses a bad regex with a message naming the rule, and keeps the previous filter', async () => {
    if (!pcre2Enabled()) return;
    const info = await open('ERROR a\nINFO b\n');
    const good = await call<FilterStatus>('setFilter', info.session, { rules: [rule('ERROR')], context: 0 });
    const bad = await services.dispatch(testOwner, 'setFilter', [
      info.session,
      { rules: [rule('INFO'), rule('a(b', { regex: true })], context: 0 },
    ]);
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.message).toMatch(/Rule 2 \(a\(b\)/);
    expect((await settle(info)).filterId).toBe(good.filterId);
  });

  it('refuses malformed specs at the boundary', async () => {
    const info = await open('x\n');
    for (const spec of [
      null,
      { rules: 'ERROR', context: 0 },
      { rules: [{ pattern: '', exclude: false, regex: false, matchCase: true, enabled: true }], context: 0 },
      { rules: [], context: -1 },
      { rules: Array.from({ length: 65 }, () => rule('a')), context: 0 },
    ]) {
      const result = await services.dispatch(testOwner, 'setFilter', [info.session, spec]);
      expect(result.ok).toBe(false);
    }
  });
});

describe('scroll ticks', () => {
  it('count every match once across the buckets, where the naive count puts them; marks get their rows', async () => {
    const lines = Array.from({ length: 1000 }, (_, i) => (i < 100 || i % 50 === 0 ? `ERROR ${i}` : `INFO ${i}`));
    const info = await open(`${lines.join('\n')}\n`);
    for (let i = 0; i < 1000; i++) {
      if ((await call<{ done: boolean }>('indexStatus', info.session)).done) break;
      await sleep(5);
    }
    const search = await call<{ searchId: number }>('startFind', info.session, {
      mode: 'text',
      pattern: 'ERROR',
      matchCase: true,
      wholeWord: false,
    });
    for (let i = 0; i < 1000; i++) {
      if ((await call<{ done: boolean }>('findStatus', info.session)).done) break;
      await sleep(5);
    }
    const ticks = await call<{ rows: number; matchBuckets: Float64Array; markRows: Float64Array }>(
      'scrollTicks',
      info.session,
      search.searchId,
      -1,
      [0, 500, 999],
      10,
    );
    expect(ticks.rows).toBe(1000);
    // Lines 0-99 are all matches (bucket 0), then every 50th line: 2 a bucket.
    expect([...ticks.matchBuckets]).toEqual([100, 2, 2, 2, 2, 2, 2, 2, 2, 2]);
    expect([...ticks.markRows]).toEqual([0, 500, 999]);
    await call('setFilter', info.session, { rules: [rule('INFO')], context: 0 });
    const status = await settle(info);
    const filtered = await call<{ rows: number; matchBuckets: Float64Array; markRows: Float64Array }>(
      'scrollTicks',
      info.session,
      search.searchId,
      status.filterId,
      [0, 101, 999],
      4,
    );
    expect(filtered.rows).toBe(status.rowsKnown);
    expect([...filtered.markRows]).toEqual([-1, 0, status.rowsKnown - 1]);
    expect(filtered.matchBuckets.reduce((sum, count) => sum + count, 0)).toBe(100 + 18);
  });
});

describe('export', () => {
  it('writes the filtered lines, and the marked lines, to a new file; a running filter or a stale one is refused', async () => {
    const { next: random } = seededRandom(31);
    const text = randomLog(random, 30_000);
    const info = await open(text);
    const spec: FilterSpec = { rules: [rule('ERROR'), rule('pool', { exclude: true })], context: 1 };
    const started = await call<FilterStatus>('setFilter', info.session, spec);
    const early = await services.dispatch(testOwner, 'exportLines', [
      info.session,
      { kind: 'filtered', filterId: started.filterId },
    ]);
    if (!early.ok) expect(early.message).toMatch(/not finished|no longer current/);
    const status = await settle(info);
    const all = text.split('\n');
    harness.copyDest = join(dir, 'out.log');
    const outcome = await call<{ path: string; lines: number; bytes: number }>('exportLines', info.session, {
      kind: 'filtered',
      filterId: status.filterId,
    });
    const expected = naive(text, spec)
      .map((line) => `${all[line]}\n`)
      .join('');
    expect(outcome).toEqual({ path: harness.copyDest, lines: status.rowsKnown, bytes: Buffer.byteLength(expected) });
    expect(readFileSync(harness.copyDest, 'utf8')).toBe(expected);
    expect(readdirSync(dir).filter((name) => name.includes('hexlog-export'))).toEqual([]);

    harness.copyDest = join(dir, 'marked.log');
    await call('exportLines', info.session, { kind: 'marked', lines: [29_999, 5, 5, 0] });
    expect(readFileSync(harness.copyDest, 'utf8')).toBe(`${all[0]}\n${all[5]}\n${all[29_999]}\n`);

    const stale = await services.dispatch(testOwner, 'exportLines', [
      info.session,
      { kind: 'filtered', filterId: 999 },
    ]);
    expect(stale.ok).toBe(false);
    harness.copyDest = null;
    expect(await call('exportLines', info.session, { kind: 'marked', lines: [1] })).toBeNull();
    harness.copyDest = join(dir, 'f.log');
    const over = await services.dispatch(testOwner, 'exportLines', [info.session, { kind: 'marked', lines: [1] }]);
    expect(over.ok).toBe(false);
  });
});

describe('ContextRuns', () => {
  it('maps rows and lines like a set of lines, over seeded kept lines', () => {
    const { next: random } = seededRandom(99);
    for (let round = 0; round < 200; round++) {
      const context = Math.floor(random() * 4);
      const total = 1 + Math.floor(random() * 200);
      const kept = Array.from({ length: total }, (_, i) => i).filter(() => random() < 0.1);
      const runs = new ContextRuns(context);
      for (const line of kept) runs.add(line);
      const limit = Math.floor(random() * (total + 1));
      const shown = naiveContext(kept, context, limit);
      expect(runs.rows(limit)).toBe(shown.length);
      shown.forEach((line, row) => expect(runs.lineOfRow(row, limit)).toBe(line));
      for (let line = 0; line < limit; line++) {
        const next = shown.findIndex((candidate) => candidate >= line);
        expect(runs.rowOfLine(line, limit)).toBe(next === -1 ? shown.length : next);
      }
    }
  });
});

function naiveContext(kept: number[], context: number, limit: number): number[] {
  const shown = new Set<number>();
  for (const line of kept) {
    for (let i = Math.max(0, line - context); i <= line + context; i++) if (i < limit) shown.add(i);
  }
  return [...shown].sort((a, b) => a - b);
}
