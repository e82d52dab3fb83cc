// What one row of a compare tab shows of each side: its bytes (or none yet, or none past that
// file's end), which differ, and where the shorter file ends. Pure, for the rows and for tests.
import type { ComparedBytes, DiffRange } from '../../../shared/contract';

export type CellState = 'same' | 'diff' | 'current' | 'past-end' | 'pending';

export interface CompareCell {
  readonly offset: number;
  /** The byte of this side, or null (past its end, or not read yet). */
  readonly value: number | null;
  readonly state: CellState;
  /** The first offset past this side's end: the shorter file shows where it ends. */
  readonly eof: boolean;
}

/** The cells of `side` for the row starting at `start`, `width` bytes wide. */
export function rowCells(
  page: ComparedBytes | null,
  side: 'a' | 'b',
  start: number,
  width: number,
  sizes: { readonly a: number; readonly b: number },
  current: DiffRange | null,
): CompareCell[] {
  const cells: CompareCell[] = [];
  const own = sizes[side];
  const common = Math.min(sizes.a, sizes.b);
  const longer = Math.max(sizes.a, sizes.b);
  for (let offset = start; offset < start + width; offset++) {
    const eof = offset === own && own < longer;
    if (offset >= own) {
      cells.push({ offset, value: null, state: offset < longer ? 'past-end' : 'same', eof });
      continue;
    }
    const inCurrent = current !== null && offset >= current.start && offset < current.end;
    const a = page === null ? undefined : page.a[offset - page.offset];
    const b = page === null ? undefined : page.b[offset - page.offset];
    const value = side === 'a' ? a : b;
    if (value === undefined) {
      cells.push({ offset, value: null, state: 'pending', eof });
      continue;
    }
    const differs = offset >= common || a !== b;
    cells.push({ offset, value, state: inCurrent ? 'current' : differs ? 'diff' : 'same', eof });
  }
  return cells;
}
