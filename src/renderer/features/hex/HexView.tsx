// Hex + ASCII rows over the whole file, virtualized; bytes (with pending edits) come from the page
// cache. Overwrite-only editing: hex digits in the hex pane, characters in the ASCII pane, pasted hex.
import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore, type ReactElement } from 'react';
import { GoToInput } from '../../components/GoToInput';
import { useGoTo } from '../goto/useGoTo';
import { parseOffsetTarget } from '../goto/parseTarget';
import { VirtualRows, type RowRenderProps, type VirtualRowsHandle } from '../../components/VirtualRows';
import type { ByteCache } from '../../data/byteCache';
import { asciiText, hexText, MAX_HEX_COPY_BYTES, tooBigToCopy, writeClipboard } from '../../clipboard';
import { getApi } from '../../data/api';
import { asciiChar, byteHex, offsetHex, offsetWidth, plural, rowHeightFor } from '../../format';
import { useAppStore } from '../../state/appStore';
import { byteCount, byteOffset } from '../../../shared/units';
import { useFileStore, useFileStoreApi } from '../../state/fileStore';
import { clearErrors, messages } from '../../state/messages';
import { matchAt, useMatchesInRange, type VisibleMatches } from '../find/useMatches';
import { Inspector } from './Inspector';
import { ByteMapStrip } from '../binary/ByteMapStrip';
import { modalOpen, useViewCommands } from '../../shell/viewCommands';
import { copyFormat, copyLimit, MAX_PASTE_BYTES, parsePasted, type CopyFormatId } from './copyFormats';
import { useHexTools, useHexToolsStoreApi } from '../../state/hexToolsStore';
import { MAX_READ_BYTES, type Bookmark } from '../../../shared/contract';
import type { CommandId } from '../../../shared/commands';
import { HexContextMenu, readClipboardText } from './HexContextMenu';
import { cursorMove } from './cursorMove';
import { runCommand as runCommandFromMenu } from '../../shell/commands';

interface HexRowProps {
  cache: ByteCache;
  matches: VisibleMatches;
  bytesPerRow: number;
  size: number;
  digits: number;
  decimal: boolean;
  cursor: number;
  selectionStart: number;
  selectionEnd: number;
  pane: 'hex' | 'ascii';
  version: number;
  /** The bookmarks over the rows in view, in offset order. */
  bookmarks: readonly Bookmark[];
  onPick: (offset: number, pane: 'hex' | 'ascii', extend: boolean) => void;
}

/** The bookmark drawn at `offset`: the last (in offset order) of those covering it. */
function bookmarkAt(bookmarks: readonly Bookmark[], offset: number): Bookmark | undefined {
  let found: Bookmark | undefined;
  for (const bookmark of bookmarks) {
    if (bookmark.offset > offset) break;
    if (offset < bookmark.offset + bookmark.length) found = bookmark;
  }
  return found;
}

