// The filtered view of a merged view: which rows of the merge show. Each file is filtered on the
// side (FileSession.sideFilter: the addon's LineFilter over its mapping, its own tab's filter left
// alone) by the rules alone; the kept lines are read back a page at a time, placed in the merge by
// MergeIndex.locate, and the rows of all files, each file's ascending, come together in row order
// into one compact list (4 bytes a kept row). Context lines are rows around kept rows in the
// merged order (ContextRuns over rows), and the time range is the rows from the first at or after
// its start to the first at or after its end. Without an enabled rule every row shows.
//
// Work runs in slices on a timer, so the main process stays responsive; rows show as they are
// found (all kept rows below `decided` are known). When the merge changes, a merge extended by
// appended lines only adds rows (the same filterId); any other change filters again under a new id.
import type { FilterSpec, FilterStatus } from '../../../shared/contract';
import type { Disposable } from '../../../shared/disposable';
import { err, errFromThrown, ok, type Err, type Result } from '../../../shared/result';
import { byteCount, type SessionId } from '../../../shared/units';
import { ContextRuns } from '../filter/contextRuns';
import type { FilterController } from '../filter/filterController';
import { GrowableUint32 } from '../filter/growable';
import type { MergeIndex } from './mergeIndex';

const PROGRESS_INTERVAL_MS = 100;
/** Time spent placing kept lines per slice of the main thread. */
const SLICE_MS = 25;
/**
 * Kept lines of a file read from its side filter and placed in the merge at a time: a line far
 * from the one before costs up to a checkpoint's rows of counting, so a page stays a few ms.
 */
const LOCATE_PAGE = 4096;
/** How often to look again while the files are filtered or the merge is built. */
const WAIT_MS = 25;
/** Kept rows are stored as 4-byte numbers. */
const MAX_ROWS = 2 ** 32 - 1;

/** What a merged view's filter reads: the files, the merge once built, and where progress goes. */
export interface MergedFilterHost {
  readonly session: SessionId;
  readonly files: readonly MergedFilterFile[];
  /** The merge shown once complete, and its revision (bumped when it is rebuilt or extended); null meanwhile. */
  builtMerge(): { readonly index: MergeIndex; readonly revision: number } | null;
  /** Why the view cannot be read (a file closed), or null. */
  closedError(): Err | null;
  emit(status: FilterStatus): void;
}

/** The part of a FileSession the merged filter uses. */
export interface MergedFilterFile {
  readonly info: { readonly name: string };
  /** Whether its tab was closed (its session answers nothing any more). */
  readonly closed: boolean;
  readonly size: number;
  /** Bumped whenever lines already indexed may read differently: a side filter of before is stale. */
  readonly linesRewritten: number;
  indexStatus(): Result<{ readonly encoding: string }>;
  sideFilter(): FilterController;
}

/** A file's side filter, and the file's rewrites when it started. */
interface Side {
  readonly filter: FilterController;
  readonly rewrites: number;
}

/** One walk over new lines of the files: their kept lines placed in the merge, in row order. */
interface Pass {
  readonly merge: MergeIndex;
  readonly revision: number;
  /** The lines of each file the pass covers: [from, to). */
  readonly from: readonly number[];
  readonly to: readonly number[];
  /** Rows of the merge when the pass is done. */
  readonly totalRows: number;
  /** Per file: whether its side filter was checked against the file (started again, or told it grew). */
  checked: boolean[];
  /** Per file: the next kept line (an index into its side filter's results) to place, and the end. */
  next: number[] | null;
  end: number[] | null;
  /** Per file: rows placed but not yet taken (beyond what another file may still place before them). */
  pending: Float64Array[];
  pendingAt: number[];
}

interface Run {
  readonly id: number;
  readonly spec: FilterSpec;
  /** Whether an enabled rule applies: without one every row shows. */
  readonly ruled: boolean;
  readonly sides: (Side | null)[];
  /** The merge filtered (null before it is first built) and its revision. */
  merge: MergeIndex | null;
  revision: number;
  /** Lines of each file filtered so far. */
  fileLines: number[];
  /** Rows of the merge decided: every kept row below it is known. */
  decided: number;
  /** Rows of the merge the rules keep, ascending. */
  readonly kept: GrowableUint32;
  /** With context lines: runs of rows around the kept rows. */
  readonly runs: ContextRuns | null;
  /** The time range as rows of the merge: [first, end). */
  window: { readonly first: number; readonly end: number } | null;
  pass: Pass | null;
  error: { readonly code: string; readonly message: string } | null;
}

