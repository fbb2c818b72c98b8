// The shared run loop's stopping rules: iterations, tolerance, time budget, callback.
import { describe, it, expect } from "vitest";
import { sketch, schedules, type MinimizeOptions, type Sketch } from "../../dist/index.js";
import { mast, lcg, maxRelErr, sameBits, spd, quadraticModel } from "../helpers.ts";

describe("stopping rules", () => {
  it("tolerance, time budget and callback each stop the run and say so", async () => {
    const m = await mast();
    const { A, b, v } = spd(6, 3);
    const q = m.quadratic({ A, b, shift: v });
    const tol = await q.minimize({ iterations: 100_000, tolerance: 1e-8, recordEvery: 10 });
    expect(tol.stoppedBy).toBe("tolerance");
    expect(tol.trace.at(-1)!.gradNorm).toBeLessThanOrEqual(1e-8);
    expect(tol.trace.at(-2)!.gradNorm).toBeGreaterThan(1e-8);
    expect(tol.iterations).toBeLessThan(100_000);
    const p = m.problem({ data: m.data.synthetic({ rows: 3000, cols: 50, seed: 2 }), l2: 1e-3 });
    const t0 = performance.now();
    const timed = await p.minimize({ iterations: 1e9, timeLimitMs: 150, recordEvery: 1e8 });
    expect(timed.stoppedBy).toBe("time");
    expect(performance.now() - t0).toBeLessThan(5000);
    expect(timed.iterations).toBeGreaterThan(0);
    expect(timed.iterations).toBeLessThan(1e9);
    const cb = await p.minimize({ iterations: 1000, recordEvery: 10, onProgress: (r) => r.iteration < 50 });
    expect([cb.stoppedBy, cb.iterations]).toEqual(["callback", 50]);
    const done = await p.minimize({ iterations: 100 });
    expect(done.stoppedBy).toBe("iterations");
    // the Monte Carlo ∇f_D estimate for a sparse sketch on data, and the exact finite-set gradient for L-SVRG
    const mc = await p.minimize({ sketch: sketch.randK(10), batch: 10, iterations: 200, tolerance: 1e-12, recordEvery: 100 });
    expect(mc.trace.every((r) => typeof r.gradNorm === "number" && r.gradNorm > 0)).toBe(true);
    expect(mc.trace.at(-1)!.gradEvals).toBe(200 * 10);      // the stopping test does not count as work
  });
});
