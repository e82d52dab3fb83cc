// One argument schema per request channel: each argument's type and limits, declared once. The
// handlers validate with it (src/main/services/handlers.ts) and the fuzz tests generate valid and
// hostile arguments from it. This file imports only types from the contract, which re-exports it.
import type {
  EncodingChoice,
  ExportSource,
  Bookmark,
  FileMemory,
  FilterRule,
  FilterSpec,
  FindQuery,
  JournalAction,
  RequestArgs,
  RequestName,
  Settings,
  SettingsPatch,
} from './contract';
import {
  DEFAULT_HIGHLIGHTS,
  MAX_HIGHLIGHT_SETS,
  MAX_PATTERN_CHARS,
  MAX_RULES_PER_SET,
  MAX_SET_NAME_CHARS,
  validateHighlightSettings,
  type HighlightSettings,
} from './highlight';
import { byteMapPurposes, MAX_STRINGS_PER_PAGE, MIN_STRING_LENGTH_MAX, stringEncodingChoices } from './binaryTools';
import { err, ok, type Result } from './result';
import { TIME_KINDS, type TimeKind } from './time';
import {
  byteCount,
  byteOffset,
  lineNumber,
  sessionId,
  type ByteCount,
  type ByteOffset,
  type LineNumber,
  type SessionId,
} from './units';
import { MAX_LAYOUT_LENGTH } from './recordLayout';

/** Largest slice one readBytes or readView call may ask for, and the largest editBytes. */
export const MAX_READ_BYTES = 16 * 1024 * 1024;
/**
 * Most lines one read may ask for: the one limit the handlers and services check. The addon's own
 * bigger limit (LINE_INDEX_LIMITS.maxLinesPerRead in native/) is only its safety net.
 */
export const MAX_LINES_PER_READ = 5000;
/** Most matches one page or range request answers. */
export const MAX_MATCHES_PER_PAGE = 10_000;
/** Most rows one matchRows call may ask for (each carries its line's text). */
export const MAX_MATCH_ROWS_PER_PAGE = 1000;
/** Longest find pattern or replacement, in UTF-16 code units. */
export const MAX_PATTERN_LENGTH = 16_384;
/** Longest path a host may hand to openDroppedPath. */
export const MAX_PATH_LENGTH = 4096;
/** The first line at the boundary: lines are 0-based from the renderer down to C++ (1-based only on screen). */
export const FIRST_LINE = 0;

export const textEncodings = ['utf-8', 'latin1', 'utf-16le', 'utf-16be'] as const;
export const themeChoices = ['light', 'dark', 'system'] as const;
export const hexRowWidths = [8, 16, 32] as const;
/** The content's font size in CSS px. */
export const FONT_SIZE_MIN = 9;
export const FONT_SIZE_MAX = 28;
export const FONT_SIZE_DEFAULT = 13;
/** The recent-files list keeps this many, most recent first. */
export const MAX_RECENT_FILES = 20;

/** Rules one filter takes at most (the addon's limit). */
export const MAX_FILTER_RULES = 64;
/** Buckets of the scrollbar's match ticks, and marks it places, at most. */
export const MAX_TICK_BUCKETS = 512;
export const MAX_TICK_MARKS = 2000;
/** Lines an export by number (the marks) names at most. */
export const MAX_EXPORT_LINES = 100_000;
/** Marks remembered per file between openings. */
export const MAX_SAVED_MARKS = 10_000;
/** Most bookmarks a file keeps, and the longest name and note one has. */
export const MAX_BOOKMARKS = 10_000;
export const MAX_BOOKMARK_NAME = 200;
const MAX_BOOKMARK_NOTE = 4000;
/** Times Go to time takes: 100,000 days either side of 1970 (about 1696 to 2243). */
export const MAX_EPOCH_MS = 8.64e15 / 1000;
/** Files one merged view takes at most. */
export const MAX_MERGED_FILES = 8;
/** Buckets of the timeline. */
export const TIMELINE_BUCKETS = 1024;
/** Most context lines around each kept line. */
export const MAX_FILTER_CONTEXT = 1000;

/** The preferences of a first run, and of any field a settings file gets wrong. */
export const DEFAULT_SETTINGS: Settings = {
  theme: 'system',
  fontSize: FONT_SIZE_DEFAULT,
  bytesPerRow: 16,
  wrap: false,
  highlights: DEFAULT_HIGHLIGHTS,
  recordLayouts: [],
};

