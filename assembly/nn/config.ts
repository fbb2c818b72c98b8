// The network's configuration, its parameter layout and the scratch every nn kernel uses (allocated once, here).
//
// Sizes: n_0 = input dimension, n_1 .. n_L hidden units (L ≥ 0), n_{L+1} = C classes. Weight layer l = 1 .. L+1 maps
// n_{l−1} → n_l. Parameters are ONE flat f32 vector x of d entries, layer by layer:
//
//   offset                              block   shape            meaning
//   offW(1) = 0                         W_1     n_1 × n_0        row j = the incoming weights of unit j of layer 1
//   offB(l) = offW(l) + n_l·n_{l−1}     b_l     n_l              the biases of layer l
//   offW(l+1) = offB(l) + n_l           W_{l+1} n_{l+1} × n_l    …
//   d = offB(L+1) + n_{L+1}
//
// nnOffsetW(l) / nnOffsetB(l) return the table. A sketched network uses the same layout with compact widths m_l
// (kept units) in place of n_l: the compact parameters Ŵ_l (m_l × m_{l−1}) and b̂_l sit at the compact offsets.
//
// Scratch (f32 unless said), sized for the largest batch Bmax given to nnConfigure:
//   act(l), l = 0 .. L+1   Bmax × n_l   the input rows (l = 0), hidden activations, logits (l = L+1); row stride m_l
//   dz(l)                  Bmax × max_{l≥1} n_l, two buffers used alternately by layer parity: dZ_l and dA_{l−1}
//   pPar                   d            compact parameters Ŵ (unit sketches, v = 0) or the model point y (dense paths)
//   pGrad                  d            ∇f(y) in the layout of pPar
//   pOutIdx (i32), pOutVal d            the output S∇̂f(y) as (support, values)
//   pRuns (i32 pairs)      2 Σ_{l≥1} n_l  runs of consecutive indices in the output (for the update)
//   kept units             Σ_{l≤L} n_l  T_l (i32, ascending), their scales s (f32); marks, Floyd/permutation scratch
//   batch labels (i32), sampled rows (i32) and weights (f64): Bmax each; exps (f64): C
import { ACT_RELU, ACT_TANH, ERR_ABORT, ERR_MEMORY, ERR_STATE } from "../codes";
import { alloc } from "../memory";
import { fail } from "../errors";
import { resetGemmMacs } from "./gemm";

import { resetUnits } from "./units";
import { resetStepState } from "./step";

export let nHidden: i32 = -1;      // L; −1 until nnConfigure
export let actKind: i32 = ACT_RELU;
export let lambda: f64 = 0;        // ℓ2 weight on the weights (not the biases)
export let lambda32: f32 = 0;      // λ rounded to f32, used in the f32 gradient λ·y
export let maxBatch: i32 = 0;
export let dParams: i32 = 0;
export let maxHidden: i32 = 0;     // max_{1≤l≤L} n_l (0 when L = 0)
export let maxWidth: i32 = 0;      // max_{1≤l≤L+1} n_l

export let pSizes: usize = 0;      // i32 n_0 .. n_{L+1}
export let pOffW: usize = 0;       // i32 offW(l) at l − 1, l = 1 .. L+1 (the full layout)
export let pOffB: usize = 0;       // i32 offB(l)
export let pDims: usize = 0;       // i32 m_0 .. m_{L+1}: widths of the current pass
export let pCurOffW: usize = 0;    // i32 offsets of the current pass's layout (compact or full)
export let pCurOffB: usize = 0;
export let pActTab: usize = 0;     // usize act(l), l = 0 .. L+1
export let pDz0: usize = 0;
export let pDz1: usize = 0;
export let pPar: usize = 0;
export let pGrad: usize = 0;
export let pOutIdx: usize = 0;
export let pOutVal: usize = 0;
export let pRuns: usize = 0;       // i32 pairs (first output slot, length): runs of consecutive indices in the output
export let pKept: usize = 0;       // i32 T_l at unitOff(l)
export let pKeptScale: usize = 0;  // f32 s at unitOff(l)
export let pKeptCount: usize = 0;  // i32 |T_l| at l − 1
export let pUnitOff: usize = 0;    // i32 unitOff(l) at l − 1
export let pUnitParam: usize = 0;  // i32 k_l (Rand-K) or M_l (permutation) at l − 1
export let pUnitMarks: usize = 0;  // i32 maxHidden
export let pUnitTmp: usize = 0;    // i32 2·maxHidden (Floyd output, permutation slots)
export let pBatchY: usize = 0;     // i32 Bmax
export let pRowBuf: usize = 0;     // i32 Bmax: rows of nnSampleRows
export let pRowWBuf: usize = 0;    // f64 Bmax: their weights (1)
export let pExp: usize = 0;        // f64 C

