// The byte map panel: the entropy of each region and the byte histogram, of the selection when more
// than one byte is selected, else of the whole file (the strip's own pass). A selection is mapped
// in its own native pass, again whenever it changes while the panel is open.
import { useEffect, useMemo, type ReactElement } from 'react';
import { BYTE_CLASSES, type ByteMapStatus } from '../../../shared/binaryTools';
import { useFileStore, useFileStoreApi } from '../../state/fileStore';
import { focusView } from '../../shell/viewCommands';
import { useBinaryStore, useBinaryStoreApi } from './binaryStore';
import { classCounts, offsetAtFraction } from './stripModel';
import { formatBytes, hexOffset } from './format';
import './binary.css';

const SELECTION_DEBOUNCE_MS = 250;

function EntropyPlot({ map, onJump }: { map: ByteMapStatus; onJump: (offset: number) => void }): ReactElement {
  const points = useMemo(() => {
    const n = map.entropy.length;
    const parts: string[] = [];
    for (let r = 0; r < n; r++) {
      const value = map.entropy[r]!;
      if (Number.isNaN(value)) continue;
      // x: the region's middle, 0..1000; y: 8 bits at the top.
      const x = n === 1 ? 500 : ((r + 0.5) / n) * 1000;
      parts.push(`${x.toFixed(1)},${(100 - (value / 8) * 100).toFixed(2)}`);
    }
    return parts.join(' ');
  }, [map]);
  return (
    <svg
      data-testid="entropy-plot"
      data-regions={map.entropy.length}
      viewBox="0 0 1000 100"
      preserveAspectRatio="none"
      role="img"
      aria-label={`Entropy of ${map.entropy.length} regions, 0 to 8 bits per byte; a click goes there`}
      onMouseDown={(event) => {
        if (event.button !== 0) return;
        event.preventDefault();
        const box = event.currentTarget.getBoundingClientRect();
        onJump(offsetAtFraction(map, (event.clientX - box.left) / Math.max(1, box.width)));
      }}
    >
      <line className="entropy-threshold" x1="0" x2="1000" y1={100 - (7.2 / 8) * 100} y2={100 - (7.2 / 8) * 100} />
      <polyline className="entropy-line" points={points} />
    </svg>
  );
}

function Histogram({ map }: { map: ByteMapStatus }): ReactElement {
  const max = Math.max(1, ...map.histogram);
  return (
    <svg
      data-testid="byte-histogram"
      data-total={map.histogram.reduce((a, b) => a + b, 0)}
      viewBox="0 0 256 100"
      preserveAspectRatio="none"
      role="img"
      aria-label="Byte histogram, 0x00 to 0xFF, square-root scale"
    >
      {Array.from(map.histogram, (count, value) => {
        // A square-root scale keeps rare bytes visible next to a tall zero bar.
        const height = Math.sqrt(count / max) * 100;
        const printable = value === 9 || value === 10 || value === 13 || (value >= 0x20 && value <= 0x7e);
        return (
          <rect
            key={value}
            className={`histogram-bar${value === 0 ? ' zero' : printable ? ' printable' : ''}`}
            data-byte-value={value}
            data-count={count}
            x={value}
            y={100 - height}
            width={0.9}
            height={height}
          >
            <title>{`0x${value.toString(16).toUpperCase().padStart(2, '0')}: ${count.toLocaleString('en-US')}`}</title>
          </rect>
        );
      })}
    </svg>
  );
}

