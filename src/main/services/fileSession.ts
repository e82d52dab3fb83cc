// One open file: owns its mapping, its line index and its follow timer, and answers reads and
// status checks as values.
import { accessSync, constants, statSync } from 'node:fs';
import { basename } from 'node:path';
import { openMapped, type FileIdentity, type MappedFile } from '../../../native/index';
import {
  MAX_COPY_BYTES,
  type ByteView,
  type CommitOutcome,
  type EditState,
  type EncodingChoice,
  type EventName,
  type Events,
  type FileChange,
  type FileInfo,
  type FileStatus,
  type IndexStatus,
  type JournalAction,
  type JournalState,
  type TextLines,
} from '../../shared/contract';
import type { Disposable } from '../../shared/disposable';
import { err, errFromThrown, ok, type Result } from '../../shared/result';
import {
  byteCount,
  lineNumber,
  type ByteCount,
  type ByteOffset,
  type LineNumber,
  type SessionId,
} from '../../shared/units';
import { EditModel } from '../../shared/editModel';
import { commitEdits, discardJournal, finishJournal, inspectJournal, rollbackJournal, saveCopy } from './commit';
import { FindController } from './find/findController';
import type { ByteReader } from './find/lineFeeder';
import { detectEncoding, TextIndex } from './textIndex';

/** Sends an event to the window (or connection) that owns the session. */
export type Emit = <E extends EventName>(name: E, payload: Events[E]) => void;

const FOLLOW_POLL_MS = 250;

export class FileSession implements Disposable {
  private opened: FileIdentity;
  private text: TextIndex | null = null;
  private followTimer: ReturnType<typeof setInterval> | undefined;
  private generation = 0;
  private edits: EditModel;
  /** Edit generations of earlier models, so a new model after a commit keeps counting up. */
  private editBase = 0;
  readonly find: FindController;

  private constructor(
    readonly id: SessionId,
    readonly owner: string,
    readonly path: string,
    private file: MappedFile,
    private readonly emit: Emit,
  ) {
    this.opened = file.stat();
    this.edits = new EditModel(file.size());
    this.find = new FindController({
      session: id,
      owner,
      file: () => this.file,
      reader: () => this.reader(),
      hasPendingEdits: () => this.edits.modifiedByteCount() > 0,
      encoding: () => this.text?.encoding ?? 'utf-8',
      text: () => this.text,
      emit: (status) => this.emit('findProgress', status),
      applyEdits: (edits) => this.applyEdits(edits),
    });
  }

  /**
   * Reads the file as this session shows it now: the current mapping with pending edits laid over.
   * Once the session re-maps the file (reload, rotation), reads through this reader fail with
   * EFILECHANGED instead of mixing two files.
   */
  private reader(): ByteReader {
    const file = this.file;
    const edits = this.edits;
    return {
      size: file.size(),
      read: (offset, target) => {
        if (this.file !== file || file.closed) {
          throw Object.assign(new Error(`${this.path} was opened again (it changed on disk)`), {
            code: 'EFILECHANGED',
          });
        }
        const copied = file.readInto(offset, target);
        edits.overlay(offset, target.subarray(0, copied));
        return copied;
      },
    };
  }

