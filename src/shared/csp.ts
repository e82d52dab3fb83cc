// The page's Content-Security-Policy: one string for the <meta> in src/renderer/index.html (checked
// equal by src/main/windowGuards.test.ts) and the header the Electron adapter adds to responses.
// connect-src allows the browser host's loopback WebSocket; the Electron window never opens one.
export const contentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self' ws://127.0.0.1:*",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');
