// Checks shared by commit, recovery and save-a-copy: the edits' shape, their old bytes against what
// the file holds now, and the file's identity against what it was.
import type { FileIdentity } from '../../../../native/index';
import type { PendingEdit } from '../../../shared/editModel';
import { err, ok, type Err, type Result } from '../../../shared/result';
import { MAX_ENTRY_BYTES, sameBytes } from './journalFormat';
import { LoopBudget } from './loopBudget';

/** Sorted, non-overlapping, non-empty edits, or EINVAL. */
export function checkEdits(path: string, edits: readonly PendingEdit[]): Result<PendingEdit[]> {
  const sorted: PendingEdit[] = [];
  for (const edit of edits) {
    const { offset, oldBytes, newBytes } = edit;
    if (!Number.isSafeInteger(offset) || offset < 0) {
      return err('EINVAL', `edit offset must be a non-negative safe integer, got ${offset} (${path})`);
    }
    if (oldBytes.length !== newBytes.length) {
      return err('EINVAL', `edit at ${offset} of ${path}: old and new bytes differ in length`);
    }
    if (oldBytes.length > MAX_ENTRY_BYTES) return err('EINVAL', `edit at ${offset} of ${path} is too long`);
    if (oldBytes.length > 0) sorted.push(edit);
  }
  sorted.sort((a, b) => a.offset - b.offset);
  for (let i = 1; i < sorted.length; i++) {
    const previous = sorted[i - 1]!;
    if (previous.offset + previous.oldBytes.length > sorted[i]!.offset) {
      return err('EINVAL', `edits at ${previous.offset} and ${sorted[i]!.offset} of ${path} overlap`);
    }
  }
  return ok(sorted);
}

/** Fills target from the file at offset; returns the count read. */
export type ReadAt = (offset: number, target: Uint8Array) => number | Promise<number>;

/** The first edit whose old bytes are not what the file holds, as an error; undefined when all match. */
export async function findMismatch(
  path: string,
  edits: readonly PendingEdit[],
  size: number,
  read: ReadAt,
): Promise<Err | undefined> {
  const budget = new LoopBudget();
  for (const { offset, oldBytes } of edits) {
    if (offset + oldBytes.length > size) {
      return err('EFILECHANGED', `edit at ${offset} of ${path} passes the end of the file (${size} bytes)`);
    }
    const current = new Uint8Array(oldBytes.length);
    if ((await read(offset, current)) !== current.length || !sameBytes(current, oldBytes)) {
      return err(
        'EFILECHANGED',
        `the bytes at offset ${offset} of ${path} changed on disk since they were edited; nothing was written`,
      );
    }
    await budget.spend(current.length);
  }
  return undefined;
}

/** What differs between two identities, for a message; '' when nothing does. */
export function describeChange(expected: FileIdentity, now: FileIdentity, compareMtime = true): string {
  const changes: string[] = [];
  if (now.dev !== expected.dev || now.ino !== expected.ino) changes.push('replaced by another file');
  if (now.size !== expected.size) changes.push(`size ${expected.size} → ${now.size} bytes`);
  if (compareMtime && now.mtimeMs !== expected.mtimeMs) changes.push('modified');
  return changes.join(', ');
}
