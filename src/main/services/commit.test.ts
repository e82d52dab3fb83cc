import { execFileSync, spawn } from 'node:child_process';
import {
  appendFileSync,
  chmodSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { crc32 } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { EditModel } from '../../shared/editModel';
import type { Result } from '../../shared/result';
import { seededRandom } from '../../shared/seededRandom';
import {
  commitEdits,
  commitTesting,
  discardJournal,
  finishJournal,
  inspectJournal,
  journalPath,
  rollbackJournal,
  saveCopy,
  type FileIdentity,
  type PendingEdit,
} from './commit';
import { commitFixture } from './testing/commitFixture';

const ROOT = resolve(import.meta.dirname, '../../..');
const CHILD = join(import.meta.dirname, 'testing', 'commitChild.ts');

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hexlog-commit-'));
});
afterEach(() => {
  commitTesting.setStepHook(undefined);
  rmSync(dir, { recursive: true, force: true });
});

function expectOk<T>(result: Result<T>): T {
  if (!result.ok) expect.fail(`${result.code}: ${result.message}`);
  return result.value;
}

function expectErr<T>(result: Result<T>, code: string): string {
  if (result.ok) expect.fail(`expected ${code}, got ok`);
  expect(result.code).toBe(code);
  return result.message;
}

function identityOf(path: string): FileIdentity {
  const { size, dev, ino, mtimeMs } = statSync(path);
  return { size, dev, ino, mtimeMs };
}

