/**
 * Unit sketches on a network with layer sizes n_0 … n_{L+1}: hidden unit j of layer l has scale s_j, applied to its
 * incoming weights and bias (n_{l−1} + 1 parameters); the output layer's parameters always have scale 1. E[S] = I per
 * parameter because P(kept)·s = 1: Bernoulli(p) keeps a unit with probability p at scale 1/p, Rand-K keeps K of n_l at
 * scale n_l/K, the permutation sketch keeps one block of M at scale M.
 * @module
 */
import type { Sketch } from "./spec.js";
import type { SketchConstants } from "./constants.js";

/** The parameter layout of a network: for layer l = 1 … L+1, the weights (n_l × n_{l−1}, row by row) then the biases. */
export function parameterCount(layout: readonly number[]): number {
  let d = 0;
  for (let l = 1; l < layout.length; l++) d += layout[l] * layout[l - 1] + layout[l];
  return d;
}

/** unitScale2(s, n): E[s_j²] of a unit in a hidden layer of n units, and the largest s_j². */
function unitMoments(s: Sketch, n: number): { second: number; max2: number } {
  switch (s.kind) {
    case "bernoulli": { const p = s.p as number; return { second: 1 / p, max2: 1 / (p * p) }; }
    case "randK": return { second: n / s.k, max2: (n / s.k) * (n / s.k) };
    case "permutation": return { second: s.nodes, max2: s.nodes * s.nodes };
    default: return { second: 1, max2: 1 };
  }
}

/**
 * unitSketchConstants(s, layout): L_D = λ_max(E[SᵀS]) and μ_D = λ_min(E[SᵀS]) over the parameters, L_S^max, and E[s²]
 * per parameter. μ_D = 1 (the output layer is never dropped). `cross` (E[s_i s_j], i ≠ j) is not one number for unit
 * sketches (parameters of one unit share its scale): it is NaN, and the quadratic closed forms do not apply.
 */
export function unitSketchConstants(s: Sketch, layout: readonly number[]): SketchConstants {
  const L = layout.length - 2;
  const second = new Float64Array(parameterCount(layout));
  let o = 0, LD = 1, LSmax = 1;
  for (let l = 1; l <= L + 1; l++) {
    const per = layout[l] * (layout[l - 1] + 1);
    const m = l <= L ? unitMoments(s, layout[l]) : { second: 1, max2: 1 };
    // weights of layer l, then its biases: every parameter of the layer has its unit's moment
    second.fill(m.second, o, o + per);
    o += per;
    LD = Math.max(LD, m.second);
    LSmax = Math.max(LSmax, m.max2);
  }
  return { LD, muD: 1, LSmax, kappaD: LD, second, cross: NaN };
}
