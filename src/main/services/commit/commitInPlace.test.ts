import { execFileSync, spawn } from 'node:child_process';
import {
  appendFileSync,
  chmodSync,
  existsSync,
  readdirSync,
  readFileSync,
  renameSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { openMapped } from '../../../../native/index';
import { EditModel } from '../../../shared/editModel';
import { seededRandom } from '../../../shared/seededRandom';
import { commitFixture } from '../testing/commitFixture';
import { expectErr, expectFile, expectOk, identityOf, tempDirPerTest, writeFixture } from '../testing/commitTestKit';
import { commitEdits, commitTesting, discardJournal, inspectJournal, journalPath, rollbackJournal } from './index';

const dir = tempDirPerTest();

/** Makes path unwritable even for root (immutable flag); returns an undo, or undefined if impossible here. */
function makeImmutable(path: string): (() => void) | undefined {
  if (process.getuid?.() !== 0) {
    chmodSync(path, 0o444);
    return () => chmodSync(path, 0o644);
  }
  try {
    execFileSync('chattr', ['+i', path], { stdio: 'ignore' });
    return () => execFileSync('chattr', ['-i', path], { stdio: 'ignore' });
  } catch {
    return undefined;
  }
}

describe('commitEdits', () => {
  it('writes exactly the edited bytes and nothing else, then removes the journal', async () => {
    const { oldFile, newFile, edits } = commitFixture(1, 64 * 1024, 300);
    const path = writeFixture(dir.path, 'data.bin', oldFile);
    const longAgo = new Date('2020-01-01T00:00:00Z');
    utimesSync(path, longAgo, longAgo);
    const identity = expectOk(await commitEdits(path, edits, identityOf(path)));
    expectFile(path, newFile);
    expect(existsSync(journalPath(path))).toBe(false);
    expect(readdirSync(dir.path)).toEqual(['data.bin']);
    expect(identity).toEqual(identityOf(path));
    expect(identity.mtimeMs).toBeGreaterThan(longAgo.getTime());
  });

  it('commits what an EditModel holds, in any order of its runs', async () => {
    const rng = seededRandom(2);
    const oldFile = rng.bytes(4096);
    const path = writeFixture(dir.path, 'model.bin', oldFile);
    const model = new EditModel(oldFile.length);
    for (let i = 0; i < 200; i++) {
      const offset = rng.int(4000);
      const length = 1 + rng.int(64);
      model.apply(offset, rng.bytes(length), oldFile.slice(offset, offset + length));
    }
    const expected = oldFile.slice();
    model.overlay(0, expected);
    const edits = model.pendingEdits().reverse();
    expectOk(await commitEdits(path, edits, identityOf(path)));
    expectFile(path, expected);
  });

  it('commits one edit longer than a write slice (3 MiB)', async () => {
    const rng = seededRandom(21);
    const oldFile = rng.bytes(4 * 1024 * 1024);
    const path = writeFixture(dir.path, 'long.bin', oldFile);
    const offset = 12345;
    const newBytes = rng.bytes(3 * 1024 * 1024);
    const edit = { offset, oldBytes: oldFile.slice(offset, offset + newBytes.length), newBytes };
    expectOk(await commitEdits(path, [edit], identityOf(path)));
    const expected = oldFile.slice();
    expected.set(newBytes, offset);
    expectFile(path, expected);
  });

  it('with no edits checks the identity and writes nothing', async () => {
    const path = writeFixture(dir.path, 'empty-commit.bin', Uint8Array.of(1, 2, 3));
    const before = identityOf(path);
    expect(expectOk(await commitEdits(path, [], before))).toEqual(before);
    expect(identityOf(path)).toEqual(before);
    expect(existsSync(journalPath(path))).toBe(false);
  });

  describe('refuses, writing nothing, when the file changed since it was opened', () => {
    const { oldFile, edits } = commitFixture(3, 8192, 40);

    it('modified (mtime moved)', async () => {
      const path = writeFixture(dir.path, 'a.bin', oldFile);
      const opened = identityOf(path);
      utimesSync(path, new Date(), new Date(opened.mtimeMs + 5000));
      const message = expectErr(await commitEdits(path, edits, opened), 'EFILECHANGED');
      expect(message).toContain(path);
      expectFile(path, oldFile);
      expect(existsSync(journalPath(path))).toBe(false);
    });

    it('grew', async () => {
      const path = writeFixture(dir.path, 'b.bin', oldFile);
      const opened = identityOf(path);
      appendFileSync(path, 'more');
      expectErr(await commitEdits(path, edits, opened), 'EFILECHANGED');
      expectFile(path, Buffer.concat([oldFile, Buffer.from('more')]));
    });

    it('replaced: the same bytes renamed over it (new inode)', async () => {
      const path = writeFixture(dir.path, 'c.bin', oldFile);
      const opened = identityOf(path);
      writeFileSync(join(dir.path, 'c.new'), oldFile);
      utimesSync(join(dir.path, 'c.new'), new Date(), new Date(opened.mtimeMs));
      renameSync(join(dir.path, 'c.new'), path);
      expect(expectErr(await commitEdits(path, edits, opened), 'EFILECHANGED')).toContain('replaced');
      expectFile(path, oldFile);
      expect(readdirSync(dir.path)).toEqual(['c.bin']);
    });

    it('old bytes under one edit changed, even when the identity passed is fresh', async () => {
      const path = writeFixture(dir.path, 'd.bin', oldFile);
      const changed = oldFile.slice();
      const victim = edits[17]!;
      changed[victim.offset + victim.oldBytes.length - 1]! ^= 0xff;
      writeFileSync(path, changed);
      const message = expectErr(await commitEdits(path, edits, identityOf(path)), 'EFILECHANGED');
      expect(message).toContain(`offset ${victim.offset}`);
      expectFile(path, changed);
      expect(existsSync(journalPath(path))).toBe(false);
    });
  });

  it('refuses while a journal from an interrupted commit is still there', async () => {
    const { oldFile, edits } = commitFixture(4, 4096, 10);
    const path = writeFixture(dir.path, 'busy.bin', oldFile);
    writeFileSync(journalPath(path), '');
    expect(expectErr(await commitEdits(path, edits, identityOf(path)), 'EIO')).toContain(journalPath(path));
    expectFile(path, oldFile);
  });

  it('refuses overlapping edits and edits whose lengths differ with EINVAL', async () => {
    const path = writeFixture(dir.path, 'bad.bin', new Uint8Array(16));
    const zeros = new Uint8Array(4);
    const overlapping = [
      { offset: 0, oldBytes: zeros, newBytes: Uint8Array.of(1, 1, 1, 1) },
      { offset: 3, oldBytes: zeros, newBytes: Uint8Array.of(1, 1, 1, 1) },
    ];
    expectErr(await commitEdits(path, overlapping, identityOf(path)), 'EINVAL');
    expectErr(
      await commitEdits(path, [{ offset: 0, oldBytes: zeros, newBytes: Uint8Array.of(1) }], identityOf(path)),
      'EINVAL',
    );
    expectFile(path, new Uint8Array(16));
  });

  // The permission-bit case (0444 as an unprivileged user) is in unprivileged.test.ts.
  it('an immutable file (EPERM even for root) answers EACCES naming the path, with no journal left', async (context) => {
    const { oldFile, edits } = commitFixture(5, 4096, 10);
    const path = writeFixture(dir.path, 'ro.bin', oldFile);
    const undo = makeImmutable(path);
    if (undo === undefined) return context.skip('chattr +i is not supported on this file system');
    try {
      expect(expectErr(await commitEdits(path, edits, identityOf(path)), 'EACCES')).toContain(path);
    } finally {
      undo();
    }
    expectFile(path, oldFile);
    expect(existsSync(journalPath(path))).toBe(false);
  });

  it('a failure part-way through the writes puts the old bytes back and removes the journal', async () => {
    const { oldFile, edits } = commitFixture(6, 16 * 1024, 100);
    const path = writeFixture(dir.path, 'fail.bin', oldFile);
    commitTesting.setStepHook((step, count) => {
      if (step === 'edit-written' && count === 50) throw new Error('disk on fire');
    });
    expect(expectErr(await commitEdits(path, edits, identityOf(path)), 'EINTERNAL')).toContain('undone');
    expectFile(path, oldFile);
    expect(existsSync(journalPath(path))).toBe(false);
  });
});

describe('commitEdits holds the file lock', () => {
  const { oldFile, newFile, edits } = commitFixture(9, 8192, 30);

  it('another holder of the lock in this process: ELOCKED, nothing written; once released it commits', async () => {
    const path = writeFixture(dir.path, 'held.bin', oldFile);
    const holder = openMapped(path, 'readonly');
    try {
      expect(holder.tryLock()).toBe(true);
      const message = expectErr(await commitEdits(path, edits, identityOf(path)), 'ELOCKED');
      expect(message).toBe(`another program is writing ${path}; nothing was written`);
      expectFile(path, oldFile);
      expect(readdirSync(dir.path)).toEqual(['held.bin']);
      holder.unlock();
      expectOk(await commitEdits(path, edits, identityOf(path)));
      expectFile(path, newFile);
    } finally {
      holder.close();
    }
  });

  it('another process holding flock on the file: ELOCKED and the file untouched', async (context) => {
    const path = writeFixture(dir.path, 'flocked.bin', oldFile);
    // Its own process group, so the shell and its sleep are stopped together.
    const holder = spawn('flock', [path, 'sh', '-c', 'echo locked; exec sleep 30'], {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const started = await new Promise<boolean>((resolve) => {
        holder.once('error', () => resolve(false));
        holder.stdout.setEncoding('utf8').on('data', (chunk: string) => {
          if (chunk.includes('locked')) resolve(true);
        });
        holder.once('exit', () => resolve(false));
      });
      if (!started) return context.skip('the flock command is not available here');
      expectErr(await commitEdits(path, edits, identityOf(path)), 'ELOCKED');
      expectFile(path, oldFile);
      expect(readdirSync(dir.path)).toEqual(['flocked.bin']);
    } finally {
      if (holder.pid !== undefined && holder.exitCode === null) process.kill(-holder.pid, 'SIGKILL');
    }
  });

  it('two commits of one file at once: the second is refused with ELOCKED, the first completes', async () => {
    const path = writeFixture(dir.path, 'twice.bin', oldFile);
    const identity = identityOf(path);
    const [first, second] = await Promise.all([commitEdits(path, edits, identity), commitEdits(path, edits, identity)]);
    expectOk(first);
    expectErr(second, 'ELOCKED');
    expectFile(path, newFile);
  });
});

describe('commitEdits racing a writer that ignores the lock', () => {
  const { oldFile, edits } = commitFixture(10, 8192, 30);
  const otherBytes = seededRandom(99).bytes(oldFile.length);

  /** Runs `change` when the commit reaches `step`, once. */
  function onStep(step: 'journal-synced' | 'flushed', change: () => void): void {
    commitTesting.setStepHook((at) => {
      if (at !== step) return;
      commitTesting.setStepHook(undefined);
      change();
    });
  }

  it('rewritten in place after the journal, before the first write: EFILECHANGED, journal kept, their bytes stay', async () => {
    const path = writeFixture(dir.path, 'rewritten.bin', oldFile);
    onStep('journal-synced', () => writeFileSync(path, otherBytes));
    const message = expectErr(await commitEdits(path, edits, identityOf(path)), 'EFILECHANGED');
    expect(message).toContain('another program changed');
    expect(message).toContain(journalPath(path));
    expect(message).toMatch(/nothing was written to it.*roll it back or finish it/);
    expectFile(path, otherBytes);
    expect(existsSync(journalPath(path))).toBe(true);
    // Neither old nor new under the entries: recovery refuses, discarding keeps their bytes.
    expect(expectOk(await inspectJournal(path))?.state).toBe('unknown');
    expectErr(await rollbackJournal(path), 'EFILECHANGED');
    expectOk(await discardJournal(path));
    expectFile(path, otherBytes);
  });

  it('replaced by another file after the journal: EFILECHANGED naming the replacement, journal kept', async () => {
    const path = writeFixture(dir.path, 'swapped.bin', oldFile);
    onStep('journal-synced', () => {
      writeFileSync(join(dir.path, 'swapped.new'), otherBytes);
      renameSync(join(dir.path, 'swapped.new'), path);
    });
    expect(expectErr(await commitEdits(path, edits, identityOf(path)), 'EFILECHANGED')).toContain('replaced');
    expectFile(path, otherBytes);
    expect(existsSync(journalPath(path))).toBe(true);
  });

  it('only touched (mtime) after the journal: EFILECHANGED, and the kept journal rolls back cleanly', async () => {
    const path = writeFixture(dir.path, 'touched.bin', oldFile);
    const opened = identityOf(path);
    onStep('journal-synced', () => utimesSync(path, new Date(), new Date(opened.mtimeMs + 5000)));
    expect(expectErr(await commitEdits(path, edits, opened), 'EFILECHANGED')).toContain('modified');
    expectFile(path, oldFile);
    expect(expectOk(await inspectJournal(path))?.state).toBe('old');
    expectOk(await rollbackJournal(path));
    expectFile(path, oldFile);
    expect(existsSync(journalPath(path))).toBe(false);
  });

  it('grown after the last write: EFILECHANGED saying the edits were written, journal kept', async () => {
    const path = writeFixture(dir.path, 'grown.bin', oldFile);
    onStep('flushed', () => appendFileSync(path, 'tail'));
    const message = expectErr(await commitEdits(path, edits, identityOf(path)), 'EFILECHANGED');
    expect(message).toContain('the edits were written');
    expect(message).toContain(journalPath(path));
    expect(readFileSync(path).subarray(-4).toString()).toBe('tail');
    expect(expectOk(await inspectJournal(path))?.state).toBe('unknown');
  });
});
