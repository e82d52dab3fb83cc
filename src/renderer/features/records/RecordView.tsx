// The record view: the file as a table of fixed-size records (a Python struct string or named
// fields), virtualized over millions of rows. Bytes come from the hex view's page cache, so pending
// edits show; editing a cell writes the field's bytes through the edit model.
import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore, type ReactElement } from 'react';
import { useStore } from 'zustand';
import { decodeField, encodeField, formatField } from '../../../shared/recordDecode';
import { GoToInput } from '../../components/GoToInput';
import { VirtualRows, type VirtualRowsHandle } from '../../components/VirtualRows';
import type { ByteCache } from '../../data/byteCache';
import { writeClipboard } from '../../clipboard';
import { rowHeightFor } from '../../format';
import { messages } from '../../state/messages';
import { useAppStore } from '../../state/appStore';
import { useFileStore, useFileStoreApi } from '../../state/fileStore';
import { modalOpen, useViewCommands } from '../../shell/viewCommands';
import { useGoTo } from '../goto/useGoTo';
import { columnWidth, parseRecordTarget, parseStartOffset, recordSpan, spanText } from './recordGeometry';
import { recordStoreOf, type RecordCell } from '../../state/recordStore';
import { RecordRow, type Editing, type RowProps } from './RecordRow';
import { SavedLayouts } from './SavedLayouts';
import './records.css';

