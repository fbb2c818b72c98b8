import { describe, it, expect } from "vitest";
import { sketch, Dataset, type Mast } from "../../dist/index.js";
import { mast, lcg, maxRelErr, rawKernels, sameBits } from "../helpers.ts";
import { logistic, squared, refValue, refGradient, dot4, type RefData } from "../reference/kernels.ts";

/** A random problem: dense rows (some zeros) with ±1 labels, as RefData and as a Dataset (dense or CSR). */
function randomData(m: Mast, n: number, d: number, seed: number, format: "dense" | "csr"): { ref: RefData; data: Dataset } {
  const rnd = lcg(seed);
  const rows = Array.from({ length: n }, () => Array.from({ length: d }, () => (rnd() < 0.4 ? 0 : rnd() * 2 - 1)));
  const labels = rows.map(() => (rnd() < 0.5 ? -1 : 1));
  if (format === "dense") return { ref: { rows, labels }, data: m.data.dense(rows.flat(), { rows: n, cols: d, labels }) };
  const indptr = [0], indices: number[] = [], values: number[] = [];
  rows.forEach((r) => { r.forEach((v, j) => { if (v !== 0) { indices.push(j); values.push(v); } }); indptr.push(indices.length); });
  return { ref: { rows, labels }, data: m.data.csr({ indptr, indices, values, labels, cols: d }) };
}

describe("losses on the margin", () => {
  it("logistic and squared values and derivatives match the reference and stay finite at extreme margins", () => {
    const k = rawKernels();
    for (const m of [-800, -40, -3, -1e-9, 0, 1e-9, 0.7, 5, 40, 800]) for (const b of [-1, 1]) {
      const lv = k.lossValueAt(0, m, b), ld = k.lossDerivAt(0, m, b);
      expect(Number.isFinite(lv) && Number.isFinite(ld)).toBe(true);
      expect(Math.abs(lv - logistic.value(m, b))).toBeLessThanOrEqual(1e-15 * Math.max(1, Math.abs(lv)));
      expect(Math.abs(ld - logistic.deriv(m, b))).toBeLessThanOrEqual(1e-15);
      expect(k.lossValueAt(1, m, b)).toBe(squared.value(m, b));
      expect(k.lossDerivAt(1, m, b)).toBe(squared.deriv(m, b));
    }
    expect(k.lossValueAt(0, -800, 1)).toBe(800);   // log(1 + e^800) without overflow
  });
});

describe("CSR passes take rows two at a time with the bits of one row at a time", () => {
  it("margins and the squared-loss gradient equal serial sums along each row, bit for bit (odd n, empty and long rows)", async () => {
    const m = await mast();
    const rnd = lcg(41);
    const n = 37, d = 11;
    const rows = Array.from({ length: n }, (_, i) =>
      Array.from({ length: d }, () => (i === 5 || rnd() < (i % 3 === 0 ? 0.8 : 0.3) ? 0 : rnd() * 2 - 1)));   // row 5 empty
    const labels = rows.map(() => rnd() * 2 - 1);
    const indptr = [0], indices: number[] = [], values: number[] = [];
    rows.forEach((r) => { r.forEach((v, j) => { if (v !== 0) { indices.push(j); values.push(v); } }); indptr.push(indices.length); });
    const p = m.problem({ data: m.data.csr({ indptr, indices, values, labels, cols: d }), loss: "squared", l2: 0.1 });
    const x = Array.from({ length: d }, (_, j) => Math.sin(3 * j) - 0.2);
    // one row at a time: t_i = Σ_e a_e x_{j_e} in row order; g = (Σ_i (t_i − b_i) a_i) / n + λ x, rows in order
    const t = rows.map((_, i) => { let s = 0; for (let e = indptr[i]; e < indptr[i + 1]; e++) s += values[e] * x[indices[e]]; return s; });
    const g = new Array<number>(d).fill(0);
    rows.forEach((_, i) => { const c = t[i] - labels[i]; for (let e = indptr[i]; e < indptr[i + 1]; e++) g[indices[e]] += c * values[e]; });
    const want = g.map((gj, j) => gj / n + 0.1 * x[j]);
    expect(sameBits(p.margins(x), t)).toBe(true);
    expect(sameBits(p.gradient(x), want)).toBe(true);
  });
});

