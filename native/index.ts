// Typed loader for the hexlog native addon: the one place that loads the .node file.
// Every argument is checked here before it reaches C++; C++ checks again and throws coded errors,
// which leave this module as NativeError.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { types } from 'node:util';

import { isNonNegativeSafeInteger } from '../src/shared/units';

export type MapMode = 'readonly' | 'shared' | 'private';

export const MAP_MODES: readonly MapMode[] = ['readonly', 'shared', 'private'];

/** What identifies the file on disk now; compare two of these to notice outside changes. */
export interface FileIdentity {
  readonly size: number;
  readonly dev: number;
  readonly ino: number;
  readonly mtimeMs: number;
}

/**
 * An error from the addon or from the argument checks in front of it. `code` is one of ENOENT,
 * EACCES, EISDIR, ENOTREG, EFILECHANGED, ECLOSED, ERANGE, EINVAL, EREADONLY, EBADMODE, EIO,
 * ENATIVE (addon missing) or another errno name.
 */
export class NativeError extends Error {
  readonly code: string;
  readonly path: string | undefined;

  constructor(code: string, message: string, path?: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'NativeError';
    this.code = code;
    this.path = path;
  }
}

export function isNativeError(e: unknown): e is NativeError {
  if (e instanceof NativeError) return true;
  // A second copy of this module (bundle chunks, a test's fresh import) has its own class.
  if (!(e instanceof Error) || e.name !== 'NativeError') return false;
  const coded: Error & { code?: unknown } = e;
  return typeof coded.code === 'string';
}

export interface MappedFile {
  readonly path: string;
  readonly mode: MapMode;
  readonly closed: boolean;
  /** Size at open (the mapped length). */
  size(): number;
  /** fstat of the open descriptor now. */
  stat(): FileIdentity;
  /** Copies min(target.length, size - offset) bytes into target; returns the count. */
  readInto(offset: number, target: Uint8Array): number;
  /** Overwrites bytes in place (shared or private mode); never grows the file. */
  write(offset: number, bytes: Uint8Array): number;
  /** Shared mode only: writes the range (default: whole file) to disk and fsyncs. */
  flush(offset?: number, length?: number): void;
  /** Idempotent. */
  close(): void;
}

/** Opens and maps a regular file. Throws NativeError. */
export function openMapped(path: string, mode: MapMode): MappedFile {
  if (typeof path !== 'string' || path.length === 0) {
    throw invalid(`path must be a non-empty string, got ${describe(path)}`);
  }
  if (!isMapMode(mode)) {
    throw invalid(`mode must be 'readonly', 'shared' or 'private', got ${describe(mode)}`, path);
  }
  const binding = loadBinding();
  const handle = callNative(() => binding.MappedFile.open(path, mode), path);
  return new MappedFileHandle(path, mode, handle);
}

export interface FaultGuardReport {
  readonly caughtOnCallingThread: boolean;
  readonly caughtOnOtherThread: boolean;
}

/** Test support only; production code has no reason to call these. */
export const nativeTesting = {
  /** The .node file this module loads (loading it if needed). */
  addonPath(): string {
    loadBinding();
    if (loadedAddonPath === undefined) throw new NativeError('ENATIVE', 'ENATIVE: addon not loaded');
    return loadedAddonPath;
  },
  /** Triggers a real SIGBUS on a truncated mapping under the guard, on two threads. */
  faultGuardSelfTest(): FaultGuardReport {
    const binding = loadBinding();
    return callNative(() => binding.__faultGuardSelfTest(), undefined);
  },
};

// ---- Native binding -------------------------------------------------------------------------

interface NativeMappedFile {
  size(): number;
  stat(): FileIdentity;
  readInto(offset: number, target: Uint8Array): number;
  write(offset: number, source: Uint8Array): number;
  flush(offset: number, length: number): void;
  close(): void;
  isClosed(): boolean;
}

interface NativeBinding {
  MappedFile: { open(path: string, mode: MapMode): NativeMappedFile };
  __faultGuardSelfTest(): FaultGuardReport;
}

const ADDON_FILE = 'hexlog_native.node';
const ADDON_FROM_ROOT = join('native', 'build', 'Release', ADDON_FILE);
const BUILD_HINT = 'run `npm run build:native` (or set HEXLOG_NATIVE_PATH to the .node file)';

let loadedBinding: NativeBinding | undefined;
let loadedAddonPath: string | undefined;

function loadBinding(): NativeBinding {
  if (loadedBinding !== undefined) return loadedBinding;
  const file = findAddon();
  const addonModule: { exports: unknown } = { exports: {} };
  try {
    // process.dlopen works the same under vitest (ESM), tsx (CJS) and the electron-vite bundle,
    // where require and createRequire do not.
    process.dlopen(addonModule, file);
  } catch (error) {
    throw new NativeError(
      'ENATIVE',
      `ENATIVE: could not load the native addon ${file}: ${errorMessage(error)}; ${BUILD_HINT}`,
      file,
      { cause: error },
    );
  }
  if (!isNativeBinding(addonModule.exports)) {
    throw new NativeError(
      'ENATIVE',
      `ENATIVE: ${file} is not the hexlog addon (no MappedFile export); ${BUILD_HINT}`,
      file,
    );
  }
  loadedBinding = addonModule.exports;
  loadedAddonPath = file;
  return loadedBinding;
}

