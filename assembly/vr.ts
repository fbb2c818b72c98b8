// Variance reduction on the double-sketched finite sum f_D = (1/N) Σ_j f_{S_j} (L-SVRDSG and loopy SVRG), and the
// finite sketch set {S_1..S_N} they need. State: x (px), the reference point w and the reference gradient G.
import { VR_LSVRG, VR_SVRG, ERR_STATE, STREAM_SKETCH, STREAM_REFERENCE, STREAM_REFRESH, PATH_GENERAL, PATH_PAIRED, PATH_VR_IDENTITY_CSR } from "./codes";
import { firstBelow, firstUniform } from "./philox";
import { pSupp, pScale, floyd, scalesChanged } from "./sketch";
import { alloc } from "./memory";
import { fail } from "./errors";
import { problemKind, PROBLEM_MODEL, PROBLEM_DATA, dim, pW, pG, pGradX, pJournal, pAcc, pV, pAv, l2, lossKind, csrDistinct } from "./problem";
import { dataKind, DATA_CSR, pValues, pIndices, pIndptr, label } from "./data";
import { sampleRows, pRowSel, pRowW, rowDivisor } from "./sampling";
import { lossDeriv } from "./loss";
import { allFinite } from "./vector";
import { coordsTouched, rowsTouched, stepSize, singleRowSampling, countPath } from "./run";
import { deltaFrom, gradientFromDelta, ROWS_STEP, ROWS_REUSE, ROWS_ALL } from "./dsgd";
import { pairedGradients } from "./fused";
import { averaging, avgTouchAll } from "./average";
import { sketchedCoord } from "./update";

let pOff: usize = 0;      // set: offsets (i32, N+1)
let pIdx: usize = 0;      // set: supports (i32)
let pSc: usize = 0;       // set: scales (f64)
export let setSize: i32 = 0;
let pSetSel: usize = 0;   // reference minibatch (i32, N)
let pFull: usize = 0;     // 1 for a member that is the identity (support 0..d−1 in order, scales 1), else 0 (i32, N)
let pSetMark: usize = 0;  // Floyd stamps over the set (i32, N)
let setStamp: i32 = 0;
let vrKind: i32 = VR_LSVRG;
let refB: i32 = 1;
let refP: f64 = 1;
let period: i32 = 1;
/** Step at which a non-finite iterate appeared, or −1; refreshes done by the last vrRun. */
export let vrFailStep: f64 = -1;
export let refreshes: f64 = 0;
let vrCoords: f64 = 0;

/** sketchSetAlloc(N, total) -> pointer to [offsets (N+1 i32) | indices (total i32) | scales (total f64)]. */
export function sketchSetAlloc(N: i32, total: i32): usize {
  pOff = alloc(<usize>(N + 1) << 2);
  const tot: i32 = total > 0 ? total : 1;
  pIdx = alloc(<usize>tot << 2);
  pSc = alloc(<usize>tot << 3);
  pSetSel = alloc(<usize>N << 2);
  pSetMark = alloc(<usize>N << 2);
  pFull = alloc(<usize>N << 2);
  setSize = N; setStamp = 0;
  return pOff;
}
export function sketchSetIndices(): usize { return pIdx; }
export function sketchSetScales(): usize { return pSc; }

/** loadSetSketch(j) -> m: copy S_j of the set into the sketch buffers. */
export function loadSetSketch(j: i32): i32 {
  const a = load<i32>(pOff + (<usize>j << 2)), b = load<i32>(pOff + (<usize>(j + 1) << 2));
  const m = b - a;
  memory.copy(pSupp, pIdx + (<usize>a << 2), <usize>m << 2);
  memory.copy(pScale, pSc + (<usize>a << 3), <usize>m << 3);
  scalesChanged();
  return m;
}

