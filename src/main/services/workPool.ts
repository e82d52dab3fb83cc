// Bounds work that holds threads, process-wide: at most `maxRunning` jobs run at once, the rest wait
// in order; one owner (a window or connection) may hold at most `maxPerOwner` running or waiting jobs.
import { err, ok, type Result } from '../../shared/result';

interface Waiting {
  readonly owner: string;
  readonly start: () => void;
}

/** A place in the pool: release it when the job ends (idempotent). */
export interface WorkLease {
  release(): void;
}

export class WorkPool {
  private running = 0;
  private readonly waiting: Waiting[] = [];
  private readonly perOwner = new Map<string, number>();

  /** `what` names the jobs in messages, plural ("searches"). */
  constructor(
    readonly maxRunning: number,
    readonly maxPerOwner: number,
    private readonly what: string,
  ) {}

  get runningCount(): number {
    return this.running;
  }

  get waitingCount(): number {
    return this.waiting.length;
  }

  /** Starts `start` now or once a place frees; ELIMIT when the owner already holds its share. */
  request(owner: string, start: () => void): Result<WorkLease> {
    const held = this.perOwner.get(owner) ?? 0;
    if (held >= this.maxPerOwner) {
      return err(
        'ELIMIT',
        `Too many ${this.what} are running in this window (${this.maxPerOwner}); wait for one to finish or cancel one.`,
      );
    }
    this.perOwner.set(owner, held + 1);
    let state: 'waiting' | 'running' | 'released' = 'waiting';
    const entry: Waiting = {
      owner,
      start: () => {
        state = 'running';
        start();
      },
    };
    const lease: WorkLease = {
      release: () => {
        if (state === 'released') return;
        const wasRunning = state === 'running';
        state = 'released';
        const count = (this.perOwner.get(owner) ?? 1) - 1;
        if (count === 0) this.perOwner.delete(owner);
        else this.perOwner.set(owner, count);
        if (wasRunning) {
          this.running--;
          this.startWaiting();
        } else {
          const at = this.waiting.indexOf(entry);
          if (at >= 0) this.waiting.splice(at, 1);
        }
      },
    };
    this.waiting.push(entry);
    this.startWaiting();
    return ok(lease);
  }

  private startWaiting(): void {
    while (this.running < this.maxRunning && this.waiting.length > 0) {
      const next = this.waiting.shift()!;
      this.running++;
      next.start();
    }
  }
}
