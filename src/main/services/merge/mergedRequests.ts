// What a merged view's session answers: the channels its tab uses to show rows, times, the
// timeline, find, the filtered view, copy and marks (export goes through its own handler, which
// asks the host for a place). Anything else (hex, edits, replace) is refused with a message naming
// what to use instead, never answered with another file's data.
import {
  MAX_MATCHES_PER_PAGE,
  type EditState,
  type FilterSpec,
  type FindQuery,
  type JournalState,
  type RequestName,
} from '../../../shared/contract';
import { err, ok, type Result } from '../../../shared/result';
import type { LineNumber } from '../../../shared/units';
import type { MergedSession } from './mergedSession';

type Args = readonly unknown[];

const table: Partial<Record<RequestName, (view: MergedSession, args: Args) => Result<unknown>>> = {
  openText: (view) => ok(view.status()),
  indexStatus: (view) => ok(view.status()),
  cancelIndex: (view) => ok(view.status()),
  readLines: (view, [first, count]) => view.readLines(first as LineNumber, count as number),
  readLinesAt: (view, [rows, maxBytes]) => view.readLinesAt(rows as readonly number[], maxBytes as number),
  copyLines: (view, [first, last]) => view.copyLines(first as number, last as number),
  lineAtOffset: (view, [offset]) => view.rowAtOffset(offset as number),
  fileStatus: (view) =>
    ok({ session: view.id, mappedSize: view.info.size, currentSize: view.info.size, state: 'unchanged' }),
  editState: (view) =>
    ok({ session: view.id, generation: 0, canUndo: false, canRedo: false, modifiedBytes: 0 } satisfies EditState),
  journalStatus: () => ok(null satisfies JournalState | null),
  lastPosition: () => ok(null),
  savePosition: () => ok(null),
  startFind: (view, [query]) => view.find.start(query as FindQuery),
  findStatus: (view) => ok(view.find.status()),
  cancelFind: (view) => ok(view.find.cancel()),
  findMatches: (view, [searchId, first, count]) =>
    view.find.matches(searchId as number, first as number, count as number),
  matchesInRange: (view, [searchId, start, end]) =>
    (end as number) < (start as number)
      ? err('EINVAL', 'matchesInRange: end offset is before start offset')
      : view.find.inRange(searchId as number, start as number, end as number, MAX_MATCHES_PER_PAGE),
  matchIndexAt: (view, [searchId, offset]) => view.find.indexAt(searchId as number, offset as number),
  matchRows: (view, [searchId, first, count]) => view.find.rows(searchId as number, first as number, count as number),
  replaceMatches: () => err('EREADONLY', 'The merged view is read-only: replace in the tab of the file.'),
  setFilter: (view, [spec]) => view.filter.set(spec as FilterSpec),
  filterStatus: (view) => ok(view.filter.status()),
  readFilteredLines: (view, [filterId, first, count]) =>
    view.readFilteredLines(filterId as number, first as number, count as number),
  filterRowOfLine: (view, [filterId, row]) => view.filter.rowOfMergedRow(filterId as number, row as number),
  filterRowsOfLines: (view, [filterId, rows]) =>
    view.filter.rowsOfMergedRows(filterId as number, rows as readonly number[]),
  copyFilteredLines: (view, [filterId, first, last]) =>
    view.copyFilteredLines(filterId as number, first as number, last as number),
  shownMatch: (view, [searchId, filterId, from, direction]) =>
    view.shownMatch(searchId as number, filterId as number, from as number, direction as 1 | -1),
  setFollow: (view, [follow]) => view.setFollow(follow as boolean),
  timelineStatus: (view) => ok(view.timelineStatus()),
  startTimeline: (view, [searchId]) => view.startTimeline(searchId as number),
  timeState: (view) => ok(view.timeState()),
  seekTime: (view, [ms]) => view.seekTime(ms as number),
  lineTime: (view, [row]) => view.lineTime(row as LineNumber),
  scrollTicks: (view, [searchId, filterId, marks, buckets]) =>
    view.scrollTicks(searchId as number, filterId as number, marks as readonly number[], buckets as number),
};

export function mergedRequest(view: MergedSession, name: RequestName, args: Args): Result<unknown> {
  const answer = table[name];
  if (answer !== undefined) return answer(view, args.slice(1));
  return err(
    'EUNSUPPORTED',
    `The merged view does not do that yet (${name}): use the tab of one of its files for the hex view and edits.`,
  );
}
