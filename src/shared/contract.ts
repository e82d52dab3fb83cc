// The one contract for every channel between the renderer and the main process. The Electron
// adapter, the preload, the browser host and the renderer all derive their types from here.
import type { ByteMapPurpose, ByteMapStatus, StringEncodingChoice, StringsPage, StringsStatus } from './binaryTools';
import type { CommandId } from './commands';
import type { HighlightSettings } from './highlight';
import type { Result } from './result';
import type { TimeFormat, TimeKind } from './time';
import { requestNames, type hexRowWidths, type textEncodings, type themeChoices } from './schema';
import type { ByteCount, ByteOffset, LineCount, LineNumber, SessionId } from './units';

// Argument limits and the request schemas live beside the contract in ./schema.
export {
  FIRST_LINE,
  MAX_LINES_PER_READ,
  MAX_MATCHES_PER_PAGE,
  MAX_MATCH_ROWS_PER_PAGE,
  MAX_PATTERN_LENGTH,
  MAX_READ_BYTES,
  requestNames,
  textEncodings,
  themeChoices,
  hexRowWidths,
  FONT_SIZE_MIN,
  FONT_SIZE_MAX,
  FONT_SIZE_DEFAULT,
  MAX_RECENT_FILES,
  MAX_FILTER_RULES,
  MAX_FILTER_CONTEXT,
  MAX_SAVED_MARKS,
  MAX_EXPORT_LINES,
  MAX_TICK_BUCKETS,
  MAX_TICK_MARKS,
  TIMELINE_BUCKETS,
  MAX_MERGED_FILES,
  MAX_BOOKMARKS,
  MAX_BOOKMARK_NAME,
  DEFAULT_SETTINGS,
} from './schema';

/** An open file as the renderer knows it. */
export interface FileInfo {
  readonly session: SessionId;
  readonly name: string;
  readonly path: string;
  readonly size: ByteCount;
  readonly writable: boolean;
  /** The file itself (device and inode): the same for every path to it (a symlink, a hard link). */
  readonly fileId: string;
  /** A compressed file is shown decompressed (from a temporary copy, read-only): how it was compressed. */
  readonly compression: 'gzip' | 'zstd' | null;
  /** A merged view of several files by time: its files, in the order of their colours; absent for a file. */
  readonly merged?: readonly MergedFile[];
  /** A compare tab of two files byte for byte: the two files (A, B); absent for a file. */
  readonly compared?: readonly [ComparedFile, ComparedFile];
}

/** One file of a merged view. */
export interface MergedFile {
  readonly session: SessionId;
  readonly name: string;
  readonly path: string;
}

/** How far the decompression of a compressed file being opened has got. */
export interface OpenProgress {
  /** The compressed file. */
  readonly path: string;
  readonly name: string;
  readonly compression: 'gzip' | 'zstd';
  readonly compressedRead: number;
  readonly compressedTotal: number;
  readonly outputWritten: number;
  readonly done: boolean;
}

/** A file the user named outside the renderer (command line, dialog, recent list); opened by id. */
export interface OfferedFile {
  readonly offerId: number;
  readonly name: string;
  readonly path: string;
}

/** What the file on disk looks like now compared with when it was opened. */
export interface FileStatus {
  readonly session: SessionId;
  readonly mappedSize: ByteCount;
  /** -1 when the path no longer exists. */
  readonly currentSize: number;
  readonly state: 'unchanged' | 'grown' | 'shrunk' | 'modified' | 'replaced' | 'vanished';
}

export type TextEncodingName = (typeof textEncodings)[number];
/** 'auto' picks by byte-order mark, else UTF-8. */
export type EncodingChoice = TextEncodingName | 'auto';

/** Where the line index of a session stands. */
export interface IndexStatus {
  readonly session: SessionId;
  readonly encoding: TextEncodingName;
  /** Bytes of the file scanned from its start without a gap. */
  readonly bytesScanned: ByteCount;
  readonly totalBytes: ByteCount;
  /** Lines whose number and extent are known (all lines once done). */
  readonly linesKnown: LineCount;
  readonly done: boolean;
  readonly cancelled: boolean;
  readonly error: { readonly code: string; readonly message: string } | null;
  /** Whether the file is being followed as it grows. */
  readonly following: boolean;
  /** The session's data generation (as TextLines.generation): bumped on re-index, reload, growth and
   *  commit; the renderer's line and byte caches key on it. */
  readonly generation: number;
}

