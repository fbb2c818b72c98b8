/**
 * Problems: f(x) = (1/n) Σ φ(a_iᵀx, b_i) + λ/2 ‖x‖² over a data set, or f(x) = ½xᵀAx − bᵀx, each with a shift v.
 * The MAST objective is f_D(x) = E_{S~D} f(v + S(x − v)) (paper, section 1). Each problem owns one wasm instance
 * with its own linear memory; data is copied in once.
 * @module
 */
import { Dataset } from "./data/dataset.js";
import { DivergenceError } from "./errors.js";
import { Kernel } from "./wasm.js";
import { Sketch, checkSketch, sketchConstants, sketchWire } from "./sketch.js";
import { digestF64 } from "./digest.js";
import { minimizeDistributed } from "./distributed.js";
import { quadForm, solve } from "./linalg.js";
import { integer, nonNegative, oneOf, options, positive, show, vector } from "./validate.js";

/** The loss on the margin m = a_iᵀx with label b: logistic log(1 + e^{−bm}) or squared ½(m − b)². */
export type Loss = "logistic" | "squared";

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
}

/** An f_D value: the mean (exact or Monte Carlo), its standard error, and how many sketches were drawn. */
export interface SketchedValue { mean: number; stderr: number; samples: number; exact: boolean }

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
}

/** Options of {@link Problem.minimize}. */
export interface MinimizeOptions {
  /** The method; "dsgd" is Double Sketched (S)GD, Algorithm 1; "distributed" is section 4.3 (see the distributed options). */
  method?: (typeof METHODS)[number];
  /** The sketch distribution D (default identity). */
  sketch?: Sketch;
  /** γ: a number, "theory" (default: {@link Constants.stepSize}) or a schedule t ↦ γ_t. */
  stepSize?: number | "theory" | ((t: number) => number);
  /** T, the number of steps (default 1000). */
  iterations?: number;
  /** "full" (default, option I: the full-data gradient) or τ (option II: τ rows sampled uniformly without replacement). */
  batch?: "full" | number;
  /** Seed of the counter-based generator (a safe integer ≥ 0, default 0). */
  seed?: number;
  /** Start point x_0 (default: the shift v). */
  x0?: ArrayLike<number>;
  /** Record a trace row every this many steps (default ⌈T/100⌉). */
  recordEvery?: number;
  /** Called with each trace row; return `false` to stop the run early. */
  onProgress?: (row: TraceRow) => void | boolean;
}

/** What {@link Problem.minimize} returns. */
export interface MinimizeResult {
  /** The final iterate x_T. */
  x: Float64Array;
  /** The number of steps taken. */
  iterations: number;
  /** Trace rows at t = 0, every recordEvery steps and at the end. */
  trace: TraceRow[];
  /** Lowercase SHA-256 hex of x as little-endian f64 bytes. */
  digest: string;
  /** The constant step size used (NaN when a schedule was given). */
  stepSize: number;
  /** Why the run stopped: "iterations" or "callback". */
  stoppedBy: "iterations" | "callback";
  /** Work done by the kernels: x coordinates read or written, and data rows evaluated. */
  work: { coordsTouched: number; rowsTouched: number };
}

const MINIMIZE_KEYS = ["method", "sketch", "stepSize", "iterations", "batch", "seed", "x0", "recordEvery", "onProgress"] as const;
const GAMMA_BLOCK = 4096;
/** The methods `minimize` knows. */
export const METHODS = ["dsgd", "distributed"] as const;

/** splitSeed(seed): the generator key as two u32 words. */
export function splitSeed(seed: unknown, name = "seed"): [number, number] {
  const s = integer(name, seed, 0);
  return [s % 2 ** 32, Math.floor(s / 2 ** 32)];
}

/** Shared machinery of data and quadratic problems. */
abstract class BaseProblem {
  /** d, the dimension of x. */
  readonly dimension: number;
  /** The shift v (a copy). */
  readonly shift: Float64Array;
  /** @internal The compiled module (for methods that need more instances, e.g. distributed nodes). */
  readonly module: WebAssembly.Module;
  /** @internal */
  kernel!: Kernel;
  protected px = 0;
  protected pg = 0;
  protected pGammas = 0;
  protected base = 0;
  private cachedL: { L: number; mu: number; Lmax: number } | null = null;

