// Feeds a regex worker with whole lines read through the session (its mapping, with pending edits
// laid over), a bounded batch at a time. Every line or piece it hands out is at most
// MAX_REGEX_LINE_BYTES long: a longer line is searched in pieces of that size (documented in the
// find bar's notice), so memory stays bounded even for a file with no newline at all.
import type { TextEncodingName } from '../../../shared/contract';

/** Reads the file as the session shows it; throws a coded error (EFILECHANGED, ECLOSED) when it cannot. */
export interface ByteReader {
  readonly size: number;
  read(offset: number, target: Uint8Array): number;
}

/** Offsets, ascending, of a literal every match contains; known progressively (a running search). */
export interface CandidateSource {
  /** Candidates known so far (a final prefix) and whether that is all of them. */
  known(): { readonly count: number; readonly done: boolean };
  page(first: number, count: number): Float64Array;
}

/** One batch for the worker: regions of `bytes`, each at a file position; the worker splits them at line ends. */
export interface LineBatch {
  readonly bytes: Uint8Array<ArrayBuffer>;
  /** Pairs [start, end) into bytes. */
  readonly regions: Uint32Array<ArrayBuffer>;
  /** File offset of each region's first byte. */
  readonly positions: Float64Array<ArrayBuffer>;
  /** Everything before this file offset has been handed out. */
  readonly scannedTo: number;
}

/** Longest line (or piece of a longer line) one regex call sees; also the read size. */
export const MAX_REGEX_LINE_BYTES = 4 * 1024 * 1024;
/** A window read around sparse candidates. */
const WINDOW_BYTES = 64 * 1024;
const CANDIDATE_PAGE = 65_536;
const MAX_BATCH_LINES = 16_384;

export class LineFeeder {
  private position = 0;
  /** Lines longer than MAX_REGEX_LINE_BYTES met so far (searched in pieces). */
  longLines = 0;
  private inLongLine = false;
  private readonly unit: 1 | 2;
  private readonly newlineLow: boolean;
  // Candidate mode.
  private candidateIndex = 0;
  private candidatePage: Float64Array = new Float64Array(0);
  private candidatePageFirst = 0;
  private window = new Uint8Array(0);
  private windowStart = 0;

  constructor(
    private readonly reader: ByteReader,
    encoding: TextEncodingName,
    private readonly candidates: CandidateSource | null,
  ) {
    this.unit = encoding === 'utf-16le' || encoding === 'utf-16be' ? 2 : 1;
    // In UTF-16 LE a newline is 0A 00: its 0A is the low (first) byte of the unit.
    this.newlineLow = encoding !== 'utf-16be';
  }

  /** The next batch, 'wait' while candidates are still being found, or null at the end. */
  next(): LineBatch | 'wait' | null {
    return this.candidates === null ? this.nextChunk() : this.nextCandidates(this.candidates);
  }

  private nextChunk(): LineBatch | null {
    const size = this.reader.size;
    if (this.position >= size) return null;
    const length = Math.min(MAX_REGEX_LINE_BYTES, size - this.position);
    const bytes = new Uint8Array(length);
    const read = this.reader.read(this.position, bytes);
    if (read < length) throw fileChanged(this.position + read);
    let end = length;
    if (this.position + length < size) {
      const last = this.lastNewline(bytes, length);
      if (last < 0) {
        // A whole read without a line end: a piece of a long line.
        end = this.pieceEnd(bytes, length);
        if (!this.inLongLine) this.longLines++;
        this.inLongLine = true;
      } else {
        end = last + this.unit;
        this.inLongLine = false;
      }
    }
    const position = this.position;
    this.position += end;
    return {
      bytes: bytes.subarray(0, end),
      regions: Uint32Array.of(0, end),
      positions: Float64Array.of(position),
      scannedTo: this.position,
    };
  }

  private nextCandidates(source: CandidateSource): LineBatch | 'wait' | null {
    const size = this.reader.size;
    const parts: Uint8Array[] = [];
    const regions: number[] = [];
    const positions: number[] = [];
    let total = 0;
    while (total < MAX_REGEX_LINE_BYTES && positions.length < MAX_BATCH_LINES) {
      const candidate = this.nextCandidate(source);
      if (candidate === 'wait') {
        if (positions.length > 0) break;
        return 'wait';
      }
      if (candidate === null) {
        this.position = size;
        break;
      }
      if (candidate < this.position) continue; // on a line already handed out
      const [start, end] = this.lineAround(candidate);
      const bytes = new Uint8Array(end - start);
      if (bytes.byteLength > 0 && this.reader.read(start, bytes) < bytes.byteLength) throw fileChanged(start);
      regions.push(total, total + bytes.byteLength);
      positions.push(start);
      parts.push(bytes);
      total += bytes.byteLength;
      this.position = Math.min(size, end + this.unit);
    }
    if (positions.length === 0) return null;
    const bytes = new Uint8Array(total);
    let at = 0;
    for (const part of parts) {
      bytes.set(part, at);
      at += part.byteLength;
    }
    return {
      bytes,
      regions: Uint32Array.from(regions),
      positions: Float64Array.from(positions),
      scannedTo: this.position,
    };
  }

