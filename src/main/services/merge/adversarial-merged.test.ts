// Adversarial cases for the merged view through the services: files a real user has (no final
// newline, CRLF, empty, untimed lines only, long lines, UTF-16, Latin-1), files that grow, shrink
// or close under a search, and malformed arguments. Every match is checked by reading it back:
// its offset, less its row's offset in the merged text, indexes the row's bytes at the matched text.
import { appendFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type {
  FileInfo,
  FindQuery,
  FindStatus,
  IndexStatus,
  MatchPage,
  MatchRows,
  FilteredLines,
  FilterStatus,
  TextLines,
  TimelineStatus,
} from '../../../shared/contract';
import { seededRandom } from '../../../shared/seededRandom';
import { createServiceHarness, testOwner, type ServiceHarness } from '../testing/serviceHarness';

let harness: ServiceHarness;
beforeEach(() => {
  harness = createServiceHarness('hexlog-merged-adv-');
});
afterEach(() => harness.dispose());

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const utf8 = new TextDecoder();

const T0 = Date.UTC(2026, 11, 5, 8);
const at = (ms: number): string => new Date(T0 + ms).toISOString();

/** A sorted log of `count` timed lines with words to find, continuation lines now and then. */
function log(seed: number, count: number, name: string): string[] {
  const random = seededRandom(seed);
  const words = ['timeout', 'ok', 'Retry', 'disk', 'full'];
  const lines: string[] = [];
  let now = random.int(500);
  for (let i = 0; i < count; i++) {
    now += random.int(1000);
    lines.push(`${at(now)} ${name} ${i} ${words[random.int(words.length)]} ${words[random.int(words.length)]}`);
    if (random.int(5) === 0) lines.push(`  at ${name}.frame(${i}) timeout`);
  }
  return lines;
}

async function open(name: string, content: string | Uint8Array): Promise<FileInfo> {
  const path = join(harness.dir, name);
  writeFileSync(path, content);
  const info = await harness.call<FileInfo>('openOffered', harness.services.offers.offer(path).offerId);
  await harness.call('openText', info.session, 'auto');
  return info;
}

async function settled(session: number): Promise<IndexStatus> {
  for (let i = 0; i < 4000; i++) {
    const status = await harness.call<IndexStatus>('indexStatus', session);
    if (status.done) return status;
    await sleep(5);
  }
  throw new Error('not done');
}

async function finished(session: number, status: FindStatus): Promise<FindStatus> {
  for (let i = 0; i < 4000 && !status.done; i++) {
    await sleep(5);
    status = (await harness.call<FindStatus | null>('findStatus', session))!;
  }
  expect(status.done).toBe(true);
  return status;
}

async function found(session: number, query: FindQuery): Promise<FindStatus> {
  return finished(session, await harness.call<FindStatus>('startFind', session, query));
}

const query = (pattern: string, mode: FindQuery['mode'] = 'text', matchCase = false, wholeWord = false): FindQuery => ({
  mode,
  pattern,
  matchCase,
  wholeWord,
});

/**
 * Every match of the search read back: its row (matchRows), the row's offset and bytes (readLines),
 * and the bytes at the match's place in its row. Answers the matched texts, in order.
 */
async function readBack(session: number, status: FindStatus): Promise<string[]> {
  const texts: string[] = [];
  for (let first = 0; first < status.matchCount; first += 1000) {
    const count = Math.min(1000, status.matchCount - first);
    const page = await harness.call<MatchRows>('matchRows', session, status.searchId, first, count);
    expect(page.offsets.length).toBe(count);
    for (let i = 0; i < count; i++) {
      const row = page.lines[i]!;
      const lines = await harness.call<TextLines>('readLines', session, row, 1);
      const rowOffset = lines.fileOffsets[0]!;
      expect(page.lineOffsets[i]).toBe(rowOffset);
      const inRow = page.offsets[i]! - rowOffset;
      expect(inRow, `match ${first + i} before its row`).toBeGreaterThanOrEqual(0);
      const bytes = lines.bytes.subarray(lines.textStarts[0]! + inRow, lines.textStarts[0]! + inRow + page.lengths[i]!);
      texts.push(utf8.decode(bytes));
    }
  }
  return texts;
}

/** Non-overlapping matches of `regex` in each line of each file: what the merged search must count. */
function naiveCount(files: readonly string[][], regex: RegExp): number {
  return files.reduce((sum, lines) => sum + lines.reduce((n, line) => n + [...line.matchAll(regex)].length, 0), 0);
}

describe('merged view, adversarial files', () => {
  it('finds at the very start and end of files without a final newline, and reads every match back', async () => {
    const a = [`${at(0)} timeout first`, ...log(1, 300, 'alpha'), `${at(400_000)} last timeout`];
    const b = [...log(2, 200, 'beta'), `${at(500_000)} ends in timeout`];
    const infoA = await open('a.log', a.join('\n'));
    const infoB = await open('b.log', b.join('\n'));
    const merged = await harness.call<FileInfo>('mergeFiles', [infoA.session, infoB.session]);
    expect((await settled(merged.session)).linesKnown).toBe(a.length + b.length);
    for (const [asked, regex] of [
      [query('timeout'), /timeout/gi],
      [query('retry'), /retry/gi],
      [query('Retry', 'text', true), /Retry/g],
      [query('ok', 'text', false, true), /\bok\b/gi],
      [query('timeout$', 'regex'), /timeout$/gi],
      [query('^2026', 'regex'), /^2026/g],
    ] as [FindQuery, RegExp][]) {
      const status = await found(merged.session, asked);
      expect(status.error, asked.pattern).toBeNull();
      expect(status.matchCount, asked.pattern).toBe(naiveCount([a, b], regex));
      const texts = await readBack(merged.session, status);
      for (const text of texts) expect(text, asked.pattern).toMatch(new RegExp(`^${regex.source}$`, 'i'));
    }
  });

  it('CRLF files: a regex that ends at the line end matches before the CR, and read back', async () => {
    const a = log(3, 400, 'alpha');
    const b = log(4, 300, 'beta');
    const infoA = await open('a.log', `${a.join('\r\n')}\r\n`);
    const infoB = await open('b.log', `${b.join('\n')}\n`);
    const merged = await harness.call<FileInfo>('mergeFiles', [infoA.session, infoB.session]);
    expect((await settled(merged.session)).linesKnown).toBe(a.length + b.length);
    for (const [asked, regex] of [
      [query('timeout'), /timeout/gi],
      [query('timeout$', 'regex'), /timeout$/gi],
      [query('\\d+ timeout$', 'regex'), /\d+ timeout$/gi],
    ] as [FindQuery, RegExp][]) {
      const status = await found(merged.session, asked);
      expect(status.error, asked.pattern).toBeNull();
      expect(status.matchCount, asked.pattern).toBe(naiveCount([a, b], regex));
      for (const text of await readBack(merged.session, status))
        expect(text, asked.pattern).toMatch(new RegExp(`^${regex.source}$`, 'i'));
    }
  });

  it('a file of untimed lines only, and an empty file, are refused; untimed lines before the first time stay first', async () => {
    const a = log(5, 100, 'alpha');
    const infoA = await open('a.log', `${a.join('\n')}\n`);
    const empty = await open('empty.log', '');
    const untimed = await open('plain.log', 'no time here\nnor here timeout\n');
    for (const other of [empty, untimed]) {
      const answer = await harness.services.dispatch(testOwner, 'mergeFiles', [[infoA.session, other.session]]);
      expect(answer).toMatchObject({ ok: false, code: 'EINVAL' });
    }
    // A file that starts with untimed lines: they lead its first block.
    const b = ['banner timeout', 'second banner', ...log(6, 100, 'beta')];
    const infoB = await open('b.log', `${b.join('\n')}\n`);
    const merged = await harness.call<FileInfo>('mergeFiles', [infoA.session, infoB.session]);
    expect((await settled(merged.session)).linesKnown).toBe(a.length + b.length);
    const status = await found(merged.session, query('timeout'));
    expect(status.matchCount).toBe(naiveCount([a, b], /timeout/gi));
    for (const text of await readBack(merged.session, status)) expect(text.toLowerCase()).toBe('timeout');
  });

  it('very long lines: a match past the display cap of a row is counted, and its offset stays inside its row', async () => {
    const long = 'x'.repeat(200_000);
    const a = [`${at(0)} start`, `${at(10)} ${long} timeout ${long} timeout`, `${at(20)} timeout end`];
    const b = [`${at(5)} beta timeout`, `${at(15)} ${long}`, `${at(25)} beta end`];
    const infoA = await open('a.log', `${a.join('\n')}\n`);
    const infoB = await open('b.log', b.join('\n'));
    const merged = await harness.call<FileInfo>('mergeFiles', [infoA.session, infoB.session]);
    expect((await settled(merged.session)).linesKnown).toBe(6);
    const status = await found(merged.session, query('timeout'));
    expect(status.matchCount).toBe(naiveCount([a, b], /timeout/gi));
    const copied = utf8.decode(await harness.call<Uint8Array>('copyLines', merged.session, 0, 5)) + '\n';
    const page = await harness.call<MatchPage>('findMatches', merged.session, status.searchId, 0, 100);
    const expected = [...copied.matchAll(/timeout/gi)].map((match) => match.index);
    expect(Array.from(page.offsets)).toEqual(expected);
  });

  it('Latin-1 bytes in a line: offsets are bytes, the match reads back', async () => {
    const a = log(7, 50, 'alpha');
    const latin = Buffer.from(`${at(20_000)} caf\xe9 \xe9t\xe9 timeout\n`, 'latin1');
    const infoA = await open('a.log', Buffer.concat([Buffer.from(`${a.join('\n')}\n`), latin]));
    const b = log(8, 50, 'beta');
    const infoB = await open('b.log', `${b.join('\n')}\n`);
    const merged = await harness.call<FileInfo>('mergeFiles', [infoA.session, infoB.session]);
    await settled(merged.session);
    const status = await found(merged.session, query('timeout'));
    expect(status.matchCount).toBe(naiveCount([a, b], /timeout/gi) + 1);
    for (const text of await readBack(merged.session, status)) expect(text.toLowerCase()).toBe('timeout');
  });

  it('hex mode finds bytes and reads them back', async () => {
    const a = log(9, 200, 'alpha');
    const b = log(10, 200, 'beta');
    const infoA = await open('a.log', `${a.join('\n')}\n`);
    const infoB = await open('b.log', `${b.join('\n')}\n`);
    const merged = await harness.call<FileInfo>('mergeFiles', [infoA.session, infoB.session]);
    await settled(merged.session);
    const status = await found(merged.session, query('74 69 6d 65 6f 75 74', 'hex'));
    expect(status.error).toBeNull();
    expect(status.matchCount).toBe(naiveCount([a, b], /timeout/g));
    for (const text of await readBack(merged.session, status)) expect(text).toBe('timeout');
  });

  it('UTF-16 files are refused with a message saying why (times are read from UTF-8 and Latin-1 only)', async () => {
    const a = log(11, 100, 'alpha');
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`${a.join('\n')}\n`, 'utf16le')]);
    const infoA = await open('a.log', utf16);
    const infoB = await open('b.log', `${log(12, 100, 'beta').join('\n')}\n`);
    expect(await harness.services.dispatch(testOwner, 'mergeFiles', [[infoA.session, infoB.session]])).toMatchObject({
      ok: false,
      code: 'EINVAL',
      message:
        /a\.log has no timestamps hexlog recognises \(Times are read from UTF-8 and Latin-1 text; this file is shown as UTF-16\)/,
    });
  });
});

