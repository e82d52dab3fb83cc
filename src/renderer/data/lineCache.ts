// Decoded lines of one open file, fetched a block at a time (one readLines call per block, never
// one per line) and kept in an LRU keyed by the file's index generation.
import { MAX_LINES_PER_READ, type HexlogApi, type TextEncodingName } from '../../shared/contract';
import { lineNumber, type SessionId } from '../../shared/units';
import { decodeText, lineText } from '../features/text/decode';
import { Notifier } from './notifier';

/** Characters of `line`'s text before byte `byteInLine` (for highlighting a match). */
export function charIndex(line: DisplayLine, byteInLine: number, encoding: TextEncodingName): number {
  const clamped = Math.max(0, Math.min(byteInLine, line.bytes.byteLength));
  if (line.bytes.byteLength === line.text.length && line.fileOffset !== 0) return Math.min(clamped, line.text.length);
  let chars = decodeText(line.bytes.subarray(0, clamped), encoding).length;
  if (line.fileOffset === 0 && decodeText(line.bytes.subarray(0, 4), encoding).charCodeAt(0) === 0xfeff) chars -= 1;
  return Math.max(0, Math.min(chars, line.text.length));
}

/** Lines per readLines call: one block, always within the contract's limit. */
export const BLOCK_LINES = Math.min(256, MAX_LINES_PER_READ);
const MAX_BLOCKS = 256;

export interface DisplayLine {
  readonly text: string;
  readonly fileOffset: number;
  readonly fullLength: number;
  /** Bytes not shown because the line is longer than the display cap. */
  readonly hiddenBytes: number;
  /** The line holds pending (uncommitted) edits. */
  readonly modified: boolean;
  /** The shown bytes, to map byte offsets (matches) to characters. */
  readonly bytes: Uint8Array;
}

interface Block {
  readonly lines: DisplayLine[];
  stale: boolean;
}

export class LineCache extends Notifier {
  private readonly blocks = new Map<number, Block>();
  private readonly inFlight = new Set<number>();
  private epoch = 0;
  private knownLines = 0;

  constructor(
    private readonly api: HexlogApi,
    private readonly session: SessionId,
    readonly encoding: TextEncodingName,
    private readonly onError: (message: string) => void,
  ) {
    super();
  }

  /** Pending edits changed: keep showing the lines, fetch them again when asked. */
  invalidate(): void {
    this.epoch++;
    this.inFlight.clear();
    for (const block of this.blocks.values()) block.stale = true;
    this.notify();
  }

  /** How many lines the index knows now; blocks fetched short before are fetched again. */
  setKnownLines(count: number): void {
    this.knownLines = count;
  }

  /** Line `index` (0-based, the same as its row) if loaded; otherwise undefined, and its block is requested. */
  line(index: number): DisplayLine | undefined {
    if (index < 0 || index >= this.knownLines) return undefined;
    const blockIndex = Math.floor(index / BLOCK_LINES);
    const block = this.blocks.get(blockIndex);
    const inBlock = index - blockIndex * BLOCK_LINES;
    if (block !== undefined) {
      this.blocks.delete(blockIndex);
      this.blocks.set(blockIndex, block);
      const found = block.lines[inBlock];
      if (block.stale) this.request(blockIndex);
      if (found !== undefined) return found;
    }
    this.request(blockIndex);
    return undefined;
  }

  private request(blockIndex: number): void {
    if (this.inFlight.has(blockIndex)) return;
    this.inFlight.add(blockIndex);
    const first = blockIndex * BLOCK_LINES;
    const epoch = this.epoch;
    void this.api.readLines(this.session, lineNumber(first), BLOCK_LINES).then((result) => {
      if (epoch !== this.epoch) return;
      this.inFlight.delete(blockIndex);
      if (!result.ok) {
        this.onError(result.message);
        return;
      }
      const slice = result.value;
      const lines: DisplayLine[] = [];
      for (let i = 0; i < slice.count; i++) {
        const start = slice.textStarts[i]!;
        const end = slice.textStarts[i + 1]!;
        const fileOffset = slice.fileOffsets[i]!;
        const fullLength = slice.fullLengths[i]!;
        const shown = end - start;
        lines.push({
          text: lineText(slice.bytes.subarray(start, end), this.encoding, fileOffset === 0, shown === fullLength),
          fileOffset,
          fullLength,
          hiddenBytes: fullLength - shown,
          modified: slice.modifiedLines[i] === 1,
          bytes: slice.bytes.subarray(start, end),
        });
      }
      this.blocks.set(blockIndex, { lines, stale: false });
      while (this.blocks.size > MAX_BLOCKS) {
        const oldest = this.blocks.keys().next().value;
        if (oldest === undefined) break;
        this.blocks.delete(oldest);
      }
      this.notify();
    });
  }
}
