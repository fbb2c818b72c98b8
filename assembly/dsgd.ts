// Double Sketched (S)GD, Algorithm 1: y = v + S(x − v), g = S ∇̂f(y), x ← x − γ g, on supp S only.
import { sample, isIdentity, pSupp, pScale, setSketchStream } from "./sketch";
import { STREAM_SKETCH } from "./philox";
import { dot, gatherDot } from "./vector";
import { nRows, dataKind, DATA_CSR, rowDot, rowAxpy, rowDotSupport, rowAxpySupport, label } from "./data";
import { lossDeriv } from "./loss";
import { samplingKind, samplingConfigure, sampleRows, SAMPLE_FULL, SAMPLE_NICE, SAMPLE_INDEPENDENT, tau, pRowSel, pRowW, rowDivisor } from "./sampling";
import { problemKind, PROBLEM_DATA, PROBLEM_QUADRATIC, lossKind, l2, dim, pA, pB, pV, pAv, pDelta, pAcc, pSlot, pStash, pY } from "./problem";
import { denseRow } from "./data";

let gamma: f64 = 0;
let pGammas: usize = 0;    // per-step γ_t for t0 ≤ t < t0 + steps, or 0 for a constant γ
let lastRows: i32 = 0;     // rows of the last sampled batch (for ROWS_REUSE)
let lastDivisor: f64 = 1;

export const ROWS_STEP: i32 = 0;   // the step's rows: all rows (option I) or a fresh sample (option II)
export const ROWS_ALL: i32 = 1;    // all rows, whatever the sampler
export const ROWS_REUSE: i32 = 2;  // the rows sampled by the previous call (control variates)

/** Step at which a non-finite iterate appeared (x kept at the last finite iterate), or −1. */
export let failStep: f64 = -1;
/** Work counters: x coordinates read or written, data rows whose gradient was evaluated. */
export let coordsTouched: f64 = 0;
export let rowsTouched: f64 = 0;

/** dsgdConfigure(τ, γ, pGammas): τ = 0 full data, else τ-nice; constant γ or a γ_t buffer. Other samplers: samplingConfigure. */
export function dsgdConfigure(tau: i32, g: f64, gammas: usize): void {
  gamma = g; pGammas = gammas;
  samplingConfigure(tau == 0 ? SAMPLE_FULL : SAMPLE_NICE, tau, 0, 0, 0);
}
/** resetCounters(): zero the work counters. */
export function resetCounters(): void { coordsTouched = 0; rowsTouched = 0; failStep = -1; }
export function getCoordsTouched(): f64 { return coordsTouched; }
export function getRowsTouched(): f64 { return rowsTouched; }
export function setRowsTouched(v: f64): void { rowsTouched = v; }
export function getFailStep(): f64 { return failStep; }
@inline export function stepSize(s: i32): f64 { return pGammas != 0 ? load<f64>(pGammas + (<usize>s << 3)) : gamma; }

/** deltaFrom(px, m): δ_k = s_k (x_{T_k} − v_{T_k}); reads x only on T. */
export function deltaFrom(px: usize, m: i32): void {
  for (let k = 0; k < m; k++) {
    const j = <usize>load<i32>(pSupp + (<usize>k << 2));
    store<f64>(pDelta + (<usize>k << 3), load<f64>(pScale + (<usize>k << 3)) * (load<f64>(px + (j << 3)) - load<f64>(pV + (j << 3))));
  }
  coordsTouched += <f64>m;
}

// accumulateRow(i, w, m, full): acc += w φ'(a_iᵀy, b_i) a_i on T, with a_iᵀy = a_iᵀv + Σ_k a_{i,T_k} δ_k.
@inline function accumulateRow(i: i32, w: f64, m: i32, full: bool): void {
  const mi = load<f64>(pAv + (<usize>i << 3)) + rowDotSupport(i, pSupp, pDelta, m, pSlot, full);
  rowAxpySupport(i, w * lossDeriv(lossKind, mi, label(i)), pSupp, pAcc, m, pSlot, full);
}

/** gradientFromDelta(t, m, full, rows): acc_k ← s_k [∇̂f(y)]_{T_k} with y − v = δ on T (δ in pDelta; T, s in the
 *  sketch buffers). ∇̂f = (1/D) Σ_r w_r ∇f_{i_r} + λ y over the rows chosen by `rows` (ROWS_*). */
