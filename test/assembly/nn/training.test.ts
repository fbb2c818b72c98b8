// Training behaviour and the contract around the steps: a small run drives the loss down (relu with dropout-like
// Bernoulli units, tanh with Rand-K units), initial parameters from the seed alone (stream 12, He/Glorot bounds, the
// reference cursor's words), the divergence guard, full-data passes independent of the chunk size, ties in predictions,
// and the traps of bad arguments, calls before set-up, and configurations that cannot fit.
import { describe, it, expect } from "vitest";
import { rawKernels, lcg } from "../../helpers.ts";
import { RefRng } from "../../reference/philox.ts";
import { layout } from "../../reference/network.ts";
import { floyd } from "../../reference/kernels.ts";
import { harness, fillRandom, firstDiff } from "./net-helpers.ts";

/** Three Gaussian-ish blobs in 8 dimensions, labels by blob. */
const blobs = (rnd: () => number, i: number) => {
  const c = i % 3, row = Array.from({ length: 8 }, (_, j) => (j % 3 === c ? 1.2 : -0.4) + (rnd() + rnd() + rnd() - 1.5) * 0.6);
  return { row, label: c };
};

describe("a small training run drives the loss down", () => {
  for (const [act, kind, param] of [["relu", 1, 0.5], ["tanh", 3, 8]] as const) {
    it(`${act}, ${kind === 1 ? "Bernoulli(0.5)" : "Rand-K 8 of 16"} units, 8-16-16-3 on three blobs`, () => {
      const h = harness({ sizes: [8, 16, 16, 3], act, lambda: 1e-4, bmax: 16, n: 300, seed: 4, gen: blobs });
      const { k } = h;
      const f0 = k.nnValue(h.px), a0 = k.nnAccuracy(h.px, 0);
      k.nnSketchUnits(kind, param, 0);
      expect(k.nnRun(h.px, 0, 400, 16, 0.1)).toBe(400);
      const f1 = k.nnValue(h.px), a1 = k.nnAccuracy(h.px, 0);
      expect(f1).toBeLessThan(0.4 * f0);
      expect(f1).toBeLessThan(0.35);
      expect(a1).toBeGreaterThan(0.95);
      expect(a1).toBeGreaterThan(a0);
      expect(k.nnFailStep()).toBe(-1);
      // the minibatch values at y are recorded and average near f
      expect(k.nnLossSum() / 400).toBeLessThan(f0);
    });
  }
});

describe("initial parameters", () => {
  it("He-uniform (relu) and Glorot-uniform (tanh) from stream 12, step l − 1, words in order; biases 0", () => {
    for (const act of ["relu", "tanh"] as const) {
      const sizes = [20, 9, 6, 4];
      const h = harness({ sizes, act, lambda: 0, bmax: 2, n: 4, seed: 2 ** 33 + 7 });
      const x = h.x(), { offW, offB } = layout(sizes), rng = new RefRng(2 ** 33 + 7);
      for (let l = 1; l < sizes.length; l++) {
        const a = act === "relu" ? Math.sqrt(6 / sizes[l - 1]) : Math.sqrt(6 / (sizes[l - 1] + sizes[l]));
        const cur = rng.cursor(12, l - 1);
        let maxAbs = 0;
        for (let i = offW[l]; i < offB[l]; i++) {
          const want = Math.fround((2 * cur.nextUniform() - 1) * a);
          expect(Object.is(x[i], want), `${act} W${l}[${i - offW[l]}]`).toBe(true);
          maxAbs = Math.max(maxAbs, Math.abs(x[i]));
        }
        expect(maxAbs).toBeLessThanOrEqual(a);
        expect(maxAbs).toBeGreaterThan(0.5 * a);
        for (let j = 0; j < sizes[l]; j++) expect(x[offB[l] + j]).toBe(0);
      }
    }
  });
  it("a function of the seed alone: the same seed gives the same x in another instance and build; another seed does not", () => {
    const sizes = [10, 5, 3];
    const a = harness({ sizes, act: "relu", lambda: 0, bmax: 2, n: 4, seed: 5 }, "simd").x().slice();
    const b = harness({ sizes, act: "relu", lambda: 0, bmax: 2, n: 4, seed: 5 }, "scalar").x().slice();
    const c = harness({ sizes, act: "relu", lambda: 0, bmax: 2, n: 4, seed: 6 }).x().slice();
    expect(firstDiff(a, b)).toBe(-1);
    expect(firstDiff(a, c)).not.toBe(-1);
  });
});

