// Shared by the compressed-file tests: log-like text from a seed, zstd frames written by hand (raw
// and RLE blocks, so any size and any frame layout can be made without the zstd CLI), and the CLI
// itself where the machine has it, to compress real data and to compare outputs.
import { spawnSync } from 'node:child_process';

import { seededRandom } from '../../../shared/seededRandom';
import { Xxh64 } from './xxh64';

const LEVELS = ['INFO', 'INFO', 'INFO', 'DEBUG', 'WARN', 'ERROR'] as const;
const WORDS = ['request', 'handled', 'user', 'cache', 'miss', 'retry', 'timeout', 'session', 'opened', 'closed'];

/** `length` bytes of log lines; the same seed gives the same bytes. */
export function logText(seed: number, length: number): Uint8Array {
  const rng = seededRandom(seed);
  const out = new Uint8Array(length);
  const encoder = new TextEncoder();
  let at = 0;
  let time = 1_700_000_000_000;
  while (at < length) {
    time += rng.int(5000);
    const words = Array.from({ length: 3 + rng.int(6) }, () => WORDS[rng.int(WORDS.length)]).join(' ');
    const line = `${new Date(time).toISOString()} ${LEVELS[rng.int(LEVELS.length)]} worker-${rng.int(8)} ${words} id=${rng.int(100000)}\n`;
    const bytes = encoder.encode(line);
    const taken = Math.min(bytes.length, length - at);
    out.set(bytes.subarray(0, taken), at);
    at += taken;
  }
  return out;
}

export interface HandFrameOptions {
  readonly checksum?: boolean;
  /** Declare the content size in the header (8 bytes). */
  readonly declareSize?: number | null;
  readonly blockBytes?: number;
  /** Runs of one byte at least this long become RLE blocks. */
  readonly rleFrom?: number;
}

/** One zstd frame of raw (and RLE) blocks: valid zstd that any decoder must read back as `content`. */
export function handFrame(content: Uint8Array, options: HandFrameOptions = {}): Uint8Array {
  const blockBytes = options.blockBytes ?? 128 * 1024;
  const declared = options.declareSize === undefined ? content.length : options.declareSize;
  const parts: Uint8Array[] = [];
  const header = [0x28, 0xb5, 0x2f, 0xfd];
  // Descriptor: content size in 8 bytes (flag 3) or none, checksum flag; window 128 KiB (exponent 7).
  header.push((declared === null ? 0 : 0xc0) | (options.checksum === true ? 0x04 : 0), 7 << 3);
  if (declared !== null) header.push(...uintLE(declared, 8));
  parts.push(Uint8Array.from(header));
  let at = 0;
  do {
    const size = Math.min(blockBytes, content.length - at);
    const last = at + size >= content.length ? 1 : 0;
    const body = content.subarray(at, at + size);
    const rle = options.rleFrom !== undefined && size >= options.rleFrom && body.every((byte) => byte === body[0]);
    parts.push(Uint8Array.from(uintLE((size << 3) | ((rle ? 1 : 0) << 1) | last, 3)));
    parts.push(rle ? body.subarray(0, 1) : body);
    at += size;
  } while (at < content.length);
  if (options.checksum === true) {
    const hash = new Xxh64();
    hash.update(content);
    parts.push(Uint8Array.from(uintLE(hash.digestLow32(), 4)));
  }
  return concatBytes(parts);
}

export function skippableFrame(payload: Uint8Array, magicLowNibble = 0): Uint8Array {
  return concatBytes([
    Uint8Array.from([0x50 | magicLowNibble, 0x2a, 0x4d, 0x18, ...uintLE(payload.length, 4)]),
    payload,
  ]);
}

function uintLE(value: number, length: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < length; i++) {
    out.push(value % 256);
    value = Math.floor(value / 256);
  }
  return out;
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  return Buffer.concat(parts);
}

/** Whether the zstd CLI is on this machine (tests never install it). */
export const hasZstdCli: boolean = spawnSync('zstd', ['--version'], { stdio: 'ignore' }).status === 0;

/** Runs the zstd CLI on `input` (stdin to stdout); throws on failure. */
export function zstdCli(args: readonly string[], input: Uint8Array): Buffer {
  const run = spawnSync('zstd', ['-q', '-c', ...args], { input, maxBuffer: 1024 * 1024 * 1024 });
  if (run.status !== 0) throw new Error(`zstd ${args.join(' ')} failed: ${run.stderr.toString()}`);
  return run.stdout;
}

/** `unit` repeated up to `length` bytes. */
export function repeated(unit: Uint8Array, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let at = 0; at < length; at += unit.length) out.set(unit.subarray(0, Math.min(unit.length, length - at)), at);
  return out;
}

/**
 * The committed fixtures (fixtures/*.zst, made by the zstd CLI with makeFixtures.ts): what each holds
 * and how it was compressed. Real entropy-coded zstd, so the tests read them without the CLI.
 */
export const zstdFixtures = {
  /** Three 128 KiB blocks with back-references across blocks; level 19, checksum. */
  'repeated.zst': { frames: [{ content: () => repeated(logText(11, 3000), 320 * 1024), args: ['-19'] }] },
  /** Huffman-coded literals and FSE sequences in one block, its size declared; level 19, checksum. */
  'text.zst': { frames: [{ content: () => logText(12, 12 * 1024), args: ['-19', '--stream-size=12288'] }] },
  /** Two frames: the first without a checksum, the second with one. */
  'frames.zst': {
    frames: [
      { content: () => logText(13, 6 * 1024), args: ['-3', '--no-check'] },
      { content: () => repeated(logText(14, 1000), 200 * 1024), args: ['-19'] },
    ],
  },
} as const;

export type ZstdFixtureName = keyof typeof zstdFixtures;

export function fixtureContent(name: ZstdFixtureName): Uint8Array {
  return concatBytes(zstdFixtures[name].frames.map((frame) => frame.content()));
}