export function gradientFromDelta(t: u64, m: i32, full: bool, rows: i32): void {
  const csr = dataKind == DATA_CSR && problemKind != PROBLEM_QUADRATIC;
  for (let k = 0; k < m; k++) {
    store<f64>(pAcc + (<usize>k << 3), 0);
    if (csr) store<i32>(pSlot + (<usize>load<i32>(pSupp + (<usize>k << 2)) << 2), k);
  }
  if (problemKind == PROBLEM_QUADRATIC) {
    const d = dim;
    for (let k = 0; k < m; k++) {
      const j = <usize>load<i32>(pSupp + (<usize>k << 2));
      const row = pA + ((j * <usize>d) << 3);
      const ay = load<f64>(pAv + (j << 3)) + (full ? dot(row, pDelta, m) : gatherDot(row, pSupp, pDelta, m));
      store<f64>(pAcc + (<usize>k << 3), load<f64>(pScale + (<usize>k << 3)) * (ay - load<f64>(pB + (j << 3))));
    }
    rowsTouched += 1;   // one (sketched) gradient of f
    return;
  }
  let div: f64;
  if (rows == ROWS_ALL || (rows == ROWS_STEP && samplingKind == SAMPLE_FULL)) {
    const n = nRows;
    for (let i = 0; i < n; i++) accumulateRow(i, 1.0, m, full);
    rowsTouched += <f64>n;
    div = <f64>n;
  } else {
    if (rows == ROWS_STEP) { lastRows = sampleRows(t); lastDivisor = rowDivisor; }
    const c = lastRows;
    for (let r = 0; r < c; r++) accumulateRow(load<i32>(pRowSel + (<usize>r << 2)), load<f64>(pRowW + (<usize>r << 3)), m, full);
    rowsTouched += <f64>c;
    div = lastDivisor;
  }
  for (let k = 0; k < m; k++) {
    const o = <usize>k << 3;
    const j = <usize>load<i32>(pSupp + (<usize>k << 2));
    const yj = load<f64>(pV + (j << 3)) + load<f64>(pDelta + o);
    store<f64>(pAcc + o, load<f64>(pScale + o) * (load<f64>(pAcc + o) / div + l2 * yj));
    if (csr) store<i32>(pSlot + (j << 2), -1);
  }
}

/** applySupportStep(px, m, γ) -> 1 when taken: x_{T_k} ← x_{T_k} − γ acc_k, unless a result would be non-finite
 *  (then x is unchanged and 0 is returned). */
export function applySupportStep(px: usize, m: i32, g: f64): i32 {
  let ok = true;
  for (let k = 0; k < m; k++) {
    const o = <usize>k << 3;
    const j = <usize>load<i32>(pSupp + (<usize>k << 2));
    const nx = load<f64>(px + (j << 3)) - g * load<f64>(pAcc + o);
    if (!isFinite(nx)) ok = false;
    store<f64>(pAcc + o, nx);
  }
  if (!ok) return 0;
  for (let k = 0; k < m; k++) {
    const j = <usize>load<i32>(pSupp + (<usize>k << 2));
    store<f64>(px + (j << 3), load<f64>(pAcc + (<usize>k << 3)));
  }
  coordsTouched += <f64>m;
  return 1;
}

