/**
 * `mast train`'s flags: the option table, strict number parsing, and the checks that turn raw flag values into
 * {@link TrainFlags} before any data is read (the help texts are in help.ts, the defaults in defaults.ts).
 * @module
 */
import { sketch as sketchApi, type Loss, type Sketch } from "../../index.js";
import { closest } from "../../runtime/validate.js";
import { UsageError, flagMessage, isArgumentError, show } from "./errors.js";
import {
  DEFAULT_L2, DEFAULT_NETWORK_BATCH, DEFAULT_NETWORK_L2, DEFAULT_NETWORK_SAMPLES, DEFAULT_SAMPLES,
} from "./defaults.js";
import { type ModelSpec, isNetwork, parseModel } from "./model.js";

export const TRAIN_OPTIONS = {
  data: { type: "string" },
  labels: { type: "string" },
  test: { type: "string" },
  "test-labels": { type: "string" },
  "split-at": { type: "string" },
  "test-fraction": { type: "string" },
  features: { type: "string" },
  model: { type: "string" },
  activation: { type: "string" },
  "max-batch": { type: "string" },
  loss: { type: "string" },
  l2: { type: "string" },
  sketch: { type: "string" },
  method: { type: "string" },
  nodes: { type: "string" },
  workers: { type: "string" },
  endpoints: { type: "string" },
  token: { type: "string" },
  "node-timeout": { type: "string" },
  sampling: { type: "string" },
  "sketch-set": { type: "string" },
  "reference-batch": { type: "string" },
  "refresh-probability": { type: "string" },
  "snapshot-every": { type: "string" },
  tolerance: { type: "string" },
  "time-limit": { type: "string" },
  iterations: { type: "string" },
  epochs: { type: "string" },
  batch: { type: "string" },
  step: { type: "string" },
  seed: { type: "string" },
  "record-every": { type: "string" },
  samples: { type: "string" },
  json: { type: "string" },
  average: { type: "string" },
  intercept: { type: "boolean" },
  checkpoint: { type: "string" },
  resume: { type: "string" },
  quiet: { type: "boolean" },
  help: { type: "boolean", short: "h" },
  version: { type: "boolean" },
} as const;

/** Strict decimal syntax: no hex, no "1e", no "Infinity", no empty string. */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;


export function parseDecimal(flag: string, raw: string, what: string): number {
  const s = raw.trim();
  const x = DECIMAL.test(s) ? Number(s) : NaN;
  if (!Number.isFinite(x)) throw new UsageError(`--${flag} must be ${what}, got ${show(raw)}`);
  return x;
}

export function parseInteger(flag: string, raw: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const what = max === Number.MAX_SAFE_INTEGER ? `an integer ≥ ${min}` : `an integer in ${min}..${max}`;
  const x = parseDecimal(flag, raw, what);
  if (!Number.isSafeInteger(x) || x < min || x > max) throw new UsageError(`--${flag} must be ${what}, got ${show(raw)}`);
  return x;
}

function parseNonNegative(flag: string, raw: string): number {
  const x = parseDecimal(flag, raw, "a number ≥ 0");
  if (x < 0) throw new UsageError(`--${flag} must be a number ≥ 0, got ${show(raw)}`);
  return x;
}

/** How the test set is cut from --data: the first `at` rows train, or a seeded permutation's last ⌈q·n⌉ rows test. */
export type SplitFlag = { at: number } | { testFraction: number; seed: number };

