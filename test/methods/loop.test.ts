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
    const timed = await p.minimize({ iterations: 1e9, timeLimitMs: 150, recordEvery: 1e8 });
    expect(timed.stoppedBy).toBe("time");
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

describe("a long run shares the event loop", () => {
  it("timers keep firing while a run is on, the bits do not change, and runs on one problem queue in call order", async () => {
    const m = await mast();
    const p = m.problem({ data: m.data.synthetic({ rows: 4000, cols: 60, seed: 5 }), l2: 1e-3 });
    const o = { sketch: sketch.randK(20), batch: 8, iterations: 40_000, seed: 2, recordEvery: 40_000 };
    let ticks = 0;
    const timer = setInterval(() => { ticks++; }, 5);
    const t0 = performance.now();
    const a = await p.minimize(o);
    const ms = performance.now() - t0;
    clearInterval(timer);
    // a run that lasts many timer periods lets the timer fire (a run that never yielded would leave ticks at 0); the
    // count is not compared with the time, which a loaded machine stretches
    if (ms > 150) expect(ticks).toBeGreaterThanOrEqual(2);
    const whole = await m.problem({ data: p.data, l2: 1e-3 }).minimize({ ...o, recordEvery: 40_000 });
    expect(a.digest).toBe(whole.digest);
    // two runs started together on one problem: the second waits for the first; a call into the problem meanwhile throws
    const order: string[] = [];
    const r1 = p.minimize({ ...o, iterations: 20_000 }).then((r) => { order.push("first"); return r; });
    const r2 = p.minimize({ ...o, iterations: 10 }).then((r) => { order.push("second"); return r; });
    await new Promise((r) => setTimeout(r, 1));
    const during = (() => { try { p.value(new Float64Array(60)); return null; } catch (e) { return (e as Error).message; } })();
    const [x1, x2] = await Promise.all([r1, r2]);
    expect(order).toEqual(["first", "second"]);
    expect(x2.iterations).toBe(10);
    expect(x1.iterations).toBe(20_000);
    if (during !== null) expect(during).toMatch(/cannot be called while minimize\(\) is running on this problem/);
  });
});
