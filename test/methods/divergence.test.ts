// A run that goes non-finite stops with a DivergenceError: a non-finite iterate, a non-finite f at a record point, or a
// non-finite model output. Its advice is a finite step size, or says plainly why no step size is known.
import { describe, it, expect } from "vitest";
import { sketch, DivergenceError } from "../../dist/index.js";
import { mast } from "../helpers.ts";

async function divergence(p: Promise<unknown>): Promise<DivergenceError> {
  const e = await p.then(() => null, (err: unknown) => err);
  expect(e).toBeInstanceOf(DivergenceError);
  return e as DivergenceError;
}
const adviceIsSound = (e: DivergenceError) => {
  expect(e.message).toMatch(/try stepSize ≤ \d|no theory step size is known|is not a finite positive number/);
  expect(e.message).not.toMatch(/≤ (Infinity|NaN|-)/);
  expect(e.lastIterate.every(Number.isFinite)).toBe(true);
};

describe("divergence", () => {
  it("an objective that blows up while x stays finite stops the run (logistic, a huge step)", async () => {
    const m = await mast();
    const p = m.problem({ data: m.data.synthetic({ rows: 200, cols: 20, seed: 3 }), l2: 1e-3 });
    const e = await divergence(p.minimize({ stepSize: 1e5, iterations: 200, recordEvery: 1 }));
    expect(e.message).toMatch(/x stayed finite but f\(x_\d+\) = Infinity|x became non-finite/);
    expect(e.suggestedStepSize).toBeCloseTo(p.constants().stepSize, 12);
    adviceIsSound(e);
  });
  it("a start where f is not finite stops at step 0 (squared loss from x0 = 1e200)", async () => {
    const m = await mast();
    const p = m.problem({ data: m.data.synthetic({ rows: 50, cols: 5, seed: 3 }), loss: "squared" });
    const e = await divergence(p.minimize({ x0: new Float64Array(5).fill(1e200), iterations: 10, stepSize: 0.1 }));
    expect(e.step).toBe(0);
    expect(e.message).toMatch(/x stayed finite but f\(x_0\) = (Infinity|NaN)/);
    adviceIsSound(e);
  });
  it("all-zero rows with λ = 0: the theory step and importance sampling are refused with the reason, not a false divergence", async () => {
    const m = await mast();
    const p = m.problem({ data: m.data.dense(new Float64Array(20), { rows: 5, cols: 4, labels: [1, -1, 1, 1, -1] }), l2: 0 });
    await expect(p.minimize({ batch: 1, sampling: "importance", stepSize: 0.1 })).rejects.toThrow(/sampling "importance" draws rows with p_i ∝ L_i, but every L_i is 0/);
    await expect(p.minimize({ iterations: 5 })).rejects.toThrow(/stepSize "theory" cannot be used: the theory step \(convex: 1\/\(2·L_exp·L_S\^max\)\) is not a finite positive number here \(L_exp = 0, L_S\^max = 1: every data row is zero and λ = 0/);
    const r = await p.minimize({ iterations: 5, stepSize: 0.1 });
    expect(r.x.every((v) => v === 0)).toBe(true);
  });
  it("a user model: a non-finite value, a non-finite start and a diverging gradient are DivergenceErrors with sound advice", async () => {
    const m = await mast();
    // f = −½‖y‖² (its gradient −y pushes x outwards), and NaN once |y_0| > 2
    const nanValue = m.model({ dimension: 3, smoothness: 1, valueAndGradient: (y: Float64Array, g: Float64Array) => { for (let j = 0; j < 3; j++) g[j] = -y[j]; return Math.abs(y[0]) > 2 ? NaN : -0.5 * y[0] * y[0]; } });
    const e1 = await divergence(nanValue.minimize({ x0: [0.4, 0, 0], stepSize: 0.5, iterations: 50, recordEvery: 1 }));
    expect(e1.message).toMatch(/the model's value is not finite/);
    adviceIsSound(e1);
    const far = m.model({ dimension: 2, valueAndGradient: (y: Float64Array, g: Float64Array) => { g[0] = 2 * y[0]; g[1] = 2 * y[1]; return y[0] * y[0] + y[1] * y[1]; } });
    const e2 = await divergence(far.minimize({ x0: [1e300, 0], stepSize: 0.1, iterations: 5 }));
    expect(e2.step).toBe(0);
    expect(e2.message).toMatch(/f\(y\) = Infinity|f\(x_0\) = Infinity/);
    expect(e2.message).toMatch(/no theory step size is known: the model gave no smoothness constant L/);
    const grows = m.model({ dimension: 2, smoothness: 2, strongConvexity: 2, valueAndGradient: (y: Float64Array, g: Float64Array) => { g[0] = 2 * y[0]; g[1] = 2 * y[1]; return y[0] * y[0] + y[1] * y[1]; } });
    const e3 = await divergence(grows.minimize({ x0: [1, 1], stepSize: 1e3, iterations: 1000, recordEvery: 1000 }));
    expect(e3.suggestedStepSize).toBeCloseTo(0.5, 12);
    adviceIsSound(e3);
  });
  it("distributed: a non-finite f at a record point is a DivergenceError too", async () => {
    const m = await mast();
    const p = m.problem({ data: m.data.synthetic({ rows: 60, cols: 12, seed: 3 }), l2: 1e-3 });
    const e = await divergence(p.minimize({ method: "distributed", nodes: 2, stepSize: 1e6, iterations: 50, recordEvery: 1 }));
    adviceIsSound(e);
  });
});
