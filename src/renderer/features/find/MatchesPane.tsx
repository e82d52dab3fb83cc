// The matches pane: one row per match with its line number and line text, virtualized over any
// number of matches; a click jumps there.
import { useCallback, useMemo, useSyncExternalStore, type ReactElement } from 'react';
import { displayLine } from '../../../shared/units';
import { VirtualRows, type RowRenderProps } from '../../components/VirtualRows';
import { getApi } from '../../data/api';
import { MatchRowsCache } from '../../data/matchRowsCache';
import { useFileStore } from '../../state/fileStore';
import { focusView } from '../../shell/viewCommands';
import { useFindStore, useFindStoreApi } from '../../state/findStore';

interface PaneRowProps {
  cache: MatchRowsCache;
  currentIndex: number;
  version: number;
  onPick: (index: number) => void;
}

function PaneRow({ index, style, ariaAttributes, cache, currentIndex, onPick }: RowRenderProps & PaneRowProps) {
  const row = cache.row(index);
  const shown = row === undefined || row.line === null ? null : displayLine(row.line);
  return (
    <div
      {...ariaAttributes}
      className={`match-row${index === currentIndex ? ' current' : ''}`}
      style={{ ...style, width: 'auto', minWidth: '100%' }}
      data-line={shown ?? undefined}
      data-match-index={index}
      data-current={index === currentIndex ? 'true' : undefined}
      onClick={() => onPick(index)}
    >
      <span className="gutter">{row === undefined ? '' : (shown ?? '·')}</span>
      <span className="match-text">{row?.text ?? ''}</span>
    </div>
  );
}

export function MatchesPane({ onReveal }: { onReveal(offset: number, length: number): void }): ReactElement | null {
  const session = useFileStore((state) => state.info.session);
  const encoding = useFileStore((state) => state.index?.encoding ?? 'utf-8');
  const generation = useFileStore((state) => state.generation);
  const findStore = useFindStoreApi();
  const status = useFindStore((state) => state.status);
  const currentIndex = useFindStore((state) => state.current?.index ?? -1);
  const searchId = status?.searchId ?? null;
  const cache = useMemo(
    // Line numbers of matches change when the file is indexed again (a new generation).
    () => (searchId === null ? null : new MatchRowsCache(getApi(), session, searchId, encoding, generation)),
    [session, searchId, encoding, generation],
  );
  const subscribe = useCallback((listener: () => void) => cache?.subscribe(listener) ?? (() => undefined), [cache]);
  const version = useSyncExternalStore(subscribe, () => cache?.getVersion() ?? 0);
  const matchCount = status?.matchCount ?? 0;
  cache?.setKnown(matchCount);

  const pick = useCallback(
    (index: number) => {
      // The keyboard goes back to the view the match is shown in.
      focusView();
      void findStore
        .getState()
        .goTo(index)
        .then((match) => {
          if (match !== null) onReveal(match.offset, match.length);
        });
    },
    [onReveal, findStore],
  );
  const rowProps = useMemo<PaneRowProps | null>(
    () => (cache === null ? null : { cache, currentIndex, version: version + matchCount, onPick: pick }),
    [cache, currentIndex, version, matchCount, pick],
  );
  if (rowProps === null || status === null) return null;
  if (matchCount === 0) {
    const running = !status.done && !status.cancelled && status.error === null;
    return (
      <section className="matches-pane empty" data-testid="matches" aria-label="Matches">
        <p className="matches-state" role="status" data-state={running ? 'searching' : 'none'}>
          {running ? 'Searching…' : status.cancelled ? 'No matches before the search was cancelled' : 'No matches'}
        </p>
      </section>
    );
  }
  return (
    <section className="matches-pane" data-testid="matches" aria-label="Matches">
      <VirtualRows totalRows={matchCount} rowHeight={20} rowComponent={PaneRow} rowProps={rowProps} label="Matches" />
    </section>
  );
}
