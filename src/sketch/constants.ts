/**
 * The constants of a sketch distribution D in dimension d (paper, section 2): L_D, μ_D, L_S^max, κ_D and the second
 * moments E[s_j²], E[s_i s_j] that give E[SᵀAS] in closed form.
 * @module
 */
import { type Sketch, checkSketch } from "./spec.js";

/** Constants of a sketch distribution D in dimension d (paper, section 2; forms marked [D] were derived for this project). */
export interface SketchConstants {
  /** L_D = λ_max(E[SᵀS]). */
  LD: number;
  /** μ_D = λ_min(E[SᵀS]) (≥ 1 since E[S] = I). */
  muD: number;
  /** L_S^max = sup over the support of λ_max(SᵀS). */
  LSmax: number;
  /** κ_D = L_D / μ_D. */
  kappaD: number;
  /** E[s_j²] for each coordinate j (the diagonal of E[S²]); made on first read (the other constants cost O(1) for every
   *  family but a vector of p_j). */
  readonly second: Float64Array;
  /** E[s_i s_j] for i ≠ j (the same for every pair for these families). */
  cross: number;
}

/**
 * sketchConstants(s, d): L_D, μ_D, L_S^max and the second moments of the table in section 2.
 * Rand-K: E[s_j²] = d/K, E[s_i s_j] = d(K−1)/(K(d−1)). Permutation with q = ⌈d/M⌉ slots per block:
 * E[s_j²] = M, E[s_i s_j] = M(q−1)/(Mq−1) (equal to Rand-K with K = d/M when M divides d).
 */
export function sketchConstants(s: Sketch, d: number): SketchConstants {
  const sk = checkSketch(s, d);
  // `second` is made on first read: the families with one E[s_j²] for every coordinate (all but a vector of p_j) then
  // configure in O(1), not O(d) (a d = 10⁷ run would otherwise allocate and fill 80 MB it never reads)
  let uniform = 1, ps: readonly number[] | null = null;
  let cross = 1;
  let LD: number, muD: number, LSmax: number;
  switch (sk.kind) {
    case "identity":
      LD = muD = LSmax = 1; break;
    case "bernoulli": {
      if (typeof sk.p === "number") { uniform = 1 / sk.p; LD = muD = uniform; LSmax = 1 / (sk.p * sk.p); break; }
      ps = sk.p;
      let pmin = 1, pmax = 0;
      for (let j = 0; j < d; j++) { pmin = Math.min(pmin, ps[j]); pmax = Math.max(pmax, ps[j]); }
      LD = 1 / pmin; muD = 1 / pmax; LSmax = 1 / (pmin * pmin); break;
    }
    case "randK": {
      uniform = d / sk.k;
      LD = muD = uniform; LSmax = uniform * uniform;
      cross = d === 1 ? 1 : (d * (sk.k - 1)) / (sk.k * (d - 1)); break;
    }
    case "permutation": {
      const M = sk.nodes, q = Math.ceil(d / M);
      uniform = M; LD = muD = M; LSmax = M * M;
      cross = M * q === 1 ? 1 : (M * (q - 1)) / (M * q - 1); break;
    }
  }
  let second: Float64Array | null = null;
  const out = { LD, muD, LSmax, kappaD: LD / muD, cross } as SketchConstants;
  Object.defineProperty(out, "second", {
    enumerable: true,
    get(): Float64Array {
      if (second === null) {
        second = new Float64Array(d);
        if (ps === null) second.fill(uniform); else for (let j = 0; j < d; j++) second[j] = 1 / ps[j];
      }
      return second;
    },
  });
  return out;
}
