// UTF-8 decoding that remembers where each UTF-16 unit came from, so a regex match in decoded text
// maps back to exact byte offsets even where invalid bytes became U+FFFD (which stands for one to
// three bytes). Decodes as the WHATWG decoder does (TextDecoder, replacement per maximal subpart).
//
// Self-contained on purpose (no imports, no inner functions): the regex worker's source includes
// this function's text.

export interface DecodedUtf8 {
  readonly text: string;
  /**
   * starts[i] is the byte (relative to the decoded range) where the code point holding unit i
   * begins; for the second unit of a surrogate pair it is where the next code point begins, so
   * that an end index inside a pair rounds up and a start index rounds down (see byteStart).
   * starts[text.length] is the range's length.
   */
  readonly starts: Uint32Array;
}

export function decodeUtf8WithOffsets(bytes: Uint8Array, start: number, end: number): DecodedUtf8 {
  const units = new Uint16Array(end - start);
  const starts = new Uint32Array(end - start + 1);
  let count = 0;
  let needed = 0;
  let seen = 0;
  let codePoint = 0;
  let lower = 0x80;
  let upper = 0xbf;
  let sequenceStart = 0;
  for (let i = start; i < end; i++) {
    const byte = bytes[i]!;
    if (needed === 0) {
      sequenceStart = i - start;
      if (byte <= 0x7f) {
        starts[count] = sequenceStart;
        units[count++] = byte;
      } else if (byte >= 0xc2 && byte <= 0xdf) {
        needed = 1;
        codePoint = byte & 0x1f;
      } else if (byte >= 0xe0 && byte <= 0xef) {
        if (byte === 0xe0) lower = 0xa0;
        if (byte === 0xed) upper = 0x9f;
        needed = 2;
        codePoint = byte & 0x0f;
      } else if (byte >= 0xf0 && byte <= 0xf4) {
        if (byte === 0xf0) lower = 0x90;
        if (byte === 0xf4) upper = 0x8f;
        needed = 3;
        codePoint = byte & 0x07;
      } else {
        starts[count] = sequenceStart;
        units[count++] = 0xfffd;
      }
      continue;
    }
    if (byte < lower || byte > upper) {
      // The bytes so far are one replacement; this byte starts afresh.
      starts[count] = sequenceStart;
      units[count++] = 0xfffd;
      needed = 0;
      seen = 0;
      codePoint = 0;
      lower = 0x80;
      upper = 0xbf;
      i--;
      continue;
    }
    lower = 0x80;
    upper = 0xbf;
    codePoint = (codePoint << 6) | (byte & 0x3f);
    seen++;
    if (seen !== needed) continue;
    if (codePoint > 0xffff) {
      const high = 0xd800 + ((codePoint - 0x10000) >> 10);
      const low = 0xdc00 + ((codePoint - 0x10000) & 0x3ff);
      starts[count] = sequenceStart;
      units[count++] = high;
      starts[count] = i + 1 - start;
      units[count++] = low;
    } else {
      starts[count] = sequenceStart;
      units[count++] = codePoint;
    }
    needed = 0;
    seen = 0;
    codePoint = 0;
  }
  if (needed !== 0) {
    starts[count] = sequenceStart;
    units[count++] = 0xfffd;
  }
  starts[count] = end - start;
  let text = '';
  for (let at = 0; at < count; at += 8192) {
    text += String.fromCharCode.apply(null, Array.from(units.subarray(at, Math.min(count, at + 8192))));
  }
  return { text, starts: starts.subarray(0, count + 1) };
}

/** Byte (relative) where a match starting at unit `index` begins: a pair's second unit rounds down. */
export function byteStart(decoded: DecodedUtf8, index: number): number {
  const code = decoded.text.charCodeAt(index);
  if (index > 0 && code >= 0xdc00 && code <= 0xdfff) {
    const before = decoded.text.charCodeAt(index - 1);
    if (before >= 0xd800 && before <= 0xdbff) return decoded.starts[index - 1]!;
  }
  return decoded.starts[index]!;
}
