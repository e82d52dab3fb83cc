// The same open-a-file flow in a real Electron window, where an Electron binary exists.
// Here (no binary can be downloaded) the spec is skipped with its reason.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { _electron as electron } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { tempDir } from './support/harness';

function electronBinary(): string | undefined {
  const fromEnv = process.env['ELECTRON_EXEC_PATH'];
  if (fromEnv !== undefined && existsSync(fromEnv)) return fromEnv;
  const packageDir = join(process.cwd(), 'node_modules/electron');
  const pathFile = join(packageDir, 'path.txt');
  if (!existsSync(pathFile)) return undefined;
  const binary = join(packageDir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? binary : undefined;
}

const binary = electronBinary();
if (binary === undefined) {
  console.log(
    'electron.e2e: skipped: no Electron binary installed (`npm run electron:install` fetches it where it can be downloaded, or set ELECTRON_EXEC_PATH)',
  );
}

describe.skipIf(binary === undefined)('Electron: open a file named on the command line', () => {
  it('shows its name, size and first bytes', async () => {
    const dir = tempDir('hexlog-electron-');
    const path = join(dir.path, 'hello.bin');
    writeFileSync(path, 'hello electron');
    const app = await electron.launch({
      executablePath: binary!,
      args: [join(process.cwd(), 'out/main/index.js'), path, '--no-sandbox'],
    });
    try {
      const window = await app.firstWindow();
      await expect.poll(() => window.locator('[data-testid=file-name]').textContent()).toBe('hello.bin');
      await expect.poll(() => window.locator('[data-byte="0"]').textContent()).toBe('68');
    } finally {
      await app.close();
      dir.dispose();
    }
  });
});
