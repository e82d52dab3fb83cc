import { readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ByteView, CommitOutcome, EditState, FileInfo, TextLines } from '../../shared/contract';
import { seededRandom } from '../../shared/seededRandom';
import type { Services } from './index';
import { createServiceHarness, testOwner, type ServiceHarness } from './testing/serviceHarness';

const owner = testOwner;
let harness: ServiceHarness;
let dir: string;
let services: Services;
let call: ServiceHarness['call'];

beforeEach(() => {
  harness = createServiceHarness('hexlog-edits-');
  ({ dir, services, call } = harness);
});
afterEach(() => harness.dispose());

async function open(content: Uint8Array | string): Promise<{ info: FileInfo; path: string }> {
  const path = join(dir, 'f.bin');
  writeFileSync(path, content);
  const info = await call<FileInfo>('openOffered', services.offers.offer(path).offerId);
  return { info, path };
}

describe('pending edits', () => {
  it('show in readView and readBytes, marked modified, while the file stays untouched', async () => {
    const { info, path } = await open('hello world');
    const state = await call<EditState>('editBytes', info.session, 6, new Uint8Array([0x57]));
    expect(state).toMatchObject({ modifiedBytes: 1, canUndo: true, canRedo: false });
    const view = await call<ByteView>('readView', info.session, 0, 100);
    expect(Buffer.from(view.bytes).toString()).toBe('hello World');
    expect([...view.modified]).toEqual([6, 1]);
    expect(readFileSync(path, 'utf8')).toBe('hello world');
  });

  it('an edit that would pass the end is refused with ERANGE and changes nothing', async () => {
    const { info } = await open('abc');
    const result = await services.dispatch(owner, 'editBytes', [info.session, 2, new Uint8Array([1, 2])]);
    expect(result).toMatchObject({ ok: false, code: 'ERANGE' });
    expect((await call<EditState>('editState', info.session)).modifiedBytes).toBe(0);
    expect(await services.dispatch(owner, 'editBytes', [info.session, 0, [1, 2]])).toMatchObject({ code: 'EINVAL' });
  });

  it('undo, redo and discard move through the history', async () => {
    const { info } = await open('aaaa');
    await call('editBytes', info.session, 0, new Uint8Array([0x62]));
    await call('editBytes', info.session, 1, new Uint8Array([0x63]));
    const read = async (): Promise<string> =>
      Buffer.from((await call<ByteView>('readView', info.session, 0, 4)).bytes).toString();
    expect(await read()).toBe('bcaa');
    await call('undoEdit', info.session);
    expect(await read()).toBe('baaa');
    await call('redoEdit', info.session);
    expect(await read()).toBe('bcaa');
    await call('discardEdits', info.session);
    expect(await read()).toBe('aaaa');
  });

  it('commit writes exactly the edited bytes, and the text view shows them', async () => {
    const random = seededRandom(8);
    const content = Buffer.from(random.bytes(100_000).map((byte) => (byte === 0x0a ? 0x20 : byte)));
    const { info, path } = await open(content);
    const expected = Buffer.from(content);
    for (let i = 0; i < 300; i++) {
      const offset = random.int(content.length - 4);
      const bytes = random.bytes(1 + random.int(4)).map((byte) => (byte === 0x0a ? 0x41 : byte));
      await call('editBytes', info.session, offset, bytes);
      expected.set(bytes, offset);
    }
    const outcome = await call<CommitOutcome>('commitEdits', info.session);
    expect(outcome.edit.modifiedBytes).toBe(0);
    expect(readFileSync(path).equals(expected)).toBe(true);
    const view = await call<ByteView>('readView', info.session, 0, 100_000);
    expect(Buffer.from(view.bytes).equals(expected)).toBe(true);
  });

  it('readLines lays pending edits over the lines', async () => {
    const { info } = await open('first\nsecond\n');
    await call('openText', info.session, 'utf-8');
    // Lines are served once indexed; wait for that rather than race it.
    for (let i = 0; i < 1000 && !(await call<{ done: boolean }>('indexStatus', info.session)).done; i++) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await call('editBytes', info.session, 6, new Uint8Array(Buffer.from('S')));
    const lines = await call<TextLines>('readLines', info.session, 1, 1);
    expect(Buffer.from(lines.bytes).toString()).toBe('Second');
  });

  it('a commit after the file changed on disk is refused and writes nothing', async () => {
    const { info, path } = await open('0123456789');
    await call('editBytes', info.session, 0, new Uint8Array([0x41]));
    writeFileSync(path, '0123456789');
    utimesSync(path, new Date(), new Date(statSync(path).mtimeMs + 5000));
    const result = await services.dispatch(owner, 'commitEdits', [info.session]);
    expect(result).toMatchObject({ ok: false, code: 'EFILECHANGED' });
    expect(readFileSync(path, 'utf8')).toBe('0123456789');
  });

  it('save a copy writes the edits to the new path and leaves the original', async () => {
    const { info, path } = await open('original');
    await call('editBytes', info.session, 0, new Uint8Array(Buffer.from('O')));
    harness.copyDest = join(dir, 'copy.bin');
    expect(await call('saveCopy', info.session)).toEqual({ path: harness.copyDest });
    expect(readFileSync(harness.copyDest, 'utf8')).toBe('Original');
    expect(readFileSync(path, 'utf8')).toBe('original');
    harness.copyDest = null;
    expect(await call('saveCopy', info.session)).toBeNull();
  });

  it('no journal after a clean commit', async () => {
    const { info } = await open('abc');
    await call('editBytes', info.session, 0, new Uint8Array([0x41]));
    await call('commitEdits', info.session);
    expect(await call('journalStatus', info.session)).toBeNull();
  });
});