/** Writes the fixture's old file; returns its path. */
function writeFixture(name: string, bytes: Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

function expectFile(path: string, expected: Uint8Array): void {
  const actual = readFileSync(path);
  expect(actual.length).toBe(expected.length);
  // One comparison, not a million-element diff, when it fails.
  expect(Buffer.compare(actual, expected)).toBe(0);
}

/** A journal written by hand from the documented layout, so the format is tested independently. */
function handMadeJournal(entries: readonly PendingEdit[], fileSize: number): Buffer {
  const header = Buffer.alloc(32);
  header.write('HXLGJRNL', 0, 'latin1');
  header.writeUInt32LE(1, 8);
  header.writeUInt32LE(entries.length, 12);
  header.writeBigUInt64LE(BigInt(fileSize), 16);
  header.writeBigUInt64LE(BigInt(entries.reduce((sum, entry) => sum + entry.oldBytes.length, 0)), 24);
  const parts: Uint8Array[] = [header];
  for (const { offset, oldBytes, newBytes } of entries) {
    const entryHeader = Buffer.alloc(12);
    entryHeader.writeBigUInt64LE(BigInt(offset), 0);
    entryHeader.writeUInt32LE(oldBytes.length, 8);
    parts.push(entryHeader, oldBytes, newBytes);
  }
  const body = Buffer.concat(parts);
  const trailer = Buffer.alloc(12);
  trailer.writeUInt32LE(crc32(body), 0);
  trailer.write('HXLGDONE', 4, 'latin1');
  return Buffer.concat([body, trailer]);
}

/** Makes path unwritable even for root (immutable flag); returns an undo, or undefined if impossible here. */
function makeReadOnly(path: string): (() => void) | undefined {
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
  it('writes exactly the edited bytes and nothing else, then removes the journal', () => {
    const { oldFile, newFile, edits } = commitFixture(1, 64 * 1024, 300);
    const path = writeFixture('data.bin', oldFile);
    const longAgo = new Date('2020-01-01T00:00:00Z');
    utimesSync(path, longAgo, longAgo);
    const identity = expectOk(commitEdits(path, edits, identityOf(path)));
    expectFile(path, newFile);
    expect(existsSync(journalPath(path))).toBe(false);
    expect(readdirSync(dir)).toEqual(['data.bin']);
    expect(identity).toEqual(identityOf(path));
    expect(identity.mtimeMs).toBeGreaterThan(longAgo.getTime());
  });

  it('commits what an EditModel holds, in any order of its runs', () => {
    const rng = seededRandom(2);
    const oldFile = rng.bytes(4096);
    const path = writeFixture('model.bin', oldFile);
    const model = new EditModel(oldFile.length);
    for (let i = 0; i < 200; i++) {
      const offset = rng.int(4000);
      const length = 1 + rng.int(64);
      model.apply(offset, rng.bytes(length), oldFile.slice(offset, offset + length));
    }
    const expected = oldFile.slice();
    model.overlay(0, expected);
    const edits = model.pendingEdits().reverse();
    expectOk(commitEdits(path, edits, identityOf(path)));
    expectFile(path, expected);
  });

  it('with no edits checks the identity and writes nothing', () => {
    const path = writeFixture('empty-commit.bin', Uint8Array.of(1, 2, 3));
    const before = identityOf(path);
    expect(expectOk(commitEdits(path, [], before))).toEqual(before);
    expect(identityOf(path)).toEqual(before);
    expect(existsSync(journalPath(path))).toBe(false);
  });

  describe('refuses, writing nothing, when the file changed since it was opened', () => {
    const { oldFile, edits } = commitFixture(3, 8192, 40);

    it('modified (mtime moved)', () => {
      const path = writeFixture('a.bin', oldFile);
      const opened = identityOf(path);
      utimesSync(path, new Date(), new Date(opened.mtimeMs + 5000));
      const message = expectErr(commitEdits(path, edits, opened), 'EFILECHANGED');
      expect(message).toContain(path);
      expectFile(path, oldFile);
      expect(existsSync(journalPath(path))).toBe(false);
    });

    it('grew', () => {
      const path = writeFixture('b.bin', oldFile);
      const opened = identityOf(path);
      appendFileSync(path, 'more');
      expectErr(commitEdits(path, edits, opened), 'EFILECHANGED');
      expectFile(path, Buffer.concat([oldFile, Buffer.from('more')]));
    });

    it('replaced: the same bytes renamed over it (new inode)', () => {
      const path = writeFixture('c.bin', oldFile);
      const opened = identityOf(path);
      writeFileSync(join(dir, 'c.new'), oldFile);
      utimesSync(join(dir, 'c.new'), new Date(), new Date(opened.mtimeMs));
      renameSync(join(dir, 'c.new'), path);
      expect(expectErr(commitEdits(path, edits, opened), 'EFILECHANGED')).toContain('replaced');
      expectFile(path, oldFile);
      expect(readdirSync(dir)).toEqual(['c.bin']);
    });

    it('old bytes under one edit changed, even when the identity passed is fresh', () => {
      const path = writeFixture('d.bin', oldFile);
      const changed = oldFile.slice();
      const victim = edits[17]!;
      changed[victim.offset + victim.oldBytes.length - 1]! ^= 0xff;
      writeFileSync(path, changed);
      const message = expectErr(commitEdits(path, edits, identityOf(path)), 'EFILECHANGED');
      expect(message).toContain(`offset ${victim.offset}`);
      expectFile(path, changed);
      expect(existsSync(journalPath(path))).toBe(false);
    });
  });

  it('refuses while a journal from an interrupted commit is still there', () => {
    const { oldFile, edits } = commitFixture(4, 4096, 10);
    const path = writeFixture('busy.bin', oldFile);
    writeFileSync(journalPath(path), '');
    expect(expectErr(commitEdits(path, edits, identityOf(path)), 'EIO')).toContain(journalPath(path));
    expectFile(path, oldFile);
  });

  it('refuses overlapping edits and edits whose lengths differ with EINVAL', () => {
    const path = writeFixture('bad.bin', new Uint8Array(16));
    const zeros = new Uint8Array(4);
    const overlapping = [
      { offset: 0, oldBytes: zeros, newBytes: Uint8Array.of(1, 1, 1, 1) },
      { offset: 3, oldBytes: zeros, newBytes: Uint8Array.of(1, 1, 1, 1) },
    ];
    expectErr(commitEdits(path, overlapping, identityOf(path)), 'EINVAL');
    expectErr(
      commitEdits(path, [{ offset: 0, oldBytes: zeros, newBytes: Uint8Array.of(1) }], identityOf(path)),
      'EINVAL',
    );
    expectFile(path, new Uint8Array(16));
  });

  it('a read-only file answers EACCES naming the path, with no journal left', (context) => {
    const { oldFile, edits } = commitFixture(5, 4096, 10);
    const path = writeFixture('ro.bin', oldFile);
    const undo = makeReadOnly(path);
    if (undo === undefined) return context.skip('cannot make a file read-only here');
    try {
      expect(expectErr(commitEdits(path, edits, identityOf(path)), 'EACCES')).toContain(path);
    } finally {
      undo();
    }
    expectFile(path, oldFile);
    expect(existsSync(journalPath(path))).toBe(false);
  });

  it('a failure part-way through the writes puts the old bytes back and removes the journal', () => {
    const { oldFile, edits } = commitFixture(6, 16 * 1024, 100);
    const path = writeFixture('fail.bin', oldFile);
    commitTesting.setStepHook((step, count) => {
      if (step === 'edit-written' && count === 50) throw new Error('disk on fire');
    });
    expect(expectErr(commitEdits(path, edits, identityOf(path)), 'EINTERNAL')).toContain('undone');
    expectFile(path, oldFile);
    expect(existsSync(journalPath(path))).toBe(false);
  });
});