/** Settings of one `mast train` run, after flag parsing (the data-dependent defaults are filled in later). */
export interface TrainFlags {
  data: string | null;
  /** IDX labels of --data (--data is then IDX images). */
  labels: string | null;
  test: string | null;
  /** IDX labels of --test. */
  testLabels: string | null;
  split: SplitFlag | null;
  features: number | null;
  model: ModelSpec;
  /** Networks: the hidden layers' activation. */
  activation: "relu" | "tanh";
  /** Networks: mast.network's maxBatch, or null for the default. */
  maxBatch: number | null;
  loss: Loss;
  l2: number;
  sketch: string | null;
  method: "dsgd" | "lsvrg" | "svrg" | "distributed";
  nodes: number | null;
  workers: number;
  endpoints: string[] | null;
  token: string | null;
  nodeTimeout: number | null;
  sampling: "nice" | "uniform" | "importance" | null;
  sketchSet: { size: number; seed: number } | null;
  referenceBatch: number | null;
  refreshProbability: number | null;
  snapshotEvery: number | null;
  tolerance: number | null;
  timeLimit: number | null;
  iterations: number | null;
  /** --epochs E (iterations ⌈E·n/τ⌉ once n is known), or null. */
  epochs: number | null;
  batch: "full" | number;
  /** Whether --batch was given (a network's default τ is capped at n once n is known). */
  batchGiven: boolean;
  step: "theory" | "switching" | number;
  /** --average: the iterate average minimize returns (null: the library's "auto"). */
  average: "auto" | "weighted" | "all" | "tail" | { from: number } | false | null;
  /** --intercept: fit an unpenalised intercept (linear model). */
  intercept: boolean;
  /** --checkpoint FILE: where Ctrl-C writes the run's checkpoint (null: mast-checkpoint.bin in the working directory). */
  checkpoint: string | null;
  /** --resume FILE: a checkpoint to continue from. */
  resume: string | null;
  seed: number;
  recordEvery: number | null;
  samples: number;
  json: string | null;
  quiet: boolean;
}

/**
 * Let a string flag take a negative number as a separate argument (`--l2 -1`), which parseArgs would otherwise
 * call ambiguous; the value is then checked like any other.
 */
export function joinNegativeValues(args: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "--") { out.push(...args.slice(i)); break; }
    const name = a.startsWith("--") ? a.slice(2) : null;
    const spec = name !== null ? (TRAIN_OPTIONS as Record<string, { type: string }>)[name] : undefined;
    if (spec?.type === "string" && i + 1 < args.length && /^-(\d|\.\d)/.test(args[i + 1])) {
      out.push(`${a}=${args[i + 1]}`);
      i++;
    } else out.push(a);
  }
  return out;
}

/** Turn parseArgs' errors into one short line. */
export function parseArgsError(e: unknown): UsageError {
  const err = e as { code?: string; message?: string };
  const msg = String(err.message ?? e);
  let m: RegExpMatchArray | null;
  if (err.code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" && (m = msg.match(/Unknown option '([^']+)'/))) {
    // no guess for one- or two-letter names (parseArgs reports `-seed` as `-s`, and every short name is near --l2)
    const name = m[1].replace(/^-+/, "");
    const near = name.length >= 3 ? closest(name, Object.keys(TRAIN_OPTIONS)) : null;
    return new UsageError(`unknown flag ${m[1]}${near ? ` (did you mean --${near}?)` : ""} (see mast train --help)`);
  }
  if (err.code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") {
    if ((m = msg.match(/Option '(?:-\w, )?(--[\w-]+) <value>' argument missing/))) return new UsageError(`${m[1]} needs a value`);
    if ((m = msg.match(/Option '(?:-\w, )?(--[\w-]+)' does not take an argument/))) return new UsageError(`${m[1]} does not take a value`);
    if ((m = msg.match(/Option '(?:-\w, )?(--[\w-]+)' argument is ambiguous/))) {
      return new UsageError(`${m[1]} needs a value; to give one starting with a dash write ${m[1]}=VALUE`);
    }
  }
  return new UsageError(msg.split("\n")[0]);
}

