// Build probe for binding.gyp: finds PCRE2 (8-bit library) and prints one part of its build flags,
// or nothing when it is missing, so `npm install` always succeeds.
// Usage: node pcre2-probe.mjs defines|include_dirs|library_dirs|libraries
//
// Where PCRE2 comes from, first match wins:
//   HEXLOG_PCRE2=0            build without it (to try the JavaScript fallback);
//   HEXLOG_PCRE2_DIR=PREFIX   PREFIX/include and PREFIX/lib (a vcpkg `installed/<triplet>` folder,
//                             or a PCRE2 built from source with CMake);
//   pkg-config libpcre2-8     Debian/Ubuntu libpcre2-dev, Homebrew pcre2;
//   VCPKG_ROOT or VCPKG_INSTALLATION_ROOT (Windows): installed/<VCPKG_DEFAULT_TRIPLET>, else
//                             installed/x64-windows-static, else installed/x64-windows.
// HEXLOG_PCRE2_LINK=static links libpcre2-8.a / pcre2-8.lib into the addon, so a packaged app needs
// no PCRE2 on the user's machine (docs/packaging.md); asked for and not possible, it fails the build
// instead of shipping an addon without PCRE2.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const windows = process.platform === 'win32';
const wantStatic = process.env.HEXLOG_PCRE2_LINK === 'static';

function pkgConfig(args) {
  for (const tool of ['pkg-config', 'pkgconf']) {
    try {
      return execFileSync(tool, [...args, 'libpcre2-8'], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }).trim();
    } catch {
      // Try the next tool; none found means no PCRE2.
    }
  }
  return null;
}

const words = (text) => text.split(/\s+/).filter((word) => word.length > 0);

// The library file inside a prefix: vcpkg and CMake name it pcre2-8.lib on Windows (a static-only
// MSVC build of PCRE2 may call it pcre2-8-static.lib); elsewhere libpcre2-8.a or the shared one.
function libraryIn(libDir) {
  const names = windows
    ? ['pcre2-8.lib', 'pcre2-8-static.lib']
    : wantStatic
      ? ['libpcre2-8.a']
      : ['libpcre2-8.so', 'libpcre2-8.dylib', 'libpcre2-8.a'];
  return names.map((name) => join(libDir, name)).find((file) => existsSync(file)) ?? null;
}

function fromPrefix(prefix, origin) {
  const includeDir = join(prefix, 'include');
  const libDir = join(prefix, 'lib');
  if (!existsSync(join(includeDir, 'pcre2.h')))
    return { found: false, why: `${origin}: no include/pcre2.h in ${prefix}` };
  const library = libraryIn(libDir);
  if (library === null) return { found: false, why: `${origin}: no PCRE2 library in ${libDir}` };
  const isStatic = library.endsWith('.a') || (windows && !existsSync(join(prefix, 'bin', 'pcre2-8.dll')));
  return {
    found: true,
    includeDirs: [includeDir],
    defines: ['HEXLOG_HAVE_PCRE2', ...(isStatic ? ['PCRE2_STATIC'] : [])],
    libraryDirs: [libDir],
    libraries: [library],
    isStatic,
  };
}

function fromPkgConfig() {
  const cflags = pkgConfig(['--cflags']);
  const libs = pkgConfig(['--libs']);
  if (cflags === null || libs === null) return { found: false, why: 'pkg-config libpcre2-8 found nothing' };
  const includeDirs = words(cflags)
    .filter((w) => w.startsWith('-I'))
    .map((w) => w.slice(2));
  const defines = words(cflags)
    .filter((w) => w.startsWith('-D'))
    .map((w) => w.slice(2));
  const libraryDirs = words(libs)
    .filter((w) => w.startsWith('-L'))
    .map((w) => w.slice(2));
  const names = words(libs)
    .filter((w) => w.startsWith('-l'))
    .map((w) => w.slice(2));
  if (names.length === 0) return { found: false, why: 'pkg-config libpcre2-8 named no library' };
  if (wantStatic) {
    // The archive by its full path: -lpcre2-8 would pick the shared library beside it.
    const libDir = pkgConfig(['--variable=libdir']);
    const archive = libDir === null ? null : libraryIn(libDir);
    if (archive === null) return { found: false, why: `no static PCRE2 library in ${libDir ?? 'pkg-config libdir'}` };
    return {
      found: true,
      includeDirs,
      defines: ['HEXLOG_HAVE_PCRE2', 'PCRE2_STATIC', ...defines],
      libraryDirs: [],
      // On Linux, keep PCRE2's symbols private to the addon rather than exported from it.
      libraries: process.platform === 'linux' ? [archive, '-Wl,--exclude-libs,libpcre2-8.a'] : [archive],
      isStatic: true,
    };
  }
  const libraries = windows ? names.map((name) => `${name}.lib`) : names.map((name) => `-l${name}`);
  return {
    found: true,
    includeDirs,
    defines: ['HEXLOG_HAVE_PCRE2', ...defines],
    libraryDirs,
    libraries,
    isStatic: false,
  };
}

function fromVcpkg() {
  const root = process.env.VCPKG_ROOT || process.env.VCPKG_INSTALLATION_ROOT;
  if (!windows || !root) return { found: false, why: 'no VCPKG_ROOT' };
  const triplets = [process.env.VCPKG_DEFAULT_TRIPLET, 'x64-windows-static', 'x64-windows'].filter(Boolean);
  const misses = [];
  for (const triplet of triplets) {
    const found = fromPrefix(join(root, 'installed', triplet), `vcpkg ${triplet}`);
    if (found.found) return found;
    misses.push(found.why);
  }
  return { found: false, why: misses.join('; ') };
}

function probe() {
  if (process.env.HEXLOG_PCRE2 === '0') return { found: false, why: 'HEXLOG_PCRE2=0' };
  if (process.env.HEXLOG_PCRE2_DIR) return fromPrefix(process.env.HEXLOG_PCRE2_DIR, 'HEXLOG_PCRE2_DIR');
  const system = fromPkgConfig();
  if (system.found) return system;
  if (!windows) return system;
  const vcpkg = fromVcpkg();
  return vcpkg.found ? vcpkg : { found: false, why: `${system.why}; ${vcpkg.why}` };
}

const part = process.argv[2];
const found = probe();
if (found.found && wantStatic && !found.isStatic) {
  console.error(
    `pcre2-probe: HEXLOG_PCRE2_LINK=static, but the PCRE2 found is a shared library (${found.libraries.join(' ')})`,
  );
  process.exit(1);
}
if (!found.found) {
  if (wantStatic) {
    // Packaging asked for PCRE2 inside the addon: an addon without it must not ship.
    console.error(`pcre2-probe: HEXLOG_PCRE2_LINK=static, but no static PCRE2 was found (${found.why})`);
    process.exit(1);
  }
  // One line, once (gyp runs this once per part).
  if (part === 'defines') {
    console.error(
      `hexlog: PCRE2 not found (${found.why}): the regex engine falls back to the JavaScript one. Install libpcre2-dev (Debian/Ubuntu), pcre2 (brew, vcpkg) and rebuild for the native one.`,
    );
  }
} else {
  const values = {
    defines: found.defines,
    include_dirs: found.includeDirs,
    library_dirs: found.libraryDirs,
    libraries: found.libraries,
  }[part];
  if (values === undefined) {
    console.error(`pcre2-probe: unknown part ${part}`);
    process.exit(1);
  }
  if (values.length > 0) console.log(values.join('\n'));
}
