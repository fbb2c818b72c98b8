// One demo run, the same in the page's Web Worker and in Node (the tests): load the data, check the settings through
// the library, train with pauses to estimate f_D and the accuracies, then the ERM baseline (Newton) and the pruning
// boxplots. The trained x is that of one uninterrupted `mast train` run: a pause stops the run at a record point and
// the next part resumes from its checkpoint, which gives the same bits.
import { ConvergenceError, boxplotStats, newton, pruneAccuracies, randomMasks, sketch as sketches } from "mast-wasm";
import type { BoxplotStats, Dataset, Mast, MinimizeOptions, MinimizeResult, NetworkProblem, Problem, Sketch } from "mast-wasm";
import { type Checked, type Settings, cliArgs, fieldOf, numeric, shellCommand } from "./settings.js";
import { DATA_SOURCES, type DataSource, FieldError, type InputFiles, type LoadedData, sourceById } from "./sources.js";

/** How many parts a run is cut into: f_D and the accuracies are estimated at each pause. */
export const PAUSES = 20;
/** Sketches in the Monte Carlo estimate of f_D(x_T) (as in `mast train`'s summary), and at the pauses before. */
export const FD_SAMPLES = 200;
export const FD_SAMPLES_DURING = 50;
/** Random masks per pruning level. */
export const PRUNE_MASKS = 100;
/** Kept fractions of the coordinates in the pruning boxplot. */
export const PRUNE_LEVELS = [0.1, 0.25, 0.5, 0.75] as const;
/** Newton's Hessian is dense d × d: the ERM baseline is skipped above this d. */
export const ERM_MAX_D = 1000;
/** Networks: f_D sketches at the end and at the pauses (each is a forward pass of every training row, as in `mast train`). */
export const FD_SAMPLES_NETWORK = 10;
export const FD_SAMPLES_NETWORK_DURING = 3;
/** Networks: the rows a step may take, as `mast train` sets it (its --max-batch default: 256, or τ if larger). */
export const NETWORK_MAX_BATCH = 256;

/** A trace row as the page plots it. */
export interface ProgressRow { iteration: number; f: number; ms: number }
/** The estimates at a pause. */
export interface PausePoint { iteration: number; fD: number; fDerr: number; train: number | null; test: number | null }
/** Callbacks of a run. */
export interface RunHooks {
  /** Every record row (about 100 a run) with the steps done and steps/s so far. */
  progress?(row: ProgressRow, total: number, stepsPerSecond: number): void;
  /** At the start and at each pause. */
  pause?(p: PausePoint): void;
  /** Checked at every record row; true stops the run. */
  stop?(): boolean;
  /** After the data is loaded and the settings are checked. */
  started?(info: RunInfo): void;
}

/** What the page shows before the first step. */
export interface RunInfo { rows: number; cols: number; dataLabel: string; testLabel: string; testRows: number; sketch: string; stepSize: number; theoryStep: number; iterations: number; command: string; args: string[] }

/** One pruning level: accuracies of random K-subsets of the MAST model and of the ERM model. */
export interface PruneLevel { k: number; fraction: number; mast: BoxplotStats; erm: BoxplotStats | null }

/** A finished run (`prune.erm` is Newton's ERM solution for a linear model, the same network trained without a sketch for a network). */
export interface RunResult {
  status: "done";
  digest: string;
  iterations: number;
  f0: number;
  f: number;
  fD: { mean: number; stderr: number; samples: number };
  trainAccuracy: number | null;
  testAccuracy: number | null;
  stepsPerSecond: number;
  minimizeMs: number;
  trace: ProgressRow[];
  points: PausePoint[];
  prune: { levels: PruneLevel[]; on: "test" | "train"; erm: { iterations: number; value: number; converged: boolean; accuracy: number } | null; note: string;
    /** What a pruning level keeps: coordinates of x (linear, softmax), or hidden units of an MLP. */
    unit: "coordinates" | "units"; baseline: string };
  info: RunInfo;
}
/** A run stopped from the page. */
export interface Stopped { status: "stopped"; iterations: number; info: RunInfo }

/**
 * asFieldError(e, fallback): the library's argument errors (TypeError, RangeError, LibsvmParseError) as a FieldError on
 * the control their message names, else on `fallback` ("" is the page's general message area); other errors as they are.
 */
export function asFieldError(e: unknown, fallback: string): unknown {
  if (e instanceof FieldError) return e;
  if (e instanceof TypeError || e instanceof RangeError || e instanceof SyntaxError) return new FieldError(fieldOf(e.message) ?? fallback, e.message);
  return e;
}
function onField<T>(fallback: string, f: () => T): T {
  try { return f(); } catch (e) { throw asFieldError(e, fallback); }
}

