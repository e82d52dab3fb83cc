// Hashes of a selection: CRC32, MD5, SHA-1 and SHA-256 of a 1 GiB range through the services (the
// app's path: open, startHashes, poll to done), against sha256sum and md5sum on the same bytes.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { FileInfo, HashStatus } from '../src/shared/contract';
import { RangeHasher } from '../src/main/services/hash/rangeHasher';
import { benchServices as createBenchServices } from './find';
import { timePeer } from './peers';
import { nowMs, report } from './report';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A file of `bytes` random-looking bytes (zeros would flatter nothing, but random is fairer). */
function binaryFile(dir: string, bytes: number): string {
  const path = join(dir, `random-${bytes}.bin`);
  if (!existsSync(path) || statSync(path).size !== bytes) {
    process.stderr.write(`bench: generating ${bytes} random bytes (once)\n`);
    timePeer('sh', ['-c', `head -c ${bytes} /dev/urandom > "${path}"`], 1);
  }
  return path;
}

async function hashOnce(path: string, size: number): Promise<{ ms: number; sha256: string }> {
  const { services, call } = createBenchServices();
  try {
    const info = await call<FileInfo>('openOffered', services.offers.offer(path).offerId);
    const start = nowMs();
    const started = await call<HashStatus>('startHashes', info.session, 0, size);
    for (;;) {
      const status = (await call<HashStatus | null>('hashStatus', info.session))!;
      if (status.hashId === started.hashId && status.done) {
        if (status.error !== null) throw new Error(status.error.message);
        return { ms: nowMs() - start, sha256: status.values.sha256 ?? '' };
      }
      await sleep(2);
    }
  } finally {
    services.dispose();
  }
}

/** SHA-256 alone, through the same worker code the service runs (the metric). */
async function sha256Once(path: string, size: number): Promise<{ ms: number; sha256: string }> {
  const start = nowMs();
  const hasher = new RangeHasher({ path, offset: 0, length: size, algos: ['sha256'], edits: [] });
  const outcome = await hasher.outcome;
  if (outcome.kind !== 'done') throw new Error(`sha256: ${outcome.kind}`);
  return { ms: nowMs() - start, sha256: outcome.values.sha256 ?? '' };
}

export async function benchHash(dir: string): Promise<void> {
  const size = 1 << 30;
  const path = binaryFile(dir, size);
  timePeer('sh', ['-c', 'cat "$1" > /dev/null', 'sh', path], 1); // warm the page cache
  const sha256sum = timePeer('sha256sum', [path], 2);
  const md5sum = timePeer('md5sum', [path], 2);
  let best = { ms: Number.POSITIVE_INFINITY, sha256: '' };
  for (let i = 0; i < 2; i++) {
    const run = await hashOnce(path, size);
    if (run.ms < best.ms) best = run;
  }
  let alone = { ms: Number.POSITIVE_INFINITY, sha256: '' };
  for (let i = 0; i < 2; i++) {
    const run = await sha256Once(path, size);
    if (run.ms < alone.ms) alone = run;
  }
  report({
    metric: 'hash.sha256.1gib',
    value: alone.ms,
    unit: 'ms',
    ...(sha256sum === undefined ? {} : { peer: 'sha256sum', peerValue: sha256sum.ms }),
    ...(sha256sum === undefined ? {} : { agrees: sha256sum.stdout.startsWith(alone.sha256) }),
    better: 'lower',
    note: 'SHA-256 alone of a 1 GiB range, streamed from the file in a worker thread (the service’s hasher), page cache warm',
  });
  const agrees = sha256sum === undefined ? {} : { agrees: sha256sum.stdout.startsWith(best.sha256) };
  report({
    metric: 'hash.selection.1gib',
    value: best.ms,
    unit: 'ms',
    ...(sha256sum === undefined ? {} : { peer: 'sha256sum', peerValue: sha256sum.ms }),
    ...agrees,
    better: 'lower',
    note: 'CRC32 + MD5 + SHA-1 + SHA-256 of a 1 GiB selection in two worker threads, page cache warm, startHashes to done',
  });
  if (md5sum !== undefined) {
    report({
      metric: 'hash.selection.1gib.vs_md5sum',
      value: best.ms,
      unit: 'ms',
      peer: 'md5sum',
      peerValue: md5sum.ms,
      better: 'lower',
      note: 'the same run against md5sum (MD5 is the slowest of the four, so it sets the time)',
    });
  }
}
