// Opening a compressed log: its decompressed bytes are streamed into a private cache file, which
// the session then maps like any other file. Only about a megabyte is in memory at a time, however
// large the output: the file is read in 1 MiB chunks, the decoder (zlib's gunzip, or our zstd
// decoder over fzstd) yields pieces of at most 256 KiB, and they are written in 1 MiB batches, each
// write awaited before the next piece is decoded. The run reports progress at a bounded rate, stops
// on an AbortSignal, and watches the free space of the cache's disk so that it never fills it: it
// stops while min(1 GiB, 5% of the disk) is still free. A cancelled or failed run removes its partial
// file; a finished one answers a handle whose dispose() removes the file.
import { unlinkSync } from 'node:fs';
import { open, stat, statfs, unlink, type FileHandle } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';

import type { Disposable } from '../../../shared/disposable';
import { err, ok, type Err, type Result } from '../../../shared/result';
import { errnoCode, isAborted, writeAll } from '../commit/durableFs';
import { fromThrown, withContext } from '../commit/errors';
import { cacheFileName, defaultCacheDir, ensureCacheDir } from './cacheDir';
import { DETECT_BYTES, compressionOfBytes, isCompressedName, isZstdMagic, type Compression } from './detect';
import { readFrameHeader, ZstdDataError, ZstdStreamDecoder } from './zstdDecoder';

const KIB = 1024;
const MIB = 1024 * KIB;
const GIB = 1024 * MIB;
const READ_CHUNK_BYTES = MIB;
const WRITE_BATCH_BYTES = MIB;
const GUNZIP_CHUNK_BYTES = 256 * KIB;
/** How much may be written between two looks at the free space. */
const SPACE_CHECK_BYTES = 32 * MIB;
const DEFAULT_PROGRESS_INTERVAL_MS = 100;

export interface DecompressProgress {
  /** Compressed bytes read so far, and the compressed file's size when the run started. */
  readonly compressedRead: number;
  readonly compressedTotal: number;
  /** Decompressed bytes written to the cache file so far. */
  readonly outputWritten: number;
}

export interface FreeSpace {
  /** Bytes an unprivileged writer may still use, and the size of the file system. */
  readonly freeBytes: number;
  readonly totalBytes: number;
}

export interface DecompressOptions {
  /** Where the cache file goes; default defaultCacheDir(). Created with mode 0700 if missing. */
  readonly cacheDir?: string | undefined;
  /** Stops the run; its partial file is removed and the answer is 'cancelled'. */
  readonly signal?: AbortSignal | undefined;
  /** At most once per progressIntervalMs while running, and once more at the end of a finished run. */
  readonly onProgress?: ((progress: DecompressProgress) => void) | undefined;
  readonly progressIntervalMs?: number | undefined;
  /** Free space to leave on the cache's disk; default min(1 GiB, 5% of the disk). */
  readonly minFreeBytes?: number | undefined;
  /** How free space is measured (statfs of the cache folder); tests replace it. */
  readonly freeSpace?: ((dir: string) => Promise<FreeSpace>) | undefined;
}

/** The decompressed copy of a file. dispose() removes the cache file (idempotent). */
export interface DecompressedFile extends Disposable {
  readonly sourcePath: string;
  readonly compression: Compression;
  readonly cachePath: string;
  readonly outputBytes: number;
}

export type DecompressOutcome = DecompressedFile | 'cancelled';

/** statfs of `dir`: the blocks available to unprivileged users. */
export async function statFreeSpace(dir: string): Promise<FreeSpace> {
  const stats = await statfs(dir);
  return { freeBytes: stats.bavail * stats.bsize, totalBytes: stats.blocks * stats.bsize };
}

/** Thrown inside the run when writing on would leave less than the reserve free. */
class LowSpaceError extends Error {
  constructor(
    readonly freeBytes: number,
    readonly reserveBytes: number,
    readonly neededBytes: number,
  ) {
    super('not enough free space');
  }
}

interface Source {
  readonly handle: FileHandle;
  readonly size: number;
  readonly compression: Compression;
  /** What the headers promise the output holds at least (gzip's ISIZE, zstd's first frame size). */
  readonly outputAtLeast: number;
}

/**
 * Decompresses the gzip or zstd file `path` (told by its bytes) into a new file of the cache folder.
 * Answers the finished copy, 'cancelled', or an error: EINVAL when the file is not compressed,
 * ECORRUPT when its data is damaged or incomplete, EUNSUPPORTED for zstd features beyond us, ENOSPC
 * when the disk is (nearly) full, or the file's own ENOENT, EACCES, EISDIR, ENOTREG.
 */
