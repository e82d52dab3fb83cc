// The merged view of several logs by time: which line of which file is row r. Each file is a
// sequence of blocks (a line with a time and the lines after it that have none: stack traces,
// continuations), and the merge takes blocks in time order, a file's own blocks always in file
// order, equal times by file order (stable), so a continuation line always follows its parent.
//
// The merge is built lazily, a bounded number of rows at a time, by a k-way merge over the files'
// line indexes. It keeps the file of every row (4 bits: half a byte a row, no line copied), and
// every CHECKPOINT_ROWS rows the merge state (one line number a file, and the file in the middle of
// a block); row r's line is then its checkpoint's line of its file plus the rows of that file
// since, counted without reading any time again.
//
// Rows also have offsets in the merged text, the files' lines in merged order, each with its own
// line end: find speaks of places in it, as a file's search speaks of bytes of the file. Where a
// row starts is the sum over the files of where their next line starts (the bytes of all the lines
// before it), so a match at byte m of a file sits at m plus the other files' next line starts.

/** One file of a merge, read through its session: its lines, their own times, where they start. */
export interface MergeSource {
  /** Lines of the file (all of them: the merge starts once every file is indexed). */
  readonly lines: number;
  /** The own time (epoch ms) of lines [first, first + count), NaN where a line has none. */
  readTimes(first: number, count: number): Float64Array;
  /** Where each of `lines` starts in the file; the line after the last starts at the end of its bytes. */
  starts(lines: Float64Array): Float64Array;
}

/** Rows between two kept merge states. */
export const CHECKPOINT_ROWS = 4096;
/** Times read from a file per call while merging. */
const TIME_BATCH = 4096;
/** Files a merge can take: a row's file is 4 bits. */
export const MAX_MERGE_FILES = 16;

/** A file's times read ahead in batches, for one walk of the merge. */
class TimeCursor {
  private first = 0;
  private times: Float64Array = new Float64Array(0);

  constructor(
    private readonly source: MergeSource,
    private readonly lines: () => number,
  ) {}

  /** The own time of `line` (NaN for none), reading the batch holding it if needed. */
  at(line: number): number {
    if (line < this.first || line >= this.first + this.times.length) {
      this.first = line;
      this.times = this.source.readTimes(line, Math.max(0, Math.min(TIME_BATCH, this.lines() - line)));
    }
    return this.times[line - this.first] ?? Number.NaN;
  }
}

/** Where a merge walk stands: the next line of each file, and the file whose block is being emitted (-1: none). */
interface MergeState {
  readonly next: Uint32Array;
  active: number;
}

/** Rows [first, first + count) of a merge: each row's file and 0-based line (and offset, when asked). */
export interface MergedRows {
  readonly files: Uint8Array;
  readonly lines: Float64Array;
  readonly offsets: Float64Array;
}

/**
 * The time a file's next block sorts by: its first line's own time. Lines before a file's first
 * time take that first time (they belong to nothing above them); a file without any time sorts
 * after every timed block.
 */
export class MergeIndex {
  /** Checkpoint j: files × next line, then the active file (+1, 0: none), every CHECKPOINT_ROWS rows. */
  private checkpoints: Uint32Array;
  private checkpointCount = 0;
  /** The time of the row at each checkpoint (its block's time), for going to a time. */
  private checkpointTimes: Float64Array;
  /** The offset in the merged text of the row at each checkpoint. */
  private checkpointOffsets: Float64Array;
  /** The file of every row merged, 4 bits a row (two rows a byte, the even row low). */
  private rowFiles: Uint8Array;
  private readonly state: MergeState;
  private readonly cursors: TimeCursor[];
  private readonly firstTimes: Float64Array;
  /** Lines of each file the merge takes (more once extended). */
  private readonly lineCounts: number[];
  /** Where each file's last merged line ended when merged: a line that grew since is not the same line. */
  private readonly ends: Float64Array;
  /** The latest time a block sorted by, and the last file with a block at it: what appended lines must follow. */
  private maxHead = Number.NEGATIVE_INFINITY;
  private lastFileAtMax = -1;
  private merged = 0;

