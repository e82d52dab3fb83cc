import { describe, expect, it } from 'vitest';
import { seededRandom } from './seededRandom';
import { formatGap, formatTime, parseTimeTarget } from './time';

const at = (text: string, currentMs: number | null = null): number => {
  const parsed = parseTimeTarget(text, { currentMs });
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.value;
};

describe('parseTimeTarget', () => {
  it('reads dates and times in the local zone, or in the zone written', () => {
    expect(at('2023-11-14 22:13:20')).toBe(new Date(2023, 10, 14, 22, 13, 20).getTime());
    expect(at('2023-11-14T22:13:20.5')).toBe(new Date(2023, 10, 14, 22, 13, 20, 500).getTime());
    expect(at('2023/11/14 22:13')).toBe(new Date(2023, 10, 14, 22, 13).getTime());
    expect(at('2023-11-14')).toBe(new Date(2023, 10, 14).getTime());
    expect(at('2023-11-14T22:13:20Z')).toBe(Date.UTC(2023, 10, 14, 22, 13, 20));
    expect(at('2023-11-14 22:13:20 +01:30')).toBe(Date.UTC(2023, 10, 14, 20, 43, 20));
    expect(at('2023-11-14T22:13:20-0500')).toBe(Date.UTC(2023, 10, 15, 3, 13, 20));
    expect(at('1700000000')).toBe(1_700_000_000_000);
    expect(at('1700000000.25')).toBe(1_700_000_000_250);
    expect(at('1700000000123')).toBe(1_700_000_000_123);
  });

  it('reads a time of day, a syslog date and a relative time from the current line', () => {
    const current = new Date(2024, 1, 29, 10, 0, 0).getTime();
    expect(at('22:13', current)).toBe(new Date(2024, 1, 29, 22, 13).getTime());
    expect(at('9:05:01.25', current)).toBe(new Date(2024, 1, 29, 9, 5, 1, 250).getTime());
    expect(at('Nov  4 22:13:20', current)).toBe(new Date(2024, 10, 4, 22, 13, 20).getTime());
    expect(at('-15m', current)).toBe(current - 15 * 60_000);
    expect(at('+1h30m', current)).toBe(current + 90 * 60_000);
    expect(at('- 2d', current)).toBe(current - 2 * 86_400_000);
    expect(at('+500ms', current)).toBe(current + 500);
    expect(at('-1.5s', current)).toBe(current - 1500);
  });

  it('refuses what is not a time, with a message saying what is', () => {
    const random = seededRandom(3);
    const refused = ['', 'yesterday', '2023-02-30', '2023-13-01 00:00', '24:00', '12:60', 'Foo 14 22:13:20', '-15x'];
    for (let i = 0; i < 200; i++) {
      refused.push(Array.from({ length: 1 + random.int(12) }, () => 'ab:-+ 9xZ/.'[random.int(11)]).join(''));
    }
    for (const text of refused) {
      const parsed = parseTimeTarget(text, { currentMs: 0 });
      if (parsed.ok) {
        // Random text that is a time after all must be one a person could have meant.
        expect(Number.isFinite(parsed.value), text).toBe(true);
        continue;
      }
      expect(parsed.message, text).toMatch(/time|date/);
    }
    expect(parseTimeTarget('22:13', { currentMs: null })).toMatchObject({ ok: false, message: /no time/ });
    expect(parseTimeTarget('-5m', { currentMs: null })).toMatchObject({ ok: false, message: /no time/ });
  });
});

describe('formatTime and formatGap', () => {
  it('shows local times and signed gaps', () => {
    expect(formatTime(new Date(2023, 10, 4, 2, 3, 4).getTime())).toBe('2023-11-04 02:03:04');
    expect(formatTime(new Date(2023, 10, 4, 2, 3, 4, 56).getTime())).toBe('2023-11-04 02:03:04.056');
    expect(formatGap(250)).toBe('+0.250 s');
    expect(formatGap(-1500)).toBe('−1.500 s');
    expect(formatGap(3 * 60_000 + 2000)).toBe('+3 min 2 s');
    expect(formatGap(2 * 3_600_000 + 5 * 60_000)).toBe('+2 h 5 min');
    expect(formatGap(-(86_400_000 + 3 * 3_600_000))).toBe('−1 d 3 h');
  });
});
