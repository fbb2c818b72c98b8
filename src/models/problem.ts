/**
 * The base of every problem: an objective f with the MAST shift v, in a wasm instance of its own. It offers f, ∇f, the
 * theory constants, the sketched gradient of a step and `minimize`, and implements the {@link Objective} contract that
 * the methods in src/methods/ consume. The MAST objective is f_D(x) = E_{S~D} f(v + S(x − v)) (paper, section 1).
 * @module
 */
import { Kernel } from "../runtime/kernel.js";
import { f64Chunks, hex, sha256Parts } from "../runtime/digest.js";
import { splitSeed } from "../runtime/seed.js";
import { integer, show, vector } from "../runtime/validate.js";
import { type Sketch, checkSketch } from "../sketch/spec.js";
import { configureSampler } from "../sketch/wire.js";
import { GAMMA_BLOCK, type Buffers, type HostOracle, type LinearTerms, type NetworkTerms, type Objective, type Smoothness, type Work } from "../methods/objective.js";
import { type Constants, type ConstantsOptions, constantsOf } from "../methods/constants.js";
import { minimize } from "../methods/minimize.js";
import type { MinimizeOptions, MinimizeResult } from "../methods/types.js";
import type { Dataset } from "../data/dataset.js";
import type { ColumnMap } from "../runtime/columns.js";

/** An f_D value: the mean (exact or Monte Carlo), its standard error, and how many sketches were drawn. */
export interface SketchedValue {
  /** The estimate of f_D(x) (its exact value when `exact`). */
  mean: number;
  /** Its standard error (0 when exact). */
  stderr: number;
  /** Sketches averaged (0 when exact). */
  samples: number;
  /** Whether f_D(x) was computed exactly rather than estimated. */
  exact: boolean;
}

/** Shared machinery of data, quadratic and model problems. */
export abstract class BaseProblem implements Objective {
  /** d, the dimension of x. */
  readonly dimension: number;
  /** The shift v (a copy). */
  readonly shift: Float64Array;
  /** @internal The compiled module (for methods that need more instances, e.g. distributed nodes). */
  readonly module: WebAssembly.Module;
  /** @internal The problem's wasm instance. */
  kernel!: Kernel;
  /** @internal Pointers of x, a gradient buffer and the γ_t buffer; per-call scratch starts at `base`. */
  readonly buffers: Buffers = { x: 0, g: 0, gammas: 0, base: 0 };
  /** @internal "data", "quadratic" or "model". */
  abstract readonly kind: Objective["kind"];
  /** @internal n, the number of data rows (0 for a quadratic or a model). */
  abstract readonly rows: number;
  /** @internal A user model's host oracle (null when f lives in the kernel). */
  abstract readonly host: HostOracle | null;
  /** @internal The data terms of a data problem (null otherwise). */
  abstract readonly linear: LinearTerms | null;
  private cachedL: Smoothness | null = null;
  /** True while minimize() runs: the run's iterate, sketch and sampler live in this problem's kernel. */
  private running = false;
  /** Settles when the last queued run on this problem ends. */
  private queue: Promise<void> = Promise.resolve();
  /** False while a run gives the event loop a turn: a call then comes from elsewhere, not from inside the run. */
  private active = true;

  /** @internal The run tells when it yields the event loop (false) and when it resumes (true). */
  setActive(active: boolean): void { (this.owner ?? this).active = active; }
  /** @internal A compact twin's layout in its owner's coordinates (null for a problem in its own). */
  columns: ColumnMap | null = null;
  /** The problem a compact twin stands for (its runs are that problem's runs); null for a user's problem. */
  protected owner: BaseProblem | null = null;
  /** @internal Make this problem the compact twin of `owner` with layout `columns`: its constants and fingerprint are
   *  the owner's (the same objective), and a run on it is the owner's run. */
  protected twinOf(owner: BaseProblem, columns: ColumnMap): void {
    this.owner = owner;
    this.columns = columns;
    this.cachedL = owner.smooth();
    this.cachedPrint = owner.fingerprint();
  }
  private cachedPrint: string | null = null;

  private readonly limit: number;

  protected constructor(module: WebAssembly.Module, d: number, shift: unknown, limit: number) {
    this.module = module;
    this.dimension = d;
    this.shift = shift === undefined ? new Float64Array(d) : vector("shift", shift, d);
    this.limit = limit;
  }