describe('leftover journals: inspect, roll back, finish', () => {
  const { oldFile, newFile, edits } = commitFixture(7, 32 * 1024, 120);
  const editedBytes = edits.reduce((sum, edit) => sum + edit.oldBytes.length, 0);

  /** The file with the first `applied` edits written, and a complete journal beside it. */
  function leftover(name: string, applied: number): string {
    const contents = oldFile.slice();
    for (const edit of edits.slice(0, applied)) contents.set(edit.newBytes, edit.offset);
    const path = writeFixture(name, contents);
    writeFileSync(journalPath(path), handMadeJournal(edits, oldFile.length));
    return path;
  }

  it('reports none when there is no journal', () => {
    const path = writeFixture('clean.bin', oldFile);
    expect(expectOk(inspectJournal(path))).toBeNull();
    expectErr(finishJournal(path), 'ENOENT');
  });

  it.each([
    { applied: 0, state: 'old' },
    { applied: 60, state: 'mixed' },
    { applied: 120, state: 'applied' },
  ] as const)('$state: finish writes the new bytes, rollback the old ones', ({ applied, state }) => {
    const path = leftover(`${state}.bin`, applied);
    const info = expectOk(inspectJournal(path));
    expect(info).toEqual({ journal: journalPath(path), entries: edits.length, editedBytes, state });
    expectOk(finishJournal(path));
    expectFile(path, newFile);
    expect(expectOk(inspectJournal(path))).toBeNull();

    const again = leftover(`${state}-rollback.bin`, applied);
    expectOk(rollbackJournal(again));
    expectFile(again, oldFile);
    expect(existsSync(journalPath(again))).toBe(false);
  });

  it('unknown: bytes changed by someone else since; both recoveries refuse and write nothing', () => {
    const path = leftover('foreign.bin', 60);
    const contents = readFileSync(path);
    const third = edits[3]!;
    // A value that is neither the old nor the new byte.
    contents[third.offset] = [0, 1, 2].find((value) => value !== third.oldBytes[0] && value !== third.newBytes[0])!;
    writeFileSync(path, contents);
    expect(expectOk(inspectJournal(path))!.state).toBe('unknown');
    expectErr(finishJournal(path), 'EFILECHANGED');
    expectErr(rollbackJournal(path), 'EFILECHANGED');
    expectFile(path, contents);
    expectOk(discardJournal(path));
    expect(expectOk(inspectJournal(path))).toBeNull();
    expectFile(path, contents);
  });

  it('unknown: the file has a different size than when the journal was written', () => {
    const path = leftover('resized.bin', 0);
    appendFileSync(path, 'x');
    expect(expectOk(inspectJournal(path))!.state).toBe('unknown');
    expectErr(rollbackJournal(path), 'EFILECHANGED');
  });

  it('torn (crash while writing the journal): reported as such; rollback just removes it', () => {
    const complete = handMadeJournal(edits, oldFile.length);
    for (const cut of [0, 5, 31, 32, 44, complete.length >> 1, complete.length - 12, complete.length - 1]) {
      const path = writeFixture(`torn-${cut}.bin`, oldFile);
      writeFileSync(journalPath(path), complete.subarray(0, cut));
      expect(expectOk(inspectJournal(path))).toEqual({
        journal: journalPath(path),
        entries: 0,
        editedBytes: 0,
        state: 'torn',
      });
      expect(expectErr(finishJournal(path), 'EINVAL')).toContain('never touched');
      expectFile(path, oldFile);
      expectOk(rollbackJournal(path));
      expect(existsSync(journalPath(path))).toBe(false);
      expectFile(path, oldFile);
    }
  });

  it('a corrupted checksum is a clear error and nothing is written', () => {
    const path = leftover('corrupt.bin', 60);
    const before = readFileSync(path);
    const journal = handMadeJournal(edits, oldFile.length);
    journal[100]! ^= 0x01;
    writeFileSync(journalPath(path), journal);
    expect(expectErr(inspectJournal(path), 'EIO')).toMatch(/damaged \(checksum mismatch\)/);
    expectErr(finishJournal(path), 'EIO');
    expectErr(rollbackJournal(path), 'EIO');
    expectFile(path, before);
    expect(existsSync(journalPath(path))).toBe(true);
  });
});

