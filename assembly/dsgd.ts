// Double Sketched (S)GD, Algorithm 1: y = v + S(x − v), g = S ∇̂f(y), x ← x − γ g, on supp S only.
import { SKETCH_RANDK, SAMPLE_FULL, SAMPLE_NICE, SAMPLE_UNIFORM, SAMPLE_INDEPENDENT, ERR_STATE, STREAM_SKETCH, STREAM_ROWS } from "./codes";
import { sample, isIdentity, pSupp, pScale, setSketchStream, pMark, memberStamp, memberInverted, kind as sketchKind } from "./sketch";
import { firstWords } from "./philox";
import { dot, dot4, axpy4, gatherDot, dotDiff, gatherInto, dotScaledDiffAt, scale } from "./vector";
import { nRows, dataKind, DATA_CSR, DATA_DENSE, pValues, pIndices, pIndptr, rowDot, rowDotDiff, rowDotPair, rowAxpy, rowDotSupport, rowAxpySupport, label } from "./data";
import { lossDeriv } from "./loss";
import { samplingKind, samplingConfigure, sampleRows, tau, pRowSel, pRowW, rowDivisor } from "./sampling";
import { problemKind, PROBLEM_DATA, PROBLEM_QUADRATIC, lossKind, l2, dim, pA, pB, pV, pAv, pDelta, pAcc, pSlot, pStash, pY, pTmp, csrDistinct, pLazyU, pMaskDelta, pMaskAcc, pGather, masked } from "./problem";
import { denseRow } from "./data";
import { fail } from "./errors";

let gamma: f64 = 0;
let pGammas: usize = 0;    // per-step γ_t for t0 ≤ t < t0 + steps, or 0 for a constant γ
let lastRows: i32 = -1;    // rows of the last sampled batch (for ROWS_REUSE); −1: none sampled in this run
let lastDivisor: f64 = 1;

export const ROWS_STEP: i32 = 0;   // the step's rows: all rows (option I) or a fresh sample (option II)
export const ROWS_ALL: i32 = 1;    // all rows, whatever the sampler
export const ROWS_REUSE: i32 = 2;  // the rows sampled by the previous call (control variates)

/** Step at which a non-finite iterate appeared (x kept at the last finite iterate), or −1. */
export let failStep: f64 = -1;
/** Work counters: x coordinates read or written, data rows whose gradient was evaluated. */
export let coordsTouched: f64 = 0;
export let rowsTouched: f64 = 0;

/** Whether one-row steps take the fused kernels (singleRowStep, csrRandKStep, the lazy path, pairedGradients and the VR
 *  identity step). Always on in use; differential tests turn it off to run the general path on the same draws. */
let fusedPaths = true;
/** setFusedPaths(on): a test hook: 0 sends every step through the general path (deltaFrom, gradientFromDelta, …). */
export function setFusedPaths(on: i32): void { fusedPaths = on != 0; }

/** dsgdConfigure(τ, γ, pGammas): τ = 0 full data, else τ-nice; constant γ or a γ_t buffer. Other samplers: samplingConfigure. */
export function dsgdConfigure(tau: i32, g: f64, gammas: usize): void {
  gamma = g; pGammas = gammas;
  lastRows = -1; lastDivisor = 1;   // a run never reuses the rows of an earlier one
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
  const lSupp = pSupp, lScale = pScale, lV = pV, lDelta = pDelta;
  for (let k = 0; k < m; k++) {
    const j = <usize>load<i32>(lSupp + (<usize>k << 2));
    store<f64>(lDelta + (<usize>k << 3), load<f64>(lScale + (<usize>k << 3)) * (load<f64>(px + (j << 3)) - load<f64>(lV + (j << 3))));
  }
  coordsTouched += <f64>m;
}

// accumulateRow(i, w, m, full, z, acc): acc += w φ'(a_iᵀy, b_i) a_i on T, with a_iᵀy = a_iᵀv + Σ_k a_{i,T_k} z_k
// (z = δ, acc = pAcc; or z = δ̄, acc = the dense accumulator, m = d and full for the masked path).
@inline function accumulateRow(i: i32, w: f64, m: i32, full: bool, z: usize, acc: usize): void {
  const mi = load<f64>(pAv + (<usize>i << 3)) + rowDotSupport(i, pSupp, z, m, pSlot, full);
  rowAxpySupport(i, w * lossDeriv(lossKind, mi, label(i)), pSupp, acc, m, pSlot, full);
}

// accumulateRowQuad(i1..i4, w1..w4, d, z, acc): accumulateRow for rows i1, i2, i3, i4 in turn, dense rows over all d
// coordinates (the identity with z = δ, or the masked path with z = δ̄): quadTerms on the rows themselves.
function accumulateRowQuad(i1: i32, i2: i32, i3: i32, i4: i32, w1: f64, w2: f64, w3: f64, w4: f64, d: i32, z: usize, acc: usize): void {
  quadTerms(i1, i2, i3, i4, w1, w2, w3, w4, denseRow(i1), denseRow(i2), denseRow(i3), denseRow(i4), d, z, acc);
}

// accumulateGatheredQuad(i1..i4, w1..w4, m): accumulateRow for dense rows i1..i4 in turn on the support T: their
// entries at T copied into pGather (four blocks of m; m < d/6), then quadTerms on the copies (dot's lane order is
// gatherDot's: the same bits).
function accumulateGatheredQuad(i1: i32, i2: i32, i3: i32, i4: i32, w1: f64, w2: f64, w3: f64, w4: f64, m: i32): void {
  const g1 = pGather, g2 = g1 + (<usize>m << 3), g3 = g2 + (<usize>m << 3), g4 = g3 + (<usize>m << 3);
  gatherInto(denseRow(i1), pSupp, g1, m); gatherInto(denseRow(i2), pSupp, g2, m);
  gatherInto(denseRow(i3), pSupp, g3, m); gatherInto(denseRow(i4), pSupp, g4, m);
  quadTerms(i1, i2, i3, i4, w1, w2, w3, w4, g1, g2, g3, g4, m, pDelta, pAcc);
}

