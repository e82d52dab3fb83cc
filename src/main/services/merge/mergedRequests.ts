// What a merged view's session answers: the channels its tab uses to show rows, times, the
// timeline, copy and marks. Anything else (hex, edits, find, the filter, follow) is refused with a
// message naming what to use instead, never answered with another file's data.
import type { EditState, JournalState, RequestName } from '../../../shared/contract';
import { err, ok, type Result } from '../../../shared/result';
import { lineNumber, type LineNumber } from '../../../shared/units';
import type { MergedSession } from './mergedSession';

type Args = readonly unknown[];

const table: Partial<Record<RequestName, (view: MergedSession, args: Args) => Result<unknown>>> = {
  openText: (view) => ok(view.status()),
  indexStatus: (view) => ok(view.status()),
  cancelIndex: (view) => ok(view.status()),
  readLines: (view, [first, count]) => view.readLines(first as LineNumber, count as number),
  readLinesAt: (view, [rows, maxBytes]) => view.readLinesAt(rows as readonly number[], maxBytes as number),
  copyLines: (view, [first, last]) => view.copyLines(first as number, last as number),
  lineAtOffset: () => ok(lineNumber(0)),
  fileStatus: (view) =>
    ok({ session: view.id, mappedSize: view.info.size, currentSize: view.info.size, state: 'unchanged' }),
  editState: (view) =>
    ok({ session: view.id, generation: 0, canUndo: false, canRedo: false, modifiedBytes: 0 } satisfies EditState),
  journalStatus: () => ok(null satisfies JournalState | null),
  lastPosition: () => ok(null),
  savePosition: () => ok(null),
  findStatus: () => ok(null),
  filterStatus: () => ok(null),
  setFollow: (view, [follow]) => view.setFollow(follow as boolean),
  timelineStatus: (view) => ok(view.timelineStatus()),
  startTimeline: (view) => view.startTimeline(),
  timeState: (view) => ok(view.timeState()),
  seekTime: (view, [ms]) => view.seekTime(ms as number),
  lineTime: (view, [row]) => view.lineTime(row as LineNumber),
  scrollTicks: (view, [, , marks]) => ok(view.scrollTicks(marks as readonly number[])),
};

export function mergedRequest(view: MergedSession, name: RequestName, args: Args): Result<unknown> {
  const answer = table[name];
  if (answer !== undefined) return answer(view, args.slice(1));
  return err(
    'EUNSUPPORTED',
    `The merged view does not do that yet (${name}): use the tab of one of its files for the hex view, edits, find and the filter.`,
  );
}
