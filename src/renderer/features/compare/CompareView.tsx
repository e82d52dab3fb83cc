// A compare tab: the two files side by side in hex, one row of each per offset, so they scroll in
// lockstep; differing bytes coloured, the current difference stronger, the scrollbar ticked where
// differences are. F7 / Shift+F7 go to the next / previous difference, Ctrl+G to an offset in both.
import { useCallback, useEffect, useMemo, useRef, useState, type ReactElement, type KeyboardEvent } from 'react';
import { useStore } from 'zustand';
import type { CompareStatus, ComparedBytes, DiffRange } from '../../../shared/contract';
import { MAX_READ_BYTES, MAX_TICK_BUCKETS } from '../../../shared/contract';
import { byteCount, byteOffset } from '../../../shared/units';
import { GoToInput } from '../../components/GoToInput';
import { Progress } from '../../components/Progress';
import { VirtualRows, type RowRenderProps, type VirtualRowsHandle } from '../../components/VirtualRows';
import { getApi } from '../../data/api';
import { asciiChar, byteHex, formatSize, offsetHex, offsetWidth, plural, rowHeightFor } from '../../format';
import type { OpenFile } from '../../state/appStore';
import { useAppStore } from '../../state/appStore';
import { clearErrors, messages } from '../../state/messages';
import { modalOpen, useViewCommands } from '../../shell/viewCommands';
import { parseOffsetTarget } from '../goto/parseTarget';
import { useGoTo } from '../goto/useGoTo';
import { rowCells, type CompareCell } from './comparePage';
import './compare.css';
import { cursorMove } from '../hex/cursorMove';

/** Rows read beyond the visible ones on each side, so a small scroll shows bytes at once. */
const MARGIN_ROWS = 32;

interface RowProps {
  page: ComparedBytes | null;
  bytesPerRow: number;
  sizes: { readonly a: number; readonly b: number };
  digits: number;
  current: DiffRange | null;
  cursor: number;
  onPick(offset: number): void;
}

function Pane({
  side,
  cells,
  cursor,
  onPick,
}: {
  side: 'a' | 'b';
  cells: readonly CompareCell[];
  cursor: number;
  onPick(offset: number): void;
}): ReactElement {
  const hex: ReactElement[] = [];
  const chars: ReactElement[] = [];
  for (const cell of cells) {
    const classes = `cell cmp-${cell.state}${cell.offset === cursor ? ' cursor' : ''}${cell.eof ? ' cmp-eof' : ''}`;
    const data = {
      'data-diff': cell.state === 'diff' || cell.state === 'current' ? 'true' : undefined,
      'data-current': cell.state === 'current' ? 'true' : undefined,
      'data-eof': cell.eof ? 'true' : undefined,
    };
    const known = cell.value !== null;
    hex.push(
      <span
        key={cell.offset}
        className={classes}
        data-byte={known ? cell.offset : undefined}
        {...data}
        onMouseDown={(event) => {
          if (event.button === 0 && known) onPick(cell.offset);
        }}
      >
        {known ? byteHex(cell.value!) : '  '}
      </span>,
    );
    chars.push(
      <span key={cell.offset} className={classes} data-char={known ? cell.offset : undefined} {...data}>
        {known ? asciiChar(cell.value!) : ' '}
      </span>,
    );
  }
  return (
    <span className="cmp-pane" data-pane={side}>
      <span className="hex-bytes">{hex}</span>
      <span className="hex-chars">{chars}</span>
    </span>
  );
}

function CompareRow(props: RowRenderProps & RowProps): ReactElement {
  const { index, style, ariaAttributes, page, bytesPerRow, sizes, digits, current, cursor, onPick } = props;
  const start = index * bytesPerRow;
  return (
    <div {...ariaAttributes} className="hex-row cmp-row" style={style} data-offset={start}>
      <span className="hex-offset">{offsetHex(start, digits)}</span>
      <Pane side="a" cells={rowCells(page, 'a', start, bytesPerRow, sizes, current)} cursor={cursor} onPick={onPick} />
      <span className="cmp-divider" aria-hidden="true" />
      <Pane side="b" cells={rowCells(page, 'b', start, bytesPerRow, sizes, current)} cursor={cursor} onPick={onPick} />
    </div>
  );
}

/** The comparison's status, from the services and their progress events; a finished one never goes back. */
function useCompareStatus(file: OpenFile): CompareStatus | null {
  const [status, setStatus] = useState<CompareStatus | null>(null);
  useEffect(() => {
    let live = true;
    const adopt = (next: CompareStatus): void => {
      if (live)
        setStatus((previous) => (previous?.done === true && !next.done && next.error === null ? previous : next));
    };
    const off = getApi().on('compareProgress', (next) => {
      if (next.session === file.session) adopt(next);
    });
    void getApi()
      .compareStatus(file.session)
      .then((result) => {
        if (result.ok) adopt(result.value);
        else if (live) messages.error(result.message);
      });
    return () => {
      live = false;
      off();
    };
  }, [file.session]);
  return status;
}