// quadTerms(i1..i4, w1..w4, r1..r4, n, z, acc): the four rows' terms, rows i_k read from r_k (n entries each, the
// rows or their copies at T): the four margins in one pass (dot4: dot's lanes for each) and
// acc_j + c1 r1_j + … + c4 r4_j in another (axpy4), c_k = w_k φ'(a_{i_k}ᵀv + margin_k): four memory streams at once.
@inline function quadTerms(i1: i32, i2: i32, i3: i32, i4: i32, w1: f64, w2: f64, w3: f64, w4: f64,
                           r1: usize, r2: usize, r3: usize, r4: usize, n: i32, z: usize, acc: usize): void {
  const q = quadBuf;
  dot4(r1, r2, r3, r4, z, n, q);
  store<f64>(q, w1 * lossDeriv(lossKind, load<f64>(pAv + (<usize>i1 << 3)) + load<f64>(q), label(i1)));
  store<f64>(q, w2 * lossDeriv(lossKind, load<f64>(pAv + (<usize>i2 << 3)) + load<f64>(q, 8), label(i2)), 8);
  store<f64>(q, w3 * lossDeriv(lossKind, load<f64>(pAv + (<usize>i3 << 3)) + load<f64>(q, 16), label(i3)), 16);
  store<f64>(q, w4 * lossDeriv(lossKind, load<f64>(pAv + (<usize>i4 << 3)) + load<f64>(q, 24), label(i4)), 24);
  axpy4(q, r1, r2, r3, r4, acc, n);
}
const quadBuf: usize = memory.data(32, 16);

// accumulateGatherPair(i1, i2, w1, w2, m): accumulateRow for dense rows i1, i2 in turn on the support T (gathers): both
// margins in one pass (gatherDot's lanes for each), then acc_k + c1 a1_{T_k} + c2 a2_{T_k} in another: the same
// operations on each accumulator, in the same order.
function accumulateGatherPair(i1: i32, i2: i32, w1: f64, w2: f64, m: i32): void {
  const r1 = denseRow(i1), r2 = denseRow(i2);
  const z = pDelta, idx = pSupp, acc = pAcc;
  let s0: f64 = 0, s1: f64 = 0, s2: f64 = 0, s3: f64 = 0, t0: f64 = 0, t1: f64 = 0, t2: f64 = 0, t3: f64 = 0;
  let k = 0;
  for (; k + 4 <= m; k += 4) {
    const oi = <usize>k << 2, oz = <usize>k << 3;
    const j0 = <usize>load<i32>(idx + oi) << 3, j1 = <usize>load<i32>(idx + oi, 4) << 3;
    const j2 = <usize>load<i32>(idx + oi, 8) << 3, j3 = <usize>load<i32>(idx + oi, 12) << 3;
    const z0 = load<f64>(z + oz), z1 = load<f64>(z + oz, 8), z2 = load<f64>(z + oz, 16), z3 = load<f64>(z + oz, 24);
    s0 += load<f64>(r1 + j0) * z0; s1 += load<f64>(r1 + j1) * z1; s2 += load<f64>(r1 + j2) * z2; s3 += load<f64>(r1 + j3) * z3;
    t0 += load<f64>(r2 + j0) * z0; t1 += load<f64>(r2 + j1) * z1; t2 += load<f64>(r2 + j2) * z2; t3 += load<f64>(r2 + j3) * z3;
  }
  let m1 = (s0 + s2) + (s1 + s3), m2 = (t0 + t2) + (t1 + t3);
  for (; k < m; k++) {
    const j = <usize>load<i32>(idx + (<usize>k << 2)) << 3, zk = load<f64>(z + (<usize>k << 3));
    m1 += load<f64>(r1 + j) * zk;
    m2 += load<f64>(r2 + j) * zk;
  }
  const c1 = w1 * lossDeriv(lossKind, load<f64>(pAv + (<usize>i1 << 3)) + m1, label(i1));
  const c2 = w2 * lossDeriv(lossKind, load<f64>(pAv + (<usize>i2 << 3)) + m2, label(i2));
  for (k = 0; k < m; k++) {
    const o = <usize>k << 3, j = <usize>load<i32>(idx + (<usize>k << 2)) << 3;
    store<f64>(acc + o, (load<f64>(acc + o) + c1 * load<f64>(r1 + j)) + c2 * load<f64>(r2 + j));
  }
}

/** gradientFromDelta(t, m, full, rows): acc_k ← s_k [∇̂f(y)]_{T_k} with y − v = δ on T (δ in pDelta; T, s in the
 *  sketch buffers). ∇̂f = (1/D) Σ_r w_r ∇f_{i_r} + λ y over the rows chosen by `rows` (ROWS_*). Dense rows with a
 *  support of at least d/6 (masked(m)) take whole rows: a_iᵀ(y − v) = dot(a_i, δ̄) with δ̄ the d-vector holding δ_k at
 *  T_k and 0 elsewhere, and the row terms are summed into a dense accumulator read back at T. */
