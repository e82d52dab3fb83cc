// The hex view's tools of one file: its named bookmarks (saved with the file's memory) and the
// hashes of its selection. Each file has its own store, so nothing follows the user to another file.
import { createContext, useContext } from 'react';
import { createStore, useStore, type StoreApi } from 'zustand';
import { MAX_BOOKMARKS, type Bookmark, type HashStatus } from '../../shared/contract';
import { byteCount, byteOffset, type SessionId } from '../../shared/units';
import { getApi } from '../data/api';
import { messages } from './messages';

/** The colours a bookmark can take: readable under the hex text in both themes. */
export const BOOKMARK_COLORS = ['#e5534b', '#d4a72c', '#57ab5a', '#39c5cf', '#539bf5', '#b083f0'] as const;

const COLOR = /^#[0-9a-fA-F]{6}$/;

/** What the bookmark dialog edits: a new bookmark of a range, or an existing one (by name). */
export interface BookmarkDraft {
  readonly offset: number;
  readonly length: number;
  readonly name: string;
  readonly color: string;
  readonly note: string;
  /** The bookmark being edited, or null for a new one. */
  readonly editing: string | null;
}

export interface HexToolsState {
  /** In offset order (then by name). */
  bookmarks: readonly Bookmark[];
  bookmarksOpen: boolean;
  draft: BookmarkDraft | null;
  hashes: HashStatus | null;
  hashesOpen: boolean;
}

interface HexToolsActions {
  setBookmarks(bookmarks: readonly Bookmark[]): void;
  setBookmarksOpen(open: boolean): void;
  /** Opens the dialog for a new bookmark of [offset, offset + length). */
  draftBookmark(offset: number, length: number): void;
  editBookmark(name: string): void;
  setDraft(draft: BookmarkDraft | null): void;
  /** Saves the draft: a string says why it cannot be. */
  saveDraft(): string | null;
  removeBookmark(name: string): void;
  /** The bookmark drawn at `offset` (the last-made of those covering it), or undefined. */
  bookmarkAt(offset: number): Bookmark | undefined;
  /** Adds bookmarks read from an export: returns how many were added and renamed. */
  importBookmarks(bookmarks: readonly Bookmark[], size: number): { added: number; renamed: number; skipped: number };
  startHashes(offset: number, length: number): Promise<void>;
  cancelHashes(): Promise<void>;
  onHashProgress(status: HashStatus): void;
  setHashesOpen(open: boolean): void;
}

export type HexToolsStore = StoreApi<HexToolsState & HexToolsActions>;

const byOffset = (a: Bookmark, b: Bookmark): number => a.offset - b.offset || a.length - b.length;

/** `name`, or `name (2)`, `name (3)`… whichever no bookmark has. */
function freeName(name: string, taken: ReadonlySet<string>): string {
  if (!taken.has(name)) return name;
  for (let n = 2; ; n++) if (!taken.has(`${name} (${n})`)) return `${name} (${n})`;
}

