// Argument checks shared by the wrappers: each fails with EINVAL naming the argument.
import { types } from 'node:util';

import { isNonNegativeSafeInteger } from '../../src/shared/units';
import { invalid } from './errors';

/** An optional integer option within [min, max]: undefined passes, anything else fails naming it. */
export function requireOptionalInteger(name: string, value: unknown, min: number, max: number, path: string): void {
  if (value === undefined) return;
  if (!(isNonNegativeSafeInteger(value) && value >= min && value <= max)) {
    throw invalid(`${name} must be an integer from ${min} to ${max}, got ${describe(value)}`, path);
  }
}

export function requireOffset(name: string, value: unknown, path: string): void {
  if (!isNonNegativeSafeInteger(value)) {
    throw invalid(`${name} must be a non-negative safe integer, got ${describe(value)}`, path);
  }
}

export function requireOffsetArray(name: string, value: unknown, path: string): void {
  if (!types.isFloat64Array(value)) {
    throw invalid(`${name} must be a Float64Array, got ${describe(value)}`, path);
  }
  for (let i = 0; i < value.length; i++) {
    if (!isNonNegativeSafeInteger(value[i])) {
      throw invalid(`${name}[${i}] must be a non-negative safe integer, got ${describe(value[i])}`, path);
    }
  }
}

export function requireBytes(name: string, value: unknown, path: string): asserts value is Uint8Array {
  // types.isUint8Array also accepts Buffers and arrays from another realm (vm context, iframe).
  if (!types.isUint8Array(value)) {
    throw invalid(`${name} must be a Uint8Array, got ${describe(value)}`, path);
  }
}

/** A value as an argument check's message shows it. */
export function describe(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    return String(value);
  }
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null) return 'null';
  if (typeof value === 'object') return Object.prototype.toString.call(value).slice(8, -1);
  return typeof value;
}
