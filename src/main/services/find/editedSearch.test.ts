// Searches with pending edits: the addon's searches read a private mapping with the edits written
// in, and find what the session shows, as the JavaScript engine (which reads through them) does.
import { readFileSync, realpathSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { FileInfo, FindQuery, FindStatus, MatchPage } from '../../../shared/contract';
import type { Services } from '../index';
import { createServiceHarness, testOwner, type ServiceHarness } from '../testing/serviceHarness';
import { pcre2Enabled, REGEX_ENGINE_ENV } from './nativeRegexSearch';

let harness: ServiceHarness;
let dir: string;
let services: Services;
let call: ServiceHarness['call'];

beforeEach(() => {
  harness = createServiceHarness('hexlog-edited-search-');
  ({ dir, services, call } = harness);
});
afterEach(() => {
  vi.unstubAllEnvs();
  harness.dispose();
});

/** The engine a regex runs on when nothing forces the JavaScript one (under the "JavaScript" project, js). */
const nativeEngine = pcre2Enabled() ? 'pcre2' : 'js';

async function open(content: Uint8Array | string, name = 'f.log'): Promise<FileInfo> {
  const path = join(dir, name);
  writeFileSync(path, content);
  const info = await call<FileInfo>('openOffered', services.offers.offer(path).offerId);
  await call('openText', info.session, 'utf-8');
  return info;
}

const edit = (info: FileInfo, offset: number, bytes: string | Uint8Array) =>
  call('editBytes', info.session, offset, typeof bytes === 'string' ? Buffer.from(bytes) : bytes);

const query = (pattern: string, mode: FindQuery['mode'], matchCase = true): FindQuery => ({
  mode,
  pattern,
  matchCase,
  wholeWord: false,
});

async function finish(info: FileInfo): Promise<FindStatus> {
  for (let i = 0; i < 4000; i++) {
    const status = await call<FindStatus | null>('findStatus', info.session);
    if (status !== null && (status.done || status.error !== null || status.cancelled)) return status;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error('search did not finish');
}

async function run(info: FileInfo, find: FindQuery) {
  await call('startFind', info.session, find);
  const status = await finish(info);
  if (status.error !== null) throw new Error(`${status.error.code}: ${status.error.message}`);
  const page = await call<MatchPage>('findMatches', info.session, status.searchId, 0, 10_000);
  const session = services.sessions.get(info.session, testOwner.owner);
  return {
    status,
    runner: session.ok ? session.value.find.engine() : null,
    matches: Array.from(page.offsets, (offset, i) => [offset, page.lengths[i]!] as const),
  };
}

/** Private writable mappings of `path` in this process (Linux: /proc/self/maps), or null elsewhere. */
function privateMappingsOf(path: string): number | null {
  if (process.platform !== 'linux') return null;
  const real = realpathSync(path);
  return readFileSync('/proc/self/maps', 'utf8')
    .split('\n')
    .filter((line) => line.endsWith(` ${real}`) && line.split(/\s+/)[1] === 'rw-p').length;
}

describe('searches see pending edits', () => {
  it('a regex finds text only the edits hold, not text they removed, on PCRE2, at exact byte offsets', async () => {
    // 'é' and '€' are 2 and 3 bytes: offsets are bytes, not characters.
    const info = await open('é one ERROR\n€ two error\n€ three ERROR\n');
    await edit(info, 23, 'ERROR'); // "€ two ERROR"
    await edit(info, 35, 'E____'); // "€ three E____"
    const { status, matches } = await run(info, query('ERR.R', 'regex'));
    expect(status.engine).toBe(nativeEngine);
    expect(matches).toEqual([
      [7, 5],
      [23, 5],
    ]);
    const caseless = await run(info, query('e(rr|__)', 'regex', false));
    expect(caseless.status.engine).toBe(nativeEngine);
    expect(caseless.matches).toEqual([
      [7, 3],
      [23, 3],
      [35, 3],
    ]);
  });

  it('a literal and a hex search run in the addon and see the edits too', async () => {
    const info = await open('foo bar foo\nbar\n');
    await edit(info, 0, 'bar');
    await edit(info, 12, 'baz');
    const text = await run(info, query('bar', 'text'));
    expect(text.runner).toBe('native');
    expect(text.status.engine).toBeNull();
    expect(text.matches).toEqual([
      [0, 3],
      [4, 3],
    ]);
    const hex = await run(info, query('66 6F 6F', 'hex'));
    expect(hex.runner).toBe('native');
    expect(hex.matches).toEqual([[8, 3]]);
    const caseless = await run(info, query('BA', 'text', false));
    expect(caseless.matches.map(([offset]) => offset)).toEqual([0, 4, 12]);
  });

  it('replace-all after a hex search with pending edits replaces what the edits show', async () => {
    const info = await open('foo foo\nfoo\n');
    await edit(info, 0, 'bar');
    const hex = await run(info, query('66 6F 6F', 'hex'));
    expect(hex.matches.map(([offset]) => offset)).toEqual([4, 8]);
    await call('replaceMatches', info.session, hex.status.searchId, 'all', 'baz');
    await call('commitEdits', info.session);
    expect(readFileSync(join(dir, 'f.log'), 'latin1')).toBe('bar baz\nbaz\n');
  });

  it('an edit that turns a newline into another byte joins the two lines for the regex', async () => {
    const info = await open('abc\ndef\nghi\n');
    await edit(info, 3, ' ');
    vi.stubEnv(REGEX_ENGINE_ENV, 'js');
    const js = await run(info, query('c d|^def|^ghi$', 'regex'));
    vi.unstubAllEnvs();
    const native = await run(info, query('c d|^def|^ghi$', 'regex'));
    expect(native.status.engine).toBe(nativeEngine);
    expect(native.matches).toEqual([
      [2, 3],
      [8, 3],
    ]);
    expect(native.matches).toEqual(js.matches);
    expect((await run(info, query('c\\nd', 'regex'))).matches).toEqual([]);
  });

  it('a file replaced on disk is never searched with the old file’s edits: searches answer as the session maps it', async () => {
    const info = await open('old ERROR here\n');
    await edit(info, 0, 'OLD');
    const path = join(dir, 'f.log');
    writeFileSync(join(dir, 'new.log'), 'new ERROR file and OLD\n');
    renameSync(join(dir, 'new.log'), path);
    const regex = await run(info, query('ERR.R|OLD', 'regex'));
    expect(regex.status.engine).toBe('js');
    expect(regex.matches).toEqual([
      [0, 3],
      [4, 5],
    ]);
    expect((await run(info, query('OLD', 'text'))).matches).toEqual([[0, 3]]);
    // Hex reads the session's mapping without the edits, and says so when asked to replace.
    const hex = await run(info, query('6F 6C 64', 'hex'));
    expect(hex.matches).toEqual([[0, 3]]);
    expect(
      await services.dispatch(testOwner, 'replaceMatches', [info.session, hex.status.searchId, 'all', 'new']),
    ).toMatchObject({ ok: false, code: 'EINVAL', message: expect.stringMatching(/as it is on disk/) });
  });

  it.skipIf(process.platform !== 'linux')(
    'each search holds one private mapping, released when it is replaced or its session closes',
    async () => {
      const info = await open('one ERROR\ntwo\n'.repeat(1000));
      const path = join(dir, 'f.log');
      expect(privateMappingsOf(path)).toBe(0);
      await edit(info, 4, 'W');
      const queries = [query('ERR.R', 'regex'), query('WRROR', 'text'), query('57 52', 'hex'), query('E(R+)', 'regex')];
      let held = 0;
      for (let i = 0; i < 40; i++) {
        await edit(info, 20 * i + 14, 'T');
        const { status } = await run(info, queries[i % queries.length]!);
        expect(status.matchCount).toBeGreaterThan(0);
        // The JavaScript engine's literal prefilter releases its copy as soon as the regex ends.
        const mappings = privateMappingsOf(path)!;
        expect(mappings).toBeLessThanOrEqual(1);
        held += mappings;
      }
      expect(held).toBeGreaterThanOrEqual(20);
      await call('closeFile', info.session);
      expect(privateMappingsOf(path)).toBe(0);
    },
  );

  it.skipIf(process.platform !== 'linux' || !pcre2Enabled())(
    'a search stuck in a long PCRE2 call keeps its private mapping until the call returns, then releases it',
    async () => {
      // (a|aa)*c over a-runs: each PCRE2 call here runs about a second.
      const info = await open(`${`${'a'.repeat(25)}x`.repeat(600)}c\n`);
      const path = join(dir, 'f.log');
      await edit(info, 0, 'b');
      await call('startFind', info.session, query('(a|aa)*c', 'regex'));
      await new Promise((resolve) => setTimeout(resolve, 200));
      await call('closeFile', info.session);
      // The workers still read it: the mapping must outlive the session's close.
      expect(privateMappingsOf(path)).toBe(1);
      for (let i = 0; i < 600 && privateMappingsOf(path) !== 0; i++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(privateMappingsOf(path)).toBe(0);
    },
  );

  it('seeded random edits: the native engines find what the JavaScript engine finds over the edited bytes', async () => {
    const alphabet = ['a', 'b', 'ab', '\n', ' ', 'é', 'x', '\r\n', '\t'];
    // Edits are valid UTF-8 and replace whole characters: the PCRE2 engine reads invalid UTF-8
    // otherwise than JavaScript's U+FFFD, edits or not.
    const editBytes = fc
      .array(fc.constantFrom('a', 'b', '\n', ' ', 'é', '\r'), { minLength: 1, maxLength: 4 })
      .map((chars) => Buffer.from(chars.join('')));
    const patterns = ['ab', 'a b', 'b+a', '^a', 'b$', 'é\\w?', 'a\\sb', '[^a\\n]{2}'];
    let round = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom(...alphabet), { minLength: 20, maxLength: 400 }),
        fc.array(fc.tuple(fc.nat(), editBytes), { minLength: 1, maxLength: 12 }),
        fc.constantFrom(...patterns),
        fc.boolean(),
        async (pieces, edits, pattern, matchCase) => {
          const content = Buffer.from(pieces.join(''));
          const info = await open(content, `r${round++}.log`);
          const edited = Buffer.from(content);
          const startsCharacter = (offset: number) => offset >= edited.byteLength || (edited[offset]! & 0xc0) !== 0x80;
          for (const [at, bytes] of edits) {
            const offset = at % content.byteLength;
            if (offset + bytes.byteLength > edited.byteLength) continue;
            if (!startsCharacter(offset) || !startsCharacter(offset + bytes.byteLength)) continue;
            await edit(info, offset, bytes);
            edited.set(bytes, offset);
          }
          vi.stubEnv(REGEX_ENGINE_ENV, 'js');
          const js = await run(info, query(pattern, 'regex', matchCase));
          vi.unstubAllEnvs();
          const native = await run(info, query(pattern, 'regex', matchCase));
          // Ignoring case, a non-ASCII pattern is left to JavaScript (PCRE2 folds by Unicode's tables).
          // eslint-disable-next-line no-control-regex
          expect(native.status.engine).toBe(matchCase || /^[\u0000-\u007f]*$/.test(pattern) ? nativeEngine : 'js');
          expect(native.matches).toEqual(js.matches);
          // A literal: the addon over the edits against a plain scan of the edited bytes.
          const literal = pattern.replace(/[^ab ]/g, '') || 'a';
          const found = await run(info, query(literal, 'text'));
          expect(found.runner).toBe('native');
          const expected: number[] = [];
          for (let at = edited.indexOf(literal); at >= 0; at = edited.indexOf(literal, at + literal.length))
            expected.push(at);
          expect(found.matches.map(([offset]) => offset)).toEqual(expected);
          await call('closeFile', info.session);
        },
      ),
      { seed: 5150, numRuns: 40 },
    );
  });
});