  /** Same-length overwrites as one undo step (replace-all); originals read a window at a time. */
  private applyEdits(edits: readonly { offset: number; bytes: Uint8Array }[]): Result<EditState> {
    if (edits.length === 0) return ok(this.editState());
    const size = this.size;
    const WINDOW = 1 << 20;
    const withOriginals: { offset: number; bytes: Uint8Array; original: Uint8Array }[] = [];
    try {
      for (let i = 0; i < edits.length;) {
        const windowStart = edits[i]!.offset;
        let j = i;
        let windowEnd = windowStart;
        while (j < edits.length && edits[j]!.offset + edits[j]!.bytes.byteLength - windowStart <= WINDOW) {
          windowEnd = Math.max(windowEnd, edits[j]!.offset + edits[j]!.bytes.byteLength);
          j++;
        }
        if (j === i) {
          windowEnd = windowStart + edits[i]!.bytes.byteLength;
          j = i + 1;
        }
        if (windowEnd > size) return err('ERANGE', 'a replacement would pass the end of the file');
        const window = new Uint8Array(windowEnd - windowStart);
        this.file.readInto(windowStart, window);
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
    return ok(this.editState());
  }

  /** Maps `path` read-only; throws the addon's coded error when it cannot. */
  static open(id: SessionId, owner: string, path: string, emit: Emit): FileSession {
    const file = openMapped(path, 'readonly');
    try {
      return new FileSession(id, owner, path, file, emit);
    } catch (error) {
      file.close();
      throw error;
    }
  }

  get size(): ByteCount {
    return byteCount(this.file.size());
  }

  get info(): FileInfo {
    return {
      session: this.id,
      name: basename(this.path),
      path: this.path,
      size: this.size,
      writable: isWritable(this.path),
    };
  }

  /** Copies up to `length` bytes from `offset` into a fresh buffer; shorter at the end of the file. */
  readBytes(offset: ByteOffset, length: ByteCount): Result<Uint8Array> {
    const size = this.size;
    if (offset > size) return err('ERANGE', `offset ${offset} is past the end of ${this.path} (${size} bytes)`);
    const target = new Uint8Array(Math.min(length, size - offset));
    if (target.byteLength === 0) return ok(target);
    try {
      const copied = this.file.readInto(offset, target);
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
    return ok({ bytes: bytes.value, modified, editGeneration: this.editGeneration });
  }

  private get editGeneration(): number {
    return this.editBase + this.edits.generation;
  }

  editState(): EditState {
    return {
      session: this.id,
      generation: this.editGeneration,
      canUndo: this.edits.canUndo,
      canRedo: this.edits.canRedo,
      modifiedBytes: this.edits.modifiedByteCount(),
    };
  }

  /** A same-length overwrite as a pending edit: the file itself is not touched. */
  editBytes(offset: ByteOffset, bytes: Uint8Array): Result<EditState> {
    const size = this.size;
    if (bytes.byteLength === 0) return ok(this.editState());
    if (offset + bytes.byteLength > size) {
      return err(
        'ERANGE',
        `Writing ${bytes.byteLength} byte(s) at offset ${offset} would pass the end of the file (${size} bytes): hexlog only overwrites, it never changes a file's length.`,
      );
    }
    const original = new Uint8Array(bytes.byteLength);
    try {
      this.file.readInto(offset, original);
    } catch (error) {
      return errFromThrown(error);
    }
    this.edits.apply(offset, bytes, original);
    return ok(this.editState());
  }

  undoEdit(): EditState {
    this.edits.undo();
    return this.editState();
  }

  redoEdit(): EditState {
    this.edits.redo();
    return this.editState();
  }

  discardEdits(): EditState {
    this.edits.discardAll();
    return this.editState();
  }

  /** Commits pending edits in place; refuses if the file changed on disk since it was opened. */
  commit(): Result<CommitOutcome> {
    const pending = this.edits.pendingEdits();
    const bytesWritten = pending.reduce((sum, edit) => sum + edit.newBytes.byteLength, 0);
    if (pending.length > 0) {
      const committed = commitEdits(this.path, pending, this.opened);
      if (!committed.ok) return committed;
      this.opened = committed.value;
    }
    // The read-only shared mapping already shows the new bytes; only a changed newline moves lines.
    const touchesNewlines = pending.some((edit) => edit.oldBytes.includes(0x0a) || edit.newBytes.includes(0x0a));
    this.editBase = this.editGeneration + 1;
    this.edits = new EditModel(this.file.size());
    if (touchesNewlines && this.text !== null) {
      const encoding = this.text.encoding;
      this.text.dispose();
      this.generation++;
      this.text = this.createIndex(encoding);
    }
    return ok({ info: this.info, edit: this.editState(), bytesWritten });
  }

  saveCopy(dest: string): Result<{ readonly path: string }> {
    const saved = saveCopy(this.path, this.edits.pendingEdits(), dest);
    return saved.ok ? ok({ path: dest }) : saved;
  }

  journalStatus(): Result<JournalState | null> {
    const found = inspectJournal(this.path);
    if (!found.ok || found.value === null) return found;
    const { journal, state, entries, editedBytes } = found.value;
    return ok({ journal, state, entries, editedBytes });
  }

  /** Settles a leftover journal, then maps the file again as it now is. */
  resolveJournal(action: JournalAction): Result<FileChange> {
    const resolved =
      action === 'rollback'
        ? rollbackJournal(this.path)
        : action === 'finish'
          ? finishJournal(this.path)
          : discardJournal(this.path);
    if (!resolved.ok) return resolved;
    const reloaded = this.reload(true);
    return reloaded;
  }

  status(): Result<FileStatus> {
    const mappedSize = this.size;
    const base = { session: this.id, mappedSize };
    let onDisk: { size: number; ino: number; dev: number; mtimeMs: number };
    try {
      onDisk = statSync(this.path);
    } catch {
      return ok({ ...base, currentSize: -1, state: 'vanished' });
    }
    if (onDisk.ino !== this.opened.ino || onDisk.dev !== this.opened.dev) {
      return ok({ ...base, currentSize: onDisk.size, state: 'replaced' });
    }
    const state =
      onDisk.size < mappedSize
        ? 'shrunk'
        : onDisk.size > mappedSize
          ? 'grown'
          : onDisk.mtimeMs !== this.opened.mtimeMs
            ? 'modified'
            : 'unchanged';
    return ok({ ...base, currentSize: onDisk.size, state });
  }

  /**
   * Maps the file as it is on disk now. Growth of the same file extends the line index; anything
   * else (shrunk, replaced, rewritten) indexes it again from the start.
   */
  reload(forceReindex = false): Result<FileChange> {
    let fresh: MappedFile;
    try {
      fresh = openMapped(this.path, 'readonly');
    } catch (error) {
      return errFromThrown(error);
    }
    const before = this.opened;
    const now = fresh.stat();
    const sameFile = now.ino === before.ino && now.dev === before.dev;
    const grew = !forceReindex && sameFile && now.size > this.file.size();
    const previous = this.file;
    this.file = fresh;
    this.opened = now;
    this.generation++;
    if (!grew || this.edits.modifiedByteCount() === 0) {
      // Pending edits were made against the old bytes; a different file cannot keep them.
      this.editBase = this.editGeneration + 1;
      this.edits = new EditModel(fresh.size());
    } else {
      this.edits.grow(fresh.size());
    }
    let kind: FileChange['kind'] = 'reloaded';
    let reason: string;
    if (grew) {
      kind = 'grown';
      reason = `The file grew to ${now.size.toLocaleString('en-US')} bytes.`;
      const text = this.text;
      if (text !== null) {
        const status = text.status();
        if (status.cancelled || status.error !== null) {
          // A stopped index cannot continue: index the grown file from the start.
          text.dispose();
          this.text = this.createIndex(text.encoding);
        } else {
          try {
            text.extend(fresh);
          } catch (error) {
            text.dispose();
            this.text = this.createIndex(text.encoding);
            reason += ` (indexed again: ${errFromThrown(error).message})`;
          }
        }
      }
    } else {
      reason = !sameFile
        ? 'The file was replaced on disk (e.g. log rotation) and was opened again.'
        : now.size < previous.size()
          ? `The file shrank to ${now.size.toLocaleString('en-US')} bytes and was indexed again.`
          : 'The file changed on disk and was read again.';
      if (this.text !== null) {
        const encoding = this.text.encoding;
        this.text.dispose();
        this.text = this.createIndex(encoding);
      }
    }
    previous.close();
    return ok({ info: this.info, kind, reason, generation: this.generation });
  }

  openText(choice: EncodingChoice): Result<IndexStatus> {
    try {
      const encoding = choice === 'auto' ? detectEncoding(this.file) : choice;
      if (this.text === null || this.text.encoding !== encoding) {
        this.text?.dispose();
        this.generation++;
        this.text = this.createIndex(encoding);
      }
      return ok(this.text.status());
    } catch (error) {
      return errFromThrown(error);
    }
  }

  private createIndex(encoding: IndexStatus['encoding']): TextIndex {
    return new TextIndex(
      this.file,
      encoding,
      this.id,
      (status) => this.emit('indexProgress', status),
      () => this.followTimer !== undefined,
    );
  }

  private requireText(): Result<TextIndex> {
    return this.text === null
      ? err('EINVAL', 'the text view of this file is not open (call openText first)')
      : ok(this.text);
  }

  indexStatus(): Result<IndexStatus> {
    const text = this.requireText();
    return text.ok ? ok(text.value.status()) : text;
  }

  cancelIndex(): Result<IndexStatus> {
    const text = this.requireText();
    if (!text.ok) return text;
    text.value.cancel();
    return ok(text.value.status());
  }

  readLines(first: LineNumber, count: number): Result<TextLines> {
    const text = this.requireText();
    if (!text.ok) return text;
    try {
      const range = text.value.readLines(first - 1, count);
      const modifiedLines = new Uint8Array(range.count);
      if (this.edits.modifiedByteCount() > 0) {
        for (let i = 0; i < range.count; i++) {
          const start = range.fileOffsets[i]!;
          this.edits.overlay(start, range.bytes.subarray(range.textStarts[i]!, range.textStarts[i + 1]!));
          const touched = this.edits.modifiedRangesIn(start, start + range.fullLengths[i]! + 1);
          modifiedLines[i] = touched.length > 0 ? 1 : 0;
        }
      }
      return ok({
        session: this.id,
        generation: this.generation,
        first,
        count: range.count,
        bytes: range.bytes,
        textStarts: range.textStarts,
        fileOffsets: range.fileOffsets,
        fullLengths: range.fullLengths,
        modifiedLines,
      });
    } catch (error) {
      return errFromThrown(error);
    }
  }

  lineAtOffset(offset: ByteOffset): Result<LineNumber> {
    const text = this.requireText();
    if (!text.ok) return text;
    if (offset > this.size) return err('ERANGE', `offset ${offset} is past the end of the file (${this.size} bytes)`);
    try {
      return ok(lineNumber(text.value.lineAtOffset(offset) + 1));
    } catch (error) {
      return errFromThrown(error);
    }
  }

  copyLines(first: LineNumber, last: LineNumber): Result<Uint8Array> {
    const text = this.requireText();
    if (!text.ok) return text;
    if (last < first) return err('EINVAL', `last line ${last} is before first line ${first}`);
    try {
      const head = text.value.readLines(first - 1, 1, 0);
      const tail = text.value.readLines(last - 1, 1, 0);
      if (head.count === 0 || tail.count === 0) {
        return err('ERANGE', `lines ${first}-${last} are not all indexed yet`);
      }
      const start = head.fileOffsets[0]!;
      const end = tail.fileOffsets[0]! + tail.fullLengths[0]!;
      if (end - start > MAX_COPY_BYTES) {
        return err(
          'ETOOBIG',
          `The selection is ${(end - start).toLocaleString('en-US')} bytes; copying is limited to ${MAX_COPY_BYTES.toLocaleString('en-US')} bytes.`,
        );
      }
      return this.readBytes(start as ByteOffset, byteCount(end - start));
    } catch (error) {
      return errFromThrown(error);
    }
  }

  setFollow(follow: boolean): Result<IndexStatus> {
    if (follow && this.followTimer === undefined) {
      this.followTimer = setInterval(() => this.followTick(), FOLLOW_POLL_MS);
      this.followTimer.unref?.();
    } else if (!follow && this.followTimer !== undefined) {
      clearInterval(this.followTimer);
      this.followTimer = undefined;
    }
    return this.indexStatus();
  }

  private followTick(): void {
    let onDisk: { size: number; ino: number; dev: number; mtimeMs: number };
    try {
      onDisk = statSync(this.path);
    } catch {
      return; // vanished: the status poll tells the user; keep showing what was mapped
    }
    const changed =
      onDisk.size !== this.file.size() || onDisk.ino !== this.opened.ino || onDisk.dev !== this.opened.dev;
    if (!changed) return;
    const change = this.reload();
    if (change.ok) this.emit('fileChanged', change.value);
  }

  dispose(): void {
    this.find.dispose();
    if (this.followTimer !== undefined) clearInterval(this.followTimer);
    this.followTimer = undefined;
    this.text?.dispose();
    this.text = null;
    this.file.close();
  }
}

function isWritable(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}
