// Iterate averaging: x̄_T = Σ_{t=t_a}^{T−1} w_{t+1} x_{t+1} / Σ w, the weighted mean of the iterates after steps
// t_a … T−1, with uniform weights (w = 1) or linear ones (w_{t+1} = t + 1), accumulated lazily so that a sparse step
// costs O(|supp S_t|) more, not O(d). With W(t) = t (uniform) or t(t+1)/2 (linear), the iterates x_{s+1} for
// s = a … b−1 weigh W(b) − W(a) together. Per coordinate: S_j (the weighted sum so far) and last_j (the step from which
// the current value of x_j is counted). Before step t ≥ t_a changes x_j: S_j += x_j · (W(t) − W(last_j)), last_j = t.
// Reading out: x̄_j = (S_j + x_j · (W(T) − W(last_j))) / (W(T) − W(t_a)). Coordinates that a step cannot change (off
// supp S_t) need no touch; dense steps touch all d. Steps before t_a need no touch: last_j = t_a from the start. W is
// exact in f64 below 2^53 (t < 9·10^7 steps for linear weights), and every operation is fixed, so the bits are a
// function of the run alone — the same after a resume (S and last are in the checkpoint), and independent of T.
// The lazy ℓ2 path (x = α u, every x_j changes every step) averages in B mode instead: last_j holds B at x_j's last
// touch, where B = Σ w_{s} α_{s} over the iterates x_s since the mode was entered, and a touch adds u_j · (B − last_j)
// (u_j is constant between touches, so the iterates x_s,j = α_s u_j in between weigh exactly that). Entering, leaving
// and renormalising α are O(d) passes; a step stays O(nnz).
import { ERR_ABORT } from "./codes";
import { fail } from "./errors";
import { countDensePass } from "./run";

let on = false;
let linear = false;        // weights w_{t+1} = t + 1 (else 1)
let from: u64 = 0;
let pSum: usize = 0;      // S (d f64)
let pLast: usize = 0;     // last (d f64: exact step counts below 2^53)
let n: i32 = 0;
let lazyMode = false;     // B mode: last holds B values, x = α u with u at pU
let bCur: f64 = 0;        // B at the current step boundary
let pU: usize = 0;
let fresh = false;        // configured with S = 0 and last = t_a, and not touched since

// W(t): the weight of the iterates x_1 … x_t together.
@inline function W(t: f64): f64 { return linear ? t * (t + 1) * 0.5 : t; }

/** avgConfigure(tA, weights, pS, pL, d, init): average from step t_a on with uniform (weights = 0) or linear (1)
 *  weights, S and last at pS and pL (d f64 each, the host's); init = 1 takes S = 0 and sets last = t_a (a fresh run:
 *  both must be zero, as alloc gives them), 0 keeps them (a resumed run). tA < 0: no averaging. */
export function avgConfigure(tA: f64, weights: i32, pS: usize, pL: usize, d: i32, init: i32): void {
  on = tA >= 0;
  if (!on) return;
  if (d < 1 || pS == 0 || pL == 0 || (weights != 0 && weights != 1)) fail(ERR_ABORT);
  from = <u64>tA; linear = weights == 1; pSum = pS; pLast = pL; n = d; lazyMode = false; bCur = 0;
  fresh = init != 0;
  if (init != 0 && tA != 0) {
    // S and last come from alloc, zero (+0): S is set, and so is last when t_a = 0 (the default); untouched pages of
    // them stay virtual
    countDensePass();
    for (let j = 0; j < d; j++) store<f64>(pL + (<usize>j << 3), tA);
  }
}

/** avgOff(): stop averaging (a run without it). */
export function avgOff(): void { on = false; lazyMode = false; }

/** averaging(t): step t is counted (averaging on and t ≥ t_a). */
@inline export function averaging(t: u64): bool { return on && t >= from; }
/** averagingFrom(): t_a, or −1 when off. */
export function averagingFrom(): f64 { return on ? <f64>from : -1; }

/** avgTouch(px, pT, m, t): before step t changes x on T (m i32 indices): S_j += x_j (t − last_j), last_j = t. */
export function avgTouch(px: usize, pT: usize, m: i32, t: u64): void {
  fresh = false;
  const tf = <f64>t, wt = W(tf), s = pSum, l = pLast;
  for (let k = 0; k < m; k++) {
    const o = <usize>load<i32>(pT + (<usize>k << 2)) << 3;
    store<f64>(s + o, load<f64>(s + o) + load<f64>(px + o) * (wt - W(load<f64>(l + o))));
    store<f64>(l + o, tf);
  }
}

/** avgTouchAll(px, t): avgTouch on every coordinate (a step that changes all of x). */
export function avgTouchAll(px: usize, t: u64): void {
  fresh = false;
  const tf = <f64>t, wt = W(tf), s = pSum, l = pLast;
  for (let j = 0; j < n; j++) {
    const o = <usize>j << 3;
    store<f64>(s + o, load<f64>(s + o) + load<f64>(px + o) * (wt - W(load<f64>(l + o))));
    store<f64>(l + o, tf);
  }
}

/** avgTouchStep(px, pT, m, t): the host's form of avgTouch for step t (a no-op before t_a or when off). */
export function avgTouchStep(px: usize, pT: usize, m: i32, t: f64): void { if (averaging(<u64>t)) avgTouch(px, pT, m, <u64>t); }
/** avgTouchAllStep(px, t): the host's form of avgTouchAll. */
export function avgTouchAllStep(px: usize, t: f64): void { if (averaging(<u64>t)) avgTouchAll(px, <u64>t); }