/** vrConfigure(kind, b, p, m): L-SVRG (refresh probability p) or SVRG (snapshot every m), reference minibatch b. */
export function vrConfigure(kind: i32, b: i32, p: f64, m: i32): void {
  if (setSize == 0) fail(ERR_STATE);
  vrKind = kind; refB = b; refP = p; period = m;
  for (let j = 0; j < setSize; j++) {
    const a = load<i32>(pOff + (<usize>j << 2)), e = load<i32>(pOff + (<usize>(j + 1) << 2));
    let full = e - a == dim;
    for (let k = 0; full && k < dim; k++) {
      full = load<i32>(pIdx + (<usize>(a + k) << 2)) == k && load<f64>(pSc + (<usize>(a + k) << 3)) == 1.0;
    }
    store<i32>(pFull + (<usize>j << 2), full ? 1 : 0);
  }
}

/** refreshBatch(t) -> b: the reference minibatch of step t (b of N without replacement) into the selection buffer. */
export function refreshBatch(t: f64): i32 { return drawReference(<u64>t); }

function drawReference(t: u64): i32 {
  if (setStamp == 0x7ffffffe) { memory.fill(pSetMark, 0, <usize>setSize << 2); setStamp = 0; }
  floyd(setSize, refB, STREAM_REFERENCE, t, pSetSel, pSetMark, ++setStamp);
  return refB;
}
/** refreshMember(r) -> j: member r of the last reference minibatch. */
export function refreshMember(r: i32): i32 { return load<i32>(pSetSel + (<usize>r << 2)); }

/** refreshDue(t): 1 when the reference point is refreshed before step t (SVRG: t mod m = 0; L-SVRG: t = 0 or the
 *  coin of step t−1 came up, u < p). */
export function refreshDue(t: f64): i32 {
  const s = <u64>t;
  if (vrKind == VR_SVRG) return s % <u64>period == 0 ? 1 : 0;
  if (s == 0) return 1;
  return firstUniform(STREAM_REFRESH, s - 1) < refP ? 1 : 0;
}

/** beginRefresh(px): w ← x, G ← 0. */
export function beginRefresh(px: usize): void {
  memory.copy(pW, px, <usize>dim << 3);
  memory.fill(pG, 0, <usize>dim << 3);
  refreshes += 1;
}
/** accumulateG(m): G_{T_k} += acc_k. */
export function accumulateG(m: i32): void {
  const gg = pG, supp = pSupp, acc = pAcc;
  for (let k = 0; k < m; k++) {
    const p = gg + (<usize>load<i32>(supp + (<usize>k << 2)) << 3);
    store<f64>(p, load<f64>(p) + load<f64>(acc + (<usize>k << 3)));
  }
}
/** endRefresh(): G ← G / b. */
export function endRefresh(): void {
  const b = <f64>refB;
  for (let i = 0; i < dim; i++) { const p = pG + (<usize>i << 3); store<f64>(p, load<f64>(p) / b); }
}

// refresh(px, t): w ← x; G ← (1/b) Σ_{j∈B_t} S_j ∇f(v + S_j(w − v)) with all data rows.
function refresh(px: usize, t: u64): void {
  beginRefresh(px);
  const b = drawReference(t);
  for (let r = 0; r < b; r++) {
    const m = loadSetSketch(refreshMember(r));
    deltaFrom(pW, m);
    gradientFromDelta(t, m, false, ROWS_ALL);
    accumulateG(m);
  }
  endRefresh();
}

/** stashAcc(m): keep acc (the gradient at x) for vrUpdate. */
export function stashAcc(m: i32): void { memory.copy(pGradX, pAcc, <usize>m << 3); }

/** vrUpdate(px, m, γ) -> 1 when taken: x ← x − γ (G + S_j-part: g_x − g_w), with g_x stashed and g_w in acc.
 *  Dense: O(d), one pass over x and G (old x journalled in pJournal) and one over the support. x is unchanged (0 returned)
 *  if any coordinate would be non-finite. */