// identityUpdateSimd(px, row, m, c, γ) -> ok: the identity step's update, f64x2, elementwise (so the same bits as the
// scalar loops of singleRowStep): x ← x_old − γ (acc + λ (v + δ)) with acc = 0 + c a_i (dense row at `row`), or acc
// already accumulated in pAcc (CSR rows: pass row = 0).
function identityUpdateSimd(px: usize, row: usize, m: i32, c: f64, g: f64): bool {
  let ok = true;
  const vc = f64x2.splat(c), vl = f64x2.splat(l2), vg = f64x2.splat(g), zero = f64x2.splat(0);
  const inf = f64x2.splat(Infinity);
  const dense = row != 0;
  let bad = i64x2.splat(0);
  let k = 0;
  for (; k + 2 <= m; k += 2) {
    const o = <usize>k << 3;
    const acc = dense ? f64x2.add(zero, f64x2.mul(vc, v128.load(row + o))) : v128.load(pAcc + o);
    const gk = f64x2.add(acc, f64x2.mul(vl, f64x2.add(v128.load(pV + o), v128.load(pDelta + o))));
    const nx = f64x2.sub(v128.load(pStash + o), f64x2.mul(vg, gk));
    bad = v128.or(bad, v128.or(f64x2.ne(nx, nx), f64x2.eq(f64x2.abs(nx), inf)));
    v128.store(px + o, nx);
  }
  if (v128.any_true(bad)) ok = false;
  for (; k < m; k++) {
    const o = <usize>k << 3;
    let acc: f64 = 0;
    if (dense) acc += c * load<f64>(row + o); else acc = load<f64>(pAcc + o);
    const nx = load<f64>(pStash + o) - g * (acc + l2 * (load<f64>(pV + o) + load<f64>(pDelta + o)));
    if (!isFinite(nx)) ok = false;
    store<f64>(px + o, nx);
  }
  return ok;
}

// gatherDelta(px, row, k) -> a_{i,T_k} δ_k: pass 1 for support entry k (keeps x_{T_k}, writes δ_k = s_k (x − v)).
@inline function gatherDelta(px: usize, row: usize, k: i32): f64 {
  const j = <usize>load<i32>(pSupp + (<usize>k << 2));
  const xj = load<f64>(px + (j << 3));
  store<f64>(pStash + (<usize>k << 3), xj);
  const dk = load<f64>(pScale + (<usize>k << 3)) * (xj - load<f64>(pV + (j << 3)));
  store<f64>(pDelta + (<usize>k << 3), dk);
  return load<f64>(row + (j << 3)) * dk;
}

/** singleRowStep(px, t, m, full, γ) -> 1 when taken: a DSGD step on one sampled row, fused into two passes over the
 *  support (plus the row's non-zeros for CSR): pass 1 forms δ, keeps x_T and accumulates the margin; pass 2 writes
 *  x_T − γ s (w φ' a_T / D + λ y_T). Same operations, in the same order, as the general path. */
