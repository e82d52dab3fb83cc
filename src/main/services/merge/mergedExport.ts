// Export from a merged view: the filtered rows (once the filter is done) or the marked rows,
// written by exportLines as a file's lines are. Rows are read through the files' sessions (their
// pending edits laid over); a line longer than a batch is read in pieces by its offset in the
// merged text, which names its row, and so its file and line.
import { dirname, extname, basename, join, resolve as resolvePath } from 'node:path';
import type { ExportOutcome, ExportSource, LinesAt } from '../../../shared/contract';
import { err, ok, type Err, type Result } from '../../../shared/result';
import { byteCount, byteOffset } from '../../../shared/units';
import { exportLines, type LineSource } from '../filter/exportLines';
import type { FileSession } from '../fileSession';
import type { MergedFilter } from './mergedFilter';
import type { MergeIndex } from './mergeIndex';

/** What an export of a merged view reads. */
export interface MergedExportHost {
  readonly files: readonly FileSession[];
  readonly filter: MergedFilter;
  /** The merge shown (null before it is begun). */
  merge(): MergeIndex | null;
  closedError(): Err | null;
  /** False once the view is closed: the export stops. */
  alive(): boolean;
  readRows(rows: readonly number[], maxBytesPerLine: number): Result<LinesAt>;
}

/** The rows an export writes, checked before the destination is asked for. */
export function mergedExportSource(host: MergedExportHost, source: ExportSource): Result<LineSource> {
  const closed = host.closedError();
  if (closed !== null) return closed;
  const index = host.merge();
  if (index === null) return err('ELOCKED', 'The merged view is not built yet: export once it is.');
  let count: number;
  let rows: LineSource['lines'];
  if (source.kind === 'filtered') {
    const status = host.filter.status();
    if (status === null || status.filterId !== source.filterId) {
      return err('ENOTFOUND', 'That filter is no longer current: export again.');
    }
    if (!status.done) return err('ELOCKED', 'The filter has not finished yet: export once it has.');
    count = status.rowsKnown;
    rows = (first, length) => host.filter.mergedRows(source.filterId, first, length);
  } else {
    const sorted = [...new Set(source.lines)].sort((a, b) => a - b);
    if (sorted.some((row) => row >= index.rowsKnown)) {
      return err('ERANGE', 'Some marked lines are past the rows merged so far: export once the merge is done.');
    }
    count = sorted.length;
    rows = (first, length) => ok(Float64Array.from(sorted.slice(first, first + length)));
  }
  /** The merge exported: one merged again meanwhile has other rows. */
  const same = (): Err | null =>
    host.merge() === index ? null : err('EFILECHANGED', 'The merged view changed during the export: export again.');
  return ok({
    count,
    lines: rows,
    read: (numbers, maxBytes) => {
      const changed = same();
      if (changed !== null) return changed;
      const read = host.readRows(Array.from(numbers), maxBytes);
      if (!read.ok) return read;
      const shown = read.value;
      if (shown.count !== numbers.length) return err('EFILECHANGED', 'Rows were missing from the merge: export again.');
      const bytes: Uint8Array[] = [];
      for (let i = 0; i < shown.count; i++)
        bytes.push(shown.bytes.subarray(shown.textStarts[i]!, shown.textStarts[i + 1]!));
      // Offsets in the merged text (as readRows gives them): readRange finds a long line's row, file and line from one.
      return ok({ bytes, lengths: shown.fullLengths, offsets: shown.fileOffsets });
    },
    readRange: (offset, length) => {
      const changed = same();
      if (changed !== null) return changed;
      const row = index.rowAtOffset(offset);
      if (row >= index.rowsKnown) return err('ERANGE', `offset ${offset} is past the merged rows`);
      const at = index.rows(row, 1);
      const file = host.files[at.files[0]!]!;
      const line = file.readLinesAt([at.lines[0]!], 0);
      if (!line.ok) return line;
      const start = line.value.fileOffsets[0];
      if (start === undefined) return err('EFILECHANGED', `${file.info.name} changed: lines are missing.`);
      return file.readBytes(byteOffset(start + offset - at.offsets[0]!), byteCount(length));
    },
    alive: () => host.alive(),
  });
}

/** Writes `source` to `dest` (never over one of the files the view reads). */
export async function exportMergedLines(
  files: readonly FileSession[],
  source: LineSource,
  dest: string,
): Promise<Result<ExportOutcome>> {
  const target = resolvePath(dest);
  if (files.some((file) => resolvePath(file.path) === target || resolvePath(file.shownPath) === target)) {
    return err('EINVAL', 'An export cannot overwrite a file the merged view reads.');
  }
  const written = await exportLines(source, dest);
  return written.ok ? ok({ path: dest, ...written.value }) : written;
}

/** The path an export is named after: beside the first file, named for the merge (a.log → a.merged.filtered.log). */
export function mergedExportName(files: readonly FileSession[]): string {
  const first = files[0]!.shownPath;
  const extension = extname(first);
  return join(dirname(first), `${basename(first, extension)}.merged${extension}`);
}
