// Byte pages of one open file (pending edits laid over), fetched through the API a page at a time
// and kept in an LRU. Views read synchronously what is cached and subscribe to hear when missing
// pages arrive. After an edit the pages are stale: still shown, and fetched again.
import type { ByteView, HexlogApi } from '../../shared/contract';
import { byteCount, byteOffset, type SessionId } from '../../shared/units';
import { PagedCache } from './pagedCache';

export const PAGE_SIZE = 64 * 1024;
const MAX_PAGES = 256; // 16 MiB

export class ByteCache extends PagedCache<ByteView> {
  constructor(
    api: HexlogApi,
    session: SessionId,
    readonly size: number,
    /** The generation at which the file was mapped (FileInfo / FileChange). */
    generation: number,
    onError: (message: string) => void,
  ) {
    super({
      generation,
      maxPages: MAX_PAGES,
      onError,
      fetch: (index) => api.readView(session, byteOffset(index * PAGE_SIZE), byteCount(PAGE_SIZE)),
    });
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
    const page = this.peek(Math.floor(offset / PAGE_SIZE));
    if (page === undefined) return false;
    const runs = page.modified;
    for (let i = 0; i < runs.length; i += 2) {
      if (offset >= runs[i]! && offset < runs[i]! + runs[i + 1]!) return true;
    }
    return false;
  }

  private page(index: number): ByteView | undefined {
    return index >= 0 && index * PAGE_SIZE < this.size ? this.get(index) : undefined;
  }
}