function singleRowStep(px: usize, t: u64, m: i32, full: bool, g: f64): i32 {
  sampleRows(t);
  const i = load<i32>(pRowSel);
  const w = load<f64>(pRowW);
  const div = rowDivisor;
  const csr = dataKind == DATA_CSR;
  let margin: f64;
  if (!csr && full) {
    // identity: T = 0..d−1, s = 1; SIMD dot in the kernels' lane order
    const d = m;
    let j = 0;
    if (ASC_FEATURE_SIMD) {
      for (; j + 2 <= d; j += 2) {
        const o = <usize>j << 3;
        const xj = v128.load(px + o);
        v128.store(pStash + o, xj);
        v128.store(pDelta + o, f64x2.sub(xj, v128.load(pV + o)));
      }
    }
    for (; j < d; j++) {
      const o = <usize>j << 3;
      const xj = load<f64>(px + o);
      store<f64>(pStash + o, xj);
      store<f64>(pDelta + o, xj - load<f64>(pV + o));
    }
    margin = dot(denseRow(i), pDelta, d);
  } else if (!csr) {
    const row = denseRow(i);
    let s0: f64 = 0, s1: f64 = 0, s2: f64 = 0, s3: f64 = 0;
    let k = 0;
    for (; k + 4 <= m; k += 4) {
      s0 += gatherDelta(px, row, k);
      s1 += gatherDelta(px, row, k + 1);
      s2 += gatherDelta(px, row, k + 2);
      s3 += gatherDelta(px, row, k + 3);
    }
    margin = (s0 + s2) + (s1 + s3);
    for (; k < m; k++) {
      const j = <usize>load<i32>(pSupp + (<usize>k << 2));
      const xj = load<f64>(px + (j << 3));
      store<f64>(pStash + (<usize>k << 3), xj);
      const dk = load<f64>(pScale + (<usize>k << 3)) * (xj - load<f64>(pV + (j << 3)));
      store<f64>(pDelta + (<usize>k << 3), dk);
      margin += load<f64>(row + (j << 3)) * dk;
    }
  } else if (full) {
    // identity on CSR rows: T_k = k, so δ and the accumulators are indexed by the column itself (no slot map)
    let k = 0;
    if (ASC_FEATURE_SIMD) {
      const zero = f64x2.splat(0);
      for (; k + 2 <= m; k += 2) {
        const o = <usize>k << 3;
        const xj = v128.load(px + o);
        v128.store(pStash + o, xj);
        v128.store(pDelta + o, f64x2.sub(xj, v128.load(pV + o)));
        v128.store(pAcc + o, zero);
      }
    }
    for (; k < m; k++) {
      const o = <usize>k << 3;
      const xj = load<f64>(px + o);
      store<f64>(pStash + o, xj);
      store<f64>(pDelta + o, xj - load<f64>(pV + o));
      store<f64>(pAcc + o, 0);
    }
    margin = rowDot(i, pDelta);
  } else {
    for (let k = 0; k < m; k++) {
      const j = <usize>load<i32>(pSupp + (<usize>k << 2));
      const xj = load<f64>(px + (j << 3));
      store<f64>(pStash + (<usize>k << 3), xj);
      store<f64>(pDelta + (<usize>k << 3), load<f64>(pScale + (<usize>k << 3)) * (xj - load<f64>(pV + (j << 3))));
      store<f64>(pAcc + (<usize>k << 3), 0);
      store<i32>(pSlot + (j << 2), k);
    }
    margin = rowDotSupport(i, pSupp, pDelta, m, pSlot, full);
  }
  coordsTouched += <f64>m;
  const c = w * lossDeriv(lossKind, load<f64>(pAv + (<usize>i << 3)) + margin, label(i));
  rowsTouched += 1;
  let ok = true;
  let simdDone = false;
  if (ASC_FEATURE_SIMD) {
    if (!csr && full && div == 1.0) { ok = identityUpdateSimd(px, denseRow(i), m, c, g); simdDone = true; }
    else if (csr && full && div == 1.0) { rowAxpy(i, c, pAcc); ok = identityUpdateSimd(px, 0, m, c, g); simdDone = true; }
  }
  if (simdDone) {
    // identity on dense rows: done with f64x2 above
  } else if (!csr && full) {
    const row = denseRow(i);
    for (let k = 0; k < m; k++) {
      const o = <usize>k << 3;
      let acc: f64 = 0;
      acc += c * load<f64>(row + o);
      const q = div == 1.0 ? acc : acc / div;              // x/1 = x exactly: skip the division
      const nx = load<f64>(pStash + o) - g * (1.0 * (q + l2 * (load<f64>(pV + o) + load<f64>(pDelta + o))));
      if (!isFinite(nx)) ok = false;
      store<f64>(px + o, nx);
    }
  } else if (!csr) {
    const row = denseRow(i);
    const one = div == 1.0;
    for (let k = 0; k < m; k++) {
      const o = <usize>k << 3;
      const j = <usize>load<i32>(pSupp + (<usize>k << 2));
      let acc: f64 = 0;
      acc += c * load<f64>(row + (j << 3));
      const q = one ? acc : acc / div;
      const nx = load<f64>(pStash + o) - g * (load<f64>(pScale + o) * (q + l2 * (load<f64>(pV + (j << 3)) + load<f64>(pDelta + o))));
      if (!isFinite(nx)) ok = false;
      store<f64>(px + (j << 3), nx);
    }
  } else {
    if (full) rowAxpy(i, c, pAcc); else rowAxpySupport(i, c, pSupp, pAcc, m, pSlot, full);
    for (let k = 0; k < m; k++) {
      const o = <usize>k << 3;
      const j = full ? <usize>k : <usize>load<i32>(pSupp + (<usize>k << 2));
      const a = load<f64>(pAcc + o);
      const gk = (full ? 1.0 : load<f64>(pScale + o)) * ((div == 1.0 ? a : a / div) + l2 * (load<f64>(pV + (j << 3)) + load<f64>(pDelta + o)));
      const nx = load<f64>(pStash + o) - g * gk;
      if (!isFinite(nx)) ok = false;
      store<f64>(px + (j << 3), nx);
      if (!full) store<i32>(pSlot + (j << 2), -1);
    }
  }
  if (!ok) {
    for (let k = 0; k < m; k++) {
      const j = full ? <usize>k : <usize>load<i32>(pSupp + (<usize>k << 2));
      store<f64>(px + (j << 3), load<f64>(pStash + (<usize>k << 3)));
    }
    return 0;
  }
  coordsTouched += <f64>m;
  return 1;
}

