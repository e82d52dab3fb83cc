// The reference the compare is checked against (the addon's tests and the e2e test): a plain
// byte loop over two files' bytes.

export interface NaiveRange {
  readonly start: number;
  readonly end: number;
}

/** Maximal runs of differing bytes over the common length, then the longer file's tail as one more. */
export function naiveRanges(a: Uint8Array, b: Uint8Array): NaiveRange[] {
  const common = Math.min(a.length, b.length);
  const ranges: NaiveRange[] = [];
  let start = -1;
  for (let i = 0; i < common; i++) {
    if (a[i] !== b[i]) {
      if (start < 0) start = i;
    } else if (start >= 0) {
      ranges.push({ start, end: i });
      start = -1;
    }
  }
  if (start >= 0) ranges.push({ start, end: common });
  if (a.length !== b.length) ranges.push({ start: common, end: Math.max(a.length, b.length) });
  return ranges;
}
