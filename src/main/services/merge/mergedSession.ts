// A merged view of several open files by time: a session of its own (a tab) whose rows are the
// lines of its files in time order (MergeIndex), each row tagged with its file. It reads the
// files through their own sessions (their line indexes, times and pending edits), which it does
// not own: closing a file's tab makes the merged view say so. The merge is built in the
// background once every file is indexed, with indexProgress events as a file's index has them.
import { joinLines } from '../joinLines';
import {
  MAX_COPY_BYTES,
  MAX_LINES_PER_READ,
  MAX_LINE_DISPLAY_BYTES,
  TIMELINE_BUCKETS,
  type ExportOutcome,
  type ExportSource,
  type FileInfo,
  type FilteredLines,
  type FindQuery,
  type IndexStatus,
  type LinesAt,
  type LineTime,
  type MergedFile,
  type ScrollTicks,
  type TextLines,
  type TimelineStatus,
  type TimeSeekResult,
  type TimeState,
} from '../../../shared/contract';
import type { Disposable } from '../../../shared/disposable';
import { err, errFromThrown, ok, type Err, type Result } from '../../../shared/result';
import { byteCount, lineCount, lineNumber, type LineNumber, type SessionId } from '../../../shared/units';
import type { Emit, FileSession } from '../fileSession';
import type { LineSource } from '../filter/exportLines';
import { exportMergedLines, mergedExportName, mergedExportSource } from './mergedExport';
import { MergedFilter } from './mergedFilter';
import { MergedFind } from './mergedFind';
import { CHECKPOINT_ROWS, MergeIndex } from './mergeIndex';

/** Rows merged per slice of work between events (the main thread stays responsive). */
const MERGE_SLICE_ROWS = 100_000;
const PROGRESS_INTERVAL_MS = 100;
/** How often the timeline looks whether a file's pass is done, to start the next one. */
const PASS_CHECK_MS = 10;
/** Colours (and order) of the files: the renderer's palette index is the file's index. */
export { MAX_MERGED_FILES } from '../../../shared/schema';

/** The view's timeline: the files' passes over one range, one after another (-1: not started yet). */
interface MergedTimeline {
  readonly id: number;
  readonly runs: number[];
  readonly query: FindQuery | null;
  readonly searchId: number;
  readonly fromMs: number;
  readonly toMs: number;
  status: TimelineStatus | null;
  error?: { readonly code: string; readonly message: string };
}

export class MergedSession implements Disposable {
  private index: MergeIndex | null = null;
  /** A merge again after a file changed, replacing `index` once it is done. */
  private building: MergeIndex | null = null;
  /** The files' index generations the merge was built from: another one means rebuild. */
  private builtFrom: readonly number[] = [];
  /** The files' counts of rewritten lines the merge was built from: the same ones and more lines extend it. */
  private builtRewrites: readonly number[] = [];
  /** Bumped whenever the merge shown changes (built, swapped, extended): searches and filters of it look again. */
  revision = 0;
  private generation = 1;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private lastEmit = 0;
  private disposed = false;
  private problem: { readonly code: string; readonly message: string } | null = null;
  private timeline: MergedTimeline | null = null;

  constructor(
    readonly id: SessionId,
    readonly owner: string,
    private readonly sources: readonly FileSession[],
    private readonly emit: Emit,
  ) {
    // Read once: a closed file's session answers nothing any more.
    this.names = sources.map((source) => source.info.name);
    this.infos = sources.map((source) => ({ session: source.id, name: source.info.name, path: source.info.path }));
    this.fileIds = sources.map((source) => source.info.fileId);
    this.find = new MergedFind({
      session: id,
      files: sources,
      builtMerge: () => this.builtMerge(),
      generation: () => this.generation,
      closedError: () => this.closedError(),
      readRows: (rows, maxBytes) => this.readRows(rows, maxBytes),
      emit: (status) => this.emit('findProgress', status),
    });
    this.filter = new MergedFilter({
      session: id,
      files: sources,
      builtMerge: () => this.builtMerge(),
      closedError: () => this.closedError(),
      emit: (status) => this.emit('filterProgress', status),
    });
    this.schedule();
  }

