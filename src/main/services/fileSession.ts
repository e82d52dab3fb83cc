// One open file: composes the edited file (mapping + pending edits), its line index, its search and
// its follow watcher, all owned by one DisposableStore, and answers reads and status checks as values.
import { HashController } from './hash/hashController';
import { joinLines } from './joinLines';
import { basename, resolve as resolvePath } from 'node:path';
import { accessSync, constants } from 'node:fs';
import { openMapped, type LineSlice, type MappedFile } from '../../../native/index';
import {
  MAX_COPY_BYTES,
  MAX_LINE_DISPLAY_BYTES,
  MAX_LINES_PER_READ,
  type ByteView,
  type CommitOutcome,
  type EditState,
  type EncodingChoice,
  type EventName,
  type Events,
  type FileChange,
  type FileInfo,
  type FileStatus,
  type FilterStatus,
  type FindStatus,
  type ExportOutcome,
  type ExportSource,
  type FilteredLines,
  type ScrollTicks,
  type LinesAt,
  type IndexStatus,
  type JournalAction,
  type JournalState,
  type TextLines,
  type TimeState,
} from '../../shared/contract';
import { DisposableStore, toDisposable, type Disposable } from '../../shared/disposable';
import { err, errFromThrown, ok, type Result } from '../../shared/result';
import {
  byteCount,
  displayLine,
  lineNumber,
  type ByteCount,
  type ByteOffset,
  type LineNumber,
  type SessionId,
} from '../../shared/units';
import { commitEdits, discardJournal, finishJournal, inspectJournal, rollbackJournal, saveCopy } from './commit';
import { EditedFile } from './editedFile';
import { mapWithEdits } from './editedMapping';
import { compareIdentity, identityAt, sameFile, type FileIdentity } from './fileIdentity';
import { FindController, type FindHost } from './find/findController';
import { FilterController, type FilterHost } from './filter/filterController';
import { exportLines, type LineSource } from './filter/exportLines';
import { FollowWatcher } from './followWatcher';
import { TimeController } from './time/timeController';
import { BinaryTools } from './binary/binaryTools';
import type { Compression, DecompressedFile } from './compressed';
import { detectEncoding, TextIndex } from './textIndex';

/** Sends an event to the window (or connection) that owns the session. */
export type Emit = <E extends EventName>(name: E, payload: Events[E]) => void;

const SAVE_PROGRESS_INTERVAL_MS = 100;

export class FileSession implements Disposable {
  /** What was opened (or last re-mapped or committed): status and commit compare the disk with it. */
  private opened: FileIdentity;
  private text: TextIndex | null = null;
  private follow: FollowWatcher | null = null;
  /** Bumped whenever lines may have moved (re-index, reload); line caches key on it. */
  private generation = 0;
  /** Bumped whenever lines already indexed may read differently (a new index, another time format): not on growth. */
  private rewrites = 0;
  private readonly store = new DisposableStore();
  readonly find: FindController;
  readonly filter: FilterController;
  readonly time: TimeController;
  readonly hashes: HashController;
  readonly binary: BinaryTools;

  /** The path the user opened: the compressed file for a decompressed one, else the mapped path. */
  readonly shownPath: string;
  /** How the file shown was compressed (the session maps its decompressed copy), or null. */
  readonly compression: Compression | null;
  /** A decompressed file's identity is its compressed file's: what the position memory keys on. */
  private readonly sourceIdentity: FileIdentity | null;

  private constructor(
    readonly id: SessionId,
    readonly owner: string,
    /** The file mapped: the decompressed cache file of a compressed one. */
    readonly path: string,
    private readonly edited: EditedFile,
    private readonly emit: Emit,
    decompressed: DecompressedFile | null,
  ) {
    this.shownPath = decompressed?.sourcePath ?? path;
    this.compression = decompressed?.compression ?? null;
    this.sourceIdentity = decompressed === null ? null : identityAt(decompressed.sourcePath);
    // Disposed newest first: the mapping closes before its cache file is deleted.
    if (decompressed !== null) this.store.add(decompressed);
    this.store.add(edited);
    this.opened = edited.stat();
    // Disposed newest first: the search and the index stop before the mapping closes.
    this.store.add(
      toDisposable(() => {
        this.text?.dispose();
        this.text = null;
        this.follow?.dispose();
        this.follow = null;
      }),
    );
    this.filter = this.store.add(
      new FilterController(this.filterHost((status) => this.emit('filterProgress', status))),
    );
    this.time = this.store.add(
      new TimeController({
        session: this.id,
        file: () => this.edited.file,
        encoding: () => this.text?.encoding ?? 'utf-8',
        mtimeMs: () => this.opened.mtimeMs,
        readRange: (offset, length) => this.readBytes(offset as ByteOffset, byteCount(length)),
        readLines: (first, count, maxBytes) => {
          const slice = this.overlaid(this.text!.readLines(first, count, maxBytes));
          return { bytes: slice.bytes, starts: slice.textStarts };
        },
        linesKnown: () => this.text?.status().linesKnown ?? 0,
        following: () => this.follow !== null,
        search: (searchId) => {
          const search = this.find.status();
          return search !== null && search.searchId === searchId ? search.query : null;
        },
        emitTimeline: (status) => this.emit('timelineProgress', status),
        emitTime: (state) => this.emit('timeChanged', state),
      }),
    );
    this.find = this.store.add(new FindController(this.findHost((status) => this.emit('findProgress', status))));
    this.hashes = this.store.add(
      new HashController({
        session: this.id,
        path: this.path,
        size: () => this.size,
        editsIn: (start, end) => this.edited.editsIn(start, end),
        emit: (status) => this.emit('hashProgress', status),
      }),
    );
    this.binary = this.store.add(new BinaryTools({ session: this.id, file: () => this.edited.file }));
  }

