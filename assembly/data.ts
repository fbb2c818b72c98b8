// The row interface over dense row-major or CSR data (f64 values, i32 column indices, labels ±1 or real).
import { dot, dotDiff, axpy, gatherDot, gatherAxpy } from "./vector";

export const DATA_NONE: i32 = 0;
export const DATA_DENSE: i32 = 1;
export const DATA_CSR: i32 = 2;

export let dataKind: i32 = DATA_NONE;
export let nRows: i32 = 0;
export let nCols: i32 = 0;
export let pValues: usize = 0;    // dense: n×d row-major; CSR: nnz values
export let pIndptr: usize = 0;    // CSR: n+1 row offsets
export let pIndices: usize = 0;   // CSR: nnz column indices
export let pLabels: usize = 0;

/** setDense(pValues, pLabels, n, d): rows are pValues[i d .. (i+1) d). */
export function setDense(values: usize, labels: usize, n: i32, d: i32): void {
  dataKind = DATA_DENSE; pValues = values; pLabels = labels; nRows = n; nCols = d; pIndptr = 0; pIndices = 0;
}

/** setCsr(pIndptr, pIndices, pValues, pLabels, n, d): row i is entries indptr[i] .. indptr[i+1). */
export function setCsr(indptr: usize, indices: usize, values: usize, labels: usize, n: i32, d: i32): void {
  dataKind = DATA_CSR; pIndptr = indptr; pIndices = indices; pValues = values; pLabels = labels; nRows = n; nCols = d;
}

@inline export function label(i: i32): f64 { return load<f64>(pLabels + (<usize>i << 3)); }
/** denseRow(i) -> pointer to row i of dense data. */
@inline export function denseRow(i: i32): usize { return pValues + ((<usize>i * <usize>nCols) << 3); }

/** rowDot(i, px) = a_iᵀx over all d coordinates. */
export function rowDot(i: i32, px: usize): f64 {
  if (dataKind == DATA_DENSE) return dot(pValues + ((<usize>i * <usize>nCols) << 3), px, nCols);
  const vals = pValues, idx = pIndices;
  const a = load<i32>(pIndptr + (<usize>i << 2)), b = load<i32>(pIndptr + (<usize>(i + 1) << 2));
  let s: f64 = 0;
  for (let e = a; e < b; e++) {
    s += load<f64>(vals + (<usize>e << 3)) * load<f64>(px + (<usize>load<i32>(idx + (<usize>e << 2)) << 3));
  }
  return s;
}

/** rowDotDiff(i, px, pv) = a_iᵀ(x − v) without forming x − v, in rowDot's order (same bits as rowDot(i, x − v)). */
export function rowDotDiff(i: i32, px: usize, pv: usize): f64 {
  if (dataKind == DATA_DENSE) return dotDiff(pValues + ((<usize>i * <usize>nCols) << 3), px, pv, nCols);
  const vals = pValues, idx = pIndices;
  const a = load<i32>(pIndptr + (<usize>i << 2)), b = load<i32>(pIndptr + (<usize>(i + 1) << 2));
  let s: f64 = 0;
  for (let e = a; e < b; e++) {
    const j = <usize>load<i32>(idx + (<usize>e << 2)) << 3;
    s += load<f64>(vals + (<usize>e << 3)) * (load<f64>(px + j) - load<f64>(pv + j));
  }
  return s;
}

/** rowAxpy(i, c, pg): g += c a_i over all d coordinates. */
export function rowAxpy(i: i32, c: f64, pg: usize): void {
  if (dataKind == DATA_DENSE) { axpy(c, pValues + ((<usize>i * <usize>nCols) << 3), pg, nCols); return; }
  const vals = pValues, idx = pIndices;
  const a = load<i32>(pIndptr + (<usize>i << 2)), b = load<i32>(pIndptr + (<usize>(i + 1) << 2));
  for (let e = a; e < b; e++) {
    const pj = pg + (<usize>load<i32>(idx + (<usize>e << 2)) << 3);
    store<f64>(pj, load<f64>(pj) + c * load<f64>(vals + (<usize>e << 3)));
  }
}

/** rowDotPair(i, px, pOut): out[0] = a_iᵀx, out[1] = a_{i+1}ᵀx for CSR rows i and i + 1, each summed in rowDot's
 *  order (serially along the row: the same bits) but the two walks interleaved, so that two independent chains of
 *  additions are in flight instead of one. */
