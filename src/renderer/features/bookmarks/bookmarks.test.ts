// Bookmarks of one file: names kept unique, ranges kept in order, imports that rename and leave out
// what cannot be here, and exports read back exactly (over seeded bookmark lists).
import { describe, expect, it } from 'vitest';
import type { Bookmark } from '../../../shared/contract';
import { seededRandom } from '../../../shared/seededRandom';
import { byteCount, byteOffset, sessionId } from '../../../shared/units';
import { createHexToolsStore } from '../../state/hexToolsStore';
import { readBookmarksJson } from './bookmarksJson';

const bookmark = (name: string, offset: number, length: number, color = '#57ab5a', note = ''): Bookmark => ({
  name,
  offset: byteOffset(offset),
  length: byteCount(length),
  color,
  note,
});

describe('bookmarks', () => {
  it('drafts a fresh name, refuses a taken or empty one, keeps offset order, and draws the last made on top', () => {
    const store = createHexToolsStore(sessionId(1));
    const tools = () => store.getState();
    tools().draftBookmark(100, 4);
    expect(tools().draft).toMatchObject({ name: 'Bookmark 1', offset: 100, length: 4, editing: null });
    expect(tools().saveDraft()).toBeNull();
    tools().draftBookmark(10, 200);
    expect(tools().draft?.name).toBe('Bookmark 2');
    tools().setDraft({ ...tools().draft!, name: 'Bookmark 1' });
    expect(tools().saveDraft()).toMatch(/exists already/);
    tools().setDraft({ ...tools().draft!, name: '  ' });
    expect(tools().saveDraft()).toMatch(/needs a name/);
    tools().setDraft({ ...tools().draft!, name: ' outer ' });
    expect(tools().saveDraft()).toBeNull();
    expect(tools().bookmarks.map((mark) => mark.name)).toEqual(['outer', 'Bookmark 1']);
    expect(tools().bookmarkAt(101)?.name).toBe('Bookmark 1');
    expect(tools().bookmarkAt(50)?.name).toBe('outer');
    expect(tools().bookmarkAt(210)).toBeUndefined();
    // Editing keeps the name free for itself; renaming moves it.
    tools().editBookmark('outer');
    tools().setDraft({ ...tools().draft!, name: 'header', color: '#b083f0' });
    expect(tools().saveDraft()).toBeNull();
    expect(tools().bookmarks.find((mark) => mark.name === 'header')).toMatchObject({ offset: 10, color: '#b083f0' });
    tools().removeBookmark('header');
    expect(tools().bookmarks.map((mark) => mark.name)).toEqual(['Bookmark 1']);
  });

  it('imports seeded lists: taken names get (2), (3)…, ranges past the end are left out or clipped, duplicates skipped', () => {
    const random = seededRandom(1402);
    for (let round = 0; round < 30; round++) {
      const size = 1 + random.int(5000);
      const store = createHexToolsStore(sessionId(1));
      const existing = Array.from({ length: random.int(5) }, (_, i) => bookmark(`m${i}`, random.int(size), 1));
      store.getState().setBookmarks(existing);
      const incoming = Array.from({ length: random.int(12) }, () =>
        bookmark(`m${random.int(8)}`, random.int(size * 1.3), 1 + random.int(300)),
      );
      const { added, skipped } = store.getState().importBookmarks(incoming, size);
      const after = store.getState().bookmarks;
      expect(added + skipped).toBe(incoming.length);
      expect(after.length).toBe(existing.length + added);
      expect(new Set(after.map((mark) => mark.name)).size).toBe(after.length);
      for (const mark of after) expect(mark.offset + mark.length).toBeLessThanOrEqual(size);
      for (let i = 1; i < after.length; i++) expect(after[i]!.offset).toBeGreaterThanOrEqual(after[i - 1]!.offset);
    }
  });

  it('reads an export back exactly, and says why it refuses anything else', () => {
    const random = seededRandom(7);
    const marks = Array.from({ length: 50 }, (_, i) =>
      bookmark(`b ${i} “ü”`, random.int(1e12), 1 + random.int(1e9), '#e5534b', i % 3 === 0 ? 'a note' : ''),
    );
    const exported = JSON.stringify({ hexlog: 'bookmarks', version: 1, file: 'fw.bin', size: 123, bookmarks: marks });
    expect(readBookmarksJson(exported)).toEqual({ bookmarks: marks, size: 123 });
    // A bare list, and an entry without a note, read too.
    const bare = readBookmarksJson(JSON.stringify([{ name: 'a', offset: 1, length: 2, color: '#57ab5a' }]));
    expect(bare).toEqual({ bookmarks: [bookmark('a', 1, 2)], size: null });
    expect(readBookmarksJson('{')).toMatch(/not JSON/);
    expect(readBookmarksJson('{"x": 1}')).toMatch(/holds no bookmarks/);
    expect(readBookmarksJson('[{"name": "a", "offset": -1, "length": 1, "color": "#57ab5a"}]')).toMatch(
      /Bookmark 1 .*offset/,
    );
    expect(readBookmarksJson('[{"name": "a", "offset": 1, "length": 0, "color": "#57ab5a"}]')).toMatch(/length/);
    expect(readBookmarksJson('[{"name": "a", "offset": 1, "length": 1, "color": "red;x:y"}]')).toMatch(/colour/);
  });
});
