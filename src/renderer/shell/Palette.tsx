// The command palette (Ctrl+Shift+P) and the file picker (Ctrl+O in the browser host): a list
// filtered fuzzily as you type, arrows to move, Enter to run, Escape to close.
import { go, highlight } from 'fuzzysort';
import { useEffect, useMemo, useRef, useState, type KeyboardEvent, type ReactElement, type ReactNode } from 'react';
import { commandTable } from '../../shared/commands';
import type { OfferedFile } from '../../shared/contract';
import { useAppStore } from '../state/appStore';
import { isAvailable, runCommand } from './commands';
import { keyLabel } from './keys';

interface Entry {
  readonly key: string;
  readonly title: string;
  /** Shown at the right: the shortcut, or the file's folder. */
  readonly detail: string;
  run(): void;
}

const fileEntries = (files: readonly OfferedFile[], prefix: string): Entry[] =>
  files.map((file) => ({
    key: `file:${file.path}`,
    title: `${prefix}${file.name}`,
    detail: file.path,
    run: () => void useAppStore.getState().openOffered(file.offerId),
  }));

/** Offered files first, then recent ones not offered, each path once. */
function openableFiles(offers: readonly OfferedFile[], recent: readonly OfferedFile[]): OfferedFile[] {
  const seen = new Set(offers.map((offer) => offer.path));
  return [...offers, ...recent.filter((file) => !seen.has(file.path))];
}

function commandEntries(recent: readonly OfferedFile[]): Entry[] {
  const commands: Entry[] = commandTable
    .filter((command) => isAvailable(command.id))
    .map((command) => ({
      key: command.id,
      title: command.title,
      detail: command.keys.map(keyLabel).join(', '),
      run: () => runCommand(command.id),
    }));
  return [...commands, ...fileEntries(recent, 'Open recent: ')];
}

function marked(text: string, query: string): ReactNode {
  if (query === '') return text;
  const result = go(query, [text], { threshold: 0 })[0];
  if (result === undefined) return text;
  return highlight(result, (match, index) => <b key={index}>{match}</b>);
}

export function Palette({ mode }: { mode: 'commands' | 'files' }): ReactElement {
  const offers = useAppStore((state) => state.offers);
  const recent = useAppStore((state) => state.recent);
  const [query, setQuery] = useState('');
  const [selected, setSelected] = useState(0);
  const input = useRef<HTMLInputElement>(null);
  const list = useRef<HTMLUListElement>(null);
  const entries = useMemo(
    () => (mode === 'commands' ? commandEntries(recent) : fileEntries(openableFiles(offers, recent), '')),
    [mode, offers, recent],
  );
  const shown = useMemo(() => {
    const text = query.trim();
    if (text === '') return entries;
    return go(text, entries, { key: 'title', threshold: 0, limit: 0 }).map((result) => result.obj);
  }, [entries, query]);
  const at = Math.min(selected, Math.max(0, shown.length - 1));

  useEffect(() => input.current?.focus(), []);
  useEffect(() => {
    list.current?.querySelector('[aria-selected=true]')?.scrollIntoView({ block: 'nearest' });
  }, [at, shown]);

  const close = (): void => useAppStore.getState().setOverlay(null);
  const choose = (entry: Entry | undefined): void => {
    if (entry === undefined) return;
    close();
    entry.run();
  };
  const label = mode === 'commands' ? 'Command' : 'Open a file';
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>): void => {
    const moves: Record<string, number> = { ArrowDown: 1, ArrowUp: -1, PageDown: 10, PageUp: -10 };
    const move = moves[event.key];
    if (move !== undefined) {
      event.preventDefault();
      setSelected(Math.min(Math.max(0, at + move), Math.max(0, shown.length - 1)));
    } else if (event.key === 'Enter') {
      event.preventDefault();
      choose(shown[at]);
    } else if (event.key === 'Escape') {
      event.preventDefault();
      close();
    } else if (event.key === 'Tab') {
      // As in VS Code, the keyboard stays in the query; the arrows choose.
      event.preventDefault();
      input.current?.focus();
    }
  };
  return (
    <div className="palette-backdrop" onMouseDown={close}>
      <div
        className="palette"
        role="dialog"
        aria-modal="true"
        aria-label={mode === 'commands' ? 'Palette' : 'File picker'}
        onMouseDown={(event) => event.stopPropagation()}
        // Keys are handled on the whole box, so that they work wherever focus is inside it.
        onKeyDown={onKeyDown}
      >
        <input
          ref={input}
          aria-label={label}
          role="combobox"
          aria-expanded="true"
          aria-controls="palette-list"
          aria-activedescendant={shown.length > 0 ? `palette-option-${at}` : undefined}
          placeholder={mode === 'commands' ? 'Type a command' : 'Type part of a file name'}
          value={query}
          onChange={(event) => {
            setQuery(event.target.value);
            setSelected(0);
          }}
        />
        <ul id="palette-list" ref={list} role="listbox" aria-label={mode === 'commands' ? 'Palette entries' : 'Files'}>
          {shown.map((entry, index) => (
            <li
              key={entry.key}
              id={`palette-option-${index}`}
              role="option"
              aria-selected={index === at}
              data-command={mode === 'commands' && !entry.key.startsWith('file:') ? entry.key : undefined}
              onMouseMove={() => setSelected(index)}
              onClick={() => choose(entry)}
            >
              <span className="palette-title">{marked(entry.title, query.trim())}</span>
              {entry.detail !== '' && <span className="palette-detail">{entry.detail}</span>}
            </li>
          ))}
          {shown.length === 0 && (
            <li className="palette-empty" role="presentation">
              {mode === 'files' && entries.length === 0
                ? 'No files to open: name them on the command line (npm run web -- FILE…).'
                : 'Nothing matches.'}
            </li>
          )}
        </ul>
      </div>
    </div>
  );
}
