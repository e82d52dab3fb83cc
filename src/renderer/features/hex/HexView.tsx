// Hex + ASCII rows over the whole file, virtualized; bytes come from the page cache.
import {
  useCallback,
  useEffect,
  useMemo,
  useRef,
  useSyncExternalStore,
  type KeyboardEvent,
  type ReactElement,
} from 'react';
import { VirtualRows, type RowRenderProps, type VirtualRowsHandle } from '../../components/VirtualRows';
import type { ByteCache } from '../../data/byteCache';
import { asciiChar, byteHex, offsetHex, offsetWidth } from '../../format';
import { useFileStore, useFileStoreApi } from '../../state/fileStore';

const ROW_HEIGHT = 20;

interface HexRowProps {
  cache: ByteCache;
  bytesPerRow: number;
  size: number;
  digits: number;
  cursor: number;
  version: number;
  onPick: (offset: number) => void;
}

function HexRow({ index, style, cache, bytesPerRow, size, digits, cursor, onPick }: RowRenderProps & HexRowProps) {
  const start = index * bytesPerRow;
  const end = Math.min(start + bytesPerRow, size);
  const bytes = cache.slice(start, end);
  const hexCells: ReactElement[] = [];
  const charCells: ReactElement[] = [];
  for (let offset = start; offset < start + bytesPerRow; offset++) {
    const inFile = offset < end;
    const value = inFile && bytes !== undefined ? bytes[offset - start] : undefined;
    const isCursor = offset === cursor;
    const common = {
      className: `cell${isCursor ? ' cursor' : ''}${value === undefined ? ' pending' : ''}`,
      'data-cursor': isCursor ? 'true' : undefined,
      onMouseDown: inFile ? () => onPick(offset) : undefined,
    };
    if (!inFile) {
      hexCells.push(
        <span key={offset} className="cell void">
          {'  '}
        </span>,
      );
      charCells.push(
        <span key={offset} className="cell void">
          {' '}
        </span>,
      );
      continue;
    }
    hexCells.push(
      <span key={offset} {...common} data-byte={offset}>
        {value === undefined ? '··' : byteHex(value)}
      </span>,
    );
    charCells.push(
      <span key={offset} {...common} data-char={offset}>
        {value === undefined ? '·' : asciiChar(value)}
      </span>,
    );
  }
  return (
    <div className="hex-row" style={style} data-offset={start}>
      <span className="hex-offset">{offsetHex(start, digits)}</span>
      <span className="hex-bytes">{hexCells}</span>
      <span className="hex-chars">{charCells}</span>
    </div>
  );
}

export function HexView({ cache }: { cache: ByteCache }): ReactElement {
  const size = useFileStore((state) => state.info.size);
  const bytesPerRow = useFileStore((state) => state.bytesPerRow);
  const cursor = useFileStore((state) => state.cursor);
  const setCursor = useFileStore((state) => state.setCursor);
  const version = useSyncExternalStore(cache.subscribe, cache.getVersion);
  const rows = useRef<VirtualRowsHandle>(null);
  const totalRows = Math.ceil(size / bytesPerRow);

  const moveCursor = useCallback(
    (offset: number) => {
      const clamped = Math.min(Math.max(0, offset), size - 1);
      setCursor(clamped);
      rows.current?.scrollToRow(Math.floor(clamped / bytesPerRow), 'auto');
    },
    [setCursor, size, bytesPerRow],
  );

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>): void => {
    const page = (rows.current?.visibleRowCount() ?? 1) * bytesPerRow;
    const rowStart = cursor - (cursor % bytesPerRow);
    const moves: Record<string, number | undefined> = {
      ArrowLeft: cursor - 1,
      ArrowRight: cursor + 1,
      ArrowUp: cursor - bytesPerRow,
      ArrowDown: cursor + bytesPerRow,
      PageUp: cursor - page,
      PageDown: cursor + page,
      Home: event.ctrlKey || event.metaKey ? 0 : rowStart,
      End: event.ctrlKey || event.metaKey ? size - 1 : rowStart + bytesPerRow - 1,
    };
    const target = moves[event.key];
    if (target === undefined) return;
    event.preventDefault();
    moveCursor(target);
  };

  // A view switch asks us to show an offset (the text view's current line).
  const store = useFileStoreApi();
  useEffect(() => {
    const reveal = store.getState().reveal;
    if (reveal === null || reveal.kind !== 'offset' || size === 0) return;
    store.getState().setReveal(null);
    const offset = Math.min(reveal.offset, size - 1);
    setCursor(offset);
    rows.current?.scrollToRow(Math.floor(offset / bytesPerRow), 'center');
  }, [store, size, bytesPerRow, setCursor]);

  const rowProps = useMemo<HexRowProps>(
    () => ({ cache, bytesPerRow, size, digits: offsetWidth(size), cursor, version, onPick: setCursor }),
    [cache, bytesPerRow, size, cursor, version, setCursor],
  );

  if (size === 0) {
    return (
      <div className="hex-view empty" data-testid="hex-view">
        <p className="empty-note">This file is empty (0 bytes).</p>
      </div>
    );
  }
  return (
    <div className="hex-view" data-testid="hex-view" tabIndex={0} onKeyDown={onKeyDown}>
      <VirtualRows
        handleRef={rows}
        totalRows={totalRows}
        rowHeight={ROW_HEIGHT}
        rowComponent={HexRow}
        rowProps={rowProps}
        label="Hex rows"
      />
    </div>
  );
}
