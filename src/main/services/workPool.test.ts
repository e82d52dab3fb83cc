import { describe, expect, it } from 'vitest';
import { WorkPool } from './workPool';

describe('WorkPool', () => {
  it('runs at most maxRunning at once, starts the waiting in order as places free', () => {
    const pool = new WorkPool(2, 10, 'searches');
    const started: string[] = [];
    const leases = ['a', 'b', 'c', 'd'].map((name) => pool.request('w1', () => started.push(name)));
    expect(started).toEqual(['a', 'b']);
    expect(pool.waitingCount).toBe(2);
    if (!leases[0]!.ok || !leases[2]!.ok || !leases[1]!.ok) throw new Error('refused');
    leases[2]!.value.release(); // a waiting one gives up its turn
    leases[0]!.value.release();
    leases[0]!.value.release(); // idempotent
    expect(started).toEqual(['a', 'b', 'd']);
    expect(pool.runningCount).toBe(2);
    leases[1]!.value.release();
    expect(pool.runningCount).toBe(1);
  });

  it('refuses an owner past its share with ELIMIT, and other owners still get in', () => {
    const pool = new WorkPool(1, 2, 'searches');
    expect(pool.request('w1', () => undefined).ok).toBe(true);
    const second = pool.request('w1', () => undefined);
    expect(second.ok).toBe(true);
    expect(pool.request('w1', () => undefined)).toMatchObject({ ok: false, code: 'ELIMIT' });
    expect(pool.request('w2', () => undefined).ok).toBe(true);
    if (second.ok) second.value.release();
    expect(pool.request('w1', () => undefined).ok).toBe(true);
  });
});