  protected constructor(module: WebAssembly.Module, d: number, shift: unknown) {
    this.module = module;
    this.dimension = d;
    this.shift = shift === undefined ? new Float64Array(d) : vector("shift", shift, d);
  }

  /** Create the instance and upload; also called after a trap to rebuild it. */
  protected boot(module: WebAssembly.Module): void {
    this.kernel = new Kernel(module, (k) => {
      this.upload(k);
      this.px = k.alloc(this.dimension * 8);
      this.pg = k.alloc(this.dimension * 8);
      this.pGammas = k.alloc(GAMMA_BLOCK * 8);
      this.base = k.ex.mark();
    });
  }
  protected abstract upload(k: Kernel): void;
  protected abstract smoothness(): { L: number; mu: number; Lmax: number };
  /** @internal n, the number of data rows (0 for a quadratic). */
  abstract rows(): number;

  /** Which build runs this problem's kernels. */
  get build(): "simd" | "scalar" { return this.kernel.ex.hasSimd() ? "simd" : "scalar"; }

  protected putX(x: unknown, name = "x"): void {
    const v = vector(name, x, this.dimension);
    this.kernel.f64(this.px, this.dimension).set(v);
  }

  /** value(x) = f(x). */
  value(x: ArrayLike<number>): number {
    this.putX(x);
    return this.kernel.call("value", (ex) => ex.value(this.px));
  }

  /** gradient(x) = ∇f(x). */
  gradient(x: ArrayLike<number>): Float64Array {
    this.putX(x);
    this.kernel.call("gradient", (ex) => ex.gradient(this.px, this.pg));
    return this.kernel.f64(this.pg, this.dimension).slice();
  }

  /** Lazily computed L_f, μ_f and max_i L_i. */
  protected smooth(): { L: number; mu: number; Lmax: number } {
    return (this.cachedL ??= this.smoothness());
  }

  /**
   * constants(sketch, { batch }): L, μ, L_D, μ_D, L_S^max and the theory step size γ = 1/(L_exp L_S^max)
   * (section 4.1: γ ≤ 1/(L_f L_S^max) for option I; option II replaces L_f by the expected-smoothness constant).
   */
  constants(sketch: Sketch = { kind: "identity" }, opts: { batch?: "full" | number } = {}): Constants {
    const sk = checkSketch(sketch, this.dimension);
    const batch = this.checkBatch(opts.batch);
    const { L, mu, Lmax } = this.smooth();
    const c = sketchConstants(sk, this.dimension);
    const n = this.rows();
    let Lexp = L;
    if (batch !== "full" && n > 1) Lexp = ((n - batch) / (batch * (n - 1))) * Lmax + ((n * (batch - 1)) / (batch * (n - 1))) * L;
    else if (batch !== "full") Lexp = Lmax;
    return { L, mu, LD: c.LD, muD: c.muD, LSmax: c.LSmax, kappaD: c.kappaD, Lmax, Lexp, stepSize: 1 / (Lexp * c.LSmax), batch };
  }

  protected checkBatch(b: unknown): "full" | number {
    if (b === undefined || b === "full") return "full";
    if (this.rows() === 0) throw new RangeError(`batch must be "full" for a quadratic, got ${show(b)}`);
    if (typeof b === "string") throw new RangeError(`batch must be "full" or an integer in 1..${this.rows()}, got ${show(b)}`);
    return integer("batch", b, 1, this.rows());
  }

  /** Configure the kernel's sketch sampler; the p_j vector goes into scratch memory after the base mark. */
  protected configureSketch(sk: Sketch): void {
    const w = sketchWire(sk);
    this.kernel.ex.release(this.base);
    const probs = w.probs ? this.kernel.putF64(w.probs) : 0;
    this.kernel.call("sketchConfigure", (ex) => ex.sketchConfigure(w.code, w.k, w.p, probs));
  }

