// Data sampling for option II (section 4.2): importance sampling helps where row norms differ; every sampler is unbiased.
import { describe, it, expect } from "vitest";
import { sketch, schedules, type MinimizeOptions, type Sketch } from "../../dist/index.js";
import { mast, lcg, maxRelErr, sameBits, spd, quadraticModel } from "../helpers.ts";

describe("data sampling (option II, general sampling)", () => {
  it("importance sampling (p_i ∝ L_i) needs fewer iterations than uniform sampling on rows of very different norms", async () => {
    const m = await mast();
    const rnd = lcg(21);
    const n = 200, d = 10;
    const xs = Array.from({ length: d }, () => rnd() * 2 - 1);
    const rows = Array.from({ length: n }, (_, i) => { const sc = i % 10 === 0 ? 20 : 1; return Array.from({ length: d }, () => sc * (rnd() * 2 - 1)); });
    const labels = rows.map((r) => r.reduce((s, a, j) => s + a * xs[j], 0));     // consistent: interpolation holds
    const p = m.problem({ data: m.data.dense(rows.flat(), { rows: n, cols: d, labels }), loss: "squared" });
    const steps = async (sampling: "uniform" | "importance") => {
      const r = await p.minimize({ sampling, batch: 1, iterations: 400_000, tolerance: 1e-6, recordEvery: 200, seed: 3 });
      expect(r.stoppedBy).toBe("tolerance");
      return r.iterations;
    };
    const [u, imp] = [await steps("uniform"), await steps("importance")];
    expect(imp).toBeLessThan(u / 2);
    const cu = p.constants(sketch.identity(), { sampling: "uniform", batch: 1 }), ci = p.constants(sketch.identity(), { sampling: "importance", batch: 1 });
    expect(ci.Lexp).toBeLessThan(cu.Lexp);           // mean(L_i) < max(L_i)
    expect(cu.Lexp).toBeCloseTo(cu.Lmax, 12);
  });

  it("each sampler is unbiased: the mean of many sampled gradients ≈ the full gradient", async () => {
    const m = await mast();
    const data = m.data.synthetic({ rows: 60, cols: 8, density: 0.5, seed: 5 });
    const p = m.problem({ data, loss: "logistic", l2: 0.01 });
    const x = Array.from({ length: 8 }, (_, j) => 0.3 - 0.1 * j);
    const full = p.gradient(x);
    const probs = Array.from({ length: 60 }, (_, i) => 0.2 + 0.6 * ((i * 7) % 11) / 10);
    for (const o of [{ sampling: "nice", batch: 5 }, { sampling: "uniform", batch: 3 }, { sampling: "independent", probabilities: probs }, { sampling: "importance", batch: 2 }] as const) {
      // one step of DSGD with γ = 1 from x: x_1 = x − ĝ, so ĝ = x − x_1; average over seeds.
      const N = 3000, mean = new Float64Array(8);
      for (let s = 0; s < N; s++) {
        const r = await p.minimize({ ...o, x0: x, iterations: 1, stepSize: 1, seed: s, recordEvery: 1 });
        for (let j = 0; j < 8; j++) mean[j] += (x[j] - r.x[j]) / N;
      }
      expect(maxRelErr(mean, full)).toBeLessThan(0.03);
    }
  });
});
