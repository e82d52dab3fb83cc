// Fuzzes every channel through dispatch, over real files and the real addon: valid arguments from
// the schemas and hostile ones. Every call must settle within 5 s with a well-formed Result, and
// nothing may reject unhandled. HEXLOG_FUZZ_RUNS / HEXLOG_FUZZ_SEED run it longer or differently.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FileInfo, FindStatus } from '../../shared/contract';
import { isResult, type Result } from '../../shared/result';
import { seededRandom } from '../../shared/seededRandom';
import {
  callPlan,
  fuzzRuns,
  fuzzSeed,
  materializeArgs,
  settlesWithin,
  type CallPlan,
  type LiveValues,
} from './testing/fuzzArgs';
import { createServiceHarness, type ServiceHarness } from './testing/serviceHarness';

const runs = fuzzRuns(60);
let harness: ServiceHarness;
const offerIds: number[] = [];
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown): void => {
  unhandled.push(reason);
};

beforeAll(() => {
  process.on('unhandledRejection', onUnhandled);
  harness = createServiceHarness('hexlog-fuzz-');
  const random = seededRandom(fuzzSeed);
  const lines: string[] = [];
  for (let i = 0; i < 3000; i++) lines.push(`line ${i} ${i % 7 === 0 ? 'match' : 'text'}${i % 11 === 0 ? '\r' : ''}`);
  lines.push('x'.repeat(70_000));
  const files: [string, Uint8Array | string][] = [
    ['text.log', `${lines.join('\n')}\nno final newline`],
    ['empty.bin', ''],
    ['random.bin', random.bytes(100_000)],
    ['utf16.txt', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('wide line\nsecond\n', 'utf16le')])],
  ];
  for (const [name, content] of files) {
    const path = join(harness.dir, name);
    writeFileSync(path, content);
    offerIds.push(harness.services.offers.offer(path).offerId);
  }
});

afterAll(() => {
  process.off('unhandledRejection', onUnhandled);
  harness.dispose();
});

let runCount = 0;

/** Opens every test file for a fresh owner, indexes the text one and starts a search in it. */
async function openLive(owner: string): Promise<LiveValues> {
  const context = { owner };
  const sessions: number[] = [];
  for (const offerId of offerIds) {
    const opened = (await harness.services.dispatch(context, 'openOffered', [offerId])) as Result<FileInfo>;
    if (opened.ok) sessions.push(opened.value.session);
  }
  const text = sessions[0]!;
  await harness.services.dispatch(context, 'openText', [text, 'auto']);
  const query = { mode: 'text', pattern: 'match', matchCase: false, wholeWord: false };
  const found = (await harness.services.dispatch(context, 'startFind', [text, query])) as Result<FindStatus>;
  return { session: sessions, search: found.ok ? [found.value.searchId] : [], offer: offerIds };
}

async function call(owner: string, plan: CallPlan, live: LiveValues): Promise<void> {
  const answer = await settlesWithin(
    harness.services.dispatch({ owner }, plan.name, materializeArgs(plan, live)),
    5000,
    `dispatch ${String(plan.name)}`,
  );
  if (!isResult(answer)) throw new Error(`not a Result: ${String(answer)}`);
}

describe('contract fuzz through dispatch', () => {
  it(
    'every call settles with a well-formed Result, whatever its arguments',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(callPlan('dispatch'), { minLength: 1, maxLength: 10 }),
          fc.boolean(),
          async (plans, concurrently) => {
            const owner = `fuzz:${++runCount}`;
            const live = await openLive(owner);
            try {
              if (concurrently) await Promise.all(plans.map((plan) => call(owner, plan, live)));
              else for (const plan of plans) await call(owner, plan, live);
            } finally {
              harness.services.sessions.disposeOwner(owner);
            }
          },
        ),
        { seed: fuzzSeed, numRuns: runs },
      );
      expect(unhandled).toEqual([]);
      expect(harness.services.sessions.openCount).toBe(0);
    },
    Math.max(60_000, runs * 1000),
  );
});
