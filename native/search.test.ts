import * as fs from 'node:fs';

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { type SeededRandom, seededRandom } from '../src/shared/seededRandom';
import {
  type ByteSearch,
  createSearch,
  type MappedFile,
  nativeTesting,
  openMapped,
  releaseMemory,
  type SearchOptions,
  type SearchPattern,
} from './index';
import {
  expectDroppedScansReleased,
  expectNativeError,
  KiB,
  MiB,
  runChildNode,
  settleScan,
  tick,
  tempDirForFile,
} from './testSupport';

const temp = tempDirForFile('hexlog-search-', { uniqueNames: true });
const makeFile = temp.makeFile;
const openFiles: MappedFile[] = [];
const searches: ByteSearch[] = [];

afterEach(() => {
  for (const search of searches.splice(0)) search.dispose();
  for (const file of openFiles.splice(0)) file.close();
  expect(nativeTesting.searchWorkerThreads()).toBe(0);
});

// ---- Files, searches and the naive reference ------------------------------------------------

function open(file: string): MappedFile {
  const mapped = openMapped(file, 'readonly');
  openFiles.push(mapped);
  return mapped;
}

function search(file: MappedFile, pattern: SearchPattern, options?: SearchOptions): ByteSearch {
  const created = createSearch(file, pattern, options);
  searches.push(created);
  return created;
}

/** Polls until the search is done, failed or cancelled. */
function settle(byteSearch: ByteSearch, timeoutMs?: number): Promise<void> {
  return settleScan(byteSearch, 'search', timeoutMs);
}

async function searched(bytes: Uint8Array, pattern: SearchPattern, options?: SearchOptions): Promise<ByteSearch> {
  const byteSearch = search(open(makeFile('data.bin', bytes)), pattern, options);
  await settle(byteSearch);
  return byteSearch;
}

function allMatches(byteSearch: ByteSearch): number[] {
  return Array.from(byteSearch.results(0, byteSearch.progress().matchesKnown));
}

const isWordByte = (byte: number): boolean =>
  (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a) || byte === 0x5f;

const isAsciiLetter = (byte: number): boolean => (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7a;

/** The naive version: try every position, left to right; after a match skip past it. */
function referenceMatches(data: Uint8Array, pattern: SearchPattern): number[] {
  const { bytes, mask, caseInsensitive = false, wholeWord = false } = pattern;
  const length = bytes.length;
  const byteMatches = (dataByte: number, i: number): boolean => {
    const m = mask === undefined ? 0xff : mask[i]!;
    if (caseInsensitive && m === 0xff && isAsciiLetter(bytes[i]!)) {
      return (dataByte | 0x20) === (bytes[i]! | 0x20);
    }
    return (dataByte & m) === (bytes[i]! & m);
  };
  const matches: number[] = [];
  for (let p = 0; p + length <= data.length;) {
    let ok = true;
    for (let i = 0; i < length && ok; i++) ok = byteMatches(data[p + i]!, i);
    if (ok && wholeWord) {
      if (p > 0 && isWordByte(data[p - 1]!)) ok = false;
      if (p + length < data.length && isWordByte(data[p + length]!)) ok = false;
    }
    if (ok) {
      matches.push(p);
      p += length;
    } else {
      p++;
    }
  }
  return matches;
}

function randomBytes(random: SeededRandom, length: number, alphabet: readonly number[]): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = alphabet[random.int(alphabet.length)]!;
  return out;
}

const codes = (text: string): number[] => Array.from(Buffer.from(text, 'latin1'));

