// "Copy as…" of the hex view's selection (hex text, C array, Python bytes, Base64, an xxd hexdump),
// and the reading of what is pasted back: the same formats, as same-length overwrites.
import { MAX_COPY_BYTES } from '../../../shared/contract';
import { byteHex } from '../../format';

export type CopyFormatId = 'hex' | 'c' | 'python' | 'base64' | 'xxd';

export interface CopyFormat {
  readonly id: CopyFormatId;
  readonly title: string;
  /** The most characters a byte takes in this format, for the size cap. */
  readonly charsPerByte: number;
  /** The text of `bytes`, read from file offset `offset`. */
  format(bytes: Uint8Array, offset: number): string;
}

/** Joins many small strings without building one huge array of them. */
function joinChunks(count: number, part: (index: number) => string, separator: string): string {
  const chunks: string[] = [];
  const CHUNK = 8192;
  for (let start = 0; start < count; start += CHUNK) {
    const parts: string[] = [];
    for (let i = start; i < Math.min(count, start + CHUNK); i++) parts.push(part(i));
    chunks.push(parts.join(separator));
  }
  return chunks.join(separator);
}

/** "DE AD BE EF", as the hex pane shows the bytes. */
export const hexFormat = (bytes: Uint8Array): string => joinChunks(bytes.length, (i) => byteHex(bytes[i]!), ' ');

/** A C array, twelve bytes to a line, as `xxd -i` writes them. */
export function cArray(bytes: Uint8Array): string {
  const lineCount = Math.ceil(bytes.length / 12);
  const body = joinChunks(
    lineCount,
    (line) => {
      const parts: string[] = [];
      for (let i = line * 12; i < Math.min(bytes.length, line * 12 + 12); i++) {
        parts.push(`0x${bytes[i]!.toString(16).padStart(2, '0')}`);
      }
      return `  ${parts.join(', ')}`;
    },
    ',\n',
  );
  return `unsigned char data[${bytes.length}] = {\n${body}${bytes.length > 0 ? '\n' : ''}};\n`;
}

/** Python's repr() of the bytes: b'…' (or b"…" when only that avoids escaping a quote). */
export function pythonBytes(bytes: Uint8Array): string {
  const quote = bytes.includes(0x27) && !bytes.includes(0x22) ? '"' : "'";
  const escapes: Record<number, string> = { 0x09: '\\t', 0x0a: '\\n', 0x0d: '\\r', 0x5c: '\\\\' };
  const body = joinChunks(
    bytes.length,
    (i) => {
      const byte = bytes[i]!;
      const escaped = escapes[byte];
      if (escaped !== undefined) return escaped;
      if (byte === quote.charCodeAt(0)) return `\\${quote}`;
      if (byte >= 0x20 && byte < 0x7f) return String.fromCharCode(byte);
      return `\\x${byte.toString(16).padStart(2, '0')}`;
    },
    '',
  );
  return `b${quote}${body}${quote}`;
}

/** Base64 with padding, one line. */
export function base64(bytes: Uint8Array): string {
  const parts: string[] = [];
  // A multiple of 3 bytes per chunk, so only the last chunk pads.
  const CHUNK = 3 * 8192;
  for (let start = 0; start < bytes.length; start += CHUNK) {
    const chunk = bytes.subarray(start, Math.min(bytes.length, start + CHUNK));
    parts.push(btoa(String.fromCharCode(...chunk)));
  }
  return parts.join('');
}

/** What `xxd -s OFFSET -l LENGTH FILE` prints: 16 bytes a line, from the selection's first byte. */
export function xxdDump(bytes: Uint8Array, offset: number): string {
  const lineCount = Math.ceil(bytes.length / 16);
  const text = joinChunks(
    lineCount,
    (line) => {
      const start = line * 16;
      const end = Math.min(bytes.length, start + 16);
      let hex = '';
      let chars = '';
      for (let i = start; i < start + 16; i++) {
        if (i < end) {
          const byte = bytes[i]!;
          hex += byte.toString(16).padStart(2, '0');
          chars += byte >= 0x20 && byte < 0x7f ? String.fromCharCode(byte) : '.';
        } else hex += '  ';
        if ((i - start) % 2 === 1) hex += ' ';
      }
      return `${(offset + start).toString(16).padStart(8, '0')}: ${hex} ${chars}`;
    },
    '\n',
  );
  return lineCount > 0 ? `${text}\n` : '';
}

export const copyFormats: readonly CopyFormat[] = [
  { id: 'hex', title: 'hex text', charsPerByte: 3, format: hexFormat },
  { id: 'c', title: 'a C array', charsPerByte: 6.2, format: cArray },
  { id: 'python', title: 'Python bytes', charsPerByte: 4, format: pythonBytes },
  { id: 'base64', title: 'Base64', charsPerByte: 1.4, format: base64 },
  { id: 'xxd', title: 'an xxd hexdump', charsPerByte: 4.3, format: xxdDump },
];

