// The shell: tabs, the active file, the palette and shortcuts sheet, toasts, dialogs, drag-and-drop,
// the theme; keys are handled once, here.
import { useEffect, useState, type DragEvent, type ReactElement } from 'react';
import { getApi } from './data/api';
import { rowHeightFor } from './format';
import { runCommand, resolvedTheme } from './shell/commands';
import { Dialogs } from './shell/Dialogs';
import { HighlightsDialog } from './features/highlight/HighlightsDialog';
import { KeySheet } from './shell/KeySheet';
import { Toasts } from './shell/Notices';
import { OpenFileView } from './shell/OpenFileView';
import { Palette } from './shell/Palette';
import { TabBar } from './shell/TabBar';
import { useShortcuts } from './shell/useShortcuts';
import { Welcome } from './shell/Welcome';
import { OpeningProgress } from './shell/OpeningProgress';
import { useAppStore } from './state/appStore';
import { CompareView } from './features/compare/CompareView';
import { ComparePicker } from './features/compare/ComparePicker';

/** The page's theme and text size follow the settings; 'system' follows the OS as it changes. */
function useTheme(): void {
  const theme = useAppStore((state) => state.settings.theme);
  const fontSize = useAppStore((state) => state.settings.fontSize);
  useEffect(() => {
    const apply = (): void => {
      document.documentElement.dataset['theme'] = resolvedTheme(theme);
    };
    apply();
    if (theme !== 'system' || typeof matchMedia !== 'function') return;
    const query = matchMedia('(prefers-color-scheme: light)');
    query.addEventListener('change', apply);
    return () => query.removeEventListener('change', apply);
  }, [theme]);
  useEffect(() => {
    document.documentElement.style.setProperty('--content-font-size', `${fontSize}px`);
    document.documentElement.style.setProperty('--row-height', `${rowHeightFor(fontSize)}px`);
  }, [fontSize]);
}

/** Commands chosen in Electron's application menu. */
function useMenuCommands(): void {
  useEffect(
    () =>
      getApi().on('menuCommand', (menu) => {
        if (menu.command === 'file.openRecent') void useAppStore.getState().openOffered(menu.offerId);
        else runCommand(menu.command);
      }),
    [],
  );
}

/** Closing the window (or the browser tab) while any tab has pending edits asks first; Electron shows its own dialog. */
function useUnloadGuard(): void {
  useEffect(() => {
    const onBeforeUnload = (event: BeforeUnloadEvent): void => {
      const pending = useAppStore.getState().tabs.some((tab) => (tab.store.getState().edit?.modifiedBytes ?? 0) > 0);
      if (pending) event.preventDefault();
    };
    // Leaving (a reload, closing the window): where the user is in each tab is saved now.
    const onPageHide = (): void => useAppStore.getState().savePositions();
    window.addEventListener('beforeunload', onBeforeUnload);
    window.addEventListener('pagehide', onPageHide);
    return () => {
      window.removeEventListener('beforeunload', onBeforeUnload);
      window.removeEventListener('pagehide', onPageHide);
    };
  }, []);
}

export function App(): ReactElement {
  const file = useAppStore((state) => state.file);
  const overlay = useAppStore((state) => state.overlay);
  const [dragging, setDragging] = useState(false);
  useShortcuts();
  useTheme();
  useMenuCommands();
  useUnloadGuard();
  useEffect(() => void useAppStore.getState().init(), []);

  const onDrop = (event: DragEvent<HTMLDivElement>): void => {
    event.preventDefault();
    setDragging(false);
    const dropped = [...event.dataTransfer.files];
    if (dropped.length > 0) void useAppStore.getState().openDropped(dropped);
  };

  return (
    <div
      className={`app${dragging ? ' dragging' : ''}`}
      onDragOver={(event) => {
        event.preventDefault();
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={onDrop}
    >
      {/* Under the palette or the shortcuts sheet, the rest of the app is out of reach (keys, clicks, screen readers). */}
      <div className="app-body" aria-hidden={overlay !== null ? true : undefined} inert={overlay !== null}>
        <TabBar />
        <OpeningProgress />
        <Dialogs />
        <main className="content">
          {file === null ? (
            <Welcome />
          ) : file.store.getState().info.compared !== undefined ? (
            <CompareView key={file.session} file={file} />
          ) : (
            <OpenFileView key={file.session} file={file} />
          )}
        </main>
      </div>
      {overlay === 'keys' ? (
        <KeySheet />
      ) : overlay === 'highlights' ? (
        <HighlightsDialog />
      ) : overlay !== null ? (
        <Palette mode={overlay} />
      ) : null}
      <ComparePicker />
      <Toasts />
    </div>
  );
}
