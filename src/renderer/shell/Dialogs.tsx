// Questions the user must answer before going on: pending edits on close/open, an unfinished commit.
import { useEffect, useRef, type ReactElement, type ReactNode } from 'react';
import { useStore } from 'zustand';
import { useAppStore } from '../state/appStore';
import type { FileStore } from '../state/fileStore';
import { focusView } from './viewCommands';

export function Dialogs(): ReactElement | null {
  const confirm = useAppStore((state) => state.confirm);
  const file = useAppStore((state) => state.file);
  if (confirm !== null) return <PendingEditsDialog store={confirm.file.store} />;
  if (file !== null) return <JournalDialog store={file.store} />;
  return null;
}

/** A modal box: focus goes to its first field or button, Escape cancels, and the view gets focus back after. */
export function Modal(props: {
  role: 'dialog' | 'alertdialog';
  label: string;
  onEscape?: () => void;
  children: ReactNode;
}): ReactElement {
  const box = useRef<HTMLDivElement>(null);
  const { onEscape } = props;
  useEffect(() => {
    const field = box.current?.querySelector<HTMLInputElement>('input:not([type=radio])');
    if (field) field.select();
    else box.current?.querySelector<HTMLButtonElement>('button')?.focus();
    return () => {
      requestAnimationFrame(focusView);
    };
  }, []);
  return (
    <div className="dialog-backdrop">
      <div
        ref={box}
        className="dialog"
        role={props.role}
        aria-modal="true"
        aria-label={props.label}
        onKeyDown={(event) => {
          if (event.key === 'Escape' && onEscape !== undefined) {
            event.preventDefault();
            onEscape();
          }
        }}
      >
        {props.children}
      </div>
    </div>
  );
}

function PendingEditsDialog({ store }: { store: FileStore }): ReactElement {
  const writable = useStore(store, (state) => state.info.writable);
  const name = useStore(store, (state) => state.info.name);
  const settle = useAppStore.getState().settleConfirm;
  return (
    <Modal role="dialog" label="Pending edits" onEscape={() => void settle('cancel')}>
      <p>{name} has edits that are not committed. Close it after committing or discarding them?</p>
      <div className="dialog-buttons">
        {writable && (
          <button type="button" className="primary" onClick={() => void settle('commit')}>
            Commit and continue
          </button>
        )}
        <button type="button" onClick={() => void settle('discard')}>
          Discard and continue
        </button>
        <button type="button" onClick={() => void settle('cancel')}>
          Cancel
        </button>
      </div>
    </Modal>
  );
}

function JournalDialog({ store }: { store: FileStore }): ReactElement | null {
  const journal = useStore(store, (state) => state.journal);
  const resolve = useStore(store, (state) => state.resolveJournal);
  if (journal === null) return null;
  const torn = journal.state === 'torn';
  const now =
    journal.state === 'mixed'
      ? 'partly written'
      : journal.state === 'applied'
        ? 'fully written'
        : journal.state === 'old'
          ? 'as before the commit'
          : 'changed since';
  return (
    <Modal role="alertdialog" label="Unfinished commit">
      <p>
        {torn
          ? 'A commit to this file was interrupted before it wrote anything; its journal can be removed safely.'
          : `A commit to this file did not finish (${journal.entries.toLocaleString('en-US')} edit${journal.entries === 1 ? '' : 's'}, ${journal.editedBytes.toLocaleString('en-US')} byte${journal.editedBytes === 1 ? '' : 's'}; the file is now ${now}). Roll it back to the old bytes, or finish it?`}
      </p>
      <div className="dialog-buttons">
        <button type="button" onClick={() => void resolve('rollback')}>
          {torn ? 'Remove the journal' : 'Roll back'}
        </button>
        {!torn && journal.state !== 'unknown' && (
          <button type="button" onClick={() => void resolve('finish')}>
            Finish the commit
          </button>
        )}
        {journal.state === 'unknown' && (
          <button type="button" onClick={() => void resolve('discard')}>
            Keep the file as it is
          </button>
        )}
      </div>
    </Modal>
  );
}