export function gradientFromDelta(t: u64, m: i32, full: bool, rows: i32): void {
  const lSupp = pSupp, lScale = pScale, lV = pV, lDelta = pDelta, lAcc = pAcc, lSlot = pSlot, lAv = pAv;
  const csr = dataKind == DATA_CSR && problemKind != PROBLEM_QUADRATIC;
  for (let k = 0; k < m; k++) {
    store<f64>(lAcc + (<usize>k << 3), 0);
    if (csr) store<i32>(lSlot + (<usize>load<i32>(lSupp + (<usize>k << 2)) << 2), k);
  }
  if (problemKind == PROBLEM_QUADRATIC) {
    const d = dim;
    for (let k = 0; k < m; k++) {
      const j = <usize>load<i32>(lSupp + (<usize>k << 2));
      const row = pA + ((j * <usize>d) << 3);
      const ay = load<f64>(lAv + (j << 3)) + (full ? dot(row, lDelta, m) : gatherDot(row, lSupp, lDelta, m));
      store<f64>(lAcc + (<usize>k << 3), load<f64>(lScale + (<usize>k << 3)) * (ay - load<f64>(pB + (j << 3))));
    }
    rowsTouched += 1;   // one (sketched) gradient of f
    return;
  }
  // the masked path: rows run as for the identity (all d coordinates) on δ̄ and a dense accumulator
  const mask = !full && dataKind == DATA_DENSE && masked(m);
  const z = mask ? pMaskDelta : lDelta, acc = mask ? pMaskAcc : lAcc, mm = mask ? dim : m, whole = full || mask;
  if (mask) {
    for (let k = 0; k < m; k++) store<f64>(z + (<usize>load<i32>(lSupp + (<usize>k << 2)) << 3), load<f64>(lDelta + (<usize>k << 3)));
    memory.fill(acc, 0, <usize>mm << 3);
  }
  let div: f64;
  // full-batch sampling uses every row for every gradient of a step, ROWS_REUSE included (its control variate must be
  // taken on the same rows as the gradient at x)
  if (rows == ROWS_ALL || samplingKind == SAMPLE_FULL) {
    const n = nRows;
    let i = 0;
    if (csr && whole) {
      // the identity on CSR rows (T_k = k, so z and acc are indexed by the column): two rows at a time, both margins
      // (two chains of additions in flight), then the two axpys in order. (With a sparse support the slot tests
      // dominate, and pairs measured slower.)
      const t2 = quadBuf;
      for (; i + 2 <= n; i += 2) {
        rowDotPair(i, z, t2);
        rowAxpy(i, lossDeriv(lossKind, load<f64>(lAv + (<usize>i << 3)) + load<f64>(t2), label(i)), acc);
        rowAxpy(i + 1, lossDeriv(lossKind, load<f64>(lAv + (<usize>(i + 1) << 3)) + load<f64>(t2, 8), label(i + 1)), acc);
      }
    }
    for (; i < n; i++) accumulateRow(i, 1.0, mm, whole, z, acc);   // consecutive rows: one stream (quads were slower)
    rowsTouched += <f64>n;
    div = <f64>n;
  } else {
    if (rows == ROWS_STEP) { lastRows = sampleRows(t); lastDivisor = rowDivisor; }
    else if (lastRows < 0) fail(ERR_STATE);   // ROWS_REUSE with no ROWS_STEP before it in this run
    const c = lastRows;
    const sel = pRowSel, rw = pRowW;
    let r = 0;
    if (whole && !csr) {
      // dense rows over all d coordinates: four rows at a time (four streams from memory), each with the arithmetic of
      // accumulateRow
      for (; r + 4 <= c; r += 4) {
        const o = <usize>r << 2, ow = <usize>r << 3;
        accumulateRowQuad(load<i32>(sel + o), load<i32>(sel + o, 4), load<i32>(sel + o, 8), load<i32>(sel + o, 12),
          load<f64>(rw + ow), load<f64>(rw + ow, 8), load<f64>(rw + ow, 16), load<f64>(rw + ow, 24), mm, z, acc);
      }
    }
    if (!whole && !csr) {
      // dense rows, a sparse support (|T| < d/6, so four rows fit in pGather): four rows gathered, then two a pass
      for (; r + 4 <= c; r += 4) {
        const o = <usize>r << 2, ow = <usize>r << 3;
        accumulateGatheredQuad(load<i32>(sel + o), load<i32>(sel + o, 4), load<i32>(sel + o, 8), load<i32>(sel + o, 12),
          load<f64>(rw + ow), load<f64>(rw + ow, 8), load<f64>(rw + ow, 16), load<f64>(rw + ow, 24), m);
      }
      for (; r + 2 <= c; r += 2) {
        const o = <usize>r << 2, ow = <usize>r << 3;
        accumulateGatherPair(load<i32>(sel + o), load<i32>(sel + o, 4), load<f64>(rw + ow), load<f64>(rw + ow, 8), m);
      }
    }
    for (; r < c; r++) accumulateRow(load<i32>(sel + (<usize>r << 2)), load<f64>(rw + (<usize>r << 3)), mm, whole, z, acc);
    rowsTouched += <f64>c;
    div = lastDivisor;
  }
  if (mask) {
    // read the dense accumulator back at T and restore δ̄ = 0
    for (let k = 0; k < m; k++) {
      const j = <usize>load<i32>(lSupp + (<usize>k << 2)) << 3;
      store<f64>(lAcc + (<usize>k << 3), load<f64>(acc + j));
      store<f64>(z + j, 0);
    }
  }
  for (let k = 0; k < m; k++) {
    const o = <usize>k << 3;
    const j = <usize>load<i32>(lSupp + (<usize>k << 2));
    const yj = load<f64>(lV + (j << 3)) + load<f64>(lDelta + o);
    store<f64>(lAcc + o, load<f64>(lScale + o) * (load<f64>(lAcc + o) / div + l2 * yj));
    if (csr) store<i32>(lSlot + (j << 2), -1);
  }
}

/** applySupportStep(px, m, γ) -> 1 when taken: x_{T_k} ← x_{T_k} − γ acc_k, unless a result would be non-finite
 *  (then x is unchanged and 0 is returned). */
