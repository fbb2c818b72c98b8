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
import { minimizeDistributed, distributedConstants } from "./distributed.js";
import type { DistributedConstants, DistributedNode, DistributedOptions, DistributedResult } from "./distributed.js";
import { CheckpointData, decodeCheckpoint, encodeCheckpoint } from "./checkpoint.js";
import { METHODS, Method, RUN_KEYS, RunSpec, STEER_KEYS, StopReason, firstDifference, normaliseRun, settingsOf } from "./run.js";
import { SAMPLING_CODE, Sampling, aliasTable, expectedSmoothness } from "./sampling.js";
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
  /**
   * With `method: "distributed"`: the section 4.3 constants (per node L_{f_i}, L_{D_i}, L_{S_i}^max, D_max, the theory
   * step 1/√(D_max·T), the convex-case step and the bound's coefficients). `stepSize` is then 1/√(D_max·T), L_D and
   * L_S^max are the largest over the nodes, μ_D the smallest, and L, μ, L_max are those of the whole problem.
   */
  distributed?: DistributedConstants;
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
  /** ‖∇f_D(x_t)‖, recorded when a `tolerance` is set. */
  gradNorm?: number;
}

/** Options of {@link BaseProblem.minimize}. */
export interface MinimizeOptions {
  /** "dsgd": Double Sketched (S)GD, Algorithm 1; "lsvrg": loopless SVRG on the double-sketched finite sum (L-SVRDSG,
   *  section 4.4); "svrg": loopy SVRG with a snapshot every `snapshotEvery` steps; "distributed": section 4.3. */
  method?: Method;
  /** The sketch distribution D (default identity). For "lsvrg"/"svrg" with `sketchSet: { size, seed }`, the set is drawn from it. */
  sketch?: Sketch;
  /** γ: a number, "theory" (default: {@link Constants.stepSize}) or a schedule t ↦ γ_t. */
  stepSize?: number | "theory" | ((t: number) => number);
  /** T, the iteration to run to (default 1000). With `resumeFrom`, the run continues from the checkpoint's t to T. */
  iterations?: number;
  /** "full" (default, option I: the full-data gradient) or τ (option II: τ rows per step, see `sampling`). */
  batch?: "full" | number;
  /** How option II picks rows: "nice" (default: τ rows without replacement), "uniform" (τ rows i.i.d.),
   *  "independent" (row i with probability `probabilities[i]`), "importance" (τ rows i.i.d. with p_i ∝ L_i). */
  sampling?: Sampling;
  /** p_i for sampling "independent" (one per row, each in (0, 1]). */
  probabilities?: ArrayLike<number>;
  /** Seed of the counter-based generator (a safe integer ≥ 0, default 0). */
  seed?: number;
  /** Start point x_0 (default: the shift v). */
  x0?: ArrayLike<number>;
  /** The finite sketch set {S_1..S_N} of the VR methods: N draws from `sketch` with their own seed, or explicit
   *  diagonals (Float64Array of length d each; 0 = dropped). Default { size: 100, seed: 0 }. */
  sketchSet?: { size: number; seed?: number } | ArrayLike<number>[];
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
  /** Continue a run from a result's `checkpoint` (same problem; run-defining options must match or be omitted). */
  resumeFrom?: Uint8Array;
}

/** What {@link BaseProblem.minimize} returns. */
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
  /** Work done by the kernels in this call: x coordinates read or written, and data rows (or sketched gradients) evaluated. */
  work: { coordsTouched: number; rowsTouched: number };
}

const MINIMIZE_KEYS = [...RUN_KEYS, ...STEER_KEYS];
const GAMMA_BLOCK = 4096;
/** Power iteration for L (and μ): stop at a relative change of the Rayleigh quotient ≤ 1e-9, or after 300 products. */
const POWER_ITERATIONS = 300;
const POWER_TOLERANCE = 1e-9;
const STREAM_SKETCH_SET = 10;

/** splitSeed(seed): the generator key as two u32 words. */
export function splitSeed(seed: unknown, name = "seed"): [number, number] {
  const s = integer(name, seed, 0);
  return [s % 2 ** 32, Math.floor(s / 2 ** 32)];
}

