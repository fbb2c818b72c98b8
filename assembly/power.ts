// Power iteration for λ_max(c I + σ B), B = AᵀA/n (data) or A (quadratic): extreme eigenvalues for L and μ.
import { STREAM_POWER } from "./codes";
import { seek, nextUniform, setSeed } from "./philox";
import { dot, sumSquares, scale } from "./vector";
import { nRows } from "./data";
import { problemKind, PROBLEM_QUADRATIC, pA, dim, pY, pDelta, passRows, PASS_GRAM } from "./problem";

// applyB(pu, pw): w = B u.
function applyB(pu: usize, pw: usize): void {
  const d = dim;
  if (problemKind == PROBLEM_QUADRATIC) {
    for (let j = 0; j < d; j++) store<f64>(pw + (<usize>j << 3), dot(pA + ((<usize>j * <usize>d) << 3), pu, d));
    return;
  }
  memory.fill(pw, 0, <usize>d << 3);
  passRows(pu, pw, PASS_GRAM);   // one pass: each row's t_i = a_iᵀu, then w += t_i a_i (the row still in cache)
  scale(1.0 / <f64>nRows, pw, d);
}

/** powerIteration(c, σ, maxIter, tol) -> Rayleigh estimate of λ_max(c I + σ B); stops when the relative change ≤ tol.
 *  The start vector is u_j ~ U(0.5, 1.5) from stream STREAM_POWER with seed 0, so the result is deterministic. */
export function powerIteration(c: f64, sigma: f64, maxIter: i32, tol: f64): f64 {
  const d = dim;
  const pu = pY, pw = pDelta;
  setSeed(0, 0);
  seek(STREAM_POWER, 0, 0);
  for (let j = 0; j < d; j++) store<f64>(pu + (<usize>j << 3), 0.5 + nextUniform());
  scale(1.0 / Math.sqrt(sumSquares(pu, d)), pu, d);
  let lambda: f64 = 0;
  for (let it = 0; it < maxIter; it++) {
    applyB(pu, pw);
    for (let j = 0; j < d; j++) {
      const o = <usize>j << 3;
      store<f64>(pw + o, c * load<f64>(pu + o) + sigma * load<f64>(pw + o));
    }
    const next = dot(pu, pw, d);
    const nw = Math.sqrt(sumSquares(pw, d));
    if (nw == 0) return 0;
    for (let j = 0; j < d; j++) store<f64>(pu + (<usize>j << 3), load<f64>(pw + (<usize>j << 3)) / nw);
    const done = it > 0 && Math.abs(next - lambda) <= tol * Math.abs(next);
    lambda = next;
    if (done) break;
  }
  return lambda;
}