  /** Create the instance and upload; also called after a trap to rebuild it. */
  protected boot(module: WebAssembly.Module): void {
    this.kernel = new Kernel(module, (k) => {
      this.upload(k);
      const b = this.buffers;
      const bytes = this.coordinateBytes();
      b.x = k.alloc(this.dimension * bytes, "x");
      b.g = k.alloc(this.dimension * bytes, "the gradient buffer");
      b.gammas = k.alloc(GAMMA_BLOCK * 8, "the step-size buffer");
      this.reserve(k);
      b.base = k.ex.mark();
    }, this.limit);
  }
  /** Bytes of one coordinate of x in the kernel (8: f64; networks keep f32 parameters). */
  protected coordinateBytes(): number { return 8; }
  /** Buffers a problem keeps for its whole life besides x, g and γ_t (allocated before the scratch mark). */
  protected reserve(_k: Kernel): void {}
  /** Copy the problem's arrays into a fresh instance and set its objective up. */
  protected abstract upload(k: Kernel): void;
  /** L_f, μ_f, max_i L_i and the L_i (computed once, by `smooth`). */
  protected abstract smoothness(): Smoothness;
  /** The arrays that define the problem: their digest is the fingerprint checkpoints carry. */
  protected abstract fingerprintParts(): (Float64Array | Int32Array)[];
  /** @internal The same objective on other rows (data problems). */
  shard?(data: Dataset): Objective;
  /** @internal Networks' layer sizes; null for the others. */
  readonly layout: readonly number[] | null = null;
  /** @internal Networks' terms; null for the others. */
  readonly network: NetworkTerms | null = null;

  /** @internal d, less an intercept (which sketches keep at scale 1 and do not draw over). */
  get sketchDimension(): number { return this.dimension - (this.linear?.intercept ? 1 : 0); }
  /** @internal x at the run buffer (f64). */
  readX(): Float64Array { return this.kernel.f64(this.buffers.x, this.dimension).slice(); }
  /** @internal x at the run buffer as a view (no copy; valid until the kernel next allocates). */
  viewX(): Float64Array { return this.kernel.f64(this.buffers.x, this.dimension); }
  /** @internal Put x at the run buffer. */
  writeX(x: ArrayLike<number>): void { this.kernel.f64(this.buffers.x, this.dimension).set(x); }
  /** @internal f at the run buffer: the kernel's value, or the host oracle's for a user model. */
  valueAtX(): number {
    if (this.host) return this.host.evaluate(this.readX(), new Float64Array(this.dimension), "at x");
    return this.kernel.call("value", (ex) => ex.value(this.buffers.x));
  }
  /** @internal f at a d-vector (f64) in the kernel. */
  valueAtBuffer(p: number): number {
    if (this.host) return this.host.evaluate(this.kernel.f64(p, this.dimension).slice(), new Float64Array(this.dimension), "at the average");
    return this.kernel.call("value", (ex) => ex.value(p));
  }
  /** @internal Gradient evaluations of the run so far: rows (or a quadratic's sketched gradients), or model calls. */
  gradientEvaluations(): number { return this.host ? this.host.evaluations : this.kernel.ex.getRowsTouched(); }
  /** @internal */
  setGradientEvaluations(n: number): void { if (this.host) this.host.evaluations = n; else this.kernel.ex.setRowsTouched(n); }
  /** @internal The kernel's work counters. */
  work(): Work {
    const ex = this.kernel.ex;
    return { coordsTouched: ex.getCoordsTouched() + ex.getVrCoords(), rowsTouched: ex.getRowsTouched(), densePasses: ex.getDensePasses() };
  }
  /** @internal */
  resetWork(): void {
    const ex = this.kernel.ex;
    if (this.host) this.host.evaluations = 0;
    ex.resetCounters();
    ex.resetVrCounters();
    ex.lazyReset();
  }

  /** Which build runs this problem's kernels. */
  get build(): "simd" | "scalar" { return this.kernel.ex.hasSimd() ? "simd" : "scalar"; }

  /**
   * idle(name): throws when minimize() is running on this problem, i.e. when called from its onProgress (or a user
   * model's function): the call would overwrite the run's iterate or reconfigure its sketch and sampler.
   */
  protected idle(name: string): void {
    if (this.running) {
      throw new Error(`${name}() cannot be called while minimize() is running on this problem (from onProgress, a model's function, ` +
        `or another task while the run gives the event loop a turn): it would overwrite the run's iterate and settings, which live ` +
        `in the same kernel. Use the trace row (row.f), or call ${name}() after minimize() resolves`);
    }
  }

  protected putX(x: unknown, name = "x"): void {
    const v = vector(name, x, this.dimension);
    this.kernel.f64(this.buffers.x, this.dimension).set(v);
  }

  /** value(x) = f(x). */
  value(x: ArrayLike<number>): number {
    this.idle("value");
    this.putX(x);
    return this.kernel.call("value", (ex) => ex.value(this.buffers.x));
  }

  /** gradient(x) = ∇f(x). */
  gradient(x: ArrayLike<number>): Float64Array {
    this.idle("gradient");
    this.putX(x);
    this.kernel.call("gradient", (ex) => ex.gradient(this.buffers.x, this.buffers.g));
    return this.kernel.f64(this.buffers.g, this.dimension).slice();
  }

  /** @internal L_f, μ_f, max_i L_i and the L_i, computed once. */
  smooth(): Smoothness {
    return (this.cachedL ??= this.smoothness());
  }

  /** @internal A SHA-256 of the problem's defining arrays, so a checkpoint is resumed only on the problem it came from. */
  fingerprint(): string {
    if (this.cachedPrint === null) {
      // SHA-256 over each part's length and entries, in order, as little-endian f64: hashed part by part, without
      // concatenating a copy of the data and the shift
      const parts = this.fingerprintParts();
      this.cachedPrint = hex(sha256Parts((function* () { for (const a of parts) { yield Float64Array.of(a.length); yield* f64Chunks(a); } })()));
    }
    return this.cachedPrint;
  }

