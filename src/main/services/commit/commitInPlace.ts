// Crash-safe in-place commit of same-length edits. Before the file is touched, a journal beside it
// records every edit's old and new bytes and is made durable; only then are the new bytes written
// through a shared mapping and flushed, and the journal removed. A crash at any moment leaves either
// no journal (file wholly old or wholly new) or a complete journal that can roll the file back or
// forward, or a torn journal (crash while writing it) whose file was never touched. The whole commit
// holds the advisory lock on the file; a writer that ignores it is caught by checks right before
// the first write and after the last.
import { stat, utimes } from 'node:fs/promises';

import type { FileIdentity, MappedFile } from '../../../../native/index';
import type { PendingEdit } from '../../../shared/editModel';
import { err, ok, type Err, type Result } from '../../../shared/result';
import { pathExists, removeDurably } from './durableFs';
import { checkEdits, describeChange, findMismatch } from './editChecks';
import { fromThrown, withContext } from './errors';
import { journalPath, writeJournal } from './journalFile';
import { withLockedMapping } from './lock';
import { flushSpan, writeEdits } from './mappedWrites';
import { runStep } from './steps';

/**
 * Writes edits into the file in place. Refuses, writing nothing, if another program holds the
 * file's lock (ELOCKED), if the file's identity differs from `expected` (size, dev, ino, mtimeMs),
 * if any edit's oldBytes no longer match the file, or if an earlier commit's journal is still there.
 * Cost follows the number of edited bytes, not the file size. Returns the file's new identity. If
 * another program changes the file during the commit, answers EFILECHANGED and keeps the journal.
 * If the journal cannot be removed after a complete commit, the commit still succeeds: the leftover
 * journal inspects as 'applied'.
 */
export async function commitEdits(
  path: string,
  edits: readonly PendingEdit[],
  expected: FileIdentity,
): Promise<Result<FileIdentity>> {
  const checked = checkEdits(path, edits);
  if (!checked.ok) return checked;
  return withLockedMapping(path, 'shared', `cannot open ${path} for writing`, (file) =>
    commitLocked(path, file, checked.value, expected),
  );
}

async function commitLocked(
  path: string,
  file: MappedFile,
  sorted: readonly PendingEdit[],
  expected: FileIdentity,
): Promise<Result<FileIdentity>> {
  const journal = journalPath(path);
  let journaled = false;
  try {
    if (await pathExists(journal)) {
      return err('EIO', `${path} has a journal from an earlier, interrupted commit (${journal}); recover it first`);
    }
    const before = file.stat();
    const change = describeChange(expected, before);
    if (change !== '') {
      return err('EFILECHANGED', `${path} changed on disk since it was opened (${change}); nothing was written`);
    }
    const mismatch = await findMismatch(path, sorted, before.size, readVia(file));
    if (mismatch !== undefined) return mismatch;
    if (sorted.length === 0) return ok(before);

    const made = await writeJournal(journal, sorted, before.size);
    if (!made.ok) return made;
    journaled = true;
    runStep('journal-synced', 0);

    // The lock stops other hexlogs only: check again, now that the journal is durable, for anyone else.
    const raced = await changedSince(path, file, expected, true);
    const racedBytes = raced === '' ? await findMismatch(path, sorted, before.size, readVia(file)) : undefined;
    if (raced !== '' || racedBytes !== undefined) {
      return changedDuringCommit(path, journal, raced || 'bytes under the edits changed', 'nothing was written to it');
    }

    let written = 0;
    try {
      await writeEdits(file, sorted, 'new', (count) => {
        written = count;
        runStep('edit-written', count);
      });
      await flushSpan(file, sorted);
    } catch (error) {
      // The edit after the last one written may have landed in part.
      const touched = sorted.slice(0, written + 1);
      return undoFailedCommit(path, journal, file, touched, fromThrown(error));
    }
    runStep('flushed', sorted.length);

    const replaced = await changedSince(path, file, expected, false);
    if (replaced !== '') {
      return changedDuringCommit(
        path,
        journal,
        replaced,
        'the edits were written, but the file is no longer as they left it',
      );
    }

    let after = file.stat();
    if (after.mtimeMs === before.mtimeMs) after = await touchMtime(path, file);
    try {
      await removeDurably(journal);
    } catch {
      // The edits are durable; a journal left behind inspects as 'applied' and finishing it changes nothing.
    }
    return ok(after);
  } catch (error) {
    const kept = journaled ? `; the journal ${journal} was kept if it exists, so it can be recovered` : '';
    return withContext(fromThrown(error), `commit to ${path} failed${kept}`);
  }
}

/**
 * How the file at path and the mapped file differ from `expected`: its dev and ino, its size and,
 * when asked, its mtime. '' when they match.
 */
async function changedSince(
  path: string,
  file: MappedFile,
  expected: FileIdentity,
  compareMtime: boolean,
): Promise<string> {
  let atPath: FileIdentity;
  try {
    atPath = await stat(path);
  } catch {
    return 'removed or renamed';
  }
  return describeChange(expected, atPath, compareMtime) || describeChange(expected, file.stat(), compareMtime);
}

function changedDuringCommit(path: string, journal: string, change: string, written: string): Err {
  return err(
    'EFILECHANGED',
    `another program changed ${path} during the commit (${change}); ${written}. ` +
      `The journal ${journal} was kept: open the file again to roll it back or finish it`,
  );
}

function readVia(file: MappedFile): (offset: number, target: Uint8Array) => number {
  return (offset, target) => file.readInto(offset, target);
}

/** Some file systems leave mtime alone on writes through a mapping; backups and watchers need it to move. */
async function touchMtime(path: string, file: MappedFile): Promise<FileIdentity> {
  try {
    const { atime } = await stat(path);
    await utimes(path, atime, new Date());
  } catch {
    // Not the owner: the identity stays as it is.
  }
  return file.stat();
}

/** A write or flush failed after the journal was made: put the old bytes back, or keep the journal. */
async function undoFailedCommit(
  path: string,
  journal: string,
  file: MappedFile,
  touched: readonly PendingEdit[],
  failure: Err,
): Promise<Err> {
  try {
    await writeEdits(file, touched, 'old');
    await flushSpan(file, touched);
    await removeDurably(journal);
    return withContext(failure, `commit to ${path} failed and was undone; the file is unchanged`);
  } catch {
    return withContext(
      failure,
      `commit to ${path} failed part-way; the journal ${journal} was kept so the file can be recovered`,
    );
  }
}