  constructor(private readonly sources: readonly MergeSource[]) {
    if (sources.length === 0 || sources.length > MAX_MERGE_FILES) {
      throw new RangeError(`a merge takes 1 to ${MAX_MERGE_FILES} files`);
    }
    this.lineCounts = sources.map((source) => source.lines);
    this.state = { next: new Uint32Array(sources.length), active: -1 };
    this.cursors = this.newCursors();
    this.firstTimes = Float64Array.from(sources, (_, i) => firstTime(this.lineCounts[i]!, this.cursors[i]!));
    this.ends = new Float64Array(sources.length);
    this.rowFiles = new Uint8Array(Math.ceil(this.totalRows / 2));
    const stride = sources.length + 1;
    this.checkpoints = new Uint32Array(stride * 64);
    this.checkpointTimes = new Float64Array(64);
    this.checkpointOffsets = new Float64Array(64);
  }

  private newCursors(): TimeCursor[] {
    return this.sources.map((source, file) => new TimeCursor(source, () => this.lineCounts[file]!));
  }

  /** Rows of the merge when done: every line of every file. */
  get totalRows(): number {
    return this.lineCounts.reduce((sum, lines) => sum + lines, 0);
  }

  /** Lines of `file` the merge takes (all of them once done; more once extended). */
  linesOf(file: number): number {
    return this.lineCounts[file] ?? 0;
  }

  /** Rows merged so far: rows below it can be read. */
  get rowsKnown(): number {
    return this.merged;
  }

  get done(): boolean {
    return this.merged >= this.totalRows;
  }

  /** The latest time a block merged so far sorts by (-Infinity before any). */
  get latestTime(): number {
    return this.maxHead;
  }

  /** Bytes the merge state holds: half a byte a row, and the checkpoints. */
  get memoryBytes(): number {
    return this.rowFiles.byteLength + this.checkpointCount * ((this.sources.length + 1) * 4 + 16);
  }

  /** Bytes of the merged text of the rows merged so far. */
  textLength(): number {
    return this.offsetOf(this.state.next);
  }

  /** Merges up to `rows` more rows (keeping checkpoints); answers whether rows remain. */
  advance(rows: number): boolean {
    const end = Math.min(this.totalRows, this.merged + rows);
    const state = this.state;
    while (this.merged < end) {
      if (this.merged % CHECKPOINT_ROWS === 0) this.keep();
      let file = state.active;
      if (file < 0) {
        file = this.pick(state, this.cursors);
        const head = this.headTime(file, state.next[file]!, this.cursors);
        if (head > this.maxHead) this.maxHead = head;
        if (head === this.maxHead) this.lastFileAtMax = Math.max(this.lastFileAtMax, file);
      }
      this.step(state, this.cursors, file);
      const row = this.merged++;
      this.rowFiles[row >> 1] = this.rowFiles[row >> 1]! | (file << ((row & 1) << 2));
    }
    if (this.done) this.sources.forEach((source, file) => (this.ends[file] = this.endOf(file)));
    return !this.done;
  }

  /** Where file `file`'s merged lines end now. */
  private endOf(file: number): number {
    return this.sources[file]!.starts(Float64Array.of(this.lineCounts[file]!))[0]!;
  }

