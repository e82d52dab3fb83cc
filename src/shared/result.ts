// Errors cross every process boundary as values, never as throws.
export type ErrorCode =
  | 'ENOENT'
  | 'EACCES'
  | 'EISDIR'
  | 'ENOTREG'
  | 'EFILECHANGED'
  | 'ECLOSED'
  | 'ERANGE'
  | 'EINVAL'
  | 'EREADONLY'
  | 'EBADMODE'
  | 'ENOSESSION'
  | 'ENOTFOUND'
  | 'EUNSUPPORTED'
  | 'ETOOBIG'
  | 'ENATIVE'
  | 'EJOURNAL'
  | 'EPERM'
  | 'EIO'
  | 'ELOCKED'
  | 'ELIMIT'
  | 'ECORRUPT'
  | 'ENOSPC'
  | 'ECANCELLED'
  | 'EINTERNAL';

export interface Ok<T> {
  readonly ok: true;
  readonly value: T;
}
export interface Err {
  readonly ok: false;
  readonly code: ErrorCode;
  readonly message: string;
}
export type Result<T> = Ok<T> | Err;

export const ok = <T>(value: T): Ok<T> => ({ ok: true, value });
export const err = (code: ErrorCode, message: string): Err => ({ ok: false, code, message });

/** Every error code with what it means; a code missing here (or extra) does not compile. */
export const errorCodes = {
  ENOENT: 'the file does not exist',
  EACCES: 'permission denied',
  EISDIR: 'the path is a directory',
  ENOTREG: 'not a regular file (a device, FIFO or socket)',
  EFILECHANGED: 'the file changed on disk under the mapping',
  ECLOSED: 'the mapping or session is closed',
  ERANGE: 'an offset or line is past the end',
  EINVAL: 'an argument is malformed or out of its limits',
  EREADONLY: 'the file cannot be written',
  EBADMODE: 'the mapping mode does not allow this',
  ENOSESSION: 'no such session for this window',
  ENOTFOUND: 'no such offer, search or match',
  EUNSUPPORTED: 'this host cannot do that',
  ETOOBIG: 'the answer would exceed a size limit',
  ENATIVE: 'the native addon is missing or failed',
  EJOURNAL: 'a commit journal needs attention',
  EPERM: 'operation not permitted',
  EIO: 'an I/O or transport failure',
  ELOCKED: 'the file is locked by another writer',
  ELIMIT: 'a resource cap was reached',
  ECORRUPT: 'the (compressed) data is damaged or incomplete',
  ENOSPC: 'not enough free disk space',
  ECANCELLED: 'the user cancelled it',
  EINTERNAL: 'a defect: something threw that should not have',
} as const satisfies Record<ErrorCode, string>;

const knownCodes: ReadonlySet<string> = new Set(Object.keys(errorCodes));

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && knownCodes.has(value);
}

/** Turns anything thrown into an error value; unknown codes become EIO with the original text. */
export function errFromThrown(thrown: unknown): Err {
  if (thrown instanceof Error) {
    const code: unknown = (thrown as Error & { code?: unknown }).code;
    if (isErrorCode(code)) return err(code, thrown.message);
    if (typeof code === 'string') return err('EIO', `${code}: ${thrown.message}`);
    return err('EINTERNAL', thrown.message);
  }
  return err('EINTERNAL', String(thrown));
}

/** Checks that a value received from the other side has the shape of a Result. */
export function isResult(value: unknown): value is Result<unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as { ok?: unknown; code?: unknown; message?: unknown };
  if (candidate.ok === true) return 'value' in candidate;
  return candidate.ok === false && isErrorCode(candidate.code) && typeof candidate.message === 'string';
}
