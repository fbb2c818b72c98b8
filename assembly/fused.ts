// The fused one-row kernels: a DSGD step (or a VR step's two gradients) on one sampled row, in one or two passes
// over the support, with the operations of the general path (dsgd.ts) in the same order, so the same bits; and the
// lazy ℓ2 path for the identity on CSR rows (its iterates equal the eager path's to rounding).
import { SAMPLE_NICE, SAMPLE_UNIFORM, STREAM_ROWS, PATH_LAZY, PATH_SINGLE_ROW } from "./codes";
import { pSupp, pScale, pMark, memberStamp, memberInverted, memberHashed, tableSlot } from "./sketch";
import { firstWords } from "./philox";
import { dot, gatherInto, dotDiff, dotScaledDiffAt, scale, scaleInto } from "./vector";
import { nRows, dataKind, DATA_CSR, pValues, pIndices, pIndptr, rowDotDiff, rowAxpy, rowDotSupport, rowAxpySupport, label, denseRow } from "./data";
import { lossDeriv } from "./loss";
import { samplingKind, sampleRows, pRowSel, pRowW, rowDivisor } from "./sampling";
import { lossKind, l2, dim, pV, pAv, pDelta, pAcc, pSlot, pJournal, pGradX, pY, pLazyU, pMaskDelta, pMaskAcc, pGather, masked } from "./problem";
import { stepSize, coordsTouched, rowsTouched, failStep, countPath, singleRowSampling, countDensePass } from "./run";
import { sketchedCoord } from "./update";
import { averaging, avgLazyOn, avgLazyEnter, avgLazyTouchRow, avgLazyAdvance, avgLazyRebase, avgLazyLeave } from "./average";

// Loads whose values only need to reach memory (touches of the next step's row) are stored here.
const sink: usize = memory.data(16, 16);

// identityUpdate(px, row, m, c, γ, div, next) -> ok: the identity step's update over all m = d coordinates, keeping x
// in pJournal: x ← x − γ (a/D + λ (v + δ)) with δ = x − v and a = 0 + c a_i (dense row at `row`) or a = acc already
// accumulated in pAcc (CSR rows: pass row = 0). f64x2 when D = 1, elementwise, so the same bits either way. With a
// dense `next` row (0 for none), one 64-byte line of it is loaded every 8 coordinates, so that the next step's row
// streams in while this one is updated.
function identityUpdate(px: usize, row: usize, m: i32, c: f64, g: f64, div: f64, next: usize): bool {
  const vv = pV, journal = pJournal, acc = pAcc, lam = l2;
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
        bad = v128.or(bad, identityPair(px + o, row + o, vv + o, journal + o, vc, vl, vg, true, 0));
        bad = v128.or(bad, identityPair(px + o + 16, row + o + 16, vv + o + 16, journal + o + 16, vc, vl, vg, true, 0));
        bad = v128.or(bad, identityPair(px + o + 32, row + o + 32, vv + o + 32, journal + o + 32, vc, vl, vg, true, 0));
        bad = v128.or(bad, identityPair(px + o + 48, row + o + 48, vv + o + 48, journal + o + 48, vc, vl, vg, true, 0));
      }
      v128.store(sink, touch);
    }
    for (; k + 2 <= m; k += 2) {
      const o = <usize>k << 3;
      bad = v128.or(bad, identityPair(px + o, row + o, vv + o, journal + o, vc, vl, vg, dense, acc + o));
    }
    if (v128.any_true(bad)) ok = false;
  }
  for (; k < m; k++) {
    const o = <usize>k << 3;
    const x = load<f64>(px + o), v = load<f64>(vv + o);
    store<f64>(journal + o, x);
    let a: f64 = 0;
    if (dense) a += c * load<f64>(row + o); else a = load<f64>(acc + o);
    const nx = x - g * sketchedCoord(1.0, a, div, one, lam, v, x - v);
    if (!isFinite(nx)) ok = false;
    store<f64>(px + o, nx);
  }
  return ok;
}

