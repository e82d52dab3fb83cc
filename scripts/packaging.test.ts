// electron-builder.yml, checked here where no Electron binary can be downloaded: electron-builder
// itself reads and validates it against its schema, and the fuses it would flip are flipped by its
// own code on a synthetic fuse wire, then read back with @electron/fuses. This proves our
// configuration, not a real Electron binary (docs/packaging.md).
import { FuseV1Options, FuseVersion, getCurrentFuseWire } from '@electron/fuses';
import { FuseState, SENTINEL } from '@electron/fuses/dist/constants';
import { PlatformPackager, type AfterPackContext, type Configuration, type FuseOptionsV1 } from 'app-builder-lib';
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config';
import { DebugLogger } from 'builder-util';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';

const projectDir = resolve(__dirname, '..');
const ADDON = 'native/build/Release/hexlog_native.node';

// What we require of the packaged app, one line a fuse (docs/packaging.md says why).
const WANTED_FUSES: Readonly<Record<FuseV1Options, boolean>> = {
  [FuseV1Options.RunAsNode]: false,
  [FuseV1Options.EnableCookieEncryption]: true,
  [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
  [FuseV1Options.EnableNodeCliInspectArguments]: false,
  [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
  [FuseV1Options.OnlyLoadAppFromAsar]: true,
  [FuseV1Options.LoadBrowserProcessSpecificV8Snapshot]: false,
  [FuseV1Options.GrantFileProtocolExtraPrivileges]: true,
};

// Electron's own defaults on an unflipped wire (its docs/tutorial/fuses.md), so that every fuse we
// turn off starts on and every fuse we turn on starts off where Electron allows it.
const ELECTRON_DEFAULTS: Readonly<Record<FuseV1Options, boolean>> = {
  [FuseV1Options.RunAsNode]: true,
  [FuseV1Options.EnableCookieEncryption]: false,
  [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: true,
  [FuseV1Options.EnableNodeCliInspectArguments]: true,
  [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: false,
  [FuseV1Options.OnlyLoadAppFromAsar]: false,
  [FuseV1Options.LoadBrowserProcessSpecificV8Snapshot]: false,
  [FuseV1Options.GrantFileProtocolExtraPrivileges]: true,
};

const FUSE_COUNT = Object.keys(ELECTRON_DEFAULTS).length;

// electron-builder's private conversion from the config's electronFuses to @electron/fuses' config:
// the test runs the same code as a real build.
type FuseConfig = Parameters<PlatformPackager<never>['addElectronFuses']>[1];
interface FusePackager {
  generateFuseConfig(fuses: FuseOptionsV1): Promise<FuseConfig>;
  addElectronFuses(
    context: Pick<AfterPackContext, 'appOutDir' | 'electronPlatformName'>,
    fuses: FuseConfig,
  ): Promise<number>;
}
const packagerCode = PlatformPackager.prototype as unknown as FusePackager;

/** A file shaped like an Electron binary where it matters to @electron/fuses: junk, then a fuse wire. */
function syntheticElectron(wires: number, seed: number): Buffer {
  let state = seed;
  const junk = (length: number) =>
    Buffer.from(
      Array.from({ length }, () => {
        state = (Math.imul(state, 1103515245) + 12345) >>> 0;
        return state >>> 24;
      }),
    );
  const wire = Buffer.from([
    1, // fuse wire version V1
    FUSE_COUNT,
    ...Object.values(ELECTRON_DEFAULTS).map((on) => (on ? FuseState.ENABLE : FuseState.DISABLE)),
  ]);
  const parts: Buffer[] = [junk(4096)];
  for (let i = 0; i < wires; i++) parts.push(Buffer.from(SENTINEL, 'ascii'), wire, junk(4096));
  return Buffer.concat(parts);
}

function fuseStatesIn(file: Buffer, sentinelAt: number): number[] {
  const wireAt = sentinelAt + SENTINEL.length;
  return [...file.subarray(wireAt + 2, wireAt + 2 + file[wireAt + 1]!)];
}

let config: Configuration;
const scratch: string[] = [];

beforeAll(async () => {
  // No configFromOptions: electron-builder finds electron-builder.yml in the project as a build would.
  config = await getConfig(projectDir, null, null);
});

afterEach(() => {
  for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function scratchDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'hexlog-packaging-'));
  scratch.push(dir);
  return dir;
}

describe('electron-builder.yml', () => {
  it('validates against the schema electron-builder ships (app-builder-lib/scheme.json)', async () => {
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
  });

  it('the same validation rejects a misspelled option, so the check above can fail', async () => {
    const broken = { ...config, asarUnpak: [ADDON] } as Configuration;
    await expect(validateConfiguration(broken, new DebugLogger(false))).rejects.toThrow(/asarUnpak/);
  });

  it('names the app and packs the electron-vite output and the addon', () => {
    expect(config.appId).toBe('io.github.hexlog');
    expect(config.productName).toBe('hexlog');
    // electron-builder normalises `files` to file sets with a filter each.
    const patterns = ((config.files ?? []) as { filter?: string[] }[]).flatMap((set) => set.filter ?? []);
    expect(patterns).toEqual(expect.arrayContaining(['package.json', 'out/**', ADDON]));
    // package.json's main must be inside what is packed.
    const main = (JSON.parse(readFileSync(join(projectDir, 'package.json'), 'utf8')) as { main: string }).main;
    expect(main).toMatch(/^\.\/out\//);
  });

  it('unpacks the addon from the ASAR archive and does not rebuild it', () => {
    expect(config.asar).toBe(true);
    expect(config.asarUnpack).toEqual(expect.arrayContaining([ADDON]));
    expect(config.npmRebuild).toBe(false);
  });

  it('builds AppImage and deb, a universal dmg and an nsis installer', () => {
    const targetsOf = (targets: unknown) => targets as { target: string; arch: string[] }[];
    expect(targetsOf(config.linux?.target)).toEqual([
      { target: 'AppImage', arch: ['x64'] },
      { target: 'deb', arch: ['x64'] },
    ]);
    expect(targetsOf(config.mac?.target)).toEqual([{ target: 'dmg', arch: ['universal'] }]);
    expect(config.mac?.x64ArchFiles).toBe('**/hexlog_native.node');
    expect(config.mac?.minimumSystemVersion).toBe('13.0');
    // Ad-hoc signed after the fuses are flipped (Apple Silicon runs no unsigned code).
    expect(config.mac?.identity).toBe('-');
    expect(config.mac?.hardenedRuntime).toBe(false);
    expect(targetsOf(config.win?.target)).toEqual([{ target: 'nsis', arch: ['x64'] }]);
  });
});

describe('fuses, flipped by electron-builder on a synthetic Electron binary', () => {
  it('electron-builder maps our electronFuses to exactly the fuses we want', async () => {
    const fuses = await packagerCode.generateFuseConfig(config.electronFuses!);
    const { version, resetAdHocDarwinSignature, ...wire } = fuses as FuseConfig & Record<string, unknown>;
    expect(version).toBe(FuseVersion.V1);
    expect(resetAdHocDarwinSignature).toBeUndefined();
    expect(wire).toEqual(WANTED_FUSES);
  });

  for (const platform of ['linux', 'win32', 'darwin'] as const) {
    it(`${platform}: every fuse on the packaged binary reads back as configured`, async () => {
      const appOutDir = scratchDir();
      // Where electron-builder's addElectronFuses and @electron/fuses look for the fuse wire.
      const binary = {
        linux: join(appOutDir, 'hexlog'),
        win32: join(appOutDir, 'hexlog.exe'),
        darwin: join(appOutDir, 'hexlog.app/Contents/Frameworks/Electron Framework.framework/Electron Framework'),
      }[platform];
      mkdirSync(join(binary, '..'), { recursive: true });
      const before = syntheticElectron(1, 0x15);
      writeFileSync(binary, before);

      const fuses = await packagerCode.generateFuseConfig(config.electronFuses!);
      const self = Object.assign(Object.create(packagerCode) as FusePackager, {
        appInfo: { productFilename: 'hexlog' },
      });
      await expect(self.addElectronFuses({ appOutDir, electronPlatformName: platform }, fuses)).resolves.toBe(1);

      const read = await getCurrentFuseWire(platform === 'darwin' ? join(appOutDir, 'hexlog.app') : binary);
      for (const [option, wanted] of Object.entries(WANTED_FUSES)) {
        expect(read[Number(option) as FuseV1Options], FuseV1Options[Number(option)]).toBe(
          wanted ? FuseState.ENABLE : FuseState.DISABLE,
        );
      }
      // Only the wire changed: same length, every other byte as before.
      const after = readFileSync(binary);
      expect(after.length).toBe(before.length);
      const wireStart = before.indexOf(SENTINEL) + SENTINEL.length + 2;
      for (let i = 0; i < before.length; i++) {
        if (i >= wireStart && i < wireStart + FUSE_COUNT) continue;
        if (after[i] !== before[i]) throw new Error(`byte ${i} outside the fuse wire changed`);
      }
    });
  }

  it('a universal macOS binary has both slices flipped', async () => {
    const appOutDir = scratchDir();
    const framework = join(appOutDir, 'hexlog.app/Contents/Frameworks/Electron Framework.framework');
    mkdirSync(framework, { recursive: true });
    writeFileSync(join(framework, 'Electron Framework'), syntheticElectron(2, 0x2a));
    const fuses = await packagerCode.generateFuseConfig(config.electronFuses!);
    const self = Object.assign(Object.create(packagerCode) as FusePackager, { appInfo: { productFilename: 'hexlog' } });
    await expect(self.addElectronFuses({ appOutDir, electronPlatformName: 'darwin' }, fuses)).resolves.toBe(2);
    const file = readFileSync(join(framework, 'Electron Framework'));
    const wanted = Object.values(WANTED_FUSES).map((on) => (on ? FuseState.ENABLE : FuseState.DISABLE));
    expect(fuseStatesIn(file, file.indexOf(SENTINEL))).toEqual(wanted);
    expect(fuseStatesIn(file, file.lastIndexOf(SENTINEL))).toEqual(wanted);
  });

  it('a file without the sentinel is refused, not silently left unfused', async () => {
    const appOutDir = scratchDir();
    writeFileSync(join(appOutDir, 'hexlog'), Buffer.alloc(1024, 7));
    const fuses = await packagerCode.generateFuseConfig(config.electronFuses!);
    const self = Object.assign(Object.create(packagerCode) as FusePackager, { appInfo: { productFilename: 'hexlog' } });
    await expect(self.addElectronFuses({ appOutDir, electronPlatformName: 'linux' }, fuses)).rejects.toThrow(
      /sentinel/,
    );
  });
});
