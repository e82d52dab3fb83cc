// Electron adapter: app lifecycle, windows, dialog, menu and ipcMain wiring. Thin on purpose: all
// logic lives in ./services, which never imports electron and is tested under Node.
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  Menu,
  screen,
  shell,
  type MenuItemConstructorOptions,
  type Rectangle,
  type WebContents,
} from 'electron';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { acceleratorOf, commandTable, isViewKey, type CommandGroup } from '../shared/commands';
import { ipcChannel, requestNames, type EventName, type Events, type MenuCommand } from '../shared/contract';
import { createServices, type CallContext } from './services';
import { copyPathBeside } from './services/copyPath';
import { writeFileAtomically } from './services/settings';

const ownerOf = (contents: WebContents): string => `window:${contents.id}`;
const windows = new Map<string, BrowserWindow>();

const userData = app.getPath('userData');
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
      const options = {
        title: purpose?.title ?? 'Save a copy with the edits',
        defaultPath: copyPathBeside(original, purpose?.tag, purpose?.extension),
      };
      const picked = parent ? await dialog.showSaveDialog(parent, options) : await dialog.showSaveDialog(options);
      return picked.canceled || !picked.filePath ? null : picked.filePath;
    },
    showOpenDialog: async (context: CallContext) => {
      const parent = windows.get(context.owner);
      const options = { properties: ['openFile' as const], title: 'Open a file in hexlog' };
      const picked = parent ? await dialog.showOpenDialog(parent, options) : await dialog.showOpenDialog(options);
      return picked.canceled ? null : (picked.filePaths[0] ?? null);
    },
  },
  { settingsPath: join(userData, 'settings.json'), log: (line) => console.warn(line) },
);

/** The window's size and place, kept beside the settings (the renderer never sees them). */
const boundsPath = join(userData, 'window.json');
interface WindowPlace {
  readonly bounds: Rectangle;
  readonly maximized: boolean;
}

function savedPlace(): WindowPlace | null {
  try {
    const value = JSON.parse(readFileSync(boundsPath, 'utf8')) as Partial<WindowPlace>;
    const bounds = value.bounds;
    if (bounds === undefined || ![bounds.x, bounds.y, bounds.width, bounds.height].every(Number.isFinite)) return null;
    // A place on a display that is gone (unplugged monitor) is forgotten.
    const visible = screen.getAllDisplays().some((display) => {
      const area = display.workArea;
      return (
        bounds.x < area.x + area.width &&
        bounds.x + bounds.width > area.x &&
        bounds.y < area.y + area.height &&
        bounds.y + bounds.height > area.y
      );
    });
    return visible && bounds.width >= 400 && bounds.height >= 300
      ? { bounds, maximized: value.maximized === true }
      : null;
  } catch {
    return null;
  }
}

function keepPlace(window: BrowserWindow): void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const save = (): void => {
    clearTimeout(timer);
    if (window.isDestroyed()) return;
    const place: WindowPlace = { bounds: window.getNormalBounds(), maximized: window.isMaximized() };
    try {
      writeFileAtomically(boundsPath, `${JSON.stringify(place)}\n`);
    } catch (error) {
      console.warn(`hexlog: the window's place was not saved: ${String(error)}`);
    }
  };
  const later = (): void => {
    clearTimeout(timer);
    timer = setTimeout(save, 500);
  };
  window.on('resize', later);
  window.on('move', later);
  window.on('maximize', save);
  window.on('unmaximize', save);
  window.on('close', save);
}

function send<E extends EventName>(target: WebContents, name: E, payload: Events[E]): void {
  if (!target.isDestroyed()) target.send(ipcChannel(name), payload);
}

function createWindow(): BrowserWindow {
  const place = savedPlace();
  const window = new BrowserWindow({
    width: place?.bounds.width ?? 1280,
    height: place?.bounds.height ?? 800,
    ...(place === null ? {} : { x: place.bounds.x, y: place.bounds.y }),
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
  window.on('ready-to-show', () => {
    if (place?.maximized === true) window.maximize();
    window.show();
  });
  keepPlace(window);
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

const menuGroups: readonly CommandGroup[] = ['File', 'Edit', 'Find', 'Go', 'View', 'Help'];

function sendCommand(command: MenuCommand): void {
  const focused = BrowserWindow.getFocusedWindow();
  if (focused) send(focused.webContents, 'menuCommand', command);
}

/**
 * The application menu, built from the command table: the same titles and keys as the palette and
 * the shortcuts sheet. Its accelerators are shown but not registered, so keys reach the renderer's
 * one key handler (which also leaves a text field its own keys); a click sends the command's id.
 */
function buildMenu(): void {
  const items = (group: CommandGroup): MenuItemConstructorOptions[] =>
    commandTable
      // Copy is the system's role below, which text fields need; the view answers its copy event.
      .filter((command) => command.group === group && command.id !== 'edit.copy')
      .flatMap((command): MenuItemConstructorOptions[] => {
        const key = command.keys[0];
        const item: MenuItemConstructorOptions = {
          label: command.title,
          click: () => sendCommand({ command: command.id }),
          ...(key === undefined || isViewKey(key)
            ? {}
            : { accelerator: acceleratorOf(key), registerAccelerator: false }),
        };
        return command.separatorBefore === true ? [{ type: 'separator' }, item] : [item];
      });
  const recent = services.settings.recent().map((path) => services.offers.register(path));
  const recentMenu: MenuItemConstructorOptions = {
    label: 'Recent',
    submenu:
      recent.length === 0
        ? [{ label: 'No recent files', enabled: false }]
        : recent.map((offer) => ({
            label: offer.name,
            toolTip: offer.path,
            click: () => sendCommand({ command: 'file.openRecent', offerId: offer.offerId }),
          })),
  };
  const menu = menuGroups.map((group): MenuItemConstructorOptions => {
    const submenu = items(group);
    if (group === 'File') {
      submenu.splice(1, 0, recentMenu);
      submenu.push({ type: 'separator' }, { role: 'quit' });
    }
    // Text fields (the find bar, go to) need the system's clipboard roles; macOS reaches them only here.
    if (group === 'Edit') submenu.push({ type: 'separator' }, { role: 'cut' }, { role: 'copy' }, { role: 'paste' });
    return { label: group, submenu };
  });
  if (process.platform === 'darwin') menu.unshift({ role: 'appMenu' });
  Menu.setApplicationMenu(Menu.buildFromTemplate(menu));
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
