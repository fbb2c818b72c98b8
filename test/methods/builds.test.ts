// The SIMD and the scalar builds give the same bits for every method.
import { describe, it, expect } from "vitest";
import { sketch, schedules, type MinimizeOptions, type Sketch } from "../../dist/index.js";
import { mast, lcg, maxRelErr, sameBits, spd, quadraticModel } from "../helpers.ts";

describe("determinism of the new methods across builds", () => {
  it("L-SVRG, SVRG and importance sampling give the same digest in the SIMD and scalar builds", async () => {
    const [a, b] = [await mast("simd"), await mast("scalar")];
    const make = (m: any) => m.problem({ data: m.data.synthetic({ rows: 100, cols: 20, density: 0.3, seed: 6 }), l2: 1e-2 });
    const [pa, pb] = [make(a), make(b)];
    for (const o of [
      { method: "lsvrg", sketch: sketch.randK(5), sketchSet: { size: 15, seed: 1 }, referenceBatch: 5, batch: 4, iterations: 200, seed: 3 },
      { method: "svrg", sketch: sketch.bernoulli(0.3), sketchSet: { size: 15, seed: 1 }, iterations: 200, seed: 3 },
      { sampling: "importance", batch: 3, sketch: sketch.randK(5), iterations: 300, seed: 3 },
    ] as MinimizeOptions[]) {
      const [ra, rb] = [await pa.minimize(o), await pb.minimize(o)];
      expect(sameBits(ra.x, rb.x)).toBe(true);
    }
  });
});
