// Decodes record fields into display text (as Python's repr shows `struct.unpack` values) and encodes
// a typed cell value back into the field's bytes, with range checks.
import type { FieldType, RecordField, RecordLayout } from './recordLayout';

export type ScalarValue = bigint | number | boolean | Uint8Array;
export type FieldValue = ScalarValue | readonly ScalarValue[];

export type EncodeResult =
  { readonly ok: true; readonly value: Uint8Array } | { readonly ok: false; readonly message: string };

const intRanges: Readonly<Partial<Record<FieldType, readonly [bigint, bigint]>>> = {
  u8: [0n, 0xffn],
  i8: [-0x80n, 0x7fn],
  u16: [0n, 0xffffn],
  i16: [-0x8000n, 0x7fffn],
  u32: [0n, 0xffffffffn],
  i32: [-0x80000000n, 0x7fffffffn],
  u64: [0n, 0xffffffffffffffffn],
  i64: [-0x8000000000000000n, 0x7fffffffffffffffn],
};

/** The value of one element at `offset` in `view`. */
function decodeScalar(type: FieldType, view: DataView, offset: number, littleEndian: boolean): ScalarValue {
  switch (type) {
    case 'u8':
      return view.getUint8(offset);
    case 'i8':
      return view.getInt8(offset);
    case 'u16':
      return view.getUint16(offset, littleEndian);
    case 'i16':
      return view.getInt16(offset, littleEndian);
    case 'u32':
      return view.getUint32(offset, littleEndian);
    case 'i32':
      return view.getInt32(offset, littleEndian);
    case 'u64':
      return view.getBigUint64(offset, littleEndian);
    case 'i64':
      return view.getBigInt64(offset, littleEndian);
    case 'f16':
      return halfToNumber(view.getUint16(offset, littleEndian));
    case 'f32':
      return view.getFloat32(offset, littleEndian);
    case 'f64':
      return view.getFloat64(offset, littleEndian);
    case 'bool':
      return view.getUint8(offset) !== 0;
    default:
      throw new Error(`not a scalar type: ${type}`);
  }
}

/** Decodes one field of the record that starts at `recordOffset` in `bytes`. */
export function decodeField(field: RecordField, bytes: Uint8Array, recordOffset: number): FieldValue {
  const start = recordOffset + field.offset;
  if (field.type === 'bytes' || field.type === 'text') return bytes.subarray(start, start + field.size);
  if (field.type === 'pascal') {
    const length = Math.min(bytes[start] ?? 0, field.size - 1);
    return bytes.subarray(start + 1, start + 1 + length);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (!field.isArray) return decodeScalar(field.type, view, start, field.littleEndian);
  const values: ScalarValue[] = [];
  for (let index = 0; index < field.count; index++) {
    values.push(decodeScalar(field.type, view, start + index * field.elementSize, field.littleEndian));
  }
  return values;
}

/** Display text of each field of the record at `recordOffset`. */
export function decodeRecord(layout: RecordLayout, bytes: Uint8Array, recordOffset: number): string[] {
  return layout.fields.map((field) => formatField(field, decodeField(field, bytes, recordOffset)));
}

export function formatField(field: RecordField, value: FieldValue): string {
  if (Array.isArray(value)) return `[${value.map((item: ScalarValue) => formatScalar(field.type, item)).join(', ')}]`;
  return formatScalar(field.type, value as ScalarValue);
}

function formatScalar(type: FieldType, value: ScalarValue): string {
  if (value instanceof Uint8Array) return type === 'text' ? escapeText(value) : pythonBytesRepr(value);
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'bigint') return value.toString();
  if (type === 'f16' || type === 'f32' || type === 'f64') return pythonFloatRepr(value);
  return String(value);
}