/** Waits until the merged view shows `rows` rows, built (or fails the test). */
async function rowsShown(session: number, rows: number): Promise<IndexStatus> {
  let status = await harness.call<IndexStatus>('indexStatus', session);
  for (let i = 0; i < 1500 && !(status.done && status.linesKnown === rows); i++) {
    await sleep(10);
    status = await harness.call<IndexStatus>('indexStatus', session);
  }
  expect(status.linesKnown).toBe(rows);
  return status;
}

/** The merged text's rows, each as its file has it. */
async function mergedRows(session: number, rows: number): Promise<string[]> {
  return utf8.decode(await harness.call<Uint8Array>('copyLines', session, 0, rows - 1)).split('\n');
}

describe('merged view, files that change under it', () => {
  it('a followed file that grows by a partial line, then completes it: rows, and a search again, read back', async () => {
    const a = log(20, 200, 'alpha');
    const b = log(21, 200, 'beta');
    const pathA = join(harness.dir, 'a.log');
    const partial = `${at(900_000)} partial`;
    const infoA = await open('a.log', `${a.join('\n')}\n${partial}`);
    const infoB = await open('b.log', `${b.join('\n')}\n`);
    const merged = await harness.call<FileInfo>('mergeFiles', [infoA.session, infoB.session]);
    await rowsShown(merged.session, a.length + b.length + 1);
    await harness.call('setFollow', merged.session, true);
    let timeline = await harness.call<TimelineStatus>('startTimeline', merged.session, -1);
    const search = await harness.call<FindStatus>('startFind', merged.session, query('timeout'));
    appendFileSync(pathA, ' timeout');
    await sleep(600);
    appendFileSync(pathA, ` done\n${at(900_010)} next timeout\n`);
    const all = [...a, `${partial} timeout done`, `${at(900_010)} next timeout`];
    await rowsShown(merged.session, all.length + b.length);
    const text = await mergedRows(merged.session, all.length + b.length);
    expect(text.slice(-2)).toEqual(all.slice(-2));
    // The search started before the growth: whatever it counts, each match reads back.
    const before = await finished(
      merged.session,
      (await harness.call<FindStatus | null>('findStatus', merged.session))!,
    );
    expect(before.searchId).toBe(search.searchId);
    for (const match of await readBack(merged.session, before)) expect(match.toLowerCase()).toBe('timeout');
    const again = await found(merged.session, query('timeout'));
    expect(again.matchCount).toBe(naiveCount([all, b], /timeout/gi));
    for (const match of await readBack(merged.session, again)) expect(match.toLowerCase()).toBe('timeout');
    // The timeline counts each row once: the line completed is not counted twice.
    const rows = all.length + b.length;
    for (let i = 0; i < 600 && !(timeline.done && timeline.linesCounted === rows); i++) {
      await sleep(10);
      timeline = (await harness.call<TimelineStatus | null>('timelineStatus', merged.session))!;
    }
    expect(timeline.linesCounted).toBe(rows);
    let counted = 0;
    for (let bucket = 0; bucket < timeline.buckets; bucket++)
      counted += timeline.counts[bucket * (1 + timeline.series.length)]!;
    expect(counted).toBe(rows);
  });

  it('a followed file truncated, then replaced, while merged: the merge is built again and matches read back', async () => {
    const a = log(22, 400, 'alpha');
    const b = log(23, 300, 'beta');
    const pathA = join(harness.dir, 'a.log');
    const infoA = await open('a.log', `${a.join('\n')}\n`);
    const infoB = await open('b.log', `${b.join('\n')}\n`);
    const merged = await harness.call<FileInfo>('mergeFiles', [infoA.session, infoB.session]);
    await rowsShown(merged.session, a.length + b.length);
    await harness.call('setFollow', merged.session, true);
    await found(merged.session, query('timeout'));
    const kept = a.slice(0, 100);
    truncateSync(pathA, Buffer.byteLength(`${kept.join('\n')}\n`));
    await rowsShown(merged.session, kept.length + b.length);
    let status = await finished(merged.session, (await harness.call<FindStatus | null>('findStatus', merged.session))!);
    for (let i = 0; i < 400 && status.matchCount !== naiveCount([kept, b], /timeout/gi); i++) {
      await sleep(10);
      status = (await harness.call<FindStatus | null>('findStatus', merged.session))!;
    }
    expect(status.matchCount).toBe(naiveCount([kept, b], /timeout/gi));
    for (const match of await readBack(merged.session, status)) expect(match.toLowerCase()).toBe('timeout');
    // Replaced (log rotation): a new file at the same path.
    const replaced = log(24, 50, 'gamma');
    writeFileSync(`${pathA}.new`, `${replaced.join('\n')}\n`);
    const { renameSync } = await import('node:fs');
    renameSync(`${pathA}.new`, pathA);
    await rowsShown(merged.session, replaced.length + b.length);
    const again = await found(merged.session, query('timeout'));
    expect(again.matchCount).toBe(naiveCount([replaced, b], /timeout/gi));
    for (const match of await readBack(merged.session, again)) expect(match.toLowerCase()).toBe('timeout');
  });

  it('a file closed during a running search and a running filter: both end with ECLOSED, every request answers', async () => {
    const infoA = await open('a.log', `${log(25, 60_000, 'alpha').join('\n')}\n`);
    const infoB = await open('b.log', `${log(26, 60_000, 'beta').join('\n')}\n`);
    const merged = await harness.call<FileInfo>('mergeFiles', [infoA.session, infoB.session]);
    await settled(merged.session);
    const search = await harness.call<FindStatus>('startFind', merged.session, query('timeout'));
    await harness.services.dispatch(testOwner, 'setFilter', [
      merged.session,
      { rules: [{ pattern: 'retry', exclude: false, regex: false, matchCase: false, enabled: true }], context: 1 },
    ]);
    await harness.call('closeFile', infoB.session);
    const status = await finished(
      merged.session,
      (await harness.call<FindStatus | null>('findStatus', merged.session))!,
    );
    expect(status.error?.code).toBe('ECLOSED');
    const filter = await harness.services.dispatch(testOwner, 'filterStatus', [merged.session]);
    expect(filter).toMatchObject({ ok: true, value: { done: true, error: { code: 'ECLOSED' } } });
    for (const [name, args] of [
      ['findMatches', [search.searchId, 0, 10]],
      ['matchRows', [search.searchId, 0, 10]],
      ['matchesInRange', [search.searchId, 0, 1000]],
      ['matchIndexAt', [search.searchId, 0]],
      ['startFind', [query('x')]],
      ['cancelFind', []],
      ['readFilteredLines', [1, 0, 10]],
      ['scrollTicks', [search.searchId, -1, [], 16]],
      ['startTimeline', [-1]],
      ['seekTime', [T0]],
      ['lineTime', [0]],
      ['lineAtOffset', [0]],
      ['copyLines', [0, 3]],
      ['setFollow', [true]],
    ] as [string, unknown[]][]) {
      const answer = await harness.services.dispatch(testOwner, name, [merged.session, ...args]);
      expect(answer, name).toHaveProperty('ok');
    }
  });
});

