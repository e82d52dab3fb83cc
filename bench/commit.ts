// Commit cost: 10,000 scattered edits committed in place into a 4 GiB file, against rewriting the
// whole file (what a save-by-rewrite editor does), in the same run.
import { closeSync, fsyncSync, ftruncateSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { CommitOutcome, FileInfo } from '../src/shared/contract';
import type { Result } from '../src/shared/result';
import { seededRandom } from '../src/shared/seededRandom';
import { createServices } from '../src/main/services';
import { nowMs, report } from './report';

const SIZE = 4 * 1024 ** 3;
const EDITS = 10_000;

function value<T>(result: Result<unknown>): T {
  if (!result.ok) throw new Error(`${result.code}: ${result.message}`);
  return result.value as T;
}

/** Copies `from` to `to` in 16 MiB blocks and fsyncs: the cost of saving by rewriting. */
function rewrite(from: string, to: string): number {
  const input = openSync(from, 'r');
  const output = openSync(to, 'w');
  const block = Buffer.alloc(16 << 20);
  const start = nowMs();
  try {
    for (let offset = 0; ;) {
      const read = readSync(input, block, 0, block.length, offset);
      if (read <= 0) break;
      writeSync(output, block, 0, read, offset);
      offset += read;
    }
    fsyncSync(output);
    return nowMs() - start;
  } finally {
    closeSync(input);
    closeSync(output);
  }
}

export async function benchCommit(dir: string): Promise<void> {
  const path = join(dir, 'commit-4g.bin');
  const copy = join(dir, 'commit-4g.rewrite');
  const fd = openSync(path, 'w');
  ftruncateSync(fd, SIZE);
  closeSync(fd);
  const services = createServices({
    info: { kind: 'browser', nativeOpenDialog: false, acceptsDroppedFiles: false },
    emit: () => undefined,
    chooseCopyPath: () => Promise.resolve(null),
  });
  const owner = { owner: 'bench' };
  const call = async <T>(name: string, ...args: unknown[]): Promise<T> =>
    value<T>(await services.dispatch(owner, name, args));
  try {
    const info = await call<FileInfo>('openOffered', services.offers.offer(path).offerId);
    const random = seededRandom(99);
    for (let i = 0; i < EDITS; i++) {
      await call('editBytes', info.session, random.int(SIZE - 8), random.bytes(4));
    }
    const start = nowMs();
    const outcome = await call<CommitOutcome>('commitEdits', info.session);
    const commitMs = nowMs() - start;
    const rewriteMs = rewrite(path, copy);
    report({
      metric: 'commit.scattered_10k.4GiB',
      value: commitMs,
      unit: 'ms',
      peer: 'rewrite whole file',
      peerValue: rewriteMs,
      better: 'lower',
      note: `${outcome.bytesWritten} bytes written vs ${SIZE}`,
    });
  } finally {
    services.dispose();
    rmSync(path, { force: true });
    rmSync(copy, { force: true });
  }
}
