// Times of one file session: which timestamp format its lines carry (detected from samples of the
// start, the middle and the end, or chosen by the user), each line's time for the views, Go to
// time, and the timeline (the addon's one parallel pass counting lines per time bucket).
import {
  createTimeline,
  parseLineTimes,
  type LineRule,
  type MappedFile,
  type Timeline,
} from '../../../../native/index';
import {
  TIMELINE_BUCKETS,
  type LineTime,
  type TextEncodingName,
  type TimelineSeries,
  type TimelineStatus,
  type TimeSeekResult,
  type TimeState,
} from '../../../shared/contract';
import type { FindQuery } from '../../../shared/contract';
import type { Disposable } from '../../../shared/disposable';
import { err, errFromThrown, ok, type Result } from '../../../shared/result';
import { formatTime, TIME_KINDS, timeKindLabels, type TimeFormat, type TimeKind } from '../../../shared/time';
import { byteCount, lineNumber, type LineNumber, type SessionId } from '../../../shared/units';
import { lineRuleOf } from '../find/matchingLines';
import { planSearch } from '../find/query';
import { seekTime, timeAround, type ReadTimes } from './seekTime';

const PROGRESS_INTERVAL_MS = 100;
/** Bytes read for each of the three samples. */
export const SAMPLE_BYTES = 64 * 1024;
/** Bytes of a line the parser looks at (a JSON line's time field may be far in). */
export const TIME_LINE_BYTES = 4096;
/** Where detection looks for a timestamp: this far into a line. */
const DETECT_MAX_COLUMN = 256;
/** The order formats are tried in, the most specific first. */
const DETECT_ORDER: readonly TimeKind[] = ['json', 'clf', 'epoch', 'syslog', 'slashed', 'iso'];
/** A format is taken when at least this share of the sampled lines (and 2 of them) carry its time. */
const DETECT_MIN_SHARE = 0.02;

export interface TimeHost {
  readonly session: SessionId;
  file(): MappedFile;
  encoding(): TextEncodingName;
  mtimeMs(): number;
  /** Bytes of the file as shown (pending edits laid over). */
  readRange(offset: number, length: number): Result<Uint8Array>;
  /** Lines [first, first + count) as shown, each capped at `maxBytes`: their bytes and count + 1 starts. */
  readLines(first: number, count: number, maxBytes: number): { bytes: Uint8Array; starts: Uint32Array };
  linesKnown(): number;
  following(): boolean;
  /** The search whose matches the timeline counts, if it is still the current one. */
  search(searchId: number): FindQuery | null;
  emitTimeline(status: TimelineStatus): void;
  emitTime(state: TimeState): void;
}

interface Sample {
  readonly bytes: Uint8Array;
  readonly starts: Uint32Array;
}

interface Detection {
  readonly detected: TimeFormat | null;
  readonly sampledLines: number;
}

interface TimelineRun {
  readonly id: number;
  readonly searchId: number;
  readonly series: readonly TimelineSeries[];
  readonly fromMs: number;
  readonly toMs: number;
  readonly timeline: Timeline | null;
  /** Whether the range was widened once already after a pass found times outside it. */
  readonly widened: boolean;
  error: { readonly code: string; readonly message: string } | null;
}

// The timeline's level series: lines holding an upper-case level word or a level field of that severity.
const ERROR_WORDS =
  'ERROR|FATAL|CRITICAL|CRIT|SEVERE|PANIC|EMERG|level=error|level=fatal|"level":"error"|"level":"fatal"';
const WARN_WORDS = 'WARN|level=warn|"level":"warn"';

export class TimeController implements Disposable {
  private choice: TimeKind | 'auto' | 'none' = 'auto';
  private detection: Detection | null = null;
  private format: TimeFormat | null = null;
  private state: TimeState | null = null;
  private version = 0;
  private run: TimelineRun | null = null;
  private nextTimelineId = 1;
  private pump: ReturnType<typeof setInterval> | undefined;
  private disposed = false;

  constructor(private readonly host: TimeHost) {}

  /** How times are read now (detecting on the first call). */
  timeState(): TimeState {
    if (this.state === null) this.settle();
    return this.state!;
  }

  /** The format in force (detecting on the first call), or null. */
  currentFormat(): TimeFormat | null {
    this.timeState();
    return this.format;
  }

