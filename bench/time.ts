// Time metrics through the services, as the app calls them: the timeline of the whole file (one
// native pass) against `wc -l` reading the same file in the same run, its line count checked
// against wc's; Go to time (seekTime) on the indexed file, per call; and two logs merged by time,
// the merged view's timeline against `wc -l A B`.
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import type {
  FileInfo,
  FindQuery,
  FindStatus,
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

type Call = <T>(name: string, ...args: unknown[]) => Promise<T>;

/** Best of 3 from startTimeline to done on `session` (a file or a merged view), and the lines it counted. */
async function timelineToDone(call: Call, session: SessionId): Promise<{ ms: number; lines: number }> {
  let best = Number.POSITIVE_INFINITY;
  let lines = 0;
  for (let run = 0; run < 3; run++) {
    const start = nowMs();
    let status = await call<TimelineStatus>('startTimeline', session, -1);
    while (!status.done) {
      await sleep(1);
      status = (await call<TimelineStatus | null>('timelineStatus', session))!;
    }
    if (status.error !== null) throw new Error(status.error.message);
    best = Math.min(best, nowMs() - start);
    lines = status.linesCounted;
  }
  return { ms: best, lines };
}

/** `wc -l` over `paths` (best of 3 after a warm run) and their lines in all, or undefined without wc. */
function wcLines(paths: readonly string[]): { ms: number; lines: number } | undefined {
  timePeer('wc', ['-l', ...paths], 1);
  const wc = timePeer('wc', ['-l', ...paths]);
  if (wc === undefined) return undefined;
  // With two or more files the last line is the total. wc counts newlines: a last line without one is a line too.
  const counts = wc.stdout.trim().split('\n');
  const total = Number(counts[counts.length - 1]!.trim().split(/\s+/)[0]);
  return { ms: wc.ms, lines: total + paths.filter((path) => !endsWithNewline(path)).length };
}

/** `second` is the other log of the merge metrics (`path` again for two copies). */
export async function benchTime(path: string, second: string): Promise<void> {
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

    const timeline = await timelineToDone(call, info.session);
    reportTimeline('time.timeline.build', timeline, [path], `${state.format.kind} time buckets`);

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
    await benchMerge(path, second, info.session, call, services);
  } finally {
    services.dispose();
  }
}

/** The timeline's time against `wc -l` over the same files, its line count checked against wc's. */
function reportTimeline(metric: string, timeline: { ms: number; lines: number }, paths: string[], what: string): void {
  const wc = wcLines(paths);
  const agrees = wc === undefined ? undefined : wc.lines === timeline.lines;
  if (agrees === false) {
    process.stderr.write(`bench: ${metric}: COUNT MISMATCH: ${timeline.lines} lines, wc -l counts ${wc!.lines}\n`);
  }
  report({
    metric,
    value: timeline.ms / 1000,
    unit: 's',
    ...(wc === undefined ? {} : { peer: `wc -l${paths.length > 1 ? ' A B' : ''}`, peerValue: wc.ms / 1000, agrees }),
    better: 'lower',
    note: `${timeline.lines} lines in ${what}, by level; wc -l counts ${wc?.lines ?? 'nothing (not installed)'} (target ratio ≤ 2)`,
  });
}

/** The log and `secondPath` merged by time: the first screen, the whole merge, its memory per row, its timeline. */
async function benchMerge(
  firstPath: string,
  secondPath: string,
  firstSession: SessionId,
  call: Call,
  services: ReturnType<typeof createBenchServices>['services'],
): Promise<void> {
  const second = await call<FileInfo>('openOffered', services.offers.offer(secondPath).offerId);
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
  // The merged view's timeline: each file's own pass over the merged range (one after another), added up.
  const timeline = await timelineToDone(call, merged.session);
  reportTimeline('time.merge.timeline.build', timeline, [firstPath, secondPath], "the merged view's time buckets");

  // Find in the merged view: each file searched, every match placed in the merged text, in order.
  const query: FindQuery = { mode: 'text', pattern: 'ERROR', matchCase: true, wholeWord: false };
  const findStart = nowMs();
  let found = await call<FindStatus>('startFind', merged.session, query);
  while (!found.done) {
    await sleep(5);
    found = (await call<FindStatus | null>('findStatus', merged.session))!;
  }
  const findMs = nowMs() - findStart;
  const peer = timePeer('sh', ['-c', `grep -o ERROR '${firstPath}' '${secondPath}' | wc -l`], 1);
  const expected = peer === undefined ? undefined : Number(peer.stdout.trim());
  if (expected !== undefined && expected !== found.matchCount) {
    process.stderr.write(`bench: COUNT MISMATCH merged find ${found.matchCount} against grep's ${expected}\n`);
  }
  report({
    metric: 'time.merge.find',
    value: findMs / 1000,
    unit: 's',
    ...(peer === undefined
      ? {}
      : { peer: 'grep -o | wc -l', peerValue: peer.ms / 1000, agrees: expected === found.matchCount }),
    better: 'lower',
    note: `${found.matchCount} matches of ERROR in the merged view, searched and placed in merged order; ${
      view === null ? 0 : Math.round(view.find.memoryBytes() / Math.max(1, found.matchCount))
    } bytes a match`,
  });
}
