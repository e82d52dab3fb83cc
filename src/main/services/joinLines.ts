// Lines joined by LF into one buffer, as copy puts them on the clipboard.

/** `parts` joined by LF (none after the last). */
export function joinLines(parts: readonly Uint8Array[]): Uint8Array {
  const total = parts.reduce((sum, part) => sum + part.length + 1, 0);
  const out = new Uint8Array(Math.max(0, total - 1));
  let at = 0;
  for (const [i, part] of parts.entries()) {
    if (i > 0) out[at++] = 0x0a;
    out.set(part, at);
    at += part.length;
  }
  return out;
}
