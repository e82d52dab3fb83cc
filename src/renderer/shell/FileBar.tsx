// The open file's one toolbar row: the view switch, the view's own tools (a slot the view fills:
// follow and wrap, go to), the hex row options, and the edit buttons.
import { useHexTools } from '../state/hexToolsStore';
import { useStore } from 'zustand';
import { binaryStoreOf } from '../features/binary/binaryStore';
import { createContext, type ReactElement } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { hexRowWidths } from '../../shared/contract';
import { Progress } from '../components/Progress';
import { plural } from '../format';
import { useFileStore, useFileStoreApi } from '../state/fileStore';
import { runCommand, switchView } from './commands';

/** Where the view on screen puts its own tools, in the toolbar row. */
export const ViewToolsContext = createContext<HTMLElement | null>(null);

export function FileBar({ onSlot }: { onSlot: (slot: HTMLElement | null) => void }): ReactElement {
  const view = useFileStore((state) => state.view);
  const merged = useFileStore((state) => state.info.merged !== undefined);
  const store = useFileStoreApi();
  if (merged) {
    // A merged view is rows of text only: no hex view, no edits.
    return (
      <div className="file-bar">
        <div className="view-tools" ref={onSlot} />
        <span className="spacer" />
      </div>
    );
  }
  return (
    <div className="file-bar">
      {/* A choice of one view (radios): named by their visible text, and not buttons named like Find's Hex toggle. */}
      <div className="segmented" role="radiogroup" aria-label="View">
        <button
          type="button"
          role="radio"
          data-testid="view-text"
          aria-checked={view === 'text'}
          onClick={() => switchView(store, 'text')}
          title="Show the file as lines of text"
        >
          Text
        </button>
        <button
          type="button"
          role="radio"
          data-testid="view-hex"
          aria-checked={view === 'hex'}
          onClick={() => switchView(store, 'hex')}
          title="Show the file as bytes (hex and ASCII)"
        >
          Hex
        </button>
        <button
          type="button"
          role="radio"
          data-testid="view-records"
          aria-checked={view === 'records'}
          onClick={() => switchView(store, 'records')}
          title="Show the file as a table of fixed-size records (a struct layout)"
        >
          Records
        </button>
      </div>
      <div className="view-tools" ref={onSlot} />
      {view === 'hex' && <HexOptions />}
      <span className="spacer" />
      <EditBar />
    </div>
  );
}

function HexOptions(): ReactElement {
  const bytesPerRow = useFileStore((state) => state.bytesPerRow);
  const offsetBase = useFileStore((state) => state.offsetBase);
  return (
    <>
      <label className="encoding">
        Row
        <select
          aria-label="Bytes per row"
          value={bytesPerRow}
          onChange={(event) => runCommand(`view.rowWidth.${Number(event.target.value) as 8 | 16 | 32}`)}
        >
          {hexRowWidths.map((count) => (
            <option key={count} value={count}>
              {count} bytes
            </option>
          ))}
        </select>
      </label>
      <button
        type="button"
        aria-pressed={offsetBase === 'dec'}
        title="Show offsets in decimal or hex; go to offset reads bare digits the same way"
        onClick={() => runCommand('view.offsetBase')}
      >
        Decimal offsets
      </button>
      <HexToolButtons />
    </>
  );
}

/** The hex view's panes: bookmarks (a toggle) and the hashes of the selection. */
function HexToolButtons(): ReactElement {
  const bookmarksOpen = useHexTools((state) => state.bookmarksOpen);
  const count = useHexTools((state) => state.bookmarks.length);
  const binary = binaryStoreOf(useFileStoreApi());
  const panelOpen = useStore(binary, (state) => state.panelOpen);
  const stringsOpen = useStore(binary, (state) => state.stringsOpen);
  return (
    <>
      <button
        type="button"
        aria-pressed={panelOpen}
        title="Show or hide the byte map panel: byte classes, entropy and histogram of the file or the selection"
        onClick={() => runCommand('view.byteMap')}
      >
        Byte map
      </button>
      <button
        type="button"
        aria-pressed={stringsOpen}
        title="Show or hide the strings pane: runs of printable ASCII and UTF-16LE, like strings -n N"
        onClick={() => runCommand('view.strings')}
      >
        Strings
      </button>
      <button
        type="button"
        aria-pressed={bookmarksOpen}
        title="Show or hide the bookmarks pane (Ctrl+B bookmarks the selection)"
        onClick={() => runCommand('view.bookmarks')}
      >
        Bookmarks{count > 0 ? ` (${count.toLocaleString('en-US')})` : ''}
      </button>
      <button
        type="button"
        title="CRC32, MD5, SHA-1 and SHA-256 of the selected bytes"
        onClick={() => runCommand('edit.hashes')}
      >
        Hashes
      </button>
    </>
  );
}

const savePercent = (saving: { copiedBytes: number; totalBytes: number }): number =>
  saving.totalBytes === 0 ? 100 : Math.floor((saving.copiedBytes / saving.totalBytes) * 100);

/** Shown only where editing happens (the hex view) or once there are edits to act on. */
function EditBar(): ReactElement | null {
  const { edit, writable, committing, saving, view } = useFileStore(
    useShallow((state) => ({
      edit: state.edit,
      writable: state.info.writable,
      committing: state.committing,
      saving: state.saving,
      view: state.view,
    })),
  );
  const actions = useFileStoreApi().getState();
  if (edit === null) return null;
  const pending = edit.modifiedBytes > 0;
  if (!pending && !edit.canUndo && !edit.canRedo && view === 'text' && saving === null) return null;
  return (
    <div className="edit-bar">
      {pending && (
        <span className="pending-count" data-testid="pending-edits" data-bytes={edit.modifiedBytes}>
          {plural(edit.modifiedBytes, 'modified byte')}
        </span>
      )}
      <button type="button" onClick={() => void actions.undo()} disabled={!edit.canUndo} title="Undo (Ctrl+Z)">
        Undo
      </button>
      <button type="button" onClick={() => void actions.redo()} disabled={!edit.canRedo} title="Redo (Ctrl+Shift+Z)">
        Redo
      </button>
      {writable ? (
        <button
          type="button"
          className="primary"
          onClick={() => void actions.commitEdits()}
          disabled={!pending || committing}
          title="Write the edits into the file (Ctrl+S)"
        >
          Commit edits
        </button>
      ) : (
        <button
          type="button"
          className="primary"
          onClick={() => void actions.saveCopy()}
          disabled={!pending || saving !== null}
          title="The file is read-only: write a copy with the edits (Ctrl+S)"
        >
          Save a copy…
        </button>
      )}
      <button type="button" onClick={() => void actions.discardEdits()} disabled={!pending}>
        Discard edits
      </button>
      {committing && <Progress label="Committing edits" />}
      {saving !== null && (
        <>
          <span className="saving">Saving a copy… {savePercent(saving)}%</span>
          <Progress label="Saving a copy" percent={savePercent(saving)} />
          <button type="button" onClick={() => void actions.cancelSaveCopy()}>
            Cancel save
          </button>
        </>
      )}
    </div>
  );
}
