// The layer kernels one by one against the f32 mirror (test/reference/network.ts) and the f64 reference: the three GEMMs
// (every tail of the register tiles, leading dimensions wider than the rows, no bias), the activations forward and
// backward, and softmax cross-entropy (value and gradient), in both builds.
import { describe, it, expect } from "vitest";
import { rawKernels, lcg } from "../../helpers.ts";
import { matmulNT32, matmulSerial32 } from "../../reference/network.ts";
import { fillRandom, firstDiff } from "./net-helpers.ts";

const f32 = (k: any, p: number, n: number) => new Float32Array(k.memory.buffer, p, n);

describe("GEMMs against the f32 mirror, bit for bit", () => {
  for (const build of ["simd", "scalar"] as const) {
    it(`matmulNT, matmulNN, matmulTN over shapes with every tail (${build})`, () => {
      const k = rawKernels(build);
      const rnd = lcg(17);
      const shapes: [number, number, number][] = [[1, 1, 1], [4, 2, 4], [5, 3, 7], [7, 9, 13], [8, 8, 8], [3, 17, 33], [9, 12, 0], [0, 5, 4], [13, 10, 64]];
      for (const [M, N, K] of shapes) {
        const pad = 3;   // leading dimensions wider than the rows
        const pA = k.alloc(4 * (M * (K + pad) + 4)) >>> 0, pB = k.alloc(4 * (N * (K + pad) + 4)) >>> 0;
        const pBias = k.alloc(4 * (N + 4)) >>> 0, pC = k.alloc(4 * (M * (N + pad) + 4)) >>> 0;
        const pH = k.alloc(4 * (M * (K + pad) + 4)) >>> 0, pW = k.alloc(4 * (N * (K + pad) + 4)) >>> 0;
        fillRandom(f32(k, pA, M * (K + pad)), rnd, 1); fillRandom(f32(k, pB, N * (K + pad)), rnd, 1); fillRandom(f32(k, pBias, N), rnd, 1);
        const strip = (p: number, rows: number, cols: number, ld: number) => {
          const v = f32(k, p, rows * ld), o = new Float32Array(rows * cols);
          for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) o[i * cols + j] = v[i * ld + j];
          return o;
        };
        const A = strip(pA, M, K, K + pad), B = strip(pB, N, K, K + pad), bias = f32(k, pBias, N).slice();
        for (const withBias of [true, false]) {
          k.nnMatmulNT(pC, N + pad, pA, K + pad, pB, K + pad, withBias ? pBias : 0, M, N, K);
          const Z = strip(pC, M, N, N + pad);
          expect(firstDiff(Z, matmulNT32(A, B, withBias ? bias : null, M, N, K)), `NT ${M}×${N}×${K}`).toBe(-1);
        }
        const Z = strip(pC, M, N, N + pad);
        // dH = Z·B (M×K from M×N and N×K): a(i, r) = Z[i, r]
        k.nnMatmulNN(pH, K + pad, pC, N + pad, pB, K + pad, M, K, N);
        expect(firstDiff(strip(pH, M, K, K + pad), matmulSerial32((i, r) => Z[i * N + r], B, M, K, N)), `NN ${M}×${N}×${K}`).toBe(-1);
        // dW = Zᵀ·A (N×K from M×N and M×K): a(i, r) = Z[r, i]
        k.nnMatmulTN(pW, K + pad, pC, N + pad, pA, K + pad, N, K, M);
        expect(firstDiff(strip(pW, N, K, K + pad), matmulSerial32((i, r) => Z[r * N + i], A, N, K, M)), `TN ${M}×${N}×${K}`).toBe(-1);
      }
    });
  }
  it("the kernels count their multiply-adds", () => {
    const k = rawKernels();
    const p = k.alloc(4 * 4096) >>> 0;
    const s = new Int32Array(k.memory.buffer, k.alloc(12) >>> 0, 3);
    s.set([4, 3, 2]);
    k.nnConfigure(s.byteOffset, 1, 0, 0, 2);
    k.nnResetCounters();
    k.nnMatmulNT(p, 5, p, 7, p, 7, 0, 3, 5, 7);
    k.nnMatmulNN(p, 5, p, 7, p, 7, 3, 5, 7);
    k.nnMatmulTN(p, 5, p, 7, p, 7, 3, 5, 2);
    expect(k.nnMacs()).toBe(105 + 105 + 30);
  });
});

