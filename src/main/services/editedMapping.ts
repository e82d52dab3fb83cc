// The session's file as it shows it, for the addon's searches: a private (copy-on-write) mapping of
// the same file with the pending edits written into this process's copy of their pages. The file
// itself is never written (private mode opens it read-only).
import { openMapped, type MappedFile } from '../../../native/index';
import type { PendingEdit } from '../../shared/editModel';
import { compareIdentity } from './fileIdentity';

/** Pages are counted at 4 KiB, the common size; a system with bigger pages copies more per page. */
const PAGE_BYTES = 4096;
/** Most bytes of pages the pending edits may touch before a search reads through them in JavaScript instead. */
export const MAX_EDITED_PAGE_BYTES = 64 << 20;

/**
 * A private mapping of `current`'s file with `edits` written in, or null when it cannot be the
 * file the session shows: the path now names another file (or one of another size), the mapping
 * fails, or the edits touch more than MAX_EDITED_PAGE_BYTES of pages. The caller owns it.
 */
export function mapWithEdits(current: MappedFile, edits: readonly PendingEdit[]): MappedFile | null {
  if (touchedPages(edits) * PAGE_BYTES > MAX_EDITED_PAGE_BYTES) return null;
  let copy: MappedFile;
  try {
    copy = openMapped(current.path, 'private');
  } catch {
    return null;
  }
  try {
    // Both are fstat of open descriptors: equal identities name the same file at the same size.
    if (copy.size() !== current.size() || compareIdentity(current.stat(), copy.stat()) !== 'unchanged') {
      copy.close();
      return null;
    }
    for (const edit of edits) copy.write(edit.offset, edit.newBytes);
    return copy;
  } catch {
    copy.close();
    return null;
  }
}

/** Distinct pages under the edits (sorted, disjoint runs). */
function touchedPages(edits: readonly PendingEdit[]): number {
  let pages = 0;
  let lastPage = -1;
  for (const edit of edits) {
    const first = Math.max(Math.floor(edit.offset / PAGE_BYTES), lastPage + 1);
    const last = Math.floor((edit.offset + edit.newBytes.byteLength - 1) / PAGE_BYTES);
    if (last >= first) pages += last - first + 1;
    lastPage = Math.max(lastPage, last);
  }
  return pages;
}