export function vrUpdate(px: usize, m: i32, g: f64): i32 {
  const d = dim, journal = pJournal, gg = pG, supp = pSupp, gx = pGradX, acc = pAcc;
  let ok = true;
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const vg = f64x2.splat(g), zero = f64x2.splat(0);
    let bad = i64x2.splat(0);
    for (; i + 2 <= d; i += 2) {
      const o = <usize>i << 3;
      const x = v128.load(px + o);
      v128.store(journal + o, x);
      const nx = f64x2.sub(x, f64x2.mul(vg, v128.load(gg + o)));
      bad = v128.or(bad, f64x2.ne(f64x2.sub(nx, nx), zero));
      v128.store(px + o, nx);
    }
    if (v128.any_true(bad)) ok = false;
  }
  for (; i < d; i++) {
    const o = <usize>i << 3;
    const x = load<f64>(px + o);
    store<f64>(journal + o, x);
    const nx = x - g * load<f64>(gg + o);
    if (!isFinite(nx)) ok = false;
    store<f64>(px + o, nx);
  }
  // the support: from the journalled x (its coordinates are distinct)
  for (let k = 0; k < m; k++) {
    const j = <usize>load<i32>(supp + (<usize>k << 2)) << 3;
    const o = <usize>k << 3;
    const nx = load<f64>(journal + j) - g * (load<f64>(gg + j) + (load<f64>(gx + o) - load<f64>(acc + o)));
    if (!isFinite(nx)) ok = false;
    store<f64>(px + j, nx);
  }
  if (!ok) { memory.copy(px, journal, <usize>d << 3); return 0; }
  vrCoords += <f64>d;
  return 1;
}

// identityCsrStep(px, t, γ) -> 1 when taken: a VR step whose set member is the identity, on one CSR row (no repeated
// columns): pairedGradients + vrUpdate fused into one pass over the coordinates. Off the row, g_x − g_w is
// λ(v + δx) − λ(v + δw) (the accumulators are +0 there); a walk of the row then redoes its columns from the journalled
// x with a = 0 + c·a_ij. The same operations, in the same order, as the general path, so the same bits.
function identityCsrStep(px: usize, t: u64, g: f64): i32 {
  sampleRows(t);
  const i = load<i32>(pRowSel);
  const wt = load<f64>(pRowW);
  const div = rowDivisor;
  const one = div == 1.0;
  const d = dim, vv = pV, pw = pW, gg = pG, journal = pJournal, lam = l2;
  const vals = pValues, idx = pIndices;
  const a = load<i32>(pIndptr + (<usize>i << 2)), b = load<i32>(pIndptr + (<usize>(i + 1) << 2));
  let mx: f64 = 0, mw: f64 = 0;
  for (let e = a; e < b; e++) {
    const j = <usize>load<i32>(idx + (<usize>e << 2)) << 3, ae = load<f64>(vals + (<usize>e << 3)), vj = load<f64>(vv + j);
    mx += ae * (1.0 * (load<f64>(px + j) - vj));
    mw += ae * (1.0 * (load<f64>(pw + j) - vj));
  }
  const base = load<f64>(pAv + (<usize>i << 3));
  const cx = wt * lossDeriv(lossKind, base + mx, label(i)), cw = wt * lossDeriv(lossKind, base + mw, label(i));
  coordsTouched += <f64>(2 * d);
  rowsTouched += 2;
  const zero: f64 = 0;
  for (let k = 0; k < d; k++) {
    const o = <usize>k << 3;
    const x = load<f64>(px + o), v = load<f64>(vv + o), w = load<f64>(pw + o);
    store<f64>(journal + o, x);
    const gx = sketchedCoord(1.0, zero, div, one, lam, v, 1.0 * (x - v)), gw = sketchedCoord(1.0, zero, div, one, lam, v, 1.0 * (w - v));
    store<f64>(px + o, x - g * (load<f64>(gg + o) + (gx - gw)));   // final off the row; the row's columns follow
  }
  for (let e = a; e < b; e++) {
    const j = <usize>load<i32>(idx + (<usize>e << 2)) << 3, ae = load<f64>(vals + (<usize>e << 3));
    const x = load<f64>(journal + j), v = load<f64>(vv + j), w = load<f64>(pw + j);
    let ax: f64 = 0, aw: f64 = 0;
    ax += cx * ae; aw += cw * ae;
    const gx = sketchedCoord(1.0, ax, div, one, lam, v, 1.0 * (x - v));
    const gw = sketchedCoord(1.0, aw, div, one, lam, v, 1.0 * (w - v));
    store<f64>(px + j, x - g * (load<f64>(gg + j) + (gx - gw)));
  }
  if (allFinite(px, d) == 0) { memory.copy(px, journal, <usize>d << 3); return 0; }
  vrCoords += <f64>d;
  return 1;
}

