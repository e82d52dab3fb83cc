// The compare channels' handlers: each finds the caller's compare tab and asks it.
import type { RequestArgs, RequestResult } from '../../../shared/contract';
import { err, ok, type Result } from '../../../shared/result';
import type { SessionId } from '../../../shared/units';
import type { CompareSession } from './compareSession';

export type CompareRequest =
  'compareFiles' | 'compareStatus' | 'cancelCompare' | 'readCompared' | 'diffRanges' | 'nextDiff' | 'diffTicks';

interface Context {
  readonly owner: string;
}

type Handler<K extends CompareRequest> = (
  context: Context,
  args: RequestArgs<K>,
) => Result<RequestResult<K>> | Promise<Result<RequestResult<K>>>;

/** What the handlers need of the session registry. */
export interface CompareHost {
  compare(a: SessionId, b: SessionId, owner: string): Result<RequestResult<'compareFiles'>>;
  getCompare(id: SessionId, owner: string): CompareSession | null;
}

export function compareHandlers(sessions: CompareHost): { [K in CompareRequest]: Handler<K> } {
  const withCompare = <R>(context: Context, id: SessionId, act: (view: CompareSession) => Result<R>): Result<R> => {
    const view = sessions.getCompare(id, context.owner);
    return view === null ? err('ENOSESSION', `no compare tab with session id ${id}`) : act(view);
  };
  return {
    compareFiles: (context, [a, b]) => sessions.compare(a, b, context.owner),
    compareStatus: (context, [id]) => withCompare(context, id, (view) => ok(view.status())),
    cancelCompare: (context, [id]) => withCompare(context, id, (view) => ok(view.cancel())),
    readCompared: (context, [id, offset, length]) => withCompare(context, id, (view) => view.read(offset, length)),
    diffRanges: (context, [id, first, count]) => withCompare(context, id, (view) => view.ranges(first, count)),
    nextDiff: (context, [id, offset, direction]) => withCompare(context, id, (view) => view.step(offset, direction)),
    diffTicks: (context, [id, buckets]) => withCompare(context, id, (view) => view.ticks(buckets)),
  };
}
