// Decoded lines of one open file, fetched a block at a time (one readLines call per block, never
// one per line) and kept in an LRU keyed by the file's index generation.
import type { HexlogApi, TextEncodingName } from '../../shared/contract';
import { lineNumber, type SessionId } from '../../shared/units';
import { lineText } from '../features/text/decode';

export const BLOCK_LINES = 256;
const MAX_BLOCKS = 256;

export interface DisplayLine {
  readonly text: string;
  readonly fileOffset: number;
  readonly fullLength: number;
  /** Bytes not shown because the line is longer than the display cap. */
  readonly hiddenBytes: number;
  /** The line holds pending (uncommitted) edits. */
  readonly modified: boolean;
}

interface Block {
  readonly lines: DisplayLine[];
  stale: boolean;
}

export class LineCache {
  private readonly blocks = new Map<number, Block>();
  private readonly inFlight = new Set<number>();
  private readonly listeners = new Set<() => void>();
  private version = 0;
  private epoch = 0;
  private knownLines = 0;

  constructor(
    private readonly api: HexlogApi,
    private readonly session: SessionId,
    readonly encoding: TextEncodingName,
    private readonly onError: (message: string) => void,
  ) {}

  getVersion = (): number => this.version;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Pending edits changed: keep showing the lines, fetch them again when asked. */
  invalidate(): void {
    this.epoch++;
    this.inFlight.clear();
    for (const block of this.blocks.values()) block.stale = true;
    this.version++;
    for (const listener of this.listeners) listener();
  }

  /** How many lines the index knows now; blocks fetched short before are fetched again. */
  setKnownLines(count: number): void {
    this.knownLines = count;
  }

  /** Line `index` (0-based) if loaded; otherwise undefined, and its block is requested. */
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
    void this.api.readLines(this.session, lineNumber(first + 1), BLOCK_LINES).then((result) => {
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
        });
      }
      this.blocks.set(blockIndex, { lines, stale: false });
      while (this.blocks.size > MAX_BLOCKS) {
        const oldest = this.blocks.keys().next().value;
        if (oldest === undefined) break;
        this.blocks.delete(oldest);
      }
      this.version++;
      for (const listener of this.listeners) listener();
    });
  }
}
