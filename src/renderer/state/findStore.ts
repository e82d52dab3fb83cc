// The find bar's state for one open file: the query, the search's progress and the current match.
// Each file has its own, so a query, mode or replacement never follows the user to another file.
import { createContext, useContext } from 'react';
import { createStore, useStore, type StoreApi } from 'zustand';
import type { EditState, FindMode, FindStatus, HexlogApi } from '../../shared/contract';
import { byteOffset, type SessionId } from '../../shared/units';
import type { Messages } from './messages';

export interface CurrentMatch {
  readonly index: number;
  readonly offset: number;
  readonly length: number;
}

export interface FindState {
  open: boolean;
  pattern: string;
  mode: FindMode;
  matchCase: boolean;
  wholeWord: boolean;
  replacement: string;
  status: FindStatus | null;
  /** A pattern error shown inline; no search runs. */
  problem: string | null;
  current: CurrentMatch | null;
  /** Where the user is (cursor offset or current line's offset): next/previous start from here. */
  origin: number;
  /** Bumped to ask the find bar to focus (and select) its input. */
  focusRequest: number;
  /** Whether the matches pane shows, and the replace row of the find bar. */
  paneOpen: boolean;
  replaceOpen: boolean;
  setOpen(open: boolean): void;
  togglePane(): void;
  setReplaceOpen(open: boolean): void;
  /** Opens the bar and focuses its input. */
  requestFocus(): void;
  setPattern(pattern: string): void;
  setMode(mode: FindMode): void;
  toggleCase(): void;
  toggleWholeWord(): void;
  setReplacement(text: string): void;
  setOrigin(offset: number): void;
  /** Whether the last search ran the query as it is now. */
  isCurrentQuery(): boolean;
  run(): Promise<void>;
  cancel(): Promise<void>;
  step(direction: 1 | -1): Promise<CurrentMatch | null>;
  goTo(index: number): Promise<CurrentMatch | null>;
  replace(which: 'current' | 'all'): Promise<void>;
  onProgress(status: FindStatus): void;
  reset(): void;
}

export type FindStore = StoreApi<FindState>;

export function createFindStore(
  session: SessionId,
  api: HexlogApi,
  messages: Messages,
  onEdits: (edit: EditState) => void,
  /** The filter whose rows the text view shows (next / previous stay on them), or null. */
  shownFilter: () => number | null = () => null,
): FindStore {
  return createStore<FindState>()((set, get) => ({
    open: false,
    paneOpen: false,
    replaceOpen: false,
    pattern: '',
    mode: 'text',
    matchCase: false,
    wholeWord: false,
    replacement: '',
    status: null,
    problem: null,
    current: null,
    origin: 0,
    focusRequest: 0,
    setOpen: (open) => set({ open }),
    togglePane: () => set({ paneOpen: !get().paneOpen, open: true }),
    setReplaceOpen: (replaceOpen) => set({ replaceOpen }),
    requestFocus: () => set({ open: true, focusRequest: get().focusRequest + 1 }),
    setPattern: (pattern) => set({ pattern, problem: null }),
    setMode: (mode) => set({ mode, problem: null }),
    toggleCase: () => set({ matchCase: !get().matchCase }),
    toggleWholeWord: () => set({ wholeWord: !get().wholeWord }),
    setReplacement: (replacement) => set({ replacement }),
    setOrigin: (origin) => set({ origin }),
    reset: () => set({ status: null, problem: null, current: null }),
    isCurrentQuery: () => {
      const { status, pattern, mode, matchCase, wholeWord } = get();
      return (
        status !== null &&
        status.query.pattern === pattern &&
        status.query.mode === mode &&
        status.query.matchCase === matchCase &&
        status.query.wholeWord === wholeWord
      );
    },

    run: async () => {
      const { pattern, mode, matchCase, wholeWord } = get();
      if (pattern === '') {
        await get().cancel();
        set({ status: null, problem: null, current: null });
        return;
      }
      const result = await api.startFind(session, { pattern, mode, matchCase, wholeWord });
      // A newer query typed meanwhile wins; this answer is stale.
      const now = get();
      if (now.pattern !== pattern || now.mode !== mode || now.matchCase !== matchCase || now.wholeWord !== wholeWord) {
        return;
      }
      if (!result.ok) {
        set({ problem: result.message, status: null, current: null });
        return;
      }
      set({ status: result.value, problem: null, current: null });
    },
    cancel: async () => {
      const result = await api.cancelFind(session);
      if (result.ok && result.value !== null && get().status?.searchId === result.value.searchId) {
        set({ status: result.value });
      }
    },
    onProgress: (status) => {
      const mine = get().status;
      if (mine !== null && status.searchId === mine.searchId) set({ status });
    },
    goTo: async (index) => {
      const status = get().status;
      if (status === null || status.matchCount === 0) return null;
      const wrapped = ((index % status.matchCount) + status.matchCount) % status.matchCount;
      const page = await api.findMatches(session, status.searchId, wrapped, 1);
      if (!page.ok || page.value.offsets.length === 0) return null;
      const current = { index: wrapped, offset: page.value.offsets[0]!, length: page.value.lengths[0]! };
      set({ current, origin: current.offset });
      return current;
    },
    step: async (direction) => {
      const { status, current, origin } = get();
      if (status === null || status.matchCount === 0) return null;
      let target: number;
      if (current !== null) target = current.index + direction;
      else {
        // No current match yet: the first one at or after where the user is (or before, going back).
        const at = await api.matchIndexAt(session, status.searchId, byteOffset(origin));
        if (!at.ok) return null;
        target = direction === 1 ? at.value : at.value - 1;
      }
      // In the filtered view, only matches on the lines shown.
      const filterId = shownFilter();
      if (filterId !== null) {
        const count = status.matchCount;
        const from = ((target % count) + count) % count;
        const shown = await api.shownMatch(session, status.searchId, filterId, from, direction);
        if (!shown.ok) {
          messages.error(shown.message);
          return null;
        }
        if (shown.value < 0) {
          messages.info('No match is on a line the filter shows.');
          return null;
        }
        target = shown.value;
      }
      return get().goTo(target);
    },
    replace: async (which) => {
      const { status, current, replacement } = get();
      if (status === null || status.matchCount === 0) {
        messages.info('Nothing to replace: no matches.');
        return;
      }
      if (which === 'current' && current === null) {
        messages.info('Go to a match first (Enter or F3), then replace it.');
        return;
      }
      const result = await api.replaceMatches(
        session,
        status.searchId,
        which === 'all' ? 'all' : current!.index,
        replacement,
      );
      if (!result.ok) {
        messages.error(result.message);
        return;
      }
      onEdits(result.value);
      if (which === 'current') {
        await get().step(1);
        return;
      }
      // The replaced text no longer matches: search again so the count and highlights are current.
      const replaced = status.matchCount;
      await get().run();
      messages.info(`Replaced ${replaced.toLocaleString('en-US')} match${replaced === 1 ? '' : 'es'}.`);
    },
  }));
}

export const FindStoreContext = createContext<FindStore | null>(null);

export function useFindStoreApi(): FindStore {
  const store = useContext(FindStoreContext);
  if (store === null) throw new Error('useFindStore outside a FindStoreContext');
  return store;
}

export function useFindStore<T>(selector: (state: FindState) => T): T {
  return useStore(useFindStoreApi(), selector);
}
