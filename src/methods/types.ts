/**
 * The public types of a run: its options, its trace rows and its result (paper, sections 4.1–4.4).
 * @module
 */
import type { Sketch } from "../sketch/spec.js";
import type { Dataset } from "../data/dataset.js";
import type { Sampling } from "./sampling.js";

/** The methods `minimize` knows: DSGD (section 4.1), L-SVRG and SVRG (section 4.4), distributed DSGD/IST (section 4.3). */
export const METHODS = ["dsgd", "lsvrg", "svrg", "distributed"] as const;
/** A method: "dsgd", "lsvrg", "svrg" or "distributed". */
export type Method = (typeof METHODS)[number];

/** Why a run stopped. */
export type StopReason = "iterations" | "tolerance" | "time" | "callback";

/** One row of a run's trace. */
export interface TraceRow {
  /** The iteration t (x is x_t). */
  iteration: number;
  /** f(x_t), the original objective (not f_D). */
  f: number;
  /** Data-gradient evaluations so far: rows whose ∇f_i was evaluated (one per step for a quadratic). */
  gradEvals: number;
  /** Milliseconds since the run started. */
  ms: number;
  /** ‖∇f_D(x_t)‖, recorded when a `tolerance` is set. */
  gradNorm?: number;
  /** With `keepBest`: the validation score of the run's point (x̄_t when averaging) at this record. */
  validation?: number;
}

/** Options of `problem.minimize` on every problem (`method: "distributed"` takes `DistributedOptions` instead). */
export interface MinimizeOptions {
  /** "dsgd": Double Sketched (S)GD, Algorithm 1; "lsvrg": loopless SVRG on the double-sketched finite sum (L-SVRDSG,
   *  section 4.4); "svrg": loopy SVRG with a snapshot every `snapshotEvery` steps; "distributed": section 4.3. */
  method?: Method;
  /** The sketch distribution D (default identity). For "lsvrg"/"svrg" with `sketchSet: { size, seed }`, the set is drawn from it. */
  sketch?: Sketch;
  /** γ: a number, "theory" (default: the constant `stepSize` of `problem.constants`, 1/(L_exp·L_S^max)), "switching"
   *  (DSGD: 1/(2ℒ) then (2t+1)/((t+1)²μ), Gower et al. 2019, with ℒ = L_exp·L_S^max and μ = μ_f·μ_D; needs μ > 0), or a
   *  schedule t ↦ γ_t. */
  stepSize?: number | "theory" | "switching" | ((t: number) => number);
  /** T, the iteration to run to (default 1000). With `resumeFrom`, the run continues from the checkpoint's t to T. */
  iterations?: number;
  /** "full" (default, option I: the full-data gradient) or τ (option II: τ rows per step, see `sampling`). Networks take
   *  τ only (default min(64, n), at most the network's maxBatch). */
  batch?: "full" | number;
  /** How option II picks rows: "nice" (default: τ rows without replacement), "uniform" (τ rows i.i.d.),
   *  "independent" (row i with probability `probabilities[i]`), "importance" (τ rows i.i.d. with p_i ∝ L_i). */
  sampling?: Sampling;
  /** p_i for sampling "independent" (one per row, each in (0, 1]). */
  probabilities?: ArrayLike<number>;
  /** Seed of the counter-based generator (a safe integer ≥ 0, default 0). */
  seed?: number;
  /** Start point x_0 (default: the shift v; on a network without a shift, `network.initialParameters(seed)`). */
  x0?: ArrayLike<number>;
  /** The finite sketch set {S_1..S_N} of the VR methods: N draws from `sketch` with their own seed, or explicit
   *  diagonals (Float64Array of length d each; 0 = dropped). Default { size: 100, seed: 0 }, balanced where the sketch
   *  has a balanced form (docs/methods.md#sketch-sets). */
  sketchSet?: {
    /** N (rounded up to whole rounds when balanced). */
    size: number;
    /** The set's own seed (default 0). */
    seed?: number;
    /** Whole rounds that keep every coordinate equally often, so that the set's mean is exactly I (the default for
     *  the permutation and identity sketches, and for Rand-K when K divides d: stratified, the d/K blocks of a
     *  permutation, with Rand-K's own moments), or (false) independent draws. */
    balanced?: boolean;
  } | ArrayLike<number>[];
  /** b: the reference gradient averages b set members drawn without replacement (default N: exact). */
  referenceBatch?: number;
  /** p: L-SVRG refreshes its reference point with probability p after each step (default 1/b). */
  refreshProbability?: number;
  /** m: SVRG takes a snapshot every m steps (default 2b). */
  snapshotEvery?: number;
  /** Stop when ‖∇f_D(x_t)‖ ≤ tolerance at a record point (exact for quadratics, identity sketches and sketch sets;
   *  a Monte Carlo mean of `gradientSamples` sketched gradients otherwise). */
  tolerance?: number;
  /** Sketches in the Monte Carlo ∇f_D estimate for `tolerance` (default 100). */
  gradientSamples?: number;
  /** Stop when this many milliseconds have passed (checked at least every 1024 steps). */
  timeLimitMs?: number;
  /** Record a trace row every this many steps (default ⌈T/100⌉). */
  recordEvery?: number;
  /** Called with each trace row; return `false` to stop the run. It must not call back into the same problem (value,
   *  gradient, sketchedGradient, minimize, …): those throw while the run is on, as the run's state lives in its kernel. */
  onProgress?: (row: TraceRow) => void | boolean;
  /** Keep the point with the best validation score over the record points (data problems and networks): the
   *  validation set (same columns) and the metric ("accuracy", the default where the labels allow, or "loss"). The
   *  trace rows carry the scores, the result `best`, and checkpoints the best so far. It does not change the run. */
  keepBest?: {
    /** The validation data set. */
    data: Dataset;
    /** "accuracy" (higher is better) or "loss" (the objective on the validation set; lower is better). */
    metric?: "accuracy" | "loss";
  };
  /** Continue a run from a result's `checkpoint` (same problem; run-defining options must match or be omitted). */
  resumeFrom?: Uint8Array;
  /**
   * Iterate averaging: the result's x is a weighted mean x̄_T of x_{t_a+1}, …, x_T, and the trace reports f(x̄_t) once
   * t > t_a. "auto" (default): "weighted" for DSGD with stochastic steps (a sketch other than the identity, or sampled
   * rows), none otherwise. "weighted": x_{t+1} weighs t + 1 (from t = 0; independent of T, so resumes keep the bits);
   * "all" or true: uniform from t = 0; "tail": uniform from ⌊T/2⌋ of the first call (a resume keeps that t_a);
   * { from: t }: uniform from t; false: the last iterate. Sparse steps stay O(|supp S_t|): the sums are kept lazily per
   * coordinate. Not on networks. See docs/methods.md#averaging.
   */
  average?: boolean | "auto" | "weighted" | "all" | "tail" | {
    /** t_a: the iterates after steps t_a, t_a + 1, … are averaged with equal weights. */
    from: number;
  };
}

