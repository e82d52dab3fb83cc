// Where "Save a copy" (or an export) writes when there is no dialog: beside the file, under a name
// not yet taken (name.edited.log, name.filtered.log, ...).
import { existsSync } from 'node:fs';
import { extname } from 'node:path';

export function copyPathBeside(original: string, tag = 'edited', newExtension?: string): string {
  const own = extname(original);
  const stem = own === '' ? original : original.slice(0, -own.length);
  const extension = newExtension ?? own;
  for (let n = 1; ; n++) {
    const candidate = `${stem}.${tag}${n === 1 ? '' : `-${n}`}${extension}`;
    if (!existsSync(candidate)) return candidate;
  }
}
