// Small dense linear algebra in plain IEEE arithmetic (+ − × ÷ only), so results are the same bits in every runtime.

/** solve(A, b, d): x with A x = b, by Gaussian elimination with partial pivoting; A is d×d row-major (not modified). */
export function solve(A: Float64Array, b: Float64Array, d: number): Float64Array {
  const M = Float64Array.from(A);
  const x = Float64Array.from(b);
  for (let c = 0; c < d; c++) {
    let piv = c, best = Math.abs(M[c * d + c]);
    for (let r = c + 1; r < d; r++) { const a = Math.abs(M[r * d + c]); if (a > best) { best = a; piv = r; } }
    if (best === 0) throw new RangeError(`the matrix is singular (column ${c} has no pivot)`);
    if (piv !== c) {
      for (let k = 0; k < d; k++) { const t = M[c * d + k]; M[c * d + k] = M[piv * d + k]; M[piv * d + k] = t; }
      const t = x[c]; x[c] = x[piv]; x[piv] = t;
    }
    const p = M[c * d + c];
    for (let r = c + 1; r < d; r++) {
      const f = M[r * d + c] / p;
      if (f === 0) continue;
      for (let k = c; k < d; k++) M[r * d + k] -= f * M[c * d + k];
      x[r] -= f * x[c];
    }
  }
  for (let r = d - 1; r >= 0; r--) {
    let s = x[r];
    for (let k = r + 1; k < d; k++) s -= M[r * d + k] * x[k];
    x[r] = s / M[r * d + r];
  }
  return x;
}

/** quadForm(A, h, d) = hᵀ A h. */
export function quadForm(A: Float64Array, h: Float64Array, d: number): number {
  let s = 0;
  for (let i = 0; i < d; i++) {
    let r = 0;
    for (let j = 0; j < d; j++) r += A[i * d + j] * h[j];
    s += h[i] * r;
  }
  return s;
}
