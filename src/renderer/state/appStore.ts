// App-wide state: what host we run in, the user's settings, the files offered and recently opened,
// and the open tabs. Everything about one file lives in its own stores (fileStore, findStore), made
// when its tab opens and dropped when it closes.
import { create } from 'zustand';
import {
  DEFAULT_SETTINGS,
  type FileInfo,
  type FileMemory,
  MAX_MERGED_FILES,
  MAX_SAVED_MARKS,
  type HostInfo,
  type OfferedFile,
  type OpenProgress,
  type Settings,
  type SettingsPatch,
} from '../../shared/contract';
import type { Result } from '../../shared/result';
import { byteCount, byteOffset, lineNumber, type SessionId } from '../../shared/units';
import { getApi } from '../data/api';
import { plural } from '../format';
import { createFileStore, type FileStore, type ViewKind } from './fileStore';
import { createFindStore, type FindStore } from './findStore';
import { createLogStore, type LogStore } from './logStore';
import { createTimeStore, type TimeStore } from './timeStore';
import { createHexToolsStore, type HexToolsStore } from './hexToolsStore';
import { clearErrors, messages, useMessages } from './messages';
import { recordMemoryOf, recordStoreOf, restoreRecordMemory } from './recordStore';

/** An open file (a tab): its own state, its find state. */
export interface OpenFile {
  readonly session: SessionId;
  readonly store: FileStore;
  readonly find: FindStore;
  readonly log: LogStore;
  readonly time: TimeStore;
  /** The hex view's bookmarks and hashes. */
  readonly tools: HexToolsStore;
}

/** What the overlay over the content shows: the command palette, the file picker, the keys sheet. */
export type Overlay = 'commands' | 'files' | 'keys' | 'highlights' | null;

export const defaultSettings: Settings = DEFAULT_SETTINGS;

export interface AppState {
  hostInfo: HostInfo | null;
  settings: Settings;
  /** Files named on the command line (or picked in a dialog). */
  offers: readonly OfferedFile[];
  /** Recently opened files, most recent first. */
  recent: readonly OfferedFile[];
  tabs: readonly OpenFile[];
  /** The active tab, or null when none is open. */
  file: OpenFile | null;
  opening: boolean;
  /** A compressed file being decompressed to open it, or null. */
  decompressing: OpenProgress | null;
  overlay: Overlay;
  /** A tab waiting for the user to commit or discard its pending edits before it closes. */
  confirm: { readonly file: OpenFile; readonly proceed: () => Promise<void> } | null;
}

interface AppActions {
  init(): Promise<void>;
  openOffered(offerId: number): Promise<void>;
  /** Ctrl+O: the native dialog in Electron, the list of offered and recent files in the browser host. */
  open(): Promise<void>;
  /** A new tab merging the open files that have times, by time. */
  mergeByTime(): Promise<void>;
  openDialog(): Promise<void>;
  openDropped(files: readonly File[]): Promise<void>;
  activate(session: SessionId): void;
  /** Ctrl+Tab / Ctrl+Shift+Tab. */
  cycleTab(direction: 1 | -1): void;
  /** Closes a tab (the active one by default), asking first when it has pending edits; `then` runs once it is closed. */
  closeTab(session?: SessionId, then?: () => Promise<void>): Promise<void>;
  closeOtherTabs(): Promise<void>;
  settleConfirm(choice: 'commit' | 'discard' | 'cancel'): Promise<void>;
  updateSettings(patch: SettingsPatch): void;
  setOverlay(overlay: Overlay): void;
  /** Saves where the user is in every tab now (the page is going away). */
  savePositions(): void;
}

let initStarted = false;
/** updateSettings calls not answered yet. */
let settingsInFlight = 0;

/** A file with NUL bytes in its first 4 KiB (and no UTF-16 byte-order mark) opens in the hex view. */
async function defaultView(info: FileInfo): Promise<ViewKind> {
  // A merged view is rows of text only.
  if (info.merged !== undefined) return 'text';
  const head = await getApi().readBytes(info.session, byteOffset(0), byteCount(4096));
  if (!head.ok) return 'hex';
  const bytes = head.value;
  const utf16 = (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff);
  return !utf16 && bytes.includes(0) ? 'hex' : 'text';
}

