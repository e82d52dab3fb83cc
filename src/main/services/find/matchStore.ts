// Match offsets and lengths of one search, stored compactly: blocks of u32 deltas from a block's
// first offset and u16 lengths (rare longer ones in a side map), about 6 bytes per match. Matches
// are appended in ascending offset order.

const BLOCK = 16_384;
const MAX_DELTA = 0xffff_ffff;
const LONG_LENGTH = 0xffff;

interface Block {
  /** Index of the block's first match among all matches. */
  readonly first: number;
  readonly base: number;
  readonly deltas: Uint32Array;
  readonly lengths: Uint16Array;
  /** Lengths of LONG_LENGTH or more, by index within the block. */
  long: Map<number, number> | undefined;
  count: number;
  last: number;
}

export class MatchStore {
  private readonly blocks: Block[] = [];
  private total = 0;

  get count(): number {
    return this.total;
  }

  /** Appends matches in ascending order (offsets must not go below the last appended one). */
  append(offsets: ArrayLike<number>, lengths: ArrayLike<number> | number): void {
    for (let i = 0; i < offsets.length; i++) {
      this.push(offsets[i]!, typeof lengths === 'number' ? lengths : lengths[i]!);
    }
  }

  push(offset: number, length: number): void {
    let block = this.blocks[this.blocks.length - 1];
    if (block !== undefined && offset < block.last) {
      throw new RangeError(`matches must be appended in order: ${offset} after ${block.last}`);
    }
    if (block === undefined || block.count === BLOCK || offset - block.base > MAX_DELTA) {
      block = {
        first: this.total,
        base: offset,
        deltas: new Uint32Array(BLOCK),
        lengths: new Uint16Array(BLOCK),
        long: undefined,
        count: 0,
        last: offset,
      };
      this.blocks.push(block);
    }
    const at = block.count++;
    block.deltas[at] = offset - block.base;
    if (length >= LONG_LENGTH) {
      block.lengths[at] = LONG_LENGTH;
      (block.long ??= new Map()).set(at, length);
    } else {
      block.lengths[at] = length;
    }
    block.last = offset;
    this.total++;
  }

  /** Matches [first, first + count) as plain arrays (fewer at the end). */
  page(first: number, count: number): { offsets: Float64Array; lengths: Float64Array } {
    const end = Math.min(this.total, first + count);
    const start = Math.min(first, end);
    const offsets = new Float64Array(end - start);
    const lengths = new Float64Array(end - start);
    let index = start;
    let blockIndex = this.blockOf(start);
    while (index < end) {
      const block = this.blocks[blockIndex]!;
      const within = index - block.first;
      const take = Math.min(block.count - within, end - index);
      for (let k = 0; k < take; k++) {
        const at = within + k;
        offsets[index - start + k] = block.base + block.deltas[at]!;
        const length = block.lengths[at]!;
        lengths[index - start + k] = length === LONG_LENGTH ? block.long!.get(at)! : length;
      }
      index += take;
      blockIndex++;
    }
    return { offsets, lengths };
  }

  /** Index of the first match at or after `offset` (count if none). */
  indexAtOrAfter(offset: number): number {
    // The first block whose last offset reaches `offset`.
    let low = 0;
    let high = this.blocks.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.blocks[mid]!.last < offset) low = mid + 1;
      else high = mid;
    }
    if (low === this.blocks.length) return this.total;
    const block = this.blocks[low]!;
    let first = 0;
    let last = block.count;
    while (first < last) {
      const mid = (first + last) >>> 1;
      if (block.base + block.deltas[mid]! < offset) first = mid + 1;
      else last = mid;
    }
    return block.first + first;
  }

  /** The block holding match `index` (< count). */
  private blockOf(index: number): number {
    let low = 0;
    let high = this.blocks.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >>> 1;
      if (this.blocks[mid]!.first <= index) low = mid;
      else high = mid - 1;
    }
    return low;
  }

  /** Bytes held, capacity included. */
  memoryBytes(): number {
    let bytes = 0;
    for (const block of this.blocks)
      bytes += block.deltas.byteLength + block.lengths.byteLength + (block.long?.size ?? 0) * 16 + 64;
    return bytes;
  }
}
