// Pending same-length edits layered over a file that stays untouched until commit (after Hex Fiend's
// HFByteArray and vscode-hexeditor's hexDocumentModel, overwrite only: the file never changes length).

/** One overwrite: `bytes` go at `offset`; `original` is the file's bytes there, same length. */
export interface ByteEdit {
  readonly offset: number;
  readonly bytes: Uint8Array;
  readonly original: Uint8Array;
}

/** A coalesced run of modified bytes: what the file holds there, and what it will hold. */
export interface PendingEdit {
  readonly offset: number;
  readonly oldBytes: Uint8Array;
  readonly newBytes: Uint8Array;
}

export interface ByteRange {
  readonly offset: number;
  readonly length: number;
}

/**
 * Modified bytes at [offset, offset + length). Pending bytes are `store[at + i]`, the file's bytes
 * `store[at + store.length / 2 + i]`: one store per apply, shared by every run cut from it, so a
 * replace-all of a million matches costs one buffer plus one small object per match.
 * Runs never change once made; trimming makes a new run over the same store.
 */
interface Run {
  readonly offset: number;
  readonly length: number;
  readonly store: Uint8Array;
  readonly at: number;
}

/** One undo step: the segments it replaced (flattened start, end pairs), their runs before and after. */
interface Step {
  readonly segments: readonly number[];
  readonly before: readonly Run[];
  readonly after: readonly Run[];
}

// Below this many new runs a change splices them in; above, it rebuilds (no huge argument lists).
const SPLICE_LIMIT = 10_000;

/**
 * Pending overwrites over a file of fixed size. Only bytes that differ from the file are kept, in
 * sorted, disjoint runs: overlay and isModified on a viewport cost O(log runs + runs shown), memory
 * follows the edited bytes (plus the undo history). No I/O: callers supply the file's own bytes.
 */
export class EditModel {
  #fileSize: number;
  #runs: Run[] = [];
  #modifiedBytes = 0;
  #generation = 0;
  readonly #undoStack: Step[] = [];
  readonly #redoStack: Step[] = [];

  constructor(fileSize: number) {
    if (!Number.isSafeInteger(fileSize) || fileSize < 0) {
      throw new RangeError(`file size must be a non-negative safe integer, got ${fileSize}`);
    }
    this.#fileSize = fileSize;
  }
  get fileSize(): number {
    return this.#fileSize;
  }

  /** The file grew (appended bytes): pending edits stay where they are, the new bytes are editable. */
  grow(fileSize: number): void {
    if (!Number.isSafeInteger(fileSize) || fileSize < this.#fileSize) {
      throw new RangeError(`a file can only grow: ${fileSize} < ${this.#fileSize}`);
    }
    this.#fileSize = fileSize;
  }

  /** Bumped on every change (apply, undo, redo, discard); page caches include it in their keys. */
  get generation(): number {
    return this.#generation;
  }

  get canUndo(): boolean {
    return this.#undoStack.length > 0;
  }

  get canRedo(): boolean {
    return this.#redoStack.length > 0;
  }

  /**
   * Overwrites bytes at offset; `original` is the FILE's bytes there (never the edited view). One call is
   * one undo step and clears redo; a zero-length call does nothing. Throws RangeError past the end of the
   * file or when the lengths differ.
   */
  apply(offset: number, bytes: Uint8Array, original: Uint8Array): void {
    this.applyMany([{ offset, bytes, original }]);
  }

