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

export function jsRegexToPcre2(source: string, utf: boolean): Pcre2Source | null {
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
      } else if (next === 'x') {
        out += isHexDigits(source.slice(i, i + 2), 2) ? '\\x' : 'x';
      } else if (next === 'u') {
        out += isHexDigits(source.slice(i, i + 4), 4) ? '\\u' : 'u';
      } else if (next === 'k') {
        out += namedGroups && !inClass ? '\\k' : 'k';
      } else if (/[A-Za-z]/.test(next)) {
        out += next; // an identity escape: the letter itself
      } else if (/[\uD800-\uDBFF]/.test(next)) {
        out += source.slice(i - 1, i + 1);
        i++;
      } else {
        out += `\\${next}`;
      }
      continue;
    }
    if (inClass) {
      if (char === ']') inClass = false;
      out += char === '[' ? '\\[' : char;
      i++;
      continue;
    }
    if (char === '[') {
      inClass = true;
      out += '[';
      i++;
      if (source[i] === '^') {
        out += '^';
        i++;
      }
      // JavaScript's [] and [^]: the ] right after the bracket closes the class.
      if (source[i] === ']') {
        out += ']';
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
