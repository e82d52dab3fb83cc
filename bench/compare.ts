// Comparing two 4 GiB files (generated once, written out in full: no sparse holes) with seeded
// differences: the addon's ByteDiff against `cmp -l | wc -l` (which counts the differing bytes
// too) and `cmp -l` alone, in the same run, on the same (page-cached) files.
import { closeSync, existsSync, openSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { createByteDiff, openMapped } from '../native/index';
import { seededRandom } from '../src/shared/seededRandom';
import { timePeer, type PeerRun } from './peers';
import { nowMs, report } from './report';

const MiB = 1 << 20;
const DIFFERENCES = 1000;

/** The pair of files: B is A with DIFFERENCES seeded edits (1 to 8 bytes each). */
function generatePair(dir: string, sizeMiB: number): [string, string] {
  const a = join(dir, `compare-${sizeMiB}m-a.bin`);
  const b = join(dir, `compare-${sizeMiB}m-b.bin`);
  const size = sizeMiB * MiB;
  if (existsSync(a) && existsSync(b) && statSync(a).size === size && statSync(b).size === size) return [a, b];
  process.stderr.write(`bench: generating two ${sizeMiB} MiB files to compare (once) in ${dir}\n`);
  const random = seededRandom(7);
  const block = random.bytes(MiB);
  const edits = new Map<number, { at: number; length: number }[]>();
  for (let i = 0; i < DIFFERENCES; i++) {
    const at = random.int(size - 8);
    const length = 1 + random.int(8);
    const list = edits.get(Math.floor(at / MiB)) ?? [];
    list.push({ at, length });
    edits.set(Math.floor(at / MiB), list);
  }
  const fdA = openSync(a, 'w');
  const fdB = openSync(b, 'w');
  try {
    const view = new DataView(block.buffer);
    for (let index = 0; index < sizeMiB; index++) {
      view.setUint32(0, index); // every block its own bytes
      writeSync(fdA, block);
      const list = edits.get(index);
      if (list === undefined) {
        writeSync(fdB, block);
        continue;
      }
      const changed = block.slice();
      for (const { at, length } of list) {
        for (let j = 0; j < length && (at % MiB) + j < MiB; j++)
          changed[(at % MiB) + j] = changed[(at % MiB) + j]! ^ 0x5a;
      }
      writeSync(fdB, changed);
    }
  } finally {
    closeSync(fdA);
    closeSync(fdB);
  }
  return [a, b];
}

async function compareOnce(a: string, b: string): Promise<{ ms: number; bytes: number; ranges: number }> {
  const fileA = openMapped(a, 'readonly');
  const fileB = openMapped(b, 'readonly');
  try {
    const start = nowMs();
    const diff = createByteDiff(fileA, fileB);
    try {
      for (;;) {
        const progress = diff.progress();
        if (progress.error !== null) throw new Error(progress.error.message);
        if (progress.done) return { ms: nowMs() - start, bytes: progress.bytes, ranges: progress.ranges };
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
    } finally {
      diff.dispose();
    }
  } finally {
    fileA.close();
    fileB.close();
  }
}

export async function benchCompare(dir: string): Promise<void> {
  const sizeMiB = Number(process.env['HEXLOG_BENCH_COMPARE_MIB'] ?? 4096);
  const [a, b] = generatePair(dir, sizeMiB);
  // The files just written may still be going to disk: read them once, then take turns, best of 3.
  timePeer('sh', ['-c', 'cat "$1" "$2" > /dev/null', 'sh', a, b], 1);
  const listing = join(dir, 'compare-cmp-l.txt');
  const runs: { ms: number; bytes: number; ranges: number }[] = [];
  const countedRuns: PeerRun[] = [];
  const aloneRuns: PeerRun[] = [];
  for (let i = 0; i < 3; i++) {
    runs.push(await compareOnce(a, b));
    const counted = timePeer('sh', ['-c', 'cmp -l "$1" "$2" | wc -l', 'sh', a, b], 1);
    if (counted !== undefined) countedRuns.push(counted);
    // cmp alone: without -l it stops at the first difference, and GNU cmp writing to /dev/null
    // does too; its full comparison alone is -l into a file.
    const alone = timePeer('sh', ['-c', 'cmp -l "$1" "$2" > "$3"', 'sh', a, b, listing], 1);
    if (alone !== undefined) aloneRuns.push(alone);
  }
  const fastest = <T extends { ms: number }>(list: readonly T[]): T | undefined =>
    list.reduce<T | undefined>((x, y) => (x === undefined || y.ms < x.ms ? y : x), undefined);
  const best = fastest(runs)!;
  const counted = fastest(countedRuns);
  const alone = fastest(aloneRuns);
  report({
    metric: 'compare.4g.time',
    value: best.ms,
    unit: 'ms',
    peer: 'cmp -l | wc -l',
    ...(counted !== undefined ? { peerValue: counted.ms, agrees: Number(counted.stdout.trim()) === best.bytes } : {}),
    better: 'lower',
    note: `${sizeMiB} MiB each, ${best.ranges} differing ranges, ${best.bytes} differing bytes`,
  });
  report({
    metric: 'compare.4g.time',
    value: best.ms,
    unit: 'ms',
    peer: 'cmp -l > file',
    ...(alone !== undefined ? { peerValue: alone.ms } : {}),
    better: 'lower',
  });
}
