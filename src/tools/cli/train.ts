/**
 * `mast train`: load the data (a LibSVM file, IDX images or the built-in synthetic set), then for the linear model set
 * up the problem, the sketch and the theory constants, print a header, run the method with a progress bar, and print
 * (and optionally write as JSON) a summary ending with the digest of the result. Networks take the same steps in
 * network.ts.
 * @module
 */
import { init, distributedConstants, newton } from "../../index.js";
import type { Constants, Dataset, DistributedConstants, DistributedResult, Loss, Mast, MinimizeResult, Problem, Sketch, TraceRow } from "../../index.js";
import { CliDivergence, UsageError, cliName, flagMessage, isArgumentError, show } from "./errors.js";
import { DEFAULT_EPOCHS, DEFAULT_FULL_BATCH_ITERATIONS, DEFAULT_NODES, DEFAULT_SYNTHETIC } from "./defaults.js";
import { type TrainFlags, epochSteps, methodOptions, parseSketch, placement } from "./flags.js";
import { checkWritable, readInput, writeBytes, writeJson } from "./files.js";
import { ProgressBar, dataSummary, duration, grouped, num, pct, sketchDescription, sketchSpec } from "./format.js";
import { type Inputs, loadInputs } from "./inputs.js";
import { trainNetwork } from "./network.js";

function makeProblem(mast: Mast, data: Dataset, loss: Loss, l2: number, fitIntercept: boolean, what: string): Problem {
  try {
    return mast.problem({ data, loss, l2, fitIntercept });
  } catch (e) {
    if (!isArgumentError(e)) throw e;
    const hint = loss === "logistic" && !data.binary ? " (use --loss squared for real-valued labels)" : "";
    throw new UsageError(`${what}: ${e.message}${hint}`);
  }
}

function finiteOrNull(x: number): number | null { return Number.isFinite(x) ? x : null; }

/** Everything a run is set up with, after the data-dependent defaults are filled in. */
interface Plan {
  problem: Problem;
  testProblem: Problem | null;
  distributed: boolean;
  nodes: number;
  sk: Sketch;
  constants: Constants;
  dc: DistributedConstants | null;
  iterations: number;
  recordEvery: number;
  theoryStep: number;
  gamma: number;
  epochs: number;
  /** The node processes' URLs (distributed over endpoints), else empty. */
  endpoints: string[];
}

function planRun(mast: Mast, flags: TrainFlags, inputs: Inputs): Plan {
  const { data, test } = inputs;
  const d = data.cols, n = data.rows;
  const problem = makeProblem(mast, data, flags.loss, flags.l2, flags.intercept, flags.data ?? "data");
  const testProblem = test === null ? null : makeProblem(mast, test, flags.loss, flags.l2, flags.intercept, flags.test ?? "the test rows");
  const distributed = flags.method === "distributed";
  const nodes = flags.nodes ?? DEFAULT_NODES;
  if (distributed && nodes > n) throw new UsageError(`--nodes must be in 1..${n} (the rows of the data), got ${nodes}`);
  if (distributed && flags.sketch === null && nodes > d) {
    throw new UsageError(`--nodes must be at most ${d} (the features) with the default --sketch permutation:M; give another --sketch for more nodes, got ${nodes}`);
  }
  const sketchRaw = flags.sketch ?? (distributed ? `permutation:${nodes}` : `randk:${Math.max(1, Math.round(d / 2))}`);
  const sk = parseSketch(sketchRaw, d, flags.model);
  try {
    problem.constants(sk); // checks the sketch against d
  } catch (e) {
    if (isArgumentError(e)) throw new UsageError(flagMessage("sketch", "sketch", sketchRaw, e, d));
    throw e;
  }
  let constants: Constants;
  try {
    constants = problem.constants(sk, { batch: flags.batch, ...methodOptions(flags) });
  } catch (e) {
    if (isArgumentError(e)) {
      if (/^(batch)/.test(e.message)) throw new UsageError(flagMessage("batch", "batch", String(flags.batch), e, n));
      throw new UsageError(cliName(e.message));
    }
    throw e;
  }
  const iterations = flags.iterations
    ?? (flags.epochs !== null ? epochSteps(flags.epochs, n, flags.batch)
      : flags.batch === "full" ? DEFAULT_FULL_BATCH_ITERATIONS : Math.ceil((DEFAULT_EPOCHS * n) / flags.batch));
  const recordEvery = flags.recordEvery ?? Math.max(1, Math.ceil(iterations / 100));
  let dc: DistributedConstants | null = null;
  if (distributed) {
    try {
      dc = distributedConstants(problem, { nodes, sketch: sk, iterations });
    } catch (e) {
      if (!isArgumentError(e)) throw e;
      if (e.message.startsWith("nodes ")) throw new UsageError(`--${e.message}`);
      throw new UsageError(`--sketch ${show(sketchRaw)}: ${e.message.replace(/^sketch: /, "")}`);
    }
  }
  const theoryStep = dc ? dc.stepSize : constants.stepSize;
  // switching: γ_t = 1/(2ℒ) until t* = ⌈4ℒ/μ⌉, then (2t + 1)/((t + 1)²μ) (Gower et al. 2019; docs/methods.md)
  const gamma = flags.step === "theory" ? theoryStep : flags.step === "switching" ? NaN : flags.step;
  const epochs = flags.batch === "full" ? iterations : (iterations * flags.batch) / n;
  return { problem, testProblem, distributed, nodes, sk, constants, dc, iterations, recordEvery, theoryStep, gamma, epochs, endpoints: flags.endpoints ?? [] };
}

