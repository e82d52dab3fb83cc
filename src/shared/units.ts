// Branded numbers: a byte offset, a line number and a session id can never be swapped by mistake.
declare const brand: unique symbol;
type Brand<T, B extends string> = T & { readonly [brand]: B };

/** A byte position in a file, 0-based; a safe integer (files up to 8 PiB). */
export type ByteOffset = Brand<number, 'ByteOffset'>;
/** A count of bytes. */
export type ByteCount = Brand<number, 'ByteCount'>;
/** A line's 0-based index (line 1 on screen is 0), from the renderer's state down to C++. */
export type LineNumber = Brand<number, 'LineNumber'>;
/** A count of lines. */
export type LineCount = Brand<number, 'LineCount'>;
/** Identifies one open file session in the main process. */
export type SessionId = Brand<number, 'SessionId'>;

export const byteOffset = (n: number): ByteOffset => n as ByteOffset;
export const byteCount = (n: number): ByteCount => n as ByteCount;
export const lineNumber = (n: number): LineNumber => n as LineNumber;
export const lineCount = (n: number): LineCount => n as LineCount;
export const sessionId = (n: number): SessionId => n as SessionId;

/** The number a person reads for a line (1-based). Only where a line number is shown. */
export const displayLine = (line: LineNumber): number => line + 1;
/** The line a person means by a number they read or typed (1-based). Only where one is typed. */
export const lineFromDisplay = (shown: number): LineNumber => lineNumber(shown - 1);

export function isNonNegativeSafeInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}
