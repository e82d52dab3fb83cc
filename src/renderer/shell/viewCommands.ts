// The content view on screen registers its commands here, so that keys, copy, paste and focus
// reach it wherever focus is (a toolbar button, a dropdown, <body> after a dialog closes).
import { useEffect, useRef } from 'react';
import type { CommandId } from '../../shared/commands';

export interface ViewCommands {
  /** The view's focusable element. */
  element(): HTMLElement | null;
  /** A key not taken by a global shortcut; returns whether the view used it. */
  onKey(event: KeyboardEvent): boolean;
  /** Ctrl+G: open the view's "go to" input. */
  goTo(): void;
  selectAll(): void;
  copy(): void;
  paste(text: string): void;
  /** A command of the table that only this view can run (follow); returns whether it ran. */
  run(command: CommandId): boolean;
}

let active: ViewCommands | null = null;

export const activeView = (): ViewCommands | null => active;

/** Registers the mounted view's commands; the latest render's callbacks are always the ones called. */
export function useViewCommands(commands: ViewCommands): void {
  const latest = useRef(commands);
  latest.current = commands;
  useEffect(() => {
    const proxy: ViewCommands = {
      element: () => latest.current.element(),
      onKey: (event) => latest.current.onKey(event),
      goTo: () => latest.current.goTo(),
      selectAll: () => latest.current.selectAll(),
      copy: () => latest.current.copy(),
      paste: (text) => latest.current.paste(text),
      run: (command) => latest.current.run(command),
    };
    active = proxy;
    return () => {
      if (active === proxy) active = null;
    };
  }, []);
}

export const modalOpen = (): boolean =>
  document.querySelector('[role=dialog][aria-modal=true], [role=alertdialog]') !== null;

/** Gives the keyboard back to the content view (unless a dialog holds it). */
export function focusView(): void {
  if (modalOpen()) return;
  active?.element()?.focus({ preventScroll: true });
}

/** Whether keys typed into `target` belong to it (text fields), not to the view. */
export function isTextEntry(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable || target.tagName === 'TEXTAREA') return true;
  if (target.tagName !== 'INPUT') return false;
  const type = (target as HTMLInputElement).type;
  return !['button', 'checkbox', 'radio', 'submit', 'reset', 'range', 'color', 'file'].includes(type);
}