/** A viewport of lines: one buffer for all of them, never one message per line. */
export interface TextLines {
  readonly session: SessionId;
  /** Bumped when the file is re-indexed (encoding change, reload, growth); caches key on it. */
  readonly generation: number;
  /** 0-based line of the first entry; entry i is line first + i. */
  readonly first: LineNumber;
  readonly count: number;
  /** The lines' bytes (each capped at MAX_LINE_DISPLAY_BYTES), newline excluded, concatenated. */
  readonly bytes: Uint8Array;
  /** count + 1 entries: line i's bytes are bytes[textStarts[i], textStarts[i + 1]). */
  readonly textStarts: Uint32Array;
  /** File offset of each line's first byte. */
  readonly fileOffsets: Float64Array;
  /** Each line's full length in bytes, newline excluded; longer than its bytes when capped. */
  readonly fullLengths: Float64Array;
  /** 1 for each line that holds pending (uncommitted) edits. */
  readonly modifiedLines: Uint8Array;
  /** Each line's own time (epoch ms) in the session's time format; NaN where it has none (or no format is in force). */
  readonly times: Float64Array;
  /** A merged view: each row's file (an index into FileInfo.merged) and its 0-based line in that file. */
  readonly sources?: Uint8Array;
  readonly sourceLines?: Float64Array;
}

/** A line longer than this shows truncated with a marker; the hex view shows it whole. */
export const MAX_LINE_DISPLAY_BYTES = 64 * 1024;
/** Largest selection the copy command will put on the clipboard. */
export const MAX_COPY_BYTES = 32 * 1024 * 1024;

/** The file on disk changed and the session followed it (reload or follow mode). */
export interface FileChange {
  readonly info: FileInfo;
  readonly kind: 'grown' | 'reloaded';
  readonly reason: string;
  readonly generation: number;
}

/** Pending edits of a session, as the toolbar and status bar need them. */
export interface EditState {
  readonly session: SessionId;
  /** Bumped on every edit, undo, redo, discard and commit; byte and line caches key on it. */
  readonly generation: number;
  readonly canUndo: boolean;
  readonly canRedo: boolean;
  readonly modifiedBytes: number;
}

/** Bytes as the views show them: the file with pending edits laid over it. */
export interface ByteView {
  readonly bytes: Uint8Array;
  /** Modified runs inside the view, as (offset, length) pairs. */
  readonly modified: Float64Array;
  readonly editGeneration: number;
}

/** A journal left beside the file by a commit that did not finish (a crash). */
export interface JournalState {
  readonly journal: string;
  readonly state: 'applied' | 'old' | 'mixed' | 'unknown' | 'torn';
  readonly entries: number;
  readonly editedBytes: number;
}
export type JournalAction = 'rollback' | 'finish' | 'discard';

/** How far a running "Save a copy" has got. */
export interface SaveProgress {
  readonly session: SessionId;
  readonly copiedBytes: number;
  readonly totalBytes: number;
  readonly done: boolean;
}

export interface CommitOutcome {
  readonly info: FileInfo;
  readonly edit: EditState;
  readonly bytesWritten: number;
}

export type FindMode = 'text' | 'regex' | 'hex';
export interface FindQuery {
  readonly mode: FindMode;
  readonly pattern: string;
  readonly matchCase: boolean;
  readonly wholeWord: boolean;
}

export interface FindStatus {
  readonly session: SessionId;
  /** Identifies one search; a new query starts a new one and cancels the old. */
  readonly searchId: number;
  readonly query: FindQuery;
  readonly bytesScanned: ByteCount;
  readonly totalBytes: ByteCount;
  /** Non-overlapping occurrences, left to right, found so far (all of them once done). */
  readonly matchCount: number;
  readonly done: boolean;
  readonly cancelled: boolean;
  readonly error: { readonly code: string; readonly message: string } | null;
  /** Something to know about the results (a limit the search met, waiting for a place), or null. */
  readonly notice: string | null;
  /**
   * The regex engine running this search: 'pcre2' (native, in the addon) or 'js' (the JavaScript
   * worker: no PCRE2 in this build, HEXLOG_REGEX_ENGINE=js, UTF-16, pending edits, or a pattern
   * PCRE2 would read differently). null for a literal or hex search on the native byte search, and
   * while the search waits for a place. The find bar shows it as data-engine on the match count.
   */
  readonly engine: FindEngine | null;
}

export type FindEngine = 'pcre2' | 'js';

/** Matches [first, first + count) of a search, in file order. */
export interface MatchPage {
  readonly searchId: number;
  readonly first: number;
  readonly offsets: Float64Array;
  readonly lengths: Float64Array;
}

