// The rows of a filtered view with context lines (`grep -C N`): each kept line brings the N lines
// before and after it, and overlapping or touching stretches merge into one run. Built in file
// order as the filter finds kept lines; three numbers a run, so memory follows the runs, not the
// lines shown.
import { GrowableFloat64 } from './growable';

export class ContextRuns {
  private readonly starts = new GrowableFloat64();
  /** Inclusive; the last run's end may still grow, and may pass the lines known (clamped on read). */
  private readonly ends = new GrowableFloat64();
  /** Rows of all runs before each run. */
  private readonly rowsBefore = new GrowableFloat64();

  constructor(readonly context: number) {}

  get runCount(): number {
    return this.starts.length;
  }

  memoryBytes(): number {
    return this.starts.capacityBytes() + this.ends.capacityBytes() + this.rowsBefore.capacityBytes();
  }

  /** Adds a kept line; lines come in increasing order. */
  add(line: number): void {
    const start = Math.max(0, line - this.context);
    const end = line + this.context;
    const last = this.starts.length - 1;
    if (last >= 0 && start <= this.ends.at(last) + 1) {
      if (end > this.ends.at(last)) this.ends.set(last, end);
      return;
    }
    const before = last < 0 ? 0 : this.rowsBefore.at(last) + this.ends.at(last) - this.starts.at(last) + 1;
    this.starts.push(start);
    this.ends.push(end);
    this.rowsBefore.push(before);
  }

  /** The index of the last run starting below `limit` lines, or -1. */
  private lastRunBelow(limit: number): number {
    let low = 0;
    let high = this.starts.length - 1;
    let found = -1;
    while (low <= high) {
      const mid = (low + high) >> 1;
      if (this.starts.at(mid) < limit) {
        found = mid;
        low = mid + 1;
      } else high = mid - 1;
    }
    return found;
  }

  /** Rows among lines [0, limit). */
  rows(limit: number): number {
    const run = this.lastRunBelow(limit);
    if (run < 0) return 0;
    return this.rowsBefore.at(run) + Math.min(this.ends.at(run), limit - 1) - this.starts.at(run) + 1;
  }

  /** The line shown at `row` (below rows(limit)), or -1 past them. */
  lineOfRow(row: number, limit: number): number {
    if (row < 0 || row >= this.rows(limit)) return -1;
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.rowsBefore.at(mid) <= row) low = mid;
      else high = mid - 1;
    }
    return this.starts.at(low) + row - this.rowsBefore.at(low);
  }

  /** The row of the first shown line at or after `line` (rows(limit) if none is known). */
  rowOfLine(line: number, limit: number): number {
    const total = this.rows(limit);
    const run = this.lastRunBelow(line + 1);
    if (run < 0) return Math.min(0, total);
    const inside = line <= this.ends.at(run);
    const row = inside
      ? this.rowsBefore.at(run) + line - this.starts.at(run)
      : this.rowsBefore.at(run) + this.ends.at(run) - this.starts.at(run) + 1;
    return Math.min(row, total);
  }
}
