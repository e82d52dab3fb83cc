import { closeSync, openSync, readFileSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type {
  ByteView,
  FileInfo,
  FindQuery,
  FindStatus,
  IndexStatus,
  MatchPage,
  MatchRows,
} from '../../../shared/contract';
import { seededRandom } from '../../../shared/seededRandom';
import type { Services } from '../index';
import { createServiceHarness, testOwner, type ServiceHarness } from '../testing/serviceHarness';
import { pcre2Enabled } from './nativeRegexSearch';

const owner = testOwner;
let harness: ServiceHarness;
let dir: string;
let services: Services;
let call: ServiceHarness['call'];

beforeEach(() => {
  harness = createServiceHarness('hexlog-find-');
  ({ dir, services, call } = harness);
});
afterEach(() => harness.dispose());

/** Opens a file and waits until its lines are indexed (match rows need line numbers). */
async function open(content: string | Uint8Array): Promise<FileInfo> {
  const path = join(dir, 'f.log');
  writeFileSync(path, content);
  const info = await call<FileInfo>('openOffered', services.offers.offer(path).offerId);
  await call('openText', info.session, 'auto');
  for (let i = 0; i < 1000 && !(await call<{ done: boolean }>('indexStatus', info.session)).done; i++) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return info;
}

const query = (pattern: string, mode: FindQuery['mode'] = 'text', matchCase = true, wholeWord = false): FindQuery => ({
  mode,
  pattern,
  matchCase,
  wholeWord,
});

async function finish(info: FileInfo): Promise<FindStatus> {
  for (let i = 0; i < 1000; i++) {
    const status = await call<FindStatus | null>('findStatus', info.session);
    if (status !== null && (status.done || status.error !== null || status.cancelled)) return status;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('search did not finish');
}

async function allOffsets(info: FileInfo, status: FindStatus): Promise<number[]> {
  const page = await call<MatchPage>('findMatches', info.session, status.searchId, 0, 10_000);
  return [...page.offsets];
}

/** Non-overlapping occurrences, left to right, as grep -o counts them. */
function naive(haystack: string, needle: string): number[] {
  const found: number[] = [];
  for (let at = haystack.indexOf(needle); at >= 0; at = haystack.indexOf(needle, at + needle.length)) found.push(at);
  return found;
}

describe('find services', () => {
  it('a literal finds what a naive scan finds, non-overlapping, on seeded random text', async () => {
    const random = seededRandom(4);
    const text = Array.from({ length: 20_000 }, () => 'ab\n'[random.int(3)]).join('');
    const info = await open(text);
    for (const needle of ['ab', 'aa', 'aba', 'b\na']) {
      await call('startFind', info.session, query(needle));
      const status = await finish(info);
      expect(await allOffsets(info, status)).toEqual(naive(text, needle));
    }
  });

  it('a regex runs per line: ^ and $ anchor at line ends; matches carry their lengths', async () => {
    const info = await open('ERROR one\nok ERROR\r\nERRORS three\n');
    await call('startFind', info.session, query('^ERROR\\w*', 'regex'));
    const status = await finish(info);
    const page = await call<MatchPage>('findMatches', info.session, status.searchId, 0, 10);
    expect([...page.offsets]).toEqual([0, 20]);
    expect([...page.lengths]).toEqual([5, 6]);
    await call('startFind', info.session, query('error$', 'regex', false));
    const second = await finish(info);
    expect(second.matchCount).toBe(1);
  });

  it('a regex with a required literal (prefiltered natively) finds what a per-line scan finds', async () => {
    const random = seededRandom(12);
    const words = ['ab1c', 'AB22C', 'xab', 'c', 'ab', 'abc', 'ab333c'];
    const lines = Array.from({ length: 4000 }, () =>
      Array.from({ length: 1 + random.int(6) }, () => words[random.int(words.length)]).join(' '),
    );
    const text = lines.join('\n') + '\n';
    const info = await open(text);
    for (const [pattern, matchCase] of [
      ['ab[0-9]+c', true],
      ['ab[0-9]+c', false],
      ['xab$', true],
    ] as const) {
      await call('startFind', info.session, query(pattern, 'regex', matchCase));
      const status = await finish(info);
      const session = services.sessions.get(info.session, owner.owner);
      expect(session.ok && session.value.find.engine()).toBe(pcre2Enabled() ? 'pcre2' : 'regex-candidate-lines');
      const expected: number[] = [];
      let offset = 0;
      for (const line of lines) {
        for (const match of line.matchAll(new RegExp(pattern, matchCase ? 'g' : 'gi')))
          expected.push(offset + match.index);
        offset += line.length + 1;
      }
      expect(await allOffsets(info, status)).toEqual(expected);
    }
  });

  it('invalid patterns answer EINVAL with a message and start nothing', async () => {
    const info = await open('abc');
    expect(await services.dispatch(owner, 'startFind', [info.session, query('(unclosed', 'regex')])).toMatchObject({
      ok: false,
      code: 'EINVAL',
    });
    expect(await services.dispatch(owner, 'startFind', [info.session, query('DE AD XY', 'hex')])).toMatchObject({
      code: 'EINVAL',
    });
    expect(await services.dispatch(owner, 'startFind', [info.session, query('')])).toMatchObject({ code: 'EINVAL' });
    expect(await services.dispatch(owner, 'startFind', [info.session, { mode: 'sql', pattern: 'x' }])).toMatchObject({
      code: 'EINVAL',
    });
  });

  it('a catastrophic regex can be cancelled and nothing hangs', async () => {
    const info = await open(`${'a'.repeat(40)}!\n`.repeat(50));
    await call('startFind', info.session, query('(a+)+$', 'regex'));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const status = await call<FindStatus>('cancelFind', info.session);
    expect(status.cancelled || status.done).toBe(true);
    // The service still answers at once.
    expect(await call('indexStatus', info.session)).toMatchObject({ session: info.session });
  });

  it('hex patterns with wildcards find known bytes', async () => {
    const bytes = new Uint8Array(5000);
    bytes.set([0xde, 0xad, 0x00, 0xef], 1234);
    bytes.set([0xde, 0xad, 0x77, 0xef], 4990);
    const info = await open(bytes);
    await call('startFind', info.session, query('DE AD ?? EF', 'hex'));
    const status = await finish(info);
    expect(await allOffsets(info, status)).toEqual([1234, 4990]);
  });

  it('matchRows gives each match its line and text; matchesInRange answers a viewport', async () => {
    const info = await open('zero\nfind me\nnothing\nfind me too\n');
    await call('startFind', info.session, query('find'));
    const status = await finish(info);
    const rows = await call<MatchRows>('matchRows', info.session, status.searchId, 0, 10);
    expect([...rows.lines]).toEqual([1, 3]); // 0-based, as the index counts
    expect(Buffer.from(rows.lineBytes.subarray(rows.lineStarts[1]!, rows.lineStarts[2]!)).toString()).toBe(
      'find me too',
    );
    const between = await call<MatchPage>('matchesInRange', info.session, status.searchId, 10, 20);
    expect([...between.offsets]).toEqual([]);
    // A match that starts before the range but reaches into it is highlighted too.
    const covering = await call<MatchPage>('matchesInRange', info.session, status.searchId, 7, 22);
    expect([...covering.offsets]).toEqual([5, 21]);
    expect(await call('matchIndexAt', info.session, status.searchId, 6)).toBe(1);
  });

  it('matchRows answers -1 for a match whose line is not indexed (index cancelled early, or never opened)', async () => {
    // A sparse 256 MiB file with the needle on its first and its last line.
    const path = join(dir, 'sparse.log');
    const size = 256 << 20;
    writeFileSync(path, 'needle\n');
    truncateSync(path, size);
    const fd = openSync(path, 'r+');
    writeSync(fd, Buffer.from('\nneedle'), 0, 7, size - 7);
    closeSync(fd);
    const info = await call<FileInfo>('openOffered', services.offers.offer(path).offerId);

    await call('startFind', info.session, query('needle'));
    const unopened = await finish(info);
    const blind = await call<MatchRows>('matchRows', info.session, unopened.searchId, 0, 10);
    expect([...blind.offsets]).toEqual([0, size - 6]);
    // Until the native line filter has passed them, the index answers; it has none.
    expect([...blind.lines]).toEqual([-1, -1]);
    // Once the filter is done, it numbers the lines itself.
    let numbered: MatchRows = blind;
    for (let i = 0; i < 500 && numbered.lines[1] === -1; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      numbered = await call<MatchRows>('matchRows', info.session, unopened.searchId, 0, 10);
    }
    expect([...numbered.lines]).toEqual([0, 2]);
    expect(Buffer.from(numbered.lineBytes.subarray(numbered.lineStarts[1]!, numbered.lineStarts[2]!)).toString()).toBe(
      'needle',
    );

    await call('openText', info.session, 'utf-8');
    expect((await call<IndexStatus>('cancelIndex', info.session)).cancelled).toBe(true);
    await call('startFind', info.session, query('needle'));
    const status = await finish(info);
    // Read after the search: by now the index's workers have stopped where the cancel left them.
    expect((await call<IndexStatus>('indexStatus', info.session)).bytesScanned).toBeLessThan(size - 6);
    const rows = await call<MatchRows>('matchRows', info.session, status.searchId, 0, 10);
    expect([...rows.offsets]).toEqual([0, size - 6]);
    // Offset 0 is always in the scanned prefix: the first line is line 0; the last is not indexed.
    expect([...rows.lines]).toEqual([0, -1]);
    expect(rows.lineStarts[2]! - rows.lineStarts[1]!).toBe(0);
  });

  it('matchRows from the native line filter give each match its line and text (seeded, text, regex and hex)', async () => {
    const random = seededRandom(1205);
    const words = ['ab', 'abc', 'x', 'é', ' ', '\r', 'ERROR'];
    for (let round = 0; round < 12; round++) {
      let content = '';
      for (let line = random.int(200); line > 0; line--) {
        for (let j = random.int(random.int(8) === 0 ? 600 : 10); j > 0; j--) content += words[random.int(words.length)];
        content += '\n';
      }
      content += 'ab tail';
      // No line index: every line number comes from the filter.
      const path = join(dir, `rows-${round}.log`);
      writeFileSync(path, content);
      const info = await call<FileInfo>('openOffered', services.offers.offer(path).offerId);
      const bytes = Buffer.from(content);
      const newlinesBefore = new Uint32Array(bytes.length + 1);
      bytes.forEach((byte, i) => (newlinesBefore[i + 1] = newlinesBefore[i]! + (byte === 10 ? 1 : 0)));
      const queries = [query('ab'), query('ab', 'text', false), query('61 62', 'hex')];
      if (pcre2Enabled()) queries.push(query('a?b+c?', 'regex'), query('ERROR$', 'regex'));
      for (const each of queries) {
        await call('startFind', info.session, each);
        const status = await finish(info);
        // The filter starts with the first rows asked for; ask until it has passed every match.
        for (let first = 0; first < status.matchCount; first += 500) {
          let rows = await call<MatchRows>('matchRows', info.session, status.searchId, first, 500);
          for (let i = 0; i < 400 && rows.lines.some((line) => line < 0); i++) {
            await new Promise((resolve) => setTimeout(resolve, 5));
            rows = await call<MatchRows>('matchRows', info.session, status.searchId, first, 500);
          }
          const actual: [number, number, string][] = [];
          const expected: [number, number, string][] = [];
          rows.offsets.forEach((offset, i) => {
            const lineStart = offset === 0 ? 0 : bytes.lastIndexOf(10, offset - 1) + 1;
            const lineEnd = bytes.indexOf(10, lineStart);
            const text = bytes.subarray(lineStart, Math.min(lineEnd < 0 ? bytes.length : lineEnd, lineStart + 1024));
            expected.push([newlinesBefore[offset]!, lineStart, text.toString('latin1')]);
            const shown = rows.lineBytes.subarray(rows.lineStarts[i]!, rows.lineStarts[i + 1]!);
            actual.push([rows.lines[i]!, rows.lineOffsets[i]!, Buffer.from(shown).toString('latin1')]);
          });
          expect({ round, pattern: each.pattern, first, rows: actual }).toEqual({
            round,
            pattern: each.pattern,
            first,
            rows: expected,
          });
        }
      }
    }
  });

  it('replace all of a same-length word is a pending edit; another length is refused', async () => {
    const info = await open('cat dog cat\ncat\n');
    await call('startFind', info.session, query('cat'));
    const status = await finish(info);
    expect(
      await services.dispatch(owner, 'replaceMatches', [info.session, status.searchId, 'all', 'mouse']),
    ).toMatchObject({ code: 'EINVAL' });
    await call('replaceMatches', info.session, status.searchId, 'all', 'cow');
    const view = await call<ByteView>('readView', info.session, 0, 100);
    expect(Buffer.from(view.bytes).toString()).toBe('cow dog cow\ncow\n');
    expect(readFileSync(join(dir, 'f.log'), 'utf8')).toBe('cat dog cat\ncat\n');
    await call('undoEdit', info.session);
    const undone = await call<ByteView>('readView', info.session, 0, 100);
    expect(Buffer.from(undone.bytes).toString()).toBe('cat dog cat\ncat\n');
  });
});
