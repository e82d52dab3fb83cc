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
