// The shell: toolbar, the open file's view, status bar, alerts, drag-and-drop.
import { useCallback, useEffect, useMemo, useRef, useState, type DragEvent, type ReactElement } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { textEncodings, type FileInfo, type TextEncodingName } from '../shared/contract';
import { displayLine } from '../shared/units';
import { getApi } from './data/api';
import { Progress } from './components/Progress';
import { ByteCache } from './data/byteCache';
import { LineCache } from './data/lineCache';
import { FindBar } from './features/find/FindBar';
import { MatchesPane } from './features/find/MatchesPane';
import { HexView } from './features/hex/HexView';
import { TextView } from './features/text/TextView';
import { formatSize } from './format';
import { useAppStore, type ViewKind } from './state/appStore';
import { useFindStore } from './state/findStore';
import { createFileStore, FileStoreContext, useFileStore } from './state/fileStore';

const STATUS_POLL_MS = 2000;

export function App(): ReactElement {
  const { file, alert, hostInfo, offers, opening } = useAppStore(
    useShallow((state) => ({
      file: state.file,
      alert: state.alert,
      hostInfo: state.hostInfo,
      offers: state.offers,
      opening: state.opening,
    })),
  );
  const actions = useAppStore.getState();
  const [dragging, setDragging] = useState(false);

  useEffect(() => {
    void useAppStore.getState().init();
    return getApi().on('findProgress', (status) => useFindStore.getState().onProgress(status));
  }, []);

  // Closing the window or tab with pending edits asks first (Electron shows its own dialog).
  const pendingEdits = useAppStore((state) => state.edit?.modifiedBytes ?? 0);
  useEffect(() => {
    if (pendingEdits === 0) return;
    const onBeforeUnload = (event: BeforeUnloadEvent): void => {
      event.preventDefault();
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => window.removeEventListener('beforeunload', onBeforeUnload);
  }, [pendingEdits]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent): void => {
      const ctrl = event.ctrlKey || event.metaKey;
      if (!ctrl) return;
      const key = event.key.toLowerCase();
      const inInput = (event.target as HTMLElement | null)?.tagName === 'INPUT';
      const state = useAppStore.getState();
      if (key === 'o') {
        event.preventDefault();
        void state.openDialog();
      } else if (key === 's' && state.file !== null) {
        event.preventDefault();
        void (state.file.writable ? state.commitEdits() : state.saveCopy());
      } else if (!inInput && key === 'z' && !event.shiftKey) {
        event.preventDefault();
        void state.undo();
      } else if (!inInput && ((key === 'z' && event.shiftKey) || key === 'y')) {
        event.preventDefault();
        void state.redo();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const onDrop = (event: DragEvent<HTMLDivElement>): void => {
    event.preventDefault();
    setDragging(false);
    const dropped = event.dataTransfer.files[0];
    if (dropped !== undefined) void actions.openDropped(dropped);
  };

  const canPickOffers = hostInfo !== null && !hostInfo.nativeOpenDialog;

  return (
    <div
      className={`app${dragging ? ' dragging' : ''}`}
      onDragOver={(event) => {
        event.preventDefault();
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={onDrop}
    >
      <header className="toolbar">
        {canPickOffers ? (
          <label className="offer-picker">
            <span>Open</span>
            <select
              aria-label="Open a file"
              value={offers.find((offer) => offer.path === file?.path)?.offerId ?? ''}
              onChange={(event) => void actions.openOffered(Number(event.target.value))}
            >
              <option value="" disabled>
                Choose a file…
              </option>
              {offers.map((offer) => (
                <option key={offer.offerId} value={offer.offerId} title={offer.path}>
                  {offer.name}
                </option>
              ))}
            </select>
          </label>
        ) : (
          <button type="button" onClick={() => void actions.openDialog()} disabled={opening}>
            Open…
          </button>
        )}
        {file !== null && (
          <>
            <span className="file-name" data-testid="file-name" title={file.path}>
              {file.name}
            </span>
            <span className="file-size" data-testid="file-size" data-bytes={file.size}>
              {formatSize(file.size)}
            </span>
            <span className="spacer" />
            <button type="button" onClick={() => void actions.closeFile()}>
              Close
            </button>
          </>
        )}
      </header>
      <Dialogs />
      {alert !== null && (
        <div className="alert" role="alert">
          <span>{alert}</span>
          <button type="button" aria-label="Dismiss" onClick={() => actions.showAlert(null)}>
            ×
          </button>
        </div>
      )}
      <main className="content">
        {file !== null ? (
          <OpenFile key={file.session} file={file} />
        ) : (
          <div className="welcome">
            <h1>hexlog</h1>
            <p>
              {opening
                ? 'Opening…'
                : canPickOffers
                  ? 'Choose a file named on the command line.'
                  : 'Open a file (Ctrl+O) or drop one here.'}
            </p>
          </div>
        )}
      </main>
    </div>
  );
}

function OpenFile({ file }: { file: FileInfo }): ReactElement {
  const [store] = useState(() => createFileStore(file));
  const generation = useAppStore((state) => state.generation);
  const mapGeneration = useAppStore((state) => state.mapGeneration);
  const view = useAppStore((state) => state.view);
  const encoding = useAppStore((state) => state.index?.encoding ?? null);
  useEffect(() => store.getState().setInfo(file), [store, file]);
  const byteCache = useMemo(
    () => new ByteCache(getApi(), file.session, file.size, (message) => useAppStore.getState().showAlert(message)),
    // A new map generation means the file was re-mapped: cached pages may be stale.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [file.session, file.size, mapGeneration],
  );
  const lineCache = useMemo(
    () =>
      encoding === null
        ? null
        : new LineCache(getApi(), file.session, encoding, (message) => useAppStore.getState().showAlert(message)),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [file.session, encoding, generation],
  );
  useEffect(() => {
    const timer = window.setInterval(() => void useAppStore.getState().checkFile(), STATUS_POLL_MS);
    return () => window.clearInterval(timer);
  }, [file.session]);

  // Pending edits changed: both views fetch what they show again (keeping it on screen meanwhile).
  const editGeneration = useAppStore((state) => state.edit?.generation ?? 0);
  const seenEditGeneration = useRef(editGeneration);
  useEffect(() => {
    if (seenEditGeneration.current === editGeneration) return;
    seenEditGeneration.current = editGeneration;
    byteCache.invalidate();
    lineCache?.invalidate();
  }, [editGeneration, byteCache, lineCache]);

  const [paneOpen, setPaneOpen] = useState(false);
  // A new file starts with no search results (the query stays, as in an editor).
  useEffect(() => useFindStore.getState().reset(), [file.session]);
  const findOpen = useFindStore((state) => state.open);
  const reveal = useCallback((offset: number) => store.getState().setReveal({ kind: 'offset', offset }), [store]);

  // Ctrl+F opens the find bar; F3 / Shift+F3 go to the next / previous match from anywhere.
  useEffect(() => {
    const onKey = (event: KeyboardEvent): void => {
      const find = useFindStore.getState();
      if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 'f') {
        event.preventDefault();
        find.setOpen(true);
        (document.querySelector('input[aria-label="Find"]') as HTMLInputElement | null)?.select();
      } else if (event.key === 'F3') {
        event.preventDefault();
        void find.step(event.shiftKey ? -1 : 1).then((match) => {
          if (match !== null) reveal(match.offset);
        });
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [reveal]);

  // Next / previous start from where the user is.
  useEffect(
    () =>
      store.subscribe((state) => {
        const origin = useAppStore.getState().view === 'hex' ? state.cursor : (state.currentLineOffset ?? 0);
        if (useFindStore.getState().current === null) useFindStore.getState().setOrigin(origin);
      }),
    [store],
  );

  const switchView = (next: ViewKind): void => {
    if (next === view) return;
    const state = store.getState();
    const offset = next === 'hex' ? (state.currentLineOffset ?? 0) : state.cursor;
    if (next === 'hex') state.setCursor(offset);
    state.setReveal({ kind: 'offset', offset });
    useAppStore.getState().setView(next);
  };

  return (
    <FileStoreContext.Provider value={store}>
      <div className="file-bar">
        <div className="segmented" role="group" aria-label="View">
          <button
            type="button"
            data-testid="view-text"
            aria-pressed={view === 'text'}
            onClick={() => switchView('text')}
          >
            Text
          </button>
          <button
            type="button"
            data-testid="view-hex"
            aria-label="Show as bytes"
            aria-pressed={view === 'hex'}
            onClick={() => switchView('hex')}
          >
            Hex
          </button>
        </div>
        <label className="encoding">
          Encoding
          <select
            aria-label="Encoding"
            value={encoding ?? 'utf-8'}
            onChange={(event) => void useAppStore.getState().setEncoding(event.target.value as TextEncodingName)}
          >
            {textEncodings.map((name) => (
              <option key={name} value={name}>
                {encodingLabels[name]}
              </option>
            ))}
          </select>
        </label>
        {view === 'hex' && <HexOptions />}
        <span className="spacer" />
        <EditBar />
      </div>
      <FileNotice />
      <FindBar onReveal={reveal} paneOpen={paneOpen} onTogglePane={() => setPaneOpen(!paneOpen)} />
      <div className="view-area">
        {view === 'text' && lineCache !== null ? <TextView cache={lineCache} /> : <HexView cache={byteCache} />}
      </div>
      {paneOpen && findOpen && <MatchesPane onReveal={reveal} />}
      <StatusBar />
    </FileStoreContext.Provider>
  );
}

const encodingLabels: Record<TextEncodingName, string> = {
  'utf-8': 'UTF-8',
  latin1: 'Latin-1 (ISO-8859-1)',
  'utf-16le': 'UTF-16 LE',
  'utf-16be': 'UTF-16 BE',
};

function FileNotice(): ReactElement | null {
  const status = useAppStore((state) => state.fileStatus);
  const change = useAppStore((state) => state.change);
  if (change !== null) {
    return (
      <div className="notice" role="status" data-testid="file-notice" data-state={change.kind}>
        <span>{change.reason}</span>
        <button type="button" onClick={() => useAppStore.getState().dismissChange()}>
          OK
        </button>
      </div>
    );
  }
  if (status === null || status.state === 'unchanged') return null;
  const messages: Record<Exclude<typeof status.state, 'unchanged'>, string> = {
    grown: `The file grew on disk to ${status.currentSize.toLocaleString('en-US')} bytes; showing the first ${status.mappedSize.toLocaleString('en-US')}.`,
    shrunk: `The file shrank on disk to ${status.currentSize.toLocaleString('en-US')} bytes; bytes past that can no longer be read.`,
    modified: 'The file was modified on disk since it was opened.',
    replaced: 'The file was replaced on disk (a new file now has its name); showing the file as it was opened.',
    vanished: 'The file was deleted or moved on disk; showing the file as it was opened.',
  };
  return (
    <div className="notice" role="status" data-testid="file-notice" data-state={status.state}>
      <span>{messages[status.state]}</span>
      {status.state !== 'vanished' && (
        <button type="button" onClick={() => void useAppStore.getState().reloadFile()}>
          Reload
        </button>
      )}
    </div>
  );
}

function StatusBar(): ReactElement {
  const cursor = useFileStore((state) => state.cursor);
  const selection = useFileStore((state) => Math.abs(state.cursor - state.selectionAnchor) + 1);
  const currentLine = useFileStore((state) => state.currentLine);
  const size = useFileStore((state) => state.info.size);
  const view = useAppStore((state) => state.view);
  const index = useAppStore((state) => state.index);
  const indexing = index !== null && !index.done && !index.cancelled && index.error === null;
  const percent =
    index === null || index.totalBytes === 0 ? 100 : Math.floor((index.bytesScanned / index.totalBytes) * 100);
  return (
    <footer className="statusbar">
      {view === 'hex' && size > 0 && (
        <span data-testid="cursor-offset" data-offset={cursor}>
          Offset 0x{cursor.toString(16).toUpperCase()} ({cursor.toLocaleString('en-US')})
        </span>
      )}
      {view === 'hex' && selection > 1 && (
        <span data-testid="selection-length" data-bytes={selection}>
          Selected {selection.toLocaleString('en-US')} bytes
        </span>
      )}
      {view === 'text' && index !== null && index.linesKnown > 0 && (
        <span>Line {displayLine(currentLine).toLocaleString('en-US')}</span>
      )}
      <span className="spacer" />
      {index !== null && (
        <span
          className="line-count"
          data-testid="line-count"
          data-lines={index.done ? index.linesKnown : undefined}
          data-done={index.done ? 'true' : 'false'}
        >
          {index.done
            ? `${index.linesKnown.toLocaleString('en-US')} line${index.linesKnown === 1 ? '' : 's'}`
            : `${index.linesKnown.toLocaleString('en-US')} line${index.linesKnown === 1 ? '' : 's'} so far`}
        </span>
      )}
      {indexing && (
        <span className="indexing">
          <Progress label="Indexing lines" percent={percent} />
          <span>indexing {percent}%</span>
          <button type="button" onClick={() => void useAppStore.getState().cancelIndex()}>
            Cancel indexing
          </button>
        </span>
      )}
      {index?.cancelled === true && <span>Indexing cancelled at {percent}%</span>}
      {index?.error != null && <span role="alert">Indexing stopped: {index.error.message}</span>}
      <span>{formatSize(size)}</span>
    </footer>
  );
}

function HexOptions(): ReactElement {
  const bytesPerRow = useFileStore((state) => state.bytesPerRow);
  const offsetBase = useFileStore((state) => state.offsetBase);
  const setBytesPerRow = useFileStore((state) => state.setBytesPerRow);
  const setOffsetBase = useFileStore((state) => state.setOffsetBase);
  return (
    <>
      <label className="encoding">
        Row
        <select
          aria-label="Bytes per row"
          value={bytesPerRow}
          onChange={(event) => setBytesPerRow(Number(event.target.value))}
        >
          {[8, 16, 32].map((count) => (
            <option key={count} value={count}>
              {count} bytes
            </option>
          ))}
        </select>
      </label>
      <button
        type="button"
        aria-label="Offsets in decimal"
        aria-pressed={offsetBase === 'dec'}
        onClick={() => setOffsetBase(offsetBase === 'hex' ? 'dec' : 'hex')}
      >
        {offsetBase === 'hex' ? 'Offsets: hex' : 'Offsets: dec'}
      </button>
    </>
  );
}

const savePercent = (saving: { copiedBytes: number; totalBytes: number }): number =>
  saving.totalBytes === 0 ? 100 : Math.floor((saving.copiedBytes / saving.totalBytes) * 100);

function EditBar(): ReactElement | null {
  const edit = useAppStore((state) => state.edit);
  const writable = useAppStore((state) => state.file?.writable ?? false);
  const committing = useAppStore((state) => state.committing);
  const saving = useAppStore((state) => state.saving);
  const actions = useAppStore.getState();
  if (edit === null) return null;
  const pending = edit.modifiedBytes > 0;
  return (
    <div className="edit-bar">
      {pending && (
        <span className="pending-count" data-testid="pending-edits" data-bytes={edit.modifiedBytes}>
          {edit.modifiedBytes.toLocaleString('en-US')} modified byte{edit.modifiedBytes === 1 ? '' : 's'}
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

function Dialogs(): ReactElement | null {
  const confirm = useAppStore((state) => state.confirm);
  const journal = useAppStore((state) => state.journal);
  const info = useAppStore((state) => state.info);
  const writable = useAppStore((state) => state.file?.writable ?? false);
  const actions = useAppStore.getState();
  if (confirm !== null) {
    return (
      <div className="dialog" role="dialog" aria-modal="true" aria-label="Pending edits">
        <p>
          This file has edits that are not committed. {confirm.action === 'close' ? 'Close it' : 'Open another file'}{' '}
          after committing or discarding them?
        </p>
        {writable && (
          <button type="button" className="primary" onClick={() => void actions.settleConfirm('commit')}>
            Commit and continue
          </button>
        )}
        <button type="button" onClick={() => void actions.settleConfirm('discard')}>
          Discard and continue
        </button>
        <button type="button" onClick={() => void actions.settleConfirm('cancel')}>
          Cancel
        </button>
      </div>
    );
  }
  if (journal !== null) {
    const torn = journal.state === 'torn';
    return (
      <div className="dialog" role="alertdialog" aria-label="Unfinished commit">
        <p>
          {torn
            ? 'A commit to this file was interrupted before it wrote anything; its journal can be removed safely.'
            : `A commit to this file did not finish (${journal.entries.toLocaleString('en-US')} edits, ${journal.editedBytes.toLocaleString('en-US')} bytes; the file is now ${journal.state === 'mixed' ? 'partly written' : journal.state === 'applied' ? 'fully written' : journal.state === 'old' ? 'as before the commit' : 'changed since'}). Roll it back to the old bytes, or finish it?`}
        </p>
        <button type="button" onClick={() => void actions.resolveJournal('rollback')}>
          {torn ? 'Remove the journal' : 'Roll back'}
        </button>
        {!torn && journal.state !== 'unknown' && (
          <button type="button" onClick={() => void actions.resolveJournal('finish')}>
            Finish the commit
          </button>
        )}
        {journal.state === 'unknown' && (
          <button type="button" onClick={() => void actions.resolveJournal('discard')}>
            Keep the file as it is
          </button>
        )}
      </div>
    );
  }
  if (info !== null) {
    return (
      <div className="info" role="status" data-testid="info">
        <span>{info}</span>
        <button type="button" aria-label="Dismiss" onClick={() => actions.showInfo(null)}>
          ×
        </button>
      </div>
    );
  }
  return null;
}
