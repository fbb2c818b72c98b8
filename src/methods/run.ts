/**
 * A single-machine run of a method on an objective: configure the kernel from the run spec, take the steps through the
 * shared loop, and return x, the trace, the digest and a checkpoint from which `resumeFrom` continues bit for bit.
 * @module
 */
import { DivergenceError } from "../runtime/errors.js";
import { digestF64Async } from "../runtime/digest.js";
import { encodeCheckpointAsync, checkpointArray, type CheckpointArray } from "../runtime/checkpoint.js";
import { positive } from "../runtime/validate.js";
import { splitSeed } from "../runtime/seed.js";
import { SAMPLE } from "../runtime/codes.js";
import { configureSampler } from "../sketch/wire.js";
import { isUnitSketch } from "../sketch/spec.js";
import { aliasTable } from "./sampling.js";
import { type RunSpec, concatRows, settingsOf } from "./options.js";
import { runSketchSet, theoryConstants } from "./constants.js";
import { GAMMA_BLOCK, NonFiniteOutput, type Objective } from "./objective.js";
import type { MethodContext, MethodDescriptor } from "./method.js";
import { runLoop, type Runner } from "./loop.js";
import type { MinimizeResult, TraceRow } from "./types.js";
import { COORDINATE_ARRAYS } from "./compact.js";

/** The step-size rule of a run: a constant γ (theory or given) or a schedule, with the theory step for advice, and why
 *  there is none when the theory step is not a finite positive number. */
interface StepRule { gamma: number; schedule: ((t: number) => number) | null; theory: number; noTheory: string }

function stepRule(c: MethodContext): StepRule {
  const k = theoryConstants(c.obj, c.spec, c.set, c.spec.iterations);
  const theory = k.stepSize;
  let noTheory = "";
  if (!(Number.isFinite(theory) && theory > 0)) {
    noTheory = c.obj.network && !c.obj.network.convex
      ? "no theory step size is known for a network with hidden layers: its loss is non-convex and no smoothness constant L is known " +
        "(the paper's step sizes need an L-smooth f; only hidden: [] has one)"
      : c.obj.host && !Number.isFinite(k.L)
      ? "no theory step size is known: the model gave no smoothness constant L (mast.model({ smoothness: L }))"
      : `the theory step (${k.regime}: ${c.spec.method !== "dsgd" ? "1/(6·L_exp·L_S^max)" : k.regime === "strongly convex" ? "1/(L_exp·L_S^max)" : k.regime === "convex" ? "1/(2·L_exp·L_S^max)" : "1/√(L_f·L_D·L_exp·L_S^max·T)"}) is not a finite positive number here ` +
        `(L_exp = ${k.Lexp}, L_S^max = ${k.LSmax}${k.Lexp === 0 ? ": every data row is zero and λ = 0, so f is constant" : ""})`;
  }
  const s = c.spec.stepSize;
  if ((s === "theory" || s === "switching") && noTheory) throw new RangeError(`stepSize ${JSON.stringify(s)} cannot be used: ${noTheory}; give stepSize as a number`);
  if (typeof s === "function") return { gamma: NaN, schedule: s, theory, noTheory };
  if (s === "switching") return { gamma: NaN, schedule: switchingSchedule(k), theory, noTheory };
  return { gamma: s === "theory" ? theory : s, schedule: null, theory, noTheory };
}

/**
 * switchingSchedule(constants): the switching rule of Gower et al. (ICML 2019, Theorem 3.2) with MAST's constants:
 * γ_t = 1/(2ℒ) for t < t* = 4⌈ℒ/μ⌉, then γ_t = (2t + 1)/((t + 1)² μ), with ℒ = L_exp·L_S^max (the expected smoothness of
 * the sketched, sampled gradients) and μ = μ_f·μ_D (f_D's strong convexity) [D]. The iterates then converge to x_D* at
 * the O(1/t) rate (the constant theory step reaches only a neighbourhood). Computed with + − × ÷ only.
 */
function switchingSchedule(k: { Lexp: number; LSmax: number; mu: number; muD: number }): (t: number) => number {
  const Lcal = k.Lexp * k.LSmax, mu = k.mu * k.muD;
  if (!(mu > 0)) {
    throw new RangeError(`stepSize "switching" needs f_D strongly convex: μ = μ_f·μ_D = ${mu} (μ_f = ${k.mu}, μ_D = ${k.muD}); ` +
      `give l2 > 0 (logistic loss), or use stepSize "theory" with averaging`);
  }
  const tStar = 4 * Math.ceil(Lcal / mu);
  return (t) => (t < tStar ? 1 / (2 * Lcal) : (2 * t + 1) / ((t + 1) * (t + 1) * mu));
}

