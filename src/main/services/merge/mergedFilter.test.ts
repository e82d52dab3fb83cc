// The filtered view of a merged view through the services, against a naive filter of the merged
// rows (read every row, test each rule on its text): seeded logs with continuation lines and
// random rule sets, with context rows and a time range; a followed file that grows (later lines
// add rows under the same filter, earlier ones filter again); a search's ticks and next match over
// the shown rows; a bad rule; a file closed under it; export of the filtered and the marked rows.
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type {
  FileInfo,
  FilteredLines,
  FilterRule,
  FilterSpec,
  FilterStatus,
  FindStatus,
  ScrollTicks,
  TextLines,
} from '../../../shared/contract';
import { seededRandom } from '../../../shared/seededRandom';
import { indexDone, openLog, sleep } from './mergeTestKit';
import { createServiceHarness, testOwner, type ServiceHarness } from '../testing/serviceHarness';

let harness: ServiceHarness;
beforeEach(() => {
  harness = createServiceHarness('hexlog-merge-filter-');
});
afterEach(() => harness.dispose());

const decoder = new TextDecoder();
const WORDS = ['connect', 'timeout', 'Retry', 'disk', 'user', 'cache', 'QUEUE'];

/** A sorted log: ISO times in UTC, levels, words, and stack traces (lines without a time) after some lines. */
function log(seed: number, timed: number, name: string, startMs = Date.UTC(2026, 11, 5, 8)): string {
  const random = seededRandom(seed);
  const lines: string[] = [];
  let now = startMs;
  for (let i = 0; i < timed; i++) {
    now += random.int(3) === 0 ? 0 : random.int(2000);
    const level = random.int(9) === 0 ? 'ERROR' : 'INFO';
    lines.push(`${new Date(now).toISOString()} ${level} ${name} ${WORDS[random.int(WORDS.length)]} ${i}`);
    if (random.int(5) === 0) lines.push(`    at ${name}.${WORDS[random.int(WORDS.length)]}(${i})`);
  }
  return `${lines.join('\n')}\n`;
}

async function filtered(session: number, spec: FilterSpec): Promise<FilterStatus> {
  const started = await harness.call<FilterStatus>('setFilter', session, spec);
  return settled(session, started.filterId);
}

/** The filter's status once done (the filter `filterId`, or a newer one). */
async function settled(session: number, filterId = 0, rowsAtLeast = 0): Promise<FilterStatus> {
  let status: FilterStatus | null = null;
  for (let i = 0; i < 4000; i++) {
    status = await harness.call<FilterStatus | null>('filterStatus', session);
    if (status !== null && status.filterId >= filterId && status.done && status.rowsKnown >= rowsAtLeast) return status;
    await sleep(5);
  }
  throw new Error(`the filter did not finish: ${JSON.stringify(status)}`);
}

interface Row {
  readonly text: string;
  readonly file: number;
  readonly line: number;
  /** The time of its block (its own, or its line's above). */
  readonly ms: number;
}

/** Every row of the merged view, read through readLines. */
async function mergedRows(session: number): Promise<Row[]> {
  const status = await indexDone(harness, session);
  const rows: Row[] = [];
  let ms = Number.NaN;
  for (let first = 0; first < status.linesKnown; first += 5000) {
    const page = await harness.call<TextLines>('readLines', session, first, 5000);
    for (let i = 0; i < page.count; i++) {
      if (!Number.isNaN(page.times[i]!)) ms = page.times[i]!;
      rows.push({
        text: decoder.decode(page.bytes.subarray(page.textStarts[i], page.textStarts[i + 1])),
        file: page.sources![i]!,
        line: page.sourceLines![i]!,
        ms,
      });
    }
  }
  return rows;
}

