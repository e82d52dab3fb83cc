import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { seededRandom } from '../../../shared/seededRandom';
import { fixtureContent } from './compressedTestKit';
import { Xxh64 } from './xxh64';

const hashOf = (bytes: Uint8Array): bigint => {
  const hash = new Xxh64();
  hash.update(bytes);
  return hash.digest();
};

describe('Xxh64', () => {
  it('matches the reference values of the xxHash project', () => {
    const text = (value: string): Uint8Array => new TextEncoder().encode(value);
    expect(hashOf(text(''))).toBe(0xef46db3751d8e999n);
    expect(hashOf(text('a'))).toBe(0xd24ec4f1a98c6e5bn);
    expect(hashOf(text('abc'))).toBe(0x44bc2cf5ad770999n);
    expect(hashOf(text('Nobody inspects the spammish repetition'))).toBe(0xfbcea83c8a378bf1n);
  });

  it('gives the checksum the zstd CLI stored in a frame (its low 32 bits)', () => {
    const frame = readFileSync(join(import.meta.dirname, 'fixtures', 'text.zst'));
    const hash = new Xxh64();
    hash.update(fixtureContent('text.zst'));
    expect(hash.digestLow32()).toBe(frame.readUInt32LE(frame.length - 4));
  });

  it('hashes the same whatever the pieces it is given, at every length around the stripe size', () => {
    const rng = seededRandom(7);
    const data = rng.bytes(300);
    for (let length = 0; length <= data.length; length += length < 70 ? 1 : 23) {
      const bytes = data.subarray(0, length);
      const whole = hashOf(bytes);
      const pieces = new Xxh64();
      for (let at = 0; at < length;) {
        const size = 1 + rng.int(40);
        pieces.update(bytes.subarray(at, at + size));
        at += size;
      }
      expect(pieces.digest(), `length ${length}`).toBe(whole);
    }
  });
});
