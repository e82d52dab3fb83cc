// The bottom row: where the cursor or current line is, the selection, the line count and the
// index's progress, the file's size.
import type { ReactElement } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { textEncodings, type TextEncodingName } from '../../shared/contract';
import { displayLine, lineNumber } from '../../shared/units';
import { Progress } from '../components/Progress';
import { formatSize, offsetText, plural } from '../format';
import { useLogStore } from '../state/logStore';
import { useFileStore, useFileStoreApi } from '../state/fileStore';
import { TimeInfo, TimeFormatPicker } from '../features/time/TimeStatus';

const encodingLabels: Record<TextEncodingName, string> = {
  'utf-8': 'UTF-8',
  latin1: 'Latin-1',
  'utf-16le': 'UTF-16 LE',
  'utf-16be': 'UTF-16 BE',
};

/** The text encoding, shown as a word and changed by a click (a plain select, styled flat). */
function EncodingPicker(): ReactElement {
  const encoding = useFileStore((state) => state.index?.encoding ?? 'utf-8');
  const store = useFileStoreApi();
  return (
    <select
      className="flat"
      aria-label="Encoding"
      title="Text encoding: click to read the file in another one"
      value={encoding}
      onChange={(event) => void store.getState().setEncoding(event.target.value as TextEncodingName)}
    >
      {textEncodings.map((name) => (
        <option key={name} value={name}>
          {encodingLabels[name]}
        </option>
      ))}
    </select>
  );
}

function HexPosition(): ReactElement | null {
  const { cursor, anchor, size, base } = useFileStore(
    useShallow((state) => ({
      cursor: state.cursor,
      anchor: state.selectionAnchor,
      size: state.info.size,
      base: state.offsetBase,
    })),
  );
  if (size === 0) return null;
  const start = Math.min(cursor, anchor);
  const end = Math.max(cursor, anchor);
  const length = end - start + 1;
  return (
    <>
      <span data-testid="cursor-offset" data-offset={cursor}>
        Offset {offsetText(cursor, base)}
      </span>
      {length > 1 && (
        <span data-testid="selection-length" data-bytes={length} data-start={start} data-end={end}>
          Selected {offsetText(start, base)} – {offsetText(end, base)}: {plural(length, 'byte')} (0x
          {length.toString(16).toUpperCase()})
        </span>
      )}
    </>
  );
}

function TextPosition(): ReactElement | null {
  const { currentLine, anchorLine, linesKnown } = useFileStore(
    useShallow((state) => ({
      currentLine: state.currentLine,
      anchorLine: state.anchorLine,
      linesKnown: state.index?.linesKnown ?? 0,
    })),
  );
  const rowCursor = useFileStore((state) => state.rowCursor);
  // In the filtered view the selection holds the rows shown between its ends, not the hidden lines.
  const filterId = useLogStore((state) =>
    state.filterView && state.status !== null && state.status.active ? state.status.filterId : null,
  );
  if (linesKnown === 0) return null;
  const first = lineNumber(Math.min(currentLine, anchorLine));
  const last = lineNumber(Math.max(currentLine, anchorLine));
  const count =
    filterId !== null && rowCursor?.filterId === filterId
      ? Math.abs(rowCursor.current - rowCursor.anchor) + 1
      : last - first + 1;
  return (
    <>
      <span data-testid="current-line" data-at-line={displayLine(currentLine)}>
        Line {displayLine(currentLine).toLocaleString('en-US')}
      </span>
      {count > 1 && (
        <span
          data-testid="selection-length"
          data-lines={count}
          data-start={displayLine(first)}
          data-end={displayLine(last)}
        >
          Selected lines {displayLine(first).toLocaleString('en-US')} – {displayLine(last).toLocaleString('en-US')}:{' '}
          {plural(count, filterId !== null ? 'shown line' : 'line')}
        </span>
      )}
    </>
  );
}

export function StatusBar(): ReactElement {
  const size = useFileStore((state) => state.info.size);
  const compression = useFileStore((state) => state.info.compression);
  const merged = useFileStore((state) => state.info.merged !== undefined);
  const view = useFileStore((state) => state.view);
  const index = useFileStore((state) => state.index);
  const store = useFileStoreApi();
  const indexing = index !== null && !index.done && !index.cancelled && index.error === null;
  const percent =
    index === null || index.totalBytes === 0 ? 100 : Math.floor((index.bytesScanned / index.totalBytes) * 100);
  return (
    <footer className="statusbar">
      {view !== 'text' ? <HexPosition /> : <TextPosition />}
      {view === 'text' && <TimeInfo />}
      <span className="spacer" />
      {index !== null && view === 'text' && (
        <span
          className="line-count"
          data-testid="line-count"
          data-lines={index.done ? index.linesKnown : undefined}
          data-done={index.done ? 'true' : 'false'}
        >
          {plural(index.linesKnown, 'line')}
          {index.done ? '' : ' so far'}
        </span>
      )}
      {indexing && (
        <span className="indexing">
          <Progress label="Indexing lines" percent={percent} />
          <span>indexing {percent}%</span>
          <button type="button" onClick={() => void store.getState().cancelIndex()}>
            Cancel indexing
          </button>
        </span>
      )}
      {index?.cancelled === true && <span>Indexing cancelled at {percent}%</span>}
      {index?.error != null && <span role="alert">Indexing stopped: {index.error.message}</span>}
      {compression !== null && (
        <span
          data-testid="compressed"
          data-compression={compression}
          title="Shown from a temporary decompressed copy, deleted when the tab closes"
        >
          {compression}: read-only
        </span>
      )}
      {view === 'text' && !merged && <TimeFormatPicker />}
      {!merged && <EncodingPicker />}
      <span
        className="file-size"
        data-testid="file-size"
        data-bytes={size}
        title={`${size.toLocaleString('en-US')} bytes`}
      >
        {formatSize(size)}
      </span>
    </footer>
  );
}
