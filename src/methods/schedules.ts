/**
 * Step-size schedules t ↦ γ_t for `minimize({ stepSize })`. They use only + − × ÷, so every runtime computes the same bits.
 * @module
 */
import { positive } from "../runtime/validate.js";

/** Step-size schedules t ↦ γ_t, to pass as `minimize({ stepSize })`. */
export const schedules = {
  /** constant(γ): γ_t = γ. */
  constant(gamma: number): (t: number) => number {
    const g = positive("gamma", gamma);
    return () => g;
  },
  /** inverseTime(γ₀, t₀): γ_t = γ₀ / (1 + t/t₀), the classical decreasing step for SGD to reach the exact minimiser of f_D. */
  inverseTime(gamma0: number, t0: number): (t: number) => number {
    const g = positive("gamma0", gamma0), s = positive("t0", t0);
    return (t) => g / (1 + t / s);
  },
};
