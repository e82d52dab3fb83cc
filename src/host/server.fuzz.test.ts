// Fuzzes the browser host through a real socket: request frames with valid and hostile arguments
// from the schemas, truncated frames, garbage, frames whose JSON is tampered with, text frames.
// Every frame must be answered within 5 s with a well-formed Result, with its id when the id is
// readable (-1 otherwise), and the connection must stay up. HEXLOG_FUZZ_RUNS / HEXLOG_FUZZ_SEED
// run it longer or differently.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  callPlan,
  fuzzRuns,
  fuzzSeed,
  materialize,
  settlesWithin,
  type CallPlan,
  type LiveValues,
} from '../main/services/testing/fuzzArgs';
import { isResult, type Result } from '../shared/result';
import { seededRandom } from '../shared/seededRandom';
import { decodeFrame, encodeFrame, type ServerMessage } from '../shared/wire';
import { startHost, type RunningHost } from './server';

const runs = fuzzRuns(40);
let dir: string;
let host: RunningHost;
let socket: WebSocket;
const waiting: ((response: Extract<ServerMessage, { kind: 'response' }>) => void)[] = [];
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown): void => {
  unhandled.push(reason);
};

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  dir = mkdtempSync(join(tmpdir(), 'hexlog-host-fuzz-'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>hexlog</title>');
  const lines = Array.from({ length: 2000 }, (_, i) => `line ${i} ${i % 5 === 0 ? 'match' : 'text'}`);
  writeFileSync(join(dir, 'text.log'), `${lines.join('\n')}\n`);
  writeFileSync(join(dir, 'random.bin'), seededRandom(fuzzSeed).bytes(50_000));
  writeFileSync(join(dir, 'empty.bin'), '');
  host = await startHost({
    files: ['text.log', 'random.bin', 'empty.bin'].map((name) => join(dir, name)),
    rendererDir: dir,
  });
  const token = new URL(host.url).searchParams.get('token')!;
  socket = await new Promise<WebSocket>((resolve, reject) => {
    const opening = new WebSocket(`ws://127.0.0.1:${host.port}/ws?token=${token}`);
    opening.once('open', () => resolve(opening));
    opening.once('error', reject);
  });
  socket.on('message', (data: Buffer) => {
    const message = decodeFrame(new Uint8Array(data)) as ServerMessage;
    if (message.kind === 'response') waiting.shift()?.(message);
  });
});

afterAll(async () => {
  process.off('unhandledRejection', onUnhandled);
  socket.close();
  await host.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Sends one frame and waits for the one answer it must get. */
function exchange(frame: Uint8Array | string): Promise<Extract<ServerMessage, { kind: 'response' }>> {
  const answer = new Promise<Extract<ServerMessage, { kind: 'response' }>>((resolve) => waiting.push(resolve));
  socket.send(frame);
  return settlesWithin(answer, 5000, 'an answer to a frame');
}

let nextId = 1;

async function call(name: string, args: unknown[]): Promise<Result<unknown>> {
  const id = nextId++;
  const response = await exchange(encodeFrame({ kind: 'request', id, name, args }));
  expect(response.id).toBe(id);
  return response.result as Result<unknown>;
}

async function openLive(): Promise<LiveValues> {
  const sessions: number[] = [];
  for (const offerId of [1, 2, 3]) {
    const opened = await call('openOffered', [offerId]);
    if (opened.ok) sessions.push((opened.value as { session: number }).session);
  }
  await call('openText', [sessions[0], 'auto']);
  const found = await call('startFind', [
    sessions[0],
    { mode: 'text', pattern: 'match', matchCase: true, wholeWord: false },
  ]);
  return {
    session: sessions,
    search: found.ok ? [(found.value as { searchId: number }).searchId] : [],
    offer: [1, 2, 3],
  };
}

/** A frame to send, and the id its answer must carry: a number, or 'any' when it may be unreadable. */
type FramePlan =
  | { readonly kind: 'request'; readonly call: CallPlan }
  | { readonly kind: 'truncated'; readonly call: CallPlan; readonly keep: number }
  | { readonly kind: 'garbage'; readonly bytes: Uint8Array }
  | { readonly kind: 'tampered'; readonly template: number; readonly blob: Uint8Array }
  | { readonly kind: 'text'; readonly withId: boolean };

// JSON parts that parse but are wrong somewhere; ID is replaced by the frame's id, and `true`
// marks the templates whose id the host can read.
const templates: readonly [string, boolean][] = [
  ['{"kind":"request","id":ID,"name":"readBytes","args":[1,{"$blob":9,"$type":"Uint8Array"},3]}', true],
  ['{"kind":"request","id":ID,"name":"editBytes","args":[1,0,{"$blob":0,"$type":"__proto__"}]}', true],
  ['{"kind":"request","id":ID,"name":"editBytes","args":[1,0,{"$blob":0,"$type":"constructor"}]}', true],
  ['{"kind":"request","id":ID,"name":"editBytes","args":[1,0,{"$blob":0,"$type":"Int8Array"}]}', true],
  ['{"kind":"request","id":ID,"name":"editBytes","args":[1,0,{"$blob":0,"$type":"Float64Array"}]}', true],
  ['{"kind":"request","id":ID,"name":"editBytes","args":[1,0,{"$blob":-1,"$type":"Uint8Array"}]}', true],
  ['{"kind":"response","id":ID,"name":"hostInfo","args":[]}', true],
  ['{"kind":"request","id":ID,"name":123,"args":[]}', true],
  ['{"kind":"request","id":ID,"name":"hostInfo","args":{}}', true],
  ['{"kind":"request","id":ID,"name":"hostInfo","args":null}', true],
  ['{"kind":"request","id":ID,"name":"hostInfo"}', true],
  ['{"id":ID}', true],
  ['{"kind":"request","id":"ID","name":"hostInfo","args":[]}', false],
  ['{"kind":"request","id":-ID,"name":"hostInfo","args":[]}', false],
  ['{"kind":"request","id":ID.5,"name":"hostInfo","args":[]}', false],
  ['{"kind":"request","id":1e300,"name":"hostInfo","args":[]}', false],
  ['[1,2,3]', false],
  ['null', false],
  ['"request"', false],
  ['{"kind":"request","id":ID,', false],
];

const framePlan: fc.Arbitrary<FramePlan> = fc.oneof(
  { arbitrary: callPlan('wire').map((call): FramePlan => ({ kind: 'request', call })), weight: 6 },
  fc
    .tuple(callPlan('wire'), fc.double({ min: 0, max: 1, noNaN: true }))
    .map(([call, keep]): FramePlan => ({ kind: 'truncated', call, keep })),
  fc.uint8Array({ maxLength: 64 }).map((bytes): FramePlan => ({ kind: 'garbage', bytes })),
  {
    arbitrary: fc
      .tuple(fc.nat(templates.length - 1), fc.uint8Array({ maxLength: 9 }))
      .map(([template, blob]): FramePlan => ({ kind: 'tampered', template, blob })),
    weight: 2,
  },
  fc.boolean().map((withId): FramePlan => ({ kind: 'text', withId })),
);

function u32(value: number): Uint8Array {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setUint32(0, value, true);
  return bytes;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts));
}

