// Runs peer tools (wc, grep, rg) on the same file in the same run; a missing peer is reported, not fatal.
import { spawnSync } from 'node:child_process';
import { nowMs } from './report';

export interface PeerRun {
  readonly ms: number;
  readonly stdout: string;
}

/** Best of `runs` wall-clock times, or undefined when the tool is not installed. */
export function timePeer(command: string, args: readonly string[], runs = 3): PeerRun | undefined {
  let best: PeerRun | undefined;
  for (let i = 0; i < runs; i++) {
    const start = nowMs();
    const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 1 << 30 });
    const ms = nowMs() - start;
    if (result.error !== undefined) {
      process.stderr.write(`bench: peer ${command} is not available (${result.error.message})\n`);
      return undefined;
    }
    if (best === undefined || ms < best.ms) best = { ms, stdout: result.stdout };
  }
  return best;
}
