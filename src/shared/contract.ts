// The one contract for every channel between the renderer and the main process. The Electron
// adapter, the preload, the browser host and the renderer all derive their types from here.
import type { Result } from './result';
import type { ByteCount, ByteOffset, SessionId } from './units';

/** An open file as the renderer knows it. */
export interface FileInfo {
  readonly session: SessionId;
  readonly name: string;
  readonly path: string;
  readonly size: ByteCount;
  readonly writable: boolean;
}

/** A file the user named outside the renderer (command line, dialog, recent list); opened by id. */
export interface OfferedFile {
  readonly offerId: number;
  readonly name: string;
  readonly path: string;
}

/** What the file on disk looks like now compared with when it was opened. */
export interface FileStatus {
  readonly session: SessionId;
  readonly mappedSize: ByteCount;
  /** -1 when the path no longer exists. */
  readonly currentSize: number;
  readonly state: 'unchanged' | 'grown' | 'shrunk' | 'modified' | 'replaced' | 'vanished';
}

export interface HostInfo {
  readonly kind: 'electron' | 'browser';
  /** Electron shows a native open dialog; the browser host offers only its command-line files. */
  readonly nativeOpenDialog: boolean;
  readonly acceptsDroppedFiles: boolean;
}

/** Largest slice one readBytes call may ask for. */
export const MAX_READ_BYTES = 16 * 1024 * 1024;

/** Request channels: the arguments the renderer sends and the value it gets back. */
export interface Requests {
  hostInfo: { args: []; result: HostInfo };
  listOffered: { args: []; result: readonly OfferedFile[] };
  openOffered: { args: [offerId: number]; result: FileInfo };
  openDialog: { args: []; result: FileInfo | null };
  /** Only the Electron preload calls this, with the path of a file the user dropped. */
  openDroppedPath: { args: [path: string]; result: FileInfo };
  closeFile: { args: [session: SessionId]; result: null };
  readBytes: { args: [session: SessionId, offset: ByteOffset, length: ByteCount]; result: Uint8Array };
  fileStatus: { args: [session: SessionId]; result: FileStatus };
}
export type RequestName = keyof Requests;
export type RequestArgs<K extends RequestName> = Requests[K]['args'];
export type RequestResult<K extends RequestName> = Requests[K]['result'];

export const requestNames: readonly RequestName[] = [
  'hostInfo',
  'listOffered',
  'openOffered',
  'openDialog',
  'openDroppedPath',
  'closeFile',
  'readBytes',
  'fileStatus',
];

export type MenuCommand = 'open' | 'close';

/** Events the main process pushes to the renderer. */
export interface Events {
  offersChanged: readonly OfferedFile[];
  menuCommand: MenuCommand;
}
export type EventName = keyof Events;
export const eventNames: readonly EventName[] = ['offersChanged', 'menuCommand'];

export type Unsubscribe = () => void;

type InvokeApi = {
  [K in RequestName]: (...args: RequestArgs<K>) => Promise<Result<RequestResult<K>>>;
};

/** What the renderer sees as `window.hexlog`: typed functions and event subscriptions, nothing else. */
export type HexlogApi = Omit<InvokeApi, 'openDroppedPath'> & {
  /** Opens a file the user dropped on the window (Electron only; the browser host refuses). */
  openDropped(file: File): Promise<Result<FileInfo>>;
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): Unsubscribe;
};

/** The IPC channel string for a request or event name. */
export const ipcChannel = (name: RequestName | EventName): string => `hexlog:${name}`;

export function isRequestName(value: unknown): value is RequestName {
  return typeof value === 'string' && (requestNames as readonly string[]).includes(value);
}