/** Record view: named layouts kept in the settings, and the length of a layout's name and text. */
export const MAX_SAVED_RECORD_LAYOUTS = 100;
export const MAX_RECORD_LAYOUT_NAME_CHARS = 80;
/** A layout's text: the parser's own limit, so that anything saved can be parsed again. */
export const MAX_RECORD_LAYOUT_CHARS = MAX_LAYOUT_LENGTH;

/** What a spec accepts, as data: the fuzz tests build generators from it. */
export type ArgShape =
  | { readonly kind: 'integer'; readonly min: number; readonly max: number }
  | { readonly kind: 'boolean' }
  | { readonly kind: 'choice'; readonly values: readonly string[] }
  | { readonly kind: 'string'; readonly minLength: number; readonly maxLength: number; readonly allowNul: boolean }
  | { readonly kind: 'bytes'; readonly maxLength: number }
  | RecordShape
  | EitherShape
  | ListShape;
export interface RecordShape {
  readonly kind: 'record';
  readonly fields: Readonly<Record<string, AnySpec>>;
}
export interface ListShape {
  readonly kind: 'list';
  readonly item: AnySpec;
  readonly maxLength: number;
}
export interface EitherShape {
  readonly kind: 'either';
  readonly options: readonly AnySpec[];
}

/** One argument: its shape, how error messages name it, and the check that copies it. */
export type Spec<T> = ArgShape & {
  /** How messages name the argument: "offset", "query pattern". */
  readonly what: string;
  /** What it must be, for messages: "an integer from 0 to 5000". */
  readonly expects: string;
  /**
   * The argument checked and copied (a getter or Proxy is read once), or why it is refused.
   * A hostile object (a revoked Proxy, a throwing getter) may throw; parseArgs turns that into EINVAL.
   */
  parse(value: unknown): Result<T>;
};
export type AnySpec = Spec<unknown>;

/** The spec of each argument of a channel, in order. */
export type ArgsSchema<A extends readonly unknown[]> = { readonly [I in keyof A]: Spec<A[I]> };
export type RequestSchemas = { readonly [K in RequestName]: ArgsSchema<RequestArgs<K>> };

/** A short, safe description of a refused value for messages; never reads a property. */
export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.slice(0, 40));
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
  if (typeof value === 'boolean' || value === null || value === undefined) return String(value);
  if (typeof value === 'bigint') return `${value}n`;
  const kind = typedArrayKind(value);
  return kind ?? typeof value;
}

const refuse = (spec: { what: string; expects: string }, value: unknown): Result<never> =>
  err('EINVAL', `${spec.what} must be ${spec.expects}, got ${describe(value)}`);

// The intrinsic %TypedArray% getters read internal slots: a Proxy, a subclass with overridden
// properties or an object that only claims to be a typed array cannot fool them, and they never throw.
const typedArrayPrototype: object = Object.getPrototypeOf(Uint8Array.prototype) as object;
const tagGetter = Object.getOwnPropertyDescriptor(typedArrayPrototype, Symbol.toStringTag)?.get;
const lengthGetter = Object.getOwnPropertyDescriptor(typedArrayPrototype, 'length')?.get;

/** 'Uint8Array', 'Float64Array', ... for a genuine typed array; undefined for anything else. */
export function typedArrayKind(value: unknown): string | undefined {
  const tag: unknown = tagGetter?.call(value);
  return typeof tag === 'string' ? tag : undefined;
}

function integer<T extends number = number>(
  what: string,
  options: { readonly min?: number; readonly max?: number; readonly to?: (value: number) => T } = {},
): Spec<T> {
  const min = options.min ?? 0;
  const max = options.max ?? Number.MAX_SAFE_INTEGER;
  const to = options.to ?? ((value: number) => value as T);
  const spec: Spec<T> = {
    kind: 'integer',
    what,
    min,
    max,
    expects: `an integer from ${min} to ${max}`,
    parse: (value) =>
      typeof value === 'number' && Number.isSafeInteger(value) && value >= min && value <= max
        ? ok(to(value + 0)) // + 0 turns -0 into 0
        : refuse(spec, value),
  };
  return spec;
}

