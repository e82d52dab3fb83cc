// Hashes of a byte range of any size (CRC32, MD5, SHA-1, SHA-256), streamed from the file in worker
// threads: nothing of the range sits in memory but one 4 MiB block per worker, and the main thread
// only starts, polls and stops the work. The pending edits inside the range are laid over each
// block, so the hashes are those of the bytes the hex view shows. MD5 (the slowest) runs in one
// worker and the other three in a second one, so on two cores the job takes about as long as MD5.
import { Worker } from 'node:worker_threads';
import { HASH_ALGOS, type HashAlgo } from '../../../shared/contract';
import type { Disposable } from '../../../shared/disposable';

/** A pending edit inside the range: its file offset and new bytes. */
export interface OverlayEdit {
  readonly offset: number;
  readonly bytes: Uint8Array;
}

export interface HashRangeOptions {
  /** The file read (the session's mapped file). */
  readonly path: string;
  readonly offset: number;
  readonly length: number;
  readonly algos: readonly HashAlgo[];
  readonly edits: readonly OverlayEdit[];
}

export type HashOutcome =
  | { readonly kind: 'done'; readonly values: Partial<Record<HashAlgo, string>> }
  | { readonly kind: 'cancelled' }
  | { readonly kind: 'failed'; readonly code: string; readonly message: string };

const BLOCK_BYTES = 4 * 1024 * 1024;

// Plain JavaScript, run with `eval` so that the same code works from source (tsx) and bundled.
const workerSource = String.raw`
const { parentPort, workerData } = require('node:worker_threads');
const { openSync, readSync, closeSync } = require('node:fs');
const { createHash } = require('node:crypto');
const zlib = require('node:zlib');
const { path, offset, length, algos, edits, control, progress, slot, blockBytes } = workerData;
const cancel = new Int32Array(control);
const done = new Float64Array(progress);
let fd = -1;
(function run() {
try {
  const hashes = algos.filter((a) => a !== 'crc32').map((a) => [a, createHash(a)]);
  const wantCrc = algos.includes('crc32');
  let crc = 0;
  const block = Buffer.allocUnsafe(Math.min(blockBytes, Math.max(1, length)));
  fd = openSync(path, 'r');
  let at = 0;
  let edit = 0;
  while (at < length) {
    if (Atomics.load(cancel, 0) !== 0) { parentPort.postMessage({ kind: 'cancelled' }); return; }
    const want = Math.min(block.length, length - at);
    let got = 0;
    while (got < want) {
      const n = readSync(fd, block, got, want - got, offset + at + got);
      if (n === 0) break;
      got += n;
    }
    if (got < want) {
      parentPort.postMessage({ kind: 'failed', code: 'EFILECHANGED',
        message: 'The file is shorter than when it was opened: it changed on disk while its hashes were being computed.' });
      return;
    }
    const start = offset + at;
    const end = start + got;
    while (edit < edits.length && edits[edit].offset + edits[edit].bytes.length <= start) edit++;
    for (let e = edit; e < edits.length && edits[e].offset < end; e++) {
      const { offset: eo, bytes } = edits[e];
      const from = Math.max(eo, start);
      const to = Math.min(eo + bytes.length, end);
      block.set(bytes.subarray(from - eo, to - eo), from - start);
    }
    const view = got === block.length ? block : block.subarray(0, got);
    for (const [, hash] of hashes) hash.update(view);
    if (wantCrc) crc = zlib.crc32(view, crc);
    at += got;
    done[slot] = at;
  }
  const values = {};
  for (const [name, hash] of hashes) values[name] = hash.digest('hex');
  if (wantCrc) values.crc32 = (crc >>> 0).toString(16).padStart(8, '0');
  parentPort.postMessage({ kind: 'done', values });
} catch (error) {
  const code = error && typeof error.code === 'string' ? error.code : 'EIO';
  parentPort.postMessage({ kind: 'failed', code, message: 'Reading the file for its hashes failed: ' + (error && error.message) });
} finally {
  if (fd >= 0) try { closeSync(fd); } catch {}
}
})();
`;

/** How the algorithms are shared out between the workers: MD5 alone, the rest together. */
function workerGroups(algos: readonly HashAlgo[]): HashAlgo[][] {
  const wanted = HASH_ALGOS.filter((algo) => algos.includes(algo));
  const md5 = wanted.filter((algo) => algo === 'md5');
  const rest = wanted.filter((algo) => algo !== 'md5');
  return [md5, rest].filter((group) => group.length > 0);
}

/** One hashing of a range: started at construction, polled for progress, awaited for its outcome. */
export class RangeHasher implements Disposable {
  private readonly control = new SharedArrayBuffer(4);
  private readonly progress: Float64Array;
  private readonly workers: Worker[] = [];
  readonly outcome: Promise<HashOutcome>;

  constructor(readonly options: HashRangeOptions) {
    const groups = workerGroups(options.algos);
    this.progress = new Float64Array(new SharedArrayBuffer(8 * Math.max(1, groups.length)));
    const answers = groups.map((algos, slot) => {
      const worker = new Worker(workerSource, {
        eval: true,
        workerData: {
          path: options.path,
          offset: options.offset,
          length: options.length,
          algos,
          edits: options.edits,
          control: this.control,
          progress: this.progress.buffer,
          slot,
          blockBytes: BLOCK_BYTES,
        },
      });
      worker.unref();
      this.workers.push(worker);
      return new Promise<HashOutcome>((resolve) => {
        worker.once('message', (answer: HashOutcome) => resolve(answer));
        worker.once('error', (error) => resolve({ kind: 'failed', code: 'EIO', message: error.message }));
        worker.once('exit', () => resolve({ kind: 'cancelled' }));
      });
    });
    this.outcome = Promise.all(answers).then((outcomes) => {
      for (const worker of this.workers) void worker.terminate();
      const failed = outcomes.find((outcome) => outcome.kind === 'failed');
      if (failed !== undefined) return failed;
      if (outcomes.some((outcome) => outcome.kind === 'cancelled')) return { kind: 'cancelled' };
      const values: Partial<Record<HashAlgo, string>> = {};
      for (const outcome of outcomes) if (outcome.kind === 'done') Object.assign(values, outcome.values);
      return { kind: 'done', values };
    });
  }

  /** Bytes every worker has hashed. */
  bytesDone(): number {
    let least = this.options.length;
    for (let slot = 0; slot < this.workers.length; slot++) least = Math.min(least, this.progress[slot]!);
    return least;
  }

  /** Stops the workers at their next block; the outcome becomes 'cancelled'. */
  cancel(): void {
    Atomics.store(new Int32Array(this.control), 0, 1);
  }

  dispose(): void {
    this.cancel();
  }
}