const accuracyOf = (p: Problem | null, x: ArrayLike<number>): number | null => (p !== null && p.data.binary ? p.accuracy(x) : null);

/** runDemo(mast, settings, files, hooks, sources): the whole run (see the file comment). */
export async function runDemo(mast: Mast, s: Settings, files: InputFiles, hooks: RunHooks = {}, sources: readonly DataSource[] = DATA_SOURCES): Promise<RunResult | Stopped> {
  const source = sourceById(s.source, sources);
  if (!source.models.includes(s.loss)) throw new FieldError("loss", `${source.label} trains ${source.models.join(" or ")}, not ${s.loss}`);
  const data = await source.load(mast, files);
  if (s.loss === "softmax" || s.loss === "mlp") return runNetwork(mast, s, data, hooks);
  const loss = s.loss;
  const problem = onField("l2", () => mast.problem({ data: data.train, loss, l2: numeric(s.l2) as number }));
  const testProblem = data.test === null ? null : onField("test", () => mast.problem({ data: data.test!, loss, l2: problem.l2 }));
  const d = problem.dimension;
  const param = s.sketchParam.trim() === "" && s.sketch === "randk" ? String(Math.max(1, Math.round(d / 2))) : s.sketchParam.trim();
  const sk = onField("sketchParam", () => sketches.parse(s.sketch === "identity" ? "identity" : `${s.sketch}:${param}`));
  onField("sketchParam", () => problem.constants(sk));
  const batch = s.batch.trim() === "full" ? "full" as const : numeric(s.batch) as number;
  const vr = s.method === "lsvrg" || s.method === "svrg" ? { sketchSet: { size: 100, seed: 0 } } : {};
  const constants = onField("batch", () => problem.constants(sk, { batch, method: s.method, ...vr }));
  const stepRaw = s.step.trim();
  const step = stepRaw === "theory" || stepRaw === "" ? "theory" as const : numeric(stepRaw) as number;
  const iterations = numeric(s.iterations) as number;
  const recordEvery = Number.isSafeInteger(iterations) && iterations > 0 ? Math.ceil(iterations / 100) : 1;
  const opts: MinimizeOptions = {
    method: s.method, sketch: sk, stepSize: step === "theory" ? constants.stepSize : step, iterations, batch, seed: numeric(s.seed) as number,
    recordEvery, ...vr,
  };
  const checked: Checked = { loss: s.loss, hidden: null, l2: problem.l2, sketch: sk, method: s.method, batch, step, iterations, seed: opts.seed! };
  const run = await pausedRun(problem, opts, iterations, recordEvery, hooks, {
    estimate: (x, samples) => problem.sketchedValue(x, sk, { samples, seed: opts.seed }),
    train: (x) => accuracyOf(problem, x), test: (x) => accuracyOf(testProblem, x),
    during: FD_SAMPLES_DURING, end: FD_SAMPLES,
    started: () => {
      const args = cliArgs(checked, data.cli);
      return {
        rows: data.train.rows, cols: d, dataLabel: data.label, testLabel: data.testLabel, testRows: data.test?.rows ?? 0, sketch: args[args.indexOf("--sketch") + 1],
        stepSize: opts.stepSize as number, theoryStep: constants.stepSize, iterations, command: shellCommand(args), args,
      };
    },
  });
  if (run.status === "stopped") return run;
  const { result, trace, points, minimizeMs, info } = run;
  const x = result.x;
  const last = points[points.length - 1];
  return {
    status: "done", digest: result.digest, iterations: result.iterations, f0: trace[0].f, f: trace[trace.length - 1].f,
    fD: { mean: last.fD, stderr: last.fDerr, samples: FD_SAMPLES }, trainAccuracy: last.train, testAccuracy: last.test,
    stepsPerSecond: minimizeMs > 0 ? result.iterations / (minimizeMs / 1000) : 0, minimizeMs, trace, points,
    prune: pruning(problem, testProblem, x), info,
  };
}

/** How a run estimates f_D and the accuracies at its pauses, and what it reports once its options are accepted. */
interface Estimates {
  estimate(x: ArrayLike<number>, samples: number): { mean: number; stderr: number };
  train(x: ArrayLike<number>): number | null;
  test(x: ArrayLike<number>): number | null;
  /** Sketches of the f_D estimate at the pauses, and at the end. */
  during: number;
  end: number;
  started(): RunInfo;
}

