/**
 * The library's generator in TypeScript, 32-bit integer operations only: Philox4x32-10 and the kernels' word sequence
 * (seed, stream, step) with Lemire's unbiased bounded integers — the same words and draws as assembly/philox.ts, for
 * draws made on the host (pruning masks, data splits) and for reproducing the kernels' draws.
 * @module
 */

// mulhilo(a, b): the 64-bit product of two u32 as [hi, lo] u32 words, exactly, with 16-bit limbs.
export function mulhilo(a: number, b: number): [number, number] {
  const al = a & 0xffff, ah = a >>> 16, bl = b & 0xffff, bh = b >>> 16;
  const ll = al * bl, lh = al * bh, hl = ah * bl, hh = ah * bh;
  const mid = (ll >>> 16) + (lh & 0xffff) + (hl & 0xffff);
  const hi = (hh + (lh >>> 16) + (hl >>> 16) + (mid >>> 16)) >>> 0;
  return [hi, Math.imul(a, b) >>> 0];
}

/** philox4x32(c0, c1, c2, c3, k0, k1): ten rounds of Philox4x32 (Salmon et al., SC'11) → four u32 words. */
export function philox4x32(c0: number, c1: number, c2: number, c3: number, k0: number, k1: number): [number, number, number, number] {
  c0 >>>= 0; c1 >>>= 0; c2 >>>= 0; c3 >>>= 0; k0 >>>= 0; k1 >>>= 0;
  for (let r = 0; r < 10; r++) {
    const [hi0, lo0] = mulhilo(0xd2511f53, c0);
    const [hi1, lo1] = mulhilo(0xcd9e8d57, c2);
    const n0 = (hi1 ^ c1 ^ k0) >>> 0, n2 = (hi0 ^ c3 ^ k1) >>> 0;
    c0 = n0; c1 = lo1; c2 = n2; c3 = lo0;
    k0 = (k0 + 0x9e3779b9) >>> 0;
    k1 = (k1 + 0xbb67ae85) >>> 0;
  }
  return [c0, c1, c2, c3];
}

/**
 * The kernels' word sequence: the sequence (seed, stream, step) is the 32-bit words of the Philox blocks
 * b = 0, 1, 2, … with counter (b, step lo, step hi, stream) and key (seed lo, seed hi), read four per block in order.
 * Integers below n come from Lemire's multiply-shift with rejection (unbiased), exactly as the kernels' `nextBelow`.
 */
export class Cursor {
  private readonly k0: number;
  private readonly k1: number;
  private stepLo = 0;
  private stepHi = 0;
  private block = 0;
  private pos = 4;
  private w: [number, number, number, number] = [0, 0, 0, 0];
  constructor(seed: number, private readonly stream: number) {
    this.k0 = seed % 2 ** 32;
    this.k1 = Math.floor(seed / 2 ** 32);
  }
  /** seek(step): the start of the sequence of this step. */
  seek(step: number): void {
    this.stepLo = step % 2 ** 32;
    this.stepHi = Math.floor(step / 2 ** 32);
    this.block = 0;
    this.pos = 4;
  }
  /** next32(): the next word. */
  next32(): number {
    if (this.pos === 4) {
      this.w = philox4x32(this.block, this.stepLo, this.stepHi, this.stream, this.k0, this.k1);
      this.block++;
      this.pos = 0;
    }
    return this.w[this.pos++];
  }
  /** nextBelow(n): uniform in [0, n), 1 ≤ n < 2³²: the high word of w·n, redrawing while the low word is below 2³² mod n. */
  nextBelow(n: number): number {
    let [hi, lo] = mulhilo(this.next32(), n);
    if (lo < n) {
      const t = (2 ** 32 - n) % n;
      while (lo < t) [hi, lo] = mulhilo(this.next32(), n);
    }
    return hi;
  }
}

/** permutation(n, seed, stream, step): a uniform permutation of 0..n−1 by Fisher–Yates over the sequence
 *  (seed, stream, step): for i = n−1 … 1, swap i with nextBelow(i + 1). */
export function permutation(n: number, seed: number, stream: number, step = 0): Int32Array {
  const p = Int32Array.from({ length: n }, (_, i) => i);
  const c = new Cursor(seed, stream);
  c.seek(step);
  for (let i = n - 1; i > 0; i--) {
    const j = c.nextBelow(i + 1);
    const t = p[i]; p[i] = p[j]; p[j] = t;
  }
  return p;
}