function header(flags: TrainFlags, version: string, inputs: Inputs, p: Plan): string[] {
  const { data, test } = inputs;
  const { constants, dc, sk, nodes, distributed } = p;
  const d = data.cols;
  const methodName = {
    dsgd: "Double Sketched SGD", lsvrg: "L-SVRG (loopless SVRG on a finite sketch set)", svrg: "SVRG on a finite sketch set",
    distributed: `distributed DSGD over ${nodes} nodes (section 4.3${sk.kind === "permutation" ? ", IST" : ""})`,
  }[flags.method];
  const out: string[] = [];
  out.push(`mast train ${version}: ${methodName} on f_D(x) = ${distributed ? "(1/M) Σ_i E f_i(v + S_i(x − v))" : "E_S f(v + S(x − v))"}, v = 0`);
  out.push(`data       ${inputs.dataLabel}`);
  out.push(`           ${dataSummary(inputs.whole)}`);
  if (inputs.splitLabel !== null) out.push(`split      ${inputs.splitLabel}`);
  else if (test !== null) out.push(`test       ${inputs.testLabel ?? flags.test}: ${dataSummary(test)}`);
  out.push(`problem    ${flags.loss} loss, λ = ${num(flags.l2)}${flags.intercept ? ", with an unpenalised intercept (x's last entry, kept by every sketch)" : ""}`);
  out.push(`sketch     ${sketchSpec(sk)}: ${sketchDescription(sk, d)}`);
  out.push(`constants  L = ${num(constants.L)}, μ = ${num(constants.mu)}, L_D = ${num(constants.LD)}, ` +
    `L_S^max = ${num(constants.LSmax)}, L_exp = ${num(constants.Lexp)}`);
  if (dc) {
    const lo = Math.min(...dc.rows), hi = Math.max(...dc.rows);
    const threads = Math.min(flags.workers, nodes);
    const where = flags.endpoints !== null ? `on ${flags.endpoints.length} node process${flags.endpoints.length > 1 ? "es" : ""} (${flags.endpoints.join(", ")})`
      : threads === 0 ? "all in the main thread" : `on ${threads} worker thread${threads > 1 ? "s" : ""}`;
    out.push(`nodes      M = ${nodes}: contiguous shards of ${lo === hi ? lo : `${lo}–${hi}`} rows, ${where}`);
    out.push(`           per node L_{f_i} in [${num(Math.min(...dc.L))}, ${num(Math.max(...dc.L))}], L_{D_i} = ${num(Math.max(...dc.LD))}, ` +
      `L_{S_i}^max = ${num(Math.max(...dc.LSmax))}; D_max = max L_{f_i}²·L_{D_i}·L_{S_i}^max = ${num(dc.Dmax)}`);
    out.push(`           theory γ = 1/√(D_max·T) = ${num(dc.stepSize)} (convex-case step 1/(max L_{f_i}·L_{S_i}^max) = ${num(dc.convexStepSize)})`);
    out.push(`           bound: min_t E‖∇f_D(x_t)‖² ≤ ${num(dc.startCoefficient)}·(f_D(x_0) − f_D^inf) + ${num(dc.errorTerm.coefficient)}·(f_D^inf − (1/M) Σ_i f_i^inf)`);
  } else {
    out.push(`           theory γ = 1/(${flags.method === "dsgd" ? "" : "6·"}L_exp·L_S^max) = ${num(constants.stepSize)} (batch ${flags.batch}${flags.sampling ? `, ${flags.sampling} sampling` : ""})`);
  }
  const stepText = flags.step === "switching" ? "γ_t switching (a constant 1/(2ℒ), then O(1/t); ℒ = L_exp·L_S^max)"
    : `γ = ${num(p.gamma)} (${flags.step === "theory" ? "theory" : `${num(p.gamma / p.theoryStep, 4)} × theory`})`;
  const avg = flags.average === null ? "" : `, average ${typeof flags.average === "object" ? `from ${flags.average.from}` : flags.average === false ? "none" : flags.average}`;
  out.push(`run        ${stepText}${avg}, ` +
    `${grouped(p.iterations)} ${distributed ? "rounds" : "steps"} (${flags.batch === "full" ? "full batch" : `${num(p.epochs, 4)} epochs, batch ${flags.batch}`}), ` +
    `seed ${flags.seed}, record every ${p.recordEvery}`);
  return out;
}

