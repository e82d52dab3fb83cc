// The merged view of several logs by time: which line of which file is row r. Each file is a
// sequence of blocks (a line with a time and the lines after it that have none: stack traces,
// continuations), and the merge takes blocks in time order, a file's own blocks always in file
// order, equal times by file order (stable), so a continuation line always follows its parent.
//
// The merge is built lazily, a bounded number of rows at a time, by a k-way merge over the files'
// line indexes; every CHECKPOINT_ROWS rows it keeps the merge state (one line number a file, and
// the file in the middle of a block), so that any row is reached by replaying at most
// CHECKPOINT_ROWS rows from its checkpoint. Nothing of the files is copied: the state is about
// 4 × (files + 1) + 16 bytes per CHECKPOINT_ROWS rows.
//
// Rows also have offsets in the merged text, the rows joined by LF (what copying the whole view
// gives): find and the filter of the merged view speak of places in it, as a file's speak of bytes
// of the file. A file's lines keep their own order in the merge, so the rows of a file's sorted
// lines are found in one walk (`locate`), jumping over the checkpoints between them.

/** One file of a merge, read through its session: its lines, their own times and lengths. */
export interface MergeSource {
  /** Lines of the file (all of them: the merge starts once every file is indexed). */
  readonly lines: number;
  /**
   * Lines [first, first + count): each one's own time (epoch ms, NaN where it has none) and its
   * length in bytes without its line end.
   */
  read(first: number, count: number): LineFacts;
}

export interface LineFacts {
  readonly times: Float64Array;
  readonly lengths: Float64Array;
}

/** Rows between two kept merge states. */
export const CHECKPOINT_ROWS = 4096;
/** Lines read from a file per call while merging. */
const READ_BATCH = 4096;

/** A file's times and lengths read ahead in batches, for one walk of the merge. */
class LineCursor {
  private first = 0;
  private facts: LineFacts = { times: new Float64Array(0), lengths: new Float64Array(0) };

  constructor(
    private readonly source: MergeSource,
    private readonly lines: () => number,
  ) {}

  /** The own time of `line` (NaN for none). */
  time(line: number): number {
    return this.load(line).times[line - this.first] ?? Number.NaN;
  }

  /** The length of `line` without its line end. */
  length(line: number): number {
    return this.load(line).lengths[line - this.first] ?? 0;
  }

  /** Forgets what was read (the file grew: its last batch may be short). */
  reset(): void {
    this.first = 0;
    this.facts = { times: new Float64Array(0), lengths: new Float64Array(0) };
  }

  private load(line: number): LineFacts {
    if (line < this.first || line >= this.first + this.facts.times.length) {
      this.first = line;
      this.facts = this.source.read(line, Math.max(0, Math.min(READ_BATCH, this.lines() - line)));
    }
    return this.facts;
  }
}

/**
 * Where a merge walk stands: the next line of each file, the file whose block is being emitted
 * (-1: none), and the offset of the next row in the merged text.
 */
interface MergeState {
  readonly next: Uint32Array;
  active: number;
  offset: number;
}

