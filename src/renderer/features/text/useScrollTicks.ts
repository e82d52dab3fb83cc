// The text view's scrollbar ticks: where the search's matches fall over the whole file (counted per
// range of rows in the main process), and where the marked lines are. Asked again when the search,
// the filter or the marks change, and every second while a search or a filter is still running.
import { useEffect, useState } from 'react';
import { MAX_TICK_MARKS } from '../../../shared/contract';
import { lineNumber, type SessionId } from '../../../shared/units';
import type { ScrollbarTicks } from '../../components/VirtualRows';
import { getApi } from '../../data/api';

const BUCKETS = 200;
const REFRESH_MS = 1000;
const none: ScrollbarTicks = { matches: [], marks: [] };

export function useScrollTicks(
  session: SessionId,
  searchId: number | null,
  filterId: number | null,
  marks: readonly number[],
  rows: number,
  settled: boolean,
): ScrollbarTicks {
  const [ticks, setTicks] = useState<ScrollbarTicks>(none);
  // Rows grow ten times a second while indexing: the timer catches up with them, not every change.
  const hasRows = rows > 0;
  useEffect(() => {
    if ((searchId === null && marks.length === 0) || !hasRows) {
      setTicks(none);
      return;
    }
    let cancelled = false;
    const ask = async (): Promise<void> => {
      const result = await getApi().scrollTicks(
        session,
        searchId ?? -1,
        filterId ?? -1,
        marks.slice(0, MAX_TICK_MARKS).map(lineNumber),
        BUCKETS,
      );
      if (cancelled || !result.ok || result.value.rows === 0) return;
      const { rows: total, matchBuckets, markRows } = result.value;
      const matches: number[] = [];
      matchBuckets.forEach((count, bucket) => {
        if (count > 0) matches.push((bucket + 0.5) / matchBuckets.length);
      });
      const marked: number[] = [];
      for (const row of markRows) if (row >= 0) marked.push((row + 0.5) / total);
      setTicks({ matches, marks: marked });
    };
    void ask();
    // Still growing (a search or a filter running): ask again now and then.
    const timer = settled ? undefined : window.setInterval(() => void ask(), REFRESH_MS);
    return () => {
      cancelled = true;
      if (timer !== undefined) window.clearInterval(timer);
    };
  }, [session, searchId, filterId, marks, hasRows, settled]);
  return ticks;
}
