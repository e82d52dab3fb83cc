// A LineRule list (what LineFilter and Timeline take) checked and flattened into the typed arrays
// the addon reads (src/napi/rule_args.h).

import { describe, requireBytes } from './checks';
import { invalid } from './errors';
import { type RegexPattern, requireLiteralSet } from './regex';
import type { SearchPattern } from './search';

/**
 * A byte pattern (as createSearch takes it) or a PCRE2 regex (as createRegexSearch takes it; with a
 * `literalSet`, the addon finds the lines holding any of its literals without PCRE2; `classRun` and
 * `text` are not used: rules read UTF-8 or Latin-1 bytes).
 */
export type LineRule =
  | { readonly kind: 'bytes'; readonly exclude: boolean; readonly pattern: SearchPattern }
  | { readonly kind: 'regex'; readonly exclude: boolean; readonly pattern: RegexPattern };

const EXCLUDE = 1;
const CASELESS = 2;
const WHOLE_WORD = 4;
const UTF = 8;
const LINE_MODE = 16;
const HAS_MASK = 32;

/** The rules as the addon reads them (src/napi/rule_args.h): rule i's part ends at its entry of patternEnds, literalEnds and setEnds. */
export type FlatRules = [
  kinds: Uint8Array,
  flags: Uint8Array,
  patterns: Uint8Array,
  patternEnds: Float64Array,
  masks: Uint8Array,
  literals: Uint8Array,
  literalEnds: Float64Array,
  /** Every literal of every rule's literal set, one after another. */
  setLiterals: Uint8Array,
  /** Where each of those literals ends in setLiterals. */
  setLiteralEnds: Float64Array,
  /** Where each rule's literals end in the list of literals. */
  setEnds: Float64Array,
];

/** The addon's arguments for `rules`. EINVAL naming a bad rule. */
export function flattenRules(rules: unknown, path: string): FlatRules {
  if (!Array.isArray(rules)) throw invalid(`rules must be an array, got ${describe(rules)}`, path);
  const kinds = new Uint8Array(rules.length);
  const flags = new Uint8Array(rules.length);
  const patternEnds = new Float64Array(rules.length);
  const literalEnds = new Float64Array(rules.length);
  const patterns: Uint8Array[] = [];
  const masks: Uint8Array[] = [];
  const literals: Uint8Array[] = [];
  const setLiterals: Uint8Array[] = [];
  const setLiteralEnds: number[] = [];
  const setEnds = new Float64Array(rules.length);
  let patternBytes = 0;
  let literalBytes = 0;
  let setBytes = 0;
  rules.forEach((rule: unknown, i) => {
    const checked = checkRule(rule, i, path);
    let flag = checked.exclude ? EXCLUDE : 0;
    if (checked.kind === 'bytes') {
      const { bytes, mask, caseInsensitive, wholeWord } = checked.pattern;
      patterns.push(bytes);
      masks.push(mask ?? new Uint8Array(bytes.length));
      literals.push(new Uint8Array(0));
      if (mask !== undefined) flag |= HAS_MASK;
      if (caseInsensitive === true) flag |= CASELESS;
      if (wholeWord === true) flag |= WHOLE_WORD;
    } else {
      const { bytes, utf, caseless, lineMode, requiredLiteral, literalSet } = checked.pattern;
      kinds[i] = 1;
      patterns.push(bytes);
      masks.push(new Uint8Array(bytes.length));
      literals.push(requiredLiteral ?? new Uint8Array(0));
      if (utf) flag |= UTF;
      if (caseless === true) flag |= CASELESS;
      if (lineMode === true) flag |= LINE_MODE;
      for (const literal of literalSet ?? []) {
        setLiterals.push(literal);
        setBytes += literal.length;
        setLiteralEnds.push(setBytes);
      }
    }
    flags[i] = flag;
    patternBytes += patterns[i]!.length;
    literalBytes += literals[i]!.length;
    patternEnds[i] = patternBytes;
    literalEnds[i] = literalBytes;
    setEnds[i] = setLiteralEnds.length;
  });
  return [
    kinds,
    flags,
    concat(patterns),
    patternEnds,
    concat(masks),
    concat(literals),
    literalEnds,
    concat(setLiterals),
    Float64Array.from(setLiteralEnds),
    setEnds,
  ];
}

function checkRule(rule: unknown, index: number, path: string): LineRule {
  const name = `rules[${index}]`;
  if (typeof rule !== 'object' || rule === null)
    throw invalid(`${name} must be an object, got ${describe(rule)}`, path);
  const { kind, exclude, pattern } = rule as Record<string, unknown>;
  if (kind !== 'bytes' && kind !== 'regex')
    throw invalid(`${name}.kind must be 'bytes' or 'regex', got ${describe(kind)}`, path);
  if (typeof exclude !== 'boolean') throw invalid(`${name}.exclude must be a boolean, got ${describe(exclude)}`, path);
  if (typeof pattern !== 'object' || pattern === null) {
    throw invalid(`${name}.pattern must be an object, got ${describe(pattern)}`, path);
  }
  const fields = pattern as Record<string, unknown>;
  requireBytes(`${name}.pattern.bytes`, fields.bytes, path);
  if (fields.bytes.length === 0) throw invalid(`${name}.pattern.bytes must not be empty`, path);
  if (kind === 'bytes') {
    if (fields.mask !== undefined) {
      requireBytes(`${name}.pattern.mask`, fields.mask, path);
      if (fields.mask.length !== fields.bytes.length) {
        throw invalid(`${name}.pattern.mask must be as long as its bytes`, path);
      }
    }
    for (const flag of ['caseInsensitive', 'wholeWord'] as const) {
      if (fields[flag] !== undefined && typeof fields[flag] !== 'boolean') {
        throw invalid(`${name}.pattern.${flag} must be a boolean, got ${describe(fields[flag])}`, path);
      }
    }
  } else {
    if (typeof fields.utf !== 'boolean')
      throw invalid(`${name}.pattern.utf must be a boolean, got ${describe(fields.utf)}`, path);
    for (const flag of ['caseless', 'lineMode'] as const) {
      if (fields[flag] !== undefined && typeof fields[flag] !== 'boolean') {
        throw invalid(`${name}.pattern.${flag} must be a boolean, got ${describe(fields[flag])}`, path);
      }
    }
    if (fields.requiredLiteral !== undefined)
      requireBytes(`${name}.pattern.requiredLiteral`, fields.requiredLiteral, path);
    if (fields.literalSet !== undefined) {
      requireLiteralSet(`${name}.pattern.literalSet`, fields.literalSet, fields.caseless === true, path);
    }
  }
  return rule as LineRule;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