// ---- Crash safety -----------------------------------------------------------------------------

const CRASH_FILE_SIZE = 512 * 1024;
const CRASH_EDITS = 2000;
/** Steps the child stops at before it is killed, and the journal state each must leave. */
const PAUSES = [
  { pause: 'journal-chunk', state: 'torn' }, // first 64 KiB of a ~150 KiB journal written
  { pause: 'journal-synced', state: 'old' },
  { pause: 'edit-written:1', state: 'mixed' },
  { pause: `edit-written:${CRASH_EDITS / 2}`, state: 'mixed' },
  { pause: `edit-written:${CRASH_EDITS}`, state: 'applied' },
  { pause: 'flushed', state: 'applied' }, // before the journal is removed
] as const;
const RANDOM_KILLS = 12;
const MAX_KILL_DELAY_MS = 40; // a commit of the fixture takes about 30 ms here

interface ChildEnd {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the child; kills it with SIGKILL when it pauses, or `delayMs` after it says it is ready. */
function runChild(path: string, seed: number, pause: string, delayMs: number): Promise<ChildEnd> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', CHILD, path, String(seed), String(CRASH_FILE_SIZE), String(CRASH_EDITS)],
      { cwd: ROOT, env: { ...process.env, HEXLOG_COMMIT_PAUSE: pause }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    let timer: ReturnType<typeof setTimeout> | undefined;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      if (pause !== '' && stdout.includes('paused')) child.kill('SIGKILL');
      if (pause === '' && timer === undefined && stdout.includes('ready')) {
        timer = setTimeout(() => child.kill('SIGKILL'), delayMs);
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code, signal, stdout, stderr });
    });
  });
}

