// One running (or finished) search of a session, whatever engine runs it.
import type { FindEngine } from '../../../shared/contract';
import type { Disposable } from '../../../shared/disposable';

export interface SearchProgressState {
  readonly bytesScanned: number;
  readonly totalBytes: number;
  readonly matchCount: number;
  readonly done: boolean;
  readonly cancelled: boolean;
  readonly error: { readonly code: string; readonly message: string } | null;
  /** Something the user should know about this search's results (a limit it met), or null. */
  readonly notice: string | null;
}

export interface SearchRun extends Disposable {
  readonly id: number;
  /** The regex engine that runs this search; null for the native byte search (or not started yet). */
  readonly regexEngine: FindEngine | null;
  progress(): SearchProgressState;
  /** Matches [first, first + count) known so far, in file order. */
  page(first: number, count: number): { offsets: Float64Array; lengths: Float64Array };
  /** Index of the first known match at or after `offset`. */
  indexAtOrAfter(offset: number): number;
  cancel(): void;
  /** Bytes the stored matches hold (capacity included). */
  memoryBytes(): number;
}

/** Whether a search has stopped for good (finished, cancelled or failed). */
export const hasEnded = (progress: SearchProgressState): boolean =>
  progress.done || progress.cancelled || progress.error !== null;
