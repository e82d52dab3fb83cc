// One open file: its row of options, notices, find bar, the text or hex view, the matches pane and
// the status bar, all reading the file's own stores.
import { useCallback, useEffect, useState, type ReactElement } from 'react';
import { useStore } from 'zustand';
import { MatchesPane } from '../features/find/MatchesPane';
import { FindBar } from '../features/find/FindBar';
import { HexView } from '../features/hex/HexView';
import { TextView } from '../features/text/TextView';
import type { OpenFile } from '../state/appStore';
import { FileStoreContext } from '../state/fileStore';
import { FindStoreContext } from '../state/findStore';
import { FileBar } from './FileBar';
import { FileNotice } from './Notices';
import { StatusBar } from './StatusBar';
import { useFileCaches } from './useFileCaches';
import { revealOffset } from './useShortcuts';

const STATUS_POLL_MS = 2000;

export function OpenFileView({ file }: { file: OpenFile }): ReactElement {
  return (
    <FileStoreContext.Provider value={file.store}>
      <FindStoreContext.Provider value={file.find}>
        <OpenFileBody file={file} />
      </FindStoreContext.Provider>
    </FileStoreContext.Provider>
  );
}

function OpenFileBody({ file }: { file: OpenFile }): ReactElement {
  const { byteCache, lineCache } = useFileCaches();
  const view = useStore(file.store, (state) => state.view);
  const findOpen = useStore(file.find, (state) => state.open);
  const [paneOpen, setPaneOpen] = useState(false);

  useEffect(() => {
    const timer = window.setInterval(() => void file.store.getState().checkFile(), STATUS_POLL_MS);
    return () => window.clearInterval(timer);
  }, [file]);

  // Closing the window or tab with pending edits asks first (Electron shows its own dialog).
  const pendingEdits = useStore(file.store, (state) => state.edit?.modifiedBytes ?? 0);
  useEffect(() => {
    if (pendingEdits === 0) return;
    const onBeforeUnload = (event: BeforeUnloadEvent): void => event.preventDefault();
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => window.removeEventListener('beforeunload', onBeforeUnload);
  }, [pendingEdits]);

  // Next / previous start from where the user is.
  useEffect(
    () =>
      file.store.subscribe((state) => {
        const origin = state.view === 'hex' ? state.cursor : (state.currentLineOffset ?? 0);
        if (file.find.getState().current === null) file.find.getState().setOrigin(origin);
      }),
    [file],
  );

  const reveal = useCallback((offset: number) => revealOffset(file, offset), [file]);

  return (
    <>
      <FileBar />
      <FileNotice />
      <div className="view-area">
        <FindBar onReveal={reveal} paneOpen={paneOpen} onTogglePane={() => setPaneOpen(!paneOpen)} />
        {view === 'text' && lineCache !== null ? <TextView cache={lineCache} /> : <HexView cache={byteCache} />}
      </div>
      {paneOpen && findOpen && <MatchesPane onReveal={reveal} />}
      <StatusBar />
    </>
  );
}