describe('merged find, searches started and stopped', () => {
  it('a search started before the merge is built counts what a search after does', async () => {
    const a = log(30, 20_000, 'alpha');
    const b = log(31, 20_000, 'beta');
    const infoA = await open('a.log', `${a.join('\n')}\n`);
    const infoB = await open('b.log', `${b.join('\n')}\n`);
    const merged = await harness.call<FileInfo>('mergeFiles', [infoA.session, infoB.session]);
    const early = await found(merged.session, query('timeout'));
    expect(early.error).toBeNull();
    expect(early.matchCount).toBe(naiveCount([a, b], /timeout/gi));
    const page = await harness.call<MatchPage>('findMatches', merged.session, early.searchId, 0, 10_000);
    const later = await found(merged.session, query('timeout'));
    const again = await harness.call<MatchPage>('findMatches', merged.session, later.searchId, 0, 10_000);
    expect(Array.from(page.offsets)).toEqual(Array.from(again.offsets));
  });

  it('searches restarted many times in a row: the last one answers, the others are no longer current', async () => {
    const a = log(32, 20_000, 'alpha');
    const b = log(33, 20_000, 'beta');
    const infoA = await open('a.log', `${a.join('\n')}\n`);
    const infoB = await open('b.log', `${b.join('\n')}\n`);
    const merged = await harness.call<FileInfo>('mergeFiles', [infoA.session, infoB.session]);
    const random = seededRandom(34);
    const patterns = ['timeout', 'disk', 'full', 'retry', 'ok', 'alpha 1', 'beta 2'];
    const ids: number[] = [];
    let last = '';
    for (let i = 0; i < 40; i++) {
      last = patterns[random.int(patterns.length)]!;
      ids.push((await harness.call<FindStatus>('startFind', merged.session, query(last))).searchId);
      if (random.int(3) === 0) await sleep(random.int(20));
    }
    const status = await finished(
      merged.session,
      (await harness.call<FindStatus | null>('findStatus', merged.session))!,
    );
    expect(status.searchId).toBe(ids.at(-1));
    const regex = new RegExp(last, 'gi');
    expect(status.matchCount).toBe(naiveCount([a, b], regex));
    expect(new Set(ids).size).toBe(ids.length);
    expect(await harness.services.dispatch(testOwner, 'findMatches', [merged.session, ids[0], 0, 10])).toMatchObject({
      ok: false,
      code: 'ENOTFOUND',
    });
  });

  it('cancelFind stops a search (its matches so far still answer), twice is harmless, and a new search runs', async () => {
    const a = log(35, 40_000, 'alpha');
    const b = log(36, 40_000, 'beta');
    const infoA = await open('a.log', `${a.join('\n')}\n`);
    const infoB = await open('b.log', `${b.join('\n')}\n`);
    const merged = await harness.call<FileInfo>('mergeFiles', [infoA.session, infoB.session]);
    expect(await harness.call<FindStatus | null>('cancelFind', merged.session)).toBeNull();
    const started = await harness.call<FindStatus>('startFind', merged.session, query('timeout'));
    const cancelled = (await harness.call<FindStatus | null>('cancelFind', merged.session))!;
    expect(cancelled).toMatchObject({ searchId: started.searchId, done: true, cancelled: true });
    expect((await harness.call<FindStatus | null>('cancelFind', merged.session))!.cancelled).toBe(true);
    await sleep(300);
    const later = (await harness.call<FindStatus | null>('findStatus', merged.session))!;
    expect(later.matchCount).toBe(cancelled.matchCount);
    const page = await harness.call<MatchPage>('findMatches', merged.session, started.searchId, 0, 10);
    expect(page.offsets.length).toBe(Math.min(10, later.matchCount));
    await settled(merged.session);
    const fresh = await found(merged.session, query('timeout'));
    expect(fresh.matchCount).toBe(naiveCount([a, b], /timeout/gi));
  });
});

