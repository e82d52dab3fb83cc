import { describe, expect, it } from 'vitest';
import { asciiText, hexText, tooBigToCopy } from './clipboard';

describe('hex view copy formats', () => {
  it('writes bytes as the hex pane shows them', () => {
    expect(hexText(new Uint8Array([0xde, 0xad, 0xbe, 0xef, 0x00, 0x0a]))).toBe('DE AD BE EF 00 0A');
    expect(hexText(new Uint8Array(0))).toBe('');
  });
  it('writes bytes as the ASCII pane shows them, a dot for the unprintable', () => {
    expect(asciiText(new TextEncoder().encode('MZ\u0000\u0090ok~\u007f'))).toBe('MZ...ok~.');
    const long = new Uint8Array(10_000).fill(0x41);
    expect(asciiText(long)).toBe('A'.repeat(10_000));
  });
  it('says how big the selection is and what the limit is', () => {
    expect(tooBigToCopy(100 * 1024 * 1024, 8 * 1024 * 1024)).toMatch(
      /^The selection is 100\.0 MiB .*limited to 8\.00 MiB/,
    );
  });
});
