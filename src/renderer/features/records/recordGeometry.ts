// How records lie over a file: their count from a start offset, the bytes left over, the width of
// each column, and what a person types into "Go to record" and "Start offset".
import type { FieldType, RecordField } from '../../../shared/recordLayout';
import { plural } from '../../format';

export interface RecordSpan {
  /** Whole records from `start` to the end of the file. */
  readonly count: number;
  /** Bytes after the last whole record, and where they begin. */
  readonly remainder: number;
  readonly remainderOffset: number;
}

export function recordSpan(fileSize: number, start: number, recordSize: number): RecordSpan {
  const available = Math.max(0, fileSize - start);
  const count = Math.floor(available / recordSize);
  const remainder = available - count * recordSize;
  return { count, remainder, remainderOffset: start + count * recordSize };
}

const hexOffset = (offset: number): string => `0x${offset.toString(16).toUpperCase()}`;

/** "1,000,000 records · 4 bytes left over at 0xB71B00". */
export function spanText(span: RecordSpan): string {
  const records = plural(span.count, 'record');
  if (span.remainder === 0) return records;
  return `${records} · ${plural(span.remainder, 'byte')} left over at ${hexOffset(span.remainderOffset)}`;
}

const typeWidths: Readonly<Record<FieldType, number>> = {
  u8: 3,
  i8: 4,
  bool: 5,
  u16: 5,
  i16: 6,
  u32: 10,
  i32: 11,
  u64: 20,
  i64: 20,
  f16: 10,
  f32: 20,
  f64: 22,
  bytes: 0,
  text: 0,
  pascal: 0,
};

/** Shown characters that a cell holds at most before it is cut with "…". */
export const MAX_CELL_CHARS = 120;

/** A column's width in characters: room for its widest value (capped) and its name. */
export function columnWidth(field: RecordField): number {
  let width: number;
  if (field.type === 'bytes' || field.type === 'pascal') width = 3 + Math.min(field.size, 16) * 2;
  else if (field.type === 'text') width = Math.min(field.size, 24) + 2;
  else if (field.isArray) width = Math.min(field.count * (typeWidths[field.type] + 2), 48);
  else width = typeWidths[field.type];
  return Math.min(Math.max(width, field.name.length, 4), 48) + 1;
}

export type Parsed = { readonly ok: true; readonly value: number } | { readonly ok: false; readonly message: string };

const SEPARATORS = /[,\s\u00a0\u202f_']/g;

function readNumber(text: string): number | null {
  const plain = text.trim().replace(SEPARATORS, '');
  if (/^0x[0-9a-f]+$/i.test(plain)) return parseInt(plain.slice(2), 16);
  if (/^[0-9a-f]+h$/i.test(plain)) return parseInt(plain.slice(0, -1), 16);
  if (/^\d+$/.test(plain)) return Number(plain);
  return null;
}

/** A 0-based record index (as the Index column shows), or +N / -N records from `current`. */
export function parseRecordTarget(text: string, current: number, count: number): Parsed {
  const shown = text.trim();
  const sign = shown.startsWith('+') || shown.startsWith('-') ? shown[0] : '';
  const value = readNumber(sign === '' ? shown : shown.slice(1));
  if (value === null) return { ok: false, message: `"${shown}" is not a record number: type 0 to ${count - 1}.` };
  const target = sign === '+' ? current + value : sign === '-' ? current - value : value;
  if (count === 0) return { ok: false, message: 'There are no whole records to go to.' };
  if (!Number.isSafeInteger(target) || target < 0 || target >= count) {
    return {
      ok: false,
      message: `Record ${target.toLocaleString('en-US')} is out of range: records go from 0 to ${(count - 1).toLocaleString('en-US')}.`,
    };
  }
  return { ok: true, value: target };
}

/** The offset of record 0: decimal, or hex as 0x1F / 1Fh. */
export function parseStartOffset(text: string, fileSize: number): Parsed {
  const value = readNumber(text);
  if (value === null) {
    return { ok: false, message: `"${text.trim()}" is not an offset: type a decimal number, or hex as 0x1F.` };
  }
  if (!Number.isSafeInteger(value) || value > fileSize) {
    return {
      ok: false,
      message: `Start offset ${value.toLocaleString('en-US')} is past the end of the file (${plural(fileSize, 'byte')}).`,
    };
  }
  return { ok: true, value };
}
