// Double Sketched (S)GD, Algorithm 1: y = v + S(x − v), g = S ∇̂f(y), x ← x − γ g, on supp S only. The general path
// (any sketch, any sampler, several rows a step) and the run loop; the fused one-row kernels are in fused.ts.
import { SKETCH_RANDK, SAMPLE_FULL, SAMPLE_NICE, ERR_STATE, STREAM_SKETCH, PATH_GENERAL, PATH_SINGLE_ROW, PATH_CSR_RANDK } from "./codes";
import { sample, isIdentity, pSupp, pScale, setSketchStream, kind as sketchKind } from "./sketch";
import { dot, dot4, axpy4, gatherDot, gatherInto } from "./vector";
import { nRows, dataKind, DATA_CSR, DATA_DENSE, rowDotPair, rowAxpy, rowDotSupport, rowAxpySupport, label, denseRow } from "./data";
import { lossDeriv } from "./loss";
import { samplingKind, samplingConfigure, sampleRows, pRowSel, pRowW, rowDivisor } from "./sampling";
import { problemKind, PROBLEM_QUADRATIC, lossKind, lamOf, dim, pA, pB, pV, pAv, pDelta, pAcc, pSlot, csrDistinct, pMaskDelta, pMaskAcc, pGather, masked } from "./problem";
import { fail } from "./errors";
import { setStep, stepSize, coordsTouched, rowsTouched, failStep, countPath, singleRowSampling, lazyBatchSampling } from "./run";
import { csrRandKStep, singleRowStep, lazyIdentityRun, lazyNeedsEager, clearLazyNeedsEager } from "./fused";
import { averaging, avgTouch, avgTouchAll } from "./average";
import { sketchedCoord } from "./update";

let lastRows: i32 = -1;    // rows of the last sampled batch (for ROWS_REUSE); −1: none sampled in this run
let lastDivisor: f64 = 1;

export const ROWS_STEP: i32 = 0;   // the step's rows: all rows (option I) or a fresh sample (option II)
export const ROWS_ALL: i32 = 1;    // all rows, whatever the sampler
export const ROWS_REUSE: i32 = 2;  // the rows sampled by the previous call (control variates)

/** dsgdConfigure(τ, γ, pGammas): τ = 0 full data, else τ-nice; constant γ or a γ_t buffer. Other samplers: samplingConfigure. */
export function dsgdConfigure(tau: i32, g: f64, gammas: usize): void {
  setStep(g, gammas);
  lastRows = -1; lastDivisor = 1;   // a run never reuses the rows of an earlier one
  samplingConfigure(tau == 0 ? SAMPLE_FULL : SAMPLE_NICE, tau, 0, 0, 0);
}
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
    if (csr) store<i32>(lSlot + (<usize>load<i32>(lSupp + (<usize>k << 2)) << 2), k + 1);
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
      // (two chains of additions in flight), then the two axpys in order. A sparse support stays one row at a time:
      // there the slot tests, not the additions, bound the walk.
      const t2 = quadBuf;
      for (; i + 2 <= n; i += 2) {
        rowDotPair(i, z, t2);
        rowAxpy(i, lossDeriv(lossKind, load<f64>(lAv + (<usize>i << 3)) + load<f64>(t2), label(i)), acc);
        rowAxpy(i + 1, lossDeriv(lossKind, load<f64>(lAv + (<usize>(i + 1) << 3)) + load<f64>(t2, 8), label(i + 1)), acc);
      }
    }
    for (; i < n; i++) accumulateRow(i, 1.0, mm, whole, z, acc);   // consecutive rows: one memory stream suffices
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
    store<f64>(lAcc + o, sketchedCoord(load<f64>(lScale + o), load<f64>(lAcc + o), div, div == 1.0, lamOf(<i32>j), load<f64>(lV + (j << 3)), load<f64>(lDelta + o)));
    if (csr) store<i32>(lSlot + (j << 2), 0);
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

/** dsgdRun(px, t0, steps) -> steps done: runs steps t0 .. t0+steps−1 in place on x. Stops before the first step that
 *  would make a coordinate non-finite (x stays at the last finite iterate, failStep = that step). Work per step:
 *  O(|supp S| · rows) dense, O(Σ nnz of the rows + |supp S|) CSR; option I uses all n rows. */
export function dsgdRun(px: usize, t0: f64, steps: i32): i32 {
  setSketchStream(STREAM_SKETCH);
  const full = isIdentity() == 1;
  const start = <u64>t0;
  failStep = -1;
  const single = singleRowSampling();
  if (full && dataKind == DATA_CSR && (single || lazyBatchSampling())) {
    // x = α u, O(nnz) a step, averaged steps included (B mode); a minibatch step the lazy form cannot take safely is
    // taken here by the eager path, and the lazy path resumes after it
    let done = 0;
    while (true) {
      done += lazyIdentityRun(px, start + <u64>done, steps - done, done);
      if (!lazyNeedsEager) return done;
      clearLazyNeedsEager();
      if (eagerRun(px, start + <u64>done, 1, full, false, done) == 0) return done;
      done++;
      if (done == steps) return done;
    }
  }
  return eagerRun(px, start, steps, full, single, 0);
}

// eagerRun(px, start, steps, full, single, s0): dsgdRun's steps on x itself (the averaging touch before each averaged
// step); s0 = the steps of this call already taken (γ of step start + s is stepSize(s0 + s)).
function eagerRun(px: usize, start: u64, steps: i32, full: bool, single: bool, s0: i32): i32 {
  const fusedRandK = single && dataKind == DATA_CSR && csrDistinct && sketchKind == SKETCH_RANDK;
  const path = !single ? PATH_GENERAL : fusedRandK ? PATH_CSR_RANDK : PATH_SINGLE_ROW;
  for (let s = 0; s < steps; s++) {
    const t = start + <u64>s;
    const m = single && full ? dim : sample(t);
    if (averaging(t)) { if (full) avgTouchAll(px, t); else avgTouch(px, pSupp, m, t); }
    if (single) {
      const taken = fusedRandK ? csrRandKStep(px, t, m, stepSize(s0 + s)) : singleRowStep(px, t, m, full, stepSize(s0 + s));
      if (taken == 0) { failStep = <f64>t; countPath(path, s); return s; }
      continue;
    }
    deltaFrom(px, m);
    gradientFromDelta(t, m, full, ROWS_STEP);
    if (applySupportStep(px, m, stepSize(s0 + s)) == 0) { failStep = <f64>t; countPath(path, s); return s; }
  }
  countPath(path, steps);
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