describe('merged channels, malformed arguments', () => {
  it('answers an error value naming the argument for negative, NaN, huge and wrong-typed arguments', async () => {
    const infoA = await open('a.log', `${log(40, 100, 'alpha').join('\n')}\n`);
    const infoB = await open('b.log', `${log(41, 100, 'beta').join('\n')}\n`);
    const merged = await harness.call<FileInfo>('mergeFiles', [infoA.session, infoB.session]);
    await settled(merged.session);
    const search = await found(merged.session, query('timeout'));
    const s = merged.session;
    const id = search.searchId;
    const cases: [string, unknown[]][] = [
      ['readLines', [s, -1, 10]],
      ['readLines', [s, Number.NaN, 10]],
      ['readLines', [s, 0, 1e9]],
      ['readLines', [s, '0', 10]],
      ['readLines', [s, 0]],
      ['readLinesAt', [s, [0, -5], 100]],
      ['readLinesAt', [s, 'rows', 100]],
      ['copyLines', [s, 5, 2]],
      ['copyLines', [s, 0, Number.POSITIVE_INFINITY]],
      ['lineAtOffset', [s, -1]],
      ['findMatches', [s, id, -1, 10]],
      ['findMatches', [s, id, 0, 1e12]],
      ['findMatches', [s, 'x', 0, 10]],
      ['matchesInRange', [s, id, 100, 10]],
      ['matchesInRange', [s, id, Number.NaN, 10]],
      ['matchRows', [s, id, 0, 100_000]],
      ['matchIndexAt', [s, id, -3]],
      ['startFind', [s, { mode: 'text', pattern: 7, matchCase: false, wholeWord: false }]],
      ['startFind', [s, { mode: 'glob', pattern: 'x', matchCase: false, wholeWord: false }]],
      ['startFind', [s, null]],
      ['startFind', [s, query('[', 'regex')]],
      ['startFind', [s, query('zz', 'hex')]],
      ['startFind', [s, query('', 'text')]],
      ['seekTime', [s, Number.NaN]],
      ['seekTime', [s, 1e300]],
      ['lineTime', [s, -1]],
      ['lineTime', [s, 1e9]],
      ['startTimeline', [s, -2]],
      ['scrollTicks', [s, id, -1, [], 0]],
      ['scrollTicks', [s, id, -1, [-1], 10]],
      ['setFollow', [s, 'yes']],
      ['readFilteredLines', [s, 99, 0, 10]],
      ['filterRowOfLine', [s, 99, 0]],
      ['shownMatch', [s, id, 99, 0, 2]],
      ['setFilter', [s, { rules: 'x', context: 0 }]],
      ['setFilter', [s, { rules: [], context: -1 }]],
    ];
    for (const [name, args] of cases) {
      const answer = await harness.services.dispatch(testOwner, name, args);
      expect(answer, `${name} ${JSON.stringify(args)}`).toMatchObject({ ok: false, code: expect.any(String) });
      expect((answer as { message: string }).message.length, name).toBeGreaterThan(0);
    }
    // Past the rows: an empty answer, not a throw.
    expect(await harness.services.dispatch(testOwner, 'readLines', [s, 1e9, 10])).toMatchObject({ ok: true });
    expect(await harness.services.dispatch(testOwner, 'findMatches', [s, id, 1e9, 10])).toMatchObject({ ok: true });
  });
});