/** Every result, random windows of results and indexAtOrAfter against the reference. */
function expectMatchesReference(byteSearch: ByteSearch, data: Uint8Array, pattern: SearchPattern, seed: number): void {
  const expected = referenceMatches(data, pattern);
  expect(byteSearch.progress()).toEqual({
    bytesScanned: data.length,
    totalBytes: data.length,
    matchesKnown: expected.length,
    // Once done, every chunk's matches are stored at exact capacity: 4 bytes each.
    resultBytes: 4 * expected.length,
    done: true,
    cancelled: false,
    error: null,
  });
  const got = allMatches(byteSearch);
  if (got.length !== expected.length || got.some((offset, i) => offset !== expected[i])) {
    const first = got.findIndex((offset, i) => offset !== expected[i]);
    expect({ index: first, got: got.slice(first, first + 5) }).toEqual({
      index: first,
      got: expected.slice(first, first + 5),
    });
    expect(got.length).toBe(expected.length);
  }
  const random = seededRandom(seed);
  for (let i = 0; i < 50; i++) {
    const first = random.int(expected.length + 3);
    const count = random.int(40);
    expect(Array.from(byteSearch.results(first, count))).toEqual(expected.slice(first, first + count));
  }
  const offsets = [0, data.length, data.length + 10];
  for (let i = 0; i < 100; i++) offsets.push(random.int(data.length + 1));
  for (const offset of expected.slice(0, 50)) offsets.push(offset, offset + 1, Math.max(0, offset - 1));
  for (const offset of offsets) {
    let want = expected.findIndex((match) => match >= offset);
    if (want < 0) want = expected.length;
    if (byteSearch.indexAtOrAfter(offset) !== want) {
      expect({ offset, index: byteSearch.indexAtOrAfter(offset) }).toEqual({ offset, index: want });
    }
  }
}

/** A sparse file of zeros with a few matches: long enough to cancel, close or dispose mid-scan. */
function makeSparseFile(name: string, size: number): string {
  return temp.makeSparseFile(name, size, 'needle', 10);
}

// ---- Tests ----------------------------------------------------------------------------------

describe.each(['auto', 'sse2', 'scalar'] as const)('search against a naive scan, %s kernel', (kernel) => {
  beforeAll(() => nativeTesting.setSearchKernel(kernel));
  afterAll(() => nativeTesting.setSearchKernel('auto'));

  const allConfigurations: SearchOptions[] = [
    { threads: 1, chunkBytes: 1 },
    { threads: 2, chunkBytes: 7 },
    { threads: 2, chunkBytes: 13 },
    { threads: 1, chunkBytes: 4 * KiB + 3 },
    { threads: 2, chunkBytes: 64 * KiB - 1 },
    { threads: 2 },
  ];
  // Every configuration with the kernel this CPU picks; the others get a few.
  const configurations = kernel === 'auto' ? allConfigurations : allConfigurations.slice(1, 4);
  const kinds = ['literal', 'caseInsensitive', 'wholeWord', 'mask', 'all'] as const;
  const alphabets: Record<(typeof kinds)[number], readonly number[]> = {
    literal: codes('ab'),
    caseInsensitive: codes('aAbB'),
    wholeWord: codes('ab _-'),
    mask: [0x00, 0x80, 0xff, 0x61],
    all: codes('aAb_ 9'),
  };

  function randomPattern(random: SeededRandom, kind: (typeof kinds)[number], data: Uint8Array): SearchPattern {
    const length = random.int(10) === 0 ? 20 + random.int(80) : 1 + random.int(6);
    // Half the time a piece of the data, so long patterns match too.
    const start = random.int(Math.max(1, data.length - length));
    const bytes =
      random.int(2) === 0 ? data.slice(start, start + length) : randomBytes(random, length, alphabets[kind]);
    const caseInsensitive = kind === 'caseInsensitive' || (kind === 'all' && random.int(2) === 0);
    const wholeWord = kind === 'wholeWord' || (kind === 'all' && random.int(2) === 0);
    let mask: Uint8Array | undefined;
    if (kind === 'mask' || (kind === 'all' && random.int(2) === 0)) {
      mask = new Uint8Array(bytes.length);
      for (let i = 0; i < mask.length; i++) mask[i] = [0x00, 0xff, 0xff, 0xf0][random.int(4)]!;
      mask[random.int(mask.length)] = 0xff;
    }
    return { bytes, caseInsensitive, wholeWord, ...(mask === undefined ? {} : { mask }) };
  }

  for (const [n, options] of configurations.entries()) {
    for (const kind of kinds) {
      it(`${kind}, ${options.threads ?? 'default'} thread(s), ${options.chunkBytes ?? 'default'}-byte chunks: every match and lookup matches`, async () => {
        const seed = 100 + n * 10 + kinds.indexOf(kind);
        const random = seededRandom(seed);
        const size = options.chunkBytes === 1 ? 3 * KiB : 200 * KiB + random.int(1000);
        const data = randomBytes(random, size, alphabets[kind]);
        const file = open(makeFile(`random-${kind}.bin`, data));
        for (let round = 0; round < 6; round++) {
          const pattern = randomPattern(random, kind, data);
          const byteSearch = search(file, pattern, options);
          await settle(byteSearch);
          expect(byteSearch.patternLength).toBe(pattern.bytes.length);
          expectMatchesReference(byteSearch, data, pattern, seed + round);
        }
      });
    }
  }

  it('a log-like text: rare, common and case-insensitive literals, with 1 and 2 threads', async () => {
    const random = seededRandom(77);
    const words = ['ERROR', 'error', 'Error', 'warn', 'timeout=99', 'timeout=1', 'x', '=', '[a]'];
    let text = '';
    while (text.length < 300 * KiB) text += `${words[random.int(words.length)]}${random.int(5) === 0 ? '\n' : ' '}`;
    const data = new Uint8Array(Buffer.from(text, 'latin1'));
    const file = open(makeFile('log.txt', data));
    for (const threads of [1, 2]) {
      for (const pattern of [
        { bytes: Buffer.from('timeout=99') },
        { bytes: Buffer.from('ERROR') },
        { bytes: Buffer.from('error'), caseInsensitive: true },
        { bytes: Buffer.from('error'), caseInsensitive: true, wholeWord: true },
        { bytes: Buffer.from('=') },
      ]) {
        const byteSearch = search(file, pattern, { threads, chunkBytes: 16 * KiB + 1 });
        await settle(byteSearch);
        expectMatchesReference(byteSearch, data, pattern, threads);
      }
    }
  });
});

