// The timeline: a strip above the text drawn on a canvas, the whole file's lines per time bucket,
// stacked by level (errors red, warnings amber, the rest neutral), with the lines holding a match
// of the search drawn over them and the current line's time as a marker. Hovering tells a bucket's
// time range and counts; a click goes to that time; a drag selects a range of time.
import { useEffect, useRef, useState, type ReactElement } from 'react';
import { useStore } from 'zustand';
import type { TimelineStatus } from '../../../shared/contract';
import { formatTime } from '../../../shared/time';
import { plural } from '../../format';
import { useFileStoreApi } from '../../state/fileStore';
import { useFindStoreApi } from '../../state/findStore';
import { useLogStoreApi } from '../../state/logStore';
import { useTimeStore, useTimeStoreApi, type TimeRange } from '../../state/timeStore';
import { messages } from '../../state/messages';
import { lineNumber } from '../../../shared/units';
import { focusView } from '../../shell/viewCommands';

const HEIGHT = 44;

/** What one column of pixels shows: its buckets' sums. */
interface Column {
  readonly lines: number;
  readonly error: number;
  readonly warn: number;
  readonly match: number;
  readonly fromMs: number;
  readonly toMs: number;
}

function bucketMs(status: TimelineStatus, bucket: number): number {
  return status.fromMs + ((status.toMs - status.fromMs) * bucket) / status.buckets;
}

/** Sums of buckets [first, end) of `status`. */
export function sumBuckets(status: TimelineStatus, first: number, end: number): Column {
  const stride = 1 + status.series.length;
  const at = (name: 'error' | 'warn' | 'match'): number => status.series.indexOf(name);
  const [errorAt, warnAt, matchAt] = [at('error'), at('warn'), at('match')];
  let lines = 0;
  let error = 0;
  let warn = 0;
  let match = 0;
  for (let b = first; b < end; b++) {
    const base = b * stride;
    lines += status.counts[base]!;
    if (errorAt >= 0) error += status.counts[base + 1 + errorAt]!;
    if (warnAt >= 0) warn += status.counts[base + 1 + warnAt]!;
    if (matchAt >= 0) match += status.counts[base + 1 + matchAt]!;
  }
  return { lines, error, warn, match, fromMs: bucketMs(status, first), toMs: bucketMs(status, end) };
}

/** The columns of a strip `width` pixels wide. */
function columnsOf(status: TimelineStatus, width: number): Column[] {
  const columns: Column[] = [];
  for (let x = 0; x < width; x++) {
    const first = Math.floor((x * status.buckets) / width);
    const end = Math.max(first + 1, Math.floor(((x + 1) * status.buckets) / width));
    columns.push(sumBuckets(status, first, Math.min(end, status.buckets)));
  }
  return columns;
}

function cssColor(element: Element, name: string): string {
  return getComputedStyle(element).getPropertyValue(name).trim() || '#888';
}

