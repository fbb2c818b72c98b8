// The problem held by this instance: data + loss + ℓ2, or a quadratic ½xᵀAx − bᵀx; the shift v and Av.
import { ERR_STATE, ERR_ABORT } from "./codes";
import { alloc } from "./memory";
import { fail } from "./errors";
import { dot, sumSquares } from "./vector";
import { dataKind, nRows, nCols, rowDot, rowDotPair, rowAxpy, label, DATA_NONE, DATA_CSR, pIndptr, pIndices } from "./data";
import { lossValue, lossDeriv } from "./loss";
import { sketchWorkspace } from "./sketch";
import { samplingBuffers } from "./sampling";

export const PROBLEM_DATA: i32 = 0;
export const PROBLEM_QUADRATIC: i32 = 1;
export const PROBLEM_MODEL: i32 = 2;

export let problemKind: i32 = -1;
export let lossKind: i32 = 0;
export let l2: f64 = 0;
/** Coordinates 0 … lamEnd − 1 carry the ℓ2 term; the last dim − lamEnd (an intercept) do not. */
export let lamEnd: i32 = 0;
export let dim: i32 = 0;
/** setDimension(d): d for a computation over the first d coordinates (power.ts's powerIterationIn); put back after. */
export function setDimension(d: i32): void { dim = d; }
export let pA: usize = 0;     // quadratic: d×d row-major
export let pB: usize = 0;     // quadratic: b
export let pV: usize = 0;     // shift v
export let pAv: usize = 0;    // data: margins a_iᵀv (n); quadratic: A v (d)

// Workspace shared by the step kernels.
export let pDelta: usize = 0;   // δ_k = s_k (x_{T_k} − v_{T_k})
export let pAcc: usize = 0;     // per-support accumulators
export let pSlot: usize = 0;    // slot[j] = k + 1 for j ∈ T, else 0 (i32, d; zero as alloc gives it)
export let pY: usize = 0;       // a dense scratch point (d)
export let pJournal: usize = 0; // x before a step, for the roll-back of a refused step (by support slot or by coordinate) (d)
export let pG: usize = 0;       // a dense gradient buffer (d): the reference gradient G of the VR methods
export let pW: usize = 0;       // the reference point w of the VR methods (d)
export let pModelGrad: usize = 0; // user models: ∇f(y) written by the host (d)
export let pGradX: usize = 0;   // a VR step's sketched gradient at x, kept while the one at w is computed (d)
export let pAx: usize = 0;      // quadratic: A x of value() (d)
export let pLazyU: usize = 0;   // u of the lazy ℓ2 path, x = α u (d)
// Dense rows and a support of at least d/6 (masked(m)): the support's δ scattered into a d-vector δ̄ (0 off T; kept all
// zero between steps) and a dense accumulator, so that margins and axpys stream over whole rows.
export let pMaskDelta: usize = 0;   // δ̄ (d)
export let pMaskAcc: usize = 0;     // dense accumulator (d)
export let pGather: usize = 0;      // rows' entries at the support, gathered (≤ d: up to four rows of |T| < d/6)
/** masked(m): a support of m coordinates takes the dense-row masked path (6m ≥ d): from about d/6 on, a gather touches
 *  most of a row's cache lines anyway, and streaming the whole row is cheaper (docs/performance-log.md). */
@inline export function masked(m: i32): bool { return <i64>m * 6 >= <i64>dim; }

/** setDataProblem(loss, l2, pV): the data set from setDense/setCsr with a loss and ℓ2; allocates the workspace. */
export function setDataProblem(loss: i32, lambda: f64, v: usize): void {
  if (dataKind == DATA_NONE) fail(ERR_STATE);
  problemKind = PROBLEM_DATA; lossKind = loss; l2 = lambda; dim = nCols; pV = v; lamEnd = nCols;
  workspace(nCols, nRows);
  pAv = alloc(<usize>nRows << 3);
  for (let i = 0; i < nRows; i++) store<f64>(pAv + (<usize>i << 3), rowDot(i, v));
  csrDistinct = dataKind == DATA_CSR && distinctColumns();
}

