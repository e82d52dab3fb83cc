// Messages for the user, shown as toasts over the content: errors (red, role=alert) stay until
// dismissed or until a later success makes them stale; notes (role=status) fade on their own.
import { create } from 'zustand';

export interface Toast {
  readonly id: number;
  readonly kind: 'error' | 'info';
  readonly text: string;
}

/** What a store or view needs to tell the user something. */
export interface Messages {
  error(text: string): void;
  info(text: string): void;
}

interface MessagesState {
  toasts: readonly Toast[];
  dismiss(id: number): void;
  /** Errors made stale by a successful action, or everything when the file changes. */
  clear(kind?: Toast['kind']): void;
}

export const INFO_TOAST_MS = 4000;
const MAX_TOASTS = 4;

let nextId = 1;

export const useMessages = create<MessagesState>()((set, get) => ({
  toasts: [],
  dismiss: (id) => set({ toasts: get().toasts.filter((toast) => toast.id !== id) }),
  clear: (kind) => set({ toasts: kind === undefined ? [] : get().toasts.filter((toast) => toast.kind !== kind) }),
}));

function push(kind: Toast['kind'], text: string): void {
  const id = nextId++;
  const state = useMessages.getState();
  // The same text again replaces the old toast instead of stacking; a note also clears stale errors.
  const kept = state.toasts.filter((toast) => toast.text !== text && (kind === 'error' || toast.kind !== 'error'));
  useMessages.setState({ toasts: [...kept, { id, kind, text }].slice(-MAX_TOASTS) });
  if (kind === 'info') setTimeout(() => useMessages.getState().dismiss(id), INFO_TOAST_MS);
}

export const messages: Messages = {
  error: (text) => push('error', text),
  info: (text) => push('info', text),
};

/** A successful action: errors shown before it no longer apply. */
export const clearErrors = (): void => useMessages.getState().clear('error');
