// A merged view through the services: two real files indexed, merged by time into a session of
// its own; its rows against a stable sort of the files' blocks, Go to time, a row's time, the
// timeline's counts, copy, and a file closed under it.
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type {
  FileInfo,
  IndexStatus,
  LineTime,
  TextLines,
  TimelineStatus,
  TimeSeekResult,
} from '../../../shared/contract';
import { seededRandom } from '../../../shared/seededRandom';
import { indexDone, openLog, sleep } from './mergeTestKit';
import { createServiceHarness, testOwner, type ServiceHarness } from '../testing/serviceHarness';

let harness: ServiceHarness;
beforeEach(() => {
  harness = createServiceHarness('hexlog-merge-');
});
afterEach(() => harness.dispose());

/** A sorted log: ISO times in UTC, stack traces after some lines. */
function log(seed: number, timed: number, name: string): { text: string; times: number[] } {
  const random = seededRandom(seed);
  const lines: string[] = [];
  const times: number[] = [];
  let now = Date.UTC(2026, 11, 5, 8);
  for (let i = 0; i < timed; i++) {
    now += random.int(3) === 0 ? 0 : random.int(2000);
    lines.push(`${new Date(now).toISOString()} ${i % 9 === 0 ? 'ERROR' : 'INFO'} ${name} ${i}`);
    times.push(now);
    if (random.int(6) === 0) {
      lines.push(`    at ${name}.frame(${i})`);
      times.push(Number.NaN);
    }
  }
  return { text: `${lines.join('\n')}\n`, times };
}

