// The search of a merged view. Each file is searched on its own (a side search of its session,
// which its tab does not see), then every match is placed in the merged text (the rows joined by
// LF, as MergeIndex gives their offsets): its line's row, found by walking the merge, plus its
// place in the line. The files' matches come out in merged order file by file, and are merged
// k-way into one compact list as they are placed, so the count grows in order while it runs and
// a match's index, offset and row answer as a file's search does.
import {
  MAX_LINES_PER_READ,
  type FindQuery,
  type FindStatus,
  type MatchPage,
  type MatchRows,
} from '../../../shared/contract';
import type { Disposable } from '../../../shared/disposable';
import { err, errFromThrown, ok, type Result } from '../../../shared/result';
import { byteCount, type SessionId } from '../../../shared/units';
import type { FileSession } from '../fileSession';
import type { FindController } from '../find/findController';
import { MatchStore } from '../find/matchStore';
import type { MergeIndex } from './mergeIndex';

const PROGRESS_INTERVAL_MS = 100;
/** Matches of a file placed per step. */
const CHUNK = 32_768;
/** Time spent placing matches per slice of the main thread. */
const SLICE_MS = 25;
/** Line text shown per row of the matches pane. */
const MATCH_ROW_BYTES = 1024;

/** What the search reads of its merged view. */
export interface MergedFindHost {
  readonly session: SessionId;
  /** The files, in the view's order. */
  readonly files: readonly FileSession[];
  /** The complete merge shown, its revision and generation (a new generation: rows moved); null while built. */
  builtMerge(): { readonly index: MergeIndex; readonly revision: number } | null;
  generation(): number;
  /** Why the view cannot be read (a file closed), or null. */
  closedError(): Result<never> | null;
  /** Rows' text, capped at `maxBytes` a row. */
  readRows(
    rows: readonly number[],
    maxBytes: number,
  ): Result<{ bytes: Uint8Array; textStarts: Uint32Array; count: number; sources?: Uint8Array }>;
  emit(status: FindStatus): void;
}

/** One file's matches as they are placed: a chunk at a time, in merged order. */
interface FilePlacer {
  readonly file: number;
  /** Matches of the file's side search taken so far. */
  taken: number;
  /** The placed chunk and where the merge stands in it. */
  offsets: Float64Array;
  lengths: Float64Array;
  rows: Float64Array;
  at: number;
}

interface Run {
  readonly id: number;
  readonly query: FindQuery;
  sides: FindController[];
  sideIds: number[];
  /** The merge the matches are placed in (once the side searches are done), and its generation. */
  merge: { readonly index: MergeIndex; readonly generation: number } | null;
  placers: FilePlacer[] | null;
  /** Merged-text offsets and lengths of the matches placed, in order; their rows likewise. */
  matches: MatchStore;
  rows: MatchStore;
  done: boolean;
  cancelled: boolean;
  error: { readonly code: string; readonly message: string } | null;
}

export class MergedFind implements Disposable {
  private run: Run | null = null;
  private nextId = 1;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private pump: ReturnType<typeof setInterval> | undefined;
  private disposed = false;

  constructor(private readonly host: MergedFindHost) {}

  start(query: FindQuery): Result<FindStatus> {
    const closed = this.host.closedError();
    if (closed !== null) return closed;
    const sides: FindController[] = [];
    const sideIds: number[] = [];
    for (const file of this.host.files) {
      const side = file.sideFind();
      sides.push(side);
      const started = side.start(query);
      if (!started.ok) {
        for (const made of sides) made.dispose();
        return started;
      }
      sideIds.push(started.value.searchId);
    }
    this.stop();
    this.run = {
      id: this.nextId++,
      query,
      sides,
      sideIds,
      merge: null,
      placers: null,
      matches: new MatchStore(),
      rows: new MatchStore(),
      done: false,
      cancelled: false,
      error: null,
    };
    this.pump = setInterval(() => this.tick(), PROGRESS_INTERVAL_MS);
    this.pump.unref?.();
    this.schedule();
    return ok(this.status()!);
  }

