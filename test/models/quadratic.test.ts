// Quadratics at the edges: A must be positive semi-definite; the constants stay right for extreme scales and
// condition numbers.
import { describe, it, expect } from "vitest";
import { sketch } from "../../dist/index.js";
import { mast } from "../helpers.ts";

describe("quadratic problems at the edges", () => {
  it("refuses an A that is not positive semi-definite, naming it", async () => {
    const m = await mast();
    expect(() => m.quadratic({ A: [[1, 0], [0, -1]], b: [1, 1] })).toThrow(/A must be positive semi-definite, got a negative diagonal entry A\[1\]\[1\] = -1/);
    expect(() => m.quadratic({ A: [[1, 2], [2, 1]], b: [1, 1] })).toThrow(/A must be positive semi-definite, but it has a negative eigenvalue/);
    expect(() => m.quadratic({ A: [[1, 1], [1, 1]], b: [1, 1] })).not.toThrow();   // singular but semidefinite
  });
  it("L and μ stay finite and right for entries near the ends of f64 and for κ = 1e17", async () => {
    const m = await mast();
    const big = m.quadratic({ A: [[1e155, 0], [0, 1]], b: [1, 1] }).constants(sketch.identity());
    expect(big.L / 1e155).toBeCloseTo(1, 12);
    expect(big.mu).toBeCloseTo(1, 6);
    expect(big.stepSize * 1e155).toBeCloseTo(1, 12);
    const tiny = m.quadratic({ A: [[1e-300, 0], [0, 2e-300]], b: [1, 1] }).constants(sketch.identity());
    expect(tiny.L / 2e-300).toBeCloseTo(1, 10);
    expect(tiny.mu / 1e-300).toBeCloseTo(1, 6);
    expect(Number.isFinite(tiny.stepSize)).toBe(true);
    const illConditioned = m.quadratic({ A: [[1e17, 0], [0, 1]], b: [1, 1] }).constants(sketch.identity());
    expect(illConditioned.mu).toBeCloseTo(1, 6);                 // the shifted power iteration alone gives 0 here
    const singular = m.quadratic({ A: [[1, 1], [1, 1]], b: [1, 1] }).constants(sketch.identity());
    expect(singular.mu).toBe(0);
    expect(singular.L).toBeCloseTo(2, 10);
  });
});