function draw(
  canvas: HTMLCanvasElement,
  status: TimelineStatus,
  currentMs: number | null,
  range: TimeRange | null,
  keyBucket: number | null,
): void {
  const ratio = window.devicePixelRatio || 1;
  const width = canvas.clientWidth;
  if (width === 0) return;
  canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(HEIGHT * ratio);
  const context = canvas.getContext('2d');
  if (context === null) return;
  context.setTransform(ratio, 0, 0, ratio, 0, 0);
  context.clearRect(0, 0, width, HEIGHT);
  const colors = {
    lines: cssColor(canvas, '--timeline-lines'),
    error: cssColor(canvas, '--timeline-error'),
    warn: cssColor(canvas, '--timeline-warn'),
    match: cssColor(canvas, '--timeline-match'),
    marker: cssColor(canvas, '--timeline-marker'),
    range: cssColor(canvas, '--timeline-range'),
  };
  const columns = columnsOf(status, Math.floor(width));
  const most = Math.max(1, ...columns.map((column) => column.lines));
  const span = status.toMs - status.fromMs;
  const xOf = (ms: number): number => ((ms - status.fromMs) / span) * width;
  // Heights on a log scale: a quiet hour next to a burst still shows. Each column's height is split
  // between errors, warnings and the rest in proportion (an error is never thinner than a pixel).
  const logMost = Math.log1p(most);
  const heightOf = (count: number): number =>
    count === 0 ? 0 : Math.max(2, (Math.log1p(count) / logMost) * (HEIGHT - 4));
  columns.forEach((column, x) => {
    const total = heightOf(column.lines);
    if (total === 0) return;
    const errors = Math.min(column.error, column.lines);
    const warnings = Math.min(column.warn, column.lines - errors);
    const errorHeight = errors === 0 ? 0 : Math.max(1, (total * errors) / column.lines);
    const warnHeight = warnings === 0 ? 0 : Math.max(1, (total * warnings) / column.lines);
    let y = HEIGHT;
    for (const [height, color] of [
      [errorHeight, colors.error],
      [warnHeight, colors.warn],
      [Math.max(0, total - errorHeight - warnHeight), colors.lines],
    ] as const) {
      if (height <= 0) continue;
      context.fillStyle = color;
      // A column among empty ones is drawn two pixels wide, so that a lone burst is seen.
      context.fillRect(x, y - height, columns[x + 1]?.lines === 0 ? 2 : 1, height);
      y -= height;
    }
    // Lines with a match: a mark along the top edge, as tall as their share of the column.
    if (column.match > 0) {
      context.fillStyle = colors.match;
      context.fillRect(x, 0, 1, Math.max(3, Math.min(10, (10 * column.match) / column.lines)));
    }
  });
  // The dragged range, over the bars.
  if (range !== null) {
    context.fillStyle = colors.range;
    const from = xOf(range.fromMs);
    context.fillRect(from, 0, Math.max(1, xOf(range.toMs) - from), HEIGHT);
  }
  // The bucket picked with the keyboard: an outline.
  if (keyBucket !== null) {
    const from = (keyBucket / status.buckets) * width;
    context.strokeStyle = colors.marker;
    context.lineWidth = 1;
    context.strokeRect(Math.floor(from) + 0.5, 0.5, Math.max(3, width / status.buckets), HEIGHT - 1);
  }
  if (currentMs !== null && currentMs >= status.fromMs && currentMs <= status.toMs) {
    context.fillStyle = colors.marker;
    context.fillRect(Math.min(width - 2, Math.max(0, Math.round(xOf(currentMs)) - 1)), 0, 2, HEIGHT);
  }
}

/** `HH:MM` (or the date, for a range of days) at the strip's edges. */
function edgeLabel(ms: number, spanMs: number): string {
  const text = formatTime(ms);
  return spanMs >= 2 * 86_400_000 ? text.slice(0, 16) : text.slice(11, 19);
}

