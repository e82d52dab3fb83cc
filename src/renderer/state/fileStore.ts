// One store per open file: its index, edits and disk status as the services report them, and its
// views' positions, cursor and selection. Nothing here outlives the file: closing it drops the store.
import { createContext, useContext } from 'react';
import { createStore, useStore, type StoreApi } from 'zustand';
import type {
  EditState,
  EncodingChoice,
  FileChange,
  FileInfo,
  FileStatus,
  HexlogApi,
  IndexStatus,
  JournalAction,
  JournalState,
  SaveProgress,
} from '../../shared/contract';
import type { Result } from '../../shared/result';
import { byteOffset, lineNumber, type LineNumber } from '../../shared/units';
import { plural } from '../format';
import type { Messages } from './messages';

export type ViewKind = 'hex' | 'text' | 'records';

/** A position one view asks another to show when the user switches views. */
export type Reveal =
  | {
      readonly kind: 'line';
      readonly line: LineNumber;
      /** Say nothing when the line is hidden by the filter (the next shown one is shown). */
      readonly quiet?: boolean;
      /** Put the line this many rows below the top (where it was in the view left), instead of centring it. */
      readonly screenRow?: number;
    }
  | {
      readonly kind: 'offset';
      readonly offset: number;
      /** Select [offset, selectTo] (the hex view), instead of putting the cursor at offset. */
      readonly selectTo?: number;
    };

export interface RowCursor {
  readonly filterId: number;
  readonly current: number;
  readonly anchor: number;
}

export interface FileState {
  readonly info: FileInfo;
  view: ViewKind;
  index: IndexStatus | null;
  fileStatus: FileStatus | null;
  /** The last change followed on disk, shown as a notice until dismissed. */
  change: FileChange | null;
  edit: EditState | null;
  journal: JournalState | null;
  committing: boolean;
  /** A running "Save a copy": bytes copied of the total, or null. */
  saving: { readonly copiedBytes: number; readonly totalBytes: number } | null;
  /** The services' data generation (IndexStatus / FileChange): line caches key on it. */
  generation: number;
  /** The generation at which the file was last mapped again: byte caches key on it. */
  mapGeneration: number;

  /** Byte offset of the cursor in the hex view, and the other end of a byte selection. */
  cursor: number;
  selectionAnchor: number;
  /** Which pane types go to, and whether the cursor byte's high nibble was just typed. */
  pane: 'hex' | 'ascii';
  nibble: 'high' | 'low';
  bytesPerRow: number;
  offsetBase: 'hex' | 'dec';
  littleEndian: boolean;
  /** Current line of the text view (0-based; the screen adds 1), and the other end of a line selection. */
  currentLine: LineNumber;
  anchorLine: LineNumber;
  /** File offset of the current line's first byte, once known. */
  currentLineOffset: number | null;
  reveal: Reveal | null;
  /** The first row on screen in each view, so that a tab comes back where it was left. */
  textTop: number;
  hexTop: number;
  /** The filter whose rows textTop counts (null: unfiltered lines). */
  textTopFilter: number | null;
  /** The filtered view's current row and selection anchor, for the filter they belong to. */
  rowCursor: RowCursor | null;

  setCursor(offset: number, extendSelection?: boolean): void;
  /** Selects bytes [start, end] with the cursor at `end`. */
  selectBytes(start: number, end: number): void;
  setPane(pane: 'hex' | 'ascii'): void;
  setNibble(nibble: 'high' | 'low'): void;
  setBytesPerRow(bytesPerRow: number): void;
  setOffsetBase(base: 'hex' | 'dec'): void;
  setLittleEndian(littleEndian: boolean): void;
  setCurrentLine(line: LineNumber, extendSelection: boolean, offset: number | null): void;
  selectLines(first: LineNumber, last: LineNumber): void;
  setReveal(reveal: Reveal | null): void;
  setView(view: ViewKind): void;
  setTop(view: ViewKind, top: number, filterId?: number | null): void;
  setRowCursor(cursor: RowCursor | null): void;

  /** Opens the text index (auto-detecting the encoding) and reads the edit and journal state. */
  start(): Promise<void>;
  checkFile(): Promise<void>;
  reloadFile(): Promise<void>;
  dismissChange(): void;
  setEncoding(encoding: EncodingChoice): Promise<void>;
  setFollow(follow: boolean): Promise<void>;
  cancelIndex(): Promise<void>;
  onIndexProgress(status: IndexStatus): void;
  onFileChanged(change: FileChange): void;
  onSaveProgress(progress: SaveProgress): void;
  editBytes(offset: number, bytes: Uint8Array): Promise<boolean>;
  setEdit(edit: EditState): void;
  undo(): Promise<void>;
  redo(): Promise<void>;
  discardEdits(): Promise<void>;
  /** Commits (writable file) or saves a copy (read-only file); says so when there is nothing to write. */
  save(): Promise<boolean>;
  commitEdits(): Promise<boolean>;
  saveCopy(): Promise<void>;
  cancelSaveCopy(): Promise<void>;
  resolveJournal(action: JournalAction): Promise<void>;
}