export function RecordView({ cache }: { cache: ByteCache }): ReactElement {
  const fileStore = useFileStoreApi();
  const records = recordStoreOf(fileStore);
  const size = useFileStore((state) => state.info.size);
  const layout = useStore(records, (state) => state.layout);
  const layoutText = useStore(records, (state) => state.layoutText);
  const layoutError = useStore(records, (state) => state.layoutError);
  const start = useStore(records, (state) => state.start);
  const cell = useStore(records, (state) => state.cell);
  const rowHeight = rowHeightFor(useAppStore((state) => state.settings.fontSize));
  const version = useSyncExternalStore(cache.subscribe, cache.getVersion);
  const rows = useRef<VirtualRowsHandle>(null);
  const table = useRef<HTMLDivElement>(null);
  const header = useRef<HTMLDivElement>(null);
  const layoutInput = useRef<HTMLInputElement>(null);
  const [draft, setDraft] = useState(layoutText);
  const [startDraft, setStartDraft] = useState(String(start));
  const [startError, setStartError] = useState<string | null>(null);
  const [editing, setEditingState] = useState<Editing | null>(null);
  // Whether an editor is open now: the editor's blur on removal must not commit a closed edit again.
  const editorOpen = useRef(false);
  const setEditing = (next: Editing | null): void => {
    editorOpen.current = next !== null;
    setEditingState(next);
  };
  const [cellError, setCellError] = useState<string | null>(null);

  const span = layout === null ? null : recordSpan(size, start, layout.size);
  const count = span?.count ?? 0;
  const hasRows = count > 0;

  // Keep the file's cursor on the current cell's first byte: the hex view opens there.
  const moveTo = useCallback(
    (next: RecordCell, align: 'auto' | 'center' = 'auto') => {
      const current = records.getState();
      if (current.layout === null) return;
      const total = recordSpan(fileStore.getState().info.size, current.start, current.layout.size).count;
      if (total === 0) return;
      const record = Math.min(Math.max(0, next.record), total - 1);
      const field = Math.min(Math.max(0, next.field), current.layout.fields.length - 1);
      current.setCell({ record, field });
      const fieldOffset = current.layout.fields[field]?.offset ?? 0;
      fileStore.getState().setCursor(current.start + record * current.layout.size + fieldOffset);
      rows.current?.scrollToRow(record, align);
    },
    [records, fileStore],
  );

  const applyLayout = (text: string, focusTable = false): void => {
    if (text !== records.getState().layoutText || records.getState().layoutError !== null) {
      setEditing(null);
      setCellError(null);
      records.getState().applyLayout(text);
    }
    // Enter in the layout input hands the keyboard to the table, as a form's default action would.
    if (focusTable && records.getState().layoutError === null) requestAnimationFrame(() => table.current?.focus());
  };

  const applyStart = (text: string): void => {
    const parsed = parseStartOffset(text, size);
    if (!parsed.ok) {
      setStartError(parsed.message);
      return;
    }
    setStartError(null);
    setEditing(null);
    records.getState().setStart(parsed.value);
  };

  // The layout restored for this file (or picked from the saved list) shows in the input.
  useEffect(() => setDraft(layoutText), [layoutText]);
  useEffect(() => setStartDraft(String(start)), [start]);

  // A view switch asks us to show an offset: the record holding it.
  const reveal = useFileStore((state) => state.reveal);
  const revealed = useRef(false);
  useEffect(() => {
    if (reveal === null || reveal.kind !== 'offset') return;
    fileStore.getState().setReveal(null);
    revealed.current = true;
    if (layout === null || reveal.offset < start) return;
    const record = Math.floor((reveal.offset - start) / layout.size);
    records.getState().setCell({ record: Math.min(record, Math.max(0, count - 1)), field: cell.field });
    rows.current?.scrollToRow(record, 'center');
  }, [reveal, fileStore, records, layout, start, count, cell.field]);

  // The tab shown again comes back to the rows it showed.
  const [savedTop] = useState(() => records.getState().top);
  useEffect(() => {
    // A position asked for by the view switch wins over where the tab was left.
    if (savedTop > 0 && !revealed.current) rows.current?.scrollToTop(savedTop);
    // With no layout yet, the keyboard goes where one is typed.
    if (!modalOpen()) (records.getState().layout === null ? layoutInput.current : table.current)?.focus();
  }, [savedTop, records]);

  const onTopRowChange = useCallback((top: number) => records.getState().setTop(top), [records]);

  // The header follows the rows' horizontal scroll.
  useEffect(() => {
    const scroller = rows.current?.scrollElement();
    if (!scroller) return;
    const follow = (): void => {
      if (header.current) header.current.scrollLeft = scroller.scrollLeft;
    };
    scroller.addEventListener('scroll', follow);
    return () => scroller.removeEventListener('scroll', follow);
  }, [layout, hasRows]);

  const startEditing = (at: RecordCell, text?: string): void => {
    if (layout === null) return;
    const field = layout.fields[at.field];
    const bytes = cache.slice(start + at.record * layout.size, start + (at.record + 1) * layout.size);
    if (field === undefined || bytes === undefined) return;
    setCellError(null);
    setEditing({ cell: at, text: text ?? formatField(field, decodeField(field, bytes, 0)) });
  };

  const stopEditing = (): void => {
    setEditing(null);
    setCellError(null);
    requestAnimationFrame(() => table.current?.focus());
  };

  // One edit per commit, even when Enter and the editor's blur both ask for it.
  const committing = useRef(false);
  const commitCell = async (): Promise<void> => {
    if (editing === null || layout === null || committing.current) return;
    const field = layout.fields[editing.cell.field];
    if (field === undefined) return;
    const encoded = encodeField(field, editing.text);
    if (!encoded.ok) {
      setCellError(`${field.name} of record ${editing.cell.record} not changed: ${encoded.message}`);
      return;
    }
    const offset = start + editing.cell.record * layout.size + field.offset;
    committing.current = true;
    try {
      if (await fileStore.getState().editBytes(offset, encoded.value)) stopEditing();
    } finally {
      committing.current = false;
    }
  };

  // Focus leaving the editor (a click elsewhere) keeps a changed value, as a spreadsheet does.
  const onEditBlur = (): void => {
    if (!editorOpen.current || editing === null || layout === null) return;
    const field = layout.fields[editing.cell.field];
    const bytes = cache.slice(
      start + editing.cell.record * layout.size,
      start + (editing.cell.record + 1) * layout.size,
    );
    if (
      field !== undefined &&
      bytes !== undefined &&
      formatField(field, decodeField(field, bytes, 0)) === editing.text
    ) {
      setEditing(null);
      setCellError(null);
    } else {
      void commitCell();
    }
  };

  const copyCell = (): void => {
    if (layout === null || count === 0) return;
    const field = layout.fields[cell.field];
    const bytes = cache.slice(start + cell.record * layout.size, start + (cell.record + 1) * layout.size);
    if (field === undefined || bytes === undefined) return;
    writeClipboard(formatField(field, decodeField(field, bytes, 0))).then(
      () => messages.info(`Copied ${field.name} of record ${cell.record}.`),
      () => messages.error('The clipboard refused the copy.'),
    );
  };

  const onEditKey = (event: React.KeyboardEvent<HTMLInputElement>): void => {
    if (event.key === 'Enter') {
      event.preventDefault();
      void commitCell();
    } else if (event.key === 'Escape') {
      event.preventDefault();
      stopEditing();
    }
  };

  const goTo = useGoTo(
    (text) => parseRecordTarget(text, cell.record, count),
    (target) => moveTo({ record: target, field: cell.field }, 'center'),
    () => table.current?.focus(),
  );

  const onKey = (event: KeyboardEvent): boolean => {
    if (layout === null || count === 0 || editing !== null) return false;
    const ctrl = event.ctrlKey || event.metaKey;
    const page = rows.current?.visibleRowCount() ?? 1;
    const last = layout.fields.length - 1;
    const moves: Record<string, RecordCell | undefined> = {
      ArrowLeft: { record: cell.record, field: cell.field - 1 },
      ArrowRight: { record: cell.record, field: cell.field + 1 },
      ArrowUp: { record: cell.record - 1, field: cell.field },
      ArrowDown: { record: cell.record + 1, field: cell.field },
      PageUp: { record: cell.record - page, field: cell.field },
      PageDown: { record: cell.record + page, field: cell.field },
      Home: ctrl ? { record: 0, field: cell.field } : { record: cell.record, field: 0 },
      End: ctrl ? { record: count - 1, field: cell.field } : { record: cell.record, field: last },
      Tab: { record: cell.record, field: event.shiftKey ? cell.field - 1 : cell.field + 1 },
    };
    const target = moves[event.key];
    if (target !== undefined) {
      moveTo(target);
      return true;
    }
    if (event.key === 'Enter' || event.key === 'F2') {
      startEditing(cell);
      return true;
    }
    if (!ctrl && !event.altKey && event.key.length === 1) {
      startEditing(cell, event.key);
      return true;
    }
    return false;
  };

  useViewCommands({
    element: () => table.current ?? layoutInput.current,
    onKey,
    goTo: () => {
      if (layout !== null) goTo.open();
    },
    selectAll: () => undefined,
    copy: copyCell,
    paste: () => undefined,
    run: () => false,
  });

  const widths = useMemo(() => layout?.fields.map(columnWidth) ?? [], [layout]);
  const indexWidth = Math.max(String(Math.max(0, count - 1)).length, 'Index'.length) + 1;
  const offsetWidth = Math.max(Math.max(0, size - 1).toString(16).length, 'Offset'.length) + 1;
  const pick = useCallback((at: RecordCell) => moveTo(at), [moveTo]);
  const rowProps = useMemo<RowProps>(
    () => ({
      cache,
      layout: layout ?? { syntax: 'struct', size: 1, fields: [] },
      start,
      widths,
      indexWidth,
      offsetWidth,
      cell,
      editing,
      version,
      onPick: pick,
      onEdit: (at) => startEditing(at),
      onEditText: (text) => setEditingState((current) => (current === null ? null : { ...current, text })),
      onEditKey,
      onEditBlur,
    }),
    // startEditing and onEditKey read the latest state through their closures on each render.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [cache, layout, start, widths, indexWidth, offsetWidth, cell, editing, version, pick],
  );

  return (
    <div className="record-view" data-testid="record-view">
      <div className="record-toolbar">
        <form
          className="record-layout"
          onSubmit={(event) => {
            event.preventDefault();
            applyLayout(draft, true);
          }}
        >
          <label>
            Record layout
            <input
              ref={layoutInput}
              aria-label="Record layout"
              aria-invalid={layoutError !== null}
              spellCheck={false}
              placeholder="<I d 8s   or   u32le id; f64le value; char[8] name"
              value={draft}
              onChange={(event) => setDraft(event.target.value)}
              onKeyDown={(event) => {
                // Escape takes back what was typed since the layout was last applied.
                if (event.key === 'Escape' && draft !== layoutText) {
                  event.preventDefault();
                  setDraft(layoutText);
                  records.getState().clearLayoutError();
                }
              }}
              onBlur={() => {
                if (draft.trim() !== '' && draft !== layoutText) applyLayout(draft);
              }}
            />
          </label>
        </form>
        <form
          className="record-start"
          onSubmit={(event) => {
            event.preventDefault();
            applyStart(startDraft);
          }}
        >
          <label>
            Start offset
            <input
              aria-label="Start offset"
              aria-invalid={startError !== null}
              spellCheck={false}
              value={startDraft}
              onChange={(event) => setStartDraft(event.target.value)}
              onBlur={() => {
                if (startDraft !== String(start)) applyStart(startDraft);
              }}
            />
          </label>
        </form>
        <SavedLayouts current={layoutText} onPick={applyLayout} />
        {span !== null && layout !== null && (
          <span
            className="record-count"
            data-testid="record-count"
            data-records={span.count}
            data-remainder={span.remainder}
            title={`${layout.size} bytes per record, from offset ${start}`}
          >
            {spanText(span)}
          </span>
        )}
      </div>
      {(layoutError ?? startError ?? cellError) !== null && (
        <p className="record-error" role="alert">
          {layoutError ?? startError ?? cellError}
        </p>
      )}
      {layout === null ? (
        <p className="empty-note">
          Type a record layout and press Enter: a Python struct string such as <code>&lt;I d 8s</code>, or named fields
          such as <code>u32le id; f64le value; char[8] name</code>.
        </p>
      ) : (
        <div className="record-table" tabIndex={0} ref={table} aria-label="Records">
          <div className="record-row record-header" ref={header} aria-hidden="true">
            <span className="record-index" style={{ width: `${indexWidth}ch` }}>
              Index
            </span>
            <span className="record-offset" style={{ width: `${offsetWidth}ch` }}>
              Offset
            </span>
            {layout.fields.map((field, fieldIndex) => (
              <span
                key={field.name}
                className={`record-cell${field.type === 'text' || field.type === 'bytes' || field.type === 'pascal' ? ' textual' : ''}`}
                style={{ width: `${widths[fieldIndex] ?? 8}ch` }}
                title={`${field.type}${field.isArray ? `[${field.count}]` : ''} at +${field.offset}, ${field.size} bytes`}
              >
                {field.name}
              </span>
            ))}
          </div>
          {goTo.input !== null && (
            <GoToInput
              label="Go to record"
              className="floating"
              placeholder="123456, 0x1E240, +10"
              hint="Records count from 0, as the Index column shows."
              {...goTo.input}
            />
          )}
          {count === 0 ? (
            <p className="empty-note">No whole record fits between the start offset and the end of the file.</p>
          ) : (
            <VirtualRows
              handleRef={rows}
              totalRows={count}
              rowHeight={rowHeight}
              rowComponent={RecordRow}
              rowProps={rowProps}
              onTopRowChange={onTopRowChange}
              label="Record rows"
            />
          )}
        </div>
      )}
    </div>
  );
}
