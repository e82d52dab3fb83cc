// Highlight rules in named sets, as klogg's highlighter sets: the model, its validation for settings
// files and JSON import, and the per-row matcher. highlightLine runs for every visible row on every
// render, so the work per line is bounded: a prefix of the line and a cap on spans.
import { err, ok, type Err, type Ok, type Result } from './result';

export type HighlightTarget = 'foreground' | 'background';
export type HighlightScope = 'line' | 'match';

export interface HighlightRule {
  readonly pattern: string;
  readonly regex: boolean;
  readonly matchCase: boolean;
  /** #rrggbb */
  readonly color: string;
  readonly target: HighlightTarget;
  /** 'line' colours the whole row when the pattern occurs; 'match' colours the matched characters. */
  readonly scope: HighlightScope;
  readonly enabled: boolean;
}

export interface HighlightSet {
  readonly name: string;
  readonly rules: readonly HighlightRule[];
}

export interface HighlightSettings {
  /** The name of the set in use. */
  readonly active: string;
  readonly sets: readonly HighlightSet[];
}

export const MAX_HIGHLIGHT_SETS = 32;
export const MAX_RULES_PER_SET = 64;
export const MAX_PATTERN_CHARS = 1024;
export const MAX_SET_NAME_CHARS = 80;
/** highlightLine examines only this many characters of a line. */
export const HIGHLIGHT_SCAN_CHARS = 4096;
/** highlightLine answers at most this many spans for one line. */
export const MAX_LINE_SPANS = 256;
/** An import larger than this cannot hold a valid file within the limits above. */
export const MAX_IMPORT_CHARS = 8 * 1024 * 1024;

export const HIGHLIGHT_FILE_KIND = 'highlight-sets';
export const HIGHLIGHT_FILE_VERSION = 1;

export const DEFAULT_HIGHLIGHTS: HighlightSettings = {
  active: 'Log levels',
  sets: [
    // Levels are coloured from levelOf; this set adds nothing to them.
    { name: 'Log levels', rules: [] },
    {
      name: 'Errors only',
      rules: [
        {
          pattern: String.raw`\b(?:FATAL|CRITICAL|ERROR)\b`,
          regex: true,
          matchCase: true,
          color: '#ffd7d7',
          target: 'background',
          scope: 'line',
          enabled: true,
        },
        {
          pattern: String.raw`\b\w+(?:Exception|Error)\b`,
          regex: true,
          matchCase: true,
          color: '#b00020',
          target: 'foreground',
          scope: 'match',
          enabled: true,
        },
      ],
    },
  ],
};

// ---- validation -------------------------------------------------------------------------------

const invalid = (message: string): Err => err('EINVAL', message);
const at = (path: string, key: string): string => (path === '' ? key : `${path}.${key}`);
const colorPattern = /^#[0-9a-fA-F]{6}$/;
const controlCharacter = /\p{Cc}/u;

/** The value as an object with exactly these fields, or an error naming the path. */
function exactObject(value: unknown, path: string, fields: readonly string[]): Result<Record<string, unknown>> {
  const name = path === '' ? 'highlight settings' : path;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return invalid(`${name} must be an object`);
  for (const key of Object.keys(value)) {
    if (!fields.includes(key)) return invalid(`${name} has an unknown field "${key}"`);
  }
  for (const key of fields) {
    if (!Object.hasOwn(value, key)) return invalid(`${at(path, key)} is missing`);
  }
  return ok(value as Record<string, unknown>);
}

function boolean(value: unknown, path: string): Result<boolean> {
  return typeof value === 'boolean' ? ok(value) : invalid(`${path} must be true or false`);
}

function oneOf<T extends string>(value: unknown, path: string, choices: readonly T[]): Result<T> {
  const choice = choices.find((candidate) => candidate === value);
  return choice !== undefined
    ? ok(choice)
    : invalid(`${path} must be one of ${choices.map((c) => `"${c}"`).join(', ')}`);
}

/** The flags a rule compiles with; validation compiles with the same ones. */
function flagsOf(rule: Pick<HighlightRule, 'matchCase' | 'scope'>): string {
  return (rule.scope === 'match' ? 'g' : '') + (rule.matchCase ? '' : 'i');
}

const escapeLiteral = (text: string): string => text.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');

/** A RegExp for the rule, or V8's reason it is not one. */
function regexOf(rule: Pick<HighlightRule, 'pattern' | 'regex' | 'matchCase' | 'scope'>): RegExp | string {
  try {
    return new RegExp(rule.regex ? rule.pattern : escapeLiteral(rule.pattern), flagsOf(rule));
  } catch (error) {
    // V8's message starts "Invalid regular expression: /…/flags: reason".
    return (error instanceof Error ? error.message : String(error)).replace(/^Invalid regular expression: /, '');
  }
}

const ruleFields = ['pattern', 'regex', 'matchCase', 'color', 'target', 'scope', 'enabled'] as const;

