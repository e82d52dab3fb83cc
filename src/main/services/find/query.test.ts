import { describe, expect, it } from 'vitest';
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
