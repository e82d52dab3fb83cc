// A JavaScript regex source (no u flag, as the find bar builds it) rewritten in PCRE2 syntax with
// the same meaning over one line, or null where the two engines would differ and the JavaScript
// engine must run it. The addon compiles with MULTILINE, NEWLINE_LF, ALT_BSUX (\uHHHH, \xHH) and
// ALLOW_EMPTY_CLASS ([] and [^]), so most of the syntax carries over unchanged. Rewritten:
// - `$` → `(?=\r?$)`: the JavaScript engine drops the CR of CR LF, PCRE2 sees it.
// - `.` → `[^\n\r\u2028\u2029]`: JavaScript's dot (PCRE2's dot would take a CR).
// - `\s`, `\S` (UTF-8): JavaScript's white space includes the Unicode spaces PCRE2's \s lacks.
// - identity escapes of letters (`\a`, `\e`, `\p`, …): the letter, as JavaScript reads them.
// - `\W`, `\D` → `[^\w]`, `[^\d]`: works around a PCRE2 10.42 JIT bug with invalid-UTF mode.
// - `[` inside a class (PCRE2 would read `[:alpha:]`), `{` that is no quantifier: escaped.
// Left to the JavaScript engine (null): U+FFFD (written or escaped), lone surrogates, a quantified astral character (JavaScript
// repeats its second half), `\S` inside a class, `\c` without a letter, and in Latin-1 any
// character above U+00FF.

export interface Pcre2Source {
  readonly source: string;
  /** The pattern has lookaround, which can look past a line's end: match each line on its own. */
  readonly lineMode: boolean;
}

const UNICODE_SPACES = '\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff';
const isHexDigits = (text: string, count: number): boolean => new RegExp(`^[0-9A-Fa-f]{${count}}$`).test(text);
const QUANTIFIER = /^\{\d+(?:,\d*)?\}/;

/** Characters PCRE2's caseless UTF mode folds to ASCII k and s, which JavaScript (no u flag) does not. */
const FOLDS_TO_ASCII = '\\u212a\\u017f';
/** An ASCII k or s outside a class, matched with case but without PCRE2's Unicode folding. */
const ASCII_ONLY_FOLD: Readonly<Record<string, string>> = { k: '(?-i:[kK])', s: '(?-i:[sS])' };