describe('edge cases', () => {
  it('overlapping occurrences count left to right without overlap: "aa" in "aaaaa" is 2', async () => {
    for (const chunkBytes of [1, 2, 3, 4, 5, 100]) {
      for (const threads of [1, 2]) {
        const byteSearch = await searched(Buffer.from('aaaaa'), { bytes: Buffer.from('aa') }, { threads, chunkBytes });
        expect(allMatches(byteSearch)).toEqual([0, 2]);
      }
    }
  });

  it('periodic data whose chunks start out of phase give the sequential answer', async () => {
    const data = Buffer.alloc(100_001, 'a');
    for (const [bytes, chunkBytes] of [
      ['aa', 3],
      ['aa', 4097],
      ['aaa', 1000],
      ['aba', 7],
    ] as const) {
      const periodic = bytes === 'aba' ? Buffer.from('ab'.repeat(50_000)) : data;
      const pattern = { bytes: Buffer.from(bytes) };
      const byteSearch = await searched(periodic, pattern, { threads: 2, chunkBytes });
      expectMatchesReference(byteSearch, periodic, pattern, 1);
    }
  });

  it('a match across a chunk border is found once, by the chunk it starts in', async () => {
    const data = Buffer.from('xxxxxxneedlexxxxxx');
    for (const chunkBytes of [1, 5, 7, 8, 9, 11, 12]) {
      const byteSearch = await searched(data, { bytes: Buffer.from('needle') }, { threads: 2, chunkBytes });
      expect(allMatches(byteSearch)).toEqual([6]);
    }
  });

  it('matches at offset 0 and at the very end of the file', async () => {
    const data = Buffer.from('needle and more text, then a needle');
    for (const chunkBytes of [1, 3, 64]) {
      const byteSearch = await searched(data, { bytes: Buffer.from('needle') }, { threads: 2, chunkBytes });
      expect(allMatches(byteSearch)).toEqual([0, data.length - 6]);
      const whole = await searched(data, { bytes: Buffer.from('needle'), wholeWord: true }, { chunkBytes });
      expect(allMatches(whole)).toEqual([0, data.length - 6]);
    }
    const oneByte = await searched(Buffer.from('z'), { bytes: Buffer.from('z') });
    expect(allMatches(oneByte)).toEqual([0]);
  });

  it('an empty file has 0 matches and is done at once', async () => {
    const byteSearch = await searched(new Uint8Array(0), { bytes: Buffer.from('a') });
    expect(byteSearch.progress()).toEqual({
      bytesScanned: 0,
      totalBytes: 0,
      matchesKnown: 0,
      resultBytes: 0,
      done: true,
      cancelled: false,
      error: null,
    });
    expect(byteSearch.results(0, 10).length).toBe(0);
    expect(byteSearch.indexAtOrAfter(0)).toBe(0);
  });

  it('a pattern longer than the file finds nothing', async () => {
    const byteSearch = await searched(Buffer.from('abc'), { bytes: Buffer.from('abcd') }, { chunkBytes: 1 });
    expect(byteSearch.progress().matchesKnown).toBe(0);
    expect(byteSearch.progress().done).toBe(true);
    const long = await searched(Buffer.from('abc'), { bytes: new Uint8Array(4096).fill(0x61) });
    expect(long.progress().matchesKnown).toBe(0);
  });

  it('a 4096-byte pattern is found', async () => {
    const random = seededRandom(9);
    const data = randomBytes(random, 50 * KiB, codes('abcdefgh'));
    const pattern = { bytes: data.slice(20_000, 20_000 + 4096) };
    const byteSearch = await searched(data, pattern, { threads: 2, chunkBytes: 1000 });
    expect(allMatches(byteSearch)).toEqual([20_000]);
  });

  it('a UTF-16LE query finds its text in a UTF-16LE file, case-insensitive for ASCII only', async () => {
    const text = '\ufeffHello wörld\nHELLO WÖRLD\nhello wörld, héllo\n';
    const data = Buffer.from(text, 'utf16le');
    for (const chunkBytes of [3, 7, 1000]) {
      const exact = await searched(data, { bytes: Buffer.from('wörld', 'utf16le') }, { threads: 2, chunkBytes });
      expect(allMatches(exact)).toEqual([text.indexOf('wörld') * 2, text.lastIndexOf('wörld') * 2]);
      const folded = await searched(
        data,
        { bytes: Buffer.from('HELLO WöRLD', 'utf16le'), caseInsensitive: true },
        { threads: 2, chunkBytes },
      );
      // Ö and ö are not ASCII, so the second line does not match.
      expect(allMatches(folded)).toEqual([2, text.lastIndexOf('hello') * 2]);
    }
  });

  it('bytes >= 0x80 (invalid UTF-8) compare exactly in pattern and data, also case-insensitive', async () => {
    const data = new Uint8Array([0xff, 0xc3, 0x28, 0x80, 0xc3, 0x28, 0xe0, 0xc3, 0x08, 0x41, 0xff, 0xfe, 0x61]);
    for (const caseInsensitive of [false, true]) {
      const pattern = { bytes: new Uint8Array([0xc3, 0x28]), caseInsensitive };
      const byteSearch = await searched(data, pattern, { chunkBytes: 2 });
      expect(allMatches(byteSearch)).toEqual([1, 4]);
    }
    // 0xE1 is not a letter: case folding must not map it to 0xC1.
    const folded = await searched(new Uint8Array([0xc1, 0xe1, 0x41, 0x61]), {
      bytes: new Uint8Array([0xe1]),
      caseInsensitive: true,
    });
    expect(allMatches(folded)).toEqual([1]);
    const letters = await searched(new Uint8Array([0xc1, 0xe1, 0x41, 0x61]), {
      bytes: new Uint8Array([0x61]),
      caseInsensitive: true,
    });
    expect(allMatches(letters)).toEqual([2, 3]);
  });

  it('hex wildcards: DE AD ?? EF', async () => {
    const data = new Uint8Array([0xde, 0xad, 0x00, 0xef, 0xde, 0xad, 0xbe, 0xef, 0xde, 0xad, 0xbe, 0xee]);
    const pattern = { bytes: new Uint8Array([0xde, 0xad, 0x00, 0xef]), mask: new Uint8Array([0xff, 0xff, 0x00, 0xff]) };
    const byteSearch = await searched(data, pattern, { threads: 2, chunkBytes: 3 });
    expect(allMatches(byteSearch)).toEqual([0, 4]);
    const leading = await searched(data, {
      bytes: new Uint8Array([0, 0xad]),
      mask: new Uint8Array([0x00, 0xff]),
    });
    expect(allMatches(leading)).toEqual([0, 4, 8]);
  });

  it('whole word: underscores and digits are word bytes, punctuation and the file ends are not', async () => {
    const data = Buffer.from('cat cat_ _cat 9cat cat9 (cat) cat');
    const byteSearch = await searched(data, { bytes: Buffer.from('cat'), wholeWord: true }, { chunkBytes: 2 });
    expect(allMatches(byteSearch)).toEqual([0, 25, 30]);
  });

  it('whole word: a rejected occurrence does not hide an overlapping accepted one', async () => {
    const pattern = { bytes: Buffer.from('aa'), wholeWord: true };
    for (const text of ['aaa aa', 'xaa aa', ' aa']) {
      const data = Buffer.from(text);
      const byteSearch = await searched(data, pattern, { chunkBytes: 1, threads: 2 });
      expect(allMatches(byteSearch)).toEqual(referenceMatches(data, pattern));
    }
  });
});