  /** Searches the same query again over a merge with other rows (the files changed), under the same id. */
  private restart(run: Run): void {
    // A file that changed under the placing (EFILECHANGED) is read again now; a closed one is not.
    if (run.error !== null && run.error.code !== 'ECLOSED') run.error = null;
    for (const side of run.sides) side.dispose();
    const sides: FindController[] = [];
    const sideIds: number[] = [];
    for (const file of this.host.files) {
      const side = file.sideFind();
      sides.push(side);
      const started = side.start(run.query);
      if (!started.ok) {
        run.error = { code: started.code, message: started.message };
        break;
      }
      sideIds.push(started.value.searchId);
    }
    Object.assign(run, { sides, sideIds, merge: null, placers: null, done: false });
    run.matches = new MatchStore();
    run.rows = new MatchStore();
  }

  status(): FindStatus | null {
    const run = this.run;
    if (run === null) return null;
    const sides = run.sides.map((side) => side.status());
    const total = sides.reduce((sum, side) => sum + (side?.totalBytes ?? 0), 0);
    const searched = sides.reduce((sum, side) => sum + (side?.bytesScanned ?? 0), 0);
    const expected = sides.reduce((sum, side) => sum + (side?.matchCount ?? 0), 0);
    // Half for searching the files, half for placing their matches in the merge.
    const placed = expected === 0 ? (run.done ? 1 : 0) : run.matches.count / expected;
    const sideError = sides.find((side) => side?.error != null)?.error ?? null;
    return {
      session: this.host.session,
      searchId: run.id,
      query: run.query,
      bytesScanned: byteCount(run.done ? total : Math.floor(searched / 2 + (placed * total) / 2)),
      totalBytes: byteCount(total),
      matchCount: run.matches.count,
      done: run.done || run.cancelled || run.error !== null || sideError !== null,
      cancelled: run.cancelled,
      error: run.error ?? sideError,
      notice:
        sides.find((side) => side?.notice != null)?.notice ??
        (!run.done && run.merge === null && sides.every((side) => side?.done === true)
          ? 'Waiting for the merge to be built.'
          : null),
      engine: sides.find((side) => side?.engine != null)?.engine ?? null,
    };
  }

  cancel(): FindStatus | null {
    const run = this.run;
    if (run !== null && !run.done) {
      run.cancelled = true;
      for (const side of run.sides) side.cancel();
      this.stopWork();
    }
    const status = this.status();
    if (status !== null) this.host.emit(status);
    return status;
  }

  private current(searchId: number): Result<Run> {
    if (this.run === null || this.run.id !== searchId) {
      return err('ENOTFOUND', `search ${searchId} is no longer current (a newer search replaced it)`);
    }
    return ok(this.run);
  }

  matches(searchId: number, first: number, count: number): Result<MatchPage> {
    const run = this.current(searchId);
    if (!run.ok) return run;
    return ok({ searchId, first, ...run.value.matches.page(first, count) });
  }

  inRange(searchId: number, start: number, end: number, limit: number): Result<MatchPage> {
    const run = this.current(searchId);
    if (!run.ok) return run;
    const store = run.value.matches;
    // Matches do not span rows: the first one starting at or after `start` is the first in range.
    const first = store.indexAtOrAfter(start);
    const page = store.page(first, limit);
    let keep = 0;
    while (keep < page.offsets.length && page.offsets[keep]! < end) keep++;
    return ok({ searchId, first, offsets: page.offsets.slice(0, keep), lengths: page.lengths.slice(0, keep) });
  }

  indexAt(searchId: number, offset: number): Result<number> {
    const run = this.current(searchId);
    return run.ok ? ok(run.value.matches.indexAtOrAfter(offset)) : run;
  }

  /** Matches [first, first + count) with their rows and the rows' text (the matches pane). */
  rows(searchId: number, first: number, count: number): Result<MatchRows> {
    if (count > MAX_LINES_PER_READ) {
      return err('EINVAL', `at most ${MAX_LINES_PER_READ} match rows can be read at once, asked for ${count}`);
    }
    const run = this.current(searchId);
    if (!run.ok) return run;
    const page = run.value.matches.page(first, count);
    const rows = run.value.rows.page(first, count).offsets;
    const merge = run.value.merge;
    const lineOffsets = new Float64Array(rows.length);
    if (merge !== null) {
      for (let i = 0; i < rows.length;) {
        let end = i + 1;
        while (end < rows.length && rows[end]! - rows[i]! < 4096) end++;
        const part = merge.index.rows(rows[i]!, rows[end - 1]! - rows[i]! + 1);
        for (let k = i; k < end; k++) lineOffsets[k] = part.offsets[rows[k]! - rows[i]!]!;
        i = end;
      }
    }
    const read = this.host.readRows(Array.from(rows), MATCH_ROW_BYTES);
    if (!read.ok) return read;
    const text = read.value;
    const lineStarts = new Uint32Array(rows.length + 1);
    const parts: Uint8Array[] = [];
    let total = 0;
    for (let i = 0; i < rows.length; i++) {
      lineStarts[i] = total;
      if (i >= text.count) continue;
      const bytes = text.bytes.subarray(text.textStarts[i]!, text.textStarts[i + 1]!);
      parts.push(bytes);
      total += bytes.byteLength;
    }
    lineStarts[rows.length] = total;
    const lineBytes = new Uint8Array(total);
    let at = 0;
    for (const part of parts) {
      lineBytes.set(part, at);
      at += part.byteLength;
    }
    return ok({
      searchId,
      first,
      offsets: page.offsets,
      lengths: page.lengths,
      lines: rows,
      lineBytes,
      lineStarts,
      lineOffsets,
      sources: text.sources?.slice(0, rows.length) ?? new Uint8Array(rows.length),
    });
  }