  /**
   * minimize(options): Double Sketched (S)GD (Algorithm 1). Each step draws S_t, forms y_t = v + S_t(x_t − v) and
   * takes x_{t+1} = x_t − γ S_t ∇̂f(y_t) on supp S_t only. Stops with a {@link DivergenceError} before the first
   * non-finite iterate.
   */
  async minimize(opts: MinimizeOptions = {}): Promise<MinimizeResult> {
    const method = oneOf("method", (opts as { method?: unknown } | undefined)?.method ?? "dsgd", METHODS);
    if (method === "distributed") {
      if (!(this instanceof Problem)) throw new RangeError(`method "distributed" needs a data problem (mast.problem), not a quadratic`);
      return minimizeDistributed(this, opts as Record<string, unknown>);
    }
    const o = options<MinimizeOptions>("options", opts, MINIMIZE_KEYS);
    const sk = checkSketch(o.sketch ?? { kind: "identity" }, this.dimension);
    const batch = this.checkBatch(o.batch);
    const T = integer("iterations", o.iterations ?? 1000, 0);
    const [lo, hi] = splitSeed(o.seed ?? 0);
    const recordEvery = integer("recordEvery", o.recordEvery ?? Math.max(1, Math.ceil(T / 100)), 1);
    if (o.onProgress !== undefined && typeof o.onProgress !== "function") {
      throw new TypeError(`onProgress must be a function, got ${show(o.onProgress)}`);
    }
    const theory = this.constants(sk, { batch }).stepSize;
    const step = o.stepSize ?? "theory";
    let gamma = NaN;
    let schedule: ((t: number) => number) | null = null;
    if (step === "theory") gamma = theory;
    else if (typeof step === "function") schedule = step;
    else if (typeof step === "number") gamma = positive("stepSize", step);
    else throw new TypeError(`stepSize must be a positive number, "theory" or a function t => γ_t, got ${show(step)}`);
    const x0 = o.x0 === undefined ? this.shift : vector("x0", o.x0, this.dimension);

    const k = this.kernel;
    this.configureSketch(sk);
    this.putX(x0, "x0");
    k.call("dsgdConfigure", (ex) => {
      ex.setSeed(lo, hi);
      ex.dsgdConfigure(batch === "full" ? 0 : batch, schedule ? 0 : gamma, schedule ? this.pGammas : 0);
      ex.resetCounters();
    });
    const started = performance.now();
    const trace: TraceRow[] = [];
    const n = this.rows();
    const record = (t: number): boolean => {
      const f = k.call("value", (ex) => ex.value(this.px));
      const gradEvals = n > 0 ? k.ex.getRowsTouched() : t;
      const row = { iteration: t, f, gradEvals, ms: performance.now() - started };
      trace.push(row);
      return o.onProgress ? o.onProgress(row) !== false : true;
    };
    let t = 0;
    let stoppedBy: MinimizeResult["stoppedBy"] = "iterations";
    if (!record(0)) stoppedBy = "callback";
    while (t < T && stoppedBy === "iterations") {
      let chunk = Math.min(recordEvery - (t % recordEvery), T - t);
      if (schedule) {
        chunk = Math.min(chunk, GAMMA_BLOCK);
        const g = k.f64(this.pGammas, chunk);
        for (let s = 0; s < chunk; s++) g[s] = positive(`stepSize(${t + s})`, schedule(t + s));
      }
      const done = k.call("dsgdRun", (ex) => ex.dsgdRun(this.px, t, chunk));
      t += done;
      if (done < chunk) {
        const used = schedule ? k.f64(this.pGammas, chunk)[done] : gamma;
        throw new DivergenceError("dsgd", t, used, theory, k.f64(this.px, this.dimension).slice());
      }
      if (t % recordEvery === 0 || t === T) if (!record(t)) stoppedBy = "callback";
    }
    const x = k.f64(this.px, this.dimension).slice();
    return {
      x, iterations: t, trace, digest: digestF64(x), stepSize: gamma, stoppedBy,
      work: { coordsTouched: k.ex.getCoordsTouched(), rowsTouched: k.ex.getRowsTouched() },
    };
  }

