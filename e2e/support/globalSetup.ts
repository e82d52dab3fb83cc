// Builds the renderer once for every e2e spec; the specs start the browser host on the build.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export default function setup(): void {
  if (process.env['HEXLOG_E2E_SKIP_BUILD'] !== '1' || !existsSync(join(process.cwd(), 'out/renderer/index.html'))) {
    execFileSync(join(process.cwd(), 'node_modules/.bin/electron-vite'), ['build'], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  }
}
