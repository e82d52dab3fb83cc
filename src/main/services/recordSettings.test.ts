// The record view's part of the settings: named layouts in the preferences, a layout per file.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_RECORD_LAYOUT_CHARS, MAX_SAVED_RECORD_LAYOUTS, parseArgs } from '../../shared/schema';
import { byteOffset, lineNumber } from '../../shared/units';
import { SettingsStore, defaultSettings } from './settings';

let dir = '';
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hexlog-record-settings-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const identity = { dev: 1, ino: 9, size: 4096, mtimeMs: 5 };

describe('record layouts in the settings', () => {
  it('named layouts and a file layout come back after a restart', () => {
    const path = join(dir, 'settings.json');
    const first = new SettingsStore(path);
    expect(first.settings.recordLayouts).toEqual([]);
    const recordLayouts = [
      { name: 'pairs', layout: '<Id' },
      { name: 'header', layout: 'u32le magic; char[4] tag' },
    ];
    expect(first.update({ recordLayouts }).changed).toBe(true);
    const memory = {
      view: 'records' as const,
      line: lineNumber(0),
      offset: byteOffset(24),
      records: { layout: '>hhq', start: byteOffset(8) },
    };
    first.savePosition('/data/a.bin', identity, memory);
    first.dispose();

    const second = new SettingsStore(path);
    expect(second.settings.recordLayouts).toEqual(recordLayouts);
    expect(second.position('/data/a.bin', identity)).toEqual(memory);
    second.dispose();
  });

  it('a bad list of layouts read from disk falls back to none, keeping the other settings', () => {
    const path = join(dir, 'settings.json');
    const bad = [
      [{ name: '', layout: '<I' }],
      [{ name: 'x', layout: 'a'.repeat(MAX_RECORD_LAYOUT_CHARS + 1) }],
      [{ name: 'x' }],
      'not a list',
      Array.from({ length: MAX_SAVED_RECORD_LAYOUTS + 1 }, (_, index) => ({ name: `n${index}`, layout: '<I' })),
    ];
    for (const recordLayouts of bad) {
      writeFileSync(
        path,
        JSON.stringify({ version: 1, settings: { fontSize: 15, recordLayouts }, recent: [], files: {} }),
      );
      const store = new SettingsStore(path);
      expect(store.settings).toEqual({ ...defaultSettings, fontSize: 15 });
      store.dispose();
    }
  });

  it('the channels refuse a malformed layout list or file layout', () => {
    expect(parseArgs('updateSettings', [{ recordLayouts: [{ name: 'a', layout: '<I' }] }]).ok).toBe(true);
    expect(parseArgs('updateSettings', [{ recordLayouts: [{ name: 'a', layout: '' }] }]).ok).toBe(false);
    expect(parseArgs('updateSettings', [{ recordLayouts: [{ name: 'a\0', layout: '<I' }] }]).ok).toBe(false);
    const position = { view: 'records', line: 0, offset: 0, records: { layout: '<I', start: -1 } };
    expect(parseArgs('savePosition', [1, position]).ok).toBe(false);
    expect(parseArgs('savePosition', [1, { ...position, records: { layout: '<I', start: 4 } }]).ok).toBe(true);
  });
});
