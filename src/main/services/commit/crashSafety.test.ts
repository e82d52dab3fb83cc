import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

import { seededRandom } from '../../../shared/seededRandom';
import { commitFixture } from '../testing/commitFixture';
import { expectErr, expectFile, expectOk, tempDirPerTest, writeFixture } from '../testing/commitTestKit';
import { finishJournal, inspectJournal, rollbackJournal } from './index';

const ROOT = resolve(import.meta.dirname, '../../../..');
const CHILD = join(import.meta.dirname, '..', 'testing', 'commitChild.ts');

const dir = tempDirPerTest();

const CRASH_FILE_SIZE = 512 * 1024;
const CRASH_EDITS = 2000;
/** Steps the child stops at before it is killed, and the journal state each must leave. */
const PAUSES = [
  { pause: 'journal-chunk', state: 'torn' }, // first 64 KiB of a ~150 KiB journal written
  { pause: 'journal-synced', state: 'old' },
  { pause: 'edit-written:1', state: 'mixed' },
  { pause: `edit-written:${CRASH_EDITS / 2}`, state: 'mixed' },
  { pause: `edit-written:${CRASH_EDITS}`, state: 'applied' },
  { pause: 'flushed', state: 'applied' }, // before the journal is removed
] as const;
const RANDOM_KILLS = 12;
const MAX_KILL_DELAY_MS = 40; // a commit of the fixture takes about 30 ms here

interface ChildEnd {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the child; kills it with SIGKILL when it pauses, or `delayMs` after it says it is ready. */
function runChild(path: string, seed: number, pause: string, delayMs: number): Promise<ChildEnd> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', CHILD, path, String(seed), String(CRASH_FILE_SIZE), String(CRASH_EDITS)],
      { cwd: ROOT, env: { ...process.env, HEXLOG_COMMIT_PAUSE: pause }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    let timer: ReturnType<typeof setTimeout> | undefined;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      if (pause !== '' && stdout.includes('paused')) child.kill('SIGKILL');
      if (pause === '' && timer === undefined && stdout.includes('ready')) {
        timer = setTimeout(() => child.kill('SIGKILL'), delayMs);
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code, signal, stdout, stderr });
    });
  });
}

describe('crash safety', () => {
  it('a commit killed at any moment recovers to wholly old or wholly new, never mixed', async () => {
    const rng = seededRandom(0xc0ffee);
    const plans = [
      ...Array.from({ length: 4 }, () => PAUSES.map(({ pause, state }) => ({ pause, state, delayMs: 0 }))).flat(),
      ...Array.from({ length: RANDOM_KILLS }, () => ({
        pause: '',
        state: undefined,
        delayMs: rng.int(MAX_KILL_DELAY_MS),
      })),
    ];
    const seen = new Map<string, number>();

    const runOne = async (run: number): Promise<void> => {
      const plan = plans[run]!;
      const seed = 100 + run;
      const { oldFile, newFile } = commitFixture(seed, CRASH_FILE_SIZE, CRASH_EDITS);
      const path = writeFixture(dir.path, `crash-${run}.bin`, oldFile);
      const end = await runChild(path, seed, plan.pause, plan.delayMs);
      const where = `run ${run} (${plan.pause || `random kill after ${plan.delayMs} ms`})`;
      if (end.code !== null && end.code !== 0) expect.fail(`${where}: child failed: ${end.stderr}`);
      if (plan.pause !== '') expect(end.signal, where).toBe('SIGKILL');

      const info = expectOk(await inspectJournal(path));
      const state = info?.state ?? (end.signal === null ? 'finished' : 'no journal');
      seen.set(state, (seen.get(state) ?? 0) + 1);
      if (plan.state !== undefined) expect(state, where).toBe(plan.state);
      if (info === null) {
        // Killed before the journal was created (file old) or after it was removed (file new).
        const now = readFileSync(path);
        expect(Buffer.compare(now, oldFile) === 0 || Buffer.compare(now, newFile) === 0, where).toBe(true);
        return;
      }
      expect(info.state, where).not.toBe('unknown');
      if (info.state === 'torn') {
        expectFile(path, oldFile);
        expectErr(await finishJournal(path), 'EINVAL');
      }
      const forward = info.state !== 'torn' && rng.int(2) === 0;
      expectOk(await (forward ? finishJournal(path) : rollbackJournal(path)));
      expect(expectOk(await inspectJournal(path)), where).toBeNull();
      expectFile(path, forward ? newFile : oldFile);
      rmSync(path);
    };

    // Two children at a time: one per core.
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < plans.length) await runOne(next++);
    };
    await Promise.all([worker(), worker()]);
    for (const { state } of PAUSES) expect(seen.get(state)).toBeGreaterThan(0);
  }, 120_000);
});
