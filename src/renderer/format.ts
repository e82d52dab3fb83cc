// Number formatting shared by the views.
const hexDigits = '0123456789ABCDEF';

export const byteHex = (value: number): string => hexDigits[value >> 4]! + hexDigits[value & 15]!;

/** Offset as upper-case hex, zero-padded to `width` digits. */
export const offsetHex = (offset: number, width: number): string =>
  offset.toString(16).toUpperCase().padStart(width, '0');

/** Digits needed to show every offset of a file of `size` bytes (at least 8). */
export const offsetWidth = (size: number): number => Math.max(8, Math.max(0, size - 1).toString(16).length);

/** Printable ASCII as itself, anything else as a dot (as xxd shows it). */
export const asciiChar = (value: number): string => (value >= 0x20 && value < 0x7f ? String.fromCharCode(value) : '.');

export function formatSize(bytes: number): string {
  const exact = `${bytes.toLocaleString('en-US')} byte${bytes === 1 ? '' : 's'}`;
  if (bytes < 1024) return exact;
  const units = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 2 : 1)} ${units[unit]!} (${exact})`;
}

/** "1 line", "2 lines", "1,024 bytes". */
export const plural = (count: number, noun: string, nounPlural = `${noun}s`): string =>
  `${count.toLocaleString('en-US')} ${count === 1 ? noun : nounPlural}`;

/** An offset in the base the offset column uses, the other base in brackets: "0x1F (31)", "31 (0x1F)". */
export function offsetText(offset: number, base: 'hex' | 'dec'): string {
  const sign = offset < 0 ? '−' : '';
  const magnitude = Math.abs(offset);
  const hex = `${sign}0x${magnitude.toString(16).toUpperCase()}`;
  const dec = `${sign}${magnitude.toLocaleString('en-US')}`;
  return base === 'hex' ? `${hex} (${dec})` : `${dec} (${hex})`;
}

/** A text or hex row's height in px for the content's font size (20 px at 13 px). */
export const rowHeightFor = (fontSize: number): number => Math.round(fontSize * 1.54);

/** A file's name as a merged row tags it: at most 14 characters, the end kept. */
export function shortName(name: string): string {
  return name.length <= 14 ? name : `…${name.slice(-13)}`;
}
