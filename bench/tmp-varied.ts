import { execFileSync } from 'node:child_process';
import { benchServices } from './find';
import type { FileInfo, FindStatus } from '../src/shared/contract';
const path = process.argv[2] ?? '/tmp/hexlog-bench/log-1024m.log';
const patterns: [string, boolean][] = [
  ['\\w+', true],
  ['\\d+', true],
  ['[A-Z]+', true],
  ['worker-\\d+', true],
  ['(upload|retry)=\\d+', true],
  ['^\\S+', true],
  ['\\bERROR\\b', true],
  ['timeout=\\d{4}\\b', true],
  ['error|warn', false],
  ['session=4\\d*7\\b', true],
  ['\\d{4}-\\d{2}-\\d{2}T', true],
  ['[aeiou]{3}', true],
  ['(?i)x', true],
  ['q.*y', true],
];
async function main() {
  const { services, call } = benchServices();
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const info = await call<FileInfo>('openOffered', services.offers.offer(path).offerId);
  await call('openText', info.session, 'utf-8');
  while (!(await call<{ done: boolean }>('indexStatus', info.session)).done) await sleep(5);
  for (const [pattern, matchCase] of patterns) {
    if (pattern.startsWith('(?i)')) continue;
    let best = Infinity;
    let status: FindStatus | null = null;
    for (let i = 0; i < 2; i++) {
      const t0 = performance.now();
      await call('startFind', info.session, { mode: 'regex', pattern, matchCase, wholeWord: false });
      for (;;) {
        status = (await call<FindStatus>('findStatus', info.session))!;
        if (status.done || status.error) break;
        await sleep(1);
      }
      best = Math.min(best, performance.now() - t0);
    }
    const flags = matchCase ? [] : ['-i'];
    const t1 = performance.now();
    execFileSync('rg', ['-c', ...flags, '-e', pattern, path]);
    const rg = performance.now() - t1;
    console.log(
      `${pattern.padEnd(22)} ours ${best.toFixed(0).padStart(6)} ms  rg -c ${rg.toFixed(0).padStart(6)} ms  ratio ${(best / rg).toFixed(2)}  ${status!.matchCount} matches ${status!.engine}${status!.error ? ' ' + status!.error.code : ''}`,
    );
  }
  services.dispose();
}
void main();
