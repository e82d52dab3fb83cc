// The merged view of several logs by time: which line of which file is row r. Each file is a
// sequence of blocks (a line with a time and the lines after it that have none: stack traces,
// continuations), and the merge takes blocks in time order, a file's own blocks always in file
// order, equal times by file order (stable), so a continuation line always follows its parent.
//
// The merge is built lazily, a bounded number of rows at a time, by a k-way merge over the files'
// line indexes; every CHECKPOINT_ROWS rows it keeps the merge state (one line number a file, and
// the file in the middle of a block), so that any row is reached by replaying at most
// CHECKPOINT_ROWS rows from its checkpoint. Nothing of the files is copied: the state is about
// 4 × (files + 1) bytes per CHECKPOINT_ROWS rows.

/** One file of a merge, read through its session: its lines and their own times. */
export interface MergeSource {
  /** Lines of the file (all of them: the merge starts once every file is indexed). */
  readonly lines: number;
  /** The own time (epoch ms) of lines [first, first + count), NaN where a line has none. */
  readTimes(first: number, count: number): Float64Array;
}

/** Rows between two kept merge states. */
export const CHECKPOINT_ROWS = 4096;
/** Times read from a file per call while merging. */
const TIME_BATCH = 4096;

/** A file's times read ahead in batches, for one walk of the merge. */
class TimeCursor {
  private first = 0;
  private times: Float64Array = new Float64Array(0);

  constructor(private readonly source: MergeSource) {}

  /** The own time of `line` (NaN for none), reading the batch holding it if needed. */
  at(line: number): number {
    if (line < this.first || line >= this.first + this.times.length) {
      this.first = line;
      this.times = this.source.readTimes(line, Math.min(TIME_BATCH, this.source.lines - line));
    }
    return this.times[line - this.first] ?? Number.NaN;
  }
}

/** Where a merge walk stands: the next line of each file, and the file whose block is being emitted (-1: none). */
interface MergeState {
  readonly next: Uint32Array;
  active: number;
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
  private readonly state: MergeState;
  private readonly cursors: TimeCursor[];
  private readonly firstTimes: Float64Array;
  private merged = 0;
  readonly totalRows: number;

  constructor(private readonly sources: readonly MergeSource[]) {
    if (sources.length === 0 || sources.length > 255) throw new RangeError('a merge takes 1 to 255 files');
    this.totalRows = sources.reduce((sum, source) => sum + source.lines, 0);
    this.state = { next: new Uint32Array(sources.length), active: -1 };
    this.cursors = sources.map((source) => new TimeCursor(source));
    this.firstTimes = Float64Array.from(sources, (source, i) => firstTime(source, this.cursors[i]!));
    const stride = sources.length + 1;
    this.checkpoints = new Uint32Array(stride * 64);
    this.checkpointTimes = new Float64Array(64);
  }

  /** Rows merged so far: rows below it can be read. */
  get rowsKnown(): number {
    return this.merged;
  }

  get done(): boolean {
    return this.merged >= this.totalRows;
  }

  /** Bytes the merge state holds. */
  get memoryBytes(): number {
    return this.checkpointCount * ((this.sources.length + 1) * 4 + 8);
  }

  /** Merges up to `rows` more rows (keeping checkpoints); answers whether rows remain. */
  advance(rows: number): boolean {
    const end = Math.min(this.totalRows, this.merged + rows);
    while (this.merged < end) {
      if (this.merged % CHECKPOINT_ROWS === 0) this.keep();
      this.step(this.state, this.cursors);
      this.merged++;
    }
    return !this.done;
  }

  /** Rows [first, first + count) (within rowsKnown): each row's file and 0-based line. */
  rows(first: number, count: number): { files: Uint8Array; lines: Float64Array } {
    const end = Math.max(first, Math.min(this.merged, first + count));
    const files = new Uint8Array(end - first);
    const lines = new Float64Array(end - first);
    if (end === first) return { files, lines };
    const checkpoint = Math.floor(first / CHECKPOINT_ROWS);
    const state = this.stateAt(checkpoint);
    const cursors = this.sources.map((source) => new TimeCursor(source));
    for (let row = checkpoint * CHECKPOINT_ROWS; row < end; row++) {
      const file = this.step(state, cursors);
      if (row >= first) {
        files[row - first] = file;
        lines[row - first] = state.next[file]! - 1;
      }
    }
    return { files, lines };
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
    const cursors = this.sources.map((source) => new TimeCursor(source));
    for (let row = checkpoint * CHECKPOINT_ROWS; row < this.merged; row++) {
      const starts = state.active < 0;
      const file = starts ? this.pick(state, cursors) : state.active;
      if (starts && this.headTime(file, state.next[file]!, cursors) >= ms) return row;
      this.step(state, cursors);
    }
    return this.merged;
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
    }
    const at = this.checkpointCount * stride;
    this.checkpoints.set(this.state.next, at);
    this.checkpoints[at + this.sources.length] = this.state.active + 1;
    const file = this.state.active >= 0 ? this.state.active : this.pick(this.state, this.cursors);
    this.checkpointTimes[this.checkpointCount] =
      file < 0 ? Number.POSITIVE_INFINITY : this.blockTime(file, this.state.next[file]!, this.cursors);
    this.checkpointCount++;
  }

  private stateAt(checkpoint: number): MergeState {
    const stride = this.sources.length + 1;
    const at = checkpoint * stride;
    return {
      next: this.checkpoints.slice(at, at + this.sources.length),
      active: this.checkpoints[at + this.sources.length]! - 1,
    };
  }

  /** The file of the next block: the least head time, the first file on a tie; -1 when all are done. */
  private pick(state: MergeState, cursors: readonly TimeCursor[]): number {
    let best = -1;
    let bestTime = Number.POSITIVE_INFINITY;
    for (let file = 0; file < this.sources.length; file++) {
      const line = state.next[file]!;
      if (line >= this.sources[file]!.lines) continue;
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
  private step(state: MergeState, cursors: readonly TimeCursor[]): number {
    const file = state.active >= 0 ? state.active : this.pick(state, cursors);
    const line = state.next[file]!;
    state.next[file] = line + 1;
    // A block goes on over the lines without a time of their own after its first line.
    const following = line + 1;
    state.active = following < this.sources[file]!.lines && Number.isNaN(cursors[file]!.at(following)) ? file : -1;
    return file;
  }
}

/** The first own time of a file (looking through it once), or +Infinity when it has none. */
function firstTime(source: MergeSource, cursor: TimeCursor): number {
  for (let line = 0; line < source.lines; line++) {
    const ms = cursor.at(line);
    if (!Number.isNaN(ms)) return ms;
  }
  return Number.POSITIVE_INFINITY;
}
