import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { expectErr, expectOk, tempDirPerTest } from '../testing/commitTestKit';
import { cacheFileName, cacheFilePid, ensureCacheDir, isProcessAlive, sweepStaleCaches } from './cacheDir';

const dir = tempDirPerTest('hexlog-cachedir-');

/** The id of a process that has ended (spawnSync waits for it). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', '0']);
  expect(child.status).toBe(0);
  return child.pid!;
}

describe('cache folder', () => {
  it('is created with mode 0700, and an existing one open to others is tightened', async () => {
    const fresh = join(dir.path, 'a', 'cache');
    expectOk(await ensureCacheDir(fresh));
    expect(statSync(fresh).mode & 0o777).toBe(0o700);
    const loose = join(dir.path, 'loose');
    mkdirSync(loose);
    chmodSync(loose, 0o755);
    expectOk(await ensureCacheDir(loose));
    expect(statSync(loose).mode & 0o777).toBe(0o700);
  });

  it('refuses a link or a file in its place', async () => {
    const target = join(dir.path, 'elsewhere');
    mkdirSync(target);
    symlinkSync(target, join(dir.path, 'link'));
    expectErr(await ensureCacheDir(join(dir.path, 'link')), 'ENOTREG');
    writeFileSync(join(dir.path, 'file'), 'x');
    expect(expectErr(await ensureCacheDir(join(dir.path, 'file')), 'ENOTREG')).toContain('file');
  });

  it('names files with this process id, the source name, and no characters a shell would trip on', () => {
    const name = cacheFileName('my app (1).log.gz');
    expect(name).toMatch(/^hexlog-\d+-[0-9a-f]{16}-my_app_1_\.log$/);
    expect(cacheFilePid(name)).toBe(process.pid);
    expect(cacheFileName('a.log')).not.toBe(cacheFileName('a.log'));
    expect(cacheFilePid('notes.txt')).toBeNull();
  });
});

describe('sweepStaleCaches', () => {
  it('removes the files of dead processes and keeps those of live ones, other names and folders', async () => {
    const dead = deadPid();
    expect(isProcessAlive(dead)).toBe(false);
    const staleName = `hexlog-${dead}-00aa-old.log`;
    const keep = [
      `hexlog-${process.pid}-11bb-mine.log`,
      `hexlog-${process.ppid}-22cc-parent.log`,
      'notes.txt',
      `hexlog-x-33dd-odd.log`,
    ];
    for (const name of [staleName, ...keep]) writeFileSync(join(dir.path, name), 'x');
    mkdirSync(join(dir.path, `hexlog-${dead}-44ee-folder`));
    expect(expectOk(await sweepStaleCaches(dir.path))).toBe(1);
    expect(readdirSync(dir.path).sort()).toEqual([...keep, `hexlog-${dead}-44ee-folder`].sort());
  });

  it('finds nothing to do in a missing folder', async () => {
    expect(expectOk(await sweepStaleCaches(join(dir.path, 'none')))).toBe(0);
    expect(existsSync(join(dir.path, 'none'))).toBe(false);
  });
});
