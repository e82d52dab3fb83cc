// Virtualized rows for any number of rows. react-window's List renders a window of at most
// WINDOW_ROWS rows (well under the browser's ~16.7M px element-height cap); our own scrollbar
// spans all rows, and the window is re-based around the current row as the user moves.
import {
  useCallback,
  useImperativeHandle,
  useLayoutEffect,
  useRef,
  useState,
  type CSSProperties,
  type ReactElement,
  type Ref,
  type PointerEvent as ReactPointerEvent,
} from 'react';
import { List, useDynamicRowHeight, useListRef, type RowComponentProps } from 'react-window';

export const WINDOW_ROWS = 100_000;

export type Align = 'start' | 'center' | 'end' | 'auto';

export interface VirtualRowsHandle {
  /** Scrolls so that global row `row` (0-based) is visible, aligned as asked. */
  scrollToRow(row: number, align: Align): void;
  /** Scrolls so that `row` is the top row (fractional rows allowed). */
  scrollToTop(row: number): void;
  firstVisibleRow(): number;
  visibleRowCount(): number;
  /** The scrolling element, for horizontal scrolling. */
  scrollElement(): HTMLElement | null;
}

export interface RowRenderProps {
  index: number;
  style: CSSProperties;
  /** Spread on the row element: variable-height (wrapped) rows are measured through it. */
  ariaAttributes?: { 'aria-posinset': number; 'aria-setsize': number; role: 'listitem' };
}

interface Props<P extends object> {
  totalRows: number;
  rowHeight: number;
  rowComponent: (props: RowRenderProps & P) => ReactElement | null;
  rowProps: P;
  handleRef?: Ref<VirtualRowsHandle>;
  onTopRowChange?: (topRow: number, visibleRows: number) => void;
  className?: string;
  label: string;
  /** Rows of varying height (wrapped lines): measured as they render; positions go by row, not pixel. */
  wrap?: boolean;
  /** Places to mark on the scrollbar, as fractions (0-1) of all rows: search matches and marked lines. */
  ticks?: ScrollbarTicks;
}

export interface ScrollbarTicks {
  readonly matches: readonly number[];
  readonly marks: readonly number[];
}

interface WindowRowProps {
  windowStart: number;
  render: (props: RowRenderProps & object) => ReactElement | null;
  renderProps: object;
}

function WindowRow({
  index,
  style,
  ariaAttributes,
  windowStart,
  render,
  renderProps,
}: RowComponentProps<WindowRowProps>) {
  return render({ ...renderProps, index: windowStart + index, style, ariaAttributes });
}

const clamp = (value: number, low: number, high: number): number => Math.min(Math.max(value, low), high);

