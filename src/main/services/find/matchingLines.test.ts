// lineRuleOf: the addon's rule for a search plan, as the filter and the timeline take it.
import { describe, expect, it } from 'vitest';
import type { TextEncodingName } from '../../../shared/contract';
import { lineRuleOf } from './matchingLines';
import { pcre2Enabled, pcre2PatternOf } from './nativeRegexSearch';
import { planSearch, type RegexPlan } from './query';

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
const latin1 = (text: string): Uint8Array => Uint8Array.from(text, (char) => char.charCodeAt(0));

function regexPlan(pattern: string, matchCase: boolean, encoding: TextEncodingName): RegexPlan {
  const plan = planSearch({ mode: 'regex', pattern, matchCase, wholeWord: false }, encoding);
  if (!plan.ok || plan.value.kind !== 'regex') throw new Error(`${pattern} is not a regex plan`);
  return plan.value;
}

describe('lineRuleOf', () => {
  it('gives a regex of literals its literal set in the file encoding, as find gives it', () => {
    const cases: [string, boolean, TextEncodingName, Uint8Array[]][] = [
      [
        'ERROR|FATAL|level=error|"level":"error"',
        true,
        'utf-8',
        ['ERROR', 'FATAL', 'level=error', '"level":"error"'].map(utf8),
      ],
      ['warn|crit', false, 'utf-8', [utf8('warn'), utf8('crit')]],
      ['café|x\\.y', true, 'latin1', [latin1('café'), latin1('x.y')]],
      ['café|€', true, 'utf-8', [utf8('café'), utf8('€')]],
    ];
    for (const [pattern, matchCase, encoding, literalSet] of cases) {
      const plan = regexPlan(pattern, matchCase, encoding);
      const rule = lineRuleOf(plan, encoding, true);
      if (!pcre2Enabled()) {
        expect(rule).toBeNull();
        continue;
      }
      expect(rule).toEqual({ kind: 'regex', exclude: true, pattern: pcre2PatternOf(plan, encoding) });
      expect(rule?.kind === 'regex' ? rule.pattern.literalSet : undefined).toEqual(literalSet);
    }
  });

  it('gives no literal set to a regex that is more than literals', () => {
    for (const [pattern, matchCase] of [
      ['ERR(OR)?|FATAL', true],
      ['^ERROR', true],
      ['warn|\\d+', false],
    ] as const) {
      const rule = lineRuleOf(regexPlan(pattern, matchCase, 'utf-8'), 'utf-8');
      if (!pcre2Enabled()) continue;
      expect(rule?.kind).toBe('regex');
      expect(rule?.kind === 'regex' ? rule.pattern.literalSet : 'bytes').toBeUndefined();
    }
  });
});
