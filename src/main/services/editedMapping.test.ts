import { mkdtempSync, readFileSync, renameSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openMapped, type MappedFile } from '../../../native/index';
import type { PendingEdit } from '../../shared/editModel';
import { mapWithEdits, MAX_EDITED_PAGE_BYTES } from './editedMapping';

let dir: string;
const opened: MappedFile[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hexlog-edited-mapping-'));
});
afterEach(() => {
  for (const file of opened.splice(0)) file.close();
  rmSync(dir, { recursive: true, force: true });
});

function mapped(path: string): MappedFile {
  const file = openMapped(path, 'readonly');
  opened.push(file);
  return file;
}

const edit = (offset: number, text: string): PendingEdit => {
  const newBytes = new TextEncoder().encode(text);
  return { offset, oldBytes: new Uint8Array(newBytes.byteLength), newBytes };
};

function readAll(file: MappedFile): string {
  const bytes = new Uint8Array(file.size());
  file.readInto(0, bytes);
  return Buffer.from(bytes).toString('latin1');
}

describe('mapWithEdits', () => {
  it('shows the edits in a private copy and never writes them to the file', () => {
    const path = join(dir, 'f.log');
    writeFileSync(path, 'one\ntwo\nthree\n');
    const copy = mapWithEdits(mapped(path), [edit(0, 'ONE'), edit(7, ' ')]);
    expect(copy).not.toBeNull();
    expect(copy!.mode).toBe('private');
    expect(readAll(copy!)).toBe('ONE\ntwo three\n');
    copy!.close();
    expect(readFileSync(path, 'latin1')).toBe('one\ntwo\nthree\n');
  });

  it('answers null when the path names another file now, or the file grew past the mapping', () => {
    const path = join(dir, 'f.log');
    writeFileSync(path, 'old file\n');
    const current = mapped(path);
    writeFileSync(join(dir, 'new.log'), 'new file\n');
    renameSync(join(dir, 'new.log'), path);
    expect(mapWithEdits(current, [edit(0, 'OLD')])).toBeNull();

    const grown = mapped(path);
    writeFileSync(path, 'new file, longer now\n');
    expect(mapWithEdits(grown, [edit(0, 'NEW')])).toBeNull();
  });

  it('answers null when the edits touch more pages than it copies; one page fewer maps', () => {
    const path = join(dir, 'sparse.log');
    const pages = MAX_EDITED_PAGE_BYTES / 4096;
    writeFileSync(path, '');
    truncateSync(path, (pages + 2) * 4096);
    const current = mapped(path);
    // One edit per page, each on a page of its own; two in one page count once.
    const edits = Array.from({ length: pages }, (_, page) => edit(page * 4096 + 10, 'x'));
    edits.splice(1, 0, edit(20, 'y'));
    const copy = mapWithEdits(current, edits);
    expect(copy).not.toBeNull();
    copy!.close();
    expect(mapWithEdits(current, [...edits, edit(pages * 4096, 'z')])).toBeNull();
    // An edit across a page border touches both pages.
    expect(mapWithEdits(current, [...edits.slice(0, -1), edit(pages * 4096 - 1, 'zz')])).toBeNull();
  });
});
