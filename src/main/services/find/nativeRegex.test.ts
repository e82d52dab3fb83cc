// The native regex engine (PCRE2) through the services, against the JavaScript engine run on the
// same files: which engine runs when, equal results, and its own limits.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { FileInfo, FindQuery, FindStatus, MatchPage, TextEncodingName } from '../../../shared/contract';
import { seededRandom } from '../../../shared/seededRandom';
import type { Services } from '../index';
import { createServiceHarness, type ServiceHarness } from '../testing/serviceHarness';
import { pcre2Enabled, REGEX_ENGINE_ENV } from './nativeRegexSearch';
import { encodeText } from './query';

let harness: ServiceHarness;
let dir: string;
let services: Services;
let call: ServiceHarness['call'];

beforeEach(() => {
  harness = createServiceHarness('hexlog-native-regex-');
  ({ dir, services, call } = harness);
});
afterEach(() => {
  vi.unstubAllEnvs();
  harness.dispose();
});

/** The engine a regex search runs on when nothing forces the JavaScript one. */
const nativeEngine = pcre2Enabled() ? 'pcre2' : 'js';
// Under the "JavaScript regex engine" test project, pcre2Enabled() is false: these expect 'js'.

async function open(content: Uint8Array | string, encoding: TextEncodingName | 'auto' = 'auto'): Promise<FileInfo> {
  const path = join(dir, 'f.log');
  writeFileSync(path, content);
  const info = await call<FileInfo>('openOffered', services.offers.offer(path).offerId);
  await call('openText', info.session, encoding);
  return info;
}

