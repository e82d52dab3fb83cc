// One store per open file: positions, cursor and selection of its views.
import { createContext, useContext } from 'react';
import { createStore, useStore, type StoreApi } from 'zustand';
import type { FileInfo } from '../../shared/contract';
import { lineNumber, type LineNumber } from '../../shared/units';

/** A position one view asks another to show when the user switches views. */
export type Reveal =
  { readonly kind: 'line'; readonly line: LineNumber } | { readonly kind: 'offset'; readonly offset: number };

export interface FileViewState {
  readonly info: FileInfo;
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
  follow: boolean;
  setCursor(offset: number, extendSelection?: boolean): void;
  setPane(pane: 'hex' | 'ascii'): void;
  setNibble(nibble: 'high' | 'low'): void;
  setBytesPerRow(bytesPerRow: number): void;
  setOffsetBase(base: 'hex' | 'dec'): void;
  setLittleEndian(littleEndian: boolean): void;
  setCurrentLine(line: LineNumber, extendSelection: boolean, offset: number | null): void;
  setReveal(reveal: Reveal | null): void;
  setFollow(follow: boolean): void;
  setInfo(info: FileInfo): void;
}

export type FileStore = StoreApi<FileViewState>;

export function createFileStore(info: FileInfo): FileStore {
  return createStore<FileViewState>()((set, get) => ({
    info,
    cursor: 0,
    selectionAnchor: 0,
    pane: 'hex',
    nibble: 'high',
    bytesPerRow: 16,
    offsetBase: 'hex',
    littleEndian: true,
    currentLine: lineNumber(0),
    anchorLine: lineNumber(0),
    currentLineOffset: 0,
    reveal: null,
    follow: false,
    setCursor: (offset, extendSelection = false) => {
      const cursor = Math.min(Math.max(0, offset), Math.max(0, get().info.size - 1));
      set({ cursor, nibble: 'high', selectionAnchor: extendSelection ? get().selectionAnchor : cursor });
    },
    setPane: (pane) => set({ pane, nibble: 'high' }),
    setNibble: (nibble) => set({ nibble }),
    setBytesPerRow: (bytesPerRow) => set({ bytesPerRow }),
    setOffsetBase: (offsetBase) => set({ offsetBase }),
    setLittleEndian: (littleEndian) => set({ littleEndian }),
    setCurrentLine: (line, extendSelection, offset) =>
      set({ currentLine: line, anchorLine: extendSelection ? get().anchorLine : line, currentLineOffset: offset }),
    setReveal: (reveal) => set({ reveal }),
    setFollow: (follow) => set({ follow }),
    setInfo: (next) => set({ info: next }),
  }));
}

export const FileStoreContext = createContext<FileStore | null>(null);

export function useFileStoreApi(): FileStore {
  const store = useContext(FileStoreContext);
  if (store === null) throw new Error('useFileStore outside a FileStoreContext');
  return store;
}

export function useFileStore<T>(selector: (state: FileViewState) => T): T {
  return useStore(useFileStoreApi(), selector);
}
