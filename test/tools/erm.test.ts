import { describe, it, expect } from "vitest";
import { readFileSync } from "node:fs";
import { newton, hessian, ConvergenceError, sketch, type Mast, type Dataset } from "../../dist/index.js";
import { mast, lcg, maxRelErr, sameBits, dataFile, rawKernels } from "../helpers.ts";

/** Random rows with some zeros and ±1 labels from a planted linear model, as a dense or CSR data set. */
function randomData(m: Mast, n: number, d: number, seed: number, format: "dense" | "csr", noise = 0.5): Dataset {
  const rnd = lcg(seed);
  const w = Array.from({ length: d }, () => rnd() * 2 - 1);
  const rows = Array.from({ length: n }, () => Array.from({ length: d }, () => (rnd() < 0.4 ? 0 : rnd() * 2 - 1)));
  const labels = rows.map((r) => (r.reduce((s, v, j) => s + v * w[j], 0) + noise * (rnd() * 2 - 1) > 0 ? 1 : -1));
  if (format === "dense") return m.data.dense(rows.flat(), { rows: n, cols: d, labels });
  const indptr = [0], indices: number[] = [], values: number[] = [];
  rows.forEach((r) => { r.forEach((v, j) => { if (v !== 0) { indices.push(j); values.push(v); } }); indptr.push(indices.length); });
  return m.data.csr({ indptr, indices, values, labels, cols: d });
}

const norm = (v: ArrayLike<number>) => Math.sqrt(Array.from(v).reduce((s, x) => s + x * x, 0));

describe("hessian (wasm kernel)", () => {
  for (const format of ["dense", "csr"] as const) for (const loss of ["logistic", "squared"] as const) {
    it(`${format} ${loss}: symmetric and equal to finite differences of the gradient`, async () => {
      const m = await mast();
      const d = 8;
      const p = m.problem({ data: randomData(m, 40, d, 3, format), loss, l2: 0.02 });
      const rnd = lcg(7);
      const x = Array.from({ length: d }, () => rnd() * 2 - 1);
      const H = hessian(p, x);
      expect(H.length).toBe(d * d);
      for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) expect(H[i * d + j]).toBe(H[j * d + i]);
      const h = 1e-5;
      for (let j = 0; j < d; j++) {
        const xp = x.slice(), xm = x.slice(); xp[j] += h; xm[j] -= h;
        const gp = p.gradient(xp), gm = p.gradient(xm);
        for (let i = 0; i < d; i++) expect(Math.abs((gp[i] - gm[i]) / (2 * h) - H[i * d + j])).toBeLessThan(1e-8);
      }
    });
  }

  it("the logistic curvature is σ(z)(1 − σ(z)), finite at extreme margins", () => {
    const k = rawKernels();
    for (const z of [-800, -30, -1, 0, 0.5, 30, 800]) {
      const s = 1 / (1 + Math.exp(-z));
      expect(Math.abs(k.lossCurvatureAt(0, z, 1) - s * (1 - s))).toBeLessThan(1e-16);
      expect(k.lossCurvatureAt(0, z, -1)).toBe(k.lossCurvatureAt(0, z, 1));
      expect(k.lossCurvatureAt(1, z, 1)).toBe(1);
    }
    expect(k.lossCurvatureAt(0, 0, 1)).toBe(0.25);
  });

  it("the SIMD and scalar builds give the same bits (dense and CSR); the layouts agree to round-off", async () => {
    const simd = await mast("simd"), scalar = await mast("scalar");
    const csr = randomData(simd, 50, 12, 9, "csr"), dense = randomData(simd, 50, 12, 9, "dense");
    const x = Array.from({ length: 12 }, (_, j) => 0.1 * j - 0.5);
    const a = hessian(simd.problem({ data: csr, l2: 1e-3 }), x);
    const b = hessian(simd.problem({ data: dense, l2: 1e-3 }), x);
    expect(sameBits(a, hessian(scalar.problem({ data: csr, l2: 1e-3 }), x))).toBe(true);
    expect(sameBits(b, hessian(scalar.problem({ data: dense, l2: 1e-3 }), x))).toBe(true);
    expect(maxRelErr(a, b)).toBeLessThan(1e-14);   // a_iᵀx sums in a different order for dense rows
  });

  it("leaves the problem usable (scratch memory is released)", async () => {
    const m = await mast();
    const p = m.problem({ data: randomData(m, 30, 6, 4, "csr"), l2: 0.01 });
    const x = [0.1, -0.2, 0.3, 0, 0.5, -1];
    const before = { f: p.value(x), g: p.gradient(x), m: p.margins(x) };
    for (let i = 0; i < 5; i++) hessian(p, x);
    expect(p.value(x)).toBe(before.f);
    expect(sameBits(p.gradient(x), before.g)).toBe(true);
    expect(sameBits(p.margins(x), before.m)).toBe(true);
  });
});