export function trainFlags(values: Record<string, string | boolean | undefined>): TrainFlags {
  const str = (k: string): string | undefined => values[k] as string | undefined;
  const model = modelFlag(str("model"), str("labels"));
  const network = isNetwork(model);
  const loss = str("loss") ?? "logistic";
  if (loss !== "logistic" && loss !== "squared") throw new UsageError(`--loss must be "logistic" or "squared", got ${show(loss)}`);
  if (network && str("loss") !== undefined) throw new UsageError(`--loss goes with --model linear; a network (--model ${str("model") ?? "softmax"}) uses the softmax cross-entropy`);
  const method = str("method") ?? "dsgd";
  if (method !== "dsgd" && method !== "lsvrg" && method !== "svrg" && method !== "distributed") {
    throw new UsageError(`--method must be "dsgd", "lsvrg", "svrg" or "distributed", got ${show(method)}`);
  }
  const distributed = method === "distributed";
  for (const k of ["nodes", "workers", "endpoints", "token", "node-timeout"]) if (!distributed && str(k) !== undefined) throw new UsageError(`--${k} goes with --method distributed`);
  const endpoints = str("endpoints") === undefined ? null : str("endpoints")!.split(",").map((e) => e.trim());
  if (endpoints !== null) {
    if (str("workers") !== undefined) throw new UsageError("--workers goes with threads; with --endpoints the nodes compute in the node processes");
    endpoints.forEach((e, i) => {
      let ok = false;
      try { const u = new URL(e); ok = u.protocol === "http:" || u.protocol === "https:"; } catch { /* below */ }
      if (!ok) throw new UsageError(`--endpoints must be http(s) URLs separated by commas, got ${show(e)} at position ${i + 1}`);
    });
  }
  for (const k of ["token", "node-timeout"]) if (endpoints === null && str(k) !== undefined) throw new UsageError(`--${k} goes with --endpoints`);
  const token = str("token") ?? (endpoints !== null ? process.env.MAST_TOKEN || null : null);
  if (token !== null && !/^[\x21-\x7e]{1,4096}$/.test(token)) throw new UsageError("--token must be 1 to 4096 visible ASCII characters (no spaces)");
  for (const k of ["sampling", "tolerance", "time-limit"]) if (distributed && str(k) !== undefined) throw new UsageError(`--${k} goes with --method dsgd, lsvrg or svrg`);
  if (distributed && !network && str("batch") !== undefined && str("batch") !== "full") {
    throw new UsageError(`--batch must be full with --method distributed on --model linear (each node uses its whole shard), got ${show(str("batch")!)}`);
  }
  if (network && str("batch") === "full") {
    throw new UsageError(`--batch must be an integer ≥ 1 with a network (a full batch would run every row through the network at every step), got "full"`);
  }
  if (network && str("tolerance") !== undefined) {
    throw new UsageError(`--tolerance goes with --model linear (on a network ‖∇f_D‖ would take passes over all rows at every record); stop by --iterations, --epochs or --time-limit`);
  }
  const sampling = str("sampling") ?? null;
  if (sampling !== null && sampling !== "nice" && sampling !== "uniform" && sampling !== "importance") {
    throw new UsageError(`--sampling must be "nice", "uniform" or "importance", got ${show(sampling)}`);
  }
  const setRaw = str("sketch-set");
  let sketchSet: { size: number; seed: number } | null = null;
  if (setRaw !== undefined) {
    const [a, b, extra] = setRaw.split(":");
    if (extra !== undefined) throw new UsageError(`--sketch-set must be N or N:seed, got ${show(setRaw)}`);
    sketchSet = { size: parseInteger("sketch-set", a, 1, 1e6), seed: b === undefined ? 0 : parseInteger("sketch-set", b, 0) };
  }
  const vrFlags = ["sketch-set", "reference-batch", "refresh-probability", "snapshot-every"].filter((k) => str(k) !== undefined);
  if ((method === "dsgd" || distributed) && vrFlags.length) throw new UsageError(`--${vrFlags[0]} goes with --method lsvrg or svrg`);
  if (method === "lsvrg" && str("snapshot-every") !== undefined) throw new UsageError("--snapshot-every goes with --method svrg");
  if (method === "svrg" && str("refresh-probability") !== undefined) throw new UsageError("--refresh-probability goes with --method lsvrg");
  const refreshRaw = str("refresh-probability");
  const refreshProbability = refreshRaw === undefined ? null : parseDecimal("refresh-probability", refreshRaw, "a number in (0, 1]");
  if (refreshProbability !== null && !(refreshProbability > 0 && refreshProbability <= 1)) throw new UsageError(`--refresh-probability must be in (0, 1], got ${show(refreshRaw!)}`);
  const tolRaw = str("tolerance");
  const tolerance = tolRaw === undefined ? null : parseDecimal("tolerance", tolRaw, "a positive number");
  if (tolerance !== null && !(tolerance > 0)) throw new UsageError(`--tolerance must be a positive number, got ${show(tolRaw!)}`);
  const timeRaw = str("time-limit");
  const timeLimit = timeRaw === undefined ? null : parseDecimal("time-limit", timeRaw, "a positive number of milliseconds");
  if (timeLimit !== null && !(timeLimit > 0)) throw new UsageError(`--time-limit must be a positive number of milliseconds, got ${show(timeRaw!)}`);
  const batchRaw = str("batch");
  const batch = batchRaw === undefined ? (network ? DEFAULT_NETWORK_BATCH : distributed ? "full" as const : 1) : batchRaw === "full" ? "full" as const
    : (() => {
      const x = parseDecimal("batch", batchRaw, `"full" or an integer ≥ 1`);
      if (!Number.isSafeInteger(x) || x < 1) throw new UsageError(`--batch must be "full" or an integer ≥ 1, got ${show(batchRaw)}`);
      return x;
    })();
  const stepRaw = str("step");
  const step = stepRaw === undefined || stepRaw === "theory" ? "theory" as const : stepRaw === "switching" ? "switching" as const
    : (() => {
      const x = parseDecimal("step", stepRaw, `"theory", "switching" or a positive number`);
      if (!(x > 0)) throw new UsageError(`--step must be "theory", "switching" or a positive number, got ${show(stepRaw)}`);
      return x;
    })();
  if (step === "switching" && (distributed || network)) {
    throw new UsageError(`--step switching goes with --model linear and --method dsgd, lsvrg or svrg (it needs the constants ℒ and μ of a strongly convex problem)`);
  }
  const average = averageFlag(str("average"));
  if (average !== null && distributed) throw new UsageError(`--average goes with --method dsgd, lsvrg or svrg (distributed runs return their last iterate)`);
  const intercept = values.intercept === true;
  if (intercept && network) throw new UsageError(`--intercept goes with --model linear (a network's layers have biases of their own)`);
  for (const k of ["checkpoint", "resume"]) if (str(k) === "") throw new UsageError(`--${k} needs a file name, got ""`);
  for (const k of ["checkpoint", "resume"]) if (network && str(k) !== undefined) throw new UsageError(`--${k} goes with --model linear (Ctrl-C stops a network run without a checkpoint)`);
  const data = str("data") ?? null;
  const features = str("features") === undefined ? null : parseInteger("features", str("features")!, 1, 2 ** 31 - 1);
  if (features !== null && data === null) throw new UsageError("--features applies to --data; the built-in data set has 123 features");
  const sketch = str("sketch") ?? null;
  if (sketch !== null) parseSketch(sketch, null); // syntax errors before any data is read
  for (const k of ["data", "labels", "test", "test-labels", "json"]) if (str(k) === "") throw new UsageError(`--${k} needs a file name, got ""`);
  const idx = idxFlags(str, data, features);
  const { activation, maxBatch } = networkFlags(str, model, batch);
  const { iterations, epochs } = lengthFlags(str);
  return {
    data,
    ...idx,
    split: splitFlag(str),
    features,
    model,
    activation,
    maxBatch,
    loss,
    l2: str("l2") === undefined ? (network ? DEFAULT_NETWORK_L2 : DEFAULT_L2) : parseNonNegative("l2", str("l2")!),
    sketch,
    method,
    nodes: str("nodes") === undefined ? null : parseInteger("nodes", str("nodes")!, 1),
    workers: str("workers") === undefined ? 0 : parseInteger("workers", str("workers")!, 0, 64),
    endpoints,
    token,
    nodeTimeout: str("node-timeout") === undefined ? null : parseInteger("node-timeout", str("node-timeout")!, 1, 2 ** 31 - 1),
    sampling,
    sketchSet,
    referenceBatch: str("reference-batch") === undefined ? null : parseInteger("reference-batch", str("reference-batch")!, 1),
    refreshProbability,
    snapshotEvery: str("snapshot-every") === undefined ? null : parseInteger("snapshot-every", str("snapshot-every")!, 1),
    tolerance,
    timeLimit,
    iterations,
    epochs,
    batch,
    batchGiven: batchRaw !== undefined,
    step,
    average,
    intercept,
    checkpoint: str("checkpoint") ?? null,
    resume: str("resume") ?? null,
    seed: str("seed") === undefined ? 0 : parseInteger("seed", str("seed")!, 0),
    recordEvery: str("record-every") === undefined ? null : parseInteger("record-every", str("record-every")!, 1),
    samples: str("samples") === undefined ? (network ? DEFAULT_NETWORK_SAMPLES : DEFAULT_SAMPLES) : parseInteger("samples", str("samples")!, 1, 1e8),
    json: str("json") ?? null,
    quiet: values.quiet === true,
  };
}

