// The window's size and place, kept beside the settings (the renderer never sees them).
import { readFileSync } from 'node:fs';
import type { Rectangle } from 'electron';
import { writeFileAtomically } from './services/settings';
import type { WindowPort } from './electronPorts';

export interface WindowPlace {
  readonly bounds: Rectangle;
  readonly maximized: boolean;
}

export interface DisplayArea {
  readonly workArea: Rectangle;
}

export function savedPlace(boundsPath: string, displays: readonly DisplayArea[]): WindowPlace | null {
  try {
    const value = JSON.parse(readFileSync(boundsPath, 'utf8')) as Partial<WindowPlace>;
    const bounds = value.bounds;
    if (bounds === undefined || ![bounds.x, bounds.y, bounds.width, bounds.height].every(Number.isFinite)) return null;
    // A place on a display that is gone (unplugged monitor) is forgotten.
    const visible = displays.some((display) => {
      const area = display.workArea;
      return (
        bounds.x < area.x + area.width &&
        bounds.x + bounds.width > area.x &&
        bounds.y < area.y + area.height &&
        bounds.y + bounds.height > area.y
      );
    });
    return visible && bounds.width >= 400 && bounds.height >= 300
      ? { bounds, maximized: value.maximized === true }
      : null;
  } catch {
    return null;
  }
}

export function keepPlace(window: WindowPort, boundsPath: string): void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const save = (): void => {
    clearTimeout(timer);
    if (window.isDestroyed()) return;
    const place: WindowPlace = { bounds: window.getNormalBounds(), maximized: window.isMaximized() };
    try {
      writeFileAtomically(boundsPath, `${JSON.stringify(place)}\n`);
    } catch (error) {
      console.warn(`hexlog: the window's place was not saved: ${String(error)}`);
    }
  };
  const later = (): void => {
    clearTimeout(timer);
    timer = setTimeout(save, 500);
  };
  window.on('resize', later);
  window.on('move', later);
  window.on('maximize', save);
  window.on('unmaximize', save);
  window.on('close', save);
  window.on('closed', () => clearTimeout(timer));
}