/** CSR data whose rows never repeat a column (the fused Rand-K path of dsgd.ts relies on it). */
export let csrDistinct: bool = false;

// distinctColumns(): no row lists a column twice (slot[] as per-row marks i + 1, restored to 0 at the columns used:
// O(nnz), no pass over d).
function distinctColumns(): bool {
  let ok = true;
  for (let i = 0; i < nRows && ok; i++) {
    const a = load<i32>(pIndptr + (<usize>i << 2)), b = load<i32>(pIndptr + (<usize>(i + 1) << 2));
    for (let e = a; e < b; e++) {
      const p = pSlot + (<usize>load<i32>(pIndices + (<usize>e << 2)) << 2);
      if (load<i32>(p) == i + 1) { ok = false; break; }
      store<i32>(p, i + 1);
    }
  }
  const nnz = load<i32>(pIndptr + (<usize>nRows << 2));
  for (let e = 0; e < nnz; e++) store<i32>(pSlot + (<usize>load<i32>(pIndices + (<usize>e << 2)) << 2), 0);
  return ok;
}

/** setQuadraticProblem(pA, pB, pV, d): f(x) = ½xᵀAx − bᵀx with A symmetric d×d; allocates the workspace. */
export function setQuadraticProblem(a: usize, b: usize, v: usize, d: i32): void {
  problemKind = PROBLEM_QUADRATIC; pA = a; pB = b; pV = v; dim = d; l2 = 0;
  workspace(d, 0);
  pAv = alloc(<usize>d << 3);
  pAx = alloc(<usize>d << 3);
  for (let j = 0; j < d; j++) store<f64>(pAv + (<usize>j << 3), dot(a + ((<usize>j * <usize>d) << 3), v, d));
}

function workspace(d: i32, n: i32): void {
  sketchWorkspace(d);
  pDelta = alloc(<usize>d << 3);
  pAcc = alloc(<usize>d << 3);
  pSlot = alloc(<usize>d << 2);   // zero from alloc: no coordinate in T (slot[j] = k + 1 for j ∈ T)
  pY = alloc(<usize>d << 3);
  pJournal = alloc(<usize>d << 3);
  const nr: i32 = n > 0 ? n : 1;
  samplingBuffers(alloc(<usize>nr << 2), alloc(<usize>nr << 3), alloc(<usize>nr << 2), n);
  pG = alloc(<usize>d << 3);
  pW = alloc(<usize>d << 3);
  pModelGrad = alloc(<usize>d << 3);
  pGradX = alloc(<usize>d << 3);
  pLazyU = alloc(<usize>d << 3);
  pMaskDelta = alloc(<usize>d << 3);   // alloc zeroes
  pMaskAcc = alloc(<usize>d << 3);
  pGather = alloc(<usize>d << 3);
}

/** setModelProblem(pV, d): a user-supplied model: f and ∇f are computed by the host at y (see model.ts). */
export function setModelProblem(v: usize, d: i32): void {
  problemKind = PROBLEM_MODEL; pV = v; dim = d; l2 = 0;
  workspace(d, 0);
}

/** value(px) = f(x): (1/n) Σ φ(a_iᵀx, b_i) + λ/2 ‖x‖², or ½xᵀAx − bᵀx. Work O(nnz) or O(d²). */
export function value(px: usize): f64 {
  if (problemKind == PROBLEM_QUADRATIC) {
    const d = dim;
    for (let j = 0; j < d; j++) store<f64>(pAx + (<usize>j << 3), dot(pA + ((<usize>j * <usize>d) << 3), px, d));
    return 0.5 * dot(px, pAx, d) - dot(pB, px, d);
  }
  if (problemKind != PROBLEM_DATA) fail(ERR_STATE);
  return passRows(px, 0, PASS_VALUE) / <f64>nRows + 0.5 * l2 * sumSquares(px, lamEnd);
}

