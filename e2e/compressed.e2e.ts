// Issue 13, compressed logs: a .gz and a .zst open read-only, decompressed, with the line count of
// the decompressed text; an edit is refused with a message; a damaged file says so.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { browserSuite } from './support/suite';

const text =
  Array.from(
    { length: 30_000 },
    (_, i) => `2026-12-05T08:${String(Math.floor(i / 600) % 60).padStart(2, '0')}:00Z INFO line ${i + 1}`,
  ).join('\n') + '\n';

const hasZstd = (() => {
  try {
    execFileSync('zstd', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe('compressed logs', () => {
  const suite = browserSuite('hexlog-compressed-');

  it('a gzip log opens read-only with the decompressed line count; an edit is refused', async () => {
    const path = join(suite.dir, 'app.log.gz');
    writeFileSync(path, gzipSync(text));
    const page = await suite.start(path);
    await page.locator('[data-testid=compressed][data-compression=gzip]').waitFor();
    const count = page.locator('[data-testid=line-count][data-done=true]');
    await count.waitFor();
    expect(Number(await count.getAttribute('data-lines'))).toBe(30_000);
    expect(await page.locator('.tab', { hasText: 'app.log.gz' }).count()).toBeGreaterThan(0);
    await page.getByText(/shown decompressed \(gzip\)/).waitFor();
    // The hex view takes no typing: the copy is read-only.
    await page.getByTestId('view-hex').click();
    await page.locator('[data-byte="0"]').click();
    await page.keyboard.type('41');
    await page
      .getByText(/read-only/)
      .first()
      .waitFor();
    expect(await page.locator('[data-modified=true]').count()).toBe(0);
  });

  it.skipIf(!hasZstd)('a zstd log opens the same way; a damaged gzip says so', async () => {
    const plain = join(suite.dir, 'z.log');
    writeFileSync(plain, text);
    execFileSync('zstd', ['-q', '-f', plain, '-o', `${plain}.zst`]);
    const page = await suite.start(`${plain}.zst`);
    await page.locator('[data-testid=compressed][data-compression=zstd]').waitFor();
    const count = page.locator('[data-testid=line-count][data-done=true]');
    await count.waitFor();
    expect(Number(await count.getAttribute('data-lines'))).toBe(30_000);

    const damaged = join(suite.dir, 'cut.log.gz');
    writeFileSync(damaged, gzipSync(text).subarray(0, 2000));
    const other = await suite.start(damaged);
    await other
      .getByText(/cut\.log\.gz.*(damaged|incomplete)/)
      .first()
      .waitFor();
  });
});
