// Lines of the file, virtualized over any line count, with a line-number gutter, go to line,
// selection and copy, and follow mode.
import {
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
  useSyncExternalStore,
  type ReactElement,
} from 'react';
import { createPortal } from 'react-dom';
import { byteOffset, displayLine, lineNumber, type LineNumber } from '../../../shared/units';
import { MAX_LINES_PER_READ, type MergedFile } from '../../../shared/contract';
import { GoToInput } from '../../components/GoToInput';
import { useGoTo } from '../goto/useGoTo';
import { parseTimeTarget } from '../../../shared/time';
import { useTimeStoreApi } from '../../state/timeStore';
import { parseLineTarget } from '../goto/parseTarget';
import { VirtualRows, type RowRenderProps, type VirtualRowsHandle } from '../../components/VirtualRows';
import { getApi } from '../../data/api';
import type { LineCache } from '../../data/lineCache';
import { useMatchesInRange, type VisibleMatches } from '../find/useMatches';
import { useFileStore, useFileStoreApi } from '../../state/fileStore';
import { useLogStore, useLogStoreApi } from '../../state/logStore';
import { levelOf } from '../../../shared/logLevel';
import type { CompiledHighlights } from '../../../shared/highlight';
import { rowText, useCompiledHighlights } from './rowText';
import { useScrollTicks } from './useScrollTicks';
import { useFindStore } from '../../state/findStore';
import { clearErrors, messages } from '../../state/messages';
import { clipboardText } from './decode';
import { modalOpen, useViewCommands } from '../../shell/viewCommands';
import { writeClipboard } from '../../clipboard';
import { plural, rowHeightFor, shortName } from '../../format';
import { useAppStore } from '../../state/appStore';
import { ViewToolsContext } from '../../shell/FileBar';
import { runCommand } from '../../shell/commands';

interface TextRowProps {
  wrap: boolean;
  cache: LineCache;
  matches: VisibleMatches;
  digits: number;
  /** The current row and the selected rows (rows are lines unless the view is filtered). */
  currentRow: number;
  selectionStart: number;
  selectionEnd: number;
  marks: ReadonlySet<number>;
  highlights: CompiledHighlights | null;
  /** Mark where the rows stop following one another (a filtered view with context lines). */
  gaps: boolean;
  /** A merged view's files (each row names its own), or null. */
  sources: readonly MergedFile[] | null;
  version: number;
  onPick: (row: number, extend: boolean) => void;
  onGutter: (row: number) => void;
}

