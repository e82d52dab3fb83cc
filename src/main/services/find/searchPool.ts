// Bounds the searches of the whole process: at most `maxRunning` run at once (each holds worker
// threads), the rest wait in order; one owner (a window or connection) may hold at most
// `maxPerOwner` running or waiting searches.
import { err, ok, type Result } from '../../../shared/result';
import { hasEnded, type SearchProgressState, type SearchRun } from './searchRun';

export const SEARCH_LIMITS = { maxRunning: 4, maxPerOwner: 16 } as const;

interface Waiting {
  readonly owner: string;
  readonly start: () => void;
}

/** A place in the pool: release it when the search ends (idempotent). */
export interface SearchLease {
  release(): void;
}

export class SearchPool {
  private running = 0;
  private readonly waiting: Waiting[] = [];
  private readonly perOwner = new Map<string, number>();

  constructor(
    readonly maxRunning: number = SEARCH_LIMITS.maxRunning,
    readonly maxPerOwner: number = SEARCH_LIMITS.maxPerOwner,
  ) {}

  get runningCount(): number {
    return this.running;
  }

  get waitingCount(): number {
    return this.waiting.length;
  }

  /** Starts `start` now or once a place frees; ELIMIT when the owner already holds its share. */
  request(owner: string, start: () => void): Result<SearchLease> {
    const held = this.perOwner.get(owner) ?? 0;
    if (held >= this.maxPerOwner) {
      return err(
        'ELIMIT',
        `Too many searches are running in this window (${this.maxPerOwner}); wait for one to finish or cancel one.`,
      );
    }
    this.perOwner.set(owner, held + 1);
    let state: 'waiting' | 'running' | 'released' = 'waiting';
    const entry: Waiting = {
      owner,
      start: () => {
        state = 'running';
        start();
      },
    };
    const lease: SearchLease = {
      release: () => {
        if (state === 'released') return;
        const wasRunning = state === 'running';
        state = 'released';
        const count = (this.perOwner.get(owner) ?? 1) - 1;
        if (count === 0) this.perOwner.delete(owner);
        else this.perOwner.set(owner, count);
        if (wasRunning) {
          this.running--;
          this.startWaiting();
        } else {
          const at = this.waiting.indexOf(entry);
          if (at >= 0) this.waiting.splice(at, 1);
        }
      },
    };
    this.waiting.push(entry);
    this.startWaiting();
    return ok(lease);
  }

  private startWaiting(): void {
    while (this.running < this.maxRunning && this.waiting.length > 0) {
      const next = this.waiting.shift()!;
      this.running++;
      next.start();
    }
  }
}

/** A search that starts when the pool gives it a place, and gives the place back when it ends. */
export class PooledSearch implements SearchRun {
  private inner: SearchRun | null = null;
  private lease: SearchLease | null = null;
  private cancelled = false;
  private failure: { code: string; message: string } | null = null;

  private constructor(
    readonly id: number,
    private readonly totalBytes: number,
  ) {}

  /** ELIMIT (nothing started) when the owner holds too many searches. */
  static start(
    pool: SearchPool,
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
export const searchPool = new SearchPool();
