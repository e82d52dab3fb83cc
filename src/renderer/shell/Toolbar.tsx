// The top row: open (the offered files in the browser host, the native dialog in Electron), the
// open file's name and size, close.
import { useEffect, useRef, type ReactElement } from 'react';
import { useStore } from 'zustand';
import { formatSize } from '../format';
import { useAppStore, type OpenFile } from '../state/appStore';

export function Toolbar(): ReactElement {
  const file = useAppStore((state) => state.file);
  const canPickOffers = useAppStore((state) => state.hostInfo !== null && !state.hostInfo.nativeOpenDialog);
  const opening = useAppStore((state) => state.opening);
  return (
    <header className="toolbar">
      {canPickOffers ? (
        <OfferPicker />
      ) : (
        <button
          type="button"
          onClick={() => void useAppStore.getState().openDialog()}
          disabled={opening}
          title="Open a file (Ctrl+O)"
        >
          Open…
        </button>
      )}
      {file !== null && <OpenFileTitle file={file} />}
    </header>
  );
}

function OpenFileTitle({ file }: { file: OpenFile }): ReactElement {
  const info = useStore(file.store, (state) => state.info);
  const modified = useStore(file.store, (state) => (state.edit?.modifiedBytes ?? 0) > 0);
  useEffect(() => {
    document.title = `${modified ? '● ' : ''}${info.name} — hexlog`;
    return () => {
      document.title = 'hexlog';
    };
  }, [info.name, modified]);
  return (
    <>
      <span className="file-name" data-testid="file-name" title={info.path}>
        {info.name}
      </span>
      {modified && (
        <span className="modified-dot" aria-label="modified" title="The file has edits that are not committed">
          ●
        </span>
      )}
      <span className="file-size" data-testid="file-size" data-bytes={info.size}>
        {formatSize(info.size)}
      </span>
      <span className="spacer" />
      <button type="button" onClick={() => void useAppStore.getState().closeFile()}>
        Close
      </button>
    </>
  );
}

/** The browser host opens only the files named on its command line: this lists them (Ctrl+O shows it). */
function OfferPicker(): ReactElement {
  const offers = useAppStore((state) => state.offers);
  const path = useAppStore((state) => (state.file === null ? null : state.file.store.getState().info.path));
  const request = useAppStore((state) => state.offerPickerRequest);
  const select = useRef<HTMLSelectElement>(null);
  useEffect(() => {
    if (request === 0 || select.current === null) return;
    select.current.focus();
    try {
      select.current.showPicker();
    } catch {
      // Without a user gesture (or support) the list stays focused, and the arrow keys open it.
    }
  }, [request]);
  return (
    <label className="offer-picker">
      <span>Open</span>
      <select
        ref={select}
        aria-label="Open a file"
        title="Files named on the command line (Ctrl+O)"
        value={offers.find((offer) => offer.path === path)?.offerId ?? ''}
        onChange={(event) => void useAppStore.getState().openOffered(Number(event.target.value))}
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
  );
}
