// Times in logs as the renderer and the main process share them: the timestamp formats hexlog
// recognises (parsed by the addon), how a time shows on screen, and what the Go to time input
// accepts. Times are epoch milliseconds; they show, and are typed, in the machine's local zone.
import { err, ok, type Result } from './result';

export const TIME_KINDS = ['iso', 'syslog', 'clf', 'slashed', 'epoch', 'json'] as const;
export type TimeKind = (typeof TIME_KINDS)[number];

/** How the lines of one file carry their time (the addon's TimeFormatSpec). */
export interface TimeFormat {
  readonly kind: TimeKind;
  /** Minutes east of UTC assumed for a time written without a zone (the local zone of the file's times). */
  readonly zoneMinutes: number;
  /** syslog: the year of the file's mtime and its month (1-12); a later month is of the year before. */
  readonly year: number;
  readonly month: number;
  /** The timestamp starts within this many bytes of the line's start. */
  readonly maxColumn: number;
}

/** How each kind is named in the status bar and its menu, with an example. */
export const timeKindLabels: Readonly<Record<TimeKind, { readonly name: string; readonly example: string }>> = {
  iso: { name: 'ISO 8601', example: '2023-11-14T22:13:20.123Z' },
  syslog: { name: 'syslog', example: 'Nov 14 22:13:20' },
  clf: { name: 'Apache/nginx', example: '[14/Nov/2023:22:13:20 +0000]' },
  slashed: { name: 'Y/M/D', example: '2023/11/14 22:13:20' },
  epoch: { name: 'epoch', example: '1699999999.123' },
  json: { name: 'JSON field', example: '{"ts":"2023-11-14T22:13:20Z"}' },
};

const pad = (value: number, width = 2): string => String(value).padStart(width, '0');

/** `2023-11-14 22:13:20.123` in the local zone (the milliseconds only when there are some, or `millis`). */
export function formatTime(ms: number, millis = false): string {
  const at = new Date(ms);
  const milliseconds = at.getMilliseconds();
  return (
    `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())} ` +
    `${pad(at.getHours())}:${pad(at.getMinutes())}:${pad(at.getSeconds())}` +
    (milliseconds === 0 && !millis ? '' : `.${pad(milliseconds, 3)}`)
  );
}

/** A gap between two lines' times, signed: `+0.250 s`, `+3 min 2 s`, `+2 h 5 min`, `−1 d 3 h`. */
export function formatGap(ms: number): string {
  const sign = ms < 0 ? '−' : '+';
  const abs = Math.abs(ms);
  if (abs < 60_000) return `${sign}${(abs / 1000).toFixed(3)} s`;
  const seconds = Math.floor(abs / 1000);
  const [d, h, m, s] = [
    Math.floor(seconds / 86400),
    Math.floor(seconds / 3600) % 24,
    Math.floor(seconds / 60) % 60,
    seconds % 60,
  ];
  if (d > 0) return `${sign}${d} d ${h} h`;
  if (h > 0) return `${sign}${h} h ${m} min`;
  return `${sign}${m} min ${s} s`;
}

const UNIT_MS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  min: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
};

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

export const TIME_TARGET_HELP =
  'Type a date and time (2023-11-14 22:13:20), a date, a time of day (22:13), a relative time (-15m, +1h30m) or epoch seconds.';

/** Where the Go to time input is read from: the current line's time, for a time of day or a relative time. */
export interface TimeTargetContext {
  /** The current line's time (its own or the line above's), or null when it has none. */
  readonly currentMs: number | null;
}

/**
 * What the Go to time input means, in epoch ms:
 * - `2023-11-14 22:13:20[.123]`, with `T`, with `Z` or `+01:00`; `2023-11-14`; `2023/11/14 22:13`;
 * - `22:13[:20[.5]]`: that time on the current line's day;
 * - `-15m`, `+2h`, `-1h30m`, `-500ms`, `+1d`: relative to the current line's time;
 * - `Nov 14 22:13:20`: of the current line's year;
 * - 10 digits (epoch seconds, with a fraction) or 13 (epoch ms).
 */