export function BinaryPanel(): ReactElement {
  const session = useFileStore((state) => state.info.session);
  const size = useFileStore((state) => state.info.size);
  const cursor = useFileStore((state) => state.cursor);
  const anchor = useFileStore((state) => state.selectionAnchor);
  const binary = useBinaryStoreApi();
  const fileMap = useBinaryStore((state) => state.maps.file);
  const selectionMap = useBinaryStore((state) => state.maps.selection);
  const selectionError = useBinaryStore((state) => state.mapErrors.selection);
  const mapGeneration = useFileStore((state) => state.mapGeneration);
  const fileStore = useFileStoreApi();
  const from = Math.min(cursor, anchor);
  const to = Math.min(size, Math.max(cursor, anchor) + 1);
  const scope = to - from > 1 ? 'selection' : 'file';

  useEffect(() => {
    if (scope !== 'selection') return;
    const current = binary.getState().maps.selection;
    const fresh = binary.getState().mapGenerations.selection === mapGeneration;
    if (current !== null && current.from === from && current.to === to && current.error === null && fresh) return;
    const timer = window.setTimeout(
      () => void binary.getState().startMap(session, 'selection', from, to, mapGeneration),
      SELECTION_DEBOUNCE_MS,
    );
    return () => window.clearTimeout(timer);
  }, [binary, session, scope, from, to, mapGeneration]);

  const map =
    scope === 'selection' ? (selectionMap?.from === from && selectionMap.to === to ? selectionMap : null) : fileMap;
  const counts = map === null ? null : classCounts(map.classes);
  const regions = map?.classes.length ?? 0;
  const error = scope === 'selection' ? (selectionError ?? map?.error?.message) : map?.error?.message;

  return (
    <section
      className="matches-pane marks-pane binary-pane"
      data-testid="byte-map-panel"
      data-scope={scope}
      data-from={map?.from ?? from}
      data-to={map?.to ?? (scope === 'file' ? size : to)}
      data-done={map?.done === true ? 'true' : 'false'}
      aria-label="Byte map: entropy and histogram"
      tabIndex={-1}
      onKeyDown={(event) => {
        if (event.key === 'Escape') {
          event.preventDefault();
          focusView();
        }
      }}
    >
      <header className="pane-header">
        <span>
          {scope === 'selection'
            ? `Selection ${hexOffset(from)}–${hexOffset(to - 1)} (${formatBytes(to - from)})`
            : `Whole file (${formatBytes(size)})`}
          {map !== null && !map.done && map.error === null
            ? ` · scanning ${Math.floor((map.bytesScanned / Math.max(1, map.totalBytes)) * 100)}%`
            : ''}
        </span>
        <span className="binary-legend" data-testid="byte-map-legend">
          {BYTE_CLASSES.map((cls) => (
            <span key={cls.key} title={cls.rule} data-class={cls.key} data-regions={counts?.counts[cls.id] ?? 0}>
              <span className={`swatch ${cls.key}`} />
              {cls.label}
              {counts !== null && regions > 0 ? ` ${Math.round(((counts.counts[cls.id] ?? 0) / regions) * 100)}%` : ''}
            </span>
          ))}
        </span>
        {map !== null && !map.done && map.error === null && !map.cancelled && (
          <button type="button" onClick={() => void binary.getState().cancelMap(session, scope)}>
            Stop
          </button>
        )}
        <button
          type="button"
          onClick={() =>
            void binary
              .getState()
              .startMap(session, scope, scope === 'file' ? 0 : from, scope === 'file' ? size : to, mapGeneration)
          }
        >
          Scan again
        </button>
        <button
          type="button"
          aria-label="Close the byte map panel"
          onClick={() => binary.getState().setPanelOpen(false)}
        >
          ×
        </button>
      </header>
      {size === 0 ? (
        <p className="binary-note" role="status">
          This file is empty: there are no bytes to map.
        </p>
      ) : error != null ? (
        <p className="binary-note" role="alert">
          {error}
        </p>
      ) : map === null ? (
        <p className="binary-note" role="status">
          Mapping…
        </p>
      ) : (
        <div className="binary-charts">
          <div className="binary-chart">
            <h3>
              Entropy per region ({regions.toLocaleString('en-US')} × {formatBytes(map.regionBytes)}), 0–8 bits/byte;
              dashed: 7.2
            </h3>
            <EntropyPlot map={map} onJump={(offset) => fileStore.getState().setReveal({ kind: 'offset', offset })} />
          </div>
          <div className="binary-chart">
            <h3>Byte histogram, 0x00–0xFF (√ scale)</h3>
            <Histogram map={map} />
          </div>
        </div>
      )}
    </section>
  );
}
