// The timestamp parser against times written by the test itself: a random instant is formatted
// with JS Date arithmetic (the oracle) in each kind's layout, at a random column between random
// text, and must come back as that instant, truncated to the precision written.
import { describe, expect, it } from 'vitest';

import { seededRandom, type SeededRandom } from '../src/shared/seededRandom';
import { createLineIndex, openMapped, parseLineTimes, TIME_KINDS, type TimeFormatSpec, type TimeKind } from './index';
import { expectNativeError, settleScan, tempDirForFile } from './testSupport';

const temp = tempDirForFile('hexlog-time-', { uniqueNames: true });

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const MIN_EPOCH_MS = Date.UTC(2000, 0, 1);
const MAX_EPOCH_MS = Date.UTC(2100, 0, 1);
const pad = (value: number, width = 2): string => String(value).padStart(width, '0');

function spec(kind: TimeKind, fields: Partial<TimeFormatSpec> = {}): TimeFormatSpec {
  return { kind, zoneMinutes: 0, year: 2023, month: 11, maxColumn: 0, ...fields };
}

/** Lines as parseLineTimes takes them: their bytes back to back, and starts (one more than lines). */
function pack(lines: readonly string[]): { bytes: Uint8Array; starts: Uint32Array } {
  const encoded = lines.map((line) => new TextEncoder().encode(line));
  const starts = new Uint32Array(lines.length + 1);
  encoded.forEach((line, i) => (starts[i + 1] = starts[i]! + line.length));
  const bytes = new Uint8Array(starts[lines.length]!);
  encoded.forEach((line, i) => bytes.set(line, starts[i]!));
  return { bytes, starts };
}

function parse(lines: readonly string[], format: TimeFormatSpec): { times: number[]; columns: number[] } {
  const { bytes, starts } = pack(lines);
  const { times, columns } = parseLineTimes(bytes, starts, format);
  return { times: Array.from(times), columns: Array.from(columns) };
}

/** One line's answer: the time, or NaN, and where it starts. */
const timeOf = (line: string, format: TimeFormatSpec): number => parse([line], format).times[0]!;

// ---- The oracle: an instant written in each layout ----------------------------------------------

interface Written {
  readonly text: string;
  /** The instant the text stands for, at the precision written. */
  readonly ms: number;
}

function randomInstant(random: SeededRandom, min = MIN_EPOCH_MS): number {
  return min + Math.floor(random.next() * (MAX_EPOCH_MS - min - 1000)) + random.int(1000);
}

/** The wall clock at `ms` in a zone `zoneMinutes` east of UTC. */
function wall(ms: number, zoneMinutes: number) {
  const d = new Date(ms + zoneMinutes * 60_000);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    clock: `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`,
    millis: d.getUTCMilliseconds(),
  };
}

/** A fraction of 0-9 digits (`.` or `,`), and the instant truncated to what it keeps. */
function fraction(random: SeededRandom, ms: number, separators = '.,'): Written {
  const digits = random.int(10);
  const millis = ms % 1000;
  if (digits === 0) return { text: '', ms: ms - millis };
  let text = pad(millis, 3).slice(0, digits);
  while (text.length < digits) text += String(random.int(10));
  const kept = Math.floor(millis / 10 ** (3 - Math.min(3, digits))) * 10 ** (3 - Math.min(3, digits));
  return { text: separators[random.int(separators.length)]! + text, ms: ms - millis + kept };
}

/** A written zone (or none) for iso and slashed: its text and its minutes east, or null. */
function zone(random: SeededRandom): { text: string; minutes: number | null } {
  const style = random.int(5);
  if (style === 0) return { text: '', minutes: null };
  const space = random.int(3) === 0 ? ' ' : '';
  if (style === 1) return { text: space + (random.int(2) === 0 ? 'Z' : 'z'), minutes: 0 };
  const hours = random.int(24);
  const minutes = style === 4 ? 0 : random.int(60);
  const sign = random.int(2) === 0 ? '+' : '-';
  const east = (sign === '-' ? -1 : 1) * (hours * 60 + minutes);
  const text = [`${pad(hours)}:${pad(minutes)}`, `${pad(hours)}${pad(minutes)}`, `${pad(hours)}`][style - 2];
  return { text: space + sign + text, minutes: east };
}