  /** What a search of this file reads; its progress goes to `emit`. */
  private findHost(emit: (status: FindStatus) => void): FindHost {
    return {
      session: this.id,
      owner: this.owner,
      file: () => this.edited.file,
      reader: () => this.edited.reader(),
      hasPendingEdits: () => this.edited.hasPendingEdits,
      editedMapping: () => mapWithEdits(this.edited.file, this.edited.pendingEdits()),
      editGeneration: () => this.edited.generation,
      encoding: () => this.text?.encoding ?? 'utf-8',
      text: () => this.text,
      emit,
      applyEdits: (edits) => {
        const busy = this.readOnlyError() ?? this.busyError();
        if (busy !== null) return busy;
        const applied = this.edited.editMany(edits);
        return applied.ok ? ok(this.editState()) : applied;
      },
    };
  }

  /** What a filter of this file reads; its progress goes to `emit`. */
  private filterHost(emit: (status: FilterStatus) => void): FilterHost {
    return {
      session: this.id,
      file: () => this.edited.file,
      encoding: () => this.text?.encoding ?? 'utf-8',
      linesIndexed: () => this.text?.status().linesKnown ?? 0,
      indexDone: () => this.text?.status().done === true,
      hasPendingEdits: () => this.edited.hasPendingEdits,
      timeLines: (fromMs, toMs) => {
        const lines = this.text?.status().linesKnown ?? 0;
        // A bound past the last time is the end of the lines.
        const lineAt = (ms: number): Result<number> => {
          const found = this.time.seek(ms);
          if (found.ok) return ok(found.value.line);
          return found.code === 'ERANGE' ? ok(lines) : found;
        };
        const first = lineAt(fromMs);
        if (!first.ok) return first;
        const end = lineAt(toMs);
        if (!end.ok) return end;
        return ok({ first: first.value, end: Math.max(first.value, end.value) });
      },
      emit,
    };
  }

  /**
   * A search of this file of its own, for a merged view: its progress is not sent, and its
   * replacements are refused. The caller disposes it (before the session, or when told it closed).
   */
  sideFind(): FindController {
    return new FindController({
      ...this.findHost(() => undefined),
      applyEdits: () => err('EREADONLY', 'The merged view is read-only: replace in the tab of the file.'),
    });
  }

  /** A filter of this file of its own, for a merged view (its progress is not sent). */
  sideFilter(): FilterController {
    return new FilterController(this.filterHost(() => undefined));
  }

  /**
   * Maps `path` read-only; throws the addon's coded error when it cannot. With `decompressed`, maps
   * its cache file and owns it (deleted when the session ends), shown under the compressed file's name.
   */
  static open(
    id: SessionId,
    owner: string,
    path: string,
    emit: Emit,
    decompressed: DecompressedFile | null = null,
  ): FileSession {
    const edited = EditedFile.open(decompressed?.cachePath ?? path);
    try {
      return new FileSession(id, owner, decompressed?.cachePath ?? path, edited, emit, decompressed);
    } catch (error) {
      edited.dispose();
      throw error;
    }
  }

  /** Whether the session has been closed (its tab closed): a merged view reading it says so. */
  get closed(): boolean {
    return this.store.isDisposed;
  }

  get size(): ByteCount {
    return byteCount(this.edited.size);
  }

