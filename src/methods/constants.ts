/**
 * Theory constants of a problem, a sketch, a sampling and a method (paper, sections 2–4.4), and the theory step size
 * γ = 1/(L_exp · L_S^max) (DSGD) or 1/(6 L_exp L_S^max) (L-SVRG, SVRG) that `stepSize: "theory"` uses.
 * @module
 */
import type { Sketch } from "../sketch/spec.js";
import { sketchConstants } from "../sketch/constants.js";
import { unitSketchConstants } from "../sketch/units.js";
import { isUnitSketch } from "../sketch/spec.js";
import { type SketchSetWire, sketchSetWire } from "../sketch/set.js";
import { expectedSmoothness } from "./sampling.js";
import { RUN_KEYS, type Settings, normaliseSettings } from "./options.js";
import { options } from "../runtime/validate.js";
import { formatBytes } from "../runtime/kernel.js";
import type { Objective } from "./objective.js";
import type { MinimizeOptions } from "./types.js";
import type { DistributedConstants, DistributedNode } from "./distributed/types.js";
import { distributedConstants } from "./distributed/constants.js";

/** Theory constants of a problem, a sketch and a sampling (paper, sections 2–4.1). */
export interface Constants {
  /** L_f, the smoothness constant of f (power iteration on AᵀA/n, or λ_max(A) for a quadratic). */
  L: number;
  /** μ_f, the strong-convexity constant of f (λ for the logistic loss; λ_min(AᵀA/n) + λ or λ_min(A) otherwise). */
  mu: number;
  /** L_D = λ_max(E[SᵀS]); f_D is L_f·L_D-smooth. */
  LD: number;
  /** μ_D = λ_min(E[SᵀS]); f_D is μ_f·μ_D-strongly convex. */
  muD: number;
  /** L_S^max = sup λ_max(SᵀS). */
  LSmax: number;
  /** κ_D = L_D/μ_D. */
  kappaD: number;
  /** max_i L_i, the largest per-row smoothness constant (data problems; L for a quadratic). */
  Lmax: number;
  /** The expected-smoothness constant of the data sampling: L for the full data, (n−τ)/(τ(n−1))·L_max + n(τ−1)/(τ(n−1))·L for τ rows. */
  Lexp: number;
  /** The theory step size γ = 1/(L_exp · L_S^max) (strongly convex DSGD, section 4.1; option II through the ABC constant). */
  stepSize: number;
  /** The sampling these constants are for: "full" or τ. */
  batch: "full" | number;
  /**
   * With `method: "distributed"`: the section 4.3 constants (per node L_{f_i}, L_{D_i}, L_{S_i}^max, D_max, the theory
   * step 1/√(D_max·T), the convex-case step and the bound's coefficients). `stepSize` is then 1/√(D_max·T), L_D and
   * L_S^max are the largest over the nodes, μ_D the smallest, and L, μ, L_max are those of the whole problem.
   */
  distributed?: DistributedConstants;
}

/** The options `constants()` takes: a run's options, less the ones that only steer a run, plus distributed nodes. */
const CONSTANTS_KEYS = [...RUN_KEYS, "iterations", "recordEvery", "tolerance", "timeLimitMs", "gradientSamples", "nodes"];

/** Options of `problem.constants(sketch, options)`: the run options that the constants depend on. */
export type ConstantsOptions = Omit<MinimizeOptions, "onProgress" | "resumeFrom"> & {
  /** Distributed: M, or the nodes; the constants are then those of section 4.3. */
  nodes?: number | DistributedNode[];
};

/**
 * theoryConstants(objective, settings, set): the constants of a normalised run. A variance-reduced run takes L_D, μ_D
 * and L_S^max over its finite set; the data sampling enters through the expected-smoothness constant L_exp.
 */
export function theoryConstants(obj: Objective, spec: Settings, set: SketchSetWire | null): Constants {
  const { L, mu, Lmax, Li } = obj.smooth();
  const c = isUnitSketch(spec.sketch) ? unitSketchConstants(spec.sketch, obj.layout!) : sketchConstants(spec.sketch, obj.dimension);
  let { LD, muD, LSmax } = c;
  if (set) ({ LD, muD, LSmax } = set);
  const Lexp = obj.rows === 0 ? L : expectedSmoothness(spec.sampling, typeof spec.batch === "number" ? spec.batch : 1, L, Li, spec.probabilities ?? undefined);
  const factor = spec.method === "dsgd" ? 1 : 6;
  return { L, mu, LD, muD, LSmax, kappaD: LD / muD, Lmax, Lexp, stepSize: 1 / (factor * Lexp * LSmax), batch: spec.batch };
}

