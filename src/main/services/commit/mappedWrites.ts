// Writing through a shared mapping without holding the event loop: long writes go in slices, and
// the flush (msync + fsync) runs on a worker thread.
import type { MappedFile } from '../../../../native/index';
import type { PendingEdit } from '../../../shared/editModel';
import { LoopBudget } from './loopBudget';

const SLICE_BYTES = 1024 * 1024;

/** Writes one side of each edit, in order; `onWritten` after each (its 1-based count). */
export async function writeEdits(
  file: MappedFile,
  edits: readonly PendingEdit[],
  side: 'old' | 'new',
  onWritten?: (count: number) => void,
): Promise<void> {
  const budget = new LoopBudget();
  let count = 0;
  for (const edit of edits) {
    const bytes = side === 'old' ? edit.oldBytes : edit.newBytes;
    // A long edit is copied in slices, so the loop runs while page faults bring the file in.
    for (let done = 0; done < bytes.length; done += SLICE_BYTES) {
      const slice = bytes.subarray(done, done + SLICE_BYTES);
      file.write(edit.offset + done, slice);
      await budget.spend(slice.length);
    }
    onWritten?.(++count);
  }
}

/** msync + fsync of the range the (sorted) edits span; the kernel only writes the dirty pages in it. */
export async function flushSpan(file: MappedFile, sorted: readonly PendingEdit[]): Promise<void> {
  const first = sorted[0];
  const last = sorted[sorted.length - 1];
  if (first === undefined || last === undefined) return;
  await file.flushAsync(first.offset, last.offset + last.newBytes.length - first.offset);
}