function boolean(what: string): Spec<boolean> {
  const spec: Spec<boolean> = {
    kind: 'boolean',
    what,
    expects: 'true or false',
    parse: (value) => (typeof value === 'boolean' ? ok(value) : refuse(spec, value)),
  };
  return spec;
}

function choice<const T extends string>(what: string, values: readonly T[]): Spec<T> {
  const spec: Spec<T> = {
    kind: 'choice',
    what,
    values,
    expects: values.length === 1 ? JSON.stringify(values[0]) : `one of ${values.join(', ')}`,
    parse: (value) =>
      typeof value === 'string' && (values as readonly string[]).includes(value) ? ok(value as T) : refuse(spec, value),
  };
  return spec;
}

function text(
  what: string,
  options: { readonly minLength?: number; readonly maxLength: number; readonly allowNul: boolean },
): Spec<string> {
  const minLength = options.minLength ?? 0;
  const { maxLength, allowNul } = options;
  const spec: Spec<string> = {
    kind: 'string',
    what,
    minLength,
    maxLength,
    allowNul,
    expects:
      `a string of ${minLength > 0 ? `${minLength} to ` : 'at most '}${maxLength} characters` +
      (allowNul ? '' : ' without NUL'),
    parse: (value) =>
      typeof value === 'string' &&
      value.length >= minLength &&
      value.length <= maxLength &&
      (allowNul || !value.includes('\0'))
        ? ok(value)
        : refuse(spec, value),
  };
  return spec;
}

function bytes(what: string, maxLength: number): Spec<Uint8Array> {
  const spec: Spec<Uint8Array> = {
    kind: 'bytes',
    what,
    maxLength,
    expects: `a Uint8Array of at most ${maxLength} bytes`,
    parse: (value) => {
      if (typedArrayKind(value) !== 'Uint8Array' || (lengthGetter?.call(value) as number) > maxLength) {
        return refuse(spec, value);
      }
      // A copy the receiver owns: the caller cannot change it under the handler.
      return ok(new Uint8Array(value as Uint8Array));
    },
  };
  return spec;
}

type Parsed<S> = S extends Spec<infer T> ? T : never;

function record<const F extends Readonly<Record<string, AnySpec>>>(
  what: string,
  fields: F,
): Spec<{ readonly [K in keyof F]: Parsed<F[K]> }> {
  type Value = { readonly [K in keyof F]: Parsed<F[K]> };
  const spec: Spec<Value> = {
    kind: 'record',
    what,
    fields,
    expects: `an object with ${Object.keys(fields).join(', ')}`,
    parse: (value) => {
      if (typeof value !== 'object' || value === null || typedArrayKind(value) !== undefined) {
        return refuse(spec, value);
      }
      const copy: Record<string, unknown> = {};
      for (const [key, field] of Object.entries(fields)) {
        const parsed = field.parse((value as Record<string, unknown>)[key]);
        if (!parsed.ok) return parsed;
        copy[key] = parsed.value;
      }
      // Every field of F was checked by its own spec above.
      return ok(copy as Value);
    },
  };
  return spec;
}

/** The same field, or absent (undefined): a partial record leaves it out of its copy. */
function optional<T>(field: Spec<T>): Spec<T | undefined> {
  return {
    ...field,
    expects: `${field.expects}, or absent`,
    parse: (value) => (value === undefined ? ok(undefined) : field.parse(value)),
  } as Spec<T | undefined>;
}

/** A record whose fields may each be absent: the copy holds only the fields given. */
function partialRecord<T extends object>(what: string, fields: { readonly [K in keyof T]-?: Spec<T[K]> }): Spec<T> {
  const optionalFields: Record<string, AnySpec> = {};
  for (const [key, field] of Object.entries(fields) as [string, AnySpec][]) optionalFields[key] = optional(field);
  const spec: Spec<T> = {
    kind: 'record',
    what,
    fields: optionalFields,
    expects: `an object with any of ${Object.keys(fields).join(', ')}`,
    parse: (value) => {
      if (typeof value !== 'object' || value === null || typedArrayKind(value) !== undefined || Array.isArray(value)) {
        return refuse(spec, value);
      }
      const copy: Record<string, unknown> = {};
      for (const [key, field] of Object.entries(optionalFields)) {
        const parsed = field.parse((value as Record<string, unknown>)[key]);
        if (!parsed.ok) return parsed;
        if (parsed.value !== undefined) copy[key] = parsed.value;
      }
      // Each field present was checked by its own spec above.
      return ok(copy as T);
    },
  };
  return spec;
}