export const copyFormat = (id: CopyFormatId): CopyFormat => copyFormats.find((format) => format.id === id)!;

/** The most bytes a format copies: its text stays within the clipboard limit. */
export const copyLimit = (format: CopyFormat): number => Math.floor(MAX_COPY_BYTES / format.charsPerByte);

/** The most bytes one paste writes (the edit channel takes this much at a time). */
export const MAX_PASTE_BYTES = 16 * 1024 * 1024;

export interface PastedBytes {
  readonly bytes: Uint8Array;
  /** What the text was read as, for the message. */
  readonly as: 'hex' | 'C array' | 'Python bytes' | 'Base64' | 'xxd hexdump';
}

const XXD_LINE = /^\s*[0-9a-fA-F]{4,}:\s((?:[0-9a-fA-F]{2}){1,4}(?: (?:[0-9a-fA-F]{2}){1,4})*)/;

function fromXxd(text: string): Uint8Array | null {
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '');
  if (lines.length === 0) return null;
  const hex: string[] = [];
  for (const line of lines) {
    const found = XXD_LINE.exec(line);
    if (found === null) return null;
    hex.push(found[1]!.replace(/ /g, ''));
  }
  return hexDigits(hex.join(''));
}

function hexDigits(digits: string): Uint8Array | null {
  if (digits.length === 0 || digits.length % 2 !== 0 || !/^[0-9a-fA-F]+$/.test(digits)) return null;
  const out = new Uint8Array(digits.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(digits.slice(2 * i, 2 * i + 2), 16);
  return out;
}

function fromCArray(text: string): Uint8Array | null {
  const body = /\{([^}]*)\}/.exec(text)?.[1];
  if (body === undefined) return null;
  const items = body
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
  if (items.length === 0) return null;
  const out = new Uint8Array(items.length);
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    const value = /^0x[0-9a-f]{1,2}$/i.test(item) ? parseInt(item, 16) : /^\d{1,3}$/.test(item) ? Number(item) : NaN;
    if (!(value >= 0 && value <= 255)) return null;
    out[i] = value;
  }
  return out;
}

function fromPython(text: string): Uint8Array | null {
  const literal = /^b(['"])([\s\S]*)\1$/.exec(text);
  if (literal === null) return null;
  const body = literal[2]!;
  const out: number[] = [];
  const simple: Record<string, number> = { n: 10, r: 13, t: 9, '\\': 92, "'": 39, '"': 34, a: 7, b: 8, f: 12, v: 11 };
  for (let i = 0; i < body.length; i++) {
    const code = body.charCodeAt(i);
    if (code > 0x7e || code < 0x20) return null;
    if (body[i] !== '\\') {
      out.push(code);
      continue;
    }
    const next = body[i + 1];
    if (next === 'x' && /^[0-9a-fA-F]{2}$/.test(body.slice(i + 2, i + 4))) {
      out.push(parseInt(body.slice(i + 2, i + 4), 16));
      i += 3;
    } else if (next !== undefined && simple[next] !== undefined) {
      out.push(simple[next]);
      i += 1;
    } else return null;
  }
  return Uint8Array.from(out);
}

function fromBase64(text: string): Uint8Array | null {
  const cleaned = text.replace(/\s/g, '');
  if (cleaned.length === 0 || cleaned.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(cleaned)) return null;
  try {
    const binary = atob(cleaned);
    const out = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
    return out;
  } catch {
    return null;
  }
}

/**
 * Bytes from pasted text: an xxd hexdump, a C array, a Python bytes literal, hex text ("DE AD",
 * "0xDE, 0xAD", "dead"), or Base64 — tried in that order, so text that reads as hex is hex. A
 * string says why nothing could be read.
 */
export function parsePasted(raw: string): PastedBytes | string {
  const text = raw.trim();
  if (text === '') return 'Nothing to paste: the clipboard is empty.';
  const xxd = fromXxd(text);
  if (xxd !== null) return { bytes: xxd, as: 'xxd hexdump' };
  const c = fromCArray(text);
  if (c !== null) return { bytes: c, as: 'C array' };
  const python = fromPython(text);
  if (python !== null) return { bytes: python, as: 'Python bytes' };
  const hex = hexDigits(text.replace(/0x/gi, '').replace(/[\s:,-]/g, ''));
  if (hex !== null) return { bytes: hex, as: 'hex' };
  const b64 = fromBase64(text);
  if (b64 !== null) return { bytes: b64, as: 'Base64' };
  return 'The clipboard holds neither hex bytes ("DE AD BE EF"), Base64, a C array, Python bytes nor an xxd hexdump: nothing was pasted.';
}
