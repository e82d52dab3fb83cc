import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_HIGHLIGHTS,
  HIGHLIGHT_SCAN_CHARS,
  MAX_LINE_SPANS,
  compileHighlightSet,
  exportHighlightSets,
  highlightLine,
  importHighlightSets,
  validateHighlightSettings,
  type CompiledHighlights,
  type HighlightRule,
  type HighlightSet,
} from './highlight';

const rule = (overrides: Partial<HighlightRule> = {}): HighlightRule => ({
  pattern: 'x',
  regex: false,
  matchCase: true,
  color: '#112233',
  target: 'foreground',
  scope: 'match',
  enabled: true,
  ...overrides,
});

const settingsWith = (rules: readonly unknown[], extraSets: readonly unknown[] = []) => ({
  active: 'A',
  sets: [{ name: 'A', rules }, ...extraSets],
});

function compiled(...rules: HighlightRule[]): CompiledHighlights {
  const result = compileHighlightSet({ name: 's', rules });
  if (!result.ok) throw new Error(result.message);
  return result.value;
}

describe('validateHighlightSettings', () => {
  it('accepts the defaults and answers a copy that shares nothing with the input', () => {
    const input: unknown = JSON.parse(JSON.stringify(DEFAULT_HIGHLIGHTS));
    const result = validateHighlightSettings(input);
    expect(result).toEqual({ ok: true, value: DEFAULT_HIGHLIGHTS });
    if (!result.ok) return;
    expect(result.value).not.toBe(input);
    (input as { sets: { name: string }[] }).sets[0]!.name = 'changed';
    expect(result.value.sets[0]!.name).toBe('Log levels');
  });

  it('names the bad field', () => {
    const cases: readonly (readonly [unknown, string])[] = [
      [null, 'highlight settings must be an object'],
      [[], 'highlight settings must be an object'],
      [{ sets: [] }, 'active is missing'],
      [{ ...settingsWith([]), extra: 1 }, 'highlight settings has an unknown field "extra"'],
      [{ active: 'A', sets: {} }, 'sets must be an array'],
      [{ active: 'A', sets: [] }, 'sets must hold at least one set'],
      [{ active: 1, sets: [{ name: 'A', rules: [] }] }, 'active must be a string'],
      [{ active: 'B', sets: [{ name: 'A', rules: [] }] }, 'active must name one of the sets; there is no set "B"'],
      [{ active: 'A', sets: [{ name: 'A' }] }, 'sets[0].rules is missing'],
      [{ active: 'A', sets: ['A'] }, 'sets[0] must be an object'],
      [{ active: 'A', sets: [{ name: 'A', rules: [], colour: 1 }] }, 'sets[0] has an unknown field "colour"'],
      [settingsWith([], [{ name: '', rules: [] }]), 'sets[1].name must be a non-empty string'],
      [settingsWith([], [{ name: '   ', rules: [] }]), 'sets[1].name must be a non-empty string'],
      [
        settingsWith([], [{ name: 'n'.repeat(81), rules: [] }]),
        'sets[1].name has 81 characters; at most 80 are allowed',
      ],
      [settingsWith([], [{ name: 'a\nb', rules: [] }]), 'sets[1].name must not contain control characters'],
      [settingsWith([], [{ name: 'A', rules: [] }]), 'sets[1].name "A" is used by another set'],
      [settingsWith([], [{ name: 'B', rules: 'x' }]), 'sets[1].rules must be an array'],
      [settingsWith(Array.from({ length: 65 }, () => rule())), 'sets[0].rules has 65 rules; at most 64 are allowed'],
      [settingsWith([], [{ name: 'B', rules: [rule({ color: 'red' })] }]), 'sets[1].rules[0].color must be #rrggbb'],
      [settingsWith([rule(), rule({ color: '#12345' })]), 'sets[0].rules[1].color must be #rrggbb'],
      [settingsWith([rule({ color: '#1234567' })]), 'sets[0].rules[0].color must be #rrggbb'],
      [settingsWith([rule({ pattern: '' })]), 'sets[0].rules[0].pattern must be a non-empty string'],
      [settingsWith([{ ...rule(), pattern: 3 }]), 'sets[0].rules[0].pattern must be a non-empty string'],
      [
        settingsWith([rule({ pattern: 'p'.repeat(1025) })]),
        'sets[0].rules[0].pattern has 1025 characters; at most 1024 are allowed',
      ],
      [settingsWith([{ ...rule(), regex: 'yes' }]), 'sets[0].rules[0].regex must be true or false'],
      [settingsWith([{ ...rule(), matchCase: 1 }]), 'sets[0].rules[0].matchCase must be true or false'],
      [settingsWith([{ ...rule(), enabled: null }]), 'sets[0].rules[0].enabled must be true or false'],
      [
        settingsWith([{ ...rule(), target: 'border' }]),
        'sets[0].rules[0].target must be one of "foreground", "background"',
      ],
      [settingsWith([{ ...rule(), scope: 'word' }]), 'sets[0].rules[0].scope must be one of "line", "match"'],
      [settingsWith([{ ...rule(), bold: true }]), 'sets[0].rules[0] has an unknown field "bold"'],
      [
        settingsWith([{ pattern: 'x', regex: false, matchCase: true, color: '#000000', target: 'foreground' }]),
        'sets[0].rules[0].scope is missing',
      ],
    ];
    for (const [value, message] of cases) {
      expect(validateHighlightSettings(value)).toEqual({ ok: false, code: 'EINVAL', message });
    }
  });

  it('rejects an invalid regular expression with V8’s reason, but not the same text as a literal', () => {
    const result = validateHighlightSettings(settingsWith([rule(), rule({ pattern: 'a(b', regex: true })]));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.message).toMatch(/^sets\[0\]\.rules\[1\]\.pattern is not a valid regular expression: .*a\(b/);
    expect(validateHighlightSettings(settingsWith([rule({ pattern: 'a(b' })])).ok).toBe(true);
  });

  it('accepts the limits exactly', () => {
    const sets = Array.from({ length: 32 }, (_, index) => ({
      name: `${index}`.padEnd(80, '.'),
      rules: Array.from({ length: 64 }, () => rule({ pattern: 'p'.repeat(1024), color: '#ABCdef' })),
    }));
    expect(validateHighlightSettings({ active: sets[31]!.name, sets }).ok).toBe(true);
    const tooMany = [...sets, { name: 'one more', rules: [] }];
    expect(validateHighlightSettings({ active: sets[0]!.name, sets: tooMany })).toEqual({
      ok: false,
      code: 'EINVAL',
      message: 'sets has 33 sets; at most 32 are allowed',
    });
  });
});