describe('progressive search', () => {
  for (const threads of [1, 2]) {
    it(`with ${threads} thread(s), progress grows monotonically and known results are final`, async () => {
      // A large sparse file with needles at random offsets: slow enough to watch it progress.
      const random = seededRandom(40 + threads);
      const size = 512 * MiB;
      const expected = new Set<number>();
      while (expected.size < 2000) expected.add(random.int(size / 8) * 8);
      const offsets = [...expected].sort((a, b) => a - b);
      const name = temp.pathFor('progressive.bin');
      const fd = fs.openSync(name, 'w');
      try {
        fs.ftruncateSync(fd, size);
        for (const offset of offsets) fs.writeSync(fd, Buffer.from('needle'), 0, 6, offset);
      } finally {
        fs.closeSync(fd);
      }
      const byteSearch = search(open(name), { bytes: Buffer.from('needle') }, { threads, chunkBytes: 256 * KiB + 1 });
      let previous = { bytesScanned: 0, matchesKnown: 0 };
      let partialStates = 0;
      for (;;) {
        const progress = byteSearch.progress();
        expect(progress.error).toBeNull();
        expect(progress.totalBytes).toBe(size);
        expect(progress.bytesScanned).toBeGreaterThanOrEqual(previous.bytesScanned);
        expect(progress.matchesKnown).toBeGreaterThanOrEqual(previous.matchesKnown);
        if (!progress.done) {
          partialStates++;
          // Known matches are exactly the final ones below bytesScanned.
          const known = Array.from(byteSearch.results(0, progress.matchesKnown));
          expect(known).toEqual(offsets.slice(0, progress.matchesKnown));
          if (progress.matchesKnown < offsets.length) {
            expect(offsets[progress.matchesKnown]!).toBeGreaterThanOrEqual(progress.bytesScanned);
          }
          if (progress.matchesKnown > 0) expect(known[known.length - 1]!).toBeLessThan(progress.bytesScanned);
          // Every match lies before the end: the index past them is matchesKnown at that moment.
          const pastAll = byteSearch.indexAtOrAfter(size);
          expect(pastAll).toBeGreaterThanOrEqual(progress.matchesKnown);
          expect(pastAll).toBeLessThanOrEqual(byteSearch.progress().matchesKnown);
        }
        previous = progress;
        if (progress.done) break;
        await new Promise((resolve) => setImmediate(resolve));
      }
      expect(partialStates).toBeGreaterThan(0);
      expect(Array.from(byteSearch.results(0, offsets.length + 1))).toEqual(offsets);
    });
  }

  it('a million matches are all kept, in order', async () => {
    const data = Buffer.alloc(2 * MiB, 'ab');
    const byteSearch = await searched(data, { bytes: Buffer.from('b') }, { threads: 2, chunkBytes: 100 * KiB });
    expect(byteSearch.progress().matchesKnown).toBe(MiB);
    const results = byteSearch.results(0, MiB);
    expect(results.length).toBe(MiB);
    for (let i = 0; i < MiB; i += 4099) expect(results[i]).toBe(2 * i + 1);
    expect(byteSearch.indexAtOrAfter(1001)).toBe(500);
  });

  describe('memory held by results', () => {
    const bytesPerMatch = (byteSearch: ByteSearch): number => {
      const { resultBytes, matchesKnown } = byteSearch.progress();
      return resultBytes / matchesKnown;
    };

    it('a million matches in one default chunk hold at most 8 (exactly 4) bytes each', async () => {
      const byteSearch = await searched(Buffer.alloc(2 * MiB, 'a\n'), { bytes: Buffer.from('a') });
      expect(byteSearch.progress().matchesKnown).toBe(MiB);
      expect(bytesPerMatch(byteSearch)).toBeLessThanOrEqual(8);
      expect(bytesPerMatch(byteSearch)).toBe(4);
    });

    it('a million matches over many re-scanned chunks (merge path) hold at most 8 (exactly 4) bytes each', async () => {
      // 'aa' in 'aaa...' with odd chunks: every other chunk starts out of phase and is re-scanned.
      const data = Buffer.alloc(2 * MiB + 1, 'a');
      const byteSearch = await searched(data, { bytes: Buffer.from('aa') }, { threads: 2, chunkBytes: 64 * KiB + 1 });
      expect(byteSearch.progress().matchesKnown).toBe(MiB);
      expect(bytesPerMatch(byteSearch)).toBeLessThanOrEqual(8);
      expect(bytesPerMatch(byteSearch)).toBe(4); // the re-scanned lists are trimmed too
      const results = byteSearch.results(0, MiB);
      for (let i = 0; i < MiB; i += 4099) expect(results[i]).toBe(2 * i);
    });
  });

  describe('releaseMemory', () => {
    const glibc = (process.report.getReport() as { header?: { glibcVersionRuntime?: string } }).header
      ?.glibcVersionRuntime;

    it('can be called at any time, with or without anything to release', async () => {
      releaseMemory();
      const byteSearch = await searched(Buffer.alloc(MiB, 'a\n'), { bytes: Buffer.from('a') });
      byteSearch.dispose();
      releaseMemory();
      releaseMemory();
    });

    it('with glibc, returns the freed results of a disposed search that a live one fragments', (context) => {
      if (glibc === undefined) context.skip('not glibc: releaseMemory is a no-op');
      // One arena, two searches storing chunks at the same time: the disposed search's chunks lie
      // between the live one's, so free() cannot give them back; malloc_trim(0) can.
      const file = temp.makeFile('fragmented.txt', Buffer.alloc(16 * MiB, 'a\n'));
      const child = runChildNode(
        `const rss = () => Number(/VmRSS:\\s+(\\d+)/.exec(require('node:fs').readFileSync('/proc/self/status', 'utf8'))[1]) * 1024;
         const file = native.MappedFile.open(process.env.FILE, 'readonly');
         const closed = native.ByteSearch.create(file, Buffer.from('a'), null, false, false, 1, 4096);
         const kept = native.ByteSearch.create(file, Buffer.from('\\n'), null, false, false, 1, 4096);
         const pause = new Int32Array(new SharedArrayBuffer(4));
         while (!closed.progress().done || !kept.progress().done) Atomics.wait(pause, 0, 0, 2);
         const held = closed.progress().resultBytes;
         closed.dispose();
         const disposed = rss();
         const released = native.releaseMemory();
         console.log(JSON.stringify({ held, released, returned: disposed - rss(), kept: kept.progress().matchesKnown }));`,
        { cwd: temp.path, env: { FILE: file, MALLOC_ARENA_MAX: '1' }, timeoutMs: 60_000 },
      );
      expect(child.status, String(child.stderr)).toBe(0);
      const report = JSON.parse(String(child.stdout)) as {
        held: number;
        released: boolean;
        returned: number;
        kept: number;
      };
      expect(report.held).toBe(4 * 8 * MiB);
      expect(report.kept).toBe(8 * MiB);
      expect(report.released).toBe(true);
      // RSS moves with whatever else the process does: ask for a clear part of it (without the trim,
      // next to nothing comes back).
      expect(report.returned).toBeGreaterThan(report.held / 4);
    });
  });

  it('results rejects a count above the per-call limit with ERANGE', async () => {
    const byteSearch = await searched(Buffer.from('abc'), { bytes: Buffer.from('b') });
    expectNativeError(() => byteSearch.results(0, 2 ** 24 + 1), 'ERANGE');
    expect(Array.from(byteSearch.results(0, 2 ** 24))).toEqual([1]);
    expect(byteSearch.results(5, 10).length).toBe(0);
  });
});

