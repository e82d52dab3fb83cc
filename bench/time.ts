// Time metrics through the services, as the app calls them: the timeline of the whole file (one
// native pass) against `wc -l` reading the same file in the same run, its line count checked
// against wc's; and Go to time (seekTime) on the indexed file, per call.
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import type {
  FileInfo,
  IndexStatus,
  TextLines,
  TimelineStatus,
  TimeSeekResult,
  TimeState,
} from '../src/shared/contract';
import type { SessionId } from '../src/shared/units';
import { benchServices as createBenchServices } from './find';
import { timePeer } from './peers';
import { nowMs, percentile, report } from './report';

function endsWithNewline(path: string): boolean {
  const size = statSync(path).size;
  if (size === 0) return true;
  const fd = openSync(path, 'r');
  try {
    const last = Buffer.alloc(1);
    readSync(fd, last, 0, 1, size - 1);
    return last[0] === 0x0a;
  } finally {
    closeSync(fd);
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function benchTime(path: string): Promise<void> {
  const { services, call } = createBenchServices();
  try {
    const info = await call<FileInfo>('openOffered', services.offers.offer(path).offerId);
    let index = await call<IndexStatus>('openText', info.session, 'utf-8');
    while (!index.done) {
      if (index.error !== null) throw new Error(index.error.message);
      await sleep(5);
      index = await call<IndexStatus>('indexStatus', info.session);
    }
    const state = await call<TimeState>('timeState', info.session);
    if (state.format === null) {
      process.stderr.write(`bench: time skipped: no timestamps recognised in ${path}\n`);
      return;
    }

    // The timeline: best of 3 from startTimeline to done.
    let best = Number.POSITIVE_INFINITY;
    let lines = 0;
    for (let run = 0; run < 3; run++) {
      const start = nowMs();
      let status = await call<TimelineStatus>('startTimeline', info.session, -1);
      while (!status.done) {
        await sleep(1);
        status = (await call<TimelineStatus | null>('timelineStatus', info.session))!;
      }
      if (status.error !== null) throw new Error(status.error.message);
      best = Math.min(best, nowMs() - start);
      lines = status.linesCounted;
    }
    timePeer('wc', ['-l', path], 1);
    const wc = timePeer('wc', ['-l', path]);
    // wc counts newlines: a last line without one is a line too.
    const wcLines =
      wc === undefined ? undefined : Number(wc.stdout.trim().split(/\s+/)[0]) + (endsWithNewline(path) ? 0 : 1);
    report({
      metric: 'time.timeline.build',
      value: best / 1000,
      unit: 's',
      ...(wc === undefined ? {} : { peer: 'wc -l', peerValue: wc.ms / 1000, agrees: wcLines === lines }),
      better: 'lower',
      note: `${lines} lines in ${state.format.kind} time buckets, by level; wc -l counts ${wcLines} (target ratio ≤ 2)`,
    });

    // Go to time: random targets between the first and the last time, each a fresh binary search.
    const first = state.firstMs!;
    const last = state.lastMs!;
    const times: number[] = [];
    for (let k = 0; k < 200; k++) {
      const target = Math.round(first + ((last - first) * ((k * 7919) % 200)) / 200);
      const start = nowMs();
      await call<TimeSeekResult>('seekTime', info.session, target);
      times.push(nowMs() - start);
    }
    times.sort((a, b) => a - b);
    report({
      metric: 'time.goto.p95',
      value: percentile(times, 0.95),
      unit: 'ms',
      better: 'lower',
      note: `seekTime over ${index.linesKnown} lines, 200 targets; median ${percentile(times, 0.5).toFixed(2)} ms (target ≤ 10 ms)`,
    });
    await benchMerge(path, info.session, call, services);
  } finally {
    services.dispose();
  }
}

/** Two copies of the log merged by time: the first screen, the whole merge, its memory per row. */
async function benchMerge(
  path: string,
  firstSession: SessionId,
  call: <T>(name: string, ...args: unknown[]) => Promise<T>,
  services: ReturnType<typeof createBenchServices>['services'],
): Promise<void> {
  const second = await call<FileInfo>('openOffered', services.offers.offer(path).offerId);
  let index = await call<IndexStatus>('openText', second.session, 'utf-8');
  while (!index.done) {
    await sleep(5);
    index = await call<IndexStatus>('indexStatus', second.session);
  }
  const sessions = [firstSession, second.session];
  const start = nowMs();
  const merged = await call<FileInfo>('mergeFiles', sessions);
  let lines: TextLines | null = null;
  while (lines === null || lines.count < 60) {
    lines = await call<TextLines>('readLines', merged.session, 0, 60);
    if (lines.count < 60) await sleep(1);
  }
  const firstScreen = nowMs() - start;
  report({
    metric: 'time.merge.first_screen',
    value: firstScreen,
    unit: 'ms',
    better: 'lower',
    note: 'mergeFiles of two indexed 1 GiB logs until the first 60 merged rows are read (target ≤ 100 ms)',
  });
  let status = await call<IndexStatus>('indexStatus', merged.session);
  while (!status.done) {
    await sleep(5);
    status = await call<IndexStatus>('indexStatus', merged.session);
  }
  const whole = nowMs() - start;
  const view = services.sessions.getMerged(merged.session as SessionId, 'bench');
  report({
    metric: 'time.merge.build',
    value: whole / 1000,
    unit: 's',
    better: 'lower',
    note: `the whole merge of ${status.linesKnown} rows, in the background`,
  });
  report({
    metric: 'time.merge.memory.per_line',
    value: (view?.memoryBytes ?? Number.NaN) / Math.max(1, status.linesKnown),
    unit: 'bytes/line',
    better: 'lower',
    note: 'the merge state (checkpoints every 4096 rows) per merged row (target ≤ 1 byte)',
  });
  // Scrolling: reads of 256 rows at random places, as the view's line cache asks for them.
  const reads: number[] = [];
  for (let k = 0; k < 100; k++) {
    const row = Math.floor((((k * 7919) % 100) / 100) * (status.linesKnown - 256));
    const at = nowMs();
    await call<TextLines>('readLines', merged.session, row, 256);
    reads.push(nowMs() - at);
  }
  reads.sort((a, b) => a - b);
  report({
    metric: 'time.merge.read_block.p95',
    value: percentile(reads, 0.95),
    unit: 'ms',
    better: 'lower',
    note: `one block of 256 merged rows at a random place (a scroll jump); median ${percentile(reads, 0.5).toFixed(2)} ms (a frame is 16.7 ms)`,
  });
}
