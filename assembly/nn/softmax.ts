// Softmax cross-entropy on the logits of a minibatch, per sample in f64: z_c (f32) widened exactly, m = max_c z_c,
// e_c = exp(z_c − m), S = Σ_c e_c (c ascending), ℓ = (m − z_y) + log S (m − z_y exact). f64 because it costs C exps a sample against the
// n_L·C multiply-adds of the output layer, keeps log-sum-exp accurate to ~1e-16 whatever the spread of the logits, and
// uses the module's own musl exp/log (the same functions as expAt/logAt). The gradient is rounded to f32 once.

/** softmaxXent(pZ, ldz, pDZ, ldd, B, C, pY, pW, D, pE) -> (1/D) Σ_r w_r ℓ_r: xentSum from 0, divided by D. */
export function softmaxXent(pZ: usize, ldz: i32, pDZ: usize, ldd: i32, B: i32, C: i32, pY: usize, pW: usize, D: f64, pE: usize): f64 {
  return xentSum(pZ, ldz, pDZ, ldd, B, C, pY, pW, D, pE, 0) / D;
}

/** xentSum(pZ, ldz, pDZ, ldd, B, C, pY, pW, D, pE, acc) -> acc + Σ_r w_r ℓ_r, r ascending (a running sum, so passes
 *  over the data in chunks give the bits of one pass): logits Z (B×C, row stride ldz), labels y (i32, B), weights w
 *  (f64, B; pW = 0: all 1). Writes dZ_rc = f32((w_r/D)(e_c/S − [c = y_r])) (row stride ldd; pDZ = 0: value only).
 *  Scratch: C f64 at pE. */
export function xentSum(pZ: usize, ldz: i32, pDZ: usize, ldd: i32, B: i32, C: i32, pY: usize, pW: usize, D: f64, pE: usize, acc: f64): f64 {
  let total = acc;
  for (let r = 0; r < B; r++) {
    const z = pZ + ((<usize>r * <usize>ldz) << 2);
    let m = <f64>load<f32>(z);
    for (let c = 1; c < C; c++) { const v = <f64>load<f32>(z + (<usize>c << 2)); if (v > m || isNaN(v)) m = v; }
    let s: f64 = 0;
    for (let c = 0; c < C; c++) {
      const e = Math.exp(<f64>load<f32>(z + (<usize>c << 2)) - m);
      store<f64>(pE + (<usize>c << 3), e);
      s += e;
    }
    const y = load<i32>(pY + (<usize>r << 2));
    const w = pW != 0 ? load<f64>(pW + (<usize>r << 3)) : 1.0;
    total += w * ((m - <f64>load<f32>(z + (<usize>y << 2))) + Math.log(s));
    if (pDZ != 0) {
      const coef = w / D, d = pDZ + ((<usize>r * <usize>ldd) << 2);
      for (let c = 0; c < C; c++) {
        const p = load<f64>(pE + (<usize>c << 3)) / s;
        store<f32>(d + (<usize>c << 2), <f32>(coef * (c == y ? p - 1.0 : p)));
      }
    }
  }
  return total;
}

/** argmaxRow(pZ, C) -> the first index of the largest logit (ties to the lowest class; NaN never wins). */
export function argmaxRow(pZ: usize, C: i32): i32 {
  let best = 0;
  let m = load<f32>(pZ);
  for (let c = 1; c < C; c++) { const v = load<f32>(pZ + (<usize>c << 2)); if (v > m || (isNaN(m) && !isNaN(v))) { m = v; best = c; } }
  return best;
}

/** nnSoftmaxXent(pZ, pDZ, B, C, pY, pW, D, pE): softmaxXent on contiguous rows (ld = C), exported for tests. */
export function nnSoftmaxXent(pZ: usize, pDZ: usize, B: i32, C: i32, pY: usize, pW: usize, D: f64, pE: usize): f64 {
  return softmaxXent(pZ, C, pDZ, C, B, C, pY, pW, D, pE);
}