  /** The view's own search: each file searched on the side, the matches placed in the merged text. */
  readonly find: MergedFind;
  /** The view's filtered view: each file filtered on the side, the kept lines placed in the merge. */
  readonly filter: MergedFilter;

  private readonly names: readonly string[];
  private readonly infos: readonly MergedFile[];
  private readonly fileIds: readonly string[];

  /** The files' sizes now (0 for a closed one). */
  private totalSize(): number {
    return this.sources.reduce((sum, source) => sum + (source.closed ? 0 : source.size), 0);
  }

  get info(): FileInfo {
    return {
      session: this.id,
      name: `Merged: ${this.names.join(' + ')}`,
      path: '',
      size: byteCount(this.totalSize()),
      writable: false,
      fileId: `merged:${this.fileIds.join('+')}`,
      compression: null,
      merged: this.infos,
    };
  }

  /** The merge shown once it is complete, and its revision; null while it is (re)built or a file is closed. */
  builtMerge(): { readonly index: MergeIndex; readonly revision: number } | null {
    const index = this.index;
    return index !== null && index.done && this.building === null && this.closedError() === null
      ? { index, revision: this.revision }
      : null;
  }

  /** The files of the view, in its order (their sessions are not the view's to dispose). */
  get files(): readonly FileSession[] {
    return this.sources;
  }

  /** Follows all the files as they grow (or none): the merge takes their new lines as they come. */
  setFollow(follow: boolean): Result<IndexStatus> {
    const closed = this.closedError();
    if (closed !== null) return closed;
    for (const source of this.sources) {
      const set = source.setFollow(follow);
      if (!set.ok) return set;
    }
    this.schedule();
    return ok(this.status());
  }

  /** Why the view cannot be read now (a file closed), or null. */
  private closedError(): Err | null {
    const closed = this.sources.findIndex((source) => source.closed);
    return closed < 0
      ? null
      : err('ECLOSED', `${this.names[closed]} was closed: the merged view cannot read it. Close this tab.`);
  }

  private generations(): number[] {
    return this.sources.map((source) => {
      const status = source.indexStatus();
      return status.ok ? status.value.generation : -1;
    });
  }