export type FileStore = StoreApi<FileState>;

const clampLine = (line: number, lines: number): LineNumber =>
  lineNumber(Math.min(Math.max(0, line), Math.max(0, lines - 1)));

/** Preferences a new file starts with. */
export interface FileStoreOptions {
  readonly bytesPerRow: number;
}

export function createFileStore(
  info: FileInfo,
  view: ViewKind,
  api: HexlogApi,
  messages: Messages,
  options: FileStoreOptions = { bytesPerRow: 16 },
): FileStore {
  return createStore<FileState>()((set, get) => {
    const session = info.session;

    /** A new index status; a smaller file (rotation, shrink) pulls the current line back inside it. */
    const adoptIndex = (index: IndexStatus): void => {
      const state = get();
      const patch: Partial<FileState> = { index, generation: Math.max(state.generation, index.generation) };
      if (index.done && index.linesKnown > 0 && state.currentLine >= index.linesKnown) {
        const last = clampLine(index.linesKnown - 1, index.linesKnown);
        Object.assign(patch, { currentLine: last, anchorLine: last, currentLineOffset: null });
      }
      set(patch);
    };

    const editCommand = async (command: () => Promise<Result<EditState>>): Promise<boolean> => {
      const result = await command();
      if (!result.ok) {
        messages.error(result.message);
        return false;
      }
      set({ edit: result.value });
      return true;
    };

    const refreshIndex = async (): Promise<void> => {
      const status = await api.indexStatus(session);
      if (status.ok) adoptIndex(status.value);
    };

    return {
      info,
      view,
      index: null,
      fileStatus: null,
      change: null,
      edit: null,
      journal: null,
      committing: false,
      saving: null,
      generation: 0,
      mapGeneration: 0,
      cursor: 0,
      selectionAnchor: 0,
      pane: 'hex',
      nibble: 'high',
      bytesPerRow: options.bytesPerRow,
      offsetBase: 'hex',
      littleEndian: true,
      currentLine: lineNumber(0),
      anchorLine: lineNumber(0),
      currentLineOffset: 0,
      reveal: null,
      textTop: 0,
      hexTop: 0,
      textTopFilter: null,
      rowCursor: null,

      setCursor: (offset, extendSelection = false) => {
        const cursor = Math.min(Math.max(0, offset), Math.max(0, get().info.size - 1));
        set({ cursor, nibble: 'high', selectionAnchor: extendSelection ? get().selectionAnchor : cursor });
      },
      selectBytes: (start, end) => {
        const last = Math.max(0, get().info.size - 1);
        set({
          selectionAnchor: Math.min(Math.max(0, start), last),
          cursor: Math.min(Math.max(0, end), last),
          nibble: 'high',
        });
      },
      setPane: (pane) => set({ pane, nibble: 'high' }),
      setNibble: (nibble) => set({ nibble }),
      setBytesPerRow: (bytesPerRow) => set({ bytesPerRow }),
      setOffsetBase: (offsetBase) => set({ offsetBase }),
      setLittleEndian: (littleEndian) => set({ littleEndian }),
      setCurrentLine: (line, extendSelection, offset) =>
        set({ currentLine: line, anchorLine: extendSelection ? get().anchorLine : line, currentLineOffset: offset }),
      selectLines: (first, last) => set({ anchorLine: first, currentLine: last, currentLineOffset: null }),
      setReveal: (reveal) => set({ reveal }),
      setView: (next) => set({ view: next }),
      setTop: (which, top, filterId = null) =>
        set(which === 'text' ? { textTop: top, textTopFilter: filterId } : { hexTop: top }),
      setRowCursor: (rowCursor) => set({ rowCursor }),

      start: async () => {
        const [edit, journal] = await Promise.all([api.editState(session), api.journalStatus(session)]);
        set({ edit: edit.ok ? edit.value : null, journal: journal.ok ? journal.value : null });
        const text = await api.openText(session, 'auto');
        if (text.ok) adoptIndex(text.value);
        else messages.error(text.message);
      },
      checkFile: async () => {
        const result = await api.fileStatus(session);
        if (result.ok) set({ fileStatus: result.value });
      },
      reloadFile: async () => {
        const result = await api.reloadFile(session);
        if (!result.ok) return messages.error(result.message);
        set({
          info: result.value.info,
          change: result.value,
          fileStatus: null,
          generation: result.value.generation,
          mapGeneration: result.value.generation,
        });
        await refreshIndex();
      },
      dismissChange: () => set({ change: null }),
      setEncoding: async (encoding) => {
        const result = await api.openText(session, encoding);
        if (!result.ok) return messages.error(result.message);
        adoptIndex(result.value);
      },
      setFollow: async (follow) => {
        const result = await api.setFollow(session, follow);
        if (result.ok) adoptIndex(result.value);
        else messages.error(result.message);
      },
      cancelIndex: async () => {
        const result = await api.cancelIndex(session);
        if (result.ok) adoptIndex(result.value);
      },
      onIndexProgress: (status) => adoptIndex(status),
      onFileChanged: (change) => {
        // Growth under follow mode shows itself; a shrink or a replacement needs a notice.
        set({
          info: change.info,
          change: change.kind === 'grown' ? get().change : change,
          fileStatus: null,
          generation: Math.max(get().generation, change.generation),
          mapGeneration: change.generation,
        });
        if (change.kind !== 'grown') void refreshIndex();
      },
      onSaveProgress: (progress) => {
        if (get().saving === null || progress.done) return;
        set({ saving: { copiedBytes: progress.copiedBytes, totalBytes: progress.totalBytes } });
      },

      editBytes: (offset, bytes) => editCommand(() => api.editBytes(session, byteOffset(offset), bytes)),
      setEdit: (edit) => set({ edit }),
      undo: async () => {
        if (get().edit?.canUndo === false) return messages.info('Nothing to undo.');
        await editCommand(() => api.undoEdit(session));
      },
      redo: async () => {
        if (get().edit?.canRedo === false) return messages.info('Nothing to redo.');
        await editCommand(() => api.redoEdit(session));
      },
      discardEdits: async () => {
        const pending = get().edit?.modifiedBytes ?? 0;
        if (pending === 0) return messages.info('No edits to discard.');
        if (await editCommand(() => api.discardEdits(session))) {
          messages.info(`Discarded ${plural(pending, 'modified byte')}.`);
        }
      },
      save: async () => {
        if ((get().edit?.modifiedBytes ?? 0) === 0) {
          messages.info('Nothing to commit: there are no pending edits.');
          return false;
        }
        if (get().info.writable) return get().commitEdits();
        await get().saveCopy();
        return false;
      },
      commitEdits: async () => {
        const file = get().info;
        if (get().committing) return false;
        if (!file.writable) {
          messages.error(`${file.name} is read-only: use "Save a copy…" to keep the edits in a new file.`);
          return false;
        }
        set({ committing: true });
        const result = await api.commitEdits(session);
        set({ committing: false });
        if (!result.ok) {
          messages.error(`Nothing was written: ${result.message}`);
          return false;
        }
        set({ info: result.value.info, edit: result.value.edit });
        messages.info(`Committed ${plural(result.value.bytesWritten, 'byte')} to ${file.name}.`);
        await refreshIndex();
        return true;
      },
      saveCopy: async () => {
        const file = get().info;
        if (get().saving !== null) return;
        set({ saving: { copiedBytes: 0, totalBytes: file.size } });
        const result = await api.saveCopy(session);
        set({ saving: null });
        if (!result.ok) return messages.error(`The copy was not saved: ${result.message}`);
        messages.info(
          result.value === null
            ? 'The copy was cancelled; nothing was saved.'
            : `Saved a copy with the edits to ${result.value.path}.`,
        );
      },
      cancelSaveCopy: async () => {
        if (get().saving !== null) await api.cancelSaveCopy(session);
      },
      resolveJournal: async (action) => {
        const result = await api.resolveJournal(session, action);
        if (!result.ok) return messages.error(result.message);
        set({
          journal: null,
          info: result.value.info,
          generation: Math.max(get().generation, result.value.generation),
          mapGeneration: result.value.generation,
        });
        const [edit, status] = await Promise.all([api.editState(session), api.indexStatus(session)]);
        if (edit.ok) set({ edit: edit.value });
        if (status.ok) adoptIndex(status.value);
      },
    };
  });
}

export const FileStoreContext = createContext<FileStore | null>(null);

export function useFileStoreApi(): FileStore {
  const store = useContext(FileStoreContext);
  if (store === null) throw new Error('useFileStore outside a FileStoreContext');
  return store;
}

export function useFileStore<T>(selector: (state: FileState) => T): T {
  return useStore(useFileStoreApi(), selector);
}
