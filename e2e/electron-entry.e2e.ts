// The built Electron entries run under Node with a stub in place of the `electron` module:
// out/main/index.js (what Electron runs) loads, registers the contract, creates the window with the
// built preload and page, and offers the file named on its command line; out/preload/index.js,
// wired to that main process, turns a drop into openDroppedPath and the file opens.
import { existsSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HexlogApi } from '../src/shared/contract';
import { ipcChannel, requestNames } from '../src/shared/contract';
import { createElectronStub, type ElectronStub, type StubWindow } from '../src/main/testing/electronStub';
import { tempDir } from './support/harness';

const require = createRequire(import.meta.url);
const dir = tempDir('hexlog-entry-');
const logPath = join(dir.path, 'named.log');
const droppedPath = join(dir.path, 'dropped.log');
let electron: ElectronStub;

/** Requires a built entry with `module` answering its `require('electron')`. */
function requireWithElectron(entry: string, module: unknown, argv: string[]): void {
  // `require('electron')` in a bundle resolves to the npm package; its cache entry is the stub.
  const electronId = require.resolve('electron');
  const stubModule = new Module(electronId);
  stubModule.exports = module;
  stubModule.loaded = true;
  const saved = require.cache[electronId];
  require.cache[electronId] = stubModule;
  const savedArgv = process.argv;
  process.argv = argv;
  try {
    require(entry);
  } finally {
    process.argv = savedArgv;
    if (saved === undefined) Reflect.deleteProperty(require.cache, electronId);
    else require.cache[electronId] = saved;
  }
}

function theWindow(): StubWindow {
  const window = electron.windows[0];
  if (window === undefined) throw new Error('no window');
  return window;
}

beforeAll(async () => {
  writeFileSync(logPath, 'named on the command line\n');
  writeFileSync(droppedPath, 'dropped\n');
  electron = createElectronStub();
  electron.userDataDir = join(dir.path, 'userData');
  const entry = join(process.cwd(), 'out/main/index.js');
  // As Electron runs it unpackaged: `electron out/main/index.js FILE --no-sandbox`.
  requireWithElectron(entry, electron, ['/usr/bin/electron', entry, logPath, '--no-sandbox']);
  // The entry creates its window once app.whenReady() resolves.
  for (let turn = 0; turn < 100 && electron.windows.length === 0; turn += 1) {
    await new Promise((settle) => setTimeout(settle, 10));
  }
});

afterAll(() => {
  electron.appListeners.emit('will-quit');
  dir.dispose();
});

describe('the built Electron entries', () => {
  it('out/main/index.js starts under a stubbed electron: channels, window, preload, page and argv', async () => {
    expect(electron.windows).toHaveLength(1);
    expect([...electron.handlers.keys()].sort()).toEqual(requestNames.map((name) => ipcChannel(name)).sort());
    const window = theWindow();
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
  });

  it('out/preload/index.js exposes window.hexlog, and a dropped file reaches the services and opens', async () => {
    const window = theWindow();
    const exposed = new Map<string, unknown>();
    const paths = new Map<File, string>();
    const preloadElectron = {
      contextBridge: { exposeInMainWorld: (key: string, api: unknown) => exposed.set(key, api) },
      // ipcRenderer.invoke reaches the main process's handler as this window's page.
      ipcRenderer: {
        invoke: (channel: string, ...args: unknown[]) => electron.invoke(channel, window.webContents, ...args),
        on: () => undefined,
        removeListener: () => undefined,
      },
      webUtils: { getPathForFile: (file: File) => paths.get(file) ?? '' },
    };
    const preload = join(process.cwd(), 'out/preload/index.js');
    requireWithElectron(preload, preloadElectron, process.argv);
    expect([...exposed.keys()]).toEqual(['hexlog']);
    const api = exposed.get('hexlog') as HexlogApi;

    const dropped = new File(['dropped\n'], 'dropped.log');
    paths.set(dropped, droppedPath);
    const opened = await api.openDropped(dropped);
    expect(opened.ok && opened.value.path).toBe(droppedPath);
    expect(opened.ok && Number(opened.value.size)).toBe(8);

    // A dragged item with no path on disk (text, a file from another app's memory) opens nothing.
    const notAFile = await api.openDropped(new File(['x'], 'x.txt'));
    expect(notAFile.ok ? 'opened' : notAFile.code).toBe('EINVAL');

    const settings = await api.settings();
    expect(settings.ok).toBe(true);
  });
});
