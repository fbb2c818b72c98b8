/**
 * Random pruning of a trained model and boxplot statistics, for the paper's robustness experiment (section 5): keep a
 * uniform random K-subset of the coordinates of x (zero the rest), measure the accuracy of many such pruned models,
 * and summarise the distribution as a boxplot (quartiles, 1.5·IQR whiskers, outliers).
 *
 * Masks come from the library's own generator, Philox4x32-10, implemented here in TypeScript with 32-bit integer
 * operations only: mask r of seed s is the Rand-K sample of step r in generator stream 16 ({@link PRUNE_STREAM}),
 * drawn by Floyd's algorithm over the step's word sequence with Lemire's unbiased bounded integers, exactly as the
 * kernels draw a Rand-K sketch (for K > d/2 Floyd picks the d − K dropped coordinates). So a mask is a pure function of (seed, r, d, K), the same in every runtime, and the same set as the
 * kernels' `sketchSample(r)` with `setSketchStream(16)`.
 * @module
 */
import { integer, options, show, vector } from "../runtime/validate.js";
import { STREAM } from "../runtime/codes.js";
import { Cursor } from "../runtime/philox.js";

export { philox4x32 } from "../runtime/philox.js";

/** The generator stream of pruning masks (see STREAM in src/runtime/codes.ts). */
export const PRUNE_STREAM: number = STREAM.prune;

/** Options of {@link randomMasks} and {@link randomPrune}. */
export interface PruneOptions {
  /** Seed of the masks (a safe integer ≥ 0, default 0). */
  seed?: number;
  /** How many masks (default 1). */
  count?: number;
  /** Index of the first mask (default 0): mask r is the same whatever count is. */
  start?: number;
}

function checkMaskArgs(d: number, k: unknown, opts: PruneOptions): { K: number; seed: number; count: number; start: number } {
  const o = options<PruneOptions>("options", opts, ["seed", "count", "start"]);
  const K = integer("k", k, 1, d);
  return {
    K,
    seed: integer("seed", o.seed ?? 0, 0),
    count: integer("count", o.count ?? 1, 0, 2 ** 31 - 1),
    start: integer("start", o.start ?? 0, 0, 2 ** 53 - 2 ** 32),
  };
}

/**
 * randomMasks(d, k, { seed, count, start }): `count` uniform random k-subsets of {0, …, d−1}, each as an ascending
 * Int32Array. Mask r (r = start, start+1, …) is Floyd's algorithm over Philox draws of step r in stream 16.
 */
export function randomMasks(d: number, k: number, opts: PruneOptions = {}): Int32Array[] {
  const dim = integer("d", d, 1, 2 ** 31 - 1);
  const { K, seed, count, start } = checkMaskArgs(dim, k, opts);
  const draws = new Cursor(seed, PRUNE_STREAM);
  const out: Int32Array[] = [];
  const mark = new Uint8Array(dim);
  for (let r = start; r < start + count; r++) {
    mark.fill(0);
    const pickDropped = K > dim - K;
    const m = pickDropped ? dim - K : K;
    draws.seek(r);
    for (let j = dim - m; j < dim; j++) {
      const t = draws.nextBelow(j + 1);
      mark[mark[t] ? j : t] = 1;
    }
    const supp = new Int32Array(K);
    let s = 0;
    for (let j = 0; j < dim; j++) if ((mark[j] === 1) !== pickDropped) supp[s++] = j;
    out.push(supp);
  }
  return out;
}

/**
 * randomPrune(x, k, { seed, count, start }): `count` copies of x, each keeping a uniform random k-subset of its
 * coordinates (the masks of {@link randomMasks}) and zeroing the rest. No d/k rescaling: for a linear classifier it
 * does not change a predicted sign.
 */
export function randomPrune(x: ArrayLike<number>, k: number, opts: PruneOptions = {}): Float64Array[] {
  const xv = vector("x", x);
  return randomMasks(xv.length, k, opts).map((supp) => {
    const y = new Float64Array(xv.length);
    for (const j of supp) y[j] = xv[j];
    return y;
  });
}

/** Anything with an accuracy(x) method, e.g. a Problem over the test set. */
export interface AccuracyProblem {
  /** d, the length of x. */
  readonly dimension: number;
  /** The fraction of rows that x classifies right. */
  accuracy(x: ArrayLike<number>): number;
}