/** dsgdRun(px, t0, steps) -> steps done: runs steps t0 .. t0+steps−1 in place on x. Stops before the first step that
 *  would make a coordinate non-finite (x stays at the last finite iterate, failStep = that step). Work per step:
 *  O(|supp S| · rows) dense, O(Σ nnz of the rows + |supp S|) CSR; option I uses all n rows. */
export function dsgdRun(px: usize, t0: f64, steps: i32): i32 {
  setSketchStream(STREAM_SKETCH);
  const full = isIdentity() == 1;
  const start = <u64>t0;
  failStep = -1;
  const single = problemKind == PROBLEM_DATA && samplingKind != SAMPLE_FULL && samplingKind != SAMPLE_INDEPENDENT && tau == 1;
  for (let s = 0; s < steps; s++) {
    const t = start + <u64>s;
    const m = single && full ? dim : sample(t);
    if (single) {
      if (singleRowStep(px, t, m, full, stepSize(s)) == 0) { failStep = <f64>t; return s; }
      continue;
    }
    deltaFrom(px, m);
    gradientFromDelta(t, m, full, ROWS_STEP);
    if (applySupportStep(px, m, stepSize(s)) == 0) { failStep = <f64>t; return s; }
  }
  return steps;
}

/** sketchedGradientAt(px, t, pOut) -> m: g = S_t ∇̂f(v + S_t(x − v)) of step t (written at out[T_k]; the caller zeroes out). */
export function sketchedGradientAt(px: usize, t: f64, pOut: usize): i32 {
  setSketchStream(STREAM_SKETCH);
  const m = sample(<u64>t);
  deltaFrom(px, m);
  gradientFromDelta(<u64>t, m, isIdentity() == 1, ROWS_STEP);
  for (let k = 0; k < m; k++) {
    const j = <usize>load<i32>(pSupp + (<usize>k << 2));
    store<f64>(pOut + (j << 3), load<f64>(pAcc + (<usize>k << 3)));
  }
  return m;
}

/** deltaPtr(): where a caller writes δ_k = y_{T_k} − v_{T_k} for supportGradient(). */
export function deltaPtr(): usize { return pDelta; }

/** supportGradient(m, pOut): with T, s in the sketch buffers and δ at deltaPtr() (m entries), out_k = s_k [∇f(y)]_{T_k}
 *  for y = v + δ on T (all rows, option I). For nodes that receive their sparse sub-model from a coordinator. */
export function supportGradient(m: i32, pOut: usize): void {
  gradientFromDelta(0, m, false, ROWS_ALL);
  memory.copy(pOut, pAcc, <usize>m << 3);
}

/** singleRowSampling(): 1 when each step uses one sampled row of a data problem (the fused paths apply). */
export function singleRowSampling(): bool {
  return problemKind == PROBLEM_DATA && samplingKind != SAMPLE_FULL && samplingKind != SAMPLE_INDEPENDENT && tau == 1;
}

/** pairedGradients(t, px, pw, m): the two sketched gradients of a variance-reduced step on one sampled row, at x
 *  (into pStash) and at w (into pAcc), fused: the same operations, in the same order, as deltaFrom + gradientFromDelta
 *  twice (rows sampled once), with δ_w kept in pY. */
