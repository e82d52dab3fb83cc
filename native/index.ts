// The hexlog native addon, typed: every public name of native/ is exported from here, so callers
// import '../native/index' and never a file under native/ts/. One file per object under ts/:
// binding.ts loads the .node file (the only place that does), errors.ts and checks.ts hold the
// coded errors and argument checks, and mappedFile.ts, lineIndex.ts, search.ts, regex.ts,
// lineFilter.ts and timeline.ts wrap the addon's classes (lineRules.ts checks and flattens the rules
// the last two take); time.ts has the timestamp formats and parseLineTimes, one call a viewport.
// Every argument is checked there before it reaches C++; C++ checks again and throws coded errors,
// which leave as NativeError.
export { isNativeError, NativeError } from './ts/errors';
export { type FileIdentity, MAP_MODES, type MapMode, type MappedFile, openMapped } from './ts/mappedFile';
export {
  createLineIndex,
  LINE_INDEX_LIMITS,
  type LineIndex,
  type LineIndexOptions,
  type LineIndexProgress,
  type LineSlice,
  type LineSliceAt,
  TEXT_ENCODINGS,
  type TextEncodingName,
} from './ts/lineIndex';
export {
  type ByteSearch,
  createSearch,
  SEARCH_LIMITS,
  type SearchOptions,
  type SearchPattern,
  type SearchProgress,
} from './ts/search';
export {
  createRegexSearch,
  pcre2Version,
  checkRegex,
  REGEX_LIMITS,
  type RegexPattern,
  type RegexSearch,
  type RegexSearchOptions,
} from './ts/regex';
export { type ClassRunSpec, jsRegexClassRun, jsRegexLiteralSet, jsRegexToPcre2, type Pcre2Source } from './ts/jsRegex';
export {
  createLineFilter,
  LINE_FILTER_LIMITS,
  type LineFilter,
  type LineFilterOptions,
  type LineFilterProgress,
  type LineRule,
} from './ts/lineFilter';
export { parseLineTimes, TIME_KINDS, TIME_LIMITS, type TimeFormatSpec, type TimeKind } from './ts/time';
export {
  createTimeline,
  type Timeline,
  TIMELINE_LIMITS,
  type TimelineCounts,
  type TimelineOptions,
  type TimelineProgress,
} from './ts/timeline';
export {
  BYTE_DIFF_LIMITS,
  type ByteDiff,
  type ByteDiffOptions,
  type ByteDiffProgress,
  byteDiffWorkerThreads,
  createByteDiff,
  type DiffRange,
} from './ts/byteDiff';
export { releaseMemory } from './ts/memory';
export { type FaultGuardReport, nativeTesting } from './ts/testing';
export {
  binaryToolWorkerThreads,
  BYTE_CLASS,
  BYTE_MAP_LIMITS,
  type ByteMap,
  type ByteMapOptions,
  type ByteMapProgress,
  type ByteMapResult,
  createByteMap,
  createStringsScan,
  type StringEncoding,
  type StringsOptions,
  type StringsPage,
  type StringsProgress,
  type StringsScan,
  STRINGS_LIMITS,
} from './ts/byteMap';
