// Byte map and strings over a binary-ish file, against peers in the same run: the byte map against
// a real read of the file by `wc -c` (through a pipe: `cat FILE | wc -c`, since `wc -c FILE` on a
// regular file only stats it), strings against GNU `strings -n 6` (output to /dev/null).
import { closeSync, existsSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { createByteMap, createStringsScan, openMapped, type StringEncoding } from '../native/index';
import { seededRandom } from '../src/shared/seededRandom';
import { timePeer } from './peers';
import { nowMs, report } from './report';

const BLOCK = 1 << 20;

/**
 * A file like a firmware image or a package: 1 MiB blocks, picked with a seed, of zeros, random
 * bytes, text, and pieces of a system binary (which hold strings, ASCII and UTF-16LE).
 */
export function generateBinary(path: string, bytes: number): string {
  if (existsSync(path) && statSync(path).size === bytes) return path;
  const random = seededRandom(5);
  const pool = 8 * BLOCK;
  const noise = random.bytes(pool);
  const textLine = new TextEncoder().encode('2024-05-01 12:00:00 INFO request handled in 12 ms path=/api/v1/items\n');
  const text = new Uint8Array(pool).map((_, i) => textLine[i % textLine.length]!);
  const system = ['/usr/bin/bash', process.execPath].find((p) => existsSync(p));
  const code = system === undefined ? noise : readFileSync(system).subarray(0, pool);
  const zeros = new Uint8Array(BLOCK);
  const fd = openSync(path, 'w');
  try {
    for (let at = 0; at < bytes; at += BLOCK) {
      const kind = random.int(4);
      const source = kind === 0 ? null : kind === 1 ? noise : kind === 2 ? text : code;
      const length = Math.min(BLOCK, bytes - at);
      if (source === null) writeSync(fd, zeros, 0, length);
      else {
        const from = random.int(Math.max(1, source.length - length));
        writeSync(fd, source.subarray(from, from + length));
      }
    }
  } finally {
    closeSync(fd);
  }
  return path;
}

async function settle(scan: { progress(): { done: boolean; error: unknown; cancelled: boolean } }): Promise<void> {
  for (;;) {
    const progress = scan.progress();
    if (progress.done || progress.error !== null || progress.cancelled) return;
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

async function bestOf(runs: number, run: () => Promise<void>): Promise<number> {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < runs; i++) {
    const start = nowMs();
    await run();
    best = Math.min(best, nowMs() - start);
  }
  return best;
}

export async function benchBinary(dir: string, sizeMiB: number): Promise<void> {
  const path = generateBinary(join(dir, `binary-${sizeMiB}m.bin`), sizeMiB << 20);
  const size = statSync(path).size;
  const file = openMapped(path, 'readonly');
  try {
    timePeer('sh', ['-c', 'cat "$1" > /dev/null', 'sh', path], 1); // warm the page cache
    const mapMs = await bestOf(3, async () => {
      const map = createByteMap(file, 0, size);
      await settle(map);
      map.dispose();
    });
    const wc = timePeer('sh', ['-c', 'cat "$1" | wc -c', 'sh', path]);
    report({
      metric: 'binary.byteMap.time',
      value: mapMs,
      unit: 'ms',
      peer: 'cat FILE | wc -c',
      peerValue: wc?.ms,
      better: 'lower',
      agrees: wc === undefined ? undefined : Number(wc.stdout.trim()) === size,
      note: `${size} bytes, 4096 regions; target <= 2x`,
    });

    const stringsMs = async (encodings: StringEncoding[]): Promise<{ ms: number; count: number }> => {
      let count = 0;
      const ms = await bestOf(3, async () => {
        const scan = createStringsScan(file, 6, encodings, { maxResults: 2 ** 30 });
        await settle(scan);
        count = scan.progress().stringsKnown;
        scan.dispose();
      });
      return { ms, count };
    };
    const ascii = await stringsMs(['ascii']);
    const gnu = timePeer('sh', ['-c', 'strings -a -n 6 "$1" > /dev/null', 'sh', path]);
    const gnuCount = timePeer('sh', ['-c', 'strings -a -n 6 "$1" | wc -l', 'sh', path], 1);
    report({
      metric: 'binary.strings.ascii.time',
      value: ascii.ms,
      unit: 'ms',
      peer: 'strings -a -n 6',
      peerValue: gnu?.ms,
      better: 'lower',
      agrees: gnuCount === undefined ? undefined : Number(gnuCount.stdout.trim()) === ascii.count,
      note: `${ascii.count} strings; target <= 1.0x`,
    });
    const both = await stringsMs(['ascii', 'utf-16le']);
    const gnuWide = timePeer('sh', [
      '-c',
      'strings -a -n 6 "$1" > /dev/null; strings -a -n 6 -e l "$1" > /dev/null',
      'sh',
      path,
    ]);
    report({
      metric: 'binary.strings.asciiAndUtf16le.time',
      value: both.ms,
      unit: 'ms',
      peer: 'strings -a -n 6; strings -a -n 6 -e l',
      peerValue: gnuWide?.ms,
      better: 'lower',
      note: `${both.count} strings in one pass against two runs of strings`,
    });
  } finally {
    file.close();
  }
}
