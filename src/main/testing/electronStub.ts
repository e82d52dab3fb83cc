// A typed stand-in for the part of Electron the adapter uses (src/main/electronPorts.ts). It records
// what the adapter asks for (window options, handlers, channels, headers) and lets a test play the
// user and the system: invoke a channel as a window, emit a window's events, answer a dialog.
import type { BrowserWindowConstructorOptions, MenuItemConstructorOptions, Rectangle } from 'electron';
import type {
  AppPort,
  ElectronPorts,
  HeadersReceivedDetails,
  HeadersReceivedResponse,
  InvokeEventPort,
  OpenDialogOptionsPort,
  PermissionCheckHandler,
  PermissionRequestHandler,
  SaveDialogOptionsPort,
  WindowOpenDetails,
} from '../electronPorts';

type Listener = (...args: never[]) => void;

/** Listeners by event name; emit passes whatever the event carries. */
class Listeners {
  private readonly byEvent = new Map<string, Listener[]>();

  add(event: string, listener: Listener): void {
    this.byEvent.set(event, [...(this.byEvent.get(event) ?? []), listener]);
  }

  count(event: string): number {
    return this.byEvent.get(event)?.length ?? 0;
  }

  emit(event: string, ...args: unknown[]): void {
    // The adapter registered each listener for this event's own arguments, which the test passes.
    for (const listener of this.byEvent.get(event) ?? []) (listener as (...given: unknown[]) => void)(...args);
  }
}

/** An event whose default a listener may prevent; `prevented` tells whether one did. */
export class StubEvent {
  prevented = false;
  preventDefault(): void {
    this.prevented = true;
  }
}

export interface SentMessage {
  readonly channel: string;
  readonly args: readonly unknown[];
}

let nextContentsId = 1;

export class StubWebContents {
  readonly id = nextContentsId++;
  readonly sent: SentMessage[] = [];
  readonly listeners = new Listeners();
  windowOpenHandler: ((details: WindowOpenDetails) => { action: 'deny' }) | null = null;
  destroyed = false;

  isDestroyed(): boolean {
    return this.destroyed;
  }
  send(channel: string, ...args: unknown[]): void {
    if (this.destroyed) throw new Error('send to destroyed webContents');
    this.sent.push({ channel, args });
  }
  on(event: string, listener: Listener): this {
    this.listeners.add(event, listener);
    return this;
  }
  setWindowOpenHandler(handler: (details: WindowOpenDetails) => { action: 'deny' }): void {
    this.windowOpenHandler = handler;
  }
  /** Emits a cancellable event (will-navigate, …) and answers whether a listener prevented it. */
  emitPreventable(event: string, ...args: unknown[]): boolean {
    const stubEvent = new StubEvent();
    this.listeners.emit(event, stubEvent, ...args);
    return stubEvent.prevented;
  }
  /** The payloads sent on one channel, oldest first. */
  sentOn(channel: string): unknown[] {
    return this.sent.filter((message) => message.channel === channel).map((message) => message.args[0]);
  }
}

export interface StubWindow {
  readonly options: BrowserWindowConstructorOptions;
  readonly webContents: StubWebContents;
  readonly listeners: Listeners;
  readonly loaded: { readonly url?: string; readonly file?: string }[];
  shown: boolean;
  focused: number;
  minimized: boolean;
  destroyed: boolean;
  on(event: string, listener: Listener): StubWindow;
  show(): void;
  focus(): void;
  restore(): void;
  isMinimized(): boolean;
  maximize(): void;
  isMaximized(): boolean;
  isDestroyed(): boolean;
  getNormalBounds(): Rectangle;
  loadURL(url: string): Promise<void>;
  loadFile(path: string): Promise<void>;
  /** Closes as the user would: close, then closed, and the page is gone. */
  close(): void;
}

export interface StubMenu {
  readonly template: MenuItemConstructorOptions[];
}

export interface DialogCall {
  readonly parent: StubWindow | null;
  readonly options: OpenDialogOptionsPort | SaveDialogOptionsPort;
}

export interface ElectronStub extends ElectronPorts<StubWindow, StubMenu> {
  /** Also what src/main/index.ts reads from `app` before it starts the adapter. */
  readonly app: AppPort & { getPath(name: string): string; isPackaged: boolean };
  /** What app.getPath('userData') answers. */
  userDataDir: string;
  readonly windows: StubWindow[];
  readonly handlers: Map<string, (event: InvokeEventPort, ...args: unknown[]) => Promise<unknown>>;
  readonly appListeners: Listeners;
  readonly openedExternally: string[];
  readonly dialogCalls: DialogCall[];
  readonly menus: StubMenu[];
  /** What the next open dialog answers: a path, or null for Cancel. */
  nextOpenPick: string | null;
  /** Whether requestSingleInstanceLock succeeds (false: another instance runs). */
  primaryInstance: boolean;
  quitCount: number;
  headersListener:
    ((details: HeadersReceivedDetails, callback: (response: HeadersReceivedResponse) => void) => void) | null;
  permissionRequest: PermissionRequestHandler | null;
  permissionCheck: PermissionCheckHandler | null;
  /** Calls a registered ipcMain handler as `sender` would through ipcRenderer.invoke. */
  invoke(channel: string, sender: StubWebContents, ...args: unknown[]): Promise<unknown>;
}

