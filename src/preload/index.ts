// Exposes the typed contract to the renderer as `window.hexlog`, and nothing else.
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import { createApi } from '../shared/api';
import { eventNames, ipcChannel, type RequestName } from '../shared/contract';
import { err, isResult, type Result } from '../shared/result';

async function invoke(name: RequestName, args: readonly unknown[]): Promise<Result<unknown>> {
  try {
    const answer: unknown = await ipcRenderer.invoke(ipcChannel(name), ...args);
    return isResult(answer) ? answer : err('EINTERNAL', `malformed answer to ${name}`);
  } catch (error) {
    return err('EINTERNAL', error instanceof Error ? error.message : String(error));
  }
}

const api = createApi({
  invoke,
  subscribe: (event, listener) => {
    if (!eventNames.includes(event)) return () => undefined;
    const wrapped = (_event: IpcRendererEvent, payload: unknown): void => listener(payload);
    ipcRenderer.on(ipcChannel(event), wrapped);
    return () => {
      ipcRenderer.removeListener(ipcChannel(event), wrapped);
    };
  },
  openDropped: async (file) => {
    const path = webUtils.getPathForFile(file);
    if (!path) return err('EINVAL', 'the dropped item is not a file on disk');
    return (await invoke('openDroppedPath', [path])) as Awaited<ReturnType<typeof api.openDropped>>;
  },
});

contextBridge.exposeInMainWorld('hexlog', api);
