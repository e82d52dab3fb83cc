// One store per open file: the view's position and cursor for that file.
import { createContext, useContext } from 'react';
import { createStore, useStore, type StoreApi } from 'zustand';
import type { FileInfo } from '../../shared/contract';

export interface FileViewState {
  readonly info: FileInfo;
  /** Byte offset of the cursor in the hex view. */
  cursor: number;
  bytesPerRow: number;
  setCursor(offset: number): void;
}

export type FileStore = StoreApi<FileViewState>;

export function createFileStore(info: FileInfo): FileStore {
  return createStore<FileViewState>()((set) => ({
    info,
    cursor: 0,
    bytesPerRow: 16,
    setCursor: (offset) => set({ cursor: Math.min(Math.max(0, offset), Math.max(0, info.size - 1)) }),
  }));
}

export const FileStoreContext = createContext<FileStore | null>(null);

export function useFileStore<T>(selector: (state: FileViewState) => T): T {
  const store = useContext(FileStoreContext);
  if (store === null) throw new Error('useFileStore outside a FileStoreContext');
  return useStore(store, selector);
}
