// One browser-host socket: reads request frames, runs them through the services' dispatch, answers
// every one (even a malformed frame), and keeps what it holds for the page bounded:
// - at most `maxInFlight` requests queued or running; more are answered ELIMIT at once;
// - once `bufferedAmount` passes `highWaterBytes` the socket is paused (no more reading, no more
//   requests started) until it drains below `lowWaterBytes`; events meanwhile wait in an
//   EventOutbox that keeps only the latest progress snapshot of each kind.
import type { RawData, WebSocket } from 'ws';
import type { Dispatch } from '../main/services';
import type { EventName, Events } from '../shared/contract';
import type { Disposable } from '../shared/disposable';
import { err, errFromThrown, type Result } from '../shared/result';
import {
  UNKNOWN_ID,
  decodeFrame,
  encodeFrame,
  peekFrameId,
  type ClientMessage,
  type ServerMessage,
} from '../shared/wire';
import { EventOutbox } from './eventOutbox';

export interface ConnectionLimits {
  /** Pause the socket once this many bytes wait to be sent to it. */
  readonly highWaterBytes: number;
  /** Read from it again once fewer than this many wait. */
  readonly lowWaterBytes: number;
  /** Most requests queued or running on one connection. */
  readonly maxInFlight: number;
  /** Most events that must all arrive held for a paused socket; past it the socket is dropped. */
  readonly maxHeldEvents: number;
}

export const defaultConnectionLimits: ConnectionLimits = {
  highWaterBytes: 16 * 1024 * 1024,
  lowWaterBytes: 4 * 1024 * 1024,
  maxInFlight: 256,
  maxHeldEvents: 1024,
};

/** What a test (or a log line) can see of a connection's load. */
export interface ConnectionStats {
  readonly owner: string;
  readonly paused: boolean;
  readonly bufferedAmount: number;
  /** The largest bufferedAmount seen right after a send. */
  readonly maxBufferedAmount: number;
  readonly queued: number;
  readonly running: number;
  readonly heldEvents: number;
}

export class HostConnection implements Disposable {
  private readonly queue: ClientMessage[] = [];
  private readonly outbox: EventOutbox;
  private running = 0;
  private paused = false;
  private pumpScheduled = false;
  private maxBufferedAmount = 0;
  private disposed = false;

  constructor(
    private readonly ws: WebSocket,
    readonly owner: string,
    private readonly dispatch: Dispatch,
    private readonly limits: ConnectionLimits,
    private readonly log: (line: string) => void,
  ) {
    this.outbox = new EventOutbox(limits.maxHeldEvents);
    ws.on('message', (data: RawData, isBinary: boolean) => this.receive(data, isBinary));
  }

  stats(): ConnectionStats {
    return {
      owner: this.owner,
      paused: this.paused,
      bufferedAmount: this.ws.bufferedAmount,
      maxBufferedAmount: this.maxBufferedAmount,
      queued: this.queue.length,
      running: this.running,
      heldEvents: this.outbox.size,
    };
  }

  emit<E extends EventName>(name: E, payload: Events[E]): void {
    if (this.disposed) return;
    if (!this.paused) {
      this.send({ kind: 'event', name, payload });
    } else if (!this.outbox.add(name, payload)) {
      this.log(`${this.owner}: dropped the connection: more than ${this.limits.maxHeldEvents} events waiting`);
      this.ws.terminate();
    }
  }

  dispose(): void {
    this.disposed = true;
    this.queue.length = 0;
    this.outbox.clear();
  }

  private receive(data: RawData, isBinary: boolean): void {
    const parsed = parseFrame(data, isBinary);
    if (!parsed.ok) {
      this.log(`${this.owner}: refused a malformed message: ${parsed.reason}`);
      this.reply(parsed.id, err('EINVAL', `malformed message: ${parsed.reason}`));
      return;
    }
    if (this.queue.length + this.running >= this.limits.maxInFlight) {
      this.reply(
        parsed.message.id,
        err(
          'ELIMIT',
          `Too many requests in flight on this connection (${this.limits.maxInFlight}); wait for answers first.`,
        ),
      );
      return;
    }
    this.queue.push(parsed.message);
    this.schedulePump();
  }