/** An array of at most `maxLength` items, each checked by `item`; the copy is a fresh array. */
function list<T>(what: string, item: Spec<T>, maxLength: number): Spec<readonly T[]> {
  const spec: Spec<readonly T[]> = {
    kind: 'list',
    what,
    item: item as AnySpec,
    maxLength,
    expects: `an array of at most ${maxLength} items`,
    parse: (value) => {
      if (!Array.isArray(value) || (value as readonly unknown[]).length > maxLength) return refuse(spec, value);
      const copy: T[] = [];
      for (let i = 0; i < (value as readonly unknown[]).length; i++) {
        const parsed = item.parse((value as readonly unknown[])[i]);
        if (!parsed.ok) return err('EINVAL', `${what}[${i}]: ${parsed.message}`);
        copy.push(parsed.value);
      }
      return ok(copy);
    },
  };
  return spec;
}

function either<A, B>(what: string, first: Spec<A>, second: Spec<B>): Spec<A | B> {
  const spec: Spec<A | B> = {
    kind: 'either',
    what,
    options: [first, second],
    expects: `${first.expects} or ${second.expects}`,
    parse: (value) => {
      const parsed = first.parse(value);
      if (parsed.ok) return parsed;
      const other = second.parse(value);
      return other.ok ? other : refuse(spec, value);
    },
  };
  return spec;
}

/** The same shape, with a check of what the shape cannot say (names unique, regexes that compile). */
function refined<T>(spec: AnySpec, check: (value: unknown) => Result<T>): Spec<T> {
  return {
    ...spec,
    parse: (value) => {
      const parsed = spec.parse(value);
      if (!parsed.ok) return parsed;
      const checked = check(parsed.value);
      return checked.ok ? checked : err('EINVAL', `${spec.what}: ${checked.message}`);
    },
  } as Spec<T>;
}

const highlightRule = record('highlight rule', {
  pattern: text('highlight pattern', { minLength: 1, maxLength: MAX_PATTERN_CHARS, allowNul: false }),
  regex: boolean('regex'),
  matchCase: boolean('matchCase'),
  color: text('colour', { minLength: 7, maxLength: 7, allowNul: false }),
  target: choice('target', ['foreground', 'background']),
  scope: choice('scope', ['line', 'match']),
  enabled: boolean('enabled'),
});
/** The record view's layout of a file (FileMemory.records) and its named layouts (Settings.recordLayouts). */
const recordLayoutText = text('record layout', { minLength: 1, maxLength: MAX_RECORD_LAYOUT_CHARS, allowNul: false });
export const recordLayoutsSpec = list(
  'record layouts',
  record('record layout', {
    name: text('layout name', { minLength: 1, maxLength: MAX_RECORD_LAYOUT_NAME_CHARS, allowNul: false }),
    layout: recordLayoutText,
  }),
  MAX_SAVED_RECORD_LAYOUTS,
) satisfies Spec<Settings['recordLayouts']>;
const fileRecordsSpec = record('record view', {
  layout: recordLayoutText,
  start: integer<ByteOffset>('record start offset', { to: byteOffset }),
});

const highlightSettings = refined<HighlightSettings>(
  record('highlights', {
    active: text('active set', { minLength: 1, maxLength: MAX_SET_NAME_CHARS, allowNul: false }),
    sets: list(
      'highlight sets',
      record('highlight set', {
        name: text('set name', { minLength: 1, maxLength: MAX_SET_NAME_CHARS, allowNul: false }),
        rules: list('highlight rules', highlightRule, MAX_RULES_PER_SET),
      }),
      MAX_HIGHLIGHT_SETS,
    ),
  }),
  validateHighlightSettings,
);