export class MergedFilter implements Disposable {
  private run: Run | null = null;
  private nextId = 1;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private lastEmit = 0;
  /** Whether the last status sent said done: a change is sent at once. */
  private sentDone = false;
  private disposed = false;

  constructor(private readonly host: MergedFilterHost) {}

  /** Starts filtering the merged rows by `spec`, replacing the previous filter; a rule that cannot run leaves it as it was. */
  set(spec: FilterSpec): Result<FilterStatus> {
    const closed = this.host.closedError();
    if (closed !== null) return closed;
    if (spec.time !== undefined && spec.time.toMs <= spec.time.fromMs) {
      return err('EINVAL', 'The time range ends before it starts.');
    }
    const ruled = spec.rules.some((rule) => rule.enabled);
    const sides: (Side | null)[] = [];
    if (ruled) {
      for (const file of this.host.files) {
        const side = this.startSide(file, spec);
        if (!side.ok) {
          for (const started of sides) started?.filter.dispose();
          return side;
        }
        sides.push(side.value);
      }
    }
    this.stop();
    this.run = this.newRun(spec, ruled, ruled ? sides : this.host.files.map(() => null));
    this.work();
    return ok(this.status()!);
  }

  /** A side filter of `file` by the spec's rules alone (no context, no time). */
  private startSide(file: MergedFilterFile, spec: FilterSpec): Result<Side> {
    const filter = file.sideFilter();
    const started = filter.set({ rules: spec.rules, context: 0 });
    if (!started.ok) {
      filter.dispose();
      const encoding = file.indexStatus();
      // The same words as a file's filter, naming the file when it is the file that cannot be filtered.
      return encoding.ok && encoding.value.encoding.startsWith('utf-16')
        ? err(started.code, `${file.info.name}: ${started.message}`)
        : started;
    }
    return ok({ filter, rewrites: file.linesRewritten });
  }

  private newRun(spec: FilterSpec, ruled: boolean, sides: (Side | null)[]): Run {
    return {
      id: this.nextId++,
      spec,
      ruled,
      sides,
      merge: null,
      revision: -1,
      fileLines: this.host.files.map(() => 0),
      decided: 0,
      kept: new GrowableUint32(),
      runs: ruled && spec.context > 0 ? new ContextRuns(spec.context) : null,
      window: null,
      pass: null,
      error: null,
    };
  }

  /** The merge shown changed (rebuilt, or extended): look at once. */
  mergeChanged(): void {
    if (this.run === null || this.disposed) return;
    this.work();
  }

  /** One of the view's files was closed: the filter stops and says why. */
  sourceClosed(): void {
    const run = this.run;
    if (run === null || this.disposed) return;
    this.stopWork();
    this.disposeSides(run);
    const closed = this.host.closedError();
    run.error = { code: closed?.code ?? 'ECLOSED', message: closed?.message ?? 'A file of the view was closed.' };
    run.pass = null;
    this.send();
  }

  status(): FilterStatus | null {
    const run = this.run;
    if (run === null) return null;
    const totalBytes = this.host.files.reduce((sum, file) => sum + (file.closed ? 0 : file.size), 0);
    const pass = run.pass;
    const mergeRows = pass?.totalRows ?? run.merge?.totalRows ?? 0;
    const done = run.error !== null || (run.merge !== null && pass === null);
    const [start, stop] = this.windowRows(run);
    const rowsKnown = Math.max(0, Math.min(this.baseRows(run), stop) - start);
    // Half for filtering the files, half for placing their kept lines in the merge.
    let scanned = 0;
    if (done) scanned = totalBytes;
    else if (run.ruled) {
      const sides = run.sides.reduce((sum, side) => sum + (side?.filter.status()?.bytesScanned ?? 0), 0);
      scanned = sides / 2 + (mergeRows === 0 ? 0 : (run.decided / mergeRows) * (totalBytes / 2));
    }
    return {
      session: this.host.session,
      filterId: run.id,
      spec: run.spec,
      active: run.ruled || run.spec.time !== undefined,
      rowsKnown,
      linesScanned: run.decided,
      bytesScanned: byteCount(Math.min(totalBytes, Math.floor(scanned))),
      totalBytes: byteCount(totalBytes),
      done,
      error: run.error,
      notice: null,
      memoryBytes:
        run.kept.capacityBytes() +
        (run.runs?.memoryBytes() ?? 0) +
        run.sides.reduce((sum, side) => sum + (side?.filter.status()?.memoryBytes ?? 0), 0),
    };
  }

