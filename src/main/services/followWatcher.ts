// Follow mode's watcher: polls the file's identity and reports when its size or inode moves.
import type { Disposable } from '../../shared/disposable';
import { identityAt, sameFile, type FileIdentity } from './fileIdentity';

const FOLLOW_POLL_MS = 250;

export class FollowWatcher implements Disposable {
  private readonly timer: ReturnType<typeof setInterval>;

  /**
   * `mapped()` is the identity of the mapping shown now (its size is the mapped size); `onChange`
   * runs when the file on disk has another size or is another file. A vanished file is left to the
   * status poll, which tells the user; the mapping stays readable.
   */
  constructor(path: string, mapped: () => FileIdentity, onChange: () => void, intervalMs: number = FOLLOW_POLL_MS) {
    this.timer = setInterval(() => {
      const onDisk = identityAt(path);
      if (onDisk === null) return;
      const shown = mapped();
      if (onDisk.size !== shown.size || !sameFile(onDisk, shown)) onChange();
    }, intervalMs);
    this.timer.unref?.();
  }

  dispose(): void {
    clearInterval(this.timer);
  }
}