/** Rows of the matches pane: each match with its line and that line's text. */
export interface MatchRows extends MatchPage {
  /** 0-based line of each match, or -1 if its line is not indexed yet. */
  readonly lines: Float64Array;
  /** Each match's line bytes (capped), concatenated; count + 1 starts. */
  readonly lineBytes: Uint8Array;
  readonly lineStarts: Uint32Array;
  /** File offset of each match's line. */
  readonly lineOffsets: Float64Array;
  /** A merged view's: each match's file (an index into FileInfo.merged). */
  readonly sources?: Uint8Array;
}

export interface HostInfo {
  readonly kind: 'electron' | 'browser';
  /** Electron shows a native open dialog; the browser host offers only its command-line files. */
  readonly nativeOpenDialog: boolean;
  readonly acceptsDroppedFiles: boolean;
  /** The files named at start are also merged by time into one tab (`--merge`). */
  readonly mergeAtStart?: boolean;
}

export type ThemeChoice = (typeof themeChoices)[number];
export type HexRowWidth = (typeof hexRowWidths)[number];

/** The user's preferences, kept by the main process between runs. */
export interface Settings {
  readonly theme: ThemeChoice;
  /** FONT_SIZE_MIN..FONT_SIZE_MAX. */
  readonly fontSize: number;
  /** Bytes per hex row. */
  readonly bytesPerRow: HexRowWidth;
  /** Whether the text view wraps long lines. */
  readonly wrap: boolean;
  /** Highlight rules in named sets; the active set colours the text view. */
  readonly highlights: HighlightSettings;
  /** The record view's named layouts, in the order the user saved them. */
  readonly recordLayouts: readonly SavedRecordLayout[];
}
/** A record layout kept under a name: a Python struct string or named fields (src/shared/recordLayout.ts). */
export interface SavedRecordLayout {
  readonly name: string;
  readonly layout: string;
}
export type SettingsPatch = Partial<Settings>;

/** What the renderer reads at start: preferences, the recent files, and a notice to show once. */
export interface SettingsState {
  readonly settings: Settings;
  /** Most recent first, at most MAX_RECENT_FILES; opened by offerId (openOffered) like any offer. */
  readonly recent: readonly OfferedFile[];
  /** Something the user must hear about once (a corrupt settings file set aside), or null. */
  readonly notice: string | null;
}

/** Where a file was left: restored when the same file (same path and identity) opens again. */
export interface FilePosition {
  readonly view: 'text' | 'hex' | 'records';
  /** 0-based current line of the text view. */
  readonly line: LineNumber;
  /** The hex view's cursor. */
  readonly offset: ByteOffset;
}

/** One rule of the filtered view: lines matching an include rule show, lines matching an exclude rule hide. */
export interface FilterRule {
  readonly pattern: string;
  readonly exclude: boolean;
  readonly regex: boolean;
  readonly matchCase: boolean;
  /** A rule switched off is kept in the list but not applied. */
  readonly enabled: boolean;
}

/** What the filtered view shows: lines matching any enabled include rule (every line when there is none) and no enabled exclude rule, with `context` lines around each. */
export interface FilterSpec {
  readonly rules: readonly FilterRule[];
  /** Lines shown before and after each kept line, as `grep -C` (0 to MAX_FILTER_CONTEXT). */
  readonly context: number;
  /** Only the lines from the first whose time is at or after `fromMs` to the last before the first at or after `toMs`. */
  readonly time?: { readonly fromMs: number; readonly toMs: number } | undefined;
}

/** Where the filter of a session stands. Rows are the filtered view's lines, in file order. */
export interface FilterStatus {
  readonly session: SessionId;
  /** Identifies one filter: a new spec, a re-index or a replaced file starts a new one. */
  readonly filterId: number;
  readonly spec: FilterSpec;
  /** Whether an enabled rule applies; without one every line shows. */
  readonly active: boolean;
  /** Rows whose line is known and indexed (all rows once done). */
  readonly rowsKnown: number;
  /** Lines of the file the filter has decided on. */
  readonly linesScanned: number;
  readonly bytesScanned: ByteCount;
  readonly totalBytes: ByteCount;
  readonly done: boolean;
  readonly error: { readonly code: string; readonly message: string } | null;
  /** Something to know (pending edits are not filtered…), or null. */
  readonly notice: string | null;
  /** Bytes the filter's line set holds. */
  readonly memoryBytes: number;
}

