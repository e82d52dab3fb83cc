// native/pcre2-probe.mjs, run as node-gyp runs it, with the environment variables that choose where
// PCRE2 comes from and how it is linked.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const probe = resolve(__dirname, 'pcre2-probe.mjs');
const scratch = mkdtempSync(join(tmpdir(), 'hexlog-pcre2-probe-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const PROBE_VARIABLES = [
  'HEXLOG_PCRE2',
  'HEXLOG_PCRE2_DIR',
  'HEXLOG_PCRE2_LINK',
  'VCPKG_ROOT',
  'VCPKG_INSTALLATION_ROOT',
];

function run(part: string, env: Record<string, string> = {}) {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([name]) => !PROBE_VARIABLES.includes(name)));
  const result = spawnSync(process.execPath, [probe, part], { encoding: 'utf8', env: { ...clean, ...env } });
  return {
    status: result.status,
    lines: result.stdout.split('\n').filter((line) => line !== ''),
    stderr: result.stderr,
  };
}

/** A PCRE2 install prefix with the files the probe looks for (empty: only their names matter). */
function prefix(name: string, libraries: readonly string[]): string {
  const dir = join(scratch, name);
  mkdirSync(join(dir, 'include'), { recursive: true });
  mkdirSync(join(dir, 'lib'), { recursive: true });
  writeFileSync(join(dir, 'include', 'pcre2.h'), '');
  for (const library of libraries) writeFileSync(join(dir, 'lib', library), '');
  return dir;
}

const hasPkgConfigPcre2 =
  process.platform !== 'win32' && spawnSync('pkg-config', ['--exists', 'libpcre2-8']).status === 0;

