// Save a copy: for files that cannot be written in place, a full copy of the file with the edits
// applied, written to a temporary file beside the destination, fsynced and renamed over it. The
// original is never opened for writing.
import { chmod, open, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';

import type { PendingEdit } from '../../../shared/editModel';
import { err, ok, type Result } from '../../../shared/result';
import {
  cloneFile,
  copyBlocks,
  isAborted,
  readAll,
  removeDurably,
  renameDurably,
  sameFile,
  writeAll,
} from './durableFs';
import { checkEdits, findMismatch } from './editChecks';
import { fromThrown, withContext } from './errors';

export interface SaveCopyOptions {
  /** After each copied block (4 MiB): the bytes copied so far and the original's size. */
  readonly onProgress?: ((copiedBytes: number, totalBytes: number) => void) | undefined;
  /** Stops the save; the temporary file is removed, dest is left as it was, and the answer is 'cancelled'. */
  readonly signal?: AbortSignal | undefined;
}

export type SaveCopyOutcome = 'saved' | 'cancelled';

let saveCount = 0; // tells apart the temporary files of saves started in the same process

/**
 * Writes a copy of path with the edits applied to dest (replacing it). The copy gets the original's
 * permissions plus owner-write, without set-user-ID or set-group-ID. Refuses with EFILECHANGED, leaving nothing behind, when an edit's
 * old bytes are not what the copy holds.
 */
export async function saveCopy(
  path: string,
  edits: readonly PendingEdit[],
  dest: string,
  options: SaveCopyOptions = {},
): Promise<Result<SaveCopyOutcome>> {
  const checked = checkEdits(path, edits);
  if (!checked.ok) return checked;
  const sorted = checked.value;
  if (resolve(dest) === resolve(path) || (await sameFile(path, dest))) {
    return err('EINVAL', `cannot save a copy of ${path} over itself; commit the edits instead`);
  }
  const { signal, onProgress } = options;
  if (isAborted(signal)) return ok('cancelled');

  const temporary = join(dirname(dest), `.${basename(dest)}.hexlog-save-${process.pid}-${++saveCount}`);
  let source: FileHandle | undefined;
  let copy: FileHandle | undefined;
  let created = false; // temporary exists and is ours to remove
  const cleanUp = async (): Promise<void> => {
    await source?.close().catch(() => undefined);
    await copy?.close().catch(() => undefined);
    if (created) await removeDurably(temporary).catch(() => undefined);
  };
  try {
    source = await open(path, 'r');
    const { size, mode } = await source.stat();
    if (await cloneFile(path, temporary)) {
      created = true;
      await chmod(temporary, 0o600); // a clone has the original's mode, perhaps read-only
      copy = await open(temporary, 'r+');
      onProgress?.(size, size);
    } else {
      // Created writable by us, whatever the original's mode: the final mode is set at the end.
      copy = await open(temporary, 'wx+', 0o600);
      created = true;
      const copied = await copyBlocks(source, copy, { signal, onBlock: (done) => onProgress?.(done, size) });
      if (copied === 'cancelled') {
        await cleanUp();
        return ok('cancelled');
      }
    }
    await source.close();
    source = undefined;

    const target = copy;
    const copiedSize = (await target.stat()).size;
    const mismatch = await findMismatch(path, sorted, copiedSize, (offset, bytes) => readAll(target, bytes, offset));
    if (mismatch !== undefined) {
      await cleanUp();
      return mismatch;
    }
    for (const edit of sorted) await writeAll(target, edit.newBytes, edit.offset);
    // The permission bits plus owner-write; never set-user-ID or set-group-ID on a copy someone edited.
    await target.chmod((mode & 0o1777) | 0o200);
    await target.sync();
    await target.close();
    copy = undefined;
    if (isAborted(signal)) {
      await cleanUp();
      return ok('cancelled');
    }
    await renameDurably(temporary, dest);
    created = false;
    return ok('saved');
  } catch (error) {
    await cleanUp();
    return withContext(fromThrown(error), `cannot save a copy of ${path} to ${dest}`);
  }
}
