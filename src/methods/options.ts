/**
 * Options are checked once, at the door: `runSpec` validates every option of `minimize` (and the checkpoint it
 * resumes from) into one plain {@link RunSpec}; methods consume the spec and never see raw options.
 * @module
 */
import { type Sketch, checkSketch, isUnitSketch, sketch as sketchApi } from "../sketch/spec.js";
import { SAMPLINGS, type Sampling } from "./sampling.js";
import { integer, oneOf, options, positive, probability, show, vector } from "../runtime/validate.js";
import { type CheckpointData, decodeCheckpoint } from "../runtime/checkpoint.js";
import type { Metric, Objective } from "./objective.js";
import { Dataset } from "../data/dataset.js";
import type { MinimizeOptions, TraceRow } from "./types.js";

/** Keys that define a run (stored in checkpoints; must match when resuming). */
export const RUN_KEYS = ["method", "sketch", "stepSize", "batch", "sampling", "probabilities", "seed", "x0", "sketchSet",
  "referenceBatch", "refreshProbability", "snapshotEvery", "average"] as const;
/** Keys that only steer a run (free to change when resuming). */
export const STEER_KEYS = ["iterations", "recordEvery", "onProgress", "tolerance", "timeLimitMs", "gradientSamples", "resumeFrom", "keepBest"] as const;
const MINIMIZE_KEYS = [...RUN_KEYS, ...STEER_KEYS];

/** The run-defining part of a spec: what a checkpoint stands for. */
export interface Settings {
  method: "dsgd" | "lsvrg" | "svrg";
  sketch: Sketch;
  sampling: Sampling | "full";
  batch: "full" | number;
  probabilities: Float64Array | null;
  seed: number;
  stepSize: number | "theory" | "switching" | ((t: number) => number);
  sketchSet: { size: number; seed: number; balanced: boolean } | Float64Array[] | null;
  referenceBatch: number;
  refreshProbability: number;
  snapshotEvery: number;
  /** Iterate averaging: none; linear weights from step 0 ("weighted"); uniform from step 0 ("all"), from ⌊T/2⌋ of the
   *  first call ("tail") or from a given step. */
  average: AverageSpec;
}

/** The averaging a run asks for, before T is known: `false`, `"weighted"` (weights w_{t+1} = t + 1 from t = 0),
 *  `"all"` (uniform from t = 0), `"tail"` (uniform from ⌊T/2⌋) or a step to start a uniform average at. */
export type AverageSpec = false | "weighted" | "all" | "tail" | { from: number };

/** A whole run, normalised: every default filled in, every value checked. */
export interface RunSpec extends Settings {
  /** The step the run starts at (0, or the checkpoint's t). */
  t0: number;
  /** T, the step to run to. */
  iterations: number;
  recordEvery: number;
  tolerance: number | null;
  timeLimitMs: number | null;
  gradientSamples: number;
  onProgress: ((row: TraceRow) => void | boolean) | null;
  /** x_0 (the shift by default); null when resuming (the checkpoint holds x). */
  x0: Float64Array | null;
  /** The checkpoint being resumed, or null. */
  resume: CheckpointData | null;
  /** t_a, the first step whose result enters the average (−1: no averaging); a resumed run keeps its checkpoint's. */
  averageFrom: number;
  /** The averaging weights: 0 uniform, 1 linear (w_{t+1} = t + 1). */
  averageWeights: 0 | 1;
  /** keepBest: the validation data and the metric, or null. */
  keepBest: { data: Dataset; metric: Metric } | null;
}