/** Rows [first, first + count) of a merge: each row's file, 0-based line and offset in the merged text. */
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
  private readonly state: MergeState;
  private readonly cursors: LineCursor[];
  private readonly firstTimes: Float64Array;
  /** Lines of each file the merge takes (more once extended). */
  private readonly lineCounts: number[];
  /** The length of each file's last line when it was merged: a line that grew since is not the same line. */
  private readonly lastLengths: Float64Array;
  /** The latest time a block sorted by, and the last file with a block at it: what appended lines must follow. */
  private maxHead = Number.NEGATIVE_INFINITY;
  private lastFileAtMax = -1;
  private merged = 0;

  constructor(private readonly sources: readonly MergeSource[]) {
    if (sources.length === 0 || sources.length > 255) throw new RangeError('a merge takes 1 to 255 files');
    this.lineCounts = sources.map((source) => source.lines);
    this.state = { next: new Uint32Array(sources.length), active: -1, offset: 0 };
    this.cursors = this.newCursors();
    this.firstTimes = Float64Array.from(sources, (_, i) => firstTime(this.lineCounts[i]!, this.cursors[i]!));
    this.lastLengths = new Float64Array(sources.length);
    const stride = sources.length + 1;
    this.checkpoints = new Uint32Array(stride * 64);
    this.checkpointTimes = new Float64Array(64);
    this.checkpointOffsets = new Float64Array(64);
  }

  private newCursors(): LineCursor[] {
    return this.sources.map((source, file) => new LineCursor(source, () => this.lineCounts[file]!));
  }

  /** Rows of the merge when done: every line of every file. */
  get totalRows(): number {
    return this.lineCounts.reduce((sum, lines) => sum + lines, 0);
  }

  /** Rows merged so far: rows below it can be read. */
  get rowsKnown(): number {
    return this.merged;
  }

  /** Bytes of the merged text so far (rows joined by LF, with a last LF). */
  get textLength(): number {
    return this.state.offset;
  }

  get done(): boolean {
    return this.merged >= this.totalRows;
  }

  /** Bytes the merge state holds. */
  get memoryBytes(): number {
    return this.checkpointCount * ((this.sources.length + 1) * 4 + 16);
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
      const line = state.next[file]!;
      this.step(state, this.cursors, file);
      if (line === this.lineCounts[file]! - 1) this.lastLengths[file] = this.cursors[file]!.length(line);
      this.merged++;
    }
    return !this.done;
  }

  /**
   * Takes the files' new lines (`lines`: each file's line count now) into a finished merge, when
   * they come after everything merged: each file's first new line has a time of its own, later
   * than every block merged (or equal, from a file after every file at that time), and its last
   * merged line is unchanged. Then the rows merged stay as they are and `advance` merges the new
   * ones, as merging everything again would. Answers false when that cannot be (merge again).
   */
  extend(lines: readonly number[]): boolean {
    if (!this.done || lines.length !== this.sources.length) return false;
    if (lines.some((count, file) => count < this.lineCounts[file]!)) return false;
    const probe = this.newCursors();
    for (const [file, count] of lines.entries()) {
      const old = this.lineCounts[file]!;
      if (count === old) continue;
      const cursor = probe[file]!;
      // The cursor reads up to the new end of the file.
      this.lineCounts[file] = count;
      const fits = (): boolean => {
        if (old > 0 && cursor.length(old - 1) !== this.lastLengths[file]) return false;
        if (old > 0 && this.firstTimes[file] === Number.POSITIVE_INFINITY) return false;
        const head = cursor.time(old);
        if (Number.isNaN(head)) return false;
        return head > this.maxHead || (head === this.maxHead && file > this.lastFileAtMax);
      };
      const ok = fits();
      this.lineCounts[file] = old;
      if (!ok) return false;
    }
    for (const [file, count] of lines.entries()) {
      const old = this.lineCounts[file]!;
      if (count === old) continue;
      this.lineCounts[file] = count;
      if (old === 0) this.firstTimes[file] = probe[file]!.time(0);
      this.cursors[file]!.reset();
    }
    return true;
  }

  /** Rows [first, first + count) (within rowsKnown): each row's file, 0-based line and offset. */
  rows(first: number, count: number): MergedRows {
    const end = Math.max(first, Math.min(this.merged, first + count));
    const files = new Uint8Array(end - first);
    const lines = new Float64Array(end - first);
    const offsets = new Float64Array(end - first);
    if (end === first) return { files, lines, offsets };
    const checkpoint = Math.floor(first / CHECKPOINT_ROWS);
    const state = this.stateAt(checkpoint);
    const cursors = this.newCursors();
    for (let row = checkpoint * CHECKPOINT_ROWS; row < end; row++) {
      const offset = state.offset;
      const file = this.step(state, cursors);
      if (row >= first) {
        files[row - first] = file;
        lines[row - first] = state.next[file]! - 1;
        offsets[row - first] = offset;
      }
    }
    return { files, lines, offsets };
  }

  /** The row holding `offset` of the merged text (its LF included), or rowsKnown past the rows merged. */
  rowAtOffset(offset: number): number {
    if (this.checkpointCount === 0 || offset < 0) return offset < 0 ? 0 : this.merged;
    const checkpoint = Math.max(0, lastAtMost(this.checkpointOffsets, this.checkpointCount, offset));
    const state = this.stateAt(checkpoint);
    const cursors = this.newCursors();
    for (let row = checkpoint * CHECKPOINT_ROWS; row < this.merged; row++) {
      this.step(state, cursors);
      if (offset < state.offset) return row;
    }
    return this.merged;
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
   * allowed), found in one walk of the merge that jumps from checkpoint to checkpoint over the
   * rows between them. Work is done in slices (`RowLocator.advance`).
   */
  locate(targets: readonly ArrayLike<number>[]): RowLocator {
    return new RowLocator(this, targets);
  }

  /** @internal The walk of a RowLocator: a fresh state at a checkpoint. */
  walkFrom(checkpoint: number): { state: MergeState; cursors: LineCursor[] } {
    return { state: this.stateAt(checkpoint), cursors: this.newCursors() };
  }

  /** @internal One row of a walk. */
  walkStep(state: MergeState, cursors: readonly LineCursor[]): number {
    return this.step(state, cursors);
  }

  /** @internal The last checkpoint at which `file`'s next line is at most `line` (its row is at or after it). */
  checkpointBefore(file: number, line: number): number {
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
    this.checkpointOffsets[this.checkpointCount] = this.state.offset;
    this.checkpointCount++;
  }

  private stateAt(checkpoint: number): MergeState {
    const stride = this.sources.length + 1;
    const at = checkpoint * stride;
    return {
      next: this.checkpoints.slice(at, at + this.sources.length),
      active: this.checkpoints[at + this.sources.length]! - 1,
      offset: this.checkpointOffsets[checkpoint]!,
    };
  }

  /** The file of the next block: the least head time, the first file on a tie; -1 when all are done. */
  private pick(state: MergeState, cursors: readonly LineCursor[]): number {
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
  private headTime(file: number, line: number, cursors: readonly LineCursor[]): number {
    const own = cursors[file]!.time(line);
    return Number.isNaN(own) ? this.firstTimes[file]! : own;
  }

  /** The time of the block holding `line` of `file` (looking back for a continuation line's parent). */
  private blockTime(file: number, line: number, cursors: readonly LineCursor[]): number {
    for (let at = line; at >= 0; at--) {
      const own = cursors[file]!.time(at);
      if (!Number.isNaN(own)) return own;
      if (line - at > 100_000) break;
    }
    return this.firstTimes[file]!;
  }

  /** Emits one row from `state`: answers its file (the line is state.next[file] - 1 after). */
  private step(
    state: MergeState,
    cursors: readonly LineCursor[],
    file = state.active >= 0 ? state.active : this.pick(state, cursors),
  ): number {
    const line = state.next[file]!;
    state.next[file] = line + 1;
    state.offset += cursors[file]!.length(line) + 1;
    // A block goes on over the lines without a time of their own after its first line.
    const following = line + 1;
    state.active = following < this.lineCounts[file]! && Number.isNaN(cursors[file]!.time(following)) ? file : -1;
    return file;
  }
}

