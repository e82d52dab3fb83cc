// The filtered view of one file session: which lines show (the addon's LineFilter, one parallel
// pass over the mapping), how rows map to line numbers (directly, or through context runs), and
// progress events. Without an enabled rule every line shows and rows are lines.
import {
  createLineFilter,
  jsRegexToPcre2,
  type LineFilter,
  type LineRule,
  type MappedFile,
} from '../../../../native/index';
import type { FilterRule, FilterSpec, FilterStatus, TextEncodingName } from '../../../shared/contract';
import type { Disposable } from '../../../shared/disposable';
import { err, errFromThrown, ok, type Result } from '../../../shared/result';
import { byteCount, type SessionId } from '../../../shared/units';
import { planSearch } from '../find/query';
import { lineRuleOf } from '../find/matchingLines';
import { pcre2Enabled } from '../find/nativeRegexSearch';
import { ContextRuns } from './contextRuns';

const PROGRESS_INTERVAL_MS = 100;
/** Kept lines copied from the addon into the context runs per call. */
const RESULTS_PAGE = 1 << 16;

export interface FilterHost {
  readonly session: SessionId;
  file(): MappedFile;
  encoding(): TextEncodingName;
  /** Lines the session's line index knows (rows are shown only for indexed lines). */
  linesIndexed(): number;
  /** Whether the line index has finished. */
  indexDone(): boolean;
  hasPendingEdits(): boolean;
  /** The lines [first, end) whose times fall in [fromMs, toMs) (Go to time's lines for both ends), or why not. */
  timeLines(fromMs: number, toMs: number): Result<LineWindow>;
  emit(status: FilterStatus): void;
}

/** Lines [first, end): a time range of the filter, as lines. */
export interface LineWindow {
  readonly first: number;
  readonly end: number;
}

interface Run {
  readonly id: number;
  readonly spec: FilterSpec;
  /** null: no enabled rule, every line shows. */
  readonly filter: LineFilter | null;
  /** Context runs (context > 0), fed from the filter's kept lines. */
  readonly runs: ContextRuns | null;
  keptRead: number;
  /** The spec's time range as lines: rows are the filter's rows within it. */
  window: LineWindow | null;
  /** Lines indexed when the window was found: found again as indexing goes on. */
  windowLines: number;
  error: { readonly code: string; readonly message: string } | null;
}

export const noFilter: FilterSpec = { rules: [], context: 0 };

/** The addon's rules for a spec's enabled rules, or why one cannot run. */
export function lineRulesOf(spec: FilterSpec, encoding: TextEncodingName): Result<LineRule[]> {
  if (encoding === 'utf-16le' || encoding === 'utf-16be') {
    if (spec.rules.some((rule) => rule.enabled)) {
      return err('EUNSUPPORTED', 'The filtered view reads UTF-8 and Latin-1 text; this file is shown as UTF-16.');
    }
    return ok([]);
  }
  const rules: LineRule[] = [];
  for (const [index, rule] of spec.rules.entries()) {
    if (!rule.enabled) continue;
    const plan = planSearch(
      { mode: rule.regex ? 'regex' : 'text', pattern: rule.pattern, matchCase: rule.matchCase, wholeWord: false },
      encoding,
    );
    if (!plan.ok) return err(plan.code, `Rule ${index + 1} (${rule.pattern}): ${plan.message}`);
    const lineRule = unicodeCaselessRule(rule, encoding) ?? lineRuleOf(plan.value, encoding, rule.exclude);
    if (lineRule === null) {
      return err(
        'EUNSUPPORTED',
        pcre2Enabled()
          ? `Rule ${index + 1} (${rule.pattern}) uses a regex feature the filter's engine (PCRE2) reads differently from JavaScript, such as a back-reference ignoring case; the find bar can search for it.`
          : `Rule ${index + 1} (${rule.pattern}) is a regex, and this build has no PCRE2 for the filter; the find bar can search for it.`,
      );
    }
    rules.push(lineRule);
  }
  return ok(rules);
}

/**
 * A UTF-8 rule that ignores case and holds non-ASCII letters (`état` for `ÉTAT`): PCRE2 in UTF mode,
 * which folds case with Unicode's tables, as `grep -i` does (the byte search folds ASCII only).
 * Null for any other rule, or where PCRE2 cannot read the pattern.
 */
