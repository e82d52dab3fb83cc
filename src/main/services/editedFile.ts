// The file as a session shows it: one read-only mapping with the pending edits laid over it. Every
// read of the session (bytes, views, lines, the JavaScript regex engine) goes through here, so all of
// them see the same bytes; the addon's searches read a private copy with the edits (editedMapping.ts). The mapping can be replaced (reload, rotation, commit): edits made against the old
// bytes go with it unless the file only grew.
import { openMapped, type MappedFile } from '../../../native/index';
import type { ByteView, EditState } from '../../shared/contract';
import type { Disposable } from '../../shared/disposable';
import { EditModel, type PendingEdit } from '../../shared/editModel';
import { err, errFromThrown, ok, type Result } from '../../shared/result';
import type { ByteCount, ByteOffset, SessionId } from '../../shared/units';
import type { FileIdentity } from './fileIdentity';
import type { ByteReader } from './find/lineFeeder';

/** Originals of replace-all edits are read this much at a time. */
const ORIGINALS_WINDOW = 1 << 20;

export class EditedFile implements Disposable {
  private edits: EditModel;
  /** Edit generations of earlier models, so a new model (after a commit or reload) keeps counting up. */
  private editBase = 0;

  private constructor(
    readonly path: string,
    private mapping: MappedFile,
  ) {
    this.edits = new EditModel(mapping.size());
  }

  /** Maps `path` read-only; throws the addon's coded error when it cannot. */
  static open(path: string): EditedFile {
    return new EditedFile(path, openMapped(path, 'readonly'));
  }

  get file(): MappedFile {
    return this.mapping;
  }

  get size(): number {
    return this.mapping.size();
  }

  stat(): FileIdentity {
    return this.mapping.stat();
  }

  get generation(): number {
    return this.editBase + this.edits.generation;
  }

  get hasPendingEdits(): boolean {
    return this.edits.modifiedByteCount() > 0;
  }

  pendingEdits(): PendingEdit[] {
    return this.edits.pendingEdits();
  }

  editState(session: SessionId): EditState {
    return {
      session,
      generation: this.generation,
      canUndo: this.edits.canUndo,
      canRedo: this.edits.canRedo,
      modifiedBytes: this.edits.modifiedByteCount(),
    };
  }

  /** Copies up to `length` bytes from `offset` into a fresh buffer, edits laid over; shorter at the end. */
  readBytes(offset: ByteOffset, length: ByteCount): Result<Uint8Array> {
    const size = this.size;
    if (offset > size) return err('ERANGE', `offset ${offset} is past the end of ${this.path} (${size} bytes)`);
    const target = new Uint8Array(Math.min(length, size - offset));
    if (target.byteLength === 0) return ok(target);
    try {
      const copied = this.mapping.readInto(offset, target);
      const bytes = copied === target.byteLength ? target : target.subarray(0, copied);
      this.edits.overlay(offset, bytes);
      return ok(bytes);
    } catch (error) {
      return errFromThrown(error);
    }
  }

  readView(offset: ByteOffset, length: ByteCount): Result<ByteView> {
    const bytes = this.readBytes(offset, length);
    if (!bytes.ok) return bytes;
    const runs = this.edits.modifiedRangesIn(offset, offset + bytes.value.byteLength);
    const modified = new Float64Array(runs.length * 2);
    runs.forEach((run, i) => {
      modified[2 * i] = run.offset;
      modified[2 * i + 1] = run.length;
    });
    return ok({ bytes: bytes.value, modified, editGeneration: this.generation });
  }

  /** Lays pending edits over bytes read from the mapping at `offset`. */
  overlay(offset: number, bytes: Uint8Array): void {
    this.edits.overlay(offset, bytes);
  }

  /** The pending bytes of every modified run overlapping [start, end), clipped to it, in offset order. */
  editsIn(start: number, end: number): { offset: number; bytes: Uint8Array }[] {
    return this.edits.modifiedRangesIn(start, end).map(({ offset, length }) => {
      const bytes = new Uint8Array(length);
      this.edits.overlay(offset, bytes);
      return { offset, bytes };
    });
  }

