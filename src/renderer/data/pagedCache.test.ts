import { describe, expect, it } from 'vitest';
import { err, ok, type Result } from '../../shared/result';
import { seededRandom } from '../../shared/seededRandom';
import { PagedCache, rowBlockComplete, type PagedCacheOptions, type RowBlock } from './pagedCache';

interface Page {
  readonly index: number;
  readonly value: string;
}

interface Call {
  readonly index: number;
  readonly resolve: (result: Result<Page>) => void;
  readonly reject: (thrown: unknown) => void;
}

/** A fetch whose answers the test gives by hand, in any order. */
function fakeFetch(): { fetch: (index: number) => Promise<Result<Page>>; calls: Call[] } {
  const calls: Call[] = [];
  const fetch = (index: number): Promise<Result<Page>> =>
    new Promise((resolve, reject) => calls.push({ index, resolve, reject }));
  return { fetch, calls };
}

/** Lets the answered promises run their callbacks. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function makeCache(options: Partial<PagedCacheOptions<Page>> = {}): {
  cache: PagedCache<Page>;
  calls: Call[];
  errors: string[];
  notified: () => number;
} {
  const { fetch, calls } = fakeFetch();
  const errors: string[] = [];
  const cache = new PagedCache<Page>({
    generation: 7,
    maxPages: 4,
    fetch,
    onError: (message) => errors.push(message),
    ...options,
  });
  let notifications = 0;
  cache.subscribe(() => notifications++);
  return { cache, calls, errors, notified: () => notifications };
}

const page = (index: number, value = `page ${index}`): Result<Page> => ok({ index, value });

describe('PagedCache', () => {
  it('carries the generation it was created for', () => {
    expect(makeCache().cache.generation).toBe(7);
  });

  it('requests a missing page once while it is in flight and notifies when it arrives', async () => {
    const { cache, calls, notified } = makeCache();
    expect(cache.get(3)).toBeUndefined();
    expect(cache.get(3)).toBeUndefined();
    expect(calls.map((call) => call.index)).toEqual([3]);
    calls[0]!.resolve(page(3));
    await settle();
    expect(notified()).toBe(1);
    expect(cache.get(3)?.value).toBe('page 3');
    expect(calls).toHaveLength(1);
  });

  it('evicts the least recently read page beyond maxPages', async () => {
    const { cache, calls } = makeCache({ maxPages: 3 });
    for (const index of [0, 1, 2]) cache.get(index);
    for (const call of calls) call.resolve(page(call.index));
    await settle();
    cache.get(0); // now 1 is the oldest
    cache.get(3);
    calls[3]!.resolve(page(3));
    await settle();
    expect(cache.pageCount).toBe(3);
    expect(cache.peek(1)).toBeUndefined();
    expect([0, 2, 3].map((index) => cache.peek(index)?.value)).toEqual(['page 0', 'page 2', 'page 3']);
  });

  it('a page fetched again goes to the young end of the LRU', async () => {
    const { cache, calls } = makeCache({ maxPages: 2 });
    cache.get(0);
    cache.get(1);
    calls[0]!.resolve(page(0));
    calls[1]!.resolve(page(1));
    await settle();
    cache.invalidate();
    cache.peek(0);
    cache.get(1);
    cache.get(0); // refetches 1 then 0: 0 is answered last
    calls[3]!.resolve(page(0, 'fresh 0'));
    calls[2]!.resolve(page(1, 'fresh 1'));
    await settle();
    cache.get(2);
    calls[4]!.resolve(page(2));
    await settle();
    expect(cache.peek(0)).toBeUndefined();
    expect(cache.peek(1)?.value).toBe('fresh 1');
  });

  it('after invalidate keeps showing the old page while it is fetched again', async () => {
    const { cache, calls } = makeCache();
    cache.get(0);
    calls[0]!.resolve(page(0, 'old'));
    await settle();
    cache.invalidate();
    expect(cache.get(0)?.value).toBe('old');
    expect(calls).toHaveLength(2);
    expect(cache.get(0)?.value).toBe('old');
    expect(calls).toHaveLength(2); // the refetch is in flight
    calls[1]!.resolve(page(0, 'new'));
    await settle();
    expect(cache.get(0)?.value).toBe('new');
    expect(calls).toHaveLength(2); // fresh again: no more requests
  });

  it('drops an answer to a request sent before invalidate, in either order', async () => {
    for (const newerFirst of [false, true]) {
      const { cache, calls, notified } = makeCache();
      cache.get(0);
      cache.invalidate();
      const afterInvalidate = notified();
      cache.get(0);
      expect(calls).toHaveLength(2);
      const [before, after] = [calls[0]!, calls[1]!];
      if (newerFirst) after.resolve(page(0, 'after'));
      before.resolve(page(0, 'before'));
      await settle();
      expect(cache.peek(0)?.value).toBe(newerFirst ? 'after' : undefined);
      if (!newerFirst) {
        expect(notified()).toBe(afterInvalidate);
        after.resolve(page(0, 'after'));
        await settle();
      }
      expect(cache.peek(0)?.value).toBe('after');
    }
  });

  it('drops an error answered to a request sent before invalidate', async () => {
    const { cache, calls, errors } = makeCache();
    cache.get(0);
    cache.invalidate();
    calls[0]!.resolve(err('EIO', 'gone'));
    await settle();
    expect(errors).toEqual([]);
  });

  it('reports the same error once, a different one again', async () => {
    const { cache, calls, errors } = makeCache();
    const fail = async (index: number, message: string): Promise<void> => {
      cache.get(index);
      calls.at(-1)!.resolve(err('EIO', message));
      await settle();
    };
    await fail(0, 'disk on fire');
    await fail(0, 'disk on fire'); // a failed page is asked for again
    await fail(1, 'disk on fire');
    expect(errors).toEqual(['disk on fire']);
    await fail(2, 'file truncated');
    await fail(0, 'disk on fire');
    expect(errors).toEqual(['disk on fire', 'file truncated', 'disk on fire']);
    expect(cache.pageCount).toBe(0);
  });

  it('a fetch that rejects settles as an error and the page can be asked for again', async () => {
    const { cache, calls, errors } = makeCache();
    cache.get(0);
    calls[0]!.reject(new Error('transport closed'));
    await settle();
    expect(errors).toEqual(['transport closed']);
    cache.get(0);
    expect(calls).toHaveLength(2);
  });

  it('fetches again a page the predicate calls not current, and shows it meanwhile', async () => {
    let current = true;
    const { cache, calls } = makeCache({ isCurrent: () => current });
    cache.get(0);
    calls[0]!.resolve(page(0, 'short'));
    await settle();
    expect(cache.get(0)?.value).toBe('short');
    expect(calls).toHaveLength(1);
    current = false;
    expect(cache.get(0)?.value).toBe('short');
    expect(calls).toHaveLength(2);
    current = true;
    calls[1]!.resolve(page(0, 'full'));
    await settle();
    expect(cache.get(0)?.value).toBe('full');
    expect(calls).toHaveLength(2);
  });

  it('setEditGeneration: the first one only records, a change makes the pages stale', async () => {
    const { cache, calls } = makeCache();
    cache.get(0);
    calls[0]!.resolve(page(0));
    await settle();
    cache.setEditGeneration(5);
    cache.get(0);
    expect(calls).toHaveLength(1);
    cache.setEditGeneration(5);
    cache.get(0);
    expect(calls).toHaveLength(1);
    cache.setEditGeneration(6);
    expect(cache.get(0)?.value).toBe('page 0');
    expect(calls).toHaveLength(2);
  });
});

describe('rowBlockComplete', () => {
  const block = (rows: number, knownAtRequest: number): RowBlock<number> => ({
    rows: Array.from({ length: rows }, (_, i) => i),
    knownAtRequest,
  });

  it('a full block is complete', () => {
    expect(rowBlockComplete(block(10, 5), 0, 10, 1000)).toBe(true);
  });

  it('a short block that reaches the known rows is complete', () => {
    expect(rowBlockComplete(block(4, 14), 10, 10, 14)).toBe(true);
  });

  it('a short block is incomplete once more rows are known than at its request', () => {
    expect(rowBlockComplete(block(4, 14), 10, 10, 18)).toBe(false);
  });

  it('a block answered shorter than the rows known at its request is not asked for again', () => {
    expect(rowBlockComplete(block(2, 14), 10, 10, 14)).toBe(true);
  });

  it('a short block is fetched again through the cache when more lines are known', async () => {
    const blockSize = 10;
    let known = 4;
    const answers: Array<(result: Result<RowBlock<number>>) => void> = [];
    const cache = new PagedCache<RowBlock<number>>({
      generation: 0,
      maxPages: 8,
      fetch: () => new Promise((resolve) => answers.push(resolve)),
      isCurrent: (rows, index) => rowBlockComplete(rows, index * blockSize, blockSize, known),
    });
    cache.get(0);
    answers[0]!(ok(block(4, 4)));
    await settle();
    expect(cache.get(0)?.rows).toHaveLength(4);
    expect(answers).toHaveLength(1);
    known = 9;
    expect(cache.get(0)?.rows).toHaveLength(4);
    expect(answers).toHaveLength(2);
    answers[1]!(ok(block(9, 9)));
    await settle();
    expect(cache.get(0)?.rows).toHaveLength(9);
    expect(answers).toHaveLength(2);
  });
});

/**
 * A naive model of the cache: an array in LRU order, pending requests tagged with the invalidation
 * they were sent after. Random gets, answers (in any order), failures and invalidations must leave
 * the cache and the model holding the same pages and having sent the same requests.
 */
