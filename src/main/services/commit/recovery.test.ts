import { appendFileSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

import { openMapped } from '../../../../native/index';
import { commitFixture } from '../testing/commitFixture';
import {
  expectErr,
  expectFile,
  expectOk,
  handMadeJournal,
  tempDirPerTest,
  writeFixture,
} from '../testing/commitTestKit';
import { discardJournal, finishJournal, inspectJournal, journalPath, rollbackJournal } from './index';

const dir = tempDirPerTest();

describe('leftover journals: inspect, roll back, finish', () => {
  const { oldFile, newFile, edits } = commitFixture(7, 32 * 1024, 120);
  const editedBytes = edits.reduce((sum, edit) => sum + edit.oldBytes.length, 0);

  /** The file with the first `applied` edits written, and a complete journal beside it. */
  function leftover(name: string, applied: number): string {
    const contents = oldFile.slice();
    for (const edit of edits.slice(0, applied)) contents.set(edit.newBytes, edit.offset);
    const path = writeFixture(dir.path, name, contents);
    writeFileSync(journalPath(path), handMadeJournal(edits, oldFile.length));
    return path;
  }

  it('reports none when there is no journal', async () => {
    const path = writeFixture(dir.path, 'clean.bin', oldFile);
    expect(expectOk(await inspectJournal(path))).toBeNull();
    expectErr(await finishJournal(path), 'ENOENT');
    expectOk(await discardJournal(path));
  });

  it.each([
    { applied: 0, state: 'old' },
    { applied: 60, state: 'mixed' },
    { applied: 120, state: 'applied' },
  ] as const)('$state: finish writes the new bytes, rollback the old ones', async ({ applied, state }) => {
    const path = leftover(`${state}.bin`, applied);
    const info = expectOk(await inspectJournal(path));
    expect(info).toEqual({ journal: journalPath(path), entries: edits.length, editedBytes, state });
    expectOk(await finishJournal(path));
    expectFile(path, newFile);
    expect(expectOk(await inspectJournal(path))).toBeNull();

    const again = leftover(`${state}-rollback.bin`, applied);
    expectOk(await rollbackJournal(again));
    expectFile(again, oldFile);
    expect(existsSync(journalPath(again))).toBe(false);
  });

  it('unknown: bytes changed by someone else since; both recoveries refuse and write nothing', async () => {
    const path = leftover('foreign.bin', 60);
    const contents = readFileSync(path);
    const third = edits[3]!;
    // A value that is neither the old nor the new byte.
    contents[third.offset] = [0, 1, 2].find((value) => value !== third.oldBytes[0] && value !== third.newBytes[0])!;
    writeFileSync(path, contents);
    expect(expectOk(await inspectJournal(path))!.state).toBe('unknown');
    expectErr(await finishJournal(path), 'EFILECHANGED');
    expectErr(await rollbackJournal(path), 'EFILECHANGED');
    expectFile(path, contents);
    expectOk(await discardJournal(path));
    expect(expectOk(await inspectJournal(path))).toBeNull();
    expectFile(path, contents);
  });

  it('unknown: the file has a different size than when the journal was written', async () => {
    const path = leftover('resized.bin', 0);
    appendFileSync(path, 'x');
    expect(expectOk(await inspectJournal(path))!.state).toBe('unknown');
    expectErr(await rollbackJournal(path), 'EFILECHANGED');
  });

  it('torn (crash while writing the journal): reported as such; rollback just removes it', async () => {
    const complete = handMadeJournal(edits, oldFile.length);
    for (const cut of [0, 5, 31, 32, 44, complete.length >> 1, complete.length - 12, complete.length - 1]) {
      const path = writeFixture(dir.path, `torn-${cut}.bin`, oldFile);
      writeFileSync(journalPath(path), complete.subarray(0, cut));
      expect(expectOk(await inspectJournal(path))).toEqual({
        journal: journalPath(path),
        entries: 0,
        editedBytes: 0,
        state: 'torn',
      });
      expect(expectErr(await finishJournal(path), 'EINVAL')).toContain('never touched');
      expectFile(path, oldFile);
      expectOk(await rollbackJournal(path));
      expect(existsSync(journalPath(path))).toBe(false);
      expectFile(path, oldFile);
    }
  });

  it('a corrupted checksum is a clear error and nothing is written', async () => {
    const path = leftover('corrupt.bin', 60);
    const before = readFileSync(path);
    const journal = handMadeJournal(edits, oldFile.length);
    journal[100]! ^= 0x01;
    writeFileSync(journalPath(path), journal);
    expect(expectErr(await inspectJournal(path), 'EIO')).toMatch(/damaged \(checksum mismatch\)/);
    expectErr(await finishJournal(path), 'EIO');
    expectErr(await rollbackJournal(path), 'EIO');
    expectFile(path, before);
    expect(existsSync(journalPath(path))).toBe(true);
  });

  it('discarding the journal of a file that no longer exists just removes it', async () => {
    const path = leftover('vanished.bin', 0);
    const journal = journalPath(path);
    rmSync(path);
    expectOk(await discardJournal(path));
    expect(existsSync(journal)).toBe(false);
  });

  it('while another holder has the lock (its commit is running), every step answers ELOCKED and changes nothing', async () => {
    const path = leftover('in-use.bin', 60);
    const before = readFileSync(path);
    const holder = openMapped(path, 'readonly');
    try {
      expect(holder.tryLock()).toBe(true);
      for (const step of [inspectJournal, rollbackJournal, finishJournal, discardJournal]) {
        expect(expectErr(await step(path), 'ELOCKED'), step.name).toContain(path);
      }
      expectFile(path, before);
      expect(existsSync(journalPath(path))).toBe(true);
    } finally {
      holder.close();
    }
    expect(expectOk(await inspectJournal(path))!.state).toBe('mixed');
  });
});
