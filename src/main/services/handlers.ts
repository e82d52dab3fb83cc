// Request handlers for every channel of the contract. Arguments are checked and copied against the
// channel's schema (src/shared/schema.ts) before a handler sees them, so each handler gets the
// contract's typed arguments; every call answers a Result and the dispatcher never throws.
import {
  MAX_MATCHES_PER_PAGE,
  isRequestName,
  type EventName,
  type Events,
  type FileInfo,
  type HostInfo,
  type OfferedFile,
  type RequestArgs,
  type RequestName,
  type RequestResult,
} from '../../shared/contract';
import { err, errFromThrown, ok, type Err, type Result } from '../../shared/result';
import { argSpecs, describe, parseArgs, requestSchemas, type RequestSchemas } from '../../shared/schema';
import { mergedRequest } from './merge/mergedRequests';
import { writeBookmarks } from './bookmarksFile';
import { basename } from 'node:path';
import { compareHandlers } from './compare/compareRequests';
import type { SessionId } from '../../shared/units';
import type { FileSession } from './fileSession';
import type { OfferList } from './offers';
import type { SessionRegistry } from './sessionRegistry';
import type { SettingsStore } from './settings';

/** Who is calling: a window or a browser-host connection. Sessions belong to their owner. */
export interface CallContext {
  readonly owner: string;
}

/** Why a file is being saved: the dialog's title and the tag of the name suggested beside the file. */
export interface SavePurpose {
  readonly title: string;
  readonly tag: string;
  /** The name's extension ('.json'), when not the file's own. */
  readonly extension?: string;
}

/** What differs between Electron and the browser host. */
export interface HostPorts {
  readonly info: HostInfo;
  /** Sends an event to one window or connection; a gone owner drops it. */
  emit<E extends EventName>(owner: string, name: E, payload: Events[E]): void;
  /** Sends an event to every window or connection (settings and recent files are shared). */
  broadcast?<E extends EventName>(name: E, payload: Events[E]): void;
  /** Shows the platform's open dialog; resolves to the chosen path, or null if cancelled. */
  showOpenDialog?(context: CallContext): Promise<string | null>;
  /**
   * Picks where "Save a copy" (or an export) writes: a save dialog, or a fresh name beside the file
   * (name.edited.log, or name.<tag>.log). Null if cancelled.
   */
  chooseCopyPath(context: CallContext, original: string, purpose?: SavePurpose): Promise<string | null>;
}

export interface ServiceDeps {
  readonly sessions: SessionRegistry;
  readonly offers: OfferList;
  readonly settings: SettingsStore;
  readonly host: HostPorts;
}

export type Dispatch = (context: CallContext, name: unknown, args: unknown) => Promise<Result<unknown>>;

type Handler<K extends RequestName> = (
  context: CallContext,
  args: RequestArgs<K>,
) => Result<RequestResult<K>> | Promise<Result<RequestResult<K>>>;