export async function decompressToCache(
  path: string,
  options: DecompressOptions = {},
): Promise<Result<DecompressOutcome>> {
  const { signal } = options;
  if (isAborted(signal)) return ok('cancelled');
  const opened = await openSource(path);
  if (!opened.ok) return opened;
  const source = opened.value;
  const dir = options.cacheDir ?? defaultCacheDir();
  let cachePath: string | undefined;
  let cache: FileHandle | undefined;
  let compressedRead = 0;
  let outputWritten = 0;
  const cleanUp = async (): Promise<void> => {
    await source.handle.close().catch(() => undefined);
    await cache?.close().catch(() => undefined);
    if (cachePath !== undefined) await unlink(cachePath).catch(() => undefined);
  };

  try {
    const ready = await ensureCacheDir(dir);
    if (!ready.ok) {
      await cleanUp();
      return ready;
    }
    const freeSpace = options.freeSpace ?? statFreeSpace;
    const checkSpace = async (neededBytes: number): Promise<void> => {
      const { freeBytes, totalBytes } = await freeSpace(dir);
      const reserveBytes = options.minFreeBytes ?? Math.min(GIB, Math.floor(totalBytes * 0.05));
      if (freeBytes - neededBytes < reserveBytes) throw new LowSpaceError(freeBytes, reserveBytes, neededBytes);
    };
    await checkSpace(source.outputAtLeast);

    cachePath = join(dir, cacheFileName(basename(path)));
    cache = await open(cachePath, 'wx', 0o600);
    const target = cache;

    const progressIntervalMs = options.progressIntervalMs ?? DEFAULT_PROGRESS_INTERVAL_MS;
    let lastReport = -Infinity;
    const report = (force: boolean): void => {
      if (options.onProgress === undefined) return;
      const now = performance.now();
      if (!force && now - lastReport < progressIntervalMs) return;
      lastReport = now;
      options.onProgress({
        compressedRead,
        compressedTotal: Math.max(source.size, compressedRead),
        outputWritten,
      });
    };

    // Fresh buffers: fzstd and zlib may hold on to a chunk after it was handed over.
    async function* readChunks(): AsyncGenerator<Uint8Array> {
      for (;;) {
        signal?.throwIfAborted();
        const chunk = Buffer.allocUnsafeSlow(READ_CHUNK_BYTES);
        const { bytesRead } = await source.handle.read(chunk, 0, READ_CHUNK_BYTES, compressedRead);
        if (bytesRead === 0) return;
        compressedRead += bytesRead;
        yield chunk.subarray(0, bytesRead);
      }
    }

    let nextSpaceCheck = SPACE_CHECK_BYTES;
    const batch = Buffer.allocUnsafe(WRITE_BATCH_BYTES);
    let batchLength = 0;
    const flush = async (): Promise<void> => {
      // The pipeline stops its streams on abort, but this loop runs on the pieces already decoded.
      signal?.throwIfAborted();
      if (batchLength === 0) return;
      if (outputWritten + batchLength > nextSpaceCheck) {
        await checkSpace(batchLength);
        nextSpaceCheck = outputWritten + SPACE_CHECK_BYTES;
      }
      await writeAll(target, batch.subarray(0, batchLength), outputWritten);
      outputWritten += batchLength;
      batchLength = 0;
      report(false);
    };
    const writeOut = async (decoded: AsyncIterable<Uint8Array>): Promise<void> => {
      for await (const piece of decoded) {
        let at = 0;
        while (at < piece.length) {
          const taken = Math.min(piece.length - at, WRITE_BATCH_BYTES - batchLength);
          batch.set(piece.subarray(at, at + taken), batchLength);
          batchLength += taken;
          at += taken;
          if (batchLength === WRITE_BATCH_BYTES) await flush();
        }
      }
      await flush();
    };

    if (source.compression === 'gzip') {
      await pipeline(readChunks, createGunzip({ chunkSize: GUNZIP_CHUNK_BYTES }), writeOut, { signal });
    } else {
      await pipeline(readChunks, decodeZstd, writeOut, { signal });
    }
    if (isAborted(signal)) {
      await cleanUp();
      return ok('cancelled');
    }
    await target.close();
    cache = undefined;
    await source.handle.close();
    report(true);
    return ok(cacheHandle(path, source.compression, cachePath, outputWritten));
  } catch (error) {
    await cleanUp();
    if (isAborted(signal)) return ok('cancelled');
    return describeFailure(error, { path, dir, outputWritten });
  }
}

/** The zstd stage of the pipeline: one block's output at a time. */
async function* decodeZstd(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  const decoder = new ZstdStreamDecoder();
  for await (const chunk of chunks) yield* decoder.push(chunk);
  decoder.finish();
}

