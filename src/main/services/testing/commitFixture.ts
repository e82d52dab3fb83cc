// A seeded file and scattered same-length edits over it, rebuilt identically by the test and its child process.
import type { PendingEdit } from '../../../shared/editModel';
import { seededRandom } from '../../../shared/seededRandom';

export interface CommitFixture {
  readonly oldFile: Uint8Array;
  readonly newFile: Uint8Array;
  /** Ascending, non-overlapping; every new byte differs from the old one, so old and new never mix unseen. */
  readonly edits: readonly PendingEdit[];
}

/** One edit of 1 to maxLength bytes at a random place in each of `editCount` equal slots of the file. */
export function commitFixture(seed: number, fileSize: number, editCount: number, maxLength = 64): CommitFixture {
  const rng = seededRandom(seed);
  const oldFile = rng.bytes(fileSize);
  const newFile = oldFile.slice();
  const slot = Math.floor(fileSize / editCount);
  const edits: PendingEdit[] = [];
  for (let i = 0; i < editCount; i++) {
    const length = 1 + rng.int(Math.min(maxLength, slot));
    const offset = i * slot + rng.int(slot - length + 1);
    const oldBytes = oldFile.slice(offset, offset + length);
    const newBytes = oldBytes.map((byte) => byte ^ (1 + rng.int(255)));
    newFile.set(newBytes, offset);
    edits.push({ offset, oldBytes, newBytes });
  }
  return { oldFile, newFile, edits };
}
