// Sketched training steps on a minibatch: y = v + S(x − v), g = S∇̂f(y), with f̂(y) = (1/D) Σ_r w_r ℓ_r(y) + λ/2‖W_y‖².
// Written as (support, values) for the host (nnGradient*) or applied as x ← x − γ g (nnSgd*, refused when a new
// coordinate would be non-finite). Three paths:
//
// - Unit sketch, v = 0 (compact): a dropped unit's incoming weights and bias are 0 in y, so its output is act(0) = 0
//   (relu and tanh) and only the kept sub-network matters. Ŵ_l = y[T_l, T_{l−1}] (each entry the f32 product s_j·x,
//   which is y) is gathered into pPar, forward and backward run on the compact matrices, and S∇f(y) is written on the
//   parameters of kept units: s_j (∇_data + λ y) on the whole incoming row of a kept unit j (λ y also at the columns of
//   dropped inputs, whose data gradient is 0) and s_j ∂_b on its bias; the output layer is kept whole (s = 1). GEMM
//   multiply-adds: B (2 Σ_l m_l m_{l−1} + Σ_{l≥2} m_l m_{l−1}), i.e. ∝ q for the input and output layers and q² between
//   hidden layers at keep ratio q; the ℓ2 term and the gather/scatter are O(q·d) elementwise.
// - Unit sketch, v ≠ 0 (dense): a dropped unit falls back to v and still feeds the next layer, so y is built whole
//   (kept units v + s(x − v), dropped units v, the output layer x) and the full network runs at y, forward and
//   backward-data; backward-weights only at the rows of kept units (and the output layer). GEMM multiply-adds:
//   B (Σ_l n_l n_{l−1} + Σ_{l≥2} n_l n_{l−1} + Σ_l m_l n_{l−1}) with m_l = |T_l| on hidden layers, n_{L+1} on the
//   output layer, against a dense step's B (2 Σ_l n_l n_{l−1} + Σ_{l≥2} n_l n_{l−1}) (784-256-256-10: 0.67 of it at
//   keep ratio 0.25, 0.56 as q → 0), plus O(d) to build y and for the penalty. The output is the same support as the compact path (rows and biases of
//   kept units, the output layer), values s·∇f(y).
// - Coordinate sketch (DropConnect over all d parameters, from sketch.ts sample(): support T, f64 scales): y = v
//   off T, v + s(x − v) on T (v = 0: s·x); the dense network at y; output s_k ∇f(y)_{T_k} in T's order. Dense cost.
// The identity (no sketch, or nnSketchUnits(0)) runs the dense network at y = x and writes all d coordinates in order:
// the same bits as the compact path with every unit kept (scale 1). Wherever s = 1, y = x exactly.
// f32 throughout: y = f32(v + f32(s·f32(x − v))), g = f32(s·f32(∇_data + f32(λ₃₂·y))), x ← f32(x − f32(γ₃₂·g)),
// with the scales, λ and γ rounded to f32 once. The penalty ‖W_y‖² is a sum over weight rows (layer and row order) of
// each row's four-lane f64 sum of y² (a dropped row adds +0 exactly, so the compact path needs only kept rows).
import { SKETCH_IDENTITY, ERR_ABORT } from "../codes";
import { fail } from "../errors";

import { gemmMacs, resetGemmMacs } from "./gemm";
import { xentSum } from "./softmax";
import { forwardNet, backwardNet } from "./net";
import { sampleUnits, unitKind } from "./units";
import { gatherRows, requireData, nnSampleRows } from "./data";
import { nHidden, lambda, lambda32, maxBatch, dParams, size, offW, offB, dimOf, curOffW, curOffB, actBuf, dzBuf, classes, layoutFor, setFullDims, requireConfigured, pDims, pCurOffW, pCurOffB, pPar, pGrad, pOutIdx, pOutVal, pRuns, pKept, pKeptScale, unitOff, keptCount, pBatchY, pExp, pRowBuf, pRowWBuf } from "./config";

export let pV: usize = 0;          // the shift v (f32, d) or 0 for v = 0
let lastLoss: f64 = 0;
let lossSum: f64 = 0;
let failStep: f64 = -1;
let outLen: i32 = 0;
let runCount: i32 = -1;            // runs of consecutive indices in the output (pRuns); −1: not recorded
let lastPar: usize = 0;
let stepRows: f64 = 0;             // rows through training steps since the last reset (full-data passes not counted)
let stepCoords: f64 = 0;           // output coordinates (|supp S∇̂f|) of those steps

