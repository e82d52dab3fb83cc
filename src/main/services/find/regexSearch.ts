// Regex search in a worker thread, line by line: the main process never runs user regexes, and a
// regex that backtracks forever is stopped by terminating its worker. The main thread reads the
// lines through the session (its mapping, with pending edits) and hands them over in bounded
// batches, so a truncated or replaced file answers EFILECHANGED as the native search does, and
// match offsets are exact bytes in every encoding (invalid UTF-8 included).
import { Worker } from 'node:worker_threads';
import type { TextEncodingName } from '../../../shared/contract';
import { LineFeeder, MAX_REGEX_LINE_BYTES, type ByteReader, type CandidateSource, type LineBatch } from './lineFeeder';
import { MatchStore } from './matchStore';
import type { SearchProgressState, SearchRun } from './searchRun';
import { byteStart, decodeUtf8WithOffsets } from './utf8Offsets';

// Plain JavaScript, run with `eval` so that the same code works from source (tsx) and bundled.
const workerSource = String.raw`
const { parentPort, workerData } = require('node:worker_threads');
const { source, flags, encoding } = workerData;
const decodeUtf8 = (${decodeUtf8WithOffsets.toString()});
const byteStartOf = (${byteStart.toString()});
const regex = new RegExp(source, flags);
const unit = encoding === 'utf-16le' || encoding === 'utf-16be' ? 2 : 1;
const newlineLow = encoding !== 'utf-16be';
// ignoreBOM: a U+FEFF at a line's start is text (two bytes), never dropped.
const decoder16 = unit === 2 ? new TextDecoder(encoding, { ignoreBOM: true }) : null;
let offsets = [];
let lengths = [];
const isUnit = (buffer, at, code) => unit === 1 ? buffer[at] === code
  : newlineLow ? buffer[at] === code && buffer[at + 1] === 0 : buffer[at] === 0 && buffer[at + 1] === code;
function nextNewline(buffer, from, end) {
  if (unit === 1) { const at = buffer.indexOf(10, from); return at >= 0 && at < end ? at : -1; }
  for (let at = from; at + 1 < end; at += 2) if (isUnit(buffer, at, 10)) return at;
  return -1;
}
function scanLine(buffer, start, end, fileOffset) {
  if (end - start >= unit && isUnit(buffer, end - unit, 13)) end -= unit;
  if (end <= start) return;
  let text;
  let decoded = null;
  if (encoding === 'latin1') text = buffer.latin1Slice(start, end);
  else if (unit === 2) text = decoder16.decode(buffer.subarray(start, end));
  else {
    text = buffer.utf8Slice(start, end);
    // One unit per byte means ASCII or single invalid bytes: offsets are direct. Otherwise map them.
    if (text.length !== end - start) { decoded = decodeUtf8(buffer, start, end); text = decoded.text; }
  }
  regex.lastIndex = 0;
  let match;
  while ((match = regex.exec(text)) !== null) {
    const length = match[0].length;
    if (length === 0) { regex.lastIndex++; continue; }
    const first = match.index;
    const last = first + length;
    let at;
    let byteEnd;
    if (decoded !== null) { at = byteStartOf(decoded, first); byteEnd = decoded.starts[last]; }
    else if (unit === 2) { at = first * 2; byteEnd = Math.min(last * 2, end - start); }
    else { at = first; byteEnd = last; }
    offsets.push(fileOffset + at);
    lengths.push(byteEnd - at);
  }
}
parentPort.on('message', (batch) => {
  const bytes = batch.bytes;
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let region = 0; region < batch.positions.length; region++) {
    const start = batch.regions[2 * region];
    const end = batch.regions[2 * region + 1];
    const position = batch.positions[region] - start;
    let lineStart = start;
    for (let at = nextNewline(buffer, lineStart, end); at >= 0; at = nextNewline(buffer, lineStart, end)) {
      scanLine(buffer, lineStart, at, position + lineStart);
      lineStart = at + unit;
    }
    if (lineStart < end) scanLine(buffer, lineStart, end, position + lineStart);
  }
  const found = Float64Array.from(offsets);
  const sizes = Float64Array.from(lengths);
  offsets = [];
  lengths = [];
  parentPort.postMessage({ offsets: found, lengths: sizes }, [found.buffer, sizes.buffer]);
});
`;

/** Batches handed to the worker and not answered yet: one being scanned, one queued. */
const MAX_IN_FLIGHT = 2;
const CANDIDATE_WAIT_MS = 5;

interface WorkerAnswer {
  readonly offsets: Float64Array;
  readonly lengths: Float64Array;
}

