import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';

import { seededRandom } from '../../../shared/seededRandom';
import { expectErr, expectFile, expectOk, tempDirPerTest } from '../testing/commitTestKit';
import {
  concatBytes,
  fixtureContent,
  handFrame,
  hasZstdCli,
  logText,
  zstdCli,
  zstdFixtures,
  type ZstdFixtureName,
} from './compressedTestKit';
import {
  decompressToCache,
  type DecompressedFile,
  type DecompressOptions,
  type DecompressOutcome,
  type DecompressProgress,
} from './decompress';
import type { Result } from '../../../shared/result';

const dir = tempDirPerTest('hexlog-decompress-');
const MIB = 1024 * 1024;
const cacheDir = (): string => join(dir.path, 'cache');
/** Whatever this disk holds: the tests of the space guard bring their own numbers. */
const plentyOfSpace = async (): Promise<{ freeBytes: number; totalBytes: number }> => ({
  freeBytes: 1e15,
  totalBytes: 2e15,
});

function writeSource(name: string, bytes: Uint8Array): string {
  const path = join(dir.path, name);
  writeFileSync(path, bytes);
  return path;
}

async function decompress(path: string, options: DecompressOptions = {}): Promise<Result<DecompressOutcome>> {
  return decompressToCache(path, { cacheDir: cacheDir(), freeSpace: plentyOfSpace, ...options });
}

function expectFinished(result: Result<DecompressOutcome>): DecompressedFile {
  const outcome = expectOk(result);
  if (outcome === 'cancelled') return expect.fail('cancelled');
  return outcome;
}

async function expectRoundTrip(path: string, expected: Uint8Array): Promise<void> {
  const copy = expectFinished(await decompress(path));
  expect(copy.outputBytes).toBe(expected.length);
  expectFile(copy.cachePath, expected);
  copy.dispose();
}

/** The MiB an error message says were decompressed before the error. */
function decompressedMiB(message: string): number {
  const match = /([\d.]+) MiB were decompressed before the error/.exec(message);
  return match === null ? expect.fail(`no amount in: ${message}`) : Number(match[1]);
}

const cacheFiles = (): string[] => (existsSync(cacheDir()) ? readdirSync(cacheDir()) : []);