export function createDispatch({ sessions, offers, settings, host }: ServiceDeps): Dispatch {
  const recentOffers = (): readonly OfferedFile[] => settings.recent().map((path) => offers.register(path));

  /** A file opened (from any source) goes first in the recent files, in every window. */
  const opened = async (opening: Promise<Result<FileInfo>>): Promise<Result<FileInfo>> => {
    const result = await opening;
    if (result.ok && settings.addRecent(result.value.path)) host.broadcast?.('recentChanged', recentOffers());
    return result;
  };

  /** Runs `act` on the session if it belongs to the caller. */
  const withSession = <R>(context: CallContext, id: SessionId, act: (session: FileSession) => R): R | Err => {
    const session = sessions.get(id, context.owner);
    return session.ok ? act(session.value) : session;
  };

  const handlers: { [K in RequestName]: Handler<K> } = {
    hostInfo: () => ok(host.info),
    listOffered: () => ok(offers.list()),
    openOffered: (context, [offerId]) => {
      const offer = offers.get(offerId);
      if (offer === undefined) return err('ENOTFOUND', `no offered file with id ${offerId}`);
      return opened(sessions.openFile(offer.path, context.owner));
    },
    openDialog: async (context) => {
      if (host.showOpenDialog === undefined) {
        return err('EUNSUPPORTED', 'This host has no open dialog: it opens only the files named on its command line.');
      }
      const path = await host.showOpenDialog(context);
      if (path === null) return ok(null);
      offers.offer(path);
      return opened(sessions.openFile(path, context.owner));
    },
    openDroppedPath: (context, [path]) => {
      if (!host.info.acceptsDroppedFiles) {
        return err(
          'EUNSUPPORTED',
          'This host cannot open dropped files: it opens only the files named on its command line.',
        );
      }
      offers.offer(path);
      return opened(sessions.openFile(path, context.owner));
    },
    closeFile: (context, [session]) => sessions.close(session, context.owner),
    readBytes: (context, [session, offset, length]) =>
      withSession(context, session, (found) => found.readBytes(offset, length)),
    fileStatus: (context, [session]) => withSession(context, session, (found) => found.status()),
    reloadFile: (context, [session]) => withSession(context, session, (found) => found.reload()),
    openText: (context, [session, encoding]) => withSession(context, session, (found) => found.openText(encoding)),
    indexStatus: (context, [session]) => withSession(context, session, (found) => found.indexStatus()),
    cancelIndex: (context, [session]) => withSession(context, session, (found) => found.cancelIndex()),
    readLines: (context, [session, first, count]) =>
      withSession(context, session, (found) => found.readLines(first, count)),
    lineAtOffset: (context, [session, offset]) => withSession(context, session, (found) => found.lineAtOffset(offset)),
    readLinesAt: (context, [session, lines, maxBytes]) =>
      withSession(context, session, (found) => found.readLinesAt(lines, maxBytes)),
    copyLines: (context, [session, first, last]) =>
      withSession(context, session, (found) => found.copyLines(first, last)),
    readView: (context, [session, offset, length]) =>
      withSession(context, session, (found) => found.readView(offset, length)),
    editBytes: (context, [session, offset, bytes]) =>
      withSession(context, session, (found) => found.editBytes(offset, bytes)),
    editState: (context, [session]) => withSession(context, session, (found) => ok(found.editState())),
    undoEdit: (context, [session]) => withSession(context, session, (found) => found.undoEdit()),
    redoEdit: (context, [session]) => withSession(context, session, (found) => found.redoEdit()),
    discardEdits: (context, [session]) => withSession(context, session, (found) => found.discardEdits()),
    commitEdits: (context, [session]) => withSession(context, session, (found) => found.commit()),
    saveCopy: async (context, [session]) => {
      const found = sessions.get(session, context.owner);
      if (!found.ok) return found;
      const dest = await host.chooseCopyPath(context, found.value.shownPath);
      return dest === null ? ok(null) : found.value.saveCopy(dest);
    },
    cancelSaveCopy: (context, [session]) => withSession(context, session, (found) => ok(found.cancelSaveCopy())),
    journalStatus: (context, [session]) => withSession(context, session, (found) => found.journalStatus()),
    resolveJournal: (context, [session, action]) =>
      withSession(context, session, (found) => found.resolveJournal(action)),
    startFind: (context, [session, query]) => withSession(context, session, (found) => found.find.start(query)),
    findStatus: (context, [session]) => withSession(context, session, (found) => ok(found.find.status())),
    cancelFind: (context, [session]) => withSession(context, session, (found) => ok(found.find.cancel())),
    findMatches: (context, [session, searchId, first, count]) =>
      withSession(context, session, (found) => found.find.matches(searchId, first, count)),
    matchesInRange: (context, [session, searchId, start, end]) => {
      if (end < start) return err('EINVAL', 'matchesInRange: end offset is before start offset');
      return withSession(context, session, (found) => found.find.inRange(searchId, start, end, MAX_MATCHES_PER_PAGE));
    },
    matchIndexAt: (context, [session, searchId, offset]) =>
      withSession(context, session, (found) => found.find.indexAt(searchId, offset)),
    matchRows: (context, [session, searchId, first, count]) =>
      withSession(context, session, (found) => found.find.rows(searchId, first, count)),
    replaceMatches: (context, [session, searchId, which, replacement]) =>
      withSession(context, session, (found) => {
        const replaced = found.find.replace(searchId, which, replacement);
        return replaced.ok ? ok(found.editState()) : replaced;
      }),
    setFollow: (context, [session, follow]) => withSession(context, session, (found) => found.setFollow(follow)),
    settings: () => ok({ settings: settings.settings, recent: recentOffers(), notice: settings.takeNotice() }),
    updateSettings: (_context, [patch]) => {
      const updated = settings.update(patch);
      // Only a real change reaches the other windows (and the disk).
      if (updated.changed) host.broadcast?.('settingsChanged', updated.settings);
      return ok(updated.settings);
    },
    lastPosition: (context, [session]) =>
      withSession(context, session, (found) => ok(settings.position(found.shownPath, found.identity))),
    savePosition: (context, [session, position]) =>
      withSession(context, session, (found) => {
        settings.savePosition(found.shownPath, found.identity, position);
        return ok(null);
      }),
    setFilter: (context, [session, spec]) => withSession(context, session, (found) => found.filter.set(spec)),
    filterStatus: (context, [session]) => withSession(context, session, (found) => ok(found.filter.status())),
    readFilteredLines: (context, [session, filterId, first, count]) =>
      withSession(context, session, (found) => found.readFilteredLines(filterId, first, count)),
    filterRowOfLine: (context, [session, filterId, line]) =>
      withSession(context, session, (found) => found.filter.rowOfLine(filterId, line)),
    scrollTicks: (context, [session, searchId, filterId, marks, buckets]) =>
      withSession(context, session, (found) => found.scrollTicks(searchId, filterId, marks, buckets)),
    filterRowsOfLines: (context, [session, filterId, lines]) =>
      withSession(context, session, (found) => found.filterRowsOfLines(filterId, lines)),
    shownMatch: (context, [session, searchId, filterId, from, direction]) =>
      withSession(context, session, (found) => found.shownMatch(searchId, filterId, from, direction)),
    exportLines: async (context, [session, source]) => {
      // A merged view exports its rows as a file exports its lines (the host picks a place the same way).
      const view = sessions.getMerged(session, context.owner);
      const found = view !== null ? ok(view) : sessions.get(session, context.owner);
      if (!found.ok) return found;
      const purpose =
        source.kind === 'filtered'
          ? { title: 'Export the filtered lines', tag: 'filtered' }
          : { title: 'Export the marked lines', tag: 'marked' };
      const prepared = found.value.exportSource(source);
      if (!prepared.ok) return prepared;
      const dest = await host.chooseCopyPath(context, found.value.shownPath, purpose);
      return dest === null ? ok(null) : found.value.exportLines(prepared.value, dest);
    },
    copyFilteredLines: (context, [session, filterId, first, last]) =>
      withSession(context, session, (found) => found.copyFilteredLines(filterId, first, last)),
    timeState: (context, [session]) => withSession(context, session, (found) => ok(found.time.timeState())),
    setTimeFormat: (context, [session, choice]) =>
      withSession(context, session, (found) => found.setTimeFormat(choice)),
    seekTime: (context, [session, ms]) => withSession(context, session, (found) => found.time.seek(ms)),
    lineTime: (context, [session, line]) => withSession(context, session, (found) => found.time.lineTime(line)),
    startTimeline: (context, [session, searchId]) =>
      withSession(context, session, (found) => found.time.startTimeline(searchId)),
    timelineStatus: (context, [session]) => withSession(context, session, (found) => ok(found.time.timelineStatus())),
    cancelOpen: (context) => {
      sessions.cancelOpening(context.owner);
      return ok(null);
    },
    mergeFiles: (context, [ids]) => sessions.merge(ids, context.owner),
    startHashes: (context, [session, offset, length]) =>
      withSession(context, session, (found) => found.hashes.start(offset, length)),
    hashStatus: (context, [session]) => withSession(context, session, (found) => ok(found.hashes.status())),
    cancelHashes: (context, [session]) => withSession(context, session, (found) => ok(found.hashes.cancel())),
    exportBookmarks: async (context, [session, bookmarks]) => {
      const found = sessions.get(session, context.owner);
      if (!found.ok) return found;
      const file = found.value;
      const purpose = { title: 'Export the bookmarks', tag: 'bookmarks', extension: '.json' };
      const dest = await host.chooseCopyPath(context, file.shownPath, purpose);
      if (dest === null) return ok(null);
      return writeBookmarks(dest, { file: basename(file.shownPath), size: file.size, bookmarks });
    },
    ...compareHandlers(sessions),
    startByteMap: (context, [session, purpose, from, to]) =>
      withSession(context, session, (found) => found.binary.startByteMap(purpose, from, to)),
    byteMapStatus: (context, [session, purpose]) =>
      withSession(context, session, (found) => found.binary.byteMapStatus(purpose)),
    cancelByteMap: (context, [session, purpose]) =>
      withSession(context, session, (found) => found.binary.cancelByteMap(purpose)),
    startStrings: (context, [session, minLength, encodings]) =>
      withSession(context, session, (found) => found.binary.startStrings(minLength, encodings)),
    stringsStatus: (context, [session]) => withSession(context, session, (found) => found.binary.stringsStatus()),
    cancelStrings: (context, [session]) => withSession(context, session, (found) => found.binary.cancelStrings()),
    readStrings: (context, [session, stringsId, first, count]) =>
      withSession(context, session, (found) => found.binary.readStrings(stringsId, first, count)),
    stringIndexAt: (context, [session, stringsId, offset]) =>
      withSession(context, session, (found) => found.binary.stringIndexAt(stringsId, offset)),
  };

  const run = async <K extends RequestName>(
    context: CallContext,
    name: K,
    args: unknown,
  ): Promise<Result<RequestResult<K>>> => {
    const parsed = parseArgs(name, args);
    if (!parsed.ok) return parsed;
    try {
      // A merged view's session answers the channels a text tab of it uses; others say it cannot.
      const first: unknown = (parsed.value as readonly unknown[])[0];
      const schemas: RequestSchemas = requestSchemas;
      // Export needs the host's place for the file: its handler takes a merged view too.
      const routed = name !== 'closeFile' && name !== 'exportLines';
      if (routed && schemas[name][0] === argSpecs.session && typeof first === 'number') {
        const view = sessions.getMerged(first as SessionId, context.owner);
        if (view !== null)
          return mergedRequest(view, name, parsed.value as readonly unknown[]) as Result<RequestResult<K>>;
      }
      const handler: Handler<K> = handlers[name];
      return await handler(context, parsed.value);
    } catch (error) {
      return errFromThrown(error);
    }
  };

  return (context, name, args) =>
    isRequestName(name)
      ? run(context, name, args)
      : Promise.resolve(err('EINVAL', `unknown request ${describe(name)}`));
}
