// The theory step follows the theorem that applies (section 4.1): strongly convex 1/ℒ, convex 1/(2ℒ), nonconvex
// 1/√(L_f L_D ℒ T), with ℒ = L_exp·L_S^max; constants() reports the regime and the bound's coefficients.
import { describe, it, expect } from "vitest";
import { sketch } from "../../dist/index.js";
import { mast } from "../helpers.ts";

describe("regimes and their theory steps", () => {
  it("data problems: strongly convex with λ > 0, convex with λ = 0; bound coefficients at the step", async () => {
    const m = await mast();
    const data = m.data.synthetic({ rows: 50, cols: 8, density: 0.5, seed: 1 });
    const S = sketch.randK(4);
    const sc = m.problem({ data, l2: 0.01 }).constants(S, { batch: 5, iterations: 300 });
    expect(sc.regime).toBe("strongly convex");
    const Lcal = sc.Lexp * sc.LSmax;
    expect(sc.stepSize).toBe(1 / Lcal);
    expect(sc.bound.start).toBeCloseTo(Math.pow(1 - sc.stepSize * sc.mu * sc.muD, 300), 12);
    expect(sc.bound.error).toBeCloseTo((2 * sc.stepSize * Lcal) / (sc.mu * sc.muD), 9);
    const cv = m.problem({ data, l2: 0 }).constants(S, { batch: 5, iterations: 300 });
    expect(cv.regime).toBe("convex");
    expect(cv.stepSize).toBe(1 / (2 * cv.Lexp * cv.LSmax));
    expect(cv.bound.start).toBeCloseTo(1 / (cv.stepSize * 300), 12);
    expect(cv.bound.statement).toMatch(/x̄_T the plain average/);
  });

  it("user models are nonconvex unless they say otherwise; the nonconvex step shrinks like 1/√T and a run uses it", async () => {
    const m = await mast();
    const f = (y: Float64Array, g: Float64Array) => { let s = 0; for (let j = 0; j < y.length; j++) { g[j] = y[j] - 1; s += 0.5 * (y[j] - 1) ** 2; } return s; };
    const S = sketch.bernoulli(0.5);
    const nc = m.model({ dimension: 6, valueAndGradient: f, smoothness: 1 });
    const a = nc.constants(S, { iterations: 100 }), b = nc.constants(S, { iterations: 10_000 });
    expect(a.regime).toBe("nonconvex");
    expect(a.stepSize).toBeCloseTo(1 / Math.sqrt(a.L * a.LD * a.Lexp * a.LSmax * 100), 14);
    expect(a.stepSize / b.stepSize).toBeCloseTo(10, 10);
    expect(a.bound.start).toBeCloseTo(6 / (a.stepSize * 100), 10);
    expect(a.bound.error).toBeCloseTo(2 * a.stepSize * a.L * a.LD * a.Lexp * a.LSmax, 12);
    const run = await nc.minimize({ sketch: S, iterations: 400, seed: 1 });
    expect(run.stepSize).toBe(nc.constants(S, { iterations: 400 }).stepSize);
    const cx = m.model({ dimension: 6, valueAndGradient: f, smoothness: 1, convex: true }).constants(S);
    expect([cx.regime, cx.stepSize]).toEqual(["convex", 1 / (2 * cx.Lexp * cx.LSmax)]);
    const st = m.model({ dimension: 6, valueAndGradient: f, smoothness: 1, strongConvexity: 1 }).constants(S);
    expect([st.regime, st.stepSize, st.mu]).toEqual(["strongly convex", 1 / (st.Lexp * st.LSmax), 1]);
  });

  it("bad declarations are refused with the reason", async () => {
    const m = await mast();
    const f = () => 0;
    expect(() => m.model({ dimension: 2, valueAndGradient: f, convex: "yes" as never })).toThrow(/convex must be true or false, got "yes"/);
    expect(() => m.model({ dimension: 2, valueAndGradient: f, smoothness: 1, strongConvexity: 2 })).toThrow(/strongConvexity \(μ = 2\) must be at most smoothness \(L = 1\)/);
    expect(() => m.model({ dimension: 2, valueAndGradient: f, strongConvexity: 0.5, convex: false })).toThrow(/says f is strongly convex, but convex is false/);
    expect(() => m.model({ dimension: 2, valueAndGradient: f, strongConvexity: -1 })).toThrow(/strongConvexity.*-1/);
  });
});
