// One open file: its row of options, notices, find bar, the text or hex view, the matches pane and
// the status bar, all reading the file's own stores.
import { useCallback, useEffect, useState, type ReactElement } from 'react';
import { useStore } from 'zustand';
import { MatchesPane } from '../features/find/MatchesPane';
import { FindBar } from '../features/find/FindBar';
import { HexView } from '../features/hex/HexView';
import { RecordView } from '../features/records/RecordView';
import { TextView } from '../features/text/TextView';
import { FilterBar } from '../features/filter/FilterBar';
import { MarksPane } from '../features/marks/MarksPane';
import type { OpenFile } from '../state/appStore';
import { FileStoreContext } from '../state/fileStore';
import { FindStoreContext } from '../state/findStore';
import { LogStoreContext } from '../state/logStore';
import { TimeStoreContext } from '../state/timeStore';
import { HexToolsStoreContext } from '../state/hexToolsStore';
import { BookmarksPane } from '../features/bookmarks/BookmarksPane';
import { BookmarkDialog } from '../features/bookmarks/BookmarkDialog';
import { HashesPane } from '../features/hashes/HashesPane';
import { Timeline } from '../features/time/Timeline';
import { BinaryPanes } from '../features/binary/BinaryPanes';
import { FileBar, ViewToolsContext } from './FileBar';
import { FileNotice } from './Notices';
import { StatusBar } from './StatusBar';
import { useFileCaches } from './useFileCaches';

const STATUS_POLL_MS = 2000;

export function OpenFileView({ file }: { file: OpenFile }): ReactElement {
  return (
    <FileStoreContext.Provider value={file.store}>
      <FindStoreContext.Provider value={file.find}>
        <LogStoreContext.Provider value={file.log}>
          <TimeStoreContext.Provider value={file.time}>
            <HexToolsStoreContext.Provider value={file.tools}>
              <OpenFileBody file={file} />
            </HexToolsStoreContext.Provider>
          </TimeStoreContext.Provider>
        </LogStoreContext.Provider>
      </FindStoreContext.Provider>
    </FileStoreContext.Provider>
  );
}

function OpenFileBody({ file }: { file: OpenFile }): ReactElement {
  const { byteCache, lineCache, filteredCache } = useFileCaches();
  const filterView = useStore(file.log, (state) => state.filterView);
  const marksOpen = useStore(file.log, (state) => state.marksOpen);
  const timelineOpen = useStore(file.time, (state) => state.timelineOpen);
  const merged = useStore(file.store, (state) => state.info.merged !== undefined);
  const textCache = filteredCache ?? lineCache;
  const view = useStore(file.store, (state) => state.view);
  const findOpen = useStore(file.find, (state) => state.open);
  const paneOpen = useStore(file.find, (state) => state.paneOpen);
  const bookmarksOpen = useStore(file.tools, (state) => state.bookmarksOpen);
  const hashesOpen = useStore(file.tools, (state) => state.hashesOpen);
  const draft = useStore(file.tools, (state) => state.draft);
  const [slot, setSlot] = useState<HTMLElement | null>(null);

  useEffect(() => {
    const timer = window.setInterval(() => void file.store.getState().checkFile(), STATUS_POLL_MS);
    return () => window.clearInterval(timer);
  }, [file]);

  // Next / previous start from where the user is.
  useEffect(
    () =>
      file.store.subscribe((state) => {
        const origin = state.view !== 'text' ? state.cursor : (state.currentLineOffset ?? 0);
        if (file.find.getState().current === null) file.find.getState().setOrigin(origin);
      }),
    [file],
  );

  const reveal = useCallback((offset: number) => file.store.getState().setReveal({ kind: 'offset', offset }), [file]);

  return (
    <ViewToolsContext.Provider value={slot}>
      <FileBar onSlot={setSlot} />
      <FileNotice />
      {view === 'text' && filterView && <FilterBar />}
      {view === 'text' && timelineOpen && <Timeline />}
      <div className="view-area">
        <FindBar onReveal={reveal} />
        {view === 'text' && textCache !== null ? (
          <TextView key={textCache.filterId ?? 'lines'} cache={textCache} />
        ) : view === 'records' && !merged ? (
          <RecordView cache={byteCache} />
        ) : merged ? (
          // A merged view has no bytes of its own: its rows show once the merge has begun.
          <p className="merging">Merging the files by time…</p>
        ) : (
          <HexView cache={byteCache} />
        )}
      </div>
      {paneOpen && findOpen && <MatchesPane onReveal={reveal} />}
      {marksOpen && <MarksPane />}
      {view === 'hex' && !merged && hashesOpen && <HashesPane />}
      {view === 'hex' && !merged && bookmarksOpen && <BookmarksPane />}
      {draft !== null && <BookmarkDialog draft={draft} />}
      {view === 'hex' && !merged && <BinaryPanes />}
      <StatusBar />
    </ViewToolsContext.Provider>
  );
}
