// Test support only: a hook called at each step of a commit, so a test can stop the process there
// (crash safety) or change the file there (a racing writer).
export type CommitStep = 'journal-chunk' | 'journal-synced' | 'edit-written' | 'flushed';
export type CommitStepHook = (step: CommitStep, count: number) => void;

let stepHook: CommitStepHook | undefined;

export const commitTesting = {
  setStepHook(hook: CommitStepHook | undefined): void {
    stepHook = hook;
  },
};

export function runStep(step: CommitStep, count: number): void {
  stepHook?.(step, count);
}