describe("nnSampleRows", () => {
  it("draws sampling.ts's τ-nice rows: Floyd on stream 1 at step t (τ = 1: one nextBelow(n)), weights 1", () => {
    const h = harness({ sizes: [3, 2], act: "relu", lambda: 0, bmax: 40, n: 1000, seed: 12 });
    const { k } = h, rng = new RefRng(12);
    for (const [tau, t] of [[1, 0], [1, 77], [5, 3], [40, 9], [12, 123456]]) {
      expect(k.nnSampleRows(t, tau)).toBe(tau);
      const rows = Array.from(h.i32(k.nnRowsPtr() >>> 0, tau));
      expect(rows, `τ ${tau} t ${t}`).toEqual(tau === 1 ? [rng.cursor(1, t).nextBelow(1000)] : floyd(rng, 1000, tau, 1, t));
      expect(Array.from(h.f64(k.nnRowWeightsPtr() >>> 0, tau))).toEqual(new Array(tau).fill(1));
    }
  });
});

describe("the divergence guard", () => {
  it("a step that would make x non-finite is refused: x unchanged, 0 returned; nnRun stops there", () => {
    const h = harness({ sizes: [8, 16, 3], act: "relu", lambda: 0, bmax: 8, n: 40, seed: 2, gen: blobs });
    const { k } = h;
    k.nnSketchUnits(1, 0.5, 0);
    h.setRows([0, 1, 2, 3, 4, 5, 6, 7], null);
    const x0 = h.x().slice();
    expect(k.nnSgd(h.px, h.pRows, 0, 8, 8, 0, 1e300)).toBe(0);   // γ rounds to +∞ in f32: every new coordinate ±∞ or NaN
    expect(firstDiff(h.x(), x0)).toBe(-1);
    expect(k.nnSgd(h.px, h.pRows, 0, 8, 8, 0, 0.01)).toBe(1);
    expect(firstDiff(h.x(), x0)).not.toBe(-1);
    // a diverging run: huge finite steps until logits overflow; the run stops at the first refused step, x finite
    const done = k.nnRun(h.px, 10, 200, 4, 1e25);
    expect(done).toBeLessThan(200);
    expect(k.nnFailStep()).toBe(10 + done);
    expect(h.x().every((v: number) => Number.isFinite(v))).toBe(true);
    const x1 = h.x().slice();
    expect(k.nnRun(h.px, 10 + done, 1, 4, 1e25)).toBe(0);   // the same step again: refused, x unchanged
    expect(firstDiff(h.x(), x1)).toBe(-1);
    // the coordinate path too
    const pT = k.alloc(4 * h.d) >>> 0, pS = k.alloc(8 * h.d) >>> 0;
    h.i32(pT, 3).set([0, 5, h.d - 1]); h.f64(pS, 3).set([2, 2, 2]);
    expect(k.nnSgdCoords(h.px, pT, pS, 3, h.pRows, 0, 8, 8, 1e300)).toBe(0);
    expect(firstDiff(h.x(), x1)).toBe(-1);
  });
});

describe("full-data passes", () => {
  it("nnValue and nnAccuracy give the same bits for any chunk size (batch bound); nnFullGradient is close", () => {
    const sizes = [11, 7, 5, 3];
    const res = [1, 4, 13, 64].map((bmax) => {
      const h = harness({ sizes, act: "tanh", lambda: 0.01, bmax, n: 53, seed: 9 });
      fillRandom(h.x(), lcg(1), 0.8);
      const pg = h.k.alloc(4 * h.d) >>> 0;
      h.k.nnFullGradient(h.px, pg);
      return { v: h.k.nnValue(h.px), a: h.k.nnAccuracy(h.px, 0), g: h.f32(pg, h.d).slice() };
    });
    for (const r of res) {
      expect(Object.is(r.v, res[0].v)).toBe(true);
      expect(r.a).toBe(res[0].a);
      for (let i = 0; i < r.g.length; i++) expect(Math.abs(r.g[i] - res[0].g[i])).toBeLessThan(1e-6);
    }
  });
  it("predictions: ties go to the lowest class", () => {
    const h = harness({ sizes: [6, 4, 5], act: "relu", lambda: 0, bmax: 4, n: 10, seed: 3 });
    const { k } = h, { offW, offB } = layout([6, 4, 5]);
    h.x().fill(0);
    const pPred = k.alloc(40) >>> 0;
    k.nnAccuracy(h.px, pPred);
    expect(Array.from(h.i32(pPred, 10))).toEqual(new Array(10).fill(0));
    // classes 2 and 4 tie above the rest
    h.x()[offB[2] + 2] = 1; h.x()[offB[2] + 4] = 1;
    k.nnAccuracy(h.px, pPred);
    expect(Array.from(h.i32(pPred, 10))).toEqual(new Array(10).fill(2));
    expect(offW[2]).toBeGreaterThan(0);
  });
});

