import { describe, expect, it } from 'vitest';
import { eventDelivery, eventNames, isRequestName } from './contract';
import { errorCodes, isErrorCode } from './result';
import {
  FIRST_LINE,
  MAX_READ_BYTES,
  argSpecs,
  parseArgs,
  requestNames,
  requestSchemas,
  typedArrayKind,
} from './schema';

describe('request schemas', () => {
  it('every request name has a schema and is recognised; the lists come from the records', () => {
    expect(requestNames).toEqual(Object.keys(requestSchemas));
    expect(requestNames).toHaveLength(76);
    for (const name of requestNames) expect(isRequestName(name)).toBe(true);
    expect(isRequestName('constructor')).toBe(false);
    expect(eventNames).toEqual(Object.keys(eventDelivery));
    for (const code of Object.keys(errorCodes)) expect(isErrorCode(code)).toBe(true);
    expect(isErrorCode('toString')).toBe(false);
  });

  it('answers typed, copied arguments', () => {
    const bytes = new Uint8Array([1, 2, 3]);
    const parsed = parseArgs('editBytes', [4, -0, bytes]);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const [session, offset, copy] = parsed.value;
    expect(session).toBe(4);
    expect(Object.is(offset, 0)).toBe(true);
    bytes[0] = 99;
    expect([...copy]).toEqual([1, 2, 3]);
  });

  it('names the channel and the argument in the message', () => {
    expect(parseArgs('readBytes', [1, -1, 16])).toEqual({
      ok: false,
      code: 'EINVAL',
      message: `readBytes: offset must be an integer from 0 to ${Number.MAX_SAFE_INTEGER}, got -1`,
    });
    expect(parseArgs('readBytes', [1, 0])).toMatchObject({ message: 'readBytes: expected 3 argument(s), got 2' });
    expect(parseArgs('readLines', [1, FIRST_LINE - 1, 1])).toMatchObject({ code: 'EINVAL' });
    expect(parseArgs('readLines', [1, FIRST_LINE, 1])).toMatchObject({ ok: true });
  });

  it('accepts only genuine Uint8Arrays (a Buffer is one) within the limit', () => {
    expect(parseArgs('editBytes', [1, 0, Buffer.from('ab')])).toMatchObject({ ok: true });
    for (const other of [
      new Int8Array(2),
      new Uint8ClampedArray(2),
      new Uint16Array(2),
      new Float32Array(2),
      new BigInt64Array(2),
      new DataView(new ArrayBuffer(2)),
      new ArrayBuffer(2),
      [1, 2],
      { length: 2, 0: 1, 1: 2 },
      Object.setPrototypeOf({ byteLength: 2 }, Uint8Array.prototype),
      new Proxy(new Uint8Array(2), {}),
    ]) {
      expect(parseArgs('editBytes', [1, 0, other])).toMatchObject({ ok: false, code: 'EINVAL' });
    }
    const liar = new Uint8Array(MAX_READ_BYTES + 1);
    Object.defineProperty(liar, 'length', { value: 1 });
    Object.defineProperty(liar, 'byteLength', { value: 1 });
    expect(parseArgs('editBytes', [1, 0, liar])).toMatchObject({ ok: false, code: 'EINVAL' });
    expect(typedArrayKind(Buffer.alloc(1))).toBe('Uint8Array');
  });

  it('a record keeps only its fields, each read once', () => {
    let reads = 0;
    const query = {
      get mode() {
        reads += 1;
        return reads === 1 ? 'text' : 'regex';
      },
      pattern: 'a\0b',
      matchCase: true,
      wholeWord: false,
      extra: 'dropped',
    };
    const parsed = parseArgs('startFind', [1, query]);
    expect(parsed).toEqual({
      ok: true,
      value: [1, { mode: 'text', pattern: 'a\0b', matchCase: true, wholeWord: false }],
    });
    expect(reads).toBe(1);
  });

  it('either accepts each of its options', () => {
    expect(argSpecs.whichMatch.parse('all')).toEqual({ ok: true, value: 'all' });
    expect(argSpecs.whichMatch.parse(3)).toEqual({ ok: true, value: 3 });
    expect(argSpecs.whichMatch.parse('some')).toMatchObject({ ok: false, code: 'EINVAL' });
  });

  it('never throws, whatever the arguments are', () => {
    const revoked = Proxy.revocable([], {});
    revoked.revoke();
    const sparse: unknown[] = [];
    sparse.length = 2 ** 32 - 1;
    for (const args of [revoked.proxy, [revoked.proxy], sparse, undefined, null, 'abc', {}]) {
      for (const name of requestNames) expect(parseArgs(name, args)).toMatchObject({ ok: false, code: 'EINVAL' });
    }
  });
});