/** resetStepState(): v = 0 and the counters zeroed (called by nnConfigure). */
export function resetStepState(): void { pV = 0; lastLoss = 0; lossSum = 0; failStep = -1; outLen = 0; runCount = -1; lastPar = 0; }

/** nnSetShift(pV): the shift v (f32, d entries, kept alive by the host), or 0 for v = 0 (the compact path). */
export function nnSetShift(v: usize): void { requireConfigured(); pV = v; }

/** nnResetCounters(): zero nnMacs, nnLossSum and nnFailStep (−1). */
export function nnResetCounters(): void { resetGemmMacs(); lossSum = 0; failStep = -1; stepRows = 0; stepCoords = 0; }
/** nnRowsTouched() / nnCoordsTouched(): rows and output coordinates of the sketched steps since the last reset;
 *  nnSetRowsTouched(n) sets the first (a resumed run). */
export function nnRowsTouched(): f64 { return stepRows; }
export function nnCoordsTouched(): f64 { return stepCoords; }
export function nnSetRowsTouched(n: f64): void { stepRows = n; }
/** nnMacs() -> multiply-adds done by the GEMMs since the last reset (f64). */
export function nnMacs(): f64 { return gemmMacs; }
/** nnLastLoss() -> f̂(y) of the last step: (1/D) Σ_r w_r ℓ_r(y) + λ/2 ‖W_y‖². nnLossSum() -> the sum of f̂(y) over every
 *  step evaluated since the last reset (gradient, SGD and nnRun steps; a refused step's value included). */
export function nnLastLoss(): f64 { return lastLoss; }
export function nnLossSum(): f64 { return lossSum; }
/** nnFailStep() -> the step nnRun stopped at (its update would have made x non-finite), or −1. */
export function nnFailStep(): f64 { return failStep; }
/** setNnFailStep(t): record the step a run stopped at (run.ts). */
export function setNnFailStep(t: f64): void { failStep = t; }
/** nnGradIdxPtr() / nnGradValPtr() / nnGradLen(): the last step's S∇̂f(y): support (i32, ascending except for coordinate
 *  supports, given in their order), values (f32), length. */
export function nnGradIdxPtr(): usize { requireConfigured(); return pOutIdx; }
export function nnGradValPtr(): usize { requireConfigured(); return pOutVal; }
export function nnGradLen(): i32 { return outLen; }
/** nnLastParPtr(): the parameters of the last step's pass (compact Ŵ, the dense y, or x itself for the identity). */
export function nnLastParPtr(): usize { return lastPar; }

// rowSqScaled(p, n, s) = Σ_k f64(f32(s·p_k))² in the four-lane order (lane c: k ≡ c mod 4; (c0 + c2) + (c1 + c3); tail).
function rowSqScaled(p: usize, n: i32, s: f32): f64 {
  let k = 0;
  let t: f64;
  if (ASC_FEATURE_SIMD) {
    const vs = f32x4.splat(s);
    let a01 = f64x2.splat(0), a23 = f64x2.splat(0);   // lanes (c0, c1) and (c2, c3)
    for (; k + 4 <= n; k += 4) {
      const y = f32x4.mul(vs, v128.load(p + (<usize>k << 2)));
      const lo = f64x2.promote_low_f32x4(y), hi = f64x2.promote_low_f32x4(v128.shuffle<f32>(y, y, 2, 3, 2, 3));
      a01 = f64x2.add(a01, f64x2.mul(lo, lo));
      a23 = f64x2.add(a23, f64x2.mul(hi, hi));
    }
    const c = f64x2.add(a01, a23);
    t = f64x2.extract_lane(c, 0) + f64x2.extract_lane(c, 1);
  } else {
    let s0: f64 = 0, s1: f64 = 0, s2: f64 = 0, s3: f64 = 0;
    for (; k + 4 <= n; k += 4) {
      const o = <usize>k << 2;
      const y0 = <f64>(s * load<f32>(p + o)), y1 = <f64>(s * load<f32>(p + o, 4));
      const y2 = <f64>(s * load<f32>(p + o, 8)), y3 = <f64>(s * load<f32>(p + o, 12));
      s0 += y0 * y0; s1 += y1 * y1; s2 += y2 * y2; s3 += y3 * y3;
    }
    t = (s0 + s2) + (s1 + s3);
  }
  for (; k < n; k++) { const y = <f64>(s * load<f32>(p + (<usize>k << 2))); t += y * y; }
  return t;
}

