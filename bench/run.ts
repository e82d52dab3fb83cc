// `npm run bench [-- --file PATH] [--size-mib N]`: prints one JSON object per metric line.
import { mkdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateLog } from './generate';
import { benchRead } from './read';

function parseArgs(argv: readonly string[]): { file?: string; sizeMiB: number } {
  let file: string | undefined;
  let sizeMiB = 1024;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--file') file = argv[++i];
    else if (argv[i] === '--size-mib') sizeMiB = Number(argv[++i]);
    else throw new Error(`unknown argument ${argv[i]}; usage: npm run bench -- [--file PATH] [--size-mib N]`);
  }
  if (!Number.isInteger(sizeMiB) || sizeMiB <= 0) throw new Error('--size-mib takes a positive integer');
  return { file, sizeMiB };
}

function main(): void {
  const { file, sizeMiB } = parseArgs(process.argv.slice(2));
  let path = file;
  if (path === undefined) {
    const dir = join(tmpdir(), 'hexlog-bench');
    mkdirSync(dir, { recursive: true });
    process.stderr.write(`bench: generating a ${sizeMiB} MiB log (once) in ${dir}\n`);
    path = generateLog(join(dir, `log-${sizeMiB}m.log`), sizeMiB << 20);
  }
  const size = statSync(path).size;
  process.stderr.write(`bench: ${path} (${size} bytes)\n`);
  benchRead(path, size);
}

try {
  main();
} catch (error) {
  process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
