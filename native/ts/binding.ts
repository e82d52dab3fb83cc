// The one place that loads the .node file, and the shapes of what it exports. Nothing here checks
// arguments: the wrappers (mappedFile.ts, lineIndex.ts, search.ts) do that before calling in.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

import { errorMessage, NativeError } from './errors';
import type { LineIndexProgress, LineSlice, LineSliceAt, TextEncodingName } from './lineIndex';
import type { FileIdentity, MapMode } from './mappedFile';
import type { SearchProgress } from './search';
import type { FaultGuardReport } from './testing';
import type { TimelineCounts, TimelineProgress } from './timeline';

export interface NativeMappedFile {
  size(): number;
  stat(): FileIdentity;
  readInto(offset: number, target: Uint8Array): number;
  readLineHeads(starts: Float64Array, maxBytes: number): { bytes: Uint8Array; ends: Uint32Array };
  write(offset: number, source: Uint8Array): number;
  flush(offset: number, length: number): void;
  flushAsync(offset: number, length: number): Promise<void>;
  tryLock(): boolean;
  unlock(): void;
  close(): void;
  isClosed(): boolean;
}

export interface NativeLineIndex {
  progress(): LineIndexProgress;
  readLines(firstLine: number, count: number, maxBytesPerLine: number): LineSlice;
  lineAtOffset(offset: number): number;
  linesAtOffsets(offsets: Float64Array): Float64Array;
  readLinesAt(lines: Float64Array, maxBytesPerLine: number): LineSliceAt;
  extend(grown: NativeMappedFile): void;
  cancel(): void;
  memoryBytes(): number;
  dispose(): void;
}

export interface NativeByteSearch {
  patternLength(): number;
  progress(): SearchProgress;
  results(firstIndex: number, count: number): Float64Array;
  indexAtOrAfter(offset: number): number;
  cancel(): void;
  dispose(): void;
}

export interface NativeRegexSearch {
  progress(): SearchProgress & { readonly workersRunning: number };
  results(firstIndex: number, count: number): { offsets: Float64Array; lengths: Float64Array };
  indexAtOrAfter(offset: number): number;
  jit(): boolean;
  cancel(): void;
  dispose(): void;
}

export interface NativeLineFilter {
  progress(): SearchProgress & {
    readonly keptKnown: number;
    readonly linesScanned: number;
    readonly resultBytes: number;
    readonly workersRunning: number;
  };
  results(first: number, count: number): { lines: Float64Array; offsets: Float64Array };
  indexOfLine(line: number): number;
  indexesOfLines(lines: Float64Array): Float64Array;
  indexAtOffset(offset: number): number;
  extend(file: NativeMappedFile): void;
  cancel(): void;
  dispose(): void;
}

export interface NativeTimeline {
  progress(): TimelineProgress;
  counts(): TimelineCounts;
  extend(file: NativeMappedFile): void;
  cancel(): void;
  dispose(): void;
}

export interface NativeBinding {
  MappedFile: { open(path: string, mode: MapMode): NativeMappedFile };
  LineIndex: {
    create(file: NativeMappedFile, encoding: TextEncodingName, threads: number, chunkBytes: number): NativeLineIndex;
  };
  ByteSearch: {
    create(
      file: NativeMappedFile,
      bytes: Uint8Array,
      mask: Uint8Array | null,
      caseInsensitive: boolean,
      wholeWord: boolean,
      threads: number,
      chunkBytes: number,
    ): NativeByteSearch;
  };
  RegexSearch: {
    create(
      file: NativeMappedFile,
      pattern: Uint8Array,
      utf: boolean,
      caseless: boolean,
      lineMode: boolean,
      threads: number,
      chunkBytes: number,
      matchLimit: number,
      requiredLiteral: Uint8Array,
      text: 'bytes' | 'utf-16le' | 'utf-16be',
      literalSet: readonly Uint8Array[],
      classMembers: Uint8Array,
      classMin: number,
      classMax: number,
    ): NativeRegexSearch;
  };
  LineFilter: {
    create(
      file: NativeMappedFile,
      kinds: Uint8Array,
      flags: Uint8Array,
      patterns: Uint8Array,
      patternEnds: Float64Array,
      masks: Uint8Array,
      literals: Uint8Array,
      literalEnds: Float64Array,
      setLiterals: Uint8Array,
      setLiteralEnds: Float64Array,
      setEnds: Float64Array,
      threads: number,
      chunkBytes: number,
      matchLimit: number,
      linesOnly: boolean,
    ): NativeLineFilter;
  };
  Timeline: {
    create(
      file: NativeMappedFile,
      kind: number,
      zoneMinutes: number,
      year: number,
      month: number,
      maxColumn: number,
      fromMs: number,
      toMs: number,
      buckets: number,
      kinds: Uint8Array,
      flags: Uint8Array,
      patterns: Uint8Array,
      patternEnds: Float64Array,
      masks: Uint8Array,
      literals: Uint8Array,
      literalEnds: Float64Array,
      setLiterals: Uint8Array,
      setLiteralEnds: Float64Array,
      setEnds: Float64Array,
      threads: number,
      chunkBytes: number,
      matchLimit: number,
    ): NativeTimeline;
  };
  parseLineTimes(
    bytes: Uint8Array,
    starts: Uint32Array,
    kind: number,
    zoneMinutes: number,
    year: number,
    month: number,
    maxColumn: number,
  ): { times: Float64Array; columns: Int32Array };
  /** PCRE2's version, or null in a build without it. */
  pcre2Version(): string | null;
  /** null, or PCRE2's reason and offset (pattern bytes) where it rejects the pattern. */
  checkRegex(pattern: Uint8Array, utf: boolean, caseless: boolean): { message: string; offset: number } | null;
  releaseMemory(): boolean;
  __faultGuardSelfTest(): FaultGuardReport;
  __lineIndexWorkerThreads(): number;
  __searchWorkerThreads(): number;
  __timelineWorkerThreads(): number;
  __setSearchKernel(kernel: string): void;
  __setFileSystemTypeCheck(enabled: boolean): void;
}