  /** Monte Carlo f_D(x): the mean of f(v + S_s(x − v)) over s < samples and its standard error. */
  protected monteCarlo(x: ArrayLike<number>, sketch: Sketch, samplesArg: unknown, seedArg: unknown): SketchedValue {
    const sk = checkSketch(sketch, this.dimension);
    const samples = integer("samples", samplesArg ?? 1000, 1, 1e8);
    const [lo, hi] = splitSeed(seedArg ?? 0);
    this.putX(x);
    this.configureSketch(sk);
    const k = this.kernel;
    const pOut = k.alloc(samples * 8), pRes = k.alloc(16);
    k.call("sketchedValueSamples", (ex) => { ex.setSeed(lo, hi); ex.sketchedValueSamples(this.px, samples, pOut); ex.meanAndStderr(pOut, samples, pRes); });
    const r = k.f64(pRes, 2);
    return { mean: r[0], stderr: r[1], samples, exact: false };
  }

  /**
   * sketchedGradient(x, sketch, { step, seed }): the stochastic gradient g = S_t ∇̂f(v + S_t(x − v)) that step t of a
   * full-data DSGD run with this seed would use (zero off the support), with the support itself.
   */
  sketchedGradient(x: ArrayLike<number>, sketch: Sketch, opts: { step?: number; seed?: number } = {}): { g: Float64Array; support: Int32Array } {
    const sk = checkSketch(sketch, this.dimension);
    const [lo, hi] = splitSeed(opts.seed ?? 0);
    const step = integer("step", opts.step ?? 0, 0);
    this.configureSketch(sk);
    this.putX(x);
    const k = this.kernel;
    k.f64(this.pg, this.dimension).fill(0);
    const m = k.call("sketchedGradientAt", (ex) => { ex.setSeed(lo, hi); ex.dsgdConfigure(0, 0, 0); return ex.sketchedGradientAt(this.px, step, this.pg); });
    return { g: k.f64(this.pg, this.dimension).slice(), support: k.i32(k.ex.supportPtr(), m).slice() };
  }
}

/** Options of `mast.problem`. */
export interface ProblemOptions {
  /** The data set (rows a_i, labels b_i). */
  data: Dataset;
  /** The loss (default "logistic", which needs ±1 labels). */
  loss?: Loss;
  /** λ ≥ 0, the ℓ2 weight in λ/2 ‖x‖² (default 0). */
  l2?: number;
  /** The shift v (default zeros). */
  shift?: ArrayLike<number>;
}

/** f(x) = (1/n) Σ_i φ(a_iᵀx, b_i) + λ/2 ‖x‖² over a data set, with the MAST shift v. */
export class Problem extends BaseProblem {
  /** The data set. */
  readonly data: Dataset;
  /** The loss. */
  readonly loss: Loss;
  /** λ. */
  readonly l2: number;

  /** @internal Use `mast.problem`. */
  constructor(module: WebAssembly.Module, opts: ProblemOptions) {
    const o = options<ProblemOptions>("options", opts, ["data", "loss", "l2", "shift"]);
    if (!(o.data instanceof Dataset)) throw new TypeError(`data must be a Dataset from mast.data.*, got ${show(o.data)}`);
    super(module, o.data.cols, o.shift);
    this.data = o.data;
    this.loss = oneOf("loss", o.loss ?? "logistic", ["logistic", "squared"] as const);
    this.l2 = nonNegative("l2", o.l2 ?? 0);
    if (this.loss === "logistic" && !this.data.binary) {
      throw new RangeError(`loss "logistic" needs labels −1/+1 (or 0/1); this data set has other labels, e.g. ${show(this.data.labels.find((y) => y !== 1 && y !== -1))}`);
    }
    this.boot(module);
  }

  rows(): number { return this.data.rows; }

