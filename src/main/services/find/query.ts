// Turns what the user typed into a search plan: bytes (with a wildcard mask) for the native engine,
// or a JavaScript regular expression run line by line. Every bad pattern is a message, not a throw.
import type { FindQuery, TextEncodingName } from '../../../shared/contract';
import { err, ok, type Result } from '../../../shared/result';

export const MAX_PATTERN_BYTES = 4096;

export interface BytePlan {
  readonly kind: 'bytes';
  readonly bytes: Uint8Array;
  /** 0x00 where any byte matches (hex ??), 0xFF elsewhere; undefined when there is no wildcard. */
  readonly mask: Uint8Array | undefined;
  readonly caseInsensitive: boolean;
  readonly wholeWord: boolean;
}

export interface RegexPlan {
  readonly kind: 'regex';
  readonly source: string;
  readonly flags: string;
  /** A literal every match must contain: searched natively first, the regex runs only on its lines. */
  readonly literal: string | null;
}

/** One piece of a pattern: a character it must match, or anything else (class, group, assertion…). */
type Atom = { readonly char: string; readonly end: number } | { readonly char: null; readonly end: number };

const isHex = (text: string): boolean => /^[0-9A-Fa-f]+$/.test(text);

/** Where the class starting at pattern[start] === '[' ends (index after its ']'). */
function classEnd(pattern: string, start: number): number {
  let i = start + 1;
  if (pattern[i] === '^') i++;
  for (; i < pattern.length && pattern[i] !== ']'; i++) if (pattern[i] === '\\') i++;
  return i + 1;
}

/** Where the group starting at pattern[start] === '(' ends (index after its ')'). */
function groupEnd(pattern: string, start: number): number {
  let depth = 0;
  for (let i = start; i < pattern.length; i++) {
    const char = pattern[i];
    if (char === '\\') i++;
    else if (char === '[') i = classEnd(pattern, i) - 1;
    else if (char === '(') depth++;
    else if (char === ')' && --depth === 0) return i + 1;
  }
  return pattern.length;
}

/** The escape at pattern[start] === '\\' as the one character it always matches, or null. */
function escapeAtom(pattern: string, start: number): Atom {
  const next = pattern[start + 1] ?? '';
  const simple: Record<string, string> = { t: '\t', n: '\n', v: '\v', f: '\f', r: '\r' };
  if (next in simple) return { char: simple[next]!, end: start + 2 };
  if (next === 'x') {
    const hex = pattern.slice(start + 2, start + 4);
    return hex.length === 2 && isHex(hex)
      ? { char: String.fromCharCode(parseInt(hex, 16)), end: start + 4 }
      : { char: null, end: start + 2 };
  }
  if (next === 'u') {
    // Without the u flag, \u{…} is not a code point escape; only \uHHHH is.
    const hex = pattern.slice(start + 2, start + 6);
    return hex.length === 4 && isHex(hex)
      ? { char: String.fromCharCode(parseInt(hex, 16)), end: start + 6 }
      : { char: null, end: start + 2 };
  }
  if (next === 'c') {
    const letter = pattern[start + 2] ?? '';
    return /^[A-Za-z]$/.test(letter)
      ? { char: String.fromCharCode(letter.charCodeAt(0) % 32), end: start + 3 }
      : { char: null, end: start + 2 };
  }
  if (next === '0' && !/^[0-9]$/.test(pattern[start + 2] ?? '')) return { char: '\0', end: start + 2 };
  // A back-reference or a legacy octal escape (\1, \12, \101, \012): all its digits belong to it.
  if (/^[0-9]$/.test(next)) {
    let end = start + 2;
    while (/^[0-9]$/.test(pattern[end] ?? '')) end++;
    return { char: null, end };
  }
  // \k<name>: a named back-reference (with named groups); its name is not text to find.
  if (next === 'k' && pattern[start + 2] === '<') {
    const close = pattern.indexOf('>', start + 3);
    return { char: null, end: close < 0 ? start + 2 : close + 1 };
  }
  // Classes (\d \w \s …), assertions (\b \B), back-references, \k<…>, \p{…} and identity escapes of
  // letters or digits: not a literal we can rely on.
  if (next === '' || /[A-Za-z0-9]/.test(next)) return { char: null, end: start + 2 };
  return { char: next, end: start + 2 };
}