  setChoice(choice: TimeKind | 'auto' | 'none'): Result<TimeState> {
    this.choice = choice;
    this.settle();
    this.restartTimeline();
    return ok(this.state!);
  }

  /** The file changed under the session (re-indexed, replaced, rewritten): detect again. */
  restart(): void {
    this.detection = null;
    if (this.state === null) return;
    this.settle();
    this.host.emitTime(this.state!);
    this.restartTimeline();
  }

  /** Lines grew (follow mode): the timeline goes on over the new bytes. */
  grown(file: MappedFile): void {
    // A syslog file read into a new year (or month): its lines' years are inferred again.
    const format = this.format;
    if (format?.kind === 'syslog') {
      const now = mtimeYear(new Date(this.host.mtimeMs()));
      if (now.year !== format.year || now.month !== format.month) {
        this.restart();
        return;
      }
    }
    // A merged view's passes over this file go on over the new bytes, or say they must count again.
    for (const side of this.side.values()) {
      try {
        if (side.stale || !side.timeline.progress().done || side.timeline.counts().above > 0) side.stale = true;
        else side.timeline.extend(file);
      } catch {
        side.stale = true;
      }
    }
    const run = this.run;
    if (run === null || run.timeline === null) return;
    try {
      if (!run.timeline.progress().done) throw new Error('not done');
      const counts = run.timeline.counts();
      // Times past the range's end pile into the last bucket: count again over a wider range.
      if (counts.above > 0) throw new Error('past the range');
      run.timeline.extend(file);
      this.startPump();
    } catch {
      this.restartTimeline();
    }
  }

  /** Each line's own time (NaN where it has none) for lines whose bytes and starts are given. */
  timesOf(bytes: Uint8Array, starts: Uint32Array): Float64Array {
    const format = this.currentFormat();
    const count = starts.length - 1;
    if (format === null || count <= 0) return new Float64Array(Math.max(0, count)).fill(Number.NaN);
    return localTimes(bytes, starts, format);
  }

  /** The own time of lines [first, first + count) (NaN where none, or no format), for a merge. */
  ownTimes(first: number, count: number): Float64Array {
    const format = this.currentFormat();
    if (format === null)
      return new Float64Array(Math.max(0, Math.min(count, this.host.linesKnown() - first))).fill(Number.NaN);
    return this.readTimes(format)(first, count);
  }

  private readTimes(format: TimeFormat): ReadTimes {
    return (first, count) => {
      const known = this.host.linesKnown();
      const length = Math.max(0, Math.min(count, known - first));
      if (length === 0) return new Float64Array(0);
      const { bytes, starts } = this.host.readLines(first, length, TIME_LINE_BYTES);
      return localTimes(bytes, starts, format);
    };
  }

  /** The first line whose own time is at or after `ms`. */
  seek(ms: number): Result<TimeSeekResult> {
    const format = this.currentFormat();
    if (format === null) return err('ENOTFOUND', this.state!.notice ?? 'No timestamps were recognised in this file.');
    try {
      const lines = this.host.linesKnown();
      const hit = seekTime(this.readTimes(format), lines, ms);
      if (hit === null) {
        const last = this.lastTime(format, lines);
        return err(
          'ERANGE',
          `No line is at or after ${formatTime(ms)}` +
            (last === null ? '.' : `: the last time in the file is ${formatTime(last)}.`),
        );
      }
      return ok({ line: lineNumber(hit.line), ms: hit.ms });
    } catch (error) {
      return errFromThrown(error);
    }
  }

  private lastTime(format: TimeFormat, lines: number): number | null {
    const around = timeAround(this.readTimes(format), lines - 1);
    return around.ms;
  }

  /** A line's time (own or inherited) and the time before it. */
  lineTime(line: LineNumber): Result<LineTime> {
    const format = this.currentFormat();
    if (format === null) return ok({ line, ms: null, own: false, previousMs: null });
    if (line >= this.host.linesKnown()) return err('ERANGE', `line ${line + 1} is not indexed yet`);
    try {
      return ok({ line, ...timeAround(this.readTimes(format), line) });
    } catch (error) {
      return errFromThrown(error);
    }
  }

  // ---- detection ----