export function Timeline(): ReactElement | null {
  const timeStore = useTimeStoreApi();
  const store = useFileStoreApi();
  const findStore = useFindStoreApi();
  const logStore = useLogStoreApi();
  // No timeline for a format no sampled line carries (a format the user forced).
  const format = useTimeStore((state) => (state.state?.firstMs == null ? null : state.state.format));
  const status = useTimeStore((state) => state.timeline);
  const currentMs = useTimeStore((state) => state.lineTime?.ms ?? null);
  const range = useTimeStore((state) => state.range);
  const searchId = useStore(findStore, (state) =>
    state.status !== null && state.status.query.pattern !== '' && state.status.error === null
      ? state.status.searchId
      : -1,
  );
  const canvas = useRef<HTMLCanvasElement>(null);
  const [hover, setHover] = useState<{ x: number; column: Column } | null>(null);
  const drag = useRef<{ startMs: number; moved: boolean } | null>(null);
  const [width, setWidth] = useState(0);
  /** The bucket picked with the keyboard, and where a Shift+arrow range started. */
  const [keyBucket, setKeyBucket] = useState<number | null>(null);
  const keyAnchor = useRef<number | null>(null);

  // Counted once a format is known, and again for each new search (its matches are counted too).
  const generation = useStore(store, (state) => state.generation);
  useEffect(() => {
    if (format === null) return;
    const current = timeStore.getState().timeline;
    if (current !== null && current.searchId === searchId) return;
    void timeStore.getState().startTimeline(searchId);
  }, [format, searchId, timeStore, generation]);

  useEffect(() => {
    const element = canvas.current;
    if (element === null) return;
    const observer = new ResizeObserver(() => setWidth(element.clientWidth));
    observer.observe(element);
    return () => observer.disconnect();
  }, [format]);

  useEffect(() => {
    if (canvas.current !== null && status !== null) draw(canvas.current, status, currentMs, range, keyBucket);
  }, [status, currentMs, range, width, keyBucket]);

  // The theme changed: colours come from CSS variables.
  useEffect(() => {
    const observer = new MutationObserver(() => {
      if (canvas.current !== null && status !== null) draw(canvas.current, status, currentMs, range, null);
    });
    observer.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme', 'class'] });
    return () => observer.disconnect();
  }, [status, currentMs, range]);

  if (format === null) return null;
  const total = status === null ? 0 : sumBuckets(status, 0, status.buckets);
  const msAt = (clientX: number): number | null => {
    const element = canvas.current;
    if (element === null || status === null) return null;
    const box = element.getBoundingClientRect();
    const x = Math.min(box.width - 1, Math.max(0, clientX - box.left));
    const bucket = Math.floor((x / box.width) * status.buckets);
    return bucketMs(status, bucket);
  };
  const go = async (ms: number): Promise<void> => {
    const found = await timeStore.getState().seek(ms);
    if (!found.ok) return messages.info(found.message);
    store.getState().setReveal({ kind: 'line', line: lineNumber(found.value.line) });
  };
  /** The range becomes the filter's time rule, with the rules in force, in the filtered view. */
  const showRange = async (chosen: TimeRange): Promise<void> => {
    const log = logStore.getState();
    const spec = { ...log.spec, time: { fromMs: Math.floor(chosen.fromMs), toMs: Math.ceil(chosen.toMs) } };
    if (await log.applySpec(spec)) {
      timeStore.getState().setRange(null);
      await log.setFilterView(true);
    } else messages.error(log.problem ?? 'The time range could not be applied.');
  };
  const summary =
    status === null
      ? 'Timeline: counting…'
      : `Timeline from ${formatTime(status.fromMs)} to ${formatTime(status.toMs)}: ${plural(total === 0 ? 0 : total.lines, 'line')}` +
        (total !== 0 && status.series.includes('error') ? `, ${plural(total.error, 'error line')}` : '') +
        (total !== 0 && status.series.includes('match') ? `, ${plural(total.match, 'line')} with a match` : '') +
        (status.done ? '' : ' so far');
  const span = status === null ? 0 : status.toMs - status.fromMs;
  return (
    <div
      className="timeline"
      data-testid="timeline"
      data-buckets={status?.done === true ? status.buckets : undefined}
      data-lines={status?.done === true && total !== 0 ? total.lines : undefined}
      data-from-ms={status?.fromMs}
      data-to-ms={status?.toMs}
    >
      <canvas
        ref={canvas}
        role="slider"
        tabIndex={0}
        data-keys="own"
        aria-label={summary}
        aria-valuemin={0}
        aria-valuemax={status === null ? 0 : status.buckets - 1}
        aria-valuenow={keyBucket ?? 0}
        aria-valuetext={
          status === null || keyBucket === null
            ? 'Arrow keys pick a time, Enter goes there, Shift+arrows select a range'
            : `${formatTime(bucketMs(status, keyBucket))}: ${plural(sumBuckets(status, keyBucket, keyBucket + 1).lines, 'line')}`
        }
        style={{ height: HEIGHT }}
        onKeyDown={(event) => {
          if (status === null) return;
          const step =
            event.key === 'ArrowLeft'
              ? -1
              : event.key === 'ArrowRight'
                ? 1
                : event.key === 'PageUp'
                  ? -Math.ceil(status.buckets / 10)
                  : event.key === 'PageDown'
                    ? Math.ceil(status.buckets / 10)
                    : null;
          const current = keyBucket ?? Math.floor(status.buckets / 2);
          let next: number | null = null;
          if (step !== null) next = current + step;
          else if (event.key === 'Home') next = 0;
          else if (event.key === 'End') next = status.buckets - 1;
          if (next !== null) {
            event.preventDefault();
            event.stopPropagation();
            next = Math.max(0, Math.min(status.buckets - 1, next));
            if (event.shiftKey) {
              const anchor = keyAnchor.current ?? current;
              keyAnchor.current = anchor;
              const [from, to] = [Math.min(anchor, next), Math.max(anchor, next)];
              timeStore.getState().setRange({ fromMs: bucketMs(status, from), toMs: bucketMs(status, to + 1) });
            } else {
              keyAnchor.current = null;
            }
            setKeyBucket(next);
            return;
          }
          if (event.key === 'Enter' && keyBucket !== null) {
            event.preventDefault();
            event.stopPropagation();
            void go(bucketMs(status, keyBucket));
          } else if (event.key === 'Escape') {
            event.preventDefault();
            event.stopPropagation();
            timeStore.getState().setRange(null);
            setKeyBucket(null);
            focusView();
          }
        }}
        onBlur={() => setKeyBucket(null)}
        onMouseMove={(event) => {
          const element = canvas.current;
          if (element === null || status === null) return;
          const box = element.getBoundingClientRect();
          const x = Math.floor(event.clientX - box.left);
          const first = Math.floor((x * status.buckets) / box.width);
          const end = Math.max(first + 1, Math.floor(((x + 1) * status.buckets) / box.width));
          setHover({ x, column: sumBuckets(status, first, Math.min(status.buckets, end)) });
          const dragging = drag.current;
          const ms = msAt(event.clientX);
          if (dragging !== null && (event.buttons & 1) === 1 && ms !== null) {
            dragging.moved = dragging.moved || Math.abs(ms - dragging.startMs) > span / 200;
            if (dragging.moved) {
              timeStore.getState().setRange({
                fromMs: Math.min(dragging.startMs, ms),
                toMs: Math.max(dragging.startMs, ms) + span / status.buckets,
              });
            }
          }
        }}
        onMouseLeave={() => setHover(null)}
        onMouseDown={(event) => {
          if (event.button !== 0) return;
          const ms = msAt(event.clientX);
          if (ms !== null) drag.current = { startMs: ms, moved: false };
        }}
        onMouseUp={(event) => {
          const dragging = drag.current;
          drag.current = null;
          if (dragging === null || event.button !== 0) return;
          if (!dragging.moved) {
            timeStore.getState().setRange(null);
            void go(dragging.startMs);
          }
        }}
      />
      {status !== null && (
        <div className="timeline-axis" aria-hidden="true">
          {[0, 0.2, 0.4, 0.6, 0.8, 1].map((at) => (
            <span key={at}>{edgeLabel(status.fromMs + span * at, span)}</span>
          ))}
          {!status.done && (
            <span className="timeline-progress">
              counting {Math.floor((status.bytesScanned / Math.max(1, status.totalBytes)) * 100)}%
            </span>
          )}
        </div>
      )}
      {status?.error != null && (
        <p className="filter-problem" role="alert">
          The timeline stopped: {status.error.message}
        </p>
      )}
      {hover !== null && (
        <div
          className="timeline-tip"
          role="tooltip"
          style={{ left: Math.min(hover.x + 12, (canvas.current?.clientWidth ?? 300) - 260) }}
        >
          <div>
            {formatTime(hover.column.fromMs)} –{' '}
            {formatTime(hover.column.toMs).slice(
              formatTime(hover.column.toMs).slice(0, 10) === formatTime(hover.column.fromMs).slice(0, 10) ? 11 : 0,
            )}
          </div>
          <div>
            {plural(hover.column.lines, 'line')}
            {hover.column.error > 0 && `, ${plural(hover.column.error, 'error')}`}
            {hover.column.warn > 0 && `, ${plural(hover.column.warn, 'warning')}`}
            {status?.series.includes('match') === true &&
              `, ${hover.column.match.toLocaleString('en-US')} with a match`}
          </div>
        </div>
      )}
      {range !== null && (
        <div className="timeline-range" data-testid="timeline-range" data-focus="keep">
          <span>
            {formatTime(range.fromMs)} – {formatTime(range.toMs)}
          </span>
          <button type="button" onClick={() => void go(range.fromMs)}>
            Go to the range's start
          </button>
          <button type="button" onClick={() => void showRange(range)}>
            Show only this range
          </button>
          <button type="button" onClick={() => timeStore.getState().setRange(null)}>
            Clear the range
          </button>
        </div>
      )}
    </div>
  );
}