function validateRule(value: unknown, path: string): Result<HighlightRule> {
  const fields = exactObject(value, path, ruleFields);
  if (!fields.ok) return fields;
  const { pattern, color } = fields.value;
  if (typeof pattern !== 'string' || pattern.length === 0) return invalid(`${path}.pattern must be a non-empty string`);
  if (pattern.length > MAX_PATTERN_CHARS) {
    return invalid(`${path}.pattern has ${pattern.length} characters; at most ${MAX_PATTERN_CHARS} are allowed`);
  }
  const regex = boolean(fields.value.regex, `${path}.regex`);
  if (!regex.ok) return regex;
  const matchCase = boolean(fields.value.matchCase, `${path}.matchCase`);
  if (!matchCase.ok) return matchCase;
  if (typeof color !== 'string' || !colorPattern.test(color)) return invalid(`${path}.color must be #rrggbb`);
  const target = oneOf(fields.value.target, `${path}.target`, ['foreground', 'background'] as const);
  if (!target.ok) return target;
  const scope = oneOf(fields.value.scope, `${path}.scope`, ['line', 'match'] as const);
  if (!scope.ok) return scope;
  const enabled = boolean(fields.value.enabled, `${path}.enabled`);
  if (!enabled.ok) return enabled;
  const rule: HighlightRule = {
    pattern,
    regex: regex.value,
    matchCase: matchCase.value,
    color,
    target: target.value,
    scope: scope.value,
    enabled: enabled.value,
  };
  const compiled = regexOf(rule);
  if (typeof compiled === 'string') return invalid(`${path}.pattern is not a valid regular expression: ${compiled}`);
  return ok(rule);
}

function validateSet(value: unknown, path: string): Result<HighlightSet> {
  const fields = exactObject(value, path, ['name', 'rules']);
  if (!fields.ok) return fields;
  const { name, rules } = fields.value;
  if (typeof name !== 'string' || name.trim().length === 0) return invalid(`${path}.name must be a non-empty string`);
  if (name.length > MAX_SET_NAME_CHARS) {
    return invalid(`${path}.name has ${name.length} characters; at most ${MAX_SET_NAME_CHARS} are allowed`);
  }
  if (controlCharacter.test(name)) return invalid(`${path}.name must not contain control characters`);
  if (!Array.isArray(rules)) return invalid(`${path}.rules must be an array`);
  if (rules.length > MAX_RULES_PER_SET) {
    return invalid(`${path}.rules has ${rules.length} rules; at most ${MAX_RULES_PER_SET} are allowed`);
  }
  const validRules: HighlightRule[] = [];
  for (const [index, rule] of rules.entries()) {
    const valid = validateRule(rule, `${path}.rules[${index}]`);
    if (!valid.ok) return valid;
    validRules.push(valid.value);
  }
  return ok({ name, rules: validRules });
}

/**
 * Checks settings read from a file or an import and answers a fresh copy holding nothing else. The
 * message names the first bad field, as `sets[1].rules[0].color must be #rrggbb`.
 */
export function validateHighlightSettings(value: unknown): Result<HighlightSettings> {
  const fields = exactObject(value, '', ['active', 'sets']);
  if (!fields.ok) return fields;
  const { active, sets } = fields.value;
  if (!Array.isArray(sets)) return invalid('sets must be an array');
  if (sets.length === 0) return invalid('sets must hold at least one set');
  if (sets.length > MAX_HIGHLIGHT_SETS) {
    return invalid(`sets has ${sets.length} sets; at most ${MAX_HIGHLIGHT_SETS} are allowed`);
  }
  const validSets: HighlightSet[] = [];
  const names = new Set<string>();
  for (const [index, set] of sets.entries()) {
    const valid = validateSet(set, `sets[${index}]`);
    if (!valid.ok) return valid;
    if (names.has(valid.value.name)) return invalid(`sets[${index}].name "${valid.value.name}" is used by another set`);
    names.add(valid.value.name);
    validSets.push(valid.value);
  }
  if (typeof active !== 'string') return invalid('active must be a string');
  if (!names.has(active)) return invalid(`active must name one of the sets; there is no set "${active}"`);
  return ok({ active, sets: validSets });
}

// ---- export and import ------------------------------------------------------------------------

/** Pretty JSON in the envelope {"hexlog": "highlight-sets", "version": 1, "active", "sets"}. */
export function exportHighlightSets(settings: HighlightSettings): string {
  const envelope = {
    hexlog: HIGHLIGHT_FILE_KIND,
    version: HIGHLIGHT_FILE_VERSION,
    active: settings.active,
    sets: settings.sets,
  };
  return `${JSON.stringify(envelope, null, 2)}\n`;
}