/** Configure the kernel for the run: sampler, seed, data sampler and its tables, the method's own state. */
function configure(c: MethodContext, method: MethodDescriptor, rule: StepRule): void {
  const { obj, spec } = c;
  const k = obj.kernel, b = obj.buffers;
  const [lo, hi] = splitSeed(spec.seed);
  if (isUnitSketch(spec.sketch)) k.ex.release(b.base);   // a unit sketch is the network's own (method.configure)
  else configureSampler(k, spec.sketch, b.base);
  k.call("dsgdConfigure", (ex) => {
    ex.setSeed(lo, hi);
    ex.dsgdConfigure(spec.batch === "full" ? 0 : spec.batch, rule.schedule ? 0 : rule.gamma, rule.schedule ? b.gammas : 0);
  });
  if (spec.sampling === "independent") {
    const p = spec.probabilities!;
    const pp = k.putF64(p), pw = k.putF64(Float64Array.from(p, (x) => 1 / x));
    k.call("samplingConfigure", (ex) => ex.samplingConfigure(SAMPLE.independent, 0, pp, 0, pw));
  } else if (spec.sampling === "importance") {
    const { Li } = obj.smooth();
    const n = obj.rows;
    let total = 0;
    for (const l of Li) total += l;
    if (!(total > 0)) throw new RangeError(`sampling "importance" draws rows with p_i ∝ L_i, but every L_i is 0 (every data row is zero and λ = 0)`);
    const t = aliasTable(Li);
    const pq = k.putF64(t.q), pa = k.putI32(t.alias), pw = k.putF64(Float64Array.from(t.p, (x) => 1 / (n * x)));
    k.call("samplingConfigure", (ex) => ex.samplingConfigure(SAMPLE.importance, spec.batch as number, pq, pa, pw));
  } else if (spec.sampling === "uniform") {
    k.call("samplingConfigure", (ex) => ex.samplingConfigure(SAMPLE.uniform, spec.batch as number, 0, 0, 0));
  }
  method.configure(c);
  obj.resetWork();
  configureAverage(c);
}

/** The averaging buffers of a run (S and last, d f64 each, after the run's other scratch), or none. */
const averageBuffers = new WeakMap<MethodContext, { S: number; last: number; block: number }>();
/** Coordinates of x̄ read out per kernel call on CSR problems (see averageOut). */
const READ_BLOCK = 8192;

function configureAverage(c: MethodContext): void {
  const { obj, spec } = c, k = obj.kernel, d = obj.dimension;
  if (spec.averageFrom < 0) { k.ex.avgOff(); return; }
  // zero from alloc (avgConfigure relies on it): fresh pages stay virtual, reused ones are cleared (two passes)
  const S = k.alloc(8 * d, "the averaging sum"), last = k.alloc(8 * d, "the averaging counts");
  const block = averagesInPlace(c) ? k.alloc(8 * Math.min(d, READ_BLOCK), "the average's read-out block") : 0;
  const arrays = spec.resume?.arrays;
  if (arrays?.avgSum) { k.f64(S, d).set(arrays.avgSum); k.f64(last, d).set(arrays.avgLast ?? arrays.avgLastB); }
  k.call("avgConfigure", (ex) => ex.avgConfigure(spec.averageFrom, spec.averageWeights, S, last, d, arrays?.avgSum ? 0 : 1));
  averageBuffers.set(c, { S, last, block });
}

/** lazyProperty(o, key, make): o[key] made on first read and kept (an ordinary property once read or assigned). */
function lazyProperty<T extends object, K extends keyof T>(o: T, key: K, make: () => T[K]): void {
  const settle = (v: T[K]) => { Object.defineProperty(o, key, { value: v, writable: true, enumerable: true, configurable: true }); return v; };
  Object.defineProperty(o, key, { get: () => settle(make()), set: (v: T[K]) => { settle(v); }, enumerable: true, configurable: true });
}

/** The t whose x̄ buffers.g holds, until a step or a gradient evaluation (which uses g) replaces it. */
const averageHeld = new WeakMap<MethodContext, number>();