/** Every match of a search as (file, offset in the file), read back through the rows' files and lines. */
async function asFileMatches(session: number, status: FindStatus, files: FileInfo[]): Promise<string[]> {
  const out: string[] = [];
  for (let first = 0; first < status.matchCount; first += 1000) {
    const count = Math.min(1000, status.matchCount - first);
    const page = await harness.call<MatchRows>('matchRows', session, status.searchId, first, count);
    for (let i = 0; i < count; i++) {
      const row = await harness.call<TextLines>('readLines', session, page.lines[i]!, 1);
      const file = row.sources![0]!;
      const own = await harness.call<TextLines>('readLines', files[file]!.session, row.sourceLines![0]!, 1);
      out.push(`${file}:${page.offsets[i]! - row.fileOffsets[0]! + own.fileOffsets[0]!}:${page.lengths[i]}`);
    }
  }
  return out.sort();
}

/** A file's own search, as (file, offset) like asFileMatches. */
async function ownMatches(files: FileInfo[], asked: FindQuery): Promise<string[]> {
  const out: string[] = [];
  for (const [at, info] of files.entries()) {
    const status = await found(info.session, asked);
    for (let first = 0; first < status.matchCount; first += 10_000) {
      const page = await harness.call<MatchPage>('findMatches', info.session, status.searchId, first, 10_000);
      page.offsets.forEach((offset, i) => out.push(`${at}:${offset}:${page.lengths[i]}`));
    }
  }
  return out.sort();
}

