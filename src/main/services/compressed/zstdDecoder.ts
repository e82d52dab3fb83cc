// Streaming zstd decoding on top of fzstd (pure JavaScript; Node 20's zlib has no zstd). fzstd
// decodes blocks but trusts its input: it skips content checksums, checks no declared sizes and can
// be handed any amount of input at once. So this decoder walks the frame and block headers itself
// (RFC 8878) and hands fzstd one whole block at a time, which gives:
//  - bounded memory: one push yields one block's output (at most 128 KiB), whatever the ratio;
//  - checks fzstd lacks: reserved bits, block sizes, each frame's declared content size and its
//    XXH64 content checksum, and an input that ends inside a frame;
//  - the frame limits: a dictionary is not supported, nor a window over 128 MiB (what `zstd -d`
//    itself accepts without --memory); over 32 MiB (the back-reference reach fzstd documents) only
//    when the frame carries a checksum that proves the output.
// Every frame gets its own fzstd decoder, so concatenated and multi-frame files need nothing more;
// skippable frames are passed over.
import { Decompress } from 'fzstd';

import { isSkippableMagic, isZstdMagic } from './detect';
import { Xxh64 } from './xxh64';

/** Why the data cannot be decoded: damaged or incomplete, or valid but beyond what is supported. */
export class ZstdDataError extends Error {
  constructor(
    readonly kind: 'corrupt' | 'unsupported',
    message: string,
  ) {
    super(message);
    this.name = 'ZstdDataError';
  }
}

const MIB = 1024 * 1024;
export const MAX_WINDOW_BYTES = 128 * MIB;
/** fzstd reads back-references of up to 2^25 bytes reliably (its README). */
export const RELIABLE_WINDOW_BYTES = 32 * MIB;
const MAX_BLOCK_BYTES = 128 * 1024;
const EMPTY = new Uint8Array(0);

interface Frame {
  readonly index: number;
  /** Magic and header, handed to fzstd with the first block. */
  header: Uint8Array | null;
  readonly decoder: Decompress;
  readonly contentSize: number | null;
  readonly windowBytes: number;
  readonly hash: Xxh64 | null;
  outputBytes: number;
}

type Step = 'magic' | 'skippable' | 'frameHeader' | 'block';

export class ZstdStreamDecoder {
  private input: Uint8Array = EMPTY;
  private at = 0;
  /** Input bytes before `input`, so messages can name offsets in the file. */
  private inputBase = 0;
  private step: Step = 'magic';
  private skipLeft = 0;
  private frame: Frame | null = null;
  private frameCount = 0;
  private readonly produced: Uint8Array[] = [];

  /** Decodes what `chunk` completes; yields each block's output. The chunk is not kept after the call. */
  *push(chunk: Uint8Array): Generator<Uint8Array, void, undefined> {
    this.append(chunk);
    while (this.advance()) {
      while (this.produced.length > 0) yield this.produced.shift()!;
    }
  }

  /** Call once the input has ended: throws when it ends inside a frame or with stray bytes. */
  finish(): void {
    const left = this.input.length - this.at;
    if (this.step === 'magic') {
      if (left === 0) return;
      throw new ZstdDataError(
        'corrupt',
        this.frameCount > 0
          ? `${left} stray bytes follow the last frame`
          : `the file is incomplete: ${left} bytes are too few for a zstd frame`,
      );
    }
    const frameNumber = this.frame === null ? this.frameCount + 1 : this.frame.index + 1;
    const where = this.step === 'skippable' ? 'inside a skippable frame' : `inside frame ${frameNumber}`;
    throw new ZstdDataError(
      'corrupt',
      `the file is incomplete: it ends ${where}, at byte ${this.offset(this.input.length)}`,
    );
  }

  private append(chunk: Uint8Array): void {
    const left = this.input.length - this.at;
    this.inputBase += this.at;
    if (left === 0) {
      this.input = chunk.slice();
    } else {
      const joined = new Uint8Array(left + chunk.length);
      joined.set(this.input.subarray(this.at), 0);
      joined.set(chunk, left);
      this.input = joined;
    }
    this.at = 0;
  }

  private offset(at: number): number {
    return this.inputBase + at;
  }