  /** Matches in each of `buckets` equal ranges of rows [0, rows). */
  buckets(searchId: number, rows: number, buckets: number): Float64Array {
    const run = this.run;
    const counts = new Float64Array(rows > 0 && run !== null && run.id === searchId ? buckets : 0);
    if (counts.length === 0) return counts;
    let before = 0;
    for (let bucket = 0; bucket < buckets; bucket++) {
      const end = run!.rows.indexAtOrAfter(Math.ceil(((bucket + 1) * rows) / buckets));
      counts[bucket] = end - before;
      before = end;
    }
    return counts;
  }

  /** Matches on the rows of each range [bounds[k], bounds[k + 1]) (bounds ascending): a filtered view's buckets. */
  bucketsBetween(searchId: number, bounds: readonly number[]): Float64Array {
    const run = this.run;
    if (run === null || run.id !== searchId || bounds.length < 2) return new Float64Array(0);
    const counts = new Float64Array(bounds.length - 1);
    let before = run.rows.indexAtOrAfter(bounds[0]!);
    for (let k = 0; k + 1 < bounds.length; k++) {
      const end = run.rows.indexAtOrAfter(bounds[k + 1]!);
      counts[k] = end - before;
      before = end;
    }
    return counts;
  }

  /** The rows of matches [first, first + count) (for the filtered view's next match). */
  matchRowsOf(searchId: number, first: number, count: number): Result<Float64Array> {
    const run = this.current(searchId);
    return run.ok ? ok(run.value.rows.page(first, count).offsets) : run;
  }

  /** Bytes the matches hold. */
  memoryBytes(): number {
    return (this.run?.matches.memoryBytes() ?? 0) + (this.run?.rows.memoryBytes() ?? 0);
  }

  private tick(): void {
    const status = this.status();
    if (status === null) return;
    this.host.emit(status);
    if (status.done) this.stopPump();
    else this.schedule();
  }