/** The problem side a paused run needs (a data problem or a network). */
interface Trainable { readonly shift: Float64Array; minimize(o: MinimizeOptions): Promise<MinimizeResult> }

/**
 * pausedRun: minimize in parts, stopping at record points to estimate f_D and the accuracies and resuming from the
 * checkpoint, which gives the bits of one uninterrupted run; the page's stop ends it at the next record.
 */
async function pausedRun(problem: Trainable, opts: MinimizeOptions, iterations: number, recordEvery: number, hooks: RunHooks, est: Estimates): Promise<
  { status: "done"; result: MinimizeResult; trace: ProgressRow[]; points: PausePoint[]; minimizeMs: number; info: RunInfo } | Stopped> {
  const pauseEvery = recordEvery * Math.max(1, Math.round(100 / PAUSES));
  const points: PausePoint[] = [];
  const trace: ProgressRow[] = [];
  const estimate = (x: ArrayLike<number>, iteration: number, samples = est.during): void => {
    const fD = est.estimate(x, samples);
    const p = { iteration, fD: fD.mean, fDerr: fD.stderr, train: est.train(x), test: est.test(x) };
    points.push(p);
    hooks.pause?.(p);
  };

  let info: RunInfo | null = null;
  let result: MinimizeResult | null = null;
  let minimizeMs = 0, lastPause = 0, stopped = false;
  while (result === null || (result.stoppedBy === "callback" && !stopped)) {
    const t0 = performance.now();
    let pausedAt = -1;
    const onProgress = (row: { iteration: number; f: number; ms: number }): boolean => {
      if (trace.length === 0 || row.iteration > trace[trace.length - 1].iteration) {
        trace.push({ iteration: row.iteration, f: row.f, ms: minimizeMs + row.ms });
        const elapsed = minimizeMs + row.ms;
        hooks.progress?.(trace[trace.length - 1], iterations, elapsed > 0 ? (row.iteration / elapsed) * 1000 : 0);
      }
      if (hooks.stop?.()) { stopped = true; return false; }
      if (row.iteration > lastPause && row.iteration < iterations && row.iteration % pauseEvery === 0) { pausedAt = row.iteration; return false; }
      return true;
    };
    const first = result === null;
    if (first) {
      // the library checks every option here, before the first step
      result = await problem.minimize({ ...opts, onProgress }).catch((e: unknown) => { throw asFieldError(e, ""); });
    } else {
      result = await problem.minimize({ ...opts, resumeFrom: result!.checkpoint, onProgress });
    }
    minimizeMs += performance.now() - t0;
    if (first) {
      info = est.started();
      hooks.started?.(info);
      estimate(problem.shift, 0);
    }
    if (pausedAt > 0 && !stopped) { lastPause = pausedAt; estimate(result.x, pausedAt); }
  }
  if (stopped) return { status: "stopped", iterations: result.iterations, info: info! };
  estimate(result.x, result.iterations, est.end);
  return { status: "done", result, trace, points, minimizeMs, info: info! };
}

/** The hidden widths of an MLP ("64,32"), checked; [] for softmax regression. */
function hiddenOf(s: Settings): number[] {
  if (s.loss !== "mlp") return [];
  const parts = s.hidden.split(",").map((p) => p.trim());
  if (parts.length === 0 || parts.some((p) => !/^\d+$/.test(p) || Number(p) < 1)) {
    throw new FieldError("hidden", `hidden must be widths ≥ 1 separated by commas, such as "32" or "64,32", got ${JSON.stringify(s.hidden)}`);
  }
  return parts.map(Number);
}

/**
 * runNetwork: the same run for a network (`mast.network`, relu, as `mast train --model softmax | mlp:…`). The pruning
 * view keeps a random fraction q of every hidden layer's units of an MLP, scaled by 1/q as the unit sketches scale them
 * in training (softmax regression: q of the parameters); the baseline is the same network trained without a sketch
 * (the identity), same steps and seed.
 */
