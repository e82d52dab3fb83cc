import { describe, expect, it } from 'vitest';

import {
  decodeField,
  decodeRecord,
  encodeField,
  escapeText,
  halfToNumber,
  numberToHalf,
  pythonFloatRepr,
  type FieldValue,
} from './recordDecode';
import { parseRecordLayout, type RecordField, type RecordLayout } from './recordLayout';
import { seededRandom, type SeededRandom } from './seededRandom';

const namedTypes = ['u8', 'i8', 'bool', 'u16', 'i16', 'u32', 'i32', 'u64', 'i64', 'f16', 'f32', 'f64'];

function randomNamedLayout(random: SeededRandom): string {
  const items: string[] = [];
  const fieldCount = 1 + random.int(8);
  for (let index = 0; index < fieldCount; index++) {
    const roll = random.int(10);
    if (roll === 0) {
      items.push(`char[${1 + random.int(10)}] c${index}`);
      continue;
    }
    const base = namedTypes[random.int(namedTypes.length)] ?? 'u8';
    const order = ['u8', 'i8', 'bool'].includes(base) ? '' : random.int(2) === 0 ? 'le' : 'be';
    const array = roll === 1 ? `[${1 + random.int(4)}]` : '';
    items.push(`${base}${order}${array} v${index}`);
  }
  return items.join('; ');
}

/** The obvious decoder: one DataView read per element, type by type, no shared code with the real one. */
function naiveField(field: RecordField, view: DataView, base: number): FieldValue {
  const read = (at: number): FieldValue => {
    const le = field.littleEndian;
    const readers: Record<string, () => FieldValue> = {
      u8: () => view.getUint8(at),
      i8: () => view.getInt8(at),
      bool: () => view.getUint8(at) !== 0,
      u16: () => view.getUint16(at, le),
      i16: () => view.getInt16(at, le),
      u32: () => view.getUint32(at, le),
      i32: () => view.getInt32(at, le),
      u64: () => view.getBigUint64(at, le),
      i64: () => view.getBigInt64(at, le),
      f32: () => view.getFloat32(at, le),
      f64: () => view.getFloat64(at, le),
      // binary16 through a float32 built from its bits
      f16: () => {
        const bits = view.getUint16(at, le);
        const sign = (bits & 0x8000) << 16;
        const exponent = (bits >> 10) & 0x1f;
        const fraction = bits & 0x3ff;
        if (exponent === 0) return (sign ? -1 : 1) * fraction * 2 ** -24;
        const f32 = new DataView(new ArrayBuffer(4));
        const wide = exponent === 0x1f ? 0xff : exponent - 15 + 127;
        f32.setUint32(0, (sign | (wide << 23) | (fraction << 13)) >>> 0);
        return f32.getFloat32(0);
      },
    };
    return (readers[field.type] as () => FieldValue)();
  };
  const start = base + field.offset;
  if (field.type === 'text') return new Uint8Array(view.buffer, view.byteOffset + start, field.size);
  if (!field.isArray) return read(start);
  return Array.from({ length: field.count }, (_, index) => read(start + index * field.elementSize)) as FieldValue;
}

function layoutOf(text: string): RecordLayout {
  const result = parseRecordLayout(text);
  if (!result.ok) throw new Error(result.message);
  return result.value;
}