const regex = (pattern: string, matchCase = true): FindQuery => ({
  mode: 'regex',
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

async function run(info: FileInfo, query: FindQuery): Promise<{ status: FindStatus; matches: [number, number][] }> {
  await call('startFind', info.session, query);
  const status = await finish(info);
  if (status.error !== null) throw new Error(`${status.error.code}: ${status.error.message}`);
  const page = await call<MatchPage>('findMatches', info.session, status.searchId, 0, 10_000);
  return { status, matches: Array.from(page.offsets, (offset, i) => [offset, page.lengths[i]!]) };
}

/** Runs the query on the native engine (when there is one) and on the JavaScript one. */
async function bothEngines(info: FileInfo, query: FindQuery) {
  vi.stubEnv(REGEX_ENGINE_ENV, 'pcre2');
  const native = await run(info, query);
  vi.stubEnv(REGEX_ENGINE_ENV, 'js');
  const js = await run(info, query);
  vi.unstubAllEnvs();
  expect(js.status.engine).toBe('js');
  return { native, js };
}

describe('which regex engine runs', () => {
  it('reports the engine: PCRE2 for a regex, null for a literal, js when forced', async () => {
    const info = await open('one ERROR\ntwo error\n');
    expect((await run(info, regex('ERR.R'))).status.engine).toBe(nativeEngine);
    expect((await run(info, { mode: 'text', pattern: 'ERROR', matchCase: true, wholeWord: false })).status.engine).toBe(
      null,
    );
    vi.stubEnv(REGEX_ENGINE_ENV, 'js');
    const forced = await run(info, regex('ERR.R', false));
    expect(forced.status.engine).toBe('js');
    expect(forced.matches).toEqual([
      [4, 5],
      [14, 5],
    ]);
  });

  it('an invalid pattern says where PCRE2 finds it wrong (when PCRE2 is in use)', async () => {
    const info = await open('one ERROR\n');
    const refused = call('startFind', info.session, regex('x(ERR'));
    await expect(refused).rejects.toThrow(/^EINVAL: Invalid regular expression/);
    if (nativeEngine === 'pcre2')
      await expect(call('startFind', info.session, regex('x(ERR'))).rejects.toThrow(
        /\(PCRE2: missing closing parenthesis at the end of the pattern\)$/,
      );
    else await expect(call('startFind', info.session, regex('x(ERR'))).rejects.not.toThrow(/PCRE2/);
  });

  it('runs over pending edits too (a private mapping with the edits written in)', async () => {
    const info = await open('one ERROR\ntwo error\n');
    await call('editBytes', info.session, 14, new TextEncoder().encode('ERROR'));
    const { status, matches } = await run(info, regex('ERR.R'));
    expect(status.engine).toBe(nativeEngine);
    expect(matches).toEqual([
      [4, 5],
      [14, 5],
    ]);
  });

  it.each(['utf-16le', 'utf-16be'] as const)(
    'runs %s on the native engine, as UTF-8 a chunk at a time',
    async (encoding) => {
      const bytes = encodeText('\ufeffab ERROR\nERROR\n', encoding);
      if (!bytes.ok) throw new Error('cannot encode');
      const info = await open(bytes.value, encoding);
      const { status, matches } = await run(info, regex('ERR.R$'));
      expect(status.engine).toBe(nativeEngine);
      expect(matches).toEqual([
        [8, 10],
        [20, 10],
      ]);
    },
  );

  it('leaves a pattern PCRE2 reads otherwise or rejects to the JavaScript engine', async () => {
    const info = await open('aab\n\ufffdz \\k\n');
    // A variable-length lookbehind (PCRE2 10.42 rejects it), U+FFFD, \k without named groups.
    for (const [pattern, expected] of [
      ['(?<=a+)b', [[2, 1]]],
      ['\\uFFFDz', [[4, 4]]],
      ['\\k', [[10, 1]]],
    ] as const) {
      const { status, matches } = await run(info, regex(pattern));
      expect(matches, pattern).toEqual(expected);
      if (pattern !== '\\k') expect(status.engine, pattern).toBe('js');
    }
  });
});

describe.skipIf(!pcre2Enabled())('PCRE2 against the JavaScript engine', () => {
  it('finds the same matches for seeded random patterns over UTF-8 text with CRLF, lone CR and tabs', async () => {
    const random = seededRandom(1202);
    const pieces = ['a', 'b', 'ab', 'é', 'É', '€', '1', '22', ' ', '\t', '\r\n', '\n', '\r', '_', '-', 'x', 'Ab'];
    const atoms = [
      'a',
      'b',
      'é',
      '€',
      '.',
      '\\w',
      '\\W',
      '\\d',
      '\\s',
      '\\S',
      '[aé]',
      '[^a\\d]',
      '(?:ab|é)',
      '(b|\\d)',
    ];
    const quantifiers = ['', '', '*', '+', '?', '{1,2}', '+?'];
    const edges = ['', '', '^', '$', '\\b', '\\B'];
    const pick = <T>(items: readonly T[]): T => items[random.int(items.length)]!;
    let text = '';
    for (let i = 0; i < 3000; i++) text += pick(pieces);
    const info = await open(text);
    for (let round = 0; round < 40; round++) {
      let pattern = pick(edges);
      for (let i = 0, count = 1 + random.int(3); i < count; i++) pattern += pick(atoms) + pick(quantifiers);
      pattern += pick(edges);
      if (random.int(5) === 0) pattern = `${pattern}|${pick(atoms)}`;
      const matchCase = random.int(3) !== 0;
      const { native, js } = await bothEngines(info, regex(pattern, matchCase));
      // Ignoring case, a non-ASCII pattern is left to JavaScript (PCRE2 folds by Unicode's tables).
      // eslint-disable-next-line no-control-regex
      expect(native.status.engine, pattern).toBe(matchCase || /^[\u0000-\u007f]*$/.test(pattern) ? 'pcre2' : 'js');
      expect({ pattern, matchCase, matches: native.matches }).toEqual({ pattern, matchCase, matches: js.matches });
    }
  });

  it.each(['utf-16le', 'utf-16be'] as const)(
    'finds the same matches in %s text (BOM, lone surrogates, CRLF, an odd last byte)',
    async (encoding) => {
      const random = seededRandom(encoding === 'utf-16le' ? 1205 : 1206);
      // No astral characters: one character to PCRE2, two units to JavaScript without the u flag
      // (documented, as for UTF-8).
      const pieces = ['a', 'b', 'é', '€', '\ud800a', 'b\udc00', ' ', '\r\n', '\n', '\u0a0d', '\u0d0a', 'ERROR', '1'];
      let text = '\ufeff';
      for (let i = 0; i < 4000; i++) text += pieces[random.int(pieces.length)];
      const encoded = encodeText(text, encoding);
      if (!encoded.ok) throw new Error('cannot encode');
      // An odd last byte too: a decoder reads it as U+FFFD.
      const bytes = new Uint8Array(encoded.value.length + 1);
      bytes.set(encoded.value);
      bytes[bytes.length - 1] = 0x41;
      const info = await open(bytes, encoding);
      for (const [pattern, matchCase] of [
        ['a.b', true],
        ['É\\s', false],
        ['\\w+$', true],
        ['^.', true],
        ['ERROR|€+', true],
        ['ERROR|é|ab|€', true],
        ['\\w+', true],
        ['[a-e]{2}', false],
        ['error|ab', false],
        ['[^a]\\b', true],
        ['.', true],
        ['ERR(?=OR)', true],
      ] as const) {
        const { native, js } = await bothEngines(info, regex(pattern, matchCase));
        // eslint-disable-next-line no-control-regex
        expect(native.status.engine, pattern).toBe(matchCase || /^[\u0000-\u007f]*$/.test(pattern) ? 'pcre2' : 'js');
        expect({ pattern, matches: native.matches }).toEqual({ pattern, matches: js.matches });
      }
    },
  );

  it('ignoring case in UTF-8, folds k and s as JavaScript does: not the Kelvin sign, long s or their kin', async () => {
    // K (U+212A), ſ (U+017F), Å (U+212B), Ω (U+2126) and ẞ (U+1E9E) fold to ASCII or Latin letters in
    // Unicode's tables, which PCRE2 uses; JavaScript without the u flag folds by toUpperCase.
    const info = await open('Kx kx Kx\nſ s S\nÅ å\nΩ ω\nẞ ß\nask ASK\n');
    for (const pattern of [
      'k.',
      's|é',
      '[sé]',
      '[a-z]+',
      '[^k ]+',
      '\\x6b',
      '\\u0053',
      'sk',
      '[^]k',
      'å',
      'ω',
      'ß',
      '(s)\\1',
    ]) {
      const { native, js } = await bothEngines(info, regex(pattern, false));
      expect({ pattern, matches: native.matches }).toEqual({ pattern, matches: js.matches });
    }
    // ASCII patterns still run on PCRE2.
    expect((await bothEngines(info, regex('[a-z]+', false))).native.status.engine).toBe('pcre2');
  });

  it('finds the same matches in a Latin-1 file, case-insensitive', async () => {
    const text = 'Café CAFÉ\r\nÉTÉ été\xa0x\n';
    const bytes = encodeText(text, 'latin1');
    if (!bytes.ok) throw new Error('cannot encode');
    const info = await open(bytes.value, 'latin1');
    for (const pattern of ['café', 'été\\s', '[é-ë]+', '\\w+$', '.\\b']) {
      const { native, js } = await bothEngines(info, regex(pattern, false));
      expect(native.status.engine).toBe('pcre2');
      expect(native.matches, pattern).toEqual(js.matches);
    }
  });

  it('finds the same matches as JavaScript for alternations of literals, in UTF-8 and Latin-1', async () => {
    const text = 'abc ab\r\nABC café Upload=1 upload\nx.y-z [a] CAFÉ\r\n';
    for (const encoding of ['utf-8', 'latin1'] as const) {
      const bytes = encodeText(text, encoding);
      if (!bytes.ok) throw new Error('cannot encode');
      const info = await open(bytes.value, encoding);
      for (const [pattern, matchCase] of [
        ['ab|abc', true],
        ['abc|ab', true],
        ['abc|ab', false],
        ['café|upload|\\[a\\]|x\\.y\\-z', true],
        ['UPLOAD|c', false],
      ] as const) {
        const { native, js } = await bothEngines(info, regex(pattern, matchCase));
        expect(native.status.engine).toBe(nativeEngine);
        expect({ encoding, pattern, matches: native.matches }).toEqual({ encoding, pattern, matches: js.matches });
      }
    }
  });

  it('answers a catastrophic pattern with "pattern too complex near offset N"', async () => {
    const info = await open(`ok\n${'a'.repeat(5000)}b\n`);
    await call('startFind', info.session, regex('(a+)+$'));
    const status = await finish(info);
    expect(status.engine).toBe('pcre2');
    expect(status.error?.code).toBe('ECOMPLEX');
    expect(status.error?.message).toMatch(/pattern too complex near offset 3/);
  });

  it('reads \\v, unset back-references and a repeated group over a 3 MB line as JavaScript does', async () => {
    const info = await open(`a\vb\na\fb\na\u2028b\nb\nxb\naa\nab\nx\n${'ab'.repeat(1_500_000)}\n`);
    for (const pattern of [
      '\\v',
      'a[\\v]b',
      '(a)?\\1b',
      '(?:(a)|x)\\1b',
      '\\1(a)',
      '(a)|\\1b',
      '(?:ab)+',
      '(?:a|b)+$',
    ]) {
      const { native, js } = await bothEngines(info, regex(pattern));
      expect({ pattern, matches: native.matches }).toEqual({ pattern, matches: js.matches });
      expect(native.status.engine).toBe(nativeEngine);
    }
  });

  it('a new search right after one stuck in a long PCRE2 call does not wait for it', async () => {
    // (a|aa)*c on one 104 KB line of a-runs: one PCRE2 call there takes ~8 s (its limit counts
    // per start position); replacing the search must not block the process until it returns.
    const info = await open(`${`${'a'.repeat(25)}x`.repeat(4000)}c\n`);
    await call('startFind', info.session, regex('(a|aa)*c'));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const began = Date.now();
    await call('startFind', info.session, regex('x'));
    // Generous: the stuck call itself runs ~8 s; waiting for it is what this guards against.
    expect(Date.now() - began).toBeLessThan(3000);
    expect((await finish(info)).matchCount).toBe(4000);
  });

  it('cancels a slow pattern at once', async () => {
    const info = await open(`${'a'.repeat(16)}b\n`.repeat(50_000));
    await call('startFind', info.session, regex('(a+)+$'));
    await new Promise((resolve) => setTimeout(resolve, 30));
    const before = Date.now();
    const cancelled = await call<FindStatus>('cancelFind', info.session);
    await call('startFind', info.session, regex('b$'));
    expect(Date.now() - before).toBeLessThan(100);
    expect(cancelled.cancelled).toBe(true);
    expect((await finish(info)).matchCount).toBe(50_000);
  });
});
