// The clipboard, with a fallback for hosts where navigator.clipboard is refused (no secure context,
// no user activation), and the hex view's copy formats.
import { MAX_COPY_BYTES } from '../shared/contract';
import { asciiChar, byteHex, formatSize } from './format';

/** Largest hex-view selection Ctrl+C copies: its hex text is three characters per byte. */
export const MAX_HEX_COPY_BYTES = Math.floor(MAX_COPY_BYTES / 4);

export function tooBigToCopy(bytes: number, limit: number, unit = 'selection'): string {
  return `The ${unit} is ${formatSize(bytes)}; copying is limited to ${formatSize(limit)}. Select less and copy again.`;
}

/** Bytes as the hex pane shows them: "DE AD BE EF". */
export function hexText(bytes: Uint8Array): string {
  const parts = new Array<string>(bytes.length);
  for (let i = 0; i < bytes.length; i++) parts[i] = byteHex(bytes[i]!);
  return parts.join(' ');
}

/** Bytes as the ASCII pane shows them: printable ASCII, a dot for anything else. */
export function asciiText(bytes: Uint8Array): string {
  let out = '';
  const chunk: string[] = [];
  for (let i = 0; i < bytes.length; i++) {
    chunk.push(asciiChar(bytes[i]!));
    if (chunk.length === 4096) {
      out += chunk.join('');
      chunk.length = 0;
    }
  }
  return out + chunk.join('');
}

export async function writeClipboard(text: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    const area = document.createElement('textarea');
    area.value = text;
    area.style.position = 'fixed';
    area.style.opacity = '0';
    document.body.appendChild(area);
    area.select();
    const copied = document.execCommand('copy');
    area.remove();
    if (!copied) throw new Error('copy refused');
  }
}