/** Set by Ctrl-C: the run stops at its next record point (at most --record-every steps later). */
const interrupt = { requested: false };

async function runTraining(flags: TrainFlags, p: Plan, bar: ProgressBar | null, resumeFrom: Uint8Array | null): Promise<MinimizeResult> {
  const onProgress = (row: TraceRow): boolean => {
    bar?.update(row, row.iteration === 0 || row.iteration === p.iterations);
    return !interrupt.requested;
  };
  const resume = resumeFrom !== null ? { resumeFrom } : {};
  try {
    if (p.distributed) {
      const where = placement(flags);
      return await p.problem.minimize({
        method: "distributed", nodes: p.nodes, ...where, sketch: p.sk, stepSize: p.gamma, iterations: p.iterations,
        seed: flags.seed, recordEvery: p.recordEvery, onProgress, ...resume,
      });
    }
    return await p.problem.minimize({
      method: flags.method as "dsgd" | "lsvrg" | "svrg", sketch: p.sk, stepSize: flags.step === "switching" ? "switching" : p.gamma,
      iterations: p.iterations, batch: flags.batch, seed: flags.seed, recordEvery: p.recordEvery, ...methodOptions(flags),
      ...(flags.average !== null ? { average: flags.average } : {}),
      ...(flags.tolerance !== null ? { tolerance: flags.tolerance } : {}),
      ...(flags.timeLimit !== null ? { timeLimitMs: flags.timeLimit } : {}),
      onProgress, ...resume,
    });
  } catch (e) {
    // a checkpoint of other settings, or not a checkpoint at all: a bad --resume file
    if (resumeFrom !== null && isArgumentError(e) && /resumeFrom|checkpoint|differs from the checkpoint/.test(e.message)) {
      throw new UsageError(`--resume ${flags.resume}: ${cliName(e.message)}`);
    }
    throw e;
  } finally {
    bar?.clear();
  }
}

/** What the summary reports. */
interface Outcome {
  result: MinimizeResult;
  f0: number;
  fT: number;
  fD: { mean: number; stderr: number; samples: number };
  trainAccuracy: number | null;
  testF: number | null;
  testAccuracy: number | null;
  minimizeMs: number;
  /** The steps' own time: from the first record to the last (set-up, the result's digest and checkpoint apart). */
  runMs: number;
  stepsPerSecond: number;
  /** The ERM optimum of f (Newton), or why it was not computed. */
  reference: Reference;
}