describe('decodeField', () => {
  it('decodes seeded named layouts over seeded bytes exactly as a naive DataView decoder', () => {
    const random = seededRandom(2024);
    let checked = 0;
    for (let round = 0; round < 300; round++) {
      const layout = layoutOf(randomNamedLayout(random));
      const records = 1 + random.int(5);
      const lead = random.int(7);
      const bytes = random.bytes(lead + layout.size * records);
      const view = new DataView(bytes.buffer);
      for (let record = 0; record < records; record++) {
        const base = lead + record * layout.size;
        for (const field of layout.fields) {
          const expected = naiveField(field, view, base);
          const actual = decodeField(field, bytes, base);
          if (typeof expected === 'number' && Number.isNaN(expected)) expect(Number.isNaN(actual)).toBe(true);
          else expect(actual).toEqual(expected);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(1000);
  });

  it('shows char[N] as escaped text without its trailing NULs, and arrays as lists', () => {
    const layout = layoutOf('char[8] name; u8[3] rgb; i16be[2] pair');
    const bytes = Uint8Array.from([0x61, 0x5c, 0x0a, 0xff, 0x22, 0, 0, 0, 1, 2, 255, 0xff, 0xfe, 0x00, 0x07]);
    expect(decodeRecord(layout, bytes, 0)).toEqual(['a\\\\\\n\\xff"', '[1, 2, 255]', '[-2, 7]']);
  });
});

describe('pythonFloatRepr', () => {
  it('writes floats as Python does', () => {
    const cases: [number, string][] = [
      [1, '1.0'],
      [0.5, '0.5'],
      [-0, '-0.0'],
      [1e16, '1e+16'],
      [1234567890123456, '1234567890123456.0'],
      [0.0001, '0.0001'],
      [0.00001, '1e-05'],
      [5e-324, '5e-324'],
      [1.5e300, '1.5e+300'],
      [NaN, 'nan'],
      [-Infinity, '-inf'],
      [61728, '61728.0'],
    ];
    for (const [value, repr] of cases) expect(pythonFloatRepr(value)).toBe(repr);
  });
});

describe('numberToHalf', () => {
  it('round-trips every binary16 bit pattern', () => {
    for (let bits = 0; bits < 0x10000; bits++) {
      const value = halfToNumber(bits);
      if (Number.isNaN(value)) continue;
      expect(numberToHalf(value)).toBe(bits);
    }
  });
  it('rounds to nearest even and refuses what overflows', () => {
    expect(numberToHalf(1 + 2 ** -11)).toBe(0x3c00);
    expect(numberToHalf(1 + 3 * 2 ** -11)).toBe(0x3c02);
    expect(numberToHalf(65504)).toBe(0x7bff);
    expect(numberToHalf(65520)).toBeNull();
  });
});

describe('encodeField', () => {
  it('writes back what decodes to the typed text, for seeded layouts and values', () => {
    const random = seededRandom(77);
    for (let round = 0; round < 300; round++) {
      const layout = layoutOf(randomNamedLayout(random));
      const bytes = random.bytes(layout.size);
      for (const field of layout.fields) {
        const shown = decodeRecord({ ...layout, fields: [field] }, bytes, 0)[0] ?? '';
        const encoded = encodeField(field, shown);
        if (!encoded.ok) throw new Error(`${field.name} ${field.type} "${shown}": ${encoded.message}`);
        expect(encoded.value.length).toBe(field.size);
        expect(decodeRecord({ ...layout, fields: [{ ...field, offset: 0 }] }, encoded.value, 0)[0]).toBe(shown);
      }
    }
  });

  it('writes the bytes a person means, in the field byte order', () => {
    const [id, value, name, pad] = layoutOf('u32be id; f64le value; char[4] name; i8[2] pad').fields;
    const bytesOf = (field: RecordField | undefined, text: string): number[] => {
      const result = encodeField(field as RecordField, text);
      if (!result.ok) throw new Error(result.message);
      return [...result.value];
    };
    expect(bytesOf(id, '0x01020304')).toEqual([1, 2, 3, 4]);
    expect(bytesOf(value, '1.5')).toEqual([0, 0, 0, 0, 0, 0, 0xf8, 0x3f]);
    expect(bytesOf(name, 'ab')).toEqual([0x61, 0x62, 0, 0]);
    expect(bytesOf(name, "b'a\\x00\\n'")).toEqual([0x61, 0, 10, 0]);
    expect(bytesOf(pad, '[-1, 5]')).toEqual([0xff, 5]);
    const [pascal] = layoutOf('4p').fields;
    expect(bytesOf(pascal, 'hi')).toEqual([2, 0x68, 0x69, 0]);
  });

  it('refuses bad values with a clear message', () => {
    const [u8, i64, f32, f16, flag, name, pair] = layoutOf(
      'u8 a; i64le b; f32le c; f16le d; bool e; char[2] f; u16le[2] g',
    ).fields as RecordField[];
    const messageOf = (field: RecordField | undefined, text: string): string => {
      const result = encodeField(field as RecordField, text);
      return result.ok ? 'accepted' : result.message;
    };
    expect(messageOf(u8, '256')).toBe('256 is out of range for u8 (0 to 255)');
    expect(messageOf(u8, '-1')).toMatch(/out of range/);
    expect(messageOf(u8, 'ten')).toBe('"ten" is not an integer');
    expect(messageOf(i64, '9223372036854775808')).toMatch(/out of range for i64/);
    expect(messageOf(i64, '-9223372036854775808')).toBe('accepted');
    expect(messageOf(f32, '1e39')).toMatch(/too large for f32/);
    expect(messageOf(f32, '1.2.3')).toMatch(/not a number/);
    expect(messageOf(f16, '70000')).toMatch(/too large for f16/);
    expect(messageOf(flag, 'maybe')).toMatch(/not a bool/);
    expect(messageOf(name, 'abc')).toBe('3 bytes do not fit in 2 bytes');
    expect(messageOf(name, '\\q')).toMatch(/unknown escape/);
    expect(messageOf(name, 'é')).toMatch(/not ASCII/);
    expect(messageOf(pair, '[1]')).toMatch(/expected 2 values/);
    expect(messageOf(pair, '[1, 70000]')).toMatch(/item 2: 70000 is out of range/);
  });
});

describe('escapeText', () => {
  it('keeps inner NULs and drops trailing ones', () => {
    expect(escapeText(Uint8Array.from([0x41, 0, 0x42, 0, 0]))).toBe('A\\x00B');
  });
});
