// Builds the services shared by the Electron adapter and the browser host.
import type { Disposable } from '../../shared/disposable';
import { createDispatch, type Dispatch, type HostPorts } from './handlers';
import { OfferList } from './offers';
import { MAX_SESSIONS_PER_OWNER, SessionRegistry } from './sessionRegistry';
import { SettingsStore } from './settings';
import { sweepStaleCaches } from './compressed';

export interface Services extends Disposable {
  readonly sessions: SessionRegistry;
  readonly offers: OfferList;
  readonly settings: SettingsStore;
  readonly dispatch: Dispatch;
}

export interface ServiceLimits {
  /** Most files one window or connection may hold open (default MAX_SESSIONS_PER_OWNER, 64). */
  readonly maxSessionsPerOwner?: number;
}

export interface ServiceOptions extends ServiceLimits {
  /** The settings file (created when first written); null or absent keeps settings in memory. */
  readonly settingsPath?: string | null;
  /** Where the services say what went wrong outside any request (a settings file set aside). */
  readonly log?: (line: string) => void;
}

let cachesSwept = false;

export function createServices(host: HostPorts, limits: ServiceOptions = {}): Services {
  // Decompressed copies left by a process that died (a crash, a kill) are removed once per process.
  if (!cachesSwept) {
    cachesSwept = true;
    void sweepStaleCaches();
  }
  const sessions = new SessionRegistry(
    (owner) => (name, payload) => host.emit(owner, name, payload),
    limits.maxSessionsPerOwner ?? MAX_SESSIONS_PER_OWNER,
  );
  const offers = new OfferList();
  const settings = new SettingsStore(limits.settingsPath ?? null, limits.log);
  return {
    sessions,
    offers,
    settings,
    dispatch: createDispatch({ sessions, offers, settings, host }),
    dispose: () => {
      sessions.dispose();
      settings.dispose();
    },
  };
}

export type { CallContext, Dispatch, HostPorts } from './handlers';
