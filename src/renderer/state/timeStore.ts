// The times of one open file: the format its lines are read by, the current line's time for the
// status bar, and the timeline. Each file has its own, so nothing follows the user to another file.
import { createContext, useContext } from 'react';
import { createStore, useStore, type StoreApi } from 'zustand';
import type { HexlogApi, LineTime, TimelineStatus, TimeSeekResult, TimeState } from '../../shared/contract';
import type { Result } from '../../shared/result';
import type { TimeKind } from '../../shared/time';
import { lineNumber, type SessionId } from '../../shared/units';
import type { Messages } from './messages';

export interface TimeRange {
  readonly fromMs: number;
  readonly toMs: number;
}

export interface TimeStoreState {
  /** How the services read times, or null before they answered. */
  state: TimeState | null;
  /** The current line's time, for the status bar (null while unknown). */
  lineTime: LineTime | null;
  timeline: TimelineStatus | null;
  /** Whether the timeline strip shows (it does once a format is found, until the user hides it). */
  timelineOpen: boolean;
  /** The time range dragged on the timeline, or null. */
  range: TimeRange | null;

  load(): Promise<void>;
  setChoice(choice: TimeKind | 'auto' | 'none'): Promise<void>;
  onTimeChanged(state: TimeState): void;
  /** Reads the time of `line` for the status bar (the latest call wins). */
  readLineTime(line: number): Promise<void>;
  seek(ms: number): Promise<Result<TimeSeekResult>>;
  /** (Re)starts the timeline counting the matches of `searchId` (-1: none). */
  startTimeline(searchId: number): Promise<void>;
  onTimeline(status: TimelineStatus): void;
  setTimelineOpen(open: boolean): void;
  setRange(range: TimeRange | null): void;
}

export type TimeStore = StoreApi<TimeStoreState>;

export function createTimeStore(session: SessionId, api: HexlogApi, messages: Messages): TimeStore {
  let lineTimeAsked = 0;
  return createStore<TimeStoreState>()((set, get) => ({
    state: null,
    lineTime: null,
    timeline: null,
    timelineOpen: true,
    range: null,

    load: async () => {
      const result = await api.timeState(session);
      if (result.ok) get().onTimeChanged(result.value);
    },
    setChoice: async (choice) => {
      const result = await api.setTimeFormat(session, choice);
      if (!result.ok) return messages.error(`The time format could not be changed: ${result.message}`);
      get().onTimeChanged(result.value);
      if (result.value.notice !== null) messages.info(result.value.notice);
    },
    onTimeChanged: (state) => {
      const before = get().state;
      if (before !== null && before.version === state.version && before.choice === state.choice) {
        set({ state });
        return;
      }
      // Another format: the times read before, and the timeline drawn with them, are stale.
      set({ state, lineTime: null, range: null, ...(state.format === null ? { timeline: null } : {}) });
    },
    readLineTime: async (line) => {
      const asked = ++lineTimeAsked;
      if (get().state?.format == null) {
        if (get().lineTime !== null) set({ lineTime: null });
        return;
      }
      const result = await api.lineTime(session, lineNumber(line));
      if (asked !== lineTimeAsked) return;
      set({ lineTime: result.ok ? result.value : null });
    },
    seek: (ms) => api.seekTime(session, Math.floor(ms)),
    startTimeline: async (searchId) => {
      const result = await api.startTimeline(session, searchId);
      if (!result.ok) {
        set({ timeline: null });
        return;
      }
      get().onTimeline(result.value);
    },
    onTimeline: (status) => {
      const current = get().timeline;
      if (current !== null && status.timelineId < current.timelineId) return;
      set({ timeline: status });
    },
    setTimelineOpen: (timelineOpen) => set({ timelineOpen }),
    setRange: (range) => set({ range }),
  }));
}

export const TimeStoreContext = createContext<TimeStore | null>(null);

export function useTimeStoreApi(): TimeStore {
  const store = useContext(TimeStoreContext);
  if (store === null) throw new Error('useTimeStore outside a TimeStoreContext');
  return store;
}

export function useTimeStore<T>(selector: (state: TimeStoreState) => T): T {
  return useStore(useTimeStoreApi(), selector);
}
