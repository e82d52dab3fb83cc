// A regex rule with a literal set (scanned by LiteralSet) against the same rule without it (PCRE2):
// the line filter keeps, and the timeline counts, exactly the same lines. Plus the checks of
// RegexPattern.literalSet in a rule, in TypeScript and again in the addon.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { seededRandom, type SeededRandom } from '../src/shared/seededRandom';
import {
  createLineFilter,
  createTimeline,
  jsRegexLiteralSet,
  jsRegexToPcre2,
  type LineFilter,
  type LineFilterOptions,
  type LineRule,
  type MappedFile,
  nativeTesting,
  openMapped,
  pcre2Version,
  type Timeline,
  type TimelineOptions,
} from './index';
import { loadBinding } from './ts/binding';
import { callNative } from './ts/errors';
import { flattenRules } from './ts/lineRules';
import { nativeMappedFileOf } from './ts/mappedFile';
import { expectNativeError, settleScan, tempDirForFile } from './testSupport';

const temp = tempDirForFile('hexlog-line-rules-', { uniqueNames: true });
const openFiles: MappedFile[] = [];
const scans: (LineFilter | Timeline)[] = [];

afterEach(() => {
  for (const scan of scans.splice(0)) scan.dispose();
  for (const file of openFiles.splice(0)) file.close();
  expect(nativeTesting.searchWorkerThreads()).toBe(0);
  expect(nativeTesting.timelineWorkerThreads()).toBe(0);
});

const hasPcre2 = pcre2Version() !== null;
const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
const latin1 = (text: string): Uint8Array => Uint8Array.from(text, (char) => char.charCodeAt(0));

function open(content: Uint8Array | string): MappedFile {
  const file = openMapped(temp.makeFile('data.log', content), 'readonly');
  openFiles.push(file);
  return file;
}

interface RuleSpec {
  /** A JavaScript regex source that is nothing but literals. */
  readonly source: string;
  readonly caseless: boolean;
  readonly utf: boolean;
  readonly exclude?: boolean;
}

/** The rule as the app builds it: PCRE2's pattern, and with `withSet` the pattern's literal set. */
function regexRule(spec: RuleSpec, withSet: boolean): LineRule {
  const encode = spec.utf ? utf8 : latin1;
  const pcre2 = jsRegexToPcre2(spec.source, spec.utf, spec.caseless);
  const literals = jsRegexLiteralSet(spec.source, spec.caseless);
  if (pcre2 === null || literals === null) throw new Error(`${spec.source} is not a literal set`);
  return {
    kind: 'regex',
    exclude: spec.exclude ?? false,
    pattern: {
      bytes: encode(pcre2.source),
      utf: spec.utf,
      caseless: spec.caseless,
      lineMode: pcre2.lineMode,
      ...(withSet ? { literalSet: literals.map(encode) } : {}),
    },
  };
}

async function keptLines(
  file: MappedFile,
  rules: readonly LineRule[],
  options: LineFilterOptions,
): Promise<{ lines: number[]; offsets: number[] }> {
  const filter = createLineFilter(file, rules, options);
  scans.push(filter);
  await settleScan(filter, 'line filter');
  const progress = filter.progress();
  if (progress.error !== null) throw new Error(progress.error.message);
  expect(progress.done).toBe(true);
  const { lines, offsets } = filter.results(0, progress.keptKnown);
  return { lines: Array.from(lines), offsets: Array.from(offsets) };
}

const DAY = Date.UTC(2026, 0, 1);
const FORMAT = { kind: 'iso', zoneMinutes: 0, year: 2026, month: 1, maxColumn: 16 } as const;

async function timelineCounts(
  file: MappedFile,
  rules: readonly LineRule[],
  options: TimelineOptions,
): Promise<number[]> {
  const timeline = createTimeline(file, FORMAT, DAY, DAY + 3_600_000, 7, rules, options);
  scans.push(timeline);
  await settleScan(timeline, 'timeline');
  const progress = timeline.progress();
  if (progress.error !== null) throw new Error(progress.error.message);
  expect(progress.done).toBe(true);
  return Array.from(timeline.counts().counts);
}