describe('decompressToCache: gzip', () => {
  it('round-trips seeded data of several sizes, 0 bytes and multi-MB included', async () => {
    const rng = seededRandom(21);
    for (const size of [0, 1, 1000, 300_000, 6 * MIB]) {
      const content = size % 2 === 0 ? logText(size, size) : rng.bytes(size);
      await expectRoundTrip(writeSource(`data-${size}.gz`, gzipSync(content)), content);
    }
    expect(cacheFiles()).toEqual([]);
  });

  it('reads concatenated members as gunzip does', async () => {
    const parts = [logText(1, 100_000), new Uint8Array(0), seededRandom(2).bytes(3 * MIB), logText(3, 10)];
    const path = writeSource('members.gz', concatBytes(parts.map((part) => gzipSync(part))));
    await expectRoundTrip(path, concatBytes(parts));
  });

  it('goes by the bytes: a gzip file named .log opens, a plain file named .gz is EINVAL', async () => {
    const content = logText(4, 5000);
    await expectRoundTrip(writeSource('rotated.log.1', gzipSync(content)), content);
    const plain = writeSource('plain.log.gz', content);
    expect(expectErr(await decompress(plain), 'EINVAL')).toMatch(
      /plain\.log\.gz is not gzip- or zstd-compressed \(only its name/,
    );
    expectErr(await decompress(writeSource('empty.gz', new Uint8Array(0))), 'EINVAL');
    expect(cacheFiles()).toEqual([]);
  });

  it('a damaged member is ECORRUPT naming the file and what was decompressed, and leaves no file behind', async () => {
    const content = seededRandom(5).bytes(4 * MIB);
    const damaged = Buffer.from(gzipSync(content));
    damaged[damaged.length - 6]! ^= 0xff; // the CRC
    const message = expectErr(await decompress(writeSource('damaged.gz', damaged)), 'ECORRUPT');
    expect(message).toContain('damaged.gz');
    expect(message).toMatch(/damaged or incomplete/);
    expect(decompressedMiB(message)).toBeGreaterThan(0);
    expect(decompressedMiB(message)).toBeLessThanOrEqual(4);
    expect(message).toMatch(/MiB were decompressed before the error; that partial copy was removed/);
    expect(cacheFiles()).toEqual([]);
  });

  it('a truncated file is ECORRUPT saying it ends too early', async () => {
    const whole = gzipSync(logText(6, 2 * MIB));
    const message = expectErr(
      await decompress(writeSource('cut.gz', whole.subarray(0, whole.length >> 1))),
      'ECORRUPT',
    );
    expect(message).toMatch(/cut\.gz: the gzip data is damaged or incomplete \(it ends too early/);
    expect(cacheFiles()).toEqual([]);
  });
});

describe('decompressToCache: zstd', () => {
  it('reads the committed fixtures', async () => {
    for (const name of Object.keys(zstdFixtures) as ZstdFixtureName[]) {
      const path = writeSource(name, readFileSync(join(import.meta.dirname, 'fixtures', name)));
      await expectRoundTrip(path, fixtureContent(name));
    }
  });

  it('round-trips multi-MB, multi-frame input, and a zstd file named .log', async () => {
    const parts = [logText(7, 5 * MIB), seededRandom(8).bytes(2 * MIB + 3), new Uint8Array(0)];
    const input = concatBytes(parts.map((part, index) => handFrame(part, { checksum: index !== 1 })));
    await expectRoundTrip(writeSource('frames.log', input), concatBytes(parts));
  });

  it('a frame that fails its checksum is ECORRUPT, and a truncated file too; neither leaves a file', async () => {
    const content = logText(9, 3 * MIB);
    const damaged = handFrame(content, { checksum: true });
    damaged[2 * MIB]! ^= 0x20;
    const message = expectErr(await decompress(writeSource('damaged.zst', damaged)), 'ECORRUPT');
    expect(message).toMatch(/damaged\.zst: the zstd data is damaged or incomplete: frame 1 fails its content checksum/);
    expect(decompressedMiB(message)).toBeGreaterThan(1);
    expect(decompressedMiB(message)).toBeLessThanOrEqual(3);
    const cut = handFrame(content).subarray(0, 1_000_000);
    expect(expectErr(await decompress(writeSource('cut.zst', cut)), 'ECORRUPT')).toMatch(
      /the file is incomplete: it ends inside frame 1/,
    );
    expect(cacheFiles()).toEqual([]);
  });

  it('a feature beyond the decoder is EUNSUPPORTED', async () => {
    const dictionary = Uint8Array.of(0x28, 0xb5, 0x2f, 0xfd, 0x01, 7 << 3, 42, 1, 0, 0);
    expect(expectErr(await decompress(writeSource('dict.zst', dictionary)), 'EUNSUPPORTED')).toMatch(/dictionary 42/);
    expect(cacheFiles()).toEqual([]);
  });
});

describe.skipIf(!hasZstdCli)('decompressToCache: zstd made by the CLI', () => {
  it('gives the bytes zstd -d gives, at several sizes and levels', async () => {
    const rng = seededRandom(22);
    for (const [size, args] of [
      [0, ['-3']],
      [1, ['-3']],
      [100_000, ['-19']],
      [5 * MIB, ['-3']],
      [3 * MIB + 1, ['-1', '--no-check']],
    ] as const) {
      const content = size % 2 === 0 ? logText(size, size) : rng.bytes(size);
      const compressed = zstdCli(args, content);
      expect(Buffer.compare(zstdCli(['-d'], compressed), content)).toBe(0);
      await expectRoundTrip(writeSource(`cli-${size}.zst`, compressed), content);
    }
  });
});

describe('decompressToCache: the cache file', () => {
  it('is private (0600, in a 0700 folder), named after the source, and dispose removes it once', async () => {
    const content = logText(10, 1000);
    const copy = expectFinished(await decompress(writeSource('app.log.gz', gzipSync(content))));
    expect(copy.compression).toBe('gzip');
    expect(copy.cachePath.startsWith(join(cacheDir(), `hexlog-${process.pid}-`))).toBe(true);
    expect(copy.cachePath.endsWith('-app.log')).toBe(true);
    expect(statSync(copy.cachePath).mode & 0o777).toBe(0o600);
    expect(statSync(cacheDir()).mode & 0o777).toBe(0o700);
    copy.dispose();
    expect(existsSync(copy.cachePath)).toBe(false);
    copy.dispose();
    const second = expectFinished(await decompress(writeSource('again.gz', gzipSync(content))));
    rmSync(second.cachePath);
    second.dispose(); // already gone: still quiet
  });

  it('answers the source file errors as values', async () => {
    expect(expectErr(await decompress(join(dir.path, 'missing.gz')), 'ENOENT')).toContain('missing.gz');
    expectErr(await decompress(dir.path), 'EISDIR');
  });
});

describe('decompressToCache: progress and cancel', () => {
  const content = logText(30, 12 * MIB);
  const compressed = gzipSync(content, { level: 1 });

  it('reports rising progress that ends at the totals', async () => {
    for (const [name, bytes] of [
      ['big.gz', compressed],
      ['big.zst', handFrame(content, { checksum: true })],
    ] as const) {
      const seen: DecompressProgress[] = [];
      const copy = expectFinished(
        await decompress(writeSource(name, bytes), { progressIntervalMs: 0, onProgress: (p) => seen.push(p) }),
      );
      expect(seen.length).toBeGreaterThan(3);
      for (let i = 1; i < seen.length; i++) {
        expect(seen[i]!.compressedRead).toBeGreaterThanOrEqual(seen[i - 1]!.compressedRead);
        expect(seen[i]!.outputWritten).toBeGreaterThanOrEqual(seen[i - 1]!.outputWritten);
      }
      expect(seen.every((p) => p.compressedTotal === bytes.length)).toBe(true);
      expect(seen.at(-1)).toEqual({
        compressedRead: bytes.length,
        compressedTotal: bytes.length,
        outputWritten: content.length,
      });
      copy.dispose();
    }
  });

  it('reports at most once per interval: with an interval longer than the run, once at the start and once at the end', async () => {
    const seen: DecompressProgress[] = [];
    const copy = expectFinished(
      await decompress(writeSource('big.gz', compressed), { progressIntervalMs: 1e9, onProgress: (p) => seen.push(p) }),
    );
    expect(seen.map((p) => p.outputWritten)).toEqual([MIB, content.length]);
    copy.dispose();
  });

  it('cancelled mid-way: answers cancelled and removes the partial file', async () => {
    for (const [name, bytes] of [
      ['cancel.gz', compressed],
      ['cancel.zst', handFrame(content)],
    ] as const) {
      const controller = new AbortController();
      let written = 0;
      const outcome = await decompress(writeSource(name, bytes), {
        signal: controller.signal,
        progressIntervalMs: 0,
        onProgress: (progress) => {
          written = progress.outputWritten;
          if (written > 0) controller.abort();
        },
      });
      expect(expectOk(outcome)).toBe('cancelled');
      expect(written).toBeGreaterThan(0);
      expect(written).toBeLessThan(content.length);
      expect(cacheFiles()).toEqual([]);
    }
  });

  it('cancelled before it starts: nothing is created', async () => {
    const outcome = await decompress(writeSource('never.gz', compressed), { signal: AbortSignal.abort() });
    expect(expectOk(outcome)).toBe('cancelled');
    expect(existsSync(cacheDir())).toBe(false);
  });
});

describe('decompressToCache: free space', () => {
  const content = logText(40, 80 * MIB);

  it('refuses up front when gzip says the output cannot fit above the reserve', async () => {
    const path = writeSource('huge.gz', gzipSync(content, { level: 1 }));
    const freeSpace = async () => ({ freeBytes: 50 * MIB, totalBytes: 1000 * MIB });
    const message = expectErr(await decompress(path, { freeSpace }), 'ENOSPC');
    expect(message).toMatch(/decompresses to at least 80\.0 MiB.*has 50\.0 MiB free and hexlog leaves 50\.0 MiB free/);
    expect(cacheFiles()).toEqual([]);
  });

  it('stops before the disk falls under the reserve, says so, and removes the partial file', async () => {
    const path = writeSource('grows.zst', handFrame(content, { declareSize: null }));
    // Every look finds 40 MiB less: 100 at the start, 60 after 32 MiB written, 20 after 64 MiB.
    let looks = 0;
    const freeSpace = async () => ({ freeBytes: (100 - 40 * looks++) * MIB, totalBytes: 10_000 * MIB });
    const message = expectErr(await decompress(path, { freeSpace, minFreeBytes: 30 * MIB }), 'ENOSPC');
    expect(looks).toBe(3);
    expect(message).toMatch(/Stopped decompressing .*grows\.zst: the disk of .* is down to 20\.0 MiB free/);
    expect(message).toMatch(/64\.0 MiB were decompressed before the error/);
    expect(message).toMatch(/hexlog leaves 30\.0 MiB free/);
    expect(cacheFiles()).toEqual([]);
  });
});
