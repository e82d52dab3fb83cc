// Runs @doyensec/electronegativity over the app's sources (src/ without tests, and package.json) and
// fails on any finding that docs/security.md does not accept, or on an accepted one that is gone.
// Offline: the check of Electron's release list (it downloads it) is left out; the version is ours.
// Usage: tsx scripts/electronegativity.ts [--root DIR]   (`npm run lint:electron`)
import { cpSync, copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative, resolve, sep } from 'node:path';

export interface Finding {
  readonly check: string;
  readonly file: string;
  readonly line: number;
  readonly message: string;
}

export interface AcceptedFinding {
  readonly check: string;
  readonly file: string;
  readonly reason: string;
}

export interface ScanReport {
  readonly findings: readonly Finding[];
  readonly accepted: readonly AcceptedFinding[];
  /** Findings no accepted entry covers: the scan fails. */
  readonly unexpected: readonly Finding[];
  /** Accepted entries no finding matches any more: the list is out of date, the scan fails. */
  readonly stale: readonly AcceptedFinding[];
  readonly fileCount: number;
}

/** The checks left out, with why (also in docs/security.md). */
const excludedChecks = [
  // Downloads Electron's release list from GitHub; the Electron version is kept current by hand.
  'AvailableSecurityFixesGlobalCheck',
];

const acceptedStart = '<!-- electronegativity-accepted -->';
const acceptedEnd = '<!-- /electronegativity-accepted -->';

/** The accepted findings: the table between the markers in docs/security.md (check, file, reason). */
export function acceptedFindings(securityDoc: string): AcceptedFinding[] {
  const start = securityDoc.indexOf(acceptedStart);
  const end = securityDoc.indexOf(acceptedEnd);
  if (start < 0 || end < start) throw new Error(`docs/security.md has no ${acceptedStart} … ${acceptedEnd} table`);
  const cell = (text: string): string => text.trim().replace(/^`|`$/g, '');
  return securityDoc
    .slice(start + acceptedStart.length, end)
    .split('\n')
    .filter((line) => line.trim().startsWith('|') && !/^\|\s*-/.test(line.trim()))
    .map((line) => line.trim().slice(1, -1).split('|'))
    .filter((cells) => cells.length >= 3 && cell(cells[0] ?? '') !== 'Check')
    .map(([check = '', file = '', ...reason]) => ({
      check: cell(check),
      file: cell(file),
      reason: reason.join('|').trim(),
    }));
}

/** What the tool's runner answers (dist/runner.js, called with forCli false). */
interface RunnerResult {
  readonly errors: readonly { readonly file: string; readonly message: string; readonly tolerable: boolean }[];
  readonly issues: readonly {
    readonly id: string;
    readonly file: string;
    readonly location: { readonly line: number };
    readonly description: string;
  }[];
}

interface RunnerOptions {
  readonly input: string;
  readonly isRelative: boolean;
  readonly customScan: readonly string[];
  readonly excludeFromScan: readonly string[];
  readonly electronVersionOverride: string;
  readonly parserPlugins: readonly string[];
}

type Runner = (options: RunnerOptions, forCli: boolean) => Promise<RunnerResult>;

/** Splits the findings into accepted and unexpected, and finds accepted entries that match nothing. */
export function compareWithAccepted(
  findings: readonly Finding[],
  accepted: readonly AcceptedFinding[],
): Omit<ScanReport, 'fileCount'> {
  const covers = (entry: AcceptedFinding, finding: Finding): boolean =>
    entry.check === finding.check && entry.file === finding.file;
  return {
    findings,
    accepted,
    unexpected: findings.filter((finding) => !accepted.some((entry) => covers(entry, finding))),
    stale: accepted.filter((entry) => !findings.some((finding) => covers(entry, finding))),
  };
}

/** Scans `root` (a checkout: src/, package.json, docs/security.md) and compares with the accepted list. */
export async function scanElectron(root: string): Promise<ScanReport> {
  const require = createRequire(import.meta.url);
  const runner = require('@doyensec/electronegativity') as Runner;
  const electronVersion = (
    JSON.parse(readFileSync(require.resolve('electron/package.json'), 'utf8')) as { version: string }
  ).version;
  const accepted = acceptedFindings(readFileSync(join(root, 'docs', 'security.md'), 'utf8'));
  const work = mkdtempSync(join(tmpdir(), 'hexlog-electronegativity-'));
  try {
    // What ships: the sources without their tests and test helpers, and package.json.
    const input = join(work, 'input');
    let fileCount = 0;
    cpSync(join(root, 'src'), join(input, 'src'), {
      recursive: true,
      filter: (path) => {
        const shipped = !/\.test\.tsx?$/.test(path) && !/[\\/]testing$/.test(path);
        if (shipped && /\.(tsx?|html)$/.test(path)) fileCount += 1;
        return shipped;
      },
    });
    copyFileSync(join(root, 'package.json'), join(input, 'package.json'));
    // The tool prints its own notes (a translation it could not fetch offline); they are shown only
    // when the scan fails to run.
    const toolOutput: string[] = [];
    const consoleLog = console.log;
    console.log = (...parts: unknown[]) => void toolOutput.push(parts.map(String).join(' '));
    const result = await runner(
      {
        input,
        isRelative: true,
        customScan: [],
        excludeFromScan: excludedChecks.map((check) => check.toLowerCase()),
        electronVersionOverride: electronVersion,
        parserPlugins: [],
      },
      false,
    )
      .catch((error: unknown) => {
        throw new Error(`${error instanceof Error ? error.message : String(error)}\n${toolOutput.join('\n')}`);
      })
      .finally(() => {
        console.log = consoleLog;
      });
    // A file the tool cannot parse is a file it did not check.
    const unparsed = result.errors.filter((error) => !error.tolerable);
    if (unparsed.length > 0) {
      throw new Error(
        `electronegativity could not parse: ${unparsed.map((error) => `${error.file}: ${error.message}`).join('; ')}`,
      );
    }
    const findings = result.issues.map((issue): Finding => ({
      check: issue.id,
      file: issue.file.split(sep).join('/'),
      line: issue.location.line,
      message: issue.description,
    }));
    return { ...compareWithAccepted(findings, accepted), fileCount };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const rootFlag = process.argv.indexOf('--root');
  const root = resolve(rootFlag >= 0 ? (process.argv[rootFlag + 1] ?? '.') : '.');
  const started = Date.now();
  const report = await scanElectron(root);
  for (const finding of report.unexpected) {
    console.error(`  ${finding.check} ${finding.file}:${finding.line} ${finding.message}`);
  }
  for (const entry of report.stale) {
    console.error(`  accepted but no longer found (remove it from docs/security.md): ${entry.check} ${entry.file}`);
  }
  const failed = report.unexpected.length + report.stale.length > 0;
  console.log(
    `electronegativity: ${report.fileCount} files under ${relative(process.cwd(), root) || '.'}, ` +
      `${report.findings.length} findings, ${report.findings.length - report.unexpected.length} accepted ` +
      `(docs/security.md), ${report.unexpected.length} not accepted, ${report.stale.length} stale ` +
      `in ${((Date.now() - started) / 1000).toFixed(1)} s${failed ? ' — FAILED' : ''}`,
  );
  if (failed) process.exitCode = 1;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  main().catch((error: unknown) => {
    console.error(`electronegativity: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  });
}