// identityPair(…) -> mask: two coordinates of identityUpdate (f64x2); the mask is non-zero where x⁺ is not finite.
@inline function identityPair(px: usize, prow: usize, pv: usize, pjournal: usize, vc: v128, vl: v128, vg: v128, dense: bool, pacc: usize): v128 {
  const x = v128.load(px), v = v128.load(pv);
  v128.store(pjournal, x);
  const a = dense ? f64x2.add(f64x2.splat(0), f64x2.mul(vc, v128.load(prow))) : v128.load(pacc);
  const nx = f64x2.sub(x, f64x2.mul(vg, f64x2.add(a, f64x2.mul(vl, f64x2.add(v, f64x2.sub(x, v))))));
  v128.store(px, nx);
  return f64x2.ne(f64x2.sub(nx, nx), f64x2.splat(0));   // x − x is 0 exactly when x is finite
}


// csrRandKStep(px, t, m, γ) -> 1 when taken: singleRowStep for a Rand-K sketch on CSR rows without repeated columns.
// Membership j ∈ T comes from the sampler's marks, and s_k = d/K for every k, so the margin is one walk of the row
// (Σ over its entries in T of a_ij s (x_j − v_j)) with no δ or slot pass; the update takes every k ∈ T with a = 0
// (old x journalled by column in pJournal), and a second walk of the row redoes its entries in T with a = 0 + c a_ij.
// The same operations, in the same order, as the general path (rowDotSupport, rowAxpySupport, the update).
export function csrRandKStep(px: usize, t: u64, m: i32, g: f64): i32 {
  sampleRows(t);
  const i = load<i32>(pRowSel);
  const w = load<f64>(pRowW);
  const div = rowDivisor;
  const one = div == 1.0;
  const supp = pSupp, vv = pV, journal = pJournal, lam = l2, marks = pMark, st = memberStamp, inv = memberInverted;
  const vals = pValues, idx = pIndices;
  const sc = load<f64>(pScale);
  const a = load<i32>(pIndptr + (<usize>i << 2)), b = load<i32>(pIndptr + (<usize>(i + 1) << 2));
  if (b > a && <i64>m * <i64>(b - a) >= <i64>dim) {
    // the row's values are read only at its members, about m·nnz/d of them: when that is at least one, load the first
    // and last lines of the values now, so that those misses overlap the index walk's instead of following it
    store<f64>(sink, load<f64>(vals + (<usize>a << 3)) + load<f64>(vals + (<usize>(b - 1) << 3)));
  }
  // membership from the marks, or from the sampler's small table when K ≪ d (memberHashed: then the journal is by
  // position k in T, not by column, so that no d-sized array is touched at random)
  const hashed = memberHashed;
  let margin: f64 = 0;
  for (let e = a; e < b; e++) {
    const col = <usize>load<i32>(idx + (<usize>e << 2));
    if (hashed ? tableSlot(<i32>col, st) >= 0 : (load<i32>(marks + (col << 2)) == st) != inv) {
      margin += load<f64>(vals + (<usize>e << 3)) * (sc * (load<f64>(px + (col << 3)) - load<f64>(vv + (col << 3))));
    }
  }
  coordsTouched += <f64>m;
  const c = w * lossDeriv(lossKind, load<f64>(pAv + (<usize>i << 3)) + margin, label(i));
  rowsTouched += 1;
  let ok = true;
  const zero: f64 = 0;
  for (let k = 0; k < m; k++) {
    const j = <usize>load<i32>(supp + (<usize>k << 2)) << 3;
    const xj = load<f64>(px + j), vj = load<f64>(vv + j);
    store<f64>(journal + (hashed ? <usize>k << 3 : j), xj);
    const nx = xj - g * sketchedCoord(sc, zero, div, one, lam, vj, sc * (xj - vj));
    if (!isFinite(nx)) ok = false;
    store<f64>(px + j, nx);
  }
  for (let e = a; e < b; e++) {
    const col = <usize>load<i32>(idx + (<usize>e << 2));
    const slot = hashed ? tableSlot(<i32>col, st) : ((load<i32>(marks + (col << 2)) == st) != inv ? 0 : -1);
    if (slot >= 0) {
      const j = col << 3;
      const xj = load<f64>(journal + (hashed ? <usize>slot << 3 : j)), vj = load<f64>(vv + j);
      let acc: f64 = 0;
      acc += c * load<f64>(vals + (<usize>e << 3));
      const nx = xj - g * sketchedCoord(sc, acc, div, one, lam, vj, sc * (xj - vj));
      if (!isFinite(nx)) ok = false;
      store<f64>(px + j, nx);
    }
  }
  if (!ok) {
    for (let k = 0; k < m; k++) {
      const j = <usize>load<i32>(supp + (<usize>k << 2)) << 3;
      store<f64>(px + j, load<f64>(journal + (hashed ? <usize>k << 3 : j)));
    }
    return 0;
  }
  coordsTouched += <f64>m;
  return 1;
}


