// The matches pane: one row per match with its line number and line text, virtualized over any
// number of matches; a click jumps there.
import { useCallback, useMemo, useSyncExternalStore, type ReactElement } from 'react';
import type { HexlogApi, TextEncodingName } from '../../../shared/contract';
import { displayLine, lineNumber, type LineNumber, type SessionId } from '../../../shared/units';
import { VirtualRows, type RowRenderProps } from '../../components/VirtualRows';
import { getApi } from '../../data/api';
import { Notifier } from '../../data/notifier';
import { useFileStore } from '../../state/fileStore';
import { useFindStore, useFindStoreApi } from '../../state/findStore';
import { lineText } from '../text/decode';

const BLOCK = 100;

interface MatchRow {
  /** The match's 0-based line, or null while its line is not indexed. */
  readonly line: LineNumber | null;
  readonly offset: number;
  readonly text: string;
}

class MatchRowsCache extends Notifier {
  private readonly blocks = new Map<number, MatchRow[]>();
  private readonly inFlight = new Set<number>();
  private known = 0;

  constructor(
    private readonly api: HexlogApi,
    private readonly session: SessionId,
    private readonly searchId: number,
    private readonly encoding: TextEncodingName,
    /** The index generation the rows' line numbers belong to. */
    readonly generation: number,
  ) {
    super();
  }

  /** Matches found so far; a block fetched short is fetched again once more are known. */
  setKnown(count: number): void {
    this.known = count;
  }

  row(index: number): MatchRow | undefined {
    const blockIndex = Math.floor(index / BLOCK);
    const block = this.blocks.get(blockIndex);
    const found = block?.[index - blockIndex * BLOCK];
    const complete = block !== undefined && (block.length === BLOCK || blockIndex * BLOCK + block.length >= this.known);
    if (found === undefined && !complete) this.request(blockIndex);
    return found;
  }

  private request(blockIndex: number): void {
    if (this.inFlight.has(blockIndex)) return;
    this.inFlight.add(blockIndex);
    void this.api.matchRows(this.session, this.searchId, blockIndex * BLOCK, BLOCK).then((result) => {
      this.inFlight.delete(blockIndex);
      if (!result.ok) return;
      const page = result.value;
      const rows: MatchRow[] = [];
      for (let i = 0; i < page.offsets.length; i++) {
        const bytes = page.lineBytes.subarray(page.lineStarts[i]!, page.lineStarts[i + 1]!);
        const line = page.lines[i]!;
        rows.push({
          line: line >= 0 ? lineNumber(line) : null,
          offset: page.offsets[i]!,
          text: lineText(bytes, this.encoding, page.lineOffsets[i] === 0, true),
        });
      }
      this.blocks.set(blockIndex, rows);
      this.notify();
    });
  }
}

interface PaneRowProps {
  cache: MatchRowsCache;
  currentIndex: number;
  version: number;
  onPick: (index: number) => void;
}

function PaneRow({ index, style, cache, currentIndex, onPick }: RowRenderProps & PaneRowProps) {
  const row = cache.row(index);
  const shown = row === undefined || row.line === null ? null : displayLine(row.line);
  return (
    <div
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
  return (
    <section className="matches-pane" data-testid="matches" aria-label="Matches">
      <VirtualRows totalRows={matchCount} rowHeight={20} rowComponent={PaneRow} rowProps={rowProps} label="Matches" />
    </section>
  );
}