export function applySupportStep(px: usize, m: i32, g: f64): i32 {
  const lSupp = pSupp, lAcc = pAcc;
  let ok = true;
  for (let k = 0; k < m; k++) {
    const o = <usize>k << 3;
    const j = <usize>load<i32>(lSupp + (<usize>k << 2));
    const nx = load<f64>(px + (j << 3)) - g * load<f64>(lAcc + o);
    if (!isFinite(nx)) ok = false;
    store<f64>(lAcc + o, nx);
  }
  if (!ok) return 0;
  for (let k = 0; k < m; k++) {
    const j = <usize>load<i32>(lSupp + (<usize>k << 2));
    store<f64>(px + (j << 3), load<f64>(lAcc + (<usize>k << 3)));
  }
  coordsTouched += <f64>m;
  return 1;
}

// identityUpdate(px, row, m, c, γ, div, next) -> ok: the identity step's update over all m = d coordinates, keeping x
// in pStash: x ← x − γ (a/D + λ (v + δ)) with δ = x − v and a = 0 + c a_i (dense row at `row`) or a = acc already
// accumulated in pAcc (CSR rows: pass row = 0). f64x2 when D = 1, elementwise, so the same bits either way. With a
// dense `next` row (0 for none), one 64-byte line of it is loaded every 8 coordinates, so that the next step's row
// streams in while this one is updated.
function identityUpdate(px: usize, row: usize, m: i32, c: f64, g: f64, div: f64, next: usize): bool {
  const vv = pV, stash = pStash, acc = pAcc, lam = l2;
  const dense = row != 0, one = div == 1.0;
  let ok = true;
  let k = 0;
  if (ASC_FEATURE_SIMD && one) {
    const vc = f64x2.splat(c), vl = f64x2.splat(lam), vg = f64x2.splat(g);
    let bad = i64x2.splat(0);
    if (dense && next != 0) {
      let touch = i64x2.splat(0);
      for (; k + 8 <= m; k += 8) {
        const o = <usize>k << 3;
        touch = v128.or(touch, v128.load(next + o));
        bad = v128.or(bad, identityPair(px + o, row + o, vv + o, stash + o, vc, vl, vg, true, 0));
        bad = v128.or(bad, identityPair(px + o + 16, row + o + 16, vv + o + 16, stash + o + 16, vc, vl, vg, true, 0));
        bad = v128.or(bad, identityPair(px + o + 32, row + o + 32, vv + o + 32, stash + o + 32, vc, vl, vg, true, 0));
        bad = v128.or(bad, identityPair(px + o + 48, row + o + 48, vv + o + 48, stash + o + 48, vc, vl, vg, true, 0));
      }
      v128.store(pTmp, touch);
    }
    for (; k + 2 <= m; k += 2) {
      const o = <usize>k << 3;
      bad = v128.or(bad, identityPair(px + o, row + o, vv + o, stash + o, vc, vl, vg, dense, acc + o));
    }
    if (v128.any_true(bad)) ok = false;
  }
  for (; k < m; k++) {
    const o = <usize>k << 3;
    const x = load<f64>(px + o), v = load<f64>(vv + o);
    store<f64>(stash + o, x);
    let a: f64 = 0;
    if (dense) a += c * load<f64>(row + o); else a = load<f64>(acc + o);
    const q = one ? a : a / div;                 // x/1 = x exactly: skip the division
    const nx = x - g * (q + lam * (v + (x - v)));
    if (!isFinite(nx)) ok = false;
    store<f64>(px + o, nx);
  }
  return ok;
}

// identityPair(…) -> mask: two coordinates of identityUpdate (f64x2); the mask is non-zero where x⁺ is not finite.
@inline function identityPair(px: usize, prow: usize, pv: usize, pstash: usize, vc: v128, vl: v128, vg: v128, dense: bool, pacc: usize): v128 {
  const x = v128.load(px), v = v128.load(pv);
  v128.store(pstash, x);
  const a = dense ? f64x2.add(f64x2.splat(0), f64x2.mul(vc, v128.load(prow))) : v128.load(pacc);
  const nx = f64x2.sub(x, f64x2.mul(vg, f64x2.add(a, f64x2.mul(vl, f64x2.add(v, f64x2.sub(x, v))))));
  v128.store(px, nx);
  return f64x2.ne(f64x2.sub(nx, nx), f64x2.splat(0));   // x − x is 0 exactly when x is finite
}