/** `source`'s literal escaped for a regex source. */
const escape = (literal: string): string => literal.replace(/[.|\\[\]()^$*+?{}]/g, '\\$&');

/** A stamp of `ms` as the timeline's iso format reads it. */
const stamp = (ms: number): string => new Date(ms).toISOString();

/**
 * Seeded literals and text made of them: overlapping literals sharing prefixes, each often at a
 * line's start or end, with CRLF, lone CR, other case, and a last line with or without LF.
 */
function generate(random: SeededRandom, round: number): { specs: RuleSpec[]; content: Uint8Array; text: string } {
  const pick = <T>(items: readonly T[]): T => items[random.int(items.length)]!;
  const utf = round % 3 !== 0;
  const caseless = round % 4 === 1;
  // ASCII only when ignoring case; `@` and `` ` `` differ only in the bit case folding clears.
  const letters = caseless ? ['a', 'b', 'A', 'B', 'k', 's', '@', '`'] : ['a', 'b', 'c', '.', utf ? '€' : 'é', 'é', '|'];
  const makeLiterals = (): string[] => {
    // Up to 8 usually (the vector filter); up to 14 now and then (the pair table).
    const count = 1 + random.int(round % 5 === 4 ? 14 : 8);
    const literals: string[] = [];
    for (let i = 0; i < count; i++) {
      let literal = '';
      const length = 1 + random.int(random.int(4) === 0 ? 10 : 3);
      for (let j = 0; j < length; j++) literal += pick(letters);
      literals.push(literal);
    }
    return literals;
  };
  const ruleCount = 1 + random.int(2);
  const sets = Array.from({ length: ruleCount }, makeLiterals);
  const specs = sets.map((literals, i) => ({
    source: literals.map(escape).join('|'),
    caseless,
    utf,
    exclude: ruleCount > 1 && i === 1 && random.int(2) === 0,
  }));
  // Kelvin sign and long s: PCRE2's Unicode folding would take them for k and s, JavaScript does not.
  const extras = caseless && utf ? ['\u212a', '\u017f', 'ÿ'] : ['ÿ'];
  const lineEnds = ['\n', '\n', '\r\n', '\r'];
  let text = '';
  let ms = DAY + random.int(60_000);
  const lineCount = random.int(60);
  for (let line = 0; line < lineCount; line++) {
    if (random.int(2) === 0) {
      ms += random.int(600_000);
      text += `${stamp(ms)} `;
    }
    const tokens = random.int(12);
    for (let i = 0; i < tokens; i++) {
      const kind = random.int(6);
      if (kind === 0) {
        const literal = pick(pick(sets));
        text += random.int(3) === 0 ? literal.toUpperCase() : literal;
      } else if (kind === 1) text += pick(extras);
      else if (kind === 2) text += ' ';
      else text += pick(letters);
    }
    if (random.int(4) === 0) text += pick(pick(sets)); // at the line's end
    text += pick(lineEnds);
  }
  if (random.int(2) === 0) text += pick(pick(sets)); // a last line without LF
  const content = utf ? utf8(text) : latin1(text);
  return { specs, content, text };
}

