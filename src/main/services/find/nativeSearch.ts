// Literal and hex searches in the addon: worker threads over the mapping, results as offsets.
import { createSearch, type ByteSearch, type MappedFile } from '../../../../native/index';
import type { BytePlan } from './query';
import type { SearchProgressState, SearchRun } from './searchRun';

export class NativeSearch implements SearchRun {
  private readonly search: ByteSearch;
  readonly regexEngine = null;

  constructor(
    readonly id: number,
    file: MappedFile,
    plan: BytePlan,
  ) {
    this.search = createSearch(file, {
      bytes: plan.bytes,
      ...(plan.mask !== undefined ? { mask: plan.mask } : {}),
      caseInsensitive: plan.caseInsensitive,
      wholeWord: plan.wholeWord,
    });
  }

  progress(): SearchProgressState {
    const progress = this.search.progress();
    return {
      bytesScanned: progress.bytesScanned,
      totalBytes: progress.totalBytes,
      matchCount: progress.matchesKnown,
      done: progress.done,
      cancelled: progress.cancelled,
      error: progress.error,
      notice: null,
    };
  }

  page(first: number, count: number): { offsets: Float64Array; lengths: Float64Array } {
    const known = this.search.progress().matchesKnown;
    const start = Math.min(first, known);
    const offsets = this.search.results(start, Math.max(0, Math.min(count, known - start)));
    return { offsets, lengths: new Float64Array(offsets.length).fill(this.search.patternLength) };
  }

  indexAtOrAfter(offset: number): number {
    return this.search.indexAtOrAfter(offset);
  }

  memoryBytes(): number {
    return this.search.progress().resultBytes;
  }

  cancel(): void {
    this.search.cancel();
  }

  dispose(): void {
    this.search.dispose();
  }
}