/** A random instant written in `kind`'s layout; `format` gets the syslog year and month that fit. */
function writeTime(
  random: SeededRandom,
  kind: TimeKind,
  format: { zoneMinutes: number },
): Written & Partial<TimeFormatSpec> {
  // Epoch numbers have 10 digits of seconds or 13 of milliseconds: from 2001-09-09 on.
  const ms = randomInstant(random, kind === 'epoch' || kind === 'json' ? 1e12 : MIN_EPOCH_MS);
  switch (kind) {
    case 'iso':
    case 'slashed': {
      const written = zone(random);
      const w = wall(ms, written.minutes ?? format.zoneMinutes);
      const sep = kind === 'iso' ? '-' : '/';
      const between = kind === 'iso' ? 'T '[random.int(2)] : ' ';
      const frac = fraction(random, ms);
      return {
        text: `${pad(w.year, 4)}${sep}${pad(w.month)}${sep}${pad(w.day)}${between}${w.clock}${frac.text}${written.text}`,
        ms: frac.ms,
      };
    }
    case 'syslog': {
      const w = wall(ms, format.zoneMinutes);
      const day = w.day < 10 ? [` ${w.day}`, pad(w.day), `${w.day}`][random.int(3)]! : String(w.day);
      const frac = fraction(random, ms);
      // The file's mtime: a month at or after the line's in the same year, or before it in the next.
      const fileMonth = 1 + random.int(12);
      const year = fileMonth >= w.month ? w.year : w.year + 1;
      return { text: `${MONTHS[w.month - 1]} ${day} ${w.clock}${frac.text}`, ms: frac.ms, year, month: fileMonth };
    }
    case 'clf': {
      const minutes = random.int(2 * 24 * 60 - 1) - (24 * 60 - 1);
      const w = wall(ms, minutes);
      const z = `${minutes < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(minutes) / 60))}${pad(Math.abs(minutes) % 60)}`;
      return { text: `[${pad(w.day)}/${MONTHS[w.month - 1]}/${w.year}:${w.clock} ${z}]`, ms: ms - (ms % 1000) };
    }
    case 'epoch':
    case 'json': {
      const seconds = Math.floor(ms / 1000);
      if (kind === 'json' && random.int(2) === 0) {
        const written = zone(random);
        const w = wall(ms, written.minutes ?? format.zoneMinutes);
        const frac = fraction(random, ms);
        const text = `${w.year}-${pad(w.month)}-${pad(w.day)}T${w.clock}${frac.text}${written.text}`;
        return { text: `"${text}"`, ms: frac.ms };
      }
      if (random.int(2) === 0) return { text: String(ms), ms };
      const frac = fraction(random, ms, '.');
      return { text: `${seconds}${frac.text}`, ms: frac.ms };
    }
  }
}

/** Text that holds no time of any kind: no digits, no capitals, no brackets, no quotes. */
function filler(random: SeededRandom, length: number): string {
  const chars = 'abcdefghijklmnopqrstuvwxy =:|_';
  let text = '';
  for (let i = 0; i < length; i++) text += chars[random.int(chars.length)];
  return text;
}

/** What may follow a time: a separator, then anything but a zone or a fraction. */
function suffix(random: SeededRandom): string {
  if (random.int(4) === 0) return '';
  return [' ', ']', '\t', '|', ';'][random.int(5)]! + filler(random, random.int(20)).replace(/^[ z]+/, '') + '42';
}

// ---- Tests ----------------------------------------------------------------------------------------