  private available(): number {
    return this.input.length - this.at;
  }

  /** Takes one step if its bytes are all here; false when it needs more input. */
  private advance(): boolean {
    switch (this.step) {
      case 'magic':
        return this.readMagic();
      case 'skippable':
        return this.skip();
      case 'frameHeader':
        return this.readFrameHeader();
      case 'block':
        return this.readBlock();
    }
  }

  private readMagic(): boolean {
    if (this.available() < 4) return false;
    if (isZstdMagic(this.input, this.at)) {
      this.step = 'frameHeader';
      return true;
    }
    if (isSkippableMagic(this.input, this.at)) {
      if (this.available() < 8) return false;
      this.skipLeft = readUint32(this.input, this.at + 4);
      this.at += 8;
      this.step = 'skippable';
      return true;
    }
    const what = this.frameCount === 0 ? 'no zstd frame starts' : 'unknown data follows the last frame';
    throw new ZstdDataError('corrupt', `${what} at byte ${this.offset(this.at)}`);
  }

  private skip(): boolean {
    const taken = Math.min(this.skipLeft, this.available());
    this.at += taken;
    this.skipLeft -= taken;
    if (this.skipLeft > 0) return false;
    this.step = 'magic';
    return true;
  }

  private readFrameHeader(): boolean {
    const start = this.at;
    const header = readFrameHeader(this.input, start);
    if (header === null) return false;
    const index = this.frameCount;
    const { contentSize, windowBytes, hasChecksum } = header;
    if (header.reservedBitSet) {
      throw new ZstdDataError('corrupt', `frame ${index + 1} at byte ${this.offset(start)} has a reserved bit set`);
    }
    if (header.dictionaryId !== 0) {
      throw new ZstdDataError(
        'unsupported',
        `frame ${index + 1} needs zstd dictionary ${header.dictionaryId}; decompress it with zstd -D first`,
      );
    }
    const windowMiB = Math.ceil(windowBytes / MIB);
    if (windowBytes > MAX_WINDOW_BYTES) {
      throw new ZstdDataError(
        'unsupported',
        `frame ${index + 1} needs a ${windowMiB} MiB window (made with zstd --long or --ultra); ` +
          `hexlog decodes windows up to ${MAX_WINDOW_BYTES / MIB} MiB, as zstd -d does by default. ` +
          'Decompress it with zstd -d --long=31 first',
      );
    }
    if (windowBytes > RELIABLE_WINDOW_BYTES && !hasChecksum) {
      throw new ZstdDataError(
        'unsupported',
        `frame ${index + 1} needs a ${windowMiB} MiB window and has no checksum; hexlog decodes windows ` +
          `over ${RELIABLE_WINDOW_BYTES / MIB} MiB only when a checksum proves the output. Decompress it with zstd -d first`,
      );
    }
    const frame: Frame = {
      index,
      header: this.input.slice(start, start + header.headerBytes),
      decoder: new Decompress((data) => {
        if (data.length === 0) return;
        this.produced.push(data);
        frame.outputBytes += data.length;
        frame.hash?.update(data);
      }),
      contentSize,
      windowBytes,
      hash: hasChecksum ? new Xxh64() : null,
      outputBytes: 0,
    };
    this.frame = frame;
    this.frameCount += 1;
    this.at = start + header.headerBytes;
    this.step = 'block';
    return true;
  }

  private readBlock(): boolean {
    const frame = this.frame!;
    if (this.available() < 3) return false;
    const start = this.at;
    const blockHeader = readUintLE(this.input, start, 3);
    const last = (blockHeader & 1) === 1;
    const type = (blockHeader >> 1) & 3;
    const size = blockHeader >>> 3;
    const where = `block at byte ${this.offset(start)} of frame ${frame.index + 1}`;
    if (type === 3) throw new ZstdDataError('corrupt', `the ${where} has the reserved block type`);
    if (size > MAX_BLOCK_BYTES) {
      throw new ZstdDataError('corrupt', `the ${where} claims ${size} bytes, more than a block may hold`);
    }
    const bodyBytes = type === 1 ? 1 : size;
    const checksumBytes = last && frame.hash !== null ? 4 : 0;
    const end = start + 3 + bodyBytes + checksumBytes;
    if (this.input.length < end) return false;

    let bytes = this.input.subarray(start, end);
    if (frame.header !== null) {
      bytes = concat(frame.header, bytes);
      frame.header = null;
    }
    try {
      // `final` only with the last block: fzstd then flushes what it held back (frames under 18 bytes).
      frame.decoder.push(bytes, last);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new ZstdDataError('corrupt', `the ${where} cannot be decoded (${reason})`);
    }
    this.at = end;
    if (last) this.finishFrame(frame, end - checksumBytes);
    return true;
  }

