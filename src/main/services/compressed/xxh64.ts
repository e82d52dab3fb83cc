// XXH64 (seed 0), streaming, for the content checksum at the end of a zstd frame: fzstd skips that
// checksum, so without it a damaged frame could decode to wrong bytes without a word. Node has no
// xxHash, and BigInt arithmetic allocates on every step, so 64-bit values are kept as two 32-bit
// halves (hi, lo): the stripe loop, which sees every byte, is inlined int32 arithmetic (about
// 600 MB/s here); the finishing steps use small helpers that write their result to `out`.

// The five primes of the specification, as [hi, lo] halves.
const P1_HI = 0x9e3779b1;
const P1_LO = 0x85ebca87;
const P2_HI = 0xc2b2ae3d;
const P2_LO = 0x27d4eb4f;
const P3_HI = 0x165667b1;
const P3_LO = 0x9e3779f9;
const P4_HI = 0x85ebca77;
const P4_LO = 0xc2b2ae63;
const P5_HI = 0x27d4eb2f;
const P5_LO = 0x165667c5;

const TWO_32 = 4294967296;
const STRIPE = 32;

// Results of the step functions: a typed array, so no number is boxed on the hot path.
const out = new Uint32Array(2);

/** High 32 bits of the unsigned product a × b of two 32-bit values, from 16-bit pieces (int32 arithmetic). */
function mulHigh(a: number, b: number): number {
  const a0 = a & 0xffff;
  const a1 = a >>> 16;
  const b0 = b & 0xffff;
  const b1 = b >>> 16;
  const middle1 = (Math.imul(a1, b0) + (Math.imul(a0, b0) >>> 16)) | 0;
  const middle2 = (Math.imul(a0, b1) + (middle1 & 0xffff)) | 0;
  return (Math.imul(a1, b1) + (middle1 >>> 16) + (middle2 >>> 16)) | 0;
}

/** (aHi:aLo × bHi:bLo) mod 2^64; the cross terms only matter mod 2^32. */
function mul(aHi: number, aLo: number, bHi: number, bLo: number): void {
  out[1] = Math.imul(aLo, bLo) >>> 0;
  out[0] = (mulHigh(aLo, bLo) + Math.imul(aHi, bLo) + Math.imul(aLo, bHi)) >>> 0;
}

function add(aHi: number, aLo: number, bHi: number, bLo: number): void {
  const lo = aLo + bLo;
  out[1] = lo >>> 0;
  out[0] = (aHi + bHi + (lo >= TWO_32 ? 1 : 0)) >>> 0;
}

/** Rotates left by 0 < r < 32. */
function rotl(hi: number, lo: number, r: number): void {
  out[0] = ((hi << r) | (lo >>> (32 - r))) >>> 0;
  out[1] = ((lo << r) | (hi >>> (32 - r))) >>> 0;
}

/** acc = rotl(acc + lane × P2, 31) × P1 */
function round(accHi: number, accLo: number, laneHi: number, laneLo: number): void {
  mul(laneHi, laneLo, P2_HI, P2_LO);
  add(accHi, accLo, out[0]!, out[1]!);
  rotl(out[0]!, out[1]!, 31);
  mul(out[0]!, out[1]!, P1_HI, P1_LO);
}

/** acc = (acc ^ round(0, value)) × P1 + P4 */
function mergeRound(accHi: number, accLo: number, valueHi: number, valueLo: number): void {
  round(0, 0, valueHi, valueLo);
  mul((accHi ^ out[0]!) >>> 0, (accLo ^ out[1]!) >>> 0, P1_HI, P1_LO);
  add(out[0]!, out[1]!, P4_HI, P4_LO);
}

const u32 = (bytes: Uint8Array, at: number): number =>
  (bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24)) >>> 0;

export class Xxh64 {
  /** The four lane accumulators as [hi, lo] pairs, held as int32 so the stripe loop never boxes. */
  private readonly lanes = new Int32Array(8);
  private totalLength = 0;
  /** Bytes of an unfinished stripe. */
  private readonly memory = new Uint8Array(STRIPE);
  private memoryLength = 0;

  constructor() {
    // Seed 0: v1 = P1 + P2, v2 = P2, v3 = 0, v4 = -P1.
    add(P1_HI, P1_LO, P2_HI, P2_LO);
    this.lanes.set([out[0]!, out[1]!, P2_HI, P2_LO, 0, 0]);
    add(~P1_HI >>> 0, ~P1_LO >>> 0, 0, 1);
    this.lanes.set([out[0]!, out[1]!], 6);
  }

  update(bytes: Uint8Array): void {
    this.totalLength += bytes.length;
    let at = 0;
    if (this.memoryLength > 0) {
      const taken = Math.min(STRIPE - this.memoryLength, bytes.length);
      this.memory.set(bytes.subarray(0, taken), this.memoryLength);
      this.memoryLength += taken;
      at = taken;
      if (this.memoryLength < STRIPE) return;
      this.stripes(this.memory, 0, STRIPE);
      this.memoryLength = 0;
    }
    const whole = at + Math.floor((bytes.length - at) / STRIPE) * STRIPE;
    this.stripes(bytes, at, whole);
    if (whole < bytes.length) {
      this.memory.set(bytes.subarray(whole), 0);
      this.memoryLength = bytes.length - whole;
    }
  }

