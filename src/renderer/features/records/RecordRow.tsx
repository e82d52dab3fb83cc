// One row of the record view: its index, offset and one cell per field, decoded from the page cache;
// the cell being edited holds the editor.
import type { ReactElement } from 'react';
import { decodeField, formatField } from '../../../shared/recordDecode';
import type { RecordField, RecordLayout } from '../../../shared/recordLayout';
import type { RowRenderProps } from '../../components/VirtualRows';
import type { ByteCache } from '../../data/byteCache';
import type { RecordCell } from '../../state/recordStore';
import { MAX_CELL_CHARS } from './recordGeometry';

/** Bytes of a long bytes/text field decoded for its cell; the rest is cut with "…". */
const CELL_BYTES = 48;

/** A field's display text in the record at `recordOffset` of `bytes`. */
function cellText(field: RecordField, bytes: Uint8Array, recordOffset: number): string {
  const long = (field.type === 'bytes' || field.type === 'text') && field.size > CELL_BYTES;
  const shown = long ? { ...field, count: CELL_BYTES, size: CELL_BYTES } : field;
  const text = formatField(shown, decodeField(shown, bytes, recordOffset));
  if (text.length > MAX_CELL_CHARS) return `${text.slice(0, MAX_CELL_CHARS)}…`;
  return long ? `${text}…` : text;
}

function fieldModified(cache: ByteCache, offset: number, field: RecordField): boolean {
  const last = offset + Math.min(field.size, 256);
  for (let at = offset; at < last; at++) if (cache.isModified(at)) return true;
  return false;
}

export interface Editing {
  readonly cell: RecordCell;
  readonly text: string;
}

export interface RowProps {
  cache: ByteCache;
  layout: RecordLayout;
  start: number;
  widths: readonly number[];
  indexWidth: number;
  offsetWidth: number;
  cell: RecordCell;
  editing: Editing | null;
  version: number;
  onPick(cell: RecordCell): void;
  onEdit(cell: RecordCell): void;
  onEditText(text: string): void;
  onEditKey(event: React.KeyboardEvent<HTMLInputElement>): void;
  onEditBlur(): void;
}

export function RecordRow(props: RowRenderProps & RowProps): ReactElement {
  const { index, style, ariaAttributes, cache, layout, start, widths, cell, editing } = props;
  const offset = start + index * layout.size;
  const bytes = cache.slice(offset, offset + layout.size);
  return (
    <div
      {...ariaAttributes}
      className={`record-row${cell.record === index ? ' current' : ''}`}
      style={style}
      data-record={index}
      data-offset={offset}
    >
      <span className="record-index" style={{ width: `${props.indexWidth}ch` }}>
        {index}
      </span>
      <span className="record-offset" style={{ width: `${props.offsetWidth}ch` }}>
        {offset
          .toString(16)
          .toUpperCase()
          .padStart(props.offsetWidth - 1, '0')}
      </span>
      {layout.fields.map((field, fieldIndex) => {
        const here = cell.record === index && cell.field === fieldIndex;
        const isEditing = editing !== null && editing.cell.record === index && editing.cell.field === fieldIndex;
        const modified = bytes !== undefined && fieldModified(cache, offset + field.offset, field);
        return (
          <span
            key={field.name}
            className={`record-cell${here ? ' cursor' : ''}${modified ? ' modified' : ''}${
              bytes === undefined ? ' pending' : ''
            }${field.type === 'text' || field.type === 'bytes' || field.type === 'pascal' ? ' textual' : ''}${
              isEditing ? ' editing' : ''
            }`}
            style={{ width: `${widths[fieldIndex] ?? 8}ch` }}
            data-field={field.name}
            data-cursor={here ? 'true' : undefined}
            data-modified={modified ? 'true' : undefined}
            onMouseDown={(event) => {
              if (event.button === 0 && !isEditing) props.onPick({ record: index, field: fieldIndex });
            }}
            onDoubleClick={() => props.onEdit({ record: index, field: fieldIndex })}
          >
            {isEditing ? (
              <input
                className="record-editor"
                aria-label={`Edit ${field.name} of record ${index}`}
                autoFocus
                spellCheck={false}
                value={editing.text}
                onChange={(event) => props.onEditText(event.target.value)}
                onKeyDown={props.onEditKey}
                onBlur={props.onEditBlur}
              />
            ) : bytes === undefined ? (
              '··'
            ) : (
              cellText(field, bytes, 0)
            )}
          </span>
        );
      })}
    </div>
  );
}