/** Lines named by number, as TextLines has them: entry i is line lines[i] (lines not indexed yet are left out). */
export interface LinesAt extends Omit<TextLines, 'first'> {
  /** The 0-based line number of each entry. */
  readonly lines: Float64Array;
}

/** Rows [firstRow, firstRow + count) of the filtered view, with their line numbers. */
export interface FilteredLines extends LinesAt {
  readonly filterId: number;
  readonly firstRow: number;
  /** With context lines: 1 for each row a rule keeps, 0 for a context row; null without context. */
  readonly kept: Uint8Array | null;
}

/**
 * All that is remembered of a file between openings: its position, and its marks, filter and find
 * query. Marks come back only while the file is the same one unchanged or grown (a rewritten or
 * truncated file has other lines); the rest comes back for the same file (device and inode).
 */
export interface FileMemory extends FilePosition {
  /** Marked lines (0-based), ascending; at most MAX_SAVED_MARKS. */
  readonly marks?: readonly LineNumber[];
  readonly filter?: { readonly spec: FilterSpec; readonly view: boolean };
  /** The find bar's query, when it had one. */
  readonly find?: FindQuery;
  /** The record view's layout and start offset, when one was applied. */
  readonly records?: { readonly layout: string; readonly start: ByteOffset };
  /** The hex view's named bookmarks, in offset order; at most MAX_BOOKMARKS. */
  readonly bookmarks?: readonly Bookmark[];
}

/** A named, coloured range of bytes in the hex view, with an optional note. */
export interface Bookmark {
  readonly name: string;
  readonly offset: ByteOffset;
  /** At least 1. */
  readonly length: ByteCount;
  /** '#rrggbb'. */
  readonly color: string;
  readonly note: string;
}

/** What an export writes: the rows of a filter (once it is done), or lines by number (the marks). */
export type ExportSource =
  | { readonly kind: 'filtered'; readonly filterId: number }
  | { readonly kind: 'marked'; readonly lines: readonly LineNumber[] };

export interface ExportOutcome {
  readonly path: string;
  readonly lines: number;
  readonly bytes: number;
}

/** What the text view's scrollbar shows over the whole file: where the matches and the marks are. */
export interface ScrollTicks {
  /** Rows the buckets divide (the lines, or the filtered view's rows, known when asked). */
  readonly rows: number;
  /** Matches of the search in each of the equal row ranges, in order (empty without a search). */
  readonly matchBuckets: Float64Array;
  /** The row of each mark given (-1 where the filter hides it or it is not indexed yet). */
  readonly markRows: Float64Array;
}

/** How the session reads times from its lines: detected from samples of the file, or chosen by the user. */
export interface TimeState {
  readonly session: SessionId;
  /** The user's choice: 'auto' takes what detection found, 'none' reads no times. */
  readonly choice: TimeKind | 'auto' | 'none';
  /** The format in force, or null (nothing recognised, 'none', or a UTF-16 file). */
  readonly format: TimeFormat | null;
  /** What detection found in the samples, or null. */
  readonly detected: TimeFormat | null;
  /** Lines sampled (from the start, the middle and the end) and how many had a time in the format in force. */
  readonly sampledLines: number;
  readonly timedLines: number;
  /** The least and greatest time in the samples, or null. */
  readonly firstMs: number | null;
  readonly lastMs: number | null;
  /** Something to know (why no time is read, a forced format that matches few lines), or null. */
  readonly notice: string | null;
  /** Bumped by each change of format: the times of lines read before are stale. */
  readonly version: number;
}

/** A line's time for the status bar. */
export interface LineTime {
  readonly line: LineNumber;
  /** The line's own time, or the time of the nearest line above with one (a continuation line); null if none is near. */
  readonly ms: number | null;
  readonly own: boolean;
  /** The time of the nearest line with one above the line that gave `ms`: the gap is ms - previousMs. */
  readonly previousMs: number | null;
}

/** The line Go to time lands on: the first line whose own time is at or after the target. */
export interface TimeSeekResult {
  readonly line: LineNumber;
  readonly ms: number;
}

/** What the timeline counts besides lines: error and warning lines, and lines with a match of the search. */
export type TimelineSeries = 'error' | 'warn' | 'match';