  /**
   * constants(sketch, options): L, μ, L_D, μ_D, L_S^max and the theory step size for the method and sampling
   * (section 4.1: γ = 1/(L_exp L_S^max); option II replaces L_f by the sampler's expected smoothness L_exp;
   * "lsvrg"/"svrg": γ = 1/(6 L_exp L_S^max) with the sketch set's own L_S^max, L_D and μ_D; "distributed": the
   * section 4.3 constants).
   */
  constants(sketch?: Sketch, opts: ConstantsOptions = {}): Constants {
    this.idle("constants");
    return constantsOf(this, sketch, opts);
  }

  /**
   * minimize(options): Double Sketched (S)GD (Algorithm 1), L-SVRDSG ("lsvrg") or SVRG ("svrg") on f_D, or the
   * distributed method. Each DSGD step draws S_t, forms y_t = v + S_t(x_t − v) and takes x_{t+1} = x_t − γ S_t ∇̂f(y_t)
   * on supp S_t only. A step that would make x non-finite is not taken: the run throws a `DivergenceError`.
   */
  async minimize(opts: MinimizeOptions = {}): Promise<MinimizeResult> {
    if (this.running && this.active) this.idle("minimize");   // from inside the run itself: it would wait on itself
    if ((opts as { method?: unknown } | undefined)?.method === "distributed") return minimize(this, opts);
    // runs on one problem share its kernel: a call made while another run is on (runs give the event loop turns)
    // waits for it, so runs on one problem happen one after another, in call order
    const before = this.queue;
    let release!: () => void;
    this.queue = new Promise<void>((r) => { release = r; });
    await before;
    this.running = true;
    this.active = true;
    try {
      return await minimize(this, opts);
    } finally {
      this.running = false;
      release();
    }
  }

  /**
   * sketchedGradient(x, sketch, { step, seed, batch }): the stochastic gradient g = S_t ∇̂f(v + S_t(x − v)) that step t
   * of a DSGD run with this seed would use (zero off the support), with the support itself (Algorithm 1, section 3).
   * `batch` is "full" (the default: ∇̂f = ∇f, option I) or τ, the τ rows of step t drawn as `minimize` draws them
   * with its default ("nice") sampling, ∇̂f = (1/τ) Σ ∇f_i + λ y (option II). Computed by the general kernel path, so
   * it is also a reference for the fused one-row steps.
   */
  sketchedGradient(x: ArrayLike<number>, sketch: Sketch, opts: { step?: number; seed?: number; batch?: number | "full" } = {}): {
    /** The sketched gradient (a d-vector, zero off the support). */
    g: Float64Array;
    /** The coordinates the sketch kept, ascending. */
    support: Int32Array;
  } {
    this.idle("sketchedGradient");
    const sk = checkSketch(sketch, this.sketchDimension);
    const [lo, hi] = splitSeed(opts.seed ?? 0);
    const step = integer("step", opts.step ?? 0, 0);
    let tau = 0;
    if (opts.batch !== undefined && opts.batch !== "full") {
      if (this.rows === 0) throw new RangeError(`batch needs a data problem (rows to sample), got ${show(opts.batch)}`);
      if (typeof opts.batch === "string") throw new RangeError(`batch must be "full" or an integer in 1..${this.rows}, got ${show(opts.batch)}`);
      tau = integer("batch", opts.batch, 1, this.rows);
    }
    configureSampler(this.kernel, sk, this.buffers.base);
    this.putX(x);
    const k = this.kernel;
    k.f64(this.buffers.g, this.dimension).fill(0);
    const m = k.call("sketchedGradientAt", (ex) => { ex.setSeed(lo, hi); ex.dsgdConfigure(tau, 0, 0); return ex.sketchedGradientAt(this.buffers.x, step, this.buffers.g); });
    return { g: k.f64(this.buffers.g, this.dimension).slice(), support: k.i32(k.ex.supportPtr(), m).slice() };
  }

  /** Monte Carlo f_D(x): the mean of f(v + S_s(x − v)) over s < samples and its standard error. */
  protected monteCarlo(x: ArrayLike<number>, sketch: Sketch, samplesArg: unknown, seedArg: unknown): SketchedValue {
    this.idle("sketchedValue");
    const sk = checkSketch(sketch, this.sketchDimension);
    const samples = integer("samples", samplesArg ?? 1000, 1, 1e8);
    const [lo, hi] = splitSeed(seedArg ?? 0);
    this.putX(x);
    configureSampler(this.kernel, sk, this.buffers.base);
    const k = this.kernel;
    const pOut = k.alloc(samples * 8), pRes = k.alloc(16);
    k.call("sketchedValueSamples", (ex) => { ex.setSeed(lo, hi); ex.sketchedValueSamples(this.buffers.x, samples, pOut); ex.meanAndStderr(pOut, samples, pRes); });
    const r = k.f64(pRes, 2);
    return { mean: r[0], stderr: r[1], samples, exact: false };
  }
}
