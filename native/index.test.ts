import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';

import { createLineIndex, type MapMode, type MappedFile, nativeTesting, openMapped } from './index';
import {
  expectNativeError,
  expectNativeRejection,
  GiB,
  KiB,
  MiB,
  runChildNode as runChildNodeIn,
  tempDirForFile,
} from './testSupport';

const temp = tempDirForFile('hexlog-native-');
const makeFile = temp.makeFile;
const openFiles: MappedFile[] = [];

afterEach(() => {
  for (const file of openFiles.splice(0)) file.close();
});

/** Small seeded PRNG so every run reads the same offsets. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomBytes(random: () => number, length: number): Buffer {
  const bytes = Buffer.alloc(length);
  for (let i = 0; i < length; i++) bytes[i] = Math.floor(random() * 256);
  return bytes;
}

function randomInt(random: () => number, maxInclusive: number): number {
  return Math.floor(random() * (maxInclusive + 1));
}

function open(file: string, mode: MapMode): MappedFile {
  const mapped = openMapped(file, mode);
  openFiles.push(mapped);
  return mapped;
}

/** Mappings of `file` in this process, from /proc/self/maps. */
function mappingsOf(file: string): number {
  return fs
    .readFileSync('/proc/self/maps', 'utf8')
    .split('\n')
    .filter((line) => line.endsWith(file)).length;
}

/**
 * Starts a process that takes a lock and prints "locked" (or anything else: the test fails), then
 * holds it until its stdin ends. Resolves once it printed.
 */
async function startLockHolder(command: string, args: readonly string[], env: Record<string, string> = {}) {
  const child = spawn(command, args, { cwd: temp.path, env: { ...process.env, ...env }, stdio: 'pipe' });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`lock holder said nothing in time: ${output}`)), 10_000);
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('\n')) {
        clearTimeout(timer);
        if (output.trim() === 'locked') resolve();
        else reject(new Error(`lock holder could not lock: ${output}`));
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('exit', () => reject(new Error(`lock holder exited early: ${output}`)));
  });
  return child;
}

/** Ends the holder's stdin, so it exits and its lock goes away; resolves once it has exited. */
function stopLockHolder(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.on('exit', () => resolve());
    child.stdin?.end();
  });
}

/** Runs a script in a fresh node process that loads the addon directly. */
function runChildNode(script: string, env: Record<string, string>): ReturnType<typeof runChildNodeIn> {
  return runChildNodeIn(script, { cwd: temp.path, env });
}

describe('reading', () => {
  it('readInto returns the bytes fs.readFileSync sees, at seeded random offsets', () => {
    const random = mulberry32(0x6e61746976);
    const file = makeFile('random.bin', randomBytes(random, 256 * KiB + 123));
    const expected = fs.readFileSync(file);
    const mapped = open(file, 'readonly');
    expect(mapped.size()).toBe(expected.length);

    for (let i = 0; i < 500; i++) {
      const offset = randomInt(random, expected.length);
      const target = new Uint8Array(randomInt(random, 5000));
      const copied = mapped.readInto(offset, target);
      const want = expected.subarray(offset, Math.min(offset + target.length, expected.length));
      expect(copied).toBe(want.length);
      expect(Buffer.from(target.subarray(0, copied)).equals(want)).toBe(true);
    }
  });

  it('readInto copies into a Uint8Array view without touching bytes outside it', () => {
    const file = makeFile('view.txt', 'abcdefgh');
    const mapped = open(file, 'readonly');
    const backing = new Uint8Array(12).fill(0x2e);
    const view = backing.subarray(2, 6);
    expect(mapped.readInto(3, view)).toBe(4);
    expect(Buffer.from(backing).toString('latin1')).toBe('..defg......');
  });

  it('readInto at offset == size returns 0', () => {
    const mapped = open(makeFile('ten.txt', '0123456789'), 'readonly');
    expect(mapped.readInto(10, new Uint8Array(4))).toBe(0);
  });

  it('readInto past the end fails with ERANGE naming the file', () => {
    const file = makeFile('ten-range.txt', '0123456789');
    const mapped = open(file, 'readonly');
    const error = expectNativeError(() => mapped.readInto(11, new Uint8Array(4)), 'ERANGE');
    expect(error.message).toContain(file);
    expect(error.path).toBe(file);
  });

  it('readInto near the end copies only the bytes that exist', () => {
    const mapped = open(makeFile('tail.txt', '0123456789'), 'readonly');
    const target = new Uint8Array(8).fill(0x2a);
    expect(mapped.readInto(7, target)).toBe(3);
    expect(Buffer.from(target).toString('latin1')).toBe('789*****');
  });

  it('an empty file opens with size 0 and every read returns 0', () => {
    const mapped = open(makeFile('empty.txt', ''), 'readonly');
    expect(mapped.size()).toBe(0);
    expect(mapped.readInto(0, new Uint8Array(16))).toBe(0);
    expectNativeError(() => mapped.readInto(1, new Uint8Array(16)), 'ERANGE');
    expect(mapped.stat().size).toBe(0);
  });

  it('stat() reports the descriptor now: size, dev, ino and mtimeMs as fs.statSync does', () => {
    const file = makeFile('stat.txt', 'hello');
    const mapped = open(file, 'readonly');
    fs.appendFileSync(file, ' world');
    const identity = mapped.stat();
    const fromFs = fs.statSync(file);
    expect(identity.size).toBe(11);
    expect(mapped.size()).toBe(5); // the mapped length does not follow the file
    expect(identity.dev).toBe(fromFs.dev);
    expect(identity.ino).toBe(fromFs.ino);
    expect(identity.mtimeMs).toBeCloseTo(fromFs.mtimeMs, 3);
  });
});