  /**
   * Takes the files' new lines (`lines`: each file's line count now) into a finished merge, when
   * they come after everything merged: each file's first new line has a time of its own, later
   * than every block merged (or equal, from a file after every file at that time), and its merged
   * lines still end where they did. Then the rows merged stay as they are and `advance` merges the
   * new ones, as merging everything again would. Answers false when that cannot be (merge again).
   */
  extend(lines: readonly number[]): boolean {
    if (!this.done || lines.length !== this.sources.length) return false;
    if (lines.some((count, file) => count < this.lineCounts[file]!)) return false;
    for (const [file, count] of lines.entries()) {
      const old = this.lineCounts[file]!;
      if (count === old) continue;
      if (this.endOf(file) !== this.ends[file]) return false;
      if (old > 0 && this.firstTimes[file] === Number.POSITIVE_INFINITY) return false;
      const head = this.sources[file]!.readTimes(old, 1)[0] ?? Number.NaN;
      if (Number.isNaN(head)) return false;
      if (!(head > this.maxHead || (head === this.maxHead && file > this.lastFileAtMax))) return false;
    }
    for (const [file, count] of lines.entries()) {
      const old = this.lineCounts[file]!;
      if (count === old) continue;
      this.lineCounts[file] = count;
      if (old === 0) this.firstTimes[file] = this.sources[file]!.readTimes(0, 1)[0]!;
      this.cursors[file] = new TimeCursor(this.sources[file]!, () => this.lineCounts[file]!);
    }
    const grown = new Uint8Array(Math.ceil(this.totalRows / 2));
    grown.set(this.rowFiles);
    this.rowFiles = grown;
    return true;
  }

  /** The file of row `row` (merged). */
  private fileOf(row: number): number {
    return (this.rowFiles[row >> 1]! >> ((row & 1) << 2)) & 0xf;
  }

  /**
   * Rows [first, first + count) (within rowsKnown): each row's file and 0-based line, and with
   * `withOffsets` its offset in the merged text (else zeros).
   */
  rows(first: number, count: number, withOffsets = true): MergedRows {
    const end = Math.max(first, Math.min(this.merged, first + count));
    const files = new Uint8Array(end - first);
    const lines = new Float64Array(end - first);
    const offsets = new Float64Array(end - first);
    if (end === first) return { files, lines, offsets };
    const checkpoint = Math.floor(first / CHECKPOINT_ROWS);
    const next = this.nextAt(checkpoint);
    for (let row = checkpoint * CHECKPOINT_ROWS; row < first; row++) next[this.fileOf(row)]!++;
    // Where the first row starts; each row after it, one line of its file later.
    const firstNext = next.slice();
    for (let row = first; row < end; row++) {
      const file = this.fileOf(row);
      files[row - first] = file;
      lines[row - first] = next[file]!++;
    }
    if (!withOffsets) return { files, lines, offsets };
    // Each file's lines from its first row's next line to its last row's line end: one read a file.
    const starts = this.sources.map((source, file) => {
      const from = firstNext[file]!;
      return source.starts(Float64Array.from({ length: next[file]! - from + 1 }, (_, i) => from + i));
    });
    let at = this.offsetOf(
      firstNext,
      starts.map((values) => values[0]!),
    );
    const seen = new Uint32Array(this.sources.length);
    for (let i = 0; i < files.length; i++) {
      offsets[i] = at;
      const file = files[i]!;
      const k = seen[file]!;
      seen[file] = k + 1;
      at += starts[file]![k + 1]! - starts[file]![k]!;
    }
    return { files, lines, offsets };
  }

  /** Where the row with these next lines starts: the bytes of every file's lines before them. */
  private offsetOf(next: ArrayLike<number>, known?: readonly number[]): number {
    let sum = 0;
    for (let file = 0; file < this.sources.length; file++) {
      sum += known?.[file] ?? this.sources[file]!.starts(Float64Array.of(next[file]!))[0]!;
    }
    return sum;
  }

  /** The row holding `offset` of the merged text (its line end included), or rowsKnown past the rows merged. */
  rowAtOffset(offset: number): number {
    if (offset < 0) return 0;
    if (this.checkpointCount === 0) return this.merged;
    const checkpoint = Math.max(0, lastAtMost(this.checkpointOffsets, this.checkpointCount, offset));
    const first = checkpoint * CHECKPOINT_ROWS;
    const { offsets } = this.rows(first, CHECKPOINT_ROWS);
    const at = lastAtMost(offsets, offsets.length, offset);
    if (at < offsets.length - 1 || first + offsets.length < this.merged) return first + Math.max(0, at);
    // The last row merged: within it, or past the text.
    return offset < this.textLength() ? first + at : this.merged;
  }

