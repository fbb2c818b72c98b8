// f32 GEMM-shaped kernels of the network layers, f32x4 with register blocking, in one fixed order per output.
// Sizes are element counts, leading dimensions (ld*) are in elements, all matrices row-major; no allocation.
//   dot order (matmulNT): lane c of one f32x4 accumulator sums the products at k ≡ c (mod 4), k < 4⌊K/4⌋, in
//     ascending k from +0; the lanes are summed as (c0 + c2) + (c1 + c3); the tail k ≥ 4⌊K/4⌋ is added serially;
//     the bias last. This is vector.ts's four-lane order, in f32.
//   axpy order (matmulNN/TN): each output is a serial sum over the shared index r, ascending, from +0.
// The scalar build (ASC_FEATURE_SIMD false) runs the scalar forms beside each SIMD path: the same operations in the same
// order, so both builds give the same bits. There is no FMA: every product is rounded before its addition.

/** MACs done by the GEMMs since the last nnResetCounters() (read by nnMacs()). */
export let gemmMacs: f64 = 0;
export function resetGemmMacs(): void { gemmMacs = 0; }

// hsum(a): (a0 + a2) + (a1 + a3).
@inline function hsum(a: v128): f32 {
  const t = f32x4.add(a, v128.shuffle<f32>(a, a, 2, 3, 0, 1));
  return f32x4.extract_lane(t, 0) + f32x4.extract_lane(t, 1);
}

/** dotRef(pa, pb, K) = Σ_k a_k b_k in the dot order: the readable scalar reference of matmulNT's outputs. */
export function dotRef(pa: usize, pb: usize, K: i32): f32 {
  let s0: f32 = 0, s1: f32 = 0, s2: f32 = 0, s3: f32 = 0;
  let k = 0;
  for (; k + 4 <= K; k += 4) {
    const o = <usize>k << 2;
    s0 += load<f32>(pa + o) * load<f32>(pb + o);
    s1 += load<f32>(pa + o, 4) * load<f32>(pb + o, 4);
    s2 += load<f32>(pa + o, 8) * load<f32>(pb + o, 8);
    s3 += load<f32>(pa + o, 12) * load<f32>(pb + o, 12);
  }
  let s = (s0 + s2) + (s1 + s3);
  for (; k < K; k++) { const o = <usize>k << 2; s += load<f32>(pa + o) * load<f32>(pb + o); }
  return s;
}

// dotSimd(pa, pb, K): dotRef with one f32x4 accumulator (the same bits).
@inline function dotSimd(pa: usize, pb: usize, K: i32): f32 {
  let acc = f32x4.splat(0);
  let k = 0;
  for (; k + 4 <= K; k += 4) { const o = <usize>k << 2; acc = f32x4.add(acc, f32x4.mul(v128.load(pa + o), v128.load(pb + o))); }
  let s = hsum(acc);
  for (; k < K; k++) { const o = <usize>k << 2; s += load<f32>(pa + o) * load<f32>(pb + o); }
  return s;
}

/** matmulNT(pC, ldc, pA, lda, pB, ldb, pBias, M, N, K): C = A·Bᵀ + bias — the forward Z = H·Wᵀ + b. A: M×K, B: N×K,
 *  C: M×N, bias: N (pBias = 0: none). C_ij = dot(A_i, B_j) + bias_j in the dot order. Tiles of 4 rows of A × 2 rows
 *  of B (eight accumulators in registers), B's rows outer so that they stay in L1 while A streams. */