/** The ERM reference point: Newton's minimiser of f on the training rows (the model without any sketch). */
type Reference =
  | { fStar: number; trainAccuracy: number | null; testAccuracy: number | null; steps: number; ms: number }
  | { skipped: string };

/** Newton forms the d × d Hessian: affordable up to here (a few MB and a few d³ flops a step). */
const NEWTON_MAX_D = 2000;

function erm(flags: TrainFlags, p: Plan): Reference {
  const d = p.problem.dimension;
  if (d > NEWTON_MAX_D) return { skipped: `d = ${grouped(d)} > ${grouped(NEWTON_MAX_D)} (Newton forms the d × d Hessian)` };
  const t0 = performance.now();
  try {
    const r = newton(p.problem);
    if (!r.converged) return { skipped: `Newton did not converge (‖∇f‖ = ${num(r.gradientNorm)} after ${r.iterations} steps)` };
    const logistic = flags.loss === "logistic";
    return {
      fStar: r.value, steps: r.iterations, ms: performance.now() - t0,
      trainAccuracy: logistic ? p.problem.accuracy(r.x) : null,
      testAccuracy: logistic && p.testProblem !== null ? p.testProblem.accuracy(r.x) : null,
    };
  } catch (e) {
    return { skipped: `Newton failed: ${e instanceof Error ? e.message : String(e)}` };
  }
}

function outcome(flags: TrainFlags, p: Plan, result: MinimizeResult, minimizeMs: number): Outcome {
  const fT = result.trace.length > 0 ? result.trace[result.trace.length - 1].f : p.problem.value(result.x);
  const f0 = result.trace.length > 0 ? result.trace[0].f : NaN;
  if (!Number.isFinite(fT)) {
    throw new CliDivergence(`${flags.method} diverged: x stayed finite but f(x_T) = ${fT} with step size ${num(p.gamma)}; ` +
      `try --step ≤ ${num(p.theoryStep)} (the theory step size, --step theory)`);
  }
  const fD = p.problem.sketchedValue(result.x, p.sk, { samples: flags.samples, seed: flags.seed });
  const trainAccuracy = flags.loss === "logistic" ? p.problem.accuracy(result.x) : null;
  const testF = p.testProblem === null ? null : p.testProblem.value(result.x);
  const testAccuracy = p.testProblem !== null && flags.loss === "logistic" ? p.testProblem.accuracy(result.x) : null;
  // the steps' own rate: from x_0's record to x_T's, so that set-up (the data's fingerprint, constants) is not counted
  const tr = result.trace;
  const steps = tr.length > 1 ? tr[tr.length - 1].iteration - tr[0].iteration : result.iterations;
  const runMs = tr.length > 1 ? tr[tr.length - 1].ms - tr[0].ms : minimizeMs;
  const stepsPerSecond = runMs > 0 ? steps / (runMs / 1000) : 0;
  return { result, f0, fT, fD, trainAccuracy, testF, testAccuracy, minimizeMs, runMs, stepsPerSecond, reference: erm(flags, p) };
}

