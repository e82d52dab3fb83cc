// Decoded lines of one open file, fetched a block at a time (one readLines call per block, never
// one per line) and kept in an LRU; a cache belongs to one index generation.
import { MAX_LINES_PER_READ, type HexlogApi, type TextEncodingName } from '../../shared/contract';
import { ok, type Result } from '../../shared/result';
import { lineNumber, type SessionId } from '../../shared/units';
import { toDisplayLine, type DisplayLine } from '../features/text/displayLine';
import { PagedCache, rowBlockComplete, type RowBlock } from './pagedCache';

/** Lines per readLines call: one block, always within the contract's limit. */
export const BLOCK_LINES = Math.min(256, MAX_LINES_PER_READ);
const MAX_BLOCKS = 256;

export class LineCache extends PagedCache<RowBlock<DisplayLine>> {
  private knownLines = 0;

  constructor(
    api: HexlogApi,
    session: SessionId,
    readonly encoding: TextEncodingName,
    /** The index generation the lines belong to (IndexStatus / FileChange). */
    generation: number,
    onError: (message: string) => void,
  ) {
    super({
      generation,
      maxPages: MAX_BLOCKS,
      onError,
      fetch: (blockIndex) => this.fetchBlock(api, session, blockIndex),
      isCurrent: (block, blockIndex) => rowBlockComplete(block, blockIndex * BLOCK_LINES, BLOCK_LINES, this.knownLines),
    });
  }

  /** How many lines the index knows now; blocks fetched short before are fetched again. */
  setKnownLines(count: number): void {
    this.knownLines = count;
  }

  /** Line `index` (0-based, the same as its row) if loaded; otherwise undefined, and its block is requested. */
  line(index: number): DisplayLine | undefined {
    if (index < 0 || index >= this.knownLines) return undefined;
    const blockIndex = Math.floor(index / BLOCK_LINES);
    return this.get(blockIndex)?.rows[index - blockIndex * BLOCK_LINES];
  }

  private async fetchBlock(
    api: HexlogApi,
    session: SessionId,
    blockIndex: number,
  ): Promise<Result<RowBlock<DisplayLine>>> {
    const knownAtRequest = this.knownLines;
    const result = await api.readLines(session, lineNumber(blockIndex * BLOCK_LINES), BLOCK_LINES);
    if (!result.ok) return result;
    const slice = result.value;
    const rows: DisplayLine[] = [];
    for (let i = 0; i < slice.count; i++) {
      const bytes = slice.bytes.subarray(slice.textStarts[i]!, slice.textStarts[i + 1]!);
      rows.push(
        toDisplayLine(bytes, slice.fileOffsets[i]!, slice.fullLengths[i]!, this.encoding, slice.modifiedLines[i] === 1),
      );
    }
    return ok({ rows, knownAtRequest });
  }
}
