// Filtered-view metrics: the addon's LineFilter against shell pipelines of rg and grep on the same
// file in the same run, the kept-line count checked against theirs, and memory per kept line.
import {
  createLineFilter,
  jsRegexToPcre2,
  type LineFilter,
  type LineRule,
  type MappedFile,
  openMapped,
  pcre2Version,
} from '../native/index';
import { planSearch } from '../src/main/services/find/query';
import { lineRuleOf } from '../src/main/services/find/matchingLines';
import { type PeerRun, timePeer } from './peers';
import { nowMs, report } from './report';

const INCLUDE = 'ERROR';
/**
 * The generated log has no `db.pool` (its words are fixed, and adding one would change every
 * file and every find count), so the exclude rule drops one worker: 1/16 of the lines.
 */
const EXCLUDE = '[worker-3]';
const REGEX = 'ERROR|FATAL';

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

interface FilterRun {
  readonly ms: number;
  readonly kept: number;
  readonly resultBytes: number;
}

/** Time from createLineFilter (linesOnly, as the filtered view) until done, best of 3, over one mapping (page cache warm). */
async function filterRun(file: MappedFile, rules: readonly LineRule[]): Promise<FilterRun> {
  let best: FilterRun | undefined;
  for (let run = 0; run < 3; run++) {
    const start = nowMs();
    // As the filtered view runs it: line numbers only (rows are read through the line index).
    const filter = createLineFilter(file, rules, { linesOnly: true });
    try {
      const progress = await settle(filter);
      const ms = nowMs() - start;
      if (best === undefined || ms < best.ms)
        best = { ms, kept: progress.keptKnown, resultBytes: progress.resultBytes };
    } finally {
      filter.dispose();
    }
  }
  return best!;
}

async function settle(filter: LineFilter): Promise<ReturnType<LineFilter['progress']>> {
  for (;;) {
    const progress = filter.progress();
    if (progress.error !== null) throw new Error(`${progress.error.code}: ${progress.error.message}`);
    if (progress.done) return progress;
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

/** A shell pipeline ending in `wc -l`, warmed once then best of 3; sh runs even without its tools. */
function timePipeline(script: string, args: readonly string[]): (PeerRun & { count: number }) | undefined {
  timePeer('sh', ['-c', script, 'sh', ...args], 1);
  const run = timePeer('sh', ['-c', script, 'sh', ...args]);
  if (run === undefined) return undefined;
  const count = Number(run.stdout.trim());
  return Number.isInteger(count) ? { ...run, count } : undefined;
}

/** Whether `tool` runs here; a missing peer is reported, not fatal. */
function available(tool: string): boolean {
  return timePeer(tool, ['--version'], 1) !== undefined;
}

/** One metric per peer: seconds against the peer's, and whether the kept count equals its count. */
function reportAgainst(
  metric: string,
  ours: FilterRun,
  peer: string,
  run: (PeerRun & { count: number }) | undefined,
  note: string,
): void {
  const agrees = run === undefined ? undefined : run.count === ours.kept;
  if (agrees === false) {
    process.stderr.write(`bench: ${metric}: COUNT MISMATCH: kept ${ours.kept} lines, ${peer} counts ${run!.count}\n`);
  }
  report({
    metric,
    value: ours.ms / 1000,
    unit: 's',
    ...(run ? { peer, peerValue: run.ms / 1000, agrees } : {}),
    better: 'lower',
    note:
      run === undefined
        ? `${ours.kept} lines kept; ${peer} not available: count not checked; ${note}`
        : `${ours.kept} lines kept, ${peer} counts ${run.count}; ${note}`,
  });
}

export async function benchFilter(path: string): Promise<void> {
  const hasRg = available('rg');
  const hasGrep = available('grep');
  const file = openMapped(path, 'readonly');
  try {
    const rules: LineRule[] = [
      { kind: 'bytes', exclude: false, pattern: { bytes: utf8(INCLUDE) } },
      { kind: 'bytes', exclude: true, pattern: { bytes: utf8(EXCLUDE) } },
    ];
    const rg = hasRg
      ? timePipeline('rg -F -e "$1" "$3" | rg -v -F -e "$2" | wc -l', [INCLUDE, EXCLUDE, path])
      : undefined;
    const grep = hasGrep
      ? timePipeline('grep -F -e "$1" "$3" | grep -v -F -e "$2" | wc -l', [INCLUDE, EXCLUDE, path])
      : undefined;
    const ours = await filterRun(file, rules);
    const ruleText = `include ${INCLUDE}, exclude ${EXCLUDE}`;
    reportAgainst('filter.include_exclude.time', ours, 'rg | rg -v | wc -l', rg, `${ruleText}; target ratio ≤ 1.0`);
    reportAgainst('filter.include_exclude.time.vs_grep', ours, 'grep | grep -v | wc -l', grep, ruleText);
    report({
      metric: 'filter.memory.per_line',
      value: ours.resultBytes / Math.max(1, ours.kept),
      unit: 'bytes/line',
      better: 'lower',
      note: `${ours.kept} kept lines hold ${(ours.resultBytes / 2 ** 20).toFixed(1)} MiB (target ≤ 4 bytes/line)`,
    });

    const pcre2 = pcre2Version() === null ? null : jsRegexToPcre2(REGEX, true);
    if (pcre2 === null) {
      process.stderr.write(`bench: filter.regex skipped: the addon was built without PCRE2\n`);
      return;
    }
    // As the filtered view builds it (the find planner: a regex of literals runs on the literal set).
    const plan = planSearch({ mode: 'regex', pattern: REGEX, matchCase: true, wholeWord: false }, 'utf-8');
    const appRule = plan.ok ? lineRuleOf(plan.value, 'utf-8') : null;
    const regexRules: LineRule[] = [
      appRule ??
        ({
          kind: 'regex',
          exclude: false,
          pattern: { bytes: utf8(pcre2.source), utf: true, lineMode: pcre2.lineMode },
        } as const),
    ];
    const rgRegex = hasRg ? timePipeline('rg -e "$1" "$2" | wc -l', [REGEX, path]) : undefined;
    const regex = await filterRun(file, regexRules);
    reportAgainst('filter.regex.time', regex, 'rg -e | wc -l', rgRegex, `include /${REGEX}/ (PCRE2 ${pcre2Version()})`);
  } finally {
    file.close();
  }
}
