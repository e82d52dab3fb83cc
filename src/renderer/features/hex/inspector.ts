// Reads and writes the data inspector's types at the cursor: pure functions over bytes.
export type InspectorKind =
  | 'int8'
  | 'uint8'
  | 'int16'
  | 'uint16'
  | 'int32'
  | 'uint32'
  | 'int64'
  | 'uint64'
  | 'float32'
  | 'float64'
  | 'utf8'
  | 'time32'
  | 'time64';

export const inspectorKinds: readonly InspectorKind[] = [
  'int8',
  'uint8',
  'int16',
  'uint16',
  'int32',
  'uint32',
  'int64',
  'uint64',
  'float32',
  'float64',
  'utf8',
  'time32',
  'time64',
];

export const kindWidth: Record<Exclude<InspectorKind, 'utf8'>, number> = {
  int8: 1,
  uint8: 1,
  int16: 2,
  uint16: 2,
  int32: 4,
  uint32: 4,
  int64: 8,
  uint64: 8,
  float32: 4,
  float64: 8,
  time32: 4,
  time64: 8,
};

/** The attribute tests find a row by: the endianness suffix on multi-byte types. */
export function dataType(kind: InspectorKind, littleEndian: boolean): string {
  if (kind === 'int8' || kind === 'uint8' || kind === 'utf8') return kind;
  return `${kind}${littleEndian ? 'le' : 'be'}`;
}

/** Length in bytes of the UTF-8 sequence led by `lead`, or 0 if `lead` cannot start one. */
function utf8Length(lead: number): number {
  if (lead < 0x80) return 1;
  if (lead >= 0xc2 && lead <= 0xdf) return 2;
  if (lead >= 0xe0 && lead <= 0xef) return 3;
  if (lead >= 0xf0 && lead <= 0xf4) return 4;
  return 0;
}

function timeText(seconds: bigint): string {
  const ms = Number(seconds) * 1000;
  if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) return 'out of range';
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

/** The value at the start of `bytes` as text, or null when too few bytes remain. */
export function readKind(kind: InspectorKind, bytes: Uint8Array, littleEndian: boolean): string | null {
  if (kind === 'utf8') {
    const length = bytes.length > 0 ? utf8Length(bytes[0]!) : 0;
    if (bytes.length === 0) return null;
    if (length === 0 || length > bytes.length) return 'invalid';
    const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes.subarray(0, length));
    return text.includes('\ufffd')
      ? 'invalid'
      : `${text} (U+${text.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')})`;
  }
  const width = kindWidth[kind];
  if (bytes.length < width) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, width);
  switch (kind) {
    case 'int8':
      return String(view.getInt8(0));
    case 'uint8':
      return String(view.getUint8(0));
    case 'int16':
      return String(view.getInt16(0, littleEndian));
    case 'uint16':
      return String(view.getUint16(0, littleEndian));
    case 'int32':
      return String(view.getInt32(0, littleEndian));
    case 'uint32':
      return String(view.getUint32(0, littleEndian));
    case 'int64':
      return String(view.getBigInt64(0, littleEndian));
    case 'uint64':
      return String(view.getBigUint64(0, littleEndian));
    case 'float32':
      return String(view.getFloat32(0, littleEndian));
    case 'float64':
      return String(view.getFloat64(0, littleEndian));
    case 'time32':
      return timeText(BigInt(view.getUint32(0, littleEndian)));
    case 'time64':
      return timeText(view.getBigInt64(0, littleEndian));
  }
}

const integerRanges: Partial<Record<InspectorKind, readonly [bigint, bigint]>> = {
  int8: [-128n, 127n],
  uint8: [0n, 255n],
  int16: [-32768n, 32767n],
  uint16: [0n, 65535n],
  int32: [-2147483648n, 2147483647n],
  uint32: [0n, 4294967295n],
  int64: [-(2n ** 63n), 2n ** 63n - 1n],
  uint64: [0n, 2n ** 64n - 1n],
  time32: [0n, 4294967295n],
  time64: [-(2n ** 63n), 2n ** 63n - 1n],
};

/** Encodes typed text as bytes for `kind`, or explains why it cannot. */
export function writeKind(kind: InspectorKind, text: string, littleEndian: boolean): Uint8Array | string {
  const trimmed = text.trim();
  if (kind === 'utf8') {
    const chars = [...trimmed];
    if (chars.length !== 1) return 'Type exactly one character.';
    return new TextEncoder().encode(chars[0]);
  }
  const width = kindWidth[kind];
  const out = new Uint8Array(width);
  const view = new DataView(out.buffer);
  if (kind === 'float32' || kind === 'float64') {
    const value = Number(trimmed);
    if (trimmed === '' || Number.isNaN(value)) return `"${trimmed}" is not a number.`;
    if (kind === 'float32') view.setFloat32(0, value, littleEndian);
    else view.setFloat64(0, value, littleEndian);
    return out;
  }
  let value: bigint;
  if ((kind === 'time32' || kind === 'time64') && !/^-?\d+$/.test(trimmed)) {
    const ms = Date.parse(trimmed);
    if (Number.isNaN(ms)) return `"${trimmed}" is not a date (use ISO 8601, e.g. 2024-01-31T12:00:00Z) or seconds.`;
    value = BigInt(Math.floor(ms / 1000));
  } else {
    const compact = trimmed.replace(/[,_\s]/g, '');
    const hex = /^(-?)0x([0-9a-f]+)$/i.exec(compact);
    if (hex !== null) {
      // Hex is the bit pattern: 0xFFFFFFFF is -1 as an int32, as a hex editor's user means it.
      const bits = BigInt(`0x${hex[2]!}`);
      if (hex[1] === '' && bits <= (1n << BigInt(width * 8)) - 1n) {
        value = BigInt.asIntN(width * 8, bits);
        if (kind.startsWith('uint') || kind.startsWith('time')) value = BigInt.asUintN(width * 8, bits);
      } else value = hex[1] === '-' ? -bits : bits;
    } else {
      if (!/^-?\d+$/.test(compact)) return `"${trimmed}" is not a whole number (decimal, or hex as 0x1F).`;
      value = BigInt(compact);
    }
  }
  const [low, high] = integerRanges[kind]!;
  if (value < low || value > high) return `${value} is out of range for ${kind} (${low} to ${high}).`;
  if (width === 1) view.setUint8(0, Number(BigInt.asUintN(8, value)));
  else if (width === 2) view.setUint16(0, Number(BigInt.asUintN(16, value)), littleEndian);
  else if (width === 4) view.setUint32(0, Number(BigInt.asUintN(32, value)), littleEndian);
  else view.setBigUint64(0, BigInt.asUintN(64, value), littleEndian);
  return out;
}

/** Parses pasted or typed hex ("DE AD be ef", "0xDEAD", "de:ad") into bytes, or explains why not. */
export function parseHexBytes(text: string): Uint8Array | string {
  const cleaned = text.replace(/0x/gi, '').replace(/[\s:,-]/g, '');
  if (cleaned.length === 0) return 'Nothing to paste.';
  if (!/^[0-9a-fA-F]+$/.test(cleaned)) return 'The clipboard does not hold hex bytes (e.g. "DE AD BE EF").';
  if (cleaned.length % 2 !== 0) return 'Hex bytes come in pairs of digits; the clipboard has an odd number.';
  const out = new Uint8Array(cleaned.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(cleaned.slice(2 * i, 2 * i + 2), 16);
  return out;
}
