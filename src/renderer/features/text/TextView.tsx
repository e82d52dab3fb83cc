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
  type ReactNode,
} from 'react';
import { createPortal } from 'react-dom';
import type { TextEncodingName } from '../../../shared/contract';
import { byteOffset, displayLine, lineNumber, type LineNumber } from '../../../shared/units';
import { GoToInput } from '../../components/GoToInput';
import { useGoTo } from '../goto/useGoTo';
import { parseLineTarget } from '../goto/parseTarget';
import { VirtualRows, type RowRenderProps, type VirtualRowsHandle } from '../../components/VirtualRows';
import { getApi } from '../../data/api';
import type { LineCache } from '../../data/lineCache';
import { charRange, type DisplayLine } from './displayLine';
import { matchSpans, useMatchesInRange, type VisibleMatches } from '../find/useMatches';
import { useFileStore, useFileStoreApi } from '../../state/fileStore';
import { clearErrors, messages } from '../../state/messages';
import { clipboardText } from './decode';
import { modalOpen, useViewCommands } from '../../shell/viewCommands';
import { writeClipboard } from '../../clipboard';
import { plural, rowHeightFor } from '../../format';
import { useAppStore } from '../../state/appStore';
import { ViewToolsContext } from '../../shell/FileBar';
import { runCommand } from '../../shell/commands';

interface TextRowProps {
  wrap: boolean;
  cache: LineCache;
  matches: VisibleMatches;
  digits: number;
  currentLine: LineNumber;
  selectionStart: LineNumber;
  selectionEnd: LineNumber;
  version: number;
  onPick: (line: LineNumber, extend: boolean, offset: number | null) => void;
}

/** The line's text with its matches wrapped in <mark>. */
function highlighted(line: DisplayLine, matches: VisibleMatches, encoding: TextEncodingName): ReactNode {
  if (matches.offsets.length === 0) return line.text;
  const spans = matchSpans(matches, line.fileOffset, line.fileOffset + line.bytes.byteLength);
  if (spans.length === 0) return line.text;
  const parts: ReactNode[] = [];
  let at = 0;
  for (const [from, to, isCurrent] of spans) {
    const [start, end] = charRange(line, from, to, encoding);
    if (start > at) parts.push(line.text.slice(at, start));
    parts.push(
      <mark key={from} data-match={isCurrent ? 'current' : 'true'} className={isCurrent ? 'current' : undefined}>
        {line.text.slice(start, end)}
      </mark>,
    );
    at = end;
  }
  if (at < line.text.length) parts.push(line.text.slice(at));
  return parts;
}

