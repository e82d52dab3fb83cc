// The bookmarks' JSON export: what the renderer's import reads back (src/renderer/features/bookmarks/bookmarksJson.ts).
import { rename, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Bookmark } from '../../shared/contract';
import { err, isErrorCode, ok, type Result } from '../../shared/result';

export interface BookmarksExport {
  /** The file's name, for people reading the export. */
  readonly file: string;
  readonly size: number;
  readonly bookmarks: readonly Bookmark[];
}

/** Writes the export to a temporary file beside `dest` and renames it over `dest`. */
export async function writeBookmarks(
  dest: string,
  content: BookmarksExport,
): Promise<Result<{ readonly path: string; readonly count: number }>> {
  const text = `${JSON.stringify({ hexlog: 'bookmarks', version: 1, ...content }, null, 2)}\n`;
  const temporary = join(dirname(dest), `.${basename(dest)}.hexlog-${process.pid}`);
  try {
    await writeFile(temporary, text, { mode: 0o644 });
    await rename(temporary, dest);
    return ok({ path: dest, count: content.bookmarks.length });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return err(
      isErrorCode(code) ? code : 'EIO',
      `The bookmarks could not be written to ${dest}: ${(error as Error).message}`,
    );
  }
}
