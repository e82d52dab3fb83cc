import { describe, expect, it } from 'vitest';
import { seededRandom } from './seededRandom';
import { decodeFrame, encodeFrame, WireError } from './wire';

describe('wire frames', () => {
  it('round-trips JSON with typed arrays of every supported kind', () => {
    const random = seededRandom(7);
    const value = {
      kind: 'response',
      id: 3,
      result: {
        ok: true,
        value: {
          bytes: random.bytes(1000),
          offsets: new Uint32Array([0, 10, 4_000_000_000]),
          doubles: new Float64Array([1.5, -2]),
          nested: [new Uint8Array([1, 2, 3]), 'text', null],
        },
      },
    };
    const decoded = decodeFrame(encodeFrame(value));
    expect(decoded).toEqual(value);
  });

  it('a typed-array view into a larger buffer sends only its own bytes', () => {
    const backing = new Uint8Array([9, 9, 1, 2, 3, 9]);
    const decoded = decodeFrame(encodeFrame({ bytes: backing.subarray(2, 5) })) as { bytes: Uint8Array };
    expect([...decoded.bytes]).toEqual([1, 2, 3]);
  });

  it('a frame inside a larger Node Buffer decodes to blobs of their own length only', () => {
    const frame = encodeFrame({ args: [1, 5, new Uint8Array([0xde])] });
    const pool = Buffer.alloc(frame.byteLength + 64, 0x55);
    pool.set(frame, 32);
    const decoded = decodeFrame(pool.subarray(32, 32 + frame.byteLength)) as { args: [number, number, Uint8Array] };
    expect(decoded.args[2].byteLength).toBe(1);
    expect(decoded.args[2].buffer.byteLength).toBe(1);
    expect(decoded.args[2][0]).toBe(0xde);
  });

  it('truncated or garbled frames throw WireError, never crash', () => {
    const frame = encodeFrame({ bytes: new Uint8Array(100) });
    const random = seededRandom(11);
    for (let i = 0; i < 200; i++) {
      const cut = frame.subarray(0, random.int(frame.byteLength));
      expect(() => decodeFrame(cut)).toThrow();
    }
    expect(() => decodeFrame(new Uint8Array([0, 0, 0, 0]))).toThrow(WireError);
  });
});
