// Power iteration for λ_max(c I + σ B), B = AᵀA/n (data) or A (quadratic): extreme eigenvalues for L and μ.
import { STREAM_POWER } from "./codes";
import { seek, nextUniform, setSeed } from "./philox";
import { dot, sumSquares, scale } from "./vector";
import { nRows } from "./data";
import { problemKind, PROBLEM_QUADRATIC, pA, dim, pY, pDelta, passRows, PASS_GRAM, setGramScale, setDimension } from "./problem";
import { pIndices } from "./data";

// applyB(pu, pw, r): w = B_r u with B_r = r A (quadratic) or r² AᵀA/n (data).
function applyB(pu: usize, pw: usize, r: f64): void {
  const d = dim;
  if (problemKind == PROBLEM_QUADRATIC) {
    for (let j = 0; j < d; j++) store<f64>(pw + (<usize>j << 3), r * dot(pA + ((<usize>j * <usize>d) << 3), pu, d));
    return;
  }
  memory.fill(pw, 0, <usize>d << 3);
  setGramScale(r);
  passRows(pu, pw, PASS_GRAM);   // one pass: each row's t_i = a_iᵀu, then w += r(r t_i) a_i (the row still in cache)
  setGramScale(1);
  scale(1.0 / <f64>nRows, pw, d);
}

/** powerIteration(c, σ, maxIter, tol, r) -> Rayleigh estimate of λ_max(c I + σ B_r), B_r = r A (quadratic) or r² AᵀA/n
 *  (data); stops when the relative change ≤ tol. r is a power of two chosen by the host so that B_r neither overflows
 *  nor underflows (r = 1 for ordinary entries). The start vector is u_j ~ U(0.5, 1.5) from stream STREAM_POWER with
 *  seed 0, so the result is deterministic. */
export function powerIteration(c: f64, sigma: f64, maxIter: i32, tol: f64, r: f64): f64 {
  const d = dim;
  const pu = pY, pw = pDelta;
  setSeed(0, 0);
  seek(STREAM_POWER, 0, 0);
  for (let j = 0; j < d; j++) store<f64>(pu + (<usize>j << 3), 0.5 + nextUniform());
  scale(1.0 / Math.sqrt(sumSquares(pu, d)), pu, d);
  let lambda: f64 = 0;
  for (let it = 0; it < maxIter; it++) {
    applyB(pu, pw, r);
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

/** powerIterationIn(u, c, σ, maxIter, tol, r): powerIteration over the first u coordinates, for data whose column
 *  indices the host has renumbered to 0 … u−1 in place (the used columns of wide data, in order), and puts back
 *  afterwards: the same arithmetic as a problem built on the renumbered data, without a second copy of it. */
export function powerIterationIn(u: i32, c: f64, sigma: f64, maxIter: i32, tol: f64, r: f64): f64 {
  const saved = dim;
  setDimension(u);
  const lambda = powerIteration(c, sigma, maxIter, tol, r);
  setDimension(saved);
  return lambda;
}

/** dataIndicesPtr(): where the CSR column indices live (for the host's renumbering around powerIterationIn). */
export function dataIndicesPtr(): usize { return pIndices; }