  /** Builds (or rebuilds, after a file changed) the merge a slice at a time. */
  private schedule(): void {
    if (this.disposed || this.timer !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      try {
        this.work();
      } catch (error) {
        const failed = errFromThrown(error);
        this.problem = { code: failed.code, message: failed.message };
      }
    }, 0);
    this.timer.unref?.();
  }

  private work(): void {
    if (this.disposed) return;
    if (this.closedError() !== null) return;
    const generations = this.generations();
    const changed = generations.some((generation, at) => generation !== this.builtFrom[at]);
    const statuses = this.sources.map((source) => source.indexStatus());
    const ready = statuses.every((status) => status.ok && status.value.done);
    if (changed && ready) {
      const rewrites = this.sources.map((source) => source.linesRewritten);
      const lines = statuses.map((status) => (status.ok ? status.value.linesKnown : 0));
      // Files that only grew, by lines after everything merged: the merge goes on from where it is.
      const grownOnly =
        this.index !== null &&
        this.building === null &&
        this.problem === null &&
        rewrites.every((count, at) => count === this.builtRewrites[at]);
      if (grownOnly && this.index!.extend(lines)) {
        this.revision++;
        this.find.mergeChanged();
        this.timelineGrown();
        this.filter.mergeChanged();
      } else {
        try {
          const fresh = new MergeIndex(
            this.sources.map((source, at) => ({
              lines: lines[at]!,
              readTimes: (first: number, count: number) => source.time.ownTimes(first, count),
              starts: (lines: Float64Array) => source.lineStarts(lines),
            })),
          );
          // The first merge shows as it is built; a merge again (a file changed) replaces the shown one once done.
          if (this.index === null) {
            this.index = fresh;
            this.generation++;
          } else {
            this.building = fresh;
          }
          this.problem = null;
        } catch (error) {
          const failed = errFromThrown(error);
          this.problem = { code: failed.code, message: failed.message };
        }
      }
      this.builtFrom = generations;
      this.builtRewrites = rewrites;
    }
    const growing = this.building ?? this.index;
    if (ready && growing !== null && !growing.done) {
      try {
        growing.advance(MERGE_SLICE_ROWS);
      } catch (error) {
        const failed = errFromThrown(error);
        this.problem = { code: failed.code, message: failed.message };
      }
    }
    if (this.building !== null && (this.building.done || this.problem !== null)) {
      if (this.problem === null) this.index = this.building;
      this.building = null;
      this.generation++;
      this.revision++;
      this.find.mergeChanged();
      this.filter.mergeChanged();
      // The files' passes count the lines they were started on (a file read again keeps its old ones): count again.
      const timeline = this.timeline;
      if (timeline !== null) {
        const restarted = this.startTimeline(timeline.searchId);
        if (restarted.ok) this.emit('timelineProgress', restarted.value);
      }
    }
    // Lines merged past the timeline's range (a followed file's new ones): count again over a wider one.
    const timeline = this.timeline;
    if (this.index?.done === true && timeline !== null && this.latestMergedTime() >= timeline.toMs) {
      const restarted = this.startTimeline(timeline.searchId);
      if (restarted.ok) this.emit('timelineProgress', restarted.value);
    }
    const now = Date.now();
    const finished = ready && this.building === null && (this.index?.done === true || this.problem !== null);
    if (finished || now - this.lastEmit >= PROGRESS_INTERVAL_MS) {
      this.lastEmit = now;
      this.emit('indexProgress', this.status());
    }
    // Until it is built, and while any file is still being indexed (or may change), keep going.
    if (!finished) this.schedule();
    else this.watch();
  }

  /** Once built: look for a file that changed (re-indexed, grew) now and then, and merge again. */
  private watch(): void {
    if (this.disposed || this.timer !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.closedError() !== null) return;
      if (this.generations().some((generation, at) => generation !== this.builtFrom[at])) this.schedule();
      else this.watch();
    }, 500);
    this.timer.unref?.();
  }

  status(): IndexStatus {
    const total = this.totalSize();
    const rows = this.index?.rowsKnown ?? 0;
    const totalRows = this.index?.totalRows ?? 0;
    const indexing = this.sources.reduce((sum, source) => {
      const status = source.indexStatus();
      return sum + (status.ok ? status.value.bytesScanned : 0);
    }, 0);
    const done = this.index !== null && this.index.done;
    const closed = this.closedError();
    return {
      session: this.id,
      encoding: 'utf-8',
      // Half for indexing the files, half for merging them.
      bytesScanned: byteCount(
        done ? total : Math.floor(indexing / 2 + (totalRows === 0 ? 0 : ((rows / totalRows) * total) / 2)),
      ),
      totalBytes: byteCount(total),
      linesKnown: lineCount(rows),
      done: done || closed !== null || this.problem !== null,
      cancelled: false,
      error: closed !== null ? { code: closed.code, message: closed.message } : this.problem,
      following: this.sources.every((source) => {
        const status = source.indexStatus();
        return status.ok && status.value.following;
      }),
      generation: this.generation,
    };
  }

  /** Rows by number, as the files' sessions read their lines (pending edits laid over, times). */
  readRows(rows: readonly number[], maxBytesPerLine: number): Result<LinesAt> {
    const closed = this.closedError();
    if (closed !== null) return closed;
    const index = this.index;
    const known = index?.rowsKnown ?? 0;
    const wanted = rows.filter((row) => row < known);
    const files = new Uint8Array(wanted.length);
    const sourceLines = new Float64Array(wanted.length);
    // A row's offset is its place in the merged text (the rows joined by LF), where find places matches.
    const fileOffsets = new Float64Array(wanted.length);
    // Rows near one another (ascending, within a checkpoint's span: a filtered view's) are read
    // from the merge together, the rows between them skipped.
    for (let i = 0; i < wanted.length;) {
      const first = wanted[i]!;
      let end = i + 1;
      while (end < wanted.length && wanted[end]! > wanted[end - 1]! && wanted[end]! - first < CHECKPOINT_ROWS) end++;
      const part = index!.rows(first, wanted[end - 1]! - first + 1);
      for (let k = i; k < end; k++) {
        const at = wanted[k]! - first;
        files[k] = part.files[at]!;
        sourceLines[k] = part.lines[at]!;
        fileOffsets[k] = part.offsets[at]!;
      }
      i = end;
    }
    // One read per file of all its lines, then put back in row order.
    const perFile = this.sources.map(() => [] as number[]);
    files.forEach((file, at) => perFile[file]!.push(at));
    const parts: { bytes: Uint8Array; at: number; file: number }[] = [];
    const fullLengths = new Float64Array(wanted.length);
    const modifiedLines = new Uint8Array(wanted.length);
    const times = new Float64Array(wanted.length);
    for (const [file, ats] of perFile.entries()) {
      if (ats.length === 0) continue;
      const read = this.sources[file]!.readLinesAt(
        ats.map((at) => sourceLines[at]!),
        maxBytesPerLine,
      );
      if (!read.ok) return read;
      const slice = read.value;
      if (slice.count !== ats.length) return err('EFILECHANGED', `${this.names[file]} changed: lines are missing.`);
      ats.forEach((at, k) => {
        parts.push({ bytes: slice.bytes.subarray(slice.textStarts[k]!, slice.textStarts[k + 1]!), at, file });
        fullLengths[at] = slice.fullLengths[k]!;
        modifiedLines[at] = slice.modifiedLines[k]!;
        times[at] = slice.times[k]!;
      });
    }
    parts.sort((a, b) => a.at - b.at);
    const total = parts.reduce((sum, part) => sum + part.bytes.length, 0);
    const bytes = new Uint8Array(total);
    const textStarts = new Uint32Array(wanted.length + 1);
    let put = 0;
    for (const part of parts) {
      textStarts[part.at] = put;
      bytes.set(part.bytes, put);
      put += part.bytes.length;
    }
    textStarts[wanted.length] = put;
    return ok({
      session: this.id,
      generation: this.generation,
      count: wanted.length,
      bytes,
      textStarts,
      fileOffsets,
      fullLengths,
      modifiedLines,
      times,
      lines: Float64Array.from(wanted),
      sources: files,
      sourceLines,
    });
  }

  readLines(first: LineNumber, count: number): Result<TextLines> {
    if (count > MAX_LINES_PER_READ) return err('EINVAL', `at most ${MAX_LINES_PER_READ} lines can be read at once`);
    const rows = this.readRows(
      Array.from({ length: count }, (_, i) => first + i),
      MAX_LINE_DISPLAY_BYTES,
    );
    if (!rows.ok) return rows;
    const { session, generation, bytes, textStarts, fileOffsets, fullLengths, modifiedLines, times } = rows.value;
    return ok({
      session,
      generation,
      first,
      count: rows.value.count,
      bytes,
      textStarts,
      fileOffsets,
      fullLengths,
      modifiedLines,
      times,
      ...(rows.value.sources === undefined ? {} : { sources: rows.value.sources }),
      ...(rows.value.sourceLines === undefined ? {} : { sourceLines: rows.value.sourceLines }),
    });
  }

  readLinesAt(rows: readonly number[], maxBytesPerLine: number): Result<LinesAt> {
    return this.readRows(rows, maxBytesPerLine);
  }

  /** The text of rows first..last, joined by LF (within MAX_COPY_BYTES). */
  copyLines(first: number, last: number): Result<Uint8Array> {
    if (last < first) return err('EINVAL', `last line index ${last} is before first line index ${first}`);
    return this.copyRows(first, last, (row, count) => ok(Array.from({ length: count }, (_, i) => row + i)));
  }

  /** The text of filtered rows first..last (inclusive), joined by LF (within MAX_COPY_BYTES). */
  copyFilteredLines(filterId: number, first: number, last: number): Result<Uint8Array> {
    if (last < first) return err('EINVAL', `last row ${last} is before first row ${first}`);
    return this.copyRows(first, last, (row, count) => {
      const rows = this.filter.mergedRows(filterId, row, count);
      return rows.ok ? ok(Array.from(rows.value)) : rows;
    });
  }

  /** The text of the rows that rows first..last of a view are (`rowsOf`: a block's merged rows), joined by LF. */
  private copyRows(
    first: number,
    last: number,
    rowsOf: (first: number, count: number) => Result<readonly number[]>,
  ): Result<Uint8Array> {
    const parts: Uint8Array[] = [];
    let total = 0;
    for (let row = first; row <= last; row += MAX_LINES_PER_READ) {
      const count = Math.min(MAX_LINES_PER_READ, last - row + 1);
      const rows = rowsOf(row, count);
      if (!rows.ok) return rows;
      if (rows.value.length < count) return err('ERANGE', 'the rows asked for are not all known yet');
      const read = this.readRows(rows.value, MAX_COPY_BYTES);
      if (!read.ok) return read;
      if (read.value.count < count) return err('ERANGE', 'the rows asked for are not all merged yet');
      for (let i = 0; i < read.value.count; i++) {
        total += read.value.fullLengths[i]! + 1;
        if (total - 1 > MAX_COPY_BYTES) {
          return err(
            'ETOOBIG',
            `The selection is over ${MAX_COPY_BYTES.toLocaleString('en-US')} bytes; copying is limited to that.`,
          );
        }
        parts.push(read.value.bytes.subarray(read.value.textStarts[i]!, read.value.textStarts[i + 1]!));
      }
    }
    return ok(joinLines(parts));
  }

  /** The rows an export writes (filtered or marked), checked before the destination is asked for. */
  exportSource(source: ExportSource): Result<LineSource> {
    return mergedExportSource(
      {
        files: this.sources,
        filter: this.filter,
        merge: () => this.index,
        closedError: () => this.closedError(),
        alive: () => !this.disposed && this.closedError() === null,
        readRows: (rows, maxBytes) => this.readRows(rows, maxBytes),
      },
      source,
    );
  }

  exportLines(source: LineSource, dest: string): Promise<Result<ExportOutcome>> {
    return exportMergedLines(this.sources, source, dest);
  }

  /** What an export is named after (beside the first file). */
  get shownPath(): string {
    return mergedExportName(this.sources);
  }

  /** The times of the first file stand for the view's (Go to time reads the local zone). */
  timeState(): TimeState {
    const first = this.sources[0]!.time.timeState();
    const states = this.sources.map((source) => source.time.timeState());
    const times = states.flatMap((state) => (state.firstMs === null ? [] : [state.firstMs, state.lastMs!]));
    return {
      ...first,
      session: this.id,
      firstMs: times.length === 0 ? null : Math.min(...times),
      // Followed files' new lines are later than their last time sampled: the merge has seen them.
      lastMs: times.length === 0 ? null : Math.max(...times, this.latestMergedTime()),
      sampledLines: states.reduce((sum, state) => sum + state.sampledLines, 0),
      timedLines: states.reduce((sum, state) => sum + state.timedLines, 0),
      notice: states.find((state) => state.notice !== null)?.notice ?? null,
    };
  }

  /** The row holding `offset` of the merged text (the last row past its end). */
  rowAtOffset(offset: number): Result<LineNumber> {
    const closed = this.closedError();
    if (closed !== null) return closed;
    const index = this.index;
    if (index === null || index.rowsKnown === 0) return err('ERANGE', 'The merged view is not built yet.');
    return ok(lineNumber(Math.min(index.rowAtOffset(offset), index.rowsKnown - 1)));
  }

  /** The latest time the merge shown has taken (-Infinity before any, or when no time is finite). */
  private latestMergedTime(): number {
    const latest = this.index?.latestTime ?? Number.NEGATIVE_INFINITY;
    return Number.isFinite(latest) ? latest : Number.NEGATIVE_INFINITY;
  }

  /** The first row whose block's time is at or after `ms`. */
  seekTime(ms: number): Result<TimeSeekResult> {
    const closed = this.closedError();
    if (closed !== null) return closed;
    const index = this.index;
    if (index === null || index.rowsKnown === 0) return err('ERANGE', 'The merged view is not built yet.');
    const row = index.rowAtTime(ms);
    if (row >= index.rowsKnown) return err('ERANGE', 'No line of the merged files is at or after that time.');
    const read = this.readRows([row], 0);
    if (!read.ok) return read;
    return ok({ line: lineNumber(row), ms: read.value.times[0] ?? ms });
  }

  /** A row's time: its file's line's, own or inherited. */
  lineTime(row: LineNumber): Result<LineTime> {
    const closed = this.closedError();
    if (closed !== null) return closed;
    const index = this.index;
    if (index === null || row >= index.rowsKnown) return err('ERANGE', `row ${row + 1} is not merged yet`);
    const part = index.rows(row, 1);
    const file = part.files[0]!;
    const found = this.sources[file]!.time.lineTime(lineNumber(part.lines[0]!));
    if (!found.ok) return found;
    // The gap is to the row before, whichever file it is from.
    let previousMs: number | null = null;
    if (row > 0) {
      const before = index.rows(row - 1, 1);
      const previous = this.sources[before.files[0]!]!.time.lineTime(lineNumber(before.lines[0]!));
      if (previous.ok) previousMs = previous.value.ms;
    }
    return ok({ line: row, ms: found.value.ms, own: found.value.own, previousMs });
  }

  /** The files' timelines over one range, added up, counting the lines with a match of search `searchId` too. */
  startTimeline(searchId: number): Result<TimelineStatus> {
    const closed = this.closedError();
    if (closed !== null) return closed;
    const state = this.timeState();
    if (state.firstMs === null || state.lastMs === null)
      return err('ENOTFOUND', 'No times were recognised in these files.');
    this.stopTimeline();
    const search = this.find.status();
    const query = searchId >= 0 && search !== null && search.searchId === searchId ? search.query : null;
    const timeline: MergedTimeline = {
      id: (this.timeline?.id ?? 0) + 1,
      runs: this.sources.map(() => -1),
      query,
      searchId: query === null ? -1 : searchId,
      fromMs: state.firstMs,
      // Followed files go on past their last time: room for them, so the timeline only extends.
      toMs:
        state.lastMs + 1 + (this.status().following ? Math.ceil(Math.max(1000, state.lastMs - state.firstMs) / 4) : 0),
      status: null,
    };
    this.timeline = timeline;
    const started = this.startNextPass(timeline);
    if (!started.ok) return started;
    this.startTimelinePump();
    return ok(this.timelineStatus()!);
  }

  /** The files' passes run one after another (each one uses every core): their sum is the view's progress. */
  private startTimelinePump(): void {
    if (this.timelinePump !== undefined) return;
    // Checked often so that the next file's pass starts as soon as one ends; progress goes out every PROGRESS_INTERVAL_MS.
    let lastEmit = 0;
    const pump = setInterval(() => {
      const timeline = this.timeline;
      const pending = timeline !== null && timeline.runs.includes(-1);
      const now = Date.now();
      if (!pending && now - lastEmit < PROGRESS_INTERVAL_MS) return;
      const status = this.timelineStatus();
      const ended = status === null || this.disposed || status.done;
      if (ended) {
        clearInterval(pump);
        if (this.timelinePump === pump) this.timelinePump = undefined;
      }
      if (status !== null && !this.disposed && (ended || now - lastEmit >= PROGRESS_INTERVAL_MS)) {
        lastEmit = now;
        this.emit('timelineProgress', status);
      }
    }, PASS_CHECK_MS);
    pump.unref?.();
    this.timelinePump = pump;
  }

  /** The merge took the files' new lines: the timeline counts them too (over a wider range if it must). */
  private timelineGrown(): void {
    const timeline = this.timeline;
    if (timeline === null) return;
    const stale = this.sources.some(
      (source, at) => timeline.runs[at]! >= 0 && !source.closed && source.time.sideTimelineStale(timeline.runs[at]!),
    );
    if (stale) {
      const restarted = this.startTimeline(timeline.searchId);
      if (restarted.ok) this.emit('timelineProgress', restarted.value);
      return;
    }
    this.startTimelinePump();
  }

  /** Starts the next file's pass once the one before is done. */
  private startNextPass(timeline: MergedTimeline): Result<null> {
    const at = timeline.runs.indexOf(-1);
    if (at < 0) return ok(null);
    if (at > 0) {
      const before = this.sources[at - 1]!.time.sideTimelineStatus(timeline.runs[at - 1]!);
      if (before !== null && !before.done) return ok(null);
    }
    const started = this.sources[at]!.time.startTimelineOver(timeline.fromMs, timeline.toMs, timeline.query);
    if (!started.ok) return started;
    timeline.runs[at] = started.value;
    return ok(null);
  }

  private timelinePump: ReturnType<typeof setInterval> | undefined;

  private stopTimeline(): void {
    if (this.timelinePump !== undefined) clearInterval(this.timelinePump);
    this.timelinePump = undefined;
    const timeline = this.timeline;
    if (timeline === null) return;
    for (const [at, source] of this.sources.entries()) {
      if (!source.closed && timeline.runs[at]! >= 0) source.time.stopSideTimeline(timeline.runs[at]!);
    }
  }

  timelineStatus(): TimelineStatus | null {
    const timeline = this.timeline;
    if (timeline === null) return null;
    if (this.closedError() === null) {
      const next = this.startNextPass(timeline);
      if (!next.ok) timeline.error = { code: next.code, message: next.message };
    }
    timeline.status = this.sumTimelines(timeline);
    return timeline.status;
  }

  private sumTimelines(timeline: MergedTimeline): TimelineStatus {
    const statuses = this.sources.map((source, at) =>
      timeline.runs[at]! < 0 ? null : source.time.sideTimelineStatus(timeline.runs[at]!),
    );
    const series = statuses.find((status) => status !== null)?.series ?? [];
    const counts = new Float64Array(TIMELINE_BUCKETS * (1 + series.length));
    for (const status of statuses) {
      if (status === null) continue;
      for (let i = 0; i < counts.length && i < status.counts.length; i++) counts[i] = counts[i]! + status.counts[i]!;
    }
    const error = timeline.error ?? statuses.find((status) => status?.error != null)?.error ?? null;
    return {
      session: this.id,
      timelineId: timeline.id,
      searchId: timeline.searchId,
      fromMs: timeline.fromMs,
      toMs: timeline.toMs,
      buckets: TIMELINE_BUCKETS,
      series,
      counts,
      linesCounted: statuses.reduce((sum, status) => sum + (status?.linesCounted ?? 0), 0),
      bytesScanned: byteCount(statuses.reduce((sum, status) => sum + (status?.bytesScanned ?? 0), 0)),
      // A pass not started yet counts its file's bytes.
      totalBytes: byteCount(
        statuses.reduce(
          (sum, status, at) => sum + (status?.totalBytes ?? (this.sources[at]!.closed ? 0 : this.sources[at]!.size)),
          0,
        ),
      ),
      // A closed file's pass is gone (null): the others count.
      done: error !== null || statuses.every((status, at) => (status === null ? timeline.runs[at]! >= 0 : status.done)),
      error,
    };
  }

  /** Rows [firstRow, firstRow + count) of filter `filterId`'s view, at most MAX_LINES_PER_READ. */
  readFilteredLines(filterId: number, firstRow: number, count: number): Result<FilteredLines> {
    if (count > MAX_LINES_PER_READ) return err('EINVAL', `at most ${MAX_LINES_PER_READ} lines can be read at once`);
    const rows = this.filter.mergedRows(filterId, firstRow, count);
    if (!rows.ok) return rows;
    const read = this.readRows(Array.from(rows.value), MAX_LINE_DISPLAY_BYTES);
    if (!read.ok) return read;
    const kept = this.filter.keptFlags(filterId, read.value.lines);
    if (!kept.ok) return kept;
    return ok({ ...read.value, filterId, firstRow, kept: kept.value });
  }

  /**
   * The first match from `from` in `direction` (wrapping, `from` included) on a row filter
   * `filterId` shows, or -1. As a file's shownMatch, over rows: a match on a hidden row jumps to the
   * first (or last) match of the next (or previous) shown row, so the hidden matches cost nothing.
   */
  shownMatch(searchId: number, filterId: number, from: number, direction: 1 | -1): Result<number> {
    const search = this.find.status();
    if (search === null || search.searchId !== searchId) {
      return err('ENOTFOUND', `search ${searchId} is no longer current (a newer search replaced it)`);
    }
    const status = this.filter.status();
    if (status === null || status.filterId !== filterId)
      return err('ENOTFOUND', `filter ${filterId} is no longer current`);
    const index = this.index;
    const count = search.matchCount;
    if (count === 0 || status.rowsKnown === 0 || index === null) return ok(-1);
    const wrap = (at: number): number => ((at % count) + count) % count;
    /** The index of the first match on a row at or after `row` (count when none). */
    const firstFrom = (row: number): Result<number> =>
      row >= index.rowsKnown ? ok(count) : this.find.indexAt(searchId, index.rows(row, 1).offsets[0]!);
    /** The merged row of shown row `row`, if known. */
    const shownAt = (row: number): Result<number | undefined> => {
      if (row < 0 || row >= status.rowsKnown) return ok(undefined);
      const found = this.filter.mergedRows(filterId, row, 1);
      return found.ok ? ok(found.value[0]) : found;
    };
    let at = wrap(from);
    let travelled = 0;
    // Each step moves past at least one match: at most `count` steps (bounded for a huge count).
    for (let step = 0; step < 1_000_000 && travelled <= count; step++) {
      const matchRow = this.find.matchRowsOf(searchId, at, 1);
      if (!matchRow.ok) return matchRow;
      const row = matchRow.value[0];
      if (row === undefined) return ok(-1);
      const shown = this.filter.rowOfMergedRow(filterId, row);
      if (!shown.ok) return shown;
      const next = shownAt(shown.value);
      if (!next.ok) return next;
      if (next.value === row) return ok(at);
      if (direction === 1) {
        // The first match on the next shown row or after (none: wrap to 0).
        const found = next.value === undefined ? ok(count) : firstFrom(next.value);
        if (!found.ok) return found;
        const target = Math.min(found.value, count);
        travelled += target - at;
        at = target >= count ? 0 : target;
      } else {
        // The last match on the previous shown row or before (none: wrap to the last).
        const previous = shownAt(shown.value - 1);
        if (!previous.ok) return previous;
        const found = previous.value === undefined ? null : firstFrom(previous.value + 1);
        if (found !== null && !found.ok) return found;
        const target = found === null ? -1 : found.value - 1;
        travelled += at - target;
        at = target < 0 ? count - 1 : target;
      }
    }
    return ok(-1);
  }

  /**
   * The scrollbar's ticks: the search's matches in `buckets` equal ranges of the rows (the merged
   * rows, or filter `filterId`'s), and the row of each mark (-1 where the filter hides it).
   */
  scrollTicks(searchId: number, filterId: number, marks: readonly number[], buckets: number): Result<ScrollTicks> {
    if (filterId < 0) {
      const rows = this.index?.rowsKnown ?? 0;
      return ok({
        rows,
        matchBuckets: searchId < 0 ? new Float64Array(0) : this.find.buckets(searchId, rows, buckets),
        markRows: Float64Array.from(marks, (row) => (row < rows ? row : -1)),
      });
    }
    const status = this.filter.status();
    if (status === null || status.filterId !== filterId || !status.active) {
      return err('ENOTFOUND', `filter ${filterId} is no longer current`);
    }
    const rows = status.rowsKnown;
    const markRows = this.filter.rowsOfMergedRows(filterId, marks);
    if (!markRows.ok) return markRows;
    let matchBuckets: Float64Array = new Float64Array(0);
    if (searchId >= 0 && rows > 0) {
      // A bucket runs from its first shown row to the next bucket's: the hidden rows between count
      // with it (and those before the first shown row, with the first), as a file's filtered view.
      const count = Math.min(buckets, rows);
      const starts = Array.from({ length: count }, (_, k) => Math.floor((k * rows) / count));
      const firstRows: number[] = [];
      for (const start of starts) {
        const row = this.filter.mergedRows(filterId, start, 1);
        if (!row.ok) return row;
        firstRows.push(row.value[0] ?? Number.POSITIVE_INFINITY);
      }
      const bounds = [0, ...firstRows.slice(1), Number.POSITIVE_INFINITY];
      matchBuckets = this.find.bucketsBetween(searchId, bounds);
    }
    return ok({ rows, matchBuckets, markRows: markRows.value });
  }

  /** Bytes the merge state holds (its checkpoints), for the bench. */
  get memoryBytes(): number {
    return this.index?.memoryBytes ?? 0;
  }

  /** Whether `session` is one of the view's files. */
  reads(session: SessionId): boolean {
    return this.sources.some((source) => source.id === session);
  }

  /** One of the view's files was closed: its tab hears it at once. */
  sourceClosed(): void {
    this.find.sourceClosed();
    this.filter.sourceClosed();
    if (!this.disposed) this.emit('indexProgress', this.status());
  }

  dispose(): void {
    this.disposed = true;
    this.find.dispose();
    this.filter.dispose();
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.stopTimeline();
  }
}