describe('open errors', () => {
  it('a missing file fails with ENOENT and a message naming the path', () => {
    const missing = path.join(temp.path, 'no', 'such', 'file.log');
    const error = expectNativeError(() => openMapped(missing, 'readonly'), 'ENOENT');
    expect(error.message).toBe(`ENOENT: no such file: ${missing}`);
    expect(error.path).toBe(missing);
  });

  // EACCES on an unreadable file: tested as `nobody` in src/main/services/commit/unprivileged.test.ts
  // (the tests run as root here, and permission bits do not stop root).

  it('a directory fails with EISDIR', () => {
    const error = expectNativeError(() => openMapped(temp.path, 'readonly'), 'EISDIR');
    expect(error.message).toBe(`EISDIR: is a directory: ${temp.path}`);
  });

  it('a FIFO fails with ENOTREG at once instead of waiting for a writer', () => {
    const fifo = path.join(temp.path, 'pipe');
    execFileSync('mkfifo', [fifo]);
    // In a child first: if open ever blocked on the FIFO, only the child would hang (and time out).
    const child = runChildNode(
      'try { native.MappedFile.open(process.env.FIFO, "readonly"); console.log("{}"); }' +
        'catch (e) { console.log(JSON.stringify({ code: e.code, message: e.message })); }',
      { FIFO: fifo },
    );
    expect(child.error, 'the child hung or could not start').toBeUndefined();
    expect(child.status).toBe(0);
    expect(JSON.parse(String(child.stdout))).toEqual({
      code: 'ENOTREG',
      message: `ENOTREG: not a regular file (FIFO): ${fifo}`,
    });

    for (const mode of ['readonly', 'shared', 'private'] as const) {
      expectNativeError(() => openMapped(fifo, mode), 'ENOTREG');
    }
  });

  it('/dev/null fails with ENOTREG naming it a character device', () => {
    const error = expectNativeError(() => openMapped('/dev/null', 'readonly'), 'ENOTREG');
    expect(error.message).toBe('ENOTREG: not a regular file (character device): /dev/null');
  });

  describe('files without a fixed size (/proc, /sys)', () => {
    const pseudoFiles = ['/proc/self/status', '/proc/cpuinfo', '/sys/kernel/mm/transparent_hugepage/enabled'];
    const pseudoMessage = (file: string): string =>
      `ENOTREG: ${file} is not a mappable file: files under /proc and /sys have no fixed size ` +
      '(they read as 0 bytes); copy it to a regular file first';

    for (const file of pseudoFiles) {
      it(`${file} fails with ENOTREG in every mode instead of opening empty`, (context) => {
        if (!fs.existsSync(file)) context.skip(`${file} does not exist here`);
        for (const mode of ['readonly', 'private', 'shared'] as const) {
          const error = expectNativeError(() => openMapped(file, mode), 'ENOTREG');
          expect(error.message).toBe(pseudoMessage(file));
          expect(error.path).toBe(file);
        }
      });
    }

    it('a 0-byte file that reads data fails with ENOTREG even on a file system not on the list', () => {
      // /proc/self/status stands in for such a file (a FUSE export of /proc, say): the type check
      // is switched off, so only the 1-byte read can find it.
      nativeTesting.setFileSystemTypeCheck(false);
      try {
        expect(fs.statSync('/proc/self/status').size).toBe(0);
        const error = expectNativeError(() => openMapped('/proc/self/status', 'readonly'), 'ENOTREG');
        expect(error.message).toBe(
          'ENOTREG: /proc/self/status is not a mappable file: it has no fixed size (it says 0 bytes ' +
            'but reads data, like files under /proc and /sys); copy it to a regular file first',
        );
      } finally {
        nativeTesting.setFileSystemTypeCheck(true);
      }
    });

    it('a real empty file still opens with size 0 in every mode', () => {
      const file = makeFile('really-empty.txt', '');
      for (const mode of ['readonly', 'private', 'shared'] as const) {
        const mapped = open(file, mode);
        expect(mapped.size()).toBe(0);
        expect(mapped.readInto(0, new Uint8Array(1))).toBe(0);
      }
    });
  });

  it('a missing addon fails with ENATIVE telling to run npm run build:native', async () => {
    vi.stubEnv('HEXLOG_NATIVE_PATH', path.join(temp.path, 'missing', 'hexlog_native.node'));
    vi.resetModules();
    try {
      const fresh = await import('./index');
      const error = expectNativeError(() => fresh.openMapped(makeFile('any.txt', 'x'), 'readonly'), 'ENATIVE');
      expect(error.message).toContain('npm run build:native');
    } finally {
      vi.unstubAllEnvs();
      vi.resetModules();
    }
  });
});