/** A finite sketch set in wire form, with its empirical constants. */
/** @internal */
export interface SketchSetWire { offsets: Int32Array; indices: Int32Array; scales: Float64Array; LD: number; muD: number; LSmax: number }

/** Shared machinery of data, quadratic and model problems. */
export abstract class BaseProblem {
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
  /** γ of the s-th step of the current chunk. */
  protected gammaAt: (s: number) => number = () => NaN;
  protected pGammas = 0;
  protected base = 0;
  private cachedL: { L: number; mu: number; Lmax: number; Li: Float64Array } | null = null;
  /** True while minimize() runs: the run's iterate, sketch and sampler live in this problem's kernel. */
  private running = false;
  private cachedPrint: string | null = null;

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
  protected abstract smoothness(): { L: number; mu: number; Lmax: number; Li: Float64Array };
  /** @internal n, the number of data rows (0 for a quadratic or a model). */
  abstract rows(): number;
  /** @internal The bytes that identify this problem in checkpoints. */
  protected abstract identity(): Float64Array[];

  /** Which build runs this problem's kernels. */
  get build(): "simd" | "scalar" { return this.kernel.ex.hasSimd() ? "simd" : "scalar"; }

  /**
   * idle(name): throws when minimize() is running on this problem, i.e. when called from its onProgress (or a user
   * model's function): the call would overwrite the run's iterate or reconfigure its sketch and sampler.
   */
  protected idle(name: string): void {
    if (this.running) {
      throw new Error(`${name}() cannot be called while minimize() is running on this problem (from onProgress or a model's function): ` +
        `it would overwrite the run's iterate and settings, which live in the same kernel. Use the trace row (row.f), or call ${name}() after minimize() returns`);
    }
  }

  protected putX(x: unknown, name = "x"): void {
    const v = vector(name, x, this.dimension);
    this.kernel.f64(this.px, this.dimension).set(v);
  }

  /** value(x) = f(x). */
  value(x: ArrayLike<number>): number {
    this.idle("value");
    this.putX(x);
    return this.kernel.call("value", (ex) => ex.value(this.px));
  }

  /** gradient(x) = ∇f(x). */
  gradient(x: ArrayLike<number>): Float64Array {
    this.idle("gradient");
    this.putX(x);
    this.kernel.call("gradient", (ex) => ex.gradient(this.px, this.pg));
    return this.kernel.f64(this.pg, this.dimension).slice();
  }

  /** Lazily computed L_f, μ_f, max_i L_i and the L_i. */
  protected smooth(): { L: number; mu: number; Lmax: number; Li: Float64Array } {
    return (this.cachedL ??= this.smoothness());
  }

  /** A SHA-256 of the problem's defining arrays, so a checkpoint is resumed only on the problem it came from. */
  protected fingerprint(): string {
    if (this.cachedPrint === null) {
      const parts = this.identity();
      const all = new Float64Array(parts.reduce((s, a) => s + a.length + 1, 0));
      let o = 0;
      for (const a of parts) { all[o++] = a.length; all.set(a, o); o += a.length; }
      this.cachedPrint = digestF64(all);
    }
    return this.cachedPrint;
  }

  /**
   * constants(sketch, options): L, μ, L_D, μ_D, L_S^max and the theory step size for the method and sampling
   * (section 4.1: γ = 1/(L_exp L_S^max); option II replaces L_f by the sampler's expected smoothness L_exp;
   * "lsvrg"/"svrg": γ = 1/(6 L_exp L_S^max) with the sketch set's own L_S^max, L_D and μ_D).
   */
  constants(sketch?: Sketch, opts: Omit<MinimizeOptions, "onProgress" | "resumeFrom"> & { nodes?: number | DistributedNode[] } = {}): Constants {
    this.idle("constants");
    if (opts.method === "distributed") {
      if (!(this instanceof Problem)) throw new RangeError(`method "distributed" needs a data problem (mast.problem)`);
      const { method: _m, nodes, iterations, stepSize, ...rest } = opts;
      const extra = Object.keys(rest)[0];
      if (extra !== undefined) throw new RangeError(`options.${extra} is not a known option of constants() for method "distributed" (known: method, nodes, iterations, stepSize)`);
      const dc = distributedConstants(this, { nodes, sketch, iterations, stepSize: typeof stepSize === "number" ? stepSize : undefined });
      const { L, mu, Lmax } = this.smooth();
      const LD = Math.max(...dc.LD), muD = Math.min(...dc.muD), LSmax = Math.max(...dc.LSmax);
      return { L, mu, LD, muD, LSmax, kappaD: LD / muD, Lmax, Lexp: L, stepSize: dc.stepSize, batch: "full", distributed: dc };
    }
    sketch ??= { kind: "identity" };
    const spec = normaliseRun({ ...opts, sketch }, this.rows(), this.dimension);
    return this.constantsFor(spec, spec.method === "dsgd" ? null : this.sketchSetWire(spec));
  }