  private finishFrame(frame: Frame, checksumAt: number): void {
    const name = `frame ${frame.index + 1}`;
    if (frame.contentSize !== null && frame.outputBytes !== frame.contentSize) {
      throw new ZstdDataError(
        'corrupt',
        `${name} declares ${frame.contentSize} bytes of content but holds ${frame.outputBytes}`,
      );
    }
    if (frame.hash !== null) {
      const expected = readUint32(this.input, checksumAt);
      if (frame.hash.digestLow32() !== expected) {
        const farReach =
          frame.windowBytes > RELIABLE_WINDOW_BYTES
            ? `; or it refers back further than ${RELIABLE_WINDOW_BYTES / MIB} MiB, which hexlog cannot decode: try zstd -d`
            : '';
        throw new ZstdDataError(
          'corrupt',
          `${name} fails its content checksum (at byte ${this.offset(checksumAt)})${farReach}`,
        );
      }
    }
    this.frame = null;
    this.step = 'magic';
  }
}

export interface FrameHeader {
  /** Magic included. */
  readonly headerBytes: number;
  readonly windowBytes: number;
  /** The declared size of the frame's content, or null when the header does not say. */
  readonly contentSize: number | null;
  readonly hasChecksum: boolean;
  readonly dictionaryId: number;
  readonly reservedBitSet: boolean;
}

/** The header of the zstd frame whose magic is at `at`, or null when `bytes` ends before it does. */
export function readFrameHeader(bytes: Uint8Array, at: number): FrameHeader | null {
  if (bytes.length < at + 5) return null;
  const descriptor = bytes[at + 4]!;
  const contentSizeFlag = descriptor >> 6;
  const singleSegment = (descriptor & 0x20) !== 0;
  const dictionaryBytes = [0, 1, 2, 4][descriptor & 3]!;
  const contentSizeBytes = [singleSegment ? 1 : 0, 2, 4, 8][contentSizeFlag]!;
  const headerBytes = 5 + (singleSegment ? 0 : 1) + dictionaryBytes + contentSizeBytes;
  if (bytes.length < at + headerBytes) return null;
  let field = at + 5;
  let windowBytes = 0;
  if (!singleSegment) {
    const windowDescriptor = bytes[field++]!;
    const base = 2 ** (10 + (windowDescriptor >> 3));
    windowBytes = base + (base / 8) * (windowDescriptor & 7);
  }
  const dictionaryId = readUintLE(bytes, field, dictionaryBytes);
  field += dictionaryBytes;
  let contentSize: number | null = null;
  if (contentSizeBytes > 0) {
    contentSize = readUintLE(bytes, field, contentSizeBytes) + (contentSizeBytes === 2 ? 256 : 0);
  }
  // A single-segment frame's window is its whole content.
  if (singleSegment) windowBytes = contentSize ?? 0;
  return {
    headerBytes,
    windowBytes,
    contentSize,
    hasChecksum: (descriptor & 0x04) !== 0,
    dictionaryId,
    reservedBitSet: (descriptor & 0x08) !== 0,
  };
}

function readUint32(bytes: Uint8Array, at: number): number {
  return readUintLE(bytes, at, 4);
}

/** A little-endian unsigned integer of up to 8 bytes (exact below 2^53). */
function readUintLE(bytes: Uint8Array, at: number, length: number): number {
  let value = 0;
  for (let i = length - 1; i >= 0; i--) value = value * 256 + bytes[at + i]!;
  return value;
}

function concat(first: Uint8Array, second: Uint8Array): Uint8Array {
  const joined = new Uint8Array(first.length + second.length);
  joined.set(first, 0);
  joined.set(second, first.length);
  return joined;
}