/** setDraw(t) -> j: the set member used by step t, uniform over N. */
export function setDraw(t: f64): i32 { return <i32>firstBelow(STREAM_SKETCH, <u64>t, <u32>setSize); }

/** vrRun(px, t0, steps) -> steps done: L-SVRG / SVRG steps on data or quadratic problems. Per step: two sketched
 *  gradients on the same rows (at x and at w) and a dense update; refreshes cost b full-data sketched gradients. */
export function vrRun(px: usize, t0: f64, steps: i32): i32 {
  if (problemKind == PROBLEM_MODEL) fail(ERR_STATE);
  const start = <u64>t0;
  vrFailStep = -1;
  const fused = singleRowSampling();
  const csrFull = fused && problemKind == PROBLEM_DATA && dataKind == DATA_CSR && csrDistinct;
  let s = 0;
  let identitySteps = 0, pairedSteps = 0;
  for (; s < steps; s++) {
    const t = start + <u64>s;
    if (refreshDue(<f64>t)) refresh(px, t);
    const member = setDraw(<f64>t);
    if (averaging(t)) avgTouchAll(px, t);   // every VR update moves all of x (G is dense)
    if (csrFull && load<i32>(pFull + (<usize>member << 2)) != 0) {
      if (identityCsrStep(px, t, stepSize(s)) == 0) { vrFailStep = <f64>t; break; }
      identitySteps++;
      continue;
    }
    const m = loadSetSketch(member);
    if (fused) {
      pairedGradients(t, px, pW, m);
      if (vrUpdate(px, m, stepSize(s)) == 0) { vrFailStep = <f64>t; break; }
      pairedSteps++;
      continue;
    }
    deltaFrom(px, m);
    gradientFromDelta(t, m, false, ROWS_STEP);
    stashAcc(m);
    deltaFrom(pW, m);
    gradientFromDelta(t, m, false, ROWS_REUSE);
    if (vrUpdate(px, m, stepSize(s)) == 0) { vrFailStep = <f64>t; break; }
  }
  countPath(PATH_VR_IDENTITY_CSR, identitySteps);
  countPath(PATH_PAIRED, pairedSteps);
  countPath(PATH_GENERAL, s - identitySteps - pairedSteps);
  return s;
}

/** setGradient(px, pOut): ∇f_D(x) = (1/N) Σ_j S_j ∇f(v + S_j(x − v)) over the whole set, all rows (exact). */
export function setGradient(px: usize, pOut: usize): void {
  memory.fill(pOut, 0, <usize>dim << 3);
  for (let j = 0; j < setSize; j++) {
    const m = loadSetSketch(j);
    deltaFrom(px, m);
    gradientFromDelta(0, m, false, ROWS_ALL);
    for (let k = 0; k < m; k++) {
      const p = pOut + (<usize>load<i32>(pSupp + (<usize>k << 2)) << 3);
      store<f64>(p, load<f64>(p) + load<f64>(pAcc + (<usize>k << 3)));
    }
  }
  const n = <f64>setSize;
  for (let i = 0; i < dim; i++) { const p = pOut + (<usize>i << 3); store<f64>(p, load<f64>(p) / n); }
}

export function wPtr(): usize { return pW; }
export function gPtr(): usize { return pG; }
export function getVrFailStep(): f64 { return vrFailStep; }
export function getVrCoords(): f64 { return vrCoords; }
export function getRefreshes(): f64 { return refreshes; }
export function resetVrCounters(): void { vrCoords = 0; refreshes = 0; vrFailStep = -1; }