  /** Settles the format in force from the user's choice and the detection, and the state answered. */
  private settle(): void {
    const before = this.format;
    const encoding = this.host.encoding();
    let notice: string | null = null;
    let samples: Sample[] = [];
    if (encoding === 'utf-16le' || encoding === 'utf-16be') {
      notice = 'Times are read from UTF-8 and Latin-1 text; this file is shown as UTF-16.';
      this.detection = { detected: null, sampledLines: 0 };
    } else {
      samples = this.samples();
      this.detection ??= this.detect(samples);
    }
    const { detected, sampledLines } = this.detection!;
    if (notice === null) {
      if (this.choice === 'none') this.format = null;
      else if (this.choice === 'auto') this.format = detected;
      else this.format = detected?.kind === this.choice ? detected : this.formatFor(this.choice, samples);
    } else {
      this.format = null;
    }
    let timedLines = 0;
    let firstMs: number | null = null;
    let lastMs: number | null = null;
    if (this.format !== null) {
      for (const sample of samples) {
        for (const ms of localTimes(sample.bytes, sample.starts, this.format)) {
          if (Number.isNaN(ms)) continue;
          timedLines++;
          firstMs = firstMs === null ? ms : Math.min(firstMs, ms);
          lastMs = lastMs === null ? ms : Math.max(lastMs, ms);
        }
      }
    }
    if (notice === null && this.choice === 'auto' && detected === null && sampledLines > 0) {
      notice = `No timestamps were recognised in this file (${TIME_KINDS.map((kind) => timeKindLabels[kind].name).join(', ')} were tried).`;
    } else if (notice === null && this.format !== null && this.choice !== 'auto' && timedLines === 0) {
      notice = `No sampled line has a ${timeKindLabels[this.format.kind].name} time.`;
    }
    if (!sameFormat(before, this.format) || this.state === null) this.version++;
    this.state = {
      session: this.host.session,
      choice: this.choice,
      format: this.format,
      detected,
      sampledLines,
      timedLines,
      firstMs,
      lastMs,
      notice,
      version: this.version,
    };
  }

  /** Whole lines from the start, the middle and the end of the file. */
  private samples(): Sample[] {
    const size = this.host.file().size();
    const at = size <= 3 * SAMPLE_BYTES ? [0] : [0, Math.floor(size / 2 - SAMPLE_BYTES / 2), size - SAMPLE_BYTES];
    const samples: Sample[] = [];
    for (const offset of at) {
      const read = this.host.readRange(offset, Math.min(size, size <= 3 * SAMPLE_BYTES ? size : SAMPLE_BYTES));
      if (!read.ok) continue;
      samples.push(splitLines(read.value, offset > 0, offset + read.value.length < size));
    }
    return samples;
  }

  private detect(samples: readonly Sample[]): Detection {
    const sampledLines = samples.reduce((sum, sample) => sum + sample.starts.length - 1, 0);
    let best: { kind: TimeKind; timed: number } | null = null;
    // On a tie the more specific format wins: a JSON line's time field over an ISO time inside it.
    for (const kind of DETECT_ORDER) {
      const timed = this.parsed(kind, samples, DETECT_MAX_COLUMN).timed;
      if (timed > (best?.timed ?? 0)) best = { kind, timed };
    }
    if (best === null || best.timed < Math.min(2, sampledLines) || best.timed < sampledLines * DETECT_MIN_SHARE) {
      return { detected: null, sampledLines };
    }
    return { detected: this.formatFor(best.kind, samples), sampledLines };
  }

  /** The format of `kind` fitted to the samples: the columns its times start at, the local zone at their dates. */
  private formatFor(kind: TimeKind, samples: readonly Sample[]): TimeFormat {
    const { maxColumn, firstMs } = this.parsed(kind, samples, DETECT_MAX_COLUMN);
    const mtime = new Date(this.host.mtimeMs());
    // A time written without a zone is the machine's local time at that date.
    const zoneMinutes = -new Date(firstMs ?? mtime.getTime()).getTimezoneOffset();
    return {
      kind,
      zoneMinutes,
      ...mtimeYear(mtime),
      maxColumn: Math.min(1024, maxColumn < 0 ? DETECT_MAX_COLUMN : maxColumn + 16),
    };
  }