/** The whole file's lines per time bucket, by level and by search matches. */
export interface TimelineStatus {
  readonly session: SessionId;
  /** Identifies one pass: a new search, a re-index or a format change starts another. */
  readonly timelineId: number;
  /** The search whose matches are counted (-1: none). */
  readonly searchId: number;
  /** Buckets of equal time cover [fromMs, toMs). */
  readonly fromMs: number;
  readonly toMs: number;
  readonly buckets: number;
  readonly series: readonly TimelineSeries[];
  /** buckets × (1 + series.length): entry b·(1 + S) is bucket b's lines, b·(1 + S) + 1 + k series k's lines in it. */
  readonly counts: Float64Array;
  /** Lines counted so far (every line of the scanned part, continuation lines with the line above). */
  readonly linesCounted: number;
  readonly bytesScanned: ByteCount;
  readonly totalBytes: ByteCount;
  readonly done: boolean;
  readonly error: { readonly code: string; readonly message: string } | null;
}

/** One file of a compare tab. */
export interface ComparedFile {
  readonly session: SessionId;
  readonly name: string;
  readonly path: string;
  readonly size: ByteCount;
}

/** Where the comparison of a compare tab's two files stands. Counts are exact for the compared part. */
export interface CompareStatus {
  /** The compare tab. */
  readonly session: SessionId;
  /** Bytes compared from the start without a gap, of totalBytes (the shorter file's size). */
  readonly bytesCompared: ByteCount;
  readonly totalBytes: ByteCount;
  /** Differing ranges (maximal runs of differing bytes) and differing bytes; the longer file's tail is one more range. */
  readonly ranges: number;
  readonly bytes: number;
  /** Past a cap, nearby ranges are kept as regions: diffRanges gives regions, nextDiff still the exact ranges. */
  readonly coalesced: boolean;
  readonly done: boolean;
  readonly cancelled: boolean;
  readonly error: { readonly code: string; readonly message: string } | null;
}

/** The same bytes of both files of a compare tab (each as long as its file has them). */
export interface ComparedBytes {
  readonly offset: ByteOffset;
  readonly a: Uint8Array;
  readonly b: Uint8Array;
}

/** [start, end) of differing bytes. */
export interface DiffRange {
  readonly start: ByteOffset;
  readonly end: ByteOffset;
}

/** Entries [first, first + count) of a comparison's list: ranges, or regions holding several when coalesced. */
export interface DiffRanges {
  readonly first: number;
  readonly starts: Float64Array;
  readonly ends: Float64Array;
  readonly coalesced: boolean;
}

/** Request channels: the arguments the renderer sends and the value it gets back. */
/** The hashes "Hashes of selection" computes. */
export const HASH_ALGOS = ['crc32', 'md5', 'sha1', 'sha256'] as const;
export type HashAlgo = (typeof HASH_ALGOS)[number];

/** Where the hashing of a byte range stands (the bytes as shown: pending edits laid over). */
export interface HashStatus {
  readonly session: SessionId;
  /** Identifies one hashing: a new one replaces the one before. */
  readonly hashId: number;
  readonly offset: ByteOffset;
  readonly length: ByteCount;
  readonly algos: readonly HashAlgo[];
  /** Bytes every algorithm has hashed. */
  readonly bytesDone: number;
  readonly done: boolean;
  readonly cancelled: boolean;
  readonly error: { readonly code: string; readonly message: string } | null;
  /** Lower-case hex, once done (CRC32 as 8 digits). */
  readonly values: Partial<Record<HashAlgo, string>>;
}