export function createHexToolsStore(session: SessionId): HexToolsStore {
  return createStore<HexToolsState & HexToolsActions>()((set, get) => ({
    bookmarks: [],
    bookmarksOpen: false,
    draft: null,
    hashes: null,
    hashesOpen: false,
    setBookmarks: (bookmarks) =>
      set({ bookmarks: bookmarks.filter((bookmark) => COLOR.test(bookmark.color)).sort(byOffset) }),
    setBookmarksOpen: (bookmarksOpen) => set({ bookmarksOpen }),
    draftBookmark: (offset, length) => {
      const taken = new Set(get().bookmarks.map((bookmark) => bookmark.name));
      set({
        draft: {
          offset,
          length,
          name: freeName(`Bookmark ${get().bookmarks.length + 1}`, taken),
          color: BOOKMARK_COLORS[get().bookmarks.length % BOOKMARK_COLORS.length]!,
          note: '',
          editing: null,
        },
      });
    },
    editBookmark: (name) => {
      const found = get().bookmarks.find((bookmark) => bookmark.name === name);
      if (found !== undefined) set({ draft: { ...found, editing: found.name } });
    },
    setDraft: (draft) => set({ draft }),
    saveDraft: () => {
      const draft = get().draft;
      if (draft === null) return null;
      const name = draft.name.trim();
      if (name === '') return 'A bookmark needs a name.';
      const others = get().bookmarks.filter((bookmark) => bookmark.name !== draft.editing);
      if (others.some((bookmark) => bookmark.name === name)) return `A bookmark named “${name}” exists already.`;
      if (draft.editing === null && others.length >= MAX_BOOKMARKS) {
        return `A file keeps at most ${MAX_BOOKMARKS.toLocaleString('en-US')} bookmarks; delete some first.`;
      }
      const bookmark: Bookmark = {
        name,
        offset: byteOffset(draft.offset),
        length: byteCount(draft.length),
        color: COLOR.test(draft.color) ? draft.color : BOOKMARK_COLORS[0],
        note: draft.note,
      };
      set({ bookmarks: [...others, bookmark].sort(byOffset), draft: null, bookmarksOpen: true });
      return null;
    },
    removeBookmark: (name) => set({ bookmarks: get().bookmarks.filter((bookmark) => bookmark.name !== name) }),
    bookmarkAt: (offset) => {
      let found: Bookmark | undefined;
      for (const bookmark of get().bookmarks) {
        if (bookmark.offset > offset) break;
        if (offset < bookmark.offset + bookmark.length) found = bookmark;
      }
      return found;
    },
    importBookmarks: (incoming, size) => {
      const kept = [...get().bookmarks];
      const taken = new Set(kept.map((bookmark) => bookmark.name));
      let added = 0;
      let renamed = 0;
      let skipped = 0;
      for (const bookmark of incoming) {
        if (kept.length >= MAX_BOOKMARKS || !COLOR.test(bookmark.color) || bookmark.offset >= size) {
          skipped++;
          continue;
        }
        // The same bookmark twice is one.
        if (
          kept.some(
            (old) => old.name === bookmark.name && old.offset === bookmark.offset && old.length === bookmark.length,
          )
        ) {
          skipped++;
          continue;
        }
        const name = freeName(bookmark.name, taken);
        if (name !== bookmark.name) renamed++;
        taken.add(name);
        const length = byteCount(Math.min(bookmark.length, size - bookmark.offset));
        kept.push({ ...bookmark, name, length });
        added++;
      }
      set({ bookmarks: kept.sort(byOffset), bookmarksOpen: true });
      return { added, renamed, skipped };
    },
    startHashes: async (offset, length) => {
      set({ hashesOpen: true });
      const started = await getApi().startHashes(session, byteOffset(offset), byteCount(length));
      if (!started.ok) {
        messages.error(`The hashes could not be computed: ${started.message}`);
        return;
      }
      // A progress event may have come first: keep the newer news.
      const now = get().hashes;
      if (now === null || now.hashId < started.value.hashId) set({ hashes: started.value });
    },
    cancelHashes: async () => {
      const cancelled = await getApi().cancelHashes(session);
      if (cancelled.ok && cancelled.value !== null) get().onHashProgress(cancelled.value);
    },
    onHashProgress: (status) => {
      const now = get().hashes;
      if (now !== null && (now.hashId > status.hashId || (now.hashId === status.hashId && now.done))) return;
      set({ hashes: status });
    },
    setHashesOpen: (hashesOpen) => set({ hashesOpen }),
  }));
}

export const HexToolsStoreContext = createContext<HexToolsStore | null>(null);

export function useHexToolsStoreApi(): HexToolsStore {
  const store = useContext(HexToolsStoreContext);
  if (store === null) throw new Error('no hex tools store: render inside an open file');
  return store;
}

export function useHexTools<T>(select: (state: HexToolsState & HexToolsActions) => T): T {
  return useStore(useHexToolsStoreApi(), select);
}
