// The byte map and the strings scan against naive versions over seeded buffers, and the strings
// scan against GNU strings itself (`strings -a -t d -n N`, and `-e l` for UTF-16LE).
import { spawnSync } from 'node:child_process';
import { existsSync, truncateSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';

import { seededRandom, type SeededRandom } from '../src/shared/seededRandom';
import {
  binaryToolWorkerThreads,
  BYTE_CLASS,
  type ByteMap,
  type ByteMapOptions,
  createByteMap,
  createStringsScan,
  type MappedFile,
  openMapped,
  type StringEncoding,
  type StringsOptions,
  type StringsScan,
} from './index';
import { expectNativeError, settleScan, tempDirForFile } from './testSupport';

const temp = tempDirForFile('hexlog-bytemap-', { uniqueNames: true });
const openFiles: MappedFile[] = [];
const scans: { dispose(): void }[] = [];

afterEach(() => {
  for (const scan of scans.splice(0)) scan.dispose();
  for (const file of openFiles.splice(0)) file.close();
  expect(binaryToolWorkerThreads()).toBe(0);
});

function open(bytes: Uint8Array): MappedFile {
  const file = openMapped(temp.makeFile('data.bin', bytes), 'readonly');
  openFiles.push(file);
  return file;
}

// ---- naive byte map ----

interface NaiveRegion {
  readonly cls: number;
  readonly entropy: number;
}

function naiveRegion(bytes: Uint8Array): NaiveRegion {
  const counts = new Array<number>(256).fill(0);
  for (const b of bytes) counts[b]! += 1;
  const total = bytes.length;
  let entropy = 0;
  for (const c of counts) {
    if (c > 0) entropy -= (c / total) * Math.log2(c / total);
  }
  let printable = counts[9]! + counts[10]! + counts[13]!;
  for (let b = 0x20; b <= 0x7e; b++) printable += counts[b]!;
  const cls =
    counts[0]! * 100 >= total * 99
      ? BYTE_CLASS.zeros
      : printable * 100 >= total * 95
        ? BYTE_CLASS.text
        : entropy + (counts.filter((c) => c > 0).length - 1) / (2 * total * Math.LN2) >= 7.2
          ? BYTE_CLASS.highEntropy
          : BYTE_CLASS.other;
  return { cls, entropy };
}

async function mapOf(file: MappedFile, from: number, to: number, options: ByteMapOptions = {}): Promise<ByteMap> {
  const map = createByteMap(file, from, to, options);
  scans.push(map);
  await settleScan(map, 'byte map');
  return map;
}

function expectMatchesNaive(map: ByteMap, bytes: Uint8Array, from: number, to: number, regionBytes: number): void {
  const result = map.result();
  expect(result.regionBytes).toBe(regionBytes);
  const regions = Math.ceil((to - from) / regionBytes);
  expect(result.classes.length).toBe(regions);
  const histogram = new Array<number>(256).fill(0);
  for (let i = from; i < to; i++) histogram[bytes[i]!]! += 1;
  expect(Array.from(result.histogram)).toEqual(histogram);
  for (let r = 0; r < regions; r++) {
    const start = from + r * regionBytes;
    const naive = naiveRegion(bytes.subarray(start, Math.min(to, start + regionBytes)));
    expect(result.classes[r], `region ${r}`).toBe(naive.cls);
    expect(result.entropy[r]).toBeCloseTo(naive.entropy, 4);
  }
}

/** Blocks of zeros, text, random bytes and low-entropy bytes, of seeded lengths. */
function firmwareLike(random: SeededRandom, blocks: number, maxBlock: number): Uint8Array {
  const parts: Uint8Array[] = [];
  const text = new TextEncoder().encode('The quick brown fox\tjumps over the lazy dog.\r\n');
  for (let i = 0; i < blocks; i++) {
    const length = 1 + random.int(maxBlock);
    const part = new Uint8Array(length);
    const kind = random.int(4);
    for (let j = 0; j < length; j++) {
      part[j] = kind === 0 ? 0 : kind === 1 ? text[j % text.length]! : kind === 2 ? random.int(256) : random.int(16);
    }
    parts.push(part);
  }
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

describe('byte map', () => {
  it('an empty file has no regions and an empty histogram', async () => {
    const map = await mapOf(open(new Uint8Array(0)), 0, 0);
    const result = map.result();
    expect(result.classes.length).toBe(0);
    expect(result.histogram.reduce((a, b) => a + b, 0)).toBe(0);
    expect(map.progress()).toMatchObject({ done: true, bytesScanned: 0, totalBytes: 0 });
  });

  it('a 1-byte file is one region', async () => {
    const map = await mapOf(open(Uint8Array.of(0x41)), 0, 1);
    expect(Array.from(map.result().classes)).toEqual([BYTE_CLASS.text]);
    expect(map.result().entropy[0]).toBe(0);
  });

  it('classes each kind of block as the naive version does, at default and given region sizes', async () => {
    for (let seed = 1; seed <= 6; seed++) {
      const random = seededRandom(seed);
      const bytes = firmwareLike(random, 8 + random.int(20), 200_000);
      const file = open(bytes);
      const defaultRegion = Math.max(1, Math.ceil(bytes.length / 4096));
      expectMatchesNaive(await mapOf(file, 0, bytes.length), bytes, 0, bytes.length, defaultRegion);
      const regionBytes = 1 + random.int(70_000);
      expectMatchesNaive(
        await mapOf(file, 0, bytes.length, { regionBytes, threads: 1 + random.int(3) }),
        bytes,
        0,
        bytes.length,
        regionBytes,
      );
      const from = random.int(bytes.length);
      const to = from + random.int(bytes.length - from + 1);
      const maxRegions = 1 + random.int(300);
      const sub = await mapOf(file, from, to, { maxRegions });
      expectMatchesNaive(sub, bytes, from, to, Math.max(1, Math.ceil((to - from) / maxRegions)));
    }
  });

  it('names the classes at their thresholds: 99% zeros, 95% text, 7.2 bits', async () => {
    const zeros = new Uint8Array(100);
    zeros[0] = 0xff; // 99% zeros: still zeros
    const text = new Uint8Array(100).fill(0x41);
    text.fill(0x01, 0, 5); // 95% printable: still text
    const notText = new Uint8Array(100).fill(0x41);
    notText.fill(0x01, 0, 6);
    const random = seededRandom(7).bytes(1 << 16);
    const bytes = new Uint8Array([...zeros, ...text, ...notText]);
    const map = await mapOf(open(bytes), 0, bytes.length, { regionBytes: 100 });
    expect(Array.from(map.result().classes)).toEqual([BYTE_CLASS.zeros, BYTE_CLASS.text, BYTE_CLASS.other]);
    const high = await mapOf(open(random), 0, random.length, { regionBytes: 1 << 14 });
    expect(Array.from(high.result().classes)).toEqual([2, 2, 2, 2]);
    // 256 random bytes measure ~7.2 bits before the size correction: every region is still high entropy.
    const small = await mapOf(open(random), 0, random.length, { regionBytes: 256 });
    expect(Array.from(small.result().classes).every((c) => c === BYTE_CLASS.highEntropy)).toBe(true);
  });

  it('maps a range past 4 GiB of a sparse file, offsets exact', async () => {
    const size = 5 * 2 ** 30;
    const at = size - 1000;
    const path = temp.makeSparseFile('huge.bin', size, 'x'.repeat(600), at);
    const file = openMapped(path, 'readonly');
    openFiles.push(file);
    const from = size - 4096;
    const map = await mapOf(file, from, size, { regionBytes: 1024 });
    const result = map.result();
    expect(result.from).toBe(from);
    expect(result.to).toBe(size);
    // The 600 x's start 3096 bytes into the range: all in the last region, with 424 zeros.
    expect(Array.from(result.classes)).toEqual([
      BYTE_CLASS.zeros,
      BYTE_CLASS.zeros,
      BYTE_CLASS.zeros,
      BYTE_CLASS.other,
    ]);
    expect(result.histogram[0x78]).toBe(600);
  });

  it('refuses a range outside the file and a region size giving too many regions', () => {
    const file = open(new Uint8Array(10));
    expectNativeError(() => createByteMap(file, 0, 11), 'EINVAL');
    expectNativeError(() => createByteMap(file, 5, 4), 'EINVAL');
    const big = openMapped(temp.makeSparseFile('sparse.bin', 1 << 22, 'x', 0), 'readonly');
    openFiles.push(big);
    expectNativeError(() => createByteMap(big, 0, 1 << 22, { regionBytes: 1 }), 'EINVAL');
  });

  it('a file truncated under the map ends it with EFILECHANGED, and nothing crashes', async () => {
    const path = temp.makeFile('shrinks.bin', seededRandom(9).bytes(1 << 20));
    const file = openMapped(path, 'readonly');
    openFiles.push(file);
    truncateSync(path, 1000);
    const map = createByteMap(file, 0, 1 << 20);
    scans.push(map);
    await settleScan(map, 'byte map');
    expect(map.progress().error?.code).toBe('EFILECHANGED');
  });

  it('cancel stops it; dispose then any call is ECLOSED', async () => {
    const big = openMapped(temp.makeSparseFile('big.bin', 1 << 28, 'x', 0), 'readonly');
    openFiles.push(big);
    const map = createByteMap(big, 0, 1 << 28, { threads: 1 });
    map.cancel();
    await settleScan(map, 'byte map');
    expect(map.progress().cancelled || map.progress().done).toBe(true);
    map.dispose();
    expectNativeError(() => map.progress(), 'ECLOSED');
  });
});

// ---- strings ----

const isStringChar = (c: number): boolean => c === 9 || (c >= 0x20 && c <= 0x7e);

interface FoundString {
  readonly offset: number;
  readonly text: string;
}

/** GNU strings' own loop (binutils strings.c, print_strings), transcribed: read `min` characters, back off by width-1 bytes after a bad one. */
function gnuStringsNaive(bytes: Uint8Array, min: number, width: 1 | 2): FoundString[] {
  const out: FoundString[] = [];
  let address = 0;
  const getChar = (): number => {
    if (address + width > bytes.length) return -1;
    const c = width === 1 ? bytes[address]! : bytes[address]! | (bytes[address + 1]! << 8);
    address += width;
    return c;
  };
  const graphic = (c: number): boolean => c >= 0 && c <= 255 && isStringChar(c);
  for (;;) {
    const start = address;
    let text = '';
    let found = true;
    for (let i = 0; i < min; i++) {
      const c = getChar();
      if (c < 0) return out;
      if (!graphic(c)) {
        address -= width - 1;
        found = false;
        break;
      }
      text += String.fromCharCode(c);
    }
    if (!found) continue;
    for (;;) {
      const c = getChar();
      if (c < 0) break;
      if (!graphic(c)) {
        address -= width - 1;
        break;
      }
      text += String.fromCharCode(c);
    }
    out.push({ offset: start, text });
  }
}

async function scanAll(
  file: MappedFile,
  min: number,
  encodings: StringEncoding[],
  options: StringsOptions = {},
): Promise<{ ascii: FoundString[]; utf16: FoundString[]; scan: StringsScan }> {
  const scan = createStringsScan(file, min, encodings, options);
  scans.push(scan);
  await settleScan(scan, 'strings');
  const progress = scan.progress();
  expect(progress.error).toBeNull();
  const ascii: FoundString[] = [];
  const utf16: FoundString[] = [];
  let lastOffset = -1;
  for (let first = 0; first < progress.stringsKnown; first += 5000) {
    const page = scan.read(first, 5000, 4096);
    let at = 0;
    for (let i = 0; i < page.offsets.length; i++) {
      const text = String.fromCharCode(...page.preview.subarray(at, page.previewEnds[i]));
      at = page.previewEnds[i]!;
      const offset = page.offsets[i]!;
      expect(offset).toBeGreaterThanOrEqual(lastOffset);
      lastOffset = offset;
      const utf = page.encodings[i] === 2;
      expect(text.length).toBe(Math.min(4096, page.lengths[i]! / (utf ? 2 : 1)));
      (utf ? utf16 : ascii).push({ offset, text });
    }
  }
  return { ascii, utf16, scan };
}

function gnuStrings(path: string, min: number, utf16: boolean): FoundString[] {
  const args = ['-a', '-t', 'd', '-n', String(min), ...(utf16 ? ['-e', 'l'] : []), path];
  const run = spawnSync('strings', args, { encoding: 'latin1', maxBuffer: 1 << 30 });
  expect(run.status).toBe(0);
  const found: FoundString[] = [];
  for (const line of run.stdout.split('\n')) {
    if (line === '') continue;
    const match = /^\s*(\d+) (.*)$/s.exec(line);
    if (match === null) throw new Error(`unexpected strings output: ${line}`);
    found.push({ offset: Number(match[1]), text: match[2]! });
  }
  return found;
}

/** Random bytes biased to printable runs and UTF-16LE runs, so both kinds cross chunk boundaries. */
function stringy(random: SeededRandom, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let at = 0;
  while (at < length) {
    const kind = random.int(4);
    const run = 1 + random.int(kind === 0 ? 8 : 40);
    for (let j = 0; j < run && at < length; j++) {
      if (kind === 0) out[at++] = random.int(256);
      else if (kind === 1) out[at++] = 0x20 + random.int(95);
      else if (kind === 2) {
        out[at++] = random.int(10) === 0 ? 9 : 0x20 + random.int(95);
        if (at < length) out[at++] = random.int(30) === 0 ? 1 : 0;
      } else out[at++] = random.int(3) === 0 ? 0 : 0x7f + random.int(3);
    }
  }
  return out;
}

const clip = (list: FoundString[]): FoundString[] =>
  list.map((s) => ({ offset: s.offset, text: s.text.slice(0, 4096) }));

describe('strings', () => {
  it('match the naive GNU loop on seeded files, across tiny chunks, for ASCII and UTF-16LE', async () => {
    for (let seed = 1; seed <= 12; seed++) {
      const random = seededRandom(seed * 31);
      const bytes = stringy(random, 1 + random.int(60_000));
      const file = open(bytes);
      const min = 1 + random.int(8);
      const options = { chunkBytes: 1 + random.int(5000), threads: 1 + random.int(3) };
      const both = await scanAll(file, min, ['ascii', 'utf-16le'], options);
      expect(both.ascii, `seed ${seed} ascii`).toEqual(gnuStringsNaive(bytes, min, 1));
      expect(both.utf16, `seed ${seed} utf16`).toEqual(gnuStringsNaive(bytes, min, 2));
      // Each encoding alone (ASCII alone takes its own loop).
      expect((await scanAll(file, min, ['ascii'], options)).ascii, `seed ${seed} ascii alone`).toEqual(both.ascii);
      expect((await scanAll(file, min, ['utf-16le'], options)).utf16, `seed ${seed} utf16 alone`).toEqual(both.utf16);
    }
  });

  it('edge cases: empty file, one byte, a file that ends mid-run, odd trailing byte, a run as long as the file', async () => {
    const cases: [string, Uint8Array, number][] = [
      ['empty', new Uint8Array(0), 1],
      ['one printable byte', Uint8Array.of(0x41), 1],
      ['one byte below min', Uint8Array.of(0x41), 2],
      ['ends mid-run', new TextEncoder().encode('\x00\x01hello world'), 4],
      ['odd trailing byte', Uint8Array.of(0x41, 0, 0x42, 0, 0x43, 0, 0x44), 3],
      ['all text', new Uint8Array(10_000).fill(0x61), 4],
      ['all UTF-16', new Uint8Array(10_000).map((_, i) => (i % 2 === 0 ? 0x61 : 0)), 4],
    ];
    for (const [name, bytes, min] of cases) {
      for (const chunkBytes of [1, 2, 3, 7, 4096]) {
        const found = await scanAll(open(bytes), min, ['ascii', 'utf-16le'], { chunkBytes });
        expect(clip(found.ascii), name).toEqual(clip(gnuStringsNaive(bytes, min, 1)));
        const asciiAlone = await scanAll(open(bytes), min, ['ascii'], { chunkBytes });
        expect(clip(asciiAlone.ascii), `${name} ascii alone`).toEqual(clip(gnuStringsNaive(bytes, min, 1)));
        expect(clip(found.utf16), name).toEqual(clip(gnuStringsNaive(bytes, min, 2)));
      }
    }
  });

  it('give the same offsets and strings as GNU strings on system binaries and seeded files', async () => {
    const binaries = ['/usr/bin/bash', '/usr/bin/ls', '/usr/bin/strings'].filter((p) => existsSync(p));
    expect(binaries.length).toBeGreaterThan(0);
    const seeded = [1, 2].map((seed) => temp.makeFile('seeded.bin', stringy(seededRandom(seed), 300_000)));
    for (const path of [...binaries, ...seeded]) {
      const file = openMapped(path, 'readonly');
      openFiles.push(file);
      for (const min of [4, 6]) {
        const found = await scanAll(file, min, ['ascii', 'utf-16le'], { chunkBytes: 65_536 });
        expect(found.ascii, `${path} -n ${min}`).toEqual(clip(gnuStrings(path, min, false)));
        const alone = await scanAll(file, min, ['ascii'], { chunkBytes: 65_536 });
        expect(alone.ascii, `${path} -n ${min} ascii alone`).toEqual(found.ascii);
        expect(found.utf16, `${path} -n ${min} -e l`).toEqual(clip(gnuStrings(path, min, true)));
      }
    }
  });

  it('indexAtOffset finds the first string at or after an offset', async () => {
    const bytes = new TextEncoder().encode('abcd\x00\x00efgh\x00\x00ijkl');
    const { scan } = await scanAll(open(bytes), 4, ['ascii'], { chunkBytes: 3 });
    expect([0, 1, 6, 7, 12, 13, 16].map((o) => scan.indexAtOffset(o))).toEqual([0, 1, 1, 2, 2, 3, 3]);
  });

  it('stops at maxResults, truncated; a shrunk file is EFILECHANGED; bad arguments are EINVAL', async () => {
    const text = new TextEncoder().encode('word '.repeat(20_000).replaceAll(' ', '\x00'));
    const { scan } = await scanAll(open(text), 4, ['ascii'], { maxResults: 100, chunkBytes: 256 });
    expect(scan.progress().truncated).toBe(true);
    expect(scan.progress().stringsKnown).toBe(100);
    expect(scan.read(0, 200, 10).offsets.length).toBe(100);

    const path = temp.makeFile('shrinks.bin', stringy(seededRandom(5), 1 << 20));
    const file = openMapped(path, 'readonly');
    openFiles.push(file);
    truncateSync(path, 10);
    const shrunk = createStringsScan(file, 4, ['ascii']);
    scans.push(shrunk);
    await settleScan(shrunk, 'strings');
    expect(shrunk.progress().error?.code).toBe('EFILECHANGED');

    expectNativeError(() => createStringsScan(file, 0, ['ascii']), 'EINVAL');
    expectNativeError(() => createStringsScan(file, 4, []), 'EINVAL');
    expectNativeError(() => scan.read(0, 70_000, 10), 'EINVAL');
  });
});
