// Regex search in a worker thread, line by line: the main process never runs user regexes, and a
// regex that backtracks forever is stopped by terminating its worker.
import { Worker } from 'node:worker_threads';
import type { TextEncodingName } from '../../../shared/contract';
import type { SearchProgressState, SearchRun } from './searchRun';

// Plain JavaScript, run with `eval` so that the same code works from source (tsx) and bundled.
const workerSource = String.raw`
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const { path, source, flags, size, encoding, candidates } = workerData;
const CHUNK = 4 * 1024 * 1024;
const unit = encoding === 'utf-16le' || encoding === 'utf-16be' ? 2 : 1;
const decoder = encoding === 'utf-8' || encoding === 'latin1' ? null : new TextDecoder(encoding);
const regex = new RegExp(source, flags);
const fd = fs.openSync(path, 'r');
let buffer = Buffer.alloc(CHUNK + 1024 * 1024);
let offsets = [];
let lengths = [];
const decode = (start, end) => {
  if (encoding === 'latin1') return buffer.latin1Slice(start, end);
  if (decoder === null) return buffer.utf8Slice(start, end);
  return decoder.decode(buffer.subarray(start, end));
};
const isNewline = (at) => unit === 1 ? buffer[at] === 10
  : encoding === 'utf-16le' ? buffer[at] === 10 && buffer[at + 1] === 0 : buffer[at] === 0 && buffer[at + 1] === 10;
const isCR = (at) => unit === 1 ? buffer[at] === 13
  : encoding === 'utf-16le' ? buffer[at] === 13 && buffer[at + 1] === 0 : buffer[at] === 0 && buffer[at + 1] === 13;
/** Next line end at or after 'from' (below 'end'), or -1. */
function nextNewline(from, end) {
  if (unit === 1) { const at = buffer.indexOf(10, from); return at >= 0 && at < end ? at : -1; }
  for (let at = from; at + 1 < end; at += 2) if (isNewline(at)) return at;
  return -1;
}
function lastNewline(end) {
  if (unit === 1) return end > 0 ? buffer.lastIndexOf(10, end - 1) : -1;
  for (let at = end - 2; at >= 0; at -= 2) if (isNewline(at)) return at;
  return -1;
}
function scanLine(lineStart, lineEnd, fileOffset) {
  let end = lineEnd;
  if (end - lineStart >= unit && isCR(end - unit)) end -= unit;
  const text = decode(lineStart, end);
  const direct = unit === 2 || encoding === 'latin1' || text.length === end - lineStart;
  regex.lastIndex = 0;
  let match;
  while ((match = regex.exec(text)) !== null) {
    if (match[0].length === 0) { regex.lastIndex++; continue; }
    let at, length;
    if (direct) { at = match.index * unit; length = match[0].length * unit; }
    else { at = Buffer.byteLength(text.slice(0, match.index)); length = Buffer.byteLength(match[0]); }
    offsets.push(fileOffset + at); lengths.push(length);
  }
}
function flush(scanned) {
  parentPort.postMessage({ offsets: Float64Array.from(offsets), lengths: Float64Array.from(lengths), scanned });
  offsets = []; lengths = [];
}
function readAt(target, length, position) {
  let done = 0;
  while (done < length) {
    const read = fs.readSync(fd, buffer, target + done, length - done, position + done);
    if (read <= 0) break;
    done += read;
  }
  return done;
}
let nextCandidate = 0;
/** Prefiltered: scan only the lines (in buffer[0, end)) that hold a candidate offset. */
function scanCandidateLines(position, end) {
  let lastLine = -1;
  while (nextCandidate < candidates.length && candidates[nextCandidate] < position + end) {
    const at = candidates[nextCandidate++] - position;
    if (at < 0) continue;
    const lineStart = at === 0 ? 0 : buffer.lastIndexOf(10, at - 1) + 1;
    if (lineStart === lastLine) continue;
    lastLine = lineStart;
    const newline = buffer.indexOf(10, at);
    scanLine(lineStart, newline >= 0 && newline < end ? newline : end, position + lineStart);
  }
}
{
  let position = 0;
  while (position < size) {
    let read = readAt(0, Math.min(CHUNK, size - position), position);
    if (read <= 0) break;
    let end = read;
    if (position + read < size) {
      // Stop at the last line end in the chunk; a line longer than the chunk grows the buffer.
      let last = lastNewline(read);
      while (last < 0 && position + read < size) {
        if (read + CHUNK > buffer.length) { const bigger = Buffer.alloc(buffer.length * 2); buffer.copy(bigger, 0, 0, read); buffer = bigger; }
        const more = readAt(read, Math.min(CHUNK, size - position - read), position + read);
        if (more <= 0) break;
        read += more;
        last = lastNewline(read);
      }
      end = last < 0 ? read : last + unit;
    }
    if (candidates) {
      scanCandidateLines(position, end);
    } else {
      let lineStart = 0;
      for (let at = nextNewline(0, end); at >= 0; at = nextNewline(lineStart, end)) {
        scanLine(lineStart, at, position + lineStart);
        lineStart = at + unit;
      }
      if (lineStart < end) scanLine(lineStart, end, position + lineStart);
    }
    position += end;
    if (candidates && nextCandidate >= candidates.length) { flush(size); break; }
    flush(position);
  }
}
fs.closeSync(fd);
parentPort.postMessage({ done: true, scanned: size });
`;

