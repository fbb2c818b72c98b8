// The coordinate of a sketched gradient, written once: g_k = s_k (a_k / D + λ (v_j + δ_k)), with a_k the data term
// (Σ_r w_r φ'_r a_{i_r, j}), D the sampler's divisor and δ_k = s_k (x_j − v_j), so that the step is x_j − γ g_k.

/** sketchedCoord(s, a, D, one, λ, v, δ) = s (a/D + λ (v + δ)), where one = (D == 1): a/1 is a exactly, so the
 *  division is skipped (callers decide `one` once per step, outside their loops). */
@inline export function sketchedCoord(s: f64, a: f64, div: f64, one: bool, lam: f64, v: f64, delta: f64): f64 {
  return s * ((one ? a : a / div) + lam * (v + delta));
}
