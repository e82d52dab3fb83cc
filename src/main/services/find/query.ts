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

const quantifierStart = /^(?:[?*]|\{0)/;

/**
 * The longest literal that every match of a JavaScript regex must contain, or null when there is
 * none we can be sure of (alternation at the top level, or only classes and escapes). Conservative:
 * only runs of plain characters outside groups and classes, minus any that a quantifier makes optional.
 */
export function requiredLiteral(pattern: string): string | null {
  let depth = 0;
  let best = '';
  let run = '';
  const endRun = (): void => {
    if (run.length > best.length) best = run;
    run = '';
  };
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i]!;
    const rest = pattern.slice(i + 1);
    if (char === '\\') {
      const next = pattern[i + 1] ?? '';
      i++;
      if (depth === 0 && /[^A-Za-z0-9]/.test(next) && next !== '') {
        if (quantifierStart.test(pattern.slice(i + 1))) endRun();
        else run += next;
      } else {
        endRun();
        if (/[1-9kpPu]/.test(next)) return best.length > 0 ? best : null;
      }
      continue;
    }
    if (char === '[') {
      endRun();
      for (i++; i < pattern.length && pattern[i] !== ']'; i++) if (pattern[i] === '\\') i++;
      continue;
    }
    if (char === '(') {
      endRun();
      depth++;
      continue;
    }
    if (char === ')') {
      depth = Math.max(0, depth - 1);
      endRun();
      continue;
    }
    if (char === '|') {
      if (depth === 0) return null;
      continue;
    }
    if (depth > 0) continue;
    if ('.^$*+?{}'.includes(char)) {
      endRun();
      continue;
    }
    if (quantifierStart.test(rest)) {
      endRun();
      continue;
    }
    run += char;
    if (rest.startsWith('+')) endRun();
  }
  endRun();
  return best.length >= 2 ? best : null;
}

export type SearchPlan = BytePlan | RegexPlan;

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
      return err('EINVAL', `Invalid regular expression: ${error instanceof Error ? error.message : String(error)}`);
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
