// App-wide state: what host we run in, which files are offered and which one is open.
// Byte data stays out of the store (see data/byteCache.ts): the store holds what the UI decides on.
import { create } from 'zustand';
import type { FileInfo, FileStatus, HostInfo, OfferedFile } from '../../shared/contract';
import type { Result } from '../../shared/result';
import { getApi } from '../data/api';

export type ViewKind = 'hex' | 'text';

export interface AppState {
  hostInfo: HostInfo | null;
  offers: readonly OfferedFile[];
  file: FileInfo | null;
  fileStatus: FileStatus | null;
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
  setView(view: ViewKind): void;
  showAlert(message: string | null): void;
}

let initStarted = false;

export const useAppStore = create<AppState & AppActions>()((set, get) => {
  const adopt = async (opening: Promise<Result<FileInfo | null>>): Promise<void> => {
    set({ opening: true });
    const result = await opening;
    set({ opening: false });
    if (!result.ok) {
      set({ alert: result.message });
      return;
    }
    if (result.value === null) return;
    const previous = get().file;
    set({ file: result.value, fileStatus: null, alert: null });
    if (previous !== null) await getApi().closeFile(previous.session);
  };

  return {
    hostInfo: null,
    offers: [],
    file: null,
    fileStatus: null,
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
      set({ file: null, fileStatus: null });
      const result = await getApi().closeFile(file.session);
      if (!result.ok) set({ alert: result.message });
    },
    checkFile: async () => {
      const file = get().file;
      if (file === null) return;
      const result = await getApi().fileStatus(file.session);
      if (get().file?.session !== file.session) return;
      if (result.ok) set({ fileStatus: result.value });
    },
    setView: (view) => set({ view }),
    showAlert: (message) => set({ alert: message }),
  };
});