function summary(p: Plan, o: Outcome, totalMs: number): string[] {
  const { result } = o;
  const lines: string[] = [];
  lines.push(`f(x_T)          ${num(o.fT, 8)}   (f(x_0) = ${num(o.f0, 8)})`);
  lines.push(`f_D(x_T)        ${num(o.fD.mean, 8)} ± ${num(o.fD.stderr, 3)}   (Monte Carlo, ${o.fD.samples} sketches)`);
  if (o.trainAccuracy !== null) lines.push(`train accuracy  ${pct(o.trainAccuracy)}`);
  if (o.testF !== null) {
    lines.push(o.testAccuracy !== null ? `test accuracy   ${pct(o.testAccuracy)}   (test f = ${num(o.testF, 8)})` : `test f          ${num(o.testF, 8)}`);
  }
  const ref = o.reference;
  if ("skipped" in ref) lines.push(`ERM reference   skipped: ${ref.skipped}`);
  else {
    const acc = ref.trainAccuracy === null ? "" : `, train accuracy ${pct(ref.trainAccuracy)}${ref.testAccuracy === null ? "" : `, test accuracy ${pct(ref.testAccuracy)}`}`;
    lines.push(`ERM reference   f* = ${num(ref.fStar, 8)}${acc}   (Newton's minimiser of f, ${ref.steps} steps)`);
    lines.push(`f(x_T) − f*     ${num(o.fT - ref.fStar, 4)}`);
  }
  lines.push(p.sk.kind === "identity" && !p.distributed
    ? `note            with the identity sketch f_D = f: the run minimises f itself`
    : `note            MAST minimises f_D, f averaged over random sketches of the model: x_T is made to do well when ` +
      `coordinates are dropped, so f(x_T) stays above f* by design; with S = I it minimises f itself`);
  for (const w of result.warnings ?? []) lines.push(`warning         ${w}`);
  if (result.stoppedBy !== "iterations") lines.push(`stopped by      ${result.stoppedBy} at step ${grouped(result.iterations)}`);
  const comm = p.distributed ? (result as DistributedResult).communication : null;
  if (comm) {
    const ofDense = (x: number): string => (comm.totals.dense > 0 ? pct(x / comm.totals.dense) : "–");
    lines.push(`bytes sent      down ${grouped(comm.totals.down)} (${ofDense(comm.totals.down)} of dense), up ${grouped(comm.totals.up)} (${ofDense(comm.totals.up)} of dense); ` +
      `dense = ${grouped(comm.densePerRound)} a round each way`);
    const dr = result as DistributedResult;
    const np = new Set(p.endpoints).size;
    const where = dr.threads === "endpoints" ? `${np} node process${np > 1 ? "es" : ""}` : dr.workers === 0 ? "main thread" : `${dr.workers} worker threads`;
    lines.push(`rounds/s        ${grouped(o.stepsPerSecond)}   (the rounds alone: ${duration(o.runMs)}, ${where}; minimize() took ${duration(o.minimizeMs)} with set-up)`);
    if (comm.wire) {
      lines.push(`HTTP bodies     rounds ${grouped(comm.wire.down)} down, ${grouped(comm.wire.up)} up; shards ${grouped(comm.wire.shard)} (once); ` +
        `other ${grouped(comm.wire.other)}; ${grouped(comm.wire.requests)} requests`);
    }
  } else {
    lines.push(`steps/s         ${grouped(o.stepsPerSecond)}   (the steps alone: ${duration(o.runMs)}; minimize() took ${duration(o.minimizeMs)} with set-up` +
      `${"skipped" in ref ? "" : `, Newton ${duration(ref.ms)}`})`);
  }
  lines.push(`elapsed         ${duration(totalMs)} total`);
  lines.push(`digest          ${result.digest}`);
  return lines;
}