  /** The merged rows of shown rows [firstRow, firstRow + count), fewer past the rows known. */
  mergedRows(filterId: number, firstRow: number, count: number): Result<Float64Array> {
    const found = this.current(filterId);
    if (!found.ok) return found;
    const run = found.value;
    const [start, stop] = this.windowRows(run);
    const rowsKnown = Math.max(0, Math.min(this.baseRows(run), stop) - start);
    const length = Math.max(0, Math.min(rowsKnown, firstRow + count) - firstRow);
    const rows = new Float64Array(length);
    for (let i = 0; i < length; i++) rows[i] = this.mergedRowOf(run, start + firstRow + i);
    return ok(rows);
  }

  /** With context lines, 1 for each of `mergedRows` that a rule keeps, 0 for context; else null. */
  keptFlags(filterId: number, mergedRows: ArrayLike<number>): Result<Uint8Array | null> {
    const found = this.current(filterId);
    if (!found.ok) return found;
    const run = found.value;
    if (run.runs === null) return ok(null);
    const flags = new Uint8Array(mergedRows.length);
    for (let i = 0; i < mergedRows.length; i++) {
      const row = mergedRows[i]!;
      const at = run.kept.lowerBound(row);
      flags[i] = at < run.kept.length && run.kept.at(at) === row ? 1 : 0;
    }
    return ok(flags);
  }

  /** The shown row of each merged row, or -1 where the filter hides it (or has not reached it). */
  rowsOfMergedRows(filterId: number, mergedRows: readonly number[]): Result<Float64Array> {
    const found = this.current(filterId);
    if (!found.ok) return found;
    const run = found.value;
    const [start, stop] = this.windowRows(run);
    const known = this.baseRows(run);
    const rows = new Float64Array(mergedRows.length).fill(-1);
    mergedRows.forEach((row, at) => {
      if (run.window !== null && (row < run.window.first || row >= run.window.end)) return;
      const base = this.baseRowOf(run, row);
      if (base < known && base < stop && this.mergedRowOf(run, base) === row) rows[at] = base - start;
    });
    return ok(rows);
  }

  /** The shown row of the first shown merged row at or after `mergedRow` (the rows known when none is). */
  rowOfMergedRow(filterId: number, mergedRow: number): Result<number> {
    const found = this.current(filterId);
    if (!found.ok) return found;
    const run = found.value;
    const [start, stop] = this.windowRows(run);
    const from = run.window === null ? mergedRow : Math.max(mergedRow, run.window.first);
    const row = Math.min(this.baseRowOf(run, from), stop, this.baseRows(run));
    return ok(Math.max(0, row - start));
  }

  private current(filterId: number): Result<Run> {
    const run = this.run;
    if (run === null || run.id !== filterId) {
      return err('ENOTFOUND', `filter ${filterId} is no longer current (a newer filter replaced it)`);
    }
    return ok(run);
  }

  /** Rows the rules show among the rows decided, before the time range narrows them. */
  private baseRows(run: Run): number {
    if (!run.ruled) return run.decided;
    if (run.runs !== null) return run.runs.rows(run.decided);
    return run.kept.length;
  }

  /** The first row the rules show at or after merged row `row` (baseRows when none is known). */
  private baseRowOf(run: Run, row: number): number {
    if (!run.ruled) return Math.min(row, run.decided);
    if (run.runs !== null) return run.runs.rowOfLine(row, run.decided);
    return run.kept.lowerBound(row);
  }

  /** The merged row of row `base` of the rules (below baseRows). */
  private mergedRowOf(run: Run, base: number): number {
    if (!run.ruled) return base;
    if (run.runs !== null) return run.runs.lineOfRow(base, run.decided);
    return run.kept.at(base);
  }

  /** The rows of the rules [start, stop) that the time range keeps. */
  private windowRows(run: Run): [number, number] {
    if (run.spec.time === undefined) return [0, Number.POSITIVE_INFINITY];
    if (run.window === null) return [0, 0];
    return [this.baseRowOf(run, run.window.first), this.baseRowOf(run, run.window.end)];
  }