/** Whether x̄ is read without the kernel's read-out buffer: CSR data problems, where d can be large (f(x̄) in the
 *  kernel reading x̄ where needed, the result's x̄ read out in blocks), so that no d-vector is written
 *  for it in the kernel. Other problems form x̄ in buffers.g. */
function averagesInPlace(c: MethodContext): boolean {
  const lin = c.obj.linear;
  return c.obj.kind === "data" && !c.obj.host && lin !== null && lin.data.format === "csr";
}

/** Whether x̄_t is the run's point at t (averaging on and t > t_a). */
function isAveraged(c: MethodContext, t: number): boolean { return c.spec.averageFrom >= 0 && t > c.spec.averageFrom; }

/** f(x̄_t) (the caller checked isAveraged). */
function averageValue(c: MethodContext, t: number): number {
  const { obj } = c;
  if (!averagesInPlace(c)) { averageInto(c, t); return obj.valueAtBuffer(obj.buffers.g); }
  return obj.kernel.call("avgValue", (ex) => ex.avgValue(obj.buffers.x, t));
}

/** x̄_t as a new array (the caller checked isAveraged): read out block by block through the kernel's avgReadRange on
 *  CSR problems (no d-sized kernel buffer), else a copy of buffers.g. */
function averageOut(c: MethodContext, t: number): Float64Array {
  const { obj } = c, k = obj.kernel, d = obj.dimension;
  if (!averagesInPlace(c)) { averageInto(c, t); return k.f64(obj.buffers.g, d).slice(); }
  const { block } = averageBuffers.get(c)!, out = new Float64Array(d);
  for (let j0 = 0; j0 < d; j0 += READ_BLOCK) {
    const count = Math.min(READ_BLOCK, d - j0);
    k.call("avgReadRange", (ex) => ex.avgReadRange(obj.buffers.x, t, block, j0, count));
    out.set(k.f64(block, count), j0);
  }
  return out;
}

/** x̄_t (or x_t before averaging starts) into buffers.g; returns whether it is an average. One O(d) read-out per t: the
 *  record point's f, keepBest's score and the result share it. */
function averageInto(c: MethodContext, t: number): boolean {
  const { obj } = c;
  if (!isAveraged(c, t)) return false;
  if (averageHeld.get(c) === t) return true;
  obj.kernel.call("avgRead", (ex) => ex.avgRead(obj.buffers.x, t, obj.buffers.g));
  averageHeld.set(c, t);
  return true;
}

/** The state of a run for its checkpoint: x, the method's state, and the lazy path's (u, α) when it holds x = α u.
 *  Views into the kernel's memory where it holds f64 (the checkpoint copies each once), valid until it next allocates. */
function stateArrays(c: MethodContext, method: MethodDescriptor): Record<string, Float64Array> {
  const k = c.obj.kernel, d = c.obj.dimension;
  const out: Record<string, Float64Array> = { x: c.obj.viewX(), ...method.state(c) };
  const alpha = k.ex.lazyStateAlpha();
  if (alpha !== 0) { out.lazyU = k.f64(k.ex.lazyStatePtr(), d); out.lazyAlpha = Float64Array.of(alpha); }
  const avg = averageBuffers.get(c);
  if (avg) {
    // the lazy path averages in B mode: last holds B values, not step counts (a name of its own, so that neither
    // reading can be mistaken for the other), and B goes with them
    const B = k.ex.avgLazyB();
    out.avgSum = k.f64(avg.S, d);
    if (B >= 0) { out.avgLastB = k.f64(avg.last, d); out.avgLazyB = Float64Array.of(B); } else out.avgLast = k.f64(avg.last, d);
  }
  return out;
}

function restoreState(c: MethodContext, method: MethodDescriptor, arrays: Record<string, Float64Array>): void {
  const k = c.obj.kernel, d = c.obj.dimension;
  c.obj.writeX(arrays.x);
  if (c.spec.method !== "dsgd") method.restore(c, arrays);
  if (arrays.lazyU) { k.f64(k.ex.lazyStatePtr(), d).set(arrays.lazyU); k.ex.setLazyState(arrays.lazyAlpha[0]); }
  if (arrays.avgLazyB) k.call("avgLazyResume", (ex) => ex.avgLazyResume(arrays.avgLazyB[0], ex.lazyStatePtr()));
}

/** How far above the theory step a given step may be before the result says so (the theory step is a bound, and
 *  tuned steps are often a few times larger; an order of magnitude more usually means a mistake). */
const STEP_WARNING_FACTOR = 10;

