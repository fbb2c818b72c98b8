/**
 * mast-wasm: MAST (Model-Agnostic Sparsified Training, Demidovich, Malinovsky, Shulgin, Richtárik, ICLR 2025) in
 * deterministic WebAssembly. It minimises f_D(x) = E_{S~D} f(v + S(x − v)) with Double Sketched SGD, where v is a
 * pre-trained shift and S a random diagonal sketch with E[S] = I.
 *
 * ```ts
 * import { init, sketch } from "mast-wasm";
 * const mast = await init();
 * const data = mast.data.synthetic({ rows: 2000, cols: 50, density: 0.2, seed: 1 });
 * const problem = mast.problem({ data, loss: "logistic", l2: 1e-3 });
 * const run = await problem.minimize({ sketch: sketch.randK(25), iterations: 500, batch: 32, seed: 7 });
 * ```
 * @module
 */
import { Build, Kernel, WasmSource, loadModule, simdSupported } from "./wasm.js";
import { Dataset, dense, csr, normaliseLabels } from "./data/dataset.js";
import { parseLibsvm, LibsvmOptions } from "./data/libsvm.js";
import { Problem, ProblemOptions, QuadraticOptions, QuadraticProblem } from "./problem.js";
import { sketch } from "./sketch.js";
import { ModelProblem, ModelOptions } from "./model.js";
import { integer, options, positive, show } from "./validate.js";
import { splitSeed } from "./problem.js";

export { sketch, sketchConstants } from "./sketch.js";
export type { Sketch, IdentitySketch, BernoulliSketch, RandKSketch, PermutationSketch, SketchConstants } from "./sketch.js";
export { Dataset } from "./data/dataset.js";
export { LibsvmParseError } from "./data/libsvm.js";
export type { LibsvmOptions } from "./data/libsvm.js";
export { Problem, QuadraticProblem, BaseProblem } from "./problem.js";
export { ModelProblem } from "./model.js";
export type { ModelOptions, ValueAndGradient } from "./model.js";
export type { Sampling } from "./sampling.js";
export type { Method, StopReason } from "./run.js";
export type { SketchedValue, Loss, Constants, TraceRow, MinimizeOptions, MinimizeResult, ProblemOptions, QuadraticOptions } from "./problem.js";
export { KernelError, DivergenceError } from "./errors.js";
export { distributedConstants, DistributedError } from "./distributed.js";
export type { DistributedOptions, DistributedNode, DistributedResult, DistributedTraceRow, DistributedConstants, Communication } from "./distributed.js";
export { digestF64, sha256 } from "./digest.js";
export { simdSupported } from "./wasm.js";
export type { Build, WasmSource } from "./wasm.js";
export { schedules } from "./schedules.js";

/** Options of {@link init}. */
export interface InitOptions {
  /** "auto" (default: SIMD where the engine has it), "simd" or "scalar". Both builds give the same bits. Ignored when a source is given. */
  build?: "auto" | Build;
}

/** Options of `mast.data.synthetic`. */
export interface SyntheticOptions {
  /** n (default 6414, shaped like a5a). */
  rows?: number;
  /** d (default 123). */
  cols?: number;
  /** Probability that a feature is 1 (default 14/123, about 14 non-zeros a row). */
  density?: number;
  /** Seed (default 0). */
  seed?: number;
}

/** The library bound to one compiled module. Every problem gets its own instance (and linear memory) of it. */
export interface Mast {
  /** The compiled module in use. */
  readonly module: WebAssembly.Module;
  /** Which build it is. */
  readonly build: Build;
  /** Data set constructors. */
  readonly data: {
    /** Parse LibSVM/svmlight text or bytes (gzip accepted); labels −1/+1 or 0/1 become ±1; errors name the line. */
    libsvm(input: string | Uint8Array | ArrayBuffer, options?: LibsvmOptions): Promise<Dataset>;
    /** A dense row-major data set. */
    dense(values: ArrayLike<number>, options: { rows: number; cols: number; labels: ArrayLike<number> }): Dataset;
    /** A CSR data set from its arrays. */
    csr(init: { indptr: ArrayLike<number>; indices: ArrayLike<number>; values: ArrayLike<number>; labels: ArrayLike<number>; cols: number }): Dataset;
    /** A planted sparse logistic problem with binary features: a_ij ~ Bernoulli(density), P(b_i = 1) = σ(a_iᵀw*). */
    synthetic(options?: SyntheticOptions): Dataset;
  };
  /** Sketch constructors (the same object as the `sketch` export). */
  readonly sketch: typeof sketch;
  /** A data problem: f(x) = (1/n) Σ φ(a_iᵀx, b_i) + λ/2‖x‖² with shift v. */
  problem(options: ProblemOptions): Problem;
  /** A quadratic problem: f(x) = ½xᵀAx − bᵀx with shift v. */
  quadratic(options: QuadraticOptions): QuadraticProblem;
  /** A user-supplied model: f and ∇f from a JS function evaluated at the sketched point y = v + S(x − v). */
  model(options: ModelOptions): ModelProblem;
}

