// f(x̄_T) for a CSR data problem without forming x̄_T: x̄_j = (S_j + x_j (W(T) − W(last_j))) / (W(T) − W(t_a)) (or B
// mode's form) read where it is needed, so that no d-vector is written for it (the host reads the result's x̄ out in
// blocks: avgReadRange). Rows in passRows' order, ‖x̄‖² in dot's lane order: the bits of value() at avgRead's output.
import { avgCoord, avgWeight, avgFrom } from "./average";
import { nRows, pValues, pIndices, pIndptr, label } from "./data";
import { lossValue } from "./loss";
import { lossKind, l2, lamEnd } from "./problem";
import { countDensePass } from "./run";

/** avgValue(px, T) = f(x̄_T) = (1/n) Σ φ(a_iᵀx̄, b_i) + λ/2 ‖x̄‖² over the first lamEnd coordinates; CSR data only. */
export function avgValue(px: usize, T: f64): f64 {
  const wT = avgWeight(T), span = wT - avgWeight(avgFrom());
  const n = nRows, vals = pValues, idx = pIndices, ptr = pIndptr;
  let s: f64 = 0;
  for (let i = 0; i < n; i++) {
    const a = load<i32>(ptr + (<usize>i << 2)), b = load<i32>(ptr + (<usize>(i + 1) << 2));
    let t: f64 = 0;
    for (let e = a; e < b; e++) t += load<f64>(vals + (<usize>e << 3)) * avgCoord(px, <usize>load<i32>(idx + (<usize>e << 2)) << 3, wT, span);
    s += lossValue(lossKind, t, label(i));
  }
  // ‖x̄‖² as dot(x̄, x̄): lanes j mod 4, summed (s0 + s2) + (s1 + s3), then the tail
  const m = lamEnd;
  let s0: f64 = 0, s1: f64 = 0, s2: f64 = 0, s3: f64 = 0;
  let j = 0;
  for (; j + 4 <= m; j += 4) {
    const o = <usize>j << 3;
    const z0 = avgCoord(px, o, wT, span), z1 = avgCoord(px, o + 8, wT, span);
    const z2 = avgCoord(px, o + 16, wT, span), z3 = avgCoord(px, o + 24, wT, span);
    s0 += z0 * z0; s1 += z1 * z1; s2 += z2 * z2; s3 += z3 * z3;
  }
  let q = (s0 + s2) + (s1 + s3);
  for (; j < m; j++) { const z = avgCoord(px, <usize>j << 3, wT, span); q += z * z; }
  countDensePass();
  return s / <f64>n + 0.5 * l2 * q;
}
