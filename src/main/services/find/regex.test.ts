// The regex engine against the literal search and against perl, on bytes that are not valid text.
import { execFileSync } from 'node:child_process';
import { appendFileSync, readFileSync, renameSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FileInfo, FindQuery, FindStatus, MatchPage, TextEncodingName } from '../../../shared/contract';
import { seededRandom } from '../../../shared/seededRandom';
import type { Services } from '../index';
import { createServiceHarness, testOwner, type ServiceHarness } from '../testing/serviceHarness';
import { MAX_REGEX_LINE_BYTES } from './lineFeeder';
import { MAX_REPLACE_ALL } from './findController';
import { pcre2Enabled } from './nativeRegexSearch';
import { encodeText } from './query';
import { SEARCH_LIMITS, searchPool } from './searchPool';

let harness: ServiceHarness;
let dir: string;
let services: Services;
let call: ServiceHarness['call'];

beforeEach(() => {
  harness = createServiceHarness('hexlog-regex-');
  ({ dir, services, call } = harness);
});
afterEach(() => harness.dispose());

const hasPerl = ((): boolean => {
  try {
    execFileSync('perl', ['-e', '1']);
    return true;
  } catch {
    return false;
  }
})();

async function open(content: Uint8Array | string, encoding: TextEncodingName | 'auto' = 'auto'): Promise<FileInfo> {
  const path = join(dir, 'f.log');
  writeFileSync(path, content);
  const info = await call<FileInfo>('openOffered', services.offers.offer(path).offerId);
  await call('openText', info.session, encoding);
  return info;
}

const query = (pattern: string, mode: FindQuery['mode']): FindQuery => ({
  mode,
  pattern,
  matchCase: true,
  wholeWord: false,
});

