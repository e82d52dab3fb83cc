// The keyboard shortcuts (F1 or ?), generated from the command table, with the views' own keys.
import { useEffect, useRef, type ReactElement } from 'react';
import { commandTable, type CommandGroup } from '../../shared/commands';
import { useAppStore } from '../state/appStore';
import { keyLabel } from './keys';

/** Keys that the views handle themselves (moving, selecting, editing), listed after the commands. */
const viewKeys: readonly (readonly [string, string])[] = [
  ['↑ ↓ PageUp PageDown', 'Move the current line or the cursor'],
  ['Ctrl+Home, Ctrl+End', 'Go to the start or the end (Ctrl+End keeps following a file still being indexed)'],
  ['Shift+(a move)', 'Extend the selection'],
  ['Click in the gutter', 'Text view: mark or unmark the line'],
  ['Tab', 'Hex view: switch between the hex and ASCII panes'],
  ['0-9 A-F, characters', 'Hex view: overwrite the byte at the cursor (a pending edit)'],
  ['Enter, Shift+Enter', 'In the find bar: next, previous match'],
  ['Escape', 'Close the find bar, a go-to input, or this sheet'],
];

const groups: readonly CommandGroup[] = ['File', 'Edit', 'Find', 'Go', 'View', 'Help'];

/** Rows of commands that have keys, grouped as the menu is. */
export function keyRows(group: CommandGroup): ReactElement[] {
  return commandTable
    .filter((command) => command.group === group && command.keys.length > 0)
    .map((command) => (
      <tr key={command.id}>
        <th scope="row">
          {command.keys.map((key, index) => (
            <span key={key}>
              {index > 0 && ' '}
              <kbd>{keyLabel(key)}</kbd>
            </span>
          ))}
        </th>
        <td>{command.title}</td>
      </tr>
    ));
}

export function KeySheet(): ReactElement {
  const box = useRef<HTMLDivElement>(null);
  const close = (): void => useAppStore.getState().setOverlay(null);
  useEffect(() => box.current?.querySelector<HTMLButtonElement>('button')?.focus(), []);
  return (
    <div className="palette-backdrop" onMouseDown={close}>
      <div
        ref={box}
        className="key-sheet-dialog"
        role="dialog"
        aria-modal="true"
        aria-label="Keyboard shortcuts"
        data-testid="key-sheet"
        onMouseDown={(event) => event.stopPropagation()}
        onKeyDown={(event) => {
          if (event.key === 'Escape' || event.key === 'F1' || event.key === '?') {
            event.preventDefault();
            close();
          }
        }}
      >
        <div className="key-sheet-head">
          <h2>Keyboard shortcuts</h2>
          <button type="button" aria-label="Close the shortcuts" onClick={close}>
            <span aria-hidden="true">×</span>
          </button>
        </div>
        <div className="key-sheet-columns">
          {groups.map((group) => (
            <table key={group} className="key-sheet" aria-label={`${group} shortcuts`}>
              <caption>{group}</caption>
              <tbody>{keyRows(group)}</tbody>
            </table>
          ))}
          <table className="key-sheet" aria-label="View keys">
            <caption>In the views</caption>
            <tbody>
              {viewKeys.map(([key, what]) => (
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
      </div>
    </div>
  );
}