/** Options of {@link pruneAccuracies}. */
export interface PruneAccuracyOptions {
  /** R, the number of random masks (default 200). */
  masks?: number;
  /** Seed of the masks (default 0); the same seed gives the same masks for every x. */
  seed?: number;
}

/**
 * pruneAccuracies(problem, x, k, { masks, seed }): the accuracies `problem.accuracy(x ⊙ mask_r)` for r < masks, each
 * mask a uniform random k-subset ({@link randomMasks}). Give the test-set problem to get test accuracies.
 */
export function pruneAccuracies(problem: AccuracyProblem, x: ArrayLike<number>, k: number, opts: PruneAccuracyOptions = {}): Float64Array {
  if (!problem || typeof (problem as AccuracyProblem).accuracy !== "function") {
    throw new TypeError(`problem must have an accuracy(x) method (a Problem from mast.problem), got ${show(problem)}`);
  }
  const o = options<PruneAccuracyOptions>("options", opts, ["masks", "seed"]);
  const xv = vector("x", x, problem.dimension);
  const R = integer("masks", o.masks ?? 200, 1, 2 ** 31 - 1);
  const out = new Float64Array(R);
  const masks = randomMasks(xv.length, k, { seed: o.seed ?? 0, count: R });
  const y = new Float64Array(xv.length);
  masks.forEach((supp, r) => {
    y.fill(0);
    for (const j of supp) y[j] = xv[j];
    out[r] = problem.accuracy(y);
  });
  return out;
}

/** Boxplot statistics with matplotlib's (and Seaborn's) defaults. */
export interface BoxplotStats {
  /** Number of values. */
  n: number;
  /** Arithmetic mean. */
  mean: number;
  /** First quartile (25th percentile, linear interpolation). */
  q1: number;
  /** Median. */
  median: number;
  /** Third quartile (75th percentile). */
  q3: number;
  /** q3 − q1. */
  iqr: number;
  /** The smallest value ≥ q1 − 1.5·IQR (q1 if that is larger). */
  whiskerLow: number;
  /** The largest value ≤ q3 + 1.5·IQR (q3 if that is smaller). */
  whiskerHigh: number;
  /** Values outside the whiskers, ascending. */
  outliers: number[];
  /** Smallest value. */
  min: number;
  /** Largest value. */
  max: number;
}

/** quantile(sorted, p): the p-quantile of ascending values by linear interpolation (numpy's default, "linear"). */
export function quantile(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) throw new RangeError("quantile of an empty list");
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  const frac = h - lo;
  return frac === 0 ? sorted[lo] : sorted[lo] + frac * (sorted[hi] - sorted[lo]);
}

/**
 * boxplotStats(values): quartiles by linear interpolation (numpy.percentile), whiskers at the most extreme values
 * within 1.5·IQR of the box, outliers beyond them: matplotlib's `cbook.boxplot_stats(whis=1.5)`, which Seaborn's
 * boxplot uses with its default settings.
 */
export function boxplotStats(values: ArrayLike<number>): BoxplotStats {
  const v = vector("values", values);
  if (v.length === 0) throw new RangeError("values must not be empty");
  const s = Float64Array.from(v).sort();
  const n = s.length;
  let sum = 0;
  for (const x of s) sum += x;
  const q1 = quantile(s, 0.25), median = quantile(s, 0.5), q3 = quantile(s, 0.75);
  const iqr = q3 - q1;
  const loFence = q1 - 1.5 * iqr, hiFence = q3 + 1.5 * iqr;
  let whiskerLow = q1, whiskerHigh = q3;
  for (let i = 0; i < n; i++) if (s[i] >= loFence) { whiskerLow = Math.min(s[i], q1); break; }
  for (let i = n - 1; i >= 0; i--) if (s[i] <= hiFence) { whiskerHigh = Math.max(s[i], q3); break; }
  const outliers: number[] = [];
  for (const x of s) if (x < whiskerLow || x > whiskerHigh) outliers.push(x);
  return { n, mean: sum / n, q1, median, q3, iqr, whiskerLow, whiskerHigh, outliers, min: s[0], max: s[n - 1] };
}