  private parsed(
    kind: TimeKind,
    samples: readonly Sample[],
    maxColumn: number,
  ): { timed: number; maxColumn: number; firstMs: number | null } {
    const mtime = new Date(this.host.mtimeMs());
    const format: TimeFormat = { kind, zoneMinutes: 0, ...mtimeYear(mtime), maxColumn };
    let timed = 0;
    let widest = -1;
    let firstMs: number | null = null;
    for (const sample of samples) {
      const { times, columns } = parseLineTimes(sample.bytes, sample.starts, format);
      times.forEach((ms, i) => {
        if (Number.isNaN(ms)) return;
        timed++;
        widest = Math.max(widest, columns[i]!);
        firstMs ??= ms;
      });
    }
    return { timed, maxColumn: widest, firstMs };
  }

  // ---- timeline ----

  private readonly side = new Map<
    number,
    { timeline: Timeline; fromMs: number; toMs: number; series: TimelineSeries[]; stale: boolean }
  >();
  private nextSideId = 1;

  /**
   * A timeline over a given range, apart from this file's own (a merged view adds several up),
   * counting the lines with a match of `query` too: its id.
   */
  startTimelineOver(fromMs: number, toMs: number, query: FindQuery | null = null): Result<number> {
    const format = this.currentFormat();
    if (format === null) return err('ENOTFOUND', this.state!.notice ?? 'No timestamps were recognised in this file.');
    const series: TimelineSeries[] = [];
    const rules: LineRule[] = [];
    for (const [name, words] of [
      ['error', ERROR_WORDS],
      ['warn', WARN_WORDS],
    ] as const) {
      const rule = this.ruleOf({ mode: 'regex', pattern: words, matchCase: true, wholeWord: false });
      if (rule !== null) {
        rules.push(rule);
        series.push(name);
      }
    }
    const matching = query === null || query.mode === 'hex' ? null : this.ruleOf(query);
    if (matching !== null && series.length === 2) {
      rules.push(matching);
      series.push('match');
    }
    try {
      const timeline = createTimeline(this.host.file(), format, fromMs, toMs, TIMELINE_BUCKETS, rules);
      const id = this.nextSideId++;
      this.side.set(id, { timeline, fromMs, toMs, series, stale: false });
      return ok(id);
    } catch (error) {
      return errFromThrown(error);
    }
  }

  sideTimelineStatus(id: number): TimelineStatus | null {
    const side = this.side.get(id);
    if (side === undefined) return null;
    try {
      const progress = side.timeline.progress();
      return {
        session: this.host.session,
        timelineId: id,
        searchId: -1,
        fromMs: side.fromMs,
        toMs: side.toMs,
        buckets: TIMELINE_BUCKETS,
        series: side.series,
        counts: side.timeline.counts().counts,
        linesCounted: progress.linesScanned,
        bytesScanned: byteCount(progress.bytesScanned),
        totalBytes: byteCount(progress.totalBytes),
        done: progress.done || progress.cancelled || progress.error !== null,
        error: progress.error,
      };
    } catch {
      // Disposed, or its file closed: nothing to count.
      return null;
    }
  }

  /** Whether a side timeline could not take the file's new lines (they need a wider range, or it had not finished). */
  sideTimelineStale(id: number): boolean {
    return this.side.get(id)?.stale ?? false;
  }

  stopSideTimeline(id: number): void {
    this.side.get(id)?.timeline.dispose();
    this.side.delete(id);
  }

  /** Starts the timeline (again), counting the matches of `searchId` (-1: none). */
  startTimeline(searchId: number): Result<TimelineStatus> {
    const state = this.timeState();
    const format = this.format;
    if (format === null || state.firstMs === null || state.lastMs === null) {
      return err('ENOTFOUND', state.notice ?? 'No timestamps were recognised in this file.');
    }
    return this.begin(searchId, state.firstMs, state.lastMs, false);
  }

