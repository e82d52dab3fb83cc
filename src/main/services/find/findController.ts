// The search of one file session: starts, cancels and pages through results, pumps progress
// events, and turns replacements into pending edits.
import type { MappedFile } from '../../../../native/index';
import {
  MAX_LINES_PER_READ,
  type FindQuery,
  type FindStatus,
  type MatchPage,
  type MatchRows,
  type TextEncodingName,
} from '../../../shared/contract';
import type { Disposable } from '../../../shared/disposable';
import { err, errFromThrown, ok, type Result } from '../../../shared/result';
import { byteCount, type SessionId } from '../../../shared/units';
import type { TextIndex } from '../textIndex';
import { NativeRegexSearch, pcre2Problem } from './nativeRegexSearch';
import { NativeSearch } from './nativeSearch';
import { encodeText, literalRegexPlan, planSearch, type RegexPlan, type SearchPlan } from './query';
import { lineRuleOf, MatchingLines } from './matchingLines';
import type { ByteReader, CandidateSource } from './lineFeeder';
import type { SearchRun } from './searchRun';
import { RegexSearch } from './regexSearch';
import type { WorkPool } from '../workPool';
import { PooledSearch, searchPool } from './searchPool';

const PROGRESS_INTERVAL_MS = 100;
/** Line text shown per row of the matches pane. */
const MATCH_ROW_BYTES = 1024;
/** Replace-all turns matches into edits this many at a time. */
const REPLACE_BATCH = 100_000;
/** Most matches one replace-all changes: each pending edit costs memory, and undo keeps them all. */
export const MAX_REPLACE_ALL = 200_000;

export interface FindHost {
  readonly session: SessionId;
  /** The window or connection that owns the session: its searches share one quota of the pool. */
  readonly owner: string;
  file(): MappedFile;
  /** Reads the file as the session shows it (current mapping, pending edits laid over). */
  reader(): ByteReader;
  hasPendingEdits(): boolean;
  /**
   * A private mapping of the session's file with the pending edits written in (the caller closes
   * it), or null when it cannot be had (the path names another file now, too many edited pages…).
   */
  editedMapping(): MappedFile | null;
  /** Bumped on every edit, undo, redo, discard and commit. */
  editGeneration(): number;
  encoding(): TextEncodingName;
  text(): TextIndex | null;
  emit(status: FindStatus): void;
  /** Applies same-length overwrites as one undo step. */
  applyEdits(edits: readonly { offset: number; bytes: Uint8Array }[]): Result<unknown>;
}