describe('cancel, dispose and close', () => {
  it('cancel mid-search stops the workers promptly; the known prefix stays readable', async () => {
    const file = open(makeSparseFile('sparse-cancel.bin', 1024 * MiB));
    const byteSearch = search(file, { bytes: Buffer.from('needle') }, { threads: 2, chunkBytes: 64 * KiB });
    await tick();
    const started = Date.now();
    byteSearch.cancel();
    while (nativeTesting.searchWorkerThreads() > 0 && Date.now() - started < 10_000) await tick();
    expect(nativeTesting.searchWorkerThreads()).toBe(0);
    expect(Date.now() - started).toBeLessThan(2000);
    const progress = byteSearch.progress();
    expect(progress.cancelled).toBe(true);
    expect(progress.done).toBe(false);
    expect(progress.bytesScanned).toBeLessThan(progress.totalBytes);
    expect(Array.from(byteSearch.results(0, 10))).toEqual(progress.matchesKnown > 0 ? [10] : []);
    const disposeStarted = Date.now();
    byteSearch.dispose();
    expect(Date.now() - disposeStarted).toBeLessThan(1000);
  });

  it('dispose while scanning joins the threads; every later call fails with ECLOSED; dispose is idempotent', () => {
    const file = open(makeSparseFile('sparse-dispose.bin', 1024 * MiB));
    const byteSearch = createSearch(file, { bytes: Buffer.from('needle') }, { threads: 2, chunkBytes: 64 * KiB });
    const started = Date.now();
    byteSearch.dispose();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(nativeTesting.searchWorkerThreads()).toBe(0);
    byteSearch.dispose();
    expect(byteSearch.patternLength).toBe(6);
    const calls: Array<() => unknown> = [
      () => byteSearch.progress(),
      () => byteSearch.results(0, 1),
      () => byteSearch.indexAtOrAfter(0),
      () => byteSearch.cancel(),
    ];
    for (const call of calls) expectNativeError(call, 'ECLOSED');
  });

  it('closing the MappedFile while searching is safe: the search keeps its own mapping', async () => {
    const random = seededRandom(31);
    const data = randomBytes(random, 4 * MiB, codes('ab\n'));
    const pattern = { bytes: Buffer.from('aba') };
    const file = openMapped(makeFile('close-while-searching.txt', data), 'readonly');
    const byteSearch = search(file, pattern, { threads: 2, chunkBytes: 16 * KiB });
    file.close();
    expect(file.closed).toBe(true);
    await settle(byteSearch);
    expectMatchesReference(byteSearch, data, pattern, 31);
  });

  it('a search on a closed MappedFile fails with ECLOSED', () => {
    const file = openMapped(makeFile('closed-before.txt', 'a\n'), 'readonly');
    file.close();
    expectNativeError(() => createSearch(file, { bytes: Buffer.from('a') }), 'ECLOSED');
  });

  it('a search JS drops without dispose() joins its threads and releases the mapping when collected', () => {
    const file = makeSparseFile('sparse-gc.bin', 1024 * MiB);
    expectDroppedScansReleased(
      temp.path,
      file,
      'native.ByteSearch.create(file, new Uint8Array([0x6e, 0x65]), null, false, false, 1, 65536)',
      'native.__searchWorkerThreads()',
    );
  });
});