describe('export and import', () => {
  it('round-trips through pretty JSON in the hexlog envelope', () => {
    const settings = {
      active: 'Mine',
      sets: [
        ...DEFAULT_HIGHLIGHTS.sets,
        { name: 'Mine', rules: [rule({ pattern: 'a.b', scope: 'line', target: 'background', enabled: false })] },
      ],
    };
    const json = exportHighlightSets(settings);
    expect(json).toMatch(/^\{\n {2}"hexlog": "highlight-sets",\n {2}"version": 1,\n/);
    expect(importHighlightSets(json)).toEqual({ ok: true, value: settings });
  });

  it('says what is wrong with a file that is not one', () => {
    const envelope = (fields: Record<string, unknown>) =>
      JSON.stringify({ hexlog: 'highlight-sets', version: 1, ...DEFAULT_HIGHLIGHTS, ...fields });
    const cases: readonly (readonly [string, string, string | RegExp])[] = [
      ['{"hexlog": ', 'EINVAL', /^Not valid JSON: /],
      ['[]', 'EINVAL', 'Not a hexlog highlight-sets file: the JSON is not an object'],
      ['"text"', 'EINVAL', 'Not a hexlog highlight-sets file: the JSON is not an object'],
      [
        JSON.stringify(DEFAULT_HIGHLIGHTS),
        'EINVAL',
        'Not a hexlog highlight-sets file: "hexlog" must be "highlight-sets"',
      ],
      [
        envelope({ hexlog: 'settings' }),
        'EINVAL',
        'Not a hexlog highlight-sets file: "hexlog" must be "highlight-sets"',
      ],
      [envelope({ version: undefined }), 'EINVAL', 'version must be a whole number from 1'],
      [envelope({ version: 0 }), 'EINVAL', 'version must be a whole number from 1'],
      [envelope({ version: 1.5 }), 'EINVAL', 'version must be a whole number from 1'],
      [envelope({ version: '1' }), 'EINVAL', 'version must be a whole number from 1'],
      [
        envelope({ version: 2 }),
        'EUNSUPPORTED',
        'The file is version 2, from a newer hexlog; this one reads version 1.',
      ],
      [envelope({ active: 'nope' }), 'EINVAL', 'active must name one of the sets; there is no set "nope"'],
      [
        envelope({ sets: [{ name: 'A', rules: [rule({ target: 'x' as 'foreground' })] }], active: 'A' }),
        'EINVAL',
        /^sets\[0\]\.rules\[0\]\.target/,
      ],
      [envelope({ comment: 'hi' }), 'EINVAL', 'highlight settings has an unknown field "comment"'],
    ];
    for (const [json, code, message] of cases) {
      const result = importHighlightSets(json);
      expect(result.ok).toBe(false);
      if (result.ok) continue;
      expect(result.code).toBe(code);
      if (typeof message === 'string') expect(result.message).toBe(message);
      else expect(result.message).toMatch(message);
    }
  });

  it('refuses a text too large to be a highlight-sets file before parsing it', () => {
    const result = importHighlightSets(' '.repeat(8 * 1024 * 1024 + 1));
    expect(result.ok ? null : result.code).toBe('ETOOBIG');
  });
});

describe('compileHighlightSet', () => {
  it('reports the index of the rule that does not compile, skipping disabled ones', () => {
    const set: HighlightSet = {
      name: 's',
      rules: [rule(), rule({ pattern: '[', regex: true, enabled: false }), rule({ pattern: '(?<x', regex: true })],
    };
    const result = compileHighlightSet(set);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.rule).toBe(2);
    expect(result.code).toBe('EINVAL');
    expect(result.message).toMatch(/^Rule 3: invalid regular expression: /);
  });

  it('reports an empty pattern', () => {
    const result = compileHighlightSet({ name: 's', rules: [rule({ pattern: '' })] });
    expect(result).toEqual({ ok: false, code: 'EINVAL', message: 'Rule 1 has an empty pattern.', rule: 0 });
  });

  it('leaves disabled rules out and sorts rules by scope, keeping their order', () => {
    const result = compileHighlightSet({
      name: 's',
      rules: [
        rule({ color: '#000001', scope: 'line' }),
        rule({ color: '#000002' }),
        rule({ color: '#000003', enabled: false }),
        rule({ color: '#000004', scope: 'line' }),
      ],
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.lineRules.map((r) => r.color)).toEqual(['#000001', '#000004']);
    expect(result.value.matchRules.map((r) => r.color)).toEqual(['#000002']);
  });
});

describe('highlightLine', () => {
  const red = '#ff0000';
  const blue = '#0000ff';
  const green = '#00ff00';

  it('answers nothing for an empty set or a line nothing matches', () => {
    expect(highlightLine(compiled(), 'anything')).toEqual({ foreground: null, background: null, spans: [] });
    expect(highlightLine(compiled(rule({ pattern: 'zzz' })), 'anything').spans).toEqual([]);
  });

  it('escapes literal patterns and honours match case', () => {
    const literal = compiled(rule({ pattern: 'a.b(c)' }));
    expect(highlightLine(literal, 'axb(c) a.b(c)').spans).toEqual([
      { start: 7, end: 13, color: '#112233', target: 'foreground' },
    ]);
    const caseless = compiled(rule({ pattern: 'Err', matchCase: false }));
    expect(highlightLine(caseless, 'err ERR eRr').spans.map((s) => s.start)).toEqual([0, 4, 8]);
    const exact = compiled(rule({ pattern: 'Err' }));
    expect(highlightLine(exact, 'err ERR Err').spans.map((s) => s.start)).toEqual([8]);
    const regex = compiled(rule({ pattern: 'e\\w+', regex: true, matchCase: false }));
    expect(highlightLine(regex, 'x Error y').spans).toEqual([
      { start: 2, end: 7, color: '#112233', target: 'foreground' },
    ]);
  });

  it('line rules: the last matching rule wins, foreground and background apart', () => {
    const rules = compiled(
      rule({ pattern: 'a', scope: 'line', target: 'foreground', color: red }),
      rule({ pattern: 'b', scope: 'line', target: 'background', color: red }),
      rule({ pattern: 'c', scope: 'line', target: 'foreground', color: blue }),
      rule({ pattern: 'zzz', scope: 'line', target: 'foreground', color: green }),
    );
    expect(highlightLine(rules, 'abc')).toEqual({ foreground: blue, background: red, spans: [] });
    expect(highlightLine(rules, 'a')).toEqual({ foreground: red, background: null, spans: [] });
    expect(highlightLine(rules, 'b')).toEqual({ foreground: null, background: red, spans: [] });
  });

  it('match rules: the earlier rule keeps what it matched and the later one fills the gaps', () => {
    const rules = compiled(
      rule({ pattern: 'bcd', color: red }),
      rule({ pattern: 'abcdef', color: blue, target: 'background' }),
      rule({ pattern: 'f', color: green }),
    );
    expect(highlightLine(rules, 'abcdefg').spans).toEqual([
      { start: 0, end: 1, color: blue, target: 'background' },
      { start: 1, end: 4, color: red, target: 'foreground' },
      { start: 4, end: 6, color: blue, target: 'background' },
    ]);
  });

  it('skips zero-length matches and still finds the others', () => {
    const rules = compiled(rule({ pattern: 'x*', regex: true }), rule({ pattern: '^|$', regex: true }));
    expect(highlightLine(rules, 'axxbx').spans.map((s) => [s.start, s.end])).toEqual([
      [1, 3],
      [4, 5],
    ]);
  });

  it('gives the same answer on every call (global regexes are reset)', () => {
    const rules = compiled(rule({ pattern: 'b' }), rule({ pattern: 'a', scope: 'line', color: red }));
    const first = highlightLine(rules, 'abab');
    expect(highlightLine(rules, 'bb')).toEqual({
      foreground: null,
      background: null,
      spans: [
        { start: 0, end: 1, color: '#112233', target: 'foreground' },
        { start: 1, end: 2, color: '#112233', target: 'foreground' },
      ],
    });
    expect(highlightLine(rules, 'abab')).toEqual(first);
    expect(first.foreground).toBe(red);
  });

  it(`answers at most ${MAX_LINE_SPANS} spans and looks at the first ${HIGHLIGHT_SCAN_CHARS} characters`, () => {
    const rules = compiled(rule({ pattern: 'a' }));
    expect(highlightLine(rules, 'ab'.repeat(1000)).spans).toHaveLength(MAX_LINE_SPANS);
    const late = `${'-'.repeat(HIGHLIGHT_SCAN_CHARS - 1)}aa`;
    expect(highlightLine(rules, late).spans).toEqual([
      { start: HIGHLIGHT_SCAN_CHARS - 1, end: HIGHLIGHT_SCAN_CHARS, color: '#112233', target: 'foreground' },
    ]);
    const lineRule = compiled(rule({ pattern: 'a', scope: 'line', color: red }));
    expect(highlightLine(lineRule, `${'-'.repeat(HIGHLIGHT_SCAN_CHARS)}a`).foreground).toBeNull();
  });

  it('seeded: spans are sorted, disjoint, inside the text, and agree with painting rule by rule', () => {
    const patterns = ['a', 'ab', 'b+', 'a|c', '(?:ab)*', 'c.a', 'A', '[abc]{2}', 'b*'];
    const ruleArb = fc.record({
      pattern: fc.constantFrom(...patterns),
      regex: fc.boolean(),
      matchCase: fc.boolean(),
    });
    fc.assert(
      fc.property(
        fc.array(ruleArb, { minLength: 1, maxLength: 6 }),
        fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'A', ' '), maxLength: 80 }),
        (generated, text) => {
          const rules = generated.map((r, index) =>
            rule({ ...r, color: `#0000${index.toString(16).padStart(2, '0')}` }),
          );
          const { spans } = highlightLine(compiled(...rules), text);
          let previousEnd = 0;
          for (const span of spans) {
            expect(span.start).toBeGreaterThanOrEqual(previousEnd);
            expect(span.end).toBeGreaterThan(span.start);
            expect(span.end).toBeLessThanOrEqual(text.length);
            previousEnd = span.end;
          }
          // The naive version: each rule in order paints its matches where nothing is painted yet.
          const painted: (string | null)[] = Array.from({ length: text.length }, () => null);
          for (const r of rules) {
            const source = r.regex ? r.pattern : r.pattern.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
            for (const match of text.matchAll(new RegExp(source, r.matchCase ? 'g' : 'gi'))) {
              for (let i = match.index; i < match.index + match[0].length; i++) painted[i] ??= r.color;
            }
          }
          const fromSpans: (string | null)[] = Array.from({ length: text.length }, () => null);
          for (const span of spans) fromSpans.fill(span.color, span.start, span.end);
          expect(fromSpans).toEqual(painted);
        },
      ),
      { seed: 7331, numRuns: 400 },
    );
  });
});
