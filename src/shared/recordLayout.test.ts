import { spawnSync } from 'node:child_process';

import { describe, expect, it } from 'vitest';

import { decodeRecord } from './recordDecode';
import { MAX_FIELDS, MAX_RECORD_SIZE, parseRecordLayout, parseStructFormat, type LayoutResult } from './recordLayout';
import { seededRandom, type SeededRandom } from './seededRandom';

interface PythonAnswer {
  readonly size?: number;
  readonly values?: string[];
  readonly error?: string;
}

/** Runs CPython's struct over every case; fails loudly when python3 is missing. */
function askPython(cases: readonly { format: string; hex: string }[]): PythonAnswer[] {
  const script = `
import json, struct, sys
out = []
for case in json.load(sys.stdin):
    try:
        size = struct.calcsize(case['format'])
        data = bytes.fromhex(case['hex'])[:size]
        out.append({'size': size, 'values': [repr(v) for v in struct.unpack(case['format'], data)]})
    except Exception as e:
        out.append({'error': str(e)})
print(json.dumps(out))
`;
  const run = spawnSync('python3', ['-c', script], { input: JSON.stringify(cases), encoding: 'utf8' });
  if (run.error !== undefined || run.status !== 0) {
    throw new Error(
      `python3 is needed as the oracle for struct semantics and could not run: ${run.error?.message ?? run.stderr}`,
    );
  }
  return JSON.parse(run.stdout) as PythonAnswer[];
}

const standardChars = 'xcbB?hHiIlLqQefdsp'.split('');
const nativeChars = [...standardChars, 'n', 'N', 'P'];

function randomFormat(random: SeededRandom): string {
  const prefix = ['', '@', '=', '<', '>', '!'][random.int(6)] ?? '';
  const chars = prefix === '' || prefix === '@' ? nativeChars : standardChars;
  let format = prefix;
  const items = 1 + random.int(6);
  for (let item = 0; item < items; item++) {
    const char = chars[random.int(chars.length)] ?? 'b';
    const roll = random.int(4);
    let count = '';
    if (char === 's') count = String(random.int(12));
    else if (char === 'p') count = String(1 + random.int(12));
    else if (roll === 0) count = String(random.int(5));
    format += count + char;
    if (random.int(3) === 0) format += [' ', '  ', '\t'][random.int(3)] ?? ' ';
  }
  return format;
}

const toHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

function expectOk(result: LayoutResult): Extract<LayoutResult, { ok: true }>['value'] {
  if (!result.ok) throw new Error(`expected a layout, got: ${result.message}`);
  return result.value;
}

function expectError(result: LayoutResult, position: number, pattern: RegExp): void {
  expect(result.ok).toBe(false);
  if (result.ok) return;
  expect(result.message).toMatch(pattern);
  expect(result.position).toBe(position);
}