/**
 * The quantifier at pattern[start], if any: the fewest times it lets the atom occur, whether that
 * is also the most (`{3}`), and where it ends.
 */
function quantifierAt(pattern: string, start: number): { min: number; exact: boolean; end: number } | null {
  const char = pattern[start];
  let end: number;
  let min: number;
  let exact = false;
  if (char === '*' || char === '?') {
    min = 0;
    end = start + 1;
  } else if (char === '+') {
    min = 1;
    end = start + 1;
  } else if (char === '{') {
    const match = /^\{(\d+)(,(\d*))?\}/.exec(pattern.slice(start));
    if (match === null) return null;
    min = Number(match[1]);
    exact = match[2] === undefined || match[3] === match[1];
    end = start + match[0].length;
  } else {
    return null;
  }
  if (pattern[end] === '?') end++; // lazy: the counts stay
  return { min, exact, end };
}

/** Repeats of one character a quantifier may add to a literal (beyond, the run just ends). */
const MAX_LITERAL_REPEAT = 64;

/**
 * The longest literal that every match of a JavaScript regex (no u flag) must contain, or null when
 * there is none we can be sure of (alternation at the top level, only classes and escapes). Runs of
 * characters outside groups and classes, escapes decoded (\xHH, \uHHHH, \cX, \0, \t…); a quantifier
 * that allows zero drops its atom, an exact count repeats it (`0{4}` is `0000`, and the run goes
 * on), and one that allows more adds its fewest repeats and ends the run after them.
 */
export function requiredLiteral(pattern: string): string | null {
  let best = '';
  let run = '';
  const endRun = (): void => {
    if (run.length > best.length) best = run;
    run = '';
  };
  for (let i = 0; i < pattern.length;) {
    const char = pattern[i]!;
    if (char === '|') return null;
    let atom: Atom;
    if (char === '\\') atom = escapeAtom(pattern, i);
    else if (char === '[') atom = { char: null, end: classEnd(pattern, i) };
    else if (char === '(') atom = { char: null, end: groupEnd(pattern, i) };
    else if ('.^$)]{}*+?'.includes(char)) atom = { char: null, end: i + 1 };
    else atom = { char, end: i + 1 };
    const quantifier = quantifierAt(pattern, atom.end);
    i = quantifier?.end ?? atom.end;
    if (atom.char === null || quantifier?.min === 0) {
      endRun();
      continue;
    }
    if (quantifier === null) {
      run += atom.char;
      continue;
    }
    run += atom.char.repeat(Math.min(quantifier.min, MAX_LITERAL_REPEAT));
    if (!quantifier.exact || quantifier.min > MAX_LITERAL_REPEAT) endRun();
  }
  endRun();
  return best.length >= 2 ? best : null;
}

export type SearchPlan = BytePlan | RegexPlan;

/**
 * A text query as a regex plan, for the engine that reads through pending edits: the pattern
 * escaped, Match case and Whole word as flags and \b.
 */
export function literalRegexPlan(query: FindQuery): RegexPlan {
  const escaped = query.pattern.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
  return {
    kind: 'regex',
    source: query.wholeWord ? `\\b(?:${escaped})\\b` : escaped,
    flags: query.matchCase ? 'g' : 'gi',
    literal: null,
  };
}

