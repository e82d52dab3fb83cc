// The arithmetic of the byte map strip and panel, apart from React: which class each pixel row
// shows, which offset a click lands on, what a region covers.
import { BYTE_CLASS_PENDING, BYTE_CLASSES } from '../../../shared/binaryTools';

export interface RegionGrid {
  readonly from: number;
  readonly to: number;
  readonly regionBytes: number;
  readonly classes: Uint8Array;
}

/**
 * The class each of `pixels` rows shows. Fewer regions than rows: each region spans whole rows.
 * More: a row shows the most frequent class of the regions it covers (a pending region counts as
 * one more class, so a half-scanned row shows what is known only once most of it is).
 */
export function pixelClasses(classes: Uint8Array, pixels: number): Uint8Array {
  const out = new Uint8Array(Math.max(0, pixels)).fill(BYTE_CLASS_PENDING);
  const regions = classes.length;
  if (regions === 0) return out;
  const counts = new Uint32Array(BYTE_CLASSES.length + 1);
  for (let p = 0; p < pixels; p++) {
    const first = Math.floor((p * regions) / pixels);
    const end = Math.max(first + 1, Math.floor(((p + 1) * regions) / pixels));
    if (end - first === 1) {
      out[p] = classes[first]!;
      continue;
    }
    counts.fill(0);
    for (let r = first; r < end; r++) {
      const cls = classes[r]!;
      counts[cls === BYTE_CLASS_PENDING ? BYTE_CLASSES.length : cls]! += 1;
    }
    let best = 0;
    for (let c = 1; c < counts.length; c++) if (counts[c]! > counts[best]!) best = c;
    out[p] = best === BYTE_CLASSES.length ? BYTE_CLASS_PENDING : best;
  }
  return out;
}

/** The offset at `fraction` (0..1) of the strip's height, within [from, to - 1]. */
export function offsetAtFraction(grid: Pick<RegionGrid, 'from' | 'to'>, fraction: number): number {
  const span = grid.to - grid.from;
  if (span <= 0) return grid.from;
  const clamped = Math.min(Math.max(fraction, 0), 1);
  return Math.min(grid.to - 1, grid.from + Math.floor(clamped * span));
}

/** The region holding `offset`, or -1 outside the grid. */
export function regionAt(grid: RegionGrid, offset: number): number {
  if (offset < grid.from || offset >= grid.to || grid.regionBytes <= 0) return -1;
  return Math.min(grid.classes.length - 1, Math.floor((offset - grid.from) / grid.regionBytes));
}

/** [start, end) of region `region`. */
export function regionSpan(grid: RegionGrid, region: number): [number, number] {
  const start = grid.from + region * grid.regionBytes;
  return [start, Math.min(grid.to, start + grid.regionBytes)];
}

/** How many regions of each class (index = class id), pending ones apart. */
export function classCounts(classes: Uint8Array): { counts: number[]; pending: number } {
  const counts = BYTE_CLASSES.map(() => 0);
  let pending = 0;
  for (const cls of classes) {
    if (cls === BYTE_CLASS_PENDING) pending++;
    else counts[cls] = (counts[cls] ?? 0) + 1;
  }
  return { counts, pending };
}

export function classLabel(cls: number): string {
  return cls === BYTE_CLASS_PENDING ? 'Not scanned yet' : (BYTE_CLASSES[cls]?.label ?? 'Unknown');
}

export function classKey(cls: number): string {
  return cls === BYTE_CLASS_PENDING ? 'pending' : (BYTE_CLASSES[cls]?.key ?? 'pending');
}
