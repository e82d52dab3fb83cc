// The commit journal's byte format, with no file system: encode edits into journal bytes (streamed in
// chunks) and parse journal bytes back. Little-endian:
//   header   "HXLGJRNL", u32 version, u32 entry count, u64 file size, u64 edited bytes   (32 bytes)
//   entries  u64 offset, u32 length, old bytes, new bytes                                (each)
//   trailer  u32 CRC-32 of everything before it, "HXLGDONE"                              (12 bytes)
// A journal without its end marker is torn: the commit stopped while writing it, before the file was
// touched. One with the marker but a wrong checksum or shape is damaged.
import type { PendingEdit } from '../../../shared/editModel';

export const JOURNAL_MAGIC: Uint8Array = new TextEncoder().encode('HXLGJRNL');
export const JOURNAL_END: Uint8Array = new TextEncoder().encode('HXLGDONE');
export const JOURNAL_VERSION = 1;
export const HEADER_BYTES = 32;
export const ENTRY_HEADER_BYTES = 12;
export const TRAILER_BYTES = 4 + JOURNAL_END.length;
/** The most bytes one entry's old (or new) side may hold: its length is a u32. */
export const MAX_ENTRY_BYTES = 0xffff_ffff;
const MAX_ENTRIES = 0xffff_ffff;
const DEFAULT_CHUNK_BYTES = 64 * 1024;

export type ParsedJournal =
  | { readonly kind: 'complete'; readonly fileSize: number; readonly entries: readonly PendingEdit[] }
  | { readonly kind: 'torn' }
  | { readonly kind: 'damaged'; readonly reason: string };

/**
 * The journal for `edits` (ascending, non-overlapping, non-empty, old and new of equal length) of a
 * file of `fileSize` bytes, as chunks of about `chunkBytes` (an entry at least that long passes
 * through whole); the last chunk is the trailer. Each chunk is a fresh array or a view of an edit's
 * bytes, so the caller may keep it. Throws RangeError on edits that break those rules.
 */
export function* encodeJournal(
  edits: readonly PendingEdit[],
  fileSize: number,
  chunkBytes = DEFAULT_CHUNK_BYTES,
): Generator<Uint8Array, void, undefined> {
  requireEncodable(edits, fileSize);
  let crc = 0;
  let buffer = new Uint8Array(chunkBytes);
  let used = 0;
  function* append(bytes: Uint8Array): Generator<Uint8Array, void, undefined> {
    if (bytes.length > chunkBytes - used) {
      if (used > 0) {
        const full = buffer.subarray(0, used);
        crc = crc32(full, crc);
        yield full;
        buffer = new Uint8Array(chunkBytes);
        used = 0;
      }
      if (bytes.length >= chunkBytes) {
        crc = crc32(bytes, crc);
        yield bytes;
        return;
      }
    }
    buffer.set(bytes, used);
    used += bytes.length;
  }

  const header = new Uint8Array(HEADER_BYTES);
  const view = new DataView(header.buffer);
  header.set(JOURNAL_MAGIC, 0);
  view.setUint32(8, JOURNAL_VERSION, true);
  view.setUint32(12, edits.length, true);
  view.setBigUint64(16, BigInt(fileSize), true);
  view.setBigUint64(24, BigInt(edits.reduce((sum, edit) => sum + edit.oldBytes.length, 0)), true);
  yield* append(header);
  for (const { offset, oldBytes, newBytes } of edits) {
    const entryHeader = new Uint8Array(ENTRY_HEADER_BYTES);
    const entryView = new DataView(entryHeader.buffer);
    entryView.setBigUint64(0, BigInt(offset), true);
    entryView.setUint32(8, oldBytes.length, true);
    yield* append(entryHeader);
    yield* append(oldBytes);
    yield* append(newBytes);
  }
  if (used > 0) {
    const rest = buffer.subarray(0, used);
    crc = crc32(rest, crc);
    yield rest;
  }
  const trailer = new Uint8Array(TRAILER_BYTES);
  new DataView(trailer.buffer).setUint32(0, crc, true);
  trailer.set(JOURNAL_END, 4);
  yield trailer;
}

/** The whole journal in one array (encodeJournal's chunks joined). */
export function encodeJournalBytes(edits: readonly PendingEdit[], fileSize: number): Uint8Array {
  const chunks = [...encodeJournal(edits, fileSize)];
  const out = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.length, 0));
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

