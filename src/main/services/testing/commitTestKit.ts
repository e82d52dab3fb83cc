// Shared by the commit tests: a fresh temporary folder per test, Result expectations, file checks,
// and a journal built by hand from the documented layout (so the format is tested independently).
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { afterEach, beforeEach, expect } from 'vitest';

import type { FileIdentity } from '../../../../native/index';
import type { PendingEdit } from '../../../shared/editModel';
import type { Result } from '../../../shared/result';
import { commitTesting } from '../commit';

/** A new temporary folder for each test of the calling file, removed after it; read `.path`. */
export function tempDirPerTest(prefix = 'hexlog-commit-'): { readonly path: string } {
  let current: string | undefined;
  beforeEach(() => {
    current = mkdtempSync(join(tmpdir(), prefix));
  });
  afterEach(() => {
    commitTesting.setStepHook(undefined);
    if (current !== undefined) rmSync(current, { recursive: true, force: true });
    current = undefined;
  });
  return {
    get path(): string {
      if (current === undefined) throw new Error('tempDirPerTest: only inside a test');
      return current;
    },
  };
}

export function expectOk<T>(result: Result<T>): T {
  if (!result.ok) expect.fail(`${result.code}: ${result.message}`);
  return result.value;
}

export function expectErr<T>(result: Result<T>, code: string): string {
  if (result.ok) expect.fail(`expected ${code}, got ok`);
  expect(result.code, result.message).toBe(code);
  return result.message;
}

export function identityOf(path: string): FileIdentity {
  const { size, dev, ino, mtimeMs } = statSync(path);
  return { size, dev, ino, mtimeMs };
}

/** Writes bytes to dir/name; returns its path. */
export function writeFixture(dir: string, name: string, bytes: Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

export function expectFile(path: string, expected: Uint8Array): void {
  const actual = readFileSync(path);
  expect(actual.length).toBe(expected.length);
  // One comparison, not a million-element diff, when it fails.
  expect(Buffer.compare(actual, expected)).toBe(0);
}

/** A journal written by hand from the layout documented in journalFormat.ts. */
export function handMadeJournal(entries: readonly PendingEdit[], fileSize: number): Buffer {
  const header = Buffer.alloc(32);
  header.write('HXLGJRNL', 0, 'latin1');
  header.writeUInt32LE(1, 8);
  header.writeUInt32LE(entries.length, 12);
  header.writeBigUInt64LE(BigInt(fileSize), 16);
  header.writeBigUInt64LE(BigInt(entries.reduce((sum, entry) => sum + entry.oldBytes.length, 0)), 24);
  const parts: Uint8Array[] = [header];
  for (const { offset, oldBytes, newBytes } of entries) {
    const entryHeader = Buffer.alloc(12);
    entryHeader.writeBigUInt64LE(BigInt(offset), 0);
    entryHeader.writeUInt32LE(oldBytes.length, 8);
    parts.push(entryHeader, oldBytes, newBytes);
  }
  const body = Buffer.concat(parts);
  const trailer = Buffer.alloc(12);
  trailer.writeUInt32LE(crc32(body), 0);
  trailer.write('HXLGDONE', 4, 'latin1');
  return Buffer.concat([body, trailer]);
}
