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

/** exponent(x): e with 2^e ≤ |x| < 2^(e+1), read from the bits (x finite and non-zero, normal). */
function exponent(x: number): number {
  const v = new DataView(new ArrayBuffer(8));
  v.setFloat64(0, x);
  return ((v.getUint16(0) >> 4) & 0x7ff) - 1023;
}

/** pow2(k): 2^k exactly, for −1022 ≤ k ≤ 1023, from the bits. */
export function pow2(k: number): number {
  const v = new DataView(new ArrayBuffer(8));
  v.setUint16(0, (k + 1023) << 4);
  return v.getFloat64(0);
}

/**
 * rescaleFor(maxAbs): a power of two r with r·maxAbs in [1, 2) when maxAbs lies outside [2^-400, 2^400] (so that
 * squares and products of the entries can neither overflow nor underflow), else 1 (which changes no bit). Powers of two
 * scale exactly, and the exponent is read from the bits, so every runtime picks the same r.
 */
export function rescaleFor(maxAbs: number): number {
  if (!(maxAbs > 0) || !Number.isFinite(maxAbs)) return 1;
  const e = exponent(maxAbs);
  return e > 400 || e < -400 ? pow2(-e) : 1;
}

/** cholesky(A, d): the lower factor L with A = L Lᵀ (A overwritten), or the row where a pivot is not positive. */
export function cholesky(A: Float64Array, d: number): { ok: true; L: Float64Array } | { ok: false; row: number } {
  for (let j = 0; j < d; j++) {
    let s = A[j * d + j];
    for (let k = 0; k < j; k++) s -= A[j * d + k] * A[j * d + k];
    if (!(s > 0)) return { ok: false, row: j };
    const p = Math.sqrt(s);
    A[j * d + j] = p;
    for (let i = j + 1; i < d; i++) {
      let t = A[i * d + j];
      for (let k = 0; k < j; k++) t -= A[i * d + k] * A[j * d + k];
      A[i * d + j] = t / p;
    }
  }
  return { ok: true, L: A };
}

/** choleskySolve(L, b, d): x with L Lᵀ x = b (L from {@link cholesky}; only its lower triangle is read). */
export function choleskySolve(L: Float64Array, b: Float64Array, d: number): Float64Array {
  const y = Float64Array.from(b);
  for (let i = 0; i < d; i++) { let s = y[i]; for (let k = 0; k < i; k++) s -= L[i * d + k] * y[k]; y[i] = s / L[i * d + i]; }
  for (let i = d - 1; i >= 0; i--) { let s = y[i]; for (let k = i + 1; k < d; k++) s -= L[k * d + i] * y[k]; y[i] = s / L[i * d + i]; }
  return y;
}
