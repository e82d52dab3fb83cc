// The journal on disk: where it lives, writing it durably, reading it back.
import { open, readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

import type { PendingEdit } from '../../../shared/editModel';
import { err, ok, type Result } from '../../../shared/result';
import { errnoCode, removeDurably, syncDirectory, writeAll } from './durableFs';
import { fromThrown, withContext } from './errors';
import { encodeJournal, parseJournal } from './journalFormat';
import { runStep } from './steps';

/** Where commitEdits keeps the journal for `path`: a hidden file beside it. */
export function journalPath(path: string): string {
  return join(dirname(path), `.${basename(path)}.hexlog-journal`);
}

export interface JournalContents {
  readonly fileSize: number;
  readonly entries: readonly PendingEdit[];
}

/** Creates the journal (never over an existing one), writes it, fsyncs it and its directory. */
export async function writeJournal(
  journal: string,
  edits: readonly PendingEdit[],
  fileSize: number,
): Promise<Result<null>> {
  let handle;
  try {
    handle = await open(journal, 'wx', 0o600);
  } catch (error) {
    return withContext(fromThrown(error), `cannot create the commit journal ${journal}; nothing was written`);
  }
  try {
    let position = 0;
    for (const chunk of encodeJournal(edits, fileSize)) {
      await writeAll(handle, chunk, position);
      position += chunk.length;
      runStep('journal-chunk', chunk.length);
    }
    await handle.sync();
    await handle.close();
    handle = undefined;
    await syncDirectory(dirname(journal));
    return ok(null);
  } catch (error) {
    await handle?.close().catch(() => undefined);
    // Left behind, it reads as torn: safe to remove.
    await removeDurably(journal).catch(() => undefined);
    return withContext(fromThrown(error), `cannot write the commit journal ${journal}; nothing was written`);
  }
}

/**
 * The journal's entries; 'torn' when it lacks its end marker (it was never completed, so the file was never
 * touched); null when there is none; EIO when it is complete but damaged.
 */
export async function readJournal(path: string, journal: string): Promise<Result<JournalContents | 'torn' | null>> {
  let data: Uint8Array;
  try {
    data = await readFile(journal);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return ok(null);
    return withContext(fromThrown(error), `cannot read the journal ${journal}`);
  }
  const parsed = parseJournal(data);
  switch (parsed.kind) {
    case 'torn':
      return ok('torn');
    case 'damaged':
      return err('EIO', `the journal ${journal} for ${path} is damaged (${parsed.reason}); nothing was written`);
    case 'complete':
      return ok({ fileSize: parsed.fileSize, entries: parsed.entries });
  }
}