/** The filtered view's rows: merged row numbers, sources, and text. */
async function shown(session: number, status: FilterStatus): Promise<{ rows: number[]; page: Row[]; kept: number[] }> {
  const rows: number[] = [];
  const page: Row[] = [];
  const kept: number[] = [];
  for (let first = 0; first < status.rowsKnown; first += 5000) {
    const part = await harness.call<FilteredLines>('readFilteredLines', session, status.filterId, first, 5000);
    for (let i = 0; i < part.count; i++) {
      rows.push(part.lines[i]!);
      page.push({
        text: decoder.decode(part.bytes.subarray(part.textStarts[i], part.textStarts[i + 1])),
        file: part.sources![i]!,
        line: part.sourceLines![i]!,
        ms: part.times[i]!,
      });
      kept.push(part.kept === null ? 1 : part.kept[i]!);
    }
  }
  return { rows, page, kept };
}

const rule = (pattern: string, options: Partial<FilterRule> = {}): FilterRule => ({
  pattern,
  exclude: false,
  regex: false,
  matchCase: true,
  enabled: true,
  ...options,
});

/** The rows a spec shows, one row at a time: kept by the rules, with context around, within the time range. */
function naive(rows: readonly Row[], spec: FilterSpec): { shown: number[]; kept: Set<number> } {
  const tests = spec.rules
    .filter((r) => r.enabled)
    .map((r) => {
      const source = r.regex ? r.pattern : r.pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      const re = new RegExp(source, r.matchCase ? '' : 'i');
      return { exclude: r.exclude, test: (text: string) => re.test(text) };
    });
  const includes = tests.filter((t) => !t.exclude);
  const keptRows = rows.flatMap((row, at) =>
    (includes.length === 0 || includes.some((t) => t.test(row.text))) &&
    !tests.some((t) => t.exclude && t.test(row.text))
      ? [at]
      : [],
  );
  const kept = new Set(keptRows);
  let shownRows = keptRows;
  if (spec.context > 0 && tests.length > 0) {
    const around = new Set<number>();
    for (const at of keptRows) {
      for (let k = Math.max(0, at - spec.context); k <= Math.min(rows.length - 1, at + spec.context); k++)
        around.add(k);
    }
    shownRows = [...around].sort((a, b) => a - b);
  }
  if (spec.time !== undefined) {
    const { fromMs, toMs } = spec.time;
    shownRows = shownRows.filter((at) => rows[at]!.ms >= fromMs && rows[at]!.ms < toMs);
  }
  return { shown: shownRows, kept };
}

/** A random rule set of 1 to 3 rules over the logs' words. */
function randomSpec(random: ReturnType<typeof seededRandom>, context: number): FilterSpec {
  const rules: FilterRule[] = [];
  const count = 1 + random.int(3);
  for (let k = 0; k < count; k++) {
    const word = WORDS[random.int(WORDS.length)]!;
    const kind = random.int(4);
    rules.push(
      kind === 0
        ? rule(word.toLowerCase(), { matchCase: false })
        : kind === 1
          ? rule(`${word}\\(\\d*7\\)`, { regex: true })
          : kind === 2 && k > 0
            ? rule(word, { exclude: true })
            : rule(word),
    );
  }
  if (random.int(5) === 0) rules.push(rule('ERROR', { enabled: false }));
  return { rules, context };
}

async function mergeOf(...infos: FileInfo[]): Promise<number> {
  const merged = await harness.call<FileInfo>(
    'mergeFiles',
    infos.map((info) => info.session),
  );
  await indexDone(harness, merged.session);
  return merged.session;
}

