// The built main entry (out/main/index.js, what Electron runs) starts the app under Node, with a stub
// in place of the `electron` module: it proves the bundle loads, registers the contract, creates the
// window with the built preload and page, and offers the file named on its command line.
import { existsSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ipcChannel, requestNames } from '../src/shared/contract';
import { createElectronStub } from '../src/main/testing/electronStub';
import { tempDir } from './support/harness';

const require = createRequire(import.meta.url);
const dir = tempDir('hexlog-entry-');
afterAll(() => dir.dispose());

describe('the built Electron entry', () => {
  it('out/main/index.js starts under a stubbed electron: channels, window, preload, page and argv', async () => {
    const entry = join(process.cwd(), 'out/main/index.js');
    expect(existsSync(entry)).toBe(true);
    const logPath = join(dir.path, 'named.log');
    writeFileSync(logPath, 'named on the command line\n');
    const electron = createElectronStub();
    electron.userDataDir = join(dir.path, 'userData');
    // `require('electron')` in the bundle resolves to the npm package; its cache entry is the stub.
    const electronId = require.resolve('electron');
    const stubModule = new Module(electronId);
    stubModule.exports = electron;
    stubModule.loaded = true;
    const saved = require.cache[electronId];
    require.cache[electronId] = stubModule;
    const argv = process.argv;
    // As Electron runs it unpackaged: `electron out/main/index.js FILE --no-sandbox`.
    process.argv = ['/usr/bin/electron', entry, logPath, '--no-sandbox'];
    try {
      require(entry);
    } finally {
      process.argv = argv;
      if (saved === undefined) Reflect.deleteProperty(require.cache, electronId);
      else require.cache[electronId] = saved;
    }
    try {
      await expect.poll(() => electron.windows.length).toBe(1);
      expect([...electron.handlers.keys()].sort()).toEqual(requestNames.map((name) => ipcChannel(name)).sort());
      const window = electron.windows[0]!;
      const preload = window.options.webPreferences?.preload ?? '';
      expect(preload).toBe(join(process.cwd(), 'out/preload/index.js'));
      expect(existsSync(preload)).toBe(true);
      const page = window.loaded[0]?.file ?? '';
      expect(page).toBe(join(process.cwd(), 'out/renderer/index.html'));
      expect(existsSync(page)).toBe(true);
      const offered = (await electron.invoke(ipcChannel('listOffered'), window.webContents)) as {
        ok: boolean;
        value: readonly { path: string }[];
      };
      expect(offered.ok && offered.value.map((offer) => offer.path)).toEqual([logPath]);
      expect(electron.headersListener).not.toBeNull();
      expect(electron.menus).toHaveLength(1);
    } finally {
      electron.appListeners.emit('will-quit');
    }
  });
});