async function runNetwork(mast: Mast, s: Settings, data: LoadedData, hooks: RunHooks): Promise<RunResult | Stopped> {
  const hidden = hiddenOf(s);
  const batch = s.batch.trim() === "full" ? "full" as const : numeric(s.batch) as number;
  if (batch === "full") throw new FieldError("batch", `batch must be an integer ≥ 1 for a network (a full batch runs every row through it at every step), got "full"`);
  const maxBatch = typeof batch === "number" && Number.isSafeInteger(batch) ? Math.max(NETWORK_MAX_BATCH, batch) : NETWORK_MAX_BATCH;
  const net = onField("l2", () => mast.network({ data: data.train, hidden, activation: "relu", l2: numeric(s.l2) as number, maxBatch }));
  if (data.test !== null) {
    const known = new Set(net.classValues);
    const bad = Array.from(data.test.labels).find((y) => !known.has(y));
    if (bad !== undefined) throw new FieldError("test", `the test rows have label ${bad}, which is not a class of the training rows`);
  }
  const d = net.dimension;
  const units = s.over === "units";
  if (units && hidden.length === 0) throw new FieldError("over", "softmax regression has no hidden units to sketch: choose the parameters, or an MLP");
  const narrowest = hidden.length ? Math.min(...hidden) : d;
  const param = s.sketchParam.trim() === "" && s.sketch === "randk" ? String(Math.max(1, Math.round((units ? narrowest : d) / 2))) : s.sketchParam.trim();
  const sk: Sketch = onField("sketchParam", () => sketches.parse(s.sketch === "identity" ? "identity" : `${s.sketch}:${param}${units ? ":units" : ""}`));
  onField("sketchParam", () => net.constants(sk));
  const vr = s.method === "lsvrg" || s.method === "svrg" ? { sketchSet: { size: 100, seed: 0 } } : {};
  const constants = onField("batch", () => net.constants(sk, { batch, method: s.method, ...vr }));
  const stepRaw = s.step.trim();
  const step = stepRaw === "theory" || stepRaw === "" ? "theory" as const : numeric(stepRaw) as number;
  if (step === "theory" && !(constants.stepSize > 0 && Number.isFinite(constants.stepSize))) {
    throw new FieldError("step", "no theory step size is known for a network with hidden layers (its loss is non-convex): give a step γ, such as 0.1");
  }
  const iterations = numeric(s.iterations) as number;
  const recordEvery = Number.isSafeInteger(iterations) && iterations > 0 ? Math.ceil(iterations / 100) : 1;
  const opts: MinimizeOptions = {
    method: s.method, sketch: sk, stepSize: step === "theory" ? constants.stepSize : step, iterations, batch, seed: numeric(s.seed) as number, recordEvery, ...vr,
  };
  const checked: Checked = { loss: s.loss, hidden, l2: net.l2, sketch: sk, method: s.method, batch, step, iterations, seed: opts.seed! };
  const accuracy = (x: ArrayLike<number>, on: Dataset | null): number | null => (on === null ? null : on === data.train ? net.accuracy(x) : net.accuracy(x, on));
  const run = await pausedRun(net, opts, iterations, recordEvery, hooks, {
    estimate: (x, samples) => net.sketchedValue(x, sk, { samples, seed: opts.seed }),
    train: (x) => accuracy(x, data.train), test: (x) => accuracy(x, data.test),
    during: FD_SAMPLES_NETWORK_DURING, end: FD_SAMPLES_NETWORK,
    started: () => {
      const args = cliArgs(checked, data.cli);
      return {
        rows: data.train.rows, cols: data.train.cols, dataLabel: data.label, testLabel: data.testLabel, testRows: data.test?.rows ?? 0,
        sketch: args[args.indexOf("--sketch") + 1], stepSize: opts.stepSize as number, theoryStep: constants.stepSize, iterations, command: shellCommand(args), args,
      };
    },
  });
  if (run.status === "stopped") return run;
  const { result, trace, points, minimizeMs, info } = run;
  // the baseline: the same network, steps and seed without a sketch (ERM with this optimiser)
  const dense = await net.minimize({ ...opts, sketch: sketches.identity(), sketchSet: undefined, recordEvery: iterations > 0 ? iterations : 1 });
  const on = data.test ?? data.train, where = data.test ? "test" as const : "train" as const;
  const score = (y: Float64Array): number => accuracy(y, on)!;
  const levels = PRUNE_LEVELS.map((q) => {
    const keepOf = hidden.length ? hidden.map((n) => Math.max(1, Math.round(q * n))) : [Math.max(1, Math.round(q * d))];
    // an MLP: random hidden units (unitMasks, the same draws for both models); softmax: the library's random K-subsets
    const masks = hidden.length ? unitMasks(net, keepOf) : null;
    const prune = (x: Float64Array) => boxplotStats(masks !== null
      ? masks.map((m) => score(keepUnits(net, x, m)))
      : pruneAccuracies({ dimension: d, accuracy: (y) => score(Float64Array.from(y)) }, x, keepOf[0], { masks: PRUNE_MASKS, seed: 0 }));
    const kept = keepOf.reduce((a, b) => a + b, 0), of = hidden.length ? hidden.reduce((a, b) => a + b, 0) : d;
    return { k: kept, fraction: kept / of, mast: prune(result.x), erm: prune(dense.x) };
  });
  const last = points[points.length - 1];
  return {
    status: "done", digest: result.digest, iterations: result.iterations, f0: trace[0].f, f: trace[trace.length - 1].f,
    fD: { mean: last.fD, stderr: last.fDerr, samples: FD_SAMPLES_NETWORK }, trainAccuracy: last.train, testAccuracy: last.test,
    stepsPerSecond: minimizeMs > 0 ? result.iterations / (minimizeMs / 1000) : 0, minimizeMs, trace, points,
    prune: {
      levels, on: where, unit: hidden.length ? "units" : "coordinates", baseline: "the same network trained without a sketch",
      erm: { iterations: dense.iterations, value: dense.trace[dense.trace.length - 1]?.f ?? net.value(dense.x), converged: true, accuracy: score(dense.x) },
      note: hidden.length
        ? `Pruning keeps a random fraction q of every hidden layer's units (the same ${PRUNE_MASKS} draws for both models), scaled by 1/q as the unit sketches scale kept units in training; the baseline is the same network trained without a sketch (same steps and seed).`
        : `Pruning keeps a random fraction q of the parameters (${PRUNE_MASKS} draws, the same for both models); the baseline is the same model trained without a sketch.`,
    },
    info,
  };
}