// csrRandKStep(px, t, m, γ) -> 1 when taken: singleRowStep for a Rand-K sketch on CSR rows without repeated columns.
// Membership j ∈ T comes from the sampler's marks, and s_k = d/K for every k, so the margin is one walk of the row
// (Σ over its entries in T of a_ij s (x_j − v_j)) with no δ or slot pass; the update takes every k ∈ T with a = 0
// (old x journalled by column in pTmp), and a second walk of the row redoes its entries in T with a = 0 + c a_ij.
// The same operations, in the same order, as the general path (rowDotSupport, rowAxpySupport, the update).
function csrRandKStep(px: usize, t: u64, m: i32, g: f64): i32 {
  sampleRows(t);
  const i = load<i32>(pRowSel);
  const w = load<f64>(pRowW);
  const div = rowDivisor;
  const one = div == 1.0;
  const supp = pSupp, vv = pV, tmp = pTmp, lam = l2, marks = pMark, st = memberStamp, inv = memberInverted;
  const vals = pValues, idx = pIndices;
  const sc = load<f64>(pScale);
  const a = load<i32>(pIndptr + (<usize>i << 2)), b = load<i32>(pIndptr + (<usize>(i + 1) << 2));
  if (b > a && <i64>m * <i64>(b - a) >= <i64>dim) {
    // the row's values are read only at its members, about m·nnz/d of them: when that is at least one, load the first
    // and last lines of the values now, so that those misses overlap the index walk's instead of following it
    store<f64>(pTmp, load<f64>(vals + (<usize>a << 3)) + load<f64>(vals + (<usize>(b - 1) << 3)));
  }
  let margin: f64 = 0;
  for (let e = a; e < b; e++) {
    const col = <usize>load<i32>(idx + (<usize>e << 2));
    if ((load<i32>(marks + (col << 2)) == st) != inv) {
      margin += load<f64>(vals + (<usize>e << 3)) * (sc * (load<f64>(px + (col << 3)) - load<f64>(vv + (col << 3))));
    }
  }
  coordsTouched += <f64>m;
  const c = w * lossDeriv(lossKind, load<f64>(pAv + (<usize>i << 3)) + margin, label(i));
  rowsTouched += 1;
  let ok = true;
  const zero: f64 = 0;
  const q0 = one ? zero : zero / div;
  for (let k = 0; k < m; k++) {
    const j = <usize>load<i32>(supp + (<usize>k << 2)) << 3;
    const xj = load<f64>(px + j), vj = load<f64>(vv + j);
    store<f64>(tmp + j, xj);
    const nx = xj - g * (sc * (q0 + lam * (vj + sc * (xj - vj))));
    if (!isFinite(nx)) ok = false;
    store<f64>(px + j, nx);
  }
  for (let e = a; e < b; e++) {
    const col = <usize>load<i32>(idx + (<usize>e << 2));
    if ((load<i32>(marks + (col << 2)) == st) != inv) {
      const j = col << 3;
      const xj = load<f64>(tmp + j), vj = load<f64>(vv + j);
      let acc: f64 = 0;
      acc += c * load<f64>(vals + (<usize>e << 3));
      const nx = xj - g * (sc * ((one ? acc : acc / div) + lam * (vj + sc * (xj - vj))));
      if (!isFinite(nx)) ok = false;
      store<f64>(px + j, nx);
    }
  }
  if (!ok) {
    for (let k = 0; k < m; k++) {
      const j = <usize>load<i32>(supp + (<usize>k << 2)) << 3;
      store<f64>(px + j, load<f64>(tmp + j));
    }
    return 0;
  }
  coordsTouched += <f64>m;
  return 1;
}

/** singleRowStep(px, t, m, full, γ) -> 1 when taken: a DSGD step on one sampled row, fused: pass 1 accumulates the
 *  margin a_iᵀ(y − v) = Σ_k a_{i,T_k} s_k (x_{T_k} − v_{T_k}) straight from x and v (dense rows with masked(m): scattered
 *  into δ̄ and summed over the whole row, as gradientFromDelta does); pass 2 keeps x_T in pStash (for a
 *  roll-back) and writes x_T − γ s (w φ' a_T / D + λ (v + δ)), recomputing δ. The same operations, in the same order,
 *  as the general path (deltaFrom, gradientFromDelta, applySupportStep), so the same bits. */
function singleRowStep(px: usize, t: u64, m: i32, full: bool, g: f64): i32 {
  sampleRows(t);
  const i = load<i32>(pRowSel);
  const w = load<f64>(pRowW);
  const div = rowDivisor;
  const one = div == 1.0;
  const csr = dataKind == DATA_CSR;
  const supp = pSupp, scale = pScale, vv = pV, stash = pStash, delta = pDelta, acc = pAcc, slot = pSlot, lam = l2;
  let margin: f64;
  let row: usize = 0;
  const mask = !csr && !full && masked(m);
  if (!csr) {
    row = denseRow(i);
    if (full) margin = dotDiff(row, px, vv, m);
    else if (mask) {
      // masked: δ̄_{T_k} = s_k (x − v)_{T_k}, a_iᵀ(y − v) = dot(a_i, δ̄) over the whole row (δ̄ restored to 0 below)
      const zd = pMaskDelta;
      for (let k = 0; k < m; k++) {
        const j = <usize>load<i32>(supp + (<usize>k << 2)) << 3;
        store<f64>(zd + j, load<f64>(scale + (<usize>k << 3)) * (load<f64>(px + j) - load<f64>(vv + j)));
      }
      margin = dot(row, zd, dim);
    } else {
      // a_{i,T} copied first in one tight pass (its DRAM misses overlap), then the margin on the copy
      gatherInto(row, supp, pGather, m);
      margin = dotScaledDiffAt(pGather, supp, scale, px, vv, m);
    }
  } else if (full) {
    // identity on CSR rows: T_k = k, so the accumulators are indexed by the column itself (no slot map)
    memory.fill(acc, 0, <usize>m << 3);
    margin = rowDotDiff(i, px, vv);
  } else {
    for (let k = 0; k < m; k++) {
      const j = <usize>load<i32>(supp + (<usize>k << 2));
      store<f64>(delta + (<usize>k << 3), load<f64>(scale + (<usize>k << 3)) * (load<f64>(px + (j << 3)) - load<f64>(vv + (j << 3))));
      store<f64>(acc + (<usize>k << 3), 0);
      store<i32>(slot + (j << 2), k);
    }
    margin = rowDotSupport(i, supp, delta, m, slot, false);
  }
  coordsTouched += <f64>m;
  const c = w * lossDeriv(lossKind, load<f64>(pAv + (<usize>i << 3)) + margin, label(i));
  rowsTouched += 1;
  let ok = true;
  if (full) {
    if (csr) rowAxpy(i, c, acc);
    let next: usize = 0;
    if (!csr && (samplingKind == SAMPLE_NICE || samplingKind == SAMPLE_UNIFORM)) {
      const ni = peekRow(t + 1);
      if (ni >= 0) next = denseRow(ni);
    }
    ok = identityUpdate(px, row, m, c, g, div, next);
  } else if (!csr && !mask) {
    ok = gatheredUpdate(px, pGather, supp, scale, vv, stash, m, c, g, lam, div);
  } else if (!csr) {
    const zd = pMaskDelta;
    for (let k = 0; k < m; k++) {
      const o = <usize>k << 3;
      const j = <usize>load<i32>(supp + (<usize>k << 2)) << 3;
      const xj = load<f64>(px + j), vj = load<f64>(vv + j), sk = load<f64>(scale + o);
      store<f64>(stash + o, xj);
      store<f64>(zd + j, 0);
      let a: f64 = 0;
      a += c * load<f64>(row + j);
      const q = one ? a : a / div;
      const nx = xj - g * (sk * (q + lam * (vj + sk * (xj - vj))));
      if (!isFinite(nx)) ok = false;
      store<f64>(px + j, nx);
    }
  } else {
    rowAxpySupport(i, c, supp, acc, m, slot, false);
    for (let k = 0; k < m; k++) {
      const o = <usize>k << 3;
      const j = <usize>load<i32>(supp + (<usize>k << 2));
      const xj = load<f64>(px + (j << 3));
      store<f64>(stash + o, xj);
      const a = load<f64>(acc + o);
      const gk = load<f64>(scale + o) * ((one ? a : a / div) + lam * (load<f64>(vv + (j << 3)) + load<f64>(delta + o)));
      const nx = xj - g * gk;
      if (!isFinite(nx)) ok = false;
      store<f64>(px + (j << 3), nx);
      store<i32>(slot + (j << 2), -1);
    }
  }
  if (!ok) {
    for (let k = 0; k < m; k++) {
      const j = full ? <usize>k : <usize>load<i32>(supp + (<usize>k << 2));
      store<f64>(px + (j << 3), load<f64>(stash + (<usize>k << 3)));
    }
    return 0;
  }
  coordsTouched += <f64>m;
  return 1;
}

