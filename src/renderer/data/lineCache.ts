// Decoded lines of one open file, fetched a block at a time (one readLines call per block, never
// one per line) and kept in an LRU; a cache belongs to one index generation.
import { MAX_LINES_PER_READ, type HexlogApi, type TextEncodingName } from '../../shared/contract';
import { ok, type Result } from '../../shared/result';
import { lineNumber, type LineNumber, type SessionId } from '../../shared/units';
import { toDisplayLine, type DisplayLine } from '../features/text/displayLine';
import { PagedCache, rowBlockComplete, type RowBlock } from './pagedCache';

/** Lines per readLines call: one block, always within the contract's limit. */
export const BLOCK_LINES = Math.min(256, MAX_LINES_PER_READ);
const MAX_BLOCKS = 256;

/** A row of the text view: a line, and its 0-based number (a filtered view's rows skip lines). */
export type RowLine = DisplayLine & {
  readonly line: LineNumber;
  /** In a filtered view with context lines: a line shown only as context of a kept one. */
  readonly context?: boolean;
  /** The line's own time (epoch ms), when it has one. */
  readonly time?: number;
  /** A merged view's row: its file (an index into FileInfo.merged) and its 0-based line there. */
  readonly source?: { readonly file: number; readonly line: number };
};

export class LineCache extends PagedCache<RowBlock<RowLine>> {
  private knownLines = 0;

  constructor(
    api: HexlogApi,
    session: SessionId,
    readonly encoding: TextEncodingName,
    /** The index generation the lines belong to (IndexStatus / FileChange). */
    generation: number,
    onError: (message: string) => void,
    /** The filter whose rows these are (readFilteredLines), or null: row N is line N. */
    readonly filterId: number | null = null,
  ) {
    super({
      generation,
      maxPages: MAX_BLOCKS,
      onError,
      fetch: (blockIndex) => this.fetchBlock(api, session, blockIndex),
      isCurrent: (block, blockIndex) => rowBlockComplete(block, blockIndex * BLOCK_LINES, BLOCK_LINES, this.knownLines),
    });
  }

  /** How many rows are known now; blocks fetched short before are fetched again. */
  setKnownLines(count: number): void {
    this.knownLines = count;
  }

  /** Row `index` (0-based; line `index` when unfiltered) if loaded; otherwise undefined, and its block is requested. */
  line(index: number): RowLine | undefined {
    if (index < 0 || index >= this.knownLines) return undefined;
    const blockIndex = Math.floor(index / BLOCK_LINES);
    return this.get(blockIndex)?.rows[index - blockIndex * BLOCK_LINES];
  }

  private async fetchBlock(api: HexlogApi, session: SessionId, blockIndex: number): Promise<Result<RowBlock<RowLine>>> {
    const knownAtRequest = this.knownLines;
    const first = blockIndex * BLOCK_LINES;
    const result =
      this.filterId === null
        ? await api.readLines(session, lineNumber(first), BLOCK_LINES)
        : await api.readFilteredLines(session, this.filterId, first, BLOCK_LINES);
    if (!result.ok) return result;
    const slice = result.value;
    const numbers = 'lines' in slice ? slice.lines : null;
    const kept = 'kept' in slice ? slice.kept : null;
    const rows: RowLine[] = [];
    for (let i = 0; i < slice.count; i++) {
      const bytes = slice.bytes.subarray(slice.textStarts[i]!, slice.textStarts[i + 1]!);
      const shown = toDisplayLine(
        bytes,
        slice.fileOffsets[i]!,
        slice.fullLengths[i]!,
        this.encoding,
        slice.modifiedLines[i] === 1,
      );
      rows.push({
        ...shown,
        line: lineNumber(numbers === null ? first + i : numbers[i]!),
        ...(kept !== null && kept[i] === 0 ? { context: true } : {}),
        ...(Number.isNaN(slice.times[i]!) ? {} : { time: slice.times[i]! }),
        ...(slice.sources === undefined ? {} : { source: { file: slice.sources[i]!, line: slice.sourceLines![i]! } }),
      });
    }
    return ok({ rows, knownAtRequest });
  }
}
