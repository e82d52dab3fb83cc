// How thrown fs and addon errors become the Result values the commit functions answer.
import { err, errFromThrown, type Err } from '../../../shared/result';
import { errnoCode } from './durableFs';

// The system's other ways of saying "you may not write this file"; the app offers saveCopy for all of them.
const NOT_WRITABLE: ReadonlySet<string> = new Set(['EPERM', 'EROFS', 'ETXTBSY']);

export function fromThrown(error: unknown): Err {
  const code = errnoCode(error);
  if (error instanceof Error && code !== undefined && NOT_WRITABLE.has(code)) return err('EACCES', error.message);
  return errFromThrown(error);
}

/** Keeps the code, puts what we were doing in front of the cause. */
export function withContext(failure: Err, context: string): Err {
  return err(failure.code, `${context}: ${failure.message}`);
}
