// Child process for the crash-safety test: commits a seeded fixture to a file and can stop itself at a
// chosen step so the parent kills it exactly there.
//   node --import tsx commitChild.ts <file> <seed> <fileSize> <editCount>
//   HEXLOG_COMMIT_PAUSE=journal-chunk | journal-synced | edit-written:<n> | flushed   (optional)
// Prints "ready" just before the commit, "paused <step>" when stopped, "done <ms>" when finished.
import { statSync } from 'node:fs';
import { commitEdits, commitTesting, type CommitStep } from '../commit';
import { commitFixture } from './commitFixture';

const [path, seed, fileSize, editCount] = process.argv.slice(2);
if (path === undefined || seed === undefined || fileSize === undefined || editCount === undefined) {
  process.stderr.write('usage: commitChild.ts <file> <seed> <fileSize> <editCount>\n');
  process.exit(2);
}
const { edits } = commitFixture(Number(seed), Number(fileSize), Number(editCount));

const pause = process.env['HEXLOG_COMMIT_PAUSE'] ?? '';
const [pauseStep, pauseCount] = pause.split(':');
if (pause !== '') {
  commitTesting.setStepHook((step: CommitStep, count: number) => {
    if (step !== pauseStep || (pauseCount !== undefined && count !== Number(pauseCount))) return;
    process.stdout.write(`paused ${pause}\n`);
    // Block this thread (no event loop) until the parent kills us; the timeout only guards against a lost parent.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60_000);
    process.exit(3);
  });
}

const { size, dev, ino, mtimeMs } = statSync(path);
process.stdout.write('ready\n');
const started = performance.now();
// No top-level await: tsx runs this file as CommonJS.
void commitEdits(path, edits, { size, dev, ino, mtimeMs }).then((result) => {
  if (!result.ok) {
    process.stderr.write(`${result.code}: ${result.message}\n`);
    process.exit(1);
  }
  process.stdout.write(`done ${(performance.now() - started).toFixed(2)}\n`);
});