// gatheredUpdate(px, pa, supp, ps, pv, stash, m, c, γ, λ, D) -> every new x_{T_k} finite: singleRowStep's update on a
// gathered dense row (a_{i,T_k} at pa): stash_k = x_{T_k}, x_{T_k} ← x − γ s_k ((0 + c a_k) / D + λ (v + s_k (x − v)))
// (the division skipped when D = 1).
function gatheredUpdate(px: usize, pa: usize, supp: usize, ps: usize, pv: usize, stash: usize, m: i32, c: f64, g: f64,
                        lam: f64, div: f64): bool {
  const one = div == 1.0;
  let bad = 0;
  for (let k = 0; k < m; k++) {
    const o = <usize>k << 3;
    const j = <usize>load<i32>(supp + (<usize>k << 2)) << 3;
    const xj = load<f64>(px + j), vj = load<f64>(pv + j), sk = load<f64>(ps + o);
    store<f64>(stash + o, xj);
    let a: f64 = 0;
    a += c * load<f64>(pa + o);
    const nx = xj - g * (sk * ((one ? a : a / div) + lam * (vj + sk * (xj - vj))));
    bad |= <i32>!isFinite(nx);
    store<f64>(px + j, nx);
  }
  return bad == 0;
}

// peekRow(t) -> the row that one-row nice or uniform sampling draws at step t (word 0 of its sequence, Lemire), or −1
// when that draw would need a second word; no side effects (the draw itself is made by sampleRows).
@inline function peekRow(t: u64): i32 {
  const n = <u32>nRows;
  const m = <u64>load<u32>(firstWords(STREAM_ROWS, t)) * <u64>n;
  return <u32>m < n ? -1 : <i32>(m >> 32);
}

// touchRow(i): load the first entries of CSR row i (values, indices, a_iᵀv, label) so that their cache misses overlap
// the current step's work; the loads feed a store to scratch memory so that they are kept.
@inline function touchRow(i: i32): void {
  if (i < 0) return;
  const a = load<i32>(pIndptr + (<usize>i << 2));
  store<f64>(pTmp, load<f64>(pValues + (<usize>a << 3)) + <f64>load<i32>(pIndices + (<usize>a << 2)) +
    load<f64>(pAv + (<usize>i << 3)) + label(i));
}

/** lazyIdentityRun(px, t0, steps) -> steps done: DSGD with the identity sketch on CSR rows, one row a step, at O(nnz)
 *  a step. y = x, so x⁺ = (1 − γλ) x − γ (w φ'(a_iᵀx) / D) a_i; x is held as α u (u in pLazyU): α ← (1 − γλ) α and
 *  u_j ← u_j − γ w φ' a_ij / (D α⁺) on the row's columns only. u is renormalised (u ← α u, α = 1) whenever α < 1e-8;
 *  x = α u is written to the caller's x (O(d)) when the call ends, and (u, α) carry on into the next call, so the
 *  iterates do not depend on where a run is cut into calls. A step with γλ outside [0, 1), a row with more entries
 *  than d, or a step that would make some |u_j| > 1e300 (so that u could overflow before x does) is undone and taken
 *  by the eager path on x = α u, which alone decides divergence. The same iterates as the eager path up to rounding
 *  (the λ term is one product, not per coordinate). */