const ADDON_FILE = 'hexlog_native.node';
const ADDON_FROM_ROOT = join('native', 'build', 'Release', ADDON_FILE);
const BUILD_HINT = 'run `npm run build:native` (or set HEXLOG_NATIVE_PATH to the .node file)';

let loadedBinding: NativeBinding | undefined;
let loadedAddonPath: string | undefined;

/** The .node file loaded, or undefined before the first successful loadBinding. */
export function loadedAddonFile(): string | undefined {
  return loadedAddonPath;
}

/** The addon's exports, loaded on first use. Throws NativeError (ENATIVE) if it cannot be loaded. */
export function loadBinding(): NativeBinding {
  if (loadedBinding !== undefined) return loadedBinding;
  const file = findAddon();
  const addonModule: { exports: unknown } = { exports: {} };
  try {
    // process.dlopen works the same under vitest (ESM), tsx (CJS) and the electron-vite bundle,
    // where require and createRequire do not.
    process.dlopen(addonModule, file);
  } catch (error) {
    throw new NativeError(
      'ENATIVE',
      `ENATIVE: could not load the native addon ${file}: ${errorMessage(error)}; ${BUILD_HINT}`,
      file,
      { cause: error },
    );
  }
  if (!isNativeBinding(addonModule.exports)) {
    throw new NativeError(
      'ENATIVE',
      `ENATIVE: ${file} is not the hexlog addon, or an outdated build (no MappedFile, LineIndex, ByteSearch, RegexSearch, LineFilter, Timeline, parseLineTimes or releaseMemory export); ${BUILD_HINT}`,
      file,
    );
  }
  loadedBinding = addonModule.exports;
  loadedAddonPath = file;
  return loadedBinding;
}

function findAddon(): string {
  const fromEnv = process.env['HEXLOG_NATIVE_PATH'];
  if (fromEnv !== undefined && fromEnv !== '') {
    const file = resolve(fromEnv);
    if (!existsSync(file)) {
      throw new NativeError(
        'ENATIVE',
        `ENATIVE: HEXLOG_NATIVE_PATH is ${fromEnv}, which does not exist; ${BUILD_HINT}`,
        file,
      );
    }
    return file;
  }
  // This file sits in native/ts/; bundled, it runs from out/main/. Both have the repo root above.
  const start = resolve(typeof __dirname !== 'undefined' ? __dirname : process.cwd());
  for (let dir = start; ; dir = dirname(dir)) {
    const candidate = join(dir, ADDON_FROM_ROOT);
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) break;
  }
  throw new NativeError(
    'ENATIVE',
    `ENATIVE: native addon not found: no ${ADDON_FROM_ROOT} in ${start} or any parent; ${BUILD_HINT}`,
  );
}

function isNativeBinding(value: unknown): value is NativeBinding {
  return (
    typeof value === 'object' &&
    value !== null &&
    'MappedFile' in value &&
    typeof value.MappedFile === 'function' &&
    'open' in value.MappedFile &&
    typeof value.MappedFile.open === 'function' &&
    // An addon built before the line index: rebuilding fixes it.
    'LineIndex' in value &&
    typeof value.LineIndex === 'function' &&
    // An addon built before search.
    'ByteSearch' in value &&
    typeof value.ByteSearch === 'function' &&
    // An addon built before the regex engine.
    'RegexSearch' in value &&
    typeof value.RegexSearch === 'function' &&
    // An addon built before the line filter.
    'LineFilter' in value &&
    typeof value.LineFilter === 'function' &&
    // An addon built before timestamps and the timeline.
    'Timeline' in value &&
    typeof value.Timeline === 'function' &&
    'parseLineTimes' in value &&
    typeof value.parseLineTimes === 'function' &&
    'pcre2Version' in value &&
    typeof value.pcre2Version === 'function' &&
    // An addon built before releaseMemory.
    'releaseMemory' in value &&
    typeof value.releaseMemory === 'function' &&
    '__faultGuardSelfTest' in value &&
    typeof value.__faultGuardSelfTest === 'function'
  );
}
