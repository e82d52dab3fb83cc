// Export: the filtered or the marked lines of a session written to a new file, a batch of lines at
// a time (never the whole result in memory), into a temporary file beside the destination that is
// flushed and renamed over it once complete. A failure or a closed session leaves nothing behind.
import { open, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { MAX_LINES_PER_READ } from '../../../shared/contract';
import { err, errFromThrown, ok, type Result } from '../../../shared/result';
import { removeDurably, renameDurably, writeAll } from '../commit/durableFs';

/** Bytes written to the file at a time. */
const WRITE_BYTES = 1024 * 1024;
/** Bytes of line text read in one batch. */
const BATCH_BYTES = 8 * 1024 * 1024;

/** Reads lines for the export; provided by the session (pending edits laid over, as shown). */
export interface LineSource {
  /** How many lines the export writes. */
  readonly count: number;
  /** The 0-based line numbers of entries [first, first + count), in file order. */
  lines(first: number, count: number): Result<Float64Array>;
  /** Each line's full length (no newline) and its bytes capped at `maxBytes`. */
  read(
    lines: Float64Array,
    maxBytes: number,
  ): Result<{ readonly bytes: Uint8Array[]; readonly lengths: Float64Array; readonly offsets: Float64Array }>;
  /** Bytes [offset, offset + length) of the file, as shown (for a line longer than a batch). */
  readRange(offset: number, length: number): Result<Uint8Array>;
  /** False once the session is gone: the export stops. */
  alive(): boolean;
}

let exportCount = 0;
const newline = new Uint8Array([0x0a]);

/** Writes the source's lines, each followed by LF, to `dest`; answers the lines and bytes written. */
export async function exportLines(
  source: LineSource,
  dest: string,
): Promise<Result<{ readonly lines: number; readonly bytes: number }>> {
  const temporary = join(dirname(dest), `.${basename(dest)}.hexlog-export-${process.pid}-${++exportCount}`);
  let handle: FileHandle | undefined;
  let position = 0;
  let renamed = false;
  // Lines gather in one buffer, written when full: a write per megabyte, not per line.
  const buffer = new Uint8Array(WRITE_BYTES);
  let buffered = 0;
  const flush = async (): Promise<void> => {
    if (buffered === 0) return;
    await writeAll(handle!, buffer.subarray(0, buffered), position);
    position += buffered;
    buffered = 0;
  };
  const write = async (bytes: Uint8Array): Promise<void> => {
    if (buffered + bytes.length > buffer.length) await flush();
    if (bytes.length > buffer.length) {
      await writeAll(handle!, bytes, position);
      position += bytes.length;
      return;
    }
    buffer.set(bytes, buffered);
    buffered += bytes.length;
  };
  try {
    handle = await open(temporary, 'wx', 0o644);
    for (let first = 0; first < source.count; first += MAX_LINES_PER_READ) {
      if (!source.alive()) return err('ECLOSED', 'The file was closed during the export; nothing was written.');
      const lines = source.lines(first, Math.min(MAX_LINES_PER_READ, source.count - first));
      if (!lines.ok) return lines;
      const sizes = source.read(lines.value, 0);
      if (!sizes.ok) return sizes;
      // Batches of whole lines up to BATCH_BYTES; a longer line is read in pieces on its own.
      let at = 0;
      while (at < lines.value.length) {
        let end = at;
        let bytes = 0;
        while (end < lines.value.length && (end === at || bytes + sizes.value.lengths[end]! <= BATCH_BYTES)) {
          bytes += sizes.value.lengths[end]!;
          end++;
        }
        const batch = lines.value.subarray(at, end);
        if (end - at === 1 && sizes.value.lengths[at]! > BATCH_BYTES) {
          const offset = sizes.value.offsets[at]!;
          const length = sizes.value.lengths[at]!;
          for (let done = 0; done < length; done += BATCH_BYTES) {
            const piece = source.readRange(offset + done, Math.min(BATCH_BYTES, length - done));
            if (!piece.ok) return piece;
            await write(piece.value);
          }
          await write(newline);
        } else {
          const read = source.read(batch, BATCH_BYTES);
          if (!read.ok) return read;
          for (const line of read.value.bytes) {
            await write(line);
            await write(newline);
          }
        }
        at = end;
      }
    }
    await flush();
    await handle.sync();
    await handle.close();
    handle = undefined;
    await renameDurably(temporary, dest);
    renamed = true;
    return ok({ lines: source.count, bytes: position });
  } catch (error) {
    return errFromThrown(error);
  } finally {
    await handle?.close().catch(() => undefined);
    if (!renamed) await removeDurably(temporary).catch(() => undefined);
  }
}