/**
 * Finds the rows of lines of the files, a slice at a time: `rows[file][k]` is the row of
 * `targets[file][k]` and `offsets[file][k]` that row's offset in the merged text (-1 for a line
 * past the rows merged).
 */
export class RowLocator {
  readonly rows: Float64Array[];
  readonly offsets: Float64Array[];
  private readonly at: number[];
  private walk: ReturnType<MergeIndex['walkFrom']> | null = null;
  private row = 0;
  private finished = false;

  constructor(
    private readonly index: MergeIndex,
    private readonly targets: readonly ArrayLike<number>[],
  ) {
    this.rows = targets.map((lines) => new Float64Array(lines.length).fill(-1));
    this.offsets = targets.map((lines) => new Float64Array(lines.length).fill(-1));
    this.at = targets.map(() => 0);
  }

  get done(): boolean {
    return this.finished;
  }

  /** Rows walked so far (for progress against the merge's rows). */
  get rowsWalked(): number {
    return this.row;
  }

  /** Walks up to `budget` rows; answers whether lines remain to be found. */
  advance(budget: number): boolean {
    if (this.finished) return false;
    let jumpCheck = true;
    for (let spent = 0; spent < budget; spent++) {
      if (jumpCheck || this.row % CHECKPOINT_ROWS === 0) {
        jumpCheck = false;
        const checkpoint = this.nextCheckpoint();
        if (checkpoint < 0 || this.row >= this.index.rowsKnown) {
          this.finished = true;
          return false;
        }
        if (this.walk === null || checkpoint * CHECKPOINT_ROWS > this.row) {
          this.walk = this.index.walkFrom(checkpoint);
          this.row = checkpoint * CHECKPOINT_ROWS;
        }
      }
      if (this.row >= this.index.rowsKnown) {
        this.finished = true;
        return false;
      }
      const walk = this.walk!;
      const offset = walk.state.offset;
      const file = this.index.walkStep(walk.state, walk.cursors);
      const line = walk.state.next[file]! - 1;
      const lines = this.targets[file]!;
      let k = this.at[file]!;
      while (k < lines.length && lines[k]! <= line) {
        if (lines[k] === line) {
          this.rows[file]![k] = this.row;
          this.offsets[file]![k] = offset;
        }
        k++;
        jumpCheck = true;
      }
      this.at[file] = k;
      this.row++;
    }
    return true;
  }

  /** The checkpoint to walk from: the earliest any file's next line can be at; -1 when all are found. */
  private nextCheckpoint(): number {
    let least = -1;
    for (const [file, lines] of this.targets.entries()) {
      const k = this.at[file]!;
      if (k >= lines.length) continue;
      const checkpoint = this.index.checkpointBefore(file, lines[k]!);
      if (least < 0 || checkpoint < least) least = checkpoint;
    }
    return least;
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
function firstTime(lines: number, cursor: LineCursor): number {
  for (let line = 0; line < lines; line++) {
    const ms = cursor.time(line);
    if (!Number.isNaN(ms)) return ms;
  }
  return Number.POSITIVE_INFINITY;
}