describe("activations", () => {
  for (const build of ["simd", "scalar"] as const) {
    it(`relu forward/backward bit for bit; tanh within 1 ulp of f32(Math.tanh) and its backward exact (${build})`, () => {
      const k = rawKernels(build);
      const n = 1003, rnd = lcg(8);
      const pZ = k.alloc(4 * n) >>> 0, pD = k.alloc(4 * n) >>> 0;
      const z = Float32Array.from({ length: n }, (_, i) => (i % 97 === 0 ? 0 : i % 89 === 0 ? -0 : (rnd() - 0.5) * 10 ** (rnd() * 4 - 2)));
      const dz = Float32Array.from({ length: n }, () => rnd() - 0.5);
      f32(k, pZ, n).set(z);
      k.nnActivate(0, pZ, n);
      const a = f32(k, pZ, n).slice();
      for (let i = 0; i < n; i++) expect(Object.is(a[i], z[i] > 0 ? z[i] : 0), `relu ${z[i]}`).toBe(true);
      f32(k, pD, n).set(dz);
      k.nnActivateBackward(0, pZ, pD, n);
      expect(firstDiff(f32(k, pD, n), dz.map((d, i) => (a[i] > 0 ? d : 0)))).toBe(-1);
      f32(k, pZ, n).set(z);
      k.nnActivate(1, pZ, n);
      const t = f32(k, pZ, n).slice();
      for (let i = 0; i < n; i++) {
        const want = Math.fround(Math.tanh(z[i]));
        expect(Math.abs(t[i] - want), `tanh(${z[i]})`).toBeLessThanOrEqual(Math.abs(want) * 2 ** -23 + 1e-45);
      }
      f32(k, pD, n).set(dz);
      k.nnActivateBackward(1, pZ, pD, n);
      const fr = Math.fround;
      expect(firstDiff(f32(k, pD, n), dz.map((d, i) => fr(d * fr(1 - fr(t[i] * t[i])))))).toBe(-1);
    });
  }
  it("tanh: both builds give the same bits", () => {
    const out = (["simd", "scalar"] as const).map((b) => {
      const k = rawKernels(b), n = 4096, p = k.alloc(4 * n) >>> 0;
      const v = f32(k, p, n);
      for (let i = 0; i < n; i++) v[i] = (i - n / 2) / 300;
      k.nnActivate(1, p, n);
      return f32(k, p, n).slice();
    });
    expect(firstDiff(out[0], out[1])).toBe(-1);
  });
});

describe("softmax cross-entropy", () => {
  for (const build of ["simd", "scalar"] as const) {
    it(`value and gradient against the f64 reference, and the gradient's bits from the module's exp (${build})`, () => {
      const k = rawKernels(build);
      const B = 6, C = 7, rnd = lcg(4);
      const pZ = k.alloc(4 * B * C) >>> 0, pG = k.alloc(4 * B * C) >>> 0, pY = k.alloc(4 * B) >>> 0, pW = k.alloc(8 * B) >>> 0, pE = k.alloc(8 * C) >>> 0;
      // logits with a large spread (stability) and exact ties
      const Z = Float32Array.from({ length: B * C }, (_, i) => (i % 11 === 0 ? 80 : (rnd() - 0.5) * 30));
      const Y = Int32Array.from({ length: B }, (_, r) => (3 * r) % C), W = Float64Array.from({ length: B }, () => 0.5 + rnd());
      f32(k, pZ, B * C).set(Z);
      new Int32Array(k.memory.buffer, pY, B).set(Y); new Float64Array(k.memory.buffer, pW, B).set(W);
      const D = 4.5;
      const v = k.nnSoftmaxXent(pZ, pG, B, C, pY, pW, D, pE);
      let ref = 0;
      const gref: number[] = [];
      for (let r = 0; r < B; r++) {
        const z = Array.from(Z.subarray(r * C, (r + 1) * C)), m = Math.max(...z);
        const e = z.map((q) => Math.exp(q - m)), S = e.reduce((a, b) => a + b, 0);
        ref += W[r] * (Math.log(S) + m - z[Y[r]]);
        e.forEach((q, c) => gref.push((W[r] / D) * (q / S - (c === Y[r] ? 1 : 0))));
      }
      ref /= D;
      expect(Number.isFinite(v)).toBe(true);
      expect(Math.abs(v - ref) / ref).toBeLessThan(1e-14);
      const g = f32(k, pG, B * C);
      for (let i = 0; i < B * C; i++) expect(Math.abs(g[i] - gref[i])).toBeLessThanOrEqual(Math.abs(gref[i]) * 2 ** -23 + 1e-12);
      // bits: the module's exp, f64 ratios, one rounding
      const fr = Math.fround;
      for (let r = 0; r < B; r++) {
        let m = Z[r * C]; for (let c = 1; c < C; c++) m = Math.max(m, Z[r * C + c]);
        const e = Array.from({ length: C }, (_, c) => k.expAt(Z[r * C + c] - m)), S = e.reduce((a, b) => a + b, 0);
        for (let c = 0; c < C; c++) {
          const p = e[c] / S;
          expect(Object.is(g[r * C + c], fr((W[r] / D) * (c === Y[r] ? p - 1 : p)))).toBe(true);
        }
      }
      // the value alone (no gradient buffer)
      expect(Object.is(k.nnSoftmaxXent(pZ, 0, B, C, pY, pW, D, pE), v)).toBe(true);
    });
  }
});
