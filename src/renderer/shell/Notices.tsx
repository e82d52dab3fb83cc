// What happened to the file on disk (a banner under the file bar), and the toasts for everything else.
import type { ReactElement } from 'react';
import { useFileStore, useFileStoreApi } from '../state/fileStore';
import { useMessages } from '../state/messages';
import { plural } from '../format';

export function FileNotice(): ReactElement | null {
  const status = useFileStore((state) => state.fileStatus);
  const change = useFileStore((state) => state.change);
  const actions = useFileStoreApi().getState();
  if (change !== null) {
    return (
      <div className="notice" role="status" data-testid="file-notice" data-state={change.kind}>
        <span>{change.reason}</span>
        <button type="button" onClick={() => actions.dismissChange()}>
          OK
        </button>
      </div>
    );
  }
  if (status === null || status.state === 'unchanged') return null;
  const messages: Record<Exclude<typeof status.state, 'unchanged'>, string> = {
    grown: `The file grew on disk to ${plural(status.currentSize, 'byte')}; showing the first ${plural(status.mappedSize, 'byte')}.`,
    shrunk: `The file shrank on disk to ${plural(status.currentSize, 'byte')}; bytes past that can no longer be read.`,
    modified: 'The file was modified on disk since it was opened.',
    replaced: 'The file was replaced on disk (a new file now has its name); showing the file as it was opened.',
    vanished: 'The file was deleted or moved on disk; showing the file as it was opened.',
  };
  return (
    <div className="notice" role="status" data-testid="file-notice" data-state={status.state}>
      <span>{messages[status.state]}</span>
      {status.state !== 'vanished' && (
        <button type="button" onClick={() => void actions.reloadFile()}>
          Reload
        </button>
      )}
    </div>
  );
}

/** Toasts float over the content's bottom right, so they never move the layout. */
export function Toasts(): ReactElement {
  const toasts = useMessages((state) => state.toasts);
  const dismiss = useMessages((state) => state.dismiss);
  return (
    <div className="toasts" aria-live="polite">
      {toasts.map((toast) => (
        <div
          key={toast.id}
          className={`toast ${toast.kind}`}
          role={toast.kind === 'error' ? 'alert' : 'status'}
          data-testid={toast.kind === 'error' ? 'error' : 'info'}
        >
          <span>{toast.text}</span>
          <button type="button" aria-label="Dismiss" onClick={() => dismiss(toast.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
