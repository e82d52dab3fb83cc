// Turns a line's bytes into display text: decoded in the file's encoding, invalid sequences as
// U+FFFD, the line ending's CR dropped, control characters as visible symbols.
import type { TextEncodingName } from '../../../shared/contract';

const decoders = new Map<TextEncodingName, TextDecoder>();

function decoderFor(encoding: Exclude<TextEncodingName, 'latin1'>): TextDecoder {
  let decoder = decoders.get(encoding);
  if (decoder === undefined) {
    // ignoreBOM: a byte-order mark is kept and shown as a symbol only if it is not at the file start.
    decoder = new TextDecoder(encoding, { fatal: false, ignoreBOM: true });
    decoders.set(encoding, decoder);
  }
  return decoder;
}

/** ISO-8859-1 proper: every byte is the code point of the same value (TextDecoder's "latin1" is cp1252). */
function decodeLatin1(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 8192) {
    out += String.fromCharCode(...bytes.subarray(i, i + 8192));
  }
  return out;
}

export function decodeText(bytes: Uint8Array, encoding: TextEncodingName): string {
  return encoding === 'latin1' ? decodeLatin1(bytes) : decoderFor(encoding).decode(bytes);
}

/** U+2400 block pictures for C0 controls and DEL; tab stays a tab. */
export function visibleControls(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000a-\u001f\u007f]/g, (char) => {
    const code = char.charCodeAt(0);
    return String.fromCharCode(code === 0x7f ? 0x2421 : 0x2400 + code);
  });
}

/** Display text of one line. `atFileStart` drops a byte-order mark. */
export function lineText(
  bytes: Uint8Array,
  encoding: TextEncodingName,
  atFileStart: boolean,
  complete: boolean,
): string {
  let text = decodeText(bytes, encoding);
  if (atFileStart && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  // The CR of a CRLF ending belongs to the ending, not the text (only when the line is whole).
  if (complete && text.endsWith('\r')) text = text.slice(0, -1);
  return visibleControls(text);
}

/** Raw text for the clipboard: decoded, BOM and CRs of line endings kept as the file has them. */
export function clipboardText(bytes: Uint8Array, encoding: TextEncodingName, atFileStart: boolean): string {
  const text = decodeText(bytes, encoding);
  return atFileStart && text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
