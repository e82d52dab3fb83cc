import { describe, expect, it } from 'vitest';

import { parseRecordTarget, parseStartOffset, recordSpan, spanText } from './recordGeometry';

describe('recordSpan', () => {
  it('counts whole records from the start and says where the bytes left over begin', () => {
    const span = recordSpan(12_000_004, 0, 12);
    expect(span).toEqual({ count: 1_000_000, remainder: 4, remainderOffset: 12_000_000 });
    expect(spanText(span)).toBe('1,000,000 records · 4 bytes left over at 0xB71B00');
    expect(spanText(recordSpan(24, 0, 12))).toBe('2 records');
    expect(recordSpan(10, 4, 12)).toEqual({ count: 0, remainder: 6, remainderOffset: 4 });
    expect(recordSpan(10, 10, 4)).toEqual({ count: 0, remainder: 0, remainderOffset: 10 });
  });
});

describe('parseRecordTarget', () => {
  it('reads 0-based indexes with separators, hex, and steps from the current record', () => {
    expect(parseRecordTarget('123,456', 0, 1_000_000)).toEqual({ ok: true, value: 123456 });
    expect(parseRecordTarget('0x10', 0, 100)).toEqual({ ok: true, value: 16 });
    expect(parseRecordTarget('+5', 10, 100)).toEqual({ ok: true, value: 15 });
    expect(parseRecordTarget('-5', 10, 100)).toEqual({ ok: true, value: 5 });
  });
  it('refuses what is not a record', () => {
    expect(parseRecordTarget('100', 0, 100)).toEqual({
      ok: false,
      message: 'Record 100 is out of range: records go from 0 to 99.',
    });
    expect(parseRecordTarget('-1', 0, 100).ok).toBe(false);
    expect(parseRecordTarget('ten', 0, 100)).toEqual({
      ok: false,
      message: '"ten" is not a record number: type 0 to 99.',
    });
  });
});

describe('parseStartOffset', () => {
  it('reads decimal and hex offsets up to the file size', () => {
    expect(parseStartOffset('16', 100)).toEqual({ ok: true, value: 16 });
    expect(parseStartOffset('0x10', 100)).toEqual({ ok: true, value: 16 });
    expect(parseStartOffset('101', 100).ok).toBe(false);
    expect(parseStartOffset('x', 100).ok).toBe(false);
  });
});
