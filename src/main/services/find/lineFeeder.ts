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

  /**
   * A chunk read from the line holding the next candidate (jumping over lines without one), with a
   * region for each line in it that holds a candidate: lines are found with indexOf in the chunk,
   * never copied one by one.
   */
  private nextCandidates(source: CandidateSource): LineBatch | 'wait' | null {
    const size = this.reader.size;
    let candidate = this.peekCandidate(source);
    while (typeof candidate === 'number' && candidate < this.position) {
      this.candidateIndex++; // on a line already handed out
      candidate = this.peekCandidate(source);
    }
    if (candidate === 'wait') return 'wait';
    if (candidate === null) {
      this.position = size;
      return null;
    }
    // Sparse candidates: start at the candidate's line and read a small window first.
    const jumped = candidate - this.position > WINDOW_BYTES;
    const start = jumped ? this.lineStartBefore(candidate) : this.position;
    let length = Math.min(jumped ? WINDOW_BYTES : MAX_REGEX_LINE_BYTES, size - start);
    let bytes = this.readChunk(start, length);
    let last = start + length < size ? this.lastNewline(bytes, length) : length - this.unit;
    if (jumped && start + length < size && start + last < candidate) {
      // The candidate's line goes on past the window: read a whole chunk.
      length = Math.min(MAX_REGEX_LINE_BYTES, size - start);
      bytes = this.readChunk(start, length);
      last = start + length < size ? this.lastNewline(bytes, length) : length - this.unit;
    }
    let end: number;
    if (start + length >= size) {
      end = length;
    } else if (last < 0) {
      end = this.pieceEnd(bytes, length); // a piece of a line longer than a chunk
      this.longLines++;
    } else {
      end = last + this.unit;
    }
    const regions: number[] = [];
    const positions: number[] = [];
    let regionEnd = 0;
    for (;;) {
      const next = this.peekCandidate(source);
      if (typeof next !== 'number' || next >= start + end) break;
      this.candidateIndex++;
      const at = next - start;
      if (at < regionEnd) continue;
      const lineStart = at === 0 ? 0 : this.lastNewline(bytes, at) + this.unit;
      const lineStartClamped = Math.max(lineStart, regionEnd, 0);
      let lineEnd = this.firstNewline(bytes, at, end);
      if (lineEnd < 0) lineEnd = end;
      regions.push(lineStartClamped, lineEnd);
      positions.push(start + lineStartClamped);
      regionEnd = Math.min(end, lineEnd + this.unit);
    }
    this.position = start + end;
    return {
      bytes: bytes.subarray(0, end),
      regions: Uint32Array.from(regions),
      positions: Float64Array.from(positions),
      scannedTo: this.position,
    };
  }

  private readChunk(start: number, length: number): Uint8Array<ArrayBuffer> {
    const bytes = new Uint8Array(length);
    const read = this.reader.read(start, bytes);
    if (read < length) throw fileChanged(start + read);
    return bytes;
  }

  /** The next candidate without taking it: an offset, 'wait' while the literal search runs, or null. */
  private peekCandidate(source: CandidateSource): number | 'wait' | null {
    const index = this.candidateIndex;
    if (index >= this.candidatePageFirst + this.candidatePage.length) {
      const known = source.known();
      if (index >= known.count) return known.done ? null : 'wait';
      this.candidatePage = source.page(index, Math.min(CANDIDATE_PAGE, known.count - index));
      this.candidatePageFirst = index;
    }
    return this.candidatePage[index - this.candidatePageFirst]!;
  }

  /**
   * Where the line holding `offset` starts, looking back at most MAX_REGEX_LINE_BYTES (a longer line
   * is searched from there) and never before what was handed out already.
   */
  private lineStartBefore(offset: number): number {
    const floor = this.position;
    for (let back = WINDOW_BYTES; ; back *= 2) {
      const from = Math.max(floor, offset - back);
      // Whole units from the file's start.
      const aligned = from + ((this.unit - (from % this.unit)) % this.unit);
      if (offset <= aligned) return aligned;
      const window = this.readChunk(aligned, offset - aligned);
      const found = this.lastNewline(window, window.byteLength);
      if (found >= 0) return aligned + found + this.unit;
      if (from === floor) return aligned;
      if (back >= MAX_REGEX_LINE_BYTES) {
        this.longLines++;
        return aligned;
      }
    }
  }

  /** First line end in bytes[from, end), -1 if none. */
  private firstNewline(bytes: Uint8Array, from: number, end: number): number {
    if (this.unit === 1) {
      const at = bytes.indexOf(0x0a, from);
      return at >= 0 && at < end ? at : -1;
    }
    for (let at = from - (from % 2); at + 1 < end; at += 2) if (this.isNewline(bytes, at)) return at;
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
