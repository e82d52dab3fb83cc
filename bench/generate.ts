// Deterministic bench files: the same seed and size give the same bytes on every machine.
import { closeSync, existsSync, openSync, statSync, writeSync } from 'node:fs';
import { seededRandom } from '../src/shared/seededRandom';

const levels = ['INFO', 'INFO', 'INFO', 'INFO', 'DEBUG', 'DEBUG', 'WARN', 'ERROR'];
const words = ['request', 'session', 'cache', 'worker', 'upload', 'index', 'query', 'commit', 'retry', 'timeout'];

/** Writes a log-like text file of exactly `bytes` bytes (lines of 40-200 chars), unless it exists. */
export function generateLog(path: string, bytes: number, seed = 1): string {
  if (existsSync(path) && statSync(path).size === bytes) return path;
  const random = seededRandom(seed);
  const fd = openSync(path, 'w');
  const chunk = Buffer.alloc(4 << 20);
  let written = 0;
  let used = 0;
  let clock = Date.UTC(2026, 0, 1);
  try {
    while (written < bytes) {
      clock += random.int(50);
      let line = `${new Date(clock).toISOString()} ${levels[random.int(levels.length)]} [worker-${random.int(16)}]`;
      const target = 40 + random.int(160);
      while (line.length < target) line += ` ${words[random.int(words.length)]}=${random.int(100000)}`;
      line += '\n';
      if (used + line.length > chunk.length) {
        const take = Math.min(used, bytes - written);
        writeSync(fd, chunk, 0, take);
        written += take;
        used = 0;
      }
      used += chunk.write(line, used, 'latin1');
      if (written + used >= bytes) {
        writeSync(fd, chunk, 0, bytes - written);
        written = bytes;
      }
    }
  } finally {
    closeSync(fd);
  }
  return path;
}
