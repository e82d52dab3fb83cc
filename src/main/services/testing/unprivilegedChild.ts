// Child process for the permission tests, run as an unprivileged user (root ignores permission bits,
// so a test run as root proves nothing). Does one thing and prints one JSON line,
//   {"uid": <its uid>, "ok": true, "value": ...}  or  {"uid": <its uid>, "ok": false, "code": ..., "message": ...}
//   node --import tsx unprivilegedChild.ts commit   <file> <seed> <fileSize> <editCount>
//   node --import tsx unprivilegedChild.ts saveCopy <file> <seed> <fileSize> <editCount> <dest>
//   node --import tsx unprivilegedChild.ts open     <file>          (the addon's openMapped, read-only)
//   node --import tsx unprivilegedChild.ts settings <file>          (a settings store: change, flush)
import { statSync } from 'node:fs';

import { isNativeError, openMapped } from '../../../../native/index';
import type { PendingEdit } from '../../../shared/editModel';
import { commitEdits, saveCopy } from '../commit';
import { SettingsStore } from '../settings';
import { commitFixture } from './commitFixture';

type Outcome =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly code: string; readonly message: string };

async function run(args: readonly string[]): Promise<Outcome> {
  const [scenario, path, seed, fileSize, editCount, dest] = args;
  if (path === undefined)
    return { ok: false, code: 'USAGE', message: 'unprivilegedChild.ts commit|saveCopy|open <file>' };
  const edits = (): readonly PendingEdit[] => commitFixture(Number(seed), Number(fileSize), Number(editCount)).edits;
  switch (scenario) {
    case 'commit': {
      const { size, dev, ino, mtimeMs } = statSync(path);
      return commitEdits(path, edits(), { size, dev, ino, mtimeMs });
    }
    case 'saveCopy':
      if (dest === undefined) return { ok: false, code: 'USAGE', message: 'saveCopy needs a destination' };
      return saveCopy(path, edits(), dest);
    case 'open':
      try {
        openMapped(path, 'readonly').close();
        return { ok: true, value: null };
      } catch (error) {
        if (!isNativeError(error)) throw error;
        return { ok: false, code: error.code, message: error.message };
      }
    case 'settings': {
      const store = new SettingsStore(path);
      const theme = store.update({ theme: 'dark' }).settings.theme;
      store.flush();
      const notice = store.takeNotice();
      store.dispose();
      return { ok: true, value: { theme, notice, after: store.settings.theme } };
    }
    default:
      return { ok: false, code: 'USAGE', message: `unknown scenario ${scenario}` };
  }
}

// No top-level await: tsx runs this file as CommonJS.
void run(process.argv.slice(2)).then((outcome) => {
  process.stdout.write(`${JSON.stringify({ uid: process.getuid?.(), ...outcome })}\n`);
});
