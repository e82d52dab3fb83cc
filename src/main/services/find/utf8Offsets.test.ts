import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../shared/seededRandom';
import { byteStart, decodeUtf8WithOffsets } from './utf8Offsets';

// ignoreBOM: like Buffer's utf8Slice, a leading U+FEFF is kept as text.
const decoder = new TextDecoder('utf-8', { ignoreBOM: true });

/** Random bytes biased towards UTF-8 lead and continuation bytes, so every error path is hit. */
function utf8ishBytes(random: ReturnType<typeof seededRandom>, length: number): Uint8Array {
  const pool = [
    0xef, 0xbb, 0x41, 0x0a, 0x80, 0x9f, 0xa0, 0xbf, 0xc2, 0xc3, 0xdf, 0xe0, 0xe2, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff,
  ];
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = random.int(3) === 0 ? random.int(256) : pool[random.int(pool.length)]!;
  return out;
}

describe('decodeUtf8WithOffsets', () => {
  it('decodes exactly as TextDecoder does, and each code point boundary maps to its byte', () => {
    const random = seededRandom(8);
    for (let trial = 0; trial < 2000; trial++) {
      const bytes = utf8ishBytes(random, random.int(40));
      const decoded = decodeUtf8WithOffsets(bytes, 0, bytes.length);
      expect(decoded.text).toBe(decoder.decode(bytes));
      expect(decoded.starts.length).toBe(decoded.text.length + 1);
      for (let unit = 0; unit <= decoded.text.length; unit++) {
        const code = decoded.text.charCodeAt(unit);
        if (code >= 0xdc00 && code <= 0xdfff) continue; // inside a pair: not a boundary
        // The prefix up to a boundary decodes to exactly the units before it.
        expect(decoder.decode(bytes.subarray(0, decoded.starts[unit]))).toBe(decoded.text.slice(0, unit));
        expect(byteStart(decoded, unit)).toBe(decoded.starts[unit]);
      }
    }
  });

  it('a match ending or starting inside a surrogate pair covers the whole character', () => {
    const bytes = new TextEncoder().encode('a😀b');
    const decoded = decodeUtf8WithOffsets(bytes, 0, bytes.length);
    expect(decoded.text.length).toBe(4);
    expect(byteStart(decoded, 2)).toBe(1); // start at the low half rounds down
    expect(decoded.starts[2]).toBe(5); // end after the high half rounds up
    expect(decoded.starts[4]).toBe(6);
  });

  it('decodes a sub-range, with offsets relative to its start', () => {
    const bytes = Uint8Array.of(0x41, 0xc3, 0xa9, 0xff, 0x42);
    const decoded = decodeUtf8WithOffsets(bytes, 1, 5);
    expect(decoded.text).toBe('é\ufffdB');
    expect([...decoded.starts]).toEqual([0, 2, 3, 4]);
  });
});
