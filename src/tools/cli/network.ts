/**
 * `mast train` on a network (--model softmax or mlp:W1,W2,…): `mast.network` on the training rows, its sketch (by
 * default dropout on an MLP's hidden units, Rand-K over half the parameters of a softmax model), the theory constants
 * where they are known (softmax: convex and L-smooth; an MLP has none), a header, the run with a progress bar, and a
 * summary with train and test accuracy, steps/s, multiply-adds and the digest of the parameters.
 * @module
 */
import { distributedConstants, type Constants, type Dataset, type DistributedResult, type Mast, type MinimizeResult, type NetworkProblem, type Sketch, type TraceRow } from "../../index.js";
import { CliDivergence, UsageError, cliName, flagMessage, isArgumentError, show } from "./errors.js";
import { DEFAULT_EPOCHS, DEFAULT_MAX_BATCH, DEFAULT_MLP_SKETCH, DEFAULT_NETWORK_BATCH, DEFAULT_NODES, DEFAULT_SYNTHETIC } from "./defaults.js";
import { type TrainFlags, epochSteps, methodOptions, parseSketch, placement } from "./flags.js";
import { writeJson } from "./files.js";
import {
  ProgressBar, classSummary, duration, grouped, networkDataSummary, num, pct, sketchDescription, sketchSpec,
} from "./format.js";
import type { Inputs } from "./inputs.js";
import { type NetworkModel, modelName } from "./model.js";

/** Everything a network run is set up with, after the data-dependent defaults are filled in. */
interface NetworkPlan {
  problem: NetworkProblem;
  sk: Sketch;
  constants: Constants;
  /** The theory step size, or NaN when none is known (an MLP). */
  theoryStep: number;
  batch: number;
  maxBatch: number;
  iterations: number;
  epochs: number;
  recordEvery: number;
  gamma: number;
  /** Distributed: the nodes M (each a contiguous shard of the rows), else 0. */
  nodes: number;
}

/** makeNetwork: `mast.network` on the training rows; a refusal names the data (labels) or --model (size, memory). */
function makeNetwork(mast: Mast, flags: TrainFlags, model: NetworkModel, inputs: Inputs, maxBatch: number): NetworkProblem {
  try {
    return mast.network({ data: inputs.data, hidden: model.hidden, activation: flags.activation, l2: flags.l2, maxBatch });
  } catch (e) {
    if (!isArgumentError(e)) throw e;
    if (/^a network needs/.test(e.message)) throw new UsageError(`${inputs.dataLabel}: ${e.message}`);
    throw new UsageError(`--model ${show(modelName(model))}: ${e.message}`);
  }
}

/** Every test label must be a class of the training rows, or test accuracy is undefined; checked before training. */
function checkTestClasses(problem: NetworkProblem, test: Dataset, label: string): void {
  const known = new Set(problem.classValues);
  for (let i = 0; i < test.rows; i++) {
    if (!known.has(test.labels[i])) {
      throw new UsageError(`${label}: row ${i + 1} has label ${test.labels[i]}, which is not a class of the training rows ` +
        `(${classSummary(problem.data)})`);
    }
  }
}

/** Why --step theory cannot be used, for a model whose theory step is not a finite positive number. */
function noTheoryStep(model: NetworkModel, c: Constants): string {
  if (model.kind === "mlp") {
    return `--step theory cannot be used with --model ${modelName(model)}: no theory step size is known for a network with ` +
      `hidden layers (its loss is non-convex and has no known smoothness constant L); give --step γ, e.g. --step 0.05`;
  }
  return `--step theory cannot be used: the theory step 1/(L_exp·L_S^max) is not a finite positive number here ` +
    `(L_exp = ${num(c.Lexp)}, L_S^max = ${num(c.LSmax)}); give --step γ`;
}