describe('files beyond 4 GiB', () => {
  const sparseSize = 6 * GiB;
  const aboveFourGiB = 2 ** 32 + 5;
  const tailBytes = Buffer.from('END-MARK');
  const middleBytes = Buffer.from('4GIB+5!!');
  let sparseFile = '';

  beforeAll(() => {
    sparseFile = path.join(temp.path, 'sparse-6g.bin');
    const fd = fs.openSync(sparseFile, 'w');
    try {
      fs.ftruncateSync(fd, sparseSize);
      fs.writeSync(fd, tailBytes, 0, tailBytes.length, sparseSize - tailBytes.length);
      fs.writeSync(fd, middleBytes, 0, middleBytes.length, aboveFourGiB);
    } finally {
      fs.closeSync(fd);
    }
  });

  it('a sparse 6 GiB file reads the right bytes at its very end and just above 4 GiB', () => {
    const mapped = open(sparseFile, 'readonly');
    expect(mapped.size()).toBe(sparseSize);

    const tail = new Uint8Array(8);
    expect(mapped.readInto(sparseSize - 8, tail)).toBe(8);
    expect(Buffer.from(tail).equals(tailBytes)).toBe(true);

    const middle = new Uint8Array(16);
    expect(mapped.readInto(aboveFourGiB - 4, middle)).toBe(16);
    expect(Buffer.from(middle).equals(Buffer.concat([Buffer.alloc(4), middleBytes, Buffer.alloc(4)]))).toBe(true);

    expect(mapped.readInto(sparseSize - 3, new Uint8Array(8))).toBe(3);
    expectNativeError(() => mapped.readInto(sparseSize + 1, new Uint8Array(1)), 'ERANGE');
  });

  it('private mode maps a 6 GiB file and keeps a write above 4 GiB to itself', () => {
    const mapped = open(sparseFile, 'private');
    expect(mapped.write(aboveFourGiB, Buffer.from('private!'))).toBe(8);
    const back = new Uint8Array(8);
    mapped.readInto(aboveFourGiB, back);
    expect(Buffer.from(back).toString('latin1')).toBe('private!');

    const onDisk = Buffer.alloc(8);
    const fd = fs.openSync(sparseFile, 'r');
    try {
      fs.readSync(fd, onDisk, 0, 8, aboveFourGiB);
    } finally {
      fs.closeSync(fd);
    }
    expect(onDisk.equals(middleBytes)).toBe(true);
  });
});

