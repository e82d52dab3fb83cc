// The data inspector: the bytes at the cursor read as each type; editing a value overwrites them.
import { useState, useSyncExternalStore, type ReactElement } from 'react';
import type { ByteCache } from '../../data/byteCache';
import { useFileStore, useFileStoreApi } from '../../state/fileStore';
import { offsetText } from '../../format';
import { messages } from '../../state/messages';
import { focusView } from '../../shell/viewCommands';
import { dataType, inspectorKinds, readKind, writeKind, type InspectorKind } from './inspector';

const labels: Record<InspectorKind, string> = {
  int8: 'int8',
  uint8: 'uint8',
  int16: 'int16',
  uint16: 'uint16',
  int32: 'int32',
  uint32: 'uint32',
  int64: 'int64',
  uint64: 'uint64',
  float32: 'float32',
  float64: 'float64',
  utf8: 'UTF-8',
  time32: 'unix time32',
  time64: 'unix time64',
};

export function Inspector({ cache }: { cache: ByteCache }): ReactElement {
  const store = useFileStoreApi();
  const cursor = useFileStore((state) => state.cursor);
  const littleEndian = useFileStore((state) => state.littleEndian);
  const offsetBase = useFileStore((state) => state.offsetBase);
  const setLittleEndian = useFileStore((state) => state.setLittleEndian);
  useSyncExternalStore(cache.subscribe, cache.getVersion);
  const [editing, setEditing] = useState<{ kind: InspectorKind; text: string } | null>(null);
  const bytes = cache.slice(cursor, Math.min(cursor + 8, cache.size));

  const commit = async (kind: InspectorKind, text: string): Promise<void> => {
    const encoded = writeKind(kind, text, littleEndian);
    if (typeof encoded === 'string') {
      messages.error(encoded);
      return;
    }
    if (cursor + encoded.length > cache.size) {
      messages.error(`A ${kind} at offset ${cursor} would pass the end of the file.`);
      return;
    }
    if (await store.getState().editBytes(cursor, encoded)) {
      setEditing(null);
      focusView();
    }
  };

  return (
    <aside className="inspector" data-testid="inspector" aria-label="Data inspector">
      <div className="inspector-head">
        <span data-testid="inspector-offset" data-offset={cursor}>
          Inspector @ {offsetText(cursor, offsetBase)}
        </span>
        {/* The name holds the visible text (WCAG 2.5.3, label in name) as well as what the button sets. */}
        <button
          type="button"
          onClick={() => setLittleEndian(!littleEndian)}
          aria-label={`Byte order: ${littleEndian ? 'Little endian' : 'Big endian'}`}
        >
          {littleEndian ? 'Little endian' : 'Big endian'}
        </button>
      </div>
      <table>
        <tbody>
          {inspectorKinds.map((kind) => {
            const value = bytes === undefined ? '…' : (readKind(kind, bytes, littleEndian) ?? '—');
            const isEditing = editing?.kind === kind;
            return (
              <tr key={kind} data-type={dataType(kind, littleEndian)}>
                <th scope="row">{labels[kind]}</th>
                <td>
                  {isEditing ? (
                    <form
                      onSubmit={(event) => {
                        event.preventDefault();
                        void commit(kind, editing.text);
                      }}
                    >
                      <input
                        autoFocus
                        aria-label={`Edit ${labels[kind]}`}
                        value={editing.text}
                        onChange={(event) => setEditing({ kind, text: event.target.value })}
                        onKeyDown={(event) => {
                          if (event.key === 'Escape') {
                            setEditing(null);
                            focusView();
                          }
                        }}
                        onBlur={() => setEditing(null)}
                      />
                    </form>
                  ) : (
                    <span
                      className="value"
                      data-part="value"
                      title="Double-click to edit"
                      onDoubleClick={() =>
                        setEditing({ kind, text: value === '—' || value === '…' ? '' : value.split(' (')[0]! })
                      }
                    >
                      {value}
                    </span>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </aside>
  );
}
