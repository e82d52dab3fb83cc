// Runs work on a file while holding the advisory exclusive lock on its mapping, so two hexlog
// processes (or two sessions of one) never commit or recover the same file at once. Writers that
// ignore the lock are caught by the identity and byte checks instead.
import { openMapped, type MapMode, type MappedFile } from '../../../../native/index';
import { err, type Result } from '../../../shared/result';
import { fromThrown, withContext } from './errors';

/** The answer when another holder has the lock. */
export function lockedError(path: string): Result<never> {
  return err('ELOCKED', `another program is writing ${path}; nothing was written`);
}

/**
 * Maps path in `mode`, takes the lock (ELOCKED when another holder has it), runs `work`, then
 * releases the lock and the mapping whatever happened. An open failure answers with `openContext`
 * in front of the cause. `work` should answer its own failures; a throw is still caught.
 */
export async function withLockedMapping<T>(
  path: string,
  mode: MapMode,
  openContext: string,
  work: (file: MappedFile) => Promise<Result<T>>,
): Promise<Result<T>> {
  let file: MappedFile;
  try {
    file = openMapped(path, mode);
  } catch (error) {
    return withContext(fromThrown(error), openContext);
  }
  try {
    if (!file.tryLock()) return lockedError(path);
    return await work(file);
  } catch (error) {
    return withContext(fromThrown(error), `unexpected failure on ${path}`); // work answers its own failures
  } finally {
    file.close(); // releases the lock too
  }
}
