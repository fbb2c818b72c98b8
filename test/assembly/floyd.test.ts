import { describe, it, expect } from "vitest";
import { rawKernels } from "../helpers.ts";
import { RefRng } from "../reference/philox.ts";
import { floyd } from "../reference/kernels.ts";

/** How many of Lemire's draws for Floyd's K-subset of [0, n) reject a word (the reference cursor, counted). */
function rejections(rng: RefRng, n: number, K: number, stream: number, step: number): number {
  const cur = rng.cursor(stream, step);
  let r = 0;
  for (let j = n - K; j < n; j++) {
    const b = j + 1, t = (2 ** 32 - b) % b;
    for (;;) { const l = Number((BigInt(cur.next32()) * BigInt(b)) & 0xffffffffn); if (l >= t) break; r++; }
  }
  return r;
}

// floyd() reads Philox words in bulk (fillWords, chunks of ≤ 256) or, for K ≤ 12, from an eight-step cache; a rejected
// word shifts every later draw by one word. With n near 2^24 about 0.3% of the draws reject, so both refill paths
// (a chunk running out inside the rejection loop, and the cache's four words running out) are exercised.
describe("Floyd's K-subset against the reference cursor, rejections included", () => {
  for (const build of ["simd", "scalar"] as const) {
    it(`matches the reference for n ≈ 2^24, K from 1 to 5000, many steps (${build})`, () => {
      const k = rawKernels(build);
      const n = 2 ** 24 + 12345;
      const pMarks = k.alloc(n * 4) >>> 0, pOut = k.alloc(5000 * 4) >>> 0;
      new Int32Array(k.memory.buffer, pMarks, n).fill(0);
      const seed = 2 ** 32 + 99, rng = new RefRng(seed);
      k.setSeed(seed % 2 ** 32, Math.floor(seed / 2 ** 32));
      let stamp = 0, rejected = 0, rejectedSmall = 0;
      // K = 32 and K = 4 use every word they fetch, so a rejection on their last draw refills inside the rejection loop
      // K = 5 … 12 read the sixteen-word cache; consecutive steps there (stride 1) hit it
      for (const [K, steps, stride] of [[5000, 4, 7], [257, 20, 7], [32, 3000, 7], [12, 1500, 1], [5, 1500, 3], [4, 3000, 7],
        [3, 600, 7], [1, 900, 7]] as const) {
        for (let t = 0; t < steps; t++) {
          const step = stride * t + K;
          k.floydAt(n, K, 3, step, pOut, pMarks, ++stamp);
          const got = Array.from(new Int32Array(k.memory.buffer, pOut, K));
          expect(got).toEqual(floyd(rng, n, K, 3, step));
          const r = rejections(rng, n, K, 3, step);
          rejected += r;
          if (K <= 4) rejectedSmall += r;
        }
      }
      expect(rejected).toBeGreaterThan(50);
      expect(rejectedSmall).toBeGreaterThan(3);
    });
  }
});

describe("Floyd's membership in a small table (K ≤ 1024, 16K ≤ n) draws the same subsets as the d-sized marks", () => {
  for (const build of ["simd", "scalar"] as const) {
    it(`the same K-subsets in the same order, rejections included, and a table of 2^b ≥ 2K slots (${build})`, () => {
      const k = rawKernels(build);
      const seed = 77, rng = new RefRng(seed);
      k.setSeed(seed, 0);
      let stamp = 1000;
      for (const [n, K] of [[2 ** 24 + 5, 1024], [2 ** 20, 1000], [16 * 12, 12], [16 * 13, 13], [16 * 5, 5], [64, 4], [16, 1], [2 ** 31 - 1, 3]] as const) {
        const pOut = k.alloc(K * 4) >>> 0;
        for (let t = 0; t < 40; t++) {
          const slots = k.floydTableAt(n, K, 3, 5 * t + 1, pOut, ++stamp);
          expect(slots).toBeGreaterThanOrEqual(2 * K);
          expect(slots).toBeLessThan(4 * K);
          expect(Array.from(new Int32Array(k.memory.buffer, pOut, K))).toEqual(floyd(rng, n, K, 3, 5 * t + 1));
        }
      }
      // outside its range the table is refused (the marks take those samples)
      expect(k.floydTableAt(2 ** 20, 1025, 3, 1, k.alloc(1025 * 4) >>> 0, ++stamp)).toBe(-1);
      expect(k.floydTableAt(16 * 100 - 1, 100, 3, 1, k.alloc(400) >>> 0, ++stamp)).toBe(-1);
    });
  }
});