function HexRow(props: RowRenderProps & HexRowProps) {
  const {
    index,
    style,
    ariaAttributes,
    cache,
    matches,
    bytesPerRow,
    size,
    digits,
    decimal,
    cursor,
    selectionStart,
    selectionEnd,
    pane,
    bookmarks,
    onPick,
  } = props;
  const start = index * bytesPerRow;
  const end = Math.min(start + bytesPerRow, size);
  const bytes = cache.slice(start, end);
  const hexCells: ReactElement[] = [];
  const charCells: ReactElement[] = [];
  for (let offset = start; offset < start + bytesPerRow; offset++) {
    if (offset >= end) {
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
    const value = bytes?.[offset - start];
    const isCursor = offset === cursor;
    const selected = selectionStart !== selectionEnd && offset >= selectionStart && offset <= selectionEnd;
    const modified = cache.isModified(offset);
    const className = (which: 'hex' | 'ascii'): string =>
      `cell${isCursor ? (which === pane ? ' cursor' : ' cursor-shadow') : ''}${selected ? ' selected' : ''}${
        modified ? ' modified' : ''
      }${value === undefined ? ' pending' : ''}${inMatch === 2 ? ' match current-match' : inMatch === 1 ? ' match' : ''}${
        bookmark !== undefined ? ' bookmarked' : ''
      }`;
    const inMatch = matchAt(matches, offset);
    const bookmark = bookmarks.length > 0 ? bookmarkAt(bookmarks, offset) : undefined;
    const common = {
      ...(bookmark !== undefined
        ? {
            'data-bookmarked': bookmark.name,
            title: bookmark.note !== '' ? `${bookmark.name}: ${bookmark.note}` : bookmark.name,
            style: { ['--bookmark' as string]: bookmark.color },
          }
        : {}),
      'data-cursor': isCursor ? 'true' : undefined,
      'data-modified': modified ? 'true' : undefined,
      'data-match': inMatch === 2 ? 'current' : inMatch === 1 ? 'true' : undefined,
    };
    hexCells.push(
      <span
        key={offset}
        {...common}
        className={className('hex')}
        data-byte={offset}
        onMouseDown={(event) => {
          if (event.button === 0) onPick(offset, 'hex', event.shiftKey);
          // A right click outside the selection moves the cursor there, as native editors do.
          else if (event.button === 2 && !(offset >= selectionStart && offset <= selectionEnd))
            onPick(offset, 'hex', false);
        }}
        onMouseEnter={(event) => {
          if ((event.buttons & 1) === 1) onPick(offset, 'hex', true);
        }}
      >
        {value === undefined ? '··' : byteHex(value)}
      </span>,
    );
    charCells.push(
      <span
        key={offset}
        {...common}
        className={className('ascii')}
        data-char={offset}
        onMouseDown={(event) => {
          if (event.button === 0) onPick(offset, 'ascii', event.shiftKey);
          // A right click outside the selection moves the cursor there, as native editors do.
          else if (event.button === 2 && !(offset >= selectionStart && offset <= selectionEnd))
            onPick(offset, 'ascii', false);
        }}
        onMouseEnter={(event) => {
          if ((event.buttons & 1) === 1) onPick(offset, 'ascii', true);
        }}
      >
        {value === undefined ? '·' : asciiChar(value)}
      </span>,
    );
  }
  return (
    <div {...ariaAttributes} className="hex-row" style={style} data-offset={start}>
      <span className="hex-offset">{decimal ? String(start).padStart(digits + 2, ' ') : offsetHex(start, digits)}</span>
      <span className="hex-bytes">{hexCells}</span>
      <span className="hex-chars">{charCells}</span>
    </div>
  );
}

/** Column numbers over the bytes (00 … 0F) and the characters, aligned with the rows' cells. */
function HexHeader({ bytesPerRow, decimal }: { bytesPerRow: number; decimal: boolean }) {
  const columns = Array.from({ length: bytesPerRow }, (_, column) => column);
  return (
    <div className="hex-row hex-header" data-testid="hex-header" aria-hidden="true">
      <span className="hex-offset">Offset</span>
      <span className="hex-bytes">
        {columns.map((column) => (
          <span key={column} className="cell" data-column={column}>
            {decimal ? String(column).padStart(2, '0') : byteHex(column)}
          </span>
        ))}
      </span>
      <span className="hex-chars">
        {columns.map((column) => (
          <span key={column} className="cell">
            {(column % 16).toString(16).toUpperCase()}
          </span>
        ))}
      </span>
    </div>
  );
}

/** The data's own width (offsets, hex cells, characters, the scroll track), so the inspector sits beside it. */
function dataWidth(bytesPerRow: number, offsetChars: number): string {
  const groups = Math.ceil(bytesPerRow / 8) - 1;
  const chars = offsetChars + bytesPerRow * 2.6 + groups * 0.8 + bytesPerRow;
  return `calc(${chars.toFixed(1)}ch + ${10 + 16 + 16 + 14 + 12}px)`;
}

const refuseLengthChange =
  'hexlog overwrites in place: inserting or deleting bytes would change the file’s length, so it is not allowed.';

export function HexView({ cache }: { cache: ByteCache }): ReactElement {
  const store = useFileStoreApi();
  const size = useFileStore((state) => state.info.size);
  const bytesPerRow = useFileStore((state) => state.bytesPerRow);
  const cursor = useFileStore((state) => state.cursor);
  const anchor = useFileStore((state) => state.selectionAnchor);
  const pane = useFileStore((state) => state.pane);
  const offsetBase = useFileStore((state) => state.offsetBase);
  const rowHeight = rowHeightFor(useAppStore((state) => state.settings.fontSize));
  const version = useSyncExternalStore(cache.subscribe, cache.getVersion);
  const rows = useRef<VirtualRowsHandle>(null);
  const container = useRef<HTMLDivElement>(null);
  const tools = useHexToolsStoreApi();
  const allBookmarks = useHexTools((state) => state.bookmarks);
  const [menu, setMenu] = useState<{ x: number; y: number } | null>(null);
  const totalRows = Math.ceil(size / bytesPerRow);
  const app = (): {
    editBytes: (offset: number, bytes: Uint8Array) => Promise<boolean>;
    showAlert: (text: string) => void;
  } => ({
    editBytes: store.getState().editBytes,
    showAlert: messages.error,
  });

  const moveCursor = useCallback(
    (offset: number, extend = false, align: 'auto' | 'center' = 'auto') => {
      const clamped = Math.min(Math.max(0, offset), size - 1);
      store.getState().setCursor(clamped, extend);
      rows.current?.scrollToRow(Math.floor(clamped / bytesPerRow), align);
    },
    [store, size, bytesPerRow],
  );

  const pick = useCallback(
    (offset: number, which: 'hex' | 'ascii', extend: boolean) => {
      store.getState().setPane(which);
      store.getState().setCursor(offset, extend);
    },
    [store],
  );

  // A view switch or a found match asks us to show an offset.
  const reveal = useFileStore((state) => state.reveal);
  useEffect(() => {
    if (reveal === null || reveal.kind !== 'offset' || size === 0) return;
    store.getState().setReveal(null);
    const offset = Math.min(reveal.offset, size - 1);
    // The cursor stays at the start (in view); the selection runs to selectTo.
    if (reveal.selectTo !== undefined) store.getState().selectBytes(Math.min(reveal.selectTo, size - 1), offset);
    else store.getState().setCursor(offset);
    rows.current?.scrollToRow(Math.floor(offset / bytesPerRow), 'center');
  }, [reveal, store, size, bytesPerRow]);

  const [viewport, setViewport] = useState({ top: 0, visible: 0 });
  const onTopRowChange = useCallback(
    (top: number, visible: number) => {
      setViewport({ top, visible });
      store.getState().setTop('hex', top);
    },
    [store],
  );
  const matches = useMatchesInRange(
    Math.max(0, viewport.top - 4) * bytesPerRow,
    Math.min(size, (viewport.top + viewport.visible + 4) * bytesPerRow),
  );

  // Keep the cursor in view when the row width changes.
  useEffect(() => {
    rows.current?.scrollToRow(Math.floor(store.getState().cursor / bytesPerRow), 'center');
  }, [bytesPerRow, store]);

  // A tab shown again comes back to the rows it showed (read before the rows report their first top).
  const [savedTop] = useState(() => store.getState().hexTop);
  useEffect(() => {
    if (savedTop > 0) rows.current?.scrollToTop(savedTop);
    // A question shown with this tab (its pending edits, on close) keeps the keyboard.
    if (!modalOpen()) container.current?.focus();
  }, [savedTop]);

  // Keystrokes edit in the order typed, each after the previous edit has landed.
  const typing = useRef<Promise<void>>(Promise.resolve());
  const enqueue = (work: () => Promise<void>): void => {
    typing.current = typing.current.then(work, work);
  };
  // The byte under the cursor once its high nibble is typed (the page cache may not show it yet).
  const halfTyped = useRef<{ offset: number; value: number } | null>(null);

  const typeHexDigit = async (digit: number): Promise<void> => {
    const state = store.getState();
    const half = halfTyped.current;
    if (state.nibble === 'low' && half !== null && half.offset === state.cursor) {
      halfTyped.current = null;
      if (await app().editBytes(state.cursor, new Uint8Array([(half.value & 0xf0) | digit]))) {
        if (state.cursor < size - 1) moveCursor(state.cursor + 1);
        else store.getState().setNibble('high');
      }
      return;
    }
    const current = cache.slice(state.cursor, state.cursor + 1)?.[0];
    if (current === undefined) return;
    const value = (digit << 4) | (current & 0x0f);
    if (await app().editBytes(state.cursor, new Uint8Array([value]))) {
      halfTyped.current = { offset: state.cursor, value };
      store.getState().setNibble('low');
    }
  };

  const typeChar = async (char: string): Promise<void> => {
    const state = store.getState();
    if (await app().editBytes(state.cursor, new TextEncoder().encode(char).subarray(0, 1))) {
      if (state.cursor < size - 1) moveCursor(state.cursor + 1);
    }
  };

  const paste = (text: string): void => {
    const state = store.getState();
    // The hex pane reads hex text, Base64, a C array, Python bytes or an xxd dump; the ASCII pane, text.
    const pasted = state.pane === 'hex' ? parsePasted(text) : { bytes: new TextEncoder().encode(text), as: 'text' };
    if (typeof pasted === 'string') return app().showAlert(pasted);
    const bytes = pasted.bytes;
    if (bytes.length > MAX_PASTE_BYTES) {
      app().showAlert(
        `The clipboard holds ${plural(bytes.length, 'byte')}; one paste writes at most ${plural(MAX_PASTE_BYTES, 'byte')}. Nothing was pasted.`,
      );
      return;
    }
    if (state.cursor + bytes.length > size) {
      app().showAlert(
        `Pasting ${bytes.length} byte(s) at offset ${state.cursor} would pass the end of the file: ${refuseLengthChange}`,
      );
      return;
    }
    void app()
      .editBytes(state.cursor, bytes)
      .then((done) => {
        if (!done) return;
        moveCursor(Math.min(state.cursor + bytes.length, size - 1));
        if (pasted.as !== 'hex' && pasted.as !== 'text') {
          messages.info(`Pasted ${plural(bytes.length, 'byte')} read as ${pasted.as}.`);
        }
      });
  };

  const onKeyDown = (event: KeyboardEvent): void => {
    const ctrl = event.ctrlKey || event.metaKey;
    const page = (rows.current?.visibleRowCount() ?? 1) * bytesPerRow;
    if (event.key === 'ContextMenu' || (event.key === 'F10' && event.shiftKey)) {
      event.preventDefault();
      const cell = container.current?.querySelector(`[data-${pane === 'hex' ? 'byte' : 'char'}="${cursor}"]`);
      const box = container.current?.getBoundingClientRect();
      const at = cell?.getBoundingClientRect();
      setMenu({ x: (at?.left ?? 40) - (box?.left ?? 0), y: (at?.bottom ?? 40) - (box?.top ?? 0) });
      return;
    }
    if (event.key === 'Tab') {
      event.preventDefault();
      store.getState().setPane(pane === 'hex' ? 'ascii' : 'hex');
      return;
    }
    if (event.key === 'Backspace' || event.key === 'Delete' || event.key === 'Insert') {
      event.preventDefault();
      app().showAlert(refuseLengthChange);
      return;
    }
    const target = cursorMove(event.key, { cursor, bytesPerRow, page, size, ctrl });
    if (target !== undefined) {
      event.preventDefault();
      moveCursor(target, event.shiftKey);
      return;
    }
    if (ctrl || event.altKey || event.key.length !== 1) return;
    if (pane === 'hex') {
      const digit = parseInt(event.key, 16);
      if (!Number.isNaN(digit) && /^[0-9a-fA-F]$/.test(event.key)) {
        event.preventDefault();
        enqueue(() => typeHexDigit(digit));
      }
    } else if (event.key >= ' ' && event.key <= '~') {
      event.preventDefault();
      const char = event.key;
      enqueue(() => typeChar(char));
    }
  };

  // Ctrl+C: the selection (or the byte under the cursor) as the focused pane shows it.
  const copySelection = async (): Promise<void> => {
    const state = store.getState();
    const first = Math.min(state.cursor, state.selectionAnchor);
    const last = Math.max(state.cursor, state.selectionAnchor);
    const length = Math.min(last, size - 1) - first + 1;
    if (size === 0 || length <= 0) return;
    if (length > MAX_HEX_COPY_BYTES) {
      messages.error(tooBigToCopy(length, MAX_HEX_COPY_BYTES));
      return;
    }
    const result = await getApi().readView(state.info.session, byteOffset(first), byteCount(length));
    if (!result.ok) {
      messages.error(`Copy failed: ${result.message}`);
      return;
    }
    const text = state.pane === 'hex' ? hexText(result.value.bytes) : asciiText(result.value.bytes);
    try {
      await writeClipboard(text);
      messages.info(`Copied ${plural(length, 'byte')} as ${state.pane === 'hex' ? 'hex' : 'text'}.`);
    } catch {
      messages.error('The clipboard refused the copy.');
    }
  };

  /** The selection (or the byte under the cursor) as first offset and length. */
  const selection = (): { first: number; length: number } => {
    const state = store.getState();
    const first = Math.min(state.cursor, state.selectionAnchor);
    const last = Math.min(Math.max(state.cursor, state.selectionAnchor), size - 1);
    return { first, length: Math.max(0, last - first + 1) };
  };

  // Copy as…: the selection in one of the formats people paste into code and notes.
  const copyAs = async (id: CopyFormatId): Promise<void> => {
    const format = copyFormat(id);
    const { first, length } = selection();
    if (size === 0 || length <= 0) return;
    const limit = copyLimit(format);
    if (length > limit) {
      messages.error(tooBigToCopy(length, limit, `selection (as ${format.title})`));
      return;
    }
    const bytes = new Uint8Array(length);
    for (let at = 0; at < length;) {
      const chunk = Math.min(length - at, MAX_READ_BYTES);
      const read = await getApi().readBytes(store.getState().info.session, byteOffset(first + at), byteCount(chunk));
      if (!read.ok) {
        messages.error(`Copy failed: ${read.message}`);
        return;
      }
      if (read.value.byteLength < chunk) {
        messages.error('Copy failed: the file is shorter than the selection (it changed on disk).');
        return;
      }
      bytes.set(read.value, at);
      at += chunk;
    }
    try {
      await writeClipboard(format.format(bytes, first));
      messages.info(`Copied ${plural(length, 'byte')} as ${format.title}.`);
    } catch {
      messages.error('The clipboard refused the copy.');
    }
  };

  const runCommandHere = (command: CommandId): boolean => {
    const { first, length } = selection();
    if (size === 0) {
      messages.info('This file is empty: there are no bytes to select.');
      return true;
    }
    switch (command) {
      case 'edit.copyAs.hex':
      case 'edit.copyAs.c':
      case 'edit.copyAs.python':
      case 'edit.copyAs.base64':
      case 'edit.copyAs.xxd':
        void copyAs(command.slice('edit.copyAs.'.length) as CopyFormatId);
        return true;
      case 'edit.bookmark':
        tools.getState().draftBookmark(first, length);
        return true;
      case 'edit.hashes':
        void tools.getState().startHashes(first, length);
        return true;
      default:
        return false;
    }
  };

  const goTo = useGoTo(
    (text) => parseOffsetTarget(text, { base: offsetBase, cursor, size }),
    (target) => {
      clearErrors();
      moveCursor(target, false, 'center');
    },
    () => container.current?.focus(),
  );

  useViewCommands({
    element: () => container.current,
    onKey: (event) => {
      onKeyDown(event);
      return event.defaultPrevented;
    },
    goTo: goTo.open,
    selectAll: () => {
      if (size > 0) store.getState().selectBytes(0, size - 1);
    },
    copy: () => void copySelection(),
    paste,
    run: runCommandHere,
  });

  // Only the bookmarks over the rows in view reach the rows.
  const viewStart = Math.max(0, viewport.top - 4) * bytesPerRow;
  const viewEnd = (viewport.top + viewport.visible + 4) * bytesPerRow;
  const bookmarks = useMemo(
    () => allBookmarks.filter((bookmark) => bookmark.offset < viewEnd && bookmark.offset + bookmark.length > viewStart),
    [allBookmarks, viewStart, viewEnd],
  );
  const selectionStart = Math.min(cursor, anchor);
  const selectionEnd = Math.max(cursor, anchor);
  const rowProps = useMemo<HexRowProps>(
    () => ({
      cache,
      matches,
      bytesPerRow,
      size,
      digits: offsetBase === 'hex' ? offsetWidth(size) : String(size).length,
      decimal: offsetBase === 'dec',
      cursor,
      selectionStart,
      selectionEnd,
      pane,
      version,
      bookmarks,
      onPick: pick,
    }),
    [
      cache,
      matches,
      bytesPerRow,
      size,
      offsetBase,
      cursor,
      selectionStart,
      selectionEnd,
      pane,
      version,
      bookmarks,
      pick,
    ],
  );

  if (size === 0) {
    return (
      <div className="hex-view empty" data-testid="hex-view">
        <p className="empty-note">This file is empty (0 bytes).</p>
      </div>
    );
  }
  const digits = rowProps.digits;
  const offsetChars = Math.max(rowProps.decimal ? digits + 2 : digits, 'Offset'.length);
  return (
    <div className="hex-layout">
      <div
        className="hex-view"
        data-testid="hex-view"
        tabIndex={0}
        ref={container}
        style={{ width: dataWidth(bytesPerRow, offsetChars), ['--offset-ch' as string]: `${offsetChars}ch` }}
        onContextMenu={(event) => {
          event.preventDefault();
          const box = container.current?.getBoundingClientRect();
          setMenu({ x: event.clientX - (box?.left ?? 0), y: event.clientY - (box?.top ?? 0) });
        }}
      >
        <HexHeader bytesPerRow={bytesPerRow} decimal={rowProps.decimal} />
        {goTo.input !== null && (
          <GoToInput
            label="Go to offset"
            className="floating"
            placeholder={offsetBase === 'hex' ? '4D2, 0x4D2, 4D2h, #1234, +10' : '1234, 0x4D2, 4D2h, +16'}
            hint={
              offsetBase === 'hex'
                ? 'Bare digits are hex, as the offsets show; #1234 is decimal.'
                : 'Bare digits are decimal, as the offsets show; 0x or h for hex.'
            }
            {...goTo.input}
          />
        )}
        {menu !== null && (
          <HexContextMenu
            x={menu.x}
            y={menu.y}
            onRun={(command) => {
              setMenu(null);
              container.current?.focus();
              if (!runCommandHere(command)) runCommandFromMenu(command);
            }}
            onPaste={() => {
              setMenu(null);
              container.current?.focus();
              void readClipboardText().then(
                (text) => paste(text),
                () => messages.error('The clipboard cannot be read from here: press Ctrl+V to paste.'),
              );
            }}
            onClose={() => {
              setMenu(null);
              container.current?.focus();
            }}
          />
        )}
        <VirtualRows
          handleRef={rows}
          totalRows={totalRows}
          rowHeight={rowHeight}
          rowComponent={HexRow}
          rowProps={rowProps}
          onTopRowChange={onTopRowChange}
          label="Hex rows"
        />
      </div>
      <ByteMapStrip />
      <Inspector cache={cache} />
    </div>
  );
}
