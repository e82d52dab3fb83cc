// A labelled progress bar for a long task (indexing, search, commit); no percent = indeterminate.
import type { ReactElement } from 'react';

export function Progress({ label, percent }: { label: string; percent?: number }): ReactElement {
  return percent === undefined ? (
    <progress role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={100} />
  ) : (
    <progress
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={percent}
      max={100}
      value={percent}
    />
  );
}
