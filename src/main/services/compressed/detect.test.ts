import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';

import { expectErr, expectOk, tempDirPerTest } from '../testing/commitTestKit';
import { handFrame, skippableFrame, concatBytes } from './compressedTestKit';
import { compressionOf, compressionOfBytes, decompressedName, isCompressedName } from './detect';

const dir = tempDirPerTest('hexlog-detect-');
const text = new TextEncoder().encode('2024-01-01 INFO plain text\n');

describe('compressionOfBytes', () => {
  it('tells gzip, zstd and plain bytes apart by their magic', () => {
    expect(compressionOfBytes(gzipSync(text))).toBe('gzip');
    expect(compressionOfBytes(handFrame(text))).toBe('zstd');
    expect(compressionOfBytes(text)).toBeNull();
    expect(compressionOfBytes(new Uint8Array(0))).toBeNull();
    expect(compressionOfBytes(Uint8Array.of(0x1f))).toBeNull();
    expect(compressionOfBytes(Uint8Array.of(0x1f, 0x8b, 0x07))).toBeNull(); // not deflate
    expect(compressionOfBytes(Uint8Array.of(0x28, 0xb5, 0x2f))).toBeNull();
  });

  it('sees zstd behind a leading skippable frame (pzstd) but not a skippable frame before anything else', () => {
    expect(compressionOfBytes(concatBytes([skippableFrame(Uint8Array.of(1, 2, 3, 4), 15), handFrame(text)]))).toBe(
      'zstd',
    );
    expect(compressionOfBytes(concatBytes([skippableFrame(Uint8Array.of(1, 2, 3, 4)), text]))).toBeNull();
  });
});

describe('compressionOf', () => {
  it('goes by the bytes of misnamed files, not their names', async () => {
    const gzipAsLog = join(dir.path, 'app.log');
    const zstdAsTxt = join(dir.path, 'notes.txt');
    const plainAsGz = join(dir.path, 'plain.log.gz');
    const plainAsZst = join(dir.path, 'plain.zst');
    writeFileSync(gzipAsLog, gzipSync(text));
    writeFileSync(zstdAsTxt, handFrame(text));
    writeFileSync(plainAsGz, text);
    writeFileSync(plainAsZst, new Uint8Array(0));
    expect(expectOk(await compressionOf(gzipAsLog))).toBe('gzip');
    expect(expectOk(await compressionOf(zstdAsTxt))).toBe('zstd');
    expect(expectOk(await compressionOf(plainAsGz))).toBeNull();
    expect(expectOk(await compressionOf(plainAsZst))).toBeNull();
  });

  it('answers the file errors as values: a folder, a missing file, a FIFO', async () => {
    mkdirSync(join(dir.path, 'folder.gz'));
    expectErr(await compressionOf(join(dir.path, 'folder.gz')), 'EISDIR');
    expect(expectErr(await compressionOf(join(dir.path, 'missing.gz')), 'ENOENT')).toContain('missing.gz');
    const fifo = join(dir.path, 'pipe.gz');
    if (spawnSync('mkfifo', [fifo]).status === 0) expectErr(await compressionOf(fifo), 'ENOTREG');
  });
});

describe('names', () => {
  it('isCompressedName knows the usual suffixes, in any case, and wants a name before them', () => {
    for (const name of ['a.gz', 'app.log.GZ', 'x.tgz', 'trace.zst', 'trace.ZSTD', 'b.tzst', 'c.gzip']) {
      expect(isCompressedName(name), name).toBe(true);
    }
    for (const name of ['app.log', '.gz', 'gz', 'app.gz.log', 'archive.zip', 'a.z']) {
      expect(isCompressedName(name), name).toBe(false);
    }
  });

  it('decompressedName drops the suffix', () => {
    expect(decompressedName('app.log.gz')).toBe('app.log');
    expect(decompressedName('trace.ZST')).toBe('trace');
    expect(decompressedName('backup.tgz')).toBe('backup.tar');
    expect(decompressedName('app.log')).toBe('app.log');
    expect(decompressedName('.gz')).toBe('.gz');
  });
});
