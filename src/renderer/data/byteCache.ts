// Byte pages of one open file (pending edits laid over), fetched through the API a page at a time
// and kept in an LRU. Views read synchronously what is cached and subscribe to hear when missing
// pages arrive. After an edit the pages are stale: still shown, and fetched again.
import type { HexlogApi } from '../../shared/contract';
import { byteCount, byteOffset, type SessionId } from '../../shared/units';
import { Notifier } from './notifier';

export const PAGE_SIZE = 64 * 1024;
const MAX_PAGES = 256; // 16 MiB

interface Page {
  readonly bytes: Uint8Array;
  /** Modified runs in the page as (offset, length) pairs, file offsets. */
  readonly modified: Float64Array;
  stale: boolean;
}

export class ByteCache extends Notifier {
  private readonly pages = new Map<number, Page>();
  private readonly inFlight = new Set<number>();
  private epoch = 0;
  private lastError: string | undefined;

  constructor(
    private readonly api: HexlogApi,
    private readonly session: SessionId,
    readonly size: number,
    private readonly onError: (message: string) => void,
  ) {
    super();
  }

  /** Pending edits changed: keep showing what we have, fetch every page again when asked. */
  invalidate(): void {
    this.epoch++;
    this.inFlight.clear();
    for (const page of this.pages.values()) page.stale = true;
    this.notify();
  }

  /** Bytes [start, end) if all loaded; missing pages are requested and undefined is returned. */
  slice(start: number, end: number): Uint8Array | undefined {
    const clampedEnd = Math.min(end, this.size);
    if (clampedEnd <= start) return new Uint8Array(0);
    const firstPage = Math.floor(start / PAGE_SIZE);
    const lastPage = Math.floor((clampedEnd - 1) / PAGE_SIZE);
    if (firstPage === lastPage) {
      const page = this.page(firstPage);
      return page?.bytes.subarray(start - firstPage * PAGE_SIZE, clampedEnd - firstPage * PAGE_SIZE);
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
      const to = Math.min(clampedEnd, pageStart + page.bytes.byteLength) - pageStart;
      out.set(page.bytes.subarray(from, to), pageStart + from - start);
    }
    return complete ? out : undefined;
  }

  /** Whether the byte at `offset` holds a pending edit (false while its page is not loaded). */
  isModified(offset: number): boolean {
    const page = this.pages.get(Math.floor(offset / PAGE_SIZE));
    if (page === undefined) return false;
    const runs = page.modified;
    for (let i = 0; i < runs.length; i += 2) {
      if (offset >= runs[i]! && offset < runs[i]! + runs[i + 1]!) return true;
    }
    return false;
  }

  private page(index: number): Page | undefined {
    const page = this.pages.get(index);
    if (page !== undefined) {
      // Refresh its place in the LRU order.
      this.pages.delete(index);
      this.pages.set(index, page);
      if (page.stale) this.request(index);
      return page;
    }
    this.request(index);
    return undefined;
  }

  private request(index: number): void {
    if (this.inFlight.has(index) || index * PAGE_SIZE >= this.size) return;
    this.inFlight.add(index);
    const epoch = this.epoch;
    void this.api.readView(this.session, byteOffset(index * PAGE_SIZE), byteCount(PAGE_SIZE)).then((result) => {
      if (epoch !== this.epoch) return; // an edit came in meanwhile; a newer request will follow
      this.inFlight.delete(index);
      if (!result.ok) {
        if (result.message !== this.lastError) this.onError(result.message);
        this.lastError = result.message;
        return;
      }
      this.pages.set(index, { bytes: result.value.bytes, modified: result.value.modified, stale: false });
      while (this.pages.size > MAX_PAGES) {
        const oldest = this.pages.keys().next().value;
        if (oldest === undefined) break;
        this.pages.delete(oldest);
      }
      this.notify();
    });
  }
}
