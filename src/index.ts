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
 *
 * The main entry is the library. Plotting is at `mast-wasm/plot`, the golden scenarios and the reference generator at
 * `mast-wasm/repro`.
 * @module mast-wasm
 */
// the library
export { init } from "./mast.js";
export type { Mast, InitOptions } from "./mast.js";
export { simdSupported } from "./runtime/wasm.js";
export type { Build, WasmSource } from "./runtime/wasm.js";
// data
export { Dataset } from "./data/dataset.js";
export { LibsvmParseError } from "./data/libsvm.js";
export type { LibsvmOptions } from "./data/libsvm.js";
export type { SyntheticOptions } from "./data/synthetic.js";
export { IdxParseError } from "./data/idx.js";
export type { IdxOptions } from "./data/idx.js";
export type { HashedCrossesOptions } from "./data/crosses.js";
// sketches
export { sketch } from "./sketch/spec.js";
export type { Sketch, IdentitySketch, BernoulliSketch, RandKSketch, PermutationSketch, SketchOptions, SketchOver } from "./sketch/spec.js";
export { sketchConstants } from "./sketch/constants.js";
export type { SketchConstants } from "./sketch/constants.js";
// problems
export { BaseProblem } from "./models/problem.js";
export type { SketchedValue } from "./models/problem.js";
export { Problem } from "./models/linear.js";
export type { ProblemOptions } from "./models/linear.js";
export { QuadraticProblem } from "./models/quadratic.js";
export type { QuadraticOptions } from "./models/quadratic.js";
export { ModelProblem } from "./models/user.js";
export type { ModelOptions, ValueAndGradient } from "./models/user.js";
export { NetworkProblem } from "./models/network.js";
export type { NetworkOptions, LayerLayout } from "./models/network.js";
export type { Loss } from "./methods/objective.js";
// methods
export { schedules } from "./methods/schedules.js";
export type { Sampling } from "./methods/sampling.js";
export type { Method, StopReason, TraceRow, MinimizeOptions, MinimizeResult } from "./methods/types.js";
export type { Constants, ConstantsOptions, TheoryBound } from "./methods/constants.js";
export type { Regime } from "./methods/objective.js";
export { distributedConstants } from "./methods/distributed/constants.js";
export { DistributedError } from "./methods/distributed/errors.js";
export type { DistributedOptions, DistributedNode, DistributedResult, DistributedTraceRow, DistributedConstants, Communication, WireCounts } from "./methods/distributed/types.js";
// results and errors
export { KernelError, DivergenceError, LoadError } from "./runtime/errors.js";
export { digestF64, sha256 } from "./runtime/digest.js";
// tools: the ERM baseline and random pruning (the paper's experiment)
export { newton, hessian, ConvergenceError } from "./tools/erm.js";
export type { NewtonOptions, NewtonResult, NewtonTraceRow } from "./tools/erm.js";
export { randomMasks, randomPrune, pruneAccuracies, boxplotStats, quantile } from "./tools/prune.js";
export type { PruneOptions, PruneAccuracyOptions, AccuracyProblem, BoxplotStats } from "./tools/prune.js";
