// Line index metrics: throughput versus `wc -l`, memory per line, time to first lines, jump latency.
import { createLineIndex, openMapped, type LineIndex } from '../native/index';
import { seededRandom } from '../src/shared/seededRandom';
import { timePeer } from './peers';
import { nowMs, percentile, report } from './report';

async function waitDone(index: LineIndex): Promise<void> {
  while (!index.progress().done) {
    if (index.progress().error !== null) throw new Error(index.progress().error!.message);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

/** Time to index the whole file (best of 3), with the page cache warm. */
async function indexMs(path: string): Promise<{ ms: number; lines: number; memory: number }> {
  let best = { ms: Number.POSITIVE_INFINITY, lines: 0, memory: 0 };
  for (let run = 0; run < 3; run++) {
    const file = openMapped(path, 'readonly');
    const start = nowMs();
    const index = createLineIndex(file, 'utf-8');
    await waitDone(index);
    const ms = nowMs() - start;
    if (ms < best.ms) best = { ms, lines: index.progress().linesKnown, memory: index.memoryBytes() };
    index.dispose();
    file.close();
  }
  return best;
}

/** Time from open until lines 1-100 are served. */
async function firstLinesMs(path: string): Promise<number> {
  const start = nowMs();
  const file = openMapped(path, 'readonly');
  const index = createLineIndex(file, 'utf-8');
  try {
    while (index.progress().linesKnown < 100 && !index.progress().done) {
      await new Promise((resolve) => setImmediate(resolve));
    }
    const slice = index.readLines(0, 100, 64 * 1024);
    if (slice.count === 0) throw new Error('no lines served');
    return nowMs() - start;
  } finally {
    index.dispose();
    file.close();
  }
}

export async function benchLineIndex(path: string, size: number, bigPath?: string): Promise<void> {
  timePeer('wc', ['-l', path], 1); // warm the page cache
  const wc = timePeer('wc', ['-l', path]);
  const ours = await indexMs(path);
  report({
    metric: 'index.throughput',
    value: size / (1 << 20) / (ours.ms / 1000),
    unit: 'MiB/s',
    ...(wc ? { peer: 'wc -l', peerValue: size / (1 << 20) / (wc.ms / 1000) } : { note: 'wc not available' }),
    better: 'higher',
  });
  report({
    metric: 'index.memory.per_line',
    value: ours.memory / Math.max(1, ours.lines),
    unit: 'bytes/line',
    better: 'lower',
  });
  report({
    metric: 'index.first100.latency',
    value: await firstLinesMs(path),
    unit: 'ms',
    better: 'lower',
    note: `${size} bytes`,
  });
  if (bigPath !== undefined) {
    report({
      metric: 'index.first100.latency.big',
      value: await firstLinesMs(bigPath),
      unit: 'ms',
      better: 'lower',
      note: bigPath,
    });
  }

  // Jump to random lines once the index is complete: one viewport (60 lines) per jump.
  const file = openMapped(path, 'readonly');
  const index = createLineIndex(file, 'utf-8');
  try {
    await waitDone(index);
    const total = index.progress().linesKnown;
    const random = seededRandom(5);
    const times: number[] = [];
    for (let i = 0; i < 2000; i++) {
      const line = random.int(total);
      const start = nowMs();
      index.readLines(line, 60, 64 * 1024);
      times.push(nowMs() - start);
    }
    times.sort((a, b) => a - b);
    report({ metric: 'index.jump.latency.median', value: percentile(times, 0.5), unit: 'ms', better: 'lower' });
    report({ metric: 'index.jump.latency.p99', value: percentile(times, 0.99), unit: 'ms', better: 'lower' });
  } finally {
    index.dispose();
    file.close();
  }
}