export function matmulNT(pC: usize, ldc: i32, pA: usize, lda: i32, pB: usize, ldb: i32, pBias: usize, M: i32, N: i32, K: i32): void {
  gemmMacs += <f64>M * <f64>N * <f64>K;
  const sa = <usize>lda << 2, sb = <usize>ldb << 2, sc = <usize>ldc << 2;
  if (!ASC_FEATURE_SIMD) {
    for (let i = 0; i < M; i++) {
      const a = pA + <usize>i * sa, c = pC + <usize>i * sc;
      for (let j = 0; j < N; j++) {
        const bias: f32 = pBias != 0 ? load<f32>(pBias + (<usize>j << 2)) : 0;
        store<f32>(c + (<usize>j << 2), dotRef(a, pB + <usize>j * sb, K) + bias);
      }
    }
    return;
  }
  const K4 = K & ~3;
  let j = 0;
  for (; j + 2 <= N; j += 2) {
    const b0 = pB + <usize>j * sb, b1 = b0 + sb;
    const bias0: f32 = pBias != 0 ? load<f32>(pBias + (<usize>j << 2)) : 0;
    const bias1: f32 = pBias != 0 ? load<f32>(pBias + (<usize>j << 2), 4) : 0;
    let i = 0;
    for (; i + 4 <= M; i += 4) {
      const a0 = pA + <usize>i * sa, a1 = a0 + sa, a2 = a1 + sa, a3 = a2 + sa;
      let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
      let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
      for (let k = 0; k < K4; k += 4) {
        const o = <usize>k << 2;
        const w0 = v128.load(b0 + o), w1 = v128.load(b1 + o);
        let x = v128.load(a0 + o); c00 = f32x4.add(c00, f32x4.mul(x, w0)); c01 = f32x4.add(c01, f32x4.mul(x, w1));
        x = v128.load(a1 + o); c10 = f32x4.add(c10, f32x4.mul(x, w0)); c11 = f32x4.add(c11, f32x4.mul(x, w1));
        x = v128.load(a2 + o); c20 = f32x4.add(c20, f32x4.mul(x, w0)); c21 = f32x4.add(c21, f32x4.mul(x, w1));
        x = v128.load(a3 + o); c30 = f32x4.add(c30, f32x4.mul(x, w0)); c31 = f32x4.add(c31, f32x4.mul(x, w1));
      }
      let s00 = hsum(c00), s01 = hsum(c01), s10 = hsum(c10), s11 = hsum(c11);
      let s20 = hsum(c20), s21 = hsum(c21), s30 = hsum(c30), s31 = hsum(c31);
      for (let k = K4; k < K; k++) {
        const o = <usize>k << 2;
        const w0 = load<f32>(b0 + o), w1 = load<f32>(b1 + o);
        let x = load<f32>(a0 + o); s00 += x * w0; s01 += x * w1;
        x = load<f32>(a1 + o); s10 += x * w0; s11 += x * w1;
        x = load<f32>(a2 + o); s20 += x * w0; s21 += x * w1;
        x = load<f32>(a3 + o); s30 += x * w0; s31 += x * w1;
      }
      const c = pC + <usize>i * sc + (<usize>j << 2);
      store<f32>(c, s00 + bias0); store<f32>(c, s01 + bias1, 4);
      store<f32>(c + sc, s10 + bias0); store<f32>(c + sc, s11 + bias1, 4);
      store<f32>(c + 2 * sc, s20 + bias0); store<f32>(c + 2 * sc, s21 + bias1, 4);
      store<f32>(c + 3 * sc, s30 + bias0); store<f32>(c + 3 * sc, s31 + bias1, 4);
    }
    for (; i < M; i++) {
      const a = pA + <usize>i * sa, c = pC + <usize>i * sc + (<usize>j << 2);
      store<f32>(c, dotSimd(a, b0, K) + bias0);
      store<f32>(c, dotSimd(a, b1, K) + bias1, 4);
    }
  }
  if (j < N) {
    const b0 = pB + <usize>j * sb;
    const bias0: f32 = pBias != 0 ? load<f32>(pBias + (<usize>j << 2)) : 0;
    for (let i = 0; i < M; i++) store<f32>(pC + <usize>i * sc + (<usize>j << 2), dotSimd(pA + <usize>i * sa, b0, K) + bias0);
  }
}

/** matmulNN(pC, ldc, pA, lda, pB, ldb, M, N, R): C = A·B — the backward-data dH = dZ·W. A: M×R, B: R×N, C: M×N;
 *  C_ik = Σ_r A_ir B_rk, r ascending from +0. */
export function matmulNN(pC: usize, ldc: i32, pA: usize, lda: i32, pB: usize, ldb: i32, M: i32, N: i32, R: i32): void {
  matmulStrided(pC, ldc, pA, <usize>lda << 2, 4, pB, ldb, M, N, R);
}

/** matmulTN(pC, ldc, pA, lda, pB, ldb, M, N, R): C = Aᵀ·B — the backward-weights dW = dZᵀ·H. A: R×M, B: R×N,
 *  C: M×N; C_ik = Σ_r A_ri B_rk over the batch r, ascending from +0. */
export function matmulTN(pC: usize, ldc: i32, pA: usize, lda: i32, pB: usize, ldb: i32, M: i32, N: i32, R: i32): void {
  matmulStrided(pC, ldc, pA, 4, <usize>lda << 2, pB, ldb, M, N, R);
}

/** matmulRef(pC, ldc, pA, si, sr, pB, ldb, M, N, R): C_ik = Σ_r a(i, r) B_rk with a(i, r) at pA + i·si + r·sr
 *  (bytes): the readable scalar reference of matmulNN/TN (the same bits: each output a serial sum over r). */
export function matmulRef(pC: usize, ldc: i32, pA: usize, si: usize, sr: usize, pB: usize, ldb: i32, M: i32, N: i32, R: i32): void {
  const sb = <usize>ldb << 2, sc = <usize>ldc << 2;
  for (let i = 0; i < M; i++) {
    const c = pC + <usize>i * sc;
    memory.fill(c, 0, <usize>N << 2);
    for (let r = 0; r < R; r++) {
      const a = load<f32>(pA + <usize>i * si + <usize>r * sr), b = pB + <usize>r * sb;
      for (let k = 0; k < N; k++) { const o = <usize>k << 2; store<f32>(c + o, load<f32>(c + o) + a * load<f32>(b + o)); }
    }
  }
}