describe('parseLineTimes', () => {
  it('reads each kind at a random column between random text (seeded, against JS Date)', () => {
    const random = seededRandom(20261113);
    for (const kind of TIME_KINDS) {
      for (let round = 0; round < 400; round++) {
        const zoneMinutes = random.int(2 * 1440 + 1) - 1440;
        const maxColumn = random.int(3) === 0 ? 0 : random.int(80);
        const written = writeTime(random, kind, { zoneMinutes });
        const format = spec(kind, {
          zoneMinutes,
          maxColumn,
          ...(written.year === undefined ? {} : { year: written.year, month: written.month }),
        });
        let line: string;
        let column: number;
        if (kind === 'epoch') {
          const bracket = random.int(2) === 0 ? '[' : '';
          line = bracket + written.text + suffix(random);
          column = bracket.length;
        } else if (kind === 'json') {
          const before = random.int(3) === 0 ? '' : `"level":"info","msg":"${filler(random, random.int(30))}",`;
          const key = ['ts', 'time', 'timestamp', '@timestamp'][random.int(4)]!;
          const head = `${' '.repeat(random.int(3))}{${before}"${key}"${' '.repeat(random.int(2))}:${' '.repeat(random.int(2))}`;
          line = `${head}${written.text},"n":1}`;
          column = head.length + (written.text.startsWith('"') ? 1 : 0);
        } else {
          column = random.int(maxColumn + 1);
          const prefix = column === 0 ? '' : filler(random, column - 1) + ' ';
          line = prefix + written.text + suffix(random);
        }
        if (random.int(5) === 0) line += '\r';
        const answer = parse([line], format);
        expect({ kind, line, time: answer.times[0], column: answer.columns[0] }).toEqual({
          kind,
          line,
          time: written.ms,
          column,
        });
      }
    }
  });

  it('answers every line of a batch in order, NaN and -1 for lines without a time, empty lines included', () => {
    const lines = ['2023-11-14T22:13:20Z a', '', 'continuation', '\r', '2023-11-14 22:13:21.5 b'];
    expect(parse(lines, spec('iso'))).toEqual({
      times: [Date.UTC(2023, 10, 14, 22, 13, 20), NaN, NaN, NaN, Date.UTC(2023, 10, 14, 22, 13, 21, 500)],
      columns: [0, -1, -1, -1, 0],
    });
    expect(parse([], spec('iso'))).toEqual({ times: [], columns: [] });
    const { times } = parseLineTimes(new Uint8Array(0), new Uint32Array(0), spec('iso'));
    expect(times.length).toBe(0);
  });

  it('answers a batch as it answers each line alone, lines sharing a date and minute included (seeded)', () => {
    const random = seededRandom(31);
    const minutes = [
      '2023-11-14T22:13',
      '2023-11-14 22:13',
      '2023-11-14T22:14',
      '2024-02-29T00:00',
      '2023/11/14 22:13',
    ];
    const tails = [':20Z', ':20', ':59.999+01:00', ':60', ':2', ':20.5 x', ':201', ':20Zulu', ':20 -0530', '', ':00,1'];
    const lines = Array.from(
      { length: 3000 },
      () =>
        `${random.int(8) === 0 ? 'x ' : ''}${minutes[random.int(minutes.length)]}${tails[random.int(tails.length)]}`,
    );
    for (const kind of ['iso', 'slashed', 'json'] as const) {
      const format = spec(kind, { maxColumn: 2, zoneMinutes: 90 });
      const batch = kind === 'json' ? lines.map((line) => `{"ts":"${line}"}`) : lines;
      const alone = batch.map((line) => parse([line], format));
      expect(parse(batch, format)).toEqual({
        times: alone.map((answer) => answer.times[0]),
        columns: alone.map((answer) => answer.columns[0]),
      });
    }
  });

  it('finds nothing in random bytes (seeded)', () => {
    const random = seededRandom(7);
    const lines = Array.from({ length: 2000 }, () =>
      Buffer.from(random.bytes(random.int(120)))
        .toString('latin1')
        .replace(/\n/g, ''),
    );
    const { bytes, starts } = packLatin1(lines);
    for (const kind of TIME_KINDS) {
      const { times } = parseLineTimes(bytes, starts, spec(kind, { maxColumn: 1024 }));
      expect({ kind, timed: times.filter((t) => !Number.isNaN(t)).length }).toEqual({ kind, timed: 0 });
    }
  });

  it('rejects near misses: impossible dates and clocks, digits glued on, broken zones', () => {
    const misses: Record<TimeKind, string[]> = {
      iso: [
        '2023-02-30T00:00:00Z',
        '2023-02-29 12:00:00',
        '2100-02-29 12:00:00',
        '2023-13-01T00:00:00',
        '2023-00-10T00:00:00',
        '2023-11-00T00:00:00',
        '2023-04-31T00:00:00',
        '2023-11-14T24:00:00',
        '2023-11-14T23:60:00',
        '2023-11-14T23:59:60',
        '2023-11-14T22:13:201',
        '2023-11-14T22:13:20.1234567891',
        '2023-11-14T22:13',
        '2023-11-14T22:13:20Zulu',
        '2023-11-14T22:13:20+2400',
        '2023-11-14T22:13:20+05:61',
        '2023-11-14T22:13:20+05001',
        '2023-11-14T22:13:20-5',
        '2023-11-14X22:13:20',
        '2023-11-14  22:13:20',
        '12023-11-14T22:13:20Z',
        'x2023-11-14T22:13:20Z',
        '2023-1-14T22:13:20Z',
        '2023-11-14t22:13:20Z',
      ],
      syslog: [
        'Nov 31 00:00:00',
        'Feb 30 10:00:00',
        'nov 14 22:13:20',
        'NOV 14 22:13:20',
        'Nov 14 24:13:20',
        'Nov 14 22:13:201',
        'Nov 14 22:13',
        'Foo 14 22:13:20',
        'Nov  14 22:13:20',
        'xNov 14 22:13:20',
      ],
      clf: [
        '[14/Nov/2023:22:13:20]',
        '[14/Nov/2023:22:13:20 +000]',
        '[31/Nov/2023:22:13:20 +0000]',
        '[14/Nov/2023 22:13:20 +0000]',
        '[14/nov/2023:22:13:20 +0000]',
        '[4/Nov/2023:22:13:20 +0000]',
        '[14/Nov/2023:22:13:20 +0000',
        '[14/Nov/2023:22:13:20 +2400]',
      ],
      slashed: ['2023/02/30 00:00:00', '2023/11/14T22:13:20', '2023/11/14 22:13:201', '2023/11/14 25:00:00'],
      epoch: [
        '999999999 x',
        '17000000001 x',
        '170000000012 x',
        '17000000001234 x',
        '1700000000x',
        '1700000000.1234567891',
        '4102444801',
        '0946684799',
        ' 1700000000',
        'x1700000000',
        '[[1700000000]',
      ],
      json: [
        '{"ts": "yesterday"}',
        '{"tsx": 1700000000}',
        '{"msg": "ts", "n": 1700000000}',
        '{"msg": "say \\"ts\\": 1700000000"}',
        '[{"ts": 1700000000}]',
        'x {"ts": 1700000000}',
        '{"ts": 170000000}',
        '{"ts": -1700000000}',
        '{"ts": 1.7e9}',
        `{"msg": "${'a'.repeat(5000)}", "ts": 1700000000}`,
        '{"time": "2023-02-30T00:00:00Z"}',
        '{"ts" 1700000000}',
      ],
    };
    for (const kind of TIME_KINDS) {
      const { times } = parse(misses[kind], spec(kind, { maxColumn: 100 }));
      expect({ kind, parsed: misses[kind].filter((_, i) => !Number.isNaN(times[i])) }).toEqual({ kind, parsed: [] });
    }
  });

  it('knows leap years, including 2000 and 2100', () => {
    expect(timeOf('2024-02-29T12:00:00Z', spec('iso'))).toBe(Date.UTC(2024, 1, 29, 12));
    expect(timeOf('2000-02-29 00:00:00', spec('iso'))).toBe(Date.UTC(2000, 1, 29));
    expect(timeOf('2100-02-28 23:59:59', spec('iso'))).toBe(Date.UTC(2100, 1, 28, 23, 59, 59));
    expect(timeOf('2100-02-29 00:00:00', spec('iso'))).toBeNaN();
    expect(timeOf('2196-02-29/00:00:00', spec('iso'))).toBeNaN();
    expect(timeOf('2196/02/29 00:00:00', spec('slashed'))).toBe(Date.UTC(2196, 1, 29));
    expect(timeOf('1970-01-01T00:00:00Z', spec('iso'))).toBe(0);
    expect(timeOf('1969-12-31T23:59:59.999Z', spec('iso'))).toBe(-1);
    expect(timeOf('Feb 29 10:00:00', spec('syslog', { year: 2024, month: 3 }))).toBe(Date.UTC(2024, 1, 29, 10));
    expect(timeOf('Feb 29 10:00:00', spec('syslog', { year: 2023, month: 3 }))).toBeNaN();
    // February is after the file's January: of the year before, 2024, a leap year.
    expect(timeOf('Feb 29 10:00:00', spec('syslog', { year: 2025, month: 1 }))).toBe(Date.UTC(2024, 1, 29, 10));
  });

  it('gives a syslog line of a month after the file mtime the year before', () => {
    const format = spec('syslog', { year: 2024, month: 1, zoneMinutes: 60 });
    expect(parse(['Dec 31 23:59:59 host a', 'Jan  1 00:00:01 host b'], format).times).toEqual([
      Date.UTC(2023, 11, 31, 22, 59, 59),
      Date.UTC(2023, 11, 31, 23, 0, 1),
    ]);
    expect(timeOf('Dec 31 23:59:59', spec('syslog', { year: 2024, month: 12 }))).toBe(
      Date.UTC(2024, 11, 31, 23, 59, 59),
    );
  });

  it('applies zoneMinutes only to times written without a zone', () => {
    const format = spec('iso', { zoneMinutes: -300 });
    expect(parse(['2023-11-14 10:00:00', '2023-11-14 10:00:00Z', '2023-11-14 10:00:00 +01'], format).times).toEqual([
      Date.UTC(2023, 10, 14, 15),
      Date.UTC(2023, 10, 14, 10),
      Date.UTC(2023, 10, 14, 9),
    ]);
    // Epoch numbers are UTC whatever the zone; clf carries its own.
    expect(timeOf('1700000000', spec('epoch', { zoneMinutes: 600 }))).toBe(1_700_000_000_000);
    expect(timeOf('[14/Nov/2023:22:13:20 -0130] x', spec('clf', { zoneMinutes: 600 }))).toBe(
      Date.UTC(2023, 10, 14, 23, 43, 20),
    );
  });

  it('respects maxColumn: a time may start at maxColumn, not after it', () => {
    const line = 'abc 2023-11-14T22:13:20Z';
    expect(parse([line], spec('iso', { maxColumn: 4 })).columns).toEqual([4]);
    expect(parse([line], spec('iso', { maxColumn: 3 })).columns).toEqual([-1]);
    expect(parse([line], spec('iso', { maxColumn: 0 })).columns).toEqual([-1]);
    expect(parse(['host [14/Nov/2023:22:13:20 +0000]'], spec('clf', { maxColumn: 5 })).columns).toEqual([5]);
    // The first column that parses wins.
    expect(parse(['a 2023-11-14T22:13:20Z 2024-01-01T00:00:00Z'], spec('iso', { maxColumn: 100 })).times).toEqual([
      Date.UTC(2023, 10, 14, 22, 13, 20),
    ]);
  });

  it('ends a line at a CR before its end, and at a LF left in the bytes', () => {
    const format = spec('iso');
    expect(
      parse(['2023-11-14T22:13:20\r', '2023-11-14T22:13:20Z\r\n', '2023-11-14T22:13:20.5\n'], format).times,
    ).toEqual([
      Date.UTC(2023, 10, 14, 22, 13, 20),
      Date.UTC(2023, 10, 14, 22, 13, 20),
      Date.UTC(2023, 10, 14, 22, 13, 20, 500),
    ]);
    expect(timeOf('1700000000\r', spec('epoch'))).toBe(1_700_000_000_000);
    expect(timeOf('Nov 14 22:13:20\r', spec('syslog'))).toBe(Date.UTC(2023, 10, 14, 22, 13, 20));
  });

  it('parses a line index slice as it comes: its bytes and textStarts', async () => {
    const path = temp.makeFile('slice.log', '2023-11-14T22:13:20Z a\r\nnothing\n\n2023-11-14T22:13:21Z b');
    const file = openMapped(path, 'readonly');
    const index = createLineIndex(file, 'utf-8');
    try {
      await settleScan(index, 'line index');
      const slice = index.readLines(0, 4, 1000);
      const { times } = parseLineTimes(slice.bytes, slice.textStarts, spec('iso'));
      expect(Array.from(times)).toEqual([
        Date.UTC(2023, 10, 14, 22, 13, 20),
        NaN,
        NaN,
        Date.UTC(2023, 10, 14, 22, 13, 21),
      ]);
    } finally {
      index.dispose();
      file.close();
    }
  });

  it('refuses bad arguments with EINVAL and oversized batches with ERANGE', () => {
    const { bytes, starts } = pack(['a', 'b']);
    const bad: unknown[] = [
      { ...spec('iso'), kind: 'rfc' },
      { ...spec('iso'), zoneMinutes: 1441 },
      { ...spec('iso'), zoneMinutes: 1.5 },
      { ...spec('iso'), year: 1969 },
      { ...spec('iso'), year: 2201 },
      { ...spec('iso'), month: 0 },
      { ...spec('iso'), month: 13 },
      { ...spec('iso'), maxColumn: 1025 },
      { ...spec('iso'), maxColumn: -1 },
      { ...spec('iso'), maxColumn: '4' },
      null,
    ];
    for (const format of bad)
      expectNativeError(() => parseLineTimes(bytes, starts, format as TimeFormatSpec), 'EINVAL');
    expectNativeError(() => parseLineTimes(bytes, Uint32Array.from([0, 2, 1]), spec('iso')), 'EINVAL');
    expectNativeError(() => parseLineTimes(bytes, Uint32Array.from([0, 1, 3]), spec('iso')), 'EINVAL');
    expectNativeError(() => parseLineTimes(bytes, [0, 1, 2] as unknown as Uint32Array, spec('iso')), 'EINVAL');
    expectNativeError(() => parseLineTimes('ab' as unknown as Uint8Array, starts, spec('iso')), 'EINVAL');
    expectNativeError(() => parseLineTimes(bytes, new Uint32Array(2 ** 20 + 2), spec('iso')), 'ERANGE');
  });
});

/** pack for byte strings: each char one byte. */
function packLatin1(lines: readonly string[]): { bytes: Uint8Array; starts: Uint32Array } {
  const starts = new Uint32Array(lines.length + 1);
  lines.forEach((line, i) => (starts[i + 1] = starts[i]! + line.length));
  const bytes = new Uint8Array(Buffer.from(lines.join(''), 'latin1'));
  return { bytes, starts };
}