function TextRow({
  index,
  style,
  ariaAttributes,
  wrap,
  cache,
  matches,
  digits,
  currentRow,
  selectionStart,
  selectionEnd,
  marks,
  highlights,
  gaps,
  sources,
  onPick,
  onGutter,
}: RowRenderProps & TextRowProps) {
  // Row `index` shows line `line.line` (the row itself when unfiltered); only the gutter and
  // data-line show it 1-based, as a person reads it.
  const line = cache.line(index);
  const number = line?.line ?? (cache.filterId === null ? lineNumber(index) : null);
  const shown = number === null ? null : displayLine(number);
  const selected = selectionStart !== selectionEnd && index >= selectionStart && index <= selectionEnd;
  const marked = number !== null && marks.has(number);
  const level = line === undefined ? null : levelOf(line.text);
  const current = index === currentRow;
  // A filtered view's rows that do not follow one another: grep -C's "--" between groups.
  const previous = !gaps || index === 0 ? undefined : cache.line(index - 1);
  const gap = line !== undefined && previous !== undefined && previous.line + 1 !== line.line;
  const drawn = line === undefined ? null : rowText(line, matches, highlights, cache.encoding);
  const rowStyle = wrap ? style : { ...style, width: 'auto', minWidth: '100%' };
  return (
    <div
      {...ariaAttributes}
      className={`text-row${wrap ? ' wrap' : ''}${current ? ' current' : ''}${selected ? ' selected' : ''}${
        line?.modified === true ? ' modified' : ''
      }${marked ? ' marked' : ''}${line?.context === true ? ' context' : ''}${gap ? ' gap' : ''}`}
      style={drawn?.style === undefined ? rowStyle : { ...rowStyle, ...drawn.style }}
      data-line={shown ?? undefined}
      data-row={index}
      data-current={current ? 'true' : undefined}
      data-selected={selected ? 'true' : undefined}
      data-modified={line?.modified === true ? 'true' : undefined}
      data-marked={marked ? 'true' : undefined}
      data-level={level ?? undefined}
      data-context={line?.context === true ? 'true' : undefined}
      data-gap={gap ? 'true' : undefined}
      data-time-ms={line?.time}
      onMouseDown={(event) => {
        if (event.button === 0) onPick(index, event.shiftKey);
      }}
      onMouseEnter={(event) => {
        // A drag with the left button held extends the selection over the rows it crosses.
        if ((event.buttons & 1) === 1) onPick(index, true);
      }}
    >
      <span
        className="gutter"
        style={{ width: `${digits + 2}ch` }}
        title="Click to mark or unmark this line (M)"
        onMouseDown={(event) => {
          if (event.button === 0 && !event.shiftKey) onGutter(index);
        }}
      >
        {shown}
      </span>
      {sources !== null && (
        <span
          data-part="source"
          className={`source source-${(line?.source?.file ?? 0) % 8}`}
          title={
            line?.source === undefined
              ? undefined
              : `${sources[line.source.file]?.name ?? ''} line ${(line.source.line + 1).toLocaleString('en-US')}`
          }
        >
          {line?.source === undefined ? '' : shortName(sources[line.source.file]?.name ?? '')}
        </span>
      )}
      <span data-part="text" className={line === undefined ? 'pending' : undefined}>
        {drawn === null ? '' : drawn.content}
      </span>
      {line !== undefined && line.hiddenBytes > 0 && (
        <span className="truncated" data-testid="line-truncated">
          {` … ${line.hiddenBytes.toLocaleString('en-US')} more bytes (line truncated; the hex view shows it whole)`}
        </span>
      )}
    </div>
  );
}

