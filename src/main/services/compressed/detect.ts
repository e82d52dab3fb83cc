// Which compression a file uses, told by its first bytes, never by its name alone: a `.gz` that
// holds plain text opens as text, and a rotated `app.log.1` that is really gzip is still found.
// The name only helps the UI (isCompressedName), e.g. to label a file before it is read.
import { open, stat, type FileHandle } from 'node:fs/promises';

import { err, ok, type Result } from '../../../shared/result';
import { fromThrown, withContext } from '../commit/errors';

export type Compression = 'gzip' | 'zstd';

/** Enough bytes for a skippable frame holding a short note (pzstd's sizes) and the magic after it. */
export const DETECT_BYTES = 64;

const ZSTD_MAGIC = 0xfd2fb528;
/** Skippable frames have the magics 0x184D2A50 to 0x184D2A5F: these 28 bits, then any 4. */
const SKIPPABLE_MAGIC_HIGH = 0x184d2a5;

const u32le = (bytes: Uint8Array, at: number): number =>
  (bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24)) >>> 0;

export const isZstdMagic = (bytes: Uint8Array, at = 0): boolean =>
  at + 4 <= bytes.length && u32le(bytes, at) === ZSTD_MAGIC;

export const isSkippableMagic = (bytes: Uint8Array, at = 0): boolean =>
  at + 4 <= bytes.length && u32le(bytes, at) >>> 4 === SKIPPABLE_MAGIC_HIGH;

/**
 * The compression the first bytes of a file announce, or null. Gzip: 1f 8b and method 8 (deflate,
 * the only one defined). Zstd: a frame's magic 28 b5 2f fd, or a skippable frame (as pzstd writes
 * first) followed at once by a frame's magic within `head`.
 */
export function compressionOfBytes(head: Uint8Array): Compression | null {
  if (head.length >= 3 && head[0] === 0x1f && head[1] === 0x8b && head[2] === 0x08) return 'gzip';
  if (isZstdMagic(head)) return 'zstd';
  if (isSkippableMagic(head) && head.length >= 8) {
    const next = 8 + u32le(head, 4);
    if (isZstdMagic(head, next)) return 'zstd';
  }
  return null;
}

/** Reads the first bytes of `path`: 'gzip', 'zstd', or null for anything else (an empty file too). */
export async function compressionOf(path: string): Promise<Result<Compression | null>> {
  let handle: FileHandle | undefined;
  try {
    // stat before open: opening a FIFO for reading would wait for a writer.
    const info = await stat(path);
    if (info.isDirectory()) return err('EISDIR', `${path} is a folder`);
    if (!info.isFile()) return err('ENOTREG', `${path} is not a regular file`);
    handle = await open(path, 'r');
    const head = new Uint8Array(DETECT_BYTES);
    const { bytesRead } = await handle.read(head, 0, DETECT_BYTES, 0);
    return ok(compressionOfBytes(head.subarray(0, bytesRead)));
  } catch (error) {
    return withContext(fromThrown(error), `cannot read ${path}`);
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

const COMPRESSED_SUFFIXES: readonly string[] = ['.gz', '.gzip', '.tgz', '.zst', '.zstd', '.tzst'];

/** Whether the name looks compressed (`app.log.gz`, `trace.zst`): a hint for the UI; the bytes decide. */
export function isCompressedName(name: string): boolean {
  const lower = name.toLowerCase();
  return COMPRESSED_SUFFIXES.some((suffix) => lower.endsWith(suffix) && lower.length > suffix.length);
}

/** The name without its compression suffix (`app.log.gz` → `app.log`); `.tgz` → `.tar`. */
export function decompressedName(name: string): string {
  const lower = name.toLowerCase();
  for (const [suffix, replacement] of [
    ['.tgz', '.tar'],
    ['.tzst', '.tar'],
  ] as const) {
    if (lower.endsWith(suffix) && lower.length > suffix.length) return name.slice(0, -suffix.length) + replacement;
  }
  for (const suffix of COMPRESSED_SUFFIXES) {
    if (lower.endsWith(suffix) && lower.length > suffix.length) return name.slice(0, -suffix.length);
  }
  return name;
}
