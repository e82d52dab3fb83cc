// The shell: toolbar, the open file's view, status bar, alerts, drag-and-drop.
import { useEffect, useMemo, useState, type DragEvent, type ReactElement } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { FileInfo } from '../shared/contract';
import { getApi } from './data/api';
import { ByteCache } from './data/byteCache';
import { HexView } from './features/hex/HexView';
import { formatSize } from './format';
import { useAppStore } from './state/appStore';
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
            <button type="button" data-testid="view-hex" aria-pressed="true">
              Hex
            </button>
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
  const store = useMemo(() => createFileStore(file), [file]);
  const cache = useMemo(
    () => new ByteCache(getApi(), file.session, file.size, (message) => useAppStore.getState().showAlert(message)),
    [file],
  );
  useEffect(() => {
    const timer = window.setInterval(() => void useAppStore.getState().checkFile(), STATUS_POLL_MS);
    return () => window.clearInterval(timer);
  }, [file]);
  return (
    <FileStoreContext.Provider value={store}>
      <FileNotice />
      <HexView cache={cache} />
      <StatusBar />
    </FileStoreContext.Provider>
  );
}

function FileNotice(): ReactElement | null {
  const status = useAppStore((state) => state.fileStatus);
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
      {messages[status.state]}
    </div>
  );
}

function StatusBar(): ReactElement {
  const cursor = useFileStore((state) => state.cursor);
  const size = useFileStore((state) => state.info.size);
  return (
    <footer className="statusbar">
      {size > 0 && (
        <span data-testid="cursor-offset" data-offset={cursor}>
          Offset 0x{cursor.toString(16).toUpperCase()} ({cursor.toLocaleString('en-US')})
        </span>
      )}
      <span className="spacer" />
      <span>{formatSize(size)}</span>
    </footer>
  );
}