describe('merged find against each file’s own search', () => {
  it('regexes over line ends, empty-width ones, and the last line without a newline place what the files find', async () => {
    const a = [...log(50, 300, 'alpha'), `${at(600_000)} tail timeout`];
    const b = [...log(51, 300, 'beta'), `${at(300_000)} mid timeout`];
    const infoA = await open('a.log', a.join('\n'));
    const infoB = await open('b.log', `${b.join('\r\n')}\r\n`);
    const files = [infoA, infoB];
    const merged = await harness.call<FileInfo>('mergeFiles', [infoA.session, infoB.session]);
    await settled(merged.session);
    for (const asked of [
      query('timeout\\r?\\n', 'regex'),
      query('t\\s+2026', 'regex'),
      query('$', 'regex'),
      query('^', 'regex'),
      query('\\bok\\b', 'regex', true),
      query('0a', 'hex'),
      query('0d 0a', 'hex'),
      query('ok', 'text', true, true),
    ]) {
      const own = await ownMatches(files, asked);
      const status = await found(merged.session, asked);
      expect(status.error, asked.pattern).toBeNull();
      expect(status.matchCount, asked.pattern).toBe(own.length);
      expect(await asFileMatches(merged.session, status, files), asked.pattern).toEqual(own);
    }
  });
});

