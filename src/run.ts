/**
 * Run settings shared by the methods: validation into a normalised spec, checkpoint settings, and resume checks.
 * @module
 */
import { Sketch, checkSketch, sketch as sketchApi } from "./sketch.js";
import { SAMPLINGS, Sampling } from "./sampling.js";
import { integer, oneOf, options, positive, probability, show, vector } from "./validate.js";

/** The methods `minimize` knows (section 4.1, 4.3, 4.4). */
export const METHODS = ["dsgd", "lsvrg", "svrg", "distributed"] as const;
export type Method = (typeof METHODS)[number];

/** Why a run stopped. */
export type StopReason = "iterations" | "tolerance" | "time" | "callback";

/** Keys that define a run (stored in checkpoints; must match when resuming). */
export const RUN_KEYS = ["method", "sketch", "stepSize", "batch", "sampling", "probabilities", "seed", "x0", "sketchSet",
  "referenceBatch", "refreshProbability", "snapshotEvery"] as const;
/** Keys that only steer a run (free to change when resuming). */
export const STEER_KEYS = ["iterations", "recordEvery", "onProgress", "tolerance", "timeLimitMs", "gradientSamples", "resumeFrom"] as const;

/** A normalised run: every default filled in, every value checked. */
export interface RunSpec {
  method: "dsgd" | "lsvrg" | "svrg";
  sketch: Sketch;
  sampling: Sampling | "full";
  batch: "full" | number;
  probabilities: Float64Array | null;
  seed: number;
  stepSize: number | "theory" | ((t: number) => number);
  sketchSet: { size: number; seed: number } | Float64Array[] | null;
  referenceBatch: number;
  refreshProbability: number;
  snapshotEvery: number;
}

/** The JSON form of a spec's settings (arrays go into checkpoint arrays). */
export function settingsOf(spec: RunSpec, gamma: number): Record<string, unknown> {
  return {
    method: spec.method, sketch: spec.sketch, sampling: spec.sampling, batch: spec.batch, seed: spec.seed,
    stepSize: typeof spec.stepSize === "function" ? "schedule" : gamma,
    stepRule: typeof spec.stepSize === "function" ? "schedule" : spec.stepSize === "theory" ? "theory" : "number",
    sketchSet: Array.isArray(spec.sketchSet) ? "explicit" : spec.sketchSet,
    referenceBatch: spec.referenceBatch, refreshProbability: spec.refreshProbability, snapshotEvery: spec.snapshotEvery,
    probabilities: spec.probabilities ? "array" : null,
  };
}

/**
 * normaliseRun(opts, n, d, kind): check every run-defining option and fill defaults.
 * `n` is the number of data rows (0 for quadratics and models).
 */
export function normaliseRun(o: Record<string, unknown>, n: number, d: number): RunSpec {
  const method = oneOf("method", o.method ?? "dsgd", ["dsgd", "lsvrg", "svrg"] as const);
  const sk = checkSketch(o.sketch ?? sketchApi.identity(), d);
  // data sampling
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
    batch = "full";
  } else {
    if (o.probabilities !== undefined) throw new RangeError(`probabilities go with sampling "independent", got sampling ${show(o.sampling ?? "nice")}`);
    if (o.batch !== undefined && o.batch !== "full") {
      if (typeof o.batch === "string") throw new RangeError(`batch must be "full" or an integer in 1..${n}, got ${show(o.batch)}`);
      batch = integer("batch", o.batch, 1, n);
      if (sampling === "full") sampling = "nice";
    } else if (sampling !== "full") {
      batch = 1;
    }
    if (sampling === "nice" && batch === "full") sampling = "full";
  }
  const seed = integer("seed", o.seed ?? 0, 0);
  const step = o.stepSize ?? "theory";
  if (!(step === "theory" || typeof step === "function")) {
    if (typeof step !== "number") throw new TypeError(`stepSize must be a positive number, "theory" or a function t => γ_t, got ${show(step)}`);
    positive("stepSize", step);
  }
  // variance reduction
  let sketchSet: RunSpec["sketchSet"] = null;
  let referenceBatch = 0, refreshProbability = 0, snapshotEvery = 0;
  const vrOnly = ["sketchSet", "referenceBatch", "refreshProbability", "snapshotEvery"].filter((k) => o[k] !== undefined);
  if (method === "dsgd" && vrOnly.length) throw new RangeError(`${vrOnly[0]} goes with method "lsvrg" or "svrg", got method "dsgd"`);
  if (method !== "dsgd") {
    const ss = o.sketchSet ?? { size: 100, seed: 0 };
    if (Array.isArray(ss)) {
      if (ss.length === 0) throw new RangeError("sketchSet must not be empty");
      sketchSet = ss.map((diag, j) => {
        const v = vector(`sketchSet[${j}]`, diag, d);
        v.forEach((s, i) => { if (s < 0) throw new RangeError(`sketchSet[${j}][${i}] must be ≥ 0, got ${s}`); });
        return v;
      });
    } else {
      const so = options<{ size: number; seed: number }>("sketchSet", ss, ["size", "seed"]);
      sketchSet = { size: integer("sketchSet.size", so.size ?? 100, 1, 1e6), seed: integer("sketchSet.seed", so.seed ?? 0, 0) };
    }
    const N = Array.isArray(sketchSet) ? sketchSet.length : sketchSet.size;
    referenceBatch = integer("referenceBatch", o.referenceBatch ?? N, 1);
    if (referenceBatch > N) throw new RangeError(`referenceBatch (b) must be at most the sketch set size N = ${N}, got ${referenceBatch}`);
    if (method === "lsvrg") {
      if (o.snapshotEvery !== undefined) throw new RangeError(`snapshotEvery goes with method "svrg", got method "lsvrg"`);
      refreshProbability = o.refreshProbability === undefined ? 1 / referenceBatch : probability("refreshProbability", o.refreshProbability);
    } else {
      if (o.refreshProbability !== undefined) throw new RangeError(`refreshProbability goes with method "lsvrg", got method "svrg"`);
      snapshotEvery = integer("snapshotEvery", o.snapshotEvery ?? 2 * referenceBatch, 1);
    }
  }
  return { method, sketch: sk, sampling, batch, probabilities, seed, stepSize: step as RunSpec["stepSize"], sketchSet, referenceBatch, refreshProbability, snapshotEvery };
}

/** firstDifference(a, b): the first run-defining key whose value differs, or null. */
export function firstDifference(a: Record<string, unknown>, b: Record<string, unknown>): string | null {
  for (const k of Object.keys(a)) if (JSON.stringify(a[k]) !== JSON.stringify(b[k])) return k;
  return null;
}
