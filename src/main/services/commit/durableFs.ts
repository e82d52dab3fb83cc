// Small async file helpers over node:fs/promises, so long I/O runs on libuv's thread pool and never
// blocks the event loop. They throw Node's fs errors; the public functions turn those into values.
import { copyFile, lstat, open, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import { constants } from 'node:fs';
import { dirname } from 'node:path';

/** Writes every byte at `position`, however many calls that takes. */
export async function writeAll(handle: FileHandle, bytes: Uint8Array, position: number): Promise<void> {
  for (let done = 0; done < bytes.length;) {
    const { bytesWritten } = await handle.write(bytes, done, bytes.length - done, position + done);
    done += bytesWritten;
  }
}

/** Reads until target is full or the file ends; returns the count. */
export async function readAll(handle: FileHandle, target: Uint8Array, position: number): Promise<number> {
  let done = 0;
  while (done < target.length) {
    const { bytesRead } = await handle.read(target, done, target.length - done, position + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return done;
}

/**
 * Makes a directory's entries (a new, renamed or removed file) durable: fsync of the directory on
 * POSIX. Windows has no equivalent (FlushFileBuffers needs a handle opened for writing, which a
 * directory cannot be), so there it does nothing: NTFS logs every create, rename and delete in its
 * own metadata journal before it completes, and the file's own flush (`handle.sync()`,
 * FlushFileBuffers) has already written its data and size. SQLite on Windows relies on the same.
 * See docs/windows.md.
 */
export async function syncDirectory(dir: string, platform: NodeJS.Platform = process.platform): Promise<void> {
  if (platform === 'win32') return;
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Removes path (already gone is fine) and makes the removal durable. */
export async function removeDurably(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return;
    throw error;
  }
  await syncDirectory(dirname(path));
}

/** Renames from over to and makes the rename durable. */
export async function renameDurably(from: string, to: string): Promise<void> {
  await rename(from, to);
  await syncDirectory(dirname(to));
}

/** Does anything (even a dangling link) exist at path? */
export async function pathExists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return false;
    throw error;
  }
}

/** Do both paths name the same file? false when either is missing. */
export async function sameFile(a: string, b: string): Promise<boolean> {
  try {
    const [first, second] = await Promise.all([stat(a), stat(b)]);
    return first.dev === second.dev && first.ino === second.ino;
  } catch {
    return false;
  }
}

/**
 * Clones source to a new file `target` (copy-on-write file systems: instant, no bytes copied). false,
 * with nothing left at target, where the file system cannot clone; throws on other failures.
 */
export async function cloneFile(source: string, target: string): Promise<boolean> {
  try {
    await copyFile(source, target, constants.COPYFILE_EXCL | constants.COPYFILE_FICLONE_FORCE);
    return true;
  } catch (error) {
    const code = errnoCode(error);
    if (code === 'EEXIST') throw error; // not ours to remove
    await unlink(target).catch(() => undefined);
    if (code !== undefined && CANNOT_CLONE.has(code)) return false;
    throw error;
  }
}

// What copy_file_range / FICLONE / clonefile answer when the file system cannot share extents.
const CANNOT_CLONE: ReadonlySet<string> = new Set(['ENOTSUP', 'EOPNOTSUPP', 'EXDEV', 'EINVAL', 'ENOSYS', 'ENOTTY']);

export interface CopyOptions {
  readonly blockBytes?: number;
  readonly signal?: AbortSignal | undefined;
  /** After each block: bytes copied so far. */
  readonly onBlock?: ((copiedBytes: number) => void) | undefined;
}

/**
 * Copies all of source (from 0 to its end) into target at the same offsets, block by block, so
 * the loop runs between blocks. Blocks of zeros are skipped, leaving holes, and target is sized
 * to the source at the end, so a sparse file stays sparse. Returns the bytes copied, or
 * 'cancelled' as soon as the signal is seen.
 */
export async function copyBlocks(
  source: FileHandle,
  target: FileHandle,
  options: CopyOptions = {},
): Promise<number | 'cancelled'> {
  const blockBytes = options.blockBytes ?? 4 * 1024 * 1024;
  const block = Buffer.allocUnsafe(blockBytes);
  const zeros = Buffer.alloc(blockBytes);
  let copied = 0;
  for (;;) {
    if (isAborted(options.signal)) return 'cancelled';
    const count = await readAll(source, block, copied);
    if (count === 0) break;
    const bytes = block.subarray(0, count);
    if (bytes.compare(zeros, 0, count) !== 0) await writeAll(target, bytes, copied);
    copied += count;
    options.onBlock?.(copied);
    if (count < blockBytes) break;
  }
  if (isAborted(options.signal)) return 'cancelled';
  await target.truncate(copied);
  return copied;
}

/** A function, not a property test, so TypeScript does not assume it stays false between awaits. */
export function isAborted(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}

export function errnoCode(error: unknown): string | undefined {
  const code: unknown = error instanceof Error ? (error as Error & { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
}