  isModifiedIn(start: number, end: number): boolean {
    return this.edits.modifiedRangesIn(start, end).length > 0;
  }

  /**
   * A reader of the bytes as shown now. Once the mapping is replaced (reload, rotation, commit of
   * edits), its reads fail with EFILECHANGED instead of mixing two files.
   */
  reader(): ByteReader {
    const mapping = this.mapping;
    const edits = this.edits;
    return {
      size: mapping.size(),
      read: (offset, target) => {
        if (this.mapping !== mapping || this.edits !== edits || mapping.closed) {
          throw Object.assign(new Error(`${this.path} was opened again or its edits were committed`), {
            code: 'EFILECHANGED',
          });
        }
        const copied = mapping.readInto(offset, target);
        edits.overlay(offset, target.subarray(0, copied));
        return copied;
      },
    };
  }

  /** A same-length overwrite as a pending edit: the file itself is not touched. */
  edit(offset: ByteOffset, bytes: Uint8Array): Result<null> {
    const size = this.size;
    if (bytes.byteLength === 0) return ok(null);
    if (offset + bytes.byteLength > size) {
      return err(
        'ERANGE',
        `Writing ${bytes.byteLength} byte(s) at offset ${offset} would pass the end of the file (${size} bytes): hexlog only overwrites, it never changes a file's length.`,
      );
    }
    const original = new Uint8Array(bytes.byteLength);
    try {
      this.mapping.readInto(offset, original);
    } catch (error) {
      return errFromThrown(error);
    }
    this.edits.apply(offset, bytes, original);
    return ok(null);
  }

  /** Same-length overwrites as one undo step (replace-all); originals read a window at a time. */
  editMany(edits: readonly { offset: number; bytes: Uint8Array }[]): Result<null> {
    if (edits.length === 0) return ok(null);
    const size = this.size;
    const withOriginals: { offset: number; bytes: Uint8Array; original: Uint8Array }[] = [];
    try {
      for (let i = 0; i < edits.length;) {
        const windowStart = edits[i]!.offset;
        let j = i;
        let windowEnd = windowStart;
        while (j < edits.length && edits[j]!.offset + edits[j]!.bytes.byteLength - windowStart <= ORIGINALS_WINDOW) {
          windowEnd = Math.max(windowEnd, edits[j]!.offset + edits[j]!.bytes.byteLength);
          j++;
        }
        if (j === i) {
          windowEnd = windowStart + edits[i]!.bytes.byteLength;
          j = i + 1;
        }
        if (windowEnd > size) return err('ERANGE', 'a replacement would pass the end of the file');
        const window = new Uint8Array(windowEnd - windowStart);
        this.mapping.readInto(windowStart, window);
        for (let k = i; k < j; k++) {
          const edit = edits[k]!;
          const at = edit.offset - windowStart;
          withOriginals.push({ ...edit, original: window.slice(at, at + edit.bytes.byteLength) });
        }
        i = j;
      }
      this.edits.applyMany(withOriginals);
    } catch (error) {
      return errFromThrown(error);
    }
    return ok(null);
  }

  undo(): void {
    this.edits.undo();
  }

  redo(): void {
    this.edits.redo();
  }

  discardAll(): void {
    this.edits.discardAll();
  }

  /** After a commit: the file now holds the edits, so start a fresh model over it. */
  settleEdits(): void {
    this.editBase = this.generation + 1;
    this.edits = new EditModel(this.mapping.size());
  }

  /**
   * Shows `fresh` instead of the current mapping (closed here). Pending edits stay only when
   * `keepEdits` (the same file, grown): edits made against other bytes cannot be kept.
   */
  replaceMapping(fresh: MappedFile, keepEdits: boolean): void {
    const previous = this.mapping;
    this.mapping = fresh;
    if (keepEdits && this.hasPendingEdits) {
      this.edits.grow(fresh.size());
    } else {
      this.editBase = this.generation + 1;
      this.edits = new EditModel(fresh.size());
    }
    previous.close();
  }

  dispose(): void {
    this.mapping.close();
  }
}