/** stepWarnings(spec, rule): a note when a given constant step is far above the theory step. */
function stepWarnings(spec: RunSpec, rule: StepRule): string[] {
  const g = spec.stepSize;
  if (typeof g !== "number" || !(rule.theory > 0) || !Number.isFinite(rule.theory) || g <= STEP_WARNING_FACTOR * rule.theory) return [];
  return [`stepSize ${g} is ${(g / rule.theory).toPrecision(3)}× the theory step ${rule.theory.toPrecision(4)}: ` +
    `the theorems give no guarantee there, and the run may diverge or stall far from x_D* (compare the trace, or try "theory")`];
}

/** The best scored point so far, as a checkpoint carries it (or null). */
function t0Best(spec: RunSpec): { x: Float64Array; iteration: number; score: number } | null {
  const h = spec.resume?.header.best as { iteration: number; score: number; metric: string } | null | undefined;
  if (!spec.keepBest || !h || h.metric !== spec.keepBest.metric || !spec.resume!.arrays.bestX) return null;
  return { x: spec.resume!.arrays.bestX, iteration: h.iteration, score: h.score };
}

/**
 * keepBest(c, from): scores the run's point (x̄_t when averaging, else x_t) on the validation set at every record and
 * keeps the best (accuracy: highest; loss: lowest; the earlier point on a tie); a resumed run carries on from the
 * checkpoint's best when the metric is the same.
 */
function keepBest(c: MethodContext, from: { x: Float64Array; iteration: number; score: number } | null) {
  const kb = c.spec.keepBest;
  if (!kb) return null;
  const score = c.obj.validationScorer!(kb.data, kb.metric);
  const better = (a: number, b: number) => (kb.metric === "accuracy" ? a > b : a < b);
  const self = {
    state: from,
    record(t: number, x: Float64Array): number {
      const s = score(x);
      if (!Number.isFinite(s)) return s;
      if (!self.state || better(s, self.state.score)) self.state = { x, iteration: t, score: s };
      return s;
    },
  };
  return self;
}

/**
 * runMethod(objective, spec, method): the whole run. A step that would make x non-finite is not taken: the run throws a
 * {@link DivergenceError} with the last finite iterate.
 */