// iota(pDst, first, n): dst_k = first + k (i32).
function iota(pDst: usize, first: i32, n: i32): void {
  let k = 0;
  if (ASC_FEATURE_SIMD) {
    const base = i32x4.add(i32x4.splat(first), i32x4(0, 1, 2, 3));
    for (; k + 4 <= n; k += 4) v128.store(pDst + (<usize>k << 2), i32x4.add(base, i32x4.splat(k)));
  }
  for (; k < n; k++) store<i32>(pDst + (<usize>k << 2), first + k);
}

// addRun(q, n, idx0): output slots q .. q+n−1 hold the indices idx0 .. idx0+n−1 (already written); merged into the last
// run when it continues it in both.
function addRun(q: i32, n: i32, idx0: i32): void {
  if (runCount > 0) {
    const pr = pRuns + (<usize>(runCount - 1) << 3);
    const q0 = load<i32>(pr), len = load<i32>(pr, 4);
    if (q0 + len == q && load<i32>(pOutIdx + (<usize>q0 << 2)) + len == idx0) { store<i32>(pr, len + n, 4); return; }
  }
  const p = pRuns + (<usize>runCount << 3);
  store<i32>(p, q); store<i32>(p, n, 4);
  runCount++;
}

// keptAt(l, a) / scaleAt(l, a): unit a of layer l's row list (the kept list of a hidden layer; every unit of the
// output layer, scale 1).
@inline function keptAt(l: i32, a: i32): i32 { return l <= nHidden ? load<i32>(pKept + (<usize>(unitOff(l) + a) << 2)) : a; }
@inline function scaleAt(l: i32, a: i32): f32 { return l <= nHidden ? load<f32>(pKeptScale + (<usize>(unitOff(l) + a) << 2)) : 1; }
@inline function rowsOf(l: i32): i32 { return l <= nHidden ? keptCount(l) : size(l); }

// compactGather(px): compact widths m_0 = n_0, m_l = |T_l|, m_{L+1} = C, their layout, and Ŵ_l[a, b] = s_a x[W_l][T_l[a],
// T_{l−1}[b]], b̂_l[a] = s_a x[b_l][T_l[a]] into pPar (each entry one f32 product: y at v = 0).
function compactGather(px: usize): void {
  const L = nHidden;
  store<i32>(pDims, size(0));
  for (let l = 1; l <= L + 1; l++) store<i32>(pDims + (<usize>l << 2), rowsOf(l));
  layoutFor(pDims, pCurOffW, pCurOffB);
  for (let l = 1; l <= L + 1; l++) {
    const m = dimOf(l), mp = dimOf(l - 1), np = size(l - 1);
    const pTc = l >= 2 ? pKept + (<usize>unitOff(l - 1) << 2) : 0;
    for (let a = 0; a < m; a++) {
      const j = keptAt(l, a), s = scaleAt(l, a);
      const src = px + ((<usize>offW(l) + <usize>j * <usize>np) << 2);
      const dst = pPar + ((<usize>curOffW(l) + <usize>a * <usize>mp) << 2);
      if (l == 1) scaleCopy(dst, src, s, np);
      else for (let b = 0; b < mp; b++) store<f32>(dst + (<usize>b << 2), s * load<f32>(src + (<usize>load<i32>(pTc + (<usize>b << 2)) << 2)));
      store<f32>(pPar + (<usize>(curOffB(l) + a) << 2), s * load<f32>(px + (<usize>(offB(l) + j) << 2)));
    }
  }
}

// scaleCopy(dst, src, s, n): dst_k = s·src_k (elementwise: the same bits in both builds).
function scaleCopy(dst: usize, src: usize, s: f32, n: i32): void {
  let k = 0;
  if (ASC_FEATURE_SIMD) {
    const vs = f32x4.splat(s);
    for (; k + 4 <= n; k += 4) { const o = <usize>k << 2; v128.store(dst + o, f32x4.mul(vs, v128.load(src + o))); }
  }
  for (; k < n; k++) { const o = <usize>k << 2; store<f32>(dst + o, s * load<f32>(src + o)); }
}