describe('struct format strings against CPython struct', () => {
  it('calcsize, value count and unpacked reprs match over 600 seeded formats and bytes', () => {
    const random = seededRandom(1414);
    const cases = Array.from({ length: 600 }, () => {
      const format = randomFormat(random);
      // Bytes biased towards edge values: zeros, 0xff runs, and NaN/inf patterns in floats.
      const bytes = random.bytes(256);
      const mode = random.int(4);
      if (mode === 0) bytes.fill(0);
      if (mode === 1) bytes.fill(0xff, 0, random.int(256));
      return { format, hex: toHex(bytes), bytes };
    });
    const answers = askPython(cases);
    let compared = 0;
    cases.forEach((testCase, index) => {
      const answer = answers[index];
      const layout = parseStructFormat(testCase.format);
      expect(answer?.error, `python refused ${JSON.stringify(testCase.format)}`).toBeUndefined();
      if (answer?.size === 0) {
        // A record of no bytes cannot make a table; Python allows it, we refuse it clearly.
        expect(layout.ok ? '' : layout.message).toMatch(/empty/);
        return;
      }
      const value = expectOk(layout);
      expect({ format: testCase.format, size: value.size }).toEqual({ format: testCase.format, size: answer?.size });
      expect(value.fields.length).toBe(answer?.values?.length);
      expect(decodeRecord(value, testCase.bytes, 0)).toEqual(answer?.values);
      compared++;
    });
    expect(compared).toBeGreaterThan(550);
  });

  it('native alignment pads like CPython on x86-64 (b0i is 4, bP is 16, no trailing padding)', () => {
    const formats = ['b0i', 'bP', 'bi', 'cd', 'b?', 'bxe', '@bq3s', 'ihb', '=bi', '<bq'];
    const answers = askPython(formats.map((format) => ({ format, hex: '00'.repeat(64) })));
    formats.forEach((format, index) => {
      expect({ format, size: expectOk(parseStructFormat(format)).size }).toEqual({
        format,
        size: answers[index]?.size,
      });
    });
  });

  it('fields are named f0, f1, … one per unpacked value: 8s is one field, 4h four, x none', () => {
    const layout = expectOk(parseStructFormat('<I d 8s'));
    expect(layout.size).toBe(20);
    expect(layout.fields.map((field) => [field.name, field.offset, field.type, field.count])).toEqual([
      ['f0', 0, 'u32', 1],
      ['f1', 4, 'f64', 1],
      ['f2', 12, 'bytes', 8],
    ]);
    expect(expectOk(parseStructFormat('>4h2x0sB')).fields.map((field) => [field.name, field.offset])).toEqual([
      ['f0', 0],
      ['f1', 2],
      ['f2', 4],
      ['f3', 6],
      ['f4', 10],
      ['f5', 10],
    ]);
  });

  it('refuses what CPython refuses, saying where and what was expected', () => {
    const refused = ['<z', '4 h', ' <I', '<n', '=N', '!P', '12', 'I<'];
    const answers = askPython(refused.map((format) => ({ format, hex: '' })));
    refused.forEach((format, index) =>
      expect({ format, error: answers[index]?.error !== undefined }).toEqual({ format, error: true }),
    );
    expectError(parseStructFormat('<z'), 1, /bad format character 'z'; expected one of x c b/);
    expectError(parseStructFormat('4 h'), 1, /no space between a count and its character/);
    expectError(parseStructFormat(' <I'), 1, /bad format character '<'/);
    expectError(parseStructFormat('<n'), 1, /'n' exists only in native mode/);
    expectError(parseStructFormat('=N'), 1, /'N' exists only in native mode/);
    expectError(parseStructFormat('!P'), 1, /'P' exists only in native mode/);
    expectError(parseStructFormat('12'), 0, /repeat count 12 is not followed by a format character/);
    expectError(parseStructFormat('I<'), 1, /bad format character '<'/);
    expectError(parseStructFormat('<I0p'), 2, /Pascal string 'p' needs a count of at least 1/);
    expectError(parseStructFormat(''), 0, /empty/);
    expectError(parseStructFormat('<0s'), 3, /empty/);
  });

  it('refuses sizes past the caps, including counts CPython calls too long', () => {
    const huge = '99999999999999999999999q';
    expect(askPython([{ format: huge, hex: '' }])[0]?.error).toMatch(/too long/);
    expectError(parseStructFormat(huge), 0, /repeat count is too large/);
    expectError(parseStructFormat(`<${MAX_RECORD_SIZE}sB`), 1 + String(MAX_RECORD_SIZE).length + 1, /larger than/);
    expectError(parseStructFormat(`<${MAX_RECORD_SIZE / 8 + 1}q`), 1, /larger than/);
    expectError(parseStructFormat(`<${MAX_FIELDS + 1}B`), 1, /at most 1024 fields/);
    expect(expectOk(parseStructFormat(`<${MAX_RECORD_SIZE}s`)).size).toBe(MAX_RECORD_SIZE);
  });
});

describe('named fields', () => {
  it('lays fields out packed, in order, with their byte order and arrays', () => {
    const layout = expectOk(parseRecordLayout('u32le id; f64le value; char[8] name; u8[4] pad;'));
    expect(layout.syntax).toBe('named');
    expect(layout.size).toBe(24);
    expect(
      layout.fields.map((field) => [
        field.name,
        field.offset,
        field.type,
        field.count,
        field.littleEndian,
        field.isArray,
      ]),
    ).toEqual([
      ['id', 0, 'u32', 1, true, false],
      ['value', 4, 'f64', 1, true, false],
      ['name', 12, 'text', 8, true, false],
      ['pad', 20, 'u8', 4, true, true],
    ]);
    const big = expectOk(parseRecordLayout('i16be a; f16be h; u64be[2] pair; i8 s; bool flag'));
    expect(big.fields.map((field) => [field.offset, field.size, field.littleEndian])).toEqual([
      [0, 2, false],
      [2, 2, false],
      [4, 16, false],
      [20, 1, true],
      [21, 1, true],
    ]);
  });

  it('explains each mistake with its position', () => {
    expectError(parseRecordLayout('u32le id; f32 x'), 10, /"f32" needs a byte order: "f32le" or "f32be"/);
    expectError(parseRecordLayout('u8le x'), 0, /one byte and takes no byte order/);
    expectError(parseRecordLayout('u32le id; u24le y'), 10, /unknown type "u24le"/);
    expectError(parseRecordLayout('u32le id; u32le id'), 10, /"id" is used twice/);
    expectError(parseRecordLayout('u32le id; u8[0] z'), 10, /array length of "z" must be 1 to/);
    expectError(parseRecordLayout('u32le id; u8 9bad'), 10, /expected "TYPE NAME"/);
    expectError(
      parseRecordLayout(`u8[${MAX_RECORD_SIZE}] a; u8 b`),
      `u8[${MAX_RECORD_SIZE}] a; `.length,
      /larger than/,
    );
    expectError(parseRecordLayout('   '), 0, /empty/);
  });

  it('tells the two notations apart by how the text starts', () => {
    expect(expectOk(parseRecordLayout('i8s')).syntax).toBe('struct');
    expect(expectOk(parseRecordLayout('<Id')).syntax).toBe('struct');
    expect(expectOk(parseRecordLayout('char[4] tag')).syntax).toBe('named');
    expect(expectOk(parseRecordLayout('u8 a')).syntax).toBe('named');
  });
});
