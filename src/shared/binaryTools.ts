// The byte map and strings of a file, as the renderer sees them (issue 14, items 5 and 6). Types
// and limits only; the contract's channels use them.
import type { ByteCount, ByteOffset, SessionId } from './units';

/** A byte map of the whole file (the strip) or of a range (the panel's selection): one of each a session. */
export const byteMapPurposes = ['file', 'selection'] as const;
export type ByteMapPurpose = (typeof byteMapPurposes)[number];

/** Region classes as the native pass numbers them (native/src/core/byte_map.h); 255: not scanned yet. */
export const BYTE_CLASSES = [
  { id: 0, key: 'zeros', label: 'Zeros', rule: '≥ 99% bytes 0x00' },
  { id: 1, key: 'text', label: 'ASCII text', rule: '≥ 95% printable ASCII, tab, CR, LF' },
  {
    id: 2,
    key: 'high-entropy',
    label: 'High entropy',
    rule: '≥ 7.2 bits/byte, corrected for the region size (compressed, encrypted)',
  },
  { id: 3, key: 'other', label: 'Other', rule: 'code, tables, mixed data' },
] as const;
export const BYTE_CLASS_PENDING = 255;

/** Regions of a byte map: the strip's and the panel's resolution. */
export const BYTE_MAP_REGIONS = 4096;
/** No region is smaller: the entropy of fewer bytes says little (256 bytes hold at most 8 bits' worth). */
export const MIN_REGION_BYTES = 256;

export interface BinaryJobError {
  readonly code: string;
  readonly message: string;
}

export interface ByteMapStatus {
  readonly session: SessionId;
  /** Identifies one pass: starting again gives another. */
  readonly mapId: number;
  readonly purpose: ByteMapPurpose;
  readonly from: ByteOffset;
  readonly to: ByteOffset;
  /** Region r covers [from + r·regionBytes, min(to, from + (r + 1)·regionBytes)). */
  readonly regionBytes: number;
  /** One class id a region (BYTE_CLASSES), BYTE_CLASS_PENDING until scanned. */
  readonly classes: Uint8Array;
  /** Shannon entropy a region, bits per byte (0..8); NaN until scanned. */
  readonly entropy: Float64Array;
  /** 256 byte counts over the regions scanned. */
  readonly histogram: Float64Array;
  readonly bytesScanned: ByteCount;
  readonly totalBytes: ByteCount;
  readonly done: boolean;
  readonly cancelled: boolean;
  readonly error: BinaryJobError | null;
}

export const stringEncodingChoices = ['ascii', 'utf-16le', 'both'] as const;
export type StringEncodingChoice = (typeof stringEncodingChoices)[number];

export const MIN_STRING_LENGTH_MAX = 1024;
export const DEFAULT_MIN_STRING_LENGTH = 4;
export const MAX_STRINGS_PER_PAGE = 2000;
/** Characters of each string a page carries. */
export const STRING_PREVIEW_CHARS = 200;

export interface StringsStatus {
  readonly session: SessionId;
  readonly stringsId: number;
  readonly minLength: number;
  readonly encodings: StringEncodingChoice;
  /** Strings found in the scanned prefix of the file: final and in order of offset. */
  readonly stringsKnown: number;
  /** Stopped at the limit of strings kept. */
  readonly truncated: boolean;
  readonly bytesScanned: ByteCount;
  readonly totalBytes: ByteCount;
  readonly done: boolean;
  readonly cancelled: boolean;
  readonly error: BinaryJobError | null;
}

export interface StringsPage {
  readonly stringsId: number;
  readonly first: number;
  readonly offsets: Float64Array;
  /** In bytes (two a character for UTF-16LE). */
  readonly lengths: Float64Array;
  /** 1 ASCII, 2 UTF-16LE. */
  readonly encodings: Uint8Array;
  /** The first STRING_PREVIEW_CHARS characters of each. */
  readonly texts: readonly string[];
}
