// The shell: toolbar, the open file's view, status bar, alerts, drag-and-drop.
import { useEffect, useMemo, useState, type DragEvent, type ReactElement } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { textEncodings, type FileInfo, type TextEncodingName } from '../shared/contract';
import { getApi } from './data/api';
import { ByteCache } from './data/byteCache';
import { LineCache } from './data/lineCache';
import { HexView } from './features/hex/HexView';
import { TextView } from './features/text/TextView';
import { formatSize } from './format';
import { useAppStore, type ViewKind } from './state/appStore';
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
  }, []);

  useEffect(() => {
    const onKey = (event: KeyboardEvent): void => {
      if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 'o') {
        event.preventDefault();
        void useAppStore.getState().openDialog();
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
  const view = useAppStore((state) => state.view);
  const encoding = useAppStore((state) => state.index?.encoding ?? null);
  useEffect(() => store.getState().setInfo(file), [store, file]);
  const byteCache = useMemo(
    () => new ByteCache(getApi(), file.session, file.size, (message) => useAppStore.getState().showAlert(message)),
    // A new generation means the file was re-mapped: cached pages may be stale.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [file.session, file.size, generation],
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
          <button type="button" data-testid="view-hex" aria-pressed={view === 'hex'} onClick={() => switchView('hex')}>
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
      </div>
      <FileNotice />
      {view === 'text' && lineCache !== null ? <TextView cache={lineCache} /> : <HexView cache={byteCache} />}
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
      {view === 'text' && index !== null && index.linesKnown > 0 && (
        <span>Line {currentLine.toLocaleString('en-US')}</span>
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
            ? `${index.linesKnown.toLocaleString('en-US')} lines`
            : `${index.linesKnown.toLocaleString('en-US')} lines so far`}
        </span>
      )}
      {indexing && (
        <span className="indexing">
          <progress
            role="progressbar"
            aria-label="Indexing lines"
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={percent}
            max={100}
            value={percent}
          />
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