/** Python's `repr(float)`: shortest round-trip digits, exponent form below 1e-4 or from 1e16. */
export function pythonFloatRepr(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (value === Infinity) return 'inf';
  if (value === -Infinity) return '-inf';
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  const sign = value < 0 ? '-' : '';
  const [mantissa = '', exponentText = '0'] = Math.abs(value).toExponential().split('e');
  const digits = mantissa.replace('.', '');
  const exponent = Number(exponentText);
  const decimalPoint = exponent + 1;
  if (decimalPoint > 16 || decimalPoint < -3) {
    const fraction = digits.length > 1 ? `.${digits.slice(1)}` : '';
    const exponentSign = exponent < 0 ? '-' : '+';
    return `${sign}${digits[0] ?? ''}${fraction}e${exponentSign}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  if (decimalPoint <= 0) return `${sign}0.${'0'.repeat(-decimalPoint)}${digits}`;
  if (decimalPoint >= digits.length) return `${sign}${digits}${'0'.repeat(decimalPoint - digits.length)}.0`;
  return `${sign}${digits.slice(0, decimalPoint)}.${digits.slice(decimalPoint)}`;
}

const hex2 = (byte: number): string => byte.toString(16).padStart(2, '0');

function escapeByte(byte: number, quote: string): string {
  if (byte === 0x5c) return '\\\\';
  if (byte === 0x09) return '\\t';
  if (byte === 0x0a) return '\\n';
  if (byte === 0x0d) return '\\r';
  if (String.fromCharCode(byte) === quote) return `\\${quote}`;
  if (byte < 0x20 || byte >= 0x7f) return `\\x${hex2(byte)}`;
  return String.fromCharCode(byte);
}

/** Python's `repr(bytes)`: b'…', or b"…" when the bytes hold ' but no ". */
export function pythonBytesRepr(bytes: Uint8Array): string {
  const quote = bytes.includes(0x27) && !bytes.includes(0x22) ? '"' : "'";
  let body = '';
  for (const byte of bytes) body += escapeByte(byte, quote);
  return `b${quote}${body}${quote}`;
}

/** Bytes as text: printable ASCII as is, others escaped; trailing NULs (C string padding) dropped. */
export function escapeText(bytes: Uint8Array): string {
  let end = bytes.length;
  while (end > 0 && bytes[end - 1] === 0) end--;
  let body = '';
  for (const byte of bytes.subarray(0, end)) body += escapeByte(byte, '');
  return body;
}

/** IEEE 754 binary16 to a number. */
export function halfToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction === 0 ? sign * Infinity : NaN;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

/** A number to IEEE 754 binary16 bits, rounding to nearest even; null when it overflows. */
export function numberToHalf(value: number): number | null {
  if (Number.isNaN(value)) return 0x7e00;
  const signBit = value < 0 || Object.is(value, -0) ? 0x8000 : 0;
  const magnitude = Math.abs(value);
  if (magnitude === Infinity) return signBit | 0x7c00;
  // Scale into units of the smallest subnormal (2^-24) and round half to even.
  let exponent = magnitude >= 2 ** -14 ? Math.floor(Math.log2(magnitude)) : -14;
  if (2 ** exponent > magnitude) exponent--;
  if (2 ** (exponent + 1) <= magnitude) exponent++;
  exponent = Math.max(exponent, -14);
  const unit = 2 ** (exponent - 10);
  const scaled = magnitude / unit;
  let mantissa = Math.floor(scaled);
  const remainder = scaled - mantissa;
  if (remainder > 0.5 || (remainder === 0.5 && mantissa % 2 === 1)) mantissa++;
  if (mantissa === 2048) {
    mantissa = 1024;
    exponent++;
  }
  if (mantissa < 1024) return signBit | mantissa; // subnormal (exponent stays -14)
  if (exponent > 15) return null;
  return signBit | ((exponent + 15) << 10) | (mantissa - 1024);
}

const fail = (message: string): EncodeResult => ({ ok: false, message });

/** Parses an integer typed by a person: decimal, 0x hex, 0o, 0b, with an optional sign and `_`. */
function parseInteger(text: string): bigint | null {
  const match = /^([+-]?)(0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|\d[\d_]*)$/.exec(text.trim());
  if (match === null) return null;
  const magnitude = BigInt(match[2]?.replace(/_/g, '') ?? '0');
  return match[1] === '-' ? -magnitude : magnitude;
}

function parseFloatText(text: string): number | null {
  const trimmed = text.trim().toLowerCase();
  if (/^[+-]?(inf|infinity)$/.test(trimmed)) return trimmed.startsWith('-') ? -Infinity : Infinity;
  if (/^[+-]?nan$/.test(trimmed)) return NaN;
  if (!/^[+-]?(\d[\d_]*\.?[\d_]*|\.\d[\d_]*)(e[+-]?\d+)?$/.test(trimmed)) return null;
  return Number(trimmed.replace(/_/g, ''));
}

function parseBool(text: string): boolean | null {
  const trimmed = text.trim().toLowerCase();
  if (trimmed === 'true' || trimmed === '1') return true;
  if (trimmed === 'false' || trimmed === '0') return false;
  return null;
}

/** Parses escaped text (`abc\x00\n`) or a Python bytes literal (`b'abc'`) into bytes. */
export function parseEscapedBytes(text: string): Uint8Array | string {
  let body = text;
  const literal = /^b(['"])([\s\S]*)\1$/.exec(text.trim());
  if (literal !== null) body = literal[2] ?? '';
  const out: number[] = [];
  for (let index = 0; index < body.length; index++) {
    const code = body.charCodeAt(index);
    if (code > 0x7f) return `"${body[index] ?? ''}" is not ASCII; write it as \\xHH escapes`;
    if (code !== 0x5c) {
      out.push(code);
      continue;
    }
    const next = body[++index];
    const simple: Record<string, number> = { n: 10, t: 9, r: 13, '0': 0, '\\': 0x5c, "'": 0x27, '"': 0x22 };
    if (next === 'x') {
      const digits = body.slice(index + 1, index + 3);
      if (!/^[0-9a-fA-F]{2}$/.test(digits)) return `"\\x" must be followed by two hex digits`;
      out.push(parseInt(digits, 16));
      index += 2;
    } else if (next !== undefined && simple[next] !== undefined) {
      out.push(simple[next]);
    } else {
      return `unknown escape "\\${next ?? ''}"; use \\xHH, \\n, \\t, \\r, \\0 or \\\\`;
    }
  }
  return Uint8Array.from(out);
}

function encodeScalar(
  type: FieldType,
  text: string,
  view: DataView,
  offset: number,
  littleEndian: boolean,
): string | null {
  const range = intRanges[type];
  if (range !== undefined) {
    const value = parseInteger(text);
    if (value === null) return `"${text.trim()}" is not an integer`;
    if (value < range[0] || value > range[1])
      return `${value} is out of range for ${type} (${range[0]} to ${range[1]})`;
    switch (type) {
      case 'u8':
      case 'i8':
        view.setUint8(offset, Number(BigInt.asUintN(8, value)));
        break;
      case 'u16':
      case 'i16':
        view.setUint16(offset, Number(BigInt.asUintN(16, value)), littleEndian);
        break;
      case 'u32':
      case 'i32':
        view.setUint32(offset, Number(BigInt.asUintN(32, value)), littleEndian);
        break;
      default:
        view.setBigUint64(offset, BigInt.asUintN(64, value), littleEndian);
    }
    return null;
  }
  if (type === 'bool') {
    const value = parseBool(text);
    if (value === null) return `"${text.trim()}" is not a bool; type True or False`;
    view.setUint8(offset, value ? 1 : 0);
    return null;
  }
  const value = parseFloatText(text);
  if (value === null) return `"${text.trim()}" is not a number`;
  if (type === 'f64') {
    view.setFloat64(offset, value, littleEndian);
  } else if (type === 'f32') {
    if (Number.isFinite(value) && !Number.isFinite(Math.fround(value))) return `${text.trim()} is too large for f32`;
    view.setFloat32(offset, value, littleEndian);
  } else {
    const half = numberToHalf(value);
    if (half === null) return `${text.trim()} is too large for f16 (at most 65504)`;
    view.setUint16(offset, half, littleEndian);
  }
  return null;
}

/** Splits an array cell (`[1, 2, 3]` or `1, 2, 3`) into its items. */
function splitArray(text: string): string[] {
  const inner = text.trim().replace(/^\[([\s\S]*)\]$/, '$1');
  return inner.trim() === '' ? [] : inner.split(',');
}

/** The bytes a typed cell value stands for, exactly `field.size` long, or why it cannot be. */
export function encodeField(field: RecordField, text: string): EncodeResult {
  const out = new Uint8Array(field.size);
  if (field.type === 'bytes' || field.type === 'text' || field.type === 'pascal') {
    const parsed = parseEscapedBytes(text);
    if (typeof parsed === 'string') return fail(parsed);
    const room = field.type === 'pascal' ? field.size - 1 : field.size;
    if (parsed.length > room) return fail(`${parsed.length} bytes do not fit in ${room} bytes`);
    if (field.type === 'pascal') {
      out[0] = parsed.length;
      out.set(parsed, 1);
    } else {
      out.set(parsed);
    }
    return { ok: true, value: out };
  }
  const view = new DataView(out.buffer);
  const items = field.isArray ? splitArray(text) : [text];
  if (items.length !== field.count)
    return fail(`expected ${field.count} values separated by commas, got ${items.length}`);
  for (let index = 0; index < items.length; index++) {
    const problem = encodeScalar(field.type, items[index] ?? '', view, index * field.elementSize, field.littleEndian);
    if (problem !== null) return fail(field.isArray ? `item ${index + 1}: ${problem}` : problem);
  }
  return { ok: true, value: out };
}
