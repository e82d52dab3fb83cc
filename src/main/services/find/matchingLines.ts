// The lines holding a search's matches, from the addon's LineFilter: one parallel pass that also
// counts lines, so the matches pane gets each match's line number and line start by walking the
// matches and these lines side by side, with no line-index lookup per match. The same primitive
// takes several include and exclude rules for the filtered view.
import {
  createLineFilter,
  type LineFilter,
  type LineFilterProgress,
  type LineRule,
  type MappedFile,
} from '../../../../native/index';
import type { TextEncodingName } from '../../../shared/contract';
import type { Disposable } from '../../../shared/disposable';
import { pcre2PatternOf } from './nativeRegexSearch';
import type { SearchPlan } from './query';

/** The addon's rule for a search plan, or null where only the JavaScript engine can run it. */
export function lineRuleOf(plan: SearchPlan, encoding: TextEncodingName, exclude = false): LineRule | null {
  // The filter's lines end at the byte LF: UTF-16 text is left to the line index.
  if (encoding === 'utf-16le' || encoding === 'utf-16be') return null;
  if (plan.kind === 'bytes') {
    return {
      kind: 'bytes',
      exclude,
      pattern: {
        bytes: plan.bytes,
        ...(plan.mask === undefined ? {} : { mask: plan.mask }),
        caseInsensitive: plan.caseInsensitive,
        wholeWord: plan.wholeWord,
      },
    };
  }
  const pattern = pcre2PatternOf(plan, encoding);
  return pattern === null ? null : { kind: 'regex', exclude, pattern };
}

export class MatchingLines implements Disposable {
  private constructor(private readonly filter: LineFilter) {}

  /** Starts filtering `file` by `rules`; null when a rule cannot run natively. Throws NativeError. */
  static start(file: MappedFile, rules: readonly (LineRule | null)[]): MatchingLines | null {
    if (rules.some((rule) => rule === null)) return null;
    return new MatchingLines(createLineFilter(file, rules as readonly LineRule[]));
  }

  progress(): LineFilterProgress {
    return this.filter.progress();
  }

  /** Kept lines [first, first + count): 0-based line numbers and line starts. */
  page(first: number, count: number): { lines: Float64Array; offsets: Float64Array } {
    const known = this.filter.progress().keptKnown;
    const start = Math.min(first, known);
    return this.filter.results(start, Math.max(0, Math.min(count, known - start)));
  }

  /** Index of the last kept line starting at or before `offset`, or -1. */
  indexAtOffset(offset: number): number {
    return this.filter.indexAtOffset(offset);
  }

  dispose(): void {
    this.filter.dispose();
  }
}