export async function runMethod(obj: Objective, spec: RunSpec, method: MethodDescriptor): Promise<MinimizeResult> {
  const c: MethodContext = { obj, spec, set: runSketchSet(obj, spec) };
  const rule = stepRule(c);
  configure(c, method, rule);
  const k = obj.kernel, d = obj.dimension;
  // a compact run (compact.ts) holds d' ≤ d coordinates: what leaves the run (scores, the result, the checkpoint, a
  // divergence's x) is in the problem's d
  const columns = obj.columns ?? null;
  const outer = (v: Float64Array): Float64Array => (columns ? columns.expand(v) : v);
  const evals0 = spec.resume ? (spec.resume.header.gradEvals as number) : 0;
  // passes over a d-vector made here, outside the kernels (work.densePasses adds the kernels' own)
  let hostPasses = spec.averageFrom >= 0 ? 2 : 0;   // the averaging sums S and last cleared by alloc
  const dSized = (arrays: Record<string, CheckpointArray>) => Object.values(arrays).filter((a) => a.length === d || a.length === columns?.outer).length;
  if (spec.resume) {
    restoreState(c, method, spec.resume.arrays);
    obj.setGradientEvaluations(evals0);
    hostPasses += dSized(spec.resume.arrays);
  } else { obj.writeX(spec.x0!); hostPasses++; }

  const best = keepBest(c, t0Best(spec));
  const gammas = (steps: number) => k.f64(obj.buffers.gammas, steps);
  let lastGamma = rule.gamma;
  const diverged = (t: number, gamma: number, what?: string) =>
    new DivergenceError(spec.method, t, gamma, rule.theory, outer(obj.readX()), what, rule.noTheory || undefined);
  const runner: Runner<TraceRow> = {
    maxChunk: rule.schedule ? GAMMA_BLOCK : Infinity,
    advance(t, steps) {
      if (rule.schedule) {
        const g = gammas(steps);
        for (let s = 0; s < steps; s++) g[s] = positive(`stepSize(${t + s})`, rule.schedule(t + s));
        lastGamma = g[steps - 1];
      }
      const gamma = rule.schedule ? (s: number) => gammas(s + 1)[s] : () => rule.gamma;
      averageHeld.delete(c);
      try {
        return method.advance(c, t, steps, gamma);
      } catch (e) {
        if (e instanceof NonFiniteOutput) {
          const at = e.step ?? t;
          throw diverged(at, rule.schedule ? gammas(at - t + 1)[at - t] : rule.gamma, e.message);
        }
        throw e;
      }
    },
    row(t, ms) {
      let f: number;
      try {
        const inPlace = isAveraged(c, t) && averagesInPlace(c);   // then the kernel counts its one pass for f(x̄)
        f = isAveraged(c, t) ? averageValue(c, t) : obj.valueAtX();
        if (!inPlace) hostPasses += obj.host ? 2 : 1;   // ‖x‖² of f, or a user model's copy of x and its gradient buffer
      } catch (e) {
        if (e instanceof NonFiniteOutput) throw diverged(t, lastGamma, e.message);
        throw e;
      }
      if (!Number.isFinite(f)) throw diverged(t, lastGamma, `x stayed finite but f(x_${t}) = ${f}`);
      const row: TraceRow = { iteration: t, f, gradEvals: obj.gradientEvaluations(), ms };
      if (best) { row.validation = best.record(t, outer(isAveraged(c, t) ? averageOut(c, t) : obj.readX())); hostPasses++; }
      return row;
    },
    gradientNorm: () => { averageHeld.delete(c); return method.gradientNorm(c, spec.gradientSamples); },
    diverged(t, done) {
      return diverged(t, rule.schedule ? gammas(done + 1)[done] : rule.gamma);
    },
  };
  const { t, trace, stoppedBy } = await runLoop(runner, { ...spec, onActive: obj.setActive?.bind(obj) });

  const state = stateArrays(c, method);
  const arrays: Record<string, CheckpointArray> = { ...state };
  if (columns) for (const name of COORDINATE_ARRAYS) if (state[name]) arrays[name] = columns.scattered(state[name]);
  if (spec.probabilities) arrays.probabilities = spec.probabilities;
  if (Array.isArray(spec.sketchSet)) arrays.sketchSet = concatRows(spec.sketchSet);
  if (best?.state) arrays.bestX = best.state.x;
  const resumedRule = spec.resume ? { stepRule: (spec.resume.header.settings as Record<string, unknown>).stepRule } : {};
  const checkpointDone = encodeCheckpointAsync({
    format: "mast-wasm run", dimension: columns ? columns.outer : d, fingerprint: obj.fingerprint(), t, gradEvals: obj.gradientEvaluations(),
    settings: { ...settingsOf(spec, rule.gamma), ...resumedRule }, averageFrom: spec.averageFrom,
    best: best?.state ? { iteration: best.state.iteration, score: best.state.score, metric: spec.keepBest!.metric } : null,
  }, arrays);
  const averaged = isAveraged(c, t);
  // x̄ when averaging (x_T is then read back from the checkpoint only when asked for: a d-vector fewer per call), else x_T
  const xRun = averaged ? averageOut(c, t) : obj.readX(), x = outer(xRun);
  // a compact run's x is its short vector scattered over +0: NaN can only be among the short one's entries
  const nanFree = columns !== null && xRun.every((v) => v === v);
  // the checkpoint's d-sized arrays, the result's x and its digest
  hostPasses += dSized(arrays) + 1 + 1;
  const kernelWork = obj.work();
  const work = { ...kernelWork, densePasses: (kernelWork.densePasses ?? 0) + hostPasses };
  if (!obj.host) work.rowsTouched -= evals0;
  const checkpoint = await checkpointDone;
  const result: MinimizeResult = { x, iterations: t, trace, digest: await digestF64Async(x, nanFree), stepSize: rule.gamma, stoppedBy, checkpoint, work };
  if (spec.averageFrom >= 0) {
    if (averaged) lazyProperty(result, "lastIterate", () => checkpointArray(checkpoint, "x", "lastIterate")!);
    else result.lastIterate = x;
    result.averagedFrom = averaged ? spec.averageFrom : null;
  }
  if (best?.state) result.best = { ...best.state, metric: spec.keepBest!.metric };
  const warnings = stepWarnings(spec, rule);
  if (warnings.length) result.warnings = warnings;
  if (c.set) {
    const src = spec.sketchSet!;
    result.sketchSet = { size: c.set.offsets.length - 1, balanced: !Array.isArray(src) && src.balanced, meanError: c.set.meanError };
  }
  return result;
}
