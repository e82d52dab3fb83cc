// `npm start` needs Electron's binary. Electron (45+) no longer downloads it at install time, so
// fetch it here on first start; where it cannot be downloaded, say what to do instead.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const packageDir = join(import.meta.dirname, '..', 'node_modules', 'electron');
const installed = () => {
  if (process.env.ELECTRON_EXEC_PATH) return existsSync(process.env.ELECTRON_EXEC_PATH);
  const pathFile = join(packageDir, 'path.txt');
  return existsSync(pathFile) && existsSync(join(packageDir, 'dist', readFileSync(pathFile, 'utf8').trim()));
};

if (!installed()) {
  console.error('hexlog: downloading Electron (first start only)…');
  const result = spawnSync(process.execPath, [join(packageDir, 'install.js')], { stdio: 'inherit' });
  if (result.status !== 0 || !installed()) {
    console.error(
      '\nhexlog: Electron could not be downloaded, so the desktop window cannot start here.\n' +
        'Run the same app in a browser instead:  npm run web -- FILE...\n' +
        'or set ELECTRON_EXEC_PATH to an Electron binary you have.',
    );
    process.exit(1);
  }
}