@inline export function size(l: i32): i32 { return load<i32>(pSizes + (<usize>l << 2)); }
@inline export function offW(l: i32): i32 { return load<i32>(pOffW + (<usize>(l - 1) << 2)); }
@inline export function offB(l: i32): i32 { return load<i32>(pOffB + (<usize>(l - 1) << 2)); }
@inline export function dimOf(l: i32): i32 { return load<i32>(pDims + (<usize>l << 2)); }
@inline export function curOffW(l: i32): i32 { return load<i32>(pCurOffW + (<usize>(l - 1) << 2)); }
@inline export function curOffB(l: i32): i32 { return load<i32>(pCurOffB + (<usize>(l - 1) << 2)); }
@inline export function actBuf(l: i32): usize { return load<usize>(pActTab + (<usize>l << 2)); }
@inline export function dzBuf(l: i32): usize { return (l & 1) != 0 ? pDz1 : pDz0; }
@inline export function unitOff(l: i32): i32 { return load<i32>(pUnitOff + (<usize>(l - 1) << 2)); }
@inline export function keptCount(l: i32): i32 { return load<i32>(pKeptCount + (<usize>(l - 1) << 2)); }
@inline export function classes(): i32 { return size(nHidden + 1); }

/** layoutFor(pD, pOW, pOB) -> total: the offsets of the layout with widths pD[0 .. L+1] (the table above). */
export function layoutFor(pD: usize, pOW: usize, pOB: usize): i32 {
  let o = 0;
  for (let l = 1; l <= nHidden + 1; l++) {
    const m = load<i32>(pD + (<usize>l << 2)), mp = load<i32>(pD + (<usize>(l - 1) << 2));
    store<i32>(pOW + (<usize>(l - 1) << 2), o);
    o += m * mp;
    store<i32>(pOB + (<usize>(l - 1) << 2), o);
    o += m;
  }
  return o;
}

/** setFullDims(): the current pass uses the full widths n_l and the parameter layout itself. */
export function setFullDims(): void {
  memory.copy(pDims, pSizes, <usize>(nHidden + 2) << 2);
  memory.copy(pCurOffW, pOffW, <usize>(nHidden + 1) << 2);
  memory.copy(pCurOffB, pOffB, <usize>(nHidden + 1) << 2);
}

/** requireConfigured(): trap with ERR_STATE before nnConfigure. */
@inline export function requireConfigured(): void { if (nHidden < 0) fail(ERR_STATE); }

/** nnConfigure(pSizes, L, act, lambda, maxBatch) -> d: the network n_0 .. n_{L+1} (i32 at pSizes, L + 2 entries),
 *  activation (0 relu, 1 tanh) on hidden layers, ℓ2 weight λ ≥ 0 on the weights, batches of at most maxBatch rows.
 *  Allocates all scratch (table above) with alloc(): may grow memory and detach views; release to a mark first to
 *  reuse the memory of an earlier configuration. Traps ERR_ABORT on bad arguments and ERR_MEMORY when the scratch
 *  (or d) cannot fit in a 32-bit address space. Resets the unit sketch to the identity, the shift to v = 0 and the
 *  counters. Invalidates any nnSetShift pointer check: the host calls nnSetShift again if it uses a shift. */