  protected upload(k: Kernel): void {
    const D = this.data;
    const pv = k.putF64(D.values);
    const pl = k.putF64(D.labels);
    if (D.format === "dense") {
      k.call("setDense", (ex) => ex.setDense(pv, pl, D.rows, D.cols));
    } else {
      const pi = k.putI32(D.indptr!), pj = k.putI32(D.indices!);
      k.call("setCsr", (ex) => ex.setCsr(pi, pj, pv, pl, D.rows, D.cols));
    }
    const ps = k.putF64(this.shift);
    k.call("setDataProblem", (ex) => ex.setDataProblem(this.loss === "logistic" ? 0 : 1, this.l2, ps));
  }

  protected smoothness(): { L: number; mu: number; Lmax: number } {
    const k = this.kernel;
    const top = k.call("powerIteration", (ex) => ex.powerIteration(0, 1, 2000, 1e-13));
    k.ex.release(this.base);
    const pn = k.alloc(this.data.rows * 8);
    k.call("rowSquaredNorms", (ex) => ex.rowSquaredNorms(pn));
    let maxNorm = 0;
    for (const v of k.f64(pn, this.data.rows)) if (v > maxNorm) maxNorm = v;
    const c = this.loss === "logistic" ? 0.25 : 1;
    let mu = this.l2;
    if (this.loss === "squared") {
      const shifted = k.call("powerIteration", (ex) => ex.powerIteration(top, -1, 2000, 1e-13));
      mu += Math.max(0, top - shifted);
    }
    return { L: c * top + this.l2, mu, Lmax: c * maxNorm + this.l2 };
  }

  /**
   * sketchedValue(x, sketch, { samples, seed }): Monte Carlo estimate of f_D(x) = E f(v + S(x − v)), with the sample
   * mean and its standard error sd/√samples. Sketches come from the generator's Monte Carlo stream.
   */
  sketchedValue(x: ArrayLike<number>, sketch: Sketch, opts: { samples?: number; seed?: number } = {}): SketchedValue {
    const o = options<{ samples: number; seed: number }>("options", opts, ["samples", "seed"]);
    return this.monteCarlo(x, sketch, o.samples, o.seed);
  }

  /** margins(x): a_iᵀx for every row. */
  margins(x: ArrayLike<number>): Float64Array {
    this.putX(x);
    const k = this.kernel;
    k.ex.release(this.base);
    const p = k.alloc(this.data.rows * 8);
    k.call("margins", (ex) => ex.margins(this.px, p));
    return k.f64(p, this.data.rows).slice();
  }

  /** accuracy(x): the fraction of rows with sign(a_iᵀx) = b_i (a zero margin predicts −1). Needs ±1 labels. */
  accuracy(x: ArrayLike<number>): number {
    if (!this.data.binary) throw new RangeError("accuracy needs labels −1/+1");
    const m = this.margins(x);
    let hit = 0;
    for (let i = 0; i < m.length; i++) if ((m[i] > 0 ? 1 : -1) === this.data.labels[i]) hit++;
    return hit / m.length;
  }
}

/** Options of `mast.quadratic`. */
export interface QuadraticOptions {
  /** A, symmetric positive semi-definite, d×d: a flat row-major array or an array of rows. */
  A: ArrayLike<number> | ArrayLike<number>[];
  /** b, length d. */
  b: ArrayLike<number>;
  /** The shift v (default zeros). */
  shift?: ArrayLike<number>;
}

/** f(x) = ½ xᵀAx − bᵀx, with exact f_D and x_D* (section 3, item 5). */
export class QuadraticProblem extends BaseProblem {
  /** A, row-major d×d (a copy). */
  readonly A: Float64Array;
  /** b (a copy). */
  readonly b: Float64Array;

