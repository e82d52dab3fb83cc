/** A Float64Array that doubles as it fills: no per-element objects, no JS array of boxed numbers. */
export class GrowableFloat64 {
  private data = new Float64Array(64);
  length = 0;

  push(value: number): void {
    if (this.length === this.data.length) {
      const grown = new Float64Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = value;
  }

  at(index: number): number {
    return this.data[index]!;
  }

  set(index: number, value: number): void {
    this.data[index] = value;
  }

  capacityBytes(): number {
    return this.data.byteLength;
  }
}

/** A Uint32Array that doubles as it fills: 4 bytes a value (row numbers below 2^32). */
export class GrowableUint32 {
  private data = new Uint32Array(64);
  length = 0;

  push(value: number): void {
    if (this.length === this.data.length) {
      const grown = new Uint32Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = value;
  }

  at(index: number): number {
    return this.data[index]!;
  }

  /** The first index whose value is at least `value` (values ascending), or length. */
  lowerBound(value: number): number {
    let low = 0;
    let high = this.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (this.data[mid]! < value) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  capacityBytes(): number {
    return this.data.byteLength;
  }
}
