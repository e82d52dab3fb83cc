// "Compare with…": picks the second file, among the other open file tabs and the offered and
// recent files (the browser host has no open dialog). The keyboard works as in the palette.
import { useEffect, useMemo, useRef, useState, type KeyboardEvent, type ReactElement } from 'react';
import { formatSize } from '../../format';
import { useAppStore } from '../../state/appStore';
import { focusView } from '../../shell/viewCommands';
import { compareWith, compareWithOffer, isPlainFile, useComparePicker } from './compareTab';

interface Choice {
  readonly key: string;
  readonly title: string;
  readonly detail: string;
  run(): Promise<void>;
}

function useChoices(): readonly Choice[] {
  const tabs = useAppStore((state) => state.tabs);
  const active = useAppStore((state) => state.file);
  const offers = useAppStore((state) => state.offers);
  const recent = useAppStore((state) => state.recent);
  return useMemo(() => {
    const choices: Choice[] = [];
    const openPaths = new Set(tabs.map((tab) => tab.store.getState().info.path));
    for (const tab of tabs) {
      if (tab === active || !isPlainFile(tab)) continue;
      const info = tab.store.getState().info;
      choices.push({
        key: `tab:${tab.session}`,
        title: info.name,
        detail: `open tab · ${formatSize(info.size)} · ${info.path}`,
        run: () => compareWith(tab.session),
      });
    }
    const seen = new Set<string>();
    for (const offer of [...offers, ...recent]) {
      if (openPaths.has(offer.path) || seen.has(offer.path)) continue;
      seen.add(offer.path);
      choices.push({
        key: `offer:${offer.offerId}`,
        title: offer.name,
        detail: `opens it · ${offer.path}`,
        run: () => compareWithOffer(offer.offerId, offer.path),
      });
    }
    return choices;
  }, [tabs, active, offers, recent]);
}

export function ComparePicker(): ReactElement | null {
  const open = useComparePicker((state) => state.open);
  return open ? <PickerDialog /> : null;
}

function PickerDialog(): ReactElement {
  const choices = useChoices();
  const activeName = useAppStore((state) => state.file?.store.getState().info.name ?? '');
  const [selected, setSelected] = useState(0);
  const box = useRef<HTMLDivElement>(null);
  const list = useRef<HTMLUListElement>(null);
  const at = Math.min(selected, Math.max(0, choices.length - 1));

  useEffect(() => box.current?.focus(), []);
  useEffect(() => {
    list.current?.querySelector('[aria-selected=true]')?.scrollIntoView({ block: 'nearest' });
  }, [at]);

  const close = (): void => {
    useComparePicker.getState().setOpen(false);
    requestAnimationFrame(focusView);
  };
  const choose = (choice: Choice | undefined): void => {
    if (choice === undefined) return;
    useComparePicker.getState().setOpen(false);
    void choice.run();
  };
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>): void => {
    const moves: Record<string, number> = { ArrowDown: 1, ArrowUp: -1, PageDown: 10, PageUp: -10 };
    const move = moves[event.key];
    if (move !== undefined) {
      event.preventDefault();
      setSelected(Math.min(Math.max(0, at + move), Math.max(0, choices.length - 1)));
    } else if (event.key === 'Home' || event.key === 'End') {
      event.preventDefault();
      setSelected(event.key === 'Home' ? 0 : Math.max(0, choices.length - 1));
    } else if (event.key === 'Enter') {
      event.preventDefault();
      choose(choices[at]);
    } else if (event.key === 'Escape') {
      event.preventDefault();
      close();
    }
  };
  return (
    <div className="palette-backdrop" onMouseDown={close}>
      <div
        ref={box}
        className="palette compare-picker"
        role="dialog"
        aria-modal="true"
        aria-label="Compare with"
        tabIndex={-1}
        aria-activedescendant={choices.length > 0 ? `compare-option-${at}` : undefined}
        onMouseDown={(event) => event.stopPropagation()}
        onKeyDown={onKeyDown}
      >
        <p className="compare-picker-title">Compare {activeName} with…</p>
        <ul ref={list} role="listbox" aria-label="Files to compare with">
          {choices.map((choice, index) => (
            <li
              key={choice.key}
              id={`compare-option-${index}`}
              role="option"
              aria-selected={index === at}
              data-name={choice.title}
              onMouseMove={() => setSelected(index)}
              onClick={() => choose(choice)}
            >
              <span className="palette-title">{choice.title}</span>
              <span className="palette-detail">{choice.detail}</span>
            </li>
          ))}
          {choices.length === 0 && (
            <li className="palette-empty" role="presentation">
              No other file to compare with: open a second file first (Ctrl+O).
            </li>
          )}
        </ul>
      </div>
    </div>
  );
}
