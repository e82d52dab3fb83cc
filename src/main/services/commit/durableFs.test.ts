import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

import { syncDirectory } from './durableFs';

const dir = mkdtempSync(join(tmpdir(), 'hexlog-durable-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('syncDirectory', () => {
  it('fsyncs a directory on POSIX and fails for one that is missing', async () => {
    await expect(syncDirectory(dir, 'linux')).resolves.toBeUndefined();
    await expect(syncDirectory(join(dir, 'missing'), 'linux')).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('does nothing on Windows, which cannot flush a directory (NTFS journals its entries)', async () => {
    // Not even opened: a path that does not exist is not an error there.
    await expect(syncDirectory(join(dir, 'missing'), 'win32')).resolves.toBeUndefined();
  });
});