describe.skipIf(!hasPcre2)('LineRule with a literal set', () => {
  describe.each(['auto', 'sse2', 'scalar'] as const)('(%s kernel)', (kernel) => {
    beforeAll(() => nativeTesting.setSearchKernel(kernel));
    afterAll(() => nativeTesting.setSearchKernel('auto'));

    it('the line filter keeps exactly the lines PCRE2 keeps for the same pattern (seeded text, sets, chunks, threads)', async () => {
      const random = seededRandom(20270101);
      let keptSome = 0;
      for (let round = 0; round < 120; round++) {
        const { specs, content, text } = generate(random, round);
        const file = open(content);
        const options = {
          chunkBytes: 1 + random.int(random.int(2) === 0 ? 48 : 600),
          threads: 1 + random.int(4),
          linesOnly: round % 2 === 0,
        };
        const withSets = await keptLines(
          file,
          specs.map((spec) => regexRule(spec, true)),
          options,
        );
        const withPcre2 = await keptLines(
          file,
          specs.map((spec) => regexRule(spec, false)),
          options,
        );
        expect({ specs, text, kept: withSets }).toEqual({ specs, text, kept: withPcre2 });
        if (withPcre2.lines.length > 0) keptSome++;
      }
      expect(keptSome).toBeGreaterThan(60);
    });

    it('the timeline counts exactly the lines PCRE2 counts for the same pattern, bucket by bucket (seeded)', async () => {
      const random = seededRandom(20270102);
      for (let round = 0; round < 80; round++) {
        const { specs, content, text } = generate(random, round);
        const includes = specs.map((spec) => ({ ...spec, exclude: false }));
        const file = open(content);
        const options = { chunkBytes: 1 + random.int(random.int(2) === 0 ? 48 : 600), threads: 1 + random.int(4) };
        const withSets = await timelineCounts(
          file,
          includes.map((spec) => regexRule(spec, true)),
          options,
        );
        const withPcre2 = await timelineCounts(
          file,
          includes.map((spec) => regexRule(spec, false)),
          options,
        );
        expect({ includes, text, counts: withSets }).toEqual({ includes, text, counts: withPcre2 });
      }
    });
  });

  it('keeps the same lines in a megabyte of dense log lines, across chunks and 64 KiB windows', async () => {
    const random = seededRandom(2027);
    const words = ['ERROR', 'error', 'FATAL', 'WARN', 'level=error', '"level":"fatal"', 'INFO', 'CRIT', 'CRITICAL'];
    const parts: string[] = [];
    for (let size = 0; size < 1_100_000;) {
      const part = `${'x'.repeat(random.int(random.int(2) === 0 ? 8 : 120))} ${words[random.int(words.length)]!}${['\n', '\r\n', ' '][random.int(3)]!}`;
      parts.push(part);
      size += part.length;
    }
    const file = open(parts.join(''));
    for (const [source, caseless] of [
      ['ERROR|FATAL|CRITICAL|CRIT|level=error|"level":"fatal"', false],
      ['warn|crit', true],
    ] as const) {
      const spec = { source, caseless, utf: true };
      for (const threads of [1, 2]) {
        const options = { threads, chunkBytes: 300_000 };
        const withSet = await keptLines(file, [regexRule(spec, true)], options);
        const withPcre2 = await keptLines(file, [regexRule(spec, false)], options);
        expect(withSet.lines.length).toBeGreaterThan(1000);
        expect(withSet).toEqual(withPcre2);
      }
    }
  });

  it('the literal set, not PCRE2, decides the lines: a rule whose set breaks its promise shows it', async () => {
    const file = open('alpha\nbeta\ngamma\r\nbet');
    const rule = (literalSet?: string[]): LineRule => ({
      kind: 'regex',
      exclude: false,
      pattern: { bytes: utf8('alpha'), utf: true, ...(literalSet ? { literalSet: literalSet.map(utf8) } : {}) },
    });
    expect((await keptLines(file, [rule()], {})).lines).toEqual([0]);
    expect((await keptLines(file, [rule(['bet', 'mm'])], {})).lines).toEqual([1, 2, 3]);
    expect(await timelineCounts(file, [rule(['bet', 'mm'])], {})).toEqual([4, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('a pattern PCRE2 rejects is refused with its offset even with a literal set', () => {
    const file = open('a\n');
    const error = expectNativeError(
      () =>
        createLineFilter(file, [
          { kind: 'regex', exclude: false, pattern: { bytes: utf8('(a'), utf: true, literalSet: [utf8('a')] } },
        ]),
      'EINVAL',
    );
    expect((error.cause as { rule?: unknown; patternOffset?: unknown }).rule).toBe(0);
    expect((error.cause as { rule?: unknown; patternOffset?: unknown }).patternOffset).toBe(2);
  });
});

describe('LineRule.pattern.literalSet checks', () => {
  const regex = (literalSet: unknown, caseless = false): LineRule =>
    ({
      kind: 'regex',
      exclude: false,
      pattern: { bytes: utf8('a|b'), utf: true, caseless, literalSet },
    }) as LineRule;

  it('refuses, in TypeScript, a set that is not an array of 1 to 4096 non-empty literals without CR or LF, ASCII when ignoring case', () => {
    const file = open('a\n');
    const cases: [unknown, boolean, RegExp][] = [
      ['a', false, /rules\[0\]\.pattern\.literalSet must be an Array/],
      [[], false, /literalSet must hold 1 to 4096 literals, got 0/],
      [Array.from({ length: 4097 }, () => utf8('a')), false, /literalSet must hold 1 to 4096 literals, got 4097/],
      [[utf8('a'), utf8('')], false, /literalSet\[1\] must not be empty/],
      [[utf8('a\nb')], false, /literalSet\[0\] must not hold CR or LF/],
      [[utf8('a\r')], false, /literalSet\[0\] must not hold CR or LF/],
      [[utf8('é')], true, /literalSet\[0\] must be ASCII when the pattern ignores case/],
      [['a'], false, /literalSet\[0\] must be a Uint8Array/],
    ];
    for (const [literalSet, caseless, message] of cases) {
      const inFilter = expectNativeError(() => createLineFilter(file, [regex(literalSet, caseless)]), 'EINVAL');
      expect(inFilter.message).toMatch(message);
      const inTimeline = expectNativeError(
        () => createTimeline(file, FORMAT, DAY, DAY + 1000, 1, [regex(literalSet, caseless)]),
        'EINVAL',
      );
      expect(inTimeline.message).toMatch(message);
    }
    // Non-ASCII is fine when matching case.
    if (hasPcre2) scans.push(createLineFilter(file, [regex([utf8('é')], false)]));
  });

  it.runIf(hasPcre2)('refuses, in the addon too, sets that do not fit their rules or break the literal rules', () => {
    const file = open('a\n');
    const native = nativeMappedFileOf(file)!;
    const create = (rules: readonly LineRule[], edit: (flat: ReturnType<typeof flattenRules>) => void): void => {
      const flat = flattenRules(rules, file.path);
      edit(flat);
      scans.push(
        callNative(
          () => loadBinding().LineFilter.create(native, ...flat, 0, 0, 0, false) as unknown as LineFilter,
          file.path,
        ),
      );
    };
    const bytesRule: LineRule = { kind: 'bytes', exclude: false, pattern: { bytes: utf8('a') } };
    const setRule = regex([utf8('a'), utf8('b')]);
    const message = (action: () => void): string => expectNativeError(action, 'EINVAL').message;
    // The flattened arrays must fit together.
    expect(
      message(() =>
        create([bytesRule], (flat) => {
          flat[7] = utf8('a');
          flat[8] = Float64Array.of(1);
          flat[9] = Float64Array.of(1);
        }),
      ),
    ).toMatch(/only a regex rule takes a literal set/);
    expect(message(() => create([setRule], (flat) => (flat[9] = Float64Array.of(2, 2))))).toMatch(/must be as long/);
    expect(message(() => create([setRule], (flat) => (flat[9] = Float64Array.of(3))))).toMatch(/set ends must rise/);
    expect(message(() => create([setRule], (flat) => (flat[8] = Float64Array.of(1, 5))))).toMatch(
      /setLiteral ends must rise/,
    );
    expect(message(() => create([setRule], (flat) => (flat[8] = Float64Array.of(2, 1))))).toMatch(
      /setLiteral ends must rise/,
    );
    expect(message(() => create([setRule], (flat) => (flat[7] = [] as unknown as Uint8Array)))).toMatch(
      /setLiterals must be a Uint8Array/,
    );
    // The literals themselves, as LiteralSet checks them.
    expect(message(() => create([setRule], (flat) => (flat[8] = Float64Array.of(1, 1))))).toMatch(/literal 1 is empty/);
    expect(
      message(() =>
        create([setRule], (flat) => {
          flat[7] = utf8('a\n');
          flat[8] = Float64Array.of(1, 2);
        }),
      ),
    ).toMatch(/literal 1 holds a CR or LF/);
    expect(
      message(() =>
        create([regex([utf8('a'), utf8('b')], true)], (flat) => {
          flat[7] = utf8('aé');
          flat[8] = Float64Array.of(1, 3);
        }),
      ),
    ).toMatch(/literal 1 is not ASCII, and the set ignores case/);
    // As the wrapper flattens them, they are taken.
    create([setRule, bytesRule, regex([utf8('b')])], () => {});
  });
});