/** Where the user is in a file, with its marks, filter and query, as the next opening of it restores it. */
function positionOf(file: OpenFile): FileMemory {
  const state = file.store.getState();
  const log = file.log.getState();
  const find = file.find.getState();
  const bookmarks = file.tools.getState().bookmarks;
  return {
    view: state.view,
    line: state.currentLine,
    offset: byteOffset(state.cursor),
    ...(log.marks.length > 0 ? { marks: log.marks.slice(0, MAX_SAVED_MARKS).map(lineNumber) } : {}),
    ...(log.spec.rules.length > 0 || log.spec.context > 0 || log.filterView
      ? { filter: { spec: log.spec, view: log.filterView } }
      : {}),
    ...(find.pattern !== ''
      ? { find: { mode: find.mode, pattern: find.pattern, matchCase: find.matchCase, wholeWord: find.wholeWord } }
      : {}),
    ...(bookmarks.length > 0 ? { bookmarks } : {}),
    ...recordMemoryOf(file.store),
  };
}

const POSITION_SAVE_DELAY_MS = 800;

export const useAppStore = create<AppState & AppActions>()((set, get) => {
  const api = () => getApi();
  const byId = (session: SessionId): OpenFile | undefined => get().tabs.find((tab) => tab.session === session);
  const byPath = (path: string): OpenFile | undefined =>
    get().tabs.find((tab) => tab.store.getState().info.path === path);
  const stopSaving = new Map<SessionId, () => void>();

  /** Saves each tab's position a moment after it settles, so reopening the file comes back there. */
  const trackPosition = (file: OpenFile): void => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let last = JSON.stringify(positionOf(file));
    const changed = (): void => {
      const now = JSON.stringify(positionOf(file));
      if (now === last) return;
      last = now;
      clearTimeout(timer);
      timer = setTimeout(() => void api().savePosition(file.session, positionOf(file)), POSITION_SAVE_DELAY_MS);
    };
    // The position, the marks and rules, and the query: whichever changes.
    const unsubscribe = [
      file.store.subscribe(changed),
      file.log.subscribe(changed),
      file.find.subscribe(changed),
      file.tools.subscribe(changed),
      recordStoreOf(file.store).subscribe(changed),
    ];
    stopSaving.set(file.session, () => {
      clearTimeout(timer);
      for (const stop of unsubscribe) stop();
    });
  };

  const restorePosition = async (file: OpenFile): Promise<void> => {
    const saved = await api().lastPosition(file.session);
    if (!saved.ok || saved.value === null) return;
    const position = saved.value;
    const store = file.store.getState();
    restoreRecordMemory(file.store, position);
    store.setView(position.view);
    store.setCursor(position.offset);
    if (position.view !== 'text') store.setReveal({ kind: 'offset', offset: position.offset });
    else store.setReveal({ kind: 'line', line: lineNumber(position.line), quiet: true });
    const log = file.log.getState();
    if (position.marks !== undefined) log.setMarks(position.marks);
    if (position.bookmarks !== undefined) file.tools.getState().setBookmarks(position.bookmarks);
    if (position.filter !== undefined) {
      await log.applySpec(position.filter.spec);
      if (position.filter.view) await log.setFilterView(true);
    }
    if (position.find !== undefined) {
      const { mode, pattern, matchCase, wholeWord } = position.find;
      file.find.setState({ open: true, mode, pattern, matchCase, wholeWord });
      void file.find.getState().run();
    }
  };

  /** Opens a tab for what `opening` opened. `quiet`: keep the messages shown (opening the command line's files). */
  const adopt = async (opening: Promise<Result<FileInfo | null>>, quiet = false): Promise<OpenFile | null> => {
    set({ opening: true });
    const result = await opening;
    if (!result.ok || result.value === null) {
      set({ opening: false });
      if (!result.ok) {
        if (result.code === 'ECANCELLED') messages.info(result.message);
        else messages.error(result.message);
      }
      return null;
    }
    const info = result.value;
    if (info.compression !== null) {
      messages.info(
        `${info.name} is shown decompressed (${info.compression}) from a temporary copy: it is read-only, and the copy is deleted when the tab closes.`,
      );
    }
    // The same file opened twice (a dialog pick of an open file, a symlink to it) keeps its first tab.
    const already = get().tabs.find((tab) => tab.store.getState().info.fileId === info.fileId);
    if (already !== undefined) {
      set({ opening: false });
      await api().closeFile(info.session);
      get().activate(already.session);
      return already;
    }
    const settings = get().settings;
    const store = createFileStore(info, await defaultView(info), api(), messages, {
      bytesPerRow: settings.bytesPerRow,
    });
    const log = createLogStore(info.session, api(), messages);
    const find = createFindStore(
      info.session,
      api(),
      messages,
      (edit) => store.getState().setEdit(edit),
      () => {
        const { filterView, status } = log.getState();
        return filterView && store.getState().view === 'text' && status !== null && status.active
          ? status.filterId
          : null;
      },
    );
    // A file read again from the start (replaced, rotated, shrunk, rewritten) holds other lines:
    // its marks would mark the wrong ones.
    store.subscribe((state, previous) => {
      if (state.change === previous.change || state.change?.kind !== 'reloaded') return;
      const marks = log.getState().marks.length;
      if (marks === 0) return;
      log.getState().setMarks([]);
      messages.info(
        `${plural(marks, 'mark')} cleared: the file on disk changed, so its lines are not the ones marked.`,
      );
    });
    const time = createTimeStore(info.session, api(), messages);
    const tools = createHexToolsStore(info.session);
    const model: OpenFile = { session: info.session, store, find, log, time, tools };
    // Messages about the file the user leaves do not follow them to this one.
    if (!quiet) useMessages.getState().clear();
    // The command line's files open behind the first one; a file the user opens comes to the front.
    set({ opening: false, tabs: [...get().tabs, model], file: quiet ? (get().file ?? model) : model });
    await restorePosition(model);
    trackPosition(model);
    await model.store.getState().start();
    void model.time.getState().load();
    return model;
  };

  const closeNow = async (file: OpenFile): Promise<void> => {
    const tabs = get().tabs;
    const at = tabs.indexOf(file);
    if (at < 0) return;
    stopSaving.get(file.session)?.();
    stopSaving.delete(file.session);
    await api().savePosition(file.session, positionOf(file));
    const rest = tabs.filter((tab) => tab !== file);
    const active = get().file === file ? (rest[Math.min(at, rest.length - 1)] ?? null) : get().file;
    if (get().file === file) useMessages.getState().clear();
    set({ tabs: rest, file: active });
    void file.find.getState().cancel();
    const result = await api().closeFile(file.session);
    if (!result.ok) messages.error(result.message);
  };

  return {
    hostInfo: null,
    settings: defaultSettings,
    offers: [],
    recent: [],
    tabs: [],
    file: null,
    opening: false,
    decompressing: null,
    overlay: null,
    confirm: null,

    init: async () => {
      // StrictMode runs effects twice in development; subscribe and open only once.
      if (initStarted) return;
      initStarted = true;
      api().on('offersChanged', (offers) => set({ offers }));
      api().on('recentChanged', (recent) => set({ recent }));
      // Another window's change; this window's own changes in flight win until they are answered.
      api().on('settingsChanged', (settings) => {
        if (settingsInFlight === 0) set({ settings });
      });
      api().on('indexProgress', (status) => byId(status.session)?.store.getState().onIndexProgress(status));
      api().on('saveProgress', (progress) => byId(progress.session)?.store.getState().onSaveProgress(progress));
      api().on('fileChanged', (change) => byId(change.info.session)?.store.getState().onFileChanged(change));
      api().on('findProgress', (status) => byId(status.session)?.find.getState().onProgress(status));
      api().on('filterProgress', (status) => byId(status.session)?.log.getState().onProgress(status));
      api().on('timelineProgress', (status) => byId(status.session)?.time.getState().onTimeline(status));
      api().on('openProgress', (progress) => set({ decompressing: progress.done ? null : progress }));
      api().on('timeChanged', (state) => byId(state.session)?.time.getState().onTimeChanged(state));
      api().on('hashProgress', (status) => byId(status.session)?.tools.getState().onHashProgress(status));
      const [info, offers, settings] = await Promise.all([api().hostInfo(), api().listOffered(), api().settings()]);
      if (settings.ok) {
        set({ settings: settings.value.settings, recent: settings.value.recent });
        if (settings.value.notice !== null) messages.error(settings.value.notice);
      } else {
        messages.error(`Settings could not be read: ${settings.message}`);
      }
      if (!info.ok) return messages.error(info.message);
      if (!offers.ok) return messages.error(offers.message);
      set({ hostInfo: info.value, offers: offers.value });
      // Every file named on the command line opens as a tab; the first one is active.
      let first: OpenFile | null = null;
      for (const offer of offers.value) {
        const opened = await adopt(api().openOffered(offer.offerId), true);
        first ??= opened;
      }
      if (first !== null && first !== get().file) set({ file: first });
      // `npm run web -- --merge A B`: the files, and a tab merging them by time, in front.
      if (info.value.mergeAtStart === true) {
        const files = get().tabs.filter((tab) => tab.store.getState().info.merged === undefined);
        if (files.length >= 2) await adopt(api().mergeFiles(files.map((tab) => tab.session)));
      }
    },
    openOffered: async (offerId) => {
      const offer = [...get().offers, ...get().recent].find((candidate) => candidate.offerId === offerId);
      // A file already open is focused, not opened twice.
      const open = offer === undefined ? undefined : byPath(offer.path);
      if (open !== undefined) return get().activate(open.session);
      await adopt(api().openOffered(offerId));
    },
    open: async () => {
      if (get().hostInfo?.nativeOpenDialog === false) return set({ overlay: 'files' });
      await get().openDialog();
    },
    openDialog: async () => {
      await adopt(api().openDialog());
    },
    mergeByTime: async () => {
      const files = get().tabs.filter(
        (tab) => tab.store.getState().info.merged === undefined && tab.time.getState().state?.format != null,
      );
      if (files.length < 2) {
        messages.info('Merging by time takes two or more open logs with timestamps: open them as tabs first.');
        return;
      }
      const chosen = files.slice(0, MAX_MERGED_FILES);
      if (files.length > chosen.length) {
        messages.info(
          `A merged view takes at most ${MAX_MERGED_FILES} files: the first ${MAX_MERGED_FILES} tabs are merged.`,
        );
      }
      await adopt(api().mergeFiles(chosen.map((tab) => tab.session)));
    },
    openDropped: async (files) => {
      if (get().hostInfo?.nativeOpenDialog === false) {
        const names = files.map((file) => file.name).join(', ');
        messages.info(
          `The browser host cannot open dropped files (${names}): it opens only the files named on its command line (npm run web -- FILE…) and recent ones. Choose one with Ctrl+O.`,
        );
        return;
      }
      for (const file of files) await adopt(api().openDropped(file));
    },
    activate: (session) => {
      const file = byId(session);
      if (file === undefined || file === get().file) return;
      useMessages.getState().clear();
      set({ file });
    },
    cycleTab: (direction) => {
      const { tabs, file } = get();
      if (tabs.length < 2 || file === null) return;
      const next = tabs[(tabs.indexOf(file) + direction + tabs.length) % tabs.length];
      if (next !== undefined) get().activate(next.session);
    },
    closeTab: async (session, then) => {
      const file = session === undefined ? get().file : byId(session);
      if (file === null || file === undefined) return;
      const close = async (): Promise<void> => {
        await closeNow(file);
        await then?.();
      };
      if ((file.store.getState().edit?.modifiedBytes ?? 0) > 0) {
        // The question is about that tab, so it shows; cancelling stops here.
        get().activate(file.session);
        set({ confirm: { file, proceed: close } });
        return;
      }
      await close();
    },
    closeOtherTabs: async () => {
      const keep = get().file;
      if (keep === null) return;
      const others = get().tabs.filter((tab) => tab !== keep);
      // One after the other: a tab with pending edits asks first, and the rest follow its answer.
      const closeFrom = async (index: number): Promise<void> => {
        const tab = others[index];
        if (tab === undefined) return get().activate(keep.session);
        if (byId(tab.session) === undefined) return closeFrom(index + 1);
        await get().closeTab(tab.session, () => closeFrom(index + 1));
      };
      await closeFrom(0);
    },
    settleConfirm: async (choice) => {
      const pending = get().confirm;
      set({ confirm: null });
      if (pending === null || choice === 'cancel') return;
      const store = pending.file.store.getState();
      if (choice === 'commit' && !(await store.commitEdits())) return;
      if (choice === 'discard') await store.discardEdits();
      clearErrors();
      await pending.proceed();
    },
    updateSettings: (patch) => {
      // Shown at once; the main process answers in order, so only the answer to the last change
      // in a burst (Ctrl+= held down) is the truth, and earlier answers must not undo later presses.
      set({ settings: { ...get().settings, ...patch } });
      settingsInFlight += 1;
      void api()
        .updateSettings(patch)
        .then((result) => {
          settingsInFlight -= 1;
          if (!result.ok) messages.error(`The setting was not saved: ${result.message}`);
          else if (settingsInFlight === 0) set({ settings: result.value });
        });
    },
    setOverlay: (overlay) => set({ overlay }),
    savePositions: () => {
      for (const tab of get().tabs) void api().savePosition(tab.session, positionOf(tab));
    },
  };
});
