// Reads a bookmarks export (src/main/services/bookmarksFile.ts) back, checking every bookmark
// with the same schema the file memory uses; anything else is refused with the reason.
import { MAX_BOOKMARKS, type Bookmark } from '../../../shared/contract';
import { bookmarkSpec } from '../../../shared/schema';

export interface ReadBookmarks {
  readonly bookmarks: readonly Bookmark[];
  /** The size of the file they were made on, when the export says. */
  readonly size: number | null;
}

/** The largest bookmarks file read: 10,000 bookmarks with long notes fit well within it. */
export const MAX_BOOKMARKS_FILE_BYTES = 64 * 1024 * 1024;

export function readBookmarksJson(text: string): ReadBookmarks | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return `This is not JSON: ${error instanceof Error ? error.message : String(error)}.`;
  }
  const list: unknown = Array.isArray(value)
    ? value
    : typeof value === 'object' && value !== null
      ? (value as { bookmarks?: unknown }).bookmarks
      : undefined;
  if (!Array.isArray(list)) return 'This JSON holds no bookmarks (a "bookmarks" list, as hexlog exports them).';
  if (list.length > MAX_BOOKMARKS)
    return `This file holds ${list.length} bookmarks; at most ${MAX_BOOKMARKS} can be imported.`;
  const bookmarks: Bookmark[] = [];
  for (const [index, item] of list.entries()) {
    // An export from before notes: no note is an empty one.
    const withNote = typeof item === 'object' && item !== null && !('note' in item) ? { ...item, note: '' } : item;
    const parsed = bookmarkSpec.parse(withNote);
    if (!parsed.ok) return `Bookmark ${index + 1} is not one hexlog can read: ${parsed.message}`;
    if (!/^#[0-9a-fA-F]{6}$/.test(parsed.value.color)) {
      return `Bookmark ${index + 1} has the colour ${JSON.stringify(parsed.value.color)}; colours are #rrggbb.`;
    }
    bookmarks.push(parsed.value);
  }
  const size =
    typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as { size?: unknown }).size
      : undefined;
  return { bookmarks, size: typeof size === 'number' ? size : null };
}