  private begin(searchId: number, firstMs: number, lastMs: number, widened: boolean): Result<TimelineStatus> {
    const format = this.format!;
    const series: TimelineSeries[] = ['error', 'warn'];
    const rules: LineRule[] = [];
    for (const words of [ERROR_WORDS, WARN_WORDS]) {
      const rule = this.ruleOf({ mode: 'regex', pattern: words, matchCase: true, wholeWord: false });
      if (rule !== null) rules.push(rule);
    }
    if (rules.length < 2) series.length = 0;
    const query = searchId >= 0 ? this.host.search(searchId) : null;
    if (query !== null && query.mode !== 'hex') {
      const rule = this.ruleOf(query);
      if (rule !== null) {
        rules.length = series.length;
        rules.push(rule);
        series.push('match');
      }
    }
    const span = Math.max(1000, lastMs - firstMs);
    // A followed file goes on past its last time: room for it, so the timeline only extends.
    const fromMs = firstMs;
    const toMs = lastMs + 1 + (this.host.following() ? Math.ceil(span / 4) : 0);
    let timeline: Timeline;
    try {
      timeline = createTimeline(
        this.host.file(),
        format,
        fromMs,
        toMs,
        TIMELINE_BUCKETS,
        rules.slice(0, series.length),
      );
    } catch (error) {
      return errFromThrown(error);
    }
    this.stopTimeline();
    this.run = { id: this.nextTimelineId++, searchId, series, fromMs, toMs, timeline, widened, error: null };
    this.startPump();
    return ok(this.timelineStatus()!);
  }

  private ruleOf(query: FindQuery): LineRule | null {
    const encoding = this.host.encoding();
    const plan = planSearch(query, encoding);
    return plan.ok ? lineRuleOf(plan.value, encoding) : null;
  }

  private restartTimeline(): void {
    const run = this.run;
    if (run === null) return;
    this.stopTimeline();
    const started = this.startTimeline(run.searchId);
    if (!started.ok) {
      this.run = {
        ...run,
        id: this.nextTimelineId++,
        timeline: null,
        error: { code: started.code, message: started.message },
      };
      this.host.emitTimeline(this.timelineStatus()!);
    }
  }

  timelineStatus(): TimelineStatus | null {
    const run = this.run;
    if (run === null) return null;
    const base = {
      session: this.host.session,
      timelineId: run.id,
      searchId: run.searchId,
      fromMs: run.fromMs,
      toMs: run.toMs,
      buckets: TIMELINE_BUCKETS,
      series: run.series,
    };
    const empty = {
      counts: new Float64Array(TIMELINE_BUCKETS * (1 + run.series.length)),
      linesCounted: 0,
      bytesScanned: byteCount(0),
      totalBytes: byteCount(0),
      done: true,
    };
    if (run.timeline === null) return { ...base, ...empty, error: run.error };
    try {
      const progress = run.timeline.progress();
      const counts = run.timeline.counts();
      return {
        ...base,
        counts: counts.counts,
        linesCounted: progress.linesScanned,
        bytesScanned: byteCount(progress.bytesScanned),
        totalBytes: byteCount(progress.totalBytes),
        done: progress.done || progress.cancelled || progress.error !== null,
        error: progress.error,
      };
    } catch (error) {
      const failed = errFromThrown(error);
      return { ...base, ...empty, error: { code: failed.code, message: failed.message } };
    }
  }

  /** Once a pass is done: if lines fell outside its range, count again over the range seen (room kept when following). */
  private widenIfNeeded(run: TimelineRun): boolean {
    if (run.timeline === null) return false;
    const counts = run.timeline.counts();
    const outside = counts.below + counts.above;
    if (outside === 0 || Number.isNaN(counts.minMs) || Number.isNaN(counts.maxMs)) return false;
    // A few outliers in a big file are not worth another pass; lines past a followed file's end are.
    if (!this.host.following() && outside < run.timeline.progress().linesScanned * 0.001) return false;
    const fromMs = Math.min(run.fromMs, counts.minMs);
    const lastMs = Math.max(run.toMs - 1, counts.maxMs);
    if (fromMs === run.fromMs && lastMs === run.toMs - 1) return false;
    return this.begin(run.searchId, fromMs, lastMs, true).ok;
  }

  private startPump(): void {
    if (this.pump !== undefined || this.disposed) return;
    this.pump = setInterval(() => {
      const run = this.run;
      const status = this.timelineStatus();
      if (run === null || status === null) return this.stopPump();
      if (status.done && status.error === null && this.widenIfNeeded(run)) return;
      this.host.emitTimeline(status);
      if (status.done) this.stopPump();
    }, PROGRESS_INTERVAL_MS);
    this.pump.unref?.();
  }

  private stopPump(): void {
    if (this.pump !== undefined) clearInterval(this.pump);
    this.pump = undefined;
  }

