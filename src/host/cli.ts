// `npm run web -- [--port N] FILE...`: prints the URL (with its token) as the first line of stdout.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { startHost } from './server';

const usage = 'usage: npm run web -- [--port N] [--config-dir DIR] [--merge] FILE...';

/** The browser host's own settings: --config-dir, else HEXLOG_CONFIG_DIR, else $XDG_CONFIG_HOME/hexlog. */
function configDir(flag: string | undefined): string {
  if (flag !== undefined) return resolve(flag);
  const fromEnv = process.env['HEXLOG_CONFIG_DIR'];
  if (fromEnv !== undefined && fromEnv !== '') return resolve(fromEnv);
  const xdg = process.env['XDG_CONFIG_HOME'];
  return join(xdg !== undefined && xdg.startsWith('/') ? xdg : join(homedir(), '.config'), 'hexlog');
}

function parseArgs(argv: readonly string[]): {
  port: number;
  files: string[];
  config: string | undefined;
  merge: boolean;
} {
  const files: string[] = [];
  let port = 0;
  let merge = false;
  let config: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--port') {
      const value = Number(argv[++i]);
      if (!Number.isInteger(value) || value < 0 || value > 65535) throw new Error(`--port takes 0-65535\n${usage}`);
      port = value;
    } else if (arg === '--config-dir') {
      const value = argv[++i];
      if (value === undefined || value === '') throw new Error(`--config-dir takes a folder\n${usage}`);
      config = value;
    } else if (arg === '--merge') {
      merge = true;
    } else if (arg === '--help' || arg === '-h') {
      throw new Error(usage);
    } else {
      files.push(arg);
    }
  }
  if (files.length === 0) throw new Error(`name at least one file to open\n${usage}`);
  if (merge && files.length < 2) throw new Error(`--merge takes two or more files\n${usage}`);
  return { port, files, config, merge };
}

async function main(): Promise<void> {
  const { port, files, config, merge } = parseArgs(process.argv.slice(2));
  const rendererDir = resolve(process.env['HEXLOG_RENDERER_DIR'] ?? join(__dirname, '../../out/renderer'));
  if (!existsSync(join(rendererDir, 'index.html'))) {
    throw new Error(`no built renderer in ${rendererDir}: run \`npm run build\` first`);
  }
  const host = await startHost({
    files,
    port,
    rendererDir,
    settingsPath: join(configDir(config), 'web-settings.json'),
    merge,
    log: (line) => process.stderr.write(`${line}\n`),
  });
  process.stdout.write(`${host.url}\n`);
  const stop = (): void => {
    void host.close().finally(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`hexlog web: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(2);
});