  private schedule(): void {
    if (this.disposed || this.timer !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      try {
        if (this.work()) this.schedule();
      } catch (error) {
        const failed = errFromThrown(error);
        if (this.run !== null) this.run.error = { code: failed.code, message: failed.message };
      }
    }, 0);
    this.timer.unref?.();
  }

  /** One slice of work; answers whether there is more to do now. */
  private work(): boolean {
    const run = this.run;
    if (run === null || run.done || run.cancelled || run.error !== null) return false;
    if (this.host.closedError() !== null) {
      run.error = { code: 'ECLOSED', message: 'A file of the merged view was closed.' };
      return false;
    }
    const built = this.host.builtMerge();
    if (built === null) return false;
    const generation = this.host.generation();
    if (run.merge !== null && run.merge.generation !== generation) {
      // The rows moved (a file was indexed again): place the matches again from the files' searches.
      this.restart(run);
      return false;
    }
    const sides = run.sides.map((side) => side.status());
    if (sides.some((side) => side?.error != null)) return false;
    if (!sides.every((side) => side?.done === true)) return false;
    if (run.merge === null) {
      run.merge = { index: built.index, generation };
      run.placers = this.host.files.map((_, file) => ({
        file,
        taken: 0,
        offsets: new Float64Array(0),
        lengths: new Float64Array(0),
        rows: new Float64Array(0),
        at: 0,
      }));
    }
    const started = Date.now();
    while (Date.now() - started < SLICE_MS) {
      // The least next match of the files, placing a file's next chunk when its last one is used up.
      let best: FilePlacer | null = null;
      for (const placer of run.placers!) {
        if (placer.at >= placer.offsets.length && !this.place(run, placer, sides[placer.file]!.matchCount)) continue;
        if (best === null || placer.offsets[placer.at]! < best.offsets[best.at]!) best = placer;
      }
      if (best === null) {
        run.done = true;
        for (const side of run.sides) side.dispose();
        run.sides = [];
        this.tick();
        return false;
      }
      // Take every match of the best file up to the next file's least offset at once.
      let bound = Number.POSITIVE_INFINITY;
      for (const placer of run.placers!) {
        if (placer !== best && placer.at < placer.offsets.length) bound = Math.min(bound, placer.offsets[placer.at]!);
      }
      while (best.at < best.offsets.length && best.offsets[best.at]! <= bound) {
        run.matches.push(best.offsets[best.at]!, best.lengths[best.at]!);
        run.rows.push(best.rows[best.at]!, 0);
        best.at++;
      }
    }
    return true;
  }

  /** Places the file's next chunk of matches in the merge; false when it has none left. */
  private place(run: Run, placer: FilePlacer, count: number): boolean {
    if (placer.taken >= count) return false;
    const side = run.sides[placer.file]!;
    const page = side.matches(run.sideIds[placer.file]!, placer.taken, Math.min(CHUNK, count - placer.taken));
    if (!page.ok) throw Object.assign(new Error(page.message), { code: page.code });
    const { offsets, lengths } = page.value;
    placer.taken += offsets.length;
    if (offsets.length === 0) return false;
    const lines = this.host.files[placer.file]!.linesAtOffsets(offsets);
    if (!lines.ok) throw Object.assign(new Error(lines.message), { code: lines.code });
    // (A match over a line end goes on into the next row's bytes; the view clips it to its row.)
    const targets: Float64Array[] = this.host.files.map(() => new Float64Array(0));
    targets[placer.file] = lines.value.lines;
    const located = run.merge!.index.locate(targets, true);
    const rows = located.rows[placer.file]!;
    const before = located.before[placer.file]!;
    // Matches past the lines merged (a followed file grew since) wait for the next merge.
    let kept = 0;
    placer.offsets = new Float64Array(offsets.length);
    placer.lengths = new Float64Array(offsets.length);
    placer.rows = new Float64Array(offsets.length);
    for (let i = 0; i < offsets.length; i++) {
      if (rows[i]! < 0) continue;
      placer.offsets[kept] = offsets[i]! + before[i]!;
      placer.lengths[kept] = lengths[i]!;
      placer.rows[kept] = rows[i]!;
      kept++;
    }
    placer.offsets = placer.offsets.subarray(0, kept);
    placer.lengths = placer.lengths.subarray(0, kept);
    placer.rows = placer.rows.subarray(0, kept);
    placer.at = 0;
    // A chunk with no match placed: the next one (or none left).
    return kept > 0 || this.place(run, placer, count);
  }

  private stopPump(): void {
    if (this.pump !== undefined) clearInterval(this.pump);
    this.pump = undefined;
  }

  private stopWork(): void {
    this.stopPump();
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private stop(): void {
    this.stopWork();
    for (const side of this.run?.sides ?? []) side.dispose();
  }

  /** The merge shown changed: a merge with rows moved places the matches again (the same search). */
  mergeChanged(): void {
    const run = this.run;
    if (run === null || run.cancelled) return;
    // Placed in another merge, or stopped by a file that changed under it: place again in this one.
    const error = run.error ?? run.sides.map((side) => side.status()?.error ?? null).find((found) => found !== null);
    const failed = error != null && error.code !== 'ECLOSED';
    if (!failed && (run.merge === null || run.merge.generation === this.host.generation())) return;
    this.restart(run);
    if (this.pump === undefined) {
      this.pump = setInterval(() => this.tick(), PROGRESS_INTERVAL_MS);
      this.pump.unref?.();
    }
    this.schedule();
  }

  /** A file of the view closed: its side search stops at once. */
  sourceClosed(): void {
    const run = this.run;
    if (run === null) return;
    this.stop();
    run.sides = [];
    if (!run.done) run.error = { code: 'ECLOSED', message: 'A file of the merged view was closed.' };
  }

  dispose(): void {
    this.disposed = true;
    this.stop();
    this.run = null;
  }
}
