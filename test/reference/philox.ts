// Plain TypeScript Philox4x32-10 and the draw mapping of assembly/philox.ts, for differential tests.

function mulhilo(a: number, b: number): [number, number] {
  const p = BigInt(a) * BigInt(b);
  return [Number(p >> 32n) >>> 0, Number(p & 0xffffffffn) >>> 0];
}

/** philox4x32_10(counter, key) → 4 words. */
export function philox4x32_10(c: [number, number, number, number], k: [number, number]): [number, number, number, number] {
  let [c0, c1, c2, c3] = c.map((x) => x >>> 0);
  let [k0, k1] = k.map((x) => x >>> 0);
  for (let r = 0; r < 10; r++) {
    const [hi0, lo0] = mulhilo(0xd2511f53, c0);
    const [hi1, lo1] = mulhilo(0xcd9e8d57, c2);
    [c0, c1, c2, c3] = [(hi1 ^ c1 ^ k0) >>> 0, lo1, (hi0 ^ c3 ^ k1) >>> 0, lo0];
    k0 = (k0 + 0x9e3779b9) >>> 0;
    k1 = (k1 + 0xbb67ae85) >>> 0;
  }
  return [c0, c1, c2, c3];
}

/** A cursor over the 32-bit words of the sequence (seed, stream, step), with the kernels' mapping:
 *  word c = out[c mod 4] of philox4x32_10((⌊c/4⌋, step lo, step hi, stream), (seed lo, seed hi)). */
export class RefCursor {
  private block = 0;
  private words: number[] = [];
  constructor(readonly seed: number, readonly stream: number, readonly step: number) {}
  next32(): number {
    if (this.words.length === 0) {
      this.words = philox4x32_10([this.block++ >>> 0, this.step >>> 0, Math.floor(this.step / 2 ** 32) >>> 0, this.stream >>> 0],
        [this.seed % 2 ** 32, Math.floor(this.seed / 2 ** 32)]);
    }
    return this.words.shift()!;
  }
  /** Lemire's multiply-shift with rejection: uniform in [0, n). */
  nextBelow(n: number): number {
    let m = BigInt(this.next32()) * BigInt(n);
    let l = Number(m & 0xffffffffn);
    if (l < n) {
      const t = (2 ** 32 - n) % n;
      while (l < t) { m = BigInt(this.next32()) * BigInt(n); l = Number(m & 0xffffffffn); }
    }
    return Number(m >> 32n);
  }
  nextUniform(): number {
    const a = this.next32() >>> 5, b = this.next32() >>> 6;
    return (a * 67108864 + b) * 2 ** -53;
  }
}

/** The generator for a seed: cursors by (stream, step). */
export class RefRng {
  constructor(readonly seed: number) {}
  cursor(stream: number, step: number): RefCursor { return new RefCursor(this.seed, stream, step); }
}