function lazyIdentityRun(px: usize, t0: u64, steps: i32): i32 {
  const d = dim, vv = pV, lam = l2, stash = pStash, av = pAv, u = pLazyU;
  const vals = pValues, idx = pIndices, ptr = pIndptr;
  if (!lazyValid) { memory.copy(u, px, <usize>d << 3); lazyAlpha = 1; lazyValid = true; }
  let alpha = lazyAlpha;
  const peek = samplingKind == SAMPLE_NICE || samplingKind == SAMPLE_UNIFORM;
  for (let s = 0; s < steps; s++) {
    const t = t0 + <u64>s;
    const g = stepSize(s);
    const shrink = 1.0 - g * lam;
    sampleRows(t);
    const i = load<i32>(pRowSel);
    const a = load<i32>(ptr + (<usize>i << 2)), b = load<i32>(ptr + (<usize>(i + 1) << 2));
    if (!(shrink > 0 && shrink <= 1) || b - a > d) {
      if (alpha != 1) { scale(alpha, u, d); coordsTouched += <f64>d; alpha = 1; }
      if (singleRowStep(u, t, d, true, g) == 0) return lazyStop(px, t, s);   // samples the same row again
      continue;
    }
    if (peek) touchRow(peekRow(t + 1));
    let margin: f64 = 0;
    for (let e = a; e < b; e++) {
      const j = <usize>load<i32>(idx + (<usize>e << 2)) << 3;
      margin += load<f64>(vals + (<usize>e << 3)) * (alpha * load<f64>(u + j) - load<f64>(vv + j));
    }
    const c = load<f64>(pRowW) * lossDeriv(lossKind, load<f64>(av + (<usize>i << 3)) + margin, label(i));
    const na = alpha * shrink;
    const div = rowDivisor;
    const f = div == 1.0 ? g * c / na : g * c / div / na;   // (g c)/1 is g c exactly: one division on the step's critical path, not two
    let ok = true;
    for (let e = a; e < b; e++) {
      const j = <usize>load<i32>(idx + (<usize>e << 2)) << 3;
      const uj = load<f64>(u + j);
      store<f64>(stash + (<usize>(e - a) << 3), uj);
      const nu = uj - f * load<f64>(vals + (<usize>e << 3));
      if (!(Math.abs(nu) <= 1e300)) ok = false;     // non-finite, or large enough that x/α could overflow first
      store<f64>(u + j, nu);
    }
    if (!ok || !isFinite(na)) {
      // undo, write x back and take this step eagerly: it decides whether x really becomes non-finite
      for (let e = b - 1; e >= a; e--) store<f64>(u + (<usize>load<i32>(idx + (<usize>e << 2)) << 3), load<f64>(stash + (<usize>(e - a) << 3)));
      if (alpha != 1) { scale(alpha, u, d); coordsTouched += <f64>d; alpha = 1; }
      if (singleRowStep(u, t, d, true, g) == 0) return lazyStop(px, t, s);
      continue;
    }
    rowsTouched += 1;
    coordsTouched += <f64>(2 * (b - a));
    alpha = na;
    if (alpha < 1e-8) { scale(alpha, u, d); coordsTouched += <f64>d; alpha = 1; }
  }
  lazyAlpha = alpha;
  memory.copy(px, u, <usize>d << 3);          // the caller's x = α u; (u, α) carry on into the next call
  if (alpha != 1) scale(alpha, px, d);
  coordsTouched += <f64>d;
  return steps;
}

// lazyStop(px, t, s) -> s: a diverging lazy run: x (α = 1 by then) back to the caller, the lazy state dropped.
function lazyStop(px: usize, t: u64, s: i32): i32 {
  memory.copy(px, pLazyU, <usize>dim << 3);
  lazyValid = false;
  failStep = <f64>t;
  return s;
}

/** The lazy path's state, kept across dsgdRun calls so that its iterates do not depend on where a run is cut into
 *  calls (record points, time checks, checkpoints): x = lazyAlpha · u with u at lazyStatePtr(), while lazyValid. */
export let lazyValid = false;
export let lazyAlpha: f64 = 1;
/** lazyReset(): drop the lazy state (the next lazy call starts from x with α = 1). */
export function lazyReset(): void { lazyValid = false; lazyAlpha = 1; }
/** lazyStatePtr(): where u lives (d f64). */
export function lazyStatePtr(): usize { return pLazyU; }
/** lazyStateAlpha() -> α, or 0 when there is no lazy state. */
export function lazyStateAlpha(): f64 { return lazyValid ? lazyAlpha : 0; }
/** setLazyState(α): take u (written at lazyStatePtr()) and α as the lazy state (resuming a checkpoint). */
export function setLazyState(alpha: f64): void { lazyAlpha = alpha; lazyValid = true; }

/** dsgdRun(px, t0, steps) -> steps done: runs steps t0 .. t0+steps−1 in place on x. Stops before the first step that
 *  would make a coordinate non-finite (x stays at the last finite iterate, failStep = that step). Work per step:
 *  O(|supp S| · rows) dense, O(Σ nnz of the rows + |supp S|) CSR; option I uses all n rows. */