export interface Requests {
  hostInfo: { args: []; result: HostInfo };
  listOffered: { args: []; result: readonly OfferedFile[] };
  openOffered: { args: [offerId: number]; result: FileInfo };
  openDialog: { args: []; result: FileInfo | null };
  /** Only the Electron preload calls this, with the path of a file the user dropped. */
  openDroppedPath: { args: [path: string]; result: FileInfo };
  closeFile: { args: [session: SessionId]; result: null };
  readBytes: { args: [session: SessionId, offset: ByteOffset, length: ByteCount]; result: Uint8Array };
  fileStatus: { args: [session: SessionId]; result: FileStatus };
  /** Re-maps the file as it is on disk now (after it grew, shrank or was replaced). */
  reloadFile: { args: [session: SessionId]; result: FileChange };
  /** Starts indexing lines (again, if the encoding changes). */
  openText: { args: [session: SessionId, encoding: EncodingChoice]; result: IndexStatus };
  indexStatus: { args: [session: SessionId]; result: IndexStatus };
  cancelIndex: { args: [session: SessionId]; result: IndexStatus };
  /** Lines [first, first + count) (0-based), at most MAX_LINES_PER_READ; fewer past the indexed lines. */
  readLines: { args: [session: SessionId, first: LineNumber, count: number]; result: TextLines };
  /** The 0-based line holding the byte at `offset` (offset == size: the last line). */
  lineAtOffset: { args: [session: SessionId, offset: ByteOffset]; result: LineNumber };
  /** Lines by number (0-based, any order, at most MAX_LINES_PER_READ), each capped at `maxBytesPerLine`. */
  readLinesAt: { args: [session: SessionId, lines: readonly LineNumber[], maxBytesPerLine: number]; result: LinesAt };
  /** Bytes of whole lines first..last (0-based, inclusive), for the clipboard; ETOOBIG past MAX_COPY_BYTES. */
  copyLines: { args: [session: SessionId, first: LineNumber, last: LineNumber]; result: Uint8Array };
  setFollow: { args: [session: SessionId, follow: boolean]; result: IndexStatus };
  /** Like readBytes, with pending edits laid over and the modified runs marked. */
  readView: { args: [session: SessionId, offset: ByteOffset, length: ByteCount]; result: ByteView };
  /** Overwrites bytes (same length: never past the end) as a pending edit; the file is untouched. */
  editBytes: { args: [session: SessionId, offset: ByteOffset, bytes: Uint8Array]; result: EditState };
  editState: { args: [session: SessionId]; result: EditState };
  undoEdit: { args: [session: SessionId]; result: EditState };
  redoEdit: { args: [session: SessionId]; result: EditState };
  discardEdits: { args: [session: SessionId]; result: EditState };
  /** Writes pending edits into the file in place, crash-safe (journal, write, flush). */
  commitEdits: { args: [session: SessionId]; result: CommitOutcome };
  /** A full copy of the file with the edits, at a path the host picks (dialog, or beside the file). */
  /** Null when the user cancelled (the dialog, or cancelSaveCopy while it ran). Progress: saveProgress events. */
  saveCopy: { args: [session: SessionId]; result: { readonly path: string } | null };
  /** Stops a running saveCopy of the session: its temporary file is removed, nothing is left. */
  cancelSaveCopy: { args: [session: SessionId]; result: null };
  journalStatus: { args: [session: SessionId]; result: JournalState | null };
  resolveJournal: { args: [session: SessionId, action: JournalAction]; result: FileChange };
  /** Starts a search in the background (cancelling the session's previous one). */
  startFind: { args: [session: SessionId, query: FindQuery]; result: FindStatus };
  findStatus: { args: [session: SessionId]; result: FindStatus | null };
  cancelFind: { args: [session: SessionId]; result: FindStatus | null };
  findMatches: { args: [session: SessionId, searchId: number, first: number, count: number]; result: MatchPage };
  /** Matches that start in [start, end): for highlighting the rows in view. */
  matchesInRange: {
    args: [session: SessionId, searchId: number, start: ByteOffset, end: ByteOffset];
    result: MatchPage;
  };
  /** Index of the first match at or after `offset` (the match count if none). */
  matchIndexAt: { args: [session: SessionId, searchId: number, offset: ByteOffset]; result: number };
  matchRows: { args: [session: SessionId, searchId: number, first: number, count: number]; result: MatchRows };
  /** Same-length replacement of one match (index) or all of them, as pending edits. */
  replaceMatches: {
    args: [session: SessionId, searchId: number, which: number | 'all', replacement: string];
    result: EditState;
  };
  settings: { args: []; result: SettingsState };
  /** Changes some preferences; answers all of them. Saved at once (atomically), and sent to other windows. */
  updateSettings: { args: [patch: SettingsPatch]; result: Settings };
  /** The position this file was left at, if the same file (path and identity) was open before. */
  lastPosition: { args: [session: SessionId]; result: FileMemory | null };
  /** Remembers where the user is in the file (and its marks, filter and query), for the next time it opens. */
  savePosition: { args: [session: SessionId, position: FileMemory]; result: null };
  /** Starts filtering the session's lines by `spec` (replacing its previous filter). */
  setFilter: { args: [session: SessionId, spec: FilterSpec]; result: FilterStatus };
  filterStatus: { args: [session: SessionId]; result: FilterStatus | null };
  /** Rows [firstRow, firstRow + count) of filter `filterId`, at most MAX_LINES_PER_READ; fewer past the rows known. */
  readFilteredLines: {
    args: [session: SessionId, filterId: number, firstRow: number, count: number];
    result: FilteredLines;
  };
  /** The row of the first shown line at or after 0-based `line` (rowsKnown when none is known yet). */
  filterRowOfLine: { args: [session: SessionId, filterId: number, line: LineNumber]; result: number };
  /** The text of rows firstRow..lastRow (inclusive), lines joined by LF; ETOOBIG past MAX_COPY_BYTES. */
  /** Match counts per bucket of rows and the rows of marks, for the scrollbar (searchId/filterId -1: none). */
  scrollTicks: {
    args: [session: SessionId, searchId: number, filterId: number, marks: readonly LineNumber[], buckets: number];
    result: ScrollTicks;
  };
  /** The row of each line in filter `filterId`'s view, or -1 where it is hidden (or not filtered yet). */
  filterRowsOfLines: {
    args: [session: SessionId, filterId: number, lines: readonly LineNumber[]];
    result: Float64Array;
  };
  /**
   * The first match from index `from` on (direction 1) or back (-1), `from` included, wrapping
   * around, whose line the filter shows; -1 when no match is on a shown line.
   */
  shownMatch: {
    args: [session: SessionId, searchId: number, filterId: number, from: number, direction: 1 | -1];
    result: number;
  };
  /** Writes the filtered or marked lines to a new file the host picks (a dialog, or beside the file); null if cancelled. */
  exportLines: { args: [session: SessionId, source: ExportSource]; result: ExportOutcome | null };
  copyFilteredLines: {
    args: [session: SessionId, filterId: number, firstRow: number, lastRow: number];
    result: Uint8Array;
  };
  /** How the session reads times (detected from samples on the first call). */
  timeState: { args: [session: SessionId]; result: TimeState };
  /** Reads times by another format ('auto': detected, 'none': no times); restarts the timeline. */
  setTimeFormat: { args: [session: SessionId, choice: TimeKind | 'auto' | 'none']; result: TimeState };
  /** The first line whose own time is at or after `ms` (ERANGE when none is). */
  seekTime: { args: [session: SessionId, ms: number]; result: TimeSeekResult };
  /** A line's time (own or inherited) and the time before it. */
  lineTime: { args: [session: SessionId, line: LineNumber]; result: LineTime };
  /** Starts (or restarts) the timeline, counting the matches of search `searchId` (-1: none). */
  startTimeline: { args: [session: SessionId, searchId: number]; result: TimelineStatus };
  timelineStatus: { args: [session: SessionId]; result: TimelineStatus | null };
  /** Stops the decompression of compressed files this window is opening (their opening answers null). */
  cancelOpen: { args: []; result: null };
  /** A merged view (a new tab) of open files by time; each must be indexed and have a time format. */
  mergeFiles: { args: [sessions: readonly SessionId[]]; result: FileInfo };
  /** Hashes [offset, offset + length) in worker threads; progress as hashProgress events. */
  startHashes: { args: [session: SessionId, offset: ByteOffset, length: ByteCount]; result: HashStatus };
  hashStatus: { args: [session: SessionId]; result: HashStatus | null };
  cancelHashes: { args: [session: SessionId]; result: HashStatus | null };
  /** Writes the bookmarks as JSON (a save dialog, or name.bookmarks.json beside the file); null if cancelled. */
  exportBookmarks: {
    args: [session: SessionId, bookmarks: readonly Bookmark[]];
    result: { readonly path: string; readonly count: number } | null;
  };
  /** A compare tab (a session of its own) of two open files, compared byte for byte at the same offsets. */
  compareFiles: { args: [a: SessionId, b: SessionId]; result: FileInfo };
  compareStatus: { args: [session: SessionId]; result: CompareStatus };
  cancelCompare: { args: [session: SessionId]; result: CompareStatus };
  /** Bytes [offset, offset + length) of both files (each cut at its own end). */
  readCompared: { args: [session: SessionId, offset: ByteOffset, length: ByteCount]; result: ComparedBytes };
  /** Entries of the list of differences, at most MAX_MATCHES_PER_PAGE. */
  diffRanges: { args: [session: SessionId, first: number, count: number]; result: DiffRanges };
  /** The range starting first at or after `offset` (1), or last before it (-1); null if none. Once done. */
  nextDiff: { args: [session: SessionId, offset: ByteOffset, direction: 1 | -1]; result: DiffRange | null };
  /** Differences per bucket of `buckets` equal slices of the longer file, for the scrollbar. */
  diffTicks: { args: [session: SessionId, buckets: number]; result: Float64Array };
  /** Byte map: classes and entropy per region and the histogram of [from, to), in one native pass (polled). */
  startByteMap: {
    args: [session: SessionId, purpose: ByteMapPurpose, from: ByteOffset, to: ByteOffset];
    result: ByteMapStatus;
  };
  byteMapStatus: { args: [session: SessionId, purpose: ByteMapPurpose]; result: ByteMapStatus | null };
  cancelByteMap: { args: [session: SessionId, purpose: ByteMapPurpose]; result: ByteMapStatus | null };
  /** Strings of the file (replacing the session's previous pass), polled with stringsStatus. */
  startStrings: {
    args: [session: SessionId, minLength: number, encodings: StringEncodingChoice];
    result: StringsStatus;
  };
  stringsStatus: { args: [session: SessionId]; result: StringsStatus | null };
  cancelStrings: { args: [session: SessionId]; result: StringsStatus | null };
  /** Strings [first, first + count) of pass `stringsId`, at most MAX_STRINGS_PER_PAGE. */
  readStrings: { args: [session: SessionId, stringsId: number, first: number, count: number]; result: StringsPage };
  /** The index of the first string at or after `offset` (stringsKnown if none is known yet). */
  stringIndexAt: { args: [session: SessionId, stringsId: number, offset: ByteOffset]; result: number };
}
export type RequestName = keyof Requests;
export type RequestArgs<K extends RequestName> = Requests[K]['args'];
export type RequestResult<K extends RequestName> = Requests[K]['result'];

