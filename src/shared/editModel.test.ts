import { describe, expect, it } from 'vitest';

import { EditModel, type ByteEdit } from './editModel';
import { seededRandom, type SeededRandom } from './seededRandom';

/** The obvious version: a full copy of the file, and a snapshot per undo step. */
class NaiveModel {
  current: Uint8Array;
  readonly undoStack: Uint8Array[] = [];
  redoStack: Uint8Array[] = [];

  constructor(readonly file: Uint8Array) {
    this.current = file.slice();
  }

  apply(edits: readonly ByteEdit[]): void {
    this.undoStack.push(this.current.slice());
    this.redoStack = [];
    for (const edit of edits) this.current.set(edit.bytes, edit.offset);
  }

  undo(): boolean {
    const previous = this.undoStack.pop();
    if (previous === undefined) return false;
    this.redoStack.push(this.current);
    this.current = previous;
    return true;
  }

  redo(): boolean {
    const next = this.redoStack.pop();
    if (next === undefined) return false;
    this.undoStack.push(this.current);
    this.current = next;
    return true;
  }

  /** Returns whether anything changed. */
  discardAll(): boolean {
    if (this.modifiedByteCount() === 0) return false;
    this.apply([{ offset: 0, bytes: this.file, original: this.file }]);
    return true;
  }

  modifiedByteCount(): number {
    let count = 0;
    for (let i = 0; i < this.file.length; i++) if (this.current[i] !== this.file[i]) count++;
    return count;
  }

  modifiedRangesIn(start: number, end: number): { offset: number; length: number }[] {
    const ranges: { offset: number; length: number }[] = [];
    for (let i = start; i < end; i++) {
      if (this.current[i] === this.file[i]) continue;
      const last = ranges[ranges.length - 1];
      if (last !== undefined && last.offset + last.length === i) last.length++;
      else ranges.push({ offset: i, length: 1 });
    }
    return ranges;
  }
}

const FILE_SIZES = [0, 1, 2, 7, 64, 300, 2048];

/** New bytes for [offset, offset + length): random, back to the file's, half of each, or what is there now. */
function newBytes(rng: SeededRandom, naive: NaiveModel, offset: number, length: number): Uint8Array {
  const original = naive.file.subarray(offset, offset + length);
  switch (rng.int(4)) {
    case 0:
      return original.slice();
    case 1:
      return original.map((byte) => (rng.int(2) === 0 ? byte : rng.int(256)));
    case 2:
      return naive.current.slice(offset, offset + length);
    default:
      return rng.bytes(length);
  }
}

function randomEdit(rng: SeededRandom, naive: NaiveModel): ByteEdit {
  const size = naive.file.length;
  const maxLength = [1, 4, 16, 200][rng.int(4)]!;
  const length = 1 + rng.int(Math.min(size, maxLength));
  const offset = rng.int(10) === 0 ? size - length : rng.int(size - length + 1);
  return { offset, bytes: newBytes(rng, naive, offset, length), original: naive.file.slice(offset, offset + length) };
}

