// Builds the renderer's typed API from any transport (Electron IPC or the browser host's socket),
// so both present exactly the contract and nothing else.
import {
  requestNames,
  type EventName,
  type Events,
  type FileInfo,
  type HexlogApi,
  type RequestName,
  type Unsubscribe,
} from './contract';
import type { Result } from './result';

export interface Transport {
  invoke(name: RequestName, args: readonly unknown[]): Promise<Result<unknown>>;
  subscribe(event: EventName, listener: (payload: unknown) => void): Unsubscribe;
  openDropped(file: File): Promise<Result<FileInfo>>;
}

export function createApi(transport: Transport): HexlogApi {
  const api: Record<string, unknown> = {};
  for (const name of requestNames) {
    if (name !== 'openDroppedPath') api[name] = (...args: unknown[]) => transport.invoke(name, args);
  }
  api['openDropped'] = (file: File) => transport.openDropped(file);
  api['on'] = <E extends EventName>(event: E, listener: (payload: Events[E]) => void): Unsubscribe =>
    transport.subscribe(event, (payload) => listener(payload as Events[E]));
  // Each entry above is the transport call for the channel of the same name, as the contract types it.
  return api as unknown as HexlogApi;
}
