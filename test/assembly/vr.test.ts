import { describe, it, expect } from "vitest";
import { rawKernels, lcg, sameBits } from "../helpers.ts";

/**
 * L-SVRG / SVRG steps on raw kernels (assembly/vr.ts): a set member that is the identity, on one CSR row a step, takes
 * the fused identityCsrStep; the same member listed in another order takes the general path (pairedGradients +
 * vrUpdate). The two must give the same bits.
 */
function run(build: "simd" | "scalar", order: "identity" | "reversed", loss: number, kind: number, T: number): Float64Array {
  const ex = rawKernels(build);
  const n = 60, d = 12, rnd = lcg(5);
  const indptr = [0], indices: number[] = [], values: number[] = [], labels: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) if (rnd() < 0.35) { indices.push(j); values.push(rnd() * 2 - 1); }
    indptr.push(indices.length);
    labels.push(loss === 0 ? (rnd() < 0.5 ? -1 : 1) : rnd() * 2 - 1);
  }
  const put = (arr: number[], f64: boolean): number => {
    const p = ex.alloc(arr.length * (f64 ? 8 : 4) || 8) >>> 0;
    (f64 ? new Float64Array(ex.memory.buffer, p, arr.length) : new Int32Array(ex.memory.buffer, p, arr.length)).set(arr);
    return p;
  };
  const pIndptr = put(indptr, false), pIdx = put(indices, false), pVal = put(values, true), pLab = put(labels, true);
  const pv = put(Array.from({ length: d }, (_, j) => ((j % 4) - 1.5) / 10), true);
  ex.setCsr(pIndptr, pIdx, pVal, pLab, n, d);
  ex.setDataProblem(loss, 0.05, pv);
  ex.setSeed(7, 0);
  const pOff = ex.sketchSetAlloc(1, d) >>> 0;
  new Int32Array(ex.memory.buffer, pOff, 2).set([0, d]);
  new Int32Array(ex.memory.buffer, ex.sketchSetIndices() >>> 0, d).set(Array.from({ length: d }, (_, k) => (order === "identity" ? k : d - 1 - k)));
  new Float64Array(ex.memory.buffer, ex.sketchSetScales() >>> 0, d).fill(1);
  ex.vrConfigure(kind, 1, 0.1, 7);
  ex.dsgdConfigure(1, 0.2, 0);
  ex.resetCounters();
  const px = put(Array.from({ length: d }, (_, j) => Math.cos(j)), true);
  expect(ex.vrRun(px, 0, T)).toBe(T);
  // the member listed 0..d−1 takes the fused identityCsrStep (path 5), the reversed one the paired path (4)
  expect(ex.pathCount(order === "identity" ? 5 : 4)).toBe(T);
  return new Float64Array(ex.memory.buffer, px, d).slice();
}

describe("variance-reduced steps with an identity set member on CSR rows", () => {
  it("the fused one-pass step gives the bits of the general path (logistic and squared, L-SVRG and SVRG, both builds)", () => {
    for (const build of ["simd", "scalar"] as const) for (const loss of [0, 1]) for (const kind of [0, 1]) {
      const fused = run(build, "identity", loss, kind, 200), general = run(build, "reversed", loss, kind, 200);
      expect(sameBits(fused, general)).toBe(true);
      expect(fused.some((v, j) => Math.abs(v - Math.cos(j)) > 1e-3)).toBe(true);   // it moved
    }
  });
});
