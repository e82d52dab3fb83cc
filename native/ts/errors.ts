// Coded errors: what the addon throws (an Error with a string `code`) leaves this layer as a
// NativeError, and so do the argument checks in front of it.

/**
 * An error from the addon or from the argument checks in front of it. `code` is one of ENOENT,
 * EACCES, EISDIR, ENOTREG, EFILECHANGED, ECLOSED, ERANGE, EINVAL, EREADONLY, EBADMODE, EIO,
 * ENATIVE (addon missing) or another errno name.
 */
export class NativeError extends Error {
  readonly code: string;
  readonly path: string | undefined;

  constructor(code: string, message: string, path?: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'NativeError';
    this.code = code;
    this.path = path;
  }
}

export function isNativeError(e: unknown): e is NativeError {
  if (e instanceof NativeError) return true;
  // A second copy of this module (bundle chunks, a test's fresh import) has its own class.
  if (!(e instanceof Error) || e.name !== 'NativeError') return false;
  const coded: Error & { code?: unknown } = e;
  return typeof coded.code === 'string';
}

/** Runs a native call and turns its coded Error into a NativeError. */
export function callNative<T>(call: () => T, path: string | undefined): T {
  try {
    return call();
  } catch (error) {
    throw toNativeError(error, path);
  }
}

/** A coded Error from the addon as a NativeError; anything else unchanged. */
export function toNativeError(error: unknown, fallbackPath: string | undefined): unknown {
  if (isNativeError(error) || !(error instanceof Error)) return error;
  const coded: Error & { code?: unknown; path?: unknown } = error;
  if (typeof coded.code !== 'string') return error; // not one of ours: let it through unchanged
  const path = typeof coded.path === 'string' ? coded.path : fallbackPath;
  return new NativeError(coded.code, coded.message, path, { cause: error });
}

/** EINVAL for an argument that failed a check here. */
export function invalid(message: string, path?: string): NativeError {
  return new NativeError('EINVAL', `EINVAL: ${message}`, path);
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