type Str = (k: string) => string | undefined;

/** --average auto|weighted|all|tail|from:N|none: minimize's `average` (none: the last iterate). */
function averageFlag(raw: string | undefined): TrainFlags["average"] {
  if (raw === undefined) return null;
  if (raw === "auto" || raw === "weighted" || raw === "all" || raw === "tail") return raw;
  if (raw === "none") return false;
  const m = /^from:(\d+)$/.exec(raw);
  if (m) return { from: parseInteger("average", m[1], 0) };
  throw new UsageError(`--average must be auto, weighted, all, tail, from:N or none, got ${show(raw)}`);
}

/** --model, defaulting to softmax for IDX data (class labels, which the linear model cannot take) and linear otherwise. */
function modelFlag(raw: string | undefined, labels: string | undefined): ModelSpec {
  const model = raw === undefined ? (labels !== undefined ? { kind: "softmax" as const, hidden: [] } : { kind: "linear" as const }) : parseModel(raw);
  if (model.kind === "linear" && labels !== undefined) {
    throw new UsageError(`--labels reads IDX class labels, which --model linear cannot take; use --model softmax or mlp:W1,W2,…`);
  }
  return model;
}

/** --labels and --test-labels: IDX input, whose test set (if a file) needs labels of its own. */
function idxFlags(str: Str, data: string | null, features: number | null): { labels: string | null; testLabels: string | null; test: string | null } {
  const labels = str("labels") ?? null, test = str("test") ?? null, testLabels = str("test-labels") ?? null;
  if (labels !== null && data === null) throw new UsageError("--labels goes with --data (the IDX images it labels)");
  if (labels !== null && features !== null) throw new UsageError("--features applies to LibSVM --data; IDX images have their own size");
  if (testLabels !== null && labels === null) throw new UsageError("--test-labels goes with --labels (IDX data); a LibSVM --test file has its labels inline");
  if (testLabels !== null && test === null) throw new UsageError("--test-labels goes with --test (the IDX images it labels)");
  if (labels !== null && test !== null && testLabels === null) throw new UsageError("--test with IDX data (--labels) needs --test-labels FILE");
  return { labels, testLabels, test };
}