  /** @internal */
  constantsFor(spec: RunSpec, set: SketchSetWire | null): Constants {
    const { L, mu, Lmax, Li } = this.smooth();
    const c = sketchConstants(spec.sketch, this.dimension);
    let { LD, muD, LSmax } = c;
    if (set) ({ LD, muD, LSmax } = set);
    const Lexp = this.rows() === 0 ? L : expectedSmoothness(spec.sampling, typeof spec.batch === "number" ? spec.batch : 1, L, Li, spec.probabilities ?? undefined);
    const factor = spec.method === "dsgd" ? 1 : 6;
    return { L, mu, LD, muD, LSmax, kappaD: LD / muD, Lmax, Lexp, stepSize: 1 / (factor * Lexp * LSmax), batch: spec.batch };
  }

  /** Configure the kernel's sketch sampler; the p_j vector goes into scratch memory after the base mark. */
  protected configureSketch(sk: Sketch): void {
    const w = sketchWire(sk);
    this.kernel.ex.release(this.base);
    const probs = w.probs ? this.kernel.putF64(w.probs) : 0;
    this.kernel.call("sketchConfigure", (ex) => ex.sketchConfigure(w.code, w.k, w.p, probs));
  }

  /** The finite sketch set of a VR run: explicit diagonals, or N draws from the spec (stream 10, its own seed). */
  protected sketchSetWire(spec: RunSpec): SketchSetWire {
    const d = this.dimension;
    const supports: Int32Array[] = [], scales: Float64Array[] = [];
    if (Array.isArray(spec.sketchSet)) {
      for (const diag of spec.sketchSet) {
        const T: number[] = [];
        diag.forEach((s, j) => { if (s !== 0) T.push(j); });
        supports.push(Int32Array.from(T));
        scales.push(Float64Array.from(T, (j) => diag[j]));
      }
    } else {
      const { size, seed } = spec.sketchSet!;
      this.configureSketch(spec.sketch);
      const k = this.kernel;
      const [lo, hi] = splitSeed(seed);
      k.ex.setSeed(lo, hi);
      k.ex.setSketchStream(STREAM_SKETCH_SET);
      for (let j = 0; j < size; j++) {
        const m = k.call("sketchSample", (ex) => ex.sketchSample(j));
        supports.push(k.i32(k.ex.supportPtr(), m).slice());
        scales.push(k.f64(k.ex.scalePtr(), m).slice());
      }
      k.ex.setSketchStream(0);
    }
    const N = supports.length;
    const offsets = new Int32Array(N + 1);
    supports.forEach((T, j) => { offsets[j + 1] = offsets[j] + T.length; });
    const second = new Float64Array(d);
    let LSmax = 0;
    scales.forEach((s, j) => s.forEach((v, k) => { second[supports[j][k]] += v * v; if (v * v > LSmax) LSmax = v * v; }));
    let LD = 0, muD = Infinity;
    for (let i = 0; i < d; i++) { const m2 = second[i] / N; LD = Math.max(LD, m2); muD = Math.min(muD, m2); }
    const indices = new Int32Array(offsets[N]), flat = new Float64Array(offsets[N]);
    supports.forEach((T, j) => { indices.set(T, offsets[j]); flat.set(scales[j], offsets[j]); });
    return { offsets, indices, scales: flat, LD, muD, LSmax };
  }

