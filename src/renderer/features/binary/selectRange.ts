// Shows a byte range in the hex view and selects it. The hex view's reveal puts the cursor on the
// offset (and drops any selection), so the range is selected once the reveal has been taken.
import type { FileStore } from '../../state/fileStore';

const REVEAL_WAIT_MS = 2000;

export function selectRange(fileStore: FileStore, first: number, last: number): void {
  fileStore.getState().setReveal({ kind: 'offset', offset: first });
  let timer = 0;
  let done = false;
  const finish = (): void => {
    if (done) return;
    done = true;
    unsubscribe();
    window.clearTimeout(timer);
    // The cursor on the first byte, as the status bar and the inspector then read it.
    fileStore.getState().selectBytes(last, first);
  };
  // The hex view clears the reveal, then puts its cursor: select after that.
  const unsubscribe = fileStore.subscribe((state) => {
    if (state.reveal === null) window.setTimeout(finish, 0);
  });
  // No hex view took it (another view shows): select anyway.
  timer = window.setTimeout(finish, REVEAL_WAIT_MS);
}
