/**
 * init(): compile the kernels once and return the library bound to that module — the data constructors, the sketch
 * constructors and the problem constructors (data problems, quadratics, user models, networks).
 * @module
 */
import { type Build, type WasmSource, loadModule, simdSupported } from "./runtime/wasm.js";
import { Kernel } from "./runtime/kernel.js";
import { options, show } from "./runtime/validate.js";
import { Dataset, dense, csr, normaliseLabels } from "./data/dataset.js";
import { parseLibsvm, type LibsvmOptions } from "./data/libsvm.js";
import { synthetic, type SyntheticOptions } from "./data/synthetic.js";
import { parseIdx, type IdxOptions } from "./data/idx.js";
import { hashedCrosses, type HashedCrossesOptions } from "./data/crosses.js";
import { sketch } from "./sketch/spec.js";
import { Problem, type ProblemOptions } from "./models/linear.js";
import { QuadraticProblem, type QuadraticOptions } from "./models/quadratic.js";
import { ModelProblem, type ModelOptions } from "./models/user.js";
import { NetworkProblem, type NetworkOptions } from "./models/network.js";

/** Options of {@link init}. */
export interface InitOptions {
  /** "auto" (default: SIMD where the engine has it), "simd" or "scalar". Both builds give the same bits. Ignored when a source is given. */
  build?: "auto" | Build;
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
    /** Read IDX image and label files (MNIST's format; bytes, gzip accepted): a dense data set with classes 0…C−1. */
    idx(images: Uint8Array | ArrayBuffer, labels: Uint8Array | ArrayBuffer, options?: IdxOptions): Promise<Dataset>;
    /** Hashed features with pairwise crosses: each original j and each pair j < k of a row's non-zeros go to bucket
     *  MurmurHash3_x86_32(u32le j ‖ u32le k, seed) mod 2^bits (an original as (j, j)), values a_j and a_j·a_k summed on
     *  collision; a CSR data set with 2^bits columns (docs/models.md, "Hashed feature crosses"). */
    hashedCrosses(data: Dataset, options: HashedCrossesOptions): Dataset;
  };
  /** Sketch constructors (the same object as the `sketch` export). */
  readonly sketch: typeof sketch;
  /** A data problem: f(x) = (1/n) Σ φ(a_iᵀx, b_i) + λ/2‖x‖² with shift v. */
  problem(options: ProblemOptions): Problem;
  /** A quadratic problem: f(x) = ½xᵀAx − bᵀx with shift v. */
  quadratic(options: QuadraticOptions): QuadraticProblem;
  /** A user-supplied model: f and ∇f from a JS function evaluated at the sketched point y = v + S(x − v). */
  model(options: ModelOptions): ModelProblem;
  /** A softmax network (hidden: [] is multinomial logistic regression; else an MLP) on a data set with class labels:
   *  f(x) = (1/n) Σ CE(softmax(net_x(a_i)), c_i) + λ/2‖W‖², trained in wasm with coordinate or unit sketches. */
  network(options: NetworkOptions): NetworkProblem;
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
      idx: parseIdx,
      hashedCrosses,
    }),
    problem: (options: ProblemOptions) => new Problem(module, options),
    quadratic: (options: QuadraticOptions) => new QuadraticProblem(module, options),
    model: (options: ModelOptions) => new ModelProblem(module, options),
    network: (options: NetworkOptions) => new NetworkProblem(module, options),
  });
}
