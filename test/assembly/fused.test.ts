import { describe, it, expect } from "vitest";
import { rawKernels, lcg, sameBits } from "../helpers.ts";

/**
 * Every fused one-row kernel (assembly/dsgd.ts singleRowStep, csrRandKStep, pairedGradients; assembly/vr.ts
 * identityCsrStep) against the general path on the same draws: setFusedPaths(0) sends the same run through deltaFrom,
 * gradientFromDelta and the support update. Supports below and at or above d/6 cover the gathered and the masked
 * (whole-row) margins on dense rows.
 */
const SK_BERNOULLI = 1, SK_RANDK = 3, SK_PERMUTATION = 4, SK_IDENTITY = 0;
// The step paths (PATH in src/runtime/codes.ts): each run below asserts which one it took, so that a differential test
// can never compare the general path with itself.
const PATH_GENERAL = 0, PATH_SINGLE_ROW = 1, PATH_CSR_RANDK = 2, PATH_PAIRED = 4, PATH_VR_IDENTITY_CSR = 5;
const paths = (ex: any) => Array.from({ length: 6 }, (_, p) => ex.pathCount(p));

function problem(build: "simd" | "scalar", dense: boolean, loss: number) {
  const ex = rawKernels(build);
  const n = 50, d = 14, rnd = lcg(dense ? 3 : 4);
  const put = (arr: number[], f64: boolean): number => {
    const p = ex.alloc(arr.length * (f64 ? 8 : 4) || 8) >>> 0;
    (f64 ? new Float64Array(ex.memory.buffer, p, arr.length) : new Int32Array(ex.memory.buffer, p, arr.length)).set(arr);
    return p;
  };
  const labels = Array.from({ length: n }, () => (loss === 0 ? (rnd() < 0.5 ? -1 : 1) : rnd() * 2 - 1));
  if (dense) {
    ex.setDense(put(Array.from({ length: n * d }, () => rnd() * 2 - 1), true), put(labels, true), n, d);
  } else {
    const indptr = [0], indices: number[] = [], values: number[] = [];
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < d; j++) if (rnd() < 0.4) { indices.push(j); values.push(rnd() * 2 - 1); }
      indptr.push(indices.length);
    }
    ex.setCsr(put(indptr, false), put(indices, false), put(values, true), put(labels, true), n, d);
  }
  ex.setDataProblem(loss, 0.03, put(Array.from({ length: d }, (_, j) => ((j % 5) - 2) / 10), true));
  ex.setSeed(11, 0);
  return { ex, d, put };
}

function dsgd(build: "simd" | "scalar", dense: boolean, loss: number, kind: number, K: number, p: number, fused: boolean): Float64Array {
  const { ex, d, put } = problem(build, dense, loss);
  ex.sketchConfigure(kind, K, p, 0);
  ex.dsgdConfigure(1, 0.15, 0);
  ex.setFusedPaths(fused ? 1 : 0);
  ex.resetCounters();
  const px = put(Array.from({ length: d }, (_, j) => Math.sin(j + 1)), true);
  expect(ex.dsgdRun(px, 0, 150)).toBe(150);
  const taken = paths(ex);
  const fusedPath = !dense && kind === SK_RANDK ? PATH_CSR_RANDK : PATH_SINGLE_ROW;
  expect(taken[fused ? fusedPath : PATH_GENERAL]).toBe(150);
  expect(taken.reduce((a, b) => a + b, 0)).toBe(150);
  return new Float64Array(ex.memory.buffer, px, d).slice();
}

