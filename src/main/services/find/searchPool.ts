// Searches hold worker threads, so the process runs at most SEARCH_LIMITS.maxRunning at once (the
// rest wait, in order) and one window or connection holds at most maxPerOwner running or waiting.
import { ok, type Result } from '../../../shared/result';
import { WorkPool, type WorkLease } from '../workPool';
import { hasEnded, type SearchProgressState, type SearchRun } from './searchRun';

export const SEARCH_LIMITS = { maxRunning: 4, maxPerOwner: 16 } as const;

/** A search that starts when the pool gives it a place, and gives the place back when it ends. */
export class PooledSearch implements SearchRun {
  private inner: SearchRun | null = null;
  private lease: WorkLease | null = null;
  private cancelled = false;
  private failure: { code: string; message: string } | null = null;

  private constructor(
    readonly id: number,
    private readonly totalBytes: number,
  ) {}

  /** ELIMIT (nothing started) when the owner holds too many searches. */
  static start(
    pool: WorkPool,
    owner: string,
    id: number,
    totalBytes: number,
    create: () => SearchRun,
  ): Result<PooledSearch> {
    const search = new PooledSearch(id, totalBytes);
    const lease = pool.request(owner, () => search.begin(create));
    if (!lease.ok) return lease;
    search.lease = lease.value;
    if (search.inner !== null && hasEnded(search.inner.progress())) search.release();
    return ok(search);
  }

  private begin(create: () => SearchRun): void {
    if (this.cancelled) return;
    try {
      this.inner = create();
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      this.failure = {
        code: typeof code === 'string' ? code : 'EIO',
        message: error instanceof Error ? error.message : String(error),
      };
      // The lease is not set yet when a search fails while being granted at once.
      queueMicrotask(() => this.release());
    }
  }

  get regexEngine(): SearchRun['regexEngine'] {
    return this.inner?.regexEngine ?? null;
  }

  /** The engine running this search, once it has started. */
  get engine(): SearchRun | null {
    return this.inner;
  }

  progress(): SearchProgressState {
    if (this.inner === null) {
      return {
        bytesScanned: 0,
        totalBytes: this.totalBytes,
        matchCount: 0,
        done: false,
        cancelled: this.cancelled,
        error: this.failure,
        notice: this.cancelled || this.failure !== null ? null : 'Waiting for other searches to finish…',
      };
    }
    const progress = this.inner.progress();
    if (hasEnded(progress)) this.release();
    return progress;
  }

  page(first: number, count: number): { offsets: Float64Array; lengths: Float64Array } {
    return this.inner?.page(first, count) ?? { offsets: new Float64Array(0), lengths: new Float64Array(0) };
  }

  indexAtOrAfter(offset: number): number {
    return this.inner?.indexAtOrAfter(offset) ?? 0;
  }

  memoryBytes(): number {
    return this.inner?.memoryBytes() ?? 0;
  }

  cancel(): void {
    this.cancelled = true;
    this.inner?.cancel();
    this.release();
  }

  dispose(): void {
    this.cancelled = true;
    this.inner?.dispose();
    this.release();
  }

  private release(): void {
    this.lease?.release();
  }
}

/** The process's one pool. */
export const searchPool = new WorkPool(SEARCH_LIMITS.maxRunning, SEARCH_LIMITS.maxPerOwner, 'searches');
