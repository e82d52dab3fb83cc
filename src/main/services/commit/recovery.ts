// A journal left by an interrupted commit: what the file holds under it, and rolling the file back,
// forward, or leaving it as it is. Every step holds the file's advisory lock, so a journal that
// another process is still writing is never mistaken for a leftover.
import { openMapped, type MappedFile } from '../../../../native/index';
import type { PendingEdit } from '../../../shared/editModel';
import { err, ok, type Result } from '../../../shared/result';
import { errnoCode, pathExists, removeDurably } from './durableFs';
import { fromThrown, withContext } from './errors';
import { journalPath, readJournal, type JournalContents } from './journalFile';
import { lockedError, withLockedMapping } from './lock';
import { LoopBudget } from './loopBudget';
import { flushSpan, writeEdits } from './mappedWrites';

export interface JournalInfo {
  readonly journal: string;
  readonly entries: number;
  readonly editedBytes: number;
  /**
   * What the file holds under the journal's entries: all new bytes ('applied'), all old bytes ('old'),
   * some of each ('mixed'), bytes that are neither or a different size ('unknown': changed by someone
   * else since). 'torn': the journal itself is incomplete (crash while writing it), so the file was
   * never touched and removing the journal is safe; entries and editedBytes are then 0.
   */
  readonly state: 'applied' | 'old' | 'mixed' | 'unknown' | 'torn';
}

/**
 * Is there a leftover journal for path (a crash during commit)? null when there is none. ELOCKED
 * while another program holds the file's lock (its commit is running, the journal is not a leftover).
 */
export async function inspectJournal(path: string): Promise<Result<JournalInfo | null>> {
  const journal = journalPath(path);
  const exists = await journalExists(journal);
  if (!exists.ok) return exists;
  if (!exists.value) return ok(null);
  return withLockedMapping(path, 'readonly', `cannot read ${path} to check its journal`, async (file) => {
    const parsed = await readJournal(path, journal);
    if (!parsed.ok) return parsed;
    if (parsed.value === null) return ok(null); // the commit that wrote it finished meanwhile
    if (parsed.value === 'torn') return ok({ journal, entries: 0, editedBytes: 0, state: 'torn' });
    const state = await fileState(path, file, parsed.value);
    if (!state.ok) return state;
    const { entries } = parsed.value;
    const editedBytes = entries.reduce((sum, entry) => sum + entry.oldBytes.length, 0);
    return ok({ journal, entries: entries.length, editedBytes, state: state.value });
  });
}

/** Restores every entry's old bytes, flushes, removes the journal. A torn journal is just removed. */
export function rollbackJournal(path: string): Promise<Result<null>> {
  return recover(path, 'old');
}

/** Writes every entry's new bytes, flushes, removes the journal. Refused for a torn journal. */
export function finishJournal(path: string): Promise<Result<null>> {
  return recover(path, 'new');
}

/** Removes the journal and keeps the file as it is now, whatever it holds. */
export async function discardJournal(path: string): Promise<Result<null>> {
  const journal = journalPath(path);
  const remove = async (): Promise<Result<null>> => {
    try {
      await removeDurably(journal);
      return ok(null);
    } catch (error) {
      return withContext(fromThrown(error), `cannot remove the journal ${journal}`);
    }
  };
  let file: MappedFile;
  try {
    file = openMapped(path, 'readonly'); // only to hold the lock
  } catch (error) {
    // The file itself is gone: nobody can be committing to it.
    if (errnoCode(error) === 'ENOENT') return remove();
    return withContext(fromThrown(error), `cannot open ${path} to discard its journal ${journal}`);
  }
  try {
    return file.tryLock() ? await remove() : lockedError(path);
  } finally {
    file.close();
  }
}

async function recover(path: string, target: 'old' | 'new'): Promise<Result<null>> {
  const journal = journalPath(path);
  const exists = await journalExists(journal);
  if (!exists.ok) return exists;
  if (!exists.value) return err('ENOENT', `there is no journal for ${path} (${journal})`);
  return withLockedMapping(path, 'readonly', `cannot open ${path} to recover it`, async (locked) => {
    const parsed = await readJournal(path, journal);
    if (!parsed.ok) return parsed;
    if (parsed.value === null) return err('ENOENT', `there is no journal for ${path} (${journal})`);
    if (parsed.value === 'torn') {
      if (target === 'new') {
        return err(
          'EINVAL',
          `the journal ${journal} is incomplete (the commit stopped while writing it), so ${path} was never ` +
            'touched and there is nothing to finish; roll back or discard it',
        );
      }
      try {
        await removeDurably(journal);
        return ok(null);
      } catch (error) {
        return withContext(fromThrown(error), `cannot remove the journal ${journal}`);
      }
    }
    const state = await fileState(path, locked, parsed.value);
    if (!state.ok) return state;
    if (state.value === 'unknown') {
      return err(
        'EFILECHANGED',
        `${path} was changed by someone else since the interrupted commit; nothing was written ` +
          `(discard the journal ${journal} to keep the file as it is)`,
      );
    }
    return writeEntries(path, journal, parsed.value.entries, target);
  });
}

/** Writes one side of every entry through a shared mapping, flushes, removes the journal. */
async function writeEntries(
  path: string,
  journal: string,
  entries: readonly PendingEdit[],
  target: 'old' | 'new',
): Promise<Result<null>> {
  let file: MappedFile;
  try {
    file = openMapped(path, 'shared'); // the lock is held through the read-only mapping
  } catch (error) {
    return withContext(fromThrown(error), `cannot open ${path} for writing`);
  }
  try {
    await writeEdits(file, entries, target);
    await flushSpan(file, entries);
    await removeDurably(journal);
    return ok(null);
  } catch (error) {
    return withContext(fromThrown(error), `recovery of ${path} failed; the journal ${journal} was kept`);
  } finally {
    file.close();
  }
}

/** Compares the file with every entry, byte by byte (bytes whose old and new values agree count as either). */
async function fileState(
  path: string,
  file: MappedFile,
  parsed: JournalContents,
): Promise<Result<JournalInfo['state']>> {
  try {
    if (file.stat().size !== parsed.fileSize || file.size() !== parsed.fileSize) return ok('unknown');
    const budget = new LoopBudget();
    let oldCount = 0;
    let newCount = 0;
    for (const { offset, oldBytes, newBytes } of parsed.entries) {
      const current = new Uint8Array(oldBytes.length);
      if (file.readInto(offset, current) !== current.length) return ok('unknown');
      for (let i = 0; i < current.length; i++) {
        if (oldBytes[i] === newBytes[i]) continue;
        if (current[i] === newBytes[i]) newCount++;
        else if (current[i] === oldBytes[i]) oldCount++;
        else return ok('unknown');
      }
      await budget.spend(current.length);
    }
    return ok(oldCount === 0 ? 'applied' : newCount === 0 ? 'old' : 'mixed');
  } catch (error) {
    return withContext(fromThrown(error), `cannot read ${path} to check its journal`);
  }
}

async function journalExists(journal: string): Promise<Result<boolean>> {
  try {
    return ok(await pathExists(journal));
  } catch (error) {
    return withContext(fromThrown(error), `cannot look for the journal ${journal}`);
  }
}
