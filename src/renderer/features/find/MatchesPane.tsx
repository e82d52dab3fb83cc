// The matches pane: one row per match with its line number and line text (the match marked),
// virtualized over any number of matches. A click jumps there and gives the keyboard back to the
// view; with focus in the pane, the arrow keys, PgUp/PgDn and Home/End move through the matches
// (each shown in the view), Enter goes to the view, Esc too.
import {
  useCallback,
  useEffect,
  useMemo,
  useRef,
  useSyncExternalStore,
  type KeyboardEvent,
  type ReactElement,
  type ReactNode,
} from 'react';
import type { MergedFile, TextEncodingName } from '../../../shared/contract';
import { displayLine } from '../../../shared/units';
import { VirtualRows, type RowRenderProps, type VirtualRowsHandle } from '../../components/VirtualRows';
import { getApi } from '../../data/api';
import { MatchRowsCache, type MatchRow } from '../../data/matchRowsCache';
import { charRange } from '../text/displayLine';
import { useFileStore } from '../../state/fileStore';
import { useAppStore } from '../../state/appStore';
import { rowHeightFor, shortName } from '../../format';
import { focusView } from '../../shell/viewCommands';
import { useFindStore, useFindStoreApi } from '../../state/findStore';

interface PaneRowProps {
  cache: MatchRowsCache;
  currentIndex: number;
  /** Digits of the file's line count: the gutter is as wide as the text view's. */
  digits: number;
  /** A merged view's files: each row names its own. */
  sources: readonly MergedFile[] | null;
  version: number;
  onPick: (index: number) => void;
}

/** The row's line text with its match marked (when the match starts within the shown bytes). */
function marked(row: MatchRow, encoding: TextEncodingName): ReactNode {
  const line = row.display;
  const inLine = row.offset - line.fileOffset;
  if (inLine < 0 || inLine >= line.bytes.byteLength) return line.text;
  const [start, end] = charRange(line, row.offset, row.offset + row.length, encoding);
  return [
    line.text.slice(0, start),
    <mark key="match" data-match="true">
      {line.text.slice(start, end)}
    </mark>,
    line.text.slice(end),
  ];
}

function PaneRow({
  index,
  style,
  ariaAttributes,
  cache,
  currentIndex,
  digits,
  sources,
  onPick,
}: RowRenderProps & PaneRowProps) {
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
      <span className="gutter" style={{ width: `${digits + 2}ch` }}>
        {row === undefined ? '' : (shown ?? '·')}
      </span>
      {sources !== null && (
        <span
          data-part="source"
          className={`source source-${(row?.source ?? 0) % 8}`}
          title={row?.source == null ? undefined : (sources[row.source]?.name ?? '')}
        >
          {row?.source == null ? '' : shortName(sources[row.source]?.name ?? '')}
        </span>
      )}
      <span className="match-text">{row === undefined ? '' : marked(row, cache.encoding)}</span>
    </div>
  );
}

export function MatchesPane({ onReveal }: { onReveal(offset: number, length: number): void }): ReactElement | null {
  const fontSize = useAppStore((state) => state.settings.fontSize);
  const session = useFileStore((state) => state.info.session);
  const encoding = useFileStore((state) => state.index?.encoding ?? 'utf-8');
  const mergedFiles = useFileStore((state) => state.info.merged ?? null);
  const generation = useFileStore((state) => state.generation);
  const digits = String(
    Math.max(
      useFileStore((state) => state.index?.linesKnown ?? 0),
      1,
    ),
  ).length;
  const rows = useRef<VirtualRowsHandle>(null);
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
    () =>
      cache === null
        ? null
        : { cache, currentIndex, digits, sources: mergedFiles, version: version + matchCount, onPick: pick },
    [cache, currentIndex, digits, mergedFiles, version, matchCount, pick],
  );

  // The current match's row stays in sight, however it became current (F3, Enter, the keys here).
  useEffect(() => {
    if (currentIndex >= 0) rows.current?.scrollToRow(currentIndex, 'auto');
  }, [currentIndex]);

  // The match the keys last asked for: keys pressed faster than the answers come move on from it.
  const requested = useRef<number | null>(null);
  useEffect(() => {
    if (requested.current === currentIndex) requested.current = null;
  }, [currentIndex]);

  const onKeyDown = (event: KeyboardEvent<HTMLElement>): void => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const page = Math.max(1, (rows.current?.visibleRowCount() ?? 1) - 1);
    const from = requested.current ?? currentIndex;
    const moves: Record<string, number> = {
      ArrowDown: from + 1,
      ArrowUp: from < 0 ? 0 : from - 1,
      PageDown: from + page,
      PageUp: from - page,
      Home: 0,
      End: matchCount - 1,
    };
    const target = moves[event.key];
    if (target !== undefined) {
      event.preventDefault();
      const index = Math.min(Math.max(target, 0), matchCount - 1);
      if (index === from) return;
      requested.current = index;
      void findStore
        .getState()
        .goTo(index)
        .then((match) => {
          if (match !== null) onReveal(match.offset, match.length);
        });
    } else if (event.key === 'Enter' || event.key === 'Escape') {
      event.preventDefault();
      focusView();
    }
  };
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
    <section
      className="matches-pane"
      data-testid="matches"
      data-keys="own"
      aria-label="Matches"
      aria-description="Arrow keys move through the matches; Enter goes to the text"
      tabIndex={0}
      onKeyDown={onKeyDown}
    >
      <VirtualRows
        totalRows={matchCount}
        rowHeight={rowHeightFor(fontSize)}
        rowComponent={PaneRow}
        rowProps={rowProps}
        handleRef={rows}
        label="Matches"
      />
    </section>
  );
}
