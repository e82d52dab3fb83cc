// Rows of the matches pane (each match with its line number and line text), fetched a block at a
// time and kept in an LRU; a cache belongs to one search and one index generation.
import type { HexlogApi, TextEncodingName } from '../../shared/contract';
import { ok, type Result } from '../../shared/result';
import { lineNumber, type LineNumber, type SessionId } from '../../shared/units';
import { toDisplayLine, type DisplayLine } from '../features/text/displayLine';
import { PagedCache, rowBlockComplete, type RowBlock } from './pagedCache';

/** Rows per matchRows call. */
export const MATCH_BLOCK_ROWS = 100;
const MAX_BLOCKS = 256;

export interface MatchRow {
  /** The match's 0-based line, or null while its line is not indexed. */
  readonly line: LineNumber | null;
  readonly offset: number;
  readonly length: number;
  /** The match's line (its first bytes, capped), decoded as the text view shows it. */
  readonly display: DisplayLine;
  /** A merged view's: the match's file (an index into FileInfo.merged). */
  readonly source: number | null;
}

export class MatchRowsCache extends PagedCache<RowBlock<MatchRow>> {
  private known = 0;

  constructor(
    api: HexlogApi,
    session: SessionId,
    searchId: number,
    readonly encoding: TextEncodingName,
    /** The index generation the rows' line numbers belong to. */
    generation: number,
  ) {
    super({
      generation,
      maxPages: MAX_BLOCKS,
      fetch: (blockIndex) => this.fetchBlock(api, session, searchId, blockIndex),
      isCurrent: (block, blockIndex) =>
        rowBlockComplete(block, blockIndex * MATCH_BLOCK_ROWS, MATCH_BLOCK_ROWS, this.known),
    });
  }

  /** Matches found so far; a block fetched short is fetched again once more are known. */
  setKnown(count: number): void {
    this.known = count;
  }

  /** Row `index` if loaded; otherwise undefined, and its block is requested. */
  row(index: number): MatchRow | undefined {
    if (index < 0) return undefined;
    const blockIndex = Math.floor(index / MATCH_BLOCK_ROWS);
    return this.get(blockIndex)?.rows[index - blockIndex * MATCH_BLOCK_ROWS];
  }

  private async fetchBlock(
    api: HexlogApi,
    session: SessionId,
    searchId: number,
    blockIndex: number,
  ): Promise<Result<RowBlock<MatchRow>>> {
    const knownAtRequest = this.known;
    const result = await api.matchRows(session, searchId, blockIndex * MATCH_BLOCK_ROWS, MATCH_BLOCK_ROWS);
    if (!result.ok) return result;
    const page = result.value;
    const rows: MatchRow[] = [];
    for (let i = 0; i < page.offsets.length; i++) {
      const bytes = page.lineBytes.subarray(page.lineStarts[i]!, page.lineStarts[i + 1]!);
      const line = page.lines[i]!;
      rows.push({
        line: line >= 0 ? lineNumber(line) : null,
        offset: page.offsets[i]!,
        length: page.lengths[i]!,
        display: toDisplayLine(bytes, page.lineOffsets[i]!, bytes.byteLength, this.encoding),
        source: page.sources?.[i] ?? null,
      });
    }
    return ok({ rows, knownAtRequest });
  }
}
