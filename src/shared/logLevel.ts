// The severity of one decoded log line, for colouring rows. Runs for every visible row on every
// render, so it is one precompiled regular expression over a bounded prefix and a few table lookups.

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug';

/** Only this many characters of a line are examined. */
export const LEVEL_SCAN_CHARS = 512;
/** A bare upper-case word counts only when it starts within this many characters. */
export const LEVEL_PLAIN_WORD_CHARS = 200;

// Lower-case spelling → level. Bare upper-case words use only the first group; key=value, JSON and
// brackets also accept the short and framework-specific spellings (Serilog, log15, .NET, OTel).
const plainWords: Readonly<Record<string, LogLevel>> = {
  fatal: 'fatal',
  critical: 'fatal',
  crit: 'fatal',
  emerg: 'fatal',
  emergency: 'fatal',
  alert: 'fatal',
  panic: 'fatal',
  error: 'error',
  err: 'error',
  severe: 'error',
  warn: 'warn',
  warning: 'warn',
  info: 'info',
  notice: 'info',
  debug: 'debug',
  trace: 'debug',
  verbose: 'debug',
};
const structuredWords: Readonly<Record<string, LogLevel>> = {
  ...plainWords,
  ftl: 'fatal',
  eror: 'error',
  wrn: 'warn',
  information: 'info',
  inf: 'info',
  dbg: 'debug',
  dbug: 'debug',
  vrb: 'debug',
};
const structuredLevel: ReadonlyMap<string, LogLevel> = new Map(Object.entries(structuredWords));

// One letter of glog/klog (I W E F) or Android logcat (V D I W E F A).
const letterLevel: Readonly<Record<string, LogLevel>> = {
  V: 'debug',
  D: 'debug',
  I: 'info',
  W: 'warn',
  E: 'error',
  F: 'fatal',
  A: 'fatal',
};

const byLengthDescending = (a: string, b: string): number => b.length - a.length;
/** `level` → `[Ll][Ee][Vv][Ee][Ll]`: case-insensitive in part of a regex that is otherwise case-sensitive. */
const anyCase = (word: string): string =>
  word.replace(/[a-z]/g, (letter) => `[${letter.toUpperCase()}${letter}]`).replace(/\./g, '\\.');
const anyCaseAlternation = (words: readonly string[]): string =>
  `(?:${[...words].sort(byLengthDescending).map(anyCase).join('|')})`;

const keys = anyCaseAlternation([
  'level',
  'lvl',
  'severity',
  'loglevel',
  'log_level',
  'log.level',
  'levelname',
  'severitytext',
  'severity_text',
  '@l',
]);
const structuredWord = anyCaseAlternation(Object.keys(structuredWords));
const plainWord = `(?:${Object.keys(plainWords)
  .sort(byLengthDescending)
  .map((word) => word.toUpperCase())
  .join('|')})`;
const logcatTime = String.raw`(?:\d{4}-)?\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}`;

// Alternatives in the order tried at one position; the leftmost match in the line wins. Groups:
//  1 syslog PRI          <134>…
//  2 glog/klog letter    E1114 22:13:20.123 …
//  3 logcat brief/time   [11-14 22:13:20.123 ]E/Tag( 123): …
//  4 logcat threadtime   11-14 22:13:20.123  123  456 E Tag: …
//  5,6 quotes, 7 word, 8 number   "level": "error" | 'lvl': 'warn' | "level":50
//  9 quote, 10 word      level=error | lvl="warn"
//  11 word               [ERROR] | [core:warn] | [12:00:01 INF] | <error>
//  12 word               a bare upper-case ERROR
const levelPattern = new RegExp(
  [
    String.raw`^<(\d{1,3})>`,
    String.raw`^([IWEF])(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01]) +\d\d:\d\d:\d\d`,
    String.raw`^(?:${logcatTime} +)?([VDIWEFA])\/[\w.$-]{1,64}(?:\( *\d+\))?: `,
    String.raw`^${logcatTime} +\d+ +\d+ +([VDIWEFA]) `,
    String.raw`(["'])${keys}\5\s*:\s*(?:(["'])(${structuredWord})\6|(\d{1,3})(?![\d.]))`,
    String.raw`(?<![\w.@-])${keys}=(["']?)(${structuredWord})\9(?![\w-])`,
    String.raw`[[<] *(?:[\w-]+:|[\d:.,+-]+ +)?(${structuredWord}) *[\]>]`,
    String.raw`(?<![\w.-])(${plainWord})(?![\w=-])`,
  ].join('|'),
  'g',
);

/** Bunyan and pino numbers: 10 trace, 20 debug, 30 info, 40 warn, 50 error, 60 fatal; below 10 is not one. */
function numericLevel(digits: string): LogLevel | null {
  const value = Number(digits);
  if (value < 10) return null;
  if (value < 30) return 'debug';
  if (value < 40) return 'info';
  if (value < 50) return 'warn';
  if (value < 60) return 'error';
  return 'fatal';
}

/** Syslog PRI = facility * 8 + severity; severity 0-2 emerg/alert/crit, 3 err, 4 warning, 5-6 notice/info, 7 debug. */
function syslogLevel(digits: string): LogLevel | null {
  const pri = Number(digits);
  if (pri > 191) return null;
  const severity = pri % 8;
  if (severity <= 2) return 'fatal';
  if (severity === 3) return 'error';
  if (severity === 4) return 'warn';
  if (severity <= 6) return 'info';
  return 'debug';
}

function levelOfMatch(match: RegExpExecArray): LogLevel | null {
  if (match[1] !== undefined) return syslogLevel(match[1]);
  const letter = match[2] ?? match[3] ?? match[4];
  if (letter !== undefined) return letterLevel[letter] ?? null;
  if (match[8] !== undefined) return numericLevel(match[8]);
  const word = match[7] ?? match[10] ?? match[11];
  if (word !== undefined) return structuredLevel.get(word.toLowerCase()) ?? null;
  const plain = match[12];
  if (plain !== undefined && match.index < LEVEL_PLAIN_WORD_CHARS)
    return structuredLevel.get(plain.toLowerCase()) ?? null;
  return null;
}

/**
 * The level of one log line, or null when it shows none. The first level found in the line wins, not
 * the most severe; lower-case words count only in structured forms, so "an error occurred" in prose
 * does not make a line an error.
 */
export function levelOf(text: string): LogLevel | null {
  const prefix = text.length > LEVEL_SCAN_CHARS ? text.slice(0, LEVEL_SCAN_CHARS) : text;
  levelPattern.lastIndex = 0;
  for (let match = levelPattern.exec(prefix); match !== null; match = levelPattern.exec(prefix)) {
    const level = levelOfMatch(match);
    if (level !== null) return level;
  }
  return null;
}
