// fitIntercept: x = (w, b) with b last, no ℓ2 on b, and b in every sketch at scale 1.
import { describe, it, expect } from "vitest";
import { sketch, newton } from "../../dist/index.js";
import { mast, lcg } from "../helpers.ts";

function rows(n: number, d: number, seed: number) {
  const rnd = lcg(seed);
  const X = Array.from({ length: n }, () => Array.from({ length: d }, () => (rnd() < 0.4 ? 0 : rnd() * 2 - 1)));
  const y = X.map((r) => (r[0] + 0.5 + 0.3 * (rnd() - 0.5) > 0 ? 1 : -1));   // an offset the intercept must learn
  return { X, y };
}
const softplus = (t: number) => (t > 0 ? t + Math.log1p(Math.exp(-t)) : Math.log1p(Math.exp(t)));

describe("fitIntercept", () => {
  for (const format of ["dense", "csr"] as const) {
    it(`${format}: f and ∇f are those of (1/n) Σ log(1 + e^{−b_i(a_iᵀw + b)}) + λ/2‖w‖², with no λ on b`, async () => {
      const m = await mast();
      const { X, y } = rows(40, 5, 1);
      const data = format === "dense" ? m.data.dense(X.flat(), { rows: 40, cols: 5, labels: y })
        : m.data.csr({ indptr: X.reduce((a, r) => [...a, a.at(-1)! + r.filter((v) => v !== 0).length], [0]), indices: X.flatMap((r) => r.flatMap((v, j) => (v !== 0 ? [j] : []))), values: X.flatMap((r) => r.filter((v) => v !== 0)), labels: y, cols: 5 });
      const l2 = 0.3;
      const p = m.problem({ data, l2, fitIntercept: true });
      expect(p.dimension).toBe(6);
      const x = [0.2, -0.1, 0.4, 0, 0.3, 0.7];
      let f = 0;
      const g = new Array(6).fill(0);
      X.forEach((r, i) => {
        const t = r.reduce((s, v, j) => s + v * x[j], x[5]);
        f += softplus(-y[i] * t) / 40;
        const c = -y[i] / (1 + Math.exp(y[i] * t)) / 40;
        r.forEach((v, j) => { g[j] += c * v; });
        g[5] += c;
      });
      for (let j = 0; j < 5; j++) { f += 0.5 * l2 * x[j] * x[j]; g[j] += l2 * x[j]; }
      expect(p.value(x)).toBeCloseTo(f, 13);
      p.gradient(x).forEach((v, j) => expect(v).toBeCloseTo(g[j], 13));
      // Newton's optimum: ∇f = 0, and the intercept learnt the offset
      const nw = newton(p);
      expect(Math.max(...p.gradient(nw.x).map(Math.abs))).toBeLessThan(1e-8);
      expect(nw.x[5]).toBeGreaterThan(0.3);
      expect(p.constants().regime).toBe("convex");
    });
  }

  it("every sketch keeps the intercept at scale 1; constants count it; runs, resumes and threads keep the bits", async () => {
    const m = await mast();
    const { X, y } = rows(60, 8, 2);
    const p = m.problem({ data: m.data.dense(X.flat(), { rows: 60, cols: 8, labels: y }), l2: 0.01, fitIntercept: true });
    const x = Array.from({ length: 9 }, (_, j) => 0.1 * j);
    for (const S of [sketch.randK(3), sketch.bernoulli(0.3), sketch.permutation(4)]) {
      for (const step of [0, 1, 5]) {
        const { g, support } = p.sketchedGradient(x, S, { step, seed: 3, batch: 5 });
        expect(support.at(-1)).toBe(8);
        expect(support.length).toBeLessThanOrEqual(S.kind === "randK" ? 4 : 9);
        expect(g[8]).not.toBe(0);
      }
    }
    const c = p.constants(sketch.randK(2));
    expect([c.LD, c.muD, c.LSmax]).toEqual([4, 1, 16]);   // d/K = 8/2 on the weights, 1 on the intercept
    await expect(p.minimize({ sketch: sketch.randK(9) })).rejects.toThrow(/k \(K\) must be in 1\.\.8/);
    const whole = await p.minimize({ sketch: sketch.randK(3), batch: 1, iterations: 400, seed: 4 });
    const first = await p.minimize({ sketch: sketch.randK(3), batch: 1, iterations: 150, seed: 4 });
    expect((await p.minimize({ resumeFrom: first.checkpoint, iterations: 400 })).digest).toBe(whole.digest);
    expect(whole.x[8]).not.toBe(0);
    const d0 = await p.minimize({ method: "distributed", nodes: 2, workers: 0, stepSize: 0.1, iterations: 30 });
    const d2 = await p.minimize({ method: "distributed", nodes: 2, workers: 2, stepSize: 0.1, iterations: 30 });
    expect(d2.digest).toBe(d0.digest);
    expect(d0.x[8]).not.toBe(0);
  });

  it("predictions use the intercept; shifts of d or d + 1 entries; bad values are refused", async () => {
    const m = await mast();
    const { X, y } = rows(50, 4, 3);
    const data = m.data.dense(X.flat(), { rows: 50, cols: 4, labels: y });
    const { train, test } = data.split({ at: 35 });
    const p = m.problem({ data: train, fitIntercept: true });
    const x = [0, 0, 0, 0, 1];
    expect(Array.from(p.predict(x, test))).toEqual(new Array(15).fill(1));   // only the intercept: every margin is 1
    expect(p.margins(x, test).every((t) => t === 1)).toBe(true);
    expect(m.problem({ data: train, fitIntercept: true, shift: [1, 1, 1, 1] }).shift).toEqual(Float64Array.of(1, 1, 1, 1, 0));
    expect(() => m.problem({ data: train, fitIntercept: true, shift: [1, 1] })).toThrow(/shift must have length 4 .* or 5/);
    expect(() => m.problem({ data: train, fitIntercept: "yes" as never })).toThrow(/fitIntercept must be true or false, got "yes"/);
  });
});
