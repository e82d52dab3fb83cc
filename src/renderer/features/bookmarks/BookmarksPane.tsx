// The bookmarks pane: each named range with its colour, place and note. A click (or Enter) selects
// its bytes in the hex view; F2 or a double click edits it (name, colour, note); Delete removes it.
// Export writes them as JSON; Import reads such a file back.
import { useCallback, useMemo, useRef, useState, type KeyboardEvent, type ReactElement } from 'react';
import type { Bookmark } from '../../../shared/contract';
import { VirtualRows, type RowRenderProps, type VirtualRowsHandle } from '../../components/VirtualRows';
import { getApi } from '../../data/api';
import { formatSize, offsetText, plural, rowHeightFor } from '../../format';
import { useAppStore } from '../../state/appStore';
import { useFileStore, useFileStoreApi } from '../../state/fileStore';
import { useHexTools, useHexToolsStoreApi } from '../../state/hexToolsStore';
import { messages } from '../../state/messages';
import { focusView } from '../../shell/viewCommands';
import { MAX_BOOKMARKS_FILE_BYTES, readBookmarksJson } from './bookmarksJson';

interface BookmarkRowProps {
  bookmarks: readonly Bookmark[];
  selected: number;
  base: 'hex' | 'dec';
  onPick: (index: number) => void;
  onEdit: (index: number) => void;
}

function BookmarkRow({
  index,
  style,
  ariaAttributes,
  bookmarks,
  selected,
  base,
  onPick,
  onEdit,
}: RowRenderProps & BookmarkRowProps) {
  const bookmark = bookmarks[index]!;
  const last = bookmark.offset + bookmark.length - 1;
  return (
    <div
      {...ariaAttributes}
      className={`match-row bookmark-row${index === selected ? ' current' : ''}`}
      style={{ ...style, width: 'auto', minWidth: '100%' }}
      data-bookmark={bookmark.name}
      data-offset={bookmark.offset}
      data-length={bookmark.length}
      data-current={index === selected ? 'true' : undefined}
      onClick={() => onPick(index)}
      onDoubleClick={() => onEdit(index)}
      title={bookmark.note !== '' ? bookmark.note : undefined}
    >
      <span className="swatch" style={{ background: bookmark.color }} aria-hidden="true" />
      <span className="bookmark-name">{bookmark.name}</span>
      <span className="bookmark-range">
        {offsetText(bookmark.offset, base)}
        {bookmark.length > 1 ? ` – ${offsetText(last, base)}` : ''} · {plural(bookmark.length, 'byte')}
      </span>
      {bookmark.note !== '' && <span className="bookmark-note">{bookmark.note}</span>}
    </div>
  );
}

