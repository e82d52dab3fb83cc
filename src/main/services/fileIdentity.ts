// What identifies a file on disk (size, device, inode, mtime), and the one comparison of two such
// identities that the session's status, follow mode, reload and commit all use.
import { statSync } from 'node:fs';
import type { FileIdentity } from '../../../native/index';

export type { FileIdentity } from '../../../native/index';

/** How the file `now` differs from the one opened as `before`. */
export type IdentityChange = 'unchanged' | 'grown' | 'shrunk' | 'modified' | 'replaced';

/** Same device and inode: the same file, whatever was written to it. */
export const sameFile = (a: FileIdentity, b: FileIdentity): boolean => a.dev === b.dev && a.ino === b.ino;

export function compareIdentity(before: FileIdentity, now: FileIdentity): IdentityChange {
  if (!sameFile(before, now)) return 'replaced';
  if (now.size < before.size) return 'shrunk';
  if (now.size > before.size) return 'grown';
  return now.mtimeMs !== before.mtimeMs ? 'modified' : 'unchanged';
}

/** Every way `now` differs from `expected`, for messages ('' when none). */
export function describeChange(expected: FileIdentity, now: FileIdentity): string {
  const changes: string[] = [];
  if (!sameFile(expected, now)) changes.push('replaced by another file');
  if (now.size !== expected.size) changes.push(`size ${expected.size} → ${now.size} bytes`);
  if (now.mtimeMs !== expected.mtimeMs) changes.push('modified');
  return changes.join(', ');
}

/** The identity of whatever is at `path` now, or null when nothing is. */
export function identityAt(path: string): FileIdentity | null {
  try {
    const stats = statSync(path);
    return { size: stats.size, dev: stats.dev, ino: stats.ino, mtimeMs: stats.mtimeMs };
  } catch {
    return null;
  }
}
