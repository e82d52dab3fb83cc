// The byte map strip beside the hex view's scrollbar: the whole file's regions coloured by class
// (zeros, text, high entropy, other), computed once per file when the hex view first shows it. A
// click jumps the hex view there; hovering says what the region is. It never takes the keyboard.
import { useEffect, useRef, useState, type MouseEvent, type ReactElement } from 'react';
import { useAppStore } from '../../state/appStore';
import { useFileStore, useFileStoreApi } from '../../state/fileStore';
import { formatBytes } from './format';
import { useBinaryStore, useBinaryStoreApi } from './binaryStore';
import { classKey, classLabel, offsetAtFraction, pixelClasses, regionAt, regionSpan } from './stripModel';
import './binary.css';

/** The strip's colours, read from the theme's CSS variables. */
function classColours(element: Element): Record<string, string> {
  const style = getComputedStyle(element);
  const colour = (key: string): string => style.getPropertyValue(`--bytemap-${key}`).trim() || '#888';
  return {
    zeros: colour('zeros'),
    text: colour('text'),
    'high-entropy': colour('high-entropy'),
    other: colour('other'),
    pending: colour('pending'),
  };
}

export function ByteMapStrip(): ReactElement | null {
  const session = useFileStore((state) => state.info.session);
  const size = useFileStore((state) => state.info.size);
  const fileStore = useFileStoreApi();
  const binary = useBinaryStoreApi();
  const map = useBinaryStore((state) => state.maps.file);
  const error = useBinaryStore((state) => state.mapErrors.file);
  const theme = useAppStore((state) => state.settings.theme);
  const canvas = useRef<HTMLCanvasElement>(null);
  const [height, setHeight] = useState(0);
  const [hover, setHover] = useState<string>('');

  // Once per file: the first time its hex view shows, and again once the file is mapped again
  // (it grew, shrank or was replaced).
  const mapGeneration = useFileStore((state) => state.mapGeneration);
  useEffect(() => {
    const state = binary.getState();
    const current = state.maps.file;
    if (current === null || current.error?.code === 'EFILECHANGED' || state.mapGenerations.file !== mapGeneration) {
      void state.startMap(session, 'file', 0, size, mapGeneration);
    }
  }, [binary, session, size, mapGeneration]);

  // Where the hex view is: a mark on the strip.
  const hexTop = useFileStore((state) => state.hexTop);
  const bytesPerRow = useFileStore((state) => state.bytesPerRow);
  const viewAt = size > 0 ? Math.min(1, (hexTop * bytesPerRow) / size) : 0;

  useEffect(() => {
    const element = canvas.current;
    if (element === null) return;
    const observer = new ResizeObserver(() => setHeight(element.clientHeight));
    observer.observe(element);
    setHeight(element.clientHeight);
    return () => observer.disconnect();
  }, []);

  useEffect(() => {
    const element = canvas.current;
    if (element === null || height <= 0) return;
    const ratio = window.devicePixelRatio || 1;
    const pixels = Math.max(1, Math.round(height * ratio));
    element.width = Math.max(1, Math.round(element.clientWidth * ratio));
    element.height = pixels;
    const context = element.getContext('2d');
    if (context === null) return;
    const colours = classColours(element);
    const rows = pixelClasses(map?.classes ?? new Uint8Array(0), pixels);
    let start = 0;
    for (let p = 1; p <= pixels; p++) {
      if (p < pixels && rows[p] === rows[start]) continue;
      context.fillStyle = colours[classKey(rows[start]!)] ?? '#888';
      context.fillRect(0, start, element.width, p - start);
      start = p;
    }
  }, [map, height, theme]);

  const offsetAt = (event: MouseEvent<HTMLCanvasElement>): number | null => {
    if (map === null || map.to <= map.from) return null;
    const box = event.currentTarget.getBoundingClientRect();
    return offsetAtFraction(map, (event.clientY - box.top) / Math.max(1, box.height));
  };

  const onMouseDown = (event: MouseEvent<HTMLCanvasElement>): void => {
    // Like a scrollbar: the keyboard stays in the hex view.
    event.preventDefault();
    if (event.button !== 0) return;
    const offset = offsetAt(event);
    if (offset === null) return;
    fileStore.getState().setReveal({ kind: 'offset', offset });
  };

  const onMouseMove = (event: MouseEvent<HTMLCanvasElement>): void => {
    const offset = offsetAt(event);
    if (offset === null || map === null) return setHover('');
    const region = regionAt(map, offset);
    const [start, end] = regionSpan(map, region);
    const entropy = map.entropy[region];
    setHover(
      `${classLabel(map.classes[region] ?? 255)} · ${start.toLocaleString('en-US')}–${(end - 1).toLocaleString('en-US')}` +
        (entropy !== undefined && !Number.isNaN(entropy) ? ` · entropy ${entropy.toFixed(2)} bits/byte` : '') +
        ' · click to go there',
    );
  };

  const scanned = map?.bytesScanned ?? 0;
  const total = map?.totalBytes ?? size;
  const progress = map?.done === true ? 'done' : `${total === 0 ? 0 : Math.floor((scanned / total) * 100)}%`;
  const title =
    error !== null
      ? `Byte map: ${error}`
      : map?.error != null
        ? `Byte map: ${map.error.message}`
        : hover !== ''
          ? hover
          : `Byte map of ${formatBytes(size)} (${progress}): zeros, text, high entropy, other. Click to go there.`;
  return (
    <div
      className="byte-map-strip"
      data-testid="byte-map"
      data-regions={map?.classes.length ?? 0}
      data-region-bytes={map?.regionBytes ?? 0}
      data-done={map?.done === true ? 'true' : 'false'}
      data-error={map?.error?.code ?? error ?? undefined}
    >
      <canvas
        ref={canvas}
        role="img"
        aria-label={`Byte map: ${map?.done === true ? 'done' : `scanning, ${progress}`}`}
        title={title}
        onMouseDown={onMouseDown}
        onMouseMove={onMouseMove}
        onMouseLeave={() => setHover('')}
      />
      <div className="byte-map-view" style={{ top: `${viewAt * 100}%` }} aria-hidden="true" />
      {map !== null && !map.done && map.error === null && !map.cancelled && (
        <div className="byte-map-progress" style={{ height: `${(scanned / Math.max(1, total)) * 100}%` }} />
      )}
    </div>
  );
}
