// The renderer's one way to the main process: the preload's `window.hexlog` in Electron, or the
// browser host's WebSocket when the page is served by `npm run web`.
import { createApi } from '../../shared/api';
import type { HexlogApi } from '../../shared/contract';
import { createWsTransport } from './wsTransport';

declare global {
  interface Window {
    hexlog?: HexlogApi;
  }
}

let api: HexlogApi | undefined;

export function getApi(): HexlogApi {
  if (api !== undefined) return api;
  if (window.hexlog !== undefined) {
    api = window.hexlog;
  } else {
    const token = new URLSearchParams(window.location.search).get('token') ?? '';
    const scheme = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
    api = createApi(createWsTransport(`${scheme}//${window.location.host}/ws?token=${encodeURIComponent(token)}`));
  }
  return api;
}