// emitRow(q, idx0, xrow, grow, n, s, pTc, mp) -> q + n: S∇f(y) on one kept row, n = n_{l−1} entries from index idx0:
// value s·(g_k + λ y_k), y_k = s·x_k, g_k the compact gradient at column k (grow[b] where pTc[b] = k, the columns of
// kept inputs; 0 at dropped columns; pTc = 0: every column, grow[k]). Elementwise, so SIMD and scalar agree.
function emitRow(q: i32, idx0: i32, xrow: usize, grow: usize, n: i32, s: f32, pTc: usize, mp: i32): i32 {
  const lam = lambda32, useLam = lambda != 0;
  const pv = pOutVal + (<usize>q << 2);
  iota(pOutIdx + (<usize>q << 2), idx0, n);
  let k = 0;
  if (pTc == 0) {
    if (ASC_FEATURE_SIMD) {
      const vs = f32x4.splat(s), vl = f32x4.splat(lam);
      for (; k + 4 <= n; k += 4) {
        const o = <usize>k << 2;
        let g = v128.load(grow + o);
        if (useLam) g = f32x4.add(g, f32x4.mul(vl, f32x4.mul(vs, v128.load(xrow + o))));
        v128.store(pv + o, f32x4.mul(vs, g));
      }
    }
    for (; k < n; k++) {
      const o = <usize>k << 2;
      let g = load<f32>(grow + o);
      if (useLam) g = g + lam * (s * load<f32>(xrow + o));
      store<f32>(pv + o, s * g);
    }
  } else {
    // every column as if dropped (data gradient 0), then the kept columns over them
    if (!useLam) memory.fill(pv, 0, <usize>n << 2);
    else {
      if (ASC_FEATURE_SIMD) {
        const vs = f32x4.splat(s), vl = f32x4.splat(lam), zero = f32x4.splat(0);
        for (; k + 4 <= n; k += 4) {
          const o = <usize>k << 2;
          v128.store(pv + o, f32x4.mul(vs, f32x4.add(zero, f32x4.mul(vl, f32x4.mul(vs, v128.load(xrow + o))))));
        }
      }
      for (; k < n; k++) { const o = <usize>k << 2; store<f32>(pv + o, s * (<f32>0 + lam * (s * load<f32>(xrow + o)))); }
    }
    for (let b = 0; b < mp; b++) {
      const o = <usize>load<i32>(pTc + (<usize>b << 2)) << 2;
      let g = load<f32>(grow + (<usize>b << 2));
      if (useLam) g = g + lam * (s * load<f32>(xrow + o));
      store<f32>(pv + o, s * g);
    }
  }
  addRun(q, n, idx0);
  return q + n;
}

// compactOutput(px) -> ‖W_y‖²: S∇f(y) on the parameters of kept units (layer order: kept rows of W_l ascending, then
// their biases), from the compact gradient in pGrad.
function compactOutput(px: usize): f64 {
  const L = nHidden;
  let q = 0;
  runCount = 0;
  let pen: f64 = 0;
  for (let l = 1; l <= L + 1; l++) {
    const m = dimOf(l), mp = dimOf(l - 1), np = size(l - 1);
    const pTc = l >= 2 ? pKept + (<usize>unitOff(l - 1) << 2) : 0;
    for (let a = 0; a < m; a++) {
      const j = keptAt(l, a), s = scaleAt(l, a);
      const idx0 = offW(l) + j * np;
      const xrow = px + (<usize>idx0 << 2);
      q = emitRow(q, idx0, xrow, pGrad + ((<usize>curOffW(l) + <usize>a * <usize>mp) << 2), np, s, pTc, mp);
      if (lambda != 0) pen += rowSqScaled(xrow, np, s);
    }
    for (let a = 0; a < m; a++) {
      const j = keptAt(l, a), s = scaleAt(l, a), o = <usize>q << 2;
      store<i32>(pOutIdx + o, offB(l) + j);
      store<f32>(pOutVal + o, s * load<f32>(pGrad + (<usize>(curOffB(l) + a) << 2)));
      addRun(q, 1, offB(l) + j);
      q++;
    }
  }
  outLen = q;
  return pen;
}

// yOf(x, v, s) = y for one coordinate: x when s = 1, else v + s(x − v), each operation rounded to f32.
@inline function yOf(x: f32, v: f32, s: f32): f32 { return s == 1 ? x : v + s * (x - v); }

