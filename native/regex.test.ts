import { writeFileSync } from 'node:fs';
// The PCRE2 regex search against a naive JavaScript scan with the JavaScript engine's semantics:
// line by line, CR before LF dropped, empty matches skipped.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { seededRandom } from '../src/shared/seededRandom';
import {
  createRegexSearch,
  type ClassRunSpec,
  jsRegexClassRun,
  jsRegexLiteralSet,
  jsRegexToPcre2,
  type MappedFile,
  nativeTesting,
  openMapped,
  pcre2Version,
  type RegexPattern,
  type RegexSearch,
  type RegexSearchOptions,
} from './index';
import { expectNativeError, settleScan, tempDirForFile } from './testSupport';

const temp = tempDirForFile('hexlog-regex-', { uniqueNames: true });
const openFiles: MappedFile[] = [];
const searches: RegexSearch[] = [];

afterEach(() => {
  for (const search of searches.splice(0)) search.dispose();
  for (const file of openFiles.splice(0)) file.close();
  expect(nativeTesting.searchWorkerThreads()).toBe(0);
});

const hasPcre2 = pcre2Version() !== null;

function start(content: Uint8Array | string, pattern: RegexPattern, options?: RegexSearchOptions): RegexSearch {
  const file = openMapped(temp.makeFile('data.log', content), 'readonly');
  openFiles.push(file);
  const search = createRegexSearch(file, pattern, options);
  searches.push(search);
  return search;
}

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
const latin1 = (text: string): Uint8Array => Uint8Array.from(text, (char) => char.charCodeAt(0));

/** [offset, length] of every match of a JavaScript pattern (rewritten for PCRE2), once the search is done. */
async function matches(
  content: Uint8Array | string,
  jsPattern: string,
  options: {
    caseless?: boolean;
    utf?: boolean;
    literal?: string;
    literalSet?: readonly string[];
    classRun?: ClassRunSpec;
  } & RegexSearchOptions = {},
): Promise<[number, number][]> {
  const { caseless = false, utf = true, literal, literalSet, classRun, ...searchOptions } = options;
  const pcre2 = jsRegexToPcre2(jsPattern, utf);
  if (pcre2 === null) throw new Error(`${jsPattern} is left to the JavaScript engine`);
  const bytes = utf ? utf8(pcre2.source) : latin1(pcre2.source);
  const requiredLiteral = literal === undefined ? {} : { requiredLiteral: utf ? utf8(literal) : latin1(literal) };
  const set =
    literalSet === undefined ? {} : { literalSet: literalSet.map((item) => (utf ? utf8(item) : latin1(item))) };
  const search = start(
    content,
    { bytes, utf, caseless, lineMode: pcre2.lineMode, ...requiredLiteral, ...set, ...(classRun ? { classRun } : {}) },
    searchOptions,
  );
  await settleScan(search, 'regex search');
  const progress = search.progress();
  if (progress.error !== null) throw new Error(progress.error.message);
  expect(progress.done).toBe(true);
  const { offsets, lengths } = search.results(0, progress.matchesKnown);
  return Array.from(offsets, (offset, i) => [offset, lengths[i]!]);
}

/** The JavaScript engine's semantics on one-byte text: each line alone, CR before LF dropped. */
function naive(text: string, source: string, flags = 'g'): [number, number][] {
  const regex = new RegExp(source, flags);
  const found: [number, number][] = [];
  let lineStart = 0;
  while (lineStart <= text.length) {
    let lineEnd = text.indexOf('\n', lineStart);
    const last = lineEnd < 0;
    if (last) lineEnd = text.length;
    let end = lineEnd;
    if (end > lineStart && text[end - 1] === '\r') end--;
    const line = text.slice(lineStart, end);
    regex.lastIndex = 0;
    if (line.length > 0) {
      for (let match = regex.exec(line); match !== null; match = regex.exec(line)) {
        if (match[0].length === 0) {
          regex.lastIndex++;
          continue;
        }
        found.push([lineStart + match.index, match[0].length]);
      }
    }
    if (last) break;
    lineStart = lineEnd + 1;
  }
  return found;
}