describe('merged view filter', () => {
  it('shows the merged rows whose text the rules keep, in row order, tagged with their files, as a naive filter does', async () => {
    const texts = [log(11, 6000, 'alpha'), log(12, 4000, 'beta'), log(13, 5000, 'gamma')];
    const infos = [
      await openLog(harness, 'a.log', texts[0]!),
      await openLog(harness, 'b.log', texts[1]!),
      await openLog(harness, 'c.log', texts[2]!),
    ];
    const session = await mergeOf(...infos);
    const rows = await mergedRows(session);
    expect(rows.length).toBe(texts.reduce((sum, text) => sum + text.split('\n').length - 1, 0));

    const random = seededRandom(14);
    for (let k = 0; k < 8; k++) {
      const spec = randomSpec(random, 0);
      const status = await filtered(session, spec);
      const expected = naive(rows, spec).shown;
      expect(status).toMatchObject({ active: true, error: null, rowsKnown: expected.length });
      const got = await shown(session, status);
      expect(got.rows, JSON.stringify(spec.rules)).toEqual(expected);
      // Each row is its file's line, tagged with its file.
      const tagged = (row: Row): string => `${row.file}:${row.line}:${row.text}`;
      expect(got.page.map(tagged)).toEqual(expected.map((at) => tagged(rows[at]!)));
      expect(got.kept.every((flag) => flag === 1)).toBe(true);
      // The file's own tab keeps no filter of the merged view's.
      expect(await harness.call('filterStatus', infos[0]!.session)).toBeNull();

      if (expected.length === 0) continue;
      // A merged row to its shown row, and the first shown row at or after a hidden one.
      const pick = expected[random.int(expected.length)]!;
      expect(await harness.call('filterRowOfLine', session, status.filterId, pick)).toBe(expected.indexOf(pick));
      const shownSet = new Set(expected);
      const hidden = rows.findIndex((_, at) => !shownSet.has(at));
      if (hidden >= 0) {
        const next = expected.findIndex((at) => at > hidden);
        expect(await harness.call('filterRowOfLine', session, status.filterId, hidden)).toBe(
          next < 0 ? expected.length : next,
        );
      }
      const marks = [pick, ...(hidden >= 0 ? [hidden] : [])];
      expect([...(await harness.call<Float64Array>('filterRowsOfLines', session, status.filterId, marks))]).toEqual([
        expected.indexOf(pick),
        ...(hidden >= 0 ? [-1] : []),
      ]);
      const ticks = await harness.call<ScrollTicks>('scrollTicks', session, -1, status.filterId, marks, 100);
      expect(ticks.rows).toBe(expected.length);
      expect(ticks.markRows[0]).toBe(expected.indexOf(pick));
      // Copy: the shown rows' text, joined by LF.
      const last = Math.min(expected.length - 1, 40);
      const copied = decoder.decode(
        await harness.call<Uint8Array>('copyFilteredLines', session, status.filterId, 0, last),
      );
      expect(copied).toBe(
        expected
          .slice(0, last + 1)
          .map((at) => rows[at]!.text)
          .join('\n'),
      );
    }

    // No enabled rule: every row shows, as rows.
    const all = await filtered(session, { rules: [rule('INFO', { enabled: false })], context: 0 });
    expect(all).toMatchObject({ active: false, rowsKnown: rows.length, done: true });
  });

  it('shows context rows around kept rows in the merged order, and narrows to a time range', async () => {
    const texts = [log(21, 3000, 'alpha'), log(22, 3000, 'beta')];
    const infos = [await openLog(harness, 'a.log', texts[0]!), await openLog(harness, 'b.log', texts[1]!)];
    const session = await mergeOf(...infos);
    const rows = await mergedRows(session);
    const random = seededRandom(23);
    for (let k = 0; k < 6; k++) {
      const spec = randomSpec(random, 1 + random.int(4));
      const status = await filtered(session, spec);
      const expected = naive(rows, spec);
      const got = await shown(session, status);
      expect(got.rows, JSON.stringify(spec)).toEqual(expected.shown);
      // Context rows are flagged as such.
      expect(got.kept).toEqual(expected.shown.map((at) => (expected.kept.has(at) ? 1 : 0)));
      if (expected.shown.length > 0) {
        const context = expected.shown.find((at) => !expected.kept.has(at));
        if (context !== undefined) {
          const [row] = await harness.call<Float64Array>('filterRowsOfLines', session, status.filterId, [context]);
          expect(row).toBe(expected.shown.indexOf(context));
        }
      }
    }

    // A time range: the rows from the first at or after its start to the first at or after its end.
    const fromMs = rows[Math.floor(rows.length / 4)]!.ms + 1;
    const toMs = rows[Math.floor((rows.length * 3) / 5)]!.ms;
    for (const spec of [
      { rules: [], context: 0, time: { fromMs, toMs } },
      { rules: [rule('timeout'), rule('Retry', { exclude: true })], context: 0, time: { fromMs, toMs } },
      { rules: [rule('user', { matchCase: false })], context: 2, time: { fromMs, toMs } },
    ] satisfies FilterSpec[]) {
      const status = await filtered(session, spec);
      expect(status.active).toBe(true);
      const expected = naive(rows, spec).shown;
      expect((await shown(session, status)).rows, JSON.stringify(spec)).toEqual(expected);
      const before = expected[0]! - 5;
      expect(await harness.call('filterRowOfLine', session, status.filterId, before)).toBe(0);
      const [outside] = await harness.call<Float64Array>('filterRowsOfLines', session, status.filterId, [before]);
      expect(outside).toBe(-1);
    }
    expect(
      await harness.services.dispatch(testOwner, 'setFilter', [
        session,
        { rules: [], context: 0, time: { fromMs, toMs: fromMs } },
      ]),
    ).toMatchObject({ ok: false, code: 'EINVAL' });
  });

  it('adds the rows of a followed file’s later lines under the same filter, and filters again when lines come earlier', async () => {
    const a = log(31, 3000, 'alpha');
    const b = log(32, 2000, 'beta');
    const infoA = await openLog(harness, 'a.log', a);
    const infoB = await openLog(harness, 'b.log', b);
    const session = await mergeOf(infoA, infoB);
    const spec: FilterSpec = { rules: [rule('timeout'), rule('late')], context: 1 };
    const before = await filtered(session, spec);
    expect((await shown(session, before)).rows).toEqual(naive(await mergedRows(session), spec).shown);

    // Later than everything: the merge extends in place, the filter adds rows.
    const late = Date.UTC(2027, 0, 1);
    const added = Array.from(
      { length: 60 },
      (_, i) => `${new Date(late + i * 1000).toISOString()} INFO alpha ${i % 3 === 0 ? 'late' : 'quiet'} ${i}`,
    );
    appendFileSync(join(harness.dir, 'a.log'), `${added.join('\n')}\n`);
    await harness.call('reloadFile', infoA.session);
    await indexDone(harness, session, before.linesScanned + 60);
    const grown = await settled(session, before.filterId, before.rowsKnown + 20);
    expect(grown.filterId).toBe(before.filterId);
    const rowsNow = await mergedRows(session);
    const expectedNow = naive(rowsNow, spec).shown;
    expect(grown.rowsKnown).toBe(expectedNow.length);
    expect((await shown(session, grown)).rows).toEqual(expectedNow);

    // Earlier than the end of a.log, appended to b.log: merged again, filtered again under a new id.
    const early = Array.from(
      { length: 30 },
      (_, i) => `${new Date(late - 1e9 + i).toISOString()} INFO beta early timeout ${i}`,
    );
    appendFileSync(join(harness.dir, 'b.log'), `${early.join('\n')}\n`);
    await harness.call('reloadFile', infoB.session);
    await indexDone(harness, session, rowsNow.length + 30);
    const again = await settled(session, grown.filterId + 1);
    expect(again.filterId).toBeGreaterThan(grown.filterId);
    const rowsAfter = await mergedRows(session);
    expect((await shown(session, again)).rows).toEqual(naive(rowsAfter, spec).shown);
    // The old filter's rows are not answered with the new merge's.
    expect(
      await harness.services.dispatch(testOwner, 'readFilteredLines', [session, grown.filterId, 0, 10]),
    ).toMatchObject({ ok: false, code: 'ENOTFOUND' });

    // a.log rewritten with other lines (read again, not grown): its side filter starts over.
    const rewritten = log(33, 2500, 'alpha');
    writeFileSync(join(harness.dir, 'a.log'), rewritten);
    await harness.call('reloadFile', infoA.session);
    const total = rewritten.split('\n').length - 1 + b.split('\n').length - 1 + 30;
    await indexDone(harness, session, total);
    const fresh = await settled(session, again.filterId + 1);
    const rowsFresh = await mergedRows(session);
    expect(rowsFresh).toHaveLength(total);
    expect((await shown(session, fresh)).rows).toEqual(naive(rowsFresh, spec).shown);
  });

  it('with a search: counts the matches per bucket of shown rows, and goes to the next match on a shown row', async () => {
    const infos = [
      await openLog(harness, 'a.log', log(61, 3000, 'alpha')),
      await openLog(harness, 'b.log', log(62, 2000, 'beta')),
    ];
    const session = await mergeOf(...infos);
    const rows = await mergedRows(session);
    // Matches of `e` (any case) in each row, in order: the search's matches are these, row by row
    // (several on a row, on shown and hidden rows).
    const perRow = rows.map((row) => row.text.match(/e/gi)?.length ?? 0);
    const matchRows = perRow.flatMap((count, at) => Array.from({ length: count }, () => at));
    let search = await harness.call<FindStatus>('startFind', session, {
      mode: 'text',
      pattern: 'e',
      matchCase: false,
      wholeWord: false,
    });
    for (let i = 0; i < 4000 && !search.done; i++) {
      await sleep(5);
      search = (await harness.call<FindStatus | null>('findStatus', session))!;
    }
    expect(search.matchCount).toBe(matchRows.length);

    const spec: FilterSpec = { rules: [rule('connect'), rule('at ', { exclude: true })], context: 0 };
    const status = await filtered(session, spec);
    const shownRows = naive(rows, spec).shown;
    const shownSet = new Set(shownRows);
    expect(matchRows.filter((row) => shownSet.has(row)).length).toBeGreaterThan(100);
    expect(matchRows.filter((row) => !shownSet.has(row)).length).toBeGreaterThan(1000);
    // Matches before the first shown row count in the first bucket.
    expect(matchRows.filter((row) => row < shownRows[0]!).length).toBeGreaterThan(0);

    // A bucket's matches are on the rows from its first shown row to the next bucket's (the hidden rows between count with it).
    const ticks = await harness.call<ScrollTicks>('scrollTicks', session, search.searchId, status.filterId, [], 50);
    const count = Math.min(50, shownRows.length);
    const firsts = Array.from({ length: count }, (_, k) => shownRows[Math.floor((k * shownRows.length) / count)]!);
    const bounds = [0, ...firsts.slice(1), Number.POSITIVE_INFINITY];
    const expectedBuckets = firsts.map(
      (_, k) => matchRows.filter((row) => row >= bounds[k]! && row < bounds[k + 1]!).length,
    );
    expect(Array.from(ticks.matchBuckets)).toEqual(expectedBuckets);
    expect(ticks.rows).toBe(shownRows.length);

    // The next (or previous) match from any match, wrapping, is the first on a shown row.
    const random = seededRandom(63);
    for (let k = 0; k < 30; k++) {
      const from = random.int(matchRows.length);
      for (const direction of [1, -1] as const) {
        let expected = -1;
        for (let step = 0; step < matchRows.length; step++) {
          const at = (((from + direction * step) % matchRows.length) + matchRows.length) % matchRows.length;
          if (shownSet.has(matchRows[at]!)) {
            expected = at;
            break;
          }
        }
        const got = await harness.call<number>(
          'shownMatch',
          session,
          search.searchId,
          status.filterId,
          from,
          direction,
        );
        expect(got, `from ${from} direction ${direction}`).toBe(expected);
      }
    }
  });

  it('refuses a rule the engine cannot run with the file filter’s words, keeping the filter in force; a closed file stops it', async () => {
    const infoA = await openLog(harness, 'a.log', log(41, 500, 'alpha'));
    const infoB = await openLog(harness, 'b.log', log(42, 500, 'beta'));
    const session = await mergeOf(infoA, infoB);
    const good = await filtered(session, { rules: [rule('timeout')], context: 0 });
    const bad = await harness.services.dispatch(testOwner, 'setFilter', [
      session,
      { rules: [rule('a(b', { regex: true })], context: 0 },
    ]);
    const fileBad = await harness.services.dispatch(testOwner, 'setFilter', [
      infoA.session,
      { rules: [rule('a(b', { regex: true })], context: 0 },
    ]);
    expect(bad).toMatchObject({ ok: false, code: 'EINVAL' });
    expect(bad).toEqual(fileBad);
    expect(await harness.call<FilterStatus>('filterStatus', session)).toMatchObject({ filterId: good.filterId });

    await harness.call('closeFile', infoB.session);
    const closed = await harness.call<FilterStatus>('filterStatus', session);
    expect(closed).toMatchObject({
      done: true,
      error: { code: 'ECLOSED', message: expect.stringMatching(/b\.log was closed/) },
    });
    expect(await harness.services.dispatch(testOwner, 'setFilter', [session, { rules: [], context: 0 }])).toMatchObject(
      {
        ok: false,
        code: 'ECLOSED',
      },
    );
    // The file still open filters on its own.
    expect((await filtered(infoA.session, { rules: [rule('timeout')], context: 0 })).error).toBeNull();
    expect(
      await harness.services.dispatch(testOwner, 'exportLines', [
        session,
        { kind: 'filtered', filterId: good.filterId },
      ]),
    ).toMatchObject({ ok: false, code: 'ECLOSED' });
  });

  it('exports the filtered rows and the marked rows as the view shows them, a line longer than a batch whole', async () => {
    const long = `${new Date(Date.UTC(2027, 0, 1)).toISOString()} INFO alpha timeout ${'x'.repeat(9 * 1024 * 1024)} end`;
    const texts = [`${log(51, 400, 'alpha')}${long}\n`, log(52, 300, 'beta')];
    const infos = [await openLog(harness, 'a.log', texts[0]!), await openLog(harness, 'b.log', texts[1]!)];
    const session = await mergeOf(...infos);
    const rows = await mergedRows(session);
    const fileLines = texts.map((text) => text.split('\n'));
    const textOf = (at: number): string => fileLines[rows[at]!.file]![rows[at]!.line]!;
    const spec: FilterSpec = { rules: [rule('timeout')], context: 1 };
    const status = await filtered(session, spec);

    harness.copyDest = join(harness.dir, 'merged.filtered.log');
    const outcome = await harness.call<{ path: string; lines: number }>('exportLines', session, {
      kind: 'filtered',
      filterId: status.filterId,
    });
    const expected = naive(rows, spec).shown;
    expect(outcome).toMatchObject({ path: harness.copyDest, lines: expected.length });
    expect(readFileSync(harness.copyDest, 'utf8')).toBe(expected.map((at) => `${textOf(at)}\n`).join(''));
    expect(textOf(expected.at(-1)!)).toBe(long);

    harness.copyDest = join(harness.dir, 'merged.marked.log');
    await harness.call('exportLines', session, { kind: 'marked', lines: [7, 0, 3, rows.length - 1] });
    expect(readFileSync(harness.copyDest, 'utf8')).toBe(
      [0, 3, 7, rows.length - 1].map((at) => `${textOf(at)}\n`).join(''),
    );

    // Never over a file it reads; never a filter replaced.
    harness.copyDest = join(harness.dir, 'a.log');
    expect(
      await harness.services.dispatch(testOwner, 'exportLines', [
        session,
        { kind: 'filtered', filterId: status.filterId },
      ]),
    ).toMatchObject({ ok: false, code: 'EINVAL' });
    expect(readFileSync(join(harness.dir, 'a.log'), 'utf8')).toBe(texts[0]);
    expect(
      await harness.services.dispatch(testOwner, 'exportLines', [
        session,
        { kind: 'filtered', filterId: status.filterId + 7 },
      ]),
    ).toMatchObject({ ok: false, code: 'ENOTFOUND' });
  });
});