  get info(): FileInfo {
    const source = this.sourceIdentity ?? this.opened;
    return {
      session: this.id,
      name: basename(this.shownPath),
      path: this.shownPath,
      size: this.size,
      writable: this.compression === null && isWritable(this.path),
      fileId: `${source.dev}:${source.ino}`,
      compression: this.compression,
    };
  }

  /** Why the bytes cannot be changed here (a decompressed view), or null. */
  private readOnlyError(): Result<never> | null {
    if (this.compression === null) return null;
    return err(
      'EREADONLY',
      `${basename(this.shownPath)} is shown decompressed, read-only: edits cannot be written back into a ${this.compression} file.`,
    );
  }

  /** Copies up to `length` bytes from `offset` into a fresh buffer, edits laid over; shorter at the end. */
  readBytes(offset: ByteOffset, length: ByteCount): Result<Uint8Array> {
    return this.edited.readBytes(offset, length);
  }

  readView(offset: ByteOffset, length: ByteCount): Result<ByteView> {
    return this.edited.readView(offset, length);
  }

  editState(): EditState {
    return this.edited.editState(this.id);
  }

  /** A same-length overwrite as a pending edit: the file itself is not touched. */
  editBytes(offset: ByteOffset, bytes: Uint8Array): Result<EditState> {
    const busy = this.readOnlyError() ?? this.busyError();
    if (busy !== null) return busy;
    const edited = this.edited.edit(offset, bytes);
    return edited.ok ? ok(this.editState()) : edited;
  }

  undoEdit(): Result<EditState> {
    return this.whenIdle(() => this.edited.undo());
  }

  redoEdit(): Result<EditState> {
    return this.whenIdle(() => this.edited.redo());
  }

  discardEdits(): Result<EditState> {
    return this.whenIdle(() => this.edited.discardAll());
  }

  /** Changes the pending edits unless a commit or recovery runs. */
  private whenIdle(change: () => void): Result<EditState> {
    const busy = this.busyError();
    if (busy !== null) return busy;
    change();
    return ok(this.editState());
  }

  /** What the session is doing that must not overlap with edits or another commit, or null. */
  private busy: 'commit' | 'recovery' | null = null;

  private busyError(): Result<never> | null {
    if (this.busy === null) return null;
    return err(
      'ELOCKED',
      this.busy === 'commit'
        ? 'A commit of this file is in progress; wait for it to finish.'
        : 'A recovery of this file is in progress; wait for it to finish.',
    );
  }

  /** Commits pending edits in place (off the main thread); refuses if the file changed on disk since it was opened. */
  async commit(): Promise<Result<CommitOutcome>> {
    const busy = this.busyError();
    if (busy !== null) return busy;
    const pending = this.edited.pendingEdits();
    const generation = this.edited.generation;
    const bytesWritten = pending.reduce((sum, edit) => sum + edit.newBytes.byteLength, 0);
    if (pending.length > 0) {
      this.busy = 'commit';
      let committed: Result<FileIdentity>;
      try {
        committed = await commitEdits(this.path, pending, this.opened);
      } finally {
        this.busy = null;
      }
      if (!committed.ok) return committed;
      this.opened = committed.value;
    }
    if (this.store.isDisposed) {
      return err(
        'ECLOSED',
        pending.length > 0
          ? `The edits were committed to ${this.path}, but the file was closed before the commit finished.`
          : `${this.path} was closed during the commit`,
      );
    }
    // Edits are refused while committing, so the model still holds exactly what was written.
    if (this.edited.generation !== generation) return err('EINTERNAL', 'the edits changed during the commit');
    // The read-only shared mapping already shows the new bytes; only a changed newline moves lines.
    const touchesNewlines = pending.some((edit) => edit.oldBytes.includes(0x0a) || edit.newBytes.includes(0x0a));
    this.edited.settleEdits();
    if (touchesNewlines && this.text !== null) {
      const encoding = this.text.encoding;
      this.text.dispose();
      this.generation++;
      this.text = this.createIndex(encoding);
      this.restartViews();
    }
    return ok({ info: this.info, edit: this.editState(), bytesWritten });
  }

  /** The running save-a-copy's cancel switch, or null. */
  private saving: AbortController | null = null;

