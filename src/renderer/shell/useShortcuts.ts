// The app's keys, handled once at the window: global shortcuts first, then the content view's own
// keys, wherever focus is, except the keys that a focused text field needs.
import { useEffect } from 'react';
import { isViewKey, type CommandId } from '../../shared/commands';
import { useAppStore } from '../state/appStore';
import { explainsKey, isAvailable, runCommand } from './commands';
import { bindingForKey } from './keys';
import { activeView, focusView, isTextEntry, modalOpen } from './viewCommands';

/** Commands that may replace an open palette or shortcuts sheet (as in VS Code). */
const overOverlay: readonly CommandId[] = ['help.palette', 'help.keys'];

function onKeyDown(event: KeyboardEvent): void {
  if (event.defaultPrevented || event.isComposing) return;
  const typing = isTextEntry(event.target);
  const ctrl = event.ctrlKey || event.metaKey;
  const binding = bindingForKey(event, typing);
  const take = (run: () => void): void => {
    event.preventDefault();
    run();
  };
  // A key that does not apply now (Ctrl+W with no tab) is taken quietly; the menu and the palette explain.
  const runIfAvailable = (id: CommandId): void => {
    if (isAvailable(id) || explainsKey(id)) runCommand(id);
  };
  // The palette, the shortcuts sheet and dialogs handle their own keys; the palette and the sheet
  // give way to each other.
  if (modalOpen()) {
    const overlay = useAppStore.getState().overlay;
    if (binding !== null && overOverlay.includes(binding.id) && overlay !== null) {
      take(() => runCommand(binding.id));
    } else if (event.key === 'Escape' && overlay !== null) {
      // Focus that fell out of an overlay (its button went away) still closes it with Escape.
      take(() => useAppStore.getState().setOverlay(null));
    }
    return;
  }
  // Chorded keys and function keys are the app's first; a plain key goes to the view first (F and
  // ? are typed into the hex view's panes), and runs its command only if the view did not use it.
  if (binding !== null && !isViewKey(binding.key)) return take(() => runIfAvailable(binding.id));
  if (typing) return;
  const target = event.target instanceof HTMLElement ? event.target : null;
  // A focused dropdown keeps its own keys; a focused button keeps Enter and Space.
  if (target?.tagName === 'SELECT' && !ctrl) return;
  if (target?.closest('button, a, [role=option], [role=gridcell]') && (event.key === 'Enter' || event.key === ' ')) {
    return;
  }
  if (target?.closest('[data-keys=own]')) return;
  const view = activeView();
  if (view !== null && view.onKey(event)) {
    event.preventDefault();
    // Keys typed with focus elsewhere bring the view back into focus, as they act on it.
    if (!view.element()?.contains(document.activeElement)) focusView();
    return;
  }
  // A plain key that means nothing here (W in the hex view) does nothing, quietly.
  if (binding !== null && isAvailable(binding.id)) take(() => runCommand(binding.id));
}

/** A copy the system asks for (Electron's Edit › Copy, or the browser's menu) copies the view's selection. */
function onCopy(event: ClipboardEvent): void {
  if (isTextEntry(event.target) || modalOpen()) return;
  const view = activeView();
  if (view === null) return;
  event.preventDefault();
  view.copy();
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
  if (target.closest('button, [role=option], [role=gridcell]')) requestAnimationFrame(focusView);
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
    window.addEventListener('copy', onCopy);
    window.addEventListener('paste', onPaste);
    window.addEventListener('click', onClick);
    window.addEventListener('change', onChange);
    document.addEventListener('focusout', onFocusOut);
    return () => {
      window.removeEventListener('keydown', onKeyDown);
      window.removeEventListener('copy', onCopy);
      window.removeEventListener('paste', onPaste);
      window.removeEventListener('click', onClick);
      window.removeEventListener('change', onChange);
      document.removeEventListener('focusout', onFocusOut);
    };
  }, []);
}
