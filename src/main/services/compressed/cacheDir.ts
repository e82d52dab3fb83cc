// The folder of decompressed copies and its files' names. Each name carries the pid of the process
// that made it (hexlog-<pid>-<random>-<name>), so a sweep at start-up can remove what a crashed or
// killed process left behind without touching the files of a hexlog that is still running.
import { randomBytes } from 'node:crypto';
import { chmod, lstat, mkdir, readdir, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { err, ok, type Result } from '../../../shared/result';
import { errnoCode } from '../commit/durableFs';
import { fromThrown, withContext } from '../commit/errors';
import { decompressedName } from './detect';

const CACHE_NAME = /^hexlog-(\d+)-[0-9a-f]+-/;

/**
 * `<tmpdir>/hexlog-cache-<uid>` where there are user ids, else `<tmpdir>/hexlog-cache`: on a shared
 * /tmp each user gets a folder of their own instead of finding another user's and being refused.
 */
export function defaultCacheDir(): string {
  const uid = process.getuid?.();
  return join(tmpdir(), uid === undefined ? 'hexlog-cache' : `hexlog-cache-${uid}`);
}

/**
 * Creates the folder with mode 0700 if needed, and checks an existing one: a real folder (not a
 * link), ours, and closed to others (tightened to 0700 if it was not).
 */
export async function ensureCacheDir(dir: string): Promise<Result<string>> {
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const stat = await lstat(dir);
    if (!stat.isDirectory()) return err('ENOTREG', `the cache folder ${dir} is not a folder (or is a link)`);
    const uid = process.getuid?.();
    if (uid !== undefined && stat.uid !== uid) {
      return err('EACCES', `the cache folder ${dir} belongs to another user; choose another folder`);
    }
    if (process.platform !== 'win32' && (stat.mode & 0o077) !== 0) await chmod(dir, 0o700);
    return ok(dir);
  } catch (error) {
    const code = errnoCode(error);
    if (code === 'EEXIST' || code === 'ENOTDIR') return err('ENOTREG', `the cache folder ${dir} is not a folder`);
    return withContext(fromThrown(error), `cannot create the cache folder ${dir}`);
  }
}

/** A new name in `dir` for the decompressed copy of `sourceName`; unique with the `wx` open that follows. */
export function cacheFileName(sourceName: string): string {
  const readable = decompressedName(sourceName)
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .slice(-80);
  return `hexlog-${process.pid}-${randomBytes(8).toString('hex')}-${readable}`;
}

/** The pid in a cache file's name, or null for a name that is not one of ours. */
export function cacheFilePid(name: string): number | null {
  const match = CACHE_NAME.exec(name);
  return match === null ? null : Number(match[1]);
}

/** Whether a process with this id exists (one of another user's counts: EPERM). */
export function isProcessAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errnoCode(error) === 'EPERM';
  }
}

/**
 * Removes the cache files in `dir` whose process is gone; answers how many. Call it at start-up.
 * Files of live processes (this one included), other names, and folders are left alone; a missing
 * folder is nothing to sweep.
 */
export async function sweepStaleCaches(
  dir: string = defaultCacheDir(),
  alive: (pid: number) => boolean = isProcessAlive,
): Promise<Result<number>> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return ok(0);
    return withContext(fromThrown(error), `cannot list the cache folder ${dir}`);
  }
  let removed = 0;
  for (const name of names) {
    const pid = cacheFilePid(name);
    if (pid === null || alive(pid)) continue;
    const path = join(dir, name);
    try {
      if (!(await lstat(path)).isFile()) continue;
      await unlink(path);
      removed += 1;
    } catch (error) {
      if (errnoCode(error) !== 'ENOENT') return withContext(fromThrown(error), `cannot remove ${path}`);
    }
  }
  return ok(removed);
}
