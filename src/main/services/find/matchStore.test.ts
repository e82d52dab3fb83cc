import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../shared/seededRandom';
import { MatchStore } from './matchStore';

describe('MatchStore', () => {
  it('pages and binary-searches like plain arrays, with gaps past 4 GiB and lengths past 64 KiB', () => {
    const random = seededRandom(81);
    const store = new MatchStore();
    const offsets: number[] = [];
    const lengths: number[] = [];
    let at = 0;
    for (let i = 0; i < 60_000; i++) {
      const roll = random.int(100);
      at += roll === 0 ? 2 ** 32 + random.int(1000) : roll < 3 ? 0 : random.int(200);
      const length = random.int(50) === 0 ? 65_535 + random.int(100_000) : 1 + random.int(40);
      offsets.push(at);
      lengths.push(length);
      store.push(at, length);
    }
    expect(store.count).toBe(offsets.length);
    for (let trial = 0; trial < 300; trial++) {
      const first = random.int(offsets.length + 10);
      const count = random.int(5_000);
      const page = store.page(first, count);
      expect([...page.offsets]).toEqual(offsets.slice(first, first + count));
      expect([...page.lengths]).toEqual(lengths.slice(first, first + count));
      const probe = random.int(2) === 0 ? offsets[random.int(offsets.length)]! : random.int(at + 10);
      const expected = offsets.findIndex((offset) => offset >= probe);
      expect(store.indexAtOrAfter(probe)).toBe(expected < 0 ? offsets.length : expected);
    }
  });

  it('refuses an offset below the last one', () => {
    const store = new MatchStore();
    store.push(10, 1);
    expect(() => store.push(9, 1)).toThrow(RangeError);
  });

  it('holds 10 million matches in at most 8 bytes each', () => {
    const store = new MatchStore();
    for (let i = 0; i < 10_000_000; i++) store.push(i * 37, 5);
    expect(store.memoryBytes() / store.count).toBeLessThanOrEqual(8);
    expect(store.page(9_999_999, 5).offsets[0]).toBe(9_999_999 * 37);
  });
});