function TextRow({
  index,
  style,
  ariaAttributes,
  wrap,
  cache,
  matches,
  digits,
  currentLine,
  selectionStart,
  selectionEnd,
  onPick,
}: RowRenderProps & TextRowProps) {
  // Row `index` is line `index`; only the gutter and data-line show it 1-based, as a person reads it.
  const number = lineNumber(index);
  const shown = displayLine(number);
  const line = cache.line(number);
  const selected = selectionStart !== selectionEnd && number >= selectionStart && number <= selectionEnd;
  return (
    <div
      {...ariaAttributes}
      className={`text-row${wrap ? ' wrap' : ''}${number === currentLine ? ' current' : ''}${selected ? ' selected' : ''}${
        line?.modified === true ? ' modified' : ''
      }`}
      style={wrap ? style : { ...style, width: 'auto', minWidth: '100%' }}
      data-line={shown}
      data-current={number === currentLine ? 'true' : undefined}
      data-selected={selected ? 'true' : undefined}
      data-modified={line?.modified === true ? 'true' : undefined}
      onMouseDown={(event) => {
        if (event.button === 0) onPick(number, event.shiftKey, line?.fileOffset ?? null);
      }}
      onMouseEnter={(event) => {
        // A drag with the left button held extends the selection over the rows it crosses.
        if ((event.buttons & 1) === 1) onPick(number, true, line?.fileOffset ?? null);
      }}
    >
      <span className="gutter" style={{ width: `${digits + 2}ch` }}>
        {shown}
      </span>
      <span data-part="text" className={line === undefined ? 'pending' : undefined}>
        {line === undefined ? '' : highlighted(line, matches, cache.encoding)}
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
  const session = useFileStore((state) => state.info.session);
  const currentLine = useFileStore((state) => state.currentLine);
  const anchorLine = useFileStore((state) => state.anchorLine);
  const follow = useFileStore((state) => state.index?.following === true);
  const index = useFileStore((state) => state.index);
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
  const totalLines = index?.linesKnown ?? 0;
  const done = index?.done === true;
  cache.setKnownLines(totalLines);

  const alert = (message: string): void => messages.error(message);

  const toEnd = useRef(false);
  const pick = useCallback(
    (line: LineNumber, extend: boolean, offset: number | null) => {
      toEnd.current = false;
      if (store.getState().reveal !== null) store.getState().setReveal(null);
      store.getState().setCurrentLine(line, extend, offset);
    },
    [store],
  );

  /** Moves to 0-based line `line`, clamped to the lines known. */
  const jumpTo = useCallback(
    (line: number, extend = false) => {
      const clamped = lineNumber(Math.min(Math.max(0, line), Math.max(0, totalLines - 1)));
      if (store.getState().reveal !== null) store.getState().setReveal(null);
      store.getState().setCurrentLine(clamped, extend, cache.line(clamped)?.fileOffset ?? null);
      rows.current?.scrollToRow(clamped, 'auto');
    },
    [store, totalLines, cache],
  );

  // Ctrl+End pressed during indexing: follow the last line until the index is done or the user moves.
  useEffect(() => {
    if (!toEnd.current || totalLines === 0) return;
    jumpTo(totalLines - 1, store.getState().anchorLine !== store.getState().currentLine);
    if (done) toEnd.current = false;
  }, [totalLines, done, jumpTo, store]);

  // Wrapping changes every row's height: bring the current line back into view afterwards.
  const wrapShown = useRef(wrap);
  useEffect(() => {
    if (wrapShown.current === wrap) return;
    wrapShown.current = wrap;
    const line = store.getState().currentLine;
    rows.current?.scrollToRow(line, 'center');
    // Heights of wrapped rows are measured after they render: settle once more on the next frame.
    const frame = requestAnimationFrame(() => rows.current?.scrollToRow(line, 'center'));
    return () => cancelAnimationFrame(frame);
  }, [wrap, store]);

  // Keep the current line's offset known once its block arrives (text → hex keeps the position).
  useEffect(() => {
    const state = store.getState();
    const offset = cache.line(state.currentLine)?.fileOffset ?? null;
    if (offset !== state.currentLineOffset) store.setState({ currentLineOffset: offset });
  }, [version, currentLine, cache, store]);

  // A view switch or a found match asks us to show the line holding an offset; a restored
  // position, a line (waited for if indexing has not reached it).
  const reveal = useFileStore((state) => state.reveal);
  useEffect(() => {
    if (reveal === null || totalLines === 0) return;
    // A restored line not indexed yet is shown once it is (unless the user moves first).
    if (reveal.kind === 'line' && reveal.line >= totalLines && !done) return;
    store.getState().setReveal(null);
    if (reveal.kind === 'line') {
      const line = lineNumber(Math.min(reveal.line, totalLines - 1));
      store.getState().setCurrentLine(line, false, null);
      rows.current?.scrollToRow(line, 'center');
      return;
    }
    void getApi()
      .lineAtOffset(session, byteOffset(reveal.offset))
      .then((result) => {
        if (!result.ok) return;
        store.getState().setCurrentLine(result.value, false, null);
        rows.current?.scrollToRow(result.value, 'center');
      });
  }, [reveal, store, session, totalLines, done]);

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

  // A tab shown again comes back to the rows it showed (read before the rows report their first top).
  const [savedTop] = useState(() => store.getState().textTop);
  useEffect(() => {
    if (savedTop > 0) rows.current?.scrollToTop(savedTop);
    // A question shown with this tab (its pending edits, on close) keeps the keyboard.
    if (!modalOpen()) container.current?.focus();
  }, [savedTop]);

  const goTo = useGoTo(
    // The person types the 1-based number they read in the gutter.
    (text) => parseLineTarget(text, { current: currentLine, linesKnown: totalLines, done }),
    (target) => {
      const line = lineNumber(target);
      clearErrors();
      if (line >= totalLines) {
        setPendingJump(line);
        return;
      }
      store.getState().setCurrentLine(line, false, null);
      rows.current?.scrollToRow(line, 'center');
    },
    () => container.current?.focus(),
  );

  const copySelection = async (): Promise<void> => {
    const { currentLine: current, anchorLine: anchor } = store.getState();
    const first = lineNumber(Math.min(current, anchor));
    const last = lineNumber(Math.max(current, anchor));
    const result = await getApi().copyLines(session, first, last);
    if (!result.ok) {
      alert(result.code === 'ETOOBIG' ? result.message : `Copy failed: ${result.message}`);
      return;
    }
    const encoding = store.getState().index?.encoding ?? 'utf-8';
    const text = clipboardText(result.value, encoding, first === 0);
    const count = last - first + 1;
    await writeClipboard(text).then(
      () => messages.info(`Copied ${plural(count, 'line')}.`),
      () => alert('The clipboard refused the text.'),
    );
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
    const moves: Record<string, number | undefined> = {
      ArrowUp: currentLine - 1,
      ArrowDown: currentLine + 1,
      PageUp: currentLine - page,
      PageDown: currentLine + page,
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
    goTo: goTo.open,
    selectAll: () => {
      if (totalLines > 0) store.getState().selectLines(lineNumber(0), lineNumber(totalLines - 1));
    },
    copy: () => void copySelection(),
    paste: () => messages.info('The text view is read-only: paste bytes in the hex view.'),
    run: (command) => {
      if (command !== 'view.follow') return false;
      void toggleFollow();
      return true;
    },
  });

  const toggleFollow = async (): Promise<void> => {
    const next = store.getState().index?.following !== true;
    await store.getState().setFollow(next);
    if (next) {
      atEnd.current = true;
      setAtEndShown(true);
      const lines = store.getState().index?.linesKnown ?? 0;
      if (lines > 0) rows.current?.scrollToRow(lines - 1, 'end');
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
      store.getState().setTop('text', top);
    },
    [store],
  );

  // The byte range of the lines on screen (with a margin), for match highlights.
  const firstShown = cache.line(Math.max(0, viewport.top - 4));
  const lastShown = cache.line(Math.min(totalLines - 1, viewport.top + viewport.visible + 4));
  const rangeStart = firstShown?.fileOffset ?? 0;
  const rangeEnd = lastShown === undefined ? rangeStart : lastShown.fileOffset + lastShown.fullLength + 1;
  const matches = useMatchesInRange(rangeStart, rangeEnd);

  const selectionStart = lineNumber(Math.min(currentLine, anchorLine));
  const selectionEnd = lineNumber(Math.max(currentLine, anchorLine));
  const rowProps = useMemo<TextRowProps>(
    () => ({
      wrap,
      cache,
      matches,
      digits: String(Math.max(totalLines, 1)).length,
      currentLine,
      selectionStart,
      selectionEnd,
      version,
      onPick: pick,
    }),
    [wrap, cache, matches, totalLines, currentLine, selectionStart, selectionEnd, version, pick],
  );

  const tools = (
    <>
      <button
        type="button"
        className="icon toggle"
        aria-label="Follow"
        aria-pressed={follow}
        onClick={() => void toggleFollow()}
        title="Follow the end of the file as it grows (F)"
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
    </>
  );

  return (
    <div className="text-view" data-testid="text-view" tabIndex={0} ref={container}>
      {toolsSlot !== null && createPortal(tools, toolsSlot)}
      {totalLines === 0 && done ? (
        <p className="empty-note">This file has no lines.</p>
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
        />
      )}
    </div>
  );
}
