// The status bar's times: the current line's time and the gap since the line before it (lnav
// #978), and the format the file's times are read by, changed by a click.
import { useEffect, type ReactElement } from 'react';
import { formatGap, formatTime, TIME_KINDS, timeKindLabels, type TimeKind } from '../../../shared/time';
import { useFileStore } from '../../state/fileStore';
import { useTimeStore, useTimeStoreApi } from '../../state/timeStore';

const LINE_TIME_DELAY_MS = 60;

export function TimeInfo(): ReactElement | null {
  const timeStore = useTimeStoreApi();
  const currentLine = useFileStore((state) => state.currentLine);
  const generation = useFileStore((state) => state.generation);
  const linesKnown = useFileStore((state) => state.index?.linesKnown ?? 0);
  const version = useTimeStore((state) => (state.state?.format == null ? -1 : state.state.version));
  const lineTime = useTimeStore((state) => state.lineTime);

  // Asked for after the cursor rests (holding an arrow key asks once it stops).
  useEffect(() => {
    if (version < 0 || currentLine >= linesKnown) return;
    const timer = window.setTimeout(() => void timeStore.getState().readLineTime(currentLine), LINE_TIME_DELAY_MS);
    return () => window.clearTimeout(timer);
  }, [currentLine, version, generation, linesKnown, timeStore]);

  if (version < 0 || lineTime === null || lineTime.line !== currentLine || lineTime.ms === null) return null;
  const gap = lineTime.previousMs === null ? null : lineTime.ms - lineTime.previousMs;
  return (
    <span
      data-testid="line-time"
      data-time-ms={lineTime.ms}
      data-gap-ms={gap ?? undefined}
      title={
        (lineTime.own ? 'The current line’s time' : 'The time of the line above (this line has none of its own)') +
        (gap === null ? '' : '; the gap since the line with a time before it')
      }
    >
      {formatTime(lineTime.ms)}
      {lineTime.own ? '' : ' (above)'}
      {gap !== null && <span className="time-gap"> {formatGap(gap)}</span>}
    </span>
  );
}

export function TimeFormatPicker(): ReactElement | null {
  const timeStore = useTimeStoreApi();
  const state = useTimeStore((store) => store.state);
  if (state === null) return null;
  const detected = state.detected === null ? 'none found' : timeKindLabels[state.detected.kind].name;
  return (
    <select
      className="flat"
      aria-label="Time format"
      data-testid="time-format"
      data-kind={state.format?.kind ?? 'none'}
      title={
        state.notice ??
        (state.format === null
          ? 'No times are read from the lines: click to choose a format'
          : `Times are read as ${timeKindLabels[state.format.kind].name} (${timeKindLabels[state.format.kind].example}); click to choose another`)
      }
      value={state.choice}
      onChange={(event) => void timeStore.getState().setChoice(event.target.value as TimeKind | 'auto' | 'none')}
    >
      <option value="auto">Times: {state.choice === 'auto' ? detected : `auto (${detected})`}</option>
      {TIME_KINDS.map((kind) => (
        <option key={kind} value={kind} title={timeKindLabels[kind].example}>
          Times: {timeKindLabels[kind].name}
        </option>
      ))}
      <option value="none">Times: off</option>
    </select>
  );
}