  /**
   * A copy of the file with the pending edits, written off the main thread, with saveProgress
   * events at most ~10 times a second; null if cancelled. One at a time per session.
   */
  async saveCopy(dest: string): Promise<Result<{ readonly path: string } | null>> {
    if (this.saving !== null)
      return err('ELOCKED', 'A copy of this file is being saved already; wait for it or cancel it.');
    const saving = new AbortController();
    this.saving = saving;
    let lastEmit = 0;
    const progress = (copiedBytes: number, totalBytes: number, done: boolean): void =>
      this.emit('saveProgress', { session: this.id, copiedBytes, totalBytes, done });
    try {
      const saved = await saveCopy(this.path, this.edited.pendingEdits(), dest, {
        signal: saving.signal,
        onProgress: (copied, total) => {
          const now = Date.now();
          if (now - lastEmit < SAVE_PROGRESS_INTERVAL_MS) return;
          lastEmit = now;
          progress(copied, total, false);
        },
      });
      progress(this.size, this.size, true);
      if (!saved.ok) return saved;
      return ok(saved.value === 'saved' ? { path: dest } : null);
    } finally {
      this.saving = null;
    }
  }

  /** Stops a running save-a-copy (its temporary file is removed); nothing happens if none runs. */
  cancelSaveCopy(): null {
    this.saving?.abort();
    return null;
  }

  async journalStatus(): Promise<Result<JournalState | null>> {
    const found = await inspectJournal(this.path);
    if (!found.ok || found.value === null) return found;
    const { journal, state, entries, editedBytes } = found.value;
    return ok({ journal, state, entries, editedBytes });
  }

  /** Settles a leftover journal, then maps the file again as it now is. */
  async resolveJournal(action: JournalAction): Promise<Result<FileChange>> {
    const busy = this.busyError();
    if (busy !== null) return busy;
    this.busy = 'recovery';
    let resolved: Result<null>;
    try {
      resolved =
        action === 'rollback'
          ? await rollbackJournal(this.path)
          : action === 'finish'
            ? await finishJournal(this.path)
            : await discardJournal(this.path);
    } finally {
      this.busy = null;
    }
    if (!resolved.ok) return resolved;
    if (this.store.isDisposed) return err('ECLOSED', `${this.path} was closed during the recovery`);
    return this.reload(true);
  }

  status(): Result<FileStatus> {
    const mappedSize = this.size;
    const base = { session: this.id, mappedSize };
    const onDisk = identityAt(this.path);
    if (onDisk === null) return ok({ ...base, currentSize: -1, state: 'vanished' });
    const state = compareIdentity(this.shownIdentity(), onDisk);
    // A commit of ours moves the mtime before it adopts the new identity: not someone else's change.
    return ok({
      ...base,
      currentSize: onDisk.size,
      state: state === 'modified' && this.busy !== null ? 'unchanged' : state,
    });
  }

  /** The identity of the file as shown: what was opened, at the size mapped now (a compressed file's own). */
  get identity(): FileIdentity {
    return this.sourceIdentity ?? this.shownIdentity();
  }

  private shownIdentity(): FileIdentity {
    return { ...this.opened, size: this.edited.size };
  }

