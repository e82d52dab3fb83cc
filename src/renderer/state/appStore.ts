// App-wide state: what host we run in, which files are offered and which one is open. Everything
// about the open file lives in its own stores (fileStore, findStore), dropped when it closes.
import { create } from 'zustand';
import type { FileInfo, HostInfo, OfferedFile } from '../../shared/contract';
import type { Result } from '../../shared/result';
import { byteCount, byteOffset, type SessionId } from '../../shared/units';
import { getApi } from '../data/api';
import { createFileStore, type FileStore, type ViewKind } from './fileStore';
import { createFindStore, type FindStore } from './findStore';
import { clearErrors, messages, useMessages } from './messages';

/** An open file: its own state, its find state. */
export interface OpenFile {
  readonly session: SessionId;
  readonly store: FileStore;
  readonly find: FindStore;
}

export interface AppState {
  hostInfo: HostInfo | null;
  offers: readonly OfferedFile[];
  file: OpenFile | null;
  opening: boolean;
  /** Bumped to ask the shell to show the list of offered files (Ctrl+O in the browser host). */
  offerPickerRequest: number;
  /** An action waiting for the user to commit or discard pending edits first. */
  confirm: { readonly action: 'close' | 'open'; readonly proceed: () => Promise<void> } | null;
}

interface AppActions {
  init(): Promise<void>;
  openOffered(offerId: number): Promise<void>;
  /** Ctrl+O: the native dialog in Electron, the list of offered files in the browser host. */
  open(): Promise<void>;
  openDialog(): Promise<void>;
  openDropped(file: File): Promise<void>;
  closeFile(): Promise<void>;
  settleConfirm(choice: 'commit' | 'discard' | 'cancel'): Promise<void>;
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

function openFileModel(info: FileInfo, view: ViewKind): OpenFile {
  const api = getApi();
  const store = createFileStore(info, view, api, messages);
  const find = createFindStore(info.session, api, messages, (edit) => store.getState().setEdit(edit));
  return { session: info.session, store, find };
}

export const useAppStore = create<AppState & AppActions>()((set, get) => {
  const pendingBytes = (): number => get().file?.store.getState().edit?.modifiedBytes ?? 0;

  /** Runs `action` now, or once the user has committed or discarded pending edits. */
  const guardEdits = async (action: 'close' | 'open', proceed: () => Promise<void>): Promise<void> => {
    if (pendingBytes() > 0) set({ confirm: { action, proceed } });
    else await proceed();
  };

  const adopt = async (opening: () => Promise<Result<FileInfo | null>>): Promise<void> =>
    guardEdits('open', () => adoptNow(opening()));

  const adoptNow = async (opening: Promise<Result<FileInfo | null>>): Promise<void> => {
    set({ opening: true });
    const result = await opening;
    if (!result.ok) {
      set({ opening: false });
      messages.error(result.message);
      return;
    }
    if (result.value === null) {
      set({ opening: false });
      return;
    }
    const info = result.value;
    const previous = get().file;
    const model = openFileModel(info, await defaultView(info));
    // Messages about the previous file do not follow the user to this one.
    useMessages.getState().clear();
    set({ opening: false, file: model });
    if (previous !== null) await getApi().closeFile(previous.session);
    await model.store.getState().start();
  };

  const current = (session: SessionId): OpenFile | null => {
    const file = get().file;
    return file !== null && file.session === session ? file : null;
  };

  return {
    hostInfo: null,
    offers: [],
    file: null,
    opening: false,
    offerPickerRequest: 0,
    confirm: null,

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
      api.on('indexProgress', (status) => current(status.session)?.store.getState().onIndexProgress(status));
      api.on('saveProgress', (progress) => current(progress.session)?.store.getState().onSaveProgress(progress));
      api.on('fileChanged', (change) => current(change.info.session)?.store.getState().onFileChanged(change));
      api.on('findProgress', (status) => current(status.session)?.find.getState().onProgress(status));
      const [info, offers] = await Promise.all([api.hostInfo(), api.listOffered()]);
      if (!info.ok) return messages.error(info.message);
      if (!offers.ok) return messages.error(offers.message);
      set({ hostInfo: info.value, offers: offers.value });
      const first = offers.value[0];
      if (first !== undefined) await get().openOffered(first.offerId);
    },
    openOffered: async (offerId) => {
      const open = get().file;
      const offer = get().offers.find((candidate) => candidate.offerId === offerId);
      // The file already open is not opened again.
      if (open !== null && offer !== undefined && open.store.getState().info.path === offer.path) return;
      await adopt(() => getApi().openOffered(offerId));
    },
    open: async () => {
      if (get().hostInfo?.nativeOpenDialog === false) {
        set({ offerPickerRequest: get().offerPickerRequest + 1 });
        return;
      }
      await get().openDialog();
    },
    openDialog: () => adopt(() => getApi().openDialog()),
    openDropped: async (file) => {
      if (get().hostInfo?.nativeOpenDialog === false) {
        messages.info(
          `The browser host cannot open a dropped file (${file.name}): it opens only the files named on its command line (npm run web -- FILE…). Choose one with Ctrl+O.`,
        );
        return;
      }
      await adopt(() => getApi().openDropped(file));
    },
    closeFile: () =>
      guardEdits('close', async () => {
        const file = get().file;
        if (file === null) return;
        set({ file: null });
        useMessages.getState().clear();
        const result = await getApi().closeFile(file.session);
        if (!result.ok) messages.error(result.message);
      }),
    settleConfirm: async (choice) => {
      const pending = get().confirm;
      set({ confirm: null });
      const file = get().file;
      if (pending === null || choice === 'cancel' || file === null) return;
      if (choice === 'commit' && !(await file.store.getState().commitEdits())) return;
      if (choice === 'discard') await file.store.getState().discardEdits();
      clearErrors();
      await pending.proceed();
    },
  };
});
