// The Electron adapter under Node: a stub stands in for Electron (only here), the services behind
// it are the real ones over real files in a temp dir.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ipcChannel, requestNames, type FileInfo, type OfferedFile } from '../shared/contract';
import { contentSecurityPolicy } from '../shared/csp';
import type { Result } from '../shared/result';
import { ownerOf, startApp, type AppOptions, type RunningApp } from './adapter';
import {
  createElectronStub,
  StubEvent,
  StubWebContents,
  type ElectronStub,
  type StubMenu,
  type StubWindow,
} from './testing/electronStub';

let dir: string;
let logPath: string;
let electron: ElectronStub;
let running: RunningApp<StubWindow> | null;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hexlog-adapter-'));
  logPath = join(dir, 'app.log');
  writeFileSync(logPath, 'first line\nsecond line\n');
  electron = createElectronStub();
  running = null;
});

afterEach(() => {
  running?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

async function start(overrides: Partial<AppOptions<StubWindow, StubMenu>> = {}): Promise<RunningApp<StubWindow>> {
  const started = startApp({
    electron,
    userDataDir: join(dir, 'userData'),
    mainDir: join(dir, 'out', 'main'),
    argv: ['/usr/lib/hexlog/hexlog'],
    workingDirectory: dir,
    isPackaged: true,
    platform: 'linux',
    log: () => undefined,
    ...overrides,
  });
  if (started === null) throw new Error('the app did not start');
  running = started;
  await started.ready;
  return started;
}

function firstWindow(): StubWindow {
  const window = electron.windows[0];
  if (window === undefined) throw new Error('no window was created');
  return window;
}

const call = (window: StubWindow, name: string, ...args: unknown[]): Promise<Result<unknown>> =>
  electron.invoke(ipcChannel(name as (typeof requestNames)[number]), window.webContents, ...args) as Promise<
    Result<unknown>
  >;

function opened(answer: Result<unknown>): FileInfo {
  if (!answer.ok) throw new Error(`expected a file, got ${answer.code}: ${answer.message}`);
  return answer.value as FileInfo;
}

describe('ipcMain wiring', () => {
  it('registers every request channel of the contract under ipcChannel(name), no more and no fewer', async () => {
    await start();
    expect([...electron.handlers.keys()].sort()).toEqual(requestNames.map((name) => ipcChannel(name)).sort());
  });

  it('a registered handler reaches the real services: bad arguments answer an error value, settings answers ok', async () => {
    await start();
    const window = firstWindow();
    const malformed = await call(window, 'readBytes', 'not a session', -1, 'x');
    expect(malformed.ok).toBe(false);
    if (!malformed.ok) expect(malformed.code).toBe('EINVAL');
    const tooMany = await call(window, 'settings', 1, 2, 3);
    expect(tooMany.ok).toBe(false);
    const settings = await call(window, 'settings');
    expect(settings.ok).toBe(true);
    const hostInfo = await call(window, 'hostInfo');
    expect(hostInfo).toEqual({
      ok: true,
      value: { kind: 'electron', nativeOpenDialog: true, acceptsDroppedFiles: true },
    });
  });
});

describe('the window', () => {
  it('is created isolated and sandboxed, without Node, with web security and its preload', async () => {
    await start();
    expect(electron.windows).toHaveLength(1);
    const preferences = firstWindow().options.webPreferences;
    expect(preferences?.contextIsolation).toBe(true);
    expect(preferences?.sandbox).toBe(true);
    expect(preferences?.nodeIntegration).toBe(false);
    expect(preferences?.nodeIntegrationInSubFrames).toBe(false);
    expect(preferences?.webSecurity).toBe(true);
    expect(preferences?.allowRunningInsecureContent).toBe(false);
    expect(preferences?.webviewTag).toBe(false);
    expect(preferences?.preload).toBe(join(dir, 'out', 'preload', 'index.js'));
  });

  it('loads the built page when packaged, and the dev server only when not packaged', async () => {
    await start({ devServerUrl: 'http://localhost:5173' });
    expect(firstWindow().loaded).toEqual([{ file: join(dir, 'out', 'renderer', 'index.html') }]);
    running?.dispose();
    electron = createElectronStub();
    await start({ isPackaged: false, argv: ['/electron', '.'], devServerUrl: 'http://localhost:5173' });
    expect(firstWindow().loaded).toEqual([{ url: 'http://localhost:5173' }]);
  });

  it('opens where it was last closed (window.json beside the settings), maximized again', async () => {
    mkdirSync(join(dir, 'userData'));
    const place = { bounds: { x: 40, y: 30, width: 1000, height: 700 }, maximized: true };
    writeFileSync(join(dir, 'userData', 'window.json'), JSON.stringify(place));
    await start();
    const window = firstWindow();
    expect(window.options).toMatchObject({ x: 40, y: 30, width: 1000, height: 700, show: false });
    window.listeners.emit('ready-to-show');
    expect(window.shown).toBe(true);
    expect(window.isMaximized()).toBe(true);
  });

  it('refuses navigation, redirects and webviews', async () => {
    await start();
    const contents = firstWindow().webContents;
    expect(contents.emitPreventable('will-navigate', 'https://example.com/')).toBe(true);
    expect(contents.emitPreventable('will-navigate', 'file:///etc/passwd')).toBe(true);
    expect(contents.emitPreventable('will-redirect', 'https://example.com/')).toBe(true);
    expect(contents.emitPreventable('will-attach-webview')).toBe(true);
  });

  it('denies every new window; http(s) links go to the system browser, other schemes nowhere', async () => {
    await start();
    const handler = firstWindow().webContents.windowOpenHandler;
    expect(handler).not.toBeNull();
    const links = [
      'https://example.com/docs',
      'http://example.com/',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'smb://server/share',
      'ms-msdt:/id',
      'not a url',
    ];
    for (const url of links) expect(handler?.({ url })).toEqual({ action: 'deny' });
    await Promise.resolve();
    expect(electron.openedExternally).toEqual(['https://example.com/docs', 'http://example.com/']);
  });

  it('adds the Content-Security-Policy header to responses, replacing one the response had', async () => {
    await start();
    const listener = electron.headersListener;
    expect(listener).not.toBeNull();
    const answers: unknown[] = [];
    listener?.(
      {
        url: 'http://localhost:5173/',
        resourceType: 'mainFrame',
        responseHeaders: { 'content-security-policy': ["default-src *; script-src 'unsafe-eval'"], 'X-Kept': ['1'] },
      },
      (response) => answers.push(response),
    );
    expect(answers).toEqual([
      { responseHeaders: { 'X-Kept': ['1'], 'Content-Security-Policy': [contentSecurityPolicy] } },
    ]);
  });

  it('grants the page the clipboard and no other permission', async () => {
    await start();
    const contents = firstWindow().webContents;
    const granted = (permission: string): boolean => {
      let answer: boolean | null = null;
      electron.permissionRequest?.(contents, permission, (allowed) => (answer = allowed));
      return answer === true && electron.permissionCheck?.(contents, permission) === true;
    };
    expect(granted('clipboard-sanitized-write')).toBe(true);
    expect(granted('clipboard-read')).toBe(true);
    for (const permission of ['media', 'geolocation', 'notifications', 'openExternal', 'fileSystem', 'hid']) {
      expect(granted(permission)).toBe(false);
    }
  });

  it('sets the application menu, whose commands go to the focused window', async () => {
    await start();
    const window = firstWindow();
    window.focus();
    const template = electron.menus.at(-1)?.template ?? [];
    const file = template.find((item) => item.label === 'File');
    const submenu = Array.isArray(file?.submenu) ? file.submenu : [];
    const first = submenu.find((item) => item.click !== undefined);
    expect(first).toBeDefined();
    first?.click?.(...([] as unknown as Parameters<NonNullable<typeof first.click>>));
    expect(window.webContents.sentOn(ipcChannel('menuCommand'))).toHaveLength(1);
  });
});

describe('files reach the services', () => {
  it('files named on a packaged command line are offered; flags and "." are not', async () => {
    await start({ argv: ['/opt/hexlog/hexlog', '--enable-logging', '.', 'app.log', '--', ''] });
    expect(running?.services.offers.list().map((offer) => offer.path)).toEqual([logPath]);
  });

  it('files after "electron ." (not packaged) are offered, and the window opens them by offer id', async () => {
    await start({ isPackaged: false, argv: ['/usr/bin/electron', '.', '--inspect=9229', logPath] });
    const window = firstWindow();
    const listed = await call(window, 'listOffered');
    expect(listed.ok).toBe(true);
    const offers = (listed.ok ? listed.value : []) as readonly OfferedFile[];
    expect(offers.map((offer) => offer.path)).toEqual([logPath]);
    const file = opened(await call(window, 'openOffered', offers[0]?.offerId));
    expect(file.path).toBe(logPath);
    expect(Number(file.size)).toBe(23);
    expect(running?.services.sessions.ownedBy(ownerOf(window.webContents))).toBe(1);
  });

  it("the open dialog's pick is offered and opened for the window that asked; Cancel answers null", async () => {
    const app = await start();
    const window = firstWindow();
    electron.nextOpenPick = logPath;
    const file = opened(await call(window, 'openDialog'));
    expect(file.path).toBe(logPath);
    expect(electron.dialogCalls.at(-1)?.parent).toBe(window);
    expect(app.services.offers.list().map((offer) => offer.path)).toEqual([logPath]);
    expect(app.services.sessions.ownedBy(ownerOf(window.webContents))).toBe(1);
    // The window hears of the new offer.
    const offered = window.webContents.sentOn(ipcChannel('offersChanged')) as (readonly OfferedFile[])[];
    expect(offered.at(-1)?.map((offer) => offer.path)).toEqual([logPath]);
    electron.nextOpenPick = null;
    expect(await call(window, 'openDialog')).toEqual({ ok: true, value: null });
  });

  it("a dropped file's path, as the preload sends it (openDroppedPath), opens the file", async () => {
    const app = await start();
    const window = firstWindow();
    const file = opened(await call(window, 'openDroppedPath', logPath));
    expect(file.path).toBe(logPath);
    expect(app.services.offers.list().map((offer) => offer.path)).toContain(logPath);
    const bytes = await call(window, 'readBytes', file.session, 0, 5);
    expect(bytes.ok && Buffer.from(bytes.value as Uint8Array).toString()).toBe('first');
  });

  it('a dropped folder or missing file answers an error value and opens nothing', async () => {
    const app = await start();
    const window = firstWindow();
    mkdirSync(join(dir, 'folder'));
    for (const path of [join(dir, 'folder'), join(dir, 'missing.log')]) {
      const answer = await call(window, 'openDroppedPath', path);
      expect(answer.ok).toBe(false);
    }
    expect(app.services.sessions.openCount).toBe(0);
  });

  it("a second instance's files are offered and opened in the running window, which comes to the front", async () => {
    const app = await start();
    const window = firstWindow();
    window.minimized = true;
    electron.appListeners.emit('second-instance', {}, ['/opt/hexlog/hexlog', '--flag', 'app.log'], dir);
    expect(window.minimized).toBe(false);
    expect(window.focused).toBeGreaterThan(0);
    const offer = app.services.offers.list().find((item) => item.path === logPath);
    expect(offer).toBeDefined();
    expect(window.webContents.sentOn(ipcChannel('menuCommand'))).toEqual([
      { command: 'file.openRecent', offerId: offer?.offerId },
    ]);
    // What the renderer does with that command: open the offer.
    expect(opened(await call(window, 'openOffered', offer?.offerId)).path).toBe(logPath);
  });

  it('macOS open-file (Finder, the Dock) offers the file and opens it in the window', async () => {
    const app = await start({ platform: 'darwin' });
    const window = firstWindow();
    const event = new StubEvent();
    electron.appListeners.emit('open-file', event, logPath);
    expect(event.prevented).toBe(true);
    const offer = app.services.offers.list().find((item) => item.path === logPath);
    expect(window.webContents.sentOn(ipcChannel('menuCommand'))).toEqual([
      { command: 'file.openRecent', offerId: offer?.offerId },
    ]);
  });

  it('a file handed over when no window is open (macOS) opens a window, whose page opens only that file', async () => {
    const earlier = join(dir, 'earlier.log');
    writeFileSync(earlier, 'opened at launch, then closed\n');
    const app = await start({ platform: 'darwin', argv: ['/Applications/hexlog.app/Contents/MacOS/hexlog', earlier] });
    const launchOffer = app.services.offers.list().find((offer) => offer.path === earlier);
    expect(launchOffer).toBeDefined();
    firstWindow().close();
    // The closed window's files are not offered again to the next one (its id still opens it).
    expect(app.services.offers.list()).toEqual([]);
    expect(app.services.offers.get(launchOffer?.offerId ?? -1)?.path).toBe(earlier);
    electron.appListeners.emit('second-instance', new StubEvent(), ['/opt/hexlog/hexlog', logPath], dir);
    expect(electron.windows.filter((window) => !window.destroyed)).toHaveLength(1);
    expect(app.services.offers.list().map((offer) => offer.path)).toEqual([logPath]);
  });

  it('a second instance registers nothing and quits', () => {
    electron.primaryInstance = false;
    const started = startApp({
      electron,
      userDataDir: join(dir, 'userData'),
      mainDir: join(dir, 'out', 'main'),
      argv: ['/opt/hexlog/hexlog', logPath],
      workingDirectory: dir,
      isPackaged: true,
      platform: 'linux',
    });
    expect(started).toBeNull();
    expect(electron.quitCount).toBe(1);
    expect(electron.handlers.size).toBe(0);
    expect(electron.windows).toHaveLength(0);
  });
});

describe('lifetimes', () => {
  it("closing a window disposes that window's sessions and only those", async () => {
    const app = await start();
    const window = firstWindow();
    const owner = ownerOf(window.webContents);
    // Another page (another owner) with a file of its own, which must survive this window.
    const otherContents = new StubWebContents();
    opened(await call(window, 'openDroppedPath', logPath));
    opened(await call(window, 'openDroppedPath', logPath));
    const kept = opened(
      (await electron.invoke(ipcChannel('openDroppedPath'), otherContents, logPath)) as Result<unknown>,
    );
    expect(app.services.sessions.ownedBy(owner)).toBe(2);
    window.close();
    expect(app.services.sessions.ownedBy(owner)).toBe(0);
    expect(app.services.sessions.openCount).toBe(1);
    expect(app.windows.size).toBe(0);
    const stillThere = (await electron.invoke(
      ipcChannel('fileStatus'),
      otherContents,
      kept.session,
    )) as Result<unknown>;
    expect(stillThere.ok).toBe(true);
  });

  it("a reload (did-start-loading) closes the page's files", async () => {
    const app = await start();
    const window = firstWindow();
    const file = opened(await call(window, 'openDroppedPath', logPath));
    window.webContents.listeners.emit('did-start-loading');
    expect(app.services.sessions.ownedBy(ownerOf(window.webContents))).toBe(0);
    const gone = await call(window, 'fileStatus', file.session);
    expect(gone.ok).toBe(false);
  });

  it('events for a closed window are dropped, not sent to a destroyed page', async () => {
    const app = await start();
    const window = firstWindow();
    window.close();
    app.services.offers.offer(join(dir, 'other.log'));
    expect(window.webContents.sent.filter((message) => message.channel === ipcChannel('offersChanged'))).toEqual([]);
  });

  it('will-quit disposes the services and their open files', async () => {
    const app = await start();
    const window = firstWindow();
    opened(await call(window, 'openDroppedPath', logPath));
    expect(app.services.sessions.openCount).toBe(1);
    electron.appListeners.emit('will-quit');
    expect(app.services.sessions.openCount).toBe(0);
  });

  it('closing the last window quits, except on macOS; activate there opens a window again', async () => {
    await start();
    firstWindow().close();
    electron.appListeners.emit('window-all-closed');
    expect(electron.quitCount).toBe(1);
    running?.dispose();
    electron = createElectronStub();
    await start({ platform: 'darwin' });
    firstWindow().close();
    electron.appListeners.emit('window-all-closed');
    expect(electron.quitCount).toBe(0);
    electron.appListeners.emit('activate');
    expect(electron.windows.filter((window) => !window.destroyed)).toHaveLength(1);
  });
});
