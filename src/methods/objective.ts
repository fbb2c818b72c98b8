/**
 * What a method needs from a problem, and nothing more: the objective's kernel and buffers, its smoothness constants,
 * its fingerprint for checkpoints and, for user models, the host-side oracle. Problems (src/models/) implement it;
 * methods never import the problem classes, so the arrows point one way: models → methods.
 * @module
 */
import type { Kernel } from "../runtime/kernel.js";
import type { Dataset } from "../data/dataset.js";
import type { Sketch } from "../sketch/spec.js";
import type { SketchSetWire } from "../sketch/set.js";
import type { ColumnMap } from "../runtime/columns.js";

/** Which of the paper's DSGD theorems applies to f (section 4.1): μ_f > 0, convex, or nonconvex. */
export type Regime = "strongly convex" | "convex" | "nonconvex";

/** L_f, μ_f, max_i L_i, the per-row L_i (empty without data) and the regime the theory steps follow. */
export interface Smoothness { L: number; mu: number; Lmax: number; Li: Float64Array; regime: Regime }

/** The loss on the margin m = a_iᵀx with label b: logistic log(1 + e^{−bm}) or squared ½(m − b)². */
export type Loss = "logistic" | "squared";

/** Pointers of an objective's fixed buffers in its kernel's memory; `base` is where per-call scratch starts. */
export interface Buffers {
  /** x (d f64): the iterate of a run, or the point of a call. */
  x: number;
  /** a d-vector for gradients. */
  g: number;
  /** γ_t of the steps of the current chunk (schedules). */
  gammas: number;
  /** The mark that per-call scratch is released to. */
  base: number;
  /** Networks: the variance-reduced methods' f32 state and scratch (w, G, the two member gradients on a step's support,
   *  the support, the journal for a refused update) and 0 … n−1 as i32 (full-data passes in chunks). */
  nn?: { w: number; G: number; gx: number; gw: number; idx: number; journal: number; rows: number };
}

/** How many γ_t a chunk of a scheduled run can hold. */
export const GAMMA_BLOCK = 4096;

/**
 * A user model returned a non-finite value or gradient. Outside a run it is the RangeError it extends; inside a run it
 * stops the run with a DivergenceError at `step`, as a non-finite iterate does.
 */
export class NonFiniteOutput extends RangeError {
  /** The step whose evaluation it was (set by the run), or null. */
  step: number | null = null;
}

/** A user model's f and ∇f, evaluated on the host at the sketched point y. */
export interface HostOracle {
  /** f(y), with ∇f(y) written into grad; `where` names the step for error messages. Throws on a bad answer. */
  evaluate(y: Float64Array, grad: Float64Array, where: string): number;
  /** Evaluations so far (the gradient-evaluation count of a run). */
  evaluations: number;
}

/** A data objective: f(x) = (1/n) Σ φ(a_iᵀw + b, b_i) + λ/2 ‖w‖², x = w (or (w, b) with an intercept). */
export interface LinearTerms { data: Dataset; loss: Loss; l2: number; intercept: boolean }

/** A network objective's defining terms (what distributed nodes rebuild on their shards, and what runs check). */
export interface NetworkTerms {
  data: Dataset;
  /** Hidden widths n_1 … n_L. */
  hidden: readonly number[];
  activation: "relu" | "tanh";
  /** λ on the weights. */
  l2: number;
  /** The largest minibatch the instance has scratch for. */
  maxBatch: number;
  /** True for hidden: [] (multinomial logistic regression: convex, with known L). */
  convex: boolean;
}

/** What `keepBest` scores a validation data set by: accuracy (higher is better) or the objective's loss (lower). */
export type Metric = "accuracy" | "loss";

/** Work a run did: coordinates of x read or written, data rows (or sketched gradients) evaluated, and for networks the
 *  multiply-adds of their matrix products. */
export interface Work { coordsTouched: number; rowsTouched: number; macs?: number; densePasses?: number }

/** The objective a method minimises (f_D of it, with the problem's shift v). */
export interface Objective {
  readonly kind: "data" | "quadratic" | "model" | "network";
  /** d. */
  readonly dimension: number;
  /** The coordinates a sketch draws over: d, less a data problem's intercept (which every sketch keeps at scale 1). */
  readonly sketchDimension: number;
  /** v. */
  readonly shift: Float64Array;
  /** The compiled module (for methods that need more instances, e.g. distributed nodes). */
  readonly module: WebAssembly.Module;
  /** The objective's own wasm instance. */
  readonly kernel: Kernel;
  readonly buffers: Buffers;
  /** n, the data rows (0 for a quadratic or a model). */
  readonly rows: number;
  /** L_f, μ_f, L_i (cached). */
  smooth(): Smoothness;
  /** A SHA-256 of the objective's defining arrays (checkpoints resume only on the problem they came from). */
  fingerprint(): string;
  /** User models: the host-side oracle; null when f lives in the kernel. */
  readonly host: HostOracle | null;
  /** Data objectives: the data, loss and λ (what distributed nodes rebuild on their shards); null otherwise. */
  readonly linear: LinearTerms | null;
  /** Data objectives: the same objective on other rows (a distributed node's shard), in an instance of its own. */
  shard?(data: Dataset): Objective;
  /** Told when a run on this objective gives the event loop a turn (false) and resumes (true). */
  setActive?(active: boolean): void;
  /** Networks: the layer sizes n_0 … n_{L+1} (unit sketches are checked and their constants computed against them). */
  readonly layout: readonly number[] | null;
  /** Networks: their terms; null otherwise. */
  readonly network: NetworkTerms | null;
  /** Networks: a set of N unit sketches drawn from `sketch` with the set's seed (stream 14), in wire form with empty
   *  members (drawn again on demand) and the set's L_D, μ_D, L_S^max over the parameters. */
  unitSketchSet?(sketch: Sketch, src: { size: number; seed: number }): SketchSetWire;
  /** Data problems and networks: a scorer of x on a validation data set (accuracy or the loss), usable while a run is
   *  on (it never touches the run's iterate or scratch); its set-up may allocate, so make it after the run's own. */
  validationScorer?(data: Dataset, metric: Metric): (x: Float64Array) => number;
  /** The default x_0 of a run with this seed (networks: initial parameters); the shift v when absent. */
  initialX?(seed: number): Float64Array;
  /** x at buffers.x (f64; a network's f32 parameters widened exactly). */
  readX(): Float64Array;
  /** x at buffers.x without a copy where the kernel holds f64 (a view, valid until the kernel next allocates); a
   *  network's widened copy. */
  viewX(): Float64Array;
  /** Put x at buffers.x (a network rounds it to f32). */
  writeX(x: ArrayLike<number>): void;
  /** f at buffers.x, for the trace. */
  valueAtX(): number;
  /** f at a d-vector in the kernel (f64; e.g. the average in buffers.g). */
  valueAtBuffer(p: number): number;
  /** Gradient evaluations so far in this run (rows, or sketched gradients of a quadratic or a model), and setting it
   *  (when resuming). */
  gradientEvaluations(): number;
  setGradientEvaluations(n: number): void;
  /** The work counters of the run so far. */
  work(): Work;
  /** Wide sparse data problems: the same objective on the coordinates a run can change (its data's used columns and
   *  the shift's support, laid out by a {@link ColumnMap}), built on first use; null when it would not be much
   *  smaller, or when the problem keeps every run on all d coordinates. */
  compactTwin?(): Objective | null;
  /** A compact twin's layout in the problem's d coordinates (absent or null for an objective in its own). */
  readonly columns?: ColumnMap | null;
  /** Zero the work counters at the start of a run. */
  resetWork(): void;
}