function planNetwork(mast: Mast, flags: TrainFlags, model: NetworkModel, inputs: Inputs): NetworkPlan {
  const { data, test } = inputs;
  const n = data.rows;
  // τ defaults to 64 but never more than the rows there are; a given τ is checked against them
  const batch = flags.batchGiven ? (flags.batch as number) : Math.min(DEFAULT_NETWORK_BATCH, n);
  if (batch > n) throw new UsageError(`--batch must be in 1..${n} (the training rows), got ${batch}`);
  const maxBatch = flags.maxBatch ?? Math.max(DEFAULT_MAX_BATCH, batch);
  const problem = makeNetwork(mast, flags, model, inputs, maxBatch);
  if (test !== null) checkTestClasses(problem, test, inputs.testLabel ?? "the test rows");
  const d = problem.dimension;
  const distributed = flags.method === "distributed";
  const nodes = distributed ? flags.nodes ?? DEFAULT_NODES : 0;
  if (distributed && nodes > n) throw new UsageError(`--nodes must be in 1..${n} (the training rows), got ${nodes}`);
  if (distributed && batch * nodes > n) throw new UsageError(`--batch ${batch} with --nodes ${nodes} needs at least ${batch} rows a shard; the ${n} training rows give ${Math.floor(n / nodes)}: give a smaller --batch or fewer --nodes`);
  // distributed: IST, the permutation over every hidden layer's units (an MLP) or over the parameters (softmax)
  const sketchRaw = flags.sketch ?? (distributed ? `permutation:${nodes}${model.kind === "mlp" ? ":units" : ""}`
    : model.kind === "mlp" ? DEFAULT_MLP_SKETCH : `randk:${Math.max(1, Math.round(d / 2))}`);
  const sk = parseSketch(sketchRaw, d, model);
  try {
    problem.constants(sk); // checks the sketch against the parameters (or the hidden layers)
  } catch (e) {
    if (isArgumentError(e)) throw new UsageError(flagMessage("sketch", "sketch", sketchRaw, e, d));
    throw e;
  }
  const iterations = flags.iterations ?? epochSteps(flags.epochs ?? DEFAULT_EPOCHS, n, distributed ? batch * nodes : batch);
  let constants: Constants;
  try {
    constants = problem.constants(sk, { batch, ...(distributed ? {} : methodOptions(flags)) });
  } catch (e) {
    if (!isArgumentError(e)) throw e;
    if (/^batch\b/.test(e.message)) throw new UsageError(flagMessage("batch", "batch", String(batch), e, n));
    throw new UsageError(cliName(e.message));
  }
  let theoryStep = Number.isFinite(constants.stepSize) && constants.stepSize > 0 ? constants.stepSize : NaN;
  if (distributed && !Number.isNaN(theoryStep)) {
    // section 4.3's step 1/√(D_max·T) for the M nodes (softmax: convex and smooth; an MLP has no L, hence none)
    try { theoryStep = distributedConstants(problem, { nodes, sketch: sk, iterations }).stepSize; } catch (e) {
      if (!isArgumentError(e)) throw e;
      throw new UsageError(cliName(e.message));
    }
  }
  // the library refuses stepSize "theory" exactly when this is not finite; say so before anything is printed
  if (flags.step === "theory" && Number.isNaN(theoryStep)) throw new UsageError(noTheoryStep(model, constants));
  // a record is a pass of every training row through the network (as costly as an epoch of steps), so once an epoch
  const perStep = distributed ? batch * nodes : batch;
  const recordEvery = flags.recordEvery ?? Math.max(1, Math.min(iterations, Math.ceil(n / perStep)));
  // --step switching is refused for networks when the flags are read
  const gamma = flags.step === "theory" ? theoryStep : (flags.step as number);
  return { problem, sk, constants, theoryStep, batch, maxBatch, iterations, epochs: (iterations * perStep) / n, recordEvery, gamma, nodes };
}

const METHOD_NAMES = {
  dsgd: "Double Sketched SGD", lsvrg: "L-SVRG (loopless SVRG on a finite sketch set)", svrg: "SVRG on a finite sketch set",
  distributed: "distributed DSGD (section 4.3)",
} as const;