describe('truncation', () => {
  it('a file truncated behind its mapping before searching: EFILECHANGED and the process lives', async () => {
    const name = makeFile('truncated-before.txt', Buffer.alloc(2 * MiB, 'abc'));
    const file = open(name);
    fs.truncateSync(name, 0);
    const byteSearch = search(file, { bytes: Buffer.from('ca') }, { threads: 2, chunkBytes: 64 * KiB });
    await settle(byteSearch);
    const progress = byteSearch.progress();
    expect(progress.error?.code).toBe('EFILECHANGED');
    expect(progress.error?.message).toContain(name);
    expect(progress.done).toBe(false);
  });

  it('a file truncated while searching: no crash; EFILECHANGED or a completed search', async () => {
    const name = makeFile('truncated-during.txt', Buffer.alloc(16 * MiB, 'abcd'));
    const byteSearch = search(open(name), { bytes: Buffer.from('da') }, { threads: 2, chunkBytes: 16 * KiB });
    fs.truncateSync(name, MiB + 5);
    await settle(byteSearch);
    const progress = byteSearch.progress();
    if (progress.error !== null) {
      expect(progress.error.code).toBe('EFILECHANGED');
      expect(progress.done).toBe(false);
    } else {
      expect(progress.done).toBe(true);
      expect(progress.matchesKnown).toBe(4 * MiB - 1);
    }
  });

  it('a file truncated within its last page after mapping: the final check reports EFILECHANGED', async () => {
    const name = makeFile('truncated-last-page.txt', Buffer.alloc(10_000, 'ab'));
    const file = open(name);
    fs.truncateSync(name, 9_000); // same page: reads as zeros instead of faulting
    const byteSearch = search(file, { bytes: Buffer.from('ab') });
    await settle(byteSearch);
    expect(byteSearch.progress().error?.code).toBe('EFILECHANGED');
  });
});

