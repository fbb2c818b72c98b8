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

/** A counter-based generator with the same (seed, stream, step, k) → bits mapping as the kernels. */
export class RefRng {
  constructor(readonly seed: number) {}
  draw64(stream: number, step: number, k: number): bigint {
    const block = Math.floor(k / 2);
    const w = philox4x32_10([block >>> 0, step >>> 0, Math.floor(step / 2 ** 32) >>> 0, stream >>> 0],
      [this.seed % 2 ** 32, Math.floor(this.seed / 2 ** 32)]);
    return k % 2 === 0 ? BigInt(w[0]) | (BigInt(w[1]) << 32n) : BigInt(w[2]) | (BigInt(w[3]) << 32n);
  }
  uniform(stream: number, step: number, k: number): number {
    return Number(this.draw64(stream, step, k) >> 11n) * 2 ** -53;
  }
  below(n: number, stream: number, step: number, k: number): number {
    return Number((this.draw64(stream, step, k) * BigInt(n)) >> 64n);
  }
}