function modelLine(model: NetworkModel, flags: TrainFlags, p: NetworkPlan): string {
  const layout = p.problem.layout.join("-");
  const shape = model.kind === "mlp" ? `${layout} ${flags.activation} network` : `${layout} (multinomial logistic regression)`;
  return `${modelName(model)}: ${shape}, softmax cross-entropy, λ = ${num(flags.l2)} on the weights ` +
    `(${grouped(p.problem.dimension)} parameters, f32)`;
}

function header(flags: TrainFlags, model: NetworkModel, version: string, inputs: Inputs, p: NetworkPlan): string[] {
  const c = p.constants;
  const method = flags.method as keyof typeof METHOD_NAMES;
  const out: string[] = [];
  const where = flags.endpoints !== null ? `${flags.endpoints.length} node process${flags.endpoints.length > 1 ? "es" : ""} (${flags.endpoints.join(", ")})`
    : flags.workers > 0 ? `${flags.workers} worker thread${flags.workers > 1 ? "s" : ""}` : "this thread";
  out.push(method === "distributed"
    ? `mast train ${version}: ${METHOD_NAMES[method]}${p.sk.kind === "permutation" ? ", IST" : ""} over ${p.nodes} nodes on ${where}, ` +
      `f_D(x) = (1/M) Σ_i E f_i(v + S_i(x − v)), v = 0`
    : `mast train ${version}: ${METHOD_NAMES[method]} on f_D(x) = E_S f(v + S(x − v)), v = 0`);
  out.push(`data       ${inputs.dataLabel}`);
  out.push(`           ${networkDataSummary(inputs.whole)}`);
  if (inputs.splitLabel !== null) out.push(`split      ${inputs.splitLabel}`);
  else if (inputs.test !== null) out.push(`test       ${inputs.testLabel}: ${networkDataSummary(inputs.test)}`);
  out.push(`model      ${modelLine(model, flags, p)}`);
  out.push(`sketch     ${sketchSpec(p.sk)}: ${sketchDescription(p.sk, p.problem.dimension)}`);
  if (Number.isNaN(p.theoryStep)) {
    out.push(`constants  L_D = ${num(c.LD)}, L_S^max = ${num(c.LSmax)}; no L, μ or theory step: the loss of a network with hidden layers is non-convex`);
  } else {
    out.push(`constants  L = ${num(c.L)}, μ = ${num(c.mu)}, L_D = ${num(c.LD)}, L_S^max = ${num(c.LSmax)}, L_exp = ${num(c.Lexp)}`);
    out.push(method === "distributed"
      ? `           theory γ = 1/√(D_max·T) = ${num(p.theoryStep)} (section 4.3, ${p.nodes} nodes, T = ${grouped(p.iterations)})`
      : `           theory γ = 1/(${flags.method === "dsgd" ? "" : "6·"}L_exp·L_S^max) = ${num(c.stepSize)} (batch ${p.batch}${flags.sampling ? `, ${flags.sampling} sampling` : ""})`);
  }
  const rel = flags.step === "theory" ? " (theory)" : Number.isNaN(p.theoryStep) ? "" : ` (${num(p.gamma / p.theoryStep, 4)} × theory)`;
  out.push(`run        γ = ${num(p.gamma)}${rel}, ${grouped(p.iterations)} ${method === "distributed" ? `rounds (${num(p.epochs, 4)} epochs, batch ${p.batch} a node)` : `steps (${num(p.epochs, 4)} epochs, batch ${p.batch})`}, ` +
    `seed ${flags.seed}, record every ${p.recordEvery}`);
  return out;
}

