// The files named on a command line: after the executable (packaged) or after `electron .` (not
// packaged, where argv[1] is the app's folder); flags and `.` are not files. Relative names are
// resolved where the command ran (a second instance may run elsewhere than the first).
import { resolve } from 'node:path';

export function filesFromArgv(argv: readonly string[], isPackaged: boolean, workingDirectory: string): string[] {
  return argv
    .slice(isPackaged ? 1 : 2)
    .filter((arg) => arg !== '' && !arg.startsWith('-') && arg !== '.')
    .map((arg) => resolve(workingDirectory, arg));
}