// unitPoint(px): y into pPar for a unit sketch with v ≠ 0: kept units' rows and biases v + s(x − v), dropped units' v,
// the output layer x.
function unitPoint(px: usize): void {
  const L = nHidden, pv = pV;
  for (let l = 1; l <= L; l++) {
    const n = size(l), np = size(l - 1), m = keptCount(l);
    let a = 0;
    for (let j = 0; j < n; j++) {
      const row = <usize>offW(l) + <usize>j * <usize>np, bi = <usize>(offB(l) + j) << 2;
      if (a < m && keptAt(l, a) == j) {
        const s = scaleAt(l, a);
        for (let k = 0; k < np; k++) {
          const o = (row + <usize>k) << 2;
          store<f32>(pPar + o, yOf(load<f32>(px + o), load<f32>(pv + o), s));
        }
        store<f32>(pPar + bi, yOf(load<f32>(px + bi), load<f32>(pv + bi), s));
        a++;
      } else {
        memory.copy(pPar + (row << 2), pv + (row << 2), <usize>np << 2);
        store<f32>(pPar + bi, load<f32>(pv + bi));
      }
    }
  }
  const o = <usize>offW(L + 1) << 2;
  memory.copy(pPar + o, px + o, (<usize>dParams << 2) - o);
}

// coordPoint(px, pT, pS, m): y into pPar for a coordinate sketch: v (or 0) everywhere, then y_{T_k} = v + s_k(x − v)
// (v = 0: s_k·x) with s_k = f32(scale_k).
function coordPoint(px: usize, pT: usize, pS: usize, m: i32): void {
  const d = dParams, pv = pV;
  if (pv == 0) memory.fill(pPar, 0, <usize>d << 2); else memory.copy(pPar, pv, <usize>d << 2);
  for (let k = 0; k < m; k++) {
    const i = load<i32>(pT + (<usize>k << 2));
    if (<u32>i >= <u32>d) fail(ERR_ABORT);
    const s = <f32>load<f64>(pS + (<usize>k << 3)), o = <usize>i << 2;
    store<f32>(pPar + o, pv == 0 ? s * load<f32>(px + o) : yOf(load<f32>(px + o), load<f32>(pv + o), s));
  }
}

// addL2(pY, keptRows) -> ‖W_y‖²: g ← g + λ y on the weights of the full layout (pGrad) — on hidden layers only the
// rows of kept units when keptRows (the others are stale there) — and the penalty sum over every row (λ ≠ 0 only).
function addL2(pY: usize, keptRows: bool): f64 {
  const lam = lambda32;
  let pen: f64 = 0;
  for (let l = 1; l <= nHidden + 1; l++) {
    const n = size(l), np = size(l - 1), m = rowsOf(l);
    let a = 0;
    for (let j = 0; j < n; j++) {
      const row = (<usize>offW(l) + <usize>j * <usize>np) << 2, g = pGrad + row, y = pY + row;
      pen += rowSqScaled(y, np, 1);
      if (keptRows && l <= nHidden) {
        if (a < m && keptAt(l, a) == j) a++;
        else continue;
      }
      let k = 0;
      if (ASC_FEATURE_SIMD) {
        const vl = f32x4.splat(lam);
        for (; k + 4 <= np; k += 4) { const o = <usize>k << 2; v128.store(g + o, f32x4.add(v128.load(g + o), f32x4.mul(vl, v128.load(y + o)))); }
      }
      for (; k < np; k++) { const o = <usize>k << 2; store<f32>(g + o, load<f32>(g + o) + lam * load<f32>(y + o)); }
    }
  }
  return pen;
}

// unitDenseOutput(): s·∇f(y) on the kept units' rows and biases and the whole output layer, in compactOutput's order.
function unitDenseOutput(): void {
  let q = 0;
  runCount = 0;
  for (let l = 1; l <= nHidden + 1; l++) {
    const m = rowsOf(l), np = size(l - 1);
    for (let a = 0; a < m; a++) {
      const j = keptAt(l, a), idx0 = offW(l) + j * np;
      iota(pOutIdx + (<usize>q << 2), idx0, np);
      scaleCopy(pOutVal + (<usize>q << 2), pGrad + (<usize>idx0 << 2), scaleAt(l, a), np);
      addRun(q, np, idx0);
      q += np;
    }
    for (let a = 0; a < m; a++) {
      const j = keptAt(l, a), o = <usize>q << 2;
      store<i32>(pOutIdx + o, offB(l) + j);
      store<f32>(pOutVal + o, scaleAt(l, a) * load<f32>(pGrad + (<usize>(offB(l) + j) << 2)));
      addRun(q, 1, offB(l) + j);
      q++;
    }
  }
  outLen = q;
}

