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
import { integer, options } from "../runtime/validate.js";
import { formatBytes } from "../runtime/kernel.js";
import type { Objective, Regime } from "./objective.js";
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
  /** Which DSGD theorem applies (section 4.1): "strongly convex" (μ_f > 0), "convex", or "nonconvex" (user models
   *  not declared convex; networks with hidden layers). */
  regime: Regime;
  /** The bound the theory step comes with, at that step and T (the `iterations` option, default 1000). */
  bound: TheoryBound;
  /**
   * With `method: "distributed"`: the section 4.3 constants (per node L_{f_i}, L_{D_i}, L_{S_i}^max, D_max, the theory
   * step 1/√(D_max·T), the convex-case step and the bound's coefficients). `stepSize` is then 1/√(D_max·T), L_D and
   * L_S^max are the largest over the nodes, μ_D the smallest, and L, μ, L_max are those of the whole problem.
   */
  distributed?: DistributedConstants;
}

/**
 * A DSGD bound (section 4.1) at step γ over T steps, as coefficients of the quantities it multiplies, with ℒ = L_exp·L_S^max:
 * strongly convex (γ ≤ 1/ℒ): E‖x_T − x_D*‖² ≤ (1 − γμ_fμ_D)^T ‖x₀ − x_D*‖² + 2γℒ/(μ_fμ_D)·(f_D^inf − f^inf);
 * convex (γ ≤ 1/(2ℒ)): E f_D(x̄_T) − f_D^inf ≤ ‖x₀ − x_D*‖²/(γT) + 2γℒ·(f_D^inf − f^inf), x̄_T the plain average;
 * nonconvex (γ ≤ 1/√(L_f L_D ℒ T)): min_t E‖∇f_D(x_t)‖² ≤ 6(f_D(x₀) − f_D^inf)/(γT) + 2γ L_f L_D ℒ·(f_D^inf − f^inf).
 */
export interface TheoryBound {
  /** The theorem. */
  regime: Regime;
  /** The inequality, in the paper's symbols. */
  statement: string;
  /** The factor on the starting gap: (1 − γμ_fμ_D)^T, 1/(γT) or 6/(γT). */
  start: number;
  /** What `start` multiplies. */
  startMultiplies: string;
  /** The factor on the error term's gap. */
  error: number;
  /** What `error` multiplies. */
  errorMultiplies: string;
}

/** theoryBound(regime, γ, T, k): the coefficients of the regime's bound. */
function theoryBound(regime: Regime, gamma: number, T: number, k: { L: number; mu: number; LD: number; muD: number; Lcal: number }): TheoryBound {
  const gap = "f_D^inf − f^inf";
  if (regime === "strongly convex") {
    return {
      regime, statement: "E‖x_T − x_D*‖² ≤ (1 − γμ_fμ_D)^T ‖x₀ − x_D*‖² + 2γℒ/(μ_fμ_D)·(f_D^inf − f^inf), γ ≤ 1/ℒ",
      start: Math.pow(1 - gamma * k.mu * k.muD, T), startMultiplies: "‖x₀ − x_D*‖²",
      error: (2 * gamma * k.Lcal) / (k.mu * k.muD), errorMultiplies: gap,
    };
  }
  if (regime === "convex") {
    return {
      regime, statement: "E f_D(x̄_T) − f_D^inf ≤ ‖x₀ − x_D*‖²/(γT) + 2γℒ·(f_D^inf − f^inf), γ ≤ 1/(2ℒ), x̄_T the plain average",
      start: 1 / (gamma * T), startMultiplies: "‖x₀ − x_D*‖²", error: 2 * gamma * k.Lcal, errorMultiplies: gap,
    };
  }
  return {
    regime, statement: "min_{t<T} E‖∇f_D(x_t)‖² ≤ 6(f_D(x₀) − f_D^inf)/(γT) + 2γ L_f L_D ℒ·(f_D^inf − f^inf), γ ≤ 1/√(L_f L_D ℒ T)",
    start: 6 / (gamma * T), startMultiplies: "f_D(x₀) − f_D^inf", error: 2 * gamma * k.L * k.LD * k.Lcal, errorMultiplies: gap,
  };
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
export function theoryConstants(obj: Objective, spec: Settings, set: SketchSetWire | null, T = 1000): Constants {
  const { L, mu, Lmax, Li, regime } = obj.smooth();
  const c = isUnitSketch(spec.sketch) ? unitSketchConstants(spec.sketch, obj.layout!) : sketchConstants(spec.sketch, obj.sketchDimension);
  let { LD, muD, LSmax } = c;
  if (obj.sketchDimension < obj.dimension) {
    // an intercept kept at scale 1 in every S: one more eigenvalue 1 of E[S²] and of every S²
    LD = Math.max(LD, 1); muD = Math.min(muD, 1); LSmax = Math.max(LSmax, 1);
  }
  if (set) ({ LD, muD, LSmax } = set);
  const Lexp = obj.rows === 0 ? L : expectedSmoothness(spec.sampling, typeof spec.batch === "number" ? spec.batch : 1, L, Li, spec.probabilities ?? undefined);
  const Lcal = Lexp * LSmax;
  // DSGD: the step of the theorem that applies; L-SVRG / SVRG: 1/(6ℒ) (section 4.4, strongly convex)
  const stepSize = spec.method !== "dsgd" ? 1 / (6 * Lcal)
    : regime === "strongly convex" ? 1 / Lcal
    : regime === "convex" ? 1 / (2 * Lcal)
    : 1 / Math.sqrt(L * LD * Lcal * Math.max(1, T));
  const bound = theoryBound(regime, stepSize, Math.max(1, T), { L, mu, LD, muD, Lcal });
  return { L, mu, LD, muD, LSmax, kappaD: LD / muD, Lmax, Lexp, stepSize, batch: spec.batch, regime, bound };
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
    : N * (expectedSupport(spec.sketch, obj.sketchDimension) + obj.dimension - obj.sketchDimension);
  const bytes = entries * SET_ENTRY_BYTES + 12 * N;
  const free = k.limit - k.used();
  if (bytes > free) {
    const fits = Math.floor((free / (entries / N * SET_ENTRY_BYTES + 12)));
    throw new RangeError(`sketchSet of ${N} members needs about ${formatBytes(bytes)} (${Math.round(entries / N)} entries a member), ` +
      `more than the ${formatBytes(free)} free in this problem's wasm memory; at most about ${fits} members fit`);
  }
  return sketchSetWire(k, obj.dimension, spec.sketch, src, obj.buffers.base, obj.sketchDimension);
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
    const regime = obj.smooth().regime, T = o.iterations === undefined ? 1000 : integer("iterations", o.iterations, 1);
    return { L, mu, LD, muD, LSmax, kappaD: LD / muD, Lmax, Lexp: L, stepSize: dc.stepSize, batch: "full", regime, bound: theoryBound("nonconvex", dc.stepSize, T, { L, mu, LD, muD, Lcal: L * LSmax }), distributed: dc };
  }
  const spec = normaliseSettings({ ...o, sketch: sketch === undefined ? { kind: "identity" } : sketch }, obj);
  return theoryConstants(obj, spec, runSketchSet(obj, spec), o.iterations === undefined ? 1000 : integer("iterations", o.iterations, 1));
}