/** The argument specs the channels share; the fuzz tests recognise them to fill in live values. */
export const argSpecs = {
  session: integer<SessionId>('session id', { to: sessionId }),
  offerId: integer('offer id'),
  offset: integer<ByteOffset>('offset', { to: byteOffset }),
  readLength: integer<ByteCount>('length', { max: MAX_READ_BYTES, to: byteCount }),
  firstLine: integer<LineNumber>('first line (0-based)', { min: FIRST_LINE, to: lineNumber }),
  lastLine: integer<LineNumber>('last line (0-based)', { min: FIRST_LINE, to: lineNumber }),
  lineCount: integer('line count', { max: MAX_LINES_PER_READ }),
  searchId: integer('search id'),
  firstMatch: integer('first match'),
  matchCount: integer('match count', { max: MAX_MATCHES_PER_PAGE }),
  rowCount: integer('match count', { max: MAX_MATCH_ROWS_PER_PAGE }),
  startOffset: integer<ByteOffset>('start offset', { to: byteOffset }),
  endOffset: integer<ByteOffset>('end offset', { to: byteOffset }),
  editedBytes: bytes('bytes', MAX_READ_BYTES),
  encoding: choice<EncodingChoice>('encoding', ['auto', ...textEncodings]),
  follow: boolean('follow'),
  droppedPath: text('dropped path', { minLength: 1, maxLength: MAX_PATH_LENGTH, allowNul: false }),
  journalAction: choice<JournalAction>('journal action', ['rollback', 'finish', 'discard']),
  query: record('query', {
    mode: choice('query mode', ['text', 'regex', 'hex']),
    pattern: text('query pattern', { maxLength: MAX_PATTERN_LENGTH, allowNul: true }),
    matchCase: boolean('matchCase'),
    wholeWord: boolean('wholeWord'),
  }) satisfies Spec<FindQuery>,
  settingsPatch: partialRecord<SettingsPatch>('settings', {
    theme: choice('theme', themeChoices),
    fontSize: integer('font size', { min: FONT_SIZE_MIN, max: FONT_SIZE_MAX }),
    bytesPerRow: either(
      'bytes per row',
      either(
        'bytes per row',
        integer('bytes per row', { min: 8, max: 8 }),
        integer('bytes per row', { min: 16, max: 16 }),
      ),
      integer('bytes per row', { min: 32, max: 32 }),
    ) as Spec<(typeof hexRowWidths)[number]>,
    wrap: boolean('wrap'),
    highlights: highlightSettings,
    recordLayouts: recordLayoutsSpec,
  }),
  whichMatch: either('match', integer('match index'), choice('match', ['all'])),
  replacement: text('replacement', { maxLength: MAX_PATTERN_LENGTH, allowNul: true }),
  filterSpec: record('filter', {
    rules: list(
      'filter rules',
      record('filter rule', {
        pattern: text('rule pattern', { minLength: 1, maxLength: MAX_PATTERN_LENGTH, allowNul: true }),
        exclude: boolean('exclude'),
        regex: boolean('regex'),
        matchCase: boolean('matchCase'),
        enabled: boolean('enabled'),
      }) satisfies Spec<FilterRule>,
      MAX_FILTER_RULES,
    ),
    context: integer('context lines', { max: MAX_FILTER_CONTEXT }),
    time: optional(
      record('time range', {
        fromMs: integer('from (epoch ms)', { min: -MAX_EPOCH_MS, max: MAX_EPOCH_MS }),
        toMs: integer('to (epoch ms)', { min: -MAX_EPOCH_MS, max: MAX_EPOCH_MS }),
      }),
    ),
  }) satisfies Spec<FilterSpec>,
  filterId: integer('filter id'),
  firstRow: integer('first row'),
  lastRow: integer('last row'),
  filteredRowCount: integer('row count', { max: MAX_LINES_PER_READ }),
  line: integer<LineNumber>('line (0-based)', { min: FIRST_LINE, to: lineNumber }),
  lineList: list(
    'lines',
    integer<LineNumber>('line (0-based)', { min: FIRST_LINE, to: lineNumber }),
    MAX_LINES_PER_READ,
  ),
  optionalId: integer('id (-1: none)', { min: -1 }),
  byteMapPurpose: choice('byte map purpose', byteMapPurposes),
  minStringLength: integer('minimum string length', { min: 1, max: MIN_STRING_LENGTH_MAX }),
  stringEncodings: choice('string encodings', stringEncodingChoices),
  stringsId: integer('strings id'),
  firstString: integer('first string'),
  stringCount: integer('string count', { max: MAX_STRINGS_PER_PAGE }),
  direction: either(
    'direction',
    integer<1>('direction', { min: 1, max: 1 }),
    integer<-1>('direction', { min: -1, max: -1 }),
  ),
  tickMarks: list('marks', integer<LineNumber>('line (0-based)', { min: FIRST_LINE, to: lineNumber }), MAX_TICK_MARKS),
  tickBuckets: integer('buckets', { min: 1, max: MAX_TICK_BUCKETS }),
  exportSource: either(
    'export source',
    record('filtered export', { kind: choice('export kind', ['filtered']), filterId: integer('filter id') }),
    record('marked export', {
      kind: choice('export kind', ['marked']),
      lines: list(
        'lines',
        integer<LineNumber>('line (0-based)', { min: FIRST_LINE, to: lineNumber }),
        MAX_EXPORT_LINES,
      ),
    }),
  ) satisfies Spec<ExportSource>,
  rangeLength: integer<ByteCount>('length', { to: byteCount }),
  sessionList: list('sessions', integer<SessionId>('session id', { to: sessionId }), MAX_MERGED_FILES),
  timeChoice: choice<TimeKind | 'auto' | 'none'>('time format', ['auto', 'none', ...TIME_KINDS]),
  epochMs: integer('time (epoch ms)', { min: -MAX_EPOCH_MS, max: MAX_EPOCH_MS }),
  // At most MAX_COPY_BYTES (contract.ts) per line.
  maxBytesPerLine: integer('bytes per line', { max: 32 * 1024 * 1024 }),
} as const;

