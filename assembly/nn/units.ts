// MAST unit sketches: one scale per hidden unit, applied to the unit's incoming weights and bias. The output layer is
// never sketched (scale 1). Per hidden layer l a list T_l of kept units, ascending, with scales s_j (f32):
//   identity      every unit, s = 1
//   Bernoulli(p)  unit j kept when u_j < p, u_j = nextUniform() (words 2j, 2j+1), s = f32(1/p)
//   Rand-K        k_l of the n_l units by Floyd's algorithm (sketch.ts floyd()), listed ascending, s = f32(n_l/k_l)
//   permutation   M_l blocks of a random permutation of M_l⌈n_l/M_l⌉ slots (slot ≥ n_l a phantom): block t mod M_l
//                 of round ⌊t/M_l⌋'s permutation (Fisher–Yates as sketch.ts permutationRound), s = M_l
// E[S] = I for every parameter: P(kept)·s = 1 (for Bernoulli up to the f32 rounding of 1/p, exact when 1/p is).
// Draws: Philox stream 11 (13 for Monte Carlo samples, 14 for sketch-set members: nnSetUnitStream); hidden layer l at step t reads the sequence of step index t·L + (l − 1) (for the
// permutation: round·L + (l − 1)), so layers draw independent sequences and a step's sketch depends on (seed, t) only.
import { SKETCH_IDENTITY, SKETCH_BERNOULLI, SKETCH_RANDK, SKETCH_PERMUTATION, ERR_ABORT, STREAM_UNITS, STREAM_UNITS_MONTE_CARLO, STREAM_UNITS_SET } from "../codes";
import { seek, nextBelow, nextUniform } from "../philox";
import { floyd } from "../sketch";
import { fail } from "../errors";
import { nHidden, maxHidden, size, requireConfigured, pKept, pKeptScale, pKeptCount, pUnitParam, pUnitMarks, pUnitTmp, unitOff, keptCount } from "./config";

export let unitKind: i32 = SKETCH_IDENTITY;
let unitP: f64 = 1;
let unitStamp: i32 = 0;
let unitStream: u32 = STREAM_UNITS;

/** resetUnits(): the identity (called by nnConfigure). */
export function resetUnits(): void { unitKind = SKETCH_IDENTITY; unitP = 1; unitStamp = 0; unitStream = STREAM_UNITS; }

/** nnSetUnitStream(s): the stream later unit draws read: 11 (training steps, the default), 13 (Monte Carlo samples) or
 *  14 (members of a unit sketch set, under the set's own seed). */
export function nnSetUnitStream(s: i32): void {
  if (s != <i32>STREAM_UNITS && s != <i32>STREAM_UNITS_MONTE_CARLO && s != <i32>STREAM_UNITS_SET) fail(ERR_ABORT);
  unitStream = <u32>s;
}

/** nnSketchUnits(kind, param, pPerLayer): the unit sketch of later steps. kind as sketch.ts: 0 identity,
 *  1 Bernoulli (p = param, 0 < p ≤ 1), 3 Rand-K, 4 permutation; for 3 and 4 the per-layer k_l or M_l are the L i32
 *  at pPerLayer, or <i32>param for every layer when pPerLayer = 0 (1 ≤ k_l ≤ n_l, 1 ≤ M_l ≤ n_l). */
export function nnSketchUnits(kind: i32, param: f64, pPerLayer: usize): void {
  requireConfigured();
  if (kind == SKETCH_BERNOULLI) {
    if (!(param > 0 && param <= 1)) fail(ERR_ABORT);
    unitP = param;
  } else if (kind == SKETCH_RANDK || kind == SKETCH_PERMUTATION) {
    for (let l = 1; l <= nHidden; l++) {
      const k = pPerLayer != 0 ? load<i32>(pPerLayer + (<usize>(l - 1) << 2)) : <i32>param;
      if (k < 1 || k > size(l)) fail(ERR_ABORT);
      store<i32>(pUnitParam + (<usize>(l - 1) << 2), k);
    }
  } else if (kind != SKETCH_IDENTITY) fail(ERR_ABORT);
  unitKind = kind;
}

// nextStamp(): a fresh mark stamp; clears the marks when the counter would wrap.
@inline function nextStamp(): i32 {
  if (unitStamp == 0x7ffffffe) { memory.fill(pUnitMarks, 0, <usize>maxHidden << 2); unitStamp = 0; }
  return ++unitStamp;
}