/** The JSON form of a spec's settings (arrays go into checkpoint arrays). */
export function settingsOf(spec: Settings, gamma: number): Record<string, unknown> {
  return {
    method: spec.method, sketch: spec.sketch, sampling: spec.sampling, batch: spec.batch, seed: spec.seed,
    stepSize: typeof spec.stepSize === "function" ? "schedule" : spec.stepSize === "switching" ? "switching" : gamma,
    stepRule: typeof spec.stepSize === "function" ? "schedule" : spec.stepSize === "theory" || spec.stepSize === "switching" ? spec.stepSize : "number",
    sketchSet: Array.isArray(spec.sketchSet) ? "explicit" : spec.sketchSet,
    referenceBatch: spec.referenceBatch, refreshProbability: spec.refreshProbability, snapshotEvery: spec.snapshotEvery,
    probabilities: spec.probabilities ? "array" : null,
    average: spec.average,
  };
}

/** What the settings are checked against: n rows (0 for quadratics and models), d, and a network's layout and terms. */
export type RunShape = Pick<Objective, "rows" | "dimension" | "layout" | "network" | "sketchDimension">;

/** The minibatch a network run takes when `batch` is not given (at most n). */
export const NETWORK_DEFAULT_BATCH = 64;

/**
 * normaliseSettings(opts, shape): check every run-defining option against the objective's shape and fill the defaults.
 */
export function normaliseSettings(o: Record<string, unknown>, shape: RunShape): Settings {
  const n = shape.rows, d = shape.dimension;
  const method = oneOf("method", o.method === undefined ? "dsgd" : o.method, ["dsgd", "lsvrg", "svrg"] as const);
  const sk = checkSketch(o.sketch === undefined ? sketchApi.identity() : o.sketch, shape.sketchDimension, "sketch", shape.layout);
  const { sampling, batch, probabilities } = shape.network ? networkSampler(o, n, shape.network) : sampler(o, n);
  const seed = integer("seed", o.seed === undefined ? 0 : o.seed, 0);
  const step = o.stepSize === undefined ? "theory" : o.stepSize;
  if (!(step === "theory" || step === "switching" || typeof step === "function")) {
    if (typeof step !== "number") throw new TypeError(`stepSize must be a positive number, "theory", "switching" or a function t => γ_t, got ${show(step)}`);
    positive("stepSize", step);
  }
  if (step === "switching" && method !== "dsgd") throw new RangeError(`stepSize "switching" is a DSGD schedule; L-SVRG and SVRG converge with their constant theory step ("theory"), got method ${show(method)}`);
  const average = averageSpec(o.average, method, sk, batch, shape);
  return { method, sketch: sk, sampling, batch, probabilities, seed, stepSize: step as Settings["stepSize"], ...varianceReduction(o, method, d, sk, shape), average };
}

/**
 * averageSpec(v, …): the `average` option. "auto" (the default) takes the linearly weighted average ("weighted") of a
 * DSGD run whose steps are stochastic (a sketch other than the identity, or sampled rows): a constant step then only
 * reaches a neighbourhood of x_D*, and the weighted average of its iterates gets close to x_D* at the O(1/t) rate
 * while forgetting the start (docs/methods.md#averaging); its weights do not depend on T, so a resumed run has the
 * bits of an uninterrupted one. Deterministic DSGD (identity, all rows) and the variance-reduced methods converge
 * without it, so "auto" leaves them alone; networks do not average.
 */
function averageSpec(v: unknown, method: Settings["method"], sk: Sketch, batch: Settings["batch"], shape: RunShape): AverageSpec {
  if (v === undefined || v === "auto") {
    const stochastic = sk.kind !== "identity" || batch !== "full";
    return method === "dsgd" && stochastic && !shape.network ? "weighted" : false;
  }
  if (shape.network && v !== false) throw new RangeError(`average is not available on a network (its parameters stay the last iterate), got ${show(v)}`);
  if (v === false || v === "weighted" || v === "all" || v === "tail") return v;
  if (v === true) return "all";
  if (typeof v === "object" && v !== null && !Array.isArray(v)) {
    const o = options<{ from: number }>("average", v, ["from"]);
    return { from: integer("average.from", o.from, 0) };
  }
  throw new TypeError(`average must be true, false, "auto", "weighted", "all", "tail" or { from: t }, got ${show(v)}`);
}

