// App-wide state: what host we run in, which files are offered and which one is open, and the
// open file's index status. Byte and line data stay out of the store (see data/): the store holds
// what the UI decides on.
import { create } from 'zustand';
import type {
  EditState,
  EncodingChoice,
  JournalAction,
  JournalState,
  FileChange,
  FileInfo,
  FileStatus,
  HostInfo,
  IndexStatus,
  OfferedFile,
  SaveProgress,
} from '../../shared/contract';
import type { Result } from '../../shared/result';
import { byteCount, byteOffset } from '../../shared/units';
import { getApi } from '../data/api';

export type ViewKind = 'hex' | 'text';

export interface AppState {
  hostInfo: HostInfo | null;
  offers: readonly OfferedFile[];
  file: FileInfo | null;
  fileStatus: FileStatus | null;
  /** Bumped when the open file is re-mapped or re-indexed; line caches key on it. */
  generation: number;
  /** Bumped only when the open file is re-mapped (its bytes may differ); byte caches key on it. */
  mapGeneration: number;
  index: IndexStatus | null;
  /** The last change followed on disk, shown as a notice until dismissed. */
  change: FileChange | null;
  view: ViewKind;
  alert: string | null;
  /** A passing confirmation (commit done, copy saved). */
  info: string | null;
  opening: boolean;
  edit: EditState | null;
  journal: JournalState | null;
  /** An action waiting for the user to commit or discard pending edits first. */
  confirm: { readonly action: 'close' | 'open'; readonly proceed: () => Promise<void> } | null;
  committing: boolean;
  /** A running "Save a copy": bytes copied of the total, or null. */
  saving: { readonly copiedBytes: number; readonly totalBytes: number } | null;
}

interface AppActions {
  init(): Promise<void>;
  openOffered(offerId: number): Promise<void>;
  openDialog(): Promise<void>;
  openDropped(file: File): Promise<void>;
  closeFile(): Promise<void>;
  checkFile(): Promise<void>;
  reloadFile(): Promise<void>;
  setEncoding(encoding: EncodingChoice): Promise<void>;
  setFollow(follow: boolean): Promise<void>;
  cancelIndex(): Promise<void>;
  setView(view: ViewKind): void;
  showAlert(message: string | null): void;
  dismissChange(): void;
  editBytes(offset: number, bytes: Uint8Array): Promise<boolean>;
  undo(): Promise<void>;
  redo(): Promise<void>;
  discardEdits(): Promise<void>;
  commitEdits(): Promise<boolean>;
  saveCopy(): Promise<void>;
  cancelSaveCopy(): Promise<void>;
  onSaveProgress(progress: SaveProgress): void;
  resolveJournal(action: JournalAction): Promise<void>;
  settleConfirm(choice: 'commit' | 'discard' | 'cancel'): Promise<void>;
  showInfo(message: string | null): void;
}

let initStarted = false;

/** A file with NUL bytes in its first 4 KiB (and no UTF-16 byte-order mark) opens in the hex view. */
async function defaultView(info: FileInfo): Promise<ViewKind> {
  const head = await getApi().readBytes(info.session, byteOffset(0), byteCount(4096));
  if (!head.ok) return 'hex';
  const bytes = head.value;
  const utf16 = (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff);
  return !utf16 && bytes.includes(0) ? 'hex' : 'text';
}