/** sampleUnits(t) -> Σ_l |T_l|: the kept lists and scales of step t for every hidden layer. */
export function sampleUnits(t: u64): i32 {
  const L = nHidden;
  let total = 0;
  for (let l = 1; l <= L; l++) {
    const n = size(l), base = unitOff(l);
    const pT = pKept + (<usize>base << 2), pS = pKeptScale + (<usize>base << 2);
    const seq = t * <u64>L + <u64>(l - 1);
    let m = 0;
    if (unitKind == SKETCH_IDENTITY) {
      for (let j = 0; j < n; j++) { store<i32>(pT + (<usize>j << 2), j); store<f32>(pS + (<usize>j << 2), 1); }
      m = n;
    } else if (unitKind == SKETCH_BERNOULLI) {
      const p = unitP, s = <f32>(1.0 / p);
      seek(unitStream, seq, 0);
      for (let j = 0; j < n; j++) {
        if (nextUniform() < p) { store<i32>(pT + (<usize>m << 2), j); store<f32>(pS + (<usize>m << 2), s); m++; }
      }
    } else if (unitKind == SKETCH_RANDK) {
      const k = load<i32>(pUnitParam + (<usize>(l - 1) << 2));
      const st = nextStamp();
      floyd(n, k, unitStream, seq, pUnitTmp, pUnitMarks, st);
      m = sweep(n, st, pT);
      const s = <f32>(<f64>n / <f64>k);
      for (let a = 0; a < m; a++) store<f32>(pS + (<usize>a << 2), s);
    } else {
      const M = load<i32>(pUnitParam + (<usize>(l - 1) << 2));
      const round = t / <u64>M, block = <i32>(t % <u64>M);
      const q = (n + M - 1) / M, slots = q * M;
      const perm = pUnitTmp;
      for (let i = 0; i < slots; i++) store<i32>(perm + (<usize>i << 2), i);
      seek(unitStream, round * <u64>L + <u64>(l - 1), 0);
      for (let i = slots - 1; i > 0; i--) {
        const j = <i32>nextBelow(<u32>(i + 1));
        const pi = perm + (<usize>i << 2), pj = perm + (<usize>j << 2);
        const v = load<i32>(pi); store<i32>(pi, load<i32>(pj)); store<i32>(pj, v);
      }
      const st = nextStamp();
      for (let i = block * q; i < (block + 1) * q; i++) {
        const j = load<i32>(perm + (<usize>i << 2));
        if (j < n) store<i32>(pUnitMarks + (<usize>j << 2), st);
      }
      m = sweep(n, st, pT);
      const s = <f32>M;
      for (let a = 0; a < m; a++) store<f32>(pS + (<usize>a << 2), s);
    }
    store<i32>(pKeptCount + (<usize>(l - 1) << 2), m);
    total += m;
  }
  return total;
}

// sweep(n, st, pT) -> m: the units j < n marked st, ascending, into pT.
function sweep(n: i32, st: i32, pT: usize): i32 {
  let m = 0;
  for (let j = 0; j < n; j++) {
    store<i32>(pT + (<usize>m << 2), j);
    m += select<i32>(1, 0, load<i32>(pUnitMarks + (<usize>j << 2)) == st);
  }
  return m;
}

/** nnSampleUnits(step) -> Σ_l |T_l|: draw the unit sketch of step t (what a step at t uses), for inspection. */
export function nnSampleUnits(step: f64): i32 { requireConfigured(); return sampleUnits(<u64>step); }
/** nnKeptPtr(l) / nnKeptScalePtr(l) / nnKeptCount(l): T_l (i32, ascending), s (f32) and |T_l| of the last draw, l = 1..L. */
export function nnKeptPtr(l: i32): usize { requireConfigured(); if (l < 1 || l > nHidden) fail(ERR_ABORT); return pKept + (<usize>unitOff(l) << 2); }
export function nnKeptScalePtr(l: i32): usize { requireConfigured(); if (l < 1 || l > nHidden) fail(ERR_ABORT); return pKeptScale + (<usize>unitOff(l) << 2); }
export function nnKeptCount(l: i32): i32 { requireConfigured(); if (l < 1 || l > nHidden) fail(ERR_ABORT); return keptCount(l); }