export function VirtualRows<P extends object>(props: Props<P>): ReactElement {
  const { totalRows, rowHeight, handleRef, onTopRowChange } = props;
  const wrap = props.wrap === true;
  const listRef = useListRef(null);
  const [windowStart, setWindowStart] = useState(0);
  const [topRow, setTopRow] = useState(0);
  const [viewportHeight, setViewportHeight] = useState(0);
  const [renderedVisible, setRenderedVisible] = useState(0);
  const dynamicHeights = useDynamicRowHeight({ defaultRowHeight: rowHeight, key: `${windowStart}` });
  const windowRows = Math.min(WINDOW_ROWS, Math.max(0, totalRows - windowStart));
  const visibleRows = Math.max(
    1,
    wrap && renderedVisible > 0 ? renderedVisible : Math.floor(viewportHeight / rowHeight),
  );
  const maxTop = Math.max(0, totalRows - visibleRows);

  const element = (): HTMLDivElement | null => listRef.current?.element ?? null;

  // A scroll position we want but the list may not reach yet (its height follows a re-render, or
  // a re-based window): applied now, after the next commit, and on a few frames until it holds.
  const desiredScrollTop = useRef<number | null>(null);
  // Wrapped rows have no fixed height: the row we want at the top, applied by the list itself.
  const desiredIndex = useRef<{ index: number; align: 'start' | 'center' | 'end' } | null>(null);
  const attempts = useRef(0);
  const tryApplyScroll = useCallback(() => {
    const wanted = desiredIndex.current;
    if (wanted !== null) {
      const list = listRef.current;
      if (list?.element) {
        try {
          list.scrollToRow({ index: wanted.index, align: wanted.align, behavior: 'instant' });
        } catch {
          // The window is being re-based; the next frame tries again.
        }
      }
      // Heights are measured as rows render: apply again for a few frames until it settles.
      if (attempts.current++ < 4) requestAnimationFrame(tryApplyScroll);
      else desiredIndex.current = null;
      return;
    }
    const want = desiredScrollTop.current;
    if (want === null) return;
    const el = listRef.current?.element;
    if (el) {
      el.scrollTop = want;
      if (Math.abs(el.scrollTop - want) <= 1) {
        desiredScrollTop.current = null;
        return;
      }
    }
    if (attempts.current++ < 30) requestAnimationFrame(tryApplyScroll);
    else desiredScrollTop.current = null;
  }, [listRef]);

  const applyTop = useCallback(
    (top: number, currentStart: number, align: 'start' | 'center' | 'end' = 'start', row = top) => {
      const clampedTop = clamp(top, 0, Math.max(0, totalRows - visibleRows));
      const neededStart =
        totalRows <= WINDOW_ROWS ? 0 : clamp(Math.floor(clampedTop - WINDOW_ROWS / 2), 0, totalRows - WINDOW_ROWS);
      // Wrapped rows: let the list align the row itself, since only it knows the measured heights.
      if (wrap) desiredIndex.current = { index: clamp(Math.floor(row), 0, totalRows - 1) - neededStart, align };
      else desiredScrollTop.current = (clampedTop - neededStart) * rowHeight;
      attempts.current = 0;
      if (neededStart === currentStart) tryApplyScroll();
      else setWindowStart(neededStart);
      setTopRow(clampedTop);
    },
    [totalRows, visibleRows, rowHeight, tryApplyScroll, wrap],
  );

  useLayoutEffect(() => {
    tryApplyScroll();
  });

  // Shrinking files (or a new file) may leave the window past the end.
  useLayoutEffect(() => {
    if (windowStart > 0 && windowStart + WINDOW_ROWS > totalRows) {
      applyTop(Math.min(topRow, maxTop), windowStart);
    }
  }, [totalRows, windowStart, topRow, maxTop, applyTop]);

  useLayoutEffect(() => {
    onTopRowChange?.(Math.floor(topRow), visibleRows);
  }, [topRow, visibleRows, onTopRowChange]);

  useImperativeHandle(
    handleRef,
    () => ({
      scrollToRow: (row, align) => {
        const first = Math.floor(topRow);
        let top: number;
        if (align === 'start') top = row;
        else if (align === 'center') top = row - Math.floor(visibleRows / 2);
        else if (align === 'end') top = row - visibleRows + 1;
        else if (row < first) top = row;
        else if (row >= first + visibleRows) top = row - visibleRows + 1;
        else return;
        const nativeAlign = align === 'center' || align === 'end' ? align : row < first ? 'start' : 'end';
        applyTop(top, windowStart, align === 'start' ? 'start' : nativeAlign, row);
      },
      scrollToTop: (row) => applyTop(row, windowStart),
      firstVisibleRow: () => Math.floor(topRow),
      visibleRowCount: () => visibleRows,
      scrollElement: () => listRef.current?.element ?? null,
    }),
    [applyTop, topRow, visibleRows, windowStart, listRef],
  );

  // Wrapped rows: the top row comes from what the list rendered, not from pixels.
  const onRowsRendered = (visible: { startIndex: number; stopIndex: number }): void => {
    if (!wrap) return;
    setRenderedVisible(Math.max(1, visible.stopIndex - visible.startIndex));
    if (desiredIndex.current !== null) return;
    const top = windowStart + visible.startIndex;
    setTopRow(top);
    if (totalRows <= WINDOW_ROWS) return;
    const span = Math.max(1, visible.stopIndex - visible.startIndex);
    const nearStart = windowStart > 0 && visible.startIndex < span * 2;
    const nearEnd = windowStart + windowRows < totalRows && visible.stopIndex > windowRows - span * 3;
    if (nearStart || nearEnd) applyTop(top, windowStart);
  };

  const onScroll = (): void => {
    const el = element();
    if (wrap || !el || desiredScrollTop.current !== null) return;
    const top = windowStart + el.scrollTop / rowHeight;
    setTopRow(top);
    if (totalRows <= WINDOW_ROWS) return;
    const nearStart = windowStart > 0 && el.scrollTop < viewportHeight * 2;
    const windowBottom = windowRows * rowHeight;
    const nearEnd = windowStart + windowRows < totalRows && el.scrollTop + viewportHeight * 3 > windowBottom;
    if (nearStart || nearEnd) applyTop(top, windowStart);
  };

  const onWheelOverBar = (event: React.WheelEvent): void => {
    const el = element();
    if (el) el.scrollTop += event.deltaY;
  };

  // Our scrollbar: the thumb's place is the top row's place among all rows.
  const trackRef = useRef<HTMLDivElement>(null);
  const trackHeight = viewportHeight;
  const contentHeight = totalRows * rowHeight;
  const thumbHeight =
    contentHeight <= viewportHeight
      ? trackHeight
      : clamp((viewportHeight / contentHeight) * trackHeight, 24, trackHeight);
  const thumbTop = maxTop === 0 ? 0 : (Math.min(topRow, maxTop) / maxTop) * (trackHeight - thumbHeight);
  const drag = useRef<{ pointerY: number; thumbTop: number } | null>(null);

  const topFromThumb = (thumbPosition: number): number => {
    const travel = trackHeight - thumbHeight;
    return travel <= 0 ? 0 : (clamp(thumbPosition, 0, travel) / travel) * maxTop;
  };

  const onTrackPointerDown = (event: ReactPointerEvent<HTMLDivElement>): void => {
    const track = trackRef.current;
    if (!track || event.button !== 0) return;
    event.preventDefault();
    const y = event.clientY - track.getBoundingClientRect().top;
    if (y < thumbTop || y > thumbTop + thumbHeight) {
      // A click on the track jumps the thumb's centre there, then drags from it.
      const centred = y - thumbHeight / 2;
      applyTop(topFromThumb(centred), windowStart);
      drag.current = { pointerY: event.clientY, thumbTop: clamp(centred, 0, trackHeight - thumbHeight) };
    } else {
      drag.current = { pointerY: event.clientY, thumbTop };
    }
    track.setPointerCapture(event.pointerId);
  };
  const onTrackPointerMove = (event: ReactPointerEvent<HTMLDivElement>): void => {
    if (!drag.current) return;
    applyTop(topFromThumb(drag.current.thumbTop + event.clientY - drag.current.pointerY), windowStart);
  };
  const onTrackPointerUp = (event: ReactPointerEvent<HTMLDivElement>): void => {
    drag.current = null;
    trackRef.current?.releasePointerCapture(event.pointerId);
  };

  return (
    <div className={`vrows ${props.className ?? ''}`}>
      <List
        listRef={listRef}
        className="vrows-list"
        rowComponent={WindowRow}
        rowCount={windowRows}
        rowHeight={wrap ? dynamicHeights : rowHeight}
        overscanCount={4}
        onRowsRendered={onRowsRendered}
        rowProps={{
          windowStart,
          render: props.rowComponent as WindowRowProps['render'],
          renderProps: props.rowProps,
        }}
        onScroll={onScroll}
        onResize={(size) => setViewportHeight(size.height)}
        aria-label={props.label}
        // A scrolling region must be reachable by keyboard (keys still go to the view: useShortcuts).
        tabIndex={0}
      />
      <div
        ref={trackRef}
        className="vrows-track"
        data-testid="scrollbar"
        role="scrollbar"
        aria-orientation="vertical"
        aria-valuemin={0}
        aria-valuemax={Math.max(0, totalRows - 1)}
        aria-valuenow={Math.floor(topRow)}
        aria-controls=""
        onPointerDown={onTrackPointerDown}
        onPointerMove={onTrackPointerMove}
        onPointerUp={onTrackPointerUp}
        onPointerCancel={onTrackPointerUp}
        onWheel={onWheelOverBar}
      >
        {props.ticks !== undefined && (
          <div
            className="vrows-ticks"
            aria-hidden="true"
            data-testid="scroll-ticks"
            data-matches={props.ticks.matches.length}
            data-marks={props.ticks.marks.length}
          >
            {props.ticks.matches.map((at, index) => (
              <div key={`s${index}`} className="tick match" style={{ top: `${at * 100}%` }} />
            ))}
            {props.ticks.marks.map((at, index) => (
              <div key={`m${index}`} className="tick mark" style={{ top: `${at * 100}%` }} />
            ))}
          </div>
        )}
        <div
          className="vrows-thumb"
          data-testid="scrollbar-thumb"
          style={{ top: thumbTop, height: thumbHeight, display: contentHeight <= viewportHeight ? 'none' : 'block' }}
        />
      </div>
    </div>
  );
}