function findAddon(): string {
  const fromEnv = process.env['HEXLOG_NATIVE_PATH'];
  if (fromEnv !== undefined && fromEnv !== '') {
    const file = resolve(fromEnv);
    if (!existsSync(file)) {
      throw new NativeError(
        'ENATIVE',
        `ENATIVE: HEXLOG_NATIVE_PATH is ${fromEnv}, which does not exist; ${BUILD_HINT}`,
        file,
      );
    }
    return file;
  }
  // This file sits in native/; bundled, it runs from out/main/. Both have the repo root above.
  const start = resolve(typeof __dirname !== 'undefined' ? __dirname : process.cwd());
  for (let dir = start; ; dir = dirname(dir)) {
    const candidate = join(dir, ADDON_FROM_ROOT);
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) break;
  }
  throw new NativeError(
    'ENATIVE',
    `ENATIVE: native addon not found: no ${ADDON_FROM_ROOT} in ${start} or any parent; ${BUILD_HINT}`,
  );
}

function isNativeBinding(value: unknown): value is NativeBinding {
  return (
    typeof value === 'object' &&
    value !== null &&
    'MappedFile' in value &&
    typeof value.MappedFile === 'function' &&
    'open' in value.MappedFile &&
    typeof value.MappedFile.open === 'function' &&
    '__faultGuardSelfTest' in value &&
    typeof value.__faultGuardSelfTest === 'function'
  );
}

// ---- Wrapper --------------------------------------------------------------------------------

class MappedFileHandle implements MappedFile {
  readonly path: string;
  readonly mode: MapMode;
  readonly #native: NativeMappedFile;

  constructor(path: string, mode: MapMode, native: NativeMappedFile) {
    this.path = path;
    this.mode = mode;
    this.#native = native;
  }

  get closed(): boolean {
    return this.#native.isClosed();
  }

  size(): number {
    return callNative(() => this.#native.size(), this.path);
  }

  stat(): FileIdentity {
    return callNative(() => this.#native.stat(), this.path);
  }

  readInto(offset: number, target: Uint8Array): number {
    requireOffset('offset', offset, this.path);
    requireBytes('target', target, this.path);
    return callNative(() => this.#native.readInto(offset, target), this.path);
  }

  write(offset: number, bytes: Uint8Array): number {
    requireOffset('offset', offset, this.path);
    requireBytes('bytes', bytes, this.path);
    return callNative(() => this.#native.write(offset, bytes), this.path);
  }

  flush(offset = 0, length?: number): void {
    requireOffset('offset', offset, this.path);
    if (length !== undefined) requireOffset('length', length, this.path);
    const size = this.size();
    // Past-the-end offsets go through so the addon reports ERANGE.
    const byteLength = length ?? (offset <= size ? size - offset : 0);
    callNative(() => this.#native.flush(offset, byteLength), this.path);
  }

  close(): void {
    this.#native.close();
  }
}

// ---- Checks and errors ----------------------------------------------------------------------

function isMapMode(value: unknown): value is MapMode {
  return typeof value === 'string' && (MAP_MODES as readonly string[]).includes(value);
}

function requireOffset(name: string, value: unknown, path: string): void {
  if (!isNonNegativeSafeInteger(value)) {
    throw invalid(`${name} must be a non-negative safe integer, got ${describe(value)}`, path);
  }
}

function requireBytes(name: string, value: unknown, path: string): void {
  // types.isUint8Array also accepts Buffers and arrays from another realm (vm context, iframe).
  if (!types.isUint8Array(value)) {
    throw invalid(`${name} must be a Uint8Array, got ${describe(value)}`, path);
  }
}

function invalid(message: string, path?: string): NativeError {
  return new NativeError('EINVAL', `EINVAL: ${message}`, path);
}

function describe(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    return String(value);
  }
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null) return 'null';
  if (typeof value === 'object') return Object.prototype.toString.call(value).slice(8, -1);
  return typeof value;
}

/** Runs a native call and turns its coded Error into a NativeError. */
function callNative<T>(call: () => T, path: string | undefined): T {
  try {
    return call();
  } catch (error) {
    throw toNativeError(error, path);
  }
}

function toNativeError(error: unknown, fallbackPath: string | undefined): unknown {
  if (isNativeError(error) || !(error instanceof Error)) return error;
  const coded: Error & { code?: unknown; path?: unknown } = error;
  if (typeof coded.code !== 'string') return error; // not one of ours: let it through unchanged
  const path = typeof coded.path === 'string' ? coded.path : fallbackPath;
  return new NativeError(coded.code, coded.message, path, { cause: error });
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