/** avgRead(px, T, pOut): x̄_T = (S_j + x_j (W(T) − W(last_j))) / (W(T) − W(t_a)) into pOut (d f64); S and last
 *  unchanged. T ≤ t_a: x itself. */
export function avgRead(px: usize, T: f64, pOut: usize): void {
  countDensePass();
  if (!on || T <= <f64>from) { memory.copy(pOut, px, <usize>n << 3); return; }
  avgReadRange(px, T, pOut, 0, n);
}

/** avgReadRange(px, T, pOut, j0, count): x̄_j for j = j0 … j0 + count − 1 into pOut[0 … count) (T > t_a; in B mode T is
 *  the current step boundary). The host reads x̄ out block by block through it, without a d-sized buffer. */
export function avgReadRange(px: usize, T: f64, pOut: usize, j0: i32, count: i32): void {
  const wT = W(T), span = wT - W(<f64>from);
  for (let k = 0; k < count; k++) store<f64>(pOut + (<usize>k << 3), avgCoord(px, <usize>(j0 + k) << 3, wT, span));
}

// ---------- B mode (the lazy ℓ2 path) ----------

/** avgLazyOn(): whether B mode is on. */
@inline export function avgLazyOn(): bool { return lazyMode; }

/** avgLazyEnter(pu, α, t) → coordinates touched: before step t, with x = α u (u at pu): S_j += α u_j (W(t) − W(last_j)),
 *  last_j = 0, B = 0. O(d); nothing on a fresh run entering at t_a = 0 (S = 0 and last = 0 already). */
export function avgLazyEnter(pu: usize, alpha: f64, t: u64): i32 {
  const wt = W(<f64>t), s = pSum, l = pLast;
  bCur = 0; pU = pu; lazyMode = true;
  if (fresh && t == from) {
    // S = 0 and last = t_a untouched: the pass below would add α u_j · 0 to S (leaving +0) and set last to 0
    fresh = false;
    if (from == 0) return 0;
    memory.fill(l, 0, <usize>n << 3);
    countDensePass();
    return n;
  }
  countDensePass();
  for (let j = 0; j < n; j++) {
    const o = <usize>j << 3;
    store<f64>(s + o, load<f64>(s + o) + alpha * load<f64>(pu + o) * (wt - W(load<f64>(l + o))));
    store<f64>(l + o, 0);
  }
  return n;
}

/** avgLazyTouchRow(pIdx, a, b): before a step changes u on the columns pIdx[a..b): S_j += u_j (B − last_j), last_j = B. */
@inline export function avgLazyTouchRow(pIdx: usize, a: i32, b: i32): void {
  const s = pSum, l = pLast, u = pU, bc = bCur;
  for (let e = a; e < b; e++) {
    const o = <usize>load<i32>(pIdx + (<usize>e << 2)) << 3;
    store<f64>(s + o, load<f64>(s + o) + load<f64>(u + o) * (bc - load<f64>(l + o)));
    store<f64>(l + o, bc);
  }
}

/** avgLazyAdvance(α_{t+1}, t): after step t (averaged), B += w_{t+1} α_{t+1}. */
@inline export function avgLazyAdvance(alphaNext: f64, t: u64): void { bCur += (linear ? <f64>t + 1 : 1) * alphaNext; }

/** avgLazyRebase(): before u ← α u (α renormalised to 1): S_j += u_j (B − last_j), last_j = 0, B = 0. O(d). */
export function avgLazyRebase(): void {
  flushLazy(0);
  bCur = 0;
}

/** avgLazyLeave(t): back to step counts at the boundary before step t: S_j += u_j (B − last_j), last_j = t. O(d). */
export function avgLazyLeave(t: u64): void {
  flushLazy(<f64>t);
  lazyMode = false;
}

function flushLazy(lastValue: f64): void {
  const s = pSum, l = pLast, u = pU, bc = bCur;
  for (let j = 0; j < n; j++) {
    const o = <usize>j << 3;
    store<f64>(s + o, load<f64>(s + o) + load<f64>(u + o) * (bc - load<f64>(l + o)));
    store<f64>(l + o, lastValue);
  }
}

/** avgLazyB() → B, or −1 when B mode is off (B ≥ 0 always): the checkpoint's record of the mode. */
export function avgLazyB(): f64 { return lazyMode ? bCur : -1; }

/** avgLazyResume(B, pu): resume B mode (S and last, holding B values, already written; u at pu). */
export function avgLazyResume(b: f64, pu: usize): void {
  if (!on || !(b >= 0)) fail(ERR_ABORT);
  bCur = b; pU = pu; lazyMode = true;
}

/** avgCoord(px, o, wT, span): x̄_j at byte offset o = 8j, with wT = W(T) and span = W(T) − W(t_a): the one place of
 *  the read-out's arithmetic (avgRead, avgReadRange, and avgvalue.ts, which reads x̄ where it needs it). */
@inline export function avgCoord(px: usize, o: usize, wT: f64, span: f64): f64 {
  return lazyMode
    ? (load<f64>(pSum + o) + load<f64>(pU + o) * (bCur - load<f64>(pLast + o))) / span
    : (load<f64>(pSum + o) + load<f64>(px + o) * (wT - W(load<f64>(pLast + o)))) / span;
}
/** avgWeight(T): W(T). */
@inline export function avgWeight(T: f64): f64 { return W(T); }
/** avgFrom(): t_a as f64. */
@inline export function avgFrom(): f64 { return <f64>from; }
