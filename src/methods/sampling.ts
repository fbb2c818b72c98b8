/**
 * Data sampling for option II of Algorithm 1 ("SGD with general sampling", section 4.2): the samplers, their unbiased
 * reweighting ĝ = (1/D) Σ_r w_r ∇f_{i_r} and their expected-smoothness constants L_exp (Gower et al. 2019), so that
 * γ = 1/(L_exp · L_S^max) is right for each.
 * @module
 */

/** How a step picks its data rows. */
export type Sampling = "uniform" | "nice" | "independent" | "importance";
/** The samplers. */
export const SAMPLINGS: readonly Sampling[] = ["uniform", "nice", "independent", "importance"];


/**
 * expectedSmoothness(sampling, τ, L, Li, p): the constant A of the ABC condition for ĝ.
 * full: L. τ-nice (without replacement): (n−τ)/(τ(n−1))·L_max + n(τ−1)/(τ(n−1))·L.
 * uniform (τ i.i.d.): L_max/τ + (1 − 1/τ)·L. independent (p_i): L + max_i (1 − p_i) L_i/(n p_i).
 * importance (τ i.i.d. with p_i ∝ L_i): mean(L_i)/τ + (1 − 1/τ)·L.
 */
export function expectedSmoothness(sampling: Sampling | "full", tau: number, L: number, Li: Float64Array, p?: Float64Array): number {
  const n = Li.length;
  let Lmax = 0, sum = 0;
  for (const l of Li) { if (l > Lmax) Lmax = l; sum += l; }
  switch (sampling) {
    case "full": return L;
    case "nice": return n > 1 ? ((n - tau) / (tau * (n - 1))) * Lmax + ((n * (tau - 1)) / (tau * (n - 1))) * L : Lmax;
    case "uniform": return Lmax / tau + (1 - 1 / tau) * L;
    case "importance": return sum / n / tau + (1 - 1 / tau) * L;
    case "independent": {
      let worst = 0;
      for (let i = 0; i < n; i++) worst = Math.max(worst, ((1 - p![i]) * Li[i]) / (n * p![i]));
      return L + worst;
    }
  }
}

/**
 * aliasTable(weights): Vose's alias method for sampling i with probability w_i/Σw in O(1): draw a column c uniformly
 * and keep it when u < q_c, else take alias_c. Built with + − × ÷ only (same bits everywhere).
 */
export function aliasTable(weights: ArrayLike<number>): { q: Float64Array; alias: Int32Array; p: Float64Array } {
  const n = weights.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += weights[i];
  const p = Float64Array.from(weights, (w) => w / sum);
  const scaled = Float64Array.from(p, (pi) => pi * n);
  const q = new Float64Array(n), alias = new Int32Array(n);
  const small: number[] = [], large: number[] = [];
  for (let i = n - 1; i >= 0; i--) (scaled[i] < 1 ? small : large).push(i);
  while (small.length && large.length) {
    const s = small.pop()!, l = large.pop()!;
    q[s] = scaled[s];
    alias[s] = l;
    scaled[l] = (scaled[l] + scaled[s]) - 1;
    (scaled[l] < 1 ? small : large).push(l);
  }
  for (const i of large) { q[i] = 1; alias[i] = i; }
  for (const i of small) { q[i] = 1; alias[i] = i; }
  return { q, alias, p };
}