  /** Upload the sampler tables (independent / importance) and the sketch set; called after configureSketch. */
  private uploadRunTables(spec: RunSpec, set: SketchSetWire | null): void {
    const k = this.kernel;
    if (spec.sampling === "independent") {
      const p = spec.probabilities!;
      const pp = k.putF64(p), pw = k.putF64(Float64Array.from(p, (x) => 1 / x));
      k.call("samplingConfigure", (ex) => ex.samplingConfigure(SAMPLING_CODE.independent, 0, pp, 0, pw));
    } else if (spec.sampling === "importance") {
      const { Li } = this.smooth();
      const n = this.rows();
      const t = aliasTable(Li);
      const pq = k.putF64(t.q), pa = k.putI32(t.alias), pw = k.putF64(Float64Array.from(t.p, (x) => 1 / (n * x)));
      k.call("samplingConfigure", (ex) => ex.samplingConfigure(SAMPLING_CODE.importance, spec.batch as number, pq, pa, pw));
    } else if (spec.sampling === "uniform") {
      k.call("samplingConfigure", (ex) => ex.samplingConfigure(SAMPLING_CODE.uniform, spec.batch as number, 0, 0, 0));
    }
    if (set) {
      const N = set.offsets.length - 1;
      const pOff = k.call("sketchSetAlloc", (ex) => ex.sketchSetAlloc(N, set.indices.length) >>> 0);
      k.i32(pOff, N + 1).set(set.offsets);
      k.i32(k.ex.sketchSetIndices(), set.indices.length).set(set.indices);
      k.f64(k.ex.sketchSetScales(), set.scales.length).set(set.scales);
      const kind = spec.method === "lsvrg" ? 0 : 1;
      k.call("vrConfigure", (ex) => ex.vrConfigure(kind, spec.referenceBatch, spec.refreshProbability, spec.snapshotEvery));
    }
  }

  /** Run steps t .. t+steps−1; returns the number taken (fewer only on a non-finite iterate). */
  protected advance(spec: RunSpec, t: number, steps: number): number {
    if (spec.method === "dsgd") return this.kernel.call("dsgdRun", (ex) => ex.dsgdRun(this.px, t, steps));
    return this.kernel.call("vrRun", (ex) => ex.vrRun(this.px, t, steps));
  }

  /** ‖∇f_D(x)‖ at the current x, for `tolerance`: exact where a closed form or a finite set exists, else Monte Carlo. */
  protected gradientNormD(spec: RunSpec, samples: number): number {
    const k = this.kernel;
    const saved = k.ex.getRowsTouched();
    if (spec.method !== "dsgd") k.call("setGradient", (ex) => ex.setGradient(this.px, this.pg));
    else if (spec.sketch.kind === "identity") k.call("gradient", (ex) => ex.gradient(this.px, this.pg));
    else k.call("sketchedGradientMean", (ex) => ex.sketchedGradientMean(this.px, samples, this.pg));
    k.ex.setRowsTouched(saved);
    let s = 0;
    for (const g of k.f64(this.pg, this.dimension)) s += g * g;
    return Math.sqrt(s);
  }

  /** Prepare the state of a VR run at its start (t = 0: nothing; the kernel refreshes before step 0). */
  protected restoreState(arrays: Record<string, Float64Array>): void {
    const k = this.kernel, d = this.dimension;
    k.f64(this.px, d).set(arrays.x);
    if (arrays.w) { k.f64(k.ex.wPtr(), d).set(arrays.w); k.f64(k.ex.gPtr(), d).set(arrays.G); }
    if (arrays.lazyU) { k.f64(k.ex.lazyStatePtr(), d).set(arrays.lazyU); k.ex.setLazyState(arrays.lazyAlpha[0]); }
  }

  /** The state arrays of a run for its checkpoint. */
  protected stateArrays(spec: RunSpec): Record<string, Float64Array> {
    const k = this.kernel, d = this.dimension;
    const out: Record<string, Float64Array> = { x: k.f64(this.px, d).slice() };
    if (spec.method !== "dsgd") { out.w = k.f64(k.ex.wPtr(), d).slice(); out.G = k.f64(k.ex.gPtr(), d).slice(); }
    // the lazy ℓ2 path (identity, one CSR row a step) carries x = α u: keep (u, α) so a resumed run has the same bits
    const alpha = k.ex.lazyStateAlpha();
    if (alpha !== 0) { out.lazyU = k.f64(k.ex.lazyStatePtr(), d).slice(); out.lazyAlpha = Float64Array.of(alpha); }
    return out;
  }