describe('crash safety', () => {
  it('a commit killed at any moment recovers to wholly old or wholly new, never mixed', async () => {
    const rng = seededRandom(0xc0ffee);
    const plans = [
      ...Array.from({ length: 4 }, () => PAUSES.map(({ pause, state }) => ({ pause, state, delayMs: 0 }))).flat(),
      ...Array.from({ length: RANDOM_KILLS }, () => ({
        pause: '',
        state: undefined,
        delayMs: rng.int(MAX_KILL_DELAY_MS),
      })),
    ];
    const seen = new Map<string, number>();

    const runOne = async (run: number): Promise<void> => {
      const plan = plans[run]!;
      const seed = 100 + run;
      const { oldFile, newFile } = commitFixture(seed, CRASH_FILE_SIZE, CRASH_EDITS);
      const path = writeFixture(`crash-${run}.bin`, oldFile);
      const end = await runChild(path, seed, plan.pause, plan.delayMs);
      const where = `run ${run} (${plan.pause || `random kill after ${plan.delayMs} ms`})`;
      if (end.code !== null && end.code !== 0) expect.fail(`${where}: child failed: ${end.stderr}`);
      if (plan.pause !== '') expect(end.signal, where).toBe('SIGKILL');

      const info = expectOk(inspectJournal(path));
      const state = info?.state ?? (end.signal === null ? 'finished' : 'no journal');
      seen.set(state, (seen.get(state) ?? 0) + 1);
      if (plan.state !== undefined) expect(state, where).toBe(plan.state);
      if (info === null) {
        // Killed before the journal was created (file old) or after it was removed (file new).
        const now = readFileSync(path);
        expect(Buffer.compare(now, oldFile) === 0 || Buffer.compare(now, newFile) === 0, where).toBe(true);
        return;
      }
      expect(info.state, where).not.toBe('unknown');
      if (info.state === 'torn') {
        expectFile(path, oldFile);
        expectErr(finishJournal(path), 'EINVAL');
      }
      const forward = info.state !== 'torn' && rng.int(2) === 0;
      expectOk(forward ? finishJournal(path) : rollbackJournal(path));
      expect(expectOk(inspectJournal(path)), where).toBeNull();
      expectFile(path, forward ? newFile : oldFile);
      rmSync(path);
    };

    // Two children at a time: one per core.
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < plans.length) await runOne(next++);
    };
    await Promise.all([worker(), worker()]);
    for (const { state } of PAUSES) expect(seen.get(state)).toBeGreaterThan(0);
  }, 120_000);
});

describe('saveCopy', () => {
  const { oldFile, newFile, edits } = commitFixture(8, 64 * 1024, 200);

  it('writes the edited copy and leaves the original untouched', () => {
    const path = writeFixture('original.bin', oldFile);
    const before = identityOf(path);
    const dest = join(dir, 'copy.bin');
    expectOk(saveCopy(path, edits, dest));
    expectFile(dest, newFile);
    expectFile(path, oldFile);
    expect(identityOf(path)).toEqual(before);
    expect(readdirSync(dir).sort()).toEqual(['copy.bin', 'original.bin']);
  });

  it('works from a read-only file, and the copy is writable', () => {
    const path = writeFixture('locked.bin', oldFile);
    chmodSync(path, 0o444);
    const dest = join(dir, 'unlocked.bin');
    expectOk(saveCopy(path, edits, dest));
    expectFile(dest, newFile);
    expect(statSync(dest).mode & 0o200).toBe(0o200);
    expect(statSync(path).mode & 0o777).toBe(0o444);
  });

  it('replaces an existing destination', () => {
    const path = writeFixture('source.bin', oldFile);
    const dest = writeFixture('existing.bin', Uint8Array.of(1, 2, 3));
    expectOk(saveCopy(path, edits, dest));
    expectFile(dest, newFile);
  });

  it('refuses to save over the original itself', () => {
    const path = writeFixture('self.bin', oldFile);
    expectErr(saveCopy(path, edits, join(dir, '.', 'self.bin')), 'EINVAL');
    expectFile(path, oldFile);
  });

  it('refuses when old bytes no longer match, leaving no destination and no temporary file', () => {
    const changed = oldFile.slice();
    changed[edits[5]!.offset]! ^= 0xff;
    const path = writeFixture('moved-on.bin', changed);
    const dest = join(dir, 'never.bin');
    expect(expectErr(saveCopy(path, edits, dest), 'EFILECHANGED')).toContain(path);
    expect(readdirSync(dir)).toEqual(['moved-on.bin']);
  });

  it('a missing destination folder answers ENOENT naming it', () => {
    const path = writeFixture('lonely.bin', oldFile);
    const dest = join(dir, 'no-such-dir', 'copy.bin');
    expect(expectErr(saveCopy(path, edits, dest), 'ENOENT')).toContain(dest);
  });
});