@inline export function rowDotPair(i: i32, px: usize, pOut: usize): void {
  const vals = pValues, idx = pIndices;
  const a0 = load<i32>(pIndptr + (<usize>i << 2)), b0 = load<i32>(pIndptr + (<usize>(i + 1) << 2));
  const b1 = load<i32>(pIndptr + (<usize>(i + 2) << 2));
  const n0 = b0 - a0, n1 = b1 - b0, both = n0 < n1 ? n0 : n1;
  let s0: f64 = 0, s1: f64 = 0;
  let e0 = a0, e1 = b0;
  for (let q = 0; q < both; q++, e0++, e1++) {
    s0 += load<f64>(vals + (<usize>e0 << 3)) * load<f64>(px + (<usize>load<i32>(idx + (<usize>e0 << 2)) << 3));
    s1 += load<f64>(vals + (<usize>e1 << 3)) * load<f64>(px + (<usize>load<i32>(idx + (<usize>e1 << 2)) << 3));
  }
  for (; e0 < b0; e0++) s0 += load<f64>(vals + (<usize>e0 << 3)) * load<f64>(px + (<usize>load<i32>(idx + (<usize>e0 << 2)) << 3));
  for (; e1 < b1; e1++) s1 += load<f64>(vals + (<usize>e1 << 3)) * load<f64>(px + (<usize>load<i32>(idx + (<usize>e1 << 2)) << 3));
  store<f64>(pOut, s0);
  store<f64>(pOut, s1, 8);
}

/** rowDotSupport(i, pT, pz, m, pSlot, full) = Σ_k a_{i,T_k} z_k. Dense: gather (or contiguous dot when full);
 *  CSR: walk the row, slot[j] = k + 1 for j ∈ T else 0. Work: O(m) dense, O(nnz_i) CSR. */
export function rowDotSupport(i: i32, pT: usize, pz: usize, m: i32, pSlot: usize, full: bool): f64 {
  if (dataKind == DATA_DENSE) {
    const row = pValues + ((<usize>i * <usize>nCols) << 3);
    return full ? dot(row, pz, m) : gatherDot(row, pT, pz, m);
  }
  const vals = pValues, idx = pIndices;
  const a = load<i32>(pIndptr + (<usize>i << 2)), b = load<i32>(pIndptr + (<usize>(i + 1) << 2));
  let s: f64 = 0;
  for (let e = a; e < b; e++) {
    const k = load<i32>(pSlot + (<usize>load<i32>(idx + (<usize>e << 2)) << 2)) - 1;
    if (k >= 0) s += load<f64>(vals + (<usize>e << 3)) * load<f64>(pz + (<usize>k << 3));
  }
  return s;
}

/** rowAxpySupport(i, c, pT, pacc, m, pSlot, full): acc_k += c a_{i,T_k}. */
export function rowAxpySupport(i: i32, c: f64, pT: usize, pacc: usize, m: i32, pSlot: usize, full: bool): void {
  if (dataKind == DATA_DENSE) {
    const row = pValues + ((<usize>i * <usize>nCols) << 3);
    if (full) axpy(c, row, pacc, m); else gatherAxpy(c, row, pT, pacc, m);
    return;
  }
  const vals = pValues, idx = pIndices;
  const a = load<i32>(pIndptr + (<usize>i << 2)), b = load<i32>(pIndptr + (<usize>(i + 1) << 2));
  for (let e = a; e < b; e++) {
    const k = load<i32>(pSlot + (<usize>load<i32>(idx + (<usize>e << 2)) << 2)) - 1;
    if (k >= 0) {
      const pk = pacc + (<usize>k << 3);
      store<f64>(pk, load<f64>(pk) + c * load<f64>(vals + (<usize>e << 3)));
    }
  }
}

/** rowSquaredNorms(pOut): out_i = ‖a_i‖² (for L_i). */
export function rowSquaredNorms(pOut: usize): void {
  for (let i = 0; i < nRows; i++) {
    let s: f64 = 0;
    if (dataKind == DATA_DENSE) {
      const row = pValues + ((<usize>i * <usize>nCols) << 3);
      s = dot(row, row, nCols);
    } else {
      const a = load<i32>(pIndptr + (<usize>i << 2)), b = load<i32>(pIndptr + (<usize>(i + 1) << 2));
      for (let e = a; e < b; e++) { const v = load<f64>(pValues + (<usize>e << 3)); s += v * v; }
    }
    store<f64>(pOut + (<usize>i << 3), s);
  }
}