  /** The value f(x) at the current iterate, for the trace. */
  protected currentValue(): number { return this.kernel.call("value", (ex) => ex.value(this.px)); }

  /**
   * minimize(options): Double Sketched (S)GD (Algorithm 1), L-SVRDSG ("lsvrg") or SVRG ("svrg") on f_D, or the
   * distributed method. Each DSGD step draws S_t, forms y_t = v + S_t(x_t − v) and takes x_{t+1} = x_t − γ S_t ∇̂f(y_t)
   * on supp S_t only. A step that would make x non-finite is not taken: the run throws a {@link DivergenceError}.
   */
  async minimize(opts: MinimizeOptions = {}): Promise<MinimizeResult> {
    this.idle("minimize");
    const method = oneOf("method", (opts as { method?: unknown } | undefined)?.method ?? "dsgd", METHODS);
    if (method === "distributed") {
      if (!(this instanceof Problem)) throw new RangeError(`method "distributed" needs a data problem (mast.problem), not a ${this instanceof QuadraticProblem ? "quadratic" : "model"}`);
      return minimizeDistributed(this, opts as Record<string, unknown>);
    }
    this.running = true;
    try {
      return this.minimizeHere(opts);
    } finally {
      this.running = false;
    }
  }

  /** minimize() on this problem's kernel (DSGD, L-SVRG, SVRG): the whole run, synchronously. */
  private minimizeHere(opts: MinimizeOptions): MinimizeResult {
    const o = options<MinimizeOptions>("options", opts, MINIMIZE_KEYS) as Record<string, unknown>;
    // resume: the checkpoint's settings, with the caller's run-defining options checked against them
    let resume: CheckpointData | null = null;
    let runOpts: Record<string, unknown> = o;
    if (o.resumeFrom !== undefined) {
      resume = decodeCheckpoint(o.resumeFrom);
      const h = resume.header as Record<string, unknown>;
      if (h.dimension !== this.dimension || h.fingerprint !== this.fingerprint()) {
        throw new RangeError("resumeFrom is a checkpoint of a different problem (its data, shift or dimension differ)");
      }
      const st = h.settings as Record<string, unknown>;
      if (st.stepSize === "schedule" && typeof o.stepSize !== "function") {
        throw new TypeError("stepSize must be given again as the same function t => γ_t to resume a run that used a schedule");
      }
      runOpts = optionsFromCheckpoint(st, resume.arrays, this.dimension, o.stepSize);
      if (o.x0 !== undefined) throw new RangeError("x0 cannot be given when resuming (the checkpoint holds x)");
      const theirs = settingsOf(normaliseRun(runOpts, this.rows(), this.dimension), NaN);
      for (const key of RUN_KEYS) {
        if (o[key] === undefined || key === "x0") continue;
        if (key === "stepSize" && (st.stepSize === "schedule" || (o.stepSize === "theory" && st.stepRule === "theory"))) continue;
        const mine = settingsOf(normaliseRun({ ...runOpts, [key]: o[key] }, this.rows(), this.dimension), NaN);
        const same = firstDifference(theirs, mine) === null && plain(o[key]) === plain(runOpts[key]);
        if (!same) throw new RangeError(`${key} differs from the checkpoint's setting (${show(runOpts[key])}); omit it when resuming`);
      }
    }
    const spec = normaliseRun(runOpts, this.rows(), this.dimension);
    const t0 = resume ? (resume.header.t as number) : 0;
    const T = integer("iterations", o.iterations ?? 1000, t0);
    const recordEvery = integer("recordEvery", o.recordEvery ?? Math.max(1, Math.ceil((T - t0) / 100)), 1);
    const tolerance = o.tolerance === undefined ? null : positive("tolerance", o.tolerance);
    const timeLimit = o.timeLimitMs === undefined ? null : positive("timeLimitMs", o.timeLimitMs);
    const gradientSamples = integer("gradientSamples", o.gradientSamples ?? 100, 1, 1e6);
    const onProgress = o.onProgress as MinimizeOptions["onProgress"];
    if (onProgress !== undefined && typeof onProgress !== "function") throw new TypeError(`onProgress must be a function, got ${show(onProgress)}`);
    const x0 = o.x0 !== undefined ? vector("x0", o.x0, this.dimension) : this.shift;
    const [lo, hi] = splitSeed(spec.seed);

    // set-up: the sketch set (uses the sampler), constants, then every upload before taking views
    const set = spec.method === "dsgd" ? null : this.sketchSetWire(spec);
    const theory = this.constantsFor(spec, set).stepSize;
    let gamma = NaN;
    let schedule: ((t: number) => number) | null = null;
    if (spec.stepSize === "theory") gamma = theory;
    else if (typeof spec.stepSize === "function") schedule = spec.stepSize;
    else gamma = spec.stepSize;
    if (spec.stepSize === "theory" && !Number.isFinite(theory)) {
      throw new RangeError("stepSize \"theory\" needs the smoothness constant L of a user model: pass mast.model({ smoothness: L }) or give stepSize");
    }
    this.gammaAt = schedule ? (s) => this.kernel.f64(this.pGammas, s + 1)[s] : () => gamma;
    const k = this.kernel;
    this.configureSketch(spec.sketch);
    k.call("dsgdConfigure", (ex) => { ex.setSeed(lo, hi); ex.dsgdConfigure(spec.batch === "full" ? 0 : spec.batch, schedule ? 0 : gamma, schedule ? this.pGammas : 0); });
    this.uploadRunTables(spec, set);
    this.beginRun(spec);
    k.ex.resetCounters();
    k.ex.resetVrCounters();
    k.ex.lazyReset();
    if (resume) {
      this.restoreState(resume.arrays);
      this.setGradEvals(resume.header.gradEvals as number);
    } else this.putX(x0, "x0");

    const started = performance.now();
    const trace: TraceRow[] = [];
    let stoppedBy: StopReason = "iterations";
    const record = (t: number): void => {
      const row: TraceRow = { iteration: t, f: this.currentValue(), gradEvals: this.gradEvals(), ms: performance.now() - started };
      if (tolerance !== null) row.gradNorm = this.gradientNormD(spec, gradientSamples);
      trace.push(row);
      if (tolerance !== null && row.gradNorm! <= tolerance) stoppedBy = "tolerance";
      if (onProgress && onProgress(row) === false && stoppedBy === "iterations") stoppedBy = "callback";
    };
    let t = t0;
    record(t);
    while (t < T && stoppedBy === "iterations") {
      let chunk = Math.min(recordEvery - ((t - t0) % recordEvery), T - t);
      if (timeLimit !== null) chunk = Math.min(chunk, 1024);
      if (schedule) {
        chunk = Math.min(chunk, GAMMA_BLOCK);
        const g = k.f64(this.pGammas, chunk);
        for (let s = 0; s < chunk; s++) g[s] = positive(`stepSize(${t + s})`, schedule(t + s));
      }
      const done = this.advance(spec, t, chunk);
      t += done;
      if (done < chunk) {
        const used = schedule ? k.f64(this.pGammas, chunk)[done] : gamma;
        throw new DivergenceError(spec.method, t, used, theory, k.f64(this.px, this.dimension).slice());
      }
      if ((t - t0) % recordEvery === 0 || t === T) record(t);
      if (stoppedBy === "iterations" && timeLimit !== null && performance.now() - started >= timeLimit) {
        stoppedBy = "time";
        if (trace[trace.length - 1].iteration !== t) record(t);
      }
    }
    const state = this.stateArrays(spec);
    const x = state.x;
    const arrays: Record<string, ArrayLike<number>> = { ...state };
    if (spec.probabilities) arrays.probabilities = spec.probabilities;
    if (Array.isArray(spec.sketchSet)) arrays.sketchSet = concatRows(spec.sketchSet);
    const checkpoint = encodeCheckpoint({
      format: "mast-wasm run", dimension: this.dimension, fingerprint: this.fingerprint(), t, gradEvals: this.gradEvals(),
      settings: { ...settingsOf(spec, gamma), ...(resume ? { stepRule: (resume.header.settings as Record<string, unknown>).stepRule } : {}) },
    }, arrays);
    const coords = k.ex.getCoordsTouched() + k.ex.getVrCoords();
    return { x, iterations: t, trace, digest: digestF64(x), stepSize: gamma, stoppedBy, checkpoint, work: { coordsTouched: coords, rowsTouched: k.ex.getRowsTouched() - (resume ? (resume.header.gradEvals as number) : 0) } };
  }