/** Reads journal bytes; never throws. Entries are views of `data`. */
export function parseJournal(data: Uint8Array): ParsedJournal {
  const body = data.length - TRAILER_BYTES;
  if (body < 0 || !sameBytes(data.subarray(body + 4), JOURNAL_END)) return { kind: 'torn' };
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  if (view.getUint32(body, true) !== crc32(data.subarray(0, body))) return damaged('checksum mismatch');
  if (body < HEADER_BYTES || !sameBytes(data.subarray(0, JOURNAL_MAGIC.length), JOURNAL_MAGIC)) {
    return damaged('not a hexlog journal');
  }
  const version = view.getUint32(8, true);
  if (version !== JOURNAL_VERSION) return damaged(`unsupported version ${version}`);
  const count = view.getUint32(12, true);
  const fileSize = readSafeInteger(view, 16);
  const editedBytes = readSafeInteger(view, 24);
  if (fileSize === undefined || editedBytes === undefined) return damaged('a size past 2^53');
  if (count > (body - HEADER_BYTES) / ENTRY_HEADER_BYTES) return damaged('entries end early');
  const entries: PendingEdit[] = [];
  let at = HEADER_BYTES;
  let end = 0; // where the previous entry's bytes end in the file
  let total = 0;
  for (let i = 0; i < count; i++) {
    if (at + ENTRY_HEADER_BYTES > body) return damaged('entries end early');
    const offset = readSafeInteger(view, at);
    const length = view.getUint32(at + 8, true);
    at += ENTRY_HEADER_BYTES;
    if (offset === undefined) return damaged('an offset past 2^53');
    if (at + 2 * length > body) return damaged('entries end early');
    if (length === 0) return damaged(`an empty entry at offset ${offset}`);
    if (offset < end) return damaged(`entry at offset ${offset} overlaps or precedes the one before`);
    if (offset + length > fileSize) return damaged(`entry at offset ${offset} passes the file size ${fileSize}`);
    entries.push({
      offset,
      oldBytes: data.subarray(at, at + length),
      newBytes: data.subarray(at + length, at + 2 * length),
    });
    at += 2 * length;
    end = offset + length;
    total += length;
  }
  if (at !== body) return damaged('bytes after the last entry');
  if (total !== editedBytes) return damaged(`header says ${editedBytes} edited bytes, entries hold ${total}`);
  return { kind: 'complete', fileSize, entries };
}

// ---- CRC-32 (IEEE 802.3, as zlib and PNG), slicing by 8 -----------------------------------

const CRC_TABLES: readonly Uint32Array[] = buildCrcTables();

function buildCrcTables(): Uint32Array[] {
  const tables = Array.from({ length: 8 }, () => new Uint32Array(256));
  const first = tables[0]!;
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    first[n] = c >>> 0;
  }
  for (let t = 1; t < 8; t++) {
    const previous = tables[t - 1]!;
    const table = tables[t]!;
    for (let n = 0; n < 256; n++) table[n] = (first[previous[n]! & 0xff]! ^ (previous[n]! >>> 8)) >>> 0;
  }
  return tables;
}

/** The CRC-32 of bytes, continuing from `previous` (the CRC of what came before), like zlib's crc32. */
export function crc32(bytes: Uint8Array, previous = 0): number {
  const [t0, t1, t2, t3, t4, t5, t6, t7] = CRC_TABLES as [
    Uint32Array,
    Uint32Array,
    Uint32Array,
    Uint32Array,
    Uint32Array,
    Uint32Array,
    Uint32Array,
    Uint32Array,
  ];
  let c = ~previous >>> 0;
  let i = 0;
  const whole = bytes.length - (bytes.length % 8);
  for (; i < whole; i += 8) {
    const low = (c ^ (bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24))) >>> 0;
    c =
      t7[low & 0xff]! ^
      t6[(low >>> 8) & 0xff]! ^
      t5[(low >>> 16) & 0xff]! ^
      t4[low >>> 24]! ^
      t3[bytes[i + 4]!]! ^
      t2[bytes[i + 5]!]! ^
      t1[bytes[i + 6]!]! ^
      t0[bytes[i + 7]!]!;
  }
  for (; i < bytes.length; i++) c = t0[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

// ---- Helpers --------------------------------------------------------------------------------

function requireEncodable(edits: readonly PendingEdit[], fileSize: number): void {
  if (!Number.isSafeInteger(fileSize) || fileSize < 0) throw new RangeError(`file size ${fileSize} is not a size`);
  if (edits.length > MAX_ENTRIES) throw new RangeError(`${edits.length} entries do not fit a journal`);
  let end = 0;
  for (const { offset, oldBytes, newBytes } of edits) {
    const length = oldBytes.length;
    if (!Number.isSafeInteger(offset) || offset < end) {
      throw new RangeError(`entry at ${offset} is not after the previous one (ends at ${end})`);
    }
    if (length === 0 || length !== newBytes.length || length > MAX_ENTRY_BYTES) {
      throw new RangeError(`entry at ${offset}: old and new bytes must be 1 to 2^32-1 bytes, equally long`);
    }
    if (offset + length > fileSize) throw new RangeError(`entry at ${offset} passes the file size ${fileSize}`);
    end = offset + length;
  }
}

function readSafeInteger(view: DataView, at: number): number | undefined {
  const value = view.getBigUint64(at, true);
  return value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : undefined;
}

function damaged(reason: string): ParsedJournal {
  return { kind: 'damaged', reason };
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