// matmulStrided(...): matmulRef's outputs with tiles of 4 values of a (splats) × 8 columns of B (two f32x4), twelve
// registers, the r loop innermost; columns outer so that B's strip stays in L1 while a streams.
function matmulStrided(pC: usize, ldc: i32, pA: usize, si: usize, sr: usize, pB: usize, ldb: i32, M: i32, N: i32, R: i32): void {
  gemmMacs += <f64>M * <f64>N * <f64>R;
  if (!ASC_FEATURE_SIMD) { matmulRef(pC, ldc, pA, si, sr, pB, ldb, M, N, R); return; }
  const sb = <usize>ldb << 2, sc = <usize>ldc << 2;
  let k = 0;
  for (; k + 8 <= N; k += 8) {
    const bk = pB + (<usize>k << 2);
    let i = 0;
    for (; i + 4 <= M; i += 4) {
      let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
      let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
      let a = pA + <usize>i * si, b = bk;
      for (let r = 0; r < R; r++) {
        const w0 = v128.load(b), w1 = v128.load(b, 16);
        let x = v128.load32_splat(a); c00 = f32x4.add(c00, f32x4.mul(x, w0)); c01 = f32x4.add(c01, f32x4.mul(x, w1));
        x = v128.load32_splat(a + si); c10 = f32x4.add(c10, f32x4.mul(x, w0)); c11 = f32x4.add(c11, f32x4.mul(x, w1));
        x = v128.load32_splat(a + 2 * si); c20 = f32x4.add(c20, f32x4.mul(x, w0)); c21 = f32x4.add(c21, f32x4.mul(x, w1));
        x = v128.load32_splat(a + 3 * si); c30 = f32x4.add(c30, f32x4.mul(x, w0)); c31 = f32x4.add(c31, f32x4.mul(x, w1));
        a += sr; b += sb;
      }
      const c = pC + <usize>i * sc + (<usize>k << 2);
      v128.store(c, c00); v128.store(c, c01, 16);
      v128.store(c + sc, c10); v128.store(c + sc, c11, 16);
      v128.store(c + 2 * sc, c20); v128.store(c + 2 * sc, c21, 16);
      v128.store(c + 3 * sc, c30); v128.store(c + 3 * sc, c31, 16);
    }
    for (; i < M; i++) {
      let c0 = f32x4.splat(0), c1 = f32x4.splat(0);
      let a = pA + <usize>i * si, b = bk;
      for (let r = 0; r < R; r++) {
        const x = v128.load32_splat(a);
        c0 = f32x4.add(c0, f32x4.mul(x, v128.load(b))); c1 = f32x4.add(c1, f32x4.mul(x, v128.load(b, 16)));
        a += sr; b += sb;
      }
      const c = pC + <usize>i * sc + (<usize>k << 2);
      v128.store(c, c0); v128.store(c, c1, 16);
    }
  }
  if (k + 4 <= N) {
    const bk = pB + (<usize>k << 2);
    for (let i = 0; i < M; i++) {
      let c0 = f32x4.splat(0);
      let a = pA + <usize>i * si, b = bk;
      for (let r = 0; r < R; r++) { c0 = f32x4.add(c0, f32x4.mul(v128.load32_splat(a), v128.load(b))); a += sr; b += sb; }
      v128.store(pC + <usize>i * sc + (<usize>k << 2), c0);
    }
    k += 4;
  }
  for (; k < N; k++) {
    for (let i = 0; i < M; i++) {
      let s: f32 = 0;
      let a = pA + <usize>i * si, b = pB + (<usize>k << 2);
      for (let r = 0; r < R; r++) { s += load<f32>(a) * load<f32>(b); a += sr; b += sb; }
      store<f32>(pC + <usize>i * sc + (<usize>k << 2), s);
    }
  }
}

/** colSums(pD, ld, pOut, R, N): out_k = Σ_r D_rk, r ascending from +0 — the bias gradient db = Σ_batch dZ. */
export function colSums(pD: usize, ld: i32, pOut: usize, R: i32, N: i32): void {
  const sd = <usize>ld << 2;
  memory.fill(pOut, 0, <usize>N << 2);
  for (let r = 0; r < R; r++) {
    const d = pD + <usize>r * sd;
    let k = 0;
    if (ASC_FEATURE_SIMD) {
      for (; k + 4 <= N; k += 4) { const o = <usize>k << 2; v128.store(pOut + o, f32x4.add(v128.load(pOut + o), v128.load(d + o))); }
    }
    for (; k < N; k++) { const o = <usize>k << 2; store<f32>(pOut + o, load<f32>(pOut + o) + load<f32>(d + o)); }
  }
}

