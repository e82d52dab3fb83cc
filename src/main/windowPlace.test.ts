import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { savedPlace } from './windowPlace';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hexlog-place-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const display = { workArea: { x: 0, y: 0, width: 1920, height: 1080 } };

describe("the window's saved place", () => {
  it('is restored on a display that is still there, maximized or not', () => {
    const path = join(dir, 'window.json');
    writeFileSync(path, JSON.stringify({ bounds: { x: 100, y: 50, width: 900, height: 700 }, maximized: true }));
    expect(savedPlace(path, [display])).toEqual({
      bounds: { x: 100, y: 50, width: 900, height: 700 },
      maximized: true,
    });
  });

  it('is forgotten when its display is gone, when too small, when corrupt or missing', () => {
    const path = join(dir, 'window.json');
    writeFileSync(path, JSON.stringify({ bounds: { x: 3000, y: 50, width: 900, height: 700 }, maximized: false }));
    expect(savedPlace(path, [display])).toBeNull();
    writeFileSync(path, JSON.stringify({ bounds: { x: 0, y: 0, width: 100, height: 80 } }));
    expect(savedPlace(path, [display])).toBeNull();
    writeFileSync(path, JSON.stringify({ bounds: { x: 'a', y: 0, width: 900, height: 700 } }));
    expect(savedPlace(path, [display])).toBeNull();
    writeFileSync(path, '{ not json');
    expect(savedPlace(path, [display])).toBeNull();
    expect(savedPlace(join(dir, 'missing.json'), [display])).toBeNull();
  });
});
