// Losses on the margin m = a_iᵀy with label b: value φ(m, b) and derivative φ'(m, b).
import { LOSS_SQUARED } from "./codes";

/** lossValue(kind, m, b) = φ(m, b); logistic computed as max(−z, 0) + log1p(exp(−|z|)), z = b m. */
@inline export function lossValue(kind: i32, m: f64, b: f64): f64 {
  if (kind == LOSS_SQUARED) { const r = m - b; return 0.5 * r * r; }
  const z = b * m;
  return (z < 0 ? -z : 0) + Math.log1p(Math.exp(-Math.abs(z)));
}

/** lossDeriv(kind, m, b) = ∂φ/∂m; logistic: −b σ(−z) with σ(−z) = 1/(1 + e^z) evaluated without overflow. */
@inline export function lossDeriv(kind: i32, m: f64, b: f64): f64 {
  if (kind == LOSS_SQUARED) return m - b;
  const z = b * m;
  let s: f64;
  if (z >= 0) { const e = Math.exp(-z); s = e / (1.0 + e); } else s = 1.0 / (1.0 + Math.exp(z));
  return -b * s;
}

/** lossValueAt / lossDerivAt: exported for the differential tests. */
export function lossValueAt(kind: i32, m: f64, b: f64): f64 { return lossValue(kind, m, b); }
export function lossDerivAt(kind: i32, m: f64, b: f64): f64 { return lossDeriv(kind, m, b); }
/** expAt(x): the module's own exp (musl port), for facade code that must match the kernels' bits. */
export function expAt(x: f64): f64 { return Math.exp(x); }
/** logAt(x): the module's own log. */
export function logAt(x: f64): f64 { return Math.log(x); }