  /** The first row whose block's time is at or after `ms` (within rowsKnown), or rowsKnown. */
  rowAtTime(ms: number): number {
    // The last checkpoint before the time, then a walk of at most CHECKPOINT_ROWS rows.
    let low = 0;
    let high = this.checkpointCount;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (this.checkpointTimes[mid]! < ms) low = mid + 1;
      else high = mid;
    }
    const checkpoint = Math.max(0, low - 1);
    if (this.checkpointCount === 0) return this.merged;
    const state = this.stateAt(checkpoint);
    const cursors = this.newCursors();
    for (let row = checkpoint * CHECKPOINT_ROWS; row < this.merged; row++) {
      const starts = state.active < 0;
      const file = starts ? this.pick(state, cursors) : state.active;
      if (starts && this.headTime(file, state.next[file]!, cursors) >= ms) return row;
      this.step(state, cursors, file);
    }
    return this.merged;
  }

  /**
   * The rows of some lines of each file (`targets[file]`: 0-based lines, ascending, repeats
   * allowed), found by counting rows from the checkpoint before each (-1 for a line past the rows
   * merged). With `withOffsets`, `before[file][k]` is the bytes of the other files' lines merged
   * before that row: byte m of the file is at m + before in the merged text.
   */
  locate(
    targets: readonly ArrayLike<number>[],
    withOffsets = false,
  ): { readonly rows: Float64Array[]; readonly before: Float64Array[] } {
    const rows = targets.map((lines) => new Float64Array(lines.length).fill(-1));
    const before = targets.map((lines) => new Float64Array(withOffsets ? lines.length : 0).fill(-1));
    for (const [file, lines] of targets.entries()) {
      // The other files' next lines at each row found, for its offset.
      const others = withOffsets ? this.sources.map(() => new Float64Array(lines.length)) : null;
      let row = -1;
      let next: Uint32Array | null = null;
      for (let k = 0; k < lines.length; k++) {
        const line = lines[k]!;
        if (line >= this.lineCounts[file]!) break;
        // A line past the next checkpoint's: count from the checkpoint before it instead.
        const checkpoint = this.checkpointBefore(file, line);
        if (next === null || checkpoint * CHECKPOINT_ROWS > row) {
          next = this.nextAt(checkpoint);
          row = checkpoint * CHECKPOINT_ROWS;
        }
        while (row < this.merged && !(this.fileOf(row) === file && next[file] === line)) next[this.fileOf(row++)]!++;
        if (row >= this.merged) break;
        rows[file]![k] = row;
        if (others !== null) for (let g = 0; g < next.length; g++) others[g]![k] = next[g]!;
      }
      if (others === null) continue;
      const found = rows[file]!.findIndex((value) => value < 0);
      const count = found < 0 ? lines.length : found;
      const sums = new Float64Array(count);
      for (const [g, source] of this.sources.entries()) {
        if (g === file) continue;
        // The other file's next lines only grow: each one's start is read once.
        const lines = others[g]!.subarray(0, count);
        const distinct: number[] = [];
        for (let k = 0; k < count; k++) if (k === 0 || lines[k] !== lines[k - 1]) distinct.push(lines[k]!);
        const starts = source.starts(Float64Array.from(distinct));
        for (let k = 0, d = -1; k < count; k++) {
          if (k === 0 || lines[k] !== lines[k - 1]) d++;
          sums[k] = sums[k]! + starts[d]!;
        }
      }
      before[file]!.set(sums);
    }
    return { rows, before };
  }

  /** The last checkpoint at which `file`'s next line is at most `line` (its row is at or after it). */
  private checkpointBefore(file: number, line: number): number {
    const stride = this.sources.length + 1;
    let low = 0;
    let high = this.checkpointCount;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (this.checkpoints[mid * stride + file]! <= line) low = mid + 1;
      else high = mid;
    }
    return Math.max(0, low - 1);
  }

  private keep(): void {
    const stride = this.sources.length + 1;
    if ((this.checkpointCount + 1) * stride > this.checkpoints.length) {
      const grown = new Uint32Array(this.checkpoints.length * 2);
      grown.set(this.checkpoints);
      this.checkpoints = grown;
      const times = new Float64Array(this.checkpointTimes.length * 2);
      times.set(this.checkpointTimes);
      this.checkpointTimes = times;
      const offsets = new Float64Array(this.checkpointOffsets.length * 2);
      offsets.set(this.checkpointOffsets);
      this.checkpointOffsets = offsets;
    }
    const at = this.checkpointCount * stride;
    this.checkpoints.set(this.state.next, at);
    this.checkpoints[at + this.sources.length] = this.state.active + 1;
    const file = this.state.active >= 0 ? this.state.active : this.pick(this.state, this.cursors);
    this.checkpointTimes[this.checkpointCount] =
      file < 0 ? Number.POSITIVE_INFINITY : this.blockTime(file, this.state.next[file]!, this.cursors);
    this.checkpointOffsets[this.checkpointCount] = this.offsetOf(this.state.next);
    this.checkpointCount++;
  }

  private nextAt(checkpoint: number): Uint32Array {
    const at = checkpoint * (this.sources.length + 1);
    return this.checkpoints.slice(at, at + this.sources.length);
  }

  private stateAt(checkpoint: number): MergeState {
    const at = checkpoint * (this.sources.length + 1);
    return { next: this.nextAt(checkpoint), active: this.checkpoints[at + this.sources.length]! - 1 };
  }

  /** The file of the next block: the least head time, the first file on a tie; -1 when all are done. */
  private pick(state: MergeState, cursors: readonly TimeCursor[]): number {
    let best = -1;
    let bestTime = Number.POSITIVE_INFINITY;
    for (let file = 0; file < this.sources.length; file++) {
      const line = state.next[file]!;
      if (line >= this.lineCounts[file]!) continue;
      const time = this.headTime(file, line, cursors);
      if (best < 0 || time < bestTime) {
        best = file;
        bestTime = time;
      }
    }
    return best;
  }

  /** The time a block starting at `line` of `file` sorts by. */
  private headTime(file: number, line: number, cursors: readonly TimeCursor[]): number {
    const own = cursors[file]!.at(line);
    return Number.isNaN(own) ? this.firstTimes[file]! : own;
  }

  /** The time of the block holding `line` of `file` (looking back for a continuation line's parent). */
  private blockTime(file: number, line: number, cursors: readonly TimeCursor[]): number {
    for (let at = line; at >= 0; at--) {
      const own = cursors[file]!.at(at);
      if (!Number.isNaN(own)) return own;
      if (line - at > 100_000) break;
    }
    return this.firstTimes[file]!;
  }

  /** Emits one row from `state`: answers its file (the line is state.next[file] - 1 after). */
  private step(
    state: MergeState,
    cursors: readonly TimeCursor[],
    file = state.active >= 0 ? state.active : this.pick(state, cursors),
  ): number {
    const line = state.next[file]!;
    state.next[file] = line + 1;
    // A block goes on over the lines without a time of their own after its first line.
    const following = line + 1;
    state.active = following < this.lineCounts[file]! && Number.isNaN(cursors[file]!.at(following)) ? file : -1;
    return file;
  }
}

/** The last index i < count with values[i] <= value (values ascending), or -1. */
function lastAtMost(values: Float64Array, count: number, value: number): number {
  let low = 0;
  let high = count;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (values[mid]! <= value) low = mid + 1;
    else high = mid;
  }
  return low - 1;
}

/** The first own time of a file (looking through it once), or +Infinity when it has none. */
function firstTime(lines: number, cursor: TimeCursor): number {
  for (let line = 0; line < lines; line++) {
    const ms = cursor.at(line);
    if (!Number.isNaN(ms)) return ms;
  }
  return Number.POSITIVE_INFINITY;
}