/** What `problem.minimize` returns. */
export interface MinimizeResult {
  /** The final iterate x_T. */
  x: Float64Array;
  /** The number of steps taken in total (including those before a resumed checkpoint). */
  iterations: number;
  /** Trace rows at the start, every recordEvery steps and at the end. */
  trace: TraceRow[];
  /** Lowercase SHA-256 hex of x as little-endian f64 bytes. */
  digest: string;
  /** The constant step size used (NaN when a schedule was given). */
  stepSize: number;
  /** Why the run stopped. */
  stoppedBy: StopReason;
  /** The full state of the run, to continue it with `resumeFrom`. */
  checkpoint: Uint8Array;
  /** L-SVRG / SVRG: the finite set the run used — N, whether it is balanced (every coordinate kept equally often), and
   *  max_j |S̄_jj − 1|, how far its mean S̄ is from I. The methods reach the minimiser of (1/N) Σ_j f(v + S_j(x − v)),
   *  which is x_D* when S̄ = I and the set is the sketch's own distribution (docs/methods.md#sketch-sets). */
  sketchSet?: {
    /** N, the members (a balanced set rounds the requested size up to whole rounds). */
    size: number;
    /** Whether every coordinate is kept equally often (the mean is I). */
    balanced: boolean;
    /** max_j |S̄_jj − 1|. */
    meanError: number;
  };
  /** Notes about the run, e.g. a given step far (> 10×) above the theory step. */
  warnings?: string[];
  /** With `keepBest`: the best-scoring point over the record points (x̄_t when averaging), its step and score. */
  best?: {
    /** The point. */
    x: Float64Array;
    /** t of the record it was scored at. */
    iteration: number;
    /** Its validation score. */
    score: number;
    /** "accuracy" (higher is better) or "loss" (lower). */
    metric: "accuracy" | "loss";
  };
  /** With averaging: the last iterate x_T (x is then the average x̄_T). Read back from `checkpoint` on first access
   *  (one d-vector fewer per call when it is not used); the same values. */
  lastIterate?: Float64Array;
  /** With averaging: t_a, the first step whose result x is the mean over (x_{t_a+1} … x_T), or null when the run ended
   *  at or before t_a (x is then x_T). */
  averagedFrom?: number | null;
  /** Work done by the kernels in this call (see each field). */
  work: {
    /** Coordinates of x read or written. */
    coordsTouched: number;
    /** Data rows (or sketched gradients) evaluated. */
    rowsTouched: number;
    /** Networks: the multiply-adds of the training steps' matrix products (trace evaluations not counted). */
    macs?: number;
    /** Passes over a d-vector outside the steps: setting up (x_0, the averaging sums), the lazy path's write-back, f
     *  and x̄ at each record point, and the result (x_T, x̄, the digest, each d-sized checkpoint array). The fixed cost
     *  of a call, independent of the number of steps; the steps' own work is `coordsTouched`. (Networks: the host's
     *  passes only.) */
    densePasses: number;
  };
}