/** The data sampling of option II: sampler, τ and the p_i of independent sampling. */
function sampler(o: Record<string, unknown>, n: number): Pick<Settings, "sampling" | "batch" | "probabilities"> {
  let sampling: Sampling | "full" = "full";
  let batch: "full" | number = "full";
  let probabilities: Float64Array | null = null;
  if (o.sampling !== undefined) sampling = oneOf("sampling", o.sampling, SAMPLINGS);
  if (n === 0 && (o.sampling !== undefined || (o.batch !== undefined && o.batch !== "full"))) {
    throw new RangeError(`batch and sampling need a data problem (rows to sample); got batch ${show(o.batch)}, sampling ${show(o.sampling)}`);
  }
  if (sampling === "independent") {
    if (o.batch !== undefined && o.batch !== "full") throw new RangeError(`batch must be omitted with sampling "independent" (its size is random), got ${show(o.batch)}`);
    probabilities = vector("probabilities", o.probabilities, n);
    probabilities.forEach((p, i) => probability(`probabilities[${i}]`, p));
    return { sampling, batch: "full", probabilities };
  }
  if (o.probabilities !== undefined) throw new RangeError(`probabilities go with sampling "independent", got sampling ${show(o.sampling ?? "nice")}`);
  if (o.batch === "full" && o.sampling !== undefined) {
    throw new RangeError(`sampling ${show(o.sampling)} draws τ rows a step (option II) and goes with batch τ; batch "full" uses every row (option I), got both`);
  }
  if (o.batch !== undefined && o.batch !== "full") {
    if (typeof o.batch === "string") throw new RangeError(`batch must be "full" or an integer in 1..${n}, got ${show(o.batch)}`);
    batch = integer("batch", o.batch, 1, n);
    if (sampling === "full") sampling = "nice";
  } else if (sampling !== "full") {
    batch = 1;
  }
  if (sampling === "nice" && batch === "full") sampling = "full";
  return { sampling, batch, probabilities };
}

/** A network's data sampling: option II always (a step on all n rows would run the whole data set through the network),
 *  τ ≤ the network's maxBatch (default min(64, n)); "independent" (a random count) is refused, and "importance" needs
 *  the per-row L_i that only the convex network (hidden: []) has. */
function networkSampler(o: Record<string, unknown>, n: number, net: NonNullable<RunShape["network"]>): Pick<Settings, "sampling" | "batch" | "probabilities"> {
  if (o.batch === "full") {
    throw new RangeError(`batch "full" is not available on a network (every step would run all ${n} rows through it); give batch τ in 1..${Math.min(n, net.maxBatch)} (default ${Math.min(n, NETWORK_DEFAULT_BATCH, net.maxBatch)})`);
  }
  const sampling = o.sampling === undefined ? "nice" : oneOf("sampling", o.sampling, SAMPLINGS);
  if (sampling === "independent") throw new RangeError(`sampling "independent" is not available on a network: its batch size is random and can exceed the network's maxBatch (${net.maxBatch}); use "nice", "uniform" or "importance"`);
  if (sampling === "importance" && !net.convex) throw new RangeError(`sampling "importance" draws rows with p_i ∝ L_i, and no L_i is known for a network with hidden layers; use "nice" or "uniform"`);
  if (o.probabilities !== undefined) throw new RangeError(`probabilities go with sampling "independent", which networks do not take`);
  const most = Math.min(n, net.maxBatch);
  if (o.batch !== undefined && typeof o.batch === "number" && Number.isInteger(o.batch) && o.batch > net.maxBatch && o.batch <= n) {
    throw new RangeError(`batch must be at most the network's maxBatch (${net.maxBatch}), got ${o.batch}; build the network with mast.network({ maxBatch: ${o.batch} }) for larger batches`);
  }
  const batch = o.batch === undefined ? Math.min(NETWORK_DEFAULT_BATCH, most) : integer("batch", o.batch, 1, most);
  return { sampling, batch, probabilities: null };
}