const query = record('query', {
  mode: choice('query mode', ['text', 'regex', 'hex']),
  pattern: text('query pattern', { maxLength: MAX_PATTERN_LENGTH, allowNul: true }),
  matchCase: boolean('matchCase'),
  wholeWord: boolean('wholeWord'),
}) satisfies Spec<FindQuery>;

/** A bookmark, as saved with the file's memory and as its JSON export is read back. */
export const bookmarkSpec = record('bookmark', {
  name: text('bookmark name', { minLength: 1, maxLength: MAX_BOOKMARK_NAME, allowNul: false }),
  offset: integer<ByteOffset>('offset', { to: byteOffset }),
  length: integer<ByteCount>('length', { min: 1, to: byteCount }),
  color: text('colour', { minLength: 7, maxLength: 7, allowNul: false }),
  note: text('note', { maxLength: MAX_BOOKMARK_NOTE, allowNul: false }),
}) satisfies Spec<Bookmark>;

/** What is remembered of a file: also how the settings file's records are read back. */
export const fileMemorySpec = record('position', {
  view: choice('view', ['text', 'hex', 'records']),
  line: integer<LineNumber>('line (0-based)', { min: FIRST_LINE, to: lineNumber }),
  offset: integer<ByteOffset>('offset', { to: byteOffset }),
  marks: optional(
    list('marks', integer<LineNumber>('marked line (0-based)', { min: FIRST_LINE, to: lineNumber }), MAX_SAVED_MARKS),
  ),
  filter: optional(record('filter state', { spec: argSpecs.filterSpec, view: boolean('filtered view') })),
  find: optional(query),
  bookmarks: optional(list('bookmarks', bookmarkSpec, MAX_BOOKMARKS)),
  records: optional(fileRecordsSpec),
}) satisfies Spec<FileMemory>;

const a = argSpecs;