/** Matches in UTF-16 units of `text` as byte offsets and lengths in its UTF-8. */
function utf8Offsets(text: string, found: [number, number][]): [number, number][] {
  const byteAt = (unit: number): number => utf8(text.slice(0, unit)).length;
  return found.map(([offset, length]) => [byteAt(offset), byteAt(offset + length) - byteAt(offset)]);
}

describe.skipIf(!hasPcre2)('RegexSearch (PCRE2)', () => {
  it('finds what a line-by-line JavaScript scan finds, for seeded random patterns, data and chunk sizes', async () => {
    const random = seededRandom(20261202);
    const alphabet = 'aab  c1_\r\n\n.-';
    const atoms = ['a', 'b', 'c', '.', '[ab]', '[^a]', '\\d', '\\w', '\\s', '\\W', ' ', '1', '(?:ab|c)', '(a|b)'];
    const quantifiers = ['', '', '', '*', '+', '?', '{1,3}', '{2}', '+?', '*?'];
    const anchors = ['', '', '', '^', '$', '\\b'];
    const pick = <T>(items: readonly T[]): T => items[random.int(items.length)]!;
    for (let round = 0; round < 150; round++) {
      let text = '';
      const length = random.int(400);
      for (let i = 0; i < length; i++) text += pick([...alphabet]);
      let source = pick(anchors);
      const atomCount = 1 + random.int(4);
      for (let i = 0; i < atomCount; i++) source += pick(atoms) + pick(quantifiers);
      source += pick(anchors);
      if (random.int(6) === 0) source += '|' + pick(atoms);
      const caseless = random.int(4) === 0;
      const chunkBytes = 1 + random.int(64);
      const expected = naive(text, source, caseless ? 'gi' : 'g');
      const found = await matches(text, source, { caseless, chunkBytes, threads: 1 + random.int(2) });
      expect({ source, text, found }).toEqual({ source, text, found: expected });
    }
  });

  it('with a required literal, matches only its lines and finds the same, rare or on every line', async () => {
    const random = seededRandom(1202);
    const words = ['req=', 'req=0000', 'x', 'ab', ' ', '\r', '00', 'req=00'];
    const tails = ['[a-f]{2}', '\\d*', '.?', '(?=a)', '$', '[0-9a-f]+', '', '\\b'];
    const pick = <T>(items: readonly T[]): T => items[random.int(items.length)]!;
    for (let round = 0; round < 120; round++) {
      const lines: string[] = [];
      const lineCount = random.int(300);
      // Rounds alternate rare and common literals, so the prefilter both filters and gives way.
      const common = round % 2 === 0;
      for (let i = 0; i < lineCount; i++) {
        let line = '';
        const parts = random.int(6);
        for (let j = 0; j < parts; j++) line += pick(words).replace('\\r', '\r');
        if (common || random.int(20) === 0) line += `req=0000${'abcdef'[random.int(6)]}a`;
        lines.push(line);
      }
      const text = lines.join(random.int(3) === 0 ? '\r\n' : '\n');
      const source = `req=0{4}${pick(tails)}`;
      const expected = naive(text, source);
      const options = { chunkBytes: 1 + random.int(512), threads: 1 + random.int(2) };
      const found = await matches(text, source, { ...options, literal: 'req=0000' });
      expect({ source, found }).toEqual({ source, found: expected });
    }
  });

  describe.each(['auto', 'scalar'] as const)('with a class run (%s kernel)', (kernel) => {
    beforeAll(() => nativeTesting.setSearchKernel(kernel));
    afterAll(() => nativeTesting.setSearchKernel('auto'));

    it('finds what a line-by-line JavaScript scan finds for one class under a quantifier', async () => {
      const random = seededRandom(1212);
      const pick = <T>(items: readonly T[]): T => items[random.int(items.length)]!;
      const classes = ['\\d', '\\w', '[a-c]', '[A-Fa-f0-9]', '[\\w.-]', '[x\\]]', '[-a]', '[ \\t]', '[0-9_]'];
      const quantifiers = ['', '+', '*', '?', '{2}', '{3}', '{1,2}', '{2,}', '{0,3}', '+?', '{2,4}?', '{5}'];
      for (let round = 0; round < 300; round++) {
        const utf = round % 3 !== 0;
        const caseless = round % 4 === 1;
        const source = pick(classes) + pick(quantifiers);
        const spec = jsRegexClassRun(source, caseless);
        expect(spec, source).not.toBeNull();
        const textLetters = [
          'a',
          'b',
          'c',
          'C',
          'f',
          'x',
          ']',
          '-',
          '.',
          '_',
          '1',
          '22',
          '333',
          ' ',
          '\t',
          '\n',
          '\r\n',
          '\r',
          'é',
          'ÿ',
          utf ? '€' : 'ü',
        ];
        let text = '';
        const length = random.int(random.int(5) === 0 ? 3000 : 300);
        for (let i = 0; i < length; i++) text += pick(textLetters);
        const content = utf ? utf8(text) : latin1(text);
        const inText = naive(text, source, caseless ? 'gi' : 'g');
        const expected = utf ? utf8Offsets(text, inText) : inText;
        const options = { chunkBytes: 1 + random.int(random.int(2) === 0 ? 40 : 4000), threads: 1 + random.int(2) };
        const found = await matches(content, source, { ...options, utf, caseless, classRun: spec! });
        expect({ source, caseless, text, found }).toEqual({ source, caseless, text, found: expected });
      }
    });

    it('finds every run of a dense megabyte, past its blocks, batches and 64-byte steps', async () => {
      const random = seededRandom(1213);
      let text = '';
      while (text.length < 1_100_000) {
        text += '1234567890'.slice(0, random.int(11)) + ['a', ' ', '\n', 'x'.repeat(random.int(70))][random.int(4)];
      }
      for (const source of ['\\d+', '\\d{3}', '[0-9a]{2,5}']) {
        const spec = jsRegexClassRun(source, false)!;
        const expected = naive(text, source, 'g');
        const found = await matches(text, source, { classRun: spec, chunkBytes: 300_000 });
        expect(found.length).toBe(expected.length);
        expect(found).toEqual(expected);
      }
    });
  });

  describe.each(['auto', 'sse2', 'scalar'] as const)('with a literal set (%s kernel)', (kernel) => {
    beforeAll(() => nativeTesting.setSearchKernel(kernel));
    afterAll(() => nativeTesting.setSearchKernel('auto'));

    it('finds what a line-by-line JavaScript scan finds: leftmost, then the first alternative in order', async () => {
      const random = seededRandom(20261205);
      const pick = <T>(items: readonly T[]): T => items[random.int(items.length)]!;
      for (let round = 0; round < 240; round++) {
        const utf = round % 3 !== 0;
        const caseless = round % 4 === 1;
        // A small alphabet, so alternatives overlap, share prefixes and one is often another's prefix.
        const letters = caseless ? ['a', 'b', 'A', 'B', 'c', '.'] : ['a', 'b', 'c', '.', utf ? '€' : 'é', 'é'];
        const literals: string[] = [];
        // Up to 8 usually (the vector filter); up to 14 now and then (the pair table).
        const literalCount = 1 + random.int(round % 5 === 4 ? 14 : 8);
        for (let i = 0; i < literalCount; i++) {
          let literal = '';
          const length = 1 + random.int(random.int(4) === 0 ? 12 : 4);
          for (let j = 0; j < length; j++) literal += pick(letters);
          literals.push(literal);
        }
        const textLetters = [...letters, ...letters, ' ', '\n', '\r\n', '\r', 'ÿ'];
        let text = '';
        const length = random.int(600);
        for (let i = 0; i < length; i++) text += pick(textLetters);
        const source = literals.map((literal) => literal.replace(/[.]/g, '\\.')).join('|');
        expect(jsRegexLiteralSet(source, caseless)).toEqual(literals);
        const content = utf ? utf8(text) : latin1(text);
        const inText = naive(text, source, caseless ? 'gi' : 'g');
        const expected = utf ? utf8Offsets(text, inText) : inText;
        const options = { chunkBytes: 1 + random.int(random.int(2) === 0 ? 40 : 400), threads: 1 + random.int(2) };
        const found = await matches(content, source, { ...options, utf, caseless, literalSet: literals });
        expect({ source, text, found }).toEqual({ source, text, found: expected });
      }
    });

    it('finds every match of a dense megabyte, past its blocks and batches', async () => {
      const random = seededRandom(1205);
      const words = ['upload', 'up', 'retry', 'cache', 'CACHE', 'commit', 'co', 'x=1'];
      const ends = [' ', '\r\n', '\n'];
      const parts: string[] = [];
      // Runs of filler between words, so matches also start just past a step or block end.
      for (let size = 0; size < 1_200_000;) {
        const part =
          'x'.repeat(random.int(random.int(2) === 0 ? 4 : 48)) +
          words[random.int(words.length)]! +
          ends[random.int(3)]!;
        parts.push(part);
        size += part.length;
      }
      const text = parts.join('');
      for (const [source, caseless] of [
        ['upload|up|retry|cache|commit', false],
        ['up|upload|co|commit|cache', true],
      ] as const) {
        const literals = jsRegexLiteralSet(source, caseless)!;
        const expected = naive(text, source, caseless ? 'gi' : 'g');
        const found = await matches(text, source, { caseless, literalSet: literals, chunkBytes: 700_000 });
        expect(found.length).toBe(expected.length);
        expect(found).toEqual(expected);
      }
    });
  });

  it('refuses a literal set that is empty, or holds an empty literal, CR or LF, or non-ASCII when ignoring case', () => {
    const base = { bytes: utf8('a|b'), utf: true };
    expectNativeError(() => start('ab', { ...base, literalSet: [] }), 'EINVAL');
    expectNativeError(() => start('ab', { ...base, literalSet: [utf8('a'), utf8('')] }), 'EINVAL');
    expectNativeError(() => start('ab', { ...base, literalSet: [utf8('a\r\nb')] }), 'EINVAL');
    expectNativeError(() => start('ab', { ...base, caseless: true, literalSet: [utf8('é')] }), 'EINVAL');
    expectNativeError(() => start('ab', { ...base, literalSet: ['a' as unknown as Uint8Array] }), 'EINVAL');
  });

  it('finds a match on a line that crosses chunk borders, once', async () => {
    const text = 'xx\nthe quick brown fox\nyy';
    expect(await matches(text, 'quick.*fox', { chunkBytes: 4 })).toEqual([[7, 15]]);
    expect(await matches(text, '\\w+', { chunkBytes: 1 })).toEqual(naive(text, '\\w+'));
  });

  it('anchors ^ and $ at line starts and ends, at the file start and end and before CRLF', async () => {
    const text = 'ab\r\nab\nab\r\nab\r';
    expect(await matches(text, '^ab$')).toEqual([
      [0, 2],
      [4, 2],
      [7, 2],
      [11, 2],
    ]);
    expect(await matches(text, 'b$')).toEqual(naive(text, 'b$'));
    // The CR that ends a line is not line text.
    expect(await matches(text, 'b\\s')).toEqual([]);
    expect(await matches(text, 'b.')).toEqual([]);
  });

  it('skips empty matches as the JavaScript engine does (^, \\b, x*), and never spans lines', async () => {
    const text = 'ab x\n\nxx a\r\n';
    expect(await matches(text, '^')).toEqual([]);
    expect(await matches(text, '\\b')).toEqual([]);
    expect(await matches(text, 'x*')).toEqual(naive(text, 'x*'));
    expect(await matches(text, 'a??')).toEqual([]);
    expect(await matches(text, '[^q]+')).toEqual(naive(text, '[^q]+'));
    expect(await matches(text, '\\s+')).toEqual(naive(text, '\\s+'));
  });

  it('runs lookaround line by line with the same results', async () => {
    const text = 'foo bar\nfoo\nbarfoo \n';
    for (const source of ['foo(?!\\s)', 'o(?=\\s|$)', '(?<=^|\\s)bar', '(?<!o)o']) {
      expect(jsRegexToPcre2(source, true)?.lineMode).toBe(true);
      expect(await matches(text, source, { chunkBytes: 3 })).toEqual(naive(text, source));
    }
  });

  it('searches on past invalid UTF-8, which no pattern item matches', async () => {
    const bytes = Uint8Array.from([...utf8('é1'), 0xff, 0xc3, ...utf8('2 \u00e9t\u00e9\n'), 0x80, ...utf8('3')]);
    expect(await matches(bytes, '\\d')).toEqual([
      [2, 1],
      [5, 1],
      [14, 1],
    ]);
    expect(await matches(bytes, 'ÉT', { caseless: true })).toEqual([[7, 3]]);
    // \W and \D take a multi-byte character (rewritten around a PCRE2 10.42 JIT bug).
    expect(await matches('b€\n', 'b\\W\\D')).toEqual([]);
    expect(await matches('b€€\n', 'b\\W\\D')).toEqual([[0, 7]]);
    // A run of "any character" stops at the invalid bytes (JavaScript would see U+FFFD there).
    expect(await matches(bytes, '.+')).toEqual([
      [0, 3],
      [5, 7],
      [14, 1],
    ]);
  });

  it('matches Latin-1 bytes as characters, folding Latin-1 letters but keeping \\w ASCII', async () => {
    const text = 'Ébène CAFÉ café\xa0x\n';
    const bytes = latin1(text);
    expect(await matches(bytes, 'café', { utf: false, caseless: true })).toEqual(naive(text, 'café', 'gi'));
    expect(await matches(bytes, 'caf\\w', { utf: false })).toEqual([]);
    expect(await matches(bytes, '\\s', { utf: false })).toEqual(naive(text, '\\s'));
    expect(await matches(bytes, '[à-ÿ]+', { utf: false })).toEqual(naive(text, '[à-ÿ]+'));
  });

  it('answers an invalid pattern with EINVAL, PCRE2 message and offset', () => {
    const error = expectNativeError(() => start('abc', { bytes: utf8('ab(c'), utf: true }), 'EINVAL');
    expect(error.message).toMatch(/missing closing parenthesis at pattern offset 4/);
    expect((error.cause as { patternOffset?: unknown }).patternOffset).toBe(4);
  });

  it('searches UTF-16 LE and BE as UTF-8 a chunk at a time, alike at any chunk size, with byte offsets', async () => {
    const random = seededRandom(1205);
    const pieces = ['ab', 'é', '€', '\r\n', '\n', '\u0a0d', 'ERROR', ' '];
    let text = '\ufeff';
    for (let i = 0; i < 600; i++) text += pieces[random.int(pieces.length)];
    for (const text16 of ['utf-16le', 'utf-16be'] as const) {
      const units = Uint16Array.from(text, (char) => char.charCodeAt(0));
      const bytes = new Uint8Array(units.length * 2);
      units.forEach((unit, i) => {
        bytes[2 * i + (text16 === 'utf-16le' ? 0 : 1)] = unit & 0xff;
        bytes[2 * i + (text16 === 'utf-16le' ? 1 : 0)] = unit >> 8;
      });
      for (const pattern of ['ERR.R$', 'é+\\s', '^.']) {
        const source = jsRegexToPcre2(pattern, true)!;
        const run = async (chunkBytes?: number): Promise<[number, number][]> => {
          const search = start(
            bytes,
            { bytes: utf8(source.source), utf: true, lineMode: source.lineMode, text: text16 },
            { chunkBytes },
          );
          await settleScan(search, 'regex search');
          const { offsets, lengths } = search.results(0, search.progress().matchesKnown);
          return Array.from(offsets, (offset, i) => [offset, lengths[i]!]);
        };
        const whole = await run();
        // A naive scan of the decoded text, unit offsets doubled.
        const expected: [number, number][] = [];
        let lineStart = 0;
        for (const line of text.split('\n')) {
          const body = line.replace(/\r$/, '');
          for (const match of body.matchAll(new RegExp(pattern, 'g'))) {
            if (match[0].length > 0) expected.push([2 * (lineStart + match.index), 2 * match[0].length]);
          }
          lineStart += line.length + 1;
        }
        expect({ text16, pattern, whole }).toEqual({ text16, pattern, whole: expected });
        for (const chunkBytes of [1, 7, 64])
          expect({ text16, pattern, chunkBytes, found: await run(chunkBytes) }).toEqual({
            text16,
            pattern,
            chunkBytes,
            found: expected,
          });
      }
    }
  });

  it('a counted chunk rewritten in place answers EFILECHANGED, never a match of neither file', async () => {
    const path = temp.makeFile('rewritten.log', '111\n222\n');
    const file = openMapped(path, 'readonly');
    openFiles.push(file);
    const search = createRegexSearch(
      file,
      { bytes: utf8('\\d+'), utf: true, classRun: jsRegexClassRun('\\d+', false)! },
      { chunkBytes: 4, threads: 1 },
    );
    searches.push(search);
    await settleScan(search, 'regex search');
    expect(search.progress().matchesKnown).toBe(2);
    // Same size, the LF at 3 gone: the second chunk no longer starts a line.
    writeFileSync(path, '1111222\n');
    expectNativeError(() => search.results(0, 2), 'EFILECHANGED');
  });

  it('stops a catastrophic pattern with ECOMPLEX instead of hanging', async () => {
    const text = 'ok\n' + 'a'.repeat(40) + 'b\n';
    const search = start(text, { bytes: utf8('(a+)+$'), utf: true });
    await settleScan(search, 'regex search', 10_000);
    const { error } = search.progress();
    expect(error?.code).toBe('ECOMPLEX');
    expect(error?.message).toMatch(/pattern too complex near offset 3/);
  });

  it('cancels a slow pattern within 100 ms', async () => {
    // Each line costs ~2^16 steps: under the per-line limit, so only cancel stops the search.
    const text = ('a'.repeat(16) + 'b\n').repeat(50_000);
    const search = start(text, { bytes: utf8('(a+)+$'), utf: true }, { chunkBytes: 64 * 1024 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(search.progress().done).toBe(false);
    const cancelledAt = Date.now();
    search.cancel();
    search.dispose();
    expect(Date.now() - cancelledAt).toBeLessThan(100);
  });

  it('reports many matches in order with 8 bytes each, read in pages', async () => {
    const text = 'k=12345@ x=99999@\n'.repeat(20_000);
    const search = start(text, { bytes: utf8('\\d{5}@'), utf: true }, { chunkBytes: 4096 });
    await settleScan(search, 'regex search');
    const progress = search.progress();
    expect(progress.matchesKnown).toBe(40_000);
    expect(progress.resultBytes).toBeLessThanOrEqual(8 * 40_000 + 8 * 4096);
    const page = search.results(39_998, 10);
    expect(Array.from(page.offsets)).toEqual([18 * 19_999 + 2, 18 * 19_999 + 11]);
    expect(search.indexAtOrAfter(18 * 10_000)).toBe(20_000);
  });
});

describe('jsRegexClassRun', () => {
  it('reads one ASCII class and its quantifier as member bytes and bounds', () => {
    const members = (text: string): Uint8Array => Uint8Array.from(text, (char) => char.charCodeAt(0)).sort();
    expect(jsRegexClassRun('\\d+', false)).toEqual({ members: members('0123456789'), min: 1, max: 0 });
    expect(jsRegexClassRun('[0-9]{5}', false)).toEqual({ members: members('0123456789'), min: 5, max: 5 });
    expect(jsRegexClassRun('[a-c]*', true)).toEqual({ members: members('abcABC'), min: 1, max: 0 });
    expect(jsRegexClassRun('[\\w.-]{0,3}', false)?.max).toBe(3);
    expect(jsRegexClassRun('\\w{2,4}?', false)).toMatchObject({ min: 2, max: 2 });
    expect(jsRegexClassRun('[x]', false)).toEqual({ members: members('x'), min: 1, max: 1 });
  });

  it('gives up on anything else', () => {
    for (const source of [
      '[^a]+',
      '\\s+',
      '\\D+',
      '\\W',
      '.+',
      '[a-z]+x',
      '(\\d)+',
      '[é]+',
      '\\d*?',
      '\\d{0}',
      '[\\n]+',
      '[a-\\d]',
      '[]',
      'a+',
      '\\d+|x',
      '[[a]]',
      '\\d{3,2}',
    ]) {
      expect(jsRegexClassRun(source, false), source).toBeNull();
    }
  });
});

describe('jsRegexLiteralSet', () => {
  it('reads a top-level alternation of plain literals, escapes decoded, in pattern order', () => {
    expect(jsRegexLiteralSet('upload|retry|timeout', false)).toEqual(['upload', 'retry', 'timeout']);
    expect(jsRegexLiteralSet('abc|ab', false)).toEqual(['abc', 'ab']);
    expect(jsRegexLiteralSet('ERROR', false)).toEqual(['ERROR']);
    expect(jsRegexLiteralSet('a\\.b|c\\-d|\\[x\\]|\\/|\\|', false)).toEqual(['a.b', 'c-d', '[x]', '/', '|']);
    expect(jsRegexLiteralSet('a\\tb|\\x41|\\u00e9t\\u00E9', false)).toEqual(['a\tb', 'A', 'été']);
    expect(jsRegexLiteralSet('café|€ 1|😀', false)).toEqual(['café', '€ 1', '😀']);
    expect(jsRegexLiteralSet('Upload|RETRY', true)).toEqual(['Upload', 'RETRY']);
  });

  it('gives up on classes, quantifiers, groups, anchors, \\b, dot, other escapes and empty alternatives', () => {
    for (const source of [
      '[ab]|c',
      'a+|b',
      'ab?',
      'a{2}',
      '(a|b)',
      '(?:a)|b',
      '^a|b',
      'a$',
      '\\ba',
      'a.b',
      '\\d|x',
      '\\w',
      '\\1',
      '\\0',
      '\\cA',
      '\\e',
      'a|',
      '|a',
      'a||b',
      '',
      'a]',
      'a}',
      'a\\',
    ]) {
      expect({ source, set: jsRegexLiteralSet(source, false) }).toEqual({ source, set: null });
    }
  });

  it('gives up on line breaks, U+FFFD and lone surrogates, and on non-ASCII when ignoring case', () => {
    expect(jsRegexLiteralSet('a\\nb|c', false)).toBeNull();
    expect(jsRegexLiteralSet('a|\\r', false)).toBeNull();
    expect(jsRegexLiteralSet('a|\\x0a', false)).toBeNull();
    expect(jsRegexLiteralSet('a|\\u000D', false)).toBeNull();
    expect(jsRegexLiteralSet('a|\uFFFD', false)).toBeNull();
    expect(jsRegexLiteralSet('a|\\ufffd', false)).toBeNull();
    expect(jsRegexLiteralSet('a|\\ud83d', false)).toBeNull();
    expect(jsRegexLiteralSet('a|\uD83D', false)).toBeNull();
    expect(jsRegexLiteralSet('café|x', true)).toBeNull();
    expect(jsRegexLiteralSet('caf\\xe9', true)).toBeNull();
    expect(jsRegexLiteralSet('café|x', false)).toEqual(['café', 'x']);
  });
});