  private stopTimeline(): void {
    this.stopPump();
    this.run?.timeline?.dispose();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const id of [...this.side.keys()]) this.stopSideTimeline(id);
    this.stopTimeline();
    this.run = null;
  }
}

/** The syslog year and month from a file's mtime, within the years the parser reads (1970-2200). */
function mtimeYear(mtime: Date): { year: number; month: number } {
  const year = mtime.getFullYear();
  if (Number.isNaN(year)) return { year: 1970, month: 1 };
  if (year < 1970) return { year: 1970, month: 1 };
  if (year > 2200) return { year: 2200, month: 12 };
  return { year, month: mtime.getMonth() + 1 };
}

/** The local zone's offset (minutes east of UTC) for a wall-clock time, cached by hour. */
const localOffsets = new Map<number, number>();
let offsetsZone: string | undefined;
function localOffsetAt(wallMs: number): number {
  // Node follows a change of TZ: so does the cache.
  if (process.env['TZ'] !== offsetsZone) {
    offsetsZone = process.env['TZ'];
    localOffsets.clear();
  }
  const hour = Math.floor(wallMs / 3_600_000);
  let offset = localOffsets.get(hour);
  if (offset === undefined) {
    const wall = new Date(wallMs);
    const local = new Date(0);
    local.setFullYear(wall.getUTCFullYear(), wall.getUTCMonth(), wall.getUTCDate());
    local.setHours(wall.getUTCHours(), wall.getUTCMinutes(), 0, 0);
    offset = Math.round((wallMs - wall.getUTCSeconds() * 1000 - wall.getUTCMilliseconds() - local.getTime()) / 60_000);
    if (localOffsets.size > 100_000) localOffsets.clear();
    localOffsets.set(hour, offset);
  }
  return offset;
}

/**
 * Each line's own time, NaN for none. A time written without a zone is the local wall clock of its
 * own date (so a log spanning a daylight-saving change reads right on both sides): the parser reads
 * every line as if at UTC+0 and at UTC+1, and the lines whose times differ carried no zone.
 */
export function localTimes(bytes: Uint8Array, starts: Uint32Array, format: TimeFormat): Float64Array {
  const atZero = parseLineTimes(bytes, starts, { ...format, zoneMinutes: 0 }).times;
  const atOne = parseLineTimes(bytes, starts, { ...format, zoneMinutes: 60 }).times;
  for (let i = 0; i < atZero.length; i++) {
    const wall = atZero[i]!;
    if (Number.isNaN(wall) || wall === atOne[i]) continue;
    atZero[i] = wall - localOffsetAt(wall) * 60_000;
  }
  return atZero;
}

function sameFormat(a: TimeFormat | null, b: TimeFormat | null): boolean {
  if (a === null || b === null) return a === b;
  return (
    a.kind === b.kind &&
    a.zoneMinutes === b.zoneMinutes &&
    a.year === b.year &&
    a.month === b.month &&
    a.maxColumn === b.maxColumn
  );
}

/**
 * The whole lines of a window of bytes: the part before the first LF is dropped when the window
 * starts mid-file, and the part after the last LF when it ends before the file does.
 */
export function splitLines(bytes: Uint8Array, dropFirst: boolean, dropLast: boolean): Sample {
  const starts: number[] = [];
  let at = 0;
  if (dropFirst) {
    const first = bytes.indexOf(0x0a);
    at = first < 0 ? bytes.length : first + 1;
  }
  let end = bytes.length;
  if (dropLast) {
    const last = bytes.lastIndexOf(0x0a);
    end = last < at ? at : last + 1;
  }
  // Each line's range excludes its LF: starts[i + 1] is where the next line starts, less the LF.
  const ranges: [number, number][] = [];
  while (at < end) {
    const lf = bytes.indexOf(0x0a, at);
    const stop = lf < 0 || lf >= end ? end : lf;
    ranges.push([at, stop]);
    at = stop + 1;
  }
  // Concatenated without the LFs, so that line i is bytes[starts[i], starts[i + 1]).
  const total = ranges.reduce((sum, [from, to]) => sum + (to - from), 0);
  const out = new Uint8Array(total);
  let put = 0;
  for (const [from, to] of ranges) {
    starts.push(put);
    out.set(bytes.subarray(from, to), put);
    put += to - from;
  }
  starts.push(put);
  return { bytes: out, starts: Uint32Array.from(starts) };
}
