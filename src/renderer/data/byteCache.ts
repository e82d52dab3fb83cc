// Byte pages of one open file, fetched through the API a page at a time and kept in an LRU.
// Views read synchronously what is cached and subscribe to hear when missing pages arrive.
import type { HexlogApi } from '../../shared/contract';
import { byteCount, byteOffset, type SessionId } from '../../shared/units';

export const PAGE_SIZE = 64 * 1024;
const MAX_PAGES = 256; // 16 MiB

export class ByteCache {
  private readonly pages = new Map<number, Uint8Array>();
  private readonly inFlight = new Set<number>();
  private readonly listeners = new Set<() => void>();
  private version = 0;
  private lastError: string | undefined;

  constructor(
    private readonly api: HexlogApi,
    private readonly session: SessionId,
    readonly size: number,
    private readonly onError: (message: string) => void,
  ) {}

  /** Bumped whenever a page arrives; part of React's snapshot. */
  getVersion = (): number => this.version;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** The byte at `offset`, or undefined if its page is not loaded yet (and then it is requested). */
  byteAt(offset: number): number | undefined {
    const page = this.page(Math.floor(offset / PAGE_SIZE));
    return page?.[offset % PAGE_SIZE];
  }

  /** Bytes [start, end) if all loaded; missing pages are requested and undefined is returned. */
  slice(start: number, end: number): Uint8Array | undefined {
    const clampedEnd = Math.min(end, this.size);
    if (clampedEnd <= start) return new Uint8Array(0);
    const firstPage = Math.floor(start / PAGE_SIZE);
    const lastPage = Math.floor((clampedEnd - 1) / PAGE_SIZE);
    if (firstPage === lastPage) {
      const page = this.page(firstPage);
      return page?.subarray(start - firstPage * PAGE_SIZE, clampedEnd - firstPage * PAGE_SIZE);
    }
    const out = new Uint8Array(clampedEnd - start);
    let complete = true;
    for (let index = firstPage; index <= lastPage; index++) {
      const page = this.page(index);
      if (page === undefined) {
        complete = false;
        continue;
      }
      const pageStart = index * PAGE_SIZE;
      const from = Math.max(start, pageStart) - pageStart;
      const to = Math.min(clampedEnd, pageStart + page.byteLength) - pageStart;
      out.set(page.subarray(from, to), pageStart + from - start);
    }
    return complete ? out : undefined;
  }

  private page(index: number): Uint8Array | undefined {
    const page = this.pages.get(index);
    if (page !== undefined) {
      // Refresh its place in the LRU order.
      this.pages.delete(index);
      this.pages.set(index, page);
      return page;
    }
    this.request(index);
    return undefined;
  }

  private request(index: number): void {
    if (this.inFlight.has(index) || index * PAGE_SIZE >= this.size) return;
    this.inFlight.add(index);
    void this.api.readBytes(this.session, byteOffset(index * PAGE_SIZE), byteCount(PAGE_SIZE)).then((result) => {
      this.inFlight.delete(index);
      if (!result.ok) {
        if (result.message !== this.lastError) this.onError(result.message);
        this.lastError = result.message;
        return;
      }
      this.pages.set(index, result.value);
      while (this.pages.size > MAX_PAGES) {
        const oldest = this.pages.keys().next().value;
        if (oldest === undefined) break;
        this.pages.delete(oldest);
      }
      this.version++;
      for (const listener of this.listeners) listener();
    });
  }
}