// PATH_*: which sketch a step applies.
const PATH_UNITS: i32 = 0;
const PATH_COORDS: i32 = 1;

// step(px, pRows, pRowW, B, D, t, path, pT, pS, mT) -> the output length: the pass of the step and S∇̂f(y) written.
function step(px: usize, pRows: usize, pRowW: usize, B: i32, D: f64, t: u64, path: i32, pT: usize, pS: usize, mT: i32): i32 {
  requireData();
  if (B < 1 || B > maxBatch || !(D > 0) || mT < 0 || mT > dParams) fail(ERR_ABORT);
  const L = nHidden, C = classes(), in0 = actBuf(0);
  gatherRows(pRows, B, in0);
  const sketched = path == PATH_UNITS && unitKind != SKETCH_IDENTITY;
  if (sketched) sampleUnits(t);
  let pen: f64 = 0, data: f64 = 0;
  if (sketched && pV == 0) {
    compactGather(px);
    forwardNet(pPar, in0, B);
    data = xentSum(actBuf(L + 1), C, dzBuf(L + 1), C, B, C, pBatchY, pRowW, D, pExp, 0) / D;
    backwardNet(pPar, pGrad, in0, B, false);
    pen = compactOutput(px);
    lastPar = pPar;
  } else {
    setFullDims();
    let pY = px;
    if (path == PATH_COORDS) { coordPoint(px, pT, pS, mT); pY = pPar; }
    else if (sketched) { unitPoint(px); pY = pPar; }
    forwardNet(pY, in0, B);
    data = xentSum(actBuf(L + 1), C, dzBuf(L + 1), C, B, C, pBatchY, pRowW, D, pExp, 0) / D;
    backwardNet(pY, pGrad, in0, B, sketched);
    if (lambda != 0) pen = addL2(pY, sketched);
    if (path == PATH_COORDS) {
      for (let k = 0; k < mT; k++) {
        const i = load<i32>(pT + (<usize>k << 2)), o = <usize>k << 2;
        store<i32>(pOutIdx + o, i);
        store<f32>(pOutVal + o, <f32>load<f64>(pS + (<usize>k << 3)) * load<f32>(pGrad + (<usize>i << 2)));
      }
      outLen = mT;
      runCount = -1;
    } else if (sketched) unitDenseOutput();
    else {
      iota(pOutIdx, 0, dParams);
      memory.copy(pOutVal, pGrad, <usize>dParams << 2);
      outLen = dParams;
      runCount = 1;
      store<i32>(pRuns, 0); store<i32>(pRuns, dParams, 4);
    }
    lastPar = pY;
  }
  lastLoss = data + 0.5 * lambda * pen;
  lossSum += lastLoss;
  stepRows += <f64>B;
  stepCoords += <f64>outLen;
  return outLen;
}