  /** Does a slice of work, then comes back (sooner while placing rows than while waiting). */
  private work(): void {
    this.stopWork();
    const run = this.run;
    if (run === null || this.disposed) return;
    let again: number | null = null;
    try {
      again = this.step(run);
    } catch (error) {
      const failed = errFromThrown(error);
      run.error = { code: failed.code, message: failed.message };
      run.pass = null;
    }
    // Filtered again under a new id (the merge was rebuilt): the new run starts at once.
    if (this.run !== run) return this.work();
    const now = Date.now();
    const status = this.status()!;
    if (status.done !== this.sentDone || now - this.lastEmit >= PROGRESS_INTERVAL_MS) this.send(status);
    if (again !== null) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.work();
      }, again);
      this.timer.unref?.();
    }
  }

  private send(status: FilterStatus | null = this.status()): void {
    if (status === null) return;
    this.lastEmit = Date.now();
    this.sentDone = status.done;
    this.host.emit(status);
  }

  /** One slice; answers when to come back (ms), or null when there is nothing to do until the merge changes. */
  private step(run: Run): number | null {
    if (run.error !== null) {
      // A file changed under a pass (EFILECHANGED): once the merge is built again, filter again.
      const rebuilt = this.host.builtMerge();
      if (run.error.code !== 'ECLOSED' && rebuilt !== null && rebuilt.index !== run.merge) {
        this.run = this.newRun(run.spec, run.ruled, run.sides);
        return 0;
      }
      return null;
    }
    const closed = this.host.closedError();
    if (closed !== null) {
      this.disposeSides(run);
      run.error = { code: closed.code, message: closed.message };
      run.pass = null;
      return null;
    }
    const built = this.host.builtMerge();
    if (built !== null && run.merge !== null && built.index !== run.merge) {
      // Merged again (a file changed): the rows are other rows. The same rules, under a new id.
      this.run = this.newRun(run.spec, run.ruled, run.sides);
      return 0;
    }
    if (run.pass === null) {
      // Being built (the first time, or again, or extended): look again soon.
      if (built === null) return WAIT_MS;
      if (built.index === run.merge && built.revision === run.revision) return null;
      this.startPass(run, built.index, built.revision);
    }
    const again = this.advancePass(run, run.pass!);
    return again !== null ? again : this.finishPass(run);
  }

  /** Starts placing the lines of each file the merge took since the last pass. */
  private startPass(run: Run, merge: MergeIndex, revision: number): void {
    if (merge.totalRows > MAX_ROWS) {
      throw failure({ code: 'ETOOBIG', message: 'The merged view has too many rows to filter (over 4,294,967,295).' });
    }
    run.merge = merge;
    const to = this.host.files.map((_, file) => merge.linesOf(file));
    run.window =
      run.spec.time === undefined
        ? null
        : { first: merge.rowAtTime(run.spec.time.fromMs), end: merge.rowAtTime(run.spec.time.toMs) };
    if (run.window !== null && run.window.end < run.window.first) run.window = { ...run.window, end: run.window.first };
    run.pass = {
      merge,
      revision,
      from: run.fileLines,
      to,
      totalRows: merge.totalRows,
      checked: to.map(() => false),
      next: null,
      end: null,
      pending: to.map(() => new Float64Array(0)),
      pendingAt: to.map(() => 0),
    };
  }

  /** Works on a pass; answers when to come back (ms), or null when it is done. */
  private advancePass(run: Run, pass: Pass): number | null {
    if (!run.ruled) return null;
    if (!this.sidesReady(run, pass)) return WAIT_MS;
    const started = Date.now();
    do {
      if (!this.place(run, pass)) return null;
    } while (Date.now() - started < SLICE_MS);
    return 0;
  }

  /**
   * Places a page of kept lines of each file that has none waiting to be taken, then takes what
   * can be taken; answers whether lines remain.
   */
  private place(run: Run, pass: Pass): boolean {
    const next = pass.next!;
    const end = pass.end!;
    const placing = next.map(() => false);
    const targets = next.map((at, file) => {
      if (pass.pendingAt[file]! < pass.pending[file]!.length || at >= end[file]!) return new Float64Array(0);
      const side = run.sides[file]!.filter;
      const lines = side.lines(side.status()!.filterId, at, Math.min(LOCATE_PAGE, end[file]! - at));
      if (!lines.ok) throw failure(lines);
      // Fewer than asked (none should be): the file has no more to place.
      next[file] = lines.value.length === 0 ? end[file]! : at + lines.value.length;
      placing[file] = lines.value.length > 0;
      return lines.value;
    });
    if (placing.some(Boolean)) {
      const located = pass.merge.locate(targets);
      for (const [file, placed] of placing.entries()) {
        if (!placed) continue;
        // A line past the rows merged has no row (-1): none should be, as the pass covers merged lines only.
        pass.pending[file] = located.rows[file]!.filter((row) => row >= 0);
        pass.pendingAt[file] = 0;
      }
    }
    this.take(run, pass);
    return (
      next.some((at, file) => at < end[file]!) || pass.pending.some((rows, file) => pass.pendingAt[file]! < rows.length)
    );
  }

  /**
   * Takes the rows placed that no file can still place a row before: those up to the least last
   * row placed of the files with lines still to place (all of them when none has).
   */
  private take(run: Run, pass: Pass): void {
    let bound = Number.POSITIVE_INFINITY;
    for (const [file, rows] of pass.pending.entries()) {
      if (pass.next![file]! >= pass.end![file]!) continue;
      const last = rows.length > 0 ? rows[rows.length - 1]! : -1;
      bound = Math.min(bound, last);
    }
    const taken: number[] = [];
    for (const [file, rows] of pass.pending.entries()) {
      let at = pass.pendingAt[file]!;
      while (at < rows.length && rows[at]! <= bound) taken.push(rows[at++]!);
      pass.pendingAt[file] = at;
    }
    const ordered = Float64Array.from(taken).sort();
    for (const row of ordered) {
      run.kept.push(row);
      run.runs?.add(row);
    }
    if (Number.isFinite(bound)) run.decided = Math.max(run.decided, bound + 1);
  }

  /**
   * Whether every side filter has filtered the lines of the pass: a stale one (its file was read
   * again) starts over; a finished one behind its file (the file grew) goes on over the new lines.
   */
  private sidesReady(run: Run, pass: Pass): boolean {
    if (pass.next !== null) return true;
    let ready = true;
    for (const [file, source] of this.host.files.entries()) {
      let side = run.sides[file]!;
      if (!pass.checked[file] && side.rewrites !== source.linesRewritten) {
        pass.checked[file] = true;
        side.filter.dispose();
        const started = this.startSide(source, run.spec);
        if (!started.ok) throw failure(started);
        side = started.value;
        run.sides[file] = side;
      }
      const status = side.filter.status()!;
      if (status.error !== null) throw failure(status.error);
      if (!status.done) ready = false;
      else if (!pass.checked[file] && status.linesScanned < pass.to[file]!) {
        pass.checked[file] = true;
        side.filter.catchUp();
        ready = false;
      }
    }
    if (!ready) return false;
    // Kept lines [from, to) of each file, as indexes into its side filter's results.
    const index = (file: number, line: number): number => {
      const filter = run.sides[file]!.filter;
      const found = filter.rowOfLine(filter.status()!.filterId, line);
      if (!found.ok) throw failure(found);
      return found.value;
    };
    pass.next = pass.from.map((line, file) => index(file, line));
    pass.end = pass.to.map((line, file) => index(file, line));
    return true;
  }

  /** The pass is done: every row it covers is decided. Answers when to look again (null: on a change). */
  private finishPass(run: Run, pass: Pass = run.pass!): number | null {
    run.decided = pass.totalRows;
    run.fileLines = [...pass.to];
    run.revision = pass.revision;
    run.pass = null;
    // The merge may have moved on meanwhile.
    const built = this.host.builtMerge();
    return built !== null && (built.index !== run.merge || built.revision !== run.revision) ? 0 : null;
  }

  private disposeSides(run: Run): void {
    for (const [file, side] of run.sides.entries()) {
      side?.filter.dispose();
      run.sides[file] = null;
    }
  }

  private stopWork(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private stop(): void {
    this.stopWork();
    if (this.run !== null) this.disposeSides(this.run);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.stop();
    this.run = null;
  }
}

/** An error value thrown out of a slice of work, caught (as a value again) in `work`. */
function failure(problem: { readonly code: string; readonly message: string }): Error {
  return Object.assign(new Error(problem.message), { code: problem.code });
}