async function runTraining(flags: TrainFlags, p: NetworkPlan, bar: ProgressBar | null): Promise<MinimizeResult> {
  const onProgress = bar ? (row: TraceRow) => bar.update(row, row.iteration === 0 || row.iteration === p.iterations) : undefined;
  try {
    if (flags.method === "distributed") {
      const where = placement(flags);
      return await p.problem.minimize({
        method: "distributed", nodes: p.nodes, ...where, sketch: p.sk, stepSize: p.gamma, iterations: p.iterations, batch: p.batch,
        seed: flags.seed, recordEvery: p.recordEvery, onProgress,
      });
    }
    return await p.problem.minimize({
      method: flags.method as "dsgd" | "lsvrg" | "svrg", sketch: p.sk, stepSize: p.gamma, iterations: p.iterations, batch: p.batch,
      seed: flags.seed, recordEvery: p.recordEvery, ...methodOptions(flags),
      ...(flags.timeLimit !== null ? { timeLimitMs: flags.timeLimit } : {}),
      onProgress,
    });
  } catch (e) {
    // the options were checked by constants() already; whatever the run still refuses is a bad flag all the same
    if (isArgumentError(e)) {
      const m = /^stepSize "theory" cannot be used: (.*); give stepSize as a number$/.exec(e.message);
      throw new UsageError(m ? `--step theory cannot be used: ${m[1]}; give --step γ` : cliName(e.message));
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
  trainAccuracy: number;
  testAccuracy: number | null;
  /** Wall time of minimize(), including set-up and the result's checkpoint (whose fingerprint hashes the data). */
  minimizeMs: number;
  /** The run's own time: from x_0's record to x_T's (the steps and the records, which are passes over the data). */
  runMs: number;
  stepsPerSecond: number;
}

function outcome(flags: TrainFlags, p: NetworkPlan, inputs: Inputs, result: MinimizeResult, minimizeMs: number): Outcome {
  const fT = result.trace.length > 0 ? result.trace[result.trace.length - 1].f : p.problem.value(result.x);
  const f0 = result.trace.length > 0 ? result.trace[0].f : NaN;
  if (!Number.isFinite(fT)) {
    const advice = Number.isNaN(p.theoryStep) ? "try a smaller --step" : `try --step ≤ ${num(p.theoryStep)} (the theory step size, --step theory)`;
    throw new CliDivergence(`${flags.method} diverged: x stayed finite but f(x_T) = ${fT} with step size ${num(p.gamma)}; ${advice}`);
  }
  const fD = p.problem.sketchedValue(result.x, p.sk, { samples: flags.samples, seed: flags.seed });
  const trainAccuracy = p.problem.accuracy(result.x);
  // Test accuracy comes last: accuracy(x, other rows) leaves the network's instance without its training rows, so
  // the next full-data pass on this problem would trap once and rebuild the instance (see the report of this change).
  const testAccuracy = inputs.test === null ? null : p.problem.accuracy(result.x, inputs.test);
  // steps/s over the run itself: on MNIST-sized data the one-off set-up (hashing the data for the checkpoint's
  // fingerprint) would otherwise weigh as much as an epoch of steps
  const runMs = result.trace.length > 0 ? result.trace[result.trace.length - 1].ms : minimizeMs;
  const stepsPerSecond = runMs > 0 ? result.iterations / (runMs / 1000) : 0;
  return { result, f0, fT, fD, trainAccuracy, testAccuracy, minimizeMs, runMs, stepsPerSecond };
}

function summary(o: Outcome, totalMs: number): string[] {
  const { result } = o;
  const macs = result.work.macs ?? 0;
  const lines: string[] = [];
  lines.push(`f(x_T)          ${num(o.fT, 8)}   (f(x_0) = ${num(o.f0, 8)})`);
  lines.push(`f_D(x_T)        ${num(o.fD.mean, 8)} ± ${num(o.fD.stderr, 3)}   (Monte Carlo, ${o.fD.samples} sketches)`);
  lines.push(`train accuracy  ${pct(o.trainAccuracy)}`);
  if (o.testAccuracy !== null) lines.push(`test accuracy   ${pct(o.testAccuracy)}`);
  if (result.stoppedBy !== "iterations") lines.push(`stopped by      ${result.stoppedBy} at step ${grouped(result.iterations)}`);
  const comm = (result as DistributedResult).communication;
  const unit = comm ? "rounds" : "steps";
  lines.push(`${`${unit}/s`.padEnd(16)}${grouped(o.stepsPerSecond)}   (${grouped(result.iterations)} ${unit} and ${result.trace.length} records in ${duration(o.runMs)}; ` +
    `${duration(o.minimizeMs)} with set-up)`);
  if (comm) {
    lines.push(`communication   ${grouped(comm.totals.down + comm.totals.up)} bytes (down ${grouped(comm.totals.down)}, up ${grouped(comm.totals.up)}; ` +
      `a dense exchange: ${grouped(2 * comm.totals.dense)})`);
  } else lines.push(`multiply-adds   ${grouped(macs)}   (${result.iterations > 0 ? grouped(macs / result.iterations) : 0} a step, training steps only)`);
  lines.push(`elapsed         ${duration(totalMs)} total`);
  lines.push(`digest          ${result.digest}`);
  return lines;
}

function finiteOrNull(x: number): number | null { return Number.isFinite(x) ? x : null; }

function report(flags: TrainFlags, model: NetworkModel, version: string, inputs: Inputs, p: NetworkPlan, o: Outcome, totalMs: number): object {
  const { result } = o;
  const constants = Object.fromEntries(Object.entries(p.constants).map(([k, v]) => [k, typeof v === "number" ? finiteOrNull(v) : v]));
  return {
    mast: version,
    command: "train",
    settings: {
      data: flags.data ?? { synthetic: { ...DEFAULT_SYNTHETIC } },
      labels: flags.labels,
      test: flags.test,
      testLabels: flags.testLabels,
      split: flags.split,
      model: modelName(model),
      layout: p.problem.layout,
      parameters: p.problem.dimension,
      ...(model.kind === "mlp" ? { activation: flags.activation } : {}),
      classValues: Array.from(p.problem.classValues),
      rows: inputs.data.rows,
      testRows: inputs.test?.rows ?? null,
      features: inputs.data.cols,
      l2: flags.l2,
      sketch: sketchSpec(p.sk),
      sketchSpec: p.sk,
      method: flags.method,
      ...(p.nodes > 0 ? { nodes: p.nodes, ...(flags.endpoints ? { endpoints: flags.endpoints } : { workers: flags.workers }) } : {}),
      iterations: p.iterations,
      epochs: p.epochs,
      batch: p.batch,
      maxBatch: p.maxBatch,
      step: flags.step,
      stepSize: p.gamma,
      seed: flags.seed,
      recordEvery: p.recordEvery,
      samples: flags.samples,
      build: p.problem.build,
    },
    constants,
    summary: {
      f0: finiteOrNull(o.f0),
      f: finiteOrNull(o.fT),
      fD: { mean: finiteOrNull(o.fD.mean), stderr: finiteOrNull(o.fD.stderr), samples: o.fD.samples },
      trainAccuracy: o.trainAccuracy,
      testAccuracy: o.testAccuracy,
      iterations: result.iterations,
      stoppedBy: result.stoppedBy,
      stepsPerSecond: o.stepsPerSecond,
      runMs: o.runMs,
      minimizeMs: o.minimizeMs,
      elapsedMs: totalMs,
      work: result.work,
    },
    digest: result.digest,
    trace: result.trace,
  };
}

/** trainNetwork(...): `mast train` from the loaded data on for --model softmax or mlp:…; returns the exit code. */
export async function trainNetwork(mast: Mast, flags: TrainFlags, model: NetworkModel, version: string, inputs: Inputs, started: number): Promise<number> {
  const out = process.stdout;
  const say = (line = ""): void => { if (!flags.quiet) out.write(line + "\n"); };
  const plan = planNetwork(mast, flags, model, inputs);
  for (const line of header(flags, model, version, inputs, plan)) say(line);

  const bar = out.isTTY && !flags.quiet ? new ProgressBar(plan.iterations, out) : null;
  const t0 = performance.now();
  const result = await runTraining(flags, plan, bar);
  const o = outcome(flags, plan, inputs, result, performance.now() - t0);
  const totalMs = performance.now() - started;
  say();
  out.write(summary(o, totalMs).join("\n") + "\n");
  if (flags.json !== null) {
    writeJson(flags.json, report(flags, model, version, inputs, plan, o, totalMs));
    say(`wrote ${flags.json}`);
  }
  return 0;
}