/** gradient(px, pg): g = ∇f(x) = (1/n) Σ φ'(a_iᵀx) a_i + λx, or Ax − b. */
export function gradient(px: usize, pg: usize): void {
  const d = dim;
  if (problemKind == PROBLEM_QUADRATIC) {
    for (let j = 0; j < d; j++) {
      store<f64>(pg + (<usize>j << 3), dot(pA + ((<usize>j * <usize>d) << 3), px, d) - load<f64>(pB + (<usize>j << 3)));
    }
    return;
  }
  if (problemKind != PROBLEM_DATA) fail(ERR_STATE);
  memory.fill(pg, 0, <usize>d << 3);
  passRows(px, pg, PASS_GRADIENT);
  const n = <f64>nRows;
  for (let j = 0; j < d; j++) {
    const o = <usize>j << 3;
    store<f64>(pg + o, load<f64>(pg + o) / n + lamOf(j) * load<f64>(px + o));
  }
}

/** lamOf(j): λ for coordinate j (0 for an unpenalised intercept). */
@inline export function lamOf(j: i32): f64 { return j < lamEnd ? l2 : 0; }

/** setUnpenalised(n): the last n coordinates (the intercept: a constant-one column the host appended to the data)
 *  carry no ℓ2 term. The fused one-row paths assume every coordinate is penalised, so runs take the general path. */
export function setUnpenalised(n: i32): void {
  if (problemKind != PROBLEM_DATA || n < 0 || n > dim) fail(ERR_ABORT);
  lamEnd = dim - n;
}

/** margins(px, pOut): out_i = a_iᵀx, for accuracy and predictions. */
export function margins(px: usize, pOut: usize): void {
  let i = 0;
  if (dataKind == DATA_CSR) for (; i + 2 <= nRows; i += 2) rowDotPair(i, px, pOut + (<usize>i << 3));   // two chains
  for (; i < nRows; i++) store<f64>(pOut + (<usize>i << 3), rowDot(i, px));
}

export const PASS_VALUE: i32 = 0;     // Σ_i φ(t_i, b_i)
export const PASS_GRADIENT: i32 = 1;  // w += φ'(t_i, b_i) a_i
export const PASS_GRAM: i32 = 2;      // w += t_i a_i

/** passRows(pz, pw, mode) -> s: one pass over the rows in order with t_i = a_iᵀz: PASS_VALUE returns Σ_i φ(t_i, b_i);
 *  PASS_GRADIENT adds φ'(t_i, b_i) a_i to w; PASS_GRAM adds t_i a_i to w (w += AᵀA z), each row's axpy right after
 *  its dot (the row still in cache). Consecutive rows are one memory stream, so one row at a time suffices.
 *  CSR rows go two at a time: both dots (rowDotPair), then the two rows' terms in order (z and w are distinct, so the
 *  bits are those of one row at a time). */
export function passRows(pz: usize, pw: usize, mode: i32): f64 {
  const n = nRows, t2 = pairBuf;
  let s: f64 = 0;
  let i = 0;
  if (dataKind == DATA_CSR) {
    for (; i + 2 <= n; i += 2) {
      rowDotPair(i, pz, t2);
      s = rowTerm(i, load<f64>(t2), pw, mode, s);
      s = rowTerm(i + 1, load<f64>(t2, 8), pw, mode, s);
    }
  }
  for (; i < n; i++) s = rowTerm(i, rowDot(i, pz), pw, mode, s);
  return s;
}
const pairBuf: usize = memory.data(16, 16);

// rowTerm(i, t, pw, mode, s) -> s: passRows' work for row i with t = a_iᵀz (s + φ(t, b_i) for PASS_VALUE, else the
// axpy into w and s unchanged).
@inline function rowTerm(i: i32, t: f64, pw: usize, mode: i32, s: f64): f64 {
  if (mode == PASS_VALUE) return s + lossValue(lossKind, t, label(i));
  rowAxpy(i, mode == PASS_GRADIENT ? lossDeriv(lossKind, t, label(i)) : gramScale * (gramScale * t), pw);
  return s;
}

/** PASS_GRAM computes Σ (r a_i)(r a_iᵀ z) = r² AᵀA z, with r = gramScale: a power of two that keeps rows of very large or
 *  very small entries from overflowing or underflowing (1 otherwise, which changes no bit). */
export let gramScale: f64 = 1;
/** setGramScale(r): the row scale of PASS_GRAM (power iteration). */
export function setGramScale(r: f64): void { gramScale = r; }