  /** Hook for subclasses at the start of a run (after the kernel is configured). */
  protected beginRun(_spec: RunSpec): void {}
  /** Gradient evaluations so far (rows, or sketched gradients for quadratics and models). */
  protected gradEvals(): number { return this.kernel.ex.getRowsTouched(); }
  /** Set the gradient-evaluation count (when resuming). */
  protected setGradEvals(n: number): void { this.kernel.ex.setRowsTouched(n); }

  /**
   * sketchedGradient(x, sketch, { step, seed, batch }): the stochastic gradient g = S_t ∇̂f(v + S_t(x − v)) that step t
   * of a DSGD run with this seed would use (zero off the support), with the support itself (Algorithm 1, section 3).
   * `batch` is "full" (the default: ∇̂f = ∇f, option I) or τ, the τ rows of step t drawn as `minimize` draws them
   * with its default ("nice") sampling, ∇̂f = (1/τ) Σ ∇f_i + λ y (option II). Computed by the general kernel path, so
   * it is also a reference for the fused one-row steps.
   */
  sketchedGradient(x: ArrayLike<number>, sketch: Sketch, opts: { step?: number; seed?: number; batch?: number | "full" } = {}): { g: Float64Array; support: Int32Array } {
    this.idle("sketchedGradient");
    const sk = checkSketch(sketch, this.dimension);
    const [lo, hi] = splitSeed(opts.seed ?? 0);
    const step = integer("step", opts.step ?? 0, 0);
    let tau = 0;
    if (opts.batch !== undefined && opts.batch !== "full") {
      if (this.rows() === 0) throw new RangeError(`batch needs a data problem (rows to sample), got ${show(opts.batch)}`);
      if (typeof opts.batch === "string") throw new RangeError(`batch must be "full" or an integer in 1..${this.rows()}, got ${show(opts.batch)}`);
      tau = integer("batch", opts.batch, 1, this.rows());
    }
    this.configureSketch(sk);
    this.putX(x);
    const k = this.kernel;
    k.f64(this.pg, this.dimension).fill(0);
    const m = k.call("sketchedGradientAt", (ex) => { ex.setSeed(lo, hi); ex.dsgdConfigure(tau, 0, 0); return ex.sketchedGradientAt(this.px, step, this.pg); });
    return { g: k.f64(this.pg, this.dimension).slice(), support: k.i32(k.ex.supportPtr(), m).slice() };
  }

