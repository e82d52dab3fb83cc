// The hex view's right-click menu (also the Menu key or Shift+F10): copy, copy as…, paste, select
// all, bookmark, hashes. Arrow keys move, Enter runs, Escape or a click elsewhere closes it.
import { useEffect, useRef, type KeyboardEvent, type ReactElement } from 'react';
import { commandSpec, type CommandId } from '../../../shared/commands';

type Item = { readonly command: CommandId } | { readonly paste: true } | { readonly separator: true };

const items: readonly Item[] = [
  { command: 'edit.copy' },
  { command: 'edit.copyAs.hex' },
  { command: 'edit.copyAs.c' },
  { command: 'edit.copyAs.python' },
  { command: 'edit.copyAs.base64' },
  { command: 'edit.copyAs.xxd' },
  { paste: true },
  { separator: true },
  { command: 'edit.selectAll' },
  { separator: true },
  { command: 'edit.bookmark' },
  { command: 'view.bookmarks' },
  { command: 'edit.hashes' },
];

/** The clipboard's text, where the page may read it (Electron, a secure page with permission). */
export async function readClipboardText(): Promise<string> {
  return navigator.clipboard.readText();
}

export function HexContextMenu(props: {
  x: number;
  y: number;
  onRun: (command: CommandId) => void;
  onPaste: () => void;
  onClose: () => void;
}): ReactElement {
  const menu = useRef<HTMLDivElement>(null);
  const { onClose } = props;
  useEffect(() => {
    menu.current?.querySelector<HTMLElement>('[role=menuitem]')?.focus();
    const away = (event: MouseEvent): void => {
      if (!menu.current?.contains(event.target as Node)) onClose();
    };
    document.addEventListener('mousedown', away, true);
    return () => document.removeEventListener('mousedown', away, true);
  }, [onClose]);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>): void => {
    const entries = [...(menu.current?.querySelectorAll<HTMLElement>('[role=menuitem]') ?? [])];
    const at = entries.indexOf(document.activeElement as HTMLElement);
    const move = (to: number): void => entries[(to + entries.length) % entries.length]?.focus();
    event.stopPropagation();
    if (event.key === 'ArrowDown') move(at + 1);
    else if (event.key === 'ArrowUp') move(at - 1);
    else if (event.key === 'Home') move(0);
    else if (event.key === 'End') move(entries.length - 1);
    else if (event.key === 'Escape' || event.key === 'Tab') onClose();
    else return;
    event.preventDefault();
  };

  return (
    <div
      ref={menu}
      className="context-menu"
      role="menu"
      aria-label="Bytes"
      style={{ left: props.x, top: props.y }}
      onKeyDown={onKeyDown}
      onContextMenu={(event) => event.preventDefault()}
    >
      {items.map((item, index) => {
        if ('separator' in item) return <div key={index} role="separator" className="menu-separator" />;
        const title =
          'paste' in item ? 'Paste (hex, Base64, C array, Python bytes, xxd)' : commandSpec(item.command).title;
        const key = 'paste' in item ? 'Ctrl+V' : commandSpec(item.command).keys[0];
        return (
          <button
            key={index}
            type="button"
            role="menuitem"
            tabIndex={-1}
            onClick={() => ('paste' in item ? props.onPaste() : props.onRun(item.command))}
          >
            <span>{title}</span>
            {key !== undefined && <kbd>{key}</kbd>}
          </button>
        );
      })}
    </div>
  );
}