describe("objectives against the TypeScript reference and finite differences", () => {
  for (const format of ["dense", "csr"] as const) for (const loss of ["logistic", "squared"] as const) {
    it(`${format} ${loss}: value, gradient and sketched gradient`, async () => {
      const m = await mast();
      const { ref, data } = randomData(m, 30, 9, 5, format);
      const v = Array.from({ length: 9 }, (_, j) => 0.1 * j - 0.3);
      const p = m.problem({ data, loss, l2: 0.01, shift: v });
      const L = loss === "logistic" ? logistic : squared;
      const rnd = lcg(99);
      const x = Array.from({ length: 9 }, () => rnd() * 2 - 1);
      expect(Math.abs(p.value(x) - refValue(ref, L, 0.01, x))).toBeLessThan(1e-13);
      expect(maxRelErr(p.gradient(x), refGradient(ref, L, 0.01, x))).toBeLessThan(1e-13);
      // central finite differences, h = 1e-5: error O(h²)
      const g = p.gradient(x);
      for (let j = 0; j < 9; j++) {
        const xp = x.slice(), xm = x.slice(); xp[j] += 1e-5; xm[j] -= 1e-5;
        expect(Math.abs((p.value(xp) - p.value(xm)) / 2e-5 - g[j])).toBeLessThan(1e-7);
      }
      // g = S ∇f(v + S(x − v)) for the Rand-K sketch of step 3
      const { g: gs, support } = p.sketchedGradient(x, sketch.randK(4), { step: 3, seed: 11 });
      expect(support.length).toBe(4);
      const y = v.slice();
      support.forEach((j) => { y[j] = v[j] + (9 / 4) * (x[j] - v[j]); });
      const gy = refGradient(ref, L, 0.01, y);
      const want = new Array(9).fill(0);
      support.forEach((j) => { want[j] = (9 / 4) * gy[j]; });
      expect(maxRelErr(gs, want)).toBeLessThan(1e-12);
    });
  }

  it("quadratic: value, gradient, finite differences", async () => {
    const m = await mast();
    const q = m.quadratic({ A: [[3, 1, 0], [1, 2, 0.5], [0, 0.5, 1]], b: [1, -2, 0.5] });
    const x = [0.3, -0.7, 1.1];
    const Ax = [3 * 0.3 - 0.7, 0.3 - 1.4 + 0.55, -0.35 + 1.1];
    expect(q.value(x)).toBeCloseTo(0.5 * dot4(x, Ax) - (0.3 + 1.4 + 0.55), 14);
    expect(maxRelErr(q.gradient(x), [Ax[0] - 1, Ax[1] + 2, Ax[2] - 0.5])).toBeLessThan(1e-15);
  });
});

describe("validation: every parameter is checked and named", () => {
  it("problem and data constructors", async () => {
    const m = await mast();
    const data = m.data.dense([1, 2, 3, 4], { rows: 2, cols: 2, labels: [1, -1] });
    expect(() => m.data.dense([1, 2, 3], { rows: 2, cols: 2, labels: [1, -1] })).toThrow(/values must have length 4, got length 3/);
    expect(() => m.data.dense([1, 2, NaN, 4], { rows: 2, cols: 2, labels: [1, -1] })).toThrow(/values\[2\] must be finite, got NaN/);
    expect(() => m.data.dense([1, 2, 3, 4], { rows: 2, cols: 2, labels: [1] })).toThrow(/labels must have length 2/);
    expect(() => m.data.dense([1, 2, 3, 4], { rows: 0, cols: 2, labels: [] })).toThrow(/rows must be in 1\.\./);
    expect(() => m.problem({ data, loss: "hinge" as any })).toThrow(/loss must be one of "logistic", "squared", got "hinge"/);
    expect(() => m.problem({ data, l2: -1 })).toThrow(/l2 must be ≥ 0, got -1/);
    expect(() => m.problem({ data, l2: Infinity })).toThrow(/l2 must be finite/);
    expect(() => m.problem({ data, shift: [1, 2, 3] })).toThrow(/shift must have length 2, got length 3/);
    expect(() => m.problem({ data: { rows: 1 } as any })).toThrow(TypeError);
    expect(() => m.problem({ data, lr: 1 } as any)).toThrow(/options.lr is not a known option/);
    const reg = m.data.dense([1, 2, 3, 4], { rows: 2, cols: 2, labels: [0.5, 2] });
    expect(() => m.problem({ data: reg, loss: "logistic" })).toThrow(/needs labels −1\/\+1/);
    expect(() => m.quadratic({ A: [[1, 2], [0, 1]], b: [1, 1] })).toThrow(/A must be symmetric/);
    expect(() => m.quadratic({ A: [1, 0, 0], b: [1, 1] })).toThrow(/A must have length 4/);
    expect(() => m.data.synthetic({ density: 2 })).toThrow(/density must be in \(0, 1\], got 2/);
    expect(() => m.data.synthetic({ seed: -1 })).toThrow(/seed must be in 0\.\./);
  });

  it("minimize and friends", async () => {
    const m = await mast();
    const p = m.problem({ data: m.data.synthetic({ rows: 50, cols: 10, seed: 1 }), l2: 0.1 });
    const bad: [object, RegExp][] = [
      [{ method: "adam" }, /method must be one of "dsgd", .*got "adam"/],
      [{ sketch: sketch.randK(11) }, /K\) must be in 1\.\.10 .*got 11/],
      [{ sketch: { kind: "randK", k: 0 } }, /k must be in 1\.\./],
      [{ sketch: { kind: "bernoulli", p: 0 } }, /p must be in \(0, 1\], got 0/],
      [{ stepSize: -0.1 }, /stepSize must be a positive finite number, got -0.1/],
      [{ stepSize: NaN }, /stepSize must be finite, got NaN/],
      [{ stepSize: "auto" }, /stepSize must be a positive number, "theory", "switching" or a function/],
      [{ iterations: 1.5 }, /iterations must be an integer, got 1.5/],
      [{ batch: 0 }, /batch must be in 1\.\.50, got 0/],
      [{ batch: 51 }, /batch must be in 1\.\.50, got 51/],
      [{ seed: 2 ** 60 }, /seed must be an integer/],
      [{ x0: [1, 2] }, /x0 must have length 10, got length 2/],
      [{ x0: new Array(10).fill(Infinity) }, /x0\[0\] must be finite, got Infinity/],
      [{ recordEvery: 0 }, /recordEvery must be in 1\.\./],
      [{ onProgress: 5 }, /onProgress must be a function/],
      [{ iterations: 10, stepSize: () => -1 }, /stepSize\(0\) must be a positive finite number, got -1/],
    ];
    for (const [o, re] of bad) await expect(p.minimize(o as any)).rejects.toThrow(re);
    expect(() => p.value([1, 2])).toThrow(/x must have length 10, got length 2/);
    expect(() => p.sketchedValue(new Array(10).fill(0), sketch.randK(3), { samples: 0 })).toThrow(/samples must be in 1\.\./);
  });
});

