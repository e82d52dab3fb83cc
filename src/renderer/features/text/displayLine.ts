// One line as the views show it: its display text and the bytes behind it, so that a match's byte
// range maps to characters. The text view's line cache and the matches pane both build lines here.
import type { TextEncodingName } from '../../../shared/contract';
import { decodeText, lineText } from './decode';

export interface DisplayLine {
  readonly text: string;
  readonly fileOffset: number;
  readonly fullLength: number;
  /** Bytes not shown because the line is longer than the display cap. */
  readonly hiddenBytes: number;
  /** The line holds pending (uncommitted) edits. */
  readonly modified: boolean;
  /** The shown bytes, to map byte offsets (matches) to characters. */
  readonly bytes: Uint8Array;
}

/** Decodes a line's shown bytes (`fullLength` is the whole line's length, at least the shown bytes'). */
export function toDisplayLine(
  bytes: Uint8Array,
  fileOffset: number,
  fullLength: number,
  encoding: TextEncodingName,
  modified = false,
): DisplayLine {
  return {
    text: lineText(bytes, encoding, fileOffset === 0, bytes.byteLength === fullLength),
    fileOffset,
    fullLength,
    hiddenBytes: fullLength - bytes.byteLength,
    modified,
    bytes,
  };
}

/** Characters of `line`'s text before byte `byteInLine` (for highlighting a match). */
export function charIndex(line: DisplayLine, byteInLine: number, encoding: TextEncodingName): number {
  const clamped = Math.max(0, Math.min(byteInLine, line.bytes.byteLength));
  if (line.bytes.byteLength === line.text.length && line.fileOffset !== 0) return Math.min(clamped, line.text.length);
  let chars = decodeText(line.bytes.subarray(0, clamped), encoding).length;
  if (line.fileOffset === 0 && decodeText(line.bytes.subarray(0, 4), encoding).charCodeAt(0) === 0xfeff) chars -= 1;
  return Math.max(0, Math.min(chars, line.text.length));
}

/** The characters [start, end) of `line`'s text that the bytes [from, to) of the file cover. */
export function charRange(
  line: DisplayLine,
  from: number,
  to: number,
  encoding: TextEncodingName,
): readonly [number, number] {
  const start = charIndex(line, from - line.fileOffset, encoding);
  return [start, Math.max(start + 1, charIndex(line, to - line.fileOffset, encoding))];
}
