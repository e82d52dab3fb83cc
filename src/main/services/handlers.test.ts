import { execFileSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  truncateSync,
  unlinkSync,
  writeFileSync,
  appendFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FileInfo, FileStatus } from '../../shared/contract';
import type { Result } from '../../shared/result';
import { seededRandom } from '../../shared/seededRandom';
import { createServices, type HostPorts, type Services } from './index';

const browserHost: HostPorts = {
  info: { kind: 'browser', nativeOpenDialog: false, acceptsDroppedFiles: false },
  emit: () => undefined,
  chooseCopyPath: () => Promise.resolve(null),
};
const alice = { owner: 'window:1' };
const bob = { owner: 'window:2' };

let dir: string;
let services: Services;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hexlog-handlers-'));
  services = createServices(browserHost);
});
afterEach(() => {
  services.dispose();
  rmSync(dir, { recursive: true, force: true });
});

function expectOk<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(`expected ok, got ${result.code}: ${result.message}`);
  return result.value;
}

async function open(path: string, context = alice): Promise<Result<FileInfo>> {
  const offer = services.offers.offer(path);
  return (await services.dispatch(context, 'openOffered', [offer.offerId])) as Result<FileInfo>;
}

function writeFile(name: string, content: Uint8Array | string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

describe('dispatch validates every request before touching a file', () => {
  it('unknown request name answers EINVAL', async () => {
    expect(await services.dispatch(alice, 'deleteEverything', [])).toMatchObject({ ok: false, code: 'EINVAL' });
    expect(await services.dispatch(alice, 42, [])).toMatchObject({ ok: false, code: 'EINVAL' });
  });

  it('arguments that are not an array answer EINVAL', async () => {
    expect(await services.dispatch(alice, 'listOffered', { 0: 1 })).toMatchObject({ ok: false, code: 'EINVAL' });
  });

  it.each([
    ['a negative offset', [1, -1, 16]],
    ['a fractional offset', [1, 0.5, 16]],
    ['a string offset', [1, '0', 16]],
    ['NaN', [1, Number.NaN, 16]],
    ['an offset past 2^53', [1, 2 ** 60, 16]],
    ['a length over the cap', [1, 0, 64 * 1024 * 1024]],
    ['a missing argument', [1, 0]],
    ['an extra argument', [1, 0, 1, 1]],
    ['an object as session', [{ id: 1 }, 0, 1]],
  ])('readBytes with %s answers EINVAL', async (_what, args) => {
    const path = writeFile('a.bin', 'hello');
    expectOk(await open(path));
    const result = await services.dispatch(alice, 'readBytes', args);
    expect(result).toMatchObject({ ok: false, code: 'EINVAL' });
  });

  it('arguments that throw when read answer EINVAL, never a throw', async () => {
    const info = expectOk(await open(writeFile('a.bin', 'hello')));
    const revoked = Proxy.revocable([info.session, 0, 1], {});
    revoked.revoke();
    expect(await services.dispatch(alice, 'readBytes', revoked.proxy)).toMatchObject({ ok: false, code: 'EINVAL' });
    const inner = Proxy.revocable({}, {});
    inner.revoke();
    expect(await services.dispatch(alice, 'readBytes', [inner.proxy, 0, 1])).toMatchObject({
      ok: false,
      code: 'EINVAL',
    });
    const throwingElement: unknown[] = [info.session, 0];
    Object.defineProperty(throwingElement, 2, {
      get: () => {
        throw new Error('boom');
      },
      enumerable: true,
    });
    expect(await services.dispatch(alice, 'readBytes', throwingElement)).toMatchObject({ ok: false, code: 'EINVAL' });
    const throwingQuery = {
      mode: 'text',
      get pattern(): string {
        throw new Error('boom');
      },
      matchCase: false,
      wholeWord: false,
    };
    expect(await services.dispatch(alice, 'startFind', [info.session, throwingQuery])).toMatchObject({
      ok: false,
      code: 'EINVAL',
    });
    const trapAll = new Proxy(
      {},
      {
        get: () => {
          throw new Error('trap');
        },
        getPrototypeOf: () => {
          throw new Error('trap');
        },
      },
    );
    expect(await services.dispatch(alice, 'editBytes', [info.session, 0, trapAll])).toMatchObject({
      ok: false,
      code: 'EINVAL',
    });
    expect(await services.dispatch(alice, trapAll, [])).toMatchObject({ ok: false, code: 'EINVAL' });
  });

  it('an unknown session answers ENOSESSION', async () => {
    expect(await services.dispatch(alice, 'readBytes', [999, 0, 1])).toMatchObject({ ok: false, code: 'ENOSESSION' });
  });

  it("one window cannot read another window's session", async () => {
    const info = expectOk(await open(writeFile('a.bin', 'secret')));
    expect(await services.dispatch(bob, 'readBytes', [info.session, 0, 6])).toMatchObject({
      ok: false,
      code: 'ENOSESSION',
    });
  });

  it('an unknown offer id answers ENOTFOUND', async () => {
    expect(await services.dispatch(alice, 'openOffered', [77])).toMatchObject({ ok: false, code: 'ENOTFOUND' });
  });
});

describe('opening files answers coded errors that name the path', () => {
  it('a missing file answers ENOENT', async () => {
    const result = await open(join(dir, 'nope.log'));
    expect(result).toMatchObject({ ok: false, code: 'ENOENT' });
    expect(!result.ok && result.message).toContain('nope.log');
  });

  it('a directory answers EISDIR', async () => {
    const sub = join(dir, 'sub');
    mkdirSync(sub);
    expect(await open(sub)).toMatchObject({ ok: false, code: 'EISDIR' });
  });

  it('a FIFO answers ENOTREG without blocking', async () => {
    const fifo = join(dir, 'pipe');
    execFileSync('mkfifo', [fifo]);
    expect(await open(fifo)).toMatchObject({ ok: false, code: 'ENOTREG' });
  });

  it('a character device answers ENOTREG', async () => {
    expect(await open('/dev/null')).toMatchObject({ ok: false, code: 'ENOTREG' });
  });

  it('an empty file opens with size 0 and reads as empty', async () => {
    const info = expectOk(await open(writeFile('empty', '')));
    expect(info.size).toBe(0);
    const bytes = expectOk((await services.dispatch(alice, 'readBytes', [info.session, 0, 100])) as Result<Uint8Array>);
    expect(bytes.byteLength).toBe(0);
  });
});

describe('readBytes', () => {
  it('matches the file at seeded random offsets and lengths', async () => {
    const random = seededRandom(0x5eed);
    const content = random.bytes(300_000);
    const path = writeFile('random.bin', content);
    const info = expectOk(await open(path));
    for (let i = 0; i < 200; i++) {
      const offset = random.int(content.length + 1);
      const length = random.int(70_000);
      const bytes = expectOk(
        (await services.dispatch(alice, 'readBytes', [info.session, offset, length])) as Result<Uint8Array>,
      );
      expect(Buffer.from(bytes).equals(Buffer.from(content.subarray(offset, offset + length)))).toBe(true);
    }
  });

  it('an offset past the end answers ERANGE', async () => {
    const info = expectOk(await open(writeFile('a', 'abc')));
    expect(await services.dispatch(alice, 'readBytes', [info.session, 4, 1])).toMatchObject({
      ok: false,
      code: 'ERANGE',
    });
  });

  it('past the end of a file truncated while open answers EFILECHANGED', async () => {
    const path = writeFile('shrinks.log', 'x'.repeat(1 << 20));
    const info = expectOk(await open(path));
    truncateSync(path, 100);
    expect(await services.dispatch(alice, 'readBytes', [info.session, 512 * 1024, 4096])).toMatchObject({
      ok: false,
      code: 'EFILECHANGED',
    });
    const head = expectOk((await services.dispatch(alice, 'readBytes', [info.session, 0, 50])) as Result<Uint8Array>);
    expect(Buffer.from(head).toString()).toBe('x'.repeat(50));
  });
});

describe('fileStatus reports what happened on disk', () => {
  const status = async (info: FileInfo): Promise<FileStatus> =>
    expectOk((await services.dispatch(alice, 'fileStatus', [info.session])) as Result<FileStatus>);

  it('unchanged, grown, shrunk', async () => {
    const path = writeFile('f.log', 'line\n'.repeat(100));
    const info = expectOk(await open(path));
    expect((await status(info)).state).toBe('unchanged');
    appendFileSync(path, 'more\n');
    expect(await status(info)).toMatchObject({ state: 'grown', currentSize: 505, mappedSize: 500 });
    truncateSync(path, 10);
    expect(await status(info)).toMatchObject({ state: 'shrunk', currentSize: 10 });
  });

  it('replaced (a new file renamed over the name) and vanished', async () => {
    const path = writeFile('rot.log', 'old\n');
    const info = expectOk(await open(path));
    const fresh = writeFile('rot.log.new', 'new content\n');
    renameSync(fresh, path);
    expect((await status(info)).state).toBe('replaced');
    unlinkSync(path);
    expect(await status(info)).toMatchObject({ state: 'vanished', currentSize: -1 });
    // The mapping still holds the old bytes.
    const bytes = expectOk((await services.dispatch(alice, 'readBytes', [info.session, 0, 4])) as Result<Uint8Array>);
    expect(Buffer.from(bytes).toString()).toBe('old\n');
  });
});

describe('sessions are disposables owned by their window', () => {
  it('closeFile releases the session; later reads answer ENOSESSION', async () => {
    const info = expectOk(await open(writeFile('a', 'abc')));
    expect(await services.dispatch(alice, 'closeFile', [info.session])).toEqual({ ok: true, value: null });
    expect(await services.dispatch(alice, 'readBytes', [info.session, 0, 1])).toMatchObject({ code: 'ENOSESSION' });
    expect(services.sessions.openCount).toBe(0);
  });

  it("closing a window disposes every session it owns and no other window's", async () => {
    const path = writeFile('a', 'abc');
    expectOk(await open(path, alice));
    expectOk(await open(path, alice));
    const bobs = expectOk(await open(path, bob));
    services.sessions.disposeOwner(alice.owner);
    expect(services.sessions.openCount).toBe(1);
    expect(await services.dispatch(bob, 'readBytes', [bobs.session, 0, 3])).toMatchObject({ ok: true });
  });

  it('a window may hold 64 files open; the 65th answers ELIMIT until one is closed', async () => {
    const path = writeFile('many.log', 'x\n');
    const opened: FileInfo[] = [];
    for (let i = 0; i < 64; i++) opened.push(expectOk(await open(path)));
    expect(await open(path)).toEqual({
      ok: false,
      code: 'ELIMIT',
      message: 'Too many open files in this window (64); close some first.',
    });
    expectOk(await open(path, bob));
    expectOk(await services.dispatch(alice, 'closeFile', [opened[0]!.session]));
    expectOk(await open(path));
    expect(services.sessions.ownedBy(alice.owner)).toBe(64);
    services.sessions.disposeOwner(alice.owner);
    expect(services.sessions.ownedBy(alice.owner)).toBe(0);
    expectOk(await open(path));
  });

  it('disposing the services closes everything', async () => {
    expectOk(await open(writeFile('a', 'abc')));
    services.dispose();
    expect(services.sessions.openCount).toBe(0);
  });
});

describe('host ports', () => {
  it('the browser host has no open dialog and refuses dropped paths', async () => {
    expect(await services.dispatch(alice, 'openDialog', [])).toMatchObject({ ok: false, code: 'EUNSUPPORTED' });
    expect(await services.dispatch(alice, 'openDroppedPath', ['/etc/passwd'])).toMatchObject({
      ok: false,
      code: 'EUNSUPPORTED',
    });
  });

  it('a host with a dialog opens the picked file, and a cancel answers null', async () => {
    const path = writeFile('picked.bin', 'picked');
    let answer: string | null = path;
    const electronLike = createServices({
      info: { kind: 'electron', nativeOpenDialog: true, acceptsDroppedFiles: true },
      emit: () => undefined,
      chooseCopyPath: () => Promise.resolve(null),
      showOpenDialog: () => Promise.resolve(answer),
    });
    try {
      const info = expectOk((await electronLike.dispatch(alice, 'openDialog', [])) as Result<FileInfo | null>);
      expect(info).toMatchObject({ name: 'picked.bin', size: 6 });
      expect(electronLike.offers.list().map((offer) => offer.path)).toContain(path);
      answer = null;
      expect(await electronLike.dispatch(alice, 'openDialog', [])).toEqual({ ok: true, value: null });
      expect(await electronLike.dispatch(alice, 'openDroppedPath', [''])).toMatchObject({ code: 'EINVAL' });
      expect(readFileSync(path, 'utf8')).toBe('picked');
    } finally {
      electronLike.dispose();
    }
  });
});

describe('settings, recent files and positions', () => {
  it('updateSettings takes a partial patch, refuses a bad value with a message, and sends a change to every window', async () => {
    const sent: { name: string; payload: unknown }[] = [];
    const host: HostPorts = { ...browserHost, broadcast: (name, payload) => sent.push({ name, payload }) };
    const local = createServices(host);
    const settings = expectOk(await local.dispatch(alice, 'updateSettings', [{ theme: 'dark' }]));
    expect(settings).toMatchObject({ theme: 'dark', fontSize: 13, bytesPerRow: 16, wrap: false });
    expect(sent).toEqual([{ name: 'settingsChanged', payload: settings }]);
    // The same value again changes nothing and says nothing.
    expectOk(await local.dispatch(alice, 'updateSettings', [{ theme: 'dark' }]));
    expect(sent).toHaveLength(1);
    for (const bad of [{ fontSize: 100 }, { theme: 'purple' }, { bytesPerRow: 12 }, { wrap: 'yes' }, null, [1]]) {
      const refused = await local.dispatch(alice, 'updateSettings', [bad]);
      expect(refused, JSON.stringify(bad)).toMatchObject({ ok: false, code: 'EINVAL' });
    }
    local.dispose();
  });

  it('a file opened joins the recent files (most recent first), each openable by its id', async () => {
    const a = writeFile('a.log', 'a\n');
    const b = writeFile('b.log', 'b\n');
    expectOk(await open(a));
    expectOk(await open(b));
    const state = expectOk(await services.dispatch(alice, 'settings', [])) as {
      recent: { path: string; offerId: number }[];
    };
    expect(state.recent.map((file) => file.path)).toEqual([b, a]);
    const again = expectOk(await services.dispatch(bob, 'openOffered', [state.recent[1]?.offerId]));
    expect(again).toMatchObject({ path: a });
    // Recent files are not listed among the command line's offers.
    expect(expectOk(await services.dispatch(alice, 'listOffered', []))).toHaveLength(2);
  });

  it('a position comes back for the same file only: not for another file that took its name', async () => {
    const path = writeFile('rotating.log', 'one\ntwo\nthree\n');
    const first = expectOk(await open(path));
    const position = { view: 'text', line: 2, offset: 8 };
    expectOk(await services.dispatch(alice, 'savePosition', [first.session, position]));
    expect(await services.dispatch(alice, 'savePosition', [first.session, { ...position, line: -1 }])).toMatchObject({
      ok: false,
      code: 'EINVAL',
    });
    expectOk(await services.dispatch(alice, 'closeFile', [first.session]));
    const reopened = expectOk(await open(path));
    expect(expectOk(await services.dispatch(alice, 'lastPosition', [reopened.session]))).toEqual(position);
    writeFileSync(`${path}.new`, 'other\n');
    renameSync(`${path}.new`, path);
    const replaced = expectOk(await open(path));
    expect(expectOk(await services.dispatch(alice, 'lastPosition', [replaced.session]))).toBeNull();
    expect(await services.dispatch(bob, 'lastPosition', [replaced.session])).toMatchObject({ code: 'ENOSESSION' });
  });
});