function unicodeCaselessRule(rule: FilterRule, encoding: TextEncodingName): LineRule | null {
  // eslint-disable-next-line no-control-regex
  if (rule.matchCase || encoding !== 'utf-8' || !pcre2Enabled() || !/[^\u0000-\u007f]/.test(rule.pattern)) return null;
  // \Q…\E quotes a literal in PCRE2 (an \E inside it is closed and written out).
  const source = rule.regex
    ? jsRegexToPcre2(rule.pattern, true, false)
    : { source: `\\Q${rule.pattern.replaceAll('\\E', '\\E\\\\E\\Q')}\\E`, lineMode: false };
  if (source === null) return null;
  return {
    kind: 'regex',
    exclude: rule.exclude,
    pattern: { bytes: new TextEncoder().encode(source.source), utf: true, caseless: true, lineMode: source.lineMode },
  };
}

export class FilterController implements Disposable {
  private run: Run | null = null;
  private nextId = 1;
  private pump: ReturnType<typeof setInterval> | undefined;
  private disposed = false;

  constructor(private readonly host: FilterHost) {}

  /** Starts filtering by `spec`, replacing the previous filter. */
  set(spec: FilterSpec): Result<FilterStatus> {
    const rules = lineRulesOf(spec, this.host.encoding());
    if (!rules.ok) return rules;
    let window: LineWindow | null = null;
    if (spec.time !== undefined) {
      if (spec.time.toMs <= spec.time.fromMs) return err('EINVAL', 'The time range ends before it starts.');
      const lines = this.host.timeLines(spec.time.fromMs, spec.time.toMs);
      if (!lines.ok) return lines;
      window = lines.value;
    }
    let filter: LineFilter | null = null;
    try {
      // Rows are read by line number through the line index: 4 bytes a shown line, no offsets.
      if (rules.value.length > 0) filter = createLineFilter(this.host.file(), rules.value, { linesOnly: true });
    } catch (error) {
      return errFromThrown(error);
    }
    this.stop();
    this.run = {
      id: this.nextId++,
      spec,
      filter,
      runs: filter !== null && spec.context > 0 ? new ContextRuns(spec.context) : null,
      keptRead: 0,
      window,
      windowLines: this.host.linesIndexed(),
      error: null,
    };
    this.startPump();
    return ok(this.status()!);
  }

  /** The lines moved (a new index, another file at the path): the same spec, filtered again. */
  restart(): void {
    const run = this.run;
    if (run === null) return;
    const restarted = this.set(run.spec);
    if (!restarted.ok) {
      this.stop();
      this.run = {
        ...run,
        id: this.nextId++,
        filter: null,
        runs: null,
        window: null,
        windowLines: 0,
        error: restarted,
      };
      this.host.emit(this.status()!);
    }
  }

  /** The file grew: go on over the new bytes once the filter is done (from the start otherwise). */
  grown(file: MappedFile): void {
    const run = this.run;
    if (run === null) return;
    if (run.filter === null) {
      this.startPump();
      return;
    }
    try {
      if (!run.filter.progress().done) throw new Error('not done');
      run.filter.extend(file);
      this.startPump();
    } catch {
      this.restart();
    }
  }

  /**
   * The file may have grown since this filter last read it (a side filter is not told, as the
   * session's own filter is): go on over the file as it is now, as `grown` does.
   */
  catchUp(): void {
    this.grown(this.host.file());
  }

  status(): FilterStatus | null {
    const run = this.run;
    if (run === null) return null;
    const base = this.baseStatus(run);
    if (run.window === null) return base;
    const [start, stop] = this.windowRows(run, base);
    return { ...base, active: true, rowsKnown: Math.max(0, Math.min(base.rowsKnown, stop) - start) };
  }

