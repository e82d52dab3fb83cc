// Build probe for binding.gyp: finds the system PCRE2 (8-bit library) with pkg-config and prints
// one part of its build flags, or nothing when it is missing, so `npm install` always succeeds.
// Usage: node pcre2-probe.mjs defines|include_dirs|library_dirs|libraries
// HEXLOG_PCRE2=0 builds without it (to try the JavaScript fallback).
import { execFileSync } from 'node:child_process';

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

function probe() {
  if (process.env.HEXLOG_PCRE2 === '0') return { found: false, why: 'HEXLOG_PCRE2=0' };
  const cflags = pkgConfig(['--cflags']);
  const libs = pkgConfig(['--libs']);
  if (cflags === null || libs === null) return { found: false, why: 'pkg-config libpcre2-8 found nothing' };
  const words = (text) => text.split(/\s+/).filter((word) => word.length > 0);
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
  const libraries =
    process.platform === 'win32' ? names.map((name) => `${name}.lib`) : names.map((name) => `-l${name}`);
  return { found: true, includeDirs, defines: ['HEXLOG_HAVE_PCRE2', ...defines], libraryDirs, libraries };
}

const part = process.argv[2];
const found = probe();
if (!found.found) {
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
