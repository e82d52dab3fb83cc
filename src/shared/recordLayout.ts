// Record layouts: a Python `struct` format string (`<I d 8s`) or named fields (`u32le id; f64le value`).
// Parsing follows CPython's `struct` module (Modules/_struct.c, prepare_s) on x86-64 Linux.

/** What a field's bytes mean. `bytes` and `text` are raw bytes shown as a Python literal or as text. */
export type FieldType =
  | 'u8'
  | 'i8'
  | 'u16'
  | 'i16'
  | 'u32'
  | 'i32'
  | 'u64'
  | 'i64'
  | 'f16'
  | 'f32'
  | 'f64'
  | 'bool'
  | 'bytes'
  | 'text'
  | 'pascal';

export interface RecordField {
  readonly name: string;
  /** Byte offset of the field inside the record. */
  readonly offset: number;
  readonly type: FieldType;
  /** Elements in an array (`u8[4]`), or the byte length of `bytes`/`text`/`pascal`; 1 for a scalar. */
  readonly count: number;
  /** Bytes of one element (1 for bytes, text and pascal strings). */
  readonly elementSize: number;
  /** Total bytes of the field: `count * elementSize`. */
  readonly size: number;
  readonly littleEndian: boolean;
  /** True when the field is an array (`T[N]`) whose value is a list. */
  readonly isArray: boolean;
}

export interface RecordLayout {
  readonly syntax: 'struct' | 'named';
  /** Bytes per record (`struct.calcsize`). */
  readonly size: number;
  readonly fields: readonly RecordField[];
}

export interface LayoutError {
  readonly ok: false;
  readonly code: 'EINVAL';
  /** 0-based character position in the layout text where the problem is. */
  readonly position: number;
  readonly message: string;
}
export type LayoutResult = { readonly ok: true; readonly value: RecordLayout } | LayoutError;

/**
 * Caps that keep a record view responsive; Python accepts larger layouts, we refuse them clearly.
 * A screen of 64 KiB records stays well inside the byte cache's 16 MiB of pages.
 */
export const MAX_RECORD_SIZE = 64 * 1024;
export const MAX_FIELDS = 1024;
export const MAX_LAYOUT_LENGTH = 4096;

const layoutError = (position: number, message: string): LayoutError => ({
  ok: false,
  code: 'EINVAL',
  position,
  message: `at ${position + 1}: ${message}`,
});

interface StructCode {
  readonly type: FieldType;
  readonly size: number;
  /** 'x' pads produce no value. */
  readonly pad?: true;
}

// Native sizes on x86-64 Linux (LP64); alignment equals the size for every native code.
const nativeCodes: Readonly<Record<string, StructCode>> = {
  x: { type: 'u8', size: 1, pad: true },
  c: { type: 'bytes', size: 1 },
  b: { type: 'i8', size: 1 },
  B: { type: 'u8', size: 1 },
  '?': { type: 'bool', size: 1 },
  h: { type: 'i16', size: 2 },
  H: { type: 'u16', size: 2 },
  i: { type: 'i32', size: 4 },
  I: { type: 'u32', size: 4 },
  l: { type: 'i64', size: 8 },
  L: { type: 'u64', size: 8 },
  q: { type: 'i64', size: 8 },
  Q: { type: 'u64', size: 8 },
  n: { type: 'i64', size: 8 },
  N: { type: 'u64', size: 8 },
  e: { type: 'f16', size: 2 },
  f: { type: 'f32', size: 4 },
  d: { type: 'f64', size: 8 },
  s: { type: 'bytes', size: 1 },
  p: { type: 'pascal', size: 1 },
  P: { type: 'u64', size: 8 },
};

// Standard sizes (`= < > !`): `l`/`L` are 4 bytes, and n, N, P do not exist.
const standardCodes: Readonly<Record<string, StructCode>> = (() => {
  const table: Record<string, StructCode> = { ...nativeCodes };
  table.l = { type: 'i32', size: 4 };
  table.L = { type: 'u32', size: 4 };
  delete table.n;
  delete table.N;
  delete table.P;
  return table;
})();

const STRUCT_CHARS = 'x c b B ? h H i I l L q Q n N e f d s p P';
const isSpace = (ch: string): boolean => /^[ \t\n\r\v\f]$/.test(ch);
const isDigit = (ch: string): boolean => ch >= '0' && ch <= '9';