describe('writing', () => {
  it('private mode: write shows in readInto while the file on disk stays unchanged', () => {
    const file = makeFile('cow.txt', 'hello world');
    const mapped = open(file, 'private');
    expect(mapped.write(6, Buffer.from('WORLD'))).toBe(5);
    const target = new Uint8Array(11);
    mapped.readInto(0, target);
    expect(Buffer.from(target).toString('latin1')).toBe('hello WORLD');
    expect(fs.readFileSync(file, 'latin1')).toBe('hello world');
    mapped.close();
    expect(fs.readFileSync(file, 'latin1')).toBe('hello world');
  });

  it('shared mode: write then flush changes the file on disk', () => {
    const file = makeFile('shared.txt', 'aaaaaaaaaa');
    const mapped = open(file, 'shared');
    expect(mapped.write(2, Buffer.from('BBB'))).toBe(3);
    mapped.flush(2, 3);
    expect(fs.readFileSync(file, 'latin1')).toBe('aaBBBaaaaa');
    mapped.write(9, Buffer.from('Z'));
    mapped.flush();
    expect(fs.readFileSync(file, 'latin1')).toBe('aaBBBaaaaZ');
  });

  it('write in readonly mode fails with EREADONLY', () => {
    const file = makeFile('ro.txt', 'readonly');
    const mapped = open(file, 'readonly');
    const error = expectNativeError(() => mapped.write(0, Buffer.from('x')), 'EREADONLY');
    expect(error.message).toContain(file);
    expect(fs.readFileSync(file, 'latin1')).toBe('readonly');
  });

  it('write past the end fails with ERANGE: writes never grow the file', () => {
    const file = makeFile('short.txt', '12345');
    for (const mode of ['shared', 'private'] as const) {
      const mapped = open(file, mode);
      expectNativeError(() => mapped.write(3, Buffer.from('abc')), 'ERANGE');
      expectNativeError(() => mapped.write(6, Buffer.from('a')), 'ERANGE');
      expect(mapped.write(5, new Uint8Array(0))).toBe(0);
      expect(mapped.write(3, Buffer.from('ab'))).toBe(2);
    }
    expect(fs.statSync(file).size).toBe(5);
  });

  it('flush fails with EBADMODE in private and readonly modes', () => {
    const file = makeFile('noflush.txt', 'data');
    expectNativeError(() => open(file, 'private').flush(), 'EBADMODE');
    expectNativeError(() => open(file, 'readonly').flush(), 'EBADMODE');
  });

  it('flush of a range past the end fails with ERANGE', () => {
    const mapped = open(makeFile('flushrange.txt', 'data'), 'shared');
    expectNativeError(() => mapped.flush(2, 3), 'ERANGE');
    expectNativeError(() => mapped.flush(5), 'ERANGE');
  });
});

