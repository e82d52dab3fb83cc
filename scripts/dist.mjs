// Packages hexlog for the system it runs on (electron-builder cannot cross-build a native addon):
// builds the addon with PCRE2 linked in (HEXLOG_PCRE2_LINK=static; on macOS for x64 and arm64,
// merged with lipo), checks it needs no PCRE2 library at run time, builds the app with
// electron-vite and runs electron-builder with electron-builder.yml. docs/packaging.md explains.
// Usage: node scripts/dist.mjs [--linux|--mac|--win] [more electron-builder arguments]
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const addon = join(root, 'native', 'build', 'Release', 'hexlog_native.node');
const hosts = { linux: '--linux', darwin: '--mac', win32: '--win' };
const host = hosts[process.platform];
const args = process.argv.slice(2);
const target = args.find((arg) => Object.values(hosts).includes(arg)) ?? host;
const builderArgs = args.filter((arg) => arg !== target);

function fail(message) {
  console.error(`dist: ${message}`);
  process.exit(1);
}

function run(command, commandArgs, env = process.env) {
  console.error(`dist: ${command} ${commandArgs.join(' ')}`);
  // npm and npx are .cmd files on Windows, which Node only starts through a shell.
  const result = spawnSync(command, commandArgs, {
    cwd: root,
    env,
    stdio: 'inherit',
    shell: process.platform === 'win32',
  });
  if (result.status !== 0)
    fail(`${command} ${commandArgs.join(' ')} failed (${result.error?.message ?? `exit ${result.status}`})`);
}

function output(command, commandArgs) {
  const result = spawnSync(command, commandArgs, { encoding: 'utf8' });
  return result.status === 0 ? result.stdout : null;
}

if (host === undefined) fail(`no packaging for ${process.platform}`);
if (target !== host)
  fail(`${target} packages only on that system: the native addon is built for the system that builds it`);

const staticEnv = { ...process.env, HEXLOG_PCRE2_LINK: 'static' };
if (target === '--mac') {
  // One fat addon for the universal app: build each half, then lipo.
  const halves = [];
  for (const arch of ['x64', 'arm64']) {
    run('npm', ['run', 'build:native', '--', `--arch=${arch}`], staticEnv);
    const half = join(root, 'native', 'build', `hexlog_native-${arch}.node`);
    copyFileSync(addon, half);
    halves.push(half);
  }
  mkdirSync(join(root, 'native', 'build', 'Release'), { recursive: true });
  run('lipo', ['-create', '-output', addon, ...halves]);
  const archs = output('lipo', ['-archs', addon])?.trim().split(/\s+/).sort().join(' ');
  if (archs !== 'arm64 x86_64')
    fail(`the merged addon holds ${archs ?? 'nothing lipo can read'}, not arm64 and x86_64`);
} else {
  run('npm', ['run', 'build:native'], staticEnv);
}

// The addon must not ask for a PCRE2 library the user's machine may not have.
const linked =
  target === '--linux' ? output('readelf', ['-d', addon]) : target === '--mac' ? output('otool', ['-L', addon]) : null;
if (linked !== null && /pcre2/i.test(linked)) fail(`${addon} still links PCRE2 dynamically:\n${linked}`);
if (linked === null && target !== '--win') console.error('dist: readelf/otool not found; the addon was not checked');

run('npm', ['run', 'build']);
// Extra arguments right after the platform, so that `--linux dir` still names a target.
run('npx', ['electron-builder', target, ...builderArgs, '--publish', 'never']);
