// Timestamps of log lines: a format spec (the kind of timestamp, the zone assumed where a line
// writes none, how far into the line it may start) and parseLineTimes, which parses every line of
// a viewport in one native call. Which kind a file uses is decided by the caller, by trying each.

import { types } from 'node:util';

import { loadBinding } from './binding';
import { describe } from './checks';
import { callNative, invalid, NativeError } from './errors';

/**
 * iso: `YYYY-MM-DD` then `T` or a space, `HH:MM:SS`, an optional fraction, an optional zone
 * (`Z`, `+HH:MM`, `+HHMM`, `+HH`, right after or after one space). syslog: `Mmm dd HH:MM:SS`.
 * clf: `[dd/Mmm/YYYY:HH:MM:SS +zzzz]`. slashed: `YYYY/MM/DD HH:MM:SS` as iso. epoch: 10 digits of
 * seconds (optional fraction) or 13 of milliseconds at the line's start or after a leading `[`.
 * json: a `{...}` line's first `ts`, `time`, `timestamp` or `@timestamp` key.
 */
export const TIME_KINDS = ['iso', 'syslog', 'clf', 'slashed', 'epoch', 'json'] as const;
export type TimeKind = (typeof TIME_KINDS)[number];

export interface TimeFormatSpec {
  readonly kind: TimeKind;
  /** Minutes east of UTC assumed for a time that carries no zone (-1440..1440). */
  readonly zoneMinutes: number;
  /**
   * syslog only (checked for every kind, used by syslog): the year of the file's mtime (1970..2200)
   * and its month 1-12. A line whose month is later than `month` is of year - 1.
   */
  readonly year: number;
  readonly month: number;
  /** The timestamp must START within this many bytes of the line's start (0..1024); 0 means at the start only. Not for epoch and json. */
  readonly maxColumn: number;
}

export const TIME_LIMITS = {
  maxZoneMinutes: 1440,
  minYear: 1970,
  maxYear: 2200,
  maxColumn: 1024,
  /** Lines and bytes of one parseLineTimes call. */
  maxLines: 2 ** 20,
  maxBytes: 64 * 2 ** 20,
} as const;

/** The spec checked (EINVAL naming the field), flattened as the addon takes it. */
export function timeFormatArgs(
  format: unknown,
  path?: string,
): [kind: number, zoneMinutes: number, year: number, month: number, maxColumn: number] {
  if (typeof format !== 'object' || format === null) {
    throw invalid(`format must be an object, got ${describe(format)}`, path);
  }
  const { kind, zoneMinutes, year, month, maxColumn } = format as Record<string, unknown>;
  const kindIndex = TIME_KINDS.indexOf(kind as TimeKind);
  if (kindIndex < 0) throw invalid(`format.kind must be one of ${TIME_KINDS.join(', ')}, got ${describe(kind)}`, path);
  const integer = (name: string, value: unknown, min: number, max: number): number => {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      throw invalid(`format.${name} must be an integer from ${min} to ${max}, got ${describe(value)}`, path);
    }
    return value;
  };
  return [
    kindIndex,
    integer('zoneMinutes', zoneMinutes, -TIME_LIMITS.maxZoneMinutes, TIME_LIMITS.maxZoneMinutes),
    integer('year', year, TIME_LIMITS.minYear, TIME_LIMITS.maxYear),
    integer('month', month, 1, 12),
    integer('maxColumn', maxColumn, 0, TIME_LIMITS.maxColumn),
  ];
}

/**
 * Each line's time in epoch milliseconds (NaN where the line has none), and the byte column where
 * it starts (-1 if none). Line i is bytes[starts[i], starts[i+1]) (a LineSlice's bytes and
 * textStarts fit); a trailing LF, then a trailing CR, is not part of it. One native call for all
 * the lines. EINVAL for a bad argument, ERANGE above TIME_LIMITS.maxLines or maxBytes.
 */
export function parseLineTimes(
  bytes: Uint8Array,
  starts: Uint32Array,
  format: TimeFormatSpec,
): { times: Float64Array; columns: Int32Array } {
  if (!types.isUint8Array(bytes)) throw invalid(`bytes must be a Uint8Array, got ${describe(bytes)}`);
  if (!(starts instanceof Uint32Array)) throw invalid(`starts must be a Uint32Array, got ${describe(starts)}`);
  const args = timeFormatArgs(format);
  if (bytes.length > TIME_LIMITS.maxBytes || starts.length > TIME_LIMITS.maxLines + 1) {
    throw new NativeError(
      'ERANGE',
      `ERANGE: parseLineTimes takes at most ${TIME_LIMITS.maxLines} lines and ${TIME_LIMITS.maxBytes} bytes a call, got ${Math.max(0, starts.length - 1)} lines and ${bytes.length} bytes`,
    );
  }
  for (let i = 0; i < starts.length; i++) {
    if (starts[i]! > bytes.length || (i > 0 && starts[i]! < starts[i - 1]!)) {
      throw invalid(`starts must rise and stay within the bytes; starts[${i}] is ${starts[i]}`);
    }
  }
  const binding = loadBinding();
  return callNative(() => binding.parseLineTimes(bytes, starts, ...args), undefined);
}
