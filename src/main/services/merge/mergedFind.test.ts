// Find in a merged view, through the services: the matches are places in the merged text (the
// rows joined by LF, which copying every row gives), so a naive search of that text is what the
// view's search must answer, in order, with each match's row.
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type {
  FileInfo,
  FindQuery,
  FindStatus,
  MatchPage,
  MatchRows,
  ScrollTicks,
  TextLines,
  TimelineStatus,
} from '../../../shared/contract';
import type { LineNumber } from '../../../shared/units';
import { seededRandom } from '../../../shared/seededRandom';
import { indexDone, openLog, sleep } from './mergeTestKit';
import { createServiceHarness, testOwner, type ServiceHarness } from '../testing/serviceHarness';

let harness: ServiceHarness;
beforeEach(() => {
  harness = createServiceHarness('hexlog-merged-find-');
});
afterEach(() => harness.dispose());

/** A sorted log with stack traces, CRLF line ends in some files, words to search for. */
function log(seed: number, timed: number, name: string, crlf = false): string {
  const random = seededRandom(seed);
  const words = ['alpha', 'beta', 'timeout', 'disk full', 'retry', 'ok'];
  const lines: string[] = [];
  let now = Date.UTC(2026, 11, 5, 8) + random.int(1000);
  for (let i = 0; i < timed; i++) {
    now += random.int(3) === 0 ? 0 : random.int(2000);
    const said = Array.from({ length: 1 + random.int(4) }, () => words[random.int(words.length)]).join(' ');
    lines.push(`${new Date(now).toISOString()} ${name} ${i} ${said}`);
    if (random.int(7) === 0) lines.push(`    at ${name}.retry(${i}) timeout`);
  }
  return `${lines.join(crlf ? '\r\n' : '\n')}${crlf ? '\r\n' : '\n'}`;
}

async function found(session: number, query: FindQuery): Promise<FindStatus> {
  let status = await harness.call<FindStatus>('startFind', session, query);
  for (let i = 0; i < 4000 && !status.done; i++) {
    await sleep(5);
    status = (await harness.call<FindStatus | null>('findStatus', session))!;
  }
  expect(status.done).toBe(true);
  return status;
}

/** Every match of a search, a page at a time. */
async function allMatches(session: number, status: FindStatus): Promise<[number, number][]> {
  const out: [number, number][] = [];
  for (let first = 0; first < status.matchCount; first += 10_000) {
    const page = await harness.call<MatchPage>('findMatches', session, status.searchId, first, 10_000);
    page.offsets.forEach((offset, i) => out.push([offset, page.lengths[i]!]));
  }
  return out;
}

/** The merged text: every row, joined by LF, with a last LF. */
async function mergedText(session: number, rows: number): Promise<string> {
  const bytes = await harness.call<Uint8Array>('copyLines', session, 0, rows - 1);
  return `${new TextDecoder().decode(bytes)}\n`;
}

/** Non-overlapping occurrences of `regex` in `text`, as [offset, length] in UTF-8 bytes (ASCII here). */
function naive(text: string, regex: RegExp): [number, number][] {
  return [...text.matchAll(regex)].map((match) => [match.index, match[0].length]);
}

const query = (pattern: string, mode: FindQuery['mode'] = 'text', matchCase = false): FindQuery => ({
  mode,
  pattern,
  matchCase,
  wholeWord: false,
});