  /** Several overwrites as one undo step (replace-all). They may touch but not overlap; order is free. */
  applyMany(edits: readonly ByteEdit[]): void {
    const sorted = edits.filter((edit) => this.#checkEdit(edit) > 0).sort((a, b) => a.offset - b.offset);
    if (sorted.length === 0) return;
    let total = 0;
    for (let i = 0; i < sorted.length; i++) {
      const edit = sorted[i]!;
      const previous = sorted[i - 1];
      if (previous !== undefined && previous.offset + previous.bytes.length > edit.offset) {
        throw new RangeError(
          `edits overlap: [${previous.offset}, ${previous.offset + previous.bytes.length}) and offset ${edit.offset}`,
        );
      }
      total += edit.bytes.length;
    }
    // Lay the edits out in offset order so that touching edits are contiguous in the store too.
    const store = new Uint8Array(total * 2);
    const segments: number[] = [];
    const after: Run[] = [];
    let at = 0;
    for (const edit of sorted) {
      store.set(edit.bytes, at);
      store.set(edit.original, total + at);
      const end = edit.offset + edit.bytes.length;
      if (segments.length > 0 && segments[segments.length - 1] === edit.offset) {
        segments[segments.length - 1] = end;
      } else {
        segments.push(edit.offset, end);
      }
      at += edit.bytes.length;
    }
    // Keep only the bytes that differ from the file, as maximal runs (touching edits merge).
    for (let s = 0, segmentAt = 0; s < segments.length; s += 2) {
      const start = segments[s]!;
      const length = segments[s + 1]! - start;
      let runStart = -1;
      for (let k = 0; k <= length; k++) {
        const differs = k < length && store[segmentAt + k] !== store[total + segmentAt + k];
        if (differs) {
          if (runStart < 0) runStart = k;
        } else if (runStart >= 0) {
          after.push({ offset: start + runStart, length: k - runStart, store, at: segmentAt + runStart });
          runStart = -1;
        }
      }
      segmentAt += length;
    }
    const before = this.#replace(segments, after);
    this.#undoStack.push({ segments, before, after });
    this.#redoStack.length = 0;
    this.#generation++;
  }

  undo(): boolean {
    const step = this.#undoStack.pop();
    if (step === undefined) return false;
    this.#replace(step.segments, step.before);
    this.#redoStack.push(step);
    this.#generation++;
    return true;
  }

  redo(): boolean {
    const step = this.#redoStack.pop();
    if (step === undefined) return false;
    this.#replace(step.segments, step.after);
    this.#undoStack.push(step);
    this.#generation++;
    return true;
  }

  /** Back to the file's bytes, as one undoable step (clears redo). Does nothing when nothing is modified. */
  discardAll(): void {
    if (this.#runs.length === 0) return;
    const segments: number[] = [];
    for (const run of this.#runs) segments.push(run.offset, run.offset + run.length);
    const before = this.#replace(segments, []);
    this.#undoStack.push({ segments, before, after: [] });
    this.#redoStack.length = 0;
    this.#generation++;
  }

  /** target holds the FILE's bytes for [offset, offset + target.length): overwrites them with pending edits. */
  overlay(offset: number, target: Uint8Array): void {
    const end = offset + target.length;
    const runs = this.#runs;
    for (let i = this.#firstEndingAfter(offset); i < runs.length; i++) {
      const run = runs[i]!;
      if (run.offset >= end) break;
      const from = Math.max(offset, run.offset);
      const to = Math.min(end, run.offset + run.length);
      const at = run.at + (from - run.offset);
      target.set(run.store.subarray(at, at + (to - from)), from - offset);
    }
  }

  /** Does the byte at offset differ from the file? (An edit back to the file's value is not modified.) */
  isModified(offset: number): boolean {
    const run = this.#runs[this.#firstEndingAfter(offset)];
    return run !== undefined && run.offset <= offset;
  }

  modifiedByteCount(): number {
    return this.#modifiedBytes;
  }

  /** Coalesced runs of modified bytes in ascending order, as fresh copies: old = file bytes, new = pending. */
  pendingEdits(): PendingEdit[] {
    return this.#coalesce(0, this.#fileSize).map(({ offset, length }) => {
      const oldBytes = new Uint8Array(length);
      const newBytes = new Uint8Array(length);
      for (let i = this.#firstEndingAfter(offset); i < this.#runs.length; i++) {
        const run = this.#runs[i]!;
        if (run.offset >= offset + length) break;
        const half = run.store.length / 2;
        newBytes.set(run.store.subarray(run.at, run.at + run.length), run.offset - offset);
        oldBytes.set(run.store.subarray(half + run.at, half + run.at + run.length), run.offset - offset);
      }
      return { offset, oldBytes, newBytes };
    });
  }

  /** Coalesced runs of modified bytes intersecting [start, end), clipped to it: for highlighting a viewport. */
  modifiedRangesIn(start: number, end: number): ByteRange[] {
    return this.#coalesce(start, end);
  }

  /** Returns the edit's length after checking it. */
  #checkEdit(edit: ByteEdit): number {
    const { offset, bytes, original } = edit;
    if (!Number.isSafeInteger(offset) || offset < 0) {
      throw new RangeError(`offset must be a non-negative safe integer, got ${offset}`);
    }
    if (bytes.length !== original.length) {
      throw new RangeError(`bytes (${bytes.length}) and original (${original.length}) differ in length`);
    }
    if (offset + bytes.length > this.#fileSize) {
      throw new RangeError(
        `edit of ${bytes.length} bytes at ${offset} passes the end of the file (${this.#fileSize} bytes)`,
      );
    }
    return bytes.length;
  }