export function createElectronStub(): ElectronStub {
  const windows: StubWindow[] = [];
  const handlers = new Map<string, (event: InvokeEventPort, ...args: unknown[]) => Promise<unknown>>();
  const appListeners = new Listeners();

  class Window implements StubWindow {
    readonly webContents = new StubWebContents();
    readonly listeners = new Listeners();
    readonly loaded: { url?: string; file?: string }[] = [];
    shown = false;
    focused = 0;
    minimized = false;
    maximized = false;
    destroyed = false;

    constructor(readonly options: BrowserWindowConstructorOptions) {
      windows.push(this);
    }
    static getFocusedWindow(): StubWindow | null {
      return windows.find((window) => !window.destroyed && window.focused > 0) ?? null;
    }
    static getAllWindows(): StubWindow[] {
      return windows.filter((window) => !window.destroyed);
    }
    on(event: string, listener: Listener): this {
      this.listeners.add(event, listener);
      return this;
    }
    show(): void {
      this.shown = true;
    }
    focus(): void {
      this.focused += 1;
    }
    restore(): void {
      this.minimized = false;
    }
    isMinimized(): boolean {
      return this.minimized;
    }
    maximize(): void {
      this.maximized = true;
    }
    isMaximized(): boolean {
      return this.maximized;
    }
    isDestroyed(): boolean {
      return this.destroyed;
    }
    getNormalBounds(): Rectangle {
      return { x: 0, y: 0, width: 1280, height: 800 };
    }
    loadURL(url: string): Promise<void> {
      this.loaded.push({ url });
      return Promise.resolve();
    }
    loadFile(path: string): Promise<void> {
      this.loaded.push({ file: path });
      return Promise.resolve();
    }
    close(): void {
      this.listeners.emit('close', new StubEvent());
      this.destroyed = true;
      this.webContents.destroyed = true;
      this.listeners.emit('closed');
    }
  }

  const stub: ElectronStub = {
    windows,
    handlers,
    appListeners,
    openedExternally: [],
    dialogCalls: [],
    menus: [],
    nextOpenPick: null,
    userDataDir: '',
    primaryInstance: true,
    quitCount: 0,
    headersListener: null,
    permissionRequest: null,
    permissionCheck: null,
    app: {
      isPackaged: false,
      getPath: (name) => {
        if (name !== 'userData' || stub.userDataDir === '') throw new Error(`the stub has no ${name} path`);
        return stub.userDataDir;
      },
      whenReady: () => Promise.resolve(),
      quit: () => {
        stub.quitCount += 1;
      },
      requestSingleInstanceLock: () => stub.primaryInstance,
      on(event: string, listener: Listener) {
        appListeners.add(event, listener);
        return this;
      },
    },
    BrowserWindow: Window,
    dialog: {
      showOpenDialog(...args: [StubWindow, OpenDialogOptionsPort] | [OpenDialogOptionsPort]) {
        const [parent, options] = args.length === 2 ? args : [null, args[0]];
        stub.dialogCalls.push({ parent, options });
        const pick = stub.nextOpenPick;
        return Promise.resolve({ canceled: pick === null, filePaths: pick === null ? [] : [pick] });
      },
      showSaveDialog(...args: [StubWindow, SaveDialogOptionsPort] | [SaveDialogOptionsPort]) {
        const [parent, options] = args.length === 2 ? args : [null, args[0]];
        stub.dialogCalls.push({ parent, options });
        return Promise.resolve({ canceled: true, filePath: '' });
      },
      // Cancel: the page keeps its edits.
      showMessageBoxSync: () => 1,
    },
    ipcMain: {
      handle: (channel, listener) => {
        if (handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
        handlers.set(channel, listener);
      },
    },
    Menu: {
      buildFromTemplate: (template) => ({ template }),
      setApplicationMenu: (menu) => {
        stub.menus.push(menu);
      },
    },
    screen: { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }] },
    shell: {
      openExternal: (url) => {
        stub.openedExternally.push(url);
        return Promise.resolve();
      },
    },
    session: {
      defaultSession: {
        webRequest: {
          onHeadersReceived: (listener) => {
            stub.headersListener = listener;
          },
        },
        setPermissionRequestHandler: (handler) => {
          stub.permissionRequest = handler;
        },
        setPermissionCheckHandler: (handler) => {
          stub.permissionCheck = handler;
        },
      },
    },
    invoke: (channel, sender, ...args) => {
      const handler = handlers.get(channel);
      if (handler === undefined) return Promise.reject(new Error(`No handler registered for '${channel}'`));
      return handler({ sender }, ...args);
    },
  };
  return stub;
}