describe('find in a merged view', () => {
  it('finds what a search of the merged text finds, in order, with each match’s row', async () => {
    const a = await openLog(harness, 'a.log', log(1, 9000, 'alpha'));
    const b = await openLog(harness, 'b.log', log(2, 7000, 'beta', true));
    const c = await openLog(harness, 'c.log', log(3, 50, 'gamma'));
    const merged = await harness.call<FileInfo>('mergeFiles', [a.session, b.session, c.session]);
    const rows = (await indexDone(harness, merged.session)).linesKnown;
    const text = await mergedText(merged.session, rows);
    const rowStarts = [0];
    for (let at = text.indexOf('\n'); at >= 0 && at < text.length - 1; at = text.indexOf('\n', at + 1))
      rowStarts.push(at + 1);
    const rowOf = (offset: number): number => {
      let low = 0;
      let high = rowStarts.length;
      while (low < high) {
        const mid = (low + high) >> 1;
        if (rowStarts[mid]! <= offset) low = mid + 1;
        else high = mid;
      }
      return low - 1;
    };
    // b.log's rows keep their CR (a line's bytes end before its LF), as the copied text does.
    const cases: [FindQuery, RegExp][] = [
      [query('timeout'), /timeout/gi],
      [query('DISK FULL'), /disk full/gi],
      [query('Alpha', 'text', true), /Alpha/g],
      [query('retry\\(\\d+\\)', 'regex'), /retry\(\d+\)/gi],
      [query('gamma 4\\d ok', 'regex'), /gamma 4\d ok/gi],
      [query('nowhere at all'), /nowhere at all/gi],
    ];
    for (const [asked, regex] of cases) {
      const status = await found(merged.session, asked);
      const expected = naive(text, regex);
      expect(status.matchCount, asked.pattern).toBe(expected.length);
      expect(status.error).toBeNull();
      expect(await allMatches(merged.session, status)).toEqual(expected);
      if (expected.length === 0) continue;
      const random = seededRandom(expected.length);
      // The matches pane: each match's row and the row's text.
      const first = random.int(expected.length);
      const pane = await harness.call<MatchRows>('matchRows', merged.session, status.searchId, first, 50);
      pane.lines.forEach((row, i) => {
        expect(row).toBe(rowOf(expected[first + i]![0]));
        expect(pane.lineOffsets[i]).toBe(rowStarts[row]);
        const shown = new TextDecoder().decode(pane.lineBytes.subarray(pane.lineStarts[i], pane.lineStarts[i + 1]));
        expect(text.startsWith(shown, rowStarts[row]!)).toBe(true);
      });
      // Highlights of the rows on screen, the next match from a place, the row of a place.
      const row = random.int(rows - 40);
      const screen = await harness.call<TextLines>('readLines', merged.session, row, 40);
      expect(screen.fileOffsets[0]).toBe(rowStarts[row]);
      const start = rowStarts[row]!;
      const end = rowStarts[row + 40] ?? text.length;
      const inRange = await harness.call<MatchPage>('matchesInRange', merged.session, status.searchId, start, end);
      expect(Array.from(inRange.offsets)).toEqual(
        expected.filter(([offset]) => offset >= start && offset < end).map(([offset]) => offset),
      );
      const place = random.int(text.length);
      const index = await harness.call<number>('matchIndexAt', merged.session, status.searchId, place);
      const firstAfter = expected.findIndex(([offset]) => offset >= place);
      expect(index).toBe(firstAfter < 0 ? expected.length : firstAfter);
      expect(await harness.call<LineNumber>('lineAtOffset', merged.session, place)).toBe(rowOf(place));
      // The scrollbar's ticks count every match once.
      const ticks = await harness.call<ScrollTicks>('scrollTicks', merged.session, status.searchId, -1, [], 64);
      expect(ticks.matchBuckets.reduce((sum, count) => sum + count, 0)).toBe(expected.length);
    }
    // The files' own tabs know nothing of it, and the view cannot replace.
    expect(await harness.call<FindStatus | null>('findStatus', a.session)).toBeNull();
    const status = (await harness.call<FindStatus | null>('findStatus', merged.session))!;
    expect(
      await harness.services.dispatch(testOwner, 'replaceMatches', [merged.session, status.searchId, 0, 'x']),
    ).toMatchObject({ ok: false, code: 'EREADONLY' });
    expect(
      harness.events.some(
        (event) => event.name === 'findProgress' && (event.payload as FindStatus).session === a.session,
      ),
    ).toBe(false);
  });

  it('refuses a bad pattern with the file search’s message, and stops when a file closes', async () => {
    const a = await openLog(harness, 'a.log', log(4, 20_000, 'alpha'));
    const b = await openLog(harness, 'b.log', log(5, 20_000, 'beta'));
    const merged = await harness.call<FileInfo>('mergeFiles', [a.session, b.session]);
    await indexDone(harness, merged.session);
    expect(
      await harness.services.dispatch(testOwner, 'startFind', [merged.session, query('(unclosed', 'regex')]),
    ).toMatchObject({ ok: false, code: 'EINVAL' });
    await harness.call<FindStatus>('startFind', merged.session, query('timeout'));
    await harness.call('closeFile', b.session);
    let status = (await harness.call<FindStatus | null>('findStatus', merged.session))!;
    for (let i = 0; i < 200 && !status.done; i++) {
      await sleep(5);
      status = (await harness.call<FindStatus | null>('findStatus', merged.session))!;
    }
    expect(status.done).toBe(true);
  });

  it('places the matches again when the merge is built again, under the same search', async () => {
    const a = await openLog(harness, 'a.log', log(6, 3000, 'alpha'));
    const b = await openLog(harness, 'b.log', log(7, 3000, 'beta'));
    const merged = await harness.call<FileInfo>('mergeFiles', [a.session, b.session]);
    await indexDone(harness, merged.session);
    const before = await found(merged.session, query('timeout'));
    // Earlier lines appended to b.log: the rows move, the merge is built again.
    appendFileSync(
      join(harness.dir, 'b.log'),
      `${new Date(Date.UTC(2026, 11, 5, 7)).toISOString()} beta early timeout\n`,
    );
    await harness.call('reloadFile', b.session);
    let status = before;
    for (let i = 0; i < 4000; i++) {
      await sleep(5);
      status = (await harness.call<FindStatus | null>('findStatus', merged.session))!;
      if (status.done && status.matchCount === before.matchCount + 1) break;
    }
    expect(status.searchId).toBe(before.searchId);
    expect(status.matchCount).toBe(before.matchCount + 1);
    const rows = (await indexDone(harness, merged.session)).linesKnown;
    const text = await mergedText(merged.session, rows);
    expect(await allMatches(merged.session, status)).toEqual(naive(text, /timeout/gi));
  });

  it('counts the lines with a match in the merged timeline', async () => {
    const a = await openLog(harness, 'a.log', log(8, 4000, 'alpha'));
    const b = await openLog(harness, 'b.log', log(9, 3000, 'beta'));
    const merged = await harness.call<FileInfo>('mergeFiles', [a.session, b.session]);
    const rows = (await indexDone(harness, merged.session)).linesKnown;
    const status = await found(merged.session, query('disk full'));
    let timeline = await harness.call<TimelineStatus>('startTimeline', merged.session, status.searchId);
    while (!timeline.done) {
      await sleep(5);
      timeline = (await harness.call<TimelineStatus | null>('timelineStatus', merged.session))!;
    }
    expect(timeline.searchId).toBe(status.searchId);
    const match = timeline.series.indexOf('match');
    expect(match).toBeGreaterThanOrEqual(0);
    let lines = 0;
    let matching = 0;
    for (let bucket = 0; bucket < timeline.buckets; bucket++) {
      lines += timeline.counts[bucket * (1 + timeline.series.length)]!;
      matching += timeline.counts[bucket * (1 + timeline.series.length) + 1 + match]!;
    }
    expect(lines).toBe(rows);
    const text = await mergedText(merged.session, rows);
    expect(matching).toBe(text.split('\n').filter((line) => /disk full/i.test(line)).length);
  });
});