/** Up to 8 edits that may touch but never overlap, in shuffled order. */
function randomBatch(rng: SeededRandom, naive: NaiveModel): ByteEdit[] {
  const size = naive.file.length;
  const cuts = Array.from({ length: 2 + 2 * rng.int(8) }, () => rng.int(size + 1)).sort((a, b) => a - b);
  const edits: ByteEdit[] = [];
  for (let i = 0; i < cuts.length; i += 2) {
    const offset = cuts[i]!;
    const length = cuts[i + 1]! - offset;
    if (length === 0) continue;
    edits.push({
      offset,
      bytes: newBytes(rng, naive, offset, length),
      original: naive.file.slice(offset, offset + length),
    });
  }
  for (let i = edits.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [edits[i], edits[j]] = [edits[j]!, edits[i]!];
  }
  return edits;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Compares the model with the naive one; returns what differs, or '' when they agree.
 * Plain comparisons, not expect(): a million expect calls would dominate the run time.
 */
function differences(rng: SeededRandom, model: EditModel, naive: NaiveModel, fullCheck: boolean): string {
  const size = naive.file.length;
  if (model.canUndo !== naive.undoStack.length > 0) return `canUndo is ${model.canUndo}`;
  if (model.canRedo !== naive.redoStack.length > 0) return `canRedo is ${model.canRedo}`;
  const count = naive.modifiedByteCount();
  if (model.modifiedByteCount() !== count) return `modifiedByteCount ${model.modifiedByteCount()}, expected ${count}`;

  const start = rng.int(size + 1);
  const end = start + rng.int(Math.min(size - start, 300) + 1);
  const window = naive.file.slice(start, end);
  model.overlay(start, window);
  if (!sameBytes(window, naive.current.subarray(start, end))) return `overlay of [${start}, ${end}) differs`;
  const ranges = JSON.stringify(model.modifiedRangesIn(start, end));
  const expectedRanges = JSON.stringify(naive.modifiedRangesIn(start, end));
  if (ranges !== expectedRanges) return `modifiedRangesIn(${start}, ${end}) is ${ranges}, expected ${expectedRanges}`;
  for (let i = 0; i < 3 && size > 0; i++) {
    const offset = rng.int(size);
    if (model.isModified(offset) !== (naive.current[offset] !== naive.file[offset])) {
      return `isModified(${offset}) is ${model.isModified(offset)}`;
    }
  }

  if (!fullCheck) return '';
  const rebuilt = naive.file.slice();
  let previousEnd = -1;
  for (const { offset, oldBytes, newBytes } of model.pendingEdits()) {
    // Ascending, and coalesced: two runs never touch.
    if (offset <= previousEnd) return `pending edit at ${offset} touches the one ending at ${previousEnd}`;
    if (oldBytes.length !== newBytes.length) return `pending edit at ${offset} has lengths that differ`;
    if (!sameBytes(oldBytes, naive.file.subarray(offset, offset + oldBytes.length))) {
      return `pending edit at ${offset}: oldBytes are not the file's bytes`;
    }
    if (oldBytes.some((byte, i) => byte === newBytes[i])) return `pending edit at ${offset} has an unmodified byte`;
    rebuilt.set(newBytes, offset);
    previousEnd = offset + newBytes.length;
  }
  return sameBytes(rebuilt, naive.current) ? '' : 'the file rebuilt from pendingEdits() differs';
}

describe('EditModel against a naive copy of the file', () => {
  it('agrees under 100,000 seeded random operations', () => {
    const rng = seededRandom(0x5eed);
    const episodes = 20;
    for (let episode = 0; episode < episodes; episode++) {
      const file = rng.bytes(FILE_SIZES[episode % FILE_SIZES.length]!);
      const model = new EditModel(file.length);
      const naive = new NaiveModel(file);
      let generation = model.generation;
      for (let op = 0; op < 100_000 / episodes; op++) {
        const roll = rng.int(100);
        let changed: boolean;
        if (file.length === 0 || roll < 3) {
          // Past the end: refused, nothing changes.
          const offset = file.length - rng.int(3);
          const length = file.length - offset + 1 + rng.int(3);
          const bytes = rng.bytes(length);
          expect(() => model.apply(offset, bytes, bytes)).toThrow(RangeError);
          changed = false;
        } else if (roll < 50) {
          const edit = randomEdit(rng, naive);
          model.apply(edit.offset, edit.bytes, edit.original);
          naive.apply([edit]);
          changed = true;
        } else if (roll < 56) {
          const edits = randomBatch(rng, naive);
          model.applyMany(edits);
          changed = edits.length > 0;
          if (changed) naive.apply(edits);
        } else if (roll < 78) {
          changed = naive.undo();
          expect(model.undo()).toBe(changed);
        } else if (roll < 98) {
          changed = naive.redo();
          expect(model.redo()).toBe(changed);
        } else {
          changed = naive.discardAll();
          model.discardAll();
        }
        if (model.generation !== (changed ? generation + 1 : generation)) {
          expect.fail(`episode ${episode}, op ${op}: generation ${model.generation} after ${generation}`);
        }
        generation = model.generation;
        const problem = differences(rng, model, naive, op % 50 === 0);
        if (problem !== '') expect.fail(`episode ${episode}, op ${op}: ${problem}`);
      }
      expect(differences(rng, model, naive, true)).toBe('');
    }
  });
});

describe('EditModel edge cases', () => {
  it('a zero-length file accepts empty edits and refuses any byte', () => {
    const model = new EditModel(0);
    model.apply(0, new Uint8Array(0), new Uint8Array(0));
    expect(model.canUndo).toBe(false);
    expect(model.generation).toBe(0);
    expect(() => model.apply(0, Uint8Array.of(1), Uint8Array.of(0))).toThrow(RangeError);
    const empty = new Uint8Array(0);
    model.overlay(0, empty);
    expect(model.pendingEdits()).toEqual([]);
    expect(model.modifiedRangesIn(0, 0)).toEqual([]);
    expect(model.modifiedByteCount()).toBe(0);
  });

  it('an edit past the end throws RangeError and changes nothing', () => {
    const model = new EditModel(10);
    model.apply(8, Uint8Array.of(1, 2), Uint8Array.of(0, 0));
    const generation = model.generation;
    expect(() => model.apply(9, Uint8Array.of(1, 2), Uint8Array.of(0, 0))).toThrow(RangeError);
    expect(() => model.apply(10, Uint8Array.of(1), Uint8Array.of(0))).toThrow(RangeError);
    expect(() => model.apply(-1, Uint8Array.of(1), Uint8Array.of(0))).toThrow(RangeError);
    expect(() => model.apply(0, Uint8Array.of(1), Uint8Array.of(0, 0))).toThrow(RangeError);
    expect(model.generation).toBe(generation);
    expect(model.pendingEdits()).toEqual([{ offset: 8, oldBytes: Uint8Array.of(0, 0), newBytes: Uint8Array.of(1, 2) }]);
  });

  it('an edit back to the original value is not modified', () => {
    const model = new EditModel(16);
    model.apply(4, Uint8Array.of(9, 9, 9), Uint8Array.of(1, 2, 3));
    expect(model.isModified(5)).toBe(true);
    model.apply(5, Uint8Array.of(2), Uint8Array.of(2));
    expect(model.isModified(5)).toBe(false);
    expect(model.modifiedByteCount()).toBe(2);
    expect(model.modifiedRangesIn(0, 16)).toEqual([
      { offset: 4, length: 1 },
      { offset: 6, length: 1 },
    ]);
    model.apply(4, Uint8Array.of(1, 2, 3), Uint8Array.of(1, 2, 3));
    expect(model.modifiedByteCount()).toBe(0);
    expect(model.pendingEdits()).toEqual([]);
    expect(model.undo()).toBe(true);
    expect(model.modifiedByteCount()).toBe(2);
  });

  it('applyMany is one undo step and refuses overlapping edits', () => {
    const model = new EditModel(8);
    const zeros = new Uint8Array(2);
    model.applyMany([
      { offset: 4, bytes: Uint8Array.of(3, 4), original: zeros },
      { offset: 0, bytes: Uint8Array.of(1, 2), original: zeros },
      { offset: 2, bytes: Uint8Array.of(5, 6), original: zeros },
    ]);
    expect(model.pendingEdits()).toEqual([
      { offset: 0, oldBytes: new Uint8Array(6), newBytes: Uint8Array.of(1, 2, 5, 6, 3, 4) },
    ]);
    expect(model.undo()).toBe(true);
    expect(model.canUndo).toBe(false);
    expect(() =>
      model.applyMany([
        { offset: 0, bytes: Uint8Array.of(1, 2), original: zeros },
        { offset: 1, bytes: Uint8Array.of(1, 2), original: zeros },
      ]),
    ).toThrow(RangeError);
    expect(model.canRedo).toBe(true);
  });

  it('discardAll is undoable and redoable', () => {
    const model = new EditModel(4);
    model.apply(1, Uint8Array.of(7), Uint8Array.of(0));
    model.discardAll();
    expect(model.modifiedByteCount()).toBe(0);
    const generation = model.generation;
    model.discardAll(); // nothing to discard: no step, no new generation
    expect(model.generation).toBe(generation);
    expect(model.undo()).toBe(true);
    expect(model.isModified(1)).toBe(true);
    expect(model.redo()).toBe(true);
    expect(model.isModified(1)).toBe(false);
  });

  it('keeps copies: changing the caller buffers later changes nothing', () => {
    const model = new EditModel(4);
    const bytes = Uint8Array.of(5, 6);
    const original = Uint8Array.of(0, 0);
    model.apply(0, bytes, original);
    bytes.fill(0);
    original.fill(5);
    const view = new Uint8Array(4);
    model.overlay(0, view);
    expect(view).toEqual(Uint8Array.of(5, 6, 0, 0));
    model.pendingEdits()[0]!.newBytes.fill(9);
    expect(model.pendingEdits()[0]!.newBytes).toEqual(Uint8Array.of(5, 6));
  });

  it('a replace-all of 1,000,000 matches is one step, with one store and undo/redo over it', () => {
    const matches = 1_000_000;
    const model = new EditModel(matches * 4);
    const bytes = Uint8Array.of(0xaa, 0xbb);
    const original = Uint8Array.of(0, 0);
    const edits = Array.from({ length: matches }, (_, i) => ({ offset: i * 4 + 1, bytes, original }));
    model.applyMany(edits);
    expect(model.modifiedByteCount()).toBe(matches * 2);
    expect(model.modifiedRangesIn(0, 12)).toEqual([
      { offset: 1, length: 2 },
      { offset: 5, length: 2 },
      { offset: 9, length: 2 },
    ]);
    model.apply(6, Uint8Array.of(1), Uint8Array.of(0)); // one more edit in the middle of a million runs
    expect(model.undo() && model.undo()).toBe(true);
    expect(model.modifiedByteCount()).toBe(0);
    expect(model.redo()).toBe(true);
    expect(model.pendingEdits()).toHaveLength(matches);
  });
});
