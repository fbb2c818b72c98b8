// Finite sketch sets (src/sketch/set.ts): balanced sets keep every coordinate equally often, so their mean is exactly
// I; results report N, balance and max_j |S̄_jj − 1|.
import { describe, it, expect } from "vitest";
import { sketch, type Sketch } from "../../dist/index.js";
import { mast } from "../helpers.ts";

describe("sketch sets", () => {
  it("balanced by default where the sketch has a balanced form: permutation, identity, Rand-K with K | d", async () => {
    const m = await mast();
    const p = m.problem({ data: m.data.synthetic({ rows: 30, cols: 12, density: 0.5, seed: 1 }), l2: 0.01 });
    const run = (S: Sketch, sketchSet: object) => p.minimize({ method: "lsvrg", sketch: S, sketchSet: sketchSet as never, iterations: 3 });
    for (const [S, N, want] of [[sketch.randK(4), 100, 102], [sketch.permutation(5), 12, 15], [sketch.identity(), 7, 7], [sketch.randK(3), 8, 8]] as [Sketch, number, number][]) {
      const r = await run(S, { size: N, seed: 2 });
      expect(r.sketchSet).toEqual({ size: want, balanced: true, meanError: expect.any(Number) });
      expect(r.sketchSet!.meanError).toBeLessThanOrEqual(1e-15);
      const free = await run(S, { size: N, seed: 2, balanced: false });
      expect(free.sketchSet!.size).toBe(N);
      if (S.kind !== "identity") expect(free.sketchSet!.meanError).toBeGreaterThan(0.01);
    }
    // Rand-K with K ∤ d and Bernoulli: independent draws, reported
    const r5 = await run(sketch.randK(5), { size: 20, seed: 1 });
    expect(r5.sketchSet!.balanced).toBe(false);
    expect(r5.sketchSet!.meanError).toBeGreaterThan(0);
    await expect(run(sketch.randK(5), { size: 20, balanced: true })).rejects.toThrow(/K = 5 does not divide d = 12/);
    await expect(run(sketch.bernoulli(0.5), { size: 20, balanced: true })).rejects.toThrow(/a bernoulli sketch's set is drawn independently/);
    await expect(run(sketch.randK(4), { size: 20, balanced: "yes" })).rejects.toThrow(/sketchSet\.balanced must be true or false, got "yes"/);
  });

  it("a balanced Rand-K set is stratified: each round's members partition the coordinates, at scale d/K", async () => {
    const m = await mast();
    const q = m.quadratic({ A: [[2, 0, 0, 0], [0, 2, 0, 0], [0, 0, 2, 0], [0, 0, 0, 2]], b: [1, 1, 1, 1] });
    const c = q.constants(sketch.randK(2), { method: "lsvrg", sketchSet: { size: 6, seed: 3 } });
    // E over the set of s_j² = (d/K)² × (1/(d/K)) = d/K = 2 for every coordinate, exactly: L_D = μ_D = 2, L_S^max = 4
    expect([c.LD, c.muD, c.LSmax]).toEqual([2, 2, 4]);
    const un = q.constants(sketch.randK(2), { method: "lsvrg", sketchSet: { size: 6, seed: 3, balanced: false } });
    expect(un.LD === 2 && un.muD === 2).toBe(false);
  });
});