  private nextCandidate(source: CandidateSource): number | 'wait' | null {
    const index = this.candidateIndex;
    if (index >= this.candidatePageFirst + this.candidatePage.length) {
      const known = source.known();
      if (index >= known.count) return known.done ? null : 'wait';
      this.candidatePage = source.page(index, Math.min(CANDIDATE_PAGE, known.count - index));
      this.candidatePageFirst = index;
    }
    this.candidateIndex++;
    return this.candidatePage[index - this.candidatePageFirst]!;
  }

  /**
   * The line holding `offset` as [start, end), newline excluded, never starting before the lines
   * already handed out, and at most MAX_REGEX_LINE_BYTES on either side of the candidate.
   */
  private lineAround(offset: number): [number, number] {
    const floor = this.position;
    let start = floor;
    for (let back = WINDOW_BYTES; ; back *= 2) {
      const from = Math.max(floor, offset - back);
      const found = this.lastNewlineIn(from, offset);
      if (found >= 0) {
        start = found + this.unit;
        break;
      }
      if (from === floor) break;
      if (back >= MAX_REGEX_LINE_BYTES) {
        start = from;
        this.longLines++;
        break;
      }
    }
    const size = this.reader.size;
    let end = size;
    for (let ahead = WINDOW_BYTES; ; ahead *= 2) {
      const to = Math.min(size, offset + ahead);
      const found = this.firstNewlineIn(offset, to);
      if (found >= 0) {
        end = found;
        break;
      }
      if (to === size) break;
      if (ahead >= MAX_REGEX_LINE_BYTES) {
        end = to;
        this.longLines++;
        break;
      }
    }
    return [start, end];
  }

  /** Reads [from, to) into the window buffer (or reuses it) and returns it with its start. */
  private windowFor(from: number, to: number): Uint8Array {
    if (from >= this.windowStart && to <= this.windowStart + this.window.byteLength) {
      return this.window.subarray(from - this.windowStart, to - this.windowStart);
    }
    const start = from;
    const end = Math.min(this.reader.size, Math.max(to, from + WINDOW_BYTES));
    const bytes = new Uint8Array(end - start);
    if (this.reader.read(start, bytes) < bytes.byteLength) throw fileChanged(start);
    this.window = bytes;
    this.windowStart = start;
    return bytes.subarray(0, to - from);
  }

  private lastNewlineIn(from: number, to: number): number {
    // Align to whole units from the file's start.
    const alignedFrom = from + ((this.unit - (from % this.unit)) % this.unit);
    if (to <= alignedFrom) return -1;
    const bytes = this.windowFor(alignedFrom, to);
    const at = this.lastNewline(bytes, bytes.byteLength);
    return at < 0 ? -1 : alignedFrom + at;
  }

  private firstNewlineIn(from: number, to: number): number {
    const alignedFrom = from - (from % this.unit);
    if (to <= alignedFrom) return -1;
    const bytes = this.windowFor(alignedFrom, to);
    if (this.unit === 1) {
      const at = bytes.indexOf(0x0a);
      return at < 0 ? -1 : alignedFrom + at;
    }
    for (let at = 0; at + 1 < bytes.byteLength; at += 2) if (this.isNewline(bytes, at)) return alignedFrom + at;
    return -1;
  }

  /** Start of the last line end among bytes[0, length), -1 if none. */
  private lastNewline(bytes: Uint8Array, length: number): number {
    if (this.unit === 1) return length > 0 ? bytes.lastIndexOf(0x0a, length - 1) : -1;
    for (let at = length - 2 - (length % 2); at >= 0; at -= 2) if (this.isNewline(bytes, at)) return at;
    return -1;
  }

  private isNewline(bytes: Uint8Array, at: number): boolean {
    return this.newlineLow ? bytes[at] === 0x0a && bytes[at + 1] === 0 : bytes[at] === 0 && bytes[at + 1] === 0x0a;
  }

  /** Where to cut a piece of a long line so that no character is split. */
  private pieceEnd(bytes: Uint8Array, length: number): number {
    if (this.unit === 2) {
      const end = length - (length % 2);
      const high = this.newlineLow ? bytes[end - 1]! : bytes[end - 2]!;
      return high >= 0xd8 && high <= 0xdb && end > 2 ? end - 2 : end; // keep a surrogate pair whole
    }
    // Walk back to the lead byte of the last sequence; cut before it if the read ends inside it.
    let lead = length - 1;
    for (let back = 0; back < 3 && lead > 0 && (bytes[lead]! & 0xc0) === 0x80; back++) lead--;
    const first = bytes[lead]!;
    const needs = first >= 0xf0 ? 4 : first >= 0xe0 ? 3 : first >= 0xc0 ? 2 : 1;
    return needs > length - lead && lead > 0 ? lead : length;
  }
}

function fileChanged(offset: number): Error {
  return Object.assign(new Error(`the file ended at byte ${offset} while it was searched: it changed on disk`), {
    code: 'EFILECHANGED',
  });
}