/**
 * init(source?, options?): compile the kernels and return the library. With no source it loads the build shipped next
 * to this file (SIMD where supported, else scalar) in Node, Deno (--allow-read), Bun and browsers. It also accepts a
 * WebAssembly.Module (edge workers such as Cloudflare's, which forbid compiling bytes), the bytes, a URL or path,
 * or a fetch Response.
 */
export async function init(source?: WasmSource, opts: InitOptions = {}): Promise<Mast> {
  const o = options<InitOptions>("options", opts, ["build"]);
  const want = o.build ?? "auto";
  if (!["auto", "simd", "scalar"].includes(want as string)) throw new RangeError(`build must be "auto", "simd" or "scalar", got ${show(want)}`);
  const build: Build = want === "auto" ? (simdSupported() ? "simd" : "scalar") : (want as Build);
  const module = await loadModule(source, build);
  let util: Kernel | null = null;
  const utility = (): Kernel => (util ??= new Kernel(module));
  const ex = new WebAssembly.Instance(module, {}).exports as unknown as { hasSimd(): number };
  const actual: Build = ex.hasSimd() ? "simd" : "scalar";
  return Object.freeze({
    module,
    build: actual,
    sketch,
    data: Object.freeze({
      async libsvm(input: string | Uint8Array | ArrayBuffer, options?: LibsvmOptions): Promise<Dataset> {
        const c = await parseLibsvm(input, options);
        return new Dataset({ format: "csr", rows: c.rows, cols: c.cols, values: c.values, indptr: c.indptr, indices: c.indices, labels: normaliseLabels(c.labels) });
      },
      dense,
      csr,
      synthetic(options?: SyntheticOptions): Dataset { return synthetic(utility(), options); },
    }),
    problem: (options: ProblemOptions) => new Problem(module, options),
    quadratic: (options: QuadraticOptions) => new QuadraticProblem(module, options),
    model: (options: ModelOptions) => new ModelProblem(module, options),
  });
}

function synthetic(k: Kernel, opts: SyntheticOptions = {}): Dataset {
  const o = options<SyntheticOptions>("options", opts, ["rows", "cols", "density", "seed"]);
  const rows = integer("rows", o.rows ?? 6414, 1, 2 ** 26);
  const cols = integer("cols", o.cols ?? 123, 1, 2 ** 24);
  const density = positive("density", o.density ?? 14 / 123);
  if (density > 1) throw new RangeError(`density must be in (0, 1], got ${density}`);
  if (rows * cols * density > 2 ** 27) throw new RangeError(`rows × cols × density must be at most 2^27 expected non-zeros, got ${rows * cols * density}`);
  const [lo, hi] = splitSeed(o.seed ?? 0);
  const mark = k.ex.mark();
  try {
    const pIndptr = k.alloc((rows + 1) * 4);
    const nnz = k.call("syntheticCounts", (ex) => ex.syntheticCounts(rows, cols, density, lo, hi, pIndptr));
    const pIdx = k.alloc(nnz * 4), pVal = k.alloc(nnz * 8), pLab = k.alloc(rows * 8), pW = k.alloc(cols * 8);
    k.call("syntheticFill", (ex) => ex.syntheticFill(rows, cols, density, lo, hi, pIndptr, pIdx, pVal, pLab, pW));
    return new Dataset({
      format: "csr", rows, cols,
      indptr: k.i32(pIndptr, rows + 1).slice(), indices: k.i32(pIdx, nnz).slice(), values: k.f64(pVal, nnz).slice(),
      labels: k.f64(pLab, rows).slice(), planted: k.f64(pW, cols).slice(),
    });
  } finally {
    k.ex.release(mark);
  }
}
export { goldenScenarios, goldenExpected, runGolden, goldenReport, goldenTable, runtimeInfo, type GoldenScenario, type GoldenOutput, type GoldenDigests, type GoldenResult, type GoldenReport, type RunGoldenOptions, type RuntimeInfo } from "./golden.js";
export { newton, hessian, ConvergenceError } from "./erm.js";
export type { NewtonOptions, NewtonResult, NewtonTraceRow } from "./erm.js";
export { randomMasks, randomPrune, pruneAccuracies, boxplotStats, quantile, philox4x32, PRUNE_STREAM } from "./prune.js";
export type { PruneOptions, PruneAccuracyOptions, AccuracyProblem, BoxplotStats } from "./prune.js";
export { boxplotSvg, lineSvg, escapeXml, PALETTE, linearScale, logScale, niceStep, formatTick } from "./plot/index.js";
export type { BoxGroup, BoxplotOptions, LineSeries, LineOptions, PlotOptions, ReferenceLine, Scale } from "./plot/index.js";
