// What the window's page may do: never navigate, never open a window or a webview, only the
// clipboard among the permissions, and always under our Content-Security-Policy.
import { contentSecurityPolicy } from '../shared/csp';
import type {
  HeadersReceivedDetails,
  HeadersReceivedResponse,
  PermissionCheckHandler,
  PermissionRequestHandler,
  WebContentsPort,
  WindowOpenDetails,
} from './electronPorts';

/** Links the page asks to open go to the system browser, and only these schemes. */
export function isExternalLink(url: string): boolean {
  try {
    const { protocol } = new URL(url);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

/** The page stays the app: navigations, redirects and webviews are refused; new windows are denied. */
export function guardContents(contents: WebContentsPort, openExternal: (url: string) => Promise<void>): void {
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(windowOpenHandler(openExternal));
}

export function windowOpenHandler(
  openExternal: (url: string) => Promise<void>,
): (details: WindowOpenDetails) => { action: 'deny' } {
  return ({ url }) => {
    if (isExternalLink(url)) {
      openExternal(url).catch((error: unknown) => console.warn(`hexlog: could not open ${url}: ${String(error)}`));
    }
    return { action: 'deny' };
  };
}

/**
 * Adds our policy to every response, replacing any other. Chromium honours a CSP header on http(s)
 * (the dev server); for file:// it depends on the Electron version, so index.html also carries it.
 */
export function withContentSecurityPolicy(details: HeadersReceivedDetails): HeadersReceivedResponse {
  const responseHeaders: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(details.responseHeaders ?? {})) {
    if (name.toLowerCase() !== 'content-security-policy') responseHeaders[name] = value;
  }
  responseHeaders['Content-Security-Policy'] = [contentSecurityPolicy];
  return { responseHeaders };
}

/** Copy and paste use the async clipboard; nothing else (camera, notifications, …) is granted. */
export const grantedPermissions: ReadonlySet<string> = new Set(['clipboard-read', 'clipboard-sanitized-write']);

export const permissionRequestHandler: PermissionRequestHandler = (_contents, permission, callback) =>
  callback(grantedPermissions.has(permission));

export const permissionCheckHandler: PermissionCheckHandler = (_contents, permission) =>
  grantedPermissions.has(permission);