export function CompareView({ file }: { file: OpenFile }): ReactElement {
  const info = useStore(file.store, (state) => state.info);
  const [fileA, fileB] = info.compared!;
  const sizes = useMemo(() => ({ a: fileA.size as number, b: fileB.size as number }), [fileA.size, fileB.size]);
  const size = Math.max(sizes.a, sizes.b);
  const bytesPerRow = useAppStore((state) => state.settings.bytesPerRow);
  const rowHeight = rowHeightFor(useAppStore((state) => state.settings.fontSize));
  const totalRows = Math.ceil(size / bytesPerRow);
  const digits = offsetWidth(size);
  const status = useCompareStatus(file);
  const rows = useRef<VirtualRowsHandle>(null);
  const container = useRef<HTMLDivElement>(null);
  const [viewport, setViewport] = useState({ top: 0, visible: 0 });
  const [page, setPage] = useState<ComparedBytes | null>(null);
  const [current, setCurrent] = useState<DiffRange | null>(null);
  const [cursor, setCursor] = useState(0);
  const [ticks, setTicks] = useState<readonly number[]>([]);
  const done = status?.done === true;

  // The bytes of both files around the rows in view; an answer to an older request is dropped.
  const asked = useRef(0);
  useEffect(() => {
    const first = Math.max(0, viewport.top - MARGIN_ROWS) * bytesPerRow;
    const length = Math.min(MAX_READ_BYTES, (viewport.visible + 2 * MARGIN_ROWS) * bytesPerRow);
    if (first > size) return;
    const request = ++asked.current;
    void getApi()
      .readCompared(file.session, byteOffset(first), byteCount(length))
      .then((result) => {
        if (request !== asked.current) return;
        if (result.ok) setPage(result.value);
        else messages.error(result.message);
      });
  }, [file.session, viewport, bytesPerRow, size]);

  // Where the differences are, on the scrollbar, once they are all known.
  useEffect(() => {
    if (!done || size === 0) return;
    void getApi()
      .diffTicks(file.session, MAX_TICK_BUCKETS)
      .then((result) => {
        if (!result.ok) return;
        const at: number[] = [];
        result.value.forEach((count, bucket) => {
          if (count > 0) at.push(bucket / result.value.length);
        });
        setTicks(at);
      });
  }, [done, file.session, size]);

  const show = useCallback(
    (offset: number, align: 'auto' | 'center' = 'auto') => {
      setCursor(offset);
      rows.current?.scrollToRow(Math.floor(offset / bytesPerRow), align);
    },
    [bytesPerRow],
  );

  const step = async (direction: 1 | -1): Promise<void> => {
    if (status === null || status.error !== null) {
      if (status?.error != null) messages.error(status.error.message);
      return;
    }
    if (!status.done) return messages.info('Still comparing: the differences can be visited once it is done.');
    const from = direction > 0 ? (current !== null ? current.start + 1 : cursor) : (current?.start ?? cursor);
    const result = await getApi().nextDiff(file.session, byteOffset(from), direction);
    if (!result.ok) return messages.error(result.message);
    if (result.value === null) {
      return messages.info(direction > 0 ? 'No more differences after this one.' : 'No differences before this one.');
    }
    clearErrors();
    setCurrent(result.value);
    show(result.value.start, 'center');
  };

  const cancel = async (): Promise<void> => {
    const result = await getApi().cancelCompare(file.session);
    if (!result.ok) messages.error(result.message);
  };

  const goTo = useGoTo(
    (text) => parseOffsetTarget(text, { base: 'hex', cursor, size }),
    (target) => {
      clearErrors();
      setCurrent(null);
      show(target, 'center');
    },
    () => container.current?.focus(),
  );

  const onKeyDown = (event: KeyboardEvent | globalThis.KeyboardEvent): void => {
    const page = (rows.current?.visibleRowCount() ?? 1) * bytesPerRow;
    const ctrl = event.ctrlKey || event.metaKey;
    const target = cursorMove(event.key, { cursor, bytesPerRow, page, size, ctrl });
    if (target === undefined || size === 0) return;
    event.preventDefault();
    show(Math.min(Math.max(0, target), size - 1));
  };

  useViewCommands({
    element: () => container.current,
    onKey: (event) => {
      onKeyDown(event);
      return event.defaultPrevented;
    },
    goTo: goTo.open,
    selectAll: () => undefined,
    copy: () => undefined,
    paste: () => messages.info('A compare tab is read-only: paste into the tab of one of its files.'),
    run: (command) => {
      if (command !== 'go.nextDiff' && command !== 'go.previousDiff') return false;
      void step(command === 'go.nextDiff' ? 1 : -1);
      return true;
    },
  });

  useEffect(() => {
    if (!modalOpen()) container.current?.focus();
  }, []);

  const onPick = useCallback((offset: number) => {
    setCursor(offset);
    container.current?.focus();
  }, []);
  const rowProps = useMemo<RowProps>(
    () => ({ page, bytesPerRow, sizes, digits, current, cursor, onPick }),
    [page, bytesPerRow, sizes, digits, current, cursor, onPick],
  );
  const onTopRowChange = useCallback((top: number, visible: number) => setViewport({ top, visible }), []);
  const paneWidth = `calc(${bytesPerRow * 3.6 + (bytesPerRow / 8 - 1) * 0.8}ch + 16px)`;
  const offsetChars = Math.max(digits, 'Offset'.length);
  const shorter = sizes.a === sizes.b ? null : sizes.a < sizes.b ? fileA : fileB;

  return (
    <div className="compare-layout" data-testid="compare-view" data-done={done ? 'true' : undefined}>
      <div
        className="hex-view compare-view"
        tabIndex={0}
        ref={container}
        aria-label={`Compare ${fileA.name} with ${fileB.name}`}
        style={{ ['--offset-ch' as string]: `${offsetChars}ch`, ['--pane-width' as string]: paneWidth }}
      >
        <div className="hex-row hex-header cmp-header" aria-hidden="true">
          <span className="hex-offset">Offset</span>
          {[fileA, fileB].map((side, index) => (
            <span key={index} className="cmp-pane cmp-title" title={side.path}>
              <span className="cmp-side">{index === 0 ? 'A' : 'B'}</span> {side.name}{' '}
              <span className="cmp-size">{formatSize(side.size)}</span>
            </span>
          ))}
        </div>
        {goTo.input !== null && (
          <GoToInput
            label="Go to offset"
            className="floating"
            placeholder="4D2, 0x4D2, 4D2h, #1234, +10"
            hint="Bare digits are hex, as the offsets show; #1234 is decimal. Both files go there."
            {...goTo.input}
          />
        )}
        {size === 0 ? (
          <p className="empty-note">Both files are empty: there is nothing to compare.</p>
        ) : (
          <VirtualRows
            handleRef={rows}
            totalRows={totalRows}
            rowHeight={rowHeight}
            rowComponent={CompareRow}
            rowProps={rowProps}
            onTopRowChange={onTopRowChange}
            label="Compared rows"
            ticks={{ matches: ticks, marks: [] }}
          />
        )}
      </div>
      <footer className="statusbar cmp-status">
        <CompareCounts status={status} onCancel={() => void cancel()} />
        {current !== null && (
          <span data-testid="current-diff" data-start={current.start} data-end={current.end}>
            Difference at {offsetHex(current.start, digits)} ({plural(current.end - current.start, 'byte')})
          </span>
        )}
        <span data-testid="cursor-offset" data-offset={cursor}>
          Offset {offsetHex(cursor, digits)}
        </span>
        {shorter !== null && (
          <span className="cmp-shorter">
            {shorter.name} ends at {offsetHex(shorter.size, digits)} ({formatSize(Math.abs(sizes.a - sizes.b))} shorter)
          </span>
        )}
        <span className="cmp-keys">F7 / Shift+F7: next / previous difference</span>
      </footer>
    </div>
  );
}

function CompareCounts({ status, onCancel }: { status: CompareStatus | null; onCancel(): void }): ReactElement {
  if (status === null) return <span>Comparing…</span>;
  if (status.error !== null) {
    return (
      <span className="cmp-error" role="alert">
        {status.error.message}
      </span>
    );
  }
  if (status.cancelled) {
    return (
      <span className="cmp-error">
        Cancelled after {formatSize(status.bytesCompared)}: {plural(status.ranges, 'difference')} found until there
      </span>
    );
  }
  if (!status.done) {
    const percent = status.totalBytes === 0 ? 0 : Math.floor((status.bytesCompared / status.totalBytes) * 100);
    return (
      <span className="cmp-progress">
        <Progress label="Comparing the files" percent={percent} /> Comparing… {percent}% ·{' '}
        {plural(status.ranges, 'difference')} so far
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </span>
    );
  }
  return (
    <span data-testid="diff-count" data-ranges={status.ranges} data-bytes={status.bytes}>
      {status.ranges === 0
        ? 'The files are identical'
        : `${plural(status.ranges, 'differing range')}, ${plural(status.bytes, 'differing byte')}`}
      {status.coalesced ? ' (nearby differences are grouped on the scrollbar)' : ''}
    </span>
  );
}
