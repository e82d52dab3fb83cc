// Copy as… against the tools whose formats it copies (xxd, xxd -i, Python's repr, base64), over
// seeded bytes; and every format pasted back gives the same bytes.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../../../shared/seededRandom';
import { base64, cArray, copyFormats, hexFormat, parsePasted, pythonBytes, xxdDump } from './copyFormats';

const dir = mkdtempSync(join(tmpdir(), 'hexlog-copyas-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Seeded byte strings: random, text-like, quotes and backslashes, empty, one byte, odd lengths. */
function samples(): Uint8Array[] {
  const random = seededRandom(1404);
  const out: Uint8Array[] = [new Uint8Array(0), Uint8Array.of(0), Uint8Array.of(0x27), Uint8Array.of(0x27, 0x22)];
  out.push(new TextEncoder().encode(`it's "quoted" \\ back\tslash\r\n`));
  for (let i = 0; i < 24; i++) {
    const length = random.int(i < 12 ? 40 : 1000);
    const bytes = random.bytes(length);
    // Half of them mostly printable, so text and escapes mix.
    if (i % 2 === 0) for (let j = 0; j < length; j++) if (random.next() < 0.8) bytes[j] = 0x20 + random.int(95);
    out.push(bytes);
  }
  return out;
}

describe('copy as', () => {
  it('writes an xxd hexdump exactly as `xxd -s OFFSET -l LENGTH` prints it', () => {
    const random = seededRandom(77);
    const file = random.bytes(5000);
    for (let i = 0; i < 12; i++) file[random.int(5000)] = 0x20 + random.int(95);
    const path = join(dir, 'xxd.bin');
    writeFileSync(path, file);
    const ranges: [number, number][] = [
      [0, 5000],
      [3, 14],
      [4999, 1],
      [17, 16],
      [100, 33],
    ];
    for (let i = 0; i < 8; i++) {
      const start = random.int(5000);
      ranges.push([start, 1 + random.int(5000 - start)]);
    }
    for (const [offset, length] of ranges) {
      const expected = execFileSync('xxd', ['-s', String(offset), '-l', String(length), path], { encoding: 'utf8' });
      expect(xxdDump(file.subarray(offset, offset + length), offset), `${offset}+${length}`).toBe(expected);
    }
  });

  it('writes a C array whose bytes are what `xxd -i` writes, Python bytes as repr() writes them, Base64 as base64 does', () => {
    const all = samples();
    const paths = all.map((bytes, index) => {
      const path = join(dir, `sample-${index}.bin`);
      writeFileSync(path, bytes);
      return path;
    });
    // One Python for all samples (starting it is the slow part): one repr a line.
    const reprs = execFileSync(
      'python3',
      ['-c', 'import sys\nfor p in sys.argv[1:]: print(repr(open(p, "rb").read()))', ...paths],
      { encoding: 'utf8' },
    ).split('\n');
    for (const [index, bytes] of all.entries()) {
      const xxdI = execFileSync('xxd', ['-i'], { input: bytes, encoding: 'utf8' });
      expect(cArray(bytes)).toBe(`unsigned char data[${bytes.length}] = {\n${xxdI}};\n`);
      expect(pythonBytes(bytes), `sample ${index}`).toBe(reprs[index]);
      expect(base64(bytes)).toBe(Buffer.from(bytes).toString('base64'));
      expect(hexFormat(bytes)).toBe(
        Buffer.from(bytes)
          .toString('hex')
          .toUpperCase()
          .replace(/(..)(?!$)/g, '$1 '),
      );
    }
  });

  it('reads every format back as the bytes copied', () => {
    for (const bytes of samples()) {
      if (bytes.length === 0) continue;
      for (const format of copyFormats) {
        const text = format.format(bytes, 0x1230);
        const pasted = parsePasted(text);
        // Base64 that happens to be only hex digits reads as hex, as it should.
        if (format.id === 'base64' && /^[0-9a-fA-F]+$/.test(text)) continue;
        expect(pasted, `${format.id}: ${text.slice(0, 60)}`).toEqual(expect.objectContaining({ bytes }));
      }
    }
  });

  it('says what it cannot read, and reads hex before Base64', () => {
    expect(parsePasted('')).toMatch(/empty/);
    expect(parsePasted('hello world!')).toMatch(/neither hex bytes/);
    expect(parsePasted('DEADBEEF')).toEqual({ bytes: Uint8Array.of(0xde, 0xad, 0xbe, 0xef), as: 'hex' });
    expect(parsePasted('0xDE, 0xAD')).toEqual({ bytes: Uint8Array.of(0xde, 0xad), as: 'hex' });
    expect(parsePasted('SGVsbG8=')).toEqual({ bytes: new TextEncoder().encode('Hello'), as: 'Base64' });
    expect(parsePasted("b'\\x00A\\n'")).toEqual({ bytes: Uint8Array.of(0, 0x41, 10), as: 'Python bytes' });
    expect(parsePasted('{ 0x01, 300 }')).toMatch(/neither/);
    expect(parsePasted('ABC')).toMatch(/neither/);
  });
});