/** Parses a Python `struct` format string; fields are named f0, f1, … one per unpacked value. */
export function parseStructFormat(format: string): LayoutResult {
  if (format.length > MAX_LAYOUT_LENGTH) {
    return layoutError(MAX_LAYOUT_LENGTH, `a layout is at most ${MAX_LAYOUT_LENGTH} characters`);
  }
  let position = 0;
  let native = true;
  let littleEndian = true;
  const prefix = format[0];
  if (prefix !== undefined && '@=<>!'.includes(prefix)) {
    native = prefix === '@';
    littleEndian = prefix === '@' || prefix === '=' || prefix === '<';
    position = 1;
  }
  const codes = native ? nativeCodes : standardCodes;
  const fields: RecordField[] = [];
  let size = 0;
  while (position < format.length) {
    const start = position;
    let ch = format[position] as string;
    if (isSpace(ch)) {
      position++;
      continue;
    }
    let count = 1;
    if (isDigit(ch)) {
      count = 0;
      while (position < format.length && isDigit(format[position] as string)) {
        count = count * 10 + Number(format[position]);
        if (count > MAX_RECORD_SIZE) {
          return layoutError(start, `the repeat count is too large (a record is at most ${MAX_RECORD_SIZE} bytes)`);
        }
        position++;
      }
      if (position >= format.length) {
        return layoutError(start, `repeat count ${count} is not followed by a format character`);
      }
      ch = format[position] as string;
    }
    const code = codes[ch];
    if (code === undefined) {
      if (!native && (ch === 'n' || ch === 'N' || ch === 'P')) {
        return layoutError(position, `'${ch}' exists only in native mode (no prefix or '@'), not after '${prefix}'`);
      }
      const shown = isSpace(ch) ? 'a space (no space between a count and its character)' : `'${ch}'`;
      return layoutError(position, `bad format character ${shown}; expected one of ${STRUCT_CHARS}`);
    }
    if (ch === 'p' && count === 0) {
      return layoutError(start, "a Pascal string 'p' needs a count of at least 1");
    }
    if (native && size > 0) size = Math.ceil(size / code.size) * code.size;
    if (size + count * code.size > MAX_RECORD_SIZE) {
      return layoutError(start, `the record would be larger than ${MAX_RECORD_SIZE} bytes`);
    }
    if (ch === 's' || ch === 'p') {
      fields.push(field(`f${fields.length}`, size, code.type, count, 1, littleEndian, false));
    } else if (code.pad !== true) {
      if (fields.length + count > MAX_FIELDS) {
        return layoutError(start, `a layout has at most ${MAX_FIELDS} fields`);
      }
      for (let index = 0; index < count; index++) {
        const offset = size + index * code.size;
        fields.push(field(`f${fields.length}`, offset, code.type, 1, code.size, littleEndian, false));
      }
    }
    if (fields.length > MAX_FIELDS) return layoutError(start, `a layout has at most ${MAX_FIELDS} fields`);
    size += count * code.size;
    position++;
  }
  if (size === 0) return layoutError(format.length, 'the record is empty; expected at least one format character');
  return { ok: true, value: { syntax: 'struct', size, fields } };
}

function field(
  name: string,
  offset: number,
  type: FieldType,
  count: number,
  elementSize: number,
  littleEndian: boolean,
  isArray: boolean,
): RecordField {
  return { name, offset, type, count, elementSize, size: count * elementSize, littleEndian, isArray };
}

const namedTypeSizes: Readonly<Record<string, { type: FieldType; size: number }>> = {
  u8: { type: 'u8', size: 1 },
  i8: { type: 'i8', size: 1 },
  u16: { type: 'u16', size: 2 },
  i16: { type: 'i16', size: 2 },
  u32: { type: 'u32', size: 4 },
  i32: { type: 'i32', size: 4 },
  u64: { type: 'u64', size: 8 },
  i64: { type: 'i64', size: 8 },
  f16: { type: 'f16', size: 2 },
  f32: { type: 'f32', size: 4 },
  f64: { type: 'f64', size: 8 },
  bool: { type: 'bool', size: 1 },
  char: { type: 'text', size: 1 },
};
const NAMED_TYPES = 'u8 i8 u16le u16be i16le i16be u32le … f16le f32le f64le (or be), bool, char[N]';

