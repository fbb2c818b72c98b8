// The Hessian of a data problem, for second-order ERM solvers (Newton on d up to a few thousand):
//   H = ∇²f(x) = (1/n) Σ_i φ''(a_iᵀx, b_i) a_i a_iᵀ + λ I,
// written as a dense d×d row-major matrix. Rows are added in order i = 0, 1, …, n−1 and each entry keeps its own
// running sum (nothing is reordered), so the SIMD and scalar builds give the same bits.
//
// The row interface of data.ts exposes rows through rowDot/rowAxpy only, so each row is first expanded into the dense
// scratch point pY (rowAxpy with coefficient 1, exact) and its non-zero columns are listed; the outer product then
// touches the nnz_i(nnz_i + 1)/2 entries of the upper triangle (H_jk += w (a_ij a_ik), k ≥ j, on the listed columns),
// pY is zeroed again on those columns, and the upper triangle is mirrored at the end (H is exactly symmetric).
// Work: O(n d + Σ_i nnz_i²); memory: H only (the scratch is the problem's workspace).
import { LOSS_SQUARED, ERR_STATE } from "./codes";
import { fail } from "./errors";
import { nRows, nCols, rowDot, rowAxpy, label } from "./data";
import { problemKind, PROBLEM_DATA, lossKind, lamOf, pY, pAcc } from "./problem";

/** lossCurvature(kind, m, b) = ∂²φ/∂m²: 1 (squared) or σ(z)(1 − σ(z)) = e^{−|z|}/(1 + e^{−|z|})², z = b m (logistic). */
@inline function lossCurvature(kind: i32, m: f64, b: f64): f64 {
  if (kind == LOSS_SQUARED) return 1.0;
  const z = b * m;
  const e = Math.exp(-Math.abs(z));
  const s = 1.0 + e;
  return e / (s * s);
}

/** lossCurvatureAt(kind, m, b) = φ''(m, b), exported for the tests. */
export function lossCurvatureAt(kind: i32, m: f64, b: f64): f64 { return lossCurvature(kind, m, b); }

/**
 * hessian(px, pH): H = ∇²f(x) = (1/n) Σ_i φ''(a_iᵀx) a_i a_iᵀ + λI into pH (d×d row-major, overwritten).
 * Needs a data problem (setDataProblem); traps with ERR_STATE otherwise.
 */
export function hessian(px: usize, pH: usize): void {
  if (problemKind != PROBLEM_DATA) fail(ERR_STATE);
  const d = nCols;
  const dd = <usize>d * <usize>d;
  const row = pY;     // dense scratch: the current row a_i (zero between rows)
  const cols = pAcc;  // scratch: its non-zero columns (i32), at most d of them
  memory.fill(pH, 0, dd << 3);
  memory.fill(row, 0, <usize>d << 3);
  for (let i = 0; i < nRows; i++) {
    const w = lossCurvature(lossKind, rowDot(i, px), label(i));
    rowAxpy(i, 1.0, row);
    let m = 0;
    for (let j = 0; j < d; j++) {
      if (load<f64>(row + (<usize>j << 3)) != 0) { store<i32>(cols + (<usize>m << 2), j); m++; }
    }
    if (w != 0) {
      // upper triangle only (the columns are listed in ascending order): H_jk += w (a_ij a_ik), k ≥ j
      for (let a = 0; a < m; a++) {
        const j = <usize>load<i32>(cols + (<usize>a << 2));
        const aj = load<f64>(row + (j << 3));
        const hj = pH + ((j * <usize>d) << 3);
        for (let b = a; b < m; b++) {
          const k = <usize>load<i32>(cols + (<usize>b << 2)) << 3;
          store<f64>(hj + k, load<f64>(hj + k) + w * (aj * load<f64>(row + k)));
        }
      }
    }
    for (let a = 0; a < m; a++) store<f64>(row + (<usize>load<i32>(cols + (<usize>a << 2)) << 3), 0);
  }
  // scale by 1/n and mirror the upper triangle: H is exactly symmetric
  const n = <f64>nRows;
  for (let j = 0; j < d; j++) {
    for (let k = j; k < d; k++) {
      const p = pH + (((<usize>j * <usize>d) + <usize>k) << 3);
      const h = load<f64>(p) / n;
      store<f64>(p, h);
      store<f64>(pH + (((<usize>k * <usize>d) + <usize>j) << 3), h);
    }
  }
  for (let j = 0; j < d; j++) {
    const p = pH + (((<usize>j * <usize>d) + <usize>j) << 3);
    store<f64>(p, load<f64>(p) + lamOf(j));
  }
}