describe("failures are loud and lose nothing", () => {
  it("a diverging run stops at the first non-finite iterate, names the step and suggests the theory step", async () => {
    const m = await mast();
    const data = m.data.dense([1, 2, 3, 4, 5, 6], { rows: 3, cols: 2, labels: [1, 2, 3] });
    const p = m.problem({ data, loss: "squared" });
    const theory = p.constants().stepSize;
    const err = await p.minimize({ stepSize: 1e6, iterations: 1000 }).catch((e) => e);
    expect(err.name).toBe("DivergenceError");
    expect(err.message).toMatch(/diverged at step \d+: .*stepSize 1000000.*try stepSize ≤ /);
    expect(err.suggestedStepSize).toBeCloseTo(theory, 12);
    expect(err.step).toBeGreaterThan(10);
    expect(Array.from(err.lastIterate).every(Number.isFinite)).toBe(true);
    const ok = await p.minimize({ stepSize: "theory", iterations: 100 });
    expect(ok.x.every(Number.isFinite)).toBe(true);
  });

  it("a wasm trap becomes a KernelError with the kernel's code, and the instance is rebuilt", async () => {
    const m = await mast();
    const p = m.problem({ data: m.data.synthetic({ rows: 40, cols: 6, seed: 2 }), l2: 0.1 });
    const x = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6];
    const before = p.value(x);
    const kernel = (p as any).kernel;
    const err = (() => { try { kernel.call("alloc", (ex: any) => ex.alloc(2 ** 32 - 1024)); } catch (e) { return e as any; } })();
    expect(err?.name).toBe("KernelError");
    expect(err.kernel).toBe("alloc");
    expect(err.code).toBe(2);                       // out of memory
    expect(err.message).toMatch(/kernel alloc failed \(code 2: out of memory\).*rebuilt/);
    expect((p as any).kernel.ex).not.toBe(undefined);
    expect(p.value(x)).toBe(before);                // rebuilt with the same data
    const r = await p.minimize({ iterations: 50, batch: 4, sketch: sketch.randK(3), seed: 1 });
    expect(r.x.every(Number.isFinite)).toBe(true);
  });

  it("calls into the same problem from onProgress throw a clear Error and leave the run as it would have been", async () => {
    const m = await mast();
    const p = m.problem({ data: m.data.synthetic({ rows: 60, cols: 8, seed: 4 }), l2: 0.01, shift: Array.from({ length: 8 }, (_, j) => j / 10) });
    const y = Array.from({ length: 8 }, (_, j) => Math.sin(j));
    const opts = { iterations: 300, recordEvery: 50, batch: 1, sketch: sketch.randK(3), seed: 9, stepSize: 0.1 } as const;
    const fy = p.value(y);
    const plain = await p.minimize(opts);
    const calls: [string, () => unknown][] = [
      ["value", () => p.value(y)], ["gradient", () => p.gradient(y)], ["margins", () => p.margins(y)], ["accuracy", () => p.accuracy(y)],
      ["sketchedGradient", () => p.sketchedGradient(y, sketch.randK(5), { step: 3 })],
      ["sketchedValue", () => p.sketchedValue(y, sketch.randK(5), { samples: 10 })],
      ["constants", () => p.constants(sketch.identity())], ["minimize", () => p.minimize({ iterations: 5 })],
    ];
    const seen: string[] = [];
    const r = await p.minimize({
      ...opts,
      onProgress: () => {
        for (const [name, f] of calls) {
          let err: unknown = null;
          try { const v = f(); if (v instanceof Promise) v.catch(() => {}); } catch (e) { err = e; }
          if (name === "minimize") continue;   // async: its rejection is checked below
          expect(err).toBeInstanceOf(Error);
          expect((err as Error).message).toMatch(new RegExp(`^${name}\\(\\) cannot be called while minimize\\(\\) is running on this problem`));
          seen.push(name);
        }
      },
    });
    expect(seen.length).toBe(7 * 7);                 // seven record points, seven synchronous calls each
    expect(r.digest).toBe(plain.digest);             // the run did not see any of them
    expect(r.trace.map((row) => row.f)).toEqual(plain.trace.map((row) => row.f));
    let nested: unknown = null;
    await p.minimize({ ...opts, iterations: 50, onProgress: () => { p.minimize({ iterations: 5 }).catch((e) => { nested = e; }); } });
    await Promise.resolve();
    expect((nested as Error)?.message).toMatch(/^minimize\(\) cannot be called while minimize\(\) is running/);
    expect(p.value(y)).toBe(fy);                     // callable again once the run is over

    // a user model: its value inside onProgress is refused the same way
    const q = m.model({ dimension: 2, valueAndGradient: (x: Float64Array, g: Float64Array) => { g[0] = x[0]; g[1] = 2 * x[1]; return 0.5 * x[0] * x[0] + x[1] * x[1]; } });
    let modelErr: unknown = null;
    await q.minimize({ iterations: 20, stepSize: 0.1, x0: [1, 1], onProgress: () => { try { q.value([0, 0]); } catch (e) { modelErr = e; } } });
    expect((modelErr as Error)?.message).toMatch(/^value\(\) cannot be called while minimize\(\) is running/);
    expect(q.value([1, 1])).toBe(1.5);
  });
});

