// Per-file state of the byte map strip, the byte map panel and the strings pane: one store a tab,
// found from the tab's file store, so nothing follows the user from one file to another. The jobs
// run in the main process; this store starts them and polls their status until they settle.
import { createStore, useStore, type StoreApi } from 'zustand';
import {
  DEFAULT_MIN_STRING_LENGTH,
  type ByteMapPurpose,
  type ByteMapStatus,
  type StringEncodingChoice,
  type StringsStatus,
} from '../../../shared/binaryTools';
import { byteOffset, type SessionId } from '../../../shared/units';
import { getApi } from '../../data/api';
import { useFileStoreApi, type FileStore } from '../../state/fileStore';

const POLL_MS = 100;

export interface BinaryState {
  readonly panelOpen: boolean;
  readonly stringsOpen: boolean;
  readonly maps: Readonly<Record<ByteMapPurpose, ByteMapStatus | null>>;
  /** Why a map could not start or went wrong, for the view to show. */
  readonly mapErrors: Readonly<Record<ByteMapPurpose, string | null>>;
  readonly strings: StringsStatus | null;
  readonly stringsError: string | null;
  readonly minLength: number;
  readonly encodings: StringEncodingChoice;
  /** The file store's mapGeneration each job started at: a job of an older mapping is stale. */
  readonly mapGenerations: Readonly<Record<ByteMapPurpose | 'strings', number>>;
  setPanelOpen(open: boolean): void;
  setStringsOpen(open: boolean): void;
  setStringOptions(minLength: number, encodings: StringEncodingChoice): void;
  startMap(session: SessionId, purpose: ByteMapPurpose, from: number, to: number, mapGeneration: number): Promise<void>;
  cancelMap(session: SessionId, purpose: ByteMapPurpose): Promise<void>;
  startStrings(session: SessionId, mapGeneration: number): Promise<void>;
  cancelStrings(session: SessionId): Promise<void>;
}

export type BinaryStore = StoreApi<BinaryState>;

const settled = (status: { done: boolean; cancelled: boolean; error: unknown }): boolean =>
  status.done || status.cancelled || status.error !== null;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => window.setTimeout(resolve, ms));

function createBinaryStore(): BinaryStore {
  const store = createStore<BinaryState>()((set, get) => {
    const pollMap = async (session: SessionId, purpose: ByteMapPurpose, mapId: number): Promise<void> => {
      for (;;) {
        await sleep(POLL_MS);
        if (get().maps[purpose]?.mapId !== mapId) return; // replaced
        const result = await getApi().byteMapStatus(session, purpose);
        if (get().maps[purpose]?.mapId !== mapId) return;
        if (!result.ok || result.value === null) {
          set({ mapErrors: { ...get().mapErrors, [purpose]: result.ok ? 'The byte map is gone.' : result.message } });
          return;
        }
        set({ maps: { ...get().maps, [purpose]: result.value } });
        if (settled(result.value)) return;
      }
    };
    const pollStrings = async (session: SessionId, stringsId: number): Promise<void> => {
      for (;;) {
        await sleep(POLL_MS);
        if (get().strings?.stringsId !== stringsId) return;
        const result = await getApi().stringsStatus(session);
        if (get().strings?.stringsId !== stringsId) return;
        if (!result.ok || result.value === null) {
          set({ stringsError: result.ok ? 'The strings pass is gone.' : result.message });
          return;
        }
        set({ strings: result.value });
        if (settled(result.value)) return;
      }
    };
    return {
      panelOpen: false,
      stringsOpen: false,
      maps: { file: null, selection: null },
      mapErrors: { file: null, selection: null },
      strings: null,
      stringsError: null,
      minLength: DEFAULT_MIN_STRING_LENGTH,
      encodings: 'both',
      mapGenerations: { file: -1, selection: -1, strings: -1 },
      setPanelOpen: (panelOpen) => set({ panelOpen }),
      setStringsOpen: (stringsOpen) => set({ stringsOpen }),
      setStringOptions: (minLength, encodings) => set({ minLength, encodings }),
      startMap: async (session, purpose, from, to, mapGeneration) => {
        set({
          mapErrors: { ...get().mapErrors, [purpose]: null },
          mapGenerations: { ...get().mapGenerations, [purpose]: mapGeneration },
        });
        const result = await getApi().startByteMap(session, purpose, byteOffset(from), byteOffset(to));
        if (!result.ok) {
          set({ mapErrors: { ...get().mapErrors, [purpose]: result.message } });
          return;
        }
        set({ maps: { ...get().maps, [purpose]: result.value } });
        if (!settled(result.value)) await pollMap(session, purpose, result.value.mapId);
      },
      cancelMap: async (session, purpose) => {
        const result = await getApi().cancelByteMap(session, purpose);
        if (result.ok && result.value !== null && get().maps[purpose]?.mapId === result.value.mapId) {
          set({ maps: { ...get().maps, [purpose]: result.value } });
        }
      },
      startStrings: async (session, mapGeneration) => {
        set({ stringsError: null, mapGenerations: { ...get().mapGenerations, strings: mapGeneration } });
        const result = await getApi().startStrings(session, get().minLength, get().encodings);
        if (!result.ok) {
          set({ stringsError: result.message });
          return;
        }
        set({ strings: result.value });
        if (!settled(result.value)) await pollStrings(session, result.value.stringsId);
      },
      cancelStrings: async (session) => {
        const result = await getApi().cancelStrings(session);
        if (result.ok && result.value !== null && get().strings?.stringsId === result.value.stringsId) {
          set({ strings: result.value });
        }
      },
    };
  });
  return store;
}

const stores = new WeakMap<FileStore, BinaryStore>();

/** The binary tools' store of a tab (made on first use). */
export function binaryStoreOf(fileStore: FileStore): BinaryStore {
  let store = stores.get(fileStore);
  if (store === undefined) {
    store = createBinaryStore();
    stores.set(fileStore, store);
  }
  return store;
}

export function useBinaryStoreApi(): BinaryStore {
  return binaryStoreOf(useFileStoreApi());
}

export function useBinaryStore<T>(selector: (state: BinaryState) => T): T {
  return useStore(useBinaryStoreApi(), selector);
}