/** --split-at N or --test-fraction q[:seed], at most one way of making a test set. */
function splitFlag(str: Str): SplitFlag | null {
  const given = ["test", "split-at", "test-fraction"].filter((k) => str(k) !== undefined);
  if (given.length > 1) throw new UsageError(`--${given[0]} and --${given[1]} both make the test set; give one of --test, --split-at, --test-fraction`);
  const at = str("split-at");
  if (at !== undefined) return { at: parseInteger("split-at", at, 1) };
  const frac = str("test-fraction");
  if (frac === undefined) return null;
  const [q, seed, extra] = frac.split(":");
  const what = "q or q:seed with 0 < q < 1 and an integer seed ≥ 0";
  if (extra !== undefined) throw new UsageError(`--test-fraction must be ${what}, got ${show(frac)}`);
  const testFraction = parseDecimal("test-fraction", q, what);
  if (!(testFraction > 0 && testFraction < 1)) throw new UsageError(`--test-fraction must be in (0, 1), got ${show(frac)}`);
  if (seed !== undefined && !(/^\d+$/.test(seed.trim()) && Number.isSafeInteger(Number(seed)))) {
    throw new UsageError(`--test-fraction must be ${what}, got ${show(frac)}`);
  }
  return { testFraction, seed: seed === undefined ? 0 : Number(seed) };
}