  /**
   * Maps the file as it is on disk now. Growth of the same file extends the line index; anything
   * else (shrunk, replaced, rewritten) indexes it again from the start.
   */
  reload(forceReindex = false): Result<FileChange> {
    const busy = this.busyError();
    if (busy !== null && !forceReindex) return busy;
    let fresh: MappedFile;
    try {
      fresh = openMapped(this.path, 'readonly');
    } catch (error) {
      return errFromThrown(error);
    }
    const before = this.shownIdentity();
    const now = fresh.stat();
    const change = compareIdentity(before, now);
    const grew = !forceReindex && change === 'grown';
    this.opened = now;
    this.generation++;
    // Pending edits were made against the old bytes; a different file cannot keep them.
    this.edited.replaceMapping(fresh, grew);
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
          this.restartViews();
        } else {
          try {
            text.extend(fresh);
            this.filter.grown(fresh);
            this.time.grown(fresh);
          } catch (error) {
            text.dispose();
            this.text = this.createIndex(text.encoding);
            this.restartViews();
            reason += ` (indexed again: ${errFromThrown(error).message})`;
          }
        }
      }
    } else {
      reason = !sameFile(before, now)
        ? 'The file was replaced on disk (e.g. log rotation) and was opened again.'
        : now.size < before.size
          ? `The file shrank to ${now.size.toLocaleString('en-US')} bytes and was indexed again.`
          : 'The file changed on disk and was read again.';
      if (this.text !== null) {
        const encoding = this.text.encoding;
        this.text.dispose();
        this.text = this.createIndex(encoding);
      }
      this.restartViews();
    }
    return ok({ info: this.info, kind, reason, generation: this.generation });
  }

  openText(choice: EncodingChoice): Result<IndexStatus> {
    try {
      const encoding = choice === 'auto' ? detectEncoding(this.edited.file) : choice;
      if (this.text === null || this.text.encoding !== encoding) {
        this.text?.dispose();
        this.generation++;
        this.text = this.createIndex(encoding);
        this.restartViews();
      }
      return ok(this.textStatus(this.text));
    } catch (error) {
      return errFromThrown(error);
    }
  }

  /** How often lines already indexed may have changed (a merged view of a file that only grew extends its merge). */
  get linesRewritten(): number {
    return this.rewrites;
  }

  private createIndex(encoding: IndexStatus['encoding']): TextIndex {
    this.rewrites++;
    return new TextIndex(
      this.edited.file,
      encoding,
      this.id,
      (status) => this.emit('indexProgress', { ...status, generation: this.generation }),
      () => this.follow !== null,
      this.owner,
    );
  }

  private textStatus(text: TextIndex): IndexStatus {
    return { ...text.status(), generation: this.generation };
  }

  private requireText(): Result<TextIndex> {
    return this.text === null
      ? err('EINVAL', 'the text view of this file is not open (call openText first)')
      : ok(this.text);
  }

  indexStatus(): Result<IndexStatus> {
    const text = this.requireText();
    return text.ok ? ok(this.textStatus(text.value)) : text;
  }

  cancelIndex(): Result<IndexStatus> {
    const text = this.requireText();
    if (!text.ok) return text;
    text.value.cancel();
    return ok(this.textStatus(text.value));
  }

  /** 0-based lines [first, first + count), at most MAX_LINES_PER_READ; fewer past the indexed lines. */
  readLines(first: LineNumber, count: number): Result<TextLines> {
    const text = this.requireText();
    if (!text.ok) return text;
    if (count > MAX_LINES_PER_READ) {
      return err('EINVAL', `at most ${MAX_LINES_PER_READ} lines can be read at once, asked for ${count}`);
    }
    try {
      const range = text.value.readLines(first, count);
      return ok({ ...this.shownLines(range), first });
    } catch (error) {
      return errFromThrown(error);
    }
  }

  /** The lines moved or the file changed: the filter and the times start over. */
  private restartViews(): void {
    this.filter.restart();
    this.time.restart();
  }

  /** Reads times by another format: lines read before carry stale times, so the generation moves on. */
  setTimeFormat(choice: Parameters<TimeController['setChoice']>[0]): Result<TimeState> {
    const before = this.time.timeState().version;
    const state = this.time.setChoice(choice);
    if (state.ok && state.value.version !== before && this.text !== null) {
      this.generation++;
      this.rewrites++;
      this.emit('indexProgress', this.textStatus(this.text));
    }
    return state;
  }

  /** Lines read from the index as the views show them, with each line's own time. */
  private shownLines(range: LineSlice): Omit<TextLines, 'first'> {
    const shown = this.overlaid(range);
    return { ...shown, times: this.time.timesOf(shown.bytes, shown.textStarts) };
  }

  /** Lines read from the index with pending edits laid over, modified lines marked. */
  private overlaid(range: LineSlice): Omit<TextLines, 'first' | 'times'> {
    const modifiedLines = new Uint8Array(range.count);
    if (this.edited.hasPendingEdits) {
      for (let i = 0; i < range.count; i++) {
        const start = range.fileOffsets[i]!;
        this.edited.overlay(start, range.bytes.subarray(range.textStarts[i]!, range.textStarts[i + 1]!));
        modifiedLines[i] = this.edited.isModifiedIn(start, start + range.fullLengths[i]! + 1) ? 1 : 0;
      }
    }
    return {
      session: this.id,
      generation: this.generation,
      count: range.count,
      bytes: range.bytes,
      textStarts: range.textStarts,
      fileOffsets: range.fileOffsets,
      fullLengths: range.fullLengths,
      modifiedLines,
    };
  }

  /** Lines by number (0-based, any order), each capped at `maxBytesPerLine`; lines not indexed yet are left out. */
  readLinesAt(lines: readonly number[], maxBytesPerLine: number): Result<LinesAt> {
    const text = this.requireText();
    if (!text.ok) return text;
    if (lines.length > MAX_LINES_PER_READ) {
      return err('EINVAL', `at most ${MAX_LINES_PER_READ} lines can be read at once, asked for ${lines.length}`);
    }
    try {
      const slice = text.value.readLinesAt(Float64Array.from(lines), maxBytesPerLine);
      return ok({ ...this.shownLines(slice), lines: slice.lines });
    } catch (error) {
      return errFromThrown(error);
    }
  }

  /** Rows [firstRow, firstRow + count) of the filtered view, at most MAX_LINES_PER_READ. */
  readFilteredLines(filterId: number, firstRow: number, count: number): Result<FilteredLines> {
    const text = this.requireText();
    if (!text.ok) return text;
    if (count > MAX_LINES_PER_READ) {
      return err('EINVAL', `at most ${MAX_LINES_PER_READ} lines can be read at once, asked for ${count}`);
    }
    const lines = this.filter.lines(filterId, firstRow, count);
    if (!lines.ok) return lines;
    try {
      const slice = text.value.readLinesAt(lines.value, MAX_LINE_DISPLAY_BYTES);
      const kept = this.filter.keptFlags(filterId, slice.lines);
      if (!kept.ok) return kept;
      return ok({ ...this.shownLines(slice), filterId, firstRow, lines: slice.lines, kept: kept.value });
    } catch (error) {
      return errFromThrown(error);
    }
  }

  /**
   * The scrollbar's ticks: the search's matches counted in `buckets` equal ranges of rows (the
   * lines, or filter `filterId`'s rows), each range's byte bounds read from the line index in one
   * call; and the row of each mark.
   */
  scrollTicks(searchId: number, filterId: number, marks: readonly number[], buckets: number): Result<ScrollTicks> {
    const text = this.requireText();
    if (!text.ok) return text;
    const index = text.value;
    try {
      const filtered = filterId >= 0;
      const status = filtered ? this.filter.status() : null;
      if (filtered && (status === null || status.filterId !== filterId || !status.active)) {
        return err('ENOTFOUND', `filter ${filterId} is no longer current`);
      }
      const rows = status?.rowsKnown ?? index.status().linesKnown;
      const lineOf = (firstRow: number, count: number): Result<Float64Array> =>
        filtered
          ? this.filter.lines(filterId, firstRow, count)
          : ok(Float64Array.from({ length: count }, (_, i) => firstRow + i));
      let matchBuckets = new Float64Array(0);
      const search = searchId >= 0 ? this.find.status() : null;
      if (search !== null && search.searchId === searchId && rows > 0) {
        const count = Math.min(buckets, rows);
        const boundaryLines = new Float64Array(count);
        for (let k = 0; k < count; k++) {
          const line = lineOf(Math.floor((k * rows) / count), 1);
          if (!line.ok) return line;
          boundaryLines[k] = line.value[0] ?? 0;
        }
        const starts = index.readLinesAt(boundaryLines, 0).fileOffsets;
        // A filtered bucket runs to the start of the next bucket's first row: the hidden lines between
        // count with it (and the hidden lines before the first row, with the first).
        const bounds = [0, ...starts.subarray(1), this.size];
        matchBuckets = new Float64Array(count);
        for (let k = 0; k < count; k++) {
          const from = this.find.indexAt(searchId, bounds[k]!);
          const to = this.find.indexAt(searchId, bounds[k + 1]!);
          if (!from.ok) return from;
          if (!to.ok) return to;
          matchBuckets[k] = Math.max(0, to.value - from.value);
        }
      }
      let markRows: Float64Array = Float64Array.from(marks, (line) => (line < rows ? line : -1));
      if (filtered) {
        const shown = this.filter.rowsOfLines(filterId, marks);
        if (!shown.ok) return shown;
        markRows = shown.value;
      }
      return ok({ rows, matchBuckets, markRows });
    } catch (error) {
      return errFromThrown(error);
    }
  }

  /** The row of each line in the filtered view, -1 where the filter hides it (or has not reached it). */
  filterRowsOfLines(filterId: number, lines: readonly number[]): Result<Float64Array> {
    return this.filter.rowsOfLines(filterId, lines);
  }

  /**
   * The first match from `from` in `direction` (wrapping, `from` included) on a line the filter
   * shows, or -1. Walks matches and shown lines side by side: a match on a hidden line jumps to the
   * first match of the next (or previous) shown line, so the hidden matches between cost nothing.
   */
  shownMatch(searchId: number, filterId: number, from: number, direction: 1 | -1): Result<number> {
    const text = this.requireText();
    if (!text.ok) return text;
    const search = this.find.status();
    if (search === null || search.searchId !== searchId) {
      return err('ENOTFOUND', `search ${searchId} is no longer current (a newer search replaced it)`);
    }
    const status = this.filter.status();
    if (status === null || status.filterId !== filterId) {
      return err('ENOTFOUND', `filter ${filterId} is no longer current`);
    }
    const count = search.matchCount;
    if (count === 0 || status.rowsKnown === 0) return ok(-1);
    const index = text.value;
    const wrap = (at: number): number => ((at % count) + count) % count;
    const lineStart = (line: number): number => index.readLinesAt(Float64Array.of(line), 0).fileOffsets[0] ?? 0;
    const lineEnd = (line: number): number => {
      const slice = index.readLinesAt(Float64Array.of(line), 0);
      return (slice.fileOffsets[0] ?? 0) + (slice.fullLengths[0] ?? 0) + 1;
    };
    try {
      let at = wrap(from);
      let travelled = 0;
      // Each step moves past at least one match: at most `count` steps (bounded for a huge count).
      for (let step = 0; step < 1_000_000 && travelled <= count; step++) {
        const page = this.find.matches(searchId, at, 1);
        if (!page.ok) return page;
        const offset = page.value.offsets[0];
        if (offset === undefined) return ok(-1);
        const line = index.lineAtOffset(offset);
        const row = this.filter.rowOfLine(filterId, line);
        if (!row.ok) return row;
        const next = row.value < status.rowsKnown ? this.filter.lines(filterId, row.value, 1) : ok(new Float64Array(0));
        if (!next.ok) return next;
        if (next.value[0] === line) return ok(at);
        let target: number;
        if (direction === 1) {
          // The first match at or after the start of the next shown line (none after: wrap to 0).
          const shownLine = next.value[0];
          const found = shownLine === undefined ? null : this.find.indexAt(searchId, lineStart(shownLine));
          if (found !== null && !found.ok) return found;
          target = found === null || found.value >= count ? count : found.value;
          travelled += target - at;
          at = target >= count ? 0 : target;
        } else {
          // The last match before the end of the previous shown line (none before: wrap to the last).
          const previous = row.value - 1;
          const shown = previous >= 0 ? this.filter.lines(filterId, previous, 1) : ok(new Float64Array(0));
          if (!shown.ok) return shown;
          const shownLine = shown.value[0];
          const found = shownLine === undefined ? null : this.find.indexAt(searchId, lineEnd(shownLine));
          if (found !== null && !found.ok) return found;
          target = found === null ? -1 : found.value - 1;
          travelled += at - target;
          at = target < 0 ? count - 1 : target;
        }
      }
      return ok(-1);
    } catch (error) {
      return errFromThrown(error);
    }
  }

  /** The lines an export writes, checked before the destination is asked for. */
  exportSource(source: ExportSource): Result<LineSource> {
    const text = this.requireText();
    if (!text.ok) return text;
    const index = text.value;
    let count: number;
    let lines: LineSource['lines'];
    if (source.kind === 'filtered') {
      const status = this.filter.status();
      if (status === null || status.filterId !== source.filterId) {
        return err('ENOTFOUND', 'That filter is no longer current: export again.');
      }
      if (!status.done) return err('ELOCKED', 'The filter has not finished yet: export once it has.');
      count = status.rowsKnown;
      lines = (first, length) => this.filter.lines(source.filterId, first, length);
    } else {
      const sorted = [...new Set(source.lines)].sort((a, b) => a - b);
      const known = index.status().linesKnown;
      if (sorted.some((line) => line >= known)) {
        return err('ERANGE', 'Some marked lines are past the lines indexed so far: export once indexing is done.');
      }
      count = sorted.length;
      lines = (first, length) => ok(Float64Array.from(sorted.slice(first, first + length)));
    }
    return ok({
      count,
      lines,
      read: (numbers, maxBytes) => {
        try {
          const shown = this.overlaid(index.readLinesAt(numbers, maxBytes));
          const bytes: Uint8Array[] = [];
          for (let i = 0; i < shown.count; i++)
            bytes.push(shown.bytes.subarray(shown.textStarts[i]!, shown.textStarts[i + 1]!));
          if (shown.count !== numbers.length)
            return err('EFILECHANGED', 'Lines were missing from the index: export again.');
          return ok({ bytes, lengths: shown.fullLengths, offsets: shown.fileOffsets });
        } catch (error) {
          return errFromThrown(error);
        }
      },
      readRange: (offset, length) => this.readBytes(offset as ByteOffset, byteCount(length)),
      alive: () => !this.store.isDisposed,
    });
  }

  /** Writes `source` to `dest` (a temporary file renamed over it once complete). */
  async exportLines(source: LineSource, dest: string): Promise<Result<ExportOutcome>> {
    if (resolvePath(dest) === resolvePath(this.path))
      return err('EINVAL', 'An export cannot overwrite the file it reads.');
    const written = await exportLines(source, dest);
    return written.ok ? ok({ path: dest, ...written.value }) : written;
  }

  /** The text of filtered rows firstRow..lastRow (inclusive), joined by LF, within MAX_COPY_BYTES. */
  copyFilteredLines(filterId: number, firstRow: number, lastRow: number): Result<Uint8Array> {
    const text = this.requireText();
    if (!text.ok) return text;
    if (lastRow < firstRow) return err('EINVAL', `last row ${lastRow} is before first row ${firstRow}`);
    const parts: Uint8Array[] = [];
    let total = 0;
    try {
      for (let row = firstRow; row <= lastRow; row += MAX_LINES_PER_READ) {
        const lines = this.filter.lines(filterId, row, Math.min(MAX_LINES_PER_READ, lastRow - row + 1));
        if (!lines.ok) return lines;
        if (lines.value.length < Math.min(MAX_LINES_PER_READ, lastRow - row + 1)) {
          return err('ERANGE', 'the rows asked for are not all filtered yet');
        }
        // Lengths first: a selection past the limit is refused before any byte is read.
        const lengths = text.value.readLinesAt(lines.value, 0);
        for (const length of lengths.fullLengths) total += length + 1;
        if (total - 1 > MAX_COPY_BYTES) {
          return err(
            'ETOOBIG',
            `The selection is over ${MAX_COPY_BYTES.toLocaleString('en-US')} bytes; copying is limited to ${MAX_COPY_BYTES.toLocaleString('en-US')} bytes.`,
          );
        }
        const slice = text.value.readLinesAt(lines.value, MAX_COPY_BYTES);
        const shown = this.overlaid(slice);
        for (let i = 0; i < shown.count; i++) {
          parts.push(shown.bytes.subarray(shown.textStarts[i]!, shown.textStarts[i + 1]!));
        }
      }
    } catch (error) {
      return errFromThrown(error);
    }
    return ok(joinLines(parts));
  }

  /** The 0-based line holding `offset`. */
  lineAtOffset(offset: ByteOffset): Result<LineNumber> {
    const text = this.requireText();
    if (!text.ok) return text;
    if (offset > this.size) return err('ERANGE', `offset ${offset} is past the end of the file (${this.size} bytes)`);
    try {
      return ok(lineNumber(text.value.lineAtOffset(offset)));
    } catch (error) {
      return errFromThrown(error);
    }
  }

  /**
   * Where each of `lines` starts in the file (ascending lines read fastest); a line just past the
   * lines indexed starts where the indexed bytes end. For a merged view's offsets. Throws a coded
   * error when the file has no index, or changed.
   */
  lineStarts(lines: Float64Array): Float64Array {
    const text = this.requireText();
    if (!text.ok) throw Object.assign(new Error(text.message), { code: text.code });
    const status = text.value.status();
    const known = status.linesKnown;
    const starts = new Float64Array(lines.length);
    const inside = lines.filter((line) => line < known);
    const slice = inside.length === 0 ? null : text.value.readLinesAt(inside, 0);
    let end = -1;
    for (let i = 0, k = 0; i < lines.length; i++) {
      const line = lines[i]!;
      if (line < known && slice !== null) {
        // readLinesAt answers in the order asked, for every line known.
        starts[i] = slice.fileOffsets[k++]!;
        continue;
      }
      if (end < 0) {
        if (status.done || known === 0) end = known === 0 ? 0 : status.totalBytes;
        else {
          const last = text.value.readLinesAt(Float64Array.of(known - 1), 0);
          end = (last.fileOffsets[0] ?? 0) + (last.fullLengths[0] ?? 0) + 1;
        }
      }
      starts[i] = end;
    }
    return starts;
  }

  /** The 0-based lines of many offsets in one call (-1 where not indexed yet). */
  linesAtOffsets(offsets: Float64Array): Result<{ lines: Float64Array }> {
    const text = this.requireText();
    if (!text.ok) return text;
    try {
      return ok({ lines: text.value.linesAtOffsets(offsets) });
    } catch (error) {
      return errFromThrown(error);
    }
  }

  /** Bytes of 0-based lines first..last (inclusive), newline of the last excluded. */
  copyLines(first: LineNumber, last: LineNumber): Result<Uint8Array> {
    const text = this.requireText();
    if (!text.ok) return text;
    if (last < first) return err('EINVAL', `last line index ${last} is before first line index ${first}`);
    try {
      const head = text.value.readLines(first, 1, 0);
      const tail = text.value.readLines(last, 1, 0);
      if (head.count === 0 || tail.count === 0) {
        return err('ERANGE', `lines ${displayLine(first)}-${displayLine(last)} are not all indexed yet`);
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
    if (follow && this.follow === null) {
      this.follow = new FollowWatcher(
        this.path,
        () => this.shownIdentity(),
        () => {
          const change = this.reload();
          if (change.ok) this.emit('fileChanged', change.value);
        },
      );
    } else if (!follow && this.follow !== null) {
      this.follow.dispose();
      this.follow = null;
    }
    return this.indexStatus();
  }

  dispose(): void {
    this.saving?.abort();
    this.store.dispose();
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
