// `npm run test:windows-core`: cross-builds the C++ core (native/src/core, with platform_win.cc in
// place of platform_posix.cc) and its test driver (native/test/windows_core_test.cc) with
// mingw-w64, and runs the driver under Wine. Where the toolchain or Wine is missing, or Wine
// cannot start, it prints one line saying the step was skipped and why, and exits 0. On Windows
// itself it builds the same sources with MSVC (cl on PATH) and runs the driver natively.
//
// Run as root (as CI machines here are), the driver runs as the unprivileged user `nobody`, so
// its permission checks (a read-only file opened for writing) mean something.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { createHash } from 'node:crypto';

const root = join(import.meta.dirname, '..');
const core = join(root, 'native', 'src', 'core');
const driverSource = join(root, 'native', 'test', 'windows_core_test.cc');
const out = join(root, 'native', 'build', 'windows');
const exe = join(out, 'windows_core_test.exe');

function skip(reason) {
  console.log(`windows-core: skipped: ${reason}`);
  process.exit(0);
}

function onPath(command) {
  if (process.platform === 'win32') return spawnSync('where', [command], { stdio: 'ignore' }).status === 0;
  return spawnSync('sh', ['-c', `command -v "$1"`, 'sh', command], { encoding: 'utf8' }).status === 0;
}

const sources = readdirSync(core)
  .filter((name) => name.endsWith('.cc') && name !== 'platform_posix.cc')
  .map((name) => join(core, name));

// ---- On Windows itself: build with MSVC and run the driver directly ----
if (process.platform === 'win32') {
  if (!onPath('cl')) skip('no MSVC compiler (cl) on PATH: run from a Developer Command Prompt');
  mkdirSync(out, { recursive: true });
  // Git's bash puts its own /usr/bin/link.exe first on PATH; cl must find MSVC's linker instead.
  const pathKey = Object.keys(process.env).find((key) => key.toUpperCase() === 'PATH') ?? 'PATH';
  const entries = (process.env[pathKey] ?? '').split(';');
  const isVisualStudio = (entry) => /Microsoft Visual Studio|Windows Kits/i.test(entry);
  process.env[pathKey] = [...entries.filter(isVisualStudio), ...entries.filter((e) => !isVisualStudio(e))].join(';');
  const built = spawnSync(
    'cl',
    [
      '/nologo',
      '/std:c++17',
      '/EHsc',
      '/O1',
      '/W3',
      '/utf-8',
      `/I${join(root, 'native', 'src')}`,
      `/Fo${out}\\`,
      `/Fe${exe}`,
      driverSource,
      ...sources,
    ],
    { stdio: 'inherit' },
  );
  if (built.status !== 0) {
    console.error('windows-core: the MSVC build failed (see the compiler output above)');
    process.exit(1);
  }
  // The host-truncation step below needs Wine; on Windows a mapped file cannot be truncated.
  const tests = spawnSync(exe, [], { stdio: 'inherit', timeout: 600_000 });
  process.exit(tests.status ?? 1);
}

// std::thread needs the posix thread model of mingw-w64's GCC (Debian: g++-mingw-w64-x86-64-posix).
const compiler = ['x86_64-w64-mingw32-g++-posix', 'x86_64-w64-mingw32-g++'].find(onPath);
if (compiler === undefined) skip('no mingw-w64 C++ compiler (apt-get install g++-mingw-w64-x86-64-posix)');
const wine = ['wine', 'wine64'].find(onPath);
if (wine === undefined) skip('no Wine (apt-get install wine64)');

// ---- PCRE2 for the regex search: Debian's source of the version Debian 12 ships, built once ----
const pcre2Version = '10.42';
// From Debian's pcre2_10.42-1.dsc (Checksums-Sha256).
const pcre2Sha256 = 'c33b418e3b936ee3153de2c61cc638e7e4fe3156022a5c77d0711bcbb9d64f1f';
const pcre2Url = `http://deb.debian.org/debian/pool/main/p/pcre2/pcre2_${pcre2Version}.orig.tar.gz`;

