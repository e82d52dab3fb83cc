// Electron adapter: app lifecycle, windows, dialog, menu and ipcMain wiring. Thin on purpose: all
// logic lives in ./services, which never imports electron and is tested under Node.
import { app, BrowserWindow, dialog, ipcMain, Menu, shell, type WebContents } from 'electron';
import { join } from 'node:path';
import { ipcChannel, requestNames, type EventName, type Events } from '../shared/contract';
import { createServices, type CallContext } from './services';
import { copyPathBeside } from './services/copyPath';

const ownerOf = (contents: WebContents): string => `window:${contents.id}`;
const windows = new Map<string, BrowserWindow>();

const services = createServices({
  info: { kind: 'electron', nativeOpenDialog: true, acceptsDroppedFiles: true },
  emit: (owner, name, payload) => {
    const window = windows.get(owner);
    if (window) send(window.webContents, name, payload);
  },
  chooseCopyPath: async (context, original) => {
    const parent = windows.get(context.owner);
    const options = { title: 'Save a copy with the edits', defaultPath: copyPathBeside(original) };
    const picked = parent ? await dialog.showSaveDialog(parent, options) : await dialog.showSaveDialog(options);
    return picked.canceled || !picked.filePath ? null : picked.filePath;
  },
  showOpenDialog: async (context: CallContext) => {
    const parent = windows.get(context.owner);
    const options = { properties: ['openFile' as const], title: 'Open a file in hexlog' };
    const picked = parent ? await dialog.showOpenDialog(parent, options) : await dialog.showOpenDialog(options);
    return picked.canceled ? null : (picked.filePaths[0] ?? null);
  },
});

function send<E extends EventName>(target: WebContents, name: E, payload: Events[E]): void {
  if (!target.isDestroyed()) target.send(ipcChannel(name), payload);
}

function createWindow(): BrowserWindow {
  const window = new BrowserWindow({
    width: 1200,
    height: 800,
    show: false,
    title: 'hexlog',
    webPreferences: {
      preload: join(__dirname, '../preload/index.js'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    },
  });
  const owner = ownerOf(window.webContents);
  windows.set(owner, window);
  window.on('ready-to-show', () => window.show());
  window.on('closed', () => {
    windows.delete(owner);
    services.sessions.disposeOwner(owner);
  });
  // The renderer may never navigate away or open windows; links go to the system browser.
  window.webContents.on('will-navigate', (event) => event.preventDefault());
  window.webContents.setWindowOpenHandler(({ url }) => {
    if (/^https?:\/\//.test(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  // The renderer blocks unloading while edits are pending; ask before they are lost.
  window.webContents.on('will-prevent-unload', (event) => {
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
  window.webContents.on('did-start-loading', () => services.sessions.disposeOwner(owner));
  const devServer = process.env['ELECTRON_RENDERER_URL'];
  if (!app.isPackaged && devServer) void window.loadURL(devServer);
  else void window.loadFile(join(__dirname, '../renderer/index.html'));
  return window;
}

function buildMenu(): void {
  const command = (name: Events['menuCommand']) => () => {
    const focused = BrowserWindow.getFocusedWindow();
    if (focused) send(focused.webContents, 'menuCommand', name);
  };
  Menu.setApplicationMenu(
    Menu.buildFromTemplate([
      {
        label: 'File',
        submenu: [
          { label: 'Open…', accelerator: 'CmdOrCtrl+O', click: command('open') },
          { label: 'Close', accelerator: 'CmdOrCtrl+W', click: command('close') },
          { type: 'separator' },
          { role: 'quit' },
        ],
      },
      { role: 'editMenu' },
      { role: 'viewMenu' },
    ]),
  );
}

for (const name of requestNames) {
  ipcMain.handle(ipcChannel(name), (event, ...args: unknown[]) =>
    services.dispatch({ owner: ownerOf(event.sender) }, name, args),
  );
}

// Files named on the command line are offered to the renderer, which opens the first one.
for (const arg of process.argv.slice(app.isPackaged ? 1 : 2)) {
  if (!arg.startsWith('-') && arg !== '.') services.offers.offer(arg);
}
services.offers.onChange((offers) => {
  for (const window of windows.values()) send(window.webContents, 'offersChanged', offers);
});

void app.whenReady().then(() => {
  buildMenu();
  createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
app.on('will-quit', () => services.dispose());