const NAMED_START = /^\s*(?:[ui](?:8|16|32|64)|f(?:16|32|64)|char|bool)(?:le|be)?(?:\s*\[|\s)/;

/** True when the text reads as named fields (`u32le id; …`) rather than a struct string. */
export function looksLikeNamedFields(text: string): boolean {
  return NAMED_START.test(text);
}

const ITEM = /^([A-Za-z0-9_]+)\s*(?:\[\s*(\d+)\s*\])?\s+([A-Za-z_][A-Za-z0-9_]*)\s*(?:\[\s*(\d+)\s*\])?$/;

/** Parses named fields: `u32le id; f64le value; char[8] name; u8[4] pad`, packed with no padding. */
export function parseNamedFields(text: string): LayoutResult {
  if (text.length > MAX_LAYOUT_LENGTH) {
    return layoutError(MAX_LAYOUT_LENGTH, `a layout is at most ${MAX_LAYOUT_LENGTH} characters`);
  }
  const fields: RecordField[] = [];
  const names = new Set<string>();
  let size = 0;
  let itemStart = 0;
  for (const rawItem of text.split(';')) {
    const start = itemStart + (rawItem.length - rawItem.trimStart().length);
    itemStart += rawItem.length + 1;
    const item = rawItem.trim();
    if (item === '') continue;
    const match = ITEM.exec(item);
    if (match === null) {
      return layoutError(start, `expected "TYPE NAME" or "TYPE[N] NAME" (e.g. "u32le id"), found "${item}"`);
    }
    const [, typeName = '', typeCount, name = '', nameCount] = match;
    if (typeCount !== undefined && nameCount !== undefined) {
      return layoutError(start, `give the array length once, after the type or after the name`);
    }
    const lengthText = typeCount ?? nameCount;
    const resolved = resolveNamedType(typeName);
    if (typeof resolved === 'string') return layoutError(start, resolved);
    if (names.has(name)) return layoutError(start, `the field name "${name}" is used twice`);
    names.add(name);
    const count = lengthText === undefined ? 1 : Number(lengthText);
    if (lengthText !== undefined && (count < 1 || count > MAX_RECORD_SIZE)) {
      return layoutError(start, `the array length of "${name}" must be 1 to ${MAX_RECORD_SIZE}`);
    }
    if (size + count * resolved.size > MAX_RECORD_SIZE) {
      return layoutError(start, `the record would be larger than ${MAX_RECORD_SIZE} bytes`);
    }
    if (fields.length >= MAX_FIELDS) return layoutError(start, `a layout has at most ${MAX_FIELDS} fields`);
    const isText = resolved.type === 'text';
    const isArray = lengthText !== undefined && !isText;
    if (isText && lengthText === undefined) {
      fields.push(field(name, size, 'text', 1, 1, true, false));
    } else {
      fields.push(field(name, size, resolved.type, count, resolved.size, resolved.littleEndian, isArray));
    }
    size += count * resolved.size;
  }
  if (fields.length === 0) return layoutError(0, 'the record is empty; expected fields like "u32le id; f64le value"');
  return { ok: true, value: { syntax: 'named', size, fields } };
}

function resolveNamedType(typeName: string): { type: FieldType; size: number; littleEndian: boolean } | string {
  const match = /^(.*?)(le|be)?$/.exec(typeName);
  const base = match?.[1] ?? typeName;
  const order = match?.[2];
  const known = namedTypeSizes[base];
  if (known === undefined) return `unknown type "${typeName}"; expected one of ${NAMED_TYPES}`;
  if (known.size === 1 && order !== undefined) return `"${base}" is one byte and takes no byte order; write "${base}"`;
  if (known.size > 1 && order === undefined) {
    return `"${base}" needs a byte order: "${base}le" or "${base}be"`;
  }
  return { ...known, littleEndian: order !== 'be' };
}

/** Parses either notation, choosing by how the text starts. */
export function parseRecordLayout(text: string): LayoutResult {
  if (text.trim() === '') return layoutError(0, 'the layout is empty; type e.g. "<I d 8s" or "u32le id; f64le value"');
  return looksLikeNamedFields(text) ? parseNamedFields(text) : parseStructFormat(text);
}