/** PRUNE_MASKS random unit subsets: for each draw, the kept units of every hidden layer (seed 0, one stream a layer). */
function unitMasks(net: NetworkProblem, keep: number[]): Int32Array[][] {
  const layers = net.parameterLayout().slice(0, -1);
  const perLayer = layers.map((l, i) => randomMasks(l.rows, keep[i], { seed: i, count: PRUNE_MASKS }));
  return Array.from({ length: PRUNE_MASKS }, (_, r) => perLayer.map((m) => m[r]));
}

/** x with only the kept hidden units of each layer (their weights and bias scaled by n_l/K_l); the output layer whole. */
function keepUnits(net: NetworkProblem, x: Float64Array, kept: Int32Array[]): Float64Array {
  const y = Float64Array.from(x);
  net.parameterLayout().slice(0, -1).forEach((l, i) => {
    const keep = new Uint8Array(l.rows);
    for (const j of kept[i]) keep[j] = 1;
    const scale = l.rows / kept[i].length;
    for (let j = 0; j < l.rows; j++) {
      const sc = keep[j] ? scale : 0;
      for (let c = 0; c < l.cols; c++) y[l.weights + j * l.cols + c] *= sc;
      y[l.biases + j] *= sc;
    }
  });
  return y;
}

/** The pruning-robustness boxplots: random K-subsets of x and of the ERM solution, accuracy on the test set (else train). */
function pruning(problem: Problem, testProblem: Problem | null, x: Float64Array): RunResult["prune"] {
  const on = testProblem !== null && testProblem.data.binary ? testProblem : problem;
  const where = on === problem ? "train" as const : "test" as const;
  if (!on.data.binary) return { levels: [], on: where, erm: null, note: "no pruning boxplot: accuracy needs labels −1/+1", unit: "coordinates", baseline: "Newton's ERM solution" };
  const d = problem.dimension;
  let erm: RunResult["prune"]["erm"] = null, xs: Float64Array | null = null, note = "";
  if (d <= ERM_MAX_D) {
    try {
      const r = newton(problem, { maxIterations: 50 });
      xs = r.x;
      erm = { iterations: r.iterations, value: r.value, converged: r.converged, accuracy: on.accuracy(r.x) };
    } catch (e) {
      if (!(e instanceof ConvergenceError)) throw e;
      xs = e.x;
      erm = { iterations: e.iterations, value: problem.value(e.x), converged: false, accuracy: on.accuracy(e.x) };
    }
  } else note = `no ERM baseline: Newton forms a dense ${d} × ${d} Hessian (the demo stops at d = ${ERM_MAX_D})`;
  const levels = [...new Set(PRUNE_LEVELS.map((f) => Math.max(1, Math.round(f * d))))].map((k) => ({
    k, fraction: k / d,
    mast: boxplotStats(pruneAccuracies(on, x, k, { masks: PRUNE_MASKS, seed: 0 })),
    erm: xs === null ? null : boxplotStats(pruneAccuracies(on, xs, k, { masks: PRUNE_MASKS, seed: 0 })),
  }));
  return { levels, on: where, erm, note, unit: "coordinates", baseline: "Newton's ERM solution" };
}
