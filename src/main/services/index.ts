// Builds the services shared by the Electron adapter and the browser host.
import type { Disposable } from '../../shared/disposable';
import { createDispatch, type Dispatch, type HostPorts } from './handlers';
import { OfferList } from './offers';
import { MAX_SESSIONS_PER_OWNER, SessionRegistry } from './sessionRegistry';

export interface Services extends Disposable {
  readonly sessions: SessionRegistry;
  readonly offers: OfferList;
  readonly dispatch: Dispatch;
}

export interface ServiceLimits {
  /** Most files one window or connection may hold open (default MAX_SESSIONS_PER_OWNER, 64). */
  readonly maxSessionsPerOwner?: number;
}

export function createServices(host: HostPorts, limits: ServiceLimits = {}): Services {
  const sessions = new SessionRegistry(
    (owner) => (name, payload) => host.emit(owner, name, payload),
    limits.maxSessionsPerOwner ?? MAX_SESSIONS_PER_OWNER,
  );
  const offers = new OfferList();
  return {
    sessions,
    offers,
    dispatch: createDispatch({ sessions, offers, host }),
    dispose: () => sessions.dispose(),
  };
}

export type { CallContext, Dispatch, HostPorts } from './handlers';
