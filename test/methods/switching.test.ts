// stepSize "switching" (Gower et al. 2019 with MAST's constants): the schedule it runs, convergence to x_D* at the
// O(1/t) rate where the constant theory step stalls, resumes, and its refusals.
import { describe, it, expect } from "vitest";
import { sketch } from "../../dist/index.js";
import { mast, spd } from "../helpers.ts";

const dist = (a: ArrayLike<number>, b: ArrayLike<number>) => { let s = 0; for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2; return Math.sqrt(s); };

describe('stepSize "switching"', () => {
  it("runs γ_t = 1/(2ℒ) before t* = 4⌈ℒ/μ⌉ and (2t+1)/((t+1)²μ) after, with ℒ = L_exp·L_S^max, μ = μ_f·μ_D", async () => {
    const m = await mast();
    const { A, b, v } = spd(6, 3);
    const q = m.quadratic({ A, b, shift: v });
    const S = sketch.randK(3);
    const c = q.constants(S);
    const Lcal = c.Lexp * c.LSmax, mu = c.mu * c.muD, tStar = 4 * Math.ceil(Lcal / mu);
    const by = (t: number) => (t < tStar ? 1 / (2 * Lcal) : (2 * t + 1) / ((t + 1) * (t + 1) * mu));
    const T = tStar + 300;
    const named = await q.minimize({ sketch: S, stepSize: "switching", iterations: T, seed: 1, average: false });
    const explicit = await q.minimize({ sketch: S, stepSize: by, iterations: T, seed: 1, average: false });
    expect(named.digest).toBe(explicit.digest);
    const other = await q.minimize({ sketch: S, stepSize: (t) => by(t) * (t === tStar ? 1.5 : 1), iterations: T, seed: 1, average: false });
    expect(other.digest).not.toBe(named.digest);
  });

  it("reaches x_D* at the O(1/t) rate where the constant theory step stalls in a neighbourhood; resumes keep the bits", async () => {
    const m = await mast();
    const { A, b, v } = spd(8, 4);
    const q = m.quadratic({ A, b, shift: v });
    const S = sketch.randK(2);
    const star = q.sketchedOptimum(S);
    const err = async (o: object, T: number) => dist((await q.minimize({ sketch: S, iterations: T, seed: 2, average: false, ...o })).x, star);
    const [s1, s2] = [await err({ stepSize: "switching" }, 20_000), await err({ stepSize: "switching" }, 200_000)];
    const [c1, c2] = [await err({ stepSize: "theory" }, 20_000), await err({ stepSize: "theory" }, 200_000)];
    expect(s2).toBeLessThan(s1 / 2.5);       // 10× the steps: the error falls like 1/√t or better
    expect(c2).toBeGreaterThan(c1 / 2.5);     // the constant step does not keep improving
    expect(s2).toBeLessThan(c2 / 3);
    const whole = await q.minimize({ sketch: S, stepSize: "switching", iterations: 5000, seed: 2 });
    const first = await q.minimize({ sketch: S, stepSize: "switching", iterations: 1234, seed: 2 });
    expect((await q.minimize({ resumeFrom: first.checkpoint, iterations: 5000 })).digest).toBe(whole.digest);
  });

  it("is refused without strong convexity and for L-SVRG / SVRG, with the reason", async () => {
    const m = await mast();
    const p = m.problem({ data: m.data.synthetic({ rows: 30, cols: 6, density: 0.5, seed: 1 }), loss: "logistic", l2: 0 });
    await expect(p.minimize({ stepSize: "switching", batch: 2 })).rejects.toThrow(/needs f_D strongly convex: μ = μ_f·μ_D = 0/);
    await expect(p.minimize({ method: "lsvrg", stepSize: "switching" })).rejects.toThrow(/"switching" is a DSGD schedule/);
    await expect(p.minimize({ stepSize: "switch" as never })).rejects.toThrow(/stepSize must be a positive number, "theory", "switching" or a function/);
  });
});
