// Reading through the addon versus fs.readSync on the same file in the same run.
import { closeSync, openSync, readSync } from 'node:fs';
import { openMapped } from '../native/index';
import { seededRandom } from '../src/shared/seededRandom';
import { nowMs, percentile, report } from './report';

const CHUNK = 1 << 20;

function sequentialMs(read: (offset: number, target: Uint8Array) => number, size: number): number {
  const target = new Uint8Array(CHUNK);
  const start = nowMs();
  for (let offset = 0; offset < size; offset += CHUNK) read(offset, target);
  return nowMs() - start;
}

function randomLatencies(read: (offset: number, target: Uint8Array) => number, size: number, count: number): number[] {
  const random = seededRandom(42);
  const target = new Uint8Array(4096);
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const offset = random.int(Math.max(1, size - 4096));
    const start = nowMs();
    read(offset, target);
    times.push((nowMs() - start) * 1000);
  }
  return times.sort((a, b) => a - b);
}

export function benchRead(path: string, size: number): void {
  const mapped = openMapped(path, 'readonly');
  const fd = openSync(path, 'r');
  try {
    const viaAddon = (offset: number, target: Uint8Array): number => mapped.readInto(offset, target);
    const viaFs = (offset: number, target: Uint8Array): number => readSync(fd, target, 0, target.byteLength, offset);
    sequentialMs(viaFs, size); // warm the page cache
    const best = (read: typeof viaAddon): number => Math.min(...[0, 1, 2].map(() => sequentialMs(read, size)));
    const addonMs = best(viaAddon);
    const fsMs = best(viaFs);
    const mbps = (ms: number): number => size / (1 << 20) / (ms / 1000);
    report({
      metric: 'read.sequential.throughput',
      value: mbps(addonMs),
      unit: 'MiB/s',
      peer: 'fs.readSync',
      peerValue: mbps(fsMs),
      better: 'higher',
    });
    const addonTimes = randomLatencies(viaAddon, size, 20_000);
    const fsTimes = randomLatencies(viaFs, size, 20_000);
    for (const [name, fraction] of [
      ['median', 0.5],
      ['p99', 0.99],
    ] as const) {
      report({
        metric: `read.random4k.latency.${name}`,
        value: percentile(addonTimes, fraction),
        unit: 'us',
        peer: 'fs.readSync',
        peerValue: percentile(fsTimes, fraction),
        better: 'lower',
      });
    }
  } finally {
    closeSync(fd);
    mapped.close();
  }
}
