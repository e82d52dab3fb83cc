// Runs shellcheck over every bash `run:` step of the GitHub workflows and over the repository's
// shell scripts (.ci/run, *.sh, files with a sh/bash shebang).
// Usage: node scripts/check-workflow-shell.mjs [--no-scripts] [WORKFLOW.yml...]
// With no workflow named, checks .github/workflows/*.yml. GitHub replaces ${{ … }} before the shell
// runs, so each expression becomes a variable here: unquoted, shellcheck flags it as it would flag
// an unquoted variable. pwsh/cmd/python steps are counted and left out (shellcheck reads sh only).
// Without shellcheck the check is skipped with one line, except under CI=true, where it fails.
// HEXLOG_SHELLCHECK names the shellcheck binary (default: shellcheck on PATH).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import yaml from 'js-yaml';

const root = resolve(import.meta.dirname, '..');
const shellcheck = process.env.HEXLOG_SHELLCHECK || 'shellcheck';
const SHELL_CHECKED = new Set(['bash', 'sh']);
const SKIPPED_DIRS = new Set(['node_modules', '.git', 'out', 'dist', 'native/build', 'test-results', '.tmp']);

/** The shell a step runs in, as GitHub decides it, or 'ambiguous' when the matrix decides. */
function stepShell(step, job, workflow) {
  const named = step.shell ?? job.defaults?.run?.shell ?? workflow.defaults?.run?.shell;
  if (typeof named === 'string') return named.split(/\s+/)[0];
  // GitHub's default: pwsh on Windows runners, bash elsewhere.
  const runsOn = JSON.stringify(job['runs-on'] ?? '');
  if (/windows/i.test(runsOn)) return 'pwsh';
  if (runsOn.includes('${{')) return 'ambiguous';
  return 'bash';
}

/** The run blocks of a workflow file, each with a label saying where it is. */
function runBlocks(file) {
  const workflow = yaml.load(readFileSync(file, 'utf8'));
  const blocks = [];
  const problems = [];
  const skipped = [];
  for (const [jobId, job] of Object.entries(workflow?.jobs ?? {})) {
    (job.steps ?? []).forEach((step, index) => {
      if (typeof step.run !== 'string') return;
      const label = `${relative(root, file)}: job ${jobId}, step ${index + 1} (${step.name ?? step.run.split('\n')[0]})`;
      const shell = stepShell(step, job, workflow);
      if (shell === 'ambiguous') {
        problems.push(`${label}: runs-on comes from the matrix, so its default shell differs by OS; set shell: bash`);
      } else if (SHELL_CHECKED.has(shell)) {
        blocks.push({ label, shell, script: withPlaceholders(step.run) });
      } else {
        skipped.push(`${label}: shell ${shell}`);
      }
    });
  }
  return { blocks, problems, skipped };
}

function withPlaceholders(script) {
  let count = 0;
  return script.replace(/\$\{\{[\s\S]*?\}\}/g, () => `\${GITHUB_EXPRESSION_${++count}}`);
}

function isShellScript(file) {
  if (file.endsWith('.sh')) return true;
  try {
    const head = readFileSync(file, { encoding: 'latin1' }).slice(0, 64);
    return /^#!\s*(\/usr\/bin\/env\s+)?(\/bin\/|\/usr\/bin\/)?(ba)?sh\b/.test(head);
  } catch {
    return false;
  }
}

function repositoryFiles() {
  try {
    return execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
      .split('\0')
      .filter((name) => name.length > 0)
      .map((name) => join(root, name));
  } catch {
    // Not a git checkout (an unpacked tarball): walk the tree.
    const files = [];
    const walk = (dir) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (SKIPPED_DIRS.has(relative(root, path).split('\\').join('/'))) continue;
        if (entry.isDirectory()) walk(path);
        else if (entry.isFile()) files.push(path);
      }
    };
    walk(root);
    return files;
  }
}

function main(args) {
  const withScripts = !args.includes('--no-scripts');
  const named = args.filter((arg) => !arg.startsWith('--')).map((arg) => resolve(arg));
  const workflowDir = join(root, '.github', 'workflows');
  const workflows =
    named.length > 0
      ? named
      : existsSync(workflowDir)
        ? readdirSync(workflowDir)
            .filter((name) => /\.ya?ml$/.test(name))
            .map((name) => join(workflowDir, name))
        : [];

  const version = spawnSync(shellcheck, ['--version'], { encoding: 'utf8' });
  if (version.error !== undefined || version.status !== 0) {
    const why = `shellcheck not found (${shellcheck}): apt-get install shellcheck`;
    if (process.env.CI === 'true') {
      console.error(`check-workflow-shell: ${why}; CI=true, so this is an error`);
      return 1;
    }
    console.log(`check-workflow-shell: skipped: ${why}`);
    return 0;
  }

  const targets = []; // { label, file, shell }
  const problems = [];
  const skipped = [];
  const scratch = mkdtempSync(join(tmpdir(), 'hexlog-shellcheck-'));
  try {
    for (const workflow of workflows) {
      let found;
      try {
        found = runBlocks(workflow);
      } catch (error) {
        problems.push(`${relative(root, workflow)}: not a readable workflow: ${error.message}`);
        continue;
      }
      problems.push(...found.problems);
      skipped.push(...found.skipped);
      for (const block of found.blocks) {
        const file = join(scratch, `step-${targets.length + 1}.sh`);
        // The shebang tells shellcheck the dialect; the options are GitHub's (bash -eo pipefail, sh -e).
        const options = block.shell === 'bash' ? 'set -eo pipefail' : 'set -e';
        writeFileSync(file, `#!/usr/bin/env ${block.shell}\n${options}\n${block.script}\n`);
        targets.push({ label: block.label, file, lineOffset: 2 });
      }
    }
    if (withScripts) {
      for (const file of repositoryFiles()) {
        if (!statSync(file, { throwIfNoEntry: false })?.isFile() || !isShellScript(file)) continue;
        targets.push({ label: relative(root, file), file, lineOffset: 0 });
      }
    }

    let findings = 0;
    for (const target of targets) {
      const run = spawnSync(shellcheck, ['-s', 'bash', '-f', 'gcc', target.file], { encoding: 'utf8' });
      if (run.status === 0) continue;
      const lines = run.stdout.split('\n').filter((line) => line.length > 0);
      if (lines.length === 0) {
        problems.push(`${target.label}: shellcheck failed: ${run.stderr.trim() || `exit ${run.status}`}`);
        continue;
      }
      findings += lines.length;
      for (const line of lines) {
        // file:line:column: level: message [SCxxxx]
        const match = /^.*?:(\d+):(\d+): (.*)$/.exec(line);
        const where = match ? `line ${Number(match[1]) - target.lineOffset}, column ${match[2]}` : '';
        problems.push(`${target.label}: ${where}: ${match ? match[3] : line}`);
      }
    }

    const summary =
      `${targets.length} shell script(s) and run step(s) in ${workflows.length} workflow(s)` +
      (skipped.length > 0 ? `; ${skipped.length} non-sh step(s) not checked` : '');
    if (problems.length > 0) {
      for (const problem of problems) console.error(problem);
      console.error(`check-workflow-shell: ${problems.length} problem(s) (${findings} from shellcheck) in ${summary}`);
      return 1;
    }
    for (const step of skipped) console.log(`check-workflow-shell: not checked: ${step}`);
    console.log(`check-workflow-shell: clean: ${summary}`);
    return 0;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

process.exitCode = main(process.argv.slice(2));