export function parseTimeTarget(text: string, context: TimeTargetContext): Result<number> {
  const input = text.trim();
  if (input === '') return err('EINVAL', TIME_TARGET_HELP);
  const needsCurrent = (): Result<number> =>
    err('EINVAL', 'The current line has no time to start from: type a full date and time.');

  const relative = /^([+-])\s*((?:\d+(?:\.\d+)?\s*(?:ms|min|s|m|h|d|w)\s*)+)$/i.exec(input);
  if (relative !== null) {
    if (context.currentMs === null) return needsCurrent();
    let total = 0;
    for (const part of relative[2]!.matchAll(/(\d+(?:\.\d+)?)\s*(ms|min|s|m|h|d|w)/gi)) {
      total += Number(part[1]) * UNIT_MS[part[2]!.toLowerCase()]!;
    }
    return inRange(Math.round(context.currentMs + (relative[1] === '-' ? -total : total)), input);
  }

  const epoch = /^(\d{10})(?:\.(\d{1,9}))?$|^(\d{13})$/.exec(input);
  if (epoch !== null) {
    if (epoch[3] !== undefined) return ok(Number(epoch[3]));
    return ok(Number(epoch[1]) * 1000 + Math.floor(Number(`0.${epoch[2] ?? '0'}`) * 1000));
  }

  const clock = String.raw`(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?`;
  const zone = String.raw`\s*(Z|[+-]\d{2}(?::?\d{2})?)?`;
  const dated = new RegExp(String.raw`^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:(?:T|\s+)${clock}${zone})?$`, 'i').exec(
    input,
  );
  if (dated !== null) {
    const [, y, mo, d, h, mi, s, frac, z] = dated;
    return wallClock(Number(y), Number(mo), Number(d), h, mi, s, frac, z);
  }

  const syslog = new RegExp(String.raw`^([A-Za-z]{3})\s+(\d{1,2})\s+${clock}$`).exec(input);
  if (syslog !== null) {
    const month = MONTHS.indexOf(syslog[1]!.toLowerCase());
    if (month < 0) return err('EINVAL', `${syslog[1]} is not a month. ${TIME_TARGET_HELP}`);
    if (context.currentMs === null) return needsCurrent();
    const year = new Date(context.currentMs).getFullYear();
    return wallClock(year, month + 1, Number(syslog[2]), syslog[3], syslog[4], syslog[5], syslog[6], undefined);
  }

  const timeOfDay = new RegExp(String.raw`^${clock}$`).exec(input);
  if (timeOfDay !== null) {
    if (context.currentMs === null) return needsCurrent();
    const day = new Date(context.currentMs);
    const [, h, mi, s, frac] = timeOfDay;
    return wallClock(day.getFullYear(), day.getMonth() + 1, day.getDate(), h, mi, s, frac, undefined);
  }
  return err('EINVAL', `"${input.slice(0, 40)}" is not a time. ${TIME_TARGET_HELP}`);
}

/** Times Go to time reaches: 100,000 days either side of 1970 (the contract's limit). */
const MAX_TARGET_MS = 8.64e12;

function inRange(ms: number, shown: string): Result<number> {
  if (Number.isFinite(ms) && Math.abs(ms) <= MAX_TARGET_MS) return ok(ms);
  return err('EINVAL', `${shown} is out of the times Go to time reaches (the years 1696 to 2243).`);
}

function wallClock(
  year: number,
  month: number,
  day: number,
  hours: string | undefined,
  minutes: string | undefined,
  seconds: string | undefined,
  fraction: string | undefined,
  zone: string | undefined,
): Result<number> {
  const [h, mi, s] = [Number(hours ?? 0), Number(minutes ?? 0), Number(seconds ?? 0)];
  const ms = Math.floor(Number(`0.${fraction ?? '0'}`) * 1000);
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth || h > 23 || mi > 59 || s > 59) {
    return err(
      'EINVAL',
      `${year}-${pad(month)}-${pad(day)} ${pad(h)}:${pad(mi)}:${pad(s)} is not a valid date and time.`,
    );
  }
  // setFullYear, not the Date constructor: years 0-99 are those years, not 1900-1999.
  let result: number;
  if (zone === undefined) {
    const local = new Date(0);
    local.setFullYear(year, month - 1, day);
    local.setHours(h, mi, s, ms);
    result = local.getTime();
  } else {
    let offset = 0;
    if (zone.toUpperCase() !== 'Z') {
      const digits = zone.replace(':', '');
      offset = (Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5) || '0')) * (digits[0] === '-' ? -1 : 1);
    }
    const utc = new Date(Date.UTC(2000, 0, 1, h, mi, s, ms));
    utc.setUTCFullYear(year, month - 1, day);
    result = utc.getTime() - offset * 60_000;
  }
  return inRange(result, `${year}-${pad(month)}-${pad(day)}`);
}