describe("newton", () => {
  it("converges to ‖∇f‖ ≤ 1e-10 on synthetic data in a few iterations, quadratically", async () => {
    const m = await mast();
    const data = m.data.synthetic({ rows: 2000, cols: 40, density: 0.2, seed: 3 });
    const p = m.problem({ data, loss: "logistic", l2: 1e-3 });
    const r = newton(p);
    expect(r.converged).toBe(true);
    expect(r.gradientNorm).toBeLessThanOrEqual(1e-10);
    expect(norm(p.gradient(r.x))).toBeLessThanOrEqual(1e-10);
    expect(r.iterations).toBeLessThanOrEqual(12);
    expect(r.trace.length).toBe(r.iterations + 1);
    // f decreases (up to round-off, where the step is accepted on ‖∇f‖); the last steps are full Newton steps with
    // ‖∇f_{k+1}‖ ≤ C ‖∇f_k‖²
    for (let k = 1; k < r.trace.length; k++) expect(r.trace[k].f).toBeLessThanOrEqual(r.trace[k - 1].f * (1 + 1e-14));
    const tail = r.trace.filter((row, k) => k > 0 && r.trace[k - 1].gradientNorm < 1e-2);
    expect(tail.length).toBeGreaterThan(0);
    for (const row of tail) {
      const prev = r.trace[row.iteration - 1].gradientNorm;
      expect(row.step).toBe(1);
      expect(row.gradientNorm).toBeLessThanOrEqual(Math.max(1e3 * prev * prev, 1e-13));
    }
    expect(r.digest).toMatch(/^[0-9a-f]{64}$/);
  });

  it("agrees with a long full-gradient DSGD run with the identity sketch (gradient descent)", async () => {
    const m = await mast();
    const p = m.problem({ data: randomData(m, 300, 10, 21, "csr"), loss: "logistic", l2: 0.1 });
    const r = newton(p);
    const gd = await p.minimize({ sketch: sketch.identity(), batch: "full", stepSize: "theory", iterations: 3000, seed: 1 });
    expect(maxRelErr(gd.x, r.x)).toBeLessThan(1e-10);
    expect(Math.abs(gd.trace[gd.trace.length - 1].f - r.value)).toBeLessThan(1e-14);
  });

  it("solves the squared loss in one step (f is quadratic) and matches the normal equations", async () => {
    const m = await mast();
    const n = 60, d = 5, rnd = lcg(5);
    const rows = Array.from({ length: n }, () => Array.from({ length: d }, () => rnd() * 2 - 1));
    const y = rows.map((r) => r[0] - 2 * r[3] + 0.1 * (rnd() - 0.5));
    const data = m.data.dense(rows.flat(), { rows: n, cols: d, labels: y });
    const p = m.problem({ data, loss: "squared", l2: 0.01 });
    const r = newton(p);
    expect(r.iterations).toBeLessThanOrEqual(2);
    expect(r.gradientNorm).toBeLessThanOrEqual(1e-10);
    expect(r.trace[1].step).toBe(1);
    // (AᵀA/n + λI) x = Aᵀy/n by hand
    const M = Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => rows.reduce((s, a) => s + a[i] * a[j], 0) / n + (i === j ? 0.01 : 0)));
    const rhs = Array.from({ length: d }, (_, i) => rows.reduce((s, a, k) => s + a[i] * y[k], 0) / n);
    for (let i = 0; i < d; i++) expect(Math.abs(M[i].reduce((s, v, j) => s + v * r.x[j], 0) - rhs[i])).toBeLessThan(1e-12);
  });

  it("gives the same bits in the SIMD and scalar builds", async () => {
    const simd = await mast("simd"), scalar = await mast("scalar");
    const data = simd.data.synthetic({ rows: 500, cols: 20, density: 0.3, seed: 8 });
    const a = newton(simd.problem({ data, l2: 1e-2 })), b = newton(scalar.problem({ data, l2: 1e-2 }));
    expect(a.digest).toBe(b.digest);
  });

  const a9a = dataFile("libsvm/a9a.gz");
  it.skipIf(!a9a)("converges on a9a-like data (6,414 rows of a9a, λ = 1e-3 and 1e-4)", async () => {
    const m = await mast();
    const all = await m.data.libsvm(readFileSync(a9a!), { features: 123 });
    const data = all.subset(Array.from({ length: 6414 }, (_, i) => 5 * i));
    for (const l2 of [1e-3, 1e-4]) {
      const p = m.problem({ data, loss: "logistic", l2 });
      const r = newton(p, { tolerance: 1e-10 });
      expect(r.gradientNorm).toBeLessThanOrEqual(1e-10);
      expect(r.iterations).toBeLessThanOrEqual(15);
      expect(p.accuracy(r.x)).toBeGreaterThan(0.84);
    }
  });

  it("explains why it fails: λ = 0 on separable data, a singular Hessian, the wrong problem, bad options", async () => {
    const m = await mast();
    const sep = m.data.dense([1, 0.2, 0.5, 1, -1, 0.1, -0.3, -1], { rows: 4, cols: 2, labels: [1, 1, -1, -1] });
    const err = (() => { try { newton(m.problem({ data: sep, loss: "logistic", l2: 0 })); } catch (e) { return e; } return null; })();
    expect(err).toBeInstanceOf(ConvergenceError);
    expect(String((err as Error).message)).toMatch(/linearly separable.*l2 > 0/);
    // a feature that is zero in every row: singular Hessian with λ = 0
    const gap = m.data.csr({ indptr: [0, 1, 2, 3], indices: [0, 0, 0], values: [1, -1, 3], labels: [1, -1, -1], cols: 2 });
    expect(() => newton(m.problem({ data: gap, loss: "logistic", l2: 0 }))).toThrow(/singular.*l2 > 0/);
    // with λ > 0 both are fine
    expect(newton(m.problem({ data: sep, loss: "logistic", l2: 0.1 })).converged).toBe(true);
    expect(newton(m.problem({ data: gap, loss: "logistic", l2: 0.1 })).converged).toBe(true);
    const quad = m.quadratic({ A: [[2, 0], [0, 1]], b: [1, 1] });
    expect(() => newton(quad as never)).toThrow(/data problem.*optimum\(\)/);
    const p = m.problem({ data: sep, l2: 0.1 });
    expect(() => newton(p, { tolerance: -1 })).toThrow(RangeError);
    expect(() => newton(p, { maxIterations: 1.5 })).toThrow(RangeError);
    expect(() => newton(p, { x0: [1] })).toThrow(/x0 must have length 2/);
    expect(() => newton(p, { tol: 1 } as never)).toThrow(/not a known option/);
    // too few iterations: a ConvergenceError with the last iterate
    const few = (() => { try { newton(m.problem({ data: m.data.synthetic({ rows: 300, cols: 10, seed: 1 }), l2: 1e-3 }), { maxIterations: 1 }); } catch (e) { return e as ConvergenceError; } return null; })();
    expect(few).toBeInstanceOf(ConvergenceError);
    expect(few!.iterations).toBe(1);
    expect(few!.x.length).toBe(10);
  });

  it("stops when onProgress returns false, without throwing", async () => {
    const m = await mast();
    const p = m.problem({ data: m.data.synthetic({ rows: 300, cols: 10, seed: 2 }), l2: 1e-3 });
    const seen: number[] = [];
    const r = newton(p, { onProgress: (row) => { seen.push(row.iteration); return row.iteration < 2; } });
    expect(r.converged).toBe(false);
    expect(r.iterations).toBe(2);
    expect(seen).toEqual([0, 1, 2]);
  });
});
