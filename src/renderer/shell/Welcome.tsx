// What shows with no file open: the offered and recent files to open, and the main keys.
import type { ReactElement } from 'react';
import type { OfferedFile } from '../../shared/contract';
import { useAppStore } from '../state/appStore';
import { keyRows } from './KeySheet';

function FileList({ label, files }: { label: string; files: readonly OfferedFile[] }): ReactElement {
  return (
    <ul className="offer-list" aria-label={label}>
      {files.map((offer) => (
        <li key={offer.offerId}>
          <button
            type="button"
            title={offer.path}
            onClick={() => void useAppStore.getState().openOffered(offer.offerId)}
          >
            {offer.name}
          </button>
          <span className="offer-path">{offer.path}</span>
        </li>
      ))}
    </ul>
  );
}

export function Welcome(): ReactElement {
  const opening = useAppStore((state) => state.opening);
  const offers = useAppStore((state) => state.offers);
  const recent = useAppStore((state) => state.recent);
  const canPickOffers = useAppStore((state) => state.hostInfo !== null && !state.hostInfo.nativeOpenDialog);
  const offered = new Set(offers.map((offer) => offer.path));
  const recentOnly = recent.filter((file) => !offered.has(file.path));
  return (
    <div className="welcome" data-testid="welcome">
      <h1>hexlog</h1>
      {opening ? (
        <p>Opening…</p>
      ) : canPickOffers ? (
        offers.length === 0 ? (
          <p>No files were named on the command line: start it with npm run web -- FILE…</p>
        ) : (
          <>
            <p>Open one of the files named on the command line:</p>
            <FileList label="Files to open" files={offers} />
          </>
        )
      ) : (
        <p>Open a file (Ctrl+O) or drop one here.</p>
      )}
      {!opening && recentOnly.length > 0 && (
        <>
          <p>Recent files:</p>
          <FileList label="Recent files" files={recentOnly} />
        </>
      )}
      <table className="key-sheet" aria-label="Keyboard shortcuts">
        <tbody>
          {keyRows('File')}
          {keyRows('Find')}
          {keyRows('Go')}
          {keyRows('Help')}
        </tbody>
      </table>
    </div>
  );
}
