import { chmodSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { seededRandom } from '../../../shared/seededRandom';
import { commitFixture } from '../testing/commitFixture';
import { expectErr, expectFile, expectOk, identityOf, tempDirPerTest, writeFixture } from '../testing/commitTestKit';
import { saveCopy } from './index';

const dir = tempDirPerTest();

describe('saveCopy', () => {
  const { oldFile, newFile, edits } = commitFixture(8, 64 * 1024, 200);

  it('writes the edited copy and leaves the original untouched', async () => {
    const path = writeFixture(dir.path, 'original.bin', oldFile);
    const before = identityOf(path);
    const dest = join(dir.path, 'copy.bin');
    expect(expectOk(await saveCopy(path, edits, dest))).toBe('saved');
    expectFile(dest, newFile);
    expectFile(path, oldFile);
    expect(identityOf(path)).toEqual(before);
    expect(readdirSync(dir.path).sort()).toEqual(['copy.bin', 'original.bin']);
  });

  // As an unprivileged user (where the mode really stops the copy being opened) in unprivileged.test.ts.
  it('gives the copy the original mode plus owner-write, without setuid or setgid', async () => {
    for (const [mode, expected] of [
      [0o4755, 0o755],
      [0o2555, 0o755],
      [0o444, 0o644],
      [0o640, 0o640],
      [0o400, 0o600],
    ] as const) {
      const path = writeFixture(dir.path, `mode-${mode.toString(8)}.bin`, oldFile);
      chmodSync(path, mode);
      const dest = join(dir.path, `mode-${mode.toString(8)}.copy`);
      expectOk(await saveCopy(path, edits, dest));
      expectFile(dest, newFile);
      expect(statSync(dest).mode & 0o7777).toBe(expected);
      expect(statSync(path).mode & 0o7777).toBe(mode);
    }
  });

  it('replaces an existing destination', async () => {
    const path = writeFixture(dir.path, 'source.bin', oldFile);
    const dest = writeFixture(dir.path, 'existing.bin', Uint8Array.of(1, 2, 3));
    expectOk(await saveCopy(path, edits, dest));
    expectFile(dest, newFile);
  });

  it('refuses to save over the original itself', async () => {
    const path = writeFixture(dir.path, 'self.bin', oldFile);
    expectErr(await saveCopy(path, edits, join(dir.path, '.', 'self.bin')), 'EINVAL');
    expectFile(path, oldFile);
  });

  it('refuses when old bytes no longer match, leaving no destination and no temporary file', async () => {
    const changed = oldFile.slice();
    changed[edits[5]!.offset]! ^= 0xff;
    const path = writeFixture(dir.path, 'moved-on.bin', changed);
    const dest = join(dir.path, 'never.bin');
    expect(expectErr(await saveCopy(path, edits, dest), 'EFILECHANGED')).toContain(path);
    expect(readdirSync(dir.path)).toEqual(['moved-on.bin']);
  });

  it('a missing destination folder answers ENOENT naming it', async () => {
    const path = writeFixture(dir.path, 'lonely.bin', oldFile);
    const dest = join(dir.path, 'no-such-dir', 'copy.bin');
    expect(expectErr(await saveCopy(path, edits, dest), 'ENOENT')).toContain(dest);
  });

  it('copies blocks of zeros as holes: same bytes and size, less disk', async () => {
    const rng = seededRandom(30);
    const sparse = new Uint8Array(20 * 1024 * 1024);
    sparse.set(rng.bytes(1000), 9 * 1024 * 1024 + 17);
    sparse.set(rng.bytes(10), sparse.length - 10);
    const path = writeFixture(dir.path, 'holes.bin', sparse);
    const dest = join(dir.path, 'holes.copy');
    const edit = { offset: 5, oldBytes: Uint8Array.of(0, 0), newBytes: Uint8Array.of(7, 8) };
    expectOk(await saveCopy(path, [edit], dest));
    const expected = sparse.slice();
    expected.set(edit.newBytes, edit.offset);
    expectFile(dest, expected);
    // Three 4 MiB blocks hold data; the two-thirds of zero blocks take no space (every common Linux file system).
    expect(statSync(dest).blocks * 512).toBeLessThanOrEqual(12 * 1024 * 1024);
  });
});

describe('saveCopy progress and cancel', () => {
  const size = 24 * 1024 * 1024; // six copy blocks
  const rng = seededRandom(31);
  const oldFile = rng.bytes(size);
  const edit = { offset: size - 3, oldBytes: oldFile.slice(size - 3), newBytes: Uint8Array.of(1, 2, 3) };

  it('reports rising progress up to the whole size', async () => {
    const path = writeFixture(dir.path, 'big.bin', oldFile);
    const seen: number[] = [];
    const outcome = await saveCopy(path, [edit], join(dir.path, 'big.copy'), {
      onProgress: (copied, total) => {
        expect(total).toBe(size);
        seen.push(copied);
      },
    });
    expect(expectOk(outcome)).toBe('saved');
    expect(seen.length).toBeGreaterThan(1);
    expect(seen.at(-1)).toBe(size);
    for (let i = 1; i < seen.length; i++) expect(seen[i]!).toBeGreaterThan(seen[i - 1]!);
  });

  it('cancelled part-way: answers cancelled, removes the temporary file, leaves an existing destination alone', async () => {
    const path = writeFixture(dir.path, 'big.bin', oldFile);
    const dest = writeFixture(dir.path, 'keep.bin', Uint8Array.of(9, 9, 9));
    const controller = new AbortController();
    const seen: number[] = [];
    const outcome = await saveCopy(path, [edit], dest, {
      signal: controller.signal,
      onProgress: (copied) => {
        seen.push(copied);
        controller.abort();
      },
    });
    expect(expectOk(outcome)).toBe('cancelled');
    expect(seen.length).toBe(1); // stopped at the next block
    expect(seen[0]!).toBeLessThan(size);
    expect(readdirSync(dir.path).sort()).toEqual(['big.bin', 'keep.bin']);
    expectFile(dest, Uint8Array.of(9, 9, 9));
  });

  it('cancelled before it starts: nothing is created', async () => {
    const path = writeFixture(dir.path, 'big.bin', oldFile);
    const outcome = await saveCopy(path, [edit], join(dir.path, 'never.bin'), { signal: AbortSignal.abort() });
    expect(expectOk(outcome)).toBe('cancelled');
    expect(readdirSync(dir.path)).toEqual(['big.bin']);
  });
});