/** A command chosen in Electron's application menu: any command of the table, or a recent file. */
export type MenuCommand =
  { readonly command: CommandId } | { readonly command: 'file.openRecent'; readonly offerId: number };

/** Events the main process pushes to the renderer. */
export interface Events {
  offersChanged: readonly OfferedFile[];
  menuCommand: MenuCommand;
  /** Indexing progress, at most ~10 times a second, and once when it ends. */
  indexProgress: IndexStatus;
  fileChanged: FileChange;
  /** Search progress, at most ~10 times a second, and once when it ends. */
  findProgress: FindStatus;
  /** Save-a-copy progress, at most ~10 times a second, and once when it ends. */
  saveProgress: SaveProgress;
  /** The recent-files list changed (a file was opened). */
  recentChanged: readonly OfferedFile[];
  /** Preferences changed (in another window, or by updateSettings). */
  settingsChanged: Settings;
  /** Filter progress, at most ~10 times a second, and once when it ends. */
  filterProgress: FilterStatus;
  /** Timeline progress, at most ~10 times a second, and once when it ends. */
  timelineProgress: TimelineStatus;
  /** The session's time format changed (by the user, or detected again after the file changed). */
  timeChanged: TimeState;
  /** A compressed file being opened is decompressed into a temporary file: at most ~10 times a second, and once when done. */
  openProgress: OpenProgress;
  hashProgress: HashStatus;
  /** Comparison progress of a compare tab, at most ~10 times a second, and once when it ends. */
  compareProgress: CompareStatus;
}
export type EventName = keyof Events;