/** Bytes a set member's entry takes: an i32 index and an f64 scale (in the kernel; as much again while it is drawn). */
const SET_ENTRY_BYTES = 12;

/**
 * runSketchSet(objective, settings): the finite set of a VR run in wire form, or null for DSGD. A set too large for
 * the problem's memory is refused before it is drawn, from its expected size (N times the expected support).
 */
export function runSketchSet(obj: Objective, spec: Settings): SketchSetWire | null {
  if (spec.method === "dsgd") return null;
  const src = spec.sketchSet!;
  const k = obj.kernel;
  if (isUnitSketch(spec.sketch)) {
    if (Array.isArray(src)) throw new RangeError(`sketchSet must be { size, seed } with a unit sketch (its members are drawn over units); explicit diagonals are coordinate sketches`);
    return obj.unitSketchSet!(spec.sketch, src);
  }
  const N = Array.isArray(src) ? src.length : src.size;
  const entries = Array.isArray(src)
    ? src.reduce((s, diag) => s + diag.reduce((c, v) => c + (v !== 0 ? 1 : 0), 0), 0)
    : N * expectedSupport(spec.sketch, obj.dimension);
  const bytes = entries * SET_ENTRY_BYTES + 12 * N;
  const free = k.limit - k.used();
  if (bytes > free) {
    const fits = Math.floor((free / (entries / N * SET_ENTRY_BYTES + 12)));
    throw new RangeError(`sketchSet of ${N} members needs about ${formatBytes(bytes)} (${Math.round(entries / N)} entries a member), ` +
      `more than the ${formatBytes(free)} free in this problem's wasm memory; at most about ${fits} members fit`);
  }
  return sketchSetWire(k, obj.dimension, spec.sketch, src, obj.buffers.base);
}

/** expectedSupport(sketch, d): |supp S| of a draw, or a bound a draw exceeds with vanishing probability (Bernoulli). */
function expectedSupport(sk: Sketch, d: number): number {
  switch (sk.kind) {
    case "identity": return d;
    case "randK": return sk.k;
    case "permutation": return Math.ceil(d / sk.nodes);
    case "bernoulli": {
      const ps = typeof sk.p === "number" ? null : sk.p;
      let mean = 0, variance = 0;
      for (let j = 0; j < d; j++) { const p = ps ? ps[j] : (sk.p as number); mean += p; variance += p * (1 - p); }
      return Math.min(d, Math.ceil(mean + 6 * Math.sqrt(variance) + 1));
    }
  }
}

/**
 * constantsOf(objective, sketch, options): `problem.constants` — L, μ, L_D, μ_D, L_S^max and the theory step size for
 * the method and sampling; with `method: "distributed"`, the section 4.3 constants as well.
 */
export function constantsOf(obj: Objective, sketch: Sketch | undefined, opts: ConstantsOptions = {}): Constants {
  const o = options<ConstantsOptions>("options", opts, CONSTANTS_KEYS);
  if (o.method === "distributed") {
    if (!obj.linear) throw new RangeError(`method "distributed" needs a data problem (mast.problem)`);
    const { method: _m, nodes, iterations, stepSize, ...rest } = o;
    const extra = Object.keys(rest)[0];
    if (extra !== undefined) throw new RangeError(`options.${extra} is not a known option of constants() for method "distributed" (known: method, nodes, iterations, stepSize)`);
    const dc = distributedConstants(obj, { nodes, sketch, iterations, stepSize: typeof stepSize === "number" ? stepSize : undefined });
    const { L, mu, Lmax } = obj.smooth();
    const LD = Math.max(...dc.LD), muD = Math.min(...dc.muD), LSmax = Math.max(...dc.LSmax);
    return { L, mu, LD, muD, LSmax, kappaD: LD / muD, Lmax, Lexp: L, stepSize: dc.stepSize, batch: "full", distributed: dc };
  }
  const spec = normaliseSettings({ ...o, sketch: sketch === undefined ? { kind: "identity" } : sketch }, obj);
  return theoryConstants(obj, spec, runSketchSet(obj, spec));
}