async function finish(info: FileInfo): Promise<FindStatus> {
  for (let i = 0; i < 2000; i++) {
    const status = await call<FindStatus | null>('findStatus', info.session);
    if (status !== null && (status.done || status.error !== null || status.cancelled)) return status;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error('search did not finish');
}

async function search(
  info: FileInfo,
  pattern: string,
  mode: FindQuery['mode'],
): Promise<{ status: FindStatus; page: MatchPage }> {
  await call('startFind', info.session, query(pattern, mode));
  const status = await finish(info);
  if (status.error !== null) throw new Error(`${status.error.code}: ${status.error.message}`);
  const page = await call<MatchPage>('findMatches', info.session, status.searchId, 0, 10_000);
  return { status, page };
}

/** Seeded random bytes (invalid UTF-8, lone surrogates, CR, NUL…) with the needle at known places. */
function randomFileWith(seed: number, needle: Uint8Array, unit: 1 | 2, newline: Uint8Array): Uint8Array {
  const random = seededRandom(seed);
  const bytes = random.bytes(64 * 1024 + random.int(3));
  for (let i = 0; i < 300; i++) {
    const at = random.int(bytes.length - needle.length) & ~(unit - 1);
    bytes.set(random.int(3) === 0 ? newline : needle, at);
  }
  return bytes;
}

describe('regex search over bytes', () => {
  it('the issue repro: regex finds the offsets text search finds, and replace-all writes what perl writes', async () => {
    const content = Buffer.from(
      'ok ERROR one\n\xc3\xa9 \xff ERROR five\n\xe2\x82 ERROR six\nplain ERROR four\n',
      'latin1',
    );
    const info = await open(content);
    const text = await search(info, 'ERROR', 'text');
    expect([...text.page.offsets]).toEqual([3, 18, 32, 48]);
    const regex = await search(info, 'ERROR', 'regex');
    expect([...regex.page.offsets]).toEqual([3, 18, 32, 48]);
    expect([...regex.page.lengths]).toEqual([5, 5, 5, 5]);
    await call('replaceMatches', info.session, regex.status.searchId, 'all', 'FIXED');
    await call('commitEdits', info.session);
    const expected = Buffer.from(content.toString('latin1').replaceAll('ERROR', 'FIXED'), 'latin1');
    expect(Buffer.compare(readFileSync(join(dir, 'f.log')), expected)).toBe(0);
  });

  it.each([
    ['utf-8', 1],
    ['latin1', 1],
    ['utf-16le', 2],
    ['utf-16be', 2],
  ] as const)(
    'in %s, regex offsets equal the literal search offsets on seeded random bytes',
    async (encoding, unit) => {
      for (const seed of [1, 2, 3]) {
        const needle = encodeText('ERROR', encoding);
        const newline = encodeText('\n', encoding);
        if (!needle.ok || !newline.ok) throw new Error('cannot encode');
        const info = await open(randomFileWith(seed * 10 + unit, needle.value, unit, newline.value), encoding);
        const literal = await search(info, 'ERROR', 'text');
        // Both engines: prefiltered by the literal, and every line (alternation has no required literal).
        for (const pattern of ['ERROR', '[E]RROR', 'ERROR|ERROR']) {
          const regex = await search(info, pattern, 'regex');
          expect([...regex.page.offsets], `${encoding} ${pattern} seed ${seed}`).toEqual([...literal.page.offsets]);
          expect(new Set(regex.page.lengths)).toEqual(new Set(literal.page.offsets.length > 0 ? [5 * unit] : []));
        }
        await call('closeFile', info.session);
      }
    },
  );

  it('match lengths are exact bytes around invalid UTF-8 and multi-byte characters', async () => {
    const content = Buffer.concat([
      Buffer.from('a\xff\xfeb', 'latin1'),
      Buffer.from(' é😀 ', 'utf8'),
      Buffer.from('\xe2\x82z\n', 'latin1'),
    ]);
    const info = await open(content);
    const { page } = await search(info, 'a..b|é.|\\uFFFDz', 'regex');
    expect([...page.offsets]).toEqual([0, 5, 12]);
    // a + two invalid bytes + b; é (2) + one UTF-16 half of 😀 rounds up to the whole 4 bytes; E2 82 + z.
    expect([...page.lengths]).toEqual([4, 6, 3]);
  });

  it.skipIf(!hasPerl)('replace-all equals perl -pe s///g byte for byte, on seeded random bytes', async () => {
    for (const seed of [7, 8]) {
      const random = seededRandom(seed);
      const parts: Buffer[] = [];
      for (let i = 0; i < 400; i++) {
        const roll = random.int(5);
        parts.push(
          roll === 0
            ? Buffer.from('ÉRROR', 'utf8')
            : roll === 1
              ? Buffer.from('\n')
              : Buffer.from(random.bytes(random.int(40))),
        );
      }
      const content = Buffer.concat(parts);
      const info = await open(content);
      const { status } = await search(info, 'ÉRROR', 'regex');
      expect(status.matchCount).toBeGreaterThan(50);
      await call('replaceMatches', info.session, status.searchId, 'all', 'ÈRROR');
      await call('commitEdits', info.session);
      // perl without -C works on bytes: the pattern's UTF-8 bytes, line by line.
      const perl = execFileSync('perl', ['-pe', 's/ÉRROR/ÈRROR/g'], { input: content, encoding: 'latin1' });
      expect(Buffer.compare(readFileSync(join(dir, 'f.log')), Buffer.from(perl, 'latin1'))).toBe(0);
      await call('closeFile', info.session);
    }
  });

  it('sees pending edits: a literal typed in as an edit is found, one edited away is not', async () => {
    const info = await open('one ERROR\ntwo\nthree ERROR\n');
    await call('editBytes', info.session, 10, new TextEncoder().encode('ERR'));
    await call('editBytes', info.session, 20, new TextEncoder().encode('x'));
    const { page } = await search(info, 'ERR\\w*', 'regex');
    expect([...page.offsets]).toEqual([4, 10]);
  });

  it('a file truncated while a regex runs answers EFILECHANGED, not success', async () => {
    const path = join(dir, 'f.log');
    writeFileSync(path, Buffer.alloc(0));
    truncateSync(path, 64 * 1024 * 1024);
    const info = await call<FileInfo>('openOffered', services.offers.offer(path).offerId);
    await call('openText', info.session, 'utf-8');
    await call('startFind', info.session, query('ERROR|WARN', 'regex'));
    truncateSync(path, 0);
    const status = await finish(info);
    expect(status.done).toBe(false);
    expect(status.error?.code).toBe('EFILECHANGED');
  });

  it('a file replaced on disk is searched as the session maps it, consistent with its reads', async () => {
    const info = await open('old ERROR here\n');
    const path = join(dir, 'f.log');
    writeFileSync(join(dir, 'new.log'), 'new file without it\n');
    renameSync(join(dir, 'new.log'), path);
    const { page } = await search(info, 'ERR.R', 'regex');
    expect([...page.offsets]).toEqual([4]);
  });

  it('sparse candidates far apart, on short and on 100 KB lines, find what a plain scan finds', async () => {
    const random = seededRandom(99);
    const lines: string[] = [];
    for (let i = 0; i < 60_000; i++) {
      const long = random.int(2000) === 0;
      let line = 'x'.repeat(long ? 100_000 + random.int(50_000) : 20 + random.int(80));
      if (random.int(800) === 0 || (long && random.int(2) === 0)) {
        const at = random.int(line.length);
        line = `${line.slice(0, at)}ERROR${random.int(10)}${line.slice(at)}`;
      }
      lines.push(line);
    }
    const text = lines.join('\n');
    const info = await open(text);
    const { status, page } = await search(info, 'ERROR\\d', 'regex');
    const expected = [...text.matchAll(/ERROR\d/g)].map((match) => match.index);
    expect(expected.length).toBeGreaterThan(20);
    expect([...page.offsets]).toEqual(expected);
    const session = services.sessions.get(info.session, testOwner.owner);
    expect(session.ok && session.value.find.engine()).toBe(pcre2Enabled() ? 'pcre2' : 'regex-candidate-lines');
    expect(status.notice).toBeNull();
  });

  it('a file with no newline is searched in bounded pieces with a notice (JavaScript), or whole (PCRE2)', async () => {
    const size = 3 * MAX_REGEX_LINE_BYTES + 12345;
    const bytes = Buffer.alloc(size, 'x');
    const places = [0, MAX_REGEX_LINE_BYTES + 7, size - 5];
    for (const at of places) bytes.write('ERROR', at, 'latin1');
    const info = await open(bytes);
    for (const pattern of ['ERROR', 'ERROR|WARN']) {
      const { status, page } = await search(info, pattern, 'regex');
      expect([...page.offsets], pattern).toEqual(places);
      if (pcre2Enabled()) expect(status.notice).toBeNull();
      else expect(status.notice).toMatch(/longer than 4 MiB/);
    }
    expect(services.sessions.get(info.session, testOwner.owner).ok).toBe(true);
  });
});

describe('defects an adversarial run found', () => {
  it.each(['utf-16le', 'utf-16be'] as const)(
    'in %s with a byte-order mark, offsets count the BOM and replace-all keeps it',
    async (encoding) => {
      const text = '\ufeffhello world\n\ufeffhello\n';
      const bytes = encodeText(text, encoding);
      if (!bytes.ok) throw new Error('cannot encode');
      const info = await open(bytes.value, 'auto');
      const { status, page } = await search(info, 'hello', 'regex');
      expect([...page.offsets]).toEqual([2, 28]);
      expect([...page.lengths]).toEqual([10, 10]);
      await call('replaceMatches', info.session, status.searchId, 'all', 'HELLO');
      await call('commitEdits', info.session);
      const expected = encodeText(text.replaceAll('hello', 'HELLO'), encoding);
      expect(expected.ok && Buffer.compare(readFileSync(join(dir, 'f.log')), expected.value)).toBe(0);
    },
  );

  it('replace-all refuses matches made stale by an edit after the search, and loses no edit', async () => {
    const info = await open('foo foo\n');
    const { status } = await search(info, 'foo', 'text');
    await call('editBytes', info.session, 0, new TextEncoder().encode('X'));
    expect(
      await services.dispatch(testOwner, 'replaceMatches', [info.session, status.searchId, 'all', 'bar']),
    ).toMatchObject({
      ok: false,
      code: 'EINVAL',
    });
    // Searched again, the text search sees the pending edit and replaces only the real match.
    const again = await search(info, 'foo', 'text');
    expect([...again.page.offsets]).toEqual([4]);
    await call('replaceMatches', info.session, again.status.searchId, 'all', 'bar');
    await call('commitEdits', info.session);
    expect(readFileSync(join(dir, 'f.log'), 'latin1')).toBe('Xoo bar\n');
  });

  it('a text search with pending edits finds text typed as an edit, not text edited away', async () => {
    const info = await open('foo foo\n');
    await call('editBytes', info.session, 0, new TextEncoder().encode('bar'));
    expect([...(await search(info, 'bar', 'text')).page.offsets]).toEqual([0]);
    expect([...(await search(info, 'foo', 'text')).page.offsets]).toEqual([4]);
    // A hex search sees them too, so replacing from it is allowed.
    const hex = await search(info, '66 6F 6F', 'hex');
    expect([...hex.page.offsets]).toEqual([4]);
    await call('replaceMatches', info.session, hex.status.searchId, 'all', 'baz');
    await call('commitEdits', info.session);
    expect(readFileSync(join(dir, 'f.log'), 'latin1')).toBe('bar baz\n');
  });

  it('replacing one match after another works: a replacement of its own does not make the rest stale', async () => {
    const info = await open('foo foo foo\n');
    const { status } = await search(info, 'foo', 'text');
    await call('replaceMatches', info.session, status.searchId, 0, 'bar');
    await call('replaceMatches', info.session, status.searchId, 2, 'baz');
    const view = await call<{ bytes: Uint8Array }>('readView', info.session, 0, 100);
    expect(Buffer.from(view.bytes).toString()).toBe('bar foo baz\n');
  });

  it('replace-all past its cap is refused with ELIMIT and changes nothing', async () => {
    const info = await open(','.repeat(MAX_REPLACE_ALL + 1));
    const { status } = await search(info, ',', 'text');
    expect(
      await services.dispatch(testOwner, 'replaceMatches', [info.session, status.searchId, 'all', ';']),
    ).toMatchObject({
      ok: false,
      code: 'ELIMIT',
    });
    expect(await call('editState', info.session)).toMatchObject({ modifiedBytes: 0 });
  });

  it('a required literal with a lone surrogate or U+FFFD is not trusted: the regex still finds its matches', async () => {
    const info = await open(Buffer.concat([Buffer.from('err😀 x\nab'), Buffer.from([0xff, 0xfe, 0x0a])]));
    expect((await search(info, 'err😀*', 'regex')).page.offsets.length).toBe(1);
    expect([...(await search(info, 'ab\\uFFFD\\uFFFD', 'regex')).page.offsets]).toEqual([10]);
  });
});

describe('a search waiting for the pool', () => {
  it('starts on the file as re-mapped meanwhile (it grew), instead of failing with ECLOSED', async () => {
    const info = await open('one ERROR\n');
    const blockers = Array.from({ length: SEARCH_LIMITS.maxRunning }, () =>
      searchPool.request('blocker', () => undefined),
    );
    try {
      await call('startFind', info.session, query('ERROR', 'text'));
      await call('startFind', info.session, query('ERR.R', 'regex'));
      expect((await call<FindStatus>('findStatus', info.session)).notice).toMatch(/Waiting/);
      appendFileSync(join(dir, 'f.log'), 'two ERROR\n');
      await call('reloadFile', info.session);
    } finally {
      for (const blocker of blockers) if (blocker.ok) blocker.value.release();
    }
    const status = await finish(info);
    expect(status.error).toBeNull();
    const page = await call<MatchPage>('findMatches', info.session, status.searchId, 0, 10);
    expect([...page.offsets]).toEqual([4, 14]);
  });
});