describe('arguments', () => {
  it('createSearch rejects a bad file, pattern or options with EINVAL', () => {
    const file = open(makeFile('args.txt', 'abc\n'));
    const a = Buffer.from('a');
    expectNativeError(() => createSearch({} as MappedFile, { bytes: a }), 'EINVAL');
    const badPatterns: unknown[] = [
      null,
      'a',
      {},
      { bytes: 'a' },
      { bytes: [0x61] },
      { bytes: new Uint8Array(0) },
      { bytes: new Uint8Array(4097) },
      { bytes: a, mask: new Uint8Array(2).fill(0xff) },
      { bytes: Buffer.from('ab'), mask: new Uint8Array(2) },
      { bytes: a, mask: [0xff] },
      { bytes: a, caseInsensitive: 1 },
      { bytes: a, wholeWord: 'yes' },
    ];
    for (const pattern of badPatterns) {
      expectNativeError(() => createSearch(file, pattern as SearchPattern), 'EINVAL');
    }
    for (const threads of [0, -1, 1.5, 65, Number.NaN, '2']) {
      expectNativeError(() => createSearch(file, { bytes: a }, { threads: threads as number }), 'EINVAL');
    }
    for (const chunkBytes of [0, 2 ** 30 + 1, -2, 1.5]) {
      expectNativeError(() => createSearch(file, { bytes: a }, { chunkBytes }), 'EINVAL');
    }
    expectNativeError(() => createSearch(file, { bytes: a }, null as unknown as SearchOptions), 'EINVAL');
  });

  it('results and indexAtOrAfter reject values that are not non-negative safe integers with EINVAL', async () => {
    const byteSearch = await searched(Buffer.from('abc'), { bytes: Buffer.from('b') });
    for (const bad of [-1, 0.5, Number.NaN, 2 ** 53, '1', null]) {
      const value = bad as number;
      expectNativeError(() => byteSearch.results(value, 1), 'EINVAL');
      expectNativeError(() => byteSearch.results(0, value), 'EINVAL');
      expectNativeError(() => byteSearch.indexAtOrAfter(value), 'EINVAL');
    }
  });

  it('the raw binding checks its arguments too', () => {
    const child = runChildNode(
      `const results = [];
         const attempt = (f) => { try { f(); results.push('no error'); }
           catch (e) { results.push(e.code); } };
         const file = native.MappedFile.open(process.env.FILE, 'readonly');
         const a = new Uint8Array([0x61]);
         attempt(() => native.ByteSearch.create({}, a, null, false, false, 0, 0));
         attempt(() => native.ByteSearch.create(file, 'a', null, false, false, 0, 0));
         attempt(() => native.ByteSearch.create(file, new Uint8Array(0), null, false, false, 0, 0));
         attempt(() => native.ByteSearch.create(file, new Uint8Array(4097), null, false, false, 0, 0));
         attempt(() => native.ByteSearch.create(file, a, new Uint8Array(2), false, false, 0, 0));
         attempt(() => native.ByteSearch.create(file, a, new Uint8Array(1), false, false, 0, 0));
         attempt(() => native.ByteSearch.create(file, a, null, 1, false, 0, 0));
         attempt(() => native.ByteSearch.create(file, a, null, false, false, 65, 0));
         attempt(() => native.ByteSearch.create(file, a, null, false, false, 0, 2 ** 31));
         const search = native.ByteSearch.create(file, a, null, false, false, 0, 0);
         attempt(() => search.results(-1, 1));
         attempt(() => search.indexAtOrAfter(0.5));
         search.dispose();
         console.log(JSON.stringify(results));`,
      { cwd: temp.path, env: { FILE: makeFile('raw-args.txt', 'raw\n') } },
    );
    expect(child.status, String(child.stderr)).toBe(0);
    expect(JSON.parse(String(child.stdout))).toEqual(Array(11).fill('EINVAL'));
  });
});