export function BookmarksPane(): ReactElement {
  const fontSize = useAppStore((state) => state.settings.fontSize);
  const session = useFileStore((state) => state.info.session);
  const size = useFileStore((state) => state.info.size);
  const base = useFileStore((state) => state.offsetBase);
  const fileStore = useFileStoreApi();
  const tools = useHexToolsStoreApi();
  const bookmarks = useHexTools((state) => state.bookmarks);
  const [selected, setSelected] = useState(-1);
  const rows = useRef<VirtualRowsHandle>(null);
  const picker = useRef<HTMLInputElement>(null);

  const go = useCallback(
    (index: number, keepFocus: boolean) => {
      const bookmark = bookmarks[index];
      if (bookmark === undefined) return;
      setSelected(index);
      rows.current?.scrollToRow(index, 'auto');
      const state = fileStore.getState();
      if (state.view !== 'hex') state.setView('hex');
      const last = Math.min(bookmark.offset + bookmark.length, size) - 1;
      // The bookmark's start shows; the selection holds all of it.
      state.setReveal({ kind: 'offset', offset: bookmark.offset, selectTo: Math.max(bookmark.offset, last) });
      if (!keepFocus) focusView();
    },
    [bookmarks, fileStore, size],
  );
  const edit = useCallback(
    (index: number) => {
      const bookmark = bookmarks[index];
      if (bookmark !== undefined) tools.getState().editBookmark(bookmark.name);
    },
    [bookmarks, tools],
  );
  const rowProps = useMemo<BookmarkRowProps>(
    () => ({ bookmarks, selected, base, onPick: (index) => go(index, false), onEdit: edit }),
    [bookmarks, selected, base, go, edit],
  );

  const onKeyDown = (event: KeyboardEvent<HTMLElement>): void => {
    if (event.ctrlKey || event.metaKey || event.altKey || event.target !== event.currentTarget) return;
    const moves: Record<string, number> = {
      ArrowDown: selected + 1,
      ArrowUp: Math.max(0, selected - 1),
      Home: 0,
      End: bookmarks.length - 1,
    };
    const target = moves[event.key];
    const current = bookmarks[selected];
    if (target !== undefined && bookmarks.length > 0) {
      event.preventDefault();
      go(Math.min(Math.max(0, target), bookmarks.length - 1), true);
    } else if ((event.key === 'Delete' || event.key === 'Backspace') && current !== undefined) {
      event.preventDefault();
      tools.getState().removeBookmark(current.name);
      setSelected(Math.min(selected, bookmarks.length - 2));
    } else if (event.key === 'F2' && current !== undefined) {
      event.preventDefault();
      edit(selected);
    } else if (event.key === 'Enter' || event.key === 'Escape') {
      event.preventDefault();
      if (event.key === 'Enter' && current !== undefined) go(selected, false);
      else focusView();
    }
  };

  const exportAll = async (): Promise<void> => {
    const result = await getApi().exportBookmarks(session, bookmarks);
    if (!result.ok) return messages.error(`The bookmarks were not exported: ${result.message}`);
    if (result.value === null) return messages.info('The export was cancelled.');
    messages.info(`Exported ${plural(result.value.count, 'bookmark')} to ${result.value.path}.`);
  };

  const importFile = async (file: File): Promise<void> => {
    if (file.size > MAX_BOOKMARKS_FILE_BYTES) {
      return messages.error(
        `${file.name} was not imported: it is ${formatSize(file.size)}, and a bookmarks file is at most ${formatSize(MAX_BOOKMARKS_FILE_BYTES)}.`,
      );
    }
    const read = readBookmarksJson(await file.text());
    if (typeof read === 'string') return messages.error(`${file.name} was not imported: ${read}`);
    const { added, renamed, skipped } = tools.getState().importBookmarks(read.bookmarks, size);
    const notes = [
      renamed > 0 ? `${plural(renamed, 'was', 'were')} renamed, as the names were taken` : '',
      skipped > 0 ? `${plural(skipped, 'was', 'were')} left out (past the end of this file, or already here)` : '',
      read.size !== null && read.size !== size ? `they were made on a file of ${plural(read.size, 'byte')}` : '',
    ].filter((note) => note !== '');
    messages.info(
      `Imported ${plural(added, 'bookmark')} from ${file.name}${notes.length > 0 ? `; ${notes.join('; ')}` : ''}.`,
    );
  };

  return (
    <section
      className="matches-pane bookmarks-pane"
      data-testid="bookmarks"
      data-count={bookmarks.length}
      data-keys="own"
      aria-label="Bookmarks"
      aria-description="Arrow keys move through the bookmarks; Enter selects one in the hex view; F2 edits; Delete removes"
      tabIndex={0}
      onKeyDown={onKeyDown}
    >
      <header className="pane-header">
        <span>{plural(bookmarks.length, 'bookmark')}</span>
        <button type="button" onClick={() => picker.current?.click()}>
          Import…
        </button>
        <button type="button" onClick={() => void exportAll()} disabled={bookmarks.length === 0}>
          Export…
        </button>
        <input
          ref={picker}
          type="file"
          accept=".json,application/json"
          hidden
          aria-label="Import bookmarks from a JSON file"
          onChange={(event) => {
            const file = event.target.files?.[0];
            event.target.value = '';
            if (file !== undefined) void importFile(file);
          }}
        />
        <button
          type="button"
          aria-label="Close the bookmarks pane"
          onClick={() => {
            tools.getState().setBookmarksOpen(false);
            focusView();
          }}
        >
          ×
        </button>
      </header>
      {bookmarks.length === 0 ? (
        <p className="matches-state" role="status">
          No bookmarks. Ctrl+B bookmarks the selection (or the byte at the cursor) with a name and a colour.
        </p>
      ) : (
        <VirtualRows
          handleRef={rows}
          totalRows={bookmarks.length}
          rowHeight={rowHeightFor(fontSize)}
          rowComponent={BookmarkRow}
          rowProps={rowProps}
          label="Bookmarks"
        />
      )}
    </section>
  );
}
