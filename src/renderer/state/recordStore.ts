// The record view's state for one open file: its layout (as typed and as parsed), start offset, and
// the current cell. One store per file store, so nothing follows the user from one tab to another.
import { createStore, type StoreApi } from 'zustand';
import type { FileMemory } from '../../shared/contract';
import { byteOffset } from '../../shared/units';
import { parseRecordLayout, type RecordLayout } from '../../shared/recordLayout';
import type { FileStore } from './fileStore';

export interface RecordCell {
  /** 0-based record index. */
  readonly record: number;
  /** Index into the layout's fields. */
  readonly field: number;
}

export interface RecordState {
  /** The layout as the user last applied it (what is saved per file). */
  layoutText: string;
  layout: RecordLayout | null;
  /** Why the text in the layout input was refused, with its position. */
  layoutError: string | null;
  /** Byte offset of record 0. */
  start: number;
  cell: RecordCell;
  /** The first record on screen, so that the tab comes back where it was left. */
  top: number;

  /** Parses and applies a layout; a refused one keeps the previous layout and says why. */
  applyLayout(text: string): boolean;
  setStart(start: number): void;
  clearLayoutError(): void;
  setCell(cell: RecordCell): void;
  setTop(top: number): void;
}

export type RecordStore = StoreApi<RecordState>;

export function createRecordStore(): RecordStore {
  return createStore<RecordState>()((set, get) => ({
    layoutText: '',
    layout: null,
    layoutError: null,
    start: 0,
    cell: { record: 0, field: 0 },
    top: 0,
    applyLayout: (text) => {
      const parsed = parseRecordLayout(text);
      if (!parsed.ok) {
        set({ layoutError: `Record layout not applied: ${parsed.message}` });
        return false;
      }
      const fields = parsed.value.fields.length;
      const cell = get().cell;
      set({
        layoutText: text,
        layout: parsed.value,
        layoutError: null,
        cell: { record: cell.record, field: Math.min(cell.field, fields - 1) },
      });
      return true;
    },
    setStart: (start) => set({ start }),
    clearLayoutError: () => set({ layoutError: null }),
    setCell: (cell) => set({ cell }),
    setTop: (top) => set({ top }),
  }));
}

const stores = new WeakMap<FileStore, RecordStore>();

/** The record store of an open file, created on first use and dropped with the file's store. */
export function recordStoreOf(file: FileStore): RecordStore {
  let store = stores.get(file);
  if (store === undefined) {
    store = createRecordStore();
    stores.set(file, store);
  }
  return store;
}

/** What the next opening of the file restores of its record view (FileMemory.records). */
export function recordMemoryOf(file: FileStore): Pick<FileMemory, 'records'> {
  const state = stores.get(file)?.getState();
  if (state === undefined || state.layoutText === '') return {};
  return { records: { layout: state.layoutText, start: byteOffset(state.start) } };
}

/** Applies a remembered layout and start offset to the file's record view. */
export function restoreRecordMemory(file: FileStore, memory: FileMemory): void {
  if (memory.records === undefined) return;
  const records = recordStoreOf(file).getState();
  records.setStart(Math.min(memory.records.start, file.getState().info.size));
  records.applyLayout(memory.records.layout);
}