// apply(px, gamma) -> 1, or 0 with x unchanged: x_i ← x_i − γ g on the output support, refused when any new
// coordinate would be non-finite. Over the runs of consecutive indices when they were recorded (f32x4), else entry by
// entry; elementwise either way, so the same bits.
function apply(px: usize, gamma: f64): i32 {
  const g = <f32>gamma;
  if (runCount < 0) {
    const m = outLen;
    for (let k = 0; k < m; k++) {
      const o = <usize>load<i32>(pOutIdx + (<usize>k << 2)) << 2;
      if (!isFinite(load<f32>(px + o) - g * load<f32>(pOutVal + (<usize>k << 2)))) return 0;
    }
    for (let k = 0; k < m; k++) {
      const o = <usize>load<i32>(pOutIdx + (<usize>k << 2)) << 2;
      store<f32>(px + o, load<f32>(px + o) - g * load<f32>(pOutVal + (<usize>k << 2)));
    }
    return 1;
  }
  for (let pass = 0; pass < 2; pass++) {
    for (let r = 0; r < runCount; r++) {
      const q0 = load<i32>(pRuns + (<usize>r << 3)), n = load<i32>(pRuns + (<usize>r << 3), 4);
      const x = px + (<usize>load<i32>(pOutIdx + (<usize>q0 << 2)) << 2), v = pOutVal + (<usize>q0 << 2);
      let k = 0;
      if (pass == 0) {
        let ok = true;
        if (ASC_FEATURE_SIMD) {
          const vg = f32x4.splat(g), zero = f32x4.splat(0);
          let fin = i32x4.splat(-1);
          for (; k + 4 <= n; k += 4) {
            const o = <usize>k << 2;
            const nx = f32x4.sub(v128.load(x + o), f32x4.mul(vg, v128.load(v + o)));
            fin = v128.and(fin, f32x4.eq(f32x4.sub(nx, nx), zero));   // x − x = 0 exactly when x is finite
          }
          ok = i32x4.all_true(fin);
        }
        for (; k < n; k++) { const o = <usize>k << 2; if (!isFinite(load<f32>(x + o) - g * load<f32>(v + o))) ok = false; }
        if (!ok) return 0;
      } else {
        if (ASC_FEATURE_SIMD) {
          const vg = f32x4.splat(g);
          for (; k + 4 <= n; k += 4) { const o = <usize>k << 2; v128.store(x + o, f32x4.sub(v128.load(x + o), f32x4.mul(vg, v128.load(v + o)))); }
        }
        for (; k < n; k++) { const o = <usize>k << 2; store<f32>(x + o, load<f32>(x + o) - g * load<f32>(v + o)); }
      }
    }
  }
  return 1;
}

/** nnGradient(px, pRows, pRowW, B, D, step) -> length: S∇̂f(y) of the configured unit sketch at step t for the
 *  minibatch rows (i32, B ≤ Bmax), weights w (f64; pRowW = 0: all 1) and divisor D, written to nnGradIdxPtr() /
 *  nnGradValPtr(); f̂(y) to nnLastLoss(). x (f32, d) is read only. */
export function nnGradient(px: usize, pRows: usize, pRowW: usize, B: i32, D: f64, stepT: f64): i32 {
  return step(px, pRows, pRowW, B, D, <u64>stepT, PATH_UNITS, 0, 0, 0);
}

/** nnSgd(px, pRows, pRowW, B, D, step, gamma) -> 1, or 0 when refused: nnGradient, then x ← x − γ S∇̂f(y) in place on
 *  the support unless a new coordinate would be non-finite (then x is unchanged). */
export function nnSgd(px: usize, pRows: usize, pRowW: usize, B: i32, D: f64, stepT: f64, gamma: f64): i32 {
  step(px, pRows, pRowW, B, D, <u64>stepT, PATH_UNITS, 0, 0, 0);
  return apply(px, gamma);
}

/** nnGradientCoords(px, pT, pS, m, pRows, pRowW, B, D) -> m: the coordinate sketch (support T: i32, m entries, distinct,
 *  below d; scales: f64, as sample() writes pSupp/pScale) at y = v + S(x − v): values s_k ∇̂f(y)_{T_k} in T's order. */
export function nnGradientCoords(px: usize, pT: usize, pS: usize, m: i32, pRows: usize, pRowW: usize, B: i32, D: f64): i32 {
  return step(px, pRows, pRowW, B, D, 0, PATH_COORDS, pT, pS, m);
}

/** nnSgdCoords(px, pT, pS, m, pRows, pRowW, B, D, gamma) -> 1, or 0 when refused: nnGradientCoords, then the update. */
export function nnSgdCoords(px: usize, pT: usize, pS: usize, m: i32, pRows: usize, pRowW: usize, B: i32, D: f64, gamma: f64): i32 {
  step(px, pRows, pRowW, B, D, 0, PATH_COORDS, pT, pS, m);
  return apply(px, gamma);
}

/** nnRun(px, t0, steps, tau, gamma) -> steps done: for t = t0 .. t0 + steps − 1, the rows of nnSampleRows(t, τ)
 *  (D = τ) and nnSgd at step t with the configured unit sketch; stops at the first refused step (nnFailStep() = t). */
export function nnRun(px: usize, t0: f64, steps: i32, tau: i32, gamma: f64): i32 {
  for (let s = 0; s < steps; s++) {
    const t = t0 + <f64>s;
    nnSampleRows(t, tau);
    step(px, pRowBuf, pRowWBuf, tau, <f64>tau, <u64>t, PATH_UNITS, 0, 0, 0);
    if (apply(px, gamma) == 0) { failStep = t; return s; }
  }
  return steps;
}