export function jsRegexToPcre2(source: string, utf: boolean, caseless = false): Pcre2Source | null {
  // Ignoring case in UTF-8, PCRE2 folds with Unicode's tables (the Kelvin sign to k, long s to s,
  // the Angstrom and Ohm signs, capital sharp s, ...), JavaScript without the u flag by
  // toUpperCase. Non-ASCII characters and back-references are left to JavaScript; ASCII k and s
  // are written without that folding, and classes are kept from taking (or made to take, when
  // negated) the two characters that fold to them.
  const foldGuard = caseless && utf;
  // eslint-disable-next-line no-control-regex
  if (foldGuard && /[^\u0000-\u007f]|\\[1-9]|\\k<|\\u(?!00[0-7][0-9a-fA-F])|\\x[89a-fA-F]/.test(source)) {
    return null;
  }
  // A lone surrogate cannot be written in UTF-8 (nor occur in Latin-1).
  if (/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(source)) return null;
  // eslint-disable-next-line no-control-regex
  if (!utf && /[^\u0000-\u00ff]/.test(source)) return null;
  // The JavaScript engine decodes invalid UTF-8 to U+FFFD, so a U+FFFD in a pattern finds invalid
  // bytes there; PCRE2 (PCRE2_MATCH_INVALID_UTF) matches nothing at invalid bytes.
  if (/\uFFFD|\\u[fF]{3}[dD]/.test(source)) return null;
  const namedGroups = /\(\?<[A-Za-z_$]/.test(source);
  let out = '';
  let lineMode = false;
  let inClass = false;
  for (let i = 0; i < source.length;) {
    const char = source[i]!;
    if (char === '\\') {
      const next = source[i + 1];
      if (next === undefined) return null;
      i += 2;
      if (next === 's' && utf) {
        out += inClass ? `\\s${UNICODE_SPACES}` : `[\\s${UNICODE_SPACES}]`;
      } else if (next === 'S' && utf) {
        if (inClass) return null;
        out += `[^\\s${UNICODE_SPACES}]`;
      } else if ((next === 'W' || next === 'D') && !inClass) {
        // PCRE2 10.42's JIT with MATCH_INVALID_UTF misses multi-byte characters for a bare \W or \D.
        out += `[^\\${next.toLowerCase()}]`;
      } else if (next === 'B' && inClass) {
        out += 'B';
      } else if (next === 'v') {
        // JavaScript's \v is the vertical tab alone; PCRE2's is any vertical space.
        out += '\\x0b';
      } else if ('dDwWsSbBtnfr0123456789'.includes(next)) {
        out += `\\${next}`;
      } else if (next === 'c') {
        const letter = source[i];
        if (letter === undefined || !/[A-Za-z]/.test(letter)) return null;
        out += `\\c${letter}`;
        i++;
      } else if (next === 'x' && foldGuard && !inClass && /^(?:6[bB]|4[bB]|73|53)/.test(source.slice(i, i + 2))) {
        out += ASCII_ONLY_FOLD[String.fromCharCode(parseInt(source.slice(i, i + 2), 16)).toLowerCase()]!;
        i += 2;
      } else if (next === 'u' && foldGuard && !inClass && /^00(?:6[bB]|4[bB]|73|53)/.test(source.slice(i, i + 4))) {
        out += ASCII_ONLY_FOLD[String.fromCharCode(parseInt(source.slice(i, i + 4), 16)).toLowerCase()]!;
        i += 4;
      } else if (next === 'x') {
        out += isHexDigits(source.slice(i, i + 2), 2) ? '\\x' : 'x';
      } else if (next === 'u') {
        out += isHexDigits(source.slice(i, i + 4), 4) ? '\\u' : 'u';
      } else if (next === 'k') {
        out += namedGroups && !inClass ? '\\k' : foldGuard && !inClass ? ASCII_ONLY_FOLD.k! : 'k';
      } else if (/[A-Za-z]/.test(next)) {
        // An identity escape: the letter itself.
        out += foldGuard && !inClass && /[kKsS]/.test(next) ? ASCII_ONLY_FOLD[next.toLowerCase()]! : next;
      } else if (/[\uD800-\uDBFF]/.test(next)) {
        out += source.slice(i - 1, i + 1);
        i++;
      } else {
        out += `\\${next}`;
      }
      continue;
    }
    if (inClass) {
      if (char === ']') {
        inClass = false;
        out += foldGuard ? '])' : ']';
      } else {
        out += char === '[' ? '\\[' : char;
      }
      i++;
      continue;
    }
    if (char === '[') {
      inClass = true;
      i++;
      const negated = source[i] === '^';
      // Matched with case, so that PCRE2 does not fold the guard's own characters to k and s.
      if (foldGuard) out += negated ? `(?:(?-i:[${FOLDS_TO_ASCII}])|` : `(?:(?!(?-i:[${FOLDS_TO_ASCII}]))`;
      out += '[';
      if (negated) {
        out += '^';
        i++;
      }
      // JavaScript's [] and [^]: the ] right after the bracket closes the class.
      if (source[i] === ']') {
        out += foldGuard ? '])' : ']';
        inClass = false;
        i++;
      }
      continue;
    }
    if (char === '.') {
      out += utf ? '[^\\n\\r\\u2028\\u2029]' : '[^\\n\\r]';
    } else if (char === '$') {
      out += '(?=\\r?$)';
    } else if (char === '{') {
      out += QUANTIFIER.test(source.slice(i)) ? '{' : '\\{';
    } else if (char === '(' && /^\(\?(?:=|!|<=|<!)/.test(source.slice(i))) {
      lineMode = true;
      out += '(';
    } else if (/[\uD800-\uDBFF]/.test(char)) {
      // An astral character: JavaScript would repeat only its second half.
      if (/^[*+?{]/.test(source.slice(i + 2))) return null;
      out += source.slice(i, i + 2);
      i += 2;
      continue;
    } else if (foldGuard && !inClass && (char === 'k' || char === 'K' || char === 's' || char === 'S')) {
      out += ASCII_ONLY_FOLD[char.toLowerCase()]!;
    } else {
      out += char;
    }
    i++;
  }
  return { source: out, lineMode };
}

// Outside a class, these have a meaning of their own in a JavaScript regex (without the u flag).
const SYNTAX_CHARACTERS = '^$.*+?()[]{}|\\';
const ASCII_PUNCTUATION = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';
const SIMPLE_ESCAPES: Readonly<Record<string, string>> = { t: '\t', f: '\f', v: '\v' };

/**
 * The alternatives of a JavaScript regex source (no u flag) that is nothing but literals at the top
 * level (`upload|retry|timeout`), with escapes of punctuation and `\t`, `\f`, `\v`, `\xHH`, `\uHHHH`
 * decoded; null for anything else: classes, quantifiers, groups, anchors, `\b`, `.`, other escapes,
 * an empty alternative, one holding CR or LF (line breaks), U+FFFD (the JavaScript engine finds it
 * at invalid UTF-8) or a lone surrogate, and, when `caseless`, one that is not all ASCII (only ASCII
 * folds as JavaScript's `i` flag does, byte for byte). The order is the pattern's: at a position,
 * the first alternative that matches there wins.
 */
export function jsRegexLiteralSet(source: string, caseless: boolean): string[] | null {
  const alternatives: string[] = [];
  let current = '';
  for (let i = 0; i <= source.length;) {
    const char = source[i];
    if (char === undefined || char === '|') {
      if (!isPlainLiteral(current, caseless)) return null;
      alternatives.push(current);
      current = '';
      i++;
      continue;
    }
    if (char !== '\\') {
      if (SYNTAX_CHARACTERS.includes(char)) return null;
      current += char;
      i++;
      continue;
    }
    const next = source[i + 1] ?? '';
    if (next !== '' && ASCII_PUNCTUATION.includes(next)) {
      current += next; // an escaped ASCII punctuation character is itself
      i += 2;
    } else if (next in SIMPLE_ESCAPES) {
      current += SIMPLE_ESCAPES[next]!;
      i += 2;
    } else if ((next === 'x' || next === 'u') && isHexDigits(source.slice(i + 2, i + hexEnd(next)), hexEnd(next) - 2)) {
      current += String.fromCharCode(parseInt(source.slice(i + 2, i + hexEnd(next)), 16));
      i += hexEnd(next);
    } else {
      return null;
    }
  }
  return alternatives;
}

/** Where `\xHH` or `\uHHHH` ends, from its backslash. */
const hexEnd = (letter: string): number => (letter === 'x' ? 4 : 6);

function isPlainLiteral(literal: string, caseless: boolean): boolean {
  if (literal.length === 0 || /[\n\r\uFFFD]/.test(literal)) return false;
  if (/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(literal)) return false;
  // eslint-disable-next-line no-control-regex
  return !caseless || /^[\u0000-\u007f]*$/.test(literal);
}

/** One ASCII character class under a quantifier, as the addon's ClassRun scans it. */
export interface ClassRunSpec {
  /** The class's member bytes: ASCII, never CR or LF. */
  readonly members: Uint8Array;
  /** Bytes a match holds at least (1 or more) and at most (0: no bound). */
  readonly min: number;
  readonly max: number;
}

const DIGITS = '0123456789';
const WORD = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_';

/**
 * The class and bounds of a JavaScript regex source (no u flag) that is one positive class of
 * ASCII characters (`\d`, `\w`, or `[...]` of ASCII characters, ranges, `\d` and `\w`) with an
 * optional quantifier, or null for anything else. Its matches are the runs of the class cut into
 * greedy pieces of at most max, each of at least min (empty matches are skipped, so `*` acts as
 * `+` and `{0,m}` as `{1,m}`; a lazy quantifier takes its minimum). Ignoring case adds the other
 * case of ASCII letters, as JavaScript folds them without the u flag.
 */
export function jsRegexClassRun(source: string, caseless: boolean): ClassRunSpec | null {
  const atom = classAtom(source);
  if (atom === null) return null;
  const bounds = quantifierBounds(source.slice(atom.end));
  if (bounds === null) return null;
  const members = new Set(atom.members);
  if (caseless) {
    for (const char of atom.members) {
      members.add(char.toLowerCase());
      members.add(char.toUpperCase());
    }
  }
  if (members.has('\n') || members.has('\r') || members.size === 0) return null;
  const bytes = Uint8Array.from(members, (char) => char.charCodeAt(0));
  if (bytes.some((byte) => byte >= 0x80)) return null;
  return { members: bytes.sort(), ...bounds };
}

/** The class at the start of `source`: its member characters and where it ends. */
function classAtom(source: string): { members: string; end: number } | null {
  if (source.startsWith('\\d')) return { members: DIGITS, end: 2 };
  if (source.startsWith('\\w')) return { members: WORD, end: 2 };
  if (!source.startsWith('[') || source.startsWith('[^')) return null;
  let members = '';
  let previous: string | null = null; // the last single character, which a `-` may range from
  for (let i = 1; i < source.length;) {
    const char = source[i]!;
    if (char === ']') return { members, end: i + 1 };
    let single: string | null = null;
    if (char === '\\') {
      const next = source[i + 1] ?? '';
      if (next === 'd' || next === 'w') {
        members += next === 'd' ? DIGITS : WORD;
        previous = null;
        i += 2;
        continue;
      }
      if (next in SIMPLE_ESCAPES) {
        single = SIMPLE_ESCAPES[next]!;
      } else if (next !== '' && ASCII_PUNCTUATION.includes(next)) {
        single = next;
      } else {
        return null;
      }
      i += 2;
    } else if (char === '-' && previous !== null && source[i + 1] !== undefined && source[i + 1] !== ']') {
      // A range previous-last; its end may be escaped punctuation.
      let last = source[i + 1]!;
      let width = 2;
      if (last === '\\') {
        last = source[i + 2] ?? '';
        if (last === '' || !ASCII_PUNCTUATION.includes(last)) return null;
        width = 3;
      } else if (last === '[') {
        return null;
      }
      const from = previous.charCodeAt(0);
      const to = last.charCodeAt(0);
      if (to < from || to >= 0x80) return null;
      for (let code = from + 1; code <= to; code++) members += String.fromCharCode(code);
      previous = null;
      i += width;
      continue;
    } else {
      if (char === '[' || char.charCodeAt(0) >= 0x80) return null;
      single = char;
      i += 1;
    }
    members += single;
    previous = single;
  }
  return null;
}

/** A whole quantifier (or none) as match bounds, or null for anything else or no match at all. */
function quantifierBounds(rest: string): { min: number; max: number } | null {
  if (rest === '') return { min: 1, max: 1 };
  const match = /^(?:([+*?])|\{(\d{1,6})(,(\d{0,6}))?\})(\?)?$/.exec(rest);
  if (match === null) return null;
  const [, symbol, low, comma, high, lazy] = match;
  // Bounds with Infinity for none.
  let min: number;
  let max: number;
  if (symbol !== undefined) {
    min = symbol === '+' ? 1 : 0;
    max = symbol === '?' ? 1 : Infinity;
  } else {
    min = Number(low);
    max = comma === undefined ? min : high === '' ? Infinity : Number(high!);
    if (max < min) return null;
  }
  if (lazy !== undefined) max = min;
  // Empty matches are skipped: a match holds one character at least, and one that can only be
  // empty finds nothing (left to PCRE2, which says so as well).
  if (max === 0) return null;
  min = Math.max(min, 1);
  return { min, max: max === Infinity ? 0 : max };
}
