import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_RECENT_FILES } from '../../shared/contract';
import { seededRandom } from '../../shared/seededRandom';
import { byteOffset, lineNumber } from '../../shared/units';
import type { FileIdentity } from './fileIdentity';
import { MAX_REMEMBERED_FILES, SettingsStore, defaultSettings } from './settings';

let dir = '';
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hexlog-settings-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const identity = (ino: number, size = 1000): FileIdentity => ({ dev: 1, ino, size, mtimeMs: 5 });
const at = (line: number, offset = 0, view: 'text' | 'hex' = 'text') => ({
  view,
  line: lineNumber(line),
  offset: byteOffset(offset),
});

describe('the settings store', () => {
  it('keeps settings, recent files and positions across a restart', () => {
    const path = join(dir, 'deep', 'er', 'settings.json');
    const first = new SettingsStore(path);
    expect(first.settings).toEqual(defaultSettings);
    expect(first.update({ theme: 'dark', fontSize: 15 })).toEqual({
      settings: { ...defaultSettings, theme: 'dark', fontSize: 15 },
      changed: true,
    });
    expect(first.update({ theme: 'dark' }).changed).toBe(false);
    first.addRecent('/logs/a.log');
    first.addRecent('/logs/b.log');
    first.savePosition('/logs/a.log', identity(7), at(41, 900));
    first.dispose();

    const second = new SettingsStore(path);
    expect(second.takeNotice()).toBeNull();
    expect(second.settings).toEqual({ ...defaultSettings, theme: 'dark', fontSize: 15 });
    expect(second.recent()).toEqual(['/logs/b.log', '/logs/a.log']);
    expect(second.position('/logs/a.log', identity(7))).toEqual(at(41, 900));
    second.dispose();
  });

  it('writes atomically: a new file renamed over the old, no temporary file left behind', () => {
    const path = join(dir, 'settings.json');
    const store = new SettingsStore(path);
    store.update({ wrap: true });
    store.flush();
    const before = statSync(path).ino;
    store.update({ wrap: false });
    store.flush();
    // A rename over the old file gives the new content a new inode; a write in place would not.
    expect(statSync(path).ino).not.toBe(before);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ version: 1, settings: { wrap: false } });
    expect(readdirSync(dir)).toEqual(['settings.json']);
    store.dispose();
  });

  it('coalesces a burst of changes into one write, and flushes what is pending on dispose', () => {
    const path = join(dir, 'settings.json');
    const store = new SettingsStore(path);
    for (let line = 0; line < 50; line++) store.savePosition('/f', identity(1), at(line));
    expect(existsSync(path)).toBe(false);
    store.dispose();
    expect(new SettingsStore(path).position('/f', identity(1))).toEqual(at(49));
  });

  for (const [what, content] of [
    ['not JSON', '{"version": 1, "settings": {"theme": "da'],
    ['an array', '[1, 2, 3]'],
    ['an older version', '{"version": 0, "settings": {}}'],
    ['a bare number', '42'],
  ] as const) {
    it(`a settings file that is ${what} is set aside with a notice, and the defaults are used`, () => {
      const path = join(dir, 'settings.json');
      writeFileSync(path, content);
      const store = new SettingsStore(path);
      expect(store.settings).toEqual(defaultSettings);
      const notice = store.takeNotice();
      expect(notice).toMatch(/could not be used .*set aside as settings\.json\.corrupt-/);
      expect(store.takeNotice()).toBeNull();
      const aside = readdirSync(dir).filter((name) => name.startsWith('settings.json.corrupt-'));
      expect(aside).toHaveLength(1);
      expect(readFileSync(join(dir, aside[0] ?? ''), 'utf8')).toBe(content);
      // The next write makes a good file again.
      store.update({ theme: 'light' });
      store.dispose();
      expect(new SettingsStore(path).settings.theme).toBe('light');
    });
  }

  it('an empty file is as good as none; a newer version is left untouched, with a notice', () => {
    const path = join(dir, 'settings.json');
    writeFileSync(path, '  \n');
    const empty = new SettingsStore(path);
    expect(empty.takeNotice()).toBeNull();
    empty.update({ wrap: true });
    empty.dispose();
    expect(new SettingsStore(path).settings.wrap).toBe(true);

    const newer = '{"version": 7, "settings": {"theme": "dark"}, "future": true}';
    writeFileSync(path, newer);
    const store = new SettingsStore(path);
    expect(store.settings).toEqual(defaultSettings);
    expect(store.takeNotice()).toMatch(/newer hexlog \(version 7\).*leaves the file as it is/);
    store.update({ theme: 'light' });
    store.dispose();
    expect(readFileSync(path, 'utf8')).toBe(newer);
    expect(readdirSync(dir)).toEqual(['settings.json']);
  });

  it('a field of the wrong type falls back to its default; the rest are kept', () => {
    const path = join(dir, 'settings.json');
    writeFileSync(
      path,
      JSON.stringify({
        version: 1,
        settings: { theme: 'purple', fontSize: 15, bytesPerRow: 12, wrap: 'yes' },
        recent: ['/a', 3, '', '/a', '/b'],
        files: { '/x': { dev: 1, ino: 2, savedAt: 3, position: { view: 'nope', line: 1, offset: 1 } } },
      }),
    );
    const store = new SettingsStore(path);
    expect(store.takeNotice()).toBeNull();
    expect(store.settings).toEqual({ ...defaultSettings, fontSize: 15 });
    expect(store.recent()).toEqual(['/a', '/b']);
    expect(store.rememberedFiles()).toBe(0);
  });

  it('a position belongs to the same file only: a replaced file gets none; an offset past the end is pulled in', () => {
    const store = new SettingsStore(null);
    store.savePosition('/var/log/app.log', identity(10, 5000), at(120, 4999, 'hex'));
    expect(store.position('/var/log/app.log', identity(11, 5000))).toBeNull();
    expect(store.position('/var/log/other.log', identity(10, 5000))).toBeNull();
    expect(store.position('/var/log/app.log', identity(10, 100))).toEqual(at(120, 99, 'hex'));
  });

  it('marks come back while the file is unchanged or grown; rules and query come back for the same file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hexlog-memory-'));
    try {
      const path = join(dir, 'settings.json');
      const store = new SettingsStore(path);
      const memory = {
        ...at(10),
        marks: [lineNumber(1), lineNumber(7)],
        filter: {
          spec: {
            rules: [{ pattern: 'ERROR', exclude: false, regex: false, matchCase: true, enabled: true }],
            context: 2,
          },
          view: true,
        },
        find: { mode: 'text' as const, pattern: 'needle', matchCase: false, wholeWord: false },
      };
      store.savePosition('/app.log', identity(3, 1000), memory);
      expect(store.position('/app.log', identity(3, 1000))).toEqual(memory);
      // Appended to: the lines marked are still those lines.
      expect(store.position('/app.log', { ...identity(3, 5000), mtimeMs: 9 })).toEqual(memory);
      // Rewritten in place (same size, another mtime) or truncated: no marks, the rest stays.
      const { marks: _marks, ...rest } = memory;
      void _marks;
      expect(store.position('/app.log', { ...identity(3, 1000), mtimeMs: 9 })).toEqual(rest);
      expect(store.position('/app.log', identity(3, 500))).toEqual(rest);
      store.flush();
      // Read back from the file with the channel's schema: the same memory; a damaged record is forgotten.
      expect(new SettingsStore(path).position('/app.log', identity(3, 1000))).toEqual(memory);
      const raw = JSON.parse(readFileSync(path, 'utf8')) as { files: Record<string, { position: unknown }> };
      raw.files['/app.log']!.position = { ...memory, marks: [-1] };
      writeFileSync(path, JSON.stringify(raw));
      expect(new SettingsStore(path).position('/app.log', identity(3, 1000))).toBeNull();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps the last 20 recent files, each once, and the last 200 files positions (seeded)', () => {
    const store = new SettingsStore(null);
    const random = seededRandom(11);
    const opened: string[] = [];
    for (let i = 0; i < 300; i++) {
      const path = `/logs/${random.int(40)}.log`;
      store.addRecent(path);
      opened.push(path);
    }
    const expected = [...new Set([...opened].reverse())].slice(0, MAX_RECENT_FILES);
    expect(store.recent()).toEqual(expected);
    for (let i = 0; i < MAX_REMEMBERED_FILES + 50; i++) store.savePosition(`/f${i}`, identity(i), at(i));
    expect(store.rememberedFiles()).toBe(MAX_REMEMBERED_FILES);
    expect(store.position('/f0', identity(0))).toBeNull();
    expect(store.position(`/f${MAX_REMEMBERED_FILES + 49}`, identity(MAX_REMEMBERED_FILES + 49))).not.toBeNull();
  });
});
