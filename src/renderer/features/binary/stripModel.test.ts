import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../shared/seededRandom';
import { classCounts, offsetAtFraction, pixelClasses, regionAt, regionSpan } from './stripModel';

describe('byte map strip model', () => {
  it('gives each pixel row its region when regions are fewer than rows', () => {
    expect(Array.from(pixelClasses(Uint8Array.of(0, 1), 4))).toEqual([0, 0, 1, 1]);
    expect(Array.from(pixelClasses(Uint8Array.of(2), 3))).toEqual([2, 2, 2]);
    expect(Array.from(pixelClasses(new Uint8Array(0), 2))).toEqual([255, 255]);
  });

  it('gives each pixel row the most frequent class of its regions, against a naive count', () => {
    const random = seededRandom(11);
    for (let k = 0; k < 50; k++) {
      const classes = Uint8Array.from({ length: 1 + random.int(5000) }, () =>
        random.int(6) === 0 ? 255 : random.int(4),
      );
      const pixels = 1 + random.int(800);
      const got = pixelClasses(classes, pixels);
      for (let p = 0; p < pixels; p++) {
        const first = Math.floor((p * classes.length) / pixels);
        const end = Math.max(first + 1, Math.floor(((p + 1) * classes.length) / pixels));
        const tally = new Map<number, number>();
        for (let r = first; r < end; r++) tally.set(classes[r]!, (tally.get(classes[r]!) ?? 0) + 1);
        const best = Math.max(...tally.values());
        expect(tally.get(got[p]!)).toBe(best);
      }
    }
  });

  it('maps a click to an offset within the range, for any size', () => {
    expect(offsetAtFraction({ from: 0, to: 1 }, 0.99)).toBe(0);
    expect(offsetAtFraction({ from: 0, to: 10 * 2 ** 30 }, 0.5)).toBe(5 * 2 ** 30);
    expect(offsetAtFraction({ from: 100, to: 200 }, 1)).toBe(199);
    expect(offsetAtFraction({ from: 100, to: 200 }, -3)).toBe(100);
    expect(offsetAtFraction({ from: 5, to: 5 }, 0.5)).toBe(5);
  });

  it('finds the region of an offset and its span, the last one short', () => {
    const grid = { from: 10, to: 35, regionBytes: 10, classes: new Uint8Array(3) };
    expect([9, 10, 19, 20, 34, 35].map((o) => regionAt(grid, o))).toEqual([-1, 0, 0, 1, 2, -1]);
    expect(regionSpan(grid, 2)).toEqual([30, 35]);
    expect(classCounts(Uint8Array.of(0, 0, 3, 255))).toEqual({ counts: [2, 0, 0, 1], pending: 1 });
  });
});