/** Offsets of a literal every match must contain, ascending: only their lines are scanned. */
export interface Candidates {
  readonly candidates: Float64Array;
}

interface WorkerMessage {
  readonly offsets?: Float64Array;
  readonly lengths?: Float64Array;
  readonly scanned: number;
  readonly done?: boolean;
}

export class RegexSearch implements SearchRun {
  private offsets = new Float64Array(1024);
  private lengths = new Float64Array(1024);
  private count = 0;
  private scanned = 0;
  private done = false;
  private cancelled = false;
  private error: { code: string; message: string } | null = null;
  private worker: Worker | null = null;
  /** Whether the regex runs on every line, or only on the lines that hold its required literal. */
  scope: 'pending' | 'all-lines' | 'candidate-lines' = 'pending';

  /**
   * `lines`, when given, resolves to offsets of a literal that every match contains (only their
   * lines are scanned), or to null to scan every line.
   */
  constructor(
    readonly id: number,
    path: string,
    private readonly size: number,
    source: string,
    flags: string,
    encoding: TextEncodingName,
    lines: Promise<Candidates | null> = Promise.resolve(null),
  ) {
    void lines.then(
      (ranges) => {
        this.scope = ranges === null ? 'all-lines' : 'candidate-lines';
        this.startWorker({ path, source, flags, size, encoding, ...(ranges ?? {}) });
      },
      (error: unknown) => {
        this.error = { code: 'EIO', message: `The search stopped: ${String(error)}` };
      },
    );
  }

  private startWorker(workerData: object): void {
    if (this.cancelled) return;
    const worker = new Worker(workerSource, { eval: true, workerData });
    worker.on('message', (message: WorkerMessage) => this.onMessage(message));
    worker.on('error', (error) => {
      this.error = { code: 'EIO', message: `The search stopped: ${error.message}` };
    });
    worker.unref();
    this.worker = worker;
  }

  private onMessage(message: WorkerMessage): void {
    if (this.cancelled) return;
    if (message.offsets !== undefined && message.lengths !== undefined) {
      const needed = this.count + message.offsets.length;
      if (needed > this.offsets.length) {
        const capacity = Math.max(needed, this.offsets.length * 2);
        const offsets = new Float64Array(capacity);
        const lengths = new Float64Array(capacity);
        offsets.set(this.offsets.subarray(0, this.count));
        lengths.set(this.lengths.subarray(0, this.count));
        this.offsets = offsets;
        this.lengths = lengths;
      }
      this.offsets.set(message.offsets, this.count);
      this.lengths.set(message.lengths, this.count);
      this.count = needed;
    }
    this.scanned = message.scanned;
    if (message.done === true) this.done = true;
  }

  progress(): SearchProgressState {
    return {
      bytesScanned: this.scanned,
      totalBytes: this.size,
      matchCount: this.count,
      done: this.done,
      cancelled: this.cancelled,
      error: this.error,
    };
  }

  page(first: number, count: number): { offsets: Float64Array; lengths: Float64Array } {
    const end = Math.min(this.count, first + count);
    const start = Math.min(first, end);
    return { offsets: this.offsets.slice(start, end), lengths: this.lengths.slice(start, end) };
  }

  indexAtOrAfter(offset: number): number {
    let low = 0;
    let high = this.count;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.offsets[mid]! < offset) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  cancel(): void {
    if (this.done || this.cancelled) return;
    this.cancelled = true;
    void this.worker?.terminate();
  }

  dispose(): void {
    this.cancel();
    void this.worker?.terminate();
  }
}
