// Fixtures shared by the addon's tests: a temp dir per test file, generated files, coded-error
// checks and child processes that load the addon on their own.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { afterAll, beforeAll, expect } from 'vitest';

import { isNativeError, type NativeError, nativeTesting } from './index';

export const KiB = 1024;
export const MiB = 1024 * KiB;
export const GiB = 1024 * MiB;

export const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 1));

interface ScanProgress {
  readonly done: boolean;
  readonly cancelled: boolean;
  readonly error: unknown;
}

/** Polls a line index or a search until it is done, failed or cancelled; `what` names it in the timeout error. */
export async function settleScan(scan: { progress(): ScanProgress }, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const progress = scan.progress();
    if (progress.done || progress.error !== null || progress.cancelled) return;
    if (Date.now() > deadline) throw new Error(`${what} did not settle: ${JSON.stringify(progress)}`);
    await tick();
  }
}

export interface TempDir {
  /** The directory; valid from `beforeAll` on. */
  readonly path: string;
  /** A path in the directory for `name` (prefixed with a counter when names are unique). */
  pathFor(name: string): string;
  /** Writes `contents` to a new file and returns its path. */
  makeFile(name: string, contents: Uint8Array | string): string;
  /** A sparse file of `size` zero bytes with `head` written at `at`. */
  makeSparseFile(name: string, size: number, head: string, at: number): string;
}

/**
 * A temp dir created before the file's tests and removed after them. With `uniqueNames`, every
 * file gets a fresh name, so tests can reuse a name without seeing each other's files.
 */
export function tempDirForFile(prefix: string, options: { uniqueNames?: boolean } = {}): TempDir {
  let dir = '';
  let counter = 0;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  });
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const pathFor = (name: string): string =>
    path.join(dir, options.uniqueNames === true ? `${counter++}-${name}` : name);
  return {
    get path() {
      return dir;
    },
    pathFor,
    makeFile(name, contents) {
      const file = pathFor(name);
      fs.writeFileSync(file, contents);
      return file;
    },
    makeSparseFile(name, size, head, at) {
      const file = pathFor(name);
      const fd = fs.openSync(file, 'w');
      try {
        fs.ftruncateSync(fd, size);
        const bytes = Buffer.from(head);
        fs.writeSync(fd, bytes, 0, bytes.length, at);
      } finally {
        fs.closeSync(fd);
      }
      return file;
    },
  };
}

/** Expects `error` to be a NativeError with `code` (its message starting "CODE: "), and returns it. */
function checkedNativeError(error: unknown, code: string): NativeError {
  expect(isNativeError(error), `expected a NativeError, got ${String(error)}`).toBe(true);
  const nativeError = error as NativeError;
  expect(nativeError.code).toBe(code);
  expect(nativeError.message.startsWith(`${code}: `)).toBe(true);
  return nativeError;
}

/** Runs `action`, expects a NativeError with `code`, and returns it for further checks. */
export function expectNativeError(action: () => unknown, code: string): NativeError {
  try {
    action();
  } catch (error) {
    return checkedNativeError(error, code);
  }
  throw new Error(`expected ${code}, but nothing was thrown`);
}

/** Awaits `promise`, expects it to reject with a NativeError with `code`, and returns the error. */
export async function expectNativeRejection(promise: Promise<unknown>, code: string): Promise<NativeError> {
  try {
    await promise;
  } catch (error) {
    return checkedNativeError(error, code);
  }
  throw new Error(`expected a rejection with ${code}, but the promise resolved`);
}

export interface ChildNodeOptions {
  /** Where the child runs: a core dump, if the system writes one, lands there. */
  readonly cwd: string;
  readonly env?: Record<string, string>;
  /** Node flags before `-e`, such as `--expose-gc`. */
  readonly nodeArgs?: readonly string[];
  readonly timeoutMs?: number;
}

/** Runs a script in a fresh node process that has loaded the addon as `addon.exports` (`native`). */
export function runChildNode(script: string, options: ChildNodeOptions): ReturnType<typeof spawnSync> {
  const prelude =
    'const addon = { exports: {} };' +
    'process.dlopen(addon, process.env.HEXLOG_NATIVE_PATH);' +
    'const native = addon.exports;';
  return spawnSync(process.execPath, [...(options.nodeArgs ?? []), '-e', prelude + script], {
    cwd: options.cwd,
    env: { ...process.env, HEXLOG_NATIVE_PATH: nativeTesting.addonPath(), ...options.env },
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 15_000,
  });
}

/**
 * In a fresh process: opens `file`, starts three scans over it with `startScan` (a JS expression
 * that may use `file`), closes the file and drops every handle without dispose(), then collects
 * garbage. Expects the scans to hold one mapping while they run, and no worker threads
 * (`workerThreads`, a JS expression) and no mapping after collection.
 */
export function expectDroppedScansReleased(cwd: string, file: string, startScan: string, workerThreads: string): void {
  const child = runChildNode(
    `const fs = require('node:fs');
     const mappings = () => fs.readFileSync('/proc/self/maps', 'utf8').split('\\n')
       .filter((line) => line.endsWith(process.env.FILE)).length;
     (async () => {
       const file = native.MappedFile.open(process.env.FILE, 'readonly');
       for (let i = 0; i < 3; i++) ${startScan};
       file.close();
       const whileScanning = { mappings: mappings() };
       for (let i = 0; i < 10; i++) { gc(); await new Promise((done) => setImmediate(done)); }
       const afterGc = { threads: ${workerThreads}, mappings: mappings() };
       console.log(JSON.stringify({ whileScanning, afterGc }));
     })();`,
    { cwd, env: { FILE: file }, nodeArgs: ['--expose-gc'], timeoutMs: 30_000 },
  );
  expect(child.status, String(child.stderr)).toBe(0);
  expect(JSON.parse(String(child.stdout))).toEqual({
    whileScanning: { mappings: 1 },
    afterGc: { threads: 0, mappings: 0 },
  });
}