describe('flushAsync', () => {
  it('resolves once a shared write is on disk, for a range and for the whole file', async () => {
    const file = makeFile('async-flush.txt', 'aaaaaaaaaa');
    const mapped = open(file, 'shared');
    mapped.write(2, Buffer.from('BBB'));
    await expect(mapped.flushAsync(2, 3)).resolves.toBeUndefined();
    expect(fs.readFileSync(file, 'latin1')).toBe('aaBBBaaaaa');
    mapped.write(9, Buffer.from('Z'));
    await mapped.flushAsync();
    expect(fs.readFileSync(file, 'latin1')).toBe('aaBBBaaaaZ');
    await mapped.flushAsync(10); // offset == size: nothing to write, still fsyncs
  });

  it('rejects with EBADMODE in readonly and private modes, as flush throws', async () => {
    const file = makeFile('async-noflush.txt', 'data');
    for (const mode of ['readonly', 'private'] as const) {
      const mapped = open(file, mode);
      const syncError = expectNativeError(() => mapped.flush(), 'EBADMODE');
      const error = await expectNativeRejection(mapped.flushAsync(), 'EBADMODE');
      expect(error.message).toBe(syncError.message);
      expect(error.path).toBe(file);
    }
  });

  it('rejects (never throws) with ERANGE past the end, EINVAL for bad arguments and ECLOSED after close', async () => {
    const file = makeFile('async-range.txt', 'data');
    const mapped = open(file, 'shared');
    await expectNativeRejection(mapped.flushAsync(2, 3), 'ERANGE');
    await expectNativeRejection(mapped.flushAsync(5), 'ERANGE');
    await expectNativeRejection(mapped.flushAsync(-1), 'EINVAL');
    await expectNativeRejection(mapped.flushAsync(0, 0.5), 'EINVAL');
    mapped.close();
    const error = await expectNativeRejection(mapped.flushAsync(), 'ECLOSED');
    expect(error.message).toContain(file);
  });

  it('close() while flushes are pending is safe: they resolve, the data is on disk, the mapping goes away', async () => {
    const file = makeFile('async-close.bin', Buffer.alloc(8 * MiB));
    const expected = Buffer.alloc(8 * MiB);
    const pending: Promise<void>[] = [];
    for (let round = 0; round < 8; round++) {
      const mapped = open(file, 'shared');
      const stripe = Buffer.alloc(MiB, 0x41 + round);
      mapped.write(round * MiB, stripe);
      stripe.copy(expected, round * MiB);
      pending.push(mapped.flushAsync(), mapped.flushAsync(round * MiB, MiB));
      mapped.close();
      expect(mapped.closed).toBe(true);
    }
    await Promise.all(pending);
    expect(fs.readFileSync(file).equals(expected)).toBe(true);
    expect(mappingsOf(file)).toBe(0);
  });
});

describe('advisory lock', () => {
  it('two mappings of one file: the first tryLock wins until it unlocks or closes', () => {
    const file = makeFile('lock.txt', 'lock me');
    for (const [firstMode, secondMode] of [
      ['readonly', 'readonly'],
      ['shared', 'private'],
      ['private', 'shared'],
    ] as const) {
      const first = open(file, firstMode);
      const second = open(file, secondMode);
      expect(first.tryLock()).toBe(true);
      expect(first.tryLock()).toBe(true); // again: it already holds it
      expect(second.tryLock()).toBe(false);
      first.unlock();
      expect(second.tryLock()).toBe(true);
      expect(first.tryLock()).toBe(false);
      second.close();
      expect(first.tryLock()).toBe(true);
      first.close();
    }
  });

  it('unlock without the lock is a no-op; close releases the lock even while a line index holds the descriptor', async () => {
    const file = makeFile('lock-index.txt', 'one\ntwo\n');
    const first = open(file, 'readonly');
    first.unlock();
    expect(first.tryLock()).toBe(true);
    const index = createLineIndex(first, 'utf-8');
    try {
      first.close();
      expect(open(file, 'readonly').tryLock()).toBe(true);
    } finally {
      index.dispose();
    }
  });

  it('a lock held by the flock command makes tryLock false until it lets go', async () => {
    const file = makeFile('lock-flock.txt', 'flock');
    const mapped = open(file, 'readonly');
    const holder = await startLockHolder('flock', ['--exclusive', '--nonblock', file, '-c', 'echo locked; read line']);
    try {
      expect(mapped.tryLock()).toBe(false);
    } finally {
      await stopLockHolder(holder);
    }
    expect(mapped.tryLock()).toBe(true);
  });

  it('a lock held by another node process through the addon makes tryLock false until it exits', async () => {
    const file = makeFile('lock-child.txt', 'child');
    const mapped = open(file, 'shared');
    const holder = await startLockHolder(
      process.execPath,
      [
        '-e',
        'const addon = { exports: {} };' +
          'process.dlopen(addon, process.env.HEXLOG_NATIVE_PATH);' +
          'const file = addon.exports.MappedFile.open(process.env.FILE, "readonly");' +
          'console.log(file.tryLock() ? "locked" : "not locked");' +
          'process.stdin.on("data", () => {}).on("end", () => process.exit(0));',
      ],
      { HEXLOG_NATIVE_PATH: nativeTesting.addonPath(), FILE: file },
    );
    try {
      expect(mapped.tryLock()).toBe(false);
      expect(mapped.tryLock()).toBe(false);
    } finally {
      await stopLockHolder(holder);
    }
    expect(mapped.tryLock()).toBe(true);
    const child = runChildNode(
      'const file = native.MappedFile.open(process.env.FILE, "readonly");' +
        'console.log(JSON.stringify(file.tryLock()));',
      { FILE: file },
    );
    expect(child.status, String(child.stderr)).toBe(0);
    expect(JSON.parse(String(child.stdout))).toBe(false);
  });
});

