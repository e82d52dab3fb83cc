// scripts/check-workflow-shell.mjs, run as `npm run lint` runs it, on workflows written here.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const checker = resolve(__dirname, 'check-workflow-shell.mjs');
const hasShellcheck = spawnSync('shellcheck', ['--version'], { stdio: 'ignore' }).status === 0;
const scratch = mkdtempSync(join(tmpdir(), 'hexlog-workflow-'));

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function check(args: string[], env: Record<string, string | undefined> = {}) {
  const run = spawnSync(process.execPath, [checker, ...args], {
    encoding: 'utf8',
    env: { ...process.env, CI: undefined, ...env },
  });
  return { status: run.status, output: run.stdout + run.stderr };
}

function workflow(name: string, text: string): string {
  const file = join(scratch, name);
  writeFileSync(file, text);
  return file;
}

if (!hasShellcheck)
  console.log('check-workflow-shell.test: skipped: no shellcheck on PATH (apt-get install shellcheck)');

describe.skipIf(!hasShellcheck)('check-workflow-shell', () => {
  it("the repository's workflow and shell scripts are clean", () => {
    const { status, output } = check([]);
    expect(output).toMatch(/clean: \d+ shell script\(s\) and run step\(s\) in 1 workflow\(s\)/);
    expect(status).toBe(0);
  });

  it('an unquoted $VAR in a run step fails, naming the job, the step and the line', () => {
    const file = workflow(
      'unquoted.yml',
      [
        'on: push',
        'jobs:',
        '  build:',
        '    runs-on: ubuntu-latest',
        '    steps:',
        '      - name: Clean',
        '        run: |',
        '          echo cleaning',
        '          rm -rf $TARGET_DIR/build',
      ].join('\n'),
    );
    const { status, output } = check(['--no-scripts', file]);
    expect(status).toBe(1);
    expect(output).toContain('job build, step 1 (Clean): line 2, column 8');
    expect(output).toContain('SC2086');
  });

  it('an unquoted ${{ expression }} is flagged as an unquoted variable; a quoted one is clean', () => {
    const steps = (run: string) =>
      ['on: push', 'jobs:', '  a:', '    runs-on: ubuntu-latest', '    steps:', `      - run: ${run}`].join('\n');
    const unquoted = check(['--no-scripts', workflow('expr-bad.yml', steps('cd ${{ github.workspace }}/native'))]);
    expect(unquoted.status).toBe(1);
    expect(unquoted.output).toContain('SC2086');
    const quoted = check(['--no-scripts', workflow('expr-good.yml', steps('cd "${{ github.workspace }}/native"'))]);
    expect(quoted.output).toContain('clean: 1 shell script(s)');
    expect(quoted.status).toBe(0);
  });

  it('pwsh steps are counted and left out; a step whose shell depends on the matrix OS fails', () => {
    const file = workflow(
      'shells.yml',
      [
        'on: push',
        'jobs:',
        '  win:',
        '    runs-on: windows-latest',
        '    steps:',
        '      - run: $env:FOO = 1',
        '  matrix:',
        '    runs-on: ${{ matrix.os }}',
        '    steps:',
        '      - run: echo "$HOME"',
      ].join('\n'),
    );
    const { status, output } = check(['--no-scripts', file]);
    expect(output).toContain('1 non-sh step(s) not checked');
    expect(output).toContain('job matrix, step 1 (echo "$HOME"): runs-on comes from the matrix');
    expect(status).toBe(1);
  });

  it('a syntax error in a run step fails', () => {
    const file = workflow(
      'script.yml',
      [
        'on: push',
        'jobs:',
        '  a:',
        '    runs-on: ubuntu-latest',
        '    steps:',
        '      - run: if [ -f x ]; then echo',
      ].join('\n'),
    );
    const { status, output } = check(['--no-scripts', file]);
    expect(status).toBe(1);
    expect(output).toMatch(/error: .*\[SC\d+\]/);
  });
});

describe('check-workflow-shell without shellcheck', () => {
  it('skips with one line and exit 0 outside CI', () => {
    const { status, output } = check([], { HEXLOG_SHELLCHECK: join(scratch, 'no-shellcheck') });
    expect(output.trim().split('\n')).toHaveLength(1);
    expect(output).toContain('skipped: shellcheck not found');
    expect(status).toBe(0);
  });

  it('fails under CI=true', () => {
    const { status, output } = check([], { HEXLOG_SHELLCHECK: join(scratch, 'no-shellcheck'), CI: 'true' });
    expect(output).toContain('CI=true, so this is an error');
    expect(status).toBe(1);
  });
});
