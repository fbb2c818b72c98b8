// Double Sketched (S)GD, Algorithm 1: y = v + S(x − v), g = S ∇̂f(y), x ← x − γ g, on supp S only.
import { sample, isIdentity, pSupp, pScale, floyd, setSketchStream } from "./sketch";
import { STREAM_SKETCH, STREAM_ROWS } from "./philox";
import { dot, gatherDot } from "./vector";
import { nRows, dataKind, DATA_CSR, rowDotSupport, rowAxpySupport, label } from "./data";
import { lossDeriv } from "./loss";
import {
  problemKind, PROBLEM_QUADRATIC, lossKind, l2, dim, pA, pB, pV, pAv,
  pDelta, pAcc, pSlot, pRowSel, pRowMark, nextRowStamp,
} from "./problem";

let batch: i32 = 0;        // 0: option I (all rows); τ ≥ 1: option II, τ rows without replacement
let gamma: f64 = 0;
let pGammas: usize = 0;    // per-step γ_t for t0 ≤ t < t0 + steps, or 0 for a constant γ

/** Step at which a non-finite iterate appeared (x kept at the last finite iterate), or −1. */
export let failStep: f64 = -1;
/** Work counters: x coordinates read or written, data rows whose gradient was evaluated. */
export let coordsTouched: f64 = 0;
export let rowsTouched: f64 = 0;

/** dsgdConfigure(batch, γ, pGammas): τ (0 = full data), constant γ or a γ_t buffer. */
export function dsgdConfigure(tau: i32, g: f64, gammas: usize): void { batch = tau; gamma = g; pGammas = gammas; }
/** resetCounters(): zero the work counters. */
export function resetCounters(): void { coordsTouched = 0; rowsTouched = 0; failStep = -1; }
export function getCoordsTouched(): f64 { return coordsTouched; }
export function getRowsTouched(): f64 { return rowsTouched; }
export function getFailStep(): f64 { return failStep; }

// sketchedGradient(t, px, m, full): acc_k ← s_k [∇̂f(y)]_{T_k}, y = v + S(x − v); reads x only on T.
function sketchedGradient(t: u64, px: usize, m: i32, full: bool): void {
  for (let k = 0; k < m; k++) {
    const j = <usize>load<i32>(pSupp + (<usize>k << 2));
    store<f64>(pDelta + (<usize>k << 3), load<f64>(pScale + (<usize>k << 3)) * (load<f64>(px + (j << 3)) - load<f64>(pV + (j << 3))));
  }
  coordsTouched += <f64>m;
  gradientFromDelta(t, m, full);
}

// gradientFromDelta(t, m, full): acc_k ← s_k [∇̂f(y)]_{T_k} with y − v = δ on T (δ in pDelta), T and s in the sketch buffers.
function gradientFromDelta(t: u64, m: i32, full: bool): void {
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
    return;
  }
  let nb: i32;
  if (batch == 0) {
    nb = nRows;
    for (let i = 0; i < nb; i++) {
      const mi = load<f64>(pAv + (<usize>i << 3)) + rowDotSupport(i, pSupp, pDelta, m, pSlot, full);
      rowAxpySupport(i, lossDeriv(lossKind, mi, label(i)), pSupp, pAcc, m, pSlot, full);
    }
  } else {
    nb = batch;
    floyd(nRows, nb, STREAM_ROWS, t, pRowSel, pRowMark, nextRowStamp());
    for (let r = 0; r < nb; r++) {
      const i = load<i32>(pRowSel + (<usize>r << 2));
      const mi = load<f64>(pAv + (<usize>i << 3)) + rowDotSupport(i, pSupp, pDelta, m, pSlot, full);
      rowAxpySupport(i, lossDeriv(lossKind, mi, label(i)), pSupp, pAcc, m, pSlot, full);
    }
  }
  rowsTouched += <f64>nb;
  const inv = <f64>nb;
  for (let k = 0; k < m; k++) {
    const o = <usize>k << 3;
    const j = <usize>load<i32>(pSupp + (<usize>k << 2));
    const yj = load<f64>(pV + (j << 3)) + load<f64>(pDelta + o);
    store<f64>(pAcc + o, load<f64>(pScale + o) * (load<f64>(pAcc + o) / inv + l2 * yj));
    if (csr) store<i32>(pSlot + (j << 2), -1);
  }
}

/** deltaPtr(): where a caller writes δ_k = y_{T_k} − v_{T_k} for supportGradient(). */
export function deltaPtr(): usize { return pDelta; }

/** supportGradient(m, pOut): with T, s in the sketch buffers and δ at deltaPtr() (m entries), out_k = s_k [∇f(y)]_{T_k}
 *  for y = v + δ on T (full data, option I). For nodes that receive their sparse sub-model from a coordinator. */
export function supportGradient(m: i32, pOut: usize): void {
  const saved = batch;
  batch = 0;
  gradientFromDelta(0, m, false);
  batch = saved;
  memory.copy(pOut, pAcc, <usize>m << 3);
}

/** dsgdRun(px, t0, steps) -> steps done: runs steps t0 .. t0+steps−1 in place on x. Stops before the first step that
 *  would make a coordinate non-finite (x stays at the last finite iterate, failStep = that step). Work per step:
 *  O(|supp S| · τ) dense, O(Σ nnz of the τ rows + |supp S|) CSR; full data: τ = n. */
export function dsgdRun(px: usize, t0: f64, steps: i32): i32 {
  setSketchStream(STREAM_SKETCH);
  const full = isIdentity() == 1;
  const start = <u64>t0;
  failStep = -1;
  for (let s = 0; s < steps; s++) {
    const t = start + <u64>s;
    const m = sample(t);
    sketchedGradient(t, px, m, full);
    const g = pGammas != 0 ? load<f64>(pGammas + (<usize>s << 3)) : gamma;
    let ok = true;
    for (let k = 0; k < m; k++) {
      const o = <usize>k << 3;
      const j = <usize>load<i32>(pSupp + (<usize>k << 2));
      const nx = load<f64>(px + (j << 3)) - g * load<f64>(pAcc + o);
      if (!isFinite(nx)) ok = false;
      store<f64>(pAcc + o, nx);
    }
    if (!ok) { failStep = <f64>t; return s; }
    for (let k = 0; k < m; k++) {
      const j = <usize>load<i32>(pSupp + (<usize>k << 2));
      store<f64>(px + (j << 3), load<f64>(pAcc + (<usize>k << 3)));
    }
    coordsTouched += <f64>m;
  }
  return steps;
}

/** sketchedGradientAt(px, t, pOut) -> m: g = S_t ∇̂f(v + S_t(x − v)) on the support of step t (written at out[T_k]);
 *  out must be zeroed by the caller. For tests and for user-level gradient estimates. */
export function sketchedGradientAt(px: usize, t: f64, pOut: usize): i32 {
  setSketchStream(STREAM_SKETCH);
  const m = sample(<u64>t);
  sketchedGradient(<u64>t, px, m, isIdentity() == 1);
  for (let k = 0; k < m; k++) {
    const j = <usize>load<i32>(pSupp + (<usize>k << 2));
    store<f64>(pOut + (j << 3), load<f64>(pAcc + (<usize>k << 3)));
  }
  return m;
}