describe('close', () => {
  it('close is idempotent and sets closed', () => {
    const mapped = open(makeFile('close.txt', 'x'), 'readonly');
    expect(mapped.closed).toBe(false);
    mapped.close();
    mapped.close();
    expect(mapped.closed).toBe(true);
  });

  it('every method after close fails with ECLOSED', () => {
    const file = makeFile('closed.txt', 'closed');
    for (const mode of ['readonly', 'shared', 'private'] as const) {
      const mapped = open(file, mode);
      mapped.close();
      const calls: Array<() => unknown> = [
        () => mapped.size(),
        () => mapped.stat(),
        () => mapped.readInto(0, new Uint8Array(1)),
        () => mapped.write(0, new Uint8Array(1)),
        () => mapped.flush(),
        () => mapped.flush(0, 1),
        () => mapped.tryLock(),
        () => mapped.unlock(),
      ];
      for (const call of calls) {
        expect(expectNativeError(call, 'ECLOSED').message).toContain(file);
      }
    }
  });
  it('a handle that JS drops without close() releases its descriptor and mapping when collected', () => {
    const file = makeFile('forgotten.txt', 'never closed');
    const child = runChildNodeIn(
      `const fs = require('node:fs');
         const descriptors = () => fs.readdirSync('/proc/self/fd').length;
         const mappings = () => fs.readFileSync('/proc/self/maps', 'utf8').split('\\n')
           .filter((line) => line.endsWith(process.env.FILE)).length;
         (async () => {
           const before = descriptors();
           for (let i = 0; i < 100; i++) addon.exports.MappedFile.open(process.env.FILE, 'readonly');
           const whileOpen = { descriptors: descriptors() - before, mappings: mappings() };
           for (let i = 0; i < 5; i++) { gc(); await new Promise((done) => setImmediate(done)); }
           const afterGc = { descriptors: descriptors() - before, mappings: mappings() };
           console.log(JSON.stringify({ whileOpen, afterGc }));
         })();`,
      { cwd: temp.path, env: { FILE: file }, nodeArgs: ['--expose-gc'] },
    );
    expect(child.status, String(child.stderr)).toBe(0);
    expect(JSON.parse(String(child.stdout))).toEqual({
      whileOpen: { descriptors: 100, mappings: 100 },
      afterGc: { descriptors: 0, mappings: 0 },
    });
  });
});

describe('truncation while mapped', () => {
  it('readInto past the end of a file truncated by another process returns EFILECHANGED', () => {
    const file = makeFile('shrinks.bin', randomBytes(mulberry32(7), MiB));
    const original = fs.readFileSync(file);
    const mapped = open(file, 'readonly');
    execFileSync('truncate', ['-s', '100', file]);

    const error = expectNativeError(() => mapped.readInto(512 * KiB, new Uint8Array(4 * KiB)), 'EFILECHANGED');
    expect(error.message).toBe(`EFILECHANGED: file changed on disk: ${file} is now 100 bytes, was ${MiB} bytes`);
    // Still alive, and the bytes that remain are still readable.
    const head = new Uint8Array(50);
    expect(mapped.readInto(0, head)).toBe(50);
    expect(Buffer.from(head).equals(original.subarray(0, 50))).toBe(true);
    expect(mapped.stat().size).toBe(100);
  });

  it('write into the truncated part of a shared mapping returns EFILECHANGED', () => {
    const file = makeFile('shrinks-shared.bin', Buffer.alloc(MiB, 1));
    const mapped = open(file, 'shared');
    execFileSync('truncate', ['-s', '100', file]);
    expectNativeError(() => mapped.write(512 * KiB, Buffer.from('x')), 'EFILECHANGED');
    expect(mapped.write(10, Buffer.from('y'))).toBe(1);
  });

  it('the SIGBUS guard catches a real fault from a truncated mapping on two threads', () => {
    // Maps a 2-page file, truncates it to 0 behind the mapping and copies from page 2 with
    // guarded_copy, skipping the size check: the copy really faults and must come back false.
    expect(nativeTesting.faultGuardSelfTest()).toEqual({
      caughtOnCallingThread: true,
      caughtOnOtherThread: true,
    });
    // And this process is still fine.
    const mapped = open(makeFile('after-fault.txt', 'alive'), 'readonly');
    expect(mapped.readInto(0, new Uint8Array(5))).toBe(5);
  });

  it('a SIGBUS outside the guard goes to the previous (default) handler and kills the process', () => {
    const child = runChildNode('console.log(native.__triggerUnguardedFault());', {});
    expect(child.signal, `child said: ${String(child.stdout)}${String(child.stderr)}`).toBe('SIGBUS');
  });
});

