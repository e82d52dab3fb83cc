// The app's keys, handled once at the window: global shortcuts first, then the content view's own
// keys, wherever focus is, except the keys that a focused text field needs.
import { useEffect } from 'react';
import { useAppStore, type OpenFile } from '../state/appStore';
import { activeView, focusView, isTextEntry, modalOpen } from './viewCommands';

/** Shows a match (or any offset) in the current view. */
export function revealOffset(file: OpenFile, offset: number): void {
  file.store.getState().setReveal({ kind: 'offset', offset });
}

/** F3 / Enter: the next (or previous) match from where the user is. */
export async function stepMatch(file: OpenFile, direction: 1 | -1): Promise<void> {
  const match = await file.find.getState().step(direction);
  if (match !== null) revealOffset(file, match.offset);
}

function onKeyDown(event: KeyboardEvent): void {
  if (event.defaultPrevented || event.isComposing) return;
  const app = useAppStore.getState();
  const file = app.file;
  const ctrl = event.ctrlKey || event.metaKey;
  const key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
  const typing = isTextEntry(event.target);
  if (modalOpen()) return;

  const take = (run: () => void): void => {
    event.preventDefault();
    run();
  };
  if (ctrl && !event.altKey) {
    if (key === 'o') return take(() => void app.open());
    if (file === null) return;
    if (key === 's') return take(() => void file.store.getState().save());
    if (key === 'f') return take(() => file.find.getState().requestFocus());
    if (key === 'g') return take(() => activeView()?.goTo());
    if (!typing) {
      if (key === 'z' && !event.shiftKey) return take(() => void file.store.getState().undo());
      if ((key === 'z' && event.shiftKey) || key === 'y') return take(() => void file.store.getState().redo());
      if (key === 'a') return take(() => activeView()?.selectAll());
      if (key === 'c') return take(() => activeView()?.copy());
    }
  }
  if (file === null) return;
  if (key === 'F3') return take(() => void stepMatch(file, event.shiftKey ? -1 : 1));
  if (typing) return;
  const target = event.target instanceof HTMLElement ? event.target : null;
  // A focused dropdown keeps its own keys; a focused button keeps Enter and Space.
  if (target?.tagName === 'SELECT' && !ctrl) return;
  if (target?.closest('button, a, [role=option]') && (key === 'Enter' || key === ' ')) return;
  if (target?.closest('[data-keys=own]')) return;
  const view = activeView();
  if (view !== null && view.onKey(event)) {
    event.preventDefault();
    // Keys typed with focus elsewhere bring the view back into focus, as they act on it.
    if (!view.element()?.contains(document.activeElement)) focusView();
  }
}

function onPaste(event: ClipboardEvent): void {
  if (isTextEntry(event.target) || modalOpen()) return;
  const view = activeView();
  if (view === null) return;
  event.preventDefault();
  view.paste(event.clipboardData?.getData('text/plain') ?? '');
}

/** After a click on a button or a choice in a dropdown, the keyboard goes back to the view (except
 * where a part keeps it, as the find bar does for its input). */
function onClick(event: MouseEvent): void {
  const target = event.target instanceof Element ? event.target : null;
  if (target === null || target.closest('[data-focus=keep], .goto, [role=dialog], [role=alertdialog]')) return;
  if (target.closest('button, [role=option], [role=tab]')) requestAnimationFrame(focusView);
}

function onChange(event: Event): void {
  if (event.target instanceof HTMLSelectElement) requestAnimationFrame(focusView);
}

/** Focus that fell to <body> (its element was removed, a dialog closed) returns to the view. */
function onFocusOut(): void {
  requestAnimationFrame(() => {
    if (document.activeElement === null || document.activeElement === document.body) focusView();
  });
}

export function useShortcuts(): void {
  useEffect(() => {
    window.addEventListener('keydown', onKeyDown);
    window.addEventListener('paste', onPaste);
    window.addEventListener('click', onClick);
    window.addEventListener('change', onChange);
    document.addEventListener('focusout', onFocusOut);
    return () => {
      window.removeEventListener('keydown', onKeyDown);
      window.removeEventListener('paste', onPaste);
      window.removeEventListener('click', onClick);
      window.removeEventListener('change', onChange);
      document.removeEventListener('focusout', onFocusOut);
    };
  }, []);
}