/** The include folder and static library of PCRE2 cross-built for Windows, or a reason why not. */
async function windowsPcre2() {
  const dir = join(out, `pcre2-${pcre2Version}`);
  const build = join(dir, 'build-mingw');
  const library = join(build, 'libpcre2-8.a');
  if (existsSync(library)) return { include: build, library };
  let tarball;
  try {
    if (process.env.HEXLOG_PCRE2_SOURCE) {
      tarball = readFileSync(process.env.HEXLOG_PCRE2_SOURCE);
    } else {
      const response = await fetch(pcre2Url, { signal: AbortSignal.timeout(60_000) });
      if (!response.ok) return { reason: `${pcre2Url} answered ${response.status}` };
      tarball = Buffer.from(await response.arrayBuffer());
    }
  } catch (error) {
    return { reason: `its source could not be fetched (${String(error)})` };
  }
  const digest = createHash('sha256').update(tarball).digest('hex');
  if (digest !== pcre2Sha256) return { reason: `its source has sha256 ${digest}, not Debian's ${pcre2Sha256}` };
  const archive = join(out, `pcre2_${pcre2Version}.orig.tar.gz`);
  writeFileSync(archive, tarball);
  const unpacked = spawnSync('tar', ['-xzf', archive, '-C', out], { stdio: 'inherit' });
  if (unpacked.status !== 0) return { reason: 'its source could not be unpacked' };
  mkdirSync(build, { recursive: true });
  const src = join(dir, 'src');
  copyFileSync(join(src, 'config.h.generic'), join(build, 'config.h'));
  copyFileSync(join(src, 'pcre2.h.generic'), join(build, 'pcre2.h'));
  copyFileSync(join(src, 'pcre2_chartables.c.dist'), join(build, 'pcre2_chartables.c'));
  // The library's sources, as its CMakeLists.txt lists them (the JIT's are included by
  // pcre2_jit_compile.c).
  const units = [
    'auto_possess',
    'compile',
    'config',
    'context',
    'convert',
    'dfa_match',
    'error',
    'extuni',
    'find_bracket',
    'jit_compile',
    'maketables',
    'match',
    'match_data',
    'newline',
    'ord2utf',
    'pattern_info',
    'script_run',
    'serialize',
    'string_utils',
    'study',
    'substitute',
    'substring',
    'tables',
    'ucd',
    'valid_utf',
    'xclass',
  ].map((unit) => join(src, `pcre2_${unit}.c`));
  const cCompiler = compiler.replace('g++', 'gcc');
  const objects = [];
  for (const unit of [...units, join(build, 'pcre2_chartables.c')]) {
    const object = join(build, `${basename(unit, '.c')}.o`);
    const compiled = spawnSync(
      cCompiler,
      [
        '-O2',
        '-DHAVE_CONFIG_H',
        '-DPCRE2_CODE_UNIT_WIDTH=8',
        '-DPCRE2_STATIC',
        '-DSUPPORT_JIT',
        '-DSUPPORT_UNICODE',
        `-I${build}`,
        `-I${src}`,
        '-c',
        unit,
        '-o',
        object,
      ],
      { stdio: 'inherit' },
    );
    if (compiled.status !== 0) return { reason: `${basename(unit)} did not compile` };
    objects.push(object);
  }
  const archived = spawnSync(compiler.replace(/g\+\+(-posix)?$/, 'ar'), ['rcs', library, ...objects], {
    stdio: 'inherit',
  });
  if (archived.status !== 0) return { reason: 'its library could not be archived' };
  return { include: build, library };
}

mkdirSync(out, { recursive: true });
const pcre2 = await windowsPcre2();
if (pcre2.reason !== undefined) {
  console.log(`windows-core: the regex search is built without PCRE2 and not tested: ${pcre2.reason}`);
}

// ---- Build (again only when a source is newer than the driver) ----
const headers = readdirSync(core)
  .filter((name) => name.endsWith('.h'))
  .map((name) => join(core, name));
const newest = Math.max(
  ...[...sources, ...headers, driverSource, import.meta.filename, ...(pcre2.library ? [pcre2.library] : [])].map(
    (f) => statSync(f).mtimeMs,
  ),
);
mkdirSync(out, { recursive: true });
if (!existsSync(exe) || statSync(exe).mtimeMs < newest) {
  const started = Date.now();
  const flags = ['-std=c++17', '-O1', '-Wall', '-Wextra', '-Werror', '-static'];
  const result = spawnSync(
    compiler,
    [
      ...flags,
      `-I${join(root, 'native', 'src')}`,
      ...(pcre2.library ? ['-DHEXLOG_HAVE_PCRE2', '-DPCRE2_STATIC', `-I${pcre2.include}`] : []),
      '-o',
      exe,
      driverSource,
      ...sources,
      ...(pcre2.library ? [pcre2.library] : []),
    ],
    { stdio: 'inherit' },
  );
  if (result.status !== 0) {
    console.error('windows-core: the cross-build failed (see the compiler output above)');
    process.exit(1);
  }
  console.log(`windows-core: built ${sources.length} core sources and the driver in ${Date.now() - started} ms`);
}