export interface RegexSearchOptions {
  readonly source: string;
  readonly flags: string;
  readonly encoding: TextEncodingName;
  readonly reader: ByteReader;
  /** Offsets of a literal every match contains: only their lines are scanned. Null: every line. */
  readonly candidates: CandidateSource | null;
  /** Called once the search has ended (done, cancelled, failed or disposed). */
  readonly onEnd?: () => void;
}

let liveWorkers = 0;

/** JavaScript regex worker threads alive in this process (each search owns one until it ends). */
export const liveRegexWorkers = (): number => liveWorkers;

export class RegexSearch implements SearchRun {
  private readonly store = new MatchStore();
  private readonly size: number;
  private readonly feeder: LineFeeder;
  private readonly worker: Worker;
  private readonly inFlight: number[] = [];
  private fed = false;
  private scanned = 0;
  private done = false;
  private cancelled = false;
  private ended = false;
  private error: { code: string; message: string } | null = null;
  private waitTimer: ReturnType<typeof setTimeout> | undefined;
  readonly regexEngine = 'js';
  /** Whether the regex runs on every line, or only on the lines that hold its required literal. */
  readonly scope: 'all-lines' | 'candidate-lines';

  constructor(
    readonly id: number,
    private readonly options: RegexSearchOptions,
  ) {
    this.size = options.reader.size;
    this.scope = options.candidates === null ? 'all-lines' : 'candidate-lines';
    this.feeder = new LineFeeder(options.reader, options.encoding, options.candidates);
    this.worker = new Worker(workerSource, {
      eval: true,
      workerData: { source: options.source, flags: options.flags, encoding: options.encoding },
    });
    liveWorkers += 1;
    this.worker.once('exit', () => (liveWorkers -= 1));
    this.worker.on('message', (answer: WorkerAnswer) => this.onAnswer(answer));
    this.worker.on('error', (error) => this.fail('EIO', `The search stopped: ${error.message}`));
    this.worker.unref();
    this.pump();
  }

  private pump(): void {
    this.waitTimer = undefined;
    while (!this.ended && !this.fed && this.inFlight.length < MAX_IN_FLIGHT) {
      let batch: LineBatch | 'wait' | null;
      try {
        batch = this.feeder.next();
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        const message = error instanceof Error ? error.message : String(error);
        this.fail(typeof code === 'string' ? code : 'EIO', `The search stopped: ${message}`);
        return;
      }
      if (batch === 'wait') {
        this.waitTimer = setTimeout(() => this.pump(), CANDIDATE_WAIT_MS);
        this.waitTimer.unref?.();
        return;
      }
      if (batch === null) {
        this.fed = true;
        break;
      }
      this.inFlight.push(batch.scannedTo);
      this.worker.postMessage(batch, [batch.bytes.buffer, batch.regions.buffer, batch.positions.buffer]);
    }
    if (this.fed && this.inFlight.length === 0) {
      this.scanned = this.size;
      this.done = true;
      this.end();
    }
  }

  private onAnswer(answer: WorkerAnswer): void {
    if (this.ended) return;
    this.store.append(answer.offsets, answer.lengths);
    this.scanned = this.inFlight.shift() ?? this.scanned;
    this.pump();
  }

  private fail(code: string, message: string): void {
    if (this.ended) return;
    this.error = { code, message };
    this.end();
  }

  /** Stops the worker and the feeding; what was found stays readable. */
  private end(): void {
    if (this.ended) return;
    this.ended = true;
    if (this.waitTimer !== undefined) clearTimeout(this.waitTimer);
    this.waitTimer = undefined;
    void this.worker.terminate();
    this.options.onEnd?.();
  }

  progress(): SearchProgressState {
    const longLines = this.feeder.longLines;
    return {
      bytesScanned: this.scanned,
      totalBytes: this.size,
      matchCount: this.store.count,
      done: this.done,
      cancelled: this.cancelled,
      error: this.error,
      notice: longLines === 0 ? null : longLineNotice(longLines),
    };
  }

  page(first: number, count: number): { offsets: Float64Array; lengths: Float64Array } {
    return this.store.page(first, count);
  }

  indexAtOrAfter(offset: number): number {
    return this.store.indexAtOrAfter(offset);
  }

  memoryBytes(): number {
    return this.store.memoryBytes();
  }

  cancel(): void {
    if (this.ended) return;
    this.cancelled = true;
    this.end();
  }

  dispose(): void {
    this.cancel();
  }
}

function longLineNotice(count: number): string {
  const mib = MAX_REGEX_LINE_BYTES / 1024 / 1024;
  const lines = count === 1 ? '1 line is' : `${count.toLocaleString('en-US')} lines are`;
  return `${lines} longer than ${mib} MiB: the regex searched ${count === 1 ? 'it' : 'each'} in ${mib} MiB pieces, so a match across a piece border is missed, and ^ and $ also match at piece borders.`;
}
