// The SIMD and scalar builds give the same bits on whole training runs: every sketch path (identity, unit sketches on
// the compact path, unit sketches with a shift, coordinate sketches drawn by sketch.ts), relu and tanh, widths that leave
// tails in every GEMM, and the full-data passes and raw kernels at bench-like shapes. Runs are also functions of their
// inputs alone (the same run twice in one instance gives the same bits).
import { describe, it, expect } from "vitest";
import { lcg } from "../../helpers.ts";
import { harness, fillRandom, firstDiff, type Build } from "./net-helpers.ts";

const SIZES = [23, 17, 9, 4];

function run(build: Build, act: "relu" | "tanh", kind: number, param: number, shift: boolean) {
  const h = harness({ sizes: SIZES, act, lambda: 1e-3, bmax: 11, n: 90, seed: 77 }, build);
  const { k, d } = h;
  if (shift) { fillRandom(h.f32(h.pv, d), lcg(8), 0.3); k.nnSetShift(h.pv); }
  k.nnSketchUnits(kind, param, 0);
  const done = k.nnRun(h.px, 100, 40, 11, 0.08);
  const x = h.x().slice();
  const value = k.nnValue(h.px), acc = k.nnAccuracy(h.px, 0);
  const pg = k.alloc(4 * d) >>> 0;
  k.nnFullGradient(h.px, pg);
  return { done, x, value, acc, lossSum: k.nnLossSum(), macs: k.nnMacs(), g: h.f32(pg, d).slice() };
}

function coordRun(build: Build, shift: boolean) {
  const h = harness({ sizes: SIZES, act: "relu", lambda: 1e-3, bmax: 11, n: 90, seed: 5 }, build);
  const { k, d } = h;
  if (shift) { fillRandom(h.f32(h.pv, d), lcg(2), 0.3); k.nnSetShift(h.pv); }
  k.sketchWorkspace(d);
  k.sketchConfigure(3, Math.floor(d / 3), 1, 0);   // Rand-K over all d parameters (DropConnect-like)
  for (let t = 0; t < 30; t++) {
    const m = k.sketchSample(t);
    const tau = k.nnSampleRows(t, 7);
    expect(k.nnSgdCoords(h.px, k.supportPtr() >>> 0, k.scalePtr() >>> 0, m, k.nnRowsPtr() >>> 0, k.nnRowWeightsPtr() >>> 0, tau, tau, 0.1)).toBe(1);
  }
  return { x: h.x().slice(), lossSum: k.nnLossSum() };
}

describe("SIMD and scalar builds: the same bits on training runs", () => {
  const cases: [string, "relu" | "tanh", number, number, boolean][] = [
    ["identity, relu", "relu", 0, 1, false],
    ["Bernoulli(0.5) compact, relu", "relu", 1, 0.5, false],
    ["Rand-K 5 compact, tanh", "tanh", 3, 5, false],
    ["permutation(3) compact, tanh", "tanh", 4, 3, false],
    ["Bernoulli(0.7) with v ≠ 0, relu", "relu", 1, 0.7, true],
  ];
  for (const [name, act, kind, param, shift] of cases) {
    it(`${name}: 40 steps, then value, accuracy and the full gradient`, () => {
      const a = run("simd", act, kind, param, shift), b = run("scalar", act, kind, param, shift);
      expect(a.done).toBe(40);
      expect(b.done).toBe(40);
      expect(firstDiff(a.x, b.x)).toBe(-1);
      expect(Object.is(a.value, b.value)).toBe(true);
      expect(a.acc).toBe(b.acc);
      expect(Object.is(a.lossSum, b.lossSum)).toBe(true);
      expect(a.macs).toBe(b.macs);
      expect(firstDiff(a.g, b.g)).toBe(-1);
      // a function of the inputs alone: the same run again in a new instance
      const c = run("simd", act, kind, param, shift);
      expect(firstDiff(a.x, c.x)).toBe(-1);
    });
  }
  for (const shift of [false, true]) {
    it(`coordinate sketches from sketch.ts (Rand-K over d), v ${shift ? "≠" : "="} 0: 30 fused steps`, () => {
      const a = coordRun("simd", shift), b = coordRun("scalar", shift);
      expect(firstDiff(a.x, b.x)).toBe(-1);
      expect(Object.is(a.lossSum, b.lossSum)).toBe(true);
    });
  }

  it("a run is a function of its inputs: the same run after other calls in the same instance gives the same bits", () => {
    const h = harness({ sizes: SIZES, act: "relu", lambda: 1e-3, bmax: 11, n: 90, seed: 77 });
    const { k, d } = h;
    const x0 = h.x().slice();
    const once = () => {
      h.x().set(x0);
      k.nnSketchUnits(3, 6, 0);
      k.nnResetCounters();
      k.nnRun(h.px, 7, 20, 9, 0.1);
      return { x: h.x().slice(), loss: k.nnLossSum(), macs: k.nnMacs() };
    };
    const a = once();
    // unrelated calls: other sketches, steps, shifts, rows, full-data passes, raw kernels
    k.nnSketchUnits(4, 3, 0); k.nnSampleUnits(11);
    fillRandom(h.f32(h.pv, d), lcg(1), 0.2); k.nnSetShift(h.pv);
    k.nnSketchUnits(1, 0.5, 0); k.nnRun(h.px, 0, 3, 5, 0.05);
    k.nnSetShift(0);
    h.setRows([1, 2, 3], null); k.nnGradient(h.px, h.pRows, 0, 3, 3, 99);
    k.nnValue(h.px); k.nnAccuracy(h.px, 0); k.nnSampleRows(5, 11);
    const b = once();
    expect(firstDiff(a.x, b.x)).toBe(-1);
    expect(Object.is(a.loss, b.loss)).toBe(true);
    expect(a.macs).toBe(b.macs);
  });

  it("raw GEMMs at 64×256×784-like shapes (with tails): the same bits", () => {
    const res = (["simd", "scalar"] as const).map((build) => {
      const h = harness({ sizes: [5, 3], act: "relu", lambda: 0, bmax: 1, n: 1, seed: 1 }, build);
      const { k } = h;
      const M = 66, N = 259, K = 787;
      const pA = k.alloc(4 * M * K) >>> 0, pB = k.alloc(4 * N * K) >>> 0, pC = k.alloc(4 * M * N) >>> 0, pBias = k.alloc(4 * N) >>> 0;
      const pD = k.alloc(4 * M * K) >>> 0, pW = k.alloc(4 * N * K) >>> 0;
      const rnd = lcg(31);
      fillRandom(h.f32(pA, M * K), rnd, 1); fillRandom(h.f32(pB, N * K), rnd, 1); fillRandom(h.f32(pBias, N), rnd, 1);
      k.nnMatmulNT(pC, N, pA, K, pB, K, pBias, M, N, K);
      k.nnMatmulNN(pD, K, pC, N, pB, K, M, K, N);
      k.nnMatmulTN(pW, K, pC, N, pA, K, N, K, M);
      return [h.f32(pC, M * N).slice(), h.f32(pD, M * K).slice(), h.f32(pW, N * K).slice()];
    });
    for (let i = 0; i < 3; i++) expect(firstDiff(res[0][i], res[1][i]), `output ${i}`).toBe(-1);
  });
});
