// The top row: a tab for every open file (name, modified dot, close button), then Open and the
// command palette. The active tab's name also titles the window.
import { useEffect, useRef, type ReactElement } from 'react';
import { useStore } from 'zustand';
import { formatSize } from '../format';
import { useAppStore, type OpenFile } from '../state/appStore';
import { runCommand } from './commands';
import { keyLabel } from './keys';

export function TabBar(): ReactElement {
  const tabs = useAppStore((state) => state.tabs);
  const active = useAppStore((state) => state.file);
  const opening = useAppStore((state) => state.opening);
  return (
    <header className="tab-bar">
      {/* A grid of one row: each tab is a cell holding its own close button (a tab role cannot). */}
      <div className="tabs" role="grid" aria-label="Open files">
        <div role="row" className="tabs-row">
          {tabs.map((tab) => (
            <Tab key={tab.session} file={tab} active={tab === active} />
          ))}
        </div>
      </div>
      <button
        type="button"
        className="icon"
        aria-label="Open"
        title={`Open a file (${keyLabel('Ctrl+O')})`}
        disabled={opening}
        onClick={() => runCommand('file.open')}
      >
        <span aria-hidden="true">+</span>
      </button>
      {tabs.filter((tab) => tab.store.getState().info.merged === undefined).length > 1 && (
        <button
          type="button"
          className="icon"
          aria-label="Merge by time"
          title="Merge the open logs by time into one tab"
          disabled={opening}
          onClick={() => runCommand('file.mergeByTime')}
        >
          <span aria-hidden="true">⧉</span>
        </button>
      )}
      <span className="spacer" />
      <button
        type="button"
        className="icon"
        aria-label="Palette"
        title={`Show all commands (${keyLabel('Ctrl+Shift+P')})`}
        onClick={() => runCommand('help.palette')}
      >
        <span aria-hidden="true">⌘</span>
      </button>
      <button
        type="button"
        className="icon"
        aria-label="Keyboard shortcuts"
        title={`Keyboard shortcuts (${keyLabel('F1')})`}
        onClick={() => runCommand('help.keys')}
      >
        <span aria-hidden="true">?</span>
      </button>
    </header>
  );
}

function Tab({ file, active }: { file: OpenFile; active: boolean }): ReactElement {
  const info = useStore(file.store, (state) => state.info);
  const modified = useStore(file.store, (state) => (state.edit?.modifiedBytes ?? 0) > 0);
  useEffect(() => {
    if (!active) return;
    document.title = `${modified ? '● ' : ''}${info.name} — hexlog`;
    return () => {
      document.title = 'hexlog';
    };
  }, [active, info.name, modified]);
  const activate = (): void => useAppStore.getState().activate(file.session);
  const element = useRef<HTMLDivElement>(null);
  // The active tab is always in sight when many tabs overflow the row.
  useEffect(() => {
    if (active) element.current?.scrollIntoView?.({ block: 'nearest', inline: 'nearest' });
  }, [active]);
  return (
    <div
      ref={element}
      role="gridcell"
      className={`tab${active ? ' active' : ''}`}
      data-testid="tab"
      data-name={info.name}
      data-merged={info.merged !== undefined ? 'true' : undefined}
      data-compared={info.compared !== undefined ? 'true' : undefined}
      aria-selected={active}
      tabIndex={active ? 0 : -1}
      title={
        info.merged !== undefined
          ? `Merged by time: ${info.merged.map((merged) => merged.path).join(', ')}`
          : info.compared !== undefined
            ? `Compared byte for byte: ${info.compared.map((compared) => compared.path).join(' and ')}`
            : `${info.path} (${formatSize(info.size)})`
      }
      onMouseDown={(event) => {
        // A middle click closes, as in browsers and editors.
        if (event.button === 1) {
          event.preventDefault();
          void useAppStore.getState().closeTab(file.session);
        }
      }}
      onClick={activate}
      onKeyDown={(event) => {
        if (event.key === 'ArrowRight' || event.key === 'ArrowLeft') {
          event.preventDefault();
          useAppStore.getState().cycleTab(event.key === 'ArrowRight' ? 1 : -1);
          // The keyboard stays in the tab row (the newly shown view would take it otherwise).
          requestAnimationFrame(() =>
            document.querySelector<HTMLElement>('[data-testid=tab][aria-selected=true]')?.focus(),
          );
        }
      }}
    >
      <span className="tab-name" data-testid={active ? 'file-name' : undefined}>
        {info.name}
      </span>
      {modified && (
        <span className="modified-dot" data-testid="modified-dot" title="Edits not committed yet">
          ●<span className="visually-hidden"> (modified)</span>
        </span>
      )}
      <button
        type="button"
        className="tab-close"
        aria-label="Close tab"
        title={`Close ${info.name} (${keyLabel('Ctrl+W')})`}
        tabIndex={-1}
        onClick={(event) => {
          event.stopPropagation();
          void useAppStore.getState().closeTab(file.session);
        }}
      >
        <span aria-hidden="true">×</span>
      </button>
    </div>
  );
}
