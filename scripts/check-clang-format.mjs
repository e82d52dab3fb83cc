// Checks (or with --fix, applies) clang-format on the addon's C++ sources.
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const sources = [];
const walk = (dir) => {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) walk(path);
    else if (/\.(cc|h)$/.test(entry.name)) sources.push(path);
  }
};
walk(join(root, 'native/src'));
walk(join(root, 'native/test'));

const binary = join(root, 'node_modules/.bin/clang-format');
const args = process.argv.includes('--fix') ? ['-i', ...sources] : ['--dry-run', '--Werror', ...sources];
try {
  execFileSync(binary, args, { stdio: 'inherit' });
} catch {
  console.error('clang-format: sources are not formatted; run `npm run format`');
  process.exit(1);
}