describe('merged view', () => {
  it('interleaves two files by time, stable, continuation lines with their line; go to time, line time, timeline, copy', async () => {
    const a = log(1, 20_000, 'alpha');
    const b = log(2, 15_000, 'beta');
    const infoA = await openLog(harness, 'a.log', a.text);
    const infoB = await openLog(harness, 'b.log', b.text);
    const merged = await harness.call<FileInfo>('mergeFiles', [infoA.session, infoB.session]);
    expect(merged.merged?.map((file) => file.name)).toEqual(['a.log', 'b.log']);
    const status = await indexDone(harness, merged.session);
    expect(status.linesKnown).toBe(a.times.length + b.times.length);

    // Expected: each file's blocks, stably sorted by time (a before b on a tie).
    const blocks: { time: number; rows: [number, number][] }[] = [];
    for (const [file, times] of [a.times, b.times].entries()) {
      for (const [line, ms] of times.entries()) {
        if (!Number.isNaN(ms)) blocks.push({ time: ms, rows: [] });
        blocks[blocks.length - 1]!.rows.push([file, line]);
      }
    }
    const expected = blocks.sort((x, y) => x.time - y.time).flatMap((block) => block.rows);
    const random = seededRandom(3);
    for (let k = 0; k < 20; k++) {
      const first = random.int(expected.length - 300);
      const rows = await harness.call<TextLines>('readLines', merged.session, first, 300);
      expect(rows.count).toBe(300);
      const got = Array.from(rows.sources!, (file, i) => [file, rows.sourceLines![i]!]);
      expect(got).toEqual(expected.slice(first, first + 300));
      // The text is the file's line.
      const [file, line] = expected[first]!;
      const text = new TextDecoder().decode(rows.bytes.subarray(rows.textStarts[0], rows.textStarts[1]));
      expect(text).toBe((file === 0 ? a : b).text.split('\n')[line]);
    }

    const allTimes = expected.map(([file, line]) => (file === 0 ? a : b).times[line]!);
    for (let k = 0; k < 20; k++) {
      const target = allTimes.filter((ms) => !Number.isNaN(ms))[random.int(30_000)]! + 1;
      const row = allTimes.findIndex((ms) => ms >= target);
      const found = await harness.call<TimeSeekResult>('seekTime', merged.session, target);
      expect(found.line).toBe(row);
    }
    const continuation = allTimes.findIndex((ms) => Number.isNaN(ms));
    const time = await harness.call<LineTime>('lineTime', merged.session, continuation);
    expect(time).toMatchObject({ line: continuation, own: false, ms: allTimes[continuation - 1] });

    let timeline = await harness.call<TimelineStatus>('startTimeline', merged.session, -1);
    while (!timeline.done) {
      await sleep(5);
      timeline = (await harness.call<TimelineStatus | null>('timelineStatus', merged.session))!;
    }
    let counted = 0;
    for (let bucket = 0; bucket < timeline.buckets; bucket++)
      counted += timeline.counts[bucket * (1 + timeline.series.length)]!;
    expect(counted).toBe(expected.length);

    const copied = await harness.call<Uint8Array>('copyLines', merged.session, 10, 12);
    expect(new TextDecoder().decode(copied).split('\n')).toHaveLength(3);

    // What the merged view does not do is refused, not answered with a file's data.
    const hex = await harness.services.dispatch(testOwner, 'readBytes', [merged.session, 0, 16]);
    expect(hex).toMatchObject({ ok: false, code: 'EUNSUPPORTED' });

    // A file closed under it: the view says so; then the view closes.
    await harness.call('closeFile', infoB.session);
    const after = await harness.services.dispatch(testOwner, 'readLines', [merged.session, 0, 10]);
    expect(after).toMatchObject({ ok: false, code: 'ECLOSED', message: /b\.log was closed/ });
    await harness.call('closeFile', merged.session);
    expect(await harness.services.dispatch(testOwner, 'indexStatus', [merged.session])).toMatchObject({
      ok: false,
      code: 'ENOSESSION',
    });
  });

  it('extends the merge when a followed file grows by later lines, and merges again (the old merge showing) when lines come earlier', async () => {
    const a = log(5, 3000, 'alpha');
    const b = log(6, 2000, 'beta');
    const infoA = await openLog(harness, 'a.log', a.text);
    const infoB = await openLog(harness, 'b.log', b.text);
    await harness.call('setFollow', infoA.session, true);
    const merged = await harness.call<FileInfo>('mergeFiles', [infoA.session, infoB.session]);
    const before = await indexDone(harness, merged.session);
    expect(before.linesKnown).toBe(a.times.length + b.times.length);
    let timeline = await harness.call<TimelineStatus>('startTimeline', merged.session, -1);
    while (!timeline.done) {
      await sleep(5);
      timeline = (await harness.call<TimelineStatus | null>('timelineStatus', merged.session))!;
    }
    expect(timeline.linesCounted).toBe(before.linesKnown);
    // Lines later than everything in both files, appended to a.log.
    const late = Date.UTC(2027, 0, 1);
    const added = Array.from(
      { length: 50 },
      (_, i) => `${new Date(late + i * 1000).toISOString()} INFO alpha late ${i}`,
    );
    appendFileSync(join(harness.dir, 'a.log'), `${added.join('\n')}\n`);
    await harness.call('reloadFile', infoA.session);
    await indexDone(harness, infoA.session);
    let status = before;
    for (let i = 0; i < 2000 && status.linesKnown !== before.linesKnown + 50; i++) {
      await sleep(5);
      status = await harness.call<IndexStatus>('indexStatus', merged.session);
      // Never an empty view in between: the old merge shows until the new one is done.
      expect(status.linesKnown).toBeGreaterThanOrEqual(before.linesKnown);
    }
    expect(status.linesKnown).toBe(before.linesKnown + 50);
    // Taken in place: the rows shown stay valid, the new ones follow them.
    expect(status.generation).toBe(before.generation);
    expect(status.following).toBe(false);
    const tail = await harness.call<TextLines>('readLines', merged.session, status.linesKnown - 50, 50);
    expect([...tail.sources!].every((file) => file === 0)).toBe(true);
    // The timeline counts the new lines too (over a wider range: they are a year later).
    for (let i = 0; i < 2000 && !(timeline.done && timeline.linesCounted === status.linesKnown); i++) {
      await sleep(5);
      timeline = (await harness.call<TimelineStatus | null>('timelineStatus', merged.session))!;
    }
    expect(timeline.linesCounted).toBe(status.linesKnown);
    expect(timeline.toMs).toBeGreaterThan(late + 49_000);
    expect(new TextDecoder().decode(tail.bytes.subarray(tail.textStarts[49], tail.textStarts[50]))).toBe(added[49]);

    // Lines earlier than the end of a.log, appended to b.log: merged again, then swapped in.
    const early = Array.from(
      { length: 20 },
      (_, i) => `${new Date(late - 1e9 + i).toISOString()} INFO beta early ${i}`,
    );
    appendFileSync(join(harness.dir, 'b.log'), `${early.join('\n')}\n`);
    await harness.call('reloadFile', infoB.session);
    await indexDone(harness, infoB.session);
    const grown = status;
    for (let i = 0; i < 2000 && status.linesKnown !== grown.linesKnown + 20; i++) {
      await sleep(5);
      status = await harness.call<IndexStatus>('indexStatus', merged.session);
      expect(status.linesKnown).toBeGreaterThanOrEqual(grown.linesKnown);
    }
    expect(status.linesKnown).toBe(grown.linesKnown + 20);
    expect(status.generation).toBeGreaterThan(grown.generation);
    const end = await harness.call<TextLines>('readLines', merged.session, status.linesKnown - 70, 70);
    const text = (k: number): string =>
      new TextDecoder().decode(end.bytes.subarray(end.textStarts[k], end.textStarts[k + 1]));
    expect(text(0)).toBe(early[0]);
    expect(text(69)).toBe(added[49]);

    // Following the merged tab follows both files.
    const followed = await harness.call<IndexStatus>('setFollow', merged.session, true);
    expect(followed.following).toBe(true);
    expect((await harness.call<IndexStatus>('indexStatus', infoB.session)).following).toBe(true);
  });

  it('refuses fewer than two files, a file without times, and another window’s files', async () => {
    const a = await openLog(harness, 'a.log', log(4, 100, 'a').text);
    const plain = await openLog(harness, 'plain.txt', 'no times\nat all\n');
    expect(await harness.services.dispatch(testOwner, 'mergeFiles', [[a.session]])).toMatchObject({
      ok: false,
      code: 'EINVAL',
    });
    expect(await harness.services.dispatch(testOwner, 'mergeFiles', [[a.session, plain.session]])).toMatchObject({
      ok: false,
      code: 'EINVAL',
      message: /plain\.txt has no timestamps/,
    });
    expect(
      await harness.services.dispatch({ owner: 'window:2' }, 'mergeFiles', [[a.session, plain.session]]),
    ).toMatchObject({ ok: false, code: 'ENOSESSION' });
  });
});
