import { describe, it, expect } from "vitest";
import { rawKernels, sameBits } from "../helpers.ts";

// Module state that outlives a call must not change what a later call computes (docs/architecture.md, "State that
// outlives a call").
describe("kernel caches are keyed by everything a draw depends on", () => {
  it("the permutation cache is dropped when the seed changes (same round, same stream)", () => {
    for (const build of ["simd", "scalar"] as const) {
      const draw = (ex: any, seed: number) => {
        ex.setSeed(seed, 0);
        const m = ex.sketchSample(6);   // round 2, block 0 of permutation(3)
        return Int32Array.from(new Int32Array(ex.memory.buffer, ex.supportPtr() >>> 0, m));
      };
      const fresh = (seed: number) => {
        const ex = rawKernels(build);
        ex.sketchWorkspace(30);
        ex.sketchConfigure(4, 3, 1, 0);
        return draw(ex, seed);
      };
      const ex = rawKernels(build);
      ex.sketchWorkspace(30);
      ex.sketchConfigure(4, 3, 1, 0);
      const a = draw(ex, 1), b = draw(ex, 2);
      expect(sameBits(a, fresh(1))).toBe(true);
      expect(sameBits(b, fresh(2))).toBe(true);
      expect(sameBits(a, b)).toBe(false);
    }
  });
});
