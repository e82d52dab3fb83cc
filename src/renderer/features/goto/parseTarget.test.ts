import { describe, expect, it } from 'vitest';
import { parseLineTarget, parseOffsetTarget } from './parseTarget';

const lines = { current: 9, linesKnown: 5000, done: true };
const hexAt = { base: 'hex' as const, cursor: 0x20, size: 0x1000 };
const decAt = { ...hexAt, base: 'dec' as const };
const value = (target: ReturnType<typeof parseLineTarget>): number | string =>
  target.ok ? target.value : target.message;

describe('parseLineTarget', () => {
  it.each([
    ['1', 0],
    ['1,000', 999],
    ['1 000', 999],
    ['1\u00a0000', 999],
    ['1_000', 999],
    [' 42 ', 41],
    ['+10', 19],
    ['-9', 0],
    ['5000', 4999],
  ])('%j is 0-based line %i', (text, line) => {
    expect(value(parseLineTarget(text, lines))).toBe(line);
  });

  it.each([
    ['12abc', /not a line number/],
    ['', /not a line number/],
    ['0', /lines start at 1/],
    ['-10', /before the first line/],
    ['5001', /out of range: the file has 5,000 lines/],
    ['99999999999999999999', /too large/],
  ])('%j is refused: %s', (text, message) => {
    expect(value(parseLineTarget(text, lines))).toMatch(message);
  });

  it('a line past the known lines waits while indexing runs', () => {
    expect(value(parseLineTarget('9000', { ...lines, done: false }))).toBe(8999);
  });

  it('says "1 line" for a one-line file', () => {
    expect(value(parseLineTarget('2', { current: 0, linesKnown: 1, done: true }))).toMatch(/has 1 line\.$/);
  });
});

describe('parseOffsetTarget', () => {
  it.each([
    ['00000100', hexAt, 0x100],
    ['100', hexAt, 0x100],
    ['0x1F', hexAt, 0x1f],
    ['0X1F', hexAt, 0x1f],
    ['1Fh', hexAt, 0x1f],
    ['1fH', hexAt, 0x1f],
    ['ff', hexAt, 0xff],
    ['#256', hexAt, 256],
    ['256', decAt, 256],
    ['1,024', decAt, 1024],
    ['ff', decAt, 0xff],
    ['0x100', decAt, 0x100],
    ['+16', hexAt, 0x20 + 0x16],
    ['+16', decAt, 0x20 + 16],
    ['-0x10', hexAt, 0x10],
    ['0000 0100', hexAt, 0x100],
  ])('%j with offsets in %o is %i', (text, where, offset) => {
    expect(value(parseOffsetTarget(text, where))).toBe(offset);
  });

  it.each([
    ['-0x30', hexAt, /Offset −0x10 \(−16\) is before the start of the file/],
    ['0x1000', hexAt, /past the end of the file: it has 4,096 bytes, the last at 0xFFF \(4,095\)/],
    ['4096', decAt, /past the end .* the last at 4,095 \(0xFFF\)/],
    ['zz', hexAt, /not an offset/],
    ['#1f', hexAt, /not an offset/],
    ['', hexAt, /Type an offset/],
    ['0xFFFFFFFFFFFFFFFFFF', hexAt, /too large/],
  ])('%j is refused', (text, where, message) => {
    expect(value(parseOffsetTarget(text, where))).toMatch(message);
  });

  it('an empty file has no offset to go to', () => {
    expect(value(parseOffsetTarget('0', { ...hexAt, size: 0 }))).toMatch(/empty/);
  });
});