export class FindController implements Disposable {
  private run: PooledSearch | null = null;
  /**
   * The edit generation the current search started at, and whether its engine sees pending edits
   * (known once the pool starts it).
   */
  private runEdits: { readonly generation: number; seesEdits: boolean } | null = null;
  private query: FindQuery | null = null;
  /**
   * The lines holding the current search's matches (the matches pane's rows), filtered natively on
   * first use over the mapping the search read, while no edit has changed what it saw; null when
   * that cannot be (the rows then come from the line index).
   */
  private lines: { plan: SearchPlan; file: MappedFile | null; run: MatchingLines | null | undefined } | null = null;
  private nextId = 1;
  private pump: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly host: FindHost,
    private readonly pool: WorkPool = searchPool,
  ) {}

  start(query: FindQuery): Result<FindStatus> {
    const encoding = this.host.encoding();
    const plan = planSearch(query, encoding);
    if (!plan.ok) {
      // PCRE2 says where the pattern goes wrong, which JavaScript's message does not.
      const where = query.mode === 'regex' && plan.code === 'EINVAL' ? pcre2Problem(query.pattern) : null;
      return where === null ? plan : err(plan.code, `${plan.message} (PCRE2: ${where})`);
    }
    this.stop();
    const id = this.nextId++;
    const runEdits = { generation: this.host.editGeneration(), seesEdits: true };
    let started: Result<PooledSearch>;
    try {
      const size = this.host.file().size();
      // The mapping is taken when the pool starts the search: the file may be re-mapped meanwhile.
      const lines: { plan: SearchPlan; file: MappedFile | null; run: undefined } = {
        plan: plan.value,
        file: null,
        run: undefined,
      };
      this.lines = lines;
      started = PooledSearch.start(this.pool, this.host.owner, id, size, () =>
        this.startRun(id, query, plan.value, runEdits, lines),
      );
    } catch (error) {
      return errFromThrown(error);
    }
    if (!started.ok) return started;
    this.run = started.value;
    this.runEdits = runEdits;
    this.query = query;
    this.pump = setInterval(() => this.tick(), PROGRESS_INTERVAL_MS);
    this.pump.unref?.();
    return ok(this.status()!);
  }

  /**
   * Starts the engine of `plan` when the pool gives it a place. The addon's searches read a mapping
   * alone, so with pending edits they read a private copy-on-write mapping with the edits written
   * in (`editedMapping`). Without one, text goes to the JavaScript regex engine, which reads through
   * the edits (a literal as a regex), and hex searches the bytes on disk (`seesEdits` false).
   */
  private startRun(
    id: number,
    query: FindQuery,
    plan: SearchPlan,
    runEdits: { seesEdits: boolean },
    lines: { file: MappedFile | null },
  ): SearchRun {
    const pendingEdits = this.host.hasPendingEdits();
    const mapping = pendingEdits ? this.host.editedMapping() : this.host.file();
    // The matches pane's line filter reads the same mapping, when it is the session's own.
    if (!pendingEdits) lines.file = mapping;
    try {
      if (plan.kind === 'regex') return this.startRegex(id, mapping, plan);
      if (mapping !== null) return new NativeSearch(id, mapping, plan);
      if (query.mode === 'text') return this.startJsRegex(id, null, literalRegexPlan(query));
      runEdits.seesEdits = false;
      return new NativeSearch(id, this.host.file(), plan);
    } finally {
      // The addon's searches hold their own reference to the mapping and release it when disposed
      // (also a regex search's dispose deferred behind a long PCRE2 call): the copy needs no other owner.
      if (pendingEdits) mapping?.close();
    }
  }

  /**
   * A regex run: PCRE2 in the addon over `mapping` when it can run it (see NativeRegexSearch.start),
   * else the JavaScript engine. `mapping` shows the file as the session does (null: none does).
   */
  private startRegex(id: number, mapping: MappedFile | null, plan: RegexPlan): SearchRun {
    if (mapping !== null) {
      const native = NativeRegexSearch.start(id, mapping, plan, this.host.encoding());
      if (native !== null) return native;
    }
    return this.startJsRegex(id, mapping, plan);
  }

  /**
   * A regex run over the session's reader. When the regex has a required literal (and a mapping
   * shows the file as the session does), the native search finds the literal's offsets there
   * while the regex runs only on their lines, taking them as they are found.
   */
  private startJsRegex(id: number, mapping: MappedFile | null, plan: RegexPlan): RegexSearch {
    const encoding = this.host.encoding();
    const literal = mapping === null ? null : literalSearch(id, mapping, plan, encoding);
    const candidates: CandidateSource | null =
      literal === null
        ? null
        : {
            known: () => {
              const progress = literal.progress();
              if (progress.error !== null) throw Object.assign(new Error(progress.error.message), progress.error);
              return { count: progress.matchCount, done: progress.done };
            },
            page: (first, count) => literal.page(first, count).offsets,
          };
    try {
      return new RegexSearch(id, {
        source: plan.source,
        flags: plan.flags,
        encoding,
        reader: this.host.reader(),
        candidates,
        onEnd: () => literal?.dispose(),
      });
    } catch (error) {
      literal?.dispose();
      throw error;
    }
  }

  private tick(): void {
    const status = this.status();
    if (status === null) return;
    this.host.emit(status);
    if ((status.done || status.cancelled || status.error !== null) && this.pump !== undefined) {
      clearInterval(this.pump);
      this.pump = undefined;
    }
  }

  status(): FindStatus | null {
    if (this.run === null || this.query === null) return null;
    const progress = this.run.progress();
    return {
      session: this.host.session,
      searchId: this.run.id,
      query: this.query,
      bytesScanned: byteCount(progress.bytesScanned),
      totalBytes: byteCount(progress.totalBytes),
      matchCount: progress.matchCount,
      done: progress.done,
      cancelled: progress.cancelled,
      error: progress.error,
      notice: progress.notice,
      engine: this.run.regexEngine,
    };
  }

  cancel(): FindStatus | null {
    this.run?.cancel();
    const status = this.status();
    if (status !== null) this.host.emit(status);
    return status;
  }

  /** Bytes the current search's matches hold (for the bench and tests). */
  memoryBytes(): number {
    return this.run?.memoryBytes() ?? 0;
  }

  /** Which engine runs the current search (for tests and diagnostics). */
  engine(): string | null {
    if (this.run === null) return null;
    const engine = this.run.engine;
    if (engine === null) return 'waiting';
    if (engine instanceof NativeRegexSearch) return 'pcre2';
    return engine instanceof RegexSearch ? `regex-${engine.scope}` : 'native';
  }

  private current(searchId: number): Result<PooledSearch> {
    if (this.run === null || this.run.id !== searchId) {
      return err('ENOTFOUND', `search ${searchId} is no longer current (a newer search replaced it)`);
    }
    return ok(this.run);
  }

  matches(searchId: number, first: number, count: number): Result<MatchPage> {
    const run = this.current(searchId);
    if (!run.ok) return run;
    return ok({ searchId, first, ...run.value.page(first, count) });
  }

  inRange(searchId: number, start: number, end: number, limit: number): Result<MatchPage> {
    const run = this.current(searchId);
    if (!run.ok) return run;
    // A match that starts before the range may still cover its first bytes: start one back.
    const first = Math.max(0, run.value.indexAtOrAfter(start) - 1);
    const page = run.value.page(first, limit);
    let keep = 0;
    while (keep < page.offsets.length && page.offsets[keep]! < end) keep++;
    let skip = 0;
    while (skip < keep && page.offsets[skip]! + page.lengths[skip]! <= start) skip++;
    return ok({
      searchId,
      first: first + skip,
      offsets: page.offsets.slice(skip, keep),
      lengths: page.lengths.slice(skip, keep),
    });
  }

  indexAt(searchId: number, offset: number): Result<number> {
    const run = this.current(searchId);
    return run.ok ? ok(run.value.indexAtOrAfter(offset)) : run;
  }

  /**
   * The native filter of the lines holding the current search's matches, started on first use;
   * null where it cannot serve (pending edits, an engine or encoding it lacks, a re-mapped file).
   */
  private matchingLines(): MatchingLines | null {
    const lines = this.lines;
    if (lines === null || lines.file === null || this.runEdits === null) return null;
    if (this.runEdits.generation !== this.host.editGeneration() || this.host.hasPendingEdits()) return null;
    if (lines.run === undefined) {
      try {
        lines.run = lines.file.closed
          ? null
          : MatchingLines.start(lines.file, [lineRuleOf(lines.plan, this.host.encoding())]);
      } catch {
        lines.run = null;
      }
    }
    return lines.run;
  }

  /**
   * Each match's line and line start, walking the matches and the filtered lines side by side
   * (one lookup a page), and the lines' first bytes in one native read of the mapping the search
   * read; null where the filter has not reached the page yet, or disagrees with it (the index
   * answers then).
   */
  private rowsFromMatchingLines(
    offsets: Float64Array,
  ): Pick<MatchRows, 'lines' | 'lineBytes' | 'lineStarts' | 'lineOffsets'> | null {
    const matching = this.matchingLines();
    const file = this.lines?.file;
    if (matching === null || file === null || file === undefined || offsets.length === 0) return null;
    const progress = matching.progress();
    if (progress.error !== null || (!progress.done && progress.bytesScanned <= offsets[offsets.length - 1]!))
      return null;
    const firstLine = matching.indexAtOffset(offsets[0]!);
    if (firstLine < 0) return null;
    // Every line of the page holds a match, so as many lines as matches suffice.
    const kept = matching.page(firstLine, offsets.length + 1);
    const lines = new Float64Array(offsets.length);
    const lineOffsets = new Float64Array(offsets.length);
    let at = 0;
    for (let i = 0; i < offsets.length; i++) {
      while (at + 1 < kept.offsets.length && kept.offsets[at + 1]! <= offsets[i]!) at++;
      lines[i] = kept.lines[at]!;
      lineOffsets[i] = kept.offsets[at]!;
    }
    // Every distinct line's first bytes in one read of the mapping the search and filter read (no
    // edits are pending here).
    const distinct: number[] = [];
    for (let i = 0; i < offsets.length; i++) {
      if (i === 0 || lineOffsets[i] !== lineOffsets[i - 1]) distinct.push(lineOffsets[i]!);
    }
    const heads = file.readLineHeads(Float64Array.from(distinct), MATCH_ROW_BYTES);
    const size = file.size();
    const lineStarts = new Uint32Array(offsets.length + 1);
    const spans: number[] = [];
    let total = 0;
    let line = -1;
    for (let i = 0; i < offsets.length; i++) {
      if (i === 0 || lineOffsets[i] !== lineOffsets[i - 1]) line++;
      const begin = line === 0 ? 0 : heads.ends[line - 1]!;
      const end = heads.ends[line]!;
      // A line that ends (at a LF) before its match is not the match's line: the filter disagrees.
      const length = end - begin;
      if (length < MATCH_ROW_BYTES && lineOffsets[i]! + length < size && lineOffsets[i]! + length < offsets[i]!) {
        return null;
      }
      lineStarts[i] = total;
      spans.push(begin, end);
      total += length;
    }
    lineStarts[offsets.length] = total;
    // Rows of one line repeat its bytes.
    const lineBytes = distinct.length === offsets.length ? heads.bytes : new Uint8Array(total);
    if (lineBytes !== heads.bytes) {
      for (let i = 0; i < offsets.length; i++)
        lineBytes.set(heads.bytes.subarray(spans[2 * i]!, spans[2 * i + 1]!), lineStarts[i]!);
    }
    return { lines, lineBytes, lineStarts, lineOffsets };
  }

  /** Matches [first, first + count) with their 0-based lines (-1 where not indexed yet) and line text. */
  rows(searchId: number, first: number, count: number): Result<MatchRows> {
    if (count > MAX_LINES_PER_READ) {
      return err('EINVAL', `at most ${MAX_LINES_PER_READ} match rows can be read at once, asked for ${count}`);
    }
    const page = this.matches(searchId, first, count);
    if (!page.ok) return page;
    const { offsets } = page.value;
    try {
      const fromLines = this.rowsFromMatchingLines(offsets);
      if (fromLines !== null) return ok({ ...page.value, ...fromLines });
    } catch {
      // The index answers instead (a file that changed under the filter says so there too).
    }
    const text = this.host.text();
    // The index's own 0-based lines; -1 (as the index answers) where a line is not known.
    const lines = new Float64Array(offsets.length).fill(-1);
    let lineBytes = new Uint8Array(0);
    let lineStarts = new Uint32Array(offsets.length + 1);
    const lineOffsets = new Float64Array(offsets.length);
    try {
      if (text !== null && offsets.length > 0) {
        lines.set(text.linesAtOffsets(offsets));
        const known = lines.filter((line) => line >= 0);
        const slice = text.readLinesAt(known, MATCH_ROW_BYTES);
        const byLine = new Map<number, number>();
        slice.lines.forEach((line, i) => byLine.set(line, i));
        const parts: Uint8Array[] = [];
        let total = 0;
        for (let i = 0; i < offsets.length; i++) {
          const line = lines[i]!;
          const entry = line >= 0 ? byLine.get(line) : undefined;
          lineStarts[i] = total;
          if (entry === undefined) continue;
          lineOffsets[i] = slice.fileOffsets[entry]!;
          const bytes = slice.bytes.subarray(slice.textStarts[entry]!, slice.textStarts[entry + 1]!);
          parts.push(bytes);
          total += bytes.byteLength;
        }
        lineStarts[offsets.length] = total;
        lineBytes = new Uint8Array(total);
        let at = 0;
        for (const part of parts) {
          lineBytes.set(part, at);
          at += part.byteLength;
        }
      } else {
        lineStarts = new Uint32Array(offsets.length + 1);
      }
    } catch (error) {
      return errFromThrown(error);
    }
    return ok({ ...page.value, lines, lineBytes, lineStarts, lineOffsets });
  }

  /** Replaces one match (by index) or all matches with `replacement`, which must be as long as each. */
  replace(searchId: number, which: number | 'all', replacement: string): Result<unknown> {
    const run = this.current(searchId);
    if (!run.ok) return run;
    const encoded = encodeText(replacement, this.host.encoding());
    if (!encoded.ok) return encoded;
    const bytes = encoded.value;
    const progress = run.value.progress();
    if (which === 'all' && !progress.done) return err('EINVAL', 'Wait for the search to finish before replacing all.');
    const edits = this.runEdits;
    if (edits !== null && !edits.seesEdits) {
      return err(
        'EINVAL',
        'This hex search ran over the file as it is on disk, without your pending edits: commit or discard them, then search again before replacing.',
      );
    }
    if (edits !== null && edits.generation !== this.host.editGeneration()) {
      return err(
        'EINVAL',
        'The edits changed since this search ran, so its matches may be stale: search again before replacing.',
      );
    }
    if (which === 'all' && progress.matchCount > MAX_REPLACE_ALL) {
      return err(
        'ELIMIT',
        `Replace all changes at most ${MAX_REPLACE_ALL.toLocaleString('en-US')} matches at once; this search has ${progress.matchCount.toLocaleString('en-US')}. Narrow the search first.`,
      );
    }
    const first = which === 'all' ? 0 : which;
    const count = which === 'all' ? progress.matchCount : 1;
    if (which !== 'all' && (which < 0 || which >= progress.matchCount)) {
      return err('ERANGE', `there is no match ${which + 1}`);
    }
    const replacements: { offset: number; bytes: Uint8Array }[] = [];
    for (let start = first; start < first + count; start += REPLACE_BATCH) {
      const page = run.value.page(start, Math.min(REPLACE_BATCH, first + count - start));
      for (let i = 0; i < page.offsets.length; i++) {
        if (page.lengths[i] !== bytes.byteLength) {
          return err(
            'EINVAL',
            `The replacement is ${bytes.byteLength} byte(s) but the match at offset ${page.offsets[i]} is ${page.lengths[i]}: hexlog only replaces with the same length, so the file never changes size.`,
          );
        }
        replacements.push({ offset: page.offsets[i]!, bytes });
      }
    }
    const applied = this.host.applyEdits(replacements);
    // Same-length replacements of matches that do not overlap leave the other matches in place.
    if (applied.ok && edits !== null) this.runEdits = { ...edits, generation: this.host.editGeneration() };
    return applied;
  }

  private stop(): void {
    this.runEdits = null;
    this.lines?.run?.dispose();
    this.lines = null;
    if (this.pump !== undefined) clearInterval(this.pump);
    this.pump = undefined;
    this.run?.dispose();
    this.run = null;
  }

  dispose(): void {
    this.stop();
  }
}

/** The native search for the regex's required literal, or null when there is none to rely on. */
function literalSearch(id: number, file: MappedFile, plan: RegexPlan, encoding: TextEncodingName): NativeSearch | null {
  const caseInsensitive = plan.flags.includes('i');
  if (plan.literal === null || (encoding !== 'utf-8' && encoding !== 'latin1')) return null;
  // Case-insensitive native matching is ASCII only.
  // eslint-disable-next-line no-control-regex
  if (caseInsensitive && /[^\u0000-\u007f]/.test(plan.literal)) return null;
  // A lone surrogate or U+FFFD stands for bytes the literal's encoding cannot give back.
  if (/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]|\uFFFD/.test(plan.literal)) return null;
  const bytes = encodeText(plan.literal, encoding);
  if (!bytes.ok) return null;
  return new NativeSearch(id, file, {
    kind: 'bytes',
    bytes: bytes.value,
    mask: undefined,
    caseInsensitive,
    wholeWord: false,
  });
}