  /** Monte Carlo f_D(x): the mean of f(v + S_s(x − v)) over s < samples and its standard error. */
  protected monteCarlo(x: ArrayLike<number>, sketch: Sketch, samplesArg: unknown, seedArg: unknown): SketchedValue {
    this.idle("sketchedValue");
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
}

/** The run options that a checkpoint's settings (and its arrays) stand for. */
function optionsFromCheckpoint(st: Record<string, unknown>, arrays: Record<string, Float64Array>, d: number, schedule: unknown): Record<string, unknown> {
  const o: Record<string, unknown> = {
    method: st.method, sketch: st.sketch, seed: st.seed, batch: st.batch,
    stepSize: st.stepSize === "schedule" ? schedule : st.stepSize,
  };
  if (st.sampling !== "full") o.sampling = st.sampling;
  if (st.probabilities === "array") o.probabilities = arrays.probabilities;
  if (st.method !== "dsgd") {
    o.sketchSet = st.sketchSet === "explicit" ? splitRows(arrays.sketchSet, d) : st.sketchSet;
    o.referenceBatch = st.referenceBatch;
  }
  if (st.method === "lsvrg") o.refreshProbability = st.refreshProbability;
  if (st.method === "svrg") o.snapshotEvery = st.snapshotEvery;
  return o;
}

/** plain(v): a JSON string of v with typed arrays as plain arrays, for comparing settings. */
function plain(v: unknown): string {
  return JSON.stringify(v, (_k, x) => (ArrayBuffer.isView(x) ? Array.from(x as unknown as ArrayLike<number>) : x));
}

function concatRows(rows: Float64Array[]): Float64Array {
  const out = new Float64Array(rows.reduce((s, r) => s + r.length, 0));
  let o = 0;
  for (const r of rows) { out.set(r, o); o += r.length; }
  return out;
}
function splitRows(flat: Float64Array, d: number): Float64Array[] {
  const out: Float64Array[] = [];
  for (let o = 0; o < flat.length; o += d) out.push(flat.slice(o, o + d));
  return out;
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

  /**
   * minimize(options): as {@link BaseProblem.minimize}; with `method: "distributed"`, distributed DSGD / IST over
   * `nodes` on `workers` threads (section 4.3, src/distributed.ts), which resolves to a {@link DistributedResult}.
   */
  minimize(opts: DistributedOptions): Promise<DistributedResult>;
  minimize(opts?: MinimizeOptions): Promise<MinimizeResult>;
  minimize(opts: MinimizeOptions | DistributedOptions = {}): Promise<MinimizeResult> { return super.minimize(opts as MinimizeOptions); }

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

  protected identity(): Float64Array[] {
    const D = this.data;
    return [Float64Array.of(D.rows, D.cols, this.loss === "logistic" ? 0 : 1, this.l2), D.values, D.labels,
      D.indptr ? Float64Array.from(D.indptr) : new Float64Array(0), D.indices ? Float64Array.from(D.indices) : new Float64Array(0), this.shift];
  }

  protected smoothness(): { L: number; mu: number; Lmax: number; Li: Float64Array } {
    const k = this.kernel;
    const top = k.call("powerIteration", (ex) => ex.powerIteration(0, 1, POWER_ITERATIONS, POWER_TOLERANCE));
    k.ex.release(this.base);
    const pn = k.alloc(this.data.rows * 8);
    k.call("rowSquaredNorms", (ex) => ex.rowSquaredNorms(pn));
    const c = this.loss === "logistic" ? 0.25 : 1;
    const Li = Float64Array.from(k.f64(pn, this.data.rows), (r) => c * r + this.l2);
    let maxNorm = 0;
    for (const v of k.f64(pn, this.data.rows)) if (v > maxNorm) maxNorm = v;
    let mu = this.l2;
    if (this.loss === "squared") {
      const shifted = k.call("powerIteration", (ex) => ex.powerIteration(top, -1, POWER_ITERATIONS, POWER_TOLERANCE));
      mu += Math.max(0, top - shifted);
    }
    return { L: c * top + this.l2, mu, Lmax: c * maxNorm + this.l2, Li };
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
    this.idle("margins");
    this.putX(x);
    const k = this.kernel;
    k.ex.release(this.base);
    const p = k.alloc(this.data.rows * 8);
    k.call("margins", (ex) => ex.margins(this.px, p));
    return k.f64(p, this.data.rows).slice();
  }

  /** accuracy(x): the fraction of rows with sign(a_iᵀx) = b_i (a zero margin predicts −1). Needs ±1 labels. */
  accuracy(x: ArrayLike<number>): number {
    this.idle("accuracy");
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

  protected identity(): Float64Array[] { return [Float64Array.of(this.dimension), this.A, this.b, this.shift]; }

  protected smoothness(): { L: number; mu: number; Lmax: number; Li: Float64Array } {
    const L = this.kernel.call("powerIteration", (ex) => ex.powerIteration(0, 1, 5000, 1e-14));
    const shifted = this.kernel.call("powerIteration", (ex) => ex.powerIteration(L, -1, 5000, 1e-14));
    return { L, mu: Math.max(0, L - shifted), Lmax: L, Li: new Float64Array(0) };
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

