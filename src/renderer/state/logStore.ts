// The log tools of one open file: its filter rules and filtered view, and its marked lines. Each
// file has its own, so rules and marks never follow the user to another file.
import { createContext, useContext } from 'react';
import { createStore, useStore, type StoreApi } from 'zustand';
import type { FilterRule, FilterSpec, FilterStatus, HexlogApi } from '../../shared/contract';
import { MAX_FILTER_CONTEXT, MAX_FILTER_RULES, MAX_SAVED_MARKS } from '../../shared/contract';
import type { SessionId } from '../../shared/units';
import { plural } from '../format';
import type { Messages } from './messages';

/** Most marks a file keeps (each is one line number): all of them are remembered between openings. */
export const MAX_MARKS = MAX_SAVED_MARKS;

export interface LogState {
  /** The rules as the user has them; applied to the filter as they change. */
  spec: FilterSpec;
  /** Whether the text view shows only the filtered lines. */
  filterView: boolean;
  /** The filter the services run for `spec`, or null before the first one. */
  status: FilterStatus | null;
  /** A spec sent to the services and not answered yet: the status shown is the previous filter's. */
  pending: boolean;
  /** Why the last spec could not run (a bad regex), shown beside the rules. */
  problem: string | null;
  /** Marked lines (0-based), ascending. */
  marks: readonly number[];
  /** Whether the marks pane shows. */
  marksOpen: boolean;

  setFilterView(on: boolean): Promise<void>;
  applySpec(spec: FilterSpec): Promise<boolean>;
  addRule(rule: FilterRule): Promise<boolean>;
  updateRule(index: number, change: Partial<FilterRule>): Promise<void>;
  removeRule(index: number): Promise<void>;
  setContext(context: number): Promise<void>;
  onProgress(status: FilterStatus): void;
  toggleMark(line: number): void;
  setMarks(lines: readonly number[]): void;
  /** The next mark after `line` (direction 1) or before it (-1), wrapping around; null without marks. */
  nextMark(line: number, direction: 1 | -1): number | null;
  setMarksOpen(open: boolean): void;
}

export type LogStore = StoreApi<LogState>;

/** Where `line` would go in ascending `lines`. */
function lowerBound(lines: readonly number[], line: number): number {
  let low = 0;
  let high = lines.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (lines[mid]! < line) low = mid + 1;
    else high = mid;
  }
  return low;
}

export function createLogStore(session: SessionId, api: HexlogApi, messages: Messages): LogStore {
  return createStore<LogState>()((set, get) => {
    /** Runs the spec in the services when the filtered view shows (or has run before). */
    const apply = async (spec: FilterSpec): Promise<boolean> => {
      const previous = get().spec;
      set({ spec });
      if (!get().filterView && get().status === null) return true;
      set({ pending: true });
      const result = await api.setFilter(session, spec);
      if (get().spec !== spec) return result.ok; // a newer spec followed
      if (!result.ok) {
        // The rules stay as they were (the filter still runs them); the message says why.
        set({ spec: previous, problem: result.message, pending: false });
        return false;
      }
      set({ status: result.value, problem: null, pending: false });
      return true;
    };

    return {
      spec: { rules: [], context: 0 },
      filterView: false,
      status: null,
      pending: false,
      problem: null,
      marks: [],
      marksOpen: false,

      setFilterView: async (on) => {
        set({ filterView: on });
        if (on && get().status === null) await apply(get().spec);
      },
      applySpec: apply,
      addRule: async (rule) => {
        const rules = get().spec.rules;
        if (rules.length >= MAX_FILTER_RULES) {
          messages.error(`A filter takes at most ${MAX_FILTER_RULES} rules.`);
          return false;
        }
        return apply({ ...get().spec, rules: [...rules, rule] });
      },
      updateRule: async (index, change) => {
        const rules = get().spec.rules.map((rule, at) => (at === index ? { ...rule, ...change } : rule));
        await apply({ ...get().spec, rules });
      },
      removeRule: async (index) => {
        await apply({ ...get().spec, rules: get().spec.rules.filter((_rule, at) => at !== index) });
      },
      setContext: async (context) => {
        const clamped = Math.min(MAX_FILTER_CONTEXT, Math.max(0, Math.floor(context)));
        if (clamped !== get().spec.context) await apply({ ...get().spec, context: clamped });
      },
      onProgress: (status) => {
        const current = get().status;
        if (current !== null && status.filterId < current.filterId) return;
        set({ status });
      },
      toggleMark: (line) => {
        const marks = get().marks;
        const at = lowerBound(marks, line);
        if (marks[at] === line) {
          set({ marks: [...marks.slice(0, at), ...marks.slice(at + 1)] });
          return;
        }
        if (marks.length >= MAX_MARKS) {
          messages.error(`A file keeps at most ${plural(MAX_MARKS, 'mark')}.`);
          return;
        }
        set({ marks: [...marks.slice(0, at), line, ...marks.slice(at)] });
      },
      setMarks: (lines) => {
        const sorted = [...new Set(lines.filter((line) => Number.isSafeInteger(line) && line >= 0))].sort(
          (a, b) => a - b,
        );
        set({ marks: sorted.slice(0, MAX_MARKS) });
      },
      nextMark: (line, direction) => {
        const marks = get().marks;
        if (marks.length === 0) return null;
        if (direction === 1) {
          const at = lowerBound(marks, line + 1);
          return marks[at] ?? marks[0]!;
        }
        const at = lowerBound(marks, line) - 1;
        return at >= 0 ? marks[at]! : marks[marks.length - 1]!;
      },
      setMarksOpen: (marksOpen) => set({ marksOpen }),
    };
  });
}

export const LogStoreContext = createContext<LogStore | null>(null);

export function useLogStoreApi(): LogStore {
  const store = useContext(LogStoreContext);
  if (store === null) throw new Error('useLogStore outside a LogStoreContext');
  return store;
}

export function useLogStore<T>(selector: (state: LogState) => T): T {
  return useStore(useLogStoreApi(), selector);
}