export function pairedGradients(t: u64, px: usize, pw: usize, m: i32): void {
  sampleRows(t);
  const i = load<i32>(pRowSel);
  const wt = load<f64>(pRowW);
  const div = rowDivisor;
  const one = div == 1.0;
  const base = load<f64>(pAv + (<usize>i << 3));
  coordsTouched += <f64>(2 * m);
  rowsTouched += 2;
  if (dataKind != DATA_CSR) {
    const row = denseRow(i);
    let x0: f64 = 0, x1: f64 = 0, x2: f64 = 0, x3: f64 = 0, w0: f64 = 0, w1: f64 = 0, w2: f64 = 0, w3: f64 = 0;
    let k = 0;
    for (; k + 4 <= m; k += 4) {
      for (let l = 0; l < 4; l++) {
        const kk = k + l;
        const j = <usize>load<i32>(pSupp + (<usize>kk << 2));
        const sk = load<f64>(pScale + (<usize>kk << 3)), vj = load<f64>(pV + (j << 3)), a = load<f64>(row + (j << 3));
        const dx = sk * (load<f64>(px + (j << 3)) - vj), dw = sk * (load<f64>(pw + (j << 3)) - vj);
        store<f64>(pDelta + (<usize>kk << 3), dx);
        store<f64>(pY + (<usize>kk << 3), dw);
        if (l == 0) { x0 += a * dx; w0 += a * dw; } else if (l == 1) { x1 += a * dx; w1 += a * dw; }
        else if (l == 2) { x2 += a * dx; w2 += a * dw; } else { x3 += a * dx; w3 += a * dw; }
      }
    }
    let mx = (x0 + x2) + (x1 + x3), mw = (w0 + w2) + (w1 + w3);
    for (; k < m; k++) {
      const j = <usize>load<i32>(pSupp + (<usize>k << 2));
      const sk = load<f64>(pScale + (<usize>k << 3)), vj = load<f64>(pV + (j << 3)), a = load<f64>(row + (j << 3));
      const dx = sk * (load<f64>(px + (j << 3)) - vj), dw = sk * (load<f64>(pw + (j << 3)) - vj);
      store<f64>(pDelta + (<usize>k << 3), dx);
      store<f64>(pY + (<usize>k << 3), dw);
      mx += a * dx; mw += a * dw;
    }
    const cx = wt * lossDeriv(lossKind, base + mx, label(i)), cw = wt * lossDeriv(lossKind, base + mw, label(i));
    for (let k2 = 0; k2 < m; k2++) {
      const o = <usize>k2 << 3;
      const j = <usize>load<i32>(pSupp + (<usize>k2 << 2));
      const a = load<f64>(row + (j << 3)), sk = load<f64>(pScale + o), vj = load<f64>(pV + (j << 3));
      let ax: f64 = 0, aw: f64 = 0;
      ax += cx * a; aw += cw * a;
      store<f64>(pStash + o, sk * ((one ? ax : ax / div) + l2 * (vj + load<f64>(pDelta + o))));
      store<f64>(pAcc + o, sk * ((one ? aw : aw / div) + l2 * (vj + load<f64>(pY + o))));
    }
    return;
  }
  for (let k = 0; k < m; k++) {
    const o = <usize>k << 3;
    const j = <usize>load<i32>(pSupp + (<usize>k << 2));
    const sk = load<f64>(pScale + o), vj = load<f64>(pV + (j << 3));
    store<f64>(pDelta + o, sk * (load<f64>(px + (j << 3)) - vj));
    store<f64>(pY + o, sk * (load<f64>(pw + (j << 3)) - vj));
    store<f64>(pStash + o, 0);
    store<f64>(pAcc + o, 0);
    store<i32>(pSlot + (j << 2), k);
  }
  const cx = wt * lossDeriv(lossKind, base + rowDotSupport(i, pSupp, pDelta, m, pSlot, false), label(i));
  const cw = wt * lossDeriv(lossKind, base + rowDotSupport(i, pSupp, pY, m, pSlot, false), label(i));
  rowAxpySupport(i, cx, pSupp, pStash, m, pSlot, false);
  rowAxpySupport(i, cw, pSupp, pAcc, m, pSlot, false);
  for (let k = 0; k < m; k++) {
    const o = <usize>k << 3;
    const j = <usize>load<i32>(pSupp + (<usize>k << 2));
    const sk = load<f64>(pScale + o), vj = load<f64>(pV + (j << 3));
    const ax = load<f64>(pStash + o), aw = load<f64>(pAcc + o);
    store<f64>(pStash + o, sk * ((one ? ax : ax / div) + l2 * (vj + load<f64>(pDelta + o))));
    store<f64>(pAcc + o, sk * ((one ? aw : aw / div) + l2 * (vj + load<f64>(pY + o))));
    store<i32>(pSlot + (j << 2), -1);
  }
}
