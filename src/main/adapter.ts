// Electron adapter: app lifecycle, windows, dialogs, menu and ipcMain wiring. Thin on purpose: all
// logic lives in ./services, which never imports electron. Electron comes in as typed ports, so
// src/main/adapter.test.ts runs this file under Node against a stub and the real services.
import { join } from 'node:path';
import type { Disposable } from '../shared/disposable';
import { ipcChannel, requestNames, type EventName, type Events, type MenuCommand } from '../shared/contract';
import { filesFromArgv } from './argv';
import type { ElectronPorts, WebContentsPort, WindowPort } from './electronPorts';
import { menuTemplate } from './menu';
import { createServices, type CallContext, type Services } from './services';
import { copyPathBeside } from './services/copyPath';
import {
  guardContents,
  permissionCheckHandler,
  permissionRequestHandler,
  withContentSecurityPolicy,
} from './windowGuards';
import { keepPlace, savedPlace } from './windowPlace';

export interface AppOptions<W extends WindowPort, M> {
  readonly electron: ElectronPorts<W, M>;
  /** Where settings.json and window.json live (app.getPath('userData')). */
  readonly userDataDir: string;
  /** The folder of the built main script (out/main): the preload and the page are found from it. */
  readonly mainDir: string;
  readonly argv: readonly string[];
  readonly workingDirectory: string;
  readonly isPackaged: boolean;
  readonly platform: NodeJS.Platform;
  /** electron-vite's dev server (ELECTRON_RENDERER_URL), used only when not packaged. */
  readonly devServerUrl?: string | undefined;
  /** Where the app says what went wrong outside any request (console.warn by default). */
  readonly log?: (line: string) => void;
}

export interface RunningApp<W extends WindowPort> extends Disposable {
  readonly services: Services;
  /** The open windows, by owner (`window:<webContents id>`, the services' owner of their sessions). */
  readonly windows: ReadonlyMap<string, W>;
  /** Resolves once the app is ready and its first window exists. */
  readonly ready: Promise<void>;
}

export const ownerOf = (contents: WebContentsPort): string => `window:${contents.id}`;

function send<E extends EventName>(target: WebContentsPort, name: E, payload: Events[E]): void {
  if (!target.isDestroyed()) target.send(ipcChannel(name), payload);
}

