// A row's text as the text view draws it: the active highlight set's colours (whole-line and
// matched spans) and the find matches over them, in one pass over the merged boundaries.
import { useEffect, useMemo, type CSSProperties, type ReactNode } from 'react';
import type { TextEncodingName } from '../../../shared/contract';
import {
  compileHighlightSet,
  highlightLine,
  type CompiledHighlights,
  type HighlightSpan,
} from '../../../shared/highlight';
import { useAppStore } from '../../state/appStore';
import { messages } from '../../state/messages';
import { matchSpans, type VisibleMatches } from '../find/useMatches';
import { charRange, type DisplayLine } from './displayLine';

/** A background colour that keeps the text readable in both themes. */
export const backgroundOf = (color: string): string => `color-mix(in srgb, ${color} 38%, transparent)`;

/** The active highlight set, compiled once per change; null when it has no rule in force. */
export function useCompiledHighlights(): CompiledHighlights | null {
  const highlights = useAppStore((state) => state.settings.highlights);
  const compiled = useMemo(() => {
    const set = highlights.sets.find((candidate) => candidate.name === highlights.active);
    if (set === undefined || !set.rules.some((rule) => rule.enabled)) return { ok: true as const, value: null };
    const result = compileHighlightSet(set);
    return result.ok ? { ok: true as const, value: result.value } : { ok: false as const, message: result.message };
  }, [highlights]);
  useEffect(() => {
    if (!compiled.ok) messages.error(`Highlight set "${highlights.active}": ${compiled.message}`);
  }, [compiled, highlights.active]);
  return compiled.ok ? compiled.value : null;
}

export interface RowText {
  readonly style: CSSProperties | undefined;
  readonly content: ReactNode;
}

const spanStyle = (span: HighlightSpan): CSSProperties =>
  span.target === 'foreground' ? { color: span.color } : { background: backgroundOf(span.color) };

/** The row's style (whole-line rules) and its text with highlight spans and find matches. */
export function rowText(
  line: DisplayLine,
  matches: VisibleMatches,
  compiled: CompiledHighlights | null,
  encoding: TextEncodingName,
): RowText {
  const text = line.text;
  const lit = compiled === null ? null : highlightLine(compiled, text);
  const style: CSSProperties | undefined =
    lit === null || (lit.foreground === null && lit.background === null)
      ? undefined
      : {
          ...(lit.foreground === null ? {} : { color: lit.foreground }),
          ...(lit.background === null ? {} : { background: backgroundOf(lit.background) }),
        };
  const found: { start: number; end: number; current: boolean; key: number }[] = [];
  if (matches.offsets.length > 0) {
    for (const [from, to, isCurrent] of matchSpans(matches, line.fileOffset, line.fileOffset + line.bytes.byteLength)) {
      const [start, end] = charRange(line, from, to, encoding);
      found.push({ start, end, current: isCurrent, key: from });
    }
  }
  const spans = lit?.spans ?? [];
  if (found.length === 0 && spans.length === 0) return { style, content: text };
  // Boundaries of both lists; each piece between two is plain, highlighted, or a match.
  const cuts = new Set<number>([0, text.length]);
  for (const span of spans) cuts.add(span.start).add(span.end);
  for (const match of found) cuts.add(Math.min(match.start, text.length)).add(Math.min(match.end, text.length));
  const points = [...cuts].sort((a, b) => a - b);
  const parts: ReactNode[] = [];
  let spanAt = 0;
  let matchAt = 0;
  for (let i = 0; i + 1 < points.length; i++) {
    const start = points[i]!;
    const end = points[i + 1]!;
    if (end <= start) continue;
    while (spanAt < spans.length && spans[spanAt]!.end <= start) spanAt++;
    while (matchAt < found.length && found[matchAt]!.end <= start) matchAt++;
    const span = spans[spanAt] !== undefined && spans[spanAt]!.start <= start ? spans[spanAt] : undefined;
    const match = found[matchAt] !== undefined && found[matchAt]!.start <= start ? found[matchAt] : undefined;
    const piece = text.slice(start, end);
    if (match !== undefined) {
      parts.push(
        <mark
          key={`m${start}`}
          // A match cut by highlight boundaries is one match: only its first piece says so.
          data-match={start === match.start ? (match.current ? 'current' : 'true') : undefined}
          className={match.current ? 'current' : undefined}
        >
          {piece}
        </mark>,
      );
    } else if (span !== undefined) {
      parts.push(
        <span key={`h${start}`} data-highlight="true" style={spanStyle(span)}>
          {piece}
        </span>,
      );
    } else {
      parts.push(piece);
    }
  }
  return { style, content: parts };
}