export function TextView({ cache }: { cache: LineCache }): ReactElement {
  const store = useFileStoreApi();
  const logStore = useLogStoreApi();
  const timeStore = useTimeStoreApi();
  const mergedFiles = useFileStore((state) => state.info.merged);
  const session = useFileStore((state) => state.info.session);
  const currentLine = useFileStore((state) => state.currentLine);
  const anchorLine = useFileStore((state) => state.anchorLine);
  const rowCursor = useFileStore((state) => state.rowCursor);
  const follow = useFileStore((state) => state.index?.following === true);
  const index = useFileStore((state) => state.index);
  const filterStatus = useLogStore((state) => state.status);
  const marks = useLogStore((state) => state.marks);
  const filterView = useLogStore((state) => state.filterView);
  const marksOpen = useLogStore((state) => state.marksOpen);
  const version = useSyncExternalStore(cache.subscribe, cache.getVersion);
  const rows = useRef<VirtualRowsHandle>(null);
  const container = useRef<HTMLDivElement>(null);
  const wrap = useAppStore((state) => state.settings.wrap);
  const rowHeight = rowHeightFor(useAppStore((state) => state.settings.fontSize));
  const toolsSlot = useContext(ViewToolsContext);
  const [pendingJump, setPendingJump] = useState<LineNumber | null>(null);
  const atEnd = useRef(false);
  // Shown: whether following is paused because the user scrolled away from the end.
  const [atEndShown, setAtEndShown] = useState(true);
  // The filtered view's rows are the filter's (cache.filterId); otherwise row N is line N.
  const filterId = cache.filterId;
  const filtered = filterId !== null;
  const filterOf = filtered && filterStatus?.filterId === filterId ? filterStatus : null;
  const totalLines = filtered ? (filterOf?.rowsKnown ?? 0) : (index?.linesKnown ?? 0);
  const done = filtered ? filterOf?.done === true : index?.done === true;
  cache.setKnownLines(totalLines);
  const currentRow = filtered ? (rowCursor?.filterId === filterId ? rowCursor.current : -1) : currentLine;
  const anchorRow = filtered ? (rowCursor?.filterId === filterId ? rowCursor.anchor : -1) : anchorLine;
  const markSet = useMemo(() => new Set(marks), [marks]);
  const highlights = useCompiledHighlights();

  const alert = (message: string): void => messages.error(message);

  /** Makes `row` current (the selection's other end stays with `extend`), with its line once loaded. */
  const setRow = useCallback(
    (row: number, extend: boolean) => {
      const state = store.getState();
      const shown = cache.line(row);
      if (filterId === null) {
        state.setCurrentLine(lineNumber(row), extend, shown?.fileOffset ?? null);
        return;
      }
      const cursor = state.rowCursor?.filterId === filterId ? state.rowCursor : null;
      state.setRowCursor({ filterId, current: row, anchor: extend && cursor !== null ? cursor.anchor : row });
      if (shown !== undefined) state.setCurrentLine(shown.line, extend, shown.fileOffset);
    },
    [store, cache, filterId],
  );

  // A filtered row's line arrives with its block: the current line and the anchor follow the rows.
  useEffect(() => {
    if (!filtered || rowCursor?.filterId !== filterId) return;
    const current = cache.line(rowCursor.current);
    const anchor = cache.line(rowCursor.anchor);
    const state = store.getState();
    if (current === undefined || anchor === undefined) return;
    if (state.currentLine !== current.line || state.anchorLine !== anchor.line) {
      state.selectLines(anchor.line, current.line);
      store.setState({ currentLineOffset: current.fileOffset });
    }
  }, [filtered, filterId, rowCursor, version, cache, store]);

  const toEnd = useRef(false);
  const pick = useCallback(
    (row: number, extend: boolean) => {
      toEnd.current = false;
      if (store.getState().reveal !== null) store.getState().setReveal(null);
      setRow(row, extend);
    },
    [store, setRow],
  );

  const toggleMarkAt = useCallback(
    (row: number) => {
      const line = cache.line(row)?.line ?? (filterId === null ? row : null);
      if (line !== null) logStore.getState().toggleMark(line);
    },
    [cache, filterId, logStore],
  );

  /** Moves to row `row`, clamped to the rows known. */
  const jumpTo = useCallback(
    (row: number, extend = false) => {
      const clamped = Math.min(Math.max(0, row), Math.max(0, totalLines - 1));
      if (store.getState().reveal !== null) store.getState().setReveal(null);
      setRow(clamped, extend);
      rows.current?.scrollToRow(clamped, 'auto');
    },
    [store, totalLines, setRow],
  );

  // Ctrl+End pressed during indexing: follow the last line until the index is done or the user moves.
  useEffect(() => {
    if (!toEnd.current || totalLines === 0) return;
    jumpTo(totalLines - 1, store.getState().anchorLine !== store.getState().currentLine);
    if (done) toEnd.current = false;
  }, [totalLines, done, jumpTo, store]);

  // Wrapping changes every row's height: bring the current line back into view afterwards.
  const wrapShown = useRef(wrap);
  const currentRowRef = useRef(currentRow);
  currentRowRef.current = currentRow;
  useEffect(() => {
    if (wrapShown.current === wrap) return;
    wrapShown.current = wrap;
    const row = Math.max(0, currentRowRef.current);
    rows.current?.scrollToRow(row, 'center');
    // Heights of wrapped rows are measured after they render: settle once more on the next frame.
    const frame = requestAnimationFrame(() => rows.current?.scrollToRow(row, 'center'));
    return () => cancelAnimationFrame(frame);
  }, [wrap]);

  // Keep the current line's offset known once its block arrives (text → hex keeps the position).
  useEffect(() => {
    if (filtered) return;
    const state = store.getState();
    const offset = cache.line(state.currentLine)?.fileOffset ?? null;
    if (offset !== state.currentLineOffset) store.setState({ currentLineOffset: offset });
  }, [version, currentLine, cache, store, filtered]);

  /** Shows line `line` (0-based), or in the filtered view the first shown line at or after it. */
  const showLine = useCallback(
    async (line: LineNumber, quiet: boolean, screenRow?: number): Promise<'shown' | 'later'> => {
      const place = (row: number): void => {
        if (screenRow === undefined) rows.current?.scrollToRow(row, 'center');
        else rows.current?.scrollToTop(Math.max(0, row - screenRow));
      };
      if (filterId === null) {
        const target = lineNumber(Math.min(line, Math.max(0, totalLines - 1)));
        store.getState().setCurrentLine(target, false, null);
        place(target);
        return 'shown';
      }
      const found = await getApi().filterRowOfLine(session, filterId, line);
      if (!found.ok) return 'shown';
      const status = logStore.getState().status;
      const known = status?.filterId === filterId ? status.rowsKnown : 0;
      const finished = status?.filterId === filterId && status.done;
      if (found.value >= known && !finished) return 'later';
      if (known === 0) return 'shown';
      const row = Math.min(found.value, known - 1);
      setRow(row, false);
      place(row);
      if (!quiet) {
        const page = await getApi().readFilteredLines(session, filterId, row, 1);
        const shownLine = page.ok ? page.value.lines[0] : undefined;
        if (shownLine !== undefined && shownLine !== line) {
          messages.info(
            `Line ${displayLine(line).toLocaleString('en-US')} is hidden by the filter: showing line ${displayLine(lineNumber(shownLine)).toLocaleString('en-US')}.`,
          );
        }
      }
      return 'shown';
    },
    [filterId, totalLines, store, session, logStore, setRow],
  );

  // A view switch or a found match asks us to show the line holding an offset; a restored
  // position, a line (waited for if indexing or filtering has not reached it).
  const reveal = useFileStore((state) => state.reveal);
  useEffect(() => {
    if (reveal === null || (totalLines === 0 && !done)) return;
    // A restored line not indexed yet is shown once it is (unless the user moves first).
    if (!filtered && reveal.kind === 'line' && reveal.line >= totalLines && !done) return;
    let cancelled = false;
    const settle = (line: LineNumber, quiet: boolean, screenRow?: number): void => {
      void showLine(line, quiet, screenRow).then((outcome) => {
        if (!cancelled && outcome === 'shown' && store.getState().reveal === reveal) store.getState().setReveal(null);
      });
    };
    if (reveal.kind === 'line') {
      settle(reveal.line, reveal.quiet === true, reveal.screenRow);
    } else {
      void getApi()
        .lineAtOffset(session, byteOffset(reveal.offset))
        .then((result) => {
          if (cancelled) return;
          if (!result.ok) {
            store.getState().setReveal(null);
            return;
          }
          settle(result.value, false);
        });
    }
    return () => {
      cancelled = true;
    };
  }, [reveal, store, session, totalLines, done, filtered, showLine]);

  // Go to a line that indexing had not reached yet, once it has.
  useEffect(() => {
    if (pendingJump !== null && pendingJump < totalLines) {
      setPendingJump(null);
      store.getState().setCurrentLine(pendingJump, false, null);
      rows.current?.scrollToRow(pendingJump, 'center');
    }
  }, [pendingJump, totalLines, store]);

  // Follow mode: stay at the end as lines arrive (if the view was at the end before they came).
  const linesSeen = useRef(totalLines);
  useEffect(() => {
    if (follow && atEnd.current && totalLines > 0) rows.current?.scrollToRow(totalLines - 1, 'end');
    linesSeen.current = totalLines;
  }, [follow, totalLines]);

  // A tab shown again comes back to the rows it showed (read before the rows report their first
  // top); the view switched between all lines and filtered rows shows the current line.
  // Read while rendering: the rows report their own first top before this view's effects run.
  const [arrival] = useState(() => {
    const state = store.getState();
    if (state.textTopFilter === filterId) return { savedTop: state.textTop, screenRow: undefined };
    // The current line stays where it was on screen in the view the user left.
    const left = state.textTopFilter;
    const leftRow =
      left === null ? state.currentLine : state.rowCursor?.filterId === left ? state.rowCursor.current : null;
    const screenRow = leftRow === null ? undefined : leftRow - state.textTop;
    return {
      savedTop: null,
      screenRow: screenRow !== undefined && screenRow >= 0 && screenRow < 500 ? screenRow : undefined,
    };
  });
  useEffect(() => {
    const { savedTop, screenRow } = arrival;
    if (savedTop !== null && savedTop > 0) rows.current?.scrollToTop(savedTop);
    else if (savedTop === null && store.getState().reveal === null) {
      store.getState().setReveal({
        kind: 'line',
        line: store.getState().currentLine,
        quiet: true,
        // A current line that was off screen is centred instead.
        ...(screenRow !== undefined && screenRow < (rows.current?.visibleRowCount() ?? 0) ? { screenRow } : {}),
      });
    }
    // A question shown with this tab (its pending edits, on close) keeps the keyboard.
    if (!modalOpen()) container.current?.focus();
  }, [arrival, store]);

  const goTo = useGoTo(
    // The person types the 1-based number they read in the gutter.
    (text) =>
      parseLineTarget(text, {
        current: currentLine,
        linesKnown: index?.linesKnown ?? 0,
        done: index?.done === true,
      }),
    (target) => {
      const line = lineNumber(target);
      clearErrors();
      if (filtered) {
        store.getState().setReveal({ kind: 'line', line });
        return;
      }
      if (line >= totalLines) {
        setPendingJump(line);
        return;
      }
      store.getState().setCurrentLine(line, false, null);
      rows.current?.scrollToRow(line, 'center');
    },
    () => container.current?.focus(),
  );

  const goToTime = useGoTo(
    // A time of day or a relative time is read from the current line's time.
    (text) => parseTimeTarget(text, { currentMs: timeStore.getState().lineTime?.ms ?? null }),
    (ms) => {
      clearErrors();
      void timeStore
        .getState()
        .seek(ms)
        .then((found) => {
          if (!found.ok) {
            messages.error(found.message);
            return;
          }
          store.getState().setReveal({ kind: 'line', line: lineNumber(found.value.line) });
        });
    },
    () => container.current?.focus(),
  );

  const copySelection = async (): Promise<void> => {
    const state = store.getState();
    const encoding = state.index?.encoding ?? 'utf-8';
    if (filterId !== null) {
      if (currentRow < 0) return;
      const first = Math.min(currentRow, anchorRow);
      const last = Math.max(currentRow, anchorRow);
      const result = await getApi().copyFilteredLines(session, filterId, first, last);
      if (!result.ok) {
        alert(result.code === 'ETOOBIG' ? result.message : `Copy failed: ${result.message}`);
        return;
      }
      const text = clipboardText(result.value, encoding, cache.line(first)?.fileOffset === 0);
      await writeClipboard(text).then(
        () => messages.info(`Copied ${plural(last - first + 1, 'line')}.`),
        () => alert('The clipboard refused the text.'),
      );
      return;
    }
    const { currentLine: current, anchorLine: anchor } = state;
    const first = lineNumber(Math.min(current, anchor));
    const last = lineNumber(Math.max(current, anchor));
    const result = await getApi().copyLines(session, first, last);
    if (!result.ok) {
      alert(result.code === 'ETOOBIG' ? result.message : `Copy failed: ${result.message}`);
      return;
    }
    const text = clipboardText(result.value, encoding, first === 0);
    const count = last - first + 1;
    await writeClipboard(text).then(
      () => messages.info(`Copied ${plural(count, 'line')}.`),
      () => alert('The clipboard refused the text.'),
    );
  };

  const stepMark = async (direction: 1 | -1): Promise<void> => {
    const log = logStore.getState();
    if (log.marks.length === 0) {
      messages.info('No marked lines: M (or a click in the gutter) marks the current line.');
      return;
    }
    if (filterId === null) {
      const next = log.nextMark(store.getState().currentLine, direction);
      if (next !== null) store.getState().setReveal({ kind: 'line', line: lineNumber(next) });
      return;
    }
    // The filtered view goes through the marks it shows, in row order; marks the filter hides are passed over.
    const marks = log.marks;
    const shown: { line: number; row: number }[] = [];
    for (let at = 0; at < marks.length; at += MAX_LINES_PER_READ) {
      const block = marks.slice(at, at + MAX_LINES_PER_READ);
      const rowsOf = await getApi().filterRowsOfLines(session, filterId, block.map(lineNumber));
      if (!rowsOf.ok) return messages.error(rowsOf.message);
      block.forEach((line, i) => {
        if (rowsOf.value[i]! >= 0) shown.push({ line, row: rowsOf.value[i]! });
      });
    }
    if (shown.length === 0) {
      messages.info(`The filter hides every marked line (${plural(marks.length, 'mark')}).`);
      return;
    }
    const from = Math.max(0, currentRowRef.current);
    const target =
      direction === 1
        ? (shown.find((mark) => mark.row > from) ?? shown[0]!)
        : ([...shown].reverse().find((mark) => mark.row < from) ?? shown[shown.length - 1]!);
    store.getState().setReveal({ kind: 'line', line: lineNumber(target.line) });
  };

  const onKeyDown = (event: KeyboardEvent): void => {
    const ctrl = event.ctrlKey || event.metaKey;
    const page = rows.current?.visibleRowCount() ?? 1;
    const scroller = rows.current?.scrollElement();
    if (!ctrl && !event.altKey && (event.key === 'f' || event.key === 'F')) {
      event.preventDefault();
      void toggleFollow();
      return;
    }
    const from = Math.max(0, currentRow);
    const moves: Record<string, number | undefined> = {
      ArrowUp: from - 1,
      ArrowDown: from + 1,
      PageUp: from - page,
      PageDown: from + page,
      Home: ctrl ? 0 : undefined,
      End: ctrl ? totalLines - 1 : undefined,
    };
    const target = moves[event.key];
    if (target !== undefined) {
      event.preventDefault();
      // Ctrl+End while the file is still being indexed goes on to the true last line as it is found.
      toEnd.current = ctrl && event.key === 'End' && !done;
      jumpTo(target, event.shiftKey);
      return;
    }
    if (scroller && ['Home', 'End', 'ArrowLeft', 'ArrowRight'].includes(event.key)) {
      event.preventDefault();
      if (event.key === 'Home') scroller.scrollLeft = 0;
      else if (event.key === 'End') scroller.scrollLeft = scroller.scrollWidth;
      else scroller.scrollLeft += event.key === 'ArrowLeft' ? -80 : 80;
    }
  };

  useViewCommands({
    element: () => container.current,
    onKey: (event) => {
      onKeyDown(event);
      return event.defaultPrevented;
    },
    goTo: () => {
      goToTime.input?.onClose();
      goTo.open();
    },
    selectAll: () => {
      if (totalLines === 0) return;
      if (filterId === null) {
        store.getState().selectLines(lineNumber(0), lineNumber(totalLines - 1));
        return;
      }
      store.getState().setRowCursor({ filterId, current: totalLines - 1, anchor: 0 });
    },
    copy: () => void copySelection(),
    paste: () => messages.info('The text view is read-only: paste bytes in the hex view.'),
    run: (command) => {
      if (command === 'view.follow') void toggleFollow();
      else if (command === 'view.mark') logStore.getState().toggleMark(store.getState().currentLine);
      else if (command === 'go.nextMark') void stepMark(1);
      else if (command === 'go.previousMark') void stepMark(-1);
      else if (command === 'go.time') {
        goTo.input?.onClose();
        goToTime.open();
      } else return false;
      return true;
    },
  });

  const toggleFollow = async (): Promise<void> => {
    const next = store.getState().index?.following !== true;
    await store.getState().setFollow(next);
    if (next) {
      atEnd.current = true;
      setAtEndShown(true);
      if (totalLines > 0) rows.current?.scrollToRow(totalLines - 1, 'end');
    }
  };

  // Judged against the lines the view had seen, so new lines arriving do not count as scrolling
  // away; only moving up leaves the end (a viewport that shrinks under a notice does not).
  const lastTop = useRef(0);
  const [viewport, setViewport] = useState({ top: 0, visible: 0 });
  const onTopRowChange = useCallback(
    (top: number, visible: number) => {
      const reachesEnd = top + visible >= linesSeen.current - 1;
      atEnd.current = top < lastTop.current ? reachesEnd : atEnd.current || reachesEnd;
      setAtEndShown(atEnd.current);
      lastTop.current = top;
      setViewport({ top, visible });
      store.getState().setTop('text', top, filterId);
    },
    [store, filterId],
  );

  // The byte range of the lines on screen (with a margin), for match highlights.
  const firstShown = cache.line(Math.max(0, viewport.top - 4));
  const lastShown = cache.line(Math.min(totalLines - 1, viewport.top + viewport.visible + 4));
  const rangeStart = firstShown?.fileOffset ?? 0;
  const rangeEnd = lastShown === undefined ? rangeStart : lastShown.fileOffset + lastShown.fullLength + 1;
  const matches = useMatchesInRange(rangeStart, rangeEnd);
  const search = useFindStore((state) => state.status);
  const ticks = useScrollTicks(
    session,
    search !== null && search.error === null ? search.searchId : null,
    filterId,
    marks,
    totalLines,
    done && (search === null || search.done || search.cancelled),
  );

  const selectionStart = Math.min(currentRow, anchorRow);
  const selectionEnd = Math.max(currentRow, anchorRow);
  const rowProps = useMemo<TextRowProps>(
    () => ({
      wrap,
      cache,
      matches,
      digits: String(Math.max(index?.linesKnown ?? 0, 1)).length,
      currentRow,
      selectionStart,
      selectionEnd,
      marks: markSet,
      highlights,
      gaps: filtered && (filterOf?.spec.context ?? 0) > 0,
      sources: mergedFiles ?? null,
      version,
      onPick: pick,
      onGutter: toggleMarkAt,
    }),
    [
      mergedFiles,
      wrap,
      cache,
      matches,
      index?.linesKnown,
      currentRow,
      selectionStart,
      selectionEnd,
      markSet,
      highlights,
      filtered,
      filterOf?.spec.context,
      version,
      pick,
      toggleMarkAt,
    ],
  );

  const tools = (
    <>
      <button
        type="button"
        className="text-toggle"
        aria-label="Filtered view"
        aria-pressed={filterView}
        onClick={() => runCommand('view.filtered')}
        title="Show only the lines that the rules keep (Ctrl+Shift+L)"
      >
        Filtered view
      </button>
      <button
        type="button"
        className="text-toggle"
        onClick={() => runCommand('view.highlights')}
        title="Highlight rules: colour lines and matches by rules, in named sets"
      >
        Highlights
      </button>
      <button
        type="button"
        className="text-toggle"
        aria-pressed={marksOpen}
        onClick={() => runCommand('view.marks')}
        title={`Marked lines: ${marks.length.toLocaleString('en-US')} (M marks, ] and [ go to the next and previous)`}
      >
        Marked lines{marks.length > 0 ? ` ${marks.length.toLocaleString('en-US')}` : ''}
      </button>
      <button
        type="button"
        className="icon toggle"
        aria-label="Follow"
        aria-pressed={follow}
        onClick={() => void toggleFollow()}
        title={
          mergedFiles === undefined
            ? 'Follow the end of the file as it grows (F)'
            : 'Follow the ends of the merged files as they grow (F)'
        }
      >
        <span aria-hidden="true">⤓</span>
      </button>
      <button
        type="button"
        className="icon toggle"
        aria-label="Wrap"
        aria-pressed={wrap}
        onClick={() => runCommand('view.wrap')}
        title="Wrap long lines (W)"
      >
        <span aria-hidden="true">↵</span>
      </button>
      {follow && !atEndShown && (
        <button
          type="button"
          className="follow-paused"
          data-testid="follow-paused"
          onClick={() => {
            atEnd.current = true;
            setAtEndShown(true);
            if (totalLines > 0) rows.current?.scrollToRow(totalLines - 1, 'end');
          }}
          title="Following resumes when you scroll back to the end (Ctrl+End)"
        >
          ⏸ Paused: scrolled away from the end. Resume
        </button>
      )}
      {pendingJump !== null && (
        <span className="pending-jump" role="status">
          Waiting for line {displayLine(pendingJump).toLocaleString('en-US')}: it is not indexed yet.
          <button type="button" onClick={() => setPendingJump(null)}>
            Cancel
          </button>
        </span>
      )}
      {goTo.input !== null && <GoToInput label="Go to line" {...goTo.input} />}
      {goToTime.input !== null && (
        <GoToInput label="Go to time" placeholder="2023-11-14 22:13, 22:13 or -15m" {...goToTime.input} />
      )}
    </>
  );

  return (
    <div className="text-view" data-testid="text-view" tabIndex={0} ref={container}>
      {toolsSlot !== null && createPortal(tools, toolsSlot)}
      {totalLines === 0 && done ? (
        <p className="empty-note" data-testid="empty-note">
          {filtered
            ? 'No line is shown: the filter rules hide every line of this file. Change or switch off a rule above.'
            : 'This file has no lines.'}
        </p>
      ) : (
        <VirtualRows
          handleRef={rows}
          totalRows={totalLines}
          rowHeight={rowHeight}
          rowComponent={TextRow}
          rowProps={rowProps}
          onTopRowChange={onTopRowChange}
          label="Text lines"
          wrap={wrap}
          ticks={ticks}
        />
      )}
    </div>
  );
}