  /** Index of the first run ending after offset (runs are disjoint, so their ends ascend too). */
  #firstEndingAfter(offset: number): number {
    let low = 0;
    let high = this.#runs.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      const run = this.#runs[mid]!;
      if (run.offset + run.length <= offset) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  #coalesce(start: number, end: number): ByteRange[] {
    const ranges: { offset: number; length: number }[] = [];
    if (start >= end) return ranges;
    for (let i = this.#firstEndingAfter(start); i < this.#runs.length; i++) {
      const run = this.#runs[i]!;
      if (run.offset >= end) break;
      const from = Math.max(start, run.offset);
      const to = Math.min(end, run.offset + run.length);
      const last = ranges[ranges.length - 1];
      if (last !== undefined && last.offset + last.length === from) last.length += to - from;
      else ranges.push({ offset: from, length: to - from });
    }
    return ranges;
  }

  /**
   * Replaces whatever the segments hold with `runs` (sorted, inside the segments) and returns what they
   * held, cut at the segment edges. Runs crossing an edge keep their outside parts.
   */
  #replace(segments: readonly number[], runs: readonly Run[]): Run[] {
    const current = this.#runs;
    const removed: Run[] = [];
    const replacement: Run[] = [];
    const first = this.#firstEndingAfter(segments[0]!);
    let index = first;
    let run = current[index];
    let next = 0;
    for (let s = 0; s < segments.length; s += 2) {
      const start = segments[s]!;
      const end = segments[s + 1]!;
      for (; run !== undefined && run.offset + run.length <= start; run = current[++index]) replacement.push(run);
      while (run !== undefined && run.offset < end) {
        const runEnd = run.offset + run.length;
        if (run.offset < start) replacement.push(trim(run, run.offset, start));
        removed.push(trim(run, Math.max(start, run.offset), Math.min(end, runEnd)));
        if (runEnd > end) {
          // The rest may reach into the next segment; look at it again there.
          run = trim(run, end, runEnd);
          break;
        }
        run = current[++index];
      }
      for (; next < runs.length && runs[next]!.offset < end; next++) replacement.push(runs[next]!);
    }
    // Runs after the last segment stay where they are, except a remainder cut from the last one touched.
    if (run !== undefined && run !== current[index]) {
      replacement.push(run);
      index++;
    }
    if (replacement.length <= SPLICE_LIMIT) {
      current.splice(first, index - first, ...replacement);
    } else {
      this.#runs = current.slice(0, first).concat(replacement, current.slice(index));
    }
    for (const gone of removed) this.#modifiedBytes -= gone.length;
    for (const added of runs) this.#modifiedBytes += added.length;
    return removed;
  }
}

function trim(run: Run, from: number, to: number): Run {
  if (from === run.offset && to === run.offset + run.length) return run;
  return { offset: from, length: to - from, store: run.store, at: run.at + (from - run.offset) };
}
