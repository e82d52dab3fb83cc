import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openMapped, type MappedFile } from '../../../native/index';
import { sessionId } from '../../shared/units';
import { TextIndex } from './textIndex';
import { WorkPool } from './workPool';

const dir = mkdtempSync(join(tmpdir(), 'hexlog-textindex-'));
const opened: MappedFile[] = [];
afterEach(() => {
  for (const file of opened.splice(0)) file.close();
});

function mapped(name: string, text: string): MappedFile {
  const path = join(dir, name);
  writeFileSync(path, text);
  const file = openMapped(path, 'readonly');
  opened.push(file);
  return file;
}

const until = async (condition: () => boolean): Promise<void> => {
  for (let i = 0; i < 2000 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  expect(condition()).toBe(true);
};

describe('TextIndex and the index pool', () => {
  it('an index waits for a place, answers as knowing no line meanwhile, then indexes', async () => {
    const pool = new WorkPool(1, 10, 'files being indexed');
    // A lease holds the only place (an index of a tiny file could finish before the next starts).
    const blocker = pool.request('w', () => undefined);
    const second = new TextIndex(
      mapped('b.log', 'x\ny\nz\n'),
      'utf-8',
      sessionId(2),
      () => undefined,
      () => false,
      'w',
      pool,
    );
    try {
      expect(second.waiting).toBe(true);
      expect(second.status()).toMatchObject({ linesKnown: 0, done: false, error: null });
      expect(second.readLines(0, 10).count).toBe(0);
      expect([...second.linesAtOffsets(Float64Array.of(0, 2))]).toEqual([-1, -1]);
      expect(() => second.lineAtOffset(0)).toThrow(/not indexed yet/);
      if (blocker.ok) blocker.value.release();
      await until(() => second.status().done);
      expect(second.status().linesKnown).toBe(3);
      expect(pool.runningCount).toBeLessThanOrEqual(1);
      await until(() => pool.runningCount === 0);
    } finally {
      second.dispose();
    }
  });

  it('cancelling or disposing a waiting index gives up its turn', () => {
    const pool = new WorkPool(1, 10, 'files being indexed');
    const blocker = pool.request('w', () => undefined); // holds the only place
    const make = (name: string, id: number): TextIndex =>
      new TextIndex(
        mapped(name, 'd\n'),
        'utf-8',
        sessionId(id),
        () => undefined,
        () => false,
        'w',
        pool,
      );
    const waiting = make('d.log', 4);
    const disposed = make('e.log', 5);
    expect(pool.waitingCount).toBe(2);
    waiting.cancel();
    disposed.dispose();
    expect(waiting.status().cancelled).toBe(true);
    expect(pool.waitingCount).toBe(0);
    if (blocker.ok) blocker.value.release();
    expect(pool.runningCount).toBe(0); // nobody was left to start
    expect(waiting.waiting).toBe(false);
    waiting.dispose();
  });
});

process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
