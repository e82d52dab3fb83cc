// The text of marked lines, read by number a block at a time (one request per block, never one per
// line), for "Copy marked lines".
import { MAX_COPY_BYTES, MAX_LINES_PER_READ, type TextEncodingName } from '../../../shared/contract';
import { err, ok, type Result } from '../../../shared/result';
import { lineNumber, type SessionId } from '../../../shared/units';
import { getApi } from '../../data/api';
import { decodeText } from '../text/decode';

/** The marked lines' text joined by LF, in file order; ETOOBIG past MAX_COPY_BYTES. */
export async function markedLinesText(
  session: SessionId,
  marks: readonly number[],
  encoding: TextEncodingName,
): Promise<Result<string>> {
  const parts: string[] = [];
  let bytes = 0;
  for (let at = 0; at < marks.length; at += MAX_LINES_PER_READ) {
    const block = marks.slice(at, at + MAX_LINES_PER_READ).map(lineNumber);
    const read = await getApi().readLinesAt(session, block, MAX_COPY_BYTES);
    if (!read.ok) return read;
    const slice = read.value;
    for (let i = 0; i < slice.count; i++) {
      bytes += slice.fullLengths[i]! + 1;
      if (bytes > MAX_COPY_BYTES + 1) {
        return err(
          'ETOOBIG',
          `The marked lines hold over ${MAX_COPY_BYTES.toLocaleString('en-US')} bytes; copying is limited to that.`,
        );
      }
      parts.push(decodeText(slice.bytes.subarray(slice.textStarts[i]!, slice.textStarts[i + 1]!), encoding));
    }
  }
  return ok(parts.join('\n'));
}