/** The bytes of a frame plan and the id its answer must have ('any': -1 or its own). */
function build(plan: FramePlan, id: number, live: LiveValues): { frame: Uint8Array | string; expect: number | 'any' } {
  const requestFrame = (call: CallPlan): Uint8Array =>
    encodeFrame({ kind: 'request', id, name: call.name, args: call.args.map((arg) => materialize(arg, live)) });
  switch (plan.kind) {
    case 'request':
      // Its id is readable whatever the name and arguments are.
      return { frame: requestFrame(plan.call), expect: id };
    case 'truncated': {
      const whole = requestFrame(plan.call);
      return { frame: whole.subarray(0, Math.floor(whole.byteLength * plan.keep)), expect: 'any' };
    }
    case 'garbage':
      return { frame: plan.bytes, expect: 'any' };
    case 'tampered': {
      const [template, readable] = templates[plan.template]!;
      const json = new TextEncoder().encode(template.replaceAll('ID', String(id)));
      return {
        frame: concat([u32(json.byteLength), json, u32(1), u32(plan.blob.byteLength), plan.blob]),
        expect: readable ? id : -1,
      };
    }
    case 'text':
      return {
        frame: plan.withId ? `{"kind":"request","id":${id},"name":"hostInfo","args":[]}` : 'not a frame',
        expect: plan.withId ? id : -1,
      };
  }
}

describe('contract fuzz through the browser host socket', () => {
  it(
    'every frame is answered with a well-formed Result and the right id, and the socket stays up',
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(framePlan, { minLength: 1, maxLength: 16 }), async (plans) => {
          const live = await openLive();
          try {
            for (const plan of plans) {
              const id = nextId++;
              const { frame, expect: expected } = build(plan, id, live);
              const response = await exchange(frame);
              if (!isResult(response.result)) throw new Error(`not a Result: ${JSON.stringify(response.result)}`);
              if (expected === 'any') {
                if (response.id !== id && response.id !== -1) throw new Error(`answered id ${response.id}, sent ${id}`);
              } else if (response.id !== expected) {
                throw new Error(`answered id ${response.id}, expected ${expected}`);
              }
            }
          } finally {
            host.services.sessions.disposeOwner(host.connections()[0]!.owner);
          }
        }),
        { seed: fuzzSeed, numRuns: runs },
      );
      expect(socket.readyState).toBe(WebSocket.OPEN);
      expect(await call('hostInfo', [])).toMatchObject({ ok: true, value: { kind: 'browser' } });
      expect(host.connections()).toHaveLength(1);
      expect(unhandled).toEqual([]);
    },
    Math.max(60_000, runs * 1000),
  );
});