export const useAppStore = create<AppState & AppActions>()((set, get) => {
  /** Runs `action` now, or once the user has committed or discarded pending edits. */
  const guardEdits = async (action: 'close' | 'open', proceed: () => Promise<void>): Promise<void> => {
    if ((get().edit?.modifiedBytes ?? 0) > 0) set({ confirm: { action, proceed } });
    else await proceed();
  };

  const adopt = async (opening: () => Promise<Result<FileInfo | null>>): Promise<void> =>
    guardEdits('open', () => adoptNow(opening()));

  const adoptNow = async (opening: Promise<Result<FileInfo | null>>): Promise<void> => {
    set({ opening: true });
    const result = await opening;
    if (!result.ok) {
      set({ opening: false, alert: result.message });
      return;
    }
    if (result.value === null) {
      set({ opening: false });
      return;
    }
    const info = result.value;
    const previous = get().file;
    const view = await defaultView(info);
    set({
      opening: false,
      file: info,
      fileStatus: null,
      index: null,
      change: null,
      alert: null,
      view,
      generation: 0,
      edit: null,
      journal: null,
    });
    if (previous !== null) await getApi().closeFile(previous.session);
    const [edit, journal] = await Promise.all([getApi().editState(info.session), getApi().journalStatus(info.session)]);
    if (get().file?.session !== info.session) return;
    set({ edit: edit.ok ? edit.value : null, journal: journal.ok ? journal.value : null });
    const text = await getApi().openText(info.session, 'auto');
    if (get().file?.session !== info.session) return;
    if (text.ok) set({ index: text.value, generation: get().generation + 1 });
    else set({ alert: text.message });
  };

  const isCurrent = (session: number): boolean => get().file?.session === session;

  const editCommand = async (command: (session: FileInfo['session']) => Promise<Result<EditState>>): Promise<void> => {
    const file = get().file;
    if (file === null) return;
    const result = await command(file.session);
    if (!isCurrent(file.session)) return;
    if (result.ok) set({ edit: result.value });
    else set({ alert: result.message });
  };

  return {
    hostInfo: null,
    offers: [],
    file: null,
    fileStatus: null,
    generation: 0,
    mapGeneration: 0,
    index: null,
    change: null,
    view: 'hex',
    alert: null,
    info: null,
    opening: false,
    edit: null,
    journal: null,
    confirm: null,
    committing: false,
    saving: null,

    init: async () => {
      // StrictMode runs effects twice in development; subscribe and open only once.
      if (initStarted) return;
      initStarted = true;
      const api = getApi();
      api.on('offersChanged', (offers) => set({ offers }));
      api.on('menuCommand', (command) => {
        if (command === 'open') void get().openDialog();
        else void get().closeFile();
      });
      api.on('indexProgress', (status) => {
        if (isCurrent(status.session)) set({ index: status });
      });
      api.on('saveProgress', (progress) => get().onSaveProgress(progress));
      api.on('fileChanged', (change) => {
        if (!isCurrent(change.info.session)) return;
        // Growth under follow mode shows itself; a shrink or a replacement needs a notice.
        set({
          file: change.info,
          change: change.kind === 'grown' ? get().change : change,
          fileStatus: null,
          generation: get().generation + 1,
          mapGeneration: get().mapGeneration + 1,
        });
      });
      const [info, offers] = await Promise.all([api.hostInfo(), api.listOffered()]);
      if (!info.ok) return set({ alert: info.message });
      if (!offers.ok) return set({ alert: offers.message });
      set({ hostInfo: info.value, offers: offers.value });
      const first = offers.value[0];
      if (first !== undefined) await get().openOffered(first.offerId);
    },
    openOffered: (offerId) => adopt(() => getApi().openOffered(offerId)),
    openDialog: () => adopt(() => getApi().openDialog()),
    openDropped: (file) => adopt(() => getApi().openDropped(file)),
    closeFile: () =>
      guardEdits('close', async () => {
        const file = get().file;
        if (file === null) return;
        set({ file: null, fileStatus: null, index: null, change: null, edit: null, journal: null });
        const result = await getApi().closeFile(file.session);
        if (!result.ok) set({ alert: result.message });
      }),
    checkFile: async () => {
      const file = get().file;
      if (file === null) return;
      const result = await getApi().fileStatus(file.session);
      if (isCurrent(file.session) && result.ok) set({ fileStatus: result.value });
    },
    reloadFile: async () => {
      const file = get().file;
      if (file === null) return;
      const result = await getApi().reloadFile(file.session);
      if (!isCurrent(file.session)) return;
      if (!result.ok) return set({ alert: result.message });
      set({
        file: result.value.info,
        change: result.value,
        fileStatus: null,
        generation: get().generation + 1,
        mapGeneration: get().mapGeneration + 1,
      });
      const status = await getApi().indexStatus(file.session);
      if (status.ok && isCurrent(file.session)) set({ index: status.value });
    },
    setEncoding: async (encoding) => {
      const file = get().file;
      if (file === null) return;
      const result = await getApi().openText(file.session, encoding);
      if (!isCurrent(file.session)) return;
      if (!result.ok) return set({ alert: result.message });
      set({ index: result.value, generation: get().generation + 1 });
    },
    setFollow: async (follow) => {
      const file = get().file;
      if (file === null) return;
      const result = await getApi().setFollow(file.session, follow);
      if (!isCurrent(file.session)) return;
      if (result.ok) set({ index: result.value });
      else set({ alert: result.message });
    },
    cancelIndex: async () => {
      const file = get().file;
      if (file === null) return;
      const result = await getApi().cancelIndex(file.session);
      if (isCurrent(file.session) && result.ok) set({ index: result.value });
    },
    setView: (view) => set({ view }),
    showAlert: (message) => set({ alert: message }),
    dismissChange: () => set({ change: null }),
    showInfo: (message) => set({ info: message }),

    editBytes: async (offset, bytes) => {
      const file = get().file;
      if (file === null) return false;
      const result = await getApi().editBytes(file.session, byteOffset(offset), bytes);
      if (!isCurrent(file.session)) return false;
      if (!result.ok) {
        set({ alert: result.message });
        return false;
      }
      set({ edit: result.value });
      return true;
    },
    undo: () => editCommand((session) => getApi().undoEdit(session)),
    redo: () => editCommand((session) => getApi().redoEdit(session)),
    discardEdits: () => editCommand((session) => getApi().discardEdits(session)),
    commitEdits: async () => {
      const file = get().file;
      if (file === null || get().committing) return false;
      if (!file.writable) {
        set({ alert: `${file.name} is read-only: use "Save a copy…" to keep the edits in a new file.` });
        return false;
      }
      set({ committing: true });
      const result = await getApi().commitEdits(file.session);
      set({ committing: false });
      if (!isCurrent(file.session)) return false;
      if (!result.ok) {
        set({ alert: `Nothing was written: ${result.message}` });
        return false;
      }
      set({
        file: result.value.info,
        edit: result.value.edit,
        alert: null,
        info: `Committed ${result.value.bytesWritten.toLocaleString('en-US')} byte(s) to ${file.name}.`,
      });
      const status = await getApi().indexStatus(file.session);
      if (status.ok && isCurrent(file.session)) set({ index: status.value, generation: get().generation + 1 });
      return true;
    },
    saveCopy: async () => {
      const file = get().file;
      if (file === null || get().saving !== null) return;
      set({ saving: { copiedBytes: 0, totalBytes: file.size } });
      const result = await getApi().saveCopy(file.session);
      if (!isCurrent(file.session)) return;
      set({ saving: null });
      if (!result.ok) return set({ alert: `The copy was not saved: ${result.message}` });
      set({
        info:
          result.value === null
            ? 'The copy was cancelled; nothing was saved.'
            : `Saved a copy with the edits to ${result.value.path}.`,
      });
    },
    cancelSaveCopy: async () => {
      const file = get().file;
      if (file !== null && get().saving !== null) await getApi().cancelSaveCopy(file.session);
    },
    onSaveProgress: (progress) => {
      if (!isCurrent(progress.session) || get().saving === null || progress.done) return;
      set({ saving: { copiedBytes: progress.copiedBytes, totalBytes: progress.totalBytes } });
    },
    resolveJournal: async (action) => {
      const file = get().file;
      if (file === null) return;
      const result = await getApi().resolveJournal(file.session, action);
      if (!isCurrent(file.session)) return;
      if (!result.ok) return set({ alert: result.message });
      set({
        journal: null,
        file: result.value.info,
        generation: get().generation + 1,
        mapGeneration: get().mapGeneration + 1,
      });
      const [edit, status] = await Promise.all([getApi().editState(file.session), getApi().indexStatus(file.session)]);
      if (!isCurrent(file.session)) return;
      set({ edit: edit.ok ? edit.value : get().edit, index: status.ok ? status.value : get().index });
    },
    settleConfirm: async (choice) => {
      const pending = get().confirm;
      set({ confirm: null });
      if (pending === null || choice === 'cancel') return;
      if (choice === 'commit' && !(await get().commitEdits())) return;
      if (choice === 'discard') await get().discardEdits();
      await pending.proceed();
    },
  };
});
