// One demo run, the same in the page's Web Worker and in Node (the tests): load the data, check the settings through
// the library, train with pauses to estimate f_D and the accuracies, then the ERM baseline (Newton) and the pruning
// boxplots. The trained x is that of one uninterrupted `mast train` run: a pause stops the run at a record point and
// the next part resumes from its checkpoint, which gives the same bits.
import { ConvergenceError, boxplotStats, newton, pruneAccuracies, sketch as sketches } from "mast-wasm";
import type { BoxplotStats, Mast, MinimizeOptions, MinimizeResult, Problem } from "mast-wasm";
import { type Checked, type Settings, cliArgs, fieldOf, numeric, shellCommand } from "./settings.js";
import { DATA_SOURCES, type DataSource, FieldError, type InputFiles, sourceById } from "./sources.js";

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

/** A finished run. */
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
  prune: { levels: PruneLevel[]; on: "test" | "train"; erm: { iterations: number; value: number; converged: boolean; accuracy: number } | null; note: string };
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
  const problem = onField("l2", () => mast.problem({ data: data.train, loss: s.loss, l2: numeric(s.l2) as number }));
  const testProblem = data.test === null ? null : onField("test", () => mast.problem({ data: data.test!, loss: s.loss, l2: problem.l2 }));
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
  const checked: Checked = { loss: s.loss, l2: problem.l2, sketch: sk, method: s.method, batch, step, iterations, seed: opts.seed! };
  const pauseEvery = recordEvery * Math.max(1, Math.round(100 / PAUSES));
  const points: PausePoint[] = [];
  const trace: ProgressRow[] = [];
  const estimate = (x: ArrayLike<number>, iteration: number, samples = FD_SAMPLES_DURING): void => {
    const fD = problem.sketchedValue(x, sk, { samples, seed: opts.seed });
    const p = { iteration, fD: fD.mean, fDerr: fD.stderr, train: accuracyOf(problem, x), test: accuracyOf(testProblem, x) };
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
      const args = cliArgs(checked, data.cli);
      info = {
        rows: data.train.rows, cols: d, dataLabel: data.label, testLabel: data.testLabel, testRows: data.test?.rows ?? 0, sketch: args[args.indexOf("--sketch") + 1],
        stepSize: opts.stepSize as number, theoryStep: constants.stepSize, iterations, command: shellCommand(args), args,
      };
      hooks.started?.(info);
      estimate(problem.shift, 0);
    }
    if (pausedAt > 0 && !stopped) { lastPause = pausedAt; estimate(result.x, pausedAt); }
  }
  if (stopped) return { status: "stopped", iterations: result.iterations, info: info! };
  const x = result.x;
  estimate(x, result.iterations, FD_SAMPLES);
  const last = points[points.length - 1];
  return {
    status: "done", digest: result.digest, iterations: result.iterations, f0: trace[0].f, f: trace[trace.length - 1].f,
    fD: { mean: last.fD, stderr: last.fDerr, samples: FD_SAMPLES }, trainAccuracy: last.train, testAccuracy: last.test,
    stepsPerSecond: minimizeMs > 0 ? result.iterations / (minimizeMs / 1000) : 0, minimizeMs, trace, points,
    prune: pruning(problem, testProblem, x), info: info!,
  };
}

/** The pruning-robustness boxplots: random K-subsets of x and of the ERM solution, accuracy on the test set (else train). */
function pruning(problem: Problem, testProblem: Problem | null, x: Float64Array): RunResult["prune"] {
  const on = testProblem !== null && testProblem.data.binary ? testProblem : problem;
  const where = on === problem ? "train" as const : "test" as const;
  if (!on.data.binary) return { levels: [], on: where, erm: null, note: "no pruning boxplot: accuracy needs labels −1/+1" };
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
  return { levels, on: where, erm, note };
}