/** Reads what exportHighlightSets wrote, checked as validateHighlightSettings checks. */
export function importHighlightSets(json: string): Result<HighlightSettings> {
  if (json.length > MAX_IMPORT_CHARS) {
    return err(
      'ETOOBIG',
      `The file has ${json.length} characters; a highlight-sets file has at most ${MAX_IMPORT_CHARS}.`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (error) {
    return invalid(`Not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return invalid('Not a hexlog highlight-sets file: the JSON is not an object');
  }
  const { hexlog, version, ...settings } = parsed as Record<string, unknown>;
  if (hexlog !== HIGHLIGHT_FILE_KIND) {
    return invalid(`Not a hexlog highlight-sets file: "hexlog" must be "${HIGHLIGHT_FILE_KIND}"`);
  }
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    return invalid('version must be a whole number from 1');
  }
  if (version > HIGHLIGHT_FILE_VERSION) {
    return err(
      'EUNSUPPORTED',
      `The file is version ${version}, from a newer hexlog; this one reads version ${HIGHLIGHT_FILE_VERSION}.`,
    );
  }
  return validateHighlightSettings(settings);
}

// ---- matching ---------------------------------------------------------------------------------

export interface CompiledRule {
  readonly regex: RegExp;
  readonly color: string;
  readonly target: HighlightTarget;
}

/** A set ready for highlightLine; only its enabled rules, in order. */
export interface CompiledHighlights {
  readonly lineRules: readonly CompiledRule[];
  readonly matchRules: readonly CompiledRule[];
}

/** A rule that does not compile, with its index in set.rules. */
export type CompileError = Err & { readonly rule: number };

export function compileHighlightSet(set: HighlightSet): Ok<CompiledHighlights> | CompileError {
  const lineRules: CompiledRule[] = [];
  const matchRules: CompiledRule[] = [];
  for (const [index, rule] of set.rules.entries()) {
    if (!rule.enabled) continue;
    if (rule.pattern.length === 0) return { ...invalid(`Rule ${index + 1} has an empty pattern.`), rule: index };
    const regex = regexOf(rule);
    if (typeof regex === 'string') {
      return { ...invalid(`Rule ${index + 1}: invalid regular expression: ${regex}`), rule: index };
    }
    (rule.scope === 'line' ? lineRules : matchRules).push({ regex, color: rule.color, target: rule.target });
  }
  return ok({ lineRules, matchRules });
}

/** Characters [start, end) of the line, as UTF-16 indices into the text given to highlightLine. */
export interface HighlightSpan {
  readonly start: number;
  readonly end: number;
  readonly color: string;
  readonly target: HighlightTarget;
}

export interface LineHighlight {
  /** From line rules: the last matching rule of each target wins. */
  readonly foreground: string | null;
  readonly background: string | null;
  /** From match rules: sorted, non-overlapping, non-empty; where matches overlap the earlier rule wins. */
  readonly spans: readonly HighlightSpan[];
}

const noHighlight: LineHighlight = Object.freeze({ foreground: null, background: null, spans: Object.freeze([]) });

/** Index of the first span that ends after `offset`; spans are sorted and disjoint, so ends are sorted too. */
function firstEndingAfter(spans: readonly HighlightSpan[], offset: number): number {
  let low = 0;
  let high = spans.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (spans[middle]!.end > offset) high = middle;
    else low = middle + 1;
  }
  return low;
}

/** Adds the parts of [start, end) that no earlier span covers. */
function claim(spans: HighlightSpan[], start: number, end: number, rule: CompiledRule): void {
  let index = firstEndingAfter(spans, start);
  let cursor = start;
  while (cursor < end && spans.length < MAX_LINE_SPANS) {
    const next = spans[index];
    if (next === undefined || next.start >= end) {
      spans.splice(index, 0, { start: cursor, end, color: rule.color, target: rule.target });
      return;
    }
    if (next.start > cursor) {
      spans.splice(index, 0, { start: cursor, end: next.start, color: rule.color, target: rule.target });
      index++;
    }
    cursor = next.end;
    index++;
  }
}

/** The colours of one line. Looks at its first HIGHLIGHT_SCAN_CHARS characters and answers at most MAX_LINE_SPANS spans. */
export function highlightLine(compiled: CompiledHighlights, text: string): LineHighlight {
  const prefix = text.length > HIGHLIGHT_SCAN_CHARS ? text.slice(0, HIGHLIGHT_SCAN_CHARS) : text;
  let foreground: string | null = null;
  let background: string | null = null;
  // Later rules win: walk back from the last and stop once both targets are decided.
  for (let index = compiled.lineRules.length - 1; index >= 0; index--) {
    const rule = compiled.lineRules[index]!;
    if ((rule.target === 'foreground' ? foreground : background) !== null) continue;
    if (!rule.regex.test(prefix)) continue;
    if (rule.target === 'foreground') foreground = rule.color;
    else background = rule.color;
    if (foreground !== null && background !== null) break;
  }
  const spans: HighlightSpan[] = [];
  for (const rule of compiled.matchRules) {
    if (spans.length >= MAX_LINE_SPANS) break;
    const regex = rule.regex;
    regex.lastIndex = 0;
    for (let match = regex.exec(prefix); match !== null; match = regex.exec(prefix)) {
      const length = match[0].length;
      if (length === 0) {
        regex.lastIndex++;
        continue;
      }
      claim(spans, match.index, match.index + length, rule);
      if (spans.length >= MAX_LINE_SPANS) break;
    }
  }
  if (foreground === null && background === null && spans.length === 0) return noHighlight;
  return { foreground, background, spans };
}