/** Starts the app; null when another instance runs (this one quits and that one gets the files). */
export function startApp<W extends WindowPort, M>(options: AppOptions<W, M>): RunningApp<W> | null {
  const { electron, userDataDir, mainDir, isPackaged, platform } = options;
  const { app, BrowserWindow, dialog, ipcMain, Menu, screen, shell, session } = electron;
  const log = options.log ?? ((line: string) => console.warn(line));
  const windows = new Map<string, W>();
  const boundsPath = join(userDataDir, 'window.json');

  // A second `hexlog FILE` hands its files to the running instance (its second-instance event) and
  // quits before it touches the settings or the caches the first one uses.
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return null;
  }

  const services = createServices(
    {
      info: { kind: 'electron', nativeOpenDialog: true, acceptsDroppedFiles: true },
      emit: (owner, name, payload) => {
        const window = windows.get(owner);
        if (window) send(window.webContents, name, payload);
      },
      broadcast: (name, payload) => {
        for (const window of windows.values()) send(window.webContents, name, payload);
        if (name === 'recentChanged') buildMenu();
      },
      chooseCopyPath: async (context, original, purpose) => {
        const parent = windows.get(context.owner);
        const dialogOptions = {
          title: purpose?.title ?? 'Save a copy with the edits',
          defaultPath: copyPathBeside(original, purpose?.tag, purpose?.extension),
        };
        const picked = parent
          ? await dialog.showSaveDialog(parent, dialogOptions)
          : await dialog.showSaveDialog(dialogOptions);
        return picked.canceled || !picked.filePath ? null : picked.filePath;
      },
      showOpenDialog: async (context: CallContext) => {
        const parent = windows.get(context.owner);
        const dialogOptions = { properties: ['openFile' as const], title: 'Open a file in hexlog' };
        const picked = parent
          ? await dialog.showOpenDialog(parent, dialogOptions)
          : await dialog.showOpenDialog(dialogOptions);
        return picked.canceled ? null : (picked.filePaths[0] ?? null);
      },
    },
    { settingsPath: join(userDataDir, 'settings.json'), log },
  );

  function sendCommand(command: MenuCommand): void {
    const focused = BrowserWindow.getFocusedWindow() ?? windows.values().next().value;
    if (focused) send(focused.webContents, 'menuCommand', command);
  }

  function buildMenu(): void {
    const recent = services.settings.recent().map((path) => services.offers.register(path));
    Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate(recent, sendCommand, platform)));
  }

  function createWindow(): W {
    const place = savedPlace(boundsPath, screen.getAllDisplays());
    const window = new BrowserWindow({
      width: place?.bounds.width ?? 1280,
      height: place?.bounds.height ?? 800,
      ...(place === null ? {} : { x: place.bounds.x, y: place.bounds.y }),
      show: false,
      title: 'hexlog',
      webPreferences: {
        preload: join(mainDir, '../preload/index.js'),
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        nodeIntegrationInSubFrames: false,
        webSecurity: true,
        allowRunningInsecureContent: false,
        webviewTag: false,
        // A middle click never opens a window (the tab bar's middle click is a mousedown).
        disableBlinkFeatures: 'Auxclick',
      },
    });
    const contents = window.webContents;
    const owner = ownerOf(contents);
    windows.set(owner, window);
    window.on('ready-to-show', () => {
      if (place?.maximized === true) window.maximize();
      window.show();
    });
    keepPlace(window, boundsPath);
    window.on('closed', () => {
      windows.delete(owner);
      services.sessions.disposeOwner(owner);
      // The app outlives its last window on macOS: a window opened later starts without the files
      // offered so far (its page would open every offer), showing only what is handed over next.
      if (windows.size === 0) services.offers.clear();
    });
    guardContents(contents, (url) => shell.openExternal(url));
    // The renderer blocks unloading while edits are pending; ask before they are lost.
    contents.on('will-prevent-unload', (event) => {
      const choice = dialog.showMessageBoxSync(window, {
        type: 'question',
        buttons: ['Discard edits and close', 'Cancel'],
        defaultId: 1,
        cancelId: 1,
        message: 'This file has edits that are not committed.',
        detail: 'Cancel, then commit them with Ctrl+S (or discard them), or close and lose them.',
      });
      if (choice === 0) event.preventDefault();
    });
    // A reload starts the page afresh: the files it had open are closed.
    contents.on('did-start-loading', () => services.sessions.disposeOwner(owner));
    const loaded =
      !isPackaged && options.devServerUrl
        ? window.loadURL(options.devServerUrl)
        : window.loadFile(join(mainDir, '../renderer/index.html'));
    loaded.catch((error: unknown) => log(`hexlog: the page did not load: ${String(error)}`));
    return window;
  }

  let isReady = false;
  /**
   * Files handed over while the app runs (a second `hexlog FILE`, macOS's open-file) are offered and
   * opened in the window, which comes to the front. A page that has yet to load opens every offer.
   */
  function handOver(paths: readonly string[]): void {
    const offers = paths.map((path) => services.offers.offer(path));
    const window = windows.values().next().value;
    if (window === undefined) {
      if (isReady) createWindow();
      return;
    }
    if (window.isMinimized()) window.restore();
    window.focus();
    for (const offer of offers) {
      send(window.webContents, 'menuCommand', { command: 'file.openRecent', offerId: offer.offerId });
    }
  }
  app.on('second-instance', (_event, argv, workingDirectory) =>
    handOver(filesFromArgv(argv, isPackaged, workingDirectory)),
  );
  // macOS opens documents (Finder, the Dock, `open -a hexlog FILE`) with this event, also at launch.
  app.on('open-file', (event, path) => {
    event.preventDefault();
    handOver([path]);
  });

  for (const name of requestNames) {
    ipcMain.handle(ipcChannel(name), (event, ...args: unknown[]) =>
      services.dispatch({ owner: ownerOf(event.sender) }, name, args),
    );
  }

  // Files named on the command line are offered to the renderer, which opens the first one.
  for (const path of filesFromArgv(options.argv, isPackaged, options.workingDirectory)) services.offers.offer(path);
  const stopOffers = services.offers.onChange((offers) => {
    for (const window of windows.values()) send(window.webContents, 'offersChanged', offers);
  });

  const ready = app.whenReady().then(() => {
    isReady = true;
    session.defaultSession.webRequest.onHeadersReceived((details, callback) =>
      callback(withContentSecurityPolicy(details)),
    );
    session.defaultSession.setPermissionRequestHandler(permissionRequestHandler);
    session.defaultSession.setPermissionCheckHandler(permissionCheckHandler);
    buildMenu();
    createWindow();
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) createWindow();
    });
  });

  app.on('window-all-closed', () => {
    if (platform !== 'darwin') app.quit();
  });
  let disposed = false;
  const dispose = (): void => {
    if (disposed) return;
    disposed = true;
    stopOffers();
    services.dispose();
  };
  app.on('will-quit', dispose);
  return { services, windows, ready, dispose };
}