describe("traps", () => {
  const code = (k: any, f: () => void) => {
    k.clearError();
    let threw = false;
    try { f(); } catch (e) { threw = e instanceof WebAssembly.RuntimeError; }
    return threw ? k.errorCode() : 0;
  };
  it("calls before nnConfigure trap with ERR_STATE (3)", () => {
    const k = rawKernels();
    expect(code(k, () => k.nnGradient(0, 0, 0, 1, 1, 0))).toBe(3);
    expect(code(k, () => k.nnSketchUnits(1, 0.5, 0))).toBe(3);
  });
  it("configurations that cannot fit trap with ERR_MEMORY (2) without growing memory", () => {
    const k = rawKernels();
    const p = k.alloc(16) >>> 0;
    const before = k.memoryBytes();
    new Int32Array(k.memory.buffer, p, 3).set([100000, 100000, 10]);   // d ≈ 10^10 > 2^31
    expect(code(k, () => k.nnConfigure(p, 1, 0, 0, 8))).toBe(2);
    new Int32Array(k.memory.buffer, p, 3).set([784, 4096, 10]);          // activations of 10^6 rows: > 3.75 GiB
    expect(code(k, () => k.nnConfigure(p, 1, 0, 0, 1000000))).toBe(2);
    expect(k.memoryBytes()).toBe(before);
  });
  it("bad arguments trap with ERR_ABORT (1): sizes, batch, rows, labels, sketch parameters, supports", () => {
    const h = harness({ sizes: [5, 4, 3], act: "relu", lambda: 0, bmax: 4, n: 10, seed: 1 });
    const { k } = h;
    const p = k.alloc(16) >>> 0;
    new Int32Array(k.memory.buffer, p, 3).set([5, 0, 3]);
    expect(code(k, () => k.nnConfigure(p, 1, 0, 0, 4))).toBe(1);
    // the harness's configuration is still the live one
    h.setRows([0, 1, 2, 3, 4], null);
    expect(code(k, () => k.nnGradient(h.px, h.pRows, 0, 5, 5, 0))).toBe(1);    // batch above Bmax
    h.setRows([0, 10], null);
    expect(code(k, () => k.nnGradient(h.px, h.pRows, 0, 2, 2, 0))).toBe(1);    // row outside [0, n)
    h.i32(h.pLabels, 10)[3] = 3;
    h.setRows([3], null);
    expect(code(k, () => k.nnGradient(h.px, h.pRows, 0, 1, 1, 0))).toBe(1);    // label ≥ C
    expect(code(k, () => k.nnValue(h.px))).toBe(1);
    h.i32(h.pLabels, 10)[3] = 2;
    expect(code(k, () => k.nnSketchUnits(1, 0, 0))).toBe(1);
    expect(code(k, () => k.nnSketchUnits(3, 5, 0))).toBe(1);                   // k > n_1
    expect(code(k, () => k.nnSketchUnits(2, 0.5, 0))).toBe(1);                 // no per-parameter Bernoulli over units
    const pT = k.alloc(8) >>> 0, pS = k.alloc(16) >>> 0;
    new Int32Array(k.memory.buffer, pT, 1).set([h.d]);
    new Float64Array(k.memory.buffer, pS, 1).set([1]);
    h.setRows([3], null);
    expect(code(k, () => k.nnGradientCoords(h.px, pT, pS, 1, h.pRows, 0, 1, 1))).toBe(1);
    expect(code(k, () => k.nnGradient(h.px, h.pRows, 0, 1, 1, 0))).toBe(0);      // and a good call works
  });
});