  /** @internal Use `mast.quadratic`. */
  constructor(module: WebAssembly.Module, opts: QuadraticOptions) {
    const o = options<QuadraticOptions>("options", opts, ["A", "b", "shift"]);
    const b = vector("b", o.b);
    const d = b.length;
    if (d < 1) throw new RangeError("b must not be empty");
    let A: Float64Array;
    if (Array.isArray(o.A) && o.A.length > 0 && typeof o.A[0] === "object") {
      if (o.A.length !== d) throw new RangeError(`A must have ${d} rows (the length of b), got ${o.A.length}`);
      A = new Float64Array(d * d);
      (o.A as ArrayLike<number>[]).forEach((row, i) => A.set(vector(`A[${i}]`, row, d), i * d));
    } else A = vector("A", o.A, d * d);
    for (let i = 0; i < d; i++) for (let j = 0; j < i; j++) {
      if (A[i * d + j] !== A[j * d + i]) throw new RangeError(`A must be symmetric, got A[${i}][${j}] = ${A[i * d + j]} ≠ A[${j}][${i}] = ${A[j * d + i]}`);
    }
    super(module, d, o.shift);
    this.A = A;
    this.b = b;
    this.boot(module);
  }

  rows(): number { return 0; }

  protected upload(k: Kernel): void {
    const pa = k.putF64(this.A), pb = k.putF64(this.b), pv = k.putF64(this.shift);
    k.call("setQuadraticProblem", (ex) => ex.setQuadraticProblem(pa, pb, pv, this.dimension));
  }

  protected smoothness(): { L: number; mu: number; Lmax: number } {
    const L = this.kernel.call("powerIteration", (ex) => ex.powerIteration(0, 1, 5000, 1e-14));
    const shifted = this.kernel.call("powerIteration", (ex) => ex.powerIteration(L, -1, 5000, 1e-14));
    return { L, mu: Math.max(0, L - shifted), Lmax: L };
  }

  /** M = E[SᵀAS] = c A + Diag((E[s_j²] − c) A_jj) with c = E[s_i s_j] (exact for every diagonal family here). */
  expectedSAS(sketch: Sketch): Float64Array {
    const d = this.dimension;
    const c = sketchConstants(checkSketch(sketch, d), d);
    const M = Float64Array.from(this.A, (a) => c.cross * a);
    for (let j = 0; j < d; j++) M[j * d + j] = c.second[j] * this.A[j * d + j];
    return M;
  }

  /**
   * sketchedValue(x, sketch, { exact, samples, seed }): f_D(x). By default exact, through
   * f_D(x) = f(x) + ½ (x − v)ᵀ(E[SAS] − A)(x − v) (stderr 0); with `exact: false` the Monte Carlo estimate.
   */
  sketchedValue(x: ArrayLike<number>, sketch: Sketch, opts: { exact?: boolean; samples?: number; seed?: number } = {}): SketchedValue {
    const o = options<{ exact: boolean; samples: number; seed: number }>("options", opts, ["exact", "samples", "seed"]);
    if (o.exact !== undefined && typeof o.exact !== "boolean") throw new TypeError(`exact must be a boolean, got ${show(o.exact)}`);
    if (o.exact === false) return this.monteCarlo(x, sketch, o.samples, o.seed);
    const d = this.dimension;
    const xv = vector("x", x, d);
    const M = this.expectedSAS(sketch);
    const h = Float64Array.from(xv, (xi, j) => xi - this.shift[j]);
    for (let i = 0; i < d * d; i++) M[i] -= this.A[i];
    return { mean: this.value(xv) + 0.5 * quadForm(M, h, d), stderr: 0, samples: 0, exact: true };
  }

  /** sketchedOptimum(sketch): x_D* = E[SAS]⁻¹ (b + (E[SAS] − A) v), the minimiser of f_D (section 3). */
  sketchedOptimum(sketch: Sketch): Float64Array {
    const d = this.dimension;
    const M = this.expectedSAS(sketch);
    const rhs = Float64Array.from(this.b);
    for (let i = 0; i < d; i++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += (M[i * d + j] - this.A[i * d + j]) * this.shift[j];
      rhs[i] += s;
    }
    return solve(M, rhs, d);
  }

  /** optimum(): x* = A⁻¹ b, the minimiser of f. */
  optimum(): Float64Array { return solve(this.A, this.b, this.dimension); }
}

