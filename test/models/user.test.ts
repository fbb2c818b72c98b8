// User-supplied models: a JS model follows the built-in problem's iterates; bad answers are reported where they happen.
import { describe, it, expect } from "vitest";
import { sketch, schedules, DivergenceError, type MinimizeOptions, type Sketch } from "../../dist/index.js";
import { mast, lcg, maxRelErr, sameBits, spd, quadraticModel } from "../helpers.ts";

const relDist = (x: ArrayLike<number>, y: ArrayLike<number>) => {
  let a = 0, c = 0; for (let i = 0; i < x.length; i++) { a += (x[i] - y[i]) ** 2; c += y[i] ** 2; }
  return Math.sqrt(a / c);
};

describe("user-supplied models", () => {
  it("a JS quadratic model follows the same iterates as the built-in quadratic (DSGD, L-SVRG, SVRG)", async () => {
    const m = await mast();
    const { A, b, v } = spd(6, 11);
    const q = m.quadratic({ A, b, shift: v });
    const model = quadraticModel(m, A, b, v, q.constants().L, q.constants().mu);
    for (const o of [
      { sketch: sketch.randK(2), iterations: 400, seed: 5 },
      { sketch: sketch.bernoulli(0.5), iterations: 400, seed: 5, stepSize: 0.02 },
      { method: "lsvrg", sketch: sketch.randK(3), sketchSet: { size: 8, seed: 2 }, iterations: 300, seed: 1 },
      { method: "svrg", sketch: sketch.randK(3), sketchSet: { size: 8, seed: 2 }, iterations: 300, seed: 1 },
    ] as MinimizeOptions[]) {
      const [rq, rm] = [await q.minimize(o), await model.minimize(o)];
      expect(maxRelErr(rm.x, rq.x)).toBeLessThan(1e-12);
      expect(relDist(rm.x, v)).toBeGreaterThan(1e-3);
    }
    const s = q.sketchedValue(v.map((x) => x + 0.3), sketch.randK(2));
    const sm = model.sketchedValue(v.map((x) => x + 0.3), sketch.randK(2), { samples: 20_000, seed: 1 });
    expect(Math.abs(s.mean - sm.mean)).toBeLessThan(4 * sm.stderr);
  });

  it("rejects a model whose gradient has the wrong length or is not finite, naming it and the step", async () => {
    const m = await mast();
    const short = m.model({ dimension: 3, valueAndGradient: () => ({ value: 1, gradient: [1, 2] }) });
    await expect(short.minimize({ iterations: 5, stepSize: 0.1 })).rejects.toThrow(/gradient must have length 3 \(the dimension\) at x, got length 2/);
    let calls = 0;
    const nan = m.model({ dimension: 3, valueAndGradient: (y: Float64Array, g: Float64Array) => { calls++; g.fill(calls > 4 ? NaN : 1); return 0; } });
    const err = await nan.minimize({ iterations: 10, stepSize: 0.1, recordEvery: 100 }).catch((e: unknown) => e) as DivergenceError;
    expect(err).toBeInstanceOf(DivergenceError);   // a diverging model stops the run as a non-finite iterate does
    expect(err.message).toMatch(/diverged at step \d+: the model's gradient is not finite at step \d+: gradient\[0\] = NaN with stepSize 0.1; no theory step size is known/);
    expect(err.lastIterate.every(Number.isFinite)).toBe(true);
    expect(() => m.model({ dimension: 0, valueAndGradient: () => 0 })).toThrow(/dimension must be in 1\.\./);
    expect(() => m.model({ dimension: 3, valueAndGradient: 5 as any })).toThrow(/valueAndGradient must be a function/);
    const noL = m.model({ dimension: 2, valueAndGradient: () => 0 });
    await expect(noL.minimize({ iterations: 3 })).rejects.toThrow(/stepSize "theory" cannot be used: no theory step size is known: the model gave no smoothness constant L/);
    await expect(noL.minimize({ iterations: 3, stepSize: 0.1, batch: 2 })).rejects.toThrow(/batch and sampling need a data problem/);
  });
});
