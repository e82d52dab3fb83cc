import { describe, expect, it } from 'vitest';
import { displayLine, lineFromDisplay, lineNumber } from './units';

describe('line numbering', () => {
  it('line 0 is shown as 1, and a typed 1 is line 0; the two are inverse', () => {
    expect(displayLine(lineNumber(0))).toBe(1);
    expect(lineFromDisplay(1)).toBe(0);
    for (const line of [0, 1, 41, 2 ** 40]) expect(lineFromDisplay(displayLine(lineNumber(line)))).toBe(line);
  });
});
