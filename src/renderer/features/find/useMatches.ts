// Matches inside the rows on screen, fetched per viewport (never per row) and refreshed as the
// search finds more or the edits change.
import { useEffect, useState } from 'react';
import { byteOffset } from '../../../shared/units';
import { getApi } from '../../data/api';
import { useFileStore } from '../../state/fileStore';
import { useFindStore } from '../../state/findStore';

export interface VisibleMatches {
  readonly offsets: Float64Array;
  readonly lengths: Float64Array;
  /** Offset of the current match, or -1. */
  readonly current: number;
}

const none: VisibleMatches = { offsets: new Float64Array(0), lengths: new Float64Array(0), current: -1 };

export function useMatchesInRange(start: number, end: number): VisibleMatches {
  const session = useFileStore((state) => state.info.session);
  const editGeneration = useFileStore((state) => state.edit?.generation ?? 0);
  const searchId = useFindStore((state) => state.status?.searchId ?? null);
  const matchCount = useFindStore((state) => state.status?.matchCount ?? 0);
  const open = useFindStore((state) => state.open);
  const current = useFindStore((state) => state.current?.offset ?? -1);
  const [found, setFound] = useState<VisibleMatches>(none);

  useEffect(() => {
    if (searchId === null || !open || end <= start || matchCount === 0) {
      setFound(none);
      return;
    }
    let live = true;
    void getApi()
      .matchesInRange(session, searchId, byteOffset(start), byteOffset(end))
      .then((result) => {
        if (live && result.ok) setFound({ offsets: result.value.offsets, lengths: result.value.lengths, current: -1 });
      });
    return () => {
      live = false;
    };
  }, [session, searchId, matchCount, open, start, end, editGeneration]);

  return found.offsets.length === 0 ? none : { ...found, current };
}

/** Whether byte `offset` lies in a match: 0 no, 1 yes, 2 in the current match. */
export function matchAt(matches: VisibleMatches, offset: number): 0 | 1 | 2 {
  const { offsets, lengths } = matches;
  let low = 0;
  let high = offsets.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (offsets[mid]! <= offset) low = mid + 1;
    else high = mid;
  }
  const index = low - 1;
  if (index < 0 || offset >= offsets[index]! + lengths[index]!) return 0;
  return offsets[index] === matches.current ? 2 : 1;
}

/** Matches overlapping [start, end) as (start, end, current) byte spans clipped to it. */
export function matchSpans(matches: VisibleMatches, start: number, end: number): [number, number, boolean][] {
  const spans: [number, number, boolean][] = [];
  const { offsets, lengths } = matches;
  for (let i = 0; i < offsets.length; i++) {
    const from = offsets[i]!;
    const to = from + lengths[i]!;
    if (to <= start) continue;
    if (from >= end) break;
    spans.push([Math.max(from, start), Math.min(to, end), from === matches.current]);
  }
  return spans;
}