describe('merged timeline and filter when the files change', () => {
  async function timelineDone(session: number, rows: number): Promise<TimelineStatus> {
    let timeline = (await harness.call<TimelineStatus | null>('timelineStatus', session))!;
    for (let i = 0; i < 600 && !(timeline.done && timeline.linesCounted === rows); i++) {
      await sleep(10);
      timeline = (await harness.call<TimelineStatus | null>('timelineStatus', session))!;
    }
    return timeline;
  }

  it('the timeline counts the rows after a followed file is truncated, and after earlier lines make it merge again', async () => {
    const a = log(60, 2000, 'alpha');
    const b = log(61, 2000, 'beta');
    const pathA = join(harness.dir, 'a.log');
    const infoA = await open('a.log', `${a.join('\n')}\n`);
    const infoB = await open('b.log', `${b.join('\n')}\n`);
    const merged = await harness.call<FileInfo>('mergeFiles', [infoA.session, infoB.session]);
    await rowsShown(merged.session, a.length + b.length);
    await harness.call('setFollow', merged.session, true);
    await harness.call<TimelineStatus>('startTimeline', merged.session, -1);
    expect((await timelineDone(merged.session, a.length + b.length)).linesCounted).toBe(a.length + b.length);
    // Earlier lines appended to b: merged again.
    appendFileSync(join(harness.dir, 'b.log'), `${at(10)} beta early\n`);
    await rowsShown(merged.session, a.length + b.length + 1);
    expect((await timelineDone(merged.session, a.length + b.length + 1)).linesCounted).toBe(a.length + b.length + 1);
    const kept = a.slice(0, 500);
    truncateSync(pathA, Buffer.byteLength(`${kept.join('\n')}\n`));
    await rowsShown(merged.session, kept.length + b.length + 1);
    expect((await timelineDone(merged.session, kept.length + b.length + 1)).linesCounted).toBe(
      kept.length + b.length + 1,
    );
  });

  it('the filter keeps what a naive filter of the merged rows keeps, with context, over files without a final newline', async () => {
    const a = log(62, 3000, 'alpha');
    const b = log(63, 3000, 'beta');
    const infoA = await open('a.log', a.join('\n'));
    const infoB = await open('b.log', `${b.join('\r\n')}\r\n`);
    const merged = await harness.call<FileInfo>('mergeFiles', [infoA.session, infoB.session]);
    const rows = (await settled(merged.session)).linesKnown;
    const text = await mergedRows(merged.session, rows);
    for (const context of [0, 2]) {
      const spec = {
        rules: [
          { pattern: 'retry', exclude: false, regex: false, matchCase: false, enabled: true },
          { pattern: 'disk$', exclude: true, regex: true, matchCase: false, enabled: true },
        ],
        context,
      };
      let status = await harness.call<FilterStatus>('setFilter', merged.session, spec);
      for (let i = 0; i < 600 && !status.done; i++) {
        await sleep(10);
        status = (await harness.call<FilterStatus | null>('filterStatus', merged.session))!;
      }
      expect(status.error).toBeNull();
      const kept = text.map((line) => /retry/i.test(line) && !/disk\r?$/i.test(line));
      const shown = kept.map((_, row) => kept.slice(Math.max(0, row - context), row + context + 1).some(Boolean));
      const expected = shown.flatMap((yes, row) => (yes ? [row] : []));
      expect(status.rowsKnown).toBe(expected.length);
      const got: number[] = [];
      for (let first = 0; first < status.rowsKnown; first += 5000) {
        const part = await harness.call<FilteredLines>(
          'readFilteredLines',
          merged.session,
          status.filterId,
          first,
          5000,
        );
        got.push(...part.lines);
      }
      expect(got).toEqual(expected);
    }
  });
});