/** The bytes of `text` in the file's encoding, or why it cannot occur there. */
export function encodeText(text: string, encoding: TextEncodingName): Result<Uint8Array> {
  switch (encoding) {
    case 'utf-8':
      return ok(new TextEncoder().encode(text));
    case 'latin1': {
      const out = new Uint8Array(text.length);
      for (let i = 0; i < text.length; i++) {
        const code = text.charCodeAt(i);
        if (code > 0xff)
          return err('EINVAL', `"${text[i]}" cannot be written in Latin-1, so it cannot occur in this file.`);
        out[i] = code;
      }
      return ok(out);
    }
    case 'utf-16le':
    case 'utf-16be': {
      const out = new Uint8Array(text.length * 2);
      const view = new DataView(out.buffer);
      for (let i = 0; i < text.length; i++) view.setUint16(2 * i, text.charCodeAt(i), encoding === 'utf-16le');
      return ok(out);
    }
  }
}

/** Parses "DE AD ?? EF" (spaces optional, ?? or ? as a wildcard byte). */
export function parseHexPattern(pattern: string): Result<{ bytes: Uint8Array; mask: Uint8Array | undefined }> {
  const tokens = pattern
    .replace(/0x/gi, ' ')
    .trim()
    .split(/[\s,:]+/)
    .flatMap((token) => (/^[0-9a-fA-F]+$/.test(token) && token.length > 2 ? (token.match(/.{1,2}/g) ?? []) : [token]))
    .filter((token) => token.length > 0);
  if (tokens.length === 0) return err('EINVAL', 'Type hex bytes to find, e.g. DE AD ?? EF.');
  const bytes = new Uint8Array(tokens.length);
  const mask = new Uint8Array(tokens.length).fill(0xff);
  let wildcards = 0;
  for (const [i, token] of tokens.entries()) {
    if (token === '??' || token === '?') {
      mask[i] = 0;
      wildcards++;
    } else if (/^[0-9a-fA-F]{2}$/.test(token)) {
      bytes[i] = parseInt(token, 16);
    } else {
      return err('EINVAL', `"${token}" is not a hex byte: use two hex digits per byte, or ?? for any byte.`);
    }
  }
  if (wildcards === tokens.length) return err('EINVAL', 'A hex pattern needs at least one byte that is not ??.');
  return ok({ bytes, mask: wildcards > 0 ? mask : undefined });
}

export function planSearch(query: FindQuery, encoding: TextEncodingName): Result<SearchPlan> {
  if (query.pattern.length === 0) return err('EINVAL', 'Type something to find.');
  if (query.mode === 'hex') {
    const parsed = parseHexPattern(query.pattern);
    if (!parsed.ok) return parsed;
    if (parsed.value.bytes.length > MAX_PATTERN_BYTES) {
      return err('EINVAL', `A pattern may have at most ${MAX_PATTERN_BYTES} bytes.`);
    }
    return ok({ kind: 'bytes', ...parsed.value, caseInsensitive: false, wholeWord: false });
  }
  if (query.mode === 'regex') {
    const source = query.wholeWord ? `\\b(?:${query.pattern})\\b` : query.pattern;
    const flags = query.matchCase ? 'g' : 'gi';
    try {
      new RegExp(source, flags);
    } catch (error) {
      // V8's message already starts "Invalid regular expression: /…/g: reason".
      const reason = (error instanceof Error ? error.message : String(error)).replace(
        /^Invalid regular expression: /,
        '',
      );
      return err('EINVAL', `Invalid regular expression: ${reason}`);
    }
    return ok({ kind: 'regex', source, flags, literal: requiredLiteral(query.pattern) });
  }
  const bytes = encodeText(query.pattern, encoding);
  if (!bytes.ok) return bytes;
  if (bytes.value.length > MAX_PATTERN_BYTES)
    return err('EINVAL', `A pattern may have at most ${MAX_PATTERN_BYTES} bytes.`);
  const utf16 = encoding === 'utf-16le' || encoding === 'utf-16be';
  return ok({
    kind: 'bytes',
    bytes: bytes.value,
    mask: undefined,
    caseInsensitive: !query.matchCase,
    wholeWord: query.wholeWord && !utf16,
  });
}
