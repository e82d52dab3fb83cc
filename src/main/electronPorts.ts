// The part of Electron's API the adapter uses, as narrow typed ports. The real `electron` module
// satisfies them structurally (src/main/index.ts passes it in); tests pass a stub
// (src/main/testing/electronStub.ts), so the adapter runs under Node with the real services.
/* eslint-disable @typescript-eslint/unified-signatures -- one overload per event, as Electron declares
   them: an overload taking a union of events would match none of Electron's, and the real module
   would no longer satisfy the port. */
import type { BrowserWindowConstructorOptions, MenuItemConstructorOptions, Rectangle } from 'electron';

/** An event a listener may cancel (navigation, unload, a webview being attached). */
export interface PreventableEvent {
  preventDefault(): void;
}

export interface WindowOpenDetails {
  readonly url: string;
}

export interface WebContentsPort {
  readonly id: number;
  isDestroyed(): boolean;
  send(channel: string, ...args: unknown[]): void;
  on(event: 'will-navigate', listener: (event: PreventableEvent, url: string) => void): this;
  on(event: 'will-redirect', listener: (event: PreventableEvent, url: string) => void): this;
  on(event: 'will-attach-webview', listener: (event: PreventableEvent) => void): this;
  on(event: 'will-prevent-unload', listener: (event: PreventableEvent) => void): this;
  on(event: 'did-start-loading', listener: () => void): this;
  setWindowOpenHandler(handler: (details: WindowOpenDetails) => { action: 'deny' }): void;
}

export interface WindowPort {
  readonly webContents: WebContentsPort;
  on(event: 'ready-to-show', listener: () => void): this;
  on(event: 'resize', listener: () => void): this;
  on(event: 'move', listener: () => void): this;
  on(event: 'maximize', listener: () => void): this;
  on(event: 'unmaximize', listener: () => void): this;
  on(event: 'close', listener: () => void): this;
  on(event: 'closed', listener: () => void): this;
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
}

export interface WindowClassPort<W extends WindowPort> {
  new (options: BrowserWindowConstructorOptions): W;
  getFocusedWindow(): W | null;
  getAllWindows(): W[];
}

export interface OpenDialogOptionsPort {
  readonly title: string;
  readonly properties: 'openFile'[];
}

export interface SaveDialogOptionsPort {
  readonly title: string;
  readonly defaultPath: string;
}

export interface MessageBoxOptionsPort {
  readonly type: 'question';
  readonly buttons: string[];
  readonly defaultId: number;
  readonly cancelId: number;
  readonly message: string;
  readonly detail: string;
}

export interface DialogPort<W extends WindowPort> {
  showOpenDialog(window: W, options: OpenDialogOptionsPort): Promise<{ canceled: boolean; filePaths: string[] }>;
  showOpenDialog(options: OpenDialogOptionsPort): Promise<{ canceled: boolean; filePaths: string[] }>;
  showSaveDialog(window: W, options: SaveDialogOptionsPort): Promise<{ canceled: boolean; filePath: string }>;
  showSaveDialog(options: SaveDialogOptionsPort): Promise<{ canceled: boolean; filePath: string }>;
  showMessageBoxSync(window: W, options: MessageBoxOptionsPort): number;
}

export interface InvokeEventPort {
  readonly sender: WebContentsPort;
}

export interface IpcMainPort {
  handle(channel: string, listener: (event: InvokeEventPort, ...args: unknown[]) => Promise<unknown>): void;
}

export interface AppPort {
  whenReady(): Promise<void>;
  quit(): void;
  requestSingleInstanceLock(): boolean;
  on(event: 'activate', listener: () => void): this;
  on(event: 'window-all-closed', listener: () => void): this;
  on(event: 'will-quit', listener: () => void): this;
  on(event: 'open-file', listener: (event: PreventableEvent, path: string) => void): this;
  on(
    event: 'second-instance',
    listener: (event: PreventableEvent, argv: string[], workingDirectory: string) => void,
  ): this;
}

export interface MenuPort<M> {
  buildFromTemplate(template: MenuItemConstructorOptions[]): M;
  setApplicationMenu(menu: M): void;
}

export interface HeadersReceivedDetails {
  readonly url: string;
  readonly resourceType: string;
  readonly responseHeaders?: Record<string, string[]>;
}

export interface HeadersReceivedResponse {
  responseHeaders?: Record<string, string | string[]>;
}

export type PermissionRequestHandler = (
  webContents: WebContentsPort,
  permission: string,
  callback: (granted: boolean) => void,
) => void;

export type PermissionCheckHandler = (webContents: WebContentsPort | null, permission: string) => boolean;

export interface SessionPort {
  readonly webRequest: {
    onHeadersReceived(
      listener: (details: HeadersReceivedDetails, callback: (response: HeadersReceivedResponse) => void) => void,
    ): void;
  };
  setPermissionRequestHandler(handler: PermissionRequestHandler): void;
  setPermissionCheckHandler(handler: PermissionCheckHandler): void;
}

/** Everything the adapter takes from Electron. W and M are Electron's window and menu types, or the stub's. */
export interface ElectronPorts<W extends WindowPort, M> {
  readonly app: AppPort;
  readonly BrowserWindow: WindowClassPort<W>;
  readonly dialog: DialogPort<W>;
  readonly ipcMain: IpcMainPort;
  readonly Menu: MenuPort<M>;
  readonly screen: { getAllDisplays(): readonly { readonly workArea: Rectangle }[] };
  readonly shell: { openExternal(url: string): Promise<void> };
  readonly session: { readonly defaultSession: SessionPort };
}
