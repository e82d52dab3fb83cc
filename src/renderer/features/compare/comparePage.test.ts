import { describe, expect, it } from 'vitest';
import { byteOffset } from '../../../shared/units';
import { rowCells } from './comparePage';

const page = { offset: byteOffset(0), a: new Uint8Array([1, 2, 3, 4, 5, 6]), b: new Uint8Array([1, 9, 3, 4]) };
const sizes = { a: 6, b: 4 };

describe('compare rows', () => {
  it('marks differing bytes, the current range, and the tail past the shorter file', () => {
    const a = rowCells(page, 'a', 0, 8, sizes, { start: byteOffset(1), end: byteOffset(2) });
    expect(a.map((cell) => cell.state)).toEqual(['same', 'current', 'same', 'same', 'diff', 'diff', 'same', 'same']);
    const b = rowCells(page, 'b', 0, 8, sizes, null);
    expect(b.map((cell) => cell.state)).toEqual([
      'same',
      'diff',
      'same',
      'same',
      'past-end',
      'past-end',
      'same',
      'same',
    ]);
    expect(b.findIndex((cell) => cell.eof)).toBe(4);
    expect(a.some((cell) => cell.eof)).toBe(false);
  });

  it('shows bytes not read yet as pending', () => {
    expect(rowCells(null, 'a', 0, 2, sizes, null).map((cell) => cell.state)).toEqual(['pending', 'pending']);
  });
});
