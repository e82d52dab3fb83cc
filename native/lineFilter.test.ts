// The line filter against a naive scan: split on LF, a line is kept when it holds any include
// rule's match (every line without include rules) and no exclude rule's match.
import { appendFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';

import { seededRandom } from '../src/shared/seededRandom';
import {
  createLineFilter,
  jsRegexToPcre2,
  type LineFilter,
  type LineFilterOptions,
  type LineRule,
  type MappedFile,
  nativeTesting,
  openMapped,
  pcre2Version,
} from './index';
import { expectNativeError, settleScan, tempDirForFile } from './testSupport';

const temp = tempDirForFile('hexlog-filter-', { uniqueNames: true });
const openFiles: MappedFile[] = [];
const filters: LineFilter[] = [];

afterEach(() => {
  for (const filter of filters.splice(0)) filter.dispose();
  for (const file of openFiles.splice(0)) file.close();
  expect(nativeTesting.searchWorkerThreads()).toBe(0);
});

const hasPcre2 = pcre2Version() !== null;
const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

interface SpecRule {
  readonly exclude: boolean;
  readonly literal?: string;
  readonly regex?: string;
  readonly ignoreCase?: boolean;
}

function toRule(rule: SpecRule): LineRule {
  if (rule.literal !== undefined) {
    return {
      kind: 'bytes',
      exclude: rule.exclude,
      pattern: { bytes: utf8(rule.literal), caseInsensitive: rule.ignoreCase },
    };
  }
  const pcre2 = jsRegexToPcre2(rule.regex!, true);
  if (pcre2 === null) throw new Error(`${rule.regex} is left to JavaScript`);
  return {
    kind: 'regex',
    exclude: rule.exclude,
    pattern: { bytes: utf8(pcre2.source), utf: true, caseless: rule.ignoreCase, lineMode: pcre2.lineMode },
  };
}

function open(content: string | Uint8Array): { file: MappedFile; path: string } {
  const path = temp.makeFile('data.log', content);
  const file = openMapped(path, 'readonly');
  openFiles.push(file);
  return { file, path };
}

async function kept(filter: LineFilter): Promise<{ lines: number[]; offsets: number[]; linesScanned: number }> {
  await settleScan(filter, 'line filter');
  const progress = filter.progress();
  if (progress.error !== null) throw new Error(progress.error.message);
  expect(progress.done).toBe(true);
  const { lines, offsets } = filter.results(0, progress.keptKnown);
  return { lines: Array.from(lines), offsets: Array.from(offsets), linesScanned: progress.linesScanned };
}

async function filterText(content: string, rules: readonly SpecRule[], options: LineFilterOptions = {}) {
  const { file } = open(content);
  const filter = createLineFilter(file, rules.map(toRule), options);
  filters.push(filter);
  return kept(filter);
}

/** The naive answer: 0-based lines kept, their starts, and the line count. */
function naive(
  content: string,
  rules: readonly SpecRule[],
): { lines: number[]; offsets: number[]; linesScanned: number } {
  const bytes = utf8(content);
  const lines: number[] = [];
  const offsets: number[] = [];
  let start = 0;
  let line = 0;
  const test = (rule: SpecRule, text: string): boolean => {
    if (rule.literal !== undefined) {
      return rule.ignoreCase ? text.toLowerCase().includes(rule.literal.toLowerCase()) : text.includes(rule.literal);
    }
    // A non-empty match, as find counts them.
    const regex = new RegExp(rule.regex!, rule.ignoreCase ? 'gi' : 'g');
    for (const match of text.matchAll(regex)) if (match[0].length > 0) return true;
    return false;
  };
  while (start < bytes.length) {
    let end = bytes.indexOf(10, start);
    if (end < 0) end = bytes.length;
    const raw = new TextDecoder().decode(bytes.subarray(start, end));
    // Literals see the whole line with its CR (bytes); regexes the line's text without it.
    const keep =
      (rules.every((rule) => rule.exclude) ||
        rules.some((rule) => !rule.exclude && test(rule, rule.literal !== undefined ? raw : raw.replace(/\r$/, '')))) &&
      !rules.some((rule) => rule.exclude && test(rule, rule.literal !== undefined ? raw : raw.replace(/\r$/, '')));
    if (keep) {
      lines.push(line);
      offsets.push(start);
    }
    line++;
    start = end + 1;
  }
  return { lines, offsets, linesScanned: line };
}

describe('LineFilter', () => {
  it('keeps lines with an include literal, drops lines with an exclude literal, numbering every line', async () => {
    const content = 'INFO a\nERROR b\nERROR skip\nWARN c\nERROR d';
    const rules: SpecRule[] = [
      { exclude: false, literal: 'ERROR' },
      { exclude: false, literal: 'WARN' },
      { exclude: true, literal: 'skip' },
    ];
    expect(await filterText(content, rules)).toEqual({ lines: [1, 3, 4], offsets: [7, 26, 33], linesScanned: 5 });
  });

  it('keeps every line but the excluded ones without include rules; an empty file keeps none', async () => {
    expect(await filterText('a\nb\nc\n', [{ exclude: true, literal: 'b' }])).toEqual({
      lines: [0, 2],
      offsets: [0, 4],
      linesScanned: 3,
    });
    expect(await filterText('a\nb\n', [])).toEqual({ lines: [0, 1], offsets: [0, 2], linesScanned: 2 });
  });

  it('finds lines across chunk borders, long lines and empty lines alike (seeded, against a naive scan)', async () => {
    const random = seededRandom(20261205);
    const words = ['ERROR', 'error', 'warn', 'x', 'ab', 'abc', 'é', '\r', ' '];
    for (let round = 0; round < 60; round++) {
      let content = '';
      const lineCount = random.int(80);
      for (let i = 0; i < lineCount; i++) {
        const length = random.int(6) === 0 ? random.int(300) : random.int(8);
        for (let j = 0; j < length; j++) content += words[random.int(words.length)];
        if (i < lineCount - 1 || random.int(2) === 0) content += '\n';
      }
      const rules: SpecRule[] = [];
      const ruleCount = random.int(4);
      for (let i = 0; i < ruleCount; i++) {
        const word = ['ERROR', 'ab', 'x', 'é', 'warn'][random.int(5)]!;
        const exclude = random.int(3) === 0;
        const ignoreCase = random.int(3) === 0 && word !== 'é';
        if (hasPcre2 && random.int(2) === 0) {
          const regex = [`${word}+`, `^${word}`, `${word}$`, `(?:${word}|zz)\\s`, `${word}(?=x)`, `\\b${word}`][
            random.int(6)
          ]!;
          rules.push({ exclude, regex, ignoreCase });
        } else {
          rules.push({ exclude, literal: word, ignoreCase });
        }
      }
      const chunkBytes = 1 + random.int(64);
      const expected = naive(content, rules);
      const linesOnly = random.int(2) === 0;
      const actual = await filterText(content, rules, { chunkBytes, threads: 1 + random.int(3), linesOnly });
      expect({ round, ...actual }).toEqual({ round, ...expected, ...(linesOnly ? { offsets: [] } : {}) });
      for (const filter of filters.splice(0)) filter.dispose();
      for (const file of openFiles.splice(0)) file.close();
    }
  });

  it.runIf(hasPcre2)('a regex rule keeps a line only for a non-empty match, as find counts them', async () => {
    expect((await filterText('aaa\nbbb\n\nab\n', [{ exclude: false, regex: 'a*' }])).lines).toEqual([0, 3]);
    expect((await filterText('x\r\ny\n', [{ exclude: false, regex: 'x$' }])).lines).toEqual([0]);
  });

  it('readLineHeads reads the first bytes of many lines in one call, to their LF, a cap or the end', () => {
    const { file } = open('ab\ncd\r\n\nlonger line\nend');
    const heads = file.readLineHeads(Float64Array.from([0, 3, 7, 8, 20, 3, 23]), 4);
    const texts = Array.from(heads.ends, (end, i) =>
      Buffer.from(heads.bytes.subarray(i === 0 ? 0 : heads.ends[i - 1]!, end)).toString(),
    );
    expect(texts).toEqual(['ab', 'cd\r', '', 'long', 'end', 'cd\r', '']);
    expectNativeError(() => file.readLineHeads(Float64Array.from([24]), 4), 'ERANGE');
    expectNativeError(() => file.readLineHeads(Float64Array.from([-1]), 4), 'EINVAL');
  });

  it('answers the index of a line and of an offset', async () => {
    const { file } = open('a\nERR\nb\nERR\nc\n');
    const filter = createLineFilter(file, [toRule({ exclude: false, literal: 'ERR' })]);
    filters.push(filter);
    await settleScan(filter, 'line filter');
    expect(filter.indexOfLine(0)).toBe(0);
    expect(filter.indexOfLine(2)).toBe(1);
    expect(filter.indexOfLine(4)).toBe(2);
    expect(filter.indexAtOffset(0)).toBe(-1);
    expect(filter.indexAtOffset(2)).toBe(0);
    expect(filter.indexAtOffset(9)).toBe(1);
  });

  it('extends over a grown file, filtering a last line without a newline again with its new bytes', async () => {
    const { file, path } = open('ERR 1\nok\npartial');
    const filter = createLineFilter(file, [toRule({ exclude: false, literal: 'ERR' })], { chunkBytes: 4 });
    filters.push(filter);
    expect(await kept(filter)).toEqual({ lines: [0], offsets: [0], linesScanned: 3 });
    appendFileSync(path, ' ERR\nmore\nERR 2\n');
    const grown = openMapped(path, 'readonly');
    openFiles.push(grown);
    filter.extend(grown);
    expect(await kept(filter)).toEqual({ lines: [0, 2, 4], offsets: [0, 9, 26], linesScanned: 5 });
    // The same size again changes nothing.
    filter.extend(grown);
    expect((await kept(filter)).lines).toEqual([0, 2, 4]);
  });

  it('linesOnly keeps 4 bytes a line: the same lines and indexes, no offsets; it extends over growth too', async () => {
    const content = Array.from({ length: 20_000 }, (_, i) => (i % 3 === 0 ? `ERR ${i}` : `ok ${i}`)).join('\n');
    const { file, path } = open(`${content}\npartial`);
    const full = createLineFilter(file, [toRule({ exclude: false, literal: 'ERR' })], { chunkBytes: 4096 });
    const slim = createLineFilter(file, [toRule({ exclude: false, literal: 'ERR' })], {
      chunkBytes: 4096,
      linesOnly: true,
    });
    filters.push(full, slim);
    const [a, b] = [await kept(full), await kept(slim)];
    expect(b.lines).toEqual(a.lines);
    expect(b.offsets).toEqual([]);
    expect(slim.progress().resultBytes).toBeLessThanOrEqual(full.progress().resultBytes / 2);
    expect(slim.progress().resultBytes / slim.progress().keptKnown).toBeLessThanOrEqual(4.1);
    expect(slim.indexOfLine(9)).toBe(full.indexOfLine(9));
    // Many lines in one call: the same answers as one call each.
    const probes = Float64Array.from([0, 1, 3, 9, 19_999, 20_000, 50_000]);
    expect(Array.from(slim.indexesOfLines(probes))).toEqual(Array.from(probes, (line) => full.indexOfLine(line)));
    expectNativeError(() => slim.indexAtOffset(0), 'EINVAL');
    appendFileSync(path, ' ERR\nmore\nERR 2\n');
    const grown = openMapped(path, 'readonly');
    openFiles.push(grown);
    full.extend(grown);
    slim.extend(grown);
    expect((await kept(slim)).lines).toEqual((await kept(full)).lines);
    expect((await kept(slim)).lines.slice(-2)).toEqual([20_000, 20_002]);
  });

  it('refuses bad rules with EINVAL, and a regex PCRE2 rejects names the rule', () => {
    const { file } = open('a\n');
    expectNativeError(
      () => createLineFilter(file, [{ kind: 'bytes', exclude: false, pattern: { bytes: new Uint8Array(0) } }]),
      'EINVAL',
    );
    expectNativeError(() => createLineFilter(file, [{ kind: 'nope' } as unknown as LineRule]), 'EINVAL');
    if (hasPcre2) {
      const error = expectNativeError(
        () =>
          createLineFilter(file, [
            toRule({ exclude: false, literal: 'a' }),
            { kind: 'regex', exclude: false, pattern: { bytes: utf8('(a'), utf: true } },
          ]),
        'EINVAL',
      );
      expect((error.cause as { rule?: unknown }).rule).toBe(1);
    }
  });

  it.runIf(hasPcre2)('a catastrophic regex answers ECOMPLEX near its line', async () => {
    const { file } = open(`ok\n${'a'.repeat(40)}b\n`);
    const filter = createLineFilter(file, [
      { kind: 'regex', exclude: false, pattern: { bytes: utf8('(a+)+$'), utf: true } },
    ]);
    filters.push(filter);
    await settleScan(filter, 'line filter', 10_000);
    const { error } = filter.progress();
    expect(error?.code).toBe('ECOMPLEX');
    expect(error?.message).toMatch(/pattern too complex near offset 3/);
  });

  it.runIf(hasPcre2)('cancel stops a slow filter, and its threads end', async () => {
    const { file } = open(('a'.repeat(16) + 'b\n').repeat(50_000));
    const filter = createLineFilter(
      file,
      [{ kind: 'regex', exclude: false, pattern: { bytes: utf8('(a+)+$'), utf: true } }],
      {
        chunkBytes: 64 * 1024,
      },
    );
    filters.push(filter);
    filter.cancel();
    await settleScan(filter, 'line filter', 5_000);
    expect(filter.progress().cancelled).toBe(true);
  });
});
