// Binary framing for the browser host's WebSocket: JSON for structure, raw bytes for typed arrays.
// Frame: u32 jsonLength | json (UTF-8) | u32 blobCount | (u32 byteLength | bytes)*
// Typed arrays inside the value are replaced in the JSON by {"$blob": index, "$type": name}.

type TypedArrayName = 'Uint8Array' | 'Uint16Array' | 'Uint32Array' | 'Int32Array' | 'Float64Array';
type AnyTypedArray = Uint8Array | Uint16Array | Uint32Array | Int32Array | Float64Array;

interface TypedArrayConstructor {
  new (buffer: ArrayBuffer): AnyTypedArray;
  readonly BYTES_PER_ELEMENT: number;
}

const constructors: Record<TypedArrayName, TypedArrayConstructor> = {
  Uint8Array,
  Uint16Array,
  Uint32Array,
  Int32Array,
  Float64Array,
};

function typedArrayName(value: unknown): TypedArrayName | undefined {
  if (value instanceof Uint8Array) return 'Uint8Array';
  if (value instanceof Uint16Array) return 'Uint16Array';
  if (value instanceof Uint32Array) return 'Uint32Array';
  if (value instanceof Int32Array) return 'Int32Array';
  if (value instanceof Float64Array) return 'Float64Array';
  return undefined;
}

export class WireError extends Error {}

export function encodeFrame(value: unknown): Uint8Array {
  const blobs: Uint8Array[] = [];
  const json = JSON.stringify(value, function replacer(this: unknown, key: string, item: unknown) {
    // JSON.stringify has already turned typed arrays into plain objects in `item`; look at the holder.
    const original: unknown = key === '' ? item : (this as Record<string, unknown>)[key];
    const type = typedArrayName(original);
    if (type === undefined) return item;
    const view = original as AnyTypedArray;
    blobs.push(new Uint8Array(view.buffer, view.byteOffset, view.byteLength));
    return { $blob: blobs.length - 1, $type: type };
  });
  const jsonBytes = new TextEncoder().encode(json ?? 'null');
  let total = 4 + jsonBytes.byteLength + 4;
  for (const blob of blobs) total += 4 + blob.byteLength;
  const frame = new Uint8Array(total);
  const header = new DataView(frame.buffer);
  let at = 0;
  header.setUint32(at, jsonBytes.byteLength, true);
  at += 4;
  frame.set(jsonBytes, at);
  at += jsonBytes.byteLength;
  header.setUint32(at, blobs.length, true);
  at += 4;
  for (const blob of blobs) {
    header.setUint32(at, blob.byteLength, true);
    at += 4;
    frame.set(blob, at);
    at += blob.byteLength;
  }
  return frame;
}

interface FrameParts {
  readonly json: string;
  /** Where the blob section starts. */
  readonly blobsAt: number;
}

function readJsonPart(frame: Uint8Array, view: DataView): FrameParts {
  if (frame.byteLength < 4) throw new WireError('truncated frame');
  const jsonLength = view.getUint32(0, true);
  if (4 + jsonLength > frame.byteLength) throw new WireError('truncated frame');
  const json = new TextDecoder('utf-8', { fatal: true }).decode(frame.subarray(4, 4 + jsonLength));
  return { json, blobsAt: 4 + jsonLength };
}

export function decodeFrame(frame: Uint8Array): unknown {
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const need = (at: number, length: number): void => {
    if (at + length > frame.byteLength) throw new WireError('truncated frame');
  };
  const { json, blobsAt } = readJsonPart(frame, view);
  let at = blobsAt;
  need(at, 4);
  const blobCount = view.getUint32(at, true);
  at += 4;
  const blobs: Uint8Array[] = [];
  for (let i = 0; i < blobCount; i++) {
    need(at, 4);
    const length = view.getUint32(at, true);
    at += 4;
    need(at, length);
    blobs.push(frame.subarray(at, at + length));
    at += length;
  }
  return JSON.parse(json, (_key, item: unknown) => {
    if (typeof item !== 'object' || item === null) return item;
    const marker = item as { $blob?: unknown; $type?: unknown };
    if (typeof marker.$blob !== 'number' || typeof marker.$type !== 'string') return item;
    const blob = blobs[marker.$blob];
    const ctor: TypedArrayConstructor | undefined = Object.hasOwn(constructors, marker.$type)
      ? constructors[marker.$type as TypedArrayName]
      : undefined;
    if (blob === undefined || ctor === undefined) throw new WireError('bad blob reference');
    // Copy into a fresh, aligned buffer of exactly this length that the receiver owns. (Not
    // blob.slice(): on a Node Buffer, slice shares memory, and .buffer would be the whole pool.)
    const copy = new Uint8Array(blob).buffer;
    if (copy.byteLength % ctor.BYTES_PER_ELEMENT !== 0) {
      throw new WireError('blob length does not fit its type');
    }
    return new ctor(copy);
  });
}

/**
 * The host closes a socket it refuses (too many connections) with this code and a reason
 * "CODE: message", CODE an ErrorCode; the page answers pending and later calls with that error.
 * Any code from 4000 to 4999 with such a reason is read the same way.
 */
export const REFUSAL_CLOSE_CODE = 4029;

/** A message id: a non-negative safe integer. -1 answers a frame whose id could not be read. */
export const UNKNOWN_ID = -1;

function messageId(value: unknown): number | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const id: unknown = (value as { id?: unknown }).id;
  return typeof id === 'number' && Number.isSafeInteger(id) && id >= 0 ? id : undefined;
}

/**
 * The id of a frame whose JSON part parses even when the rest (blobs, fields) is bad, so the
 * answer can name the request it refuses. Undefined when no id can be read at all.
 */
export function peekFrameId(frame: Uint8Array | string): number | undefined {
  try {
    if (typeof frame === 'string') return messageId(JSON.parse(frame));
    const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
    return messageId(JSON.parse(readJsonPart(frame, view).json));
  } catch {
    return undefined;
  }
}

/** Messages on the browser host's socket. */
export type ClientMessage = { kind: 'request'; id: number; name: string; args: unknown[] };
export type ServerMessage =
  { kind: 'response'; id: number; result: unknown } | { kind: 'event'; name: string; payload: unknown };