describe("predictions and scores on any data set with the same columns", () => {
  it("value, accuracy, predict, predictProba and margins on a test set equal a problem built on it; the tie rule; widths", async () => {
    const m = await mast();
    const train = m.data.synthetic({ rows: 120, cols: 9, density: 0.5, seed: 3 });
    const test = m.data.synthetic({ rows: 50, cols: 9, density: 0.5, seed: 4 });
    const v = Array.from({ length: 9 }, (_, j) => 0.1 * j);
    const p = m.problem({ data: train, l2: 0.01, shift: v });
    const q = m.problem({ data: test, l2: 0.01, shift: v });
    const x = (await p.minimize({ iterations: 200 })).x;
    expect(p.value(x, test)).toBe(q.value(x));
    expect(p.accuracy(x, test)).toBe(q.accuracy(x));
    expect(p.accuracy(x, test)).not.toBe(p.accuracy(x));
    expect(p.margins(x, test)).toEqual(q.margins(x));
    const labels = p.predict(x, test), margins = q.margins(x);
    labels.forEach((y, i) => expect(y).toBe(margins[i] > 0 ? 1 : -1));
    expect(p.predict(new Float64Array(9), test).every((y) => y === -1)).toBe(true);   // a zero margin predicts −1
    const prob = p.predictProba(x, test);
    prob.forEach((pr, i) => { expect(pr).toBeGreaterThan(0); expect(pr).toBeLessThan(1); expect(Math.abs(pr - 1 / (1 + Math.exp(-margins[i])))).toBeLessThan(1e-14); });
    expect(p.predict(x)).toEqual(Float64Array.from(p.margins(x), (t) => (t > 0 ? 1 : -1)));
    const sq = m.problem({ data: train, loss: "squared" });
    expect(sq.predict(x, test)).toEqual(q.margins(x));
    expect(() => sq.predictProba(x)).toThrow(/predictProba needs the logistic loss/);
    const narrow = m.data.synthetic({ rows: 10, cols: 8, density: 0.5, seed: 5 });
    expect(() => p.accuracy(x, narrow)).toThrow(/data for margins must have 9 columns .*got 8; .*features: 9/);
    expect(() => p.value(x, narrow)).toThrow(/data for value must have 9 columns/);
    expect(() => p.predict(x, [1, 2] as never)).toThrow(/data must be a Dataset/);
    const real = m.data.dense(new Array(18).fill(0.5), { rows: 2, cols: 9, labels: [0.3, 2] });
    expect(() => p.accuracy(x, real)).toThrow(/accuracy needs labels −1\/\+1; data has other labels, e\.g\. 0\.3/);
    expect(p.predict(x, real).length).toBe(2);   // predict reads no labels
  });
});
