// What shows with no file open: the offered files to open, and the main keys.
import type { ReactElement } from 'react';
import { useAppStore } from '../state/appStore';

const keys: readonly (readonly [string, string])[] = [
  ['Ctrl+O', 'Open a file'],
  ['Ctrl+F', 'Find (F3 / Shift+F3: next / previous)'],
  ['Ctrl+G', 'Go to line or offset'],
  ['Ctrl+A, Ctrl+C', 'Select all, copy the selection'],
  ['Ctrl+S', 'Commit edits (or save a copy)'],
  ['Ctrl+Z, Ctrl+Shift+Z', 'Undo, redo'],
  ['W, F', 'Wrap lines, follow the end (text view)'],
  ['Tab', 'Switch between the hex and ASCII panes (hex view)'],
];

export function Welcome(): ReactElement {
  const opening = useAppStore((state) => state.opening);
  const offers = useAppStore((state) => state.offers);
  const canPickOffers = useAppStore((state) => state.hostInfo !== null && !state.hostInfo.nativeOpenDialog);
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
            <ul className="offer-list" aria-label="Files to open">
              {offers.map((offer) => (
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
          </>
        )
      ) : (
        <p>Open a file (Ctrl+O) or drop one here.</p>
      )}
      <table className="key-sheet" aria-label="Keyboard shortcuts">
        <tbody>
          {keys.map(([key, what]) => (
            <tr key={key}>
              <th scope="row">
                <kbd>{key}</kbd>
              </th>
              <td>{what}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