describe('merged rows and offsets at the edges', () => {
  it('lineAtOffset of every row’s offset is that row, next to a last line without a newline', async () => {
    const a = [...log(70, 60, 'alpha'), `${at(30_000)} a ends here`];
    const b = [...log(71, 60, 'beta'), `${at(40_000)} b ends`];
    const infoA = await open('a.log', a.join('\n'));
    const infoB = await open('b.log', b.join('\r\n'));
    const merged = await harness.call<FileInfo>('mergeFiles', [infoA.session, infoB.session]);
    const rows = (await settled(merged.session)).linesKnown;
    const lines = await harness.call<TextLines>('readLines', merged.session, 0, rows);
    for (let row = 0; row < rows; row++) {
      const offset = lines.fileOffsets[row]!;
      expect(await harness.call<number>('lineAtOffset', merged.session, offset), `row ${row}`).toBe(row);
      if (row > 0 && offset > lines.fileOffsets[row - 1]!) {
        expect(await harness.call<number>('lineAtOffset', merged.session, offset - 1), `row ${row} - 1`).toBe(row - 1);
      }
    }
  });

  it('the filter runs again over a merge built again after a followed file is truncated', async () => {
    const a = log(72, 2000, 'alpha');
    const b = log(73, 2000, 'beta');
    const pathA = join(harness.dir, 'a.log');
    const infoA = await open('a.log', `${a.join('\n')}\n`);
    const infoB = await open('b.log', `${b.join('\n')}\n`);
    const merged = await harness.call<FileInfo>('mergeFiles', [infoA.session, infoB.session]);
    await rowsShown(merged.session, a.length + b.length);
    await harness.call('setFollow', merged.session, true);
    const spec = {
      rules: [{ pattern: 'timeout', exclude: false, regex: false, matchCase: false, enabled: true }],
      context: 1,
    };
    await harness.call<FilterStatus>('setFilter', merged.session, spec);
    const kept = a.slice(0, 300);
    truncateSync(pathA, Buffer.byteLength(`${kept.join('\n')}\n`));
    const rows = kept.length + b.length;
    await rowsShown(merged.session, rows);
    const text = await mergedRows(merged.session, rows);
    const keep = text.map((line) => /timeout/i.test(line));
    const expected = keep.flatMap((_, row) => (keep.slice(Math.max(0, row - 1), row + 2).some(Boolean) ? [row] : []));
    let status = (await harness.call<FilterStatus | null>('filterStatus', merged.session))!;
    for (let i = 0; i < 3000 && !(status.done && status.rowsKnown === expected.length); i++) {
      await sleep(10);
      status = (await harness.call<FilterStatus | null>('filterStatus', merged.session))!;
    }
    expect(status.error).toBeNull();
    expect(status.rowsKnown).toBe(expected.length);
    const got = await harness.call<FilteredLines>('readFilteredLines', merged.session, status.filterId, 0, 5000);
    expect(Array.from(got.lines)).toEqual(expected);
  });

  it('a search running while a followed file grows by later lines: a search again counts them, every match reads back', async () => {
    const a = log(74, 8000, 'alpha');
    const b = log(75, 8000, 'beta');
    const infoA = await open('a.log', `${a.join('\n')}\n`);
    const infoB = await open('b.log', `${b.join('\n')}\n`);
    const merged = await harness.call<FileInfo>('mergeFiles', [infoA.session, infoB.session]);
    await rowsShown(merged.session, a.length + b.length);
    await harness.call('setFollow', merged.session, true);
    const running = await harness.call<FindStatus>('startFind', merged.session, query('timeout'));
    const late = Array.from({ length: 30 }, (_, i) => `${at(90_000_000 + i)} late timeout ${i}`);
    appendFileSync(join(harness.dir, 'b.log'), `${late.join('\n')}\n`);
    const grown = [...b, ...late];
    await rowsShown(merged.session, a.length + grown.length);
    const first = await finished(merged.session, running);
    for (const match of await readBack(merged.session, first)) expect(match.toLowerCase()).toBe('timeout');
    const again = await found(merged.session, query('timeout'));
    expect(again.matchCount).toBe(naiveCount([a, grown], /timeout/gi));
    const tail = await harness.call<MatchPage>(
      'findMatches',
      merged.session,
      again.searchId,
      again.matchCount - 30,
      30,
    );
    const rows = await harness.call<TextLines>('readLines', merged.session, a.length + b.length, 30);
    expect(tail.offsets[0]).toBe(rows.fileOffsets[0]! + late[0]!.indexOf('timeout'));
  });
});
