// Pages fetched through the API one at a time and kept in an LRU: the machinery under the byte, line
// and match-row caches. Views read synchronously what is cached and subscribe to hear when a page
// arrives. After invalidate() the pages are stale: still shown, and fetched again when asked.
import { errFromThrown, type Result } from '../../shared/result';
import { Notifier } from './notifier';

export interface PagedCacheOptions<P> {
  /** The service's data generation the pages belong to; another one means another cache. */
  readonly generation: number;
  /** Pages kept at most; the least recently read one goes first. */
  readonly maxPages: number;
  readonly fetch: (index: number) => Promise<Result<P>>;
  /** Hears a failure once, until a different one comes. */
  readonly onError?: (message: string) => void;
  /** False for a cached page that should be fetched again (a block fetched short); it is still shown. */
  readonly isCurrent?: (page: P, index: number) => boolean;
}

interface Entry<P> {
  readonly page: P;
  stale: boolean;
}

export class PagedCache<P> extends Notifier {
  readonly generation: number;
  /** Map order is the LRU order: oldest first. */
  private readonly pages = new Map<number, Entry<P>>();
  private readonly inFlight = new Set<number>();
  /** Bumped by invalidate(): answers to requests sent before it are dropped. */
  private epoch = 0;
  private lastError: string | undefined;
  private editGeneration: number | undefined;

  constructor(private readonly options: PagedCacheOptions<P>) {
    super();
    this.generation = options.generation;
  }

  /** The data changed under the pages: keep showing them, fetch each again when asked. */
  invalidate(): void {
    this.epoch++;
    this.inFlight.clear();
    for (const entry of this.pages.values()) entry.stale = true;
    this.notify();
  }

  /** The pending edits are at `editGeneration` (EditState.generation); a change makes every page stale. */
  setEditGeneration(editGeneration: number): void {
    const previous = this.editGeneration;
    this.editGeneration = editGeneration;
    if (previous !== undefined && previous !== editGeneration) this.invalidate();
  }

  /** Page `index` if cached (fetched again if stale or not current); otherwise requested, and undefined. */
  get(index: number): P | undefined {
    const entry = this.pages.get(index);
    if (entry === undefined) {
      this.request(index);
      return undefined;
    }
    this.touch(index, entry);
    if (entry.stale || this.options.isCurrent?.(entry.page, index) === false) this.request(index);
    return entry.page;
  }

  /** Page `index` if cached, without requesting it or refreshing its place in the LRU. */
  peek(index: number): P | undefined {
    return this.pages.get(index)?.page;
  }

  /** How many pages are cached. */
  get pageCount(): number {
    return this.pages.size;
  }

  private touch(index: number, entry: Entry<P>): void {
    this.pages.delete(index);
    this.pages.set(index, entry);
  }

  private request(index: number): void {
    if (this.inFlight.has(index)) return;
    this.inFlight.add(index);
    const epoch = this.epoch;
    const settle = (result: Result<P>): void => {
      if (epoch !== this.epoch) return; // invalidated meanwhile; a newer request follows
      this.inFlight.delete(index);
      if (!result.ok) {
        if (result.message !== this.lastError) this.options.onError?.(result.message);
        this.lastError = result.message;
        return;
      }
      this.touch(index, { page: result.value, stale: false });
      while (this.pages.size > this.options.maxPages) {
        const oldest = this.pages.keys().next().value;
        if (oldest === undefined) break;
        this.pages.delete(oldest);
      }
      this.notify();
    };
    void this.options.fetch(index).then(settle, (thrown: unknown) => settle(errFromThrown(thrown)));
  }
}

/** A block of rows (lines, matches) and how many rows were known when it was requested. */
export interface RowBlock<T> {
  readonly rows: readonly T[];
  readonly knownAtRequest: number;
}

/**
 * Whether a block of `blockSize` rows starting at row `first` holds all it can: it is full, it
 * reaches the `known` rows, or no more rows are known than when it was requested (so asking again
 * would only answer the same).
 */
export function rowBlockComplete<T>(block: RowBlock<T>, first: number, blockSize: number, known: number): boolean {
  return block.rows.length >= blockSize || first + block.rows.length >= known || block.knownAtRequest >= known;
}