/** nnPeak(iters, pConst) -> a checksum: the bench's peak kernel, iters × 2 × 13 independent f32x4 chains
 *  acc ← acc·c + d (c = pConst[0..3], d = pConst[4..7]) held in registers: 208 flops an iteration. */
export function nnPeak(iters: i32, pConst: usize): f64 {
  if (ASC_FEATURE_SIMD) return <f64>peakSimd(iters, pConst);
  // scalar build: the same chains on lane 0 only (52 flops an iteration)
  const c = load<f32>(pConst), d = load<f32>(pConst, 16);
  let a0: f32 = 0.1, a1: f32 = 0.2, a2: f32 = 0.3, a3: f32 = 0.4, a4: f32 = 0.5, a5: f32 = 0.6, a6: f32 = 0.7;
  let a7: f32 = 0.8, a8: f32 = 0.9, a9: f32 = 1.0, a10: f32 = 1.1, a11: f32 = 1.2, a12: f32 = 1.3;
  for (let i = 0; i < iters; i++) {
    for (let u = 0; u < 2; u++) {
      a0 = a0 * c + d; a1 = a1 * c + d; a2 = a2 * c + d; a3 = a3 * c + d; a4 = a4 * c + d; a5 = a5 * c + d; a6 = a6 * c + d;
      a7 = a7 * c + d; a8 = a8 * c + d; a9 = a9 * c + d; a10 = a10 * c + d; a11 = a11 * c + d; a12 = a12 * c + d;
    }
  }
  return <f64>(((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7)) + ((a8 + a9) + (a10 + a11)) + a12);
}

function peakSimd(iters: i32, pConst: usize): f32 {
  const vc = v128.load(pConst), vd = v128.load(pConst, 16);
  let a0 = f32x4.splat(0.1), a1 = f32x4.splat(0.2), a2 = f32x4.splat(0.3), a3 = f32x4.splat(0.4), a4 = f32x4.splat(0.5);
  let a5 = f32x4.splat(0.6), a6 = f32x4.splat(0.7), a7 = f32x4.splat(0.8), a8 = f32x4.splat(0.9), a9 = f32x4.splat(1.0);
  let a10 = f32x4.splat(1.1), a11 = f32x4.splat(1.2), a12 = f32x4.splat(1.3);
  for (let i = 0; i < iters; i++) {
    for (let u = 0; u < 2; u++) {
      a0 = f32x4.add(f32x4.mul(a0, vc), vd); a1 = f32x4.add(f32x4.mul(a1, vc), vd); a2 = f32x4.add(f32x4.mul(a2, vc), vd);
      a3 = f32x4.add(f32x4.mul(a3, vc), vd); a4 = f32x4.add(f32x4.mul(a4, vc), vd); a5 = f32x4.add(f32x4.mul(a5, vc), vd);
      a6 = f32x4.add(f32x4.mul(a6, vc), vd); a7 = f32x4.add(f32x4.mul(a7, vc), vd); a8 = f32x4.add(f32x4.mul(a8, vc), vd);
      a9 = f32x4.add(f32x4.mul(a9, vc), vd); a10 = f32x4.add(f32x4.mul(a10, vc), vd); a11 = f32x4.add(f32x4.mul(a11, vc), vd);
      a12 = f32x4.add(f32x4.mul(a12, vc), vd);
    }
  }
  const s = f32x4.add(f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3)), f32x4.add(f32x4.add(a4, a5), f32x4.add(a6, a7)));
  const t = f32x4.add(f32x4.add(f32x4.add(a8, a9), f32x4.add(a10, a11)), a12);
  return f32x4.extract_lane(f32x4.add(s, t), 0);
}

/** nnMatmulNT / nnMatmulNN / nnMatmulTN: the kernels above, exported for tests and the bench. */
export function nnMatmulNT(pC: usize, ldc: i32, pA: usize, lda: i32, pB: usize, ldb: i32, pBias: usize, M: i32, N: i32, K: i32): void {
  matmulNT(pC, ldc, pA, lda, pB, ldb, pBias, M, N, K);
}
export function nnMatmulNN(pC: usize, ldc: i32, pA: usize, lda: i32, pB: usize, ldb: i32, M: i32, N: i32, R: i32): void {
  matmulNN(pC, ldc, pA, lda, pB, ldb, M, N, R);
}
export function nnMatmulTN(pC: usize, ldc: i32, pA: usize, lda: i32, pB: usize, ldb: i32, M: i32, N: i32, R: i32): void {
  matmulTN(pC, ldc, pA, lda, pB, ldb, M, N, R);
}
