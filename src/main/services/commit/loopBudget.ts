// Lets the event loop run during long synchronous work done in slices (memcpy through a mapping,
// byte comparisons): after about BUDGET bytes, the next slice waits for a turn of the loop.
import { setImmediate as nextTurn } from 'node:timers/promises';

const BUDGET_BYTES = 1024 * 1024;
const COST_PER_CALL = 256; // so many tiny edits count too

export class LoopBudget {
  #spent = 0;

  /** Records work of `bytes`; resolves at once, or after a turn of the loop when the budget is used up. */
  async spend(bytes: number): Promise<void> {
    this.#spent += bytes + COST_PER_CALL;
    if (this.#spent < BUDGET_BYTES) return;
    this.#spent = 0;
    await nextTurn();
  }
}
