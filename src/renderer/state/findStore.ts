// The find bar's state for the open file: the query, the search's progress and the current match.
import { create } from 'zustand';
import type { FindMode, FindStatus } from '../../shared/contract';
import { byteOffset, type SessionId } from '../../shared/units';
import { getApi } from '../data/api';
import { useAppStore } from './appStore';

export interface CurrentMatch {
  readonly index: number;
  readonly offset: number;
  readonly length: number;
}

interface FindState {
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
  setOpen(open: boolean): void;
  setPattern(pattern: string): void;
  setMode(mode: FindMode): void;
  toggleCase(): void;
  toggleWholeWord(): void;
  setReplacement(text: string): void;
  setOrigin(offset: number): void;
  run(): Promise<void>;
  cancel(): Promise<void>;
  step(direction: 1 | -1): Promise<CurrentMatch | null>;
  goTo(index: number): Promise<CurrentMatch | null>;
  replace(which: 'current' | 'all'): Promise<void>;
  onProgress(status: FindStatus): void;
  reset(): void;
}

const sessionOf = (): SessionId | null => useAppStore.getState().file?.session ?? null;

export const useFindStore = create<FindState>()((set, get) => ({
  open: false,
  pattern: '',
  mode: 'text',
  matchCase: false,
  wholeWord: false,
  replacement: '',
  status: null,
  problem: null,
  current: null,
  origin: 0,
  setOpen: (open) => set({ open }),
  setPattern: (pattern) => set({ pattern, problem: null }),
  setMode: (mode) => set({ mode, problem: null }),
  toggleCase: () => set({ matchCase: !get().matchCase }),
  toggleWholeWord: () => set({ wholeWord: !get().wholeWord }),
  setReplacement: (replacement) => set({ replacement }),
  setOrigin: (origin) => set({ origin }),
  reset: () => set({ status: null, problem: null, current: null }),

  run: async () => {
    const session = sessionOf();
    if (session === null) return;
    const { pattern, mode, matchCase, wholeWord } = get();
    const result = await getApi().startFind(session, { pattern, mode, matchCase, wholeWord });
    if (!result.ok) {
      set({ problem: result.message, status: null, current: null });
      return;
    }
    set({ status: result.value, problem: null, current: null });
  },
  cancel: async () => {
    const session = sessionOf();
    if (session === null) return;
    const result = await getApi().cancelFind(session);
    if (result.ok && result.value !== null) set({ status: result.value });
  },
  onProgress: (status) => {
    const mine = get().status;
    if (mine === null || (status.searchId === mine.searchId && status.session === mine.session)) {
      if (mine !== null) set({ status });
    }
  },
  goTo: async (index) => {
    const status = get().status;
    const session = sessionOf();
    if (status === null || session === null || status.matchCount === 0) return null;
    const wrapped = ((index % status.matchCount) + status.matchCount) % status.matchCount;
    const page = await getApi().findMatches(session, status.searchId, wrapped, 1);
    if (!page.ok || page.value.offsets.length === 0) return null;
    const current = { index: wrapped, offset: page.value.offsets[0]!, length: page.value.lengths[0]! };
    set({ current, origin: current.offset });
    return current;
  },
  step: async (direction) => {
    const { status, current, origin } = get();
    const session = sessionOf();
    if (status === null || session === null || status.matchCount === 0) return null;
    if (current !== null) return get().goTo(current.index + direction);
    // No current match yet: the first one at or after where the user is (or before, going back).
    const at = await getApi().matchIndexAt(session, status.searchId, byteOffset(origin));
    if (!at.ok) return null;
    return get().goTo(direction === 1 ? at.value : at.value - 1);
  },
  replace: async (which) => {
    const { status, current, replacement } = get();
    const session = sessionOf();
    if (status === null || session === null) return;
    if (which === 'current' && current === null) {
      useAppStore.getState().showAlert('Go to a match first (Enter or F3), then replace it.');
      return;
    }
    const result = await getApi().replaceMatches(
      session,
      status.searchId,
      which === 'all' ? 'all' : current!.index,
      replacement,
    );
    if (!result.ok) {
      useAppStore.getState().showAlert(result.message);
      return;
    }
    useAppStore.setState({ edit: result.value });
    if (which === 'current') await get().step(1);
  },
}));