/** singleRowStep(px, t, m, full, γ) -> 1 when taken: a DSGD step on one sampled row, fused: pass 1 accumulates the
 *  margin a_iᵀ(y − v) = Σ_k a_{i,T_k} s_k (x_{T_k} − v_{T_k}) straight from x and v (dense rows with masked(m): scattered
 *  into δ̄ and summed over the whole row, as gradientFromDelta does); pass 2 keeps x_T in pJournal (for a
 *  roll-back) and writes x_T − γ s (w φ' a_T / D + λ (v + δ)), recomputing δ. The same operations, in the same order,
 *  as the general path (deltaFrom, gradientFromDelta, applySupportStep), so the same bits. */
export function singleRowStep(px: usize, t: u64, m: i32, full: bool, g: f64): i32 {
  sampleRows(t);
  const i = load<i32>(pRowSel);
  const w = load<f64>(pRowW);
  const div = rowDivisor;
  const one = div == 1.0;
  const csr = dataKind == DATA_CSR;
  const supp = pSupp, scale = pScale, vv = pV, journal = pJournal, delta = pDelta, acc = pAcc, slot = pSlot, lam = l2;
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
      store<i32>(slot + (j << 2), k + 1);
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
    ok = gatheredUpdate(px, pGather, supp, scale, vv, journal, m, c, g, lam, div);
  } else if (!csr) {
    const zd = pMaskDelta;
    for (let k = 0; k < m; k++) {
      const o = <usize>k << 3;
      const j = <usize>load<i32>(supp + (<usize>k << 2)) << 3;
      const xj = load<f64>(px + j), vj = load<f64>(vv + j), sk = load<f64>(scale + o);
      store<f64>(journal + o, xj);
      store<f64>(zd + j, 0);
      let a: f64 = 0;
      a += c * load<f64>(row + j);
      const nx = xj - g * sketchedCoord(sk, a, div, one, lam, vj, sk * (xj - vj));
      if (!isFinite(nx)) ok = false;
      store<f64>(px + j, nx);
    }
  } else {
    rowAxpySupport(i, c, supp, acc, m, slot, false);
    for (let k = 0; k < m; k++) {
      const o = <usize>k << 3;
      const j = <usize>load<i32>(supp + (<usize>k << 2));
      const xj = load<f64>(px + (j << 3));
      store<f64>(journal + o, xj);
      const a = load<f64>(acc + o);
      const nx = xj - g * sketchedCoord(load<f64>(scale + o), a, div, one, lam, load<f64>(vv + (j << 3)), load<f64>(delta + o));
      if (!isFinite(nx)) ok = false;
      store<f64>(px + (j << 3), nx);
      store<i32>(slot + (j << 2), 0);
    }
  }
  if (!ok) {
    for (let k = 0; k < m; k++) {
      const j = full ? <usize>k : <usize>load<i32>(supp + (<usize>k << 2));
      store<f64>(px + (j << 3), load<f64>(journal + (<usize>k << 3)));
    }
    return 0;
  }
  coordsTouched += <f64>m;
  return 1;
}


