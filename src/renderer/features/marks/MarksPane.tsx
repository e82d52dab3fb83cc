// The marks pane: each marked line with its number and text, virtualized over any number of marks.
// A click (or Enter) goes there and gives the keyboard back to the view; the arrow keys move
// through the marks, Delete unmarks one.
import { useCallback, useMemo, useState, useSyncExternalStore, type KeyboardEvent, type ReactElement } from 'react';
import { MAX_LINES_PER_READ, type HexlogApi, type TextEncodingName } from '../../../shared/contract';
import { ok, type Result } from '../../../shared/result';
import { displayLine, lineNumber, type SessionId } from '../../../shared/units';
import { VirtualRows, type RowRenderProps } from '../../components/VirtualRows';
import { getApi } from '../../data/api';
import { PagedCache, type RowBlock } from '../../data/pagedCache';
import { rowHeightFor, plural } from '../../format';
import { useAppStore } from '../../state/appStore';
import { useFileStore, useFileStoreApi } from '../../state/fileStore';
import { useLogStore, useLogStoreApi } from '../../state/logStore';
import { messages } from '../../state/messages';
import { focusView } from '../../shell/viewCommands';
import { runCommand } from '../../shell/commands';
import { lineText } from '../text/decode';

const BLOCK = Math.min(256, MAX_LINES_PER_READ);
const LINE_BYTES = 1024;

/** The marked lines' text, a block of marks per readLinesAt call. */
class MarkedLinesCache extends PagedCache<RowBlock<string>> {
  constructor(
    api: HexlogApi,
    session: SessionId,
    marks: readonly number[],
    encoding: TextEncodingName,
    generation: number,
  ) {
    super({
      generation,
      maxPages: 64,
      onError: messages.error,
      fetch: async (block): Promise<Result<RowBlock<string>>> => {
        const lines = marks.slice(block * BLOCK, (block + 1) * BLOCK).map(lineNumber);
        const read = await api.readLinesAt(session, lines, LINE_BYTES);
        if (!read.ok) return read;
        const slice = read.value;
        const byLine = new Map<number, string>();
        for (let i = 0; i < slice.count; i++) {
          const bytes = slice.bytes.subarray(slice.textStarts[i]!, slice.textStarts[i + 1]!);
          byLine.set(
            slice.lines[i]!,
            lineText(bytes, encoding, slice.fileOffsets[i] === 0, bytes.byteLength === slice.fullLengths[i]),
          );
        }
        // A mark past the lines indexed so far (or past a shrunk file's end) shows without text.
        return ok({ rows: lines.map((line) => byLine.get(line) ?? ''), knownAtRequest: marks.length });
      },
    });
  }

  text(index: number): string | undefined {
    const block = Math.floor(index / BLOCK);
    return this.get(block)?.rows[index - block * BLOCK];
  }
}

interface MarkRowProps {
  marks: readonly number[];
  cache: MarkedLinesCache;
  selected: number;
  digits: number;
  version: number;
  onPick: (index: number) => void;
}

function MarkRow({
  index,
  style,
  ariaAttributes,
  marks,
  cache,
  selected,
  digits,
  onPick,
}: RowRenderProps & MarkRowProps) {
  const line = marks[index]!;
  return (
    <div
      {...ariaAttributes}
      className={`match-row${index === selected ? ' current' : ''}`}
      style={{ ...style, width: 'auto', minWidth: '100%' }}
      data-line={displayLine(lineNumber(line))}
      data-current={index === selected ? 'true' : undefined}
      onClick={() => onPick(index)}
    >
      <span className="gutter" style={{ width: `${digits + 2}ch` }}>
        {displayLine(lineNumber(line))}
      </span>
      <span className="match-text">{cache.text(index) ?? ''}</span>
    </div>
  );
}

export function MarksPane(): ReactElement {
  const fontSize = useAppStore((state) => state.settings.fontSize);
  const session = useFileStore((state) => state.info.session);
  const encoding = useFileStore((state) => state.index?.encoding ?? 'utf-8');
  const generation = useFileStore((state) => state.generation);
  const linesKnown = useFileStore((state) => state.index?.linesKnown ?? 0);
  const fileStore = useFileStoreApi();
  const logStore = useLogStoreApi();
  const marks = useLogStore((state) => state.marks);
  const [selected, setSelected] = useState(-1);
  const cache = useMemo(
    () => new MarkedLinesCache(getApi(), session, marks, encoding, generation),
    // The text of the marked lines changes with the marks, the encoding and a re-index.
    [session, marks, encoding, generation],
  );
  const version = useSyncExternalStore(cache.subscribe, cache.getVersion);

  const go = useCallback(
    (index: number, keepFocus: boolean) => {
      const line = marks[index];
      if (line === undefined) return;
      setSelected(index);
      fileStore.getState().setReveal({ kind: 'line', line: lineNumber(line) });
      if (!keepFocus) focusView();
    },
    [marks, fileStore],
  );
  const rowProps = useMemo<MarkRowProps>(
    () => ({
      marks,
      cache,
      selected,
      digits: String(Math.max(linesKnown, 1)).length,
      version,
      onPick: (index) => go(index, false),
    }),
    [marks, cache, selected, linesKnown, version, go],
  );

  const onKeyDown = (event: KeyboardEvent<HTMLElement>): void => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const moves: Record<string, number> = {
      ArrowDown: selected + 1,
      ArrowUp: Math.max(0, selected - 1),
      Home: 0,
      End: marks.length - 1,
    };
    const target = moves[event.key];
    if (target !== undefined) {
      event.preventDefault();
      go(Math.min(Math.max(0, target), marks.length - 1), true);
    } else if ((event.key === 'Delete' || event.key === 'Backspace') && marks[selected] !== undefined) {
      event.preventDefault();
      logStore.getState().toggleMark(marks[selected]);
      setSelected(Math.min(selected, marks.length - 2));
    } else if (event.key === 'Enter' || event.key === 'Escape') {
      event.preventDefault();
      focusView();
    }
  };

  return (
    <section
      className="matches-pane marks-pane"
      data-testid="marks"
      data-count={marks.length}
      data-keys="own"
      aria-label="Marked lines"
      aria-description="Arrow keys move through the marks; Delete unmarks; Enter goes to the text"
      tabIndex={0}
      onKeyDown={onKeyDown}
    >
      <header className="pane-header">
        <span>{plural(marks.length, 'marked line')}</span>
        <button type="button" onClick={() => runCommand('edit.copyMarked')} disabled={marks.length === 0}>
          Copy marked lines
        </button>
        <button type="button" onClick={() => runCommand('file.exportMarked')} disabled={marks.length === 0}>
          Export…
        </button>
        <button type="button" onClick={() => logStore.getState().setMarks([])} disabled={marks.length === 0}>
          Unmark all
        </button>
        <button type="button" aria-label="Close the marks pane" onClick={() => logStore.getState().setMarksOpen(false)}>
          ×
        </button>
      </header>
      {marks.length === 0 ? (
        <p className="matches-state" role="status">
          No marked lines. M (or a click in the gutter) marks the current line; ] and [ go to the next and previous.
        </p>
      ) : (
        <VirtualRows
          totalRows={marks.length}
          rowHeight={rowHeightFor(fontSize)}
          rowComponent={MarkRow}
          rowProps={rowProps}
          label="Marked lines"
        />
      )}
    </section>
  );
}