/**
 * How a host may deliver an event to a window that is not keeping up: 'latest' and
 * 'latestPerSession' payloads are snapshots (a newer one replaces an older one not yet sent);
 * 'every' events must all arrive, in order.
 */
export type EventDelivery = 'latest' | 'latestPerSession' | 'every';
export const eventDelivery = {
  offersChanged: 'latest',
  menuCommand: 'every',
  indexProgress: 'latestPerSession',
  fileChanged: 'every',
  findProgress: 'latestPerSession',
  saveProgress: 'latestPerSession',
  recentChanged: 'latest',
  settingsChanged: 'latest',
  filterProgress: 'latestPerSession',
  timelineProgress: 'latestPerSession',
  timeChanged: 'latestPerSession',
  openProgress: 'latest',
  hashProgress: 'latestPerSession',
  compareProgress: 'latestPerSession',
} as const satisfies Record<EventName, EventDelivery>;
export const eventNames = Object.keys(eventDelivery) as readonly EventName[];

export type Unsubscribe = () => void;

type InvokeApi = {
  [K in RequestName]: (...args: RequestArgs<K>) => Promise<Result<RequestResult<K>>>;
};

/** What the renderer sees as `window.hexlog`: typed functions and event subscriptions, nothing else. */
export type HexlogApi = Omit<InvokeApi, 'openDroppedPath'> & {
  /** Opens a file the user dropped on the window (Electron only; the browser host refuses). */
  openDropped(file: File): Promise<Result<FileInfo>>;
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): Unsubscribe;
};

/** The IPC channel string for a request or event name. */
export const ipcChannel = (name: RequestName | EventName): string => `hexlog:${name}`;

export function isRequestName(value: unknown): value is RequestName {
  return typeof value === 'string' && (requestNames as readonly string[]).includes(value);
}