function vr(build: "simd" | "scalar", dense: boolean, loss: number, method: number, fused: boolean): Float64Array {
  const { ex, d, put } = problem(build, dense, loss);
  // three set members: 2 coordinates (gathered), 9 coordinates (≥ d/6: masked on dense rows), and the identity
  const members = [[11, 7], [13, 2, 5, 8, 1, 10, 6, 12, 4], Array.from({ length: d }, (_, j) => j)];
  const off = [0];
  for (const m of members) off.push(off[off.length - 1] + m.length);
  const pOff = ex.sketchSetAlloc(members.length, off[off.length - 1]) >>> 0;
  new Int32Array(ex.memory.buffer, pOff, off.length).set(off);
  new Int32Array(ex.memory.buffer, ex.sketchSetIndices() >>> 0, off[off.length - 1]).set(members.flat());
  // scales 3·|T|/d, except the whole-support member, which is the identity (scale 1): on CSR rows it takes identityCsrStep
  new Float64Array(ex.memory.buffer, ex.sketchSetScales() >>> 0, off[off.length - 1]).set(members.flatMap((m) => m.map(() => (m.length === d ? 1 : members.length * m.length / d))));
  ex.vrConfigure(method, 1, 0.1, 7);
  ex.dsgdConfigure(1, 0.1, 0);
  ex.setFusedPaths(fused ? 1 : 0);
  ex.resetCounters();
  const px = put(Array.from({ length: d }, (_, j) => Math.cos(j)), true);
  expect(ex.vrRun(px, 0, 150)).toBe(150);
  const taken = paths(ex);
  expect(taken.reduce((a, b) => a + b, 0)).toBe(150);
  if (fused) {
    // the identity member on CSR rows takes identityCsrStep, every other step pairedGradients
    expect(taken[PATH_PAIRED]).toBeGreaterThan(0);
    expect(taken[PATH_VR_IDENTITY_CSR] > 0).toBe(!dense);
    expect(taken[PATH_GENERAL]).toBe(0);
  } else expect(taken[PATH_GENERAL]).toBe(150);
  return new Float64Array(ex.memory.buffer, px, d).slice();
}

describe("fused one-row kernels give the bits of the general path (setFusedPaths(0)), both builds", () => {
  const sketches: [string, number, number, number][] = [
    ["Rand-K K=2", SK_RANDK, 2, 1], ["Rand-K K=3 (≥ d/6)", SK_RANDK, 3, 1], ["Rand-K K=11 (complement)", SK_RANDK, 11, 1],
    ["Bernoulli p=0.15 (|T| on both sides of d/6)", SK_BERNOULLI, 0, 0.15], ["Bernoulli p=0.75", SK_BERNOULLI, 0, 0.75],
    ["permutation M=2", SK_PERMUTATION, 2, 1], ["permutation M=7", SK_PERMUTATION, 7, 1],
    ["identity", SK_IDENTITY, 0, 1],
  ];
  for (const dense of [true, false]) {
    it(`DSGD, ${dense ? "dense" : "CSR"} rows: ${sketches.map((s) => s[0]).join(", ")}`, () => {
      for (const build of ["simd", "scalar"] as const) for (const loss of [0, 1]) for (const [, kind, K, p] of sketches) {
        if (!dense && kind === SK_IDENTITY) continue;   // CSR identity: the lazy path, equal up to rounding only (dsgd.test.ts)
        const a = dsgd(build, dense, loss, kind, K, p, true), b = dsgd(build, dense, loss, kind, K, p, false);
        expect(sameBits(a, b)).toBe(true);
        expect(a.some((x, j) => Math.abs(x - Math.sin(j + 1)) > 1e-3)).toBe(true);   // it moved
      }
    });
    it(`L-SVRG and SVRG, ${dense ? "dense" : "CSR"} rows: set members of 2, 9 and 14 (identity) of d = 14 coordinates`, () => {
      for (const build of ["simd", "scalar"] as const) for (const loss of [0, 1]) for (const method of [0, 1]) {
        const a = vr(build, dense, loss, method, true), b = vr(build, dense, loss, method, false);
        expect(sameBits(a, b)).toBe(true);
        expect(a.some((x, j) => Math.abs(x - Math.cos(j)) > 1e-3)).toBe(true);
      }
    });
  }
});