function cacheHandle(
  sourcePath: string,
  compression: Compression,
  cachePath: string,
  outputBytes: number,
): DecompressedFile {
  let disposed = false;
  return {
    sourcePath,
    compression,
    cachePath,
    outputBytes,
    dispose: () => {
      if (disposed) return;
      disposed = true;
      try {
        unlinkSync(cachePath);
      } catch (error) {
        if (errnoCode(error) !== 'ENOENT') throw error;
      }
    },
  };
}

async function openSource(path: string): Promise<Result<Source>> {
  let handle: FileHandle | undefined;
  try {
    // stat before open: opening a FIFO for reading would wait for a writer.
    const info = await stat(path);
    if (info.isDirectory()) return err('EISDIR', `${path} is a folder`);
    if (!info.isFile()) return err('ENOTREG', `${path} is not a regular file`);
    handle = await open(path, 'r');
    const size = (await handle.stat()).size;
    const head = new Uint8Array(DETECT_BYTES);
    const headBytes = (await handle.read(head, 0, DETECT_BYTES, 0)).bytesRead;
    const compression = compressionOfBytes(head.subarray(0, headBytes));
    if (compression === null) {
      await handle.close();
      const named = isCompressedName(basename(path)) ? ' (only its name says so)' : '';
      return err('EINVAL', `${path} is not gzip- or zstd-compressed${named}`);
    }
    const outputAtLeast = compression === 'gzip' ? await gzipSizeHint(handle, size) : zstdSizeHint(head);
    return ok({ handle, size, compression, outputAtLeast });
  } catch (error) {
    await handle?.close().catch(() => undefined);
    return withContext(fromThrown(error), `cannot read ${path}`);
  }
}

/**
 * gzip's last four bytes (ISIZE) hold the last member's size mod 2^32: a lower bound of the output
 * for a whole file. 0 for a file too short to hold a member.
 */
async function gzipSizeHint(handle: FileHandle, size: number): Promise<number> {
  if (size < 18) return 0;
  const trailer = Buffer.alloc(4);
  await handle.read(trailer, 0, 4, size - 4);
  return trailer.readUInt32LE(0);
}

/** The first zstd frame's declared content size, when the file starts with a frame that says it. */
function zstdSizeHint(head: Uint8Array): number {
  if (!isZstdMagic(head)) return 0;
  return readFrameHeader(head, 0)?.contentSize ?? 0;
}

function describeFailure(error: unknown, run: { path: string; dir: string; outputWritten: number }): Err {
  const { path, dir, outputWritten } = run;
  const sofar =
    outputWritten === 0
      ? 'Nothing was decompressed before the error.'
      : `${describeBytes(outputWritten)} ${outputWritten === 1 ? 'was' : 'were'} decompressed before the error; ` +
        'that partial copy was removed.';
  if (error instanceof ZstdDataError) {
    return error.kind === 'corrupt'
      ? err('ECORRUPT', `${path}: the zstd data is damaged or incomplete: ${error.message}. ${sofar}`)
      : err('EUNSUPPORTED', `${path}: ${error.message}.`);
  }
  const code = errnoCode(error);
  if (code !== undefined && code.startsWith('Z_')) {
    const reason = error instanceof Error ? error.message : String(error);
    const ending = code === 'Z_BUF_ERROR' ? 'it ends too early, ' : '';
    return err('ECORRUPT', `${path}: the gzip data is damaged or incomplete (${ending}${reason}). ${sofar}`);
  }
  if (error instanceof LowSpaceError) {
    const free = describeBytes(error.freeBytes);
    const reserve = describeBytes(error.reserveBytes);
    const advice = 'Free some space or choose another cache folder.';
    return outputWritten === 0 && error.neededBytes > 0
      ? err(
          'ENOSPC',
          `${path} decompresses to at least ${describeBytes(error.neededBytes)}, but the disk of ${dir} has ` +
            `${free} free and hexlog leaves ${reserve} free. ${advice}`,
        )
      : err(
          'ENOSPC',
          `Stopped decompressing ${path}: the disk of ${dir} is down to ${free} free, and hexlog leaves ` +
            `${reserve} free. ${sofar} ${advice}`,
        );
  }
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    return err('ENOSPC', `Stopped decompressing ${path}: the disk of ${dir} is full (or your quota is). ${sofar}`);
  }
  return withContext(fromThrown(error), `cannot decompress ${path}`);
}

/** "1,234 bytes", "12.3 MiB", "4.50 GiB". */
export function describeBytes(bytes: number): string {
  if (bytes === 1) return '1 byte';
  if (bytes < MIB) return `${bytes.toLocaleString('en-US')} bytes`;
  if (bytes < GIB) return `${(bytes / MIB).toFixed(1)} MiB`;
  return `${(bytes / GIB).toFixed(2)} GiB`;
}