/** --activation and --max-batch: network-only settings, refused elsewhere so that a flag never silently does nothing. */
function networkFlags(str: Str, model: ModelSpec, batch: "full" | number): { activation: "relu" | "tanh"; maxBatch: number | null } {
  const act = str("activation");
  if (act !== undefined && model.kind !== "mlp") {
    throw new UsageError(`--activation goes with --model mlp:W1,W2,…${model.kind === "softmax" ? " (softmax has no hidden layers)" : ""}`);
  }
  if (act !== undefined && act !== "relu" && act !== "tanh") throw new UsageError(`--activation must be "relu" or "tanh", got ${show(act)}`);
  const mb = str("max-batch");
  if (mb !== undefined && !isNetwork(model)) throw new UsageError("--max-batch goes with --model softmax or mlp:W1,W2,…");
  const maxBatch = mb === undefined ? null : parseInteger("max-batch", mb, 1, 65536);
  if (maxBatch !== null && typeof batch === "number" && batch > maxBatch) {
    throw new UsageError(`--batch must be at most --max-batch ${maxBatch}, got ${show(str("batch")!)}`);
  }
  return { activation: act === "tanh" ? "tanh" : "relu", maxBatch };
}

/** --iterations T or --epochs E: the length of the run, one way or the other. */
function lengthFlags(str: Str): { iterations: number | null; epochs: number | null } {
  if (str("iterations") !== undefined && str("epochs") !== undefined) {
    throw new UsageError("--epochs and --iterations both set the length of the run; give one");
  }
  const iterations = str("iterations") === undefined ? null : parseInteger("iterations", str("iterations")!, 0);
  const raw = str("epochs");
  const epochs = raw === undefined ? null : parseDecimal("epochs", raw, "a positive number");
  if (epochs !== null && !(epochs > 0)) throw new UsageError(`--epochs must be a positive number, got ${show(raw!)}`);
  return { iterations, epochs };
}

/** The method-family options of `minimize`/`constants` set by the flags. */
export function methodOptions(flags: TrainFlags): Record<string, unknown> {
  const o: Record<string, unknown> = { method: flags.method === "distributed" ? "dsgd" : flags.method };
  if (flags.sampling !== null) o.sampling = flags.sampling;
  if (flags.method === "lsvrg" || flags.method === "svrg") o.sketchSet = flags.sketchSet ?? { size: 100, seed: 0 };
  if (flags.referenceBatch !== null) o.referenceBatch = flags.referenceBatch;
  if (flags.refreshProbability !== null) o.refreshProbability = flags.refreshProbability;
  if (flags.snapshotEvery !== null) o.snapshotEvery = flags.snapshotEvery;
  return o;
}

/**
 * parseSketch(raw, d, model): the sketch of --sketch (syntax only while d is unknown); with a model, a unit sketch
 * (`…:units`) is refused unless the model has hidden units, naming the models that have them.
 */
export function parseSketch(raw: string, d: number | null, model: ModelSpec | null = null): Sketch {
  let sk: Sketch;
  try {
    sk = sketchApi.parse(raw);
  } catch (e) {
    if (isArgumentError(e)) throw new UsageError(flagMessage("sketch", "sketch", raw, e, d));
    throw e;
  }
  if (model !== null && model.kind !== "mlp" && sk.kind !== "identity" && sk.over === "units") {
    throw new UsageError(`--sketch ${show(raw)} sketches hidden units, which --model ${model.kind} has none of; ` +
      `use --model mlp:W1,W2,… or a sketch over the ${model.kind === "linear" ? "coordinates" : "parameters"} (${raw.replace(/:units$/, "")})`);
  }
  return sk;
}

/** placement(flags): where a distributed run's nodes compute — worker threads, or node processes with their token and timeout. */
export function placement(flags: TrainFlags): { workers: number } | { endpoints: string[]; token?: string; nodeTimeoutMs?: number } {
  if (flags.endpoints === null) return { workers: flags.workers };
  return {
    endpoints: flags.endpoints, ...(flags.token !== null ? { token: flags.token } : {}),
    ...(flags.nodeTimeout !== null ? { nodeTimeoutMs: flags.nodeTimeout } : {}),
  };
}

/**
 * epochSteps(E, n, τ): the steps of E passes over n rows, ⌈E·n/τ⌉; a full-batch step (or a distributed round, every
 * node on its whole shard) is one pass, so ⌈E⌉ of them.
 */
export function epochSteps(epochs: number, n: number, batch: number | "full"): number {
  const steps = Math.ceil(batch === "full" ? epochs : (epochs * n) / batch);
  if (!Number.isSafeInteger(steps)) throw new UsageError(`--epochs ${epochs} makes ${steps} steps; give fewer`);
  return steps;
}