export function nnConfigure(sizes: usize, L: i32, act: i32, lam: f64, bmax: i32): i32 {
  if (L < 0 || L > 1000 || bmax < 1 || (act != ACT_RELU && act != ACT_TANH) || !(lam >= 0) || !isFinite(lam)) fail(ERR_ABORT);
  // sizes and their products in f64 first: nothing below may wrap 32 bits
  let d: f64 = 0, acts: f64 = 0, widest: f64 = 0, hid: f64 = 0, hidMax: f64 = 0;
  for (let l = 0; l <= L + 1; l++) {
    const n = load<i32>(sizes + (<usize>l << 2));
    if (n < 1) fail(ERR_ABORT);
    acts += <f64>n;
    if (l >= 1) {
      d += <f64>n * <f64>load<i32>(sizes + (<usize>(l - 1) << 2)) + <f64>n;
      if (<f64>n > widest) widest = <f64>n;
    }
    if (l >= 1 && l <= L) { hid += <f64>n; if (<f64>n > hidMax) hidMax = <f64>n; }
  }
  const C = <f64>load<i32>(sizes + (<usize>(L + 1) << 2));
  const B = <f64>bmax;
  const bytes = 4 * (4 * <f64>(L + 2)) + 4 * (L + 2) + 4 * d * 4 + 4 * B * acts + 2 * 4 * B * widest
    + 4 * (2 * hid + 2 * <f64>L + 3 * hidMax) + 4 * 2 * B + 8 * B + 8 * C + 16 * 32 * <f64>(L + 2) + 16 * (acts - <f64>load<i32>(sizes));
  if (d > 2147483647.0 || bytes > 4026531840.0) fail(ERR_MEMORY);   // 3.75 GiB: above it memory.grow cannot succeed

  nHidden = L; actKind = act; lambda = lam; lambda32 = <f32>lam; maxBatch = bmax; configuredLambda = lam;
  dParams = <i32>d; maxHidden = <i32>hidMax; maxWidth = <i32>widest;
  pSizes = alloc(<usize>(L + 2) << 2);
  memory.copy(pSizes, sizes, <usize>(L + 2) << 2);
  pOffW = alloc(<usize>(L + 1) << 2); pOffB = alloc(<usize>(L + 1) << 2);
  layoutFor(pSizes, pOffW, pOffB);
  pDims = alloc(<usize>(L + 2) << 2);
  pCurOffW = alloc(<usize>(L + 1) << 2); pCurOffB = alloc(<usize>(L + 1) << 2);
  pActTab = alloc(<usize>(L + 2) << 2);
  for (let l = 0; l <= L + 1; l++) store<usize>(pActTab + (<usize>l << 2), alloc(<usize>bmax * <usize>size(l) << 2));
  pDz0 = alloc(<usize>bmax * <usize>maxWidth << 2);
  pDz1 = alloc(<usize>bmax * <usize>maxWidth << 2);
  pPar = alloc(<usize>dParams << 2);
  pGrad = alloc(<usize>dParams << 2);
  pOutIdx = alloc(<usize>dParams << 2);
  pOutVal = alloc(<usize>dParams << 2);
  pRuns = alloc(<usize>(<i32>acts - size(0)) << 4);
  const nh = <i32>hid;
  pKept = alloc(<usize>nh << 2); pKeptScale = alloc(<usize>nh << 2);
  pKeptCount = alloc(<usize>(L + 1) << 2); pUnitOff = alloc(<usize>(L + 1) << 2); pUnitParam = alloc(<usize>(L + 1) << 2);
  let o = 0;
  for (let l = 1; l <= L; l++) { store<i32>(pUnitOff + (<usize>(l - 1) << 2), o); o += size(l); }
  pUnitMarks = alloc(<usize>maxHidden << 2);
  pUnitTmp = alloc(<usize>maxHidden << 3);
  pBatchY = alloc(<usize>bmax << 2);
  pRowBuf = alloc(<usize>bmax << 2);
  pRowWBuf = alloc(<usize>bmax << 3);
  pExp = alloc(<usize>classes() << 3);
  setFullDims();
  resetGemmMacs(); resetUnits(); resetStepState();
  return dParams;
}

let configuredLambda: f64 = 0;

/** nnSetPenalty(on): whether steps add the ℓ2 term λ y (and λ/2‖W_y‖²): off for all but the first chunk of a
 *  full-data sketched gradient summed over chunks of rows, so that the term is counted once. */
export function nnSetPenalty(on: i32): void {
  requireConfigured();
  lambda = on != 0 ? configuredLambda : 0;
  lambda32 = <f32>lambda;
}

/** nnParamCount() -> d. nnSize(l) -> n_l. nnOffsetW(l) / nnOffsetB(l) -> the offsets (in f32 entries) of W_l, b_l. */
export function nnParamCount(): i32 { requireConfigured(); return dParams; }
export function nnSize(l: i32): i32 { requireConfigured(); if (l < 0 || l > nHidden + 1) fail(ERR_ABORT); return size(l); }
export function nnOffsetW(l: i32): i32 { requireConfigured(); if (l < 1 || l > nHidden + 1) fail(ERR_ABORT); return offW(l); }
export function nnOffsetB(l: i32): i32 { requireConfigured(); if (l < 1 || l > nHidden + 1) fail(ERR_ABORT); return offB(l); }
/** nnActPtr(l) -> act(l) of the last pass (B × m_l, row stride m_l = nnWidth(l)): input rows, activations, logits. */
export function nnActPtr(l: i32): usize { requireConfigured(); if (l < 0 || l > nHidden + 1) fail(ERR_ABORT); return actBuf(l); }
/** nnWidth(l) -> m_l of the last pass (n_l on dense paths, |T_l| on the compact path). */
export function nnWidth(l: i32): i32 { requireConfigured(); if (l < 0 || l > nHidden + 1) fail(ERR_ABORT); return dimOf(l); }
/** nnGradPtr(): ∇f at the last pass's parameters (nnLastParPtr()), in its layout: widths nnWidth(l), offsets as in the
 *  table above with m_l for n_l. The compact path leaves the data term here (its output adds λ y); dense paths add λ y
 *  to the weights in place. */
export function nnGradPtr(): usize { requireConfigured(); return pGrad; }