  /** The rows of the filter's own rules, before a time range narrows them. */
  private baseStatus(run: Run): FilterStatus {
    const indexed = this.host.linesIndexed();
    const base = {
      session: this.host.session,
      filterId: run.id,
      spec: run.spec,
      active: run.filter !== null,
      notice: this.host.hasPendingEdits()
        ? 'The filter reads the file as it is on disk: pending edits do not change which lines show.'
        : null,
    };
    if (run.filter === null) {
      const size = this.host.file().size();
      const done = this.host.indexDone();
      return {
        ...base,
        rowsKnown: indexed,
        linesScanned: indexed,
        bytesScanned: byteCount(done ? size : 0),
        totalBytes: byteCount(size),
        done: done || run.error !== null,
        error: run.error,
        memoryBytes: 0,
      };
    }
    let progress;
    try {
      progress = run.filter.progress();
    } catch (error) {
      const failed = errFromThrown(error);
      return {
        ...base,
        rowsKnown: 0,
        linesScanned: 0,
        bytesScanned: byteCount(0),
        totalBytes: byteCount(0),
        done: true,
        error: { code: failed.code, message: failed.message },
        memoryBytes: 0,
      };
    }
    // Progress first, then the kept lines: a filter that ends between the two reads would
    // otherwise say done with the rows drained before its last lines were kept.
    this.drain(run);
    const limit = Math.min(progress.linesScanned, indexed);
    const rowsKnown = this.rowsBelow(run, limit, progress.keptKnown);
    const error = run.error ?? progress.error;
    return {
      ...base,
      rowsKnown,
      linesScanned: progress.linesScanned,
      bytesScanned: byteCount(progress.bytesScanned),
      totalBytes: byteCount(progress.totalBytes),
      // Rows show only for indexed lines: done once both the filter and the index are.
      done: error !== null || (progress.done && (this.host.indexDone() || indexed >= progress.linesScanned)),
      error,
      memoryBytes: progress.resultBytes + (run.runs?.memoryBytes() ?? 0),
    };
  }

  /** Rows among lines [0, limit). */
  private rowsBelow(run: Run, limit: number, keptKnown: number): number {
    if (run.runs !== null) return run.runs.rows(limit);
    // The first kept line at or after `limit` is the count of kept lines below it.
    return Math.min(keptKnown, run.filter!.indexOfLine(limit));
  }

  /** Copies newly kept lines into the context runs. */
  private drain(run: Run): void {
    if (run.runs === null || run.filter === null) return;
    try {
      const known = run.filter.progress().keptKnown;
      while (run.keptRead < known) {
        const count = Math.min(RESULTS_PAGE, known - run.keptRead);
        const { lines } = run.filter.results(run.keptRead, count);
        for (const line of lines) run.runs.add(line);
        run.keptRead += count;
      }
    } catch (error) {
      const failed = errFromThrown(error);
      run.error = { code: failed.code, message: failed.message };
    }
  }

  private current(filterId: number): Result<Run> {
    const run = this.run;
    if (run === null || run.id !== filterId) {
      return err('ENOTFOUND', `filter ${filterId} is no longer current (a newer filter replaced it)`);
    }
    return ok(run);
  }

  /** The first row of the filter's own rules at or after `line` (their rowsKnown when none is known). */
  private baseRowOfLine(run: Run, base: FilterStatus, line: number): number {
    if (run.filter === null) return Math.min(line, base.rowsKnown);
    if (run.runs !== null) return run.runs.rowOfLine(line, Math.min(base.linesScanned, this.host.linesIndexed()));
    return Math.min(run.filter.indexOfLine(line), base.rowsKnown);
  }

  /** The rows [start, stop) of the filter's own rules that the time range keeps. */
  private windowRows(run: Run, base: FilterStatus): [number, number] {
    if (run.window === null) return [0, Number.POSITIVE_INFINITY];
    // Found while the file was being indexed: its end (and a start past the lines then known) moves on.
    const indexed = this.host.linesIndexed();
    if (run.spec.time !== undefined && indexed > run.windowLines) {
      const lines = this.host.timeLines(run.spec.time.fromMs, run.spec.time.toMs);
      if (lines.ok) run.window = lines.value;
      run.windowLines = indexed;
    }
    return [this.baseRowOfLine(run, base, run.window.first), this.baseRowOfLine(run, base, run.window.end)];
  }

  /** The 0-based line numbers of rows [firstRow, firstRow + count), fewer past the rows known. */
  lines(filterId: number, firstRow: number, count: number): Result<Float64Array> {
    const found = this.current(filterId);
    if (!found.ok) return found;
    const run = found.value;
    try {
      const base = this.baseStatus(run);
      const [start, stop] = this.windowRows(run, base);
      const rowsKnown = Math.max(0, Math.min(base.rowsKnown, stop) - start);
      const length = Math.max(0, Math.min(rowsKnown, firstRow + count) - firstRow);
      const from = firstRow + start;
      if (run.filter === null) return ok(Float64Array.from({ length }, (_, i) => from + i));
      if (run.runs !== null) {
        const limit = Math.min(base.linesScanned, this.host.linesIndexed());
        const lines = new Float64Array(length);
        for (let i = 0; i < length; i++) lines[i] = run.runs.lineOfRow(from + i, limit);
        return ok(lines);
      }
      return ok(length === 0 ? new Float64Array(0) : run.filter.results(from, length).lines);
    } catch (error) {
      return errFromThrown(error);
    }
  }