/** Every request channel and the specs of its arguments. A channel without one does not compile. */
export const requestSchemas = {
  hostInfo: [],
  listOffered: [],
  openOffered: [a.offerId],
  openDialog: [],
  openDroppedPath: [a.droppedPath],
  closeFile: [a.session],
  readBytes: [a.session, a.offset, a.readLength],
  fileStatus: [a.session],
  reloadFile: [a.session],
  openText: [a.session, a.encoding],
  indexStatus: [a.session],
  cancelIndex: [a.session],
  readLines: [a.session, a.firstLine, a.lineCount],
  lineAtOffset: [a.session, a.offset],
  readLinesAt: [a.session, a.lineList, a.maxBytesPerLine],
  copyLines: [a.session, a.firstLine, a.lastLine],
  setFollow: [a.session, a.follow],
  readView: [a.session, a.offset, a.readLength],
  editBytes: [a.session, a.offset, a.editedBytes],
  editState: [a.session],
  undoEdit: [a.session],
  redoEdit: [a.session],
  discardEdits: [a.session],
  commitEdits: [a.session],
  saveCopy: [a.session],
  cancelSaveCopy: [a.session],
  journalStatus: [a.session],
  resolveJournal: [a.session, a.journalAction],
  startFind: [a.session, a.query],
  findStatus: [a.session],
  cancelFind: [a.session],
  findMatches: [a.session, a.searchId, a.firstMatch, a.matchCount],
  matchesInRange: [a.session, a.searchId, a.startOffset, a.endOffset],
  matchIndexAt: [a.session, a.searchId, a.offset],
  matchRows: [a.session, a.searchId, a.firstMatch, a.rowCount],
  replaceMatches: [a.session, a.searchId, a.whichMatch, a.replacement],
  settings: [],
  updateSettings: [a.settingsPatch],
  lastPosition: [a.session],
  savePosition: [a.session, fileMemorySpec],
  setFilter: [a.session, a.filterSpec],
  filterStatus: [a.session],
  readFilteredLines: [a.session, a.filterId, a.firstRow, a.filteredRowCount],
  filterRowOfLine: [a.session, a.filterId, a.line],
  scrollTicks: [a.session, a.optionalId, a.optionalId, a.tickMarks, a.tickBuckets],
  filterRowsOfLines: [a.session, a.filterId, a.lineList],
  shownMatch: [a.session, a.searchId, a.filterId, a.firstMatch, a.direction],
  exportLines: [a.session, a.exportSource],
  copyFilteredLines: [a.session, a.filterId, a.firstRow, a.lastRow],
  timeState: [a.session],
  setTimeFormat: [a.session, a.timeChoice],
  seekTime: [a.session, a.epochMs],
  lineTime: [a.session, a.line],
  startTimeline: [a.session, a.optionalId],
  timelineStatus: [a.session],
  cancelOpen: [],
  mergeFiles: [a.sessionList],
  startHashes: [a.session, a.offset, a.rangeLength],
  hashStatus: [a.session],
  cancelHashes: [a.session],
  exportBookmarks: [a.session, list('bookmarks', bookmarkSpec, MAX_BOOKMARKS)],
  compareFiles: [a.session, a.session],
  compareStatus: [a.session],
  cancelCompare: [a.session],
  readCompared: [a.session, a.offset, a.readLength],
  diffRanges: [a.session, a.firstMatch, a.matchCount],
  nextDiff: [a.session, a.offset, a.direction],
  diffTicks: [a.session, a.tickBuckets],
  startByteMap: [a.session, a.byteMapPurpose, a.startOffset, a.endOffset],
  byteMapStatus: [a.session, a.byteMapPurpose],
  cancelByteMap: [a.session, a.byteMapPurpose],
  startStrings: [a.session, a.minStringLength, a.stringEncodings],
  stringsStatus: [a.session],
  cancelStrings: [a.session],
  readStrings: [a.session, a.stringsId, a.firstString, a.stringCount],
  stringIndexAt: [a.session, a.stringsId, a.offset],
} as const satisfies RequestSchemas;

/** Every request channel's name, in the contract's order. */
export const requestNames = Object.keys(requestSchemas) as readonly RequestName[];

const messageOf = (thrown: unknown): string => (thrown instanceof Error ? thrown.message : String(thrown));

/**
 * A channel's arguments checked against its schema and copied, or EINVAL naming the channel and
 * the argument. Never throws, whatever `args` is (a revoked Proxy, an array with throwing getters).
 */
export function parseArgs<K extends RequestName>(name: K, args: unknown): Result<RequestArgs<K>> {
  const schemas: RequestSchemas = requestSchemas;
  const specs: readonly AnySpec[] = schemas[name];
  try {
    if (!Array.isArray(args)) return err('EINVAL', `arguments of ${name} must be an array`);
    const count = (args as readonly unknown[]).length;
    if (count !== specs.length) {
      return err('EINVAL', `${name}: expected ${specs.length} argument(s), got ${count}`);
    }
    const values: unknown[] = [];
    for (const [index, spec] of specs.entries()) {
      const parsed = spec.parse((args as readonly unknown[])[index]);
      if (!parsed.ok) return err('EINVAL', `${name}: ${parsed.message}`);
      values.push(parsed.value);
    }
    // Each value was produced by the spec of its position, which requestSchemas ties to RequestArgs<K>.
    return ok(values as unknown as RequestArgs<K>);
  } catch (error) {
    return err('EINVAL', `${name}: the arguments cannot be read (${messageOf(error)})`);
  }
}