describe('arguments', () => {
  const badOffsets: unknown[] = [-1, 0.5, Number.NaN, Infinity, 2 ** 53, '0', null, undefined, 1n];

  it('readInto, write and flush reject offsets that are not non-negative safe integers with EINVAL', () => {
    const mapped = open(makeFile('args.txt', 'arguments'), 'shared');
    for (const offset of badOffsets) {
      const bad = offset as number;
      expectNativeError(() => mapped.readInto(bad, new Uint8Array(1)), 'EINVAL');
      expectNativeError(() => mapped.write(bad, new Uint8Array(1)), 'EINVAL');
      if (offset !== undefined) {
        expectNativeError(() => mapped.flush(bad, 1), 'EINVAL');
        expectNativeError(() => mapped.flush(0, bad), 'EINVAL');
      }
    }
  });

  it('readInto and write reject targets that are not a Uint8Array with EINVAL', () => {
    const mapped = open(makeFile('args2.txt', 'arguments'), 'shared');
    const badTargets: unknown[] = [
      new Uint16Array(4),
      new Uint8ClampedArray(4),
      new ArrayBuffer(4),
      new DataView(new ArrayBuffer(4)),
      [1, 2, 3],
      'text',
      null,
    ];
    for (const target of badTargets) {
      const error = expectNativeError(() => mapped.readInto(0, target as Uint8Array), 'EINVAL');
      expect(error.message).toContain('Uint8Array');
      expectNativeError(() => mapped.write(0, target as Uint8Array), 'EINVAL');
    }
    // A Buffer is a Uint8Array and is accepted.
    expect(mapped.readInto(0, Buffer.alloc(3))).toBe(3);
  });

  it('openMapped rejects an unknown mode or a non-string path with EINVAL', () => {
    const file = makeFile('mode.txt', 'mode');
    for (const mode of ['rw', 'READONLY', '', undefined]) {
      const error = expectNativeError(() => openMapped(file, mode as MapMode), 'EINVAL');
      expect(error.message).toContain("'readonly', 'shared' or 'private'");
    }
    expectNativeError(() => openMapped('', 'readonly'), 'EINVAL');
    expectNativeError(() => openMapped(42 as unknown as string, 'readonly'), 'EINVAL');
  });

  it('the raw binding checks its arguments too and throws EINVAL TypeErrors', () => {
    const child = runChildNode(
      'const results = [];' +
        'const attempt = (f) => { try { f(); results.push("no error"); }' +
        '  catch (e) { results.push(`${e.constructor.name}:${e.code}`); } };' +
        'attempt(() => native.MappedFile.open(process.env.FILE, "rw"));' +
        'attempt(() => native.MappedFile.open(7, "readonly"));' +
        'const file = native.MappedFile.open(process.env.FILE, "readonly");' +
        'attempt(() => file.readInto(-1, new Uint8Array(1)));' +
        'attempt(() => file.readInto(0.5, new Uint8Array(1)));' +
        'attempt(() => file.readInto(2 ** 53, new Uint8Array(1)));' +
        'attempt(() => file.readInto(0, new Uint16Array(1)));' +
        'attempt(() => file.flush(0, NaN));' +
        'console.log(JSON.stringify(results));',
      { FILE: makeFile('raw.txt', 'raw binding') },
    );
    expect(child.status, String(child.stderr)).toBe(0);
    expect(JSON.parse(String(child.stdout))).toEqual(Array(7).fill('TypeError:EINVAL'));
  });
});
