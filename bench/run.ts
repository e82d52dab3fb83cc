// `npm run bench [-- --file PATH] [--size-mib N] [--skip NAME,...]`: one JSON object per metric line.
// Groups: read, index, services, find, filter, time, commit, hash, binary, scroll, records, compare (two 4 GiB files; HEXLOG_BENCH_COMPARE_MIB for another size) (big: the 8x copy for first lines and first screen;
// time and scroll merge the log with a second one of another seed). Peers (wc, grep, rg) run on the same files in the same run.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateLog } from './generate';
import { benchBinary } from './binary';
import { benchCommit } from './commit';
import { benchCompare } from './compare';
import { benchFilter } from './filter';
import { benchFind, benchMatchMemory } from './find';
import { benchLineIndex } from './lineIndex';
import { benchRead } from './read';
import { benchMergeScroll, benchScroll, generateManyLines } from './scroll';
import { benchFirstScreen, benchServices } from './services';
import { benchRecords, generateIdDoubleRecords } from './records';
import { benchTime } from './time';
import { benchHash } from './hash';

interface Options {
  file?: string;
  sizeMiB: number;
  skip: Set<string>;
}

function parseArgs(argv: readonly string[]): Options {
  const options: Options = { sizeMiB: 1024, skip: new Set() };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--file') options.file = argv[++i];
    else if (argv[i] === '--size-mib') options.sizeMiB = Number(argv[++i]);
    else if (argv[i] === '--skip') for (const name of (argv[++i] ?? '').split(',')) options.skip.add(name);
    else
      throw new Error(
        `unknown argument ${argv[i]}; usage: npm run bench -- [--file PATH] [--size-mib N] [--skip read,index,big,services,find,filter,time,commit,hash,binary,scroll,records,compare]`,
      );
  }
  if (!Number.isInteger(options.sizeMiB) || options.sizeMiB <= 0)
    throw new Error('--size-mib takes a positive integer');
  return options;
}

/** An 8× larger file made of copies of `path`, for time-to-first-lines on a big file. */
function bigCopy(path: string, dir: string, times: number): string {
  const big = join(dir, `big-${times}x-${statSync(path).size}.log`);
  if (!existsSync(big) || statSync(big).size !== statSync(path).size * times) {
    execFileSync('sh', ['-c', `for i in $(seq ${times}); do cat "$1"; done > "$2"`, 'sh', path, big]);
  }
  return big;
}

/**
 * The other log of the merge metrics: the generated log again with another seed, the same size, so
 * that the two logs' times interleave line by line; with --file, a second copy of that file.
 */
function secondLog(options: Options, dir: string, path: string): string {
  if (options.file !== undefined) return path;
  const second = join(dir, `log-${options.sizeMiB}m-seed2.log`);
  if (!existsSync(second))
    process.stderr.write(`bench: generating a second ${options.sizeMiB} MiB log (once) for the merge\n`);
  return generateLog(second, options.sizeMiB << 20, 2);
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const dir = join(tmpdir(), 'hexlog-bench');
  mkdirSync(dir, { recursive: true });
  let path = options.file;
  if (path === undefined) {
    process.stderr.write(`bench: generating a ${options.sizeMiB} MiB log (once) in ${dir}\n`);
    path = generateLog(join(dir, `log-${options.sizeMiB}m.log`), options.sizeMiB << 20);
  }
  const size = statSync(path).size;
  process.stderr.write(`bench: ${path} (${size} bytes)\n`);
  if (!options.skip.has('read')) benchRead(path, size);
  const big = options.skip.has('big') ? undefined : bigCopy(path, dir, 8);
  if (!options.skip.has('index')) await benchLineIndex(path, size, big);
  if (!options.skip.has('services')) {
    await benchServices(path, size);
    if (big !== undefined) await benchFirstScreen(big, statSync(big).size);
  }
  if (!options.skip.has('find')) await benchFind(path);
  if (!options.skip.has('find')) await benchMatchMemory(dir);
  if (!options.skip.has('filter')) await benchFilter(path);
  if (!options.skip.has('time')) await benchTime(path, secondLog(options, dir, path));
  if (!options.skip.has('commit')) await benchCommit(dir);
  if (!options.skip.has('hash')) await benchHash(dir);
  if (!options.skip.has('binary')) await benchBinary(dir, options.sizeMiB);
  if (!options.skip.has('scroll')) {
    await benchScroll(generateManyLines(join(dir, 'lines-10m.log'), 10_000_000));
    await benchMergeScroll(path, secondLog(options, dir, path));
  }
  if (!options.skip.has('records'))
    await benchRecords(generateIdDoubleRecords(join(dir, 'records-10m.bin'), 10_000_000));
  if (!options.skip.has('compare')) await benchCompare(dir);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
