// App-wide state: what host we run in, which files are offered and which one is open, and the
// open file's index status. Byte and line data stay out of the store (see data/): the store holds
// what the UI decides on.
import { create } from 'zustand';
import type {
  EncodingChoice,
  FileChange,
  FileInfo,
  FileStatus,
  HostInfo,
  IndexStatus,
  OfferedFile,
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
  /** Bumped when the open file is re-mapped or re-indexed; caches key on it. */
  generation: number;
  index: IndexStatus | null;
  /** The last change followed on disk, shown as a notice until dismissed. */
  change: FileChange | null;
  view: ViewKind;
  alert: string | null;
  opening: boolean;
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
  const adopt = async (opening: Promise<Result<FileInfo | null>>): Promise<void> => {
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
    set({ opening: false, file: info, fileStatus: null, index: null, change: null, alert: null, view, generation: 0 });
    if (previous !== null) await getApi().closeFile(previous.session);
    const text = await getApi().openText(info.session, 'auto');
    if (get().file?.session !== info.session) return;
    if (text.ok) set({ index: text.value, generation: get().generation + 1 });
    else set({ alert: text.message });
  };

  const isCurrent = (session: number): boolean => get().file?.session === session;

  return {
    hostInfo: null,
    offers: [],
    file: null,
    fileStatus: null,
    generation: 0,
    index: null,
    change: null,
    view: 'hex',
    alert: null,
    opening: false,

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
      api.on('fileChanged', (change) => {
        if (!isCurrent(change.info.session)) return;
        // Growth under follow mode shows itself; a shrink or a replacement needs a notice.
        set({
          file: change.info,
          change: change.kind === 'grown' ? get().change : change,
          fileStatus: null,
          generation: get().generation + 1,
        });
      });
      const [info, offers] = await Promise.all([api.hostInfo(), api.listOffered()]);
      if (!info.ok) return set({ alert: info.message });
      if (!offers.ok) return set({ alert: offers.message });
      set({ hostInfo: info.value, offers: offers.value });
      const first = offers.value[0];
      if (first !== undefined) await get().openOffered(first.offerId);
    },
    openOffered: (offerId) => adopt(getApi().openOffered(offerId)),
    openDialog: () => adopt(getApi().openDialog()),
    openDropped: (file) => adopt(getApi().openDropped(file)),
    closeFile: async () => {
      const file = get().file;
      if (file === null) return;
      set({ file: null, fileStatus: null, index: null, change: null });
      const result = await getApi().closeFile(file.session);
      if (!result.ok) set({ alert: result.message });
    },
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
      set({ file: result.value.info, change: result.value, fileStatus: null, generation: get().generation + 1 });
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
  };
});