// gatheredUpdate(px, pa, supp, ps, pv, journal, m, c, γ, λ, D) -> every new x_{T_k} finite: singleRowStep's update on a
// gathered dense row (a_{i,T_k} at pa): journal_k = x_{T_k}, x_{T_k} ← x − γ s_k ((0 + c a_k) / D + λ (v + s_k (x − v)))
// (the division skipped when D = 1).
function gatheredUpdate(px: usize, pa: usize, supp: usize, ps: usize, pv: usize, journal: usize, m: i32, c: f64, g: f64,
                        lam: f64, div: f64): bool {
  const one = div == 1.0;
  let bad = 0;
  for (let k = 0; k < m; k++) {
    const o = <usize>k << 3;
    const j = <usize>load<i32>(supp + (<usize>k << 2)) << 3;
    const xj = load<f64>(px + j), vj = load<f64>(pv + j), sk = load<f64>(ps + o);
    store<f64>(journal + o, xj);
    let a: f64 = 0;
    a += c * load<f64>(pa + o);
    const nx = xj - g * sketchedCoord(sk, a, div, one, lam, vj, sk * (xj - vj));
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
  store<f64>(sink, load<f64>(pValues + (<usize>a << 3)) + <f64>load<i32>(pIndices + (<usize>a << 2)) +
    load<f64>(pAv + (<usize>i << 3)) + label(i));
}


/** lazyIdentityRun(px, t0, steps) -> steps done: DSGD with the identity sketch on CSR rows, one row a step, at O(nnz)
 *  a step. y = x, so x⁺ = (1 − γλ) x − γ (w φ'(a_iᵀx) / D) a_i; x is held as α u (u in pLazyU): α ← (1 − γλ) α and
 *  u_j ← u_j − γ w φ' a_ij / (D α⁺) on the row's columns only. u is renormalised (u ← α u, α = 1) whenever α < 1e-8;
 *  x = α u is written to the caller's x (O(d)) when the call ends, and (u, α) carry on into the next call, so the
 *  iterates do not depend on where a run is cut into calls. A step with γλ outside [0, 1), a row with more entries
 *  than d, or a step that would make some |u_j| > 1e300 (so that u could overflow before x does) is undone and taken
 *  by the eager path on x = α u, which alone decides divergence. The same iterates as the eager path up to rounding
 *  (the λ term is one product, not per coordinate). Averaged steps average in B mode (average.ts): O(nnz) a step,
 *  and the mode carries on across calls with (u, α). */
export function lazyIdentityRun(px: usize, t0: u64, steps: i32, s0: i32): i32 {
  const d = dim, vv = pV, lam = l2, journal = pJournal, av = pAv, u = pLazyU;
  const vals = pValues, idx = pIndices, ptr = pIndptr;
  if (!lazyValid) { memory.copy(u, px, <usize>d << 3); lazyAlpha = 1; lazyValid = true; countDensePass(); }
  let alpha = lazyAlpha;
  let lazySteps = 0;
  const peek = (samplingKind == SAMPLE_NICE || samplingKind == SAMPLE_UNIFORM) && singleRowSampling();
  for (let s = 0; s < steps; s++) {
    const t = t0 + <u64>s;
    const g = stepSize(s0 + s);
    const shrink = 1.0 - g * lam;
    const avg = averaging(t);
    if (avg && !avgLazyOn()) coordsTouched += <f64>avgLazyEnter(u, alpha, t);
    const rows = sampleRows(t);
    if (rows != 1) {
      // a minibatch (or a sampler's empty or larger draw): the same update over c rows, all margins at y = α u first
      const na = lazyBatchStep(t, rows, alpha, g, shrink, avg);
      if (na != na) {   // γλ out of range, too many entries, or overflow risk: the caller takes this step eagerly
        if (avg) { avgLazyLeave(t); coordsTouched += <f64>d; }
        countPath(PATH_LAZY, lazySteps);
        if (alpha != 1) scaleInto(alpha, u, px, d); else memory.copy(px, u, <usize>d << 3);
        coordsTouched += <f64>d;
        countDensePass();
        lazyValid = false; lazyAlpha = 1; lazyNeedsEager = true;
        return s;
      }
      lazySteps++;
      alpha = lazyAdvance(na, t, avg);
      continue;
    }
    const i = load<i32>(pRowSel);
    const a = load<i32>(ptr + (<usize>i << 2)), b = load<i32>(ptr + (<usize>(i + 1) << 2));
    if (!(shrink > 0 && shrink <= 1) || b - a > d) {
      if (avg) { avgLazyLeave(t); coordsTouched += <f64>d; }   // the eager step changes every x_j: step counts again
      if (alpha != 1) { scale(alpha, u, d); coordsTouched += <f64>d; alpha = 1; }
      if (singleRowStep(u, t, d, true, g) == 0) return lazyStop(px, t, s, lazySteps);   // samples the same row again
      countPath(PATH_SINGLE_ROW, 1);
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
    if (avg) avgLazyTouchRow(idx, a, b);
    let ok = true;
    for (let e = a; e < b; e++) {
      const j = <usize>load<i32>(idx + (<usize>e << 2)) << 3;
      const uj = load<f64>(u + j);
      store<f64>(journal + (<usize>(e - a) << 3), uj);
      const nu = uj - f * load<f64>(vals + (<usize>e << 3));
      if (!(Math.abs(nu) <= 1e300)) ok = false;     // non-finite, or large enough that x/α could overflow first
      store<f64>(u + j, nu);
    }
    if (!ok || !isFinite(na)) {
      // undo, write x back and take this step eagerly: it decides whether x really becomes non-finite
      for (let e = b - 1; e >= a; e--) store<f64>(u + (<usize>load<i32>(idx + (<usize>e << 2)) << 3), load<f64>(journal + (<usize>(e - a) << 3)));
      if (avg) { avgLazyLeave(t); coordsTouched += <f64>d; }   // (the row's touch above left S + u (B − last) as it was)
      if (alpha != 1) { scale(alpha, u, d); coordsTouched += <f64>d; alpha = 1; }
      if (singleRowStep(u, t, d, true, g) == 0) return lazyStop(px, t, s, lazySteps);
      countPath(PATH_SINGLE_ROW, 1);
      continue;
    }
    rowsTouched += 1;
    coordsTouched += <f64>(2 * (b - a));
    lazySteps++;
    alpha = lazyAdvance(na, t, avg);
  }
  countPath(PATH_LAZY, lazySteps);
  lazyAlpha = alpha;
  if (alpha != 1) scaleInto(alpha, u, px, d);   // the caller's x = α u, one pass; (u, α) carry on into the next call
  else memory.copy(px, u, <usize>d << 3);
  countDensePass();
  coordsTouched += <f64>d;
  return steps;
}

// lazyAdvance(α⁺, t, avg) -> α: step t taken with α⁺ (B advanced when averaging), renormalised (u ← α⁺u, α = 1) when
// α⁺ < 1e-8 so that u cannot overflow first.
@inline function lazyAdvance(na: f64, t: u64, avg: bool): f64 {
  if (avg) avgLazyAdvance(na, t);
  if (!(na < 1e-8)) return na;
  if (avg) { avgLazyRebase(); coordsTouched += <f64>dim; }
  scale(na, pLazyU, dim);
  coordsTouched += <f64>dim;
  return 1;
}

// lazyBatchStep(t, c, α, γ, 1 − γλ, avg) -> α⁺, or NaN (nothing changed) when the step must be taken eagerly: the c
// sampled rows' margins at y = α u (c ≤ d, kept in pDelta), then u_j −= γ w_r φ'_r a_rj / (D α⁺) row by row, with
// each old u_j journaled (Σ nnz ≤ d) so that an overflowing step is undone exactly.
function lazyBatchStep(t: u64, c: i32, alpha: f64, g: f64, shrink: f64, avg: bool): f64 {
  const d = dim, u = pLazyU, vv = pV, av = pAv, journal = pJournal, coef = pDelta;
  const vals = pValues, idx = pIndices, ptr = pIndptr, sel = pRowSel, rw = pRowW;
  if (!(shrink > 0 && shrink <= 1) || c > d) return NaN;
  let total = 0;
  for (let r = 0; r < c; r++) {
    const i = <usize>load<i32>(sel + (<usize>r << 2));
    total += load<i32>(ptr + (i << 2), 4) - load<i32>(ptr + (i << 2));
  }
  if (total > d) return NaN;
  const na = alpha * shrink, div = rowDivisor;
  for (let r = 0; r < c; r++) {
    const i = load<i32>(sel + (<usize>r << 2));
    const a = load<i32>(ptr + (<usize>i << 2)), b = load<i32>(ptr + (<usize>(i + 1) << 2));
    let margin: f64 = 0;
    for (let e = a; e < b; e++) {
      const j = <usize>load<i32>(idx + (<usize>e << 2)) << 3;
      margin += load<f64>(vals + (<usize>e << 3)) * (alpha * load<f64>(u + j) - load<f64>(vv + j));
    }
    const cr = load<f64>(rw + (<usize>r << 3)) * lossDeriv(lossKind, load<f64>(av + (<usize>i << 3)) + margin, label(i));
    store<f64>(coef + (<usize>r << 3), div == 1.0 ? g * cr / na : g * cr / div / na);
  }
  let ok = isFinite(na), q = 0;
  for (let r = 0; r < c; r++) {
    const i = load<i32>(sel + (<usize>r << 2));
    const a = load<i32>(ptr + (<usize>i << 2)), b = load<i32>(ptr + (<usize>(i + 1) << 2));
    if (avg) avgLazyTouchRow(idx, a, b);   // B is that of this step for every row: a second touch adds u_j · 0
    const f = load<f64>(coef + (<usize>r << 3));
    for (let e = a; e < b; e++, q++) {
      const j = <usize>load<i32>(idx + (<usize>e << 2)) << 3;
      const uj = load<f64>(u + j);
      store<f64>(journal + (<usize>q << 3), uj);
      const nu = uj - f * load<f64>(vals + (<usize>e << 3));
      if (!(Math.abs(nu) <= 1e300)) ok = false;
      store<f64>(u + j, nu);
    }
  }
  if (!ok) {
    for (let r = c - 1; r >= 0; r--) {
      const i = load<i32>(sel + (<usize>r << 2));
      const a = load<i32>(ptr + (<usize>i << 2)), b = load<i32>(ptr + (<usize>(i + 1) << 2));
      for (let e = b - 1; e >= a; e--) { q--; store<f64>(u + (<usize>load<i32>(idx + (<usize>e << 2)) << 3), load<f64>(journal + (<usize>q << 3))); }
    }
    return NaN;
  }
  rowsTouched += <f64>c;
  coordsTouched += <f64>(2 * total);
  return na;
}

/** Set when lazyIdentityRun stopped before a step that the eager path must take (dsgdRun takes it, then goes on). */
export let lazyNeedsEager = false;
/** clearLazyNeedsEager(): dsgdRun has taken that step. */
export function clearLazyNeedsEager(): void { lazyNeedsEager = false; }

// lazyStop(px, t, s, lazySteps) -> s: a diverging lazy run: x (α = 1 by then) back to the caller, the lazy state dropped.
function lazyStop(px: usize, t: u64, s: i32, lazySteps: i32): i32 {
  countPath(PATH_LAZY, lazySteps);
  memory.copy(px, pLazyU, <usize>dim << 3);
  countDensePass();
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


/** pairedGradients(t, px, pw, m): the two sketched gradients of a variance-reduced step on one sampled row, at x
 *  (into pGradX) and at w (into pAcc), fused: the same operations, in the same order, as deltaFrom + gradientFromDelta
 *  twice (rows sampled once, dense rows with masked(m) summed over the whole row), with δ_w kept in pY. */
export function pairedGradients(t: u64, px: usize, pw: usize, m: i32): void {
  const lSupp = pSupp, lScale = pScale, lV = pV, lDelta = pDelta, lAcc = pAcc, lSlot = pSlot, lGradX = pGradX, lY = pY, lAv = pAv;
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
      store<f64>(lGradX + o, sketchedCoord(sk, ax, div, one, l2, vj, load<f64>(lDelta + o)));
      store<f64>(lAcc + o, sketchedCoord(sk, aw, div, one, l2, vj, load<f64>(lY + o)));
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
    store<f64>(lGradX + o, 0);
    store<f64>(lAcc + o, 0);
    store<i32>(lSlot + (j << 2), k + 1);
  }
  const cx = wt * lossDeriv(lossKind, base + rowDotSupport(i, lSupp, lDelta, m, lSlot, false), label(i));
  const cw = wt * lossDeriv(lossKind, base + rowDotSupport(i, lSupp, lY, m, lSlot, false), label(i));
  rowAxpySupport(i, cx, lSupp, lGradX, m, lSlot, false);
  rowAxpySupport(i, cw, lSupp, lAcc, m, lSlot, false);
  for (let k = 0; k < m; k++) {
    const o = <usize>k << 3;
    const j = <usize>load<i32>(lSupp + (<usize>k << 2));
    const sk = load<f64>(lScale + o), vj = load<f64>(lV + (j << 3));
    const ax = load<f64>(lGradX + o), aw = load<f64>(lAcc + o);
    store<f64>(lGradX + o, sketchedCoord(sk, ax, div, one, l2, vj, load<f64>(lDelta + o)));
    store<f64>(lAcc + o, sketchedCoord(sk, aw, div, one, l2, vj, load<f64>(lY + o)));
    store<i32>(lSlot + (j << 2), 0);
  }
}