class NaiveCache {
  order: number[] = []; // oldest first
  readonly stored = new Map<number, { value: string; stale: boolean }>();
  readonly pending = new Set<number>();
  epoch = 0;

  constructor(
    readonly maxPages: number,
    readonly isCurrent: (value: string) => boolean,
  ) {}

  /** Returns the value shown and whether a request goes out. */
  get(index: number): { value: string | undefined; requests: boolean } {
    const entry = this.stored.get(index);
    let wanted = entry === undefined;
    if (entry !== undefined) {
      this.order = [...this.order.filter((i) => i !== index), index];
      wanted = entry.stale || !this.isCurrent(entry.value);
    }
    const requests = wanted && !this.pending.has(index);
    if (requests) this.pending.add(index);
    return { value: entry?.value, requests };
  }

  answer(index: number, epoch: number, result: Result<string>): void {
    if (epoch !== this.epoch) return;
    this.pending.delete(index);
    if (!result.ok) return;
    this.stored.set(index, { value: result.value, stale: false });
    this.order = [...this.order.filter((i) => i !== index), index];
    while (this.order.length > this.maxPages) this.stored.delete(this.order.shift()!);
  }

  invalidate(): void {
    this.epoch++;
    this.pending.clear();
    for (const entry of this.stored.values()) entry.stale = true;
  }
}