  // One request starts per turn of the event loop: a handler that answers at once has sent its
  // answer (and updated bufferedAmount) before the next one starts, so a flood of large reads
  // cannot build up answers in memory faster than the pause can stop it.
  private schedulePump(): void {
    if (this.pumpScheduled || this.paused || this.disposed || this.queue.length === 0) return;
    this.pumpScheduled = true;
    setImmediate(() => {
      this.pumpScheduled = false;
      this.startNext();
    });
  }

  private startNext(): void {
    if (this.paused || this.disposed) return;
    const message = this.queue.shift();
    if (message === undefined) return;
    this.running += 1;
    // dispatch answers every call with a value; the catch only keeps a defect from hanging the caller.
    void this.dispatch({ owner: this.owner }, message.name, message.args)
      .catch(errFromThrown)
      .then((result) => {
        this.running -= 1;
        this.reply(message.id, result);
      });
    this.schedulePump();
  }

  private reply(id: number, result: Result<unknown>): void {
    this.send({ kind: 'response', id, result });
  }

  private send(message: ServerMessage): void {
    if (this.disposed || this.ws.readyState !== this.ws.OPEN) return;
    let frame: Uint8Array;
    try {
      frame = encodeFrame(message);
    } catch (error) {
      if (message.kind === 'event') return;
      frame = encodeFrame({ kind: 'response', id: message.id, result: errFromThrown(error) });
    }
    this.ws.send(frame, () => this.onFlushed());
    const buffered = this.ws.bufferedAmount;
    this.maxBufferedAmount = Math.max(this.maxBufferedAmount, buffered);
    if (!this.paused && buffered > this.limits.highWaterBytes) {
      this.paused = true;
      this.ws.pause();
    }
  }

  /** Called as each frame leaves for the kernel: resumes the socket once it has drained. */
  private onFlushed(): void {
    if (!this.paused || this.disposed || this.ws.bufferedAmount >= this.limits.lowWaterBytes) return;
    this.paused = false;
    this.ws.resume();
    for (let event = this.outbox.take(); event !== undefined; event = this.paused ? undefined : this.outbox.take()) {
      this.send({ kind: 'event', name: event.name, payload: event.payload });
    }
    this.schedulePump();
  }
}

function toUint8Array(data: RawData): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return data;
}

type ParsedFrame =
  | { readonly ok: true; readonly message: ClientMessage }
  | { readonly ok: false; readonly id: number; readonly reason: string };

/** A request, or why not with the id to answer (UNKNOWN_ID only when no id can be read at all). */
export function parseFrame(data: RawData, isBinary: boolean): ParsedFrame {
  const bytes = toUint8Array(data);
  const refuse = (reason: string): ParsedFrame => ({
    ok: false,
    id: peekFrameId(isBinary ? bytes : Buffer.from(bytes).toString('utf8')) ?? UNKNOWN_ID,
    reason,
  });
  if (!isBinary) return refuse('text frames are not part of the protocol');
  let value: unknown;
  try {
    value = decodeFrame(bytes);
  } catch (error) {
    return refuse(error instanceof Error ? error.message : String(error));
  }
  if (typeof value !== 'object' || value === null) return refuse('message is not an object');
  const candidate = value as Partial<Record<keyof ClientMessage, unknown>>;
  const id = candidate.id;
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0) return refuse('bad id');
  if (candidate.kind !== 'request') return refuse('unknown message kind');
  if (typeof candidate.name !== 'string') return refuse('bad request name');
  if (!Array.isArray(candidate.args)) return refuse('arguments are not an array');
  return { ok: true, message: { kind: 'request', id, name: candidate.name, args: candidate.args as unknown[] } };
}
