// Regex search in the addon: PCRE2 with its JIT on worker threads over the mapping, with the
// JavaScript engine's semantics (line by line, CR of CR LF dropped, empty matches skipped). It reads
// the mapping alone: with pending edits the controller gives it a private mapping with them written in.
import {
  checkRegex,
  createRegexSearch,
  isNativeError,
  jsRegexClassRun,
  jsRegexLiteralSet,
  jsRegexToPcre2,
  pcre2Version,
  type MappedFile,
  type RegexPattern,
  type RegexSearch,
  type RegexSearchOptions,
} from '../../../../native/index';
import type { TextEncodingName } from '../../../shared/contract';
import { encodeText, type RegexPlan } from './query';
import type { SearchProgressState, SearchRun } from './searchRun';

/** HEXLOG_REGEX_ENGINE=js forces the JavaScript engine (tests cover both; a way out if PCRE2 misbehaves). */
export const REGEX_ENGINE_ENV = 'HEXLOG_REGEX_ENGINE';

/** Whether PCRE2 may run regexes in this process: the addon has it and the environment allows it. */
export function pcre2Enabled(): boolean {
  if (process.env[REGEX_ENGINE_ENV] === 'js') return false;
  try {
    return pcre2Version() !== null;
  } catch {
    return false;
  }
}

/**
 * Where PCRE2 finds a pattern invalid, as "reason at character N" (1-based, in the pattern as
 * typed), or null when it compiles there, or PCRE2 is not in use.
 */
export function pcre2Problem(pattern: string): string | null {
  if (!pcre2Enabled() || pattern.length === 0) return null;
  const bytes = new TextEncoder().encode(pattern);
  const problem = checkRegex(bytes, true);
  if (problem === null) return null;
  const reason = problem.message.replace(/^EINVAL: /, '').replace(/ at pattern offset \d+$/, '');
  // PCRE2 points past the end for a missing terminator; characters are code points, 1-based.
  if (problem.offset >= bytes.length) return `${reason} at the end of the pattern`;
  const character = Array.from(new TextDecoder().decode(bytes.subarray(0, problem.offset))).length;
  return `${reason} at character ${character + 1}`;
}

/**
 * `plan` as the addon's PCRE2 pattern, or null where the JavaScript engine must run it: no PCRE2
 * (or HEXLOG_REGEX_ENGINE=js), or a pattern the two engines would read differently.
 */
export function pcre2PatternOf(plan: RegexPlan, encoding: TextEncodingName): RegexPattern | null {
  if (!pcre2Enabled()) return null;
  // UTF-16 is matched as UTF-8, a chunk at a time, so the pattern and literal are UTF-8 there.
  const utf16 = encoding === 'utf-16le' || encoding === 'utf-16be';
  const utf = encoding === 'utf-8' || utf16;
  const patternEncoding = utf16 ? 'utf-8' : encoding;
  const caseless = plan.flags.includes('i');
  const pcre2 = jsRegexToPcre2(plan.source, utf, caseless);
  if (pcre2 === null) return null;
  const bytes = encodeText(pcre2.source, patternEncoding);
  if (!bytes.ok) return null;
  // The literal every match holds filters lines (only as exact bytes: not one with case when the
  // search ignores case).
  const literal =
    plan.literal === null || (caseless && plan.literal.toLowerCase() !== plan.literal.toUpperCase())
      ? null
      : encodeText(plan.literal, patternEncoding);
  const literalSet = encodeLiteralSet(jsRegexLiteralSet(plan.source, caseless), patternEncoding);
  const classRun = jsRegexClassRun(plan.source, caseless);
  return {
    bytes: bytes.value,
    utf,
    caseless,
    lineMode: pcre2.lineMode,
    ...(literal?.ok === true ? { requiredLiteral: literal.value } : {}),
    ...(literalSet === null ? {} : { literalSet }),
    ...(classRun === null ? {} : { classRun }),
    ...(utf16 ? { text: encoding } : {}),
  };
}

/** A literal set's alternatives in the file's encoding, or null when one cannot be written there. */
function encodeLiteralSet(alternatives: string[] | null, encoding: TextEncodingName): Uint8Array[] | null {
  if (alternatives === null) return null;
  const encoded: Uint8Array[] = [];
  for (const alternative of alternatives) {
    const bytes = encodeText(alternative, encoding);
    if (!bytes.ok) return null;
    encoded.push(bytes.value);
  }
  return encoded;
}

/** Something to Atomics.wait on for a millisecond (a short pause without a busy loop). */
const PAUSE = new Int32Array(new SharedArrayBuffer(4));

export class NativeRegexSearch implements SearchRun {
  readonly regexEngine = 'pcre2';
  private disposed = false;

  private constructor(
    readonly id: number,
    private readonly search: RegexSearch,
  ) {}

  /**
   * The native run of `plan`, or null where the JavaScript engine must run it: no PCRE2 (or
   * HEXLOG_REGEX_ENGINE=js), a pattern the two engines would read differently, or one PCRE2
   * rejects that JavaScript accepts (a variable-length lookbehind). Throws what the addon throws
   * otherwise (EFILECHANGED, ECLOSED…).
   */
  static start(
    id: number,
    file: MappedFile,
    plan: RegexPlan,
    encoding: TextEncodingName,
    options: RegexSearchOptions = {},
  ): NativeRegexSearch | null {
    const pattern = pcre2PatternOf(plan, encoding);
    if (pattern === null) return null;
    try {
      const search = createRegexSearch(file, pattern, options);
      return new NativeRegexSearch(id, search);
    } catch (error) {
      if (isNativeError(error) && error.code === 'EINVAL') return null;
      throw error;
    }
  }

  progress(): SearchProgressState {
    const progress = this.search.progress();
    return {
      bytesScanned: progress.bytesScanned,
      totalBytes: progress.totalBytes,
      matchCount: progress.matchesKnown,
      done: progress.done,
      cancelled: progress.cancelled,
      error: progress.error,
      notice: null,
    };
  }

  page(first: number, count: number): { offsets: Float64Array; lengths: Float64Array } {
    const known = this.search.progress().matchesKnown;
    const start = Math.min(first, known);
    return this.search.results(start, Math.max(0, Math.min(count, known - start)));
  }

  indexAtOrAfter(offset: number): number {
    return this.search.indexAtOrAfter(offset);
  }

  memoryBytes(): number {
    return this.search.progress().resultBytes;
  }

  cancel(): void {
    if (!this.disposed) this.search.cancel();
  }

  /**
   * Disposing joins the workers, and after a cancel one may still be inside a long PCRE2 call on
   * one line (PCRE2's limit counts per start position, not per call). The main process must never
   * wait for that: cancel, give the workers a moment, and otherwise dispose once they have ended.
   */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.search.cancel();
    const until = Date.now() + 50;
    while (this.running() && Date.now() < until) Atomics.wait(PAUSE, 0, 0, 1);
    if (!this.running()) {
      this.search.dispose();
      return;
    }
    const timer = setInterval(() => {
      if (this.running()) return;
      clearInterval(timer);
      this.search.dispose();
    }, 50);
    timer.unref?.();
  }

  private running(): boolean {
    try {
      return this.search.progress().workersRunning > 0;
    } catch {
      return false;
    }
  }
}