  /** The hot loop: round() of each lane inlined, in int32 arithmetic (Math.imul, | 0). */
  private stripes(bytes: Uint8Array, from: number, to: number): void {
    const lanes = this.lanes;
    for (let at = from; at < to; at += STRIPE) {
      for (let lane = 0; lane < 4; lane++) {
        const p = at + lane * 8;
        const inputLo = bytes[p]! | (bytes[p + 1]! << 8) | (bytes[p + 2]! << 16) | (bytes[p + 3]! << 24);
        const inputHi = bytes[p + 4]! | (bytes[p + 5]! << 8) | (bytes[p + 6]! << 16) | (bytes[p + 7]! << 24);
        // product = input × P2
        const productLo = Math.imul(inputLo, P2_LO);
        const productHi = (mulHigh(inputLo, P2_LO) + Math.imul(inputHi, P2_LO) + Math.imul(inputLo, P2_HI)) | 0;
        // sum = accumulator + product
        const accLo = lanes[2 * lane + 1]!;
        const sumLo = (accLo + productLo) | 0;
        const sumHi = (lanes[2 * lane]! + productHi + (sumLo >>> 0 < accLo >>> 0 ? 1 : 0)) | 0;
        // accumulator = rotl(sum, 31) × P1
        const rotatedHi = (sumHi << 31) | (sumLo >>> 1);
        const rotatedLo = (sumLo << 31) | (sumHi >>> 1);
        lanes[2 * lane + 1] = Math.imul(rotatedLo, P1_LO);
        lanes[2 * lane] = (mulHigh(rotatedLo, P1_LO) + Math.imul(rotatedHi, P1_LO) + Math.imul(rotatedLo, P1_HI)) | 0;
      }
    }
  }

  /** The hash of everything given so far; the state is left as it was. */
  digest(): bigint {
    let hHi: number;
    let hLo: number;
    if (this.totalLength >= STRIPE) {
      const lane = (index: number): [number, number] => [
        this.lanes[2 * index]! >>> 0,
        this.lanes[2 * index + 1]! >>> 0,
      ];
      const [v1Hi, v1Lo] = lane(0);
      const [v2Hi, v2Lo] = lane(1);
      const [v3Hi, v3Lo] = lane(2);
      const [v4Hi, v4Lo] = lane(3);
      rotl(v1Hi, v1Lo, 1);
      let sumHi = out[0]!;
      let sumLo = out[1]!;
      for (const [vHi, vLo, r] of [
        [v2Hi, v2Lo, 7],
        [v3Hi, v3Lo, 12],
        [v4Hi, v4Lo, 18],
      ] as const) {
        rotl(vHi, vLo, r);
        add(sumHi, sumLo, out[0]!, out[1]!);
        sumHi = out[0]!;
        sumLo = out[1]!;
      }
      for (const [vHi, vLo] of [
        [v1Hi, v1Lo],
        [v2Hi, v2Lo],
        [v3Hi, v3Lo],
        [v4Hi, v4Lo],
      ] as const) {
        mergeRound(sumHi, sumLo, vHi, vLo);
        sumHi = out[0]!;
        sumLo = out[1]!;
      }
      hHi = sumHi;
      hLo = sumLo;
    } else {
      hHi = P5_HI;
      hLo = P5_LO;
    }
    add(hHi, hLo, Math.floor(this.totalLength / TWO_32) >>> 0, this.totalLength >>> 0);
    hHi = out[0]!;
    hLo = out[1]!;

    const tail = this.memory;
    const end = this.memoryLength;
    let at = 0;
    for (; at + 8 <= end; at += 8) {
      round(0, 0, u32(tail, at + 4), u32(tail, at));
      rotl((hHi ^ out[0]!) >>> 0, (hLo ^ out[1]!) >>> 0, 27);
      mul(out[0]!, out[1]!, P1_HI, P1_LO);
      add(out[0]!, out[1]!, P4_HI, P4_LO);
      hHi = out[0]!;
      hLo = out[1]!;
    }
    if (at + 4 <= end) {
      mul(0, u32(tail, at), P1_HI, P1_LO);
      rotl((hHi ^ out[0]!) >>> 0, (hLo ^ out[1]!) >>> 0, 23);
      mul(out[0]!, out[1]!, P2_HI, P2_LO);
      add(out[0]!, out[1]!, P3_HI, P3_LO);
      hHi = out[0]!;
      hLo = out[1]!;
      at += 4;
    }
    for (; at < end; at++) {
      mul(0, tail[at]!, P5_HI, P5_LO);
      rotl((hHi ^ out[0]!) >>> 0, (hLo ^ out[1]!) >>> 0, 11);
      mul(out[0]!, out[1]!, P1_HI, P1_LO);
      hHi = out[0]!;
      hLo = out[1]!;
    }

    // Avalanche: h ^= h >> 33; h *= P2; h ^= h >> 29; h *= P3; h ^= h >> 32.
    hLo = (hLo ^ (hHi >>> 1)) >>> 0;
    mul(hHi, hLo, P2_HI, P2_LO);
    hHi = out[0]!;
    hLo = (out[1]! ^ ((out[1]! >>> 29) | (out[0]! << 3))) >>> 0;
    hHi = (hHi ^ (hHi >>> 29)) >>> 0;
    mul(hHi, hLo, P3_HI, P3_LO);
    hHi = out[0]!;
    hLo = (out[1]! ^ out[0]!) >>> 0;
    return (BigInt(hHi) << 32n) | BigInt(hLo);
  }

  /** The low 32 bits of the digest: what a zstd frame stores as its content checksum. */
  digestLow32(): number {
    return Number(this.digest() & 0xffffffffn);
  }
}