  /** With context lines, 1 for each of `lines` (ascending) that a rule keeps, 0 for context; else null. */
  keptFlags(filterId: number, lines: Float64Array): Result<Uint8Array | null> {
    const found = this.current(filterId);
    if (!found.ok) return found;
    const { filter, runs } = found.value;
    if (filter === null || runs === null) return ok(null);
    const flags = new Uint8Array(lines.length);
    if (lines.length === 0) return ok(flags);
    try {
      // The kept lines between the first and the last row's line: three calls a block of rows.
      const first = filter.indexOfLine(lines[0]!);
      const end = filter.indexOfLine(lines[lines.length - 1]! + 1);
      const kept = new Set(end > first ? filter.results(first, end - first).lines : []);
      lines.forEach((line, at) => {
        flags[at] = kept.has(line) ? 1 : 0;
      });
      return ok(flags);
    } catch (error) {
      return errFromThrown(error);
    }
  }

  /** The row showing each line, or -1 where the filter hides it (or has not reached it): one native call. */
  rowsOfLines(filterId: number, lines: readonly number[]): Result<Float64Array> {
    const found = this.current(filterId);
    if (!found.ok) return found;
    const run = found.value;
    try {
      const base = this.baseStatus(run);
      const rows = this.baseRowsOfLines(run, base, lines);
      if (run.window === null) return ok(rows);
      const [start, stop] = this.windowRows(run, base);
      const { first, end } = run.window;
      lines.forEach((line, at) => {
        const row = rows[at]!;
        rows[at] = row < 0 || line < first || line >= end || row >= stop ? -1 : row - start;
      });
      return ok(rows);
    } catch (error) {
      return errFromThrown(error);
    }
  }

  private baseRowsOfLines(run: Run, base: FilterStatus, lines: readonly number[]): Float64Array {
    const rows = new Float64Array(lines.length).fill(-1);
    if (run.filter === null) {
      lines.forEach((line, at) => {
        if (line < base.rowsKnown) rows[at] = line;
      });
      return rows;
    }
    if (run.runs !== null) {
      const limit = Math.min(base.linesScanned, this.host.linesIndexed());
      lines.forEach((line, at) => {
        const row = run.runs!.rowOfLine(line, limit);
        if (row < base.rowsKnown && run.runs!.lineOfRow(row, limit) === line) rows[at] = row;
      });
      return rows;
    }
    // A line is kept when the kept lines before it and before the next one differ.
    const probes = new Float64Array(lines.length * 2);
    lines.forEach((line, at) => {
      probes[2 * at] = line;
      probes[2 * at + 1] = line + 1;
    });
    const indexes = run.filter.indexesOfLines(probes);
    lines.forEach((_line, at) => {
      const row = indexes[2 * at]!;
      if (indexes[2 * at + 1]! > row && row < base.rowsKnown) rows[at] = row;
    });
    return rows;
  }

  /** The row of the first shown line at or after `line` (rowsKnown when none is known). */
  rowOfLine(filterId: number, line: number): Result<number> {
    const found = this.current(filterId);
    if (!found.ok) return found;
    const run = found.value;
    try {
      const base = this.baseStatus(run);
      if (run.window === null) return ok(this.baseRowOfLine(run, base, line));
      const [start, stop] = this.windowRows(run, base);
      const row = Math.min(this.baseRowOfLine(run, base, Math.max(line, run.window.first)), stop, base.rowsKnown);
      return ok(Math.max(0, row - start));
    } catch (error) {
      return errFromThrown(error);
    }
  }

  private startPump(): void {
    if (this.pump !== undefined || this.disposed) return;
    this.pump = setInterval(() => {
      const status = this.status();
      if (status === null) return this.stopPump();
      this.host.emit(status);
      if (status.done) this.stopPump();
    }, PROGRESS_INTERVAL_MS);
    this.pump.unref?.();
  }

  private stopPump(): void {
    if (this.pump !== undefined) clearInterval(this.pump);
    this.pump = undefined;
  }

  private stop(): void {
    this.stopPump();
    this.run?.filter?.dispose();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.stop();
    this.run = null;
  }
}