describe('PagedCache against a naive model', () => {
  for (const seed of [1, 2, 3, 42, 1234, 99991]) {
    it(`agrees with the model over random operations (seed ${seed})`, async () => {
      const random = seededRandom(seed);
      const maxPages = 1 + random.int(6);
      const pageRange = maxPages + 1 + random.int(8);
      // Pages whose value ends in '!' are "short": not current while `strict` holds.
      let strict = false;
      const isCurrent = (value: string): boolean => !strict || !value.endsWith('!');
      const model = new NaiveCache(maxPages, isCurrent);
      const pending: Array<{ index: number; epoch: number; resolve: (result: Result<Page>) => void }> = [];
      const errors: string[] = [];
      const cache = new PagedCache<Page>({
        generation: seed,
        maxPages,
        fetch: (index) =>
          new Promise((resolve) => {
            pending.push({ index, epoch: model.epoch, resolve });
          }),
        onError: (message) => errors.push(message),
        isCurrent: (candidate) => isCurrent(candidate.value),
      });
      let serial = 0;

      for (let step = 0; step < 600; step++) {
        const choice = random.int(100);
        if (choice < 45) {
          const index = random.int(pageRange);
          const sentBefore = pending.length;
          const expected = model.get(index);
          const shown = cache.get(index);
          expect(shown?.value).toBe(expected.value);
          if (shown !== undefined) expect(shown.index).toBe(index);
          expect(pending.length - sentBefore).toBe(expected.requests ? 1 : 0);
        } else if (choice < 80 && pending.length > 0) {
          const [request] = pending.splice(random.int(pending.length), 1);
          const roll = random.int(10);
          const value = `${request!.index}#${serial++}${roll < 2 ? '!' : ''}`;
          const result: Result<Page> = roll === 9 ? err('EIO', `failed ${random.int(3)}`) : page(request!.index, value);
          request!.resolve(result);
          await settle();
          model.answer(request!.index, request!.epoch, result.ok ? ok(result.value.value) : result);
        } else if (choice < 88) {
          cache.invalidate();
          model.invalidate();
        } else {
          strict = !strict;
        }
        expect(cache.pageCount).toBe(model.stored.size);
        expect(cache.pageCount).toBeLessThanOrEqual(maxPages);
        for (let index = 0; index < pageRange; index++) {
          expect(cache.peek(index)?.value).toBe(model.stored.get(index)?.value);
        }
      }
      for (let i = 1; i < errors.length; i++) expect(errors[i]).not.toBe(errors[i - 1]);
    });
  }
});
