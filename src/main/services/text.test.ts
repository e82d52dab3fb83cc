import { appendFileSync, renameSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  MAX_LINES_PER_READ,
  type FileChange,
  type FileInfo,
  type IndexStatus,
  type TextLines,
} from '../../shared/contract';
import { seededRandom } from '../../shared/seededRandom';
import { lineNumber } from '../../shared/units';
import { createServiceHarness, testOwner, type ServiceHarness } from './testing/serviceHarness';

const owner = testOwner;

let harness: ServiceHarness;
let dir: string;
let call: ServiceHarness['call'];
let events: ServiceHarness['events'];
let services: ServiceHarness['services'];

beforeEach(() => {
  harness = createServiceHarness('hexlog-text-');
  ({ dir, call, events, services } = harness);
});
afterEach(() => harness.dispose());

async function openText(content: string | Uint8Array, encoding = 'auto'): Promise<{ info: FileInfo; path: string }> {
  const path = join(dir, `f${Math.random().toString(36).slice(2)}.log`);
  writeFileSync(path, content);
  const offer = services.offers.offer(path);
  const info = await call<FileInfo>('openOffered', offer.offerId);
  await call<IndexStatus>('openText', info.session, encoding);
  await waitDone(info);
  return { info, path };
}

async function waitDone(info: FileInfo): Promise<IndexStatus> {
  for (let i = 0; i < 500; i++) {
    const status = await call<IndexStatus>('indexStatus', info.session);
    if (status.done || status.error) return status;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('indexing did not finish');
}

const decode = (lines: TextLines, i: number): string =>
  Buffer.from(lines.bytes.subarray(lines.textStarts[i]!, lines.textStarts[i + 1]!)).toString('utf8');

describe('text services', () => {
  it('readLines answers whole viewports matching a naive split', async () => {
    const random = seededRandom(99);
    const lines = Array.from({ length: 3000 }, (_, i) => `line ${i + 1} ${'x'.repeat(random.int(120))}`);
    const { info } = await openText(lines.join('\n') + '\n');
    expect((await call<IndexStatus>('indexStatus', info.session)).linesKnown).toBe(3000);
    for (let i = 0; i < 30; i++) {
      const first = random.int(3000);
      const slice = await call<TextLines>('readLines', info.session, first, 200);
      expect(slice.first).toBe(first);
      expect(slice.count).toBe(Math.min(200, 3000 - first));
      for (let k = 0; k < slice.count; k++) expect(decode(slice, k)).toBe(lines[first + k]);
    }
  });

  it('lines are 0-based: readLines(0) starts at the first line, copyLines(0, 0) copies it, lineAtOffset(0) is 0', async () => {
    const { info } = await openText('first\nsecond\nthird');
    const head = await call<TextLines>('readLines', info.session, 0, 2);
    expect(head.first).toBe(0);
    expect([decode(head, 0), decode(head, 1)]).toEqual(['first', 'second']);
    const last = await call<TextLines>('readLines', info.session, 2, 5);
    expect([last.count, decode(last, 0)]).toEqual([1, 'third']);
    expect((await call<TextLines>('readLines', info.session, 3, 5)).count).toBe(0);
    expect(Buffer.from(await call<Uint8Array>('copyLines', info.session, 0, 0)).toString()).toBe('first');
    expect(Buffer.from(await call<Uint8Array>('copyLines', info.session, 2, 2)).toString()).toBe('third');
    expect(await call('lineAtOffset', info.session, 0)).toBe(0);
    expect(await call('lineAtOffset', info.session, 6)).toBe(1);
    expect(await call('lineAtOffset', info.session, 18)).toBe(2); // the end of the file: the last line
  });

  it('lineAtOffset and copyLines agree with the file', async () => {
    const { info } = await openText('one\ntwo\r\nthree\n');
    expect(await call('lineAtOffset', info.session, 0)).toBe(0);
    expect(await call('lineAtOffset', info.session, 5)).toBe(1);
    expect(await call('lineAtOffset', info.session, 9)).toBe(2);
    const copied = await call<Uint8Array>('copyLines', info.session, 1, 2);
    expect(Buffer.from(copied).toString()).toBe('two\r\nthree');
  });

  it('bad arguments answer EINVAL, and reading text before openText says so', async () => {
    const path = join(dir, 'a.log');
    writeFileSync(path, 'a\n');
    const info = await call<FileInfo>('openOffered', services.offers.offer(path).offerId);
    expect(await services.dispatch(owner, 'readLines', [info.session, 0, 10])).toMatchObject({ code: 'EINVAL' });
    expect(await services.dispatch(owner, 'openText', [info.session, 'ebcdic'])).toMatchObject({ code: 'EINVAL' });
    await call('openText', info.session, 'utf-8');
    for (const first of [-1, 0.5, '0', Number.NaN]) {
      expect(await services.dispatch(owner, 'readLines', [info.session, first, 10])).toMatchObject({
        code: 'EINVAL',
        message: expect.stringContaining('0-based') as unknown,
      });
      expect(await services.dispatch(owner, 'copyLines', [info.session, first, 0])).toMatchObject({ code: 'EINVAL' });
      expect(await services.dispatch(owner, 'copyLines', [info.session, 0, first])).toMatchObject({ code: 'EINVAL' });
    }
    expect(await services.dispatch(owner, 'readLines', [info.session, 0, 1e9])).toMatchObject({ code: 'EINVAL' });
    expect(await services.dispatch(owner, 'setFollow', [info.session, 'yes'])).toMatchObject({ code: 'EINVAL' });
    expect(await services.dispatch(owner, 'copyLines', [info.session, 2, 0])).toMatchObject({ code: 'EINVAL' });
  });

  it('MAX_LINES_PER_READ is the one limit of a read, in the handler and in the session', async () => {
    const { info } = await openText('x\n'.repeat(MAX_LINES_PER_READ + 10));
    const most = await call<TextLines>('readLines', info.session, 0, MAX_LINES_PER_READ);
    expect(most.count).toBe(MAX_LINES_PER_READ);
    expect(await services.dispatch(owner, 'readLines', [info.session, 0, MAX_LINES_PER_READ + 1])).toMatchObject({
      code: 'EINVAL',
    });
    const session = services.sessions.get(info.session, owner.owner);
    if (!session.ok) throw new Error(session.message);
    expect(session.value.readLines(lineNumber(0), MAX_LINES_PER_READ + 1)).toMatchObject({ ok: false, code: 'EINVAL' });
  });

  it('a UTF-16LE file with a BOM is detected and split on 2-byte newlines', async () => {
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('a\u0a00b\nsecond\n', 'utf16le')]);
    const { info } = await openText(bytes);
    const status = await call<IndexStatus>('indexStatus', info.session);
    expect(status).toMatchObject({ encoding: 'utf-16le', linesKnown: 2 });
  });

  it('an empty file has 0 lines and an unterminated last line counts', async () => {
    const empty = await openText('');
    expect((await call<IndexStatus>('indexStatus', empty.info.session)).linesKnown).toBe(0);
    const open = await openText('a\nb');
    expect((await call<IndexStatus>('indexStatus', open.info.session)).linesKnown).toBe(2);
  });

  it('follow mode extends the index when the file grows and re-indexes when it shrinks or is replaced', async () => {
    const { info, path } = await openText('one\ntwo\n');
    await call('setFollow', info.session, true);
    appendFileSync(path, 'three\nfour\n');
    const grown = await waitFor(() => events.find((event) => event.name === 'fileChanged'));
    expect((grown.payload as FileChange).kind).toBe('grown');
    expect((await waitDone(info)).linesKnown).toBe(4);
    const slice = await call<TextLines>('readLines', info.session, 2, 2);
    expect([decode(slice, 0), decode(slice, 1)]).toEqual(['three', 'four']);

    events.length = 0;
    truncateSync(path, 4);
    const shrunk = await waitFor(() => events.find((event) => event.name === 'fileChanged'));
    expect((shrunk.payload as FileChange).kind).toBe('reloaded');
    expect((await waitDone(info)).linesKnown).toBe(1);

    events.length = 0;
    writeFileSync(`${path}.new`, 'rotated\nfile\nwith\nlines\n');
    renameSync(`${path}.new`, path);
    const replaced = await waitFor(() => events.find((event) => event.name === 'fileChanged'));
    expect((replaced.payload as FileChange).reason).toMatch(/replaced/);
    expect((await waitDone(info)).linesKnown).toBe(4);
    await call('setFollow', info.session, false);
  });

  it('progress events are sent while indexing and when it ends', async () => {
    const { info } = await openText('x\n'.repeat(1000));
    await waitFor(() => events.find((event) => event.name === 'indexProgress' && (event.payload as IndexStatus).done));
    expect(events.every((event) => (event.payload as IndexStatus).session === info.session)).toBe(true);
  });
});

async function waitFor<T>(probe: () => T | undefined, timeoutMs = 5000): Promise<T> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const found = probe();
    if (found !== undefined) return found;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('timed out waiting');
}