// ---- The binding compiles for Windows too (no Windows node.exe here to link and load it) ----
const nodeHeaders = join(dirname(process.execPath), '..', 'include', 'node');
if (existsSync(join(nodeHeaders, 'node_api.h'))) {
  const napi = join(root, 'native', 'src', 'napi');
  const bindingSources = readdirSync(napi)
    .filter((name) => name.endsWith('.cc'))
    .map((name) => join(napi, name));
  const includes = [join(root, 'native', 'src'), nodeHeaders, join(root, 'node_modules', 'node-addon-api')];
  const defines = ['NAPI_VERSION=8', 'NAPI_CPP_EXCEPTIONS', 'NODE_API_NO_EXTERNAL_BUFFERS_ALLOWED'];
  const checked = spawnSync(
    compiler,
    [
      '-std=c++17',
      '-fsyntax-only',
      '-Wall',
      '-Wextra',
      '-Werror',
      ...includes.map((dir) => `-I${dir}`),
      ...defines.map((define) => `-D${define}`),
      ...bindingSources,
    ],
    { stdio: 'inherit' },
  );
  if (checked.status !== 0) {
    console.error('windows-core: the binding (native/src/napi) does not compile for Windows (see above)');
    process.exit(1);
  }
  console.log(`ok - the binding's ${bindingSources.length} sources compile for Windows`);
} else {
  console.log(`windows-core: the binding's Windows compile check skipped: no Node headers at ${nodeHeaders}`);
}

// ---- Run under Wine ----
const asRoot = process.getuid?.() === 0;
// A prefix of our own, reused between runs (the first run creates it, ~15 s). Wine insists that
// its prefix belongs to the user running it.
const home = asRoot ? join(tmpdir(), 'hexlog-wine-nobody') : join(out, 'wine-home');
mkdirSync(home, { recursive: true });
let runExe = exe;
if (asRoot) {
  const ids = (flag) => Number(execFileSync('id', [flag, 'nobody'], { encoding: 'utf8' }).trim());
  chownSync(home, ids('-u'), ids('-g'));
  chmodSync(home, 0o755);
  // nobody may not be able to read the build directory; give it its own copy of the driver.
  runExe = join(home, 'windows_core_test.exe');
  copyFileSync(exe, runExe);
  chmodSync(runExe, 0o755);
  if (!onPath('setpriv')) skip('running as root and setpriv (util-linux) is missing to drop to nobody');
}

const env = {
  ...process.env,
  HOME: home,
  WINEPREFIX: join(home, 'prefix'),
  WINEDEBUG: '-all',
  // No Mono or Gecko download prompts.
  WINEDLLOVERRIDES: 'mscoree,mshtml=',
  // No X display is needed; keep Wine from trying one.
  DISPLAY: '',
};
const command = (args) =>
  asRoot ? ['setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', '--', wine, ...args]] : [wine, args];

function run(args, options = {}) {
  const [file, argv] = command(args);
  return spawnSync(file, argv, { env, encoding: 'utf8', cwd: home, timeout: 600_000, ...options });
}

const probe = run([runExe, '--probe']);
if (probe.status !== 0 || !probe.stdout.includes('probe ok')) {
  const why = `${probe.error?.message ?? ''} ${probe.stderr ?? ''}`.trim().split('\n').pop() || `exit ${probe.status}`;
  skip(`Wine cannot run a Windows program here (${why.slice(0, 160)})`);
}

const tests = run([runExe]);
process.stdout.write(tests.stdout);
if (tests.status !== 0) {
  process.stderr.write(tests.stderr);
  console.error(`windows-core: the driver failed (exit ${tests.status ?? tests.signal})`);
  process.exit(1);
}

// ---- A real fault: the host truncates the mapped file under the running driver ----
const victimDir = join(env.WINEPREFIX, 'drive_c');
const victim = join(victimDir, 'hexlog-fault-victim.bin');
writeFileSync(victim, Buffer.alloc(3 * 65536, 0x66));
if (asRoot) chmodSync(victim, 0o666);
const faulted = await new Promise((resolve) => {
  const [file, argv] = command([runExe, '--fault-after-truncate', 'C:\\hexlog-fault-victim.bin']);
  const child = spawn(file, argv, { env, cwd: home, stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
  child.stdout.on('data', (data) => {
    output += String(data);
    if (output.includes('mapped') && !child.truncated) {
      child.truncated = true;
      truncateSync(victim, 0);
      child.stdin.write('go\n');
    }
  });
  child.on('close', (status, signal) => {
    clearTimeout(timer);
    resolve({ status, signal, output: output.trim() });
  });
});
if (faulted.status === 0 && faulted.output.endsWith('caught EFILECHANGED')) {
  console.log('ok - a page cut away by the host faults under Wine, and the guard answers EFILECHANGED');
} else {
  console.log(
    `not ok - a page cut away by the host: exit ${faulted.status ?? faulted.signal}, output ${JSON.stringify(faulted.output)}`,
  );
  process.exit(1);
}
