// What a person types into "Go to line" and "Go to offset", read the way the view shows numbers.
import { offsetText, plural } from '../../format';

export type Target = { readonly ok: true; readonly value: number } | { readonly ok: false; readonly message: string };

const refuse = (message: string): Target => ({ ok: false, message });

/** Digit-group separators people paste: commas, spaces (also no-break and thin), underscores, apostrophes. */
const SEPARATORS = /[,\s\u00a0\u202f_']/g;

/**
 * A 1-based line as shown in the gutter (`1,000`, `1 000`), or `+N` / `-N` lines from `current`
 * (0-based). Answers the 0-based line. A line past the lines known is refused only once indexing
 * is done (the caller waits for it otherwise).
 */
export function parseLineTarget(
  text: string,
  where: { readonly current: number; readonly linesKnown: number; readonly done: boolean },
): Target {
  const shown = text.trim();
  const match = /^([+-]?)(\d[\d,\s\u00a0\u202f_']*)$/.exec(shown);
  if (match === null) return refuse(`"${shown}" is not a line number: type a whole number from 1, or +/- a count.`);
  const count = Number(match[2]!.replace(SEPARATORS, ''));
  if (!Number.isSafeInteger(count)) return refuse(`"${shown}" is too large to be a line number.`);
  const line = match[1] === '+' ? where.current + count : match[1] === '-' ? where.current - count : count - 1;
  if (line < 0) {
    return refuse(
      match[1] === '-'
        ? `${plural(count, 'line')} back from line ${(where.current + 1).toLocaleString('en-US')} is before the first line.`
        : `Line ${shown} is out of range: lines start at 1.`,
    );
  }
  if (where.done && line >= where.linesKnown) {
    return refuse(
      `Line ${(line + 1).toLocaleString('en-US')} is out of range: the file has ${plural(where.linesKnown, 'line')}.`,
    );
  }
  return { ok: true, value: line };
}

/**
 * A byte offset as the offset column shows it: with offsets in hex, bare digits are hex (`00000100`
 * is 0x100); `0x1F`, `0X1F`, `1Fh` and `ff` are hex in either base; `#256` is decimal, and so are bare
 * digits with offsets in decimal. `+N` / `-N` move from `cursor`.
 */
export function parseOffsetTarget(
  text: string,
  where: { readonly base: 'hex' | 'dec'; readonly cursor: number; readonly size: number },
): Target {
  const shown = text.trim();
  const match = /^([+-]?)\s*(.+)$/.exec(shown);
  if (shown === '' || match === null) return refuse('Type an offset: 0x1F, 1Fh, #31, or +/- a distance.');
  const number = readNumber(match[2]!.replace(SEPARATORS, ''), where.base);
  if (number === null) {
    return refuse(
      `"${shown}" is not an offset: type ${where.base === 'hex' ? 'hex digits (00000100, 0x100, 100h) or #decimal' : 'a decimal number or hex (0x100, 100h)'}, or +/- a distance.`,
    );
  }
  if (!Number.isSafeInteger(number)) return refuse(`"${shown}" is too large to be an offset.`);
  const target = match[1] === '+' ? where.cursor + number : match[1] === '-' ? where.cursor - number : number;
  if (where.size === 0) return refuse('The file is empty: there is no offset to go to.');
  if (target < 0) {
    return refuse(`Offset ${offsetText(target, where.base)} is before the start of the file: offsets start at 0.`);
  }
  if (target >= where.size) {
    return refuse(
      `Offset ${offsetText(target, where.base)} is past the end of the file: it has ${plural(where.size, 'byte')}, the last at ${offsetText(where.size - 1, where.base)}.`,
    );
  }
  return { ok: true, value: target };
}

function readNumber(digits: string, base: 'hex' | 'dec'): number | null {
  let match: RegExpExecArray | null;
  if ((match = /^0x([0-9a-f]+)$/i.exec(digits)) !== null) return parseInt(match[1]!, 16);
  if ((match = /^([0-9a-f]+)h$/i.exec(digits)) !== null) return parseInt(match[1]!, 16);
  if ((match = /^#(\d+)$/.exec(digits)) !== null) return Number(match[1]);
  if (/^\d+$/.test(digits)) return base === 'hex' ? parseInt(digits, 16) : Number(digits);
  // Hex letters can only mean hex, whichever base the column shows.
  if (/^[0-9a-f]+$/i.test(digits)) return parseInt(digits, 16);
  return null;
}
