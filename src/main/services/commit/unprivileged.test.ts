// Permission behaviour, checked as an unprivileged user: root ignores permission bits, so when the
// tests run as root each case runs in a child process as `nobody` (setpriv, else runuser).
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

import { commitFixture } from '../testing/commitFixture';
import { expectFile, tempDirPerTest, writeFixture } from '../testing/commitTestKit';
import { journalPath } from './index';

const ROOT = resolve(import.meta.dirname, '../../../..');
const CHILD = join(import.meta.dirname, '..', 'testing', 'unprivilegedChild.ts');

interface Unprivileged {
  /** The command line in front of `node`: empty when this process is already unprivileged. */
  readonly prefix: readonly string[];
  /** Who owns the test's files: the unprivileged user, or undefined to leave them as created. */
  readonly owner: { readonly uid: number; readonly gid: number } | undefined;
}

/** How to run a child without privileges here, or why it cannot be done. */
function unprivileged(): Unprivileged | string {
  const uid = process.getuid?.();
  if (uid === undefined) return 'no POSIX users on this platform';
  if (uid !== 0) return { prefix: [], owner: undefined };
  const found = (command: string): boolean => spawnSync(command, ['--version'], { stdio: 'ignore' }).status === 0;
  let owner: { uid: number; gid: number };
  try {
    const id = (flag: string): number => Number(execFileSync('id', [flag, 'nobody'], { encoding: 'utf8' }).trim());
    owner = { uid: id('-u'), gid: id('-g') };
  } catch {
    return 'running as root and there is no user nobody to drop to';
  }
  if (found('setpriv')) {
    return {
      prefix: ['setpriv', `--reuid=${owner.uid}`, `--regid=${owner.gid}`, '--clear-groups'],
      owner,
    };
  }
  if (found('runuser')) return { prefix: ['runuser', '-u', 'nobody', '--'], owner };
  return 'running as root without setpriv or runuser, so privileges cannot be dropped';
}

const how = unprivileged();

interface ChildOutcome {
  readonly uid: number;
  readonly ok: boolean;
  readonly value?: unknown;
  readonly code?: string;
  readonly message?: string;
}

function runUnprivileged(setup: Unprivileged, home: string, args: readonly string[]): Promise<ChildOutcome> {
  const [command, ...rest] = [...setup.prefix, process.execPath, '--import', 'tsx', CHILD, ...args];
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command!, rest, {
      cwd: ROOT,
      env: { ...process.env, HOME: home },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 60_000,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      const line = stdout.trim().split('\n').at(-1) ?? '';
      if (code !== 0 || !line.startsWith('{')) {
        reject(new Error(`child exited ${code}: ${stderr || stdout}`));
        return;
      }
      resolvePromise(JSON.parse(line) as ChildOutcome);
    });
  });
}

const dir = tempDirPerTest('hexlog-unprivileged-');

describe.skipIf(typeof how === 'string')(`as an unprivileged user${typeof how === 'string' ? ` (${how})` : ''}`, () => {
  const setup = how as Unprivileged;
  const FIXTURE = [12, 64 * 1024, 50] as const;
  const { oldFile, newFile } = commitFixture(...FIXTURE);
  const fixtureArgs = FIXTURE.map(String);

  /** The test folder and a file in it, both owned by the unprivileged user; the file gets `mode`. */
  function ownedFile(name: string, mode: number): string {
    const path = writeFixture(dir.path, name, oldFile);
    if (setup.owner !== undefined) {
      chownSync(dir.path, setup.owner.uid, setup.owner.gid);
      chownSync(path, setup.owner.uid, setup.owner.gid);
    }
    chmodSync(dir.path, 0o755);
    chmodSync(path, mode);
    return path;
  }

  async function run(...args: string[]): Promise<ChildOutcome> {
    const outcome = await runUnprivileged(setup, dir.path, args);
    expect(outcome.uid, 'the child must not run as root').not.toBe(0);
    return outcome;
  }

  it('save a copy of a read-only (0444) file succeeds; the copy has the edits and mode 0644', async () => {
    const path = ownedFile('readonly.bin', 0o444);
    const dest = join(dir.path, 'readonly.copy');
    const outcome = await run('saveCopy', path, ...fixtureArgs, dest);
    expect(outcome, outcome.message).toMatchObject({ ok: true, value: 'saved' });
    expectFile(dest, newFile);
    expect(statSync(dest).mode & 0o7777).toBe(0o644);
    if (setup.owner !== undefined) expect(statSync(dest).uid).toBe(setup.owner.uid);
    expectFile(path, oldFile);
    expect(statSync(path).mode & 0o7777).toBe(0o444);
    expect(readdirSync(dir.path).sort()).toEqual(['readonly.bin', 'readonly.copy']);
  });

  it('commit on a read-only (0444) file is refused with EACCES naming it; nothing is written, no journal', async () => {
    const path = ownedFile('nocommit.bin', 0o444);
    const before = statSync(path);
    const outcome = await run('commit', path, ...fixtureArgs);
    expect(outcome).toMatchObject({ ok: false, code: 'EACCES' });
    expect(outcome.message).toContain(path);
    expectFile(path, oldFile);
    expect(statSync(path).mtimeMs).toBe(before.mtimeMs);
    expect(existsSync(journalPath(path))).toBe(false);
  });

  it('opening an unreadable (0000) file fails with EACCES naming it', async () => {
    const path = ownedFile('secret.bin', 0o000);
    const outcome = await run('open', path);
    expect(outcome).toMatchObject({ ok: false, code: 'EACCES' });
    expect(outcome.message).toContain(path);
  });

  it('settings in a folder the user cannot write keep working in memory, with a notice, and no crash', async () => {
    const locked = join(dir.path, 'locked');
    mkdirSync(locked, { mode: 0o755 });
    if (setup.owner !== undefined) chownSync(dir.path, setup.owner.uid, setup.owner.gid);
    chmodSync(dir.path, 0o755);
    const outcome = await run('settings', join(locked, 'settings.json'));
    expect(outcome, outcome.message).toMatchObject({ ok: true, value: { theme: 'dark', after: 'dark' } });
    expect((outcome.value as { notice: string }).notice).toMatch(/could not be saved to .*settings\.json \(EACCES/);
    expect(readdirSync(locked)).toEqual([]);
  });

  it('control: the same child opens a readable (0444) file', async () => {
    const outcome = await run('open', ownedFile('readable.bin', 0o444));
    expect(outcome, outcome.message).toMatchObject({ ok: true });
  });
});
