import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../shared/seededRandom';
import { parseHexPattern, requiredLiteral } from './query';

describe('requiredLiteral', () => {
  it.each([
    ['ERROR \\[worker-1[0-5]\\]', 'ERROR [worker-1'],
    ['^timeout=\\d+ ms$', 'timeout='],
    ['colou?r', 'colo'],
    ['ab*c', null],
    ['a+bcd', 'bcd'],
    ['(ERROR|WARN) disk', ' disk'],
    ['ERROR|WARN', null],
    ['[a-z]+=9[0-9]{4}$', '=9'],
    ['\\d+\\.\\d+', null],
    ['x', null],
    ['\\x41BC', 'ABC'],
    ['A\\x42C', 'ABC'],
    ['\\cIAB', '\tAB'],
    ['\\u0041BC', 'ABC'],
    ['\\u{41}BC', 'BC'],
    ['ab\\0cd', 'ab\0cd'],
    ['ab\\01', 'ab'],
    ['ab\\bcde', 'cde'],
    ['ab\\dcde', 'cde'],
    ['x\\.yz', 'x.yz'],
    ['ab{0}cd', 'cd'],
    ['ab{2,}cde', 'abb'],
    ['req=0{4}[a-f]{4}', 'req=0000'],
    ['retry=9{3}[0-9]{2}', 'retry=999'],
    ['ab{3}c', 'abbbc'],
    ['x{2,2}yz', 'xxyz'],
    ['x{2}?yz', 'xxyz'],
    ['a{100}', 'a'.repeat(64)],
    ['abc{', 'abc'],
    ['abc+?d', 'abc'],
    ['(?=abc)xy', 'xy'],
    ['(a)b\\1cd', 'cd'],
    ['(?<n>ab)\\k<n>', null],
    ['\\101BC', 'BC'],
    ['x\\012yz', 'yz'],
    ['(ab)\\12cd', 'cd'],
  ])('%s → %s', (pattern, literal) => {
    expect(requiredLiteral(pattern)).toBe(literal);
  });

  it('every match of the regex contains the literal, on seeded samples', () => {
    const samples = ['ERROR [worker-12] disk full', 'ok timeout=12 ms', 'color colour', 'aaabcd'];
    for (const pattern of ['ERROR \\[worker-1[0-5]\\]', 'timeout=\\d+ ms', 'colou?r', 'a+bcd']) {
      const literal = requiredLiteral(pattern)!;
      for (const sample of samples) {
        for (const match of sample.matchAll(new RegExp(pattern, 'g'))) expect(match[0]).toContain(literal);
      }
    }
  });
});

describe('requiredLiteral on generated patterns', () => {
  // Pieces of patterns, escapes of every form among them.
  const pieces = [
    'a',
    'b',
    'c',
    'AB',
    ' ',
    '=',
    '\\x41',
    '\\x62',
    '\\u0063',
    '\\u{2}',
    '\\cA',
    '\\0',
    '\\t',
    '\\.',
    '\\[',
    '\\d',
    '\\w',
    '\\s',
    '\\b',
    '\\B',
    '[abc]',
    '[^a]',
    '.',
    '(a|b)',
    '(?:ab)',
    '(?=a)',
    '(?!b)',
    '\\1',
    '^',
    '$',
    '*',
    '+',
    '?',
    '{0}',
    '{1}',
    '{2,3}',
    '{',
    '}',
    '*?',
    '|',
  ];
  const alphabet = 'abcAB =.[\t\0\u0001\u0002';

  it('every match of a seeded random pattern contains its literal (plain RegExp scan)', () => {
    const random = seededRandom(2024);
    let checked = 0;
    for (let trial = 0; trial < 4000; trial++) {
      const pattern = Array.from({ length: 1 + random.int(8) }, () => pieces[random.int(pieces.length)]!).join('');
      let regex: RegExp;
      try {
        regex = new RegExp(pattern, random.int(2) === 0 ? 'g' : 'gi');
      } catch {
        continue; // not a valid pattern: the find bar says so before any search
      }
      const literal = requiredLiteral(pattern);
      if (literal === null) continue;
      for (let sample = 0; sample < 20; sample++) {
        const text = Array.from({ length: random.int(30) }, () => alphabet[random.int(alphabet.length)]!).join('');
        for (const match of text.matchAll(regex)) {
          const haystack = regex.ignoreCase ? match[0].toLowerCase() : match[0];
          expect(haystack, `${pattern} on ${JSON.stringify(text)}`).toContain(
            regex.ignoreCase ? literal.toLowerCase() : literal,
          );
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(100);
  });
});

describe('parseHexPattern', () => {
  it('reads bytes and wildcards', () => {
    const parsed = parseHexPattern('DE AD ?? ef');
    expect(parsed.ok && [...parsed.value.bytes]).toEqual([0xde, 0xad, 0, 0xef]);
    expect(parsed.ok && [...parsed.value.mask!]).toEqual([0xff, 0xff, 0, 0xff]);
    expect(parseHexPattern('DEADBEEF')).toMatchObject({ ok: true });
    expect(parseHexPattern('?? ??')).toMatchObject({ ok: false });
    expect(parseHexPattern('DE AD G1')).toMatchObject({ ok: false });
  });
});