describe('pcre2-probe', () => {
  it('HEXLOG_PCRE2=0 prints no flags and says why once, on the defines part', () => {
    const defines = run('defines', { HEXLOG_PCRE2: '0' });
    expect(defines.status).toBe(0);
    expect(defines.lines).toEqual([]);
    expect(defines.stderr).toMatch(/PCRE2 not found \(HEXLOG_PCRE2=0\)/);
    const libraries = run('libraries', { HEXLOG_PCRE2: '0' });
    expect(libraries.lines).toEqual([]);
    expect(libraries.stderr).toBe('');
  });

  it('HEXLOG_PCRE2_DIR names the include and lib folders of a prefix', () => {
    const dir = prefix('shared', process.platform === 'win32' ? ['pcre2-8.lib'] : ['libpcre2-8.so']);
    expect(run('include_dirs', { HEXLOG_PCRE2_DIR: dir }).lines).toEqual([join(dir, 'include')]);
    expect(run('library_dirs', { HEXLOG_PCRE2_DIR: dir }).lines).toEqual([join(dir, 'lib')]);
    expect(run('defines', { HEXLOG_PCRE2_DIR: dir }).lines).toContain('HEXLOG_HAVE_PCRE2');
  });

  it('HEXLOG_PCRE2_LINK=static with a prefix links the archive by its path and defines PCRE2_STATIC', () => {
    const archive = process.platform === 'win32' ? 'pcre2-8.lib' : 'libpcre2-8.a';
    const dir = prefix('static', process.platform === 'win32' ? [archive] : [archive, 'libpcre2-8.so']);
    const env = { HEXLOG_PCRE2_DIR: dir, HEXLOG_PCRE2_LINK: 'static' };
    expect(run('libraries', env).lines).toEqual([join(dir, 'lib', archive)]);
    expect(run('defines', env).lines).toEqual(['HEXLOG_HAVE_PCRE2', 'PCRE2_STATIC']);
  });

  it('HEXLOG_PCRE2_LINK=static without a static library fails the build instead of linking none', () => {
    const dir = prefix('shared-only', process.platform === 'win32' ? [] : ['libpcre2-8.so']);
    const result = run('defines', { HEXLOG_PCRE2_DIR: dir, HEXLOG_PCRE2_LINK: 'static' });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/HEXLOG_PCRE2_LINK=static, but no static PCRE2 was found/);
    const missing = run('defines', { HEXLOG_PCRE2_DIR: join(scratch, 'nowhere'), HEXLOG_PCRE2_LINK: 'static' });
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/no include\/pcre2\.h/);
  });

  it('a prefix without PCRE2 falls back to the JavaScript engine when static is not asked for', () => {
    const result = run('defines', { HEXLOG_PCRE2_DIR: join(scratch, 'nowhere') });
    expect(result.status).toBe(0);
    expect(result.lines).toEqual([]);
    expect(result.stderr).toMatch(/falls back to the JavaScript one/);
  });

  it.skipIf(!hasPkgConfigPcre2)('pkg-config: -lpcre2-8 by default; the archive, kept private, when static', () => {
    expect(run('libraries').lines).toContain('-lpcre2-8');
    const libraries = run('libraries', { HEXLOG_PCRE2_LINK: 'static' }).lines;
    expect(libraries[0]).toMatch(/libpcre2-8\.a$/);
    if (process.platform === 'linux') expect(libraries).toContain('-Wl,--exclude-libs,libpcre2-8.a');
  });

  describe('vcpkg on Windows (the probe run as on win32, with no pkg-config on PATH)', () => {
    // process.platform is read-only but configurable: the probe sees win32, nothing else changes.
    const asWindows = ['--import', `data:text/javascript,Object.defineProperty(process,'platform',{value:'win32'})`];
    const noTools = join(scratch, 'empty-path');
    mkdirSync(noTools, { recursive: true });

    function runOnWindows(part: string, env: Record<string, string>) {
      const clean = Object.fromEntries(Object.entries(process.env).filter(([name]) => !PROBE_VARIABLES.includes(name)));
      const result = spawnSync(process.execPath, [...asWindows, probe, part], {
        encoding: 'utf8',
        env: { ...clean, PATH: noTools, VCPKG_DEFAULT_TRIPLET: '', ...env },
      });
      return {
        status: result.status,
        lines: result.stdout.split('\n').filter((line) => line !== ''),
        stderr: result.stderr,
      };
    }

    function vcpkgRoot(name: string, triplets: Record<string, 'static' | 'dynamic'>): string {
      const root = join(scratch, name);
      for (const [triplet, linkage] of Object.entries(triplets)) {
        const installed = prefix(join(name, 'installed', triplet), ['pcre2-8.lib']);
        if (linkage === 'dynamic') {
          mkdirSync(join(installed, 'bin'), { recursive: true });
          writeFileSync(join(installed, 'bin', 'pcre2-8.dll'), '');
        }
      }
      return root;
    }

    it('prefers x64-windows-static, linked statically', () => {
      const root = vcpkgRoot('vcpkg-both', { 'x64-windows-static': 'static', 'x64-windows': 'dynamic' });
      const lib = join(root, 'installed', 'x64-windows-static', 'lib');
      expect(runOnWindows('libraries', { VCPKG_ROOT: root }).lines).toEqual([join(lib, 'pcre2-8.lib')]);
      expect(runOnWindows('defines', { VCPKG_ROOT: root }).lines).toEqual(['HEXLOG_HAVE_PCRE2', 'PCRE2_STATIC']);
      expect(runOnWindows('include_dirs', { VCPKG_INSTALLATION_ROOT: root }).lines).toEqual([
        join(root, 'installed', 'x64-windows-static', 'include'),
      ]);
    });

    it('VCPKG_DEFAULT_TRIPLET picks the dynamic triplet, which HEXLOG_PCRE2_LINK=static then refuses', () => {
      const root = vcpkgRoot('vcpkg-dynamic', { 'x64-windows-static': 'static', 'x64-windows': 'dynamic' });
      const env = { VCPKG_ROOT: root, VCPKG_DEFAULT_TRIPLET: 'x64-windows' };
      expect(runOnWindows('defines', env).lines).toEqual(['HEXLOG_HAVE_PCRE2']);
      const refused = runOnWindows('defines', { ...env, HEXLOG_PCRE2_LINK: 'static' });
      expect(refused.status).toBe(1);
      expect(refused.stderr).toMatch(/found is a shared library/);
    });

    it('no vcpkg PCRE2 says where it looked and falls back', () => {
      const result = runOnWindows('defines', { VCPKG_ROOT: join(scratch, 'vcpkg-empty') });
      expect(result.status).toBe(0);
      expect(result.lines).toEqual([]);
      expect(result.stderr).toMatch(/vcpkg x64-windows-static: no include\/pcre2\.h/);
    });
  });

  it('an unknown part is an error', () => {
    const dir = prefix('unknown-part', process.platform === 'win32' ? ['pcre2-8.lib'] : ['libpcre2-8.so']);
    const result = run('cflags', { HEXLOG_PCRE2_DIR: dir });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/unknown part cflags/);
  });
});