/** The finite sketch set and the reference-gradient settings of L-SVRG / SVRG (section 4.4). */
function varianceReduction(o: Record<string, unknown>, method: Settings["method"], d: number, sk: Sketch, shape: RunShape): Pick<Settings, "sketchSet" | "referenceBatch" | "refreshProbability" | "snapshotEvery"> {
  const vrOnly = ["sketchSet", "referenceBatch", "refreshProbability", "snapshotEvery"].filter((k) => o[k] !== undefined);
  if (method === "dsgd") {
    if (vrOnly.length) throw new RangeError(`${vrOnly[0]} goes with method "lsvrg" or "svrg", got method "dsgd"`);
    return { sketchSet: null, referenceBatch: 0, refreshProbability: 0, snapshotEvery: 0 };
  }
  let sketchSet: Settings["sketchSet"];
  const ss = o.sketchSet ?? { size: 100, seed: 0 };
  if (Array.isArray(ss)) {
    if (ss.length === 0) throw new RangeError("sketchSet must not be empty");
    sketchSet = ss.map((diag, j) => {
      const v = vector(`sketchSet[${j}]`, diag, d);
      v.forEach((s, i) => { if (s < 0) throw new RangeError(`sketchSet[${j}][${i}] must be ≥ 0, got ${s}`); });
      return v;
    });
  } else {
    const so = options<{ size: number; seed: number; balanced: boolean }>("sketchSet", ss, ["size", "seed", "balanced"]);
    const size = integer("sketchSet.size", so.size ?? 100, 1, 1e6), seed = integer("sketchSet.seed", so.seed ?? 0, 0);
    // a balanced set keeps every coordinate equally often, so its mean is exactly I (docs/methods.md#sketch-sets)
    const round = balancedRound(sk, shape.sketchDimension, shape);
    if (so.balanced !== undefined && typeof so.balanced !== "boolean") throw new TypeError(`sketchSet.balanced must be true or false, got ${show(so.balanced)}`);
    if (so.balanced === true && round === 0) {
      throw new RangeError(`sketchSet.balanced needs a sketch with a balanced form of its own distribution: the permutation or identity sketch, or Rand-K with K dividing d (whole rounds of d/K blocks); ` +
        `${sk.kind === "randK" ? `K = ${sk.k} does not divide d = ${d}` : `a ${sk.kind} sketch's set is drawn independently`}: omit balanced or give false`);
    }
    const balanced = so.balanced ?? round > 0;
    sketchSet = { size: balanced ? round * Math.ceil(size / round) : size, seed, balanced };
  }
  const N = Array.isArray(sketchSet) ? sketchSet.length : sketchSet.size;
  const referenceBatch = integer("referenceBatch", o.referenceBatch ?? N, 1);
  if (referenceBatch > N) throw new RangeError(`referenceBatch (b) must be at most the sketch set size N = ${N}, got ${referenceBatch}`);
  if (method === "lsvrg") {
    if (o.snapshotEvery !== undefined) throw new RangeError(`snapshotEvery goes with method "svrg", got method "lsvrg"`);
    const refreshProbability = o.refreshProbability === undefined ? 1 / referenceBatch : probability("refreshProbability", o.refreshProbability);
    return { sketchSet, referenceBatch, refreshProbability, snapshotEvery: 0 };
  }
  if (o.refreshProbability !== undefined) throw new RangeError(`refreshProbability goes with method "lsvrg", got method "svrg"`);
  return { sketchSet, referenceBatch, refreshProbability: 0, snapshotEvery: integer("snapshotEvery", o.snapshotEvery ?? 2 * referenceBatch, 1) };
}

/**
 * balancedRound(sketch, d): the members of one round of a balanced set — a round keeps every coordinate exactly once:
 * the d/K blocks of a permutation for Rand-K when K divides d (stratified Rand-K: the same first and second moments
 * as Rand-K, E[s_j²] = d/K and E[s_i s_j] = d(K−1)/(K(d−1))), M blocks for the permutation sketch, one member for the
 * identity; 0 when the sketch has no balanced form of its own distribution (Rand-K with K ∤ d: blocks of ⌈d/K⌉ would
 * change its scale; Bernoulli: independent coins; unit sketches).
 */
export function balancedRound(sk: Sketch, d: number, shape: RunShape): number {
  if (shape.layout && isUnitSketch(sk)) return 0;
  if (sk.kind === "randK") return d % sk.k === 0 ? d / sk.k : 0;   // stratified = permutation(d/K): Rand-K's own moments
  if (sk.kind === "permutation") return sk.nodes;
  if (sk.kind === "identity") return 1;
  return 0;
}

/** firstDifference(a, b): the first run-defining key whose value differs, or null. */
export function firstDifference(a: Record<string, unknown>, b: Record<string, unknown>): string | null {
  for (const k of Object.keys(a)) if (JSON.stringify(a[k]) !== JSON.stringify(b[k])) return k;
  return null;
}

/**
 * runSpec(objective, opts): the whole run of `minimize(opts)` on this objective, checked once. With `resumeFrom`, the
 * run-defining options come from the checkpoint and any the caller gives again must match them.
 */
export function runSpec(obj: Objective, opts: MinimizeOptions | undefined): RunSpec {
  const o = options<MinimizeOptions>("options", opts, MINIMIZE_KEYS) as Record<string, unknown>;
  const n = obj.rows, d = obj.dimension;
  let resume: CheckpointData | null = null;
  let runOpts: Record<string, unknown> = o;
  if (o.resumeFrom !== undefined) {
    resume = decodeCheckpoint(o.resumeFrom);
    runOpts = resumedOptions(obj, o, resume);
  }
  const settings = normaliseSettings(runOpts, obj);
  const t0 = resume ? (resume.header.t as number) : 0;
  const iterations = integer("iterations", o.iterations ?? 1000, t0);
  const recordEvery = integer("recordEvery", o.recordEvery ?? Math.max(1, Math.ceil((iterations - t0) / 100)), 1);
  if (o.tolerance !== undefined && obj.network) throw new RangeError(`tolerance is not available on a network (‖∇f_D‖ would take full-data passes at every record); stop by iterations or timeLimitMs`);
  const tolerance = o.tolerance === undefined ? null : positive("tolerance", o.tolerance);
  const timeLimitMs = o.timeLimitMs === undefined ? null : positive("timeLimitMs", o.timeLimitMs);
  const gradientSamples = integer("gradientSamples", o.gradientSamples ?? 100, 1, 1e6);
  const onProgress = o.onProgress as RunSpec["onProgress"] | undefined;
  if (onProgress !== undefined && typeof onProgress !== "function") throw new TypeError(`onProgress must be a function, got ${show(onProgress)}`);
  const x0 = resume ? null : o.x0 !== undefined ? vector("x0", o.x0, d) : obj.initialX ? obj.initialX(settings.seed) : obj.shift;   // only read (writeX copies it into the kernel)
  const a = settings.average;
  const averageFrom = resume ? (resume.header.averageFrom as number | undefined) ?? -1
    : a === false ? -1 : a === "all" || a === "weighted" ? 0 : a === "tail" ? Math.floor(iterations / 2) : a.from;
  const averageWeights = a === "weighted" ? 1 : 0;
  return { ...settings, t0, iterations, recordEvery, tolerance, timeLimitMs, gradientSamples, onProgress: onProgress ?? null, x0, resume, averageFrom, averageWeights, keepBest: keepBestOf(obj, o.keepBest) };
}

/** keepBest: { data, metric } — the validation set (same columns) and "accuracy" (default where labels allow) or "loss". */
function keepBestOf(obj: Objective, v: unknown): RunSpec["keepBest"] {
  if (v === undefined) return null;
  if (!obj.validationScorer) throw new RangeError(`keepBest needs a data problem or a network (a validation data set to score x on), not a ${obj.kind}`);
  const o = options<{ data: Dataset; metric: Metric }>("keepBest", v, ["data", "metric"]);
  if (!(o.data instanceof Dataset)) throw new TypeError(`keepBest.data must be a Dataset from mast.data.*, got ${show(o.data)}`);
  const metric = o.metric === undefined ? (obj.network || o.data.binary ? "accuracy" : "loss") : oneOf("keepBest.metric", o.metric, ["accuracy", "loss"] as const);
  return { data: o.data, metric };
}

/** The run options a checkpoint stands for, with the caller's run-defining options checked against them. */
function resumedOptions(obj: Objective, o: Record<string, unknown>, resume: CheckpointData): Record<string, unknown> {
  const h = resume.header as Record<string, unknown>;
  if (h.format !== "mast-wasm run") throw new RangeError(`resumeFrom is a checkpoint of a distributed run; resume it with method "distributed" and its nodes`);
  if (h.dimension !== obj.dimension || h.fingerprint !== obj.fingerprint()) {
    throw new RangeError("resumeFrom is a checkpoint of a different problem (its data, shift or dimension differ)");
  }
  const st = h.settings as Record<string, unknown>;
  if (st.stepSize === "schedule" && typeof o.stepSize !== "function") {
    throw new TypeError("stepSize must be given again as the same function t => γ_t to resume a run that used a schedule");
  }
  const runOpts = optionsFromCheckpoint(st, resume.arrays, obj.dimension, o.stepSize);
  if (o.x0 !== undefined) throw new RangeError("x0 cannot be given when resuming (the checkpoint holds x)");
  const theirs = settingsOf(normaliseSettings(runOpts, obj), NaN);
  for (const key of RUN_KEYS) {
    if (o[key] === undefined || key === "x0") continue;
    if (key === "stepSize" && (st.stepSize === "schedule" || (o.stepSize === "theory" && st.stepRule === "theory"))) continue;
    const mine = settingsOf(normaliseSettings({ ...runOpts, [key]: o[key] }, obj), NaN);
    // drawn sets compare as normalised (a balanced size is rounded up); arrays (explicit sets, probabilities) entry by entry
    const drawnSet = key === "sketchSet" && !Array.isArray(o[key]);
    const same = firstDifference(theirs, mine) === null && (drawnSet || plain(o[key]) === plain(runOpts[key]));
    if (!same) throw new RangeError(`${key} differs from the checkpoint's setting (${show(runOpts[key])}); omit it when resuming`);
  }
  return runOpts;
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
    // sets of checkpoints written before balanced sets existed were drawn independently
    o.sketchSet = st.sketchSet === "explicit" ? splitRows(arrays.sketchSet, d) : { balanced: false, ...(st.sketchSet as object) };
    o.referenceBatch = st.referenceBatch;
  }
  if (st.method === "lsvrg") o.refreshProbability = st.refreshProbability;
  if (st.method === "svrg") o.snapshotEvery = st.snapshotEvery;
  // checkpoints written before averaging existed hold no "average": their runs did not average
  o.average = st.average === undefined ? false : st.average;
  return o;
}

/** plain(v): a JSON string of v with typed arrays as plain arrays, for comparing settings. */
function plain(v: unknown): string {
  return JSON.stringify(v, (_k, x) => (ArrayBuffer.isView(x) ? Array.from(x as unknown as ArrayLike<number>) : x));
}

/** concatRows(rows): one flat array of equal-length rows (explicit sketch sets in checkpoints). */
export function concatRows(rows: Float64Array[]): Float64Array {
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