export function dsgdRun(px: usize, t0: f64, steps: i32): i32 {
  setSketchStream(STREAM_SKETCH);
  const full = isIdentity() == 1;
  const start = <u64>t0;
  failStep = -1;
  const single = singleRowSampling();
  if (single && full && dataKind == DATA_CSR) return lazyIdentityRun(px, start, steps);
  const fusedRandK = single && dataKind == DATA_CSR && csrDistinct && sketchKind == SKETCH_RANDK;
  for (let s = 0; s < steps; s++) {
    const t = start + <u64>s;
    const m = single && full ? dim : sample(t);
    if (single) {
      const taken = fusedRandK ? csrRandKStep(px, t, m, stepSize(s)) : singleRowStep(px, t, m, full, stepSize(s));
      if (taken == 0) { failStep = <f64>t; return s; }
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
  return fusedPaths && problemKind == PROBLEM_DATA && samplingKind != SAMPLE_FULL && samplingKind != SAMPLE_INDEPENDENT && tau == 1;
}

/** pairedGradients(t, px, pw, m): the two sketched gradients of a variance-reduced step on one sampled row, at x
 *  (into pStash) and at w (into pAcc), fused: the same operations, in the same order, as deltaFrom + gradientFromDelta
 *  twice (rows sampled once, dense rows with masked(m) summed over the whole row), with δ_w kept in pY. */
export function pairedGradients(t: u64, px: usize, pw: usize, m: i32): void {
  const lSupp = pSupp, lScale = pScale, lV = pV, lDelta = pDelta, lAcc = pAcc, lSlot = pSlot, lStash = pStash, lY = pY, lAv = pAv;
  sampleRows(t);
  const i = load<i32>(pRowSel);
  const wt = load<f64>(pRowW);
  const div = rowDivisor;
  const one = div == 1.0;
  const base = load<f64>(lAv + (<usize>i << 3));
  coordsTouched += <f64>(2 * m);
  rowsTouched += 2;
  if (dataKind != DATA_CSR) {
    const row = denseRow(i), mask = masked(m), zx = pMaskDelta, zw = pMaskAcc, ga = pGather;
    let mx: f64, mw: f64;
    if (mask) {
      // masked (as gradientFromDelta): margins over the whole row against δ̄_x and δ̄_w (the latter in pMaskAcc)
      memory.fill(zw, 0, <usize>dim << 3);
      for (let k = 0; k < m; k++) {
        const j = <usize>load<i32>(lSupp + (<usize>k << 2)) << 3;
        const sk = load<f64>(lScale + (<usize>k << 3)), vj = load<f64>(lV + j);
        const dx = sk * (load<f64>(px + j) - vj), dw = sk * (load<f64>(pw + j) - vj);
        store<f64>(lDelta + (<usize>k << 3), dx);
        store<f64>(lY + (<usize>k << 3), dw);
        store<f64>(zx + j, dx);
        store<f64>(zw + j, dw);
      }
      mx = dot(row, zx, dim); mw = dot(row, zw, dim);
    } else {
      gatherInto(row, lSupp, ga, m);   // a_{i,T} in one tight pass: its misses overlap
      let x0: f64 = 0, x1: f64 = 0, x2: f64 = 0, x3: f64 = 0, w0: f64 = 0, w1: f64 = 0, w2: f64 = 0, w3: f64 = 0;
      let k = 0;
      for (; k + 4 <= m; k += 4) {
        for (let l = 0; l < 4; l++) {
          const kk = k + l;
          const j = <usize>load<i32>(lSupp + (<usize>kk << 2));
          const sk = load<f64>(lScale + (<usize>kk << 3)), vj = load<f64>(lV + (j << 3)), a = load<f64>(ga + (<usize>kk << 3));
          const dx = sk * (load<f64>(px + (j << 3)) - vj), dw = sk * (load<f64>(pw + (j << 3)) - vj);
          store<f64>(lDelta + (<usize>kk << 3), dx);
          store<f64>(lY + (<usize>kk << 3), dw);
          if (l == 0) { x0 += a * dx; w0 += a * dw; } else if (l == 1) { x1 += a * dx; w1 += a * dw; }
          else if (l == 2) { x2 += a * dx; w2 += a * dw; } else { x3 += a * dx; w3 += a * dw; }
        }
      }
      mx = (x0 + x2) + (x1 + x3); mw = (w0 + w2) + (w1 + w3);
      for (; k < m; k++) {
        const j = <usize>load<i32>(lSupp + (<usize>k << 2));
        const sk = load<f64>(lScale + (<usize>k << 3)), vj = load<f64>(lV + (j << 3)), a = load<f64>(ga + (<usize>k << 3));
        const dx = sk * (load<f64>(px + (j << 3)) - vj), dw = sk * (load<f64>(pw + (j << 3)) - vj);
        store<f64>(lDelta + (<usize>k << 3), dx);
        store<f64>(lY + (<usize>k << 3), dw);
        mx += a * dx; mw += a * dw;
      }
    }
    const cx = wt * lossDeriv(lossKind, base + mx, label(i)), cw = wt * lossDeriv(lossKind, base + mw, label(i));
    for (let k2 = 0; k2 < m; k2++) {
      const o = <usize>k2 << 3;
      const j = <usize>load<i32>(lSupp + (<usize>k2 << 2));
      const a = mask ? load<f64>(row + (j << 3)) : load<f64>(ga + o), sk = load<f64>(lScale + o), vj = load<f64>(lV + (j << 3));
      let ax: f64 = 0, aw: f64 = 0;
      ax += cx * a; aw += cw * a;
      store<f64>(lStash + o, sk * ((one ? ax : ax / div) + l2 * (vj + load<f64>(lDelta + o))));
      store<f64>(lAcc + o, sk * ((one ? aw : aw / div) + l2 * (vj + load<f64>(lY + o))));
      if (mask) store<f64>(zx + (j << 3), 0);   // δ̄ back to 0
    }
    return;
  }
  for (let k = 0; k < m; k++) {
    const o = <usize>k << 3;
    const j = <usize>load<i32>(lSupp + (<usize>k << 2));
    const sk = load<f64>(lScale + o), vj = load<f64>(lV + (j << 3));
    store<f64>(lDelta + o, sk * (load<f64>(px + (j << 3)) - vj));
    store<f64>(lY + o, sk * (load<f64>(pw + (j << 3)) - vj));
    store<f64>(lStash + o, 0);
    store<f64>(lAcc + o, 0);
    store<i32>(lSlot + (j << 2), k);
  }
  const cx = wt * lossDeriv(lossKind, base + rowDotSupport(i, lSupp, lDelta, m, lSlot, false), label(i));
  const cw = wt * lossDeriv(lossKind, base + rowDotSupport(i, lSupp, lY, m, lSlot, false), label(i));
  rowAxpySupport(i, cx, lSupp, lStash, m, lSlot, false);
  rowAxpySupport(i, cw, lSupp, lAcc, m, lSlot, false);
  for (let k = 0; k < m; k++) {
    const o = <usize>k << 3;
    const j = <usize>load<i32>(lSupp + (<usize>k << 2));
    const sk = load<f64>(lScale + o), vj = load<f64>(lV + (j << 3));
    const ax = load<f64>(lStash + o), aw = load<f64>(lAcc + o);
    store<f64>(lStash + o, sk * ((one ? ax : ax / div) + l2 * (vj + load<f64>(lDelta + o))));
    store<f64>(lAcc + o, sk * ((one ? aw : aw / div) + l2 * (vj + load<f64>(lY + o))));
    store<i32>(lSlot + (j << 2), -1);
  }
}
