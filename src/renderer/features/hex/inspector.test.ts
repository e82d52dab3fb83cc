import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../shared/seededRandom';
import { inspectorKinds, kindWidth, parseHexBytes, readKind, writeKind } from './inspector';

describe('inspector values', () => {
  it('reads known bytes in both byte orders', () => {
    const bytes = new Uint8Array([0x78, 0x56, 0x34, 0x12, 0, 0, 0x80, 0x3f]);
    expect(readKind('uint32', bytes, true)).toBe('305419896');
    expect(readKind('uint32', bytes, false)).toBe('2018915346');
    expect(readKind('int8', new Uint8Array([0xff]), true)).toBe('-1');
    expect(readKind('float32', bytes.subarray(4), true)).toBe('1');
    expect(readKind('time32', new Uint8Array([0, 0, 0, 0]), true)).toBe('1970-01-01T00:00:00Z');
    expect(readKind('utf8', new TextEncoder().encode('é'), true)).toBe('é (U+00E9)');
    expect(readKind('utf8', new Uint8Array([0xc3]), true)).toBe('invalid');
    expect(readKind('uint64', new Uint8Array(4), true)).toBeNull();
  });

  it('write then read gives the value back for seeded random bytes of every numeric kind', () => {
    const random = seededRandom(31);
    for (let i = 0; i < 2000; i++) {
      const kind = inspectorKinds[random.int(inspectorKinds.length)]!;
      if (kind === 'utf8' || kind === 'float32' || kind === 'float64' || kind === 'time32' || kind === 'time64')
        continue;
      const littleEndian = random.int(2) === 0;
      const bytes = random.bytes(kindWidth[kind]);
      const text = readKind(kind, bytes, littleEndian)!;
      expect(writeKind(kind, text, littleEndian)).toEqual(bytes);
    }
  });

  it('refuses values that do not fit, with a reason', () => {
    expect(writeKind('uint8', '256', true)).toMatch(/out of range/);
    expect(writeKind('int16', 'abc', true)).toMatch(/not a whole number/);
    expect(writeKind('float32', 'x', true)).toMatch(/not a number/);
    expect(writeKind('utf8', 'ab', true)).toMatch(/one character/);
    expect(writeKind('time32', '1970-01-02T00:00:00Z', true)).toEqual(new Uint8Array([0x80, 0x51, 0x01, 0x00]));
  });
});

describe('parsing typed input', () => {
  it('integers typed as hex (0xdeadbeef) or with separators', () => {
    expect(writeKind('uint32', '0xdeadbeef', false)).toEqual(new Uint8Array([0xde, 0xad, 0xbe, 0xef]));
    expect(writeKind('uint32', '0XDEADBEEF', true)).toEqual(new Uint8Array([0xef, 0xbe, 0xad, 0xde]));
    expect(writeKind('int32', '0xffffffff', true)).toEqual(new Uint8Array([0xff, 0xff, 0xff, 0xff]));
    expect(writeKind('int8', '-0x10', true)).toEqual(new Uint8Array([0xf0]));
    expect(writeKind('uint16', '1,000', false)).toEqual(new Uint8Array([0x03, 0xe8]));
    expect(writeKind('uint8', '0x100', true)).toMatch(/out of range/);
    expect(writeKind('uint8', '0xzz', true)).toMatch(/not a whole number/);
  });

  it('hex bytes in the common notations, and refusals', () => {
    expect(parseHexBytes('DE AD be:ef')).toEqual(new Uint8Array([0xde, 0xad, 0xbe, 0xef]));
    expect(parseHexBytes('0xCAFE')).toEqual(new Uint8Array([0xca, 0xfe]));
    expect(parseHexBytes('abc')).toMatch(/pairs/);
    expect(parseHexBytes('zz')).toMatch(/hex bytes/);
  });
});