function writeReport(flags: TrainFlags, version: string, inputs: Inputs, p: Plan, o: Outcome, totalMs: number): void {
  const { data } = inputs;
  const { result } = o;
  const comm = p.distributed ? (result as DistributedResult).communication : null;
  const report = {
    mast: version,
    command: "train",
    settings: {
      data: flags.data ?? { synthetic: { ...DEFAULT_SYNTHETIC } },
      test: flags.test,
      ...(flags.split !== null ? { split: flags.split, testRows: inputs.test!.rows } : {}),
      features: data.cols,
      rows: data.rows,
      nnz: data.nnz,
      loss: flags.loss,
      l2: flags.l2,
      sketch: sketchSpec(p.sk),
      sketchSpec: p.sk,
      method: flags.method,
      ...(p.distributed ? { nodes: p.nodes, ...(flags.endpoints ? { endpoints: flags.endpoints } : { workers: flags.workers }) } : {}),
      iterations: p.iterations,
      ...(flags.epochs !== null ? { epochs: flags.epochs } : {}),
      batch: flags.batch,
      step: flags.step,
      stepSize: finiteOrNull(p.gamma),
      ...(flags.average !== null ? { average: flags.average } : {}),
      intercept: flags.intercept,
      ...(flags.resume !== null ? { resume: flags.resume } : {}),
      seed: flags.seed,
      recordEvery: p.recordEvery,
      samples: flags.samples,
      build: p.problem.build,
    },
    constants: p.dc ? { ...p.constants, distributed: p.dc } : { ...p.constants },
    summary: {
      f0: finiteOrNull(o.f0),
      f: finiteOrNull(o.fT),
      fD: { mean: finiteOrNull(o.fD.mean), stderr: finiteOrNull(o.fD.stderr), samples: o.fD.samples },
      trainAccuracy: o.trainAccuracy,
      testAccuracy: o.testAccuracy,
      testF: o.testF,
      iterations: result.iterations,
      stoppedBy: result.stoppedBy,
      stepsPerSecond: o.stepsPerSecond,
      runMs: o.runMs,
      minimizeMs: o.minimizeMs,
      elapsedMs: totalMs,
      reference: o.reference,
      warnings: result.warnings ?? [],
      work: result.work,
      ...(comm ? { communication: { ...comm.totals, densePerRound: comm.densePerRound, down: Array.from(comm.down), up: Array.from(comm.up), ...(comm.wire ? { wire: comm.wire } : {}) } } : {}),
    },
    digest: result.digest,
    trace: result.trace,
  };
  writeJson(flags.json!, report);
}

/** train(flags, version): the whole `mast train` command; returns the exit code. */
export async function train(flags: TrainFlags, version: string): Promise<number> {
  const out = process.stdout;
  const say = (line = ""): void => { if (!flags.quiet) out.write(line + "\n"); };
  const started = performance.now();
  // output files are checked before any work, so that a bad path does not cost a whole run
  if (flags.json !== null) checkWritable("json", flags.json);
  if (flags.checkpoint !== null) checkWritable("checkpoint", flags.checkpoint);
  const resumeFrom = flags.resume !== null ? readInput("resume", flags.resume) : null;
  const mast = await init();
  const inputs = await loadInputs(mast, flags);
  if (flags.model.kind !== "linear") return trainNetwork(mast, flags, flags.model, version, inputs, started);
  const plan = planRun(mast, flags, inputs);
  for (const line of header(flags, version, inputs, plan)) say(line);
  if (resumeFrom !== null) say(`resume     from ${flags.resume}`);

  // Ctrl-C: the run stops at its next record point and its checkpoint is written; a second Ctrl-C exits at once
  const onSigint = (): void => {
    if (interrupt.requested) process.exit(130);
    interrupt.requested = true;
  };
  interrupt.requested = false;
  process.on("SIGINT", onSigint);
  const bar = out.isTTY && !flags.quiet ? new ProgressBar(plan.iterations, out) : null;
  const t0 = performance.now();
  let result: MinimizeResult;
  try {
    result = await runTraining(flags, plan, bar, resumeFrom);
  } finally {
    process.off("SIGINT", onSigint);
  }
  const interrupted = interrupt.requested && result.stoppedBy === "callback";
  const o = outcome(flags, plan, result, performance.now() - t0);
  const totalMs = performance.now() - started;
  say();
  if (interrupted) out.write(`interrupted at step ${grouped(result.iterations)} of ${grouped(plan.iterations)}: the summary of the run so far\n`);
  out.write(summary(plan, o, totalMs).join("\n") + "\n");
  if (flags.json !== null) {
    writeReport(flags, version, inputs, plan, o, totalMs);
    say(`wrote ${flags.json}`);
  }
  if (interrupted) {
    const path = flags.checkpoint ?? "mast-checkpoint.bin";
    writeBytes("checkpoint", path, result.checkpoint);
    out.write(`checkpoint      ${path} (step ${grouped(result.iterations)}); continue with the same flags and --resume ${path}\n`);
    return 130;
  }
  return 0;
}
