import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { acceptedFindings, compareWithAccepted, scanElectron } from './electronegativity';

const root = join(import.meta.dirname, '..');
let copy: string | null = null;

afterEach(() => {
  if (copy !== null) rmSync(copy, { recursive: true, force: true });
  copy = null;
});

describe('the electronegativity scan', () => {
  it('reads the accepted findings from the table in docs/security.md', () => {
    const accepted = acceptedFindings(readFileSync(join(root, 'docs', 'security.md'), 'utf8'));
    expect(accepted.length).toBeGreaterThan(0);
    for (const entry of accepted) {
      expect(entry.check).toMatch(/^[A-Z_]+$/);
      expect(entry.file).not.toBe('');
      expect(entry.reason.length).toBeGreaterThan(20);
    }
    expect(accepted).toContainEqual(
      expect.objectContaining({ check: 'PRELOAD_JS_CHECK', file: 'src/main/adapter.ts' }),
    );
  });

  it('a finding no entry accepts is unexpected, and an entry no finding matches is stale', () => {
    const finding = (check: string, file: string) => ({ check, file, line: 1, message: '' });
    const report = compareWithAccepted(
      [finding('PRELOAD_JS_CHECK', 'src/main/adapter.ts'), finding('PRELOAD_JS_CHECK', 'src/main/other.ts')],
      [
        { check: 'PRELOAD_JS_CHECK', file: 'src/main/adapter.ts', reason: 'reviewed' },
        { check: 'OPEN_EXTERNAL_JS_CHECK', file: 'src/main/adapter.ts', reason: 'gone' },
      ],
    );
    expect(report.unexpected).toEqual([finding('PRELOAD_JS_CHECK', 'src/main/other.ts')]);
    expect(report.stale.map((entry) => entry.check)).toEqual(['OPEN_EXTERNAL_JS_CHECK']);
  });

  // The tool rightly lets nodeIntegration: true pass while sandbox is on (the sandbox keeps Node out),
  // so the copy drops the sandbox, turns Node and context isolation the wrong way, and adds an eval.
  it('a copy of the app with Node in an unsandboxed, unisolated window and an eval in the page fails', async () => {
    copy = mkdtempSync(join(tmpdir(), 'hexlog-scan-'));
    cpSync(join(root, 'src'), join(copy, 'src'), { recursive: true });
    copyFileSync(join(root, 'package.json'), join(copy, 'package.json'));
    mkdirSync(join(copy, 'docs'));
    copyFileSync(join(root, 'docs', 'security.md'), join(copy, 'docs', 'security.md'));
    const adapterPath = join(copy, 'src', 'main', 'adapter.ts');
    const adapter = readFileSync(adapterPath, 'utf8');
    const unsafe = adapter
      .replace('nodeIntegration: false,', 'nodeIntegration: true,')
      .replace('sandbox: true,', '')
      .replace('contextIsolation: true,', 'contextIsolation: false,');
    expect(unsafe.match(/nodeIntegration: true,|contextIsolation: false,/g)).toHaveLength(2);
    expect(unsafe).not.toContain('sandbox: true');
    writeFileSync(adapterPath, unsafe);
    const pagePath = join(copy, 'src', 'renderer', 'main.tsx');
    writeFileSync(pagePath, `${readFileSync(pagePath, 'utf8')}\nexport const unsafe = eval('1 + ' + location.hash);\n`);

    const report = await scanElectron(copy);
    const unexpected = new Set(report.unexpected.map((finding) => `${finding.check} ${finding.file}`));
    expect([...unexpected].sort()).toEqual([
      'CONTEXT_ISOLATION_JS_CHECK src/main/adapter.ts',
      'DANGEROUS_FUNCTIONS_JS_CHECK src/renderer/main.tsx',
      'NODE_INTEGRATION_JS_CHECK src/main/adapter.ts',
      'SANDBOX_JS_CHECK src/main/adapter.ts',
    ]);
    expect(report.stale).toEqual([]);
  });
});
