/**
 * The `mast` command line: `mast train` minimises the MAST objective f_D(x) = E_S f(v + S(x − v)) of a LibSVM data
 * set (or a built-in synthetic one) with Double Sketched SGD and prints the theory constants, the run and a summary.
 *
 * Zero runtime dependencies: Node built-ins only; everything it computes goes through the public API of ./index.js.
 *
 * Exit codes: 0 success; 2 a bad flag, value, file or data (one `mast: …` line on stderr); 1 a diverged run (one
 * line) or an unexpected internal error (with its stack).
 * @module
 */
import { readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { reproMain } from "./repro.js";
import { init, sketch as sketchApi, DivergenceError, LibsvmParseError, distributedConstants, DistributedError } from "./index.js";
import type { Constants, Dataset, DistributedConstants, DistributedResult, Loss, Mast, MinimizeResult, Problem, Sketch, TraceRow } from "./index.js";

/** A problem with the command line or its inputs: one line on stderr, exit code 2. */
class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** A run whose objective became non-finite although x stayed finite: one line on stderr, exit code 1. */
class CliDivergence extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CliDivergence";
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Flags
// ---------------------------------------------------------------------------------------------------------------

const TRAIN_OPTIONS = {
  data: { type: "string" },
  test: { type: "string" },
  features: { type: "string" },
  loss: { type: "string" },
  l2: { type: "string" },
  sketch: { type: "string" },
  method: { type: "string" },
  nodes: { type: "string" },
  workers: { type: "string" },
  sampling: { type: "string" },
  "sketch-set": { type: "string" },
  "reference-batch": { type: "string" },
  "refresh-probability": { type: "string" },
  "snapshot-every": { type: "string" },
  tolerance: { type: "string" },
  "time-limit": { type: "string" },
  iterations: { type: "string" },
  batch: { type: "string" },
  step: { type: "string" },
  seed: { type: "string" },
  "record-every": { type: "string" },
  samples: { type: "string" },
  json: { type: "string" },
  quiet: { type: "boolean" },
  help: { type: "boolean", short: "h" },
  version: { type: "boolean" },
} as const;

const DEFAULT_SYNTHETIC = { rows: 6414, cols: 123, density: 14 / 123, seed: 0 } as const;
const DEFAULT_L2 = 1e-4;
const DEFAULT_EPOCHS = 10;
const DEFAULT_FULL_BATCH_ITERATIONS = 1000;
const DEFAULT_SAMPLES = 200;
const DEFAULT_NODES = 2;

const MAIN_HELP = `mast — Model-Agnostic Sparsified Training (MAST) in deterministic WebAssembly

Usage:
  mast train [flags]     minimise f_D(x) = E_S f(v + S(x − v)) with Double Sketched SGD
  mast train --help      the flags of train
  mast repro [--build scalar] [--json]
                         check the golden digests in this runtime (exit 1 on any drift)
  mast --version         print the version

Run \`mast train\` with no flags for a demo on a built-in synthetic data set.
`;

const TRAIN_HELP = `Usage: mast train [flags]

Minimise the MAST objective f_D(x) = E_S f(v + S(x − v)) (shift v = 0) of
f(x) = (1/n) Σ φ(a_iᵀx, b_i) + λ/2 ‖x‖² with Double Sketched SGD.

Data
  --data FILE           LibSVM/svmlight training file, optionally gzipped (.gz).
                        Default: a built-in synthetic data set shaped like a5a
                        (6414 rows, 123 binary features, ~14 non-zeros a row, seed 0)
  --test FILE           LibSVM test file (same number of features as the training set);
                        reports test f and, for the logistic loss, test accuracy
  --features D          number of features of --data (default: the largest index seen)

Problem
  --loss NAME           logistic (default; labels ±1 or 0/1) or squared
  --l2 λ                ℓ2 weight λ ≥ 0 (default 1e-4)
  --sketch SPEC         identity | bernoulli:p | randk:K | permutation:M
                        (default randk:K with K = round(d/2))

Method
  --method NAME         dsgd (default): Double Sketched SGD, Algorithm 1;
                        lsvrg: loopless SVRG on a finite sketch set (L-SVRDSG, §4.4);
                        svrg: loopy SVRG with a snapshot every --snapshot-every steps;
                        distributed: distributed DSGD over --nodes nodes (§4.3); with
                        permutation sketches (the default) this is independent
                        subnetwork training (IST)
  --nodes M             distributed: cut the rows into M contiguous shards, one a node
                        (default ${DEFAULT_NODES}); every node uses --sketch (default permutation:M)
  --workers K           distributed: run the nodes on K worker threads, 0..64 (default 0:
                        all in the main thread); every K gives the same bits
  --sampling NAME       how --batch rows are drawn: nice (default, without replacement),
                        uniform (i.i.d.) or importance (i.i.d. with p_i ∝ L_i)
  --sketch-set N[:s]    lsvrg/svrg: N sketches drawn once from --sketch with seed s (default 100:0)
  --reference-batch b   lsvrg/svrg: sketches in the reference gradient (default N: exact)
  --refresh-probability p  lsvrg: refresh probability in (0, 1] (default 1/b)
  --snapshot-every m    svrg: steps between snapshots (default 2b)
  --tolerance ε         stop when ‖∇f_D(x_t)‖ ≤ ε at a record point
  --time-limit MS       stop after MS milliseconds
  --iterations T        number of steps (rounds) T ≥ 0 (default 10 epochs: ⌈10·n/τ⌉ steps,
                        or ${DEFAULT_FULL_BATCH_ITERATIONS} with --batch full or --method distributed)
  --batch τ|full        rows sampled per step, or full for the full-data gradient (default 1;
                        distributed: full, each node its whole shard)
  --step theory|γ       step size: the theory step 1/(L_exp·L_S^max) (default; distributed:
                        1/√(D_max·T), section 4.3) or γ > 0
  --seed S              seed of the counter-based generator, an integer ≥ 0 (default 0)
  --record-every K      record f(x_t) every K steps (default ⌈T/100⌉)

Output
  --samples M           sketches for the Monte Carlo estimate of f_D(x_T) (default ${DEFAULT_SAMPLES})
  --json FILE           write settings, constants, summary, digest and the whole trace as JSON
  --quiet               print the summary only (no header, no progress bar)
  -h, --help            show this help

Exit codes: 0 done, 1 the run diverged (or an internal error), 2 a bad flag, value or file.
`;

/** Strict decimal syntax: no hex, no "1e", no "Infinity", no empty string. */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

function show(v: string): string {
  return JSON.stringify(v.length > 40 ? v.slice(0, 40) + "…" : v);
}

function parseDecimal(flag: string, raw: string, what: string): number {
  const s = raw.trim();
  const x = DECIMAL.test(s) ? Number(s) : NaN;
  if (!Number.isFinite(x)) throw new UsageError(`--${flag} must be ${what}, got ${show(raw)}`);
  return x;
}

function parseInteger(flag: string, raw: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
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

/** Settings of one `mast train` run, after flag parsing (the data-dependent defaults are filled in later). */
interface TrainFlags {
  data: string | null;
  test: string | null;
  features: number | null;
  loss: Loss;
  l2: number;
  sketch: string | null;
  method: "dsgd" | "lsvrg" | "svrg" | "distributed";
  nodes: number | null;
  workers: number;
  sampling: "nice" | "uniform" | "importance" | null;
  sketchSet: { size: number; seed: number } | null;
  referenceBatch: number | null;
  refreshProbability: number | null;
  snapshotEvery: number | null;
  tolerance: number | null;
  timeLimit: number | null;
  iterations: number | null;
  batch: "full" | number;
  step: "theory" | number;
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
function joinNegativeValues(args: string[]): string[] {
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
function parseArgsError(e: unknown): UsageError {
  const err = e as { code?: string; message?: string };
  const msg = String(err.message ?? e);
  let m: RegExpMatchArray | null;
  if (err.code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" && (m = msg.match(/Unknown option '([^']+)'/))) {
    return new UsageError(`unknown flag ${m[1]} (see mast train --help)`);
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

function trainFlags(values: Record<string, string | boolean | undefined>): TrainFlags {
  const str = (k: string): string | undefined => values[k] as string | undefined;
  const loss = str("loss") ?? "logistic";
  if (loss !== "logistic" && loss !== "squared") throw new UsageError(`--loss must be "logistic" or "squared", got ${show(loss)}`);
  const method = str("method") ?? "dsgd";
  if (method !== "dsgd" && method !== "lsvrg" && method !== "svrg" && method !== "distributed") {
    throw new UsageError(`--method must be "dsgd", "lsvrg", "svrg" or "distributed", got ${show(method)}`);
  }
  const distributed = method === "distributed";
  for (const k of ["nodes", "workers"]) if (!distributed && str(k) !== undefined) throw new UsageError(`--${k} goes with --method distributed`);
  for (const k of ["sampling", "tolerance", "time-limit"]) if (distributed && str(k) !== undefined) throw new UsageError(`--${k} goes with --method dsgd, lsvrg or svrg`);
  if (distributed && str("batch") !== undefined && str("batch") !== "full") {
    throw new UsageError(`--batch must be full with --method distributed (each node uses its whole shard), got ${show(str("batch")!)}`);
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
  const batch = batchRaw === undefined ? (distributed ? "full" as const : 1) : batchRaw === "full" ? "full" as const
    : (() => {
      const x = parseDecimal("batch", batchRaw, `"full" or an integer ≥ 1`);
      if (!Number.isSafeInteger(x) || x < 1) throw new UsageError(`--batch must be "full" or an integer ≥ 1, got ${show(batchRaw)}`);
      return x;
    })();
  const stepRaw = str("step");
  const step = stepRaw === undefined || stepRaw === "theory" ? "theory" as const
    : (() => {
      const x = parseDecimal("step", stepRaw, `"theory" or a positive number`);
      if (!(x > 0)) throw new UsageError(`--step must be "theory" or a positive number, got ${show(stepRaw)}`);
      return x;
    })();
  const data = str("data") ?? null;
  const features = str("features") === undefined ? null : parseInteger("features", str("features")!, 1, 2 ** 31 - 1);
  if (features !== null && data === null) throw new UsageError("--features applies to --data; the built-in data set has 123 features");
  const sketch = str("sketch") ?? null;
  if (sketch !== null) parseSketch(sketch, null); // syntax errors before any data is read
  for (const k of ["data", "test", "json"]) if (str(k) === "") throw new UsageError(`--${k} needs a file name, got ""`);
  return {
    data,
    test: str("test") ?? null,
    features,
    loss,
    l2: str("l2") === undefined ? DEFAULT_L2 : parseNonNegative("l2", str("l2")!),
    sketch,
    method,
    nodes: str("nodes") === undefined ? null : parseInteger("nodes", str("nodes")!, 1),
    workers: str("workers") === undefined ? 0 : parseInteger("workers", str("workers")!, 0, 64),
    sampling,
    sketchSet,
    referenceBatch: str("reference-batch") === undefined ? null : parseInteger("reference-batch", str("reference-batch")!, 1),
    refreshProbability,
    snapshotEvery: str("snapshot-every") === undefined ? null : parseInteger("snapshot-every", str("snapshot-every")!, 1),
    tolerance,
    timeLimit,
    iterations: str("iterations") === undefined ? null : parseInteger("iterations", str("iterations")!, 0),
    batch,
    step,
    seed: str("seed") === undefined ? 0 : parseInteger("seed", str("seed")!, 0),
    recordEvery: str("record-every") === undefined ? null : parseInteger("record-every", str("record-every")!, 1),
    samples: str("samples") === undefined ? DEFAULT_SAMPLES : parseInteger("samples", str("samples")!, 1, 1e8),
    json: str("json") ?? null,
    quiet: values.quiet === true,
  };
}

/** The method-family options of `minimize`/`constants` set by the flags. */
function methodOptions(flags: TrainFlags): Record<string, unknown> {
  const o: Record<string, unknown> = { method: flags.method === "distributed" ? "dsgd" : flags.method };
  if (flags.sampling !== null) o.sampling = flags.sampling;
  if (flags.method === "lsvrg" || flags.method === "svrg") o.sketchSet = flags.sketchSet ?? { size: 100, seed: 0 };
  if (flags.referenceBatch !== null) o.referenceBatch = flags.referenceBatch;
  if (flags.refreshProbability !== null) o.refreshProbability = flags.refreshProbability;
  if (flags.snapshotEvery !== null) o.snapshotEvery = flags.snapshotEvery;
  return o;
}

/** A library message naming an option, with the option spelled as its flag. */
function cliName(msg: string): string {
  return msg.replace(/^(referenceBatch|refreshProbability|snapshotEvery|sampling|sketchSet(?:\.size)?)\b/, (k) =>
    "--" + k.replace(/\.size$/, "").replace(/[A-Z]/g, (c) => "-" + c.toLowerCase()));
}

/** Rephrase a library error about a flag's value so that it names the flag (`sketch must …` → `--sketch must …`). */
function flagMessage(flag: string, apiName: string, raw: string, e: Error, d: number | null): string {
  let msg = e.message;
  if (d !== null) msg = msg.replace(`..${Number.MAX_SAFE_INTEGER}`, `..${d}`);
  else msg = msg.replace(`..${Number.MAX_SAFE_INTEGER}`, "..d");
  if (msg.startsWith(`${apiName} `)) return `--${flag} ${msg.slice(apiName.length + 1)}`;
  return `--${flag} ${show(raw)}: ${msg}`;
}

function isArgumentError(e: unknown): e is Error {
  return e instanceof TypeError || e instanceof RangeError || e instanceof LibsvmParseError;
}

function parseSketch(raw: string, d: number | null): Sketch {
  try {
    return sketchApi.parse(raw);
  } catch (e) {
    if (isArgumentError(e)) throw new UsageError(flagMessage("sketch", "sketch", raw, e, d));
    throw e;
  }
}

/** The CLI spelling of a sketch spec. */
function sketchSpec(s: Sketch): string {
  switch (s.kind) {
    case "identity": return "identity";
    case "bernoulli": return typeof s.p === "number" ? `bernoulli:${s.p}` : "bernoulli:[per coordinate]";
    case "randK": return `randk:${s.k}`;
    case "permutation": return `permutation:${s.nodes}`;
  }
}

function sketchDescription(s: Sketch, d: number): string {
  switch (s.kind) {
    case "identity": return "S = I (MAST reduces to plain SGD on f)";
    case "bernoulli": return `Bernoulli: keep each coordinate with p = ${typeof s.p === "number" ? s.p : "p_j"}, scale 1/p`;
    case "randK": return `Rand-K: ${s.k} of ${d} coordinates a step, scale d/K = ${num(d / s.k, 4)}`;
    case "permutation": return `permutation over ${s.nodes} nodes: block ⌈d/M⌉ = ${Math.ceil(d / s.nodes)}, scale M = ${s.nodes}`;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Formatting
// ---------------------------------------------------------------------------------------------------------------

/** A number to `sig` significant digits, without trailing zeros. */
function num(x: number, sig = 6): string {
  if (!Number.isFinite(x)) return String(x);
  const r = Number(x.toPrecision(sig)), a = Math.abs(r);
  return a !== 0 && (a >= 1e7 || a < 1e-5) ? r.toExponential().replace("e+", "e") : String(r);
}

function pct(x: number): string { return `${(100 * x).toFixed(2)}%`; }

function grouped(x: number): string { return Math.round(x).toLocaleString("en-US"); }

function duration(ms: number): string {
  if (ms < 1000) return `${ms.toFixed(ms < 10 ? 2 : 0)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(2)} s`;
  return `${Math.floor(ms / 60_000)} min ${((ms % 60_000) / 1000).toFixed(1)} s`;
}

function labelSummary(data: Dataset): string {
  const y = data.labels;
  if (data.binary) {
    let pos = 0;
    for (const v of y) if (v === 1) pos++;
    return `labels +1 ${pct(pos / y.length)} / −1 ${pct(1 - pos / y.length)}`;
  }
  let lo = Infinity, hi = -Infinity, sum = 0;
  for (const v of y) { lo = Math.min(lo, v); hi = Math.max(hi, v); sum += v; }
  return `labels in [${num(lo, 4)}, ${num(hi, 4)}], mean ${num(sum / y.length, 4)}`;
}

function dataSummary(data: Dataset): string {
  return `${grouped(data.rows)} rows × ${grouped(data.cols)} features, ${(data.nnz / data.rows).toFixed(1)} nnz/row, ${labelSummary(data)}`;
}

/** A one-line progress bar, redrawn with \r (TTY only). */
class ProgressBar {
  private last = -Infinity;
  private drawn = false;
  constructor(private readonly total: number, private readonly out: NodeJS.WriteStream) {}

  update(row: TraceRow, force = false): void {
    const now = performance.now();
    if (!force && now - this.last < 100) return;
    this.last = now;
    const frac = this.total > 0 ? row.iteration / this.total : 1;
    const width = 20;
    const filled = Math.min(width, Math.floor(frac * width));
    const rate = row.ms > 0 ? row.iteration / (row.ms / 1000) : 0;
    const line = `[${"#".repeat(filled)}${".".repeat(width - filled)}] ${(100 * frac).toFixed(0).padStart(3)}%  ` +
      `t=${row.iteration}/${this.total}  f=${num(row.f, 8)}  ${grouped(rate)} steps/s`;
    const cols = this.out.columns && this.out.columns > 10 ? this.out.columns - 1 : 79;
    this.out.write(`\r${line.slice(0, cols)}\x1b[K`);
    this.drawn = true;
  }

  clear(): void {
    if (this.drawn) this.out.write("\r\x1b[K");
    this.drawn = false;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// train
// ---------------------------------------------------------------------------------------------------------------

function readInput(flag: string, path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why = err.code === "ENOENT" ? "no such file" : err.code === "EACCES" ? "permission denied"
      : err.code === "EISDIR" ? "is a directory" : err.message;
    throw new UsageError(`cannot read --${flag} file ${path}: ${why}`);
  }
}

async function loadLibsvm(mast: Mast, flag: string, path: string, features: number | undefined): Promise<Dataset> {
  const bytes = readInput(flag, path);
  try {
    return await mast.data.libsvm(bytes, features === undefined ? {} : { features });
  } catch (e) {
    if (isArgumentError(e) || (e instanceof Error && e.message.startsWith("libsvm"))) {
      throw new UsageError(`${path}: ${e.message}`);
    }
    throw e;
  }
}

function makeProblem(mast: Mast, data: Dataset, loss: Loss, l2: number, what: string): Problem {
  try {
    return mast.problem({ data, loss, l2 });
  } catch (e) {
    if (!isArgumentError(e)) throw e;
    const hint = loss === "logistic" && !data.binary ? " (use --loss squared for real-valued labels)" : "";
    throw new UsageError(`${what}: ${e.message}${hint}`);
  }
}

function finiteOrNull(x: number): number | null { return Number.isFinite(x) ? x : null; }

async function train(flags: TrainFlags, version: string): Promise<number> {
  const out = process.stdout;
  const say = (line = ""): void => { if (!flags.quiet) out.write(line + "\n"); };
  const started = performance.now();
  const mast = await init();

  // Data.
  let data: Dataset;
  let dataLabel: string;
  if (flags.data === null) {
    data = mast.data.synthetic({ ...DEFAULT_SYNTHETIC });
    dataLabel = `built-in synthetic data set (shaped like a5a; planted sparse logistic model, seed ${DEFAULT_SYNTHETIC.seed})`;
  } else {
    data = await loadLibsvm(mast, "data", flags.data, flags.features ?? undefined);
    dataLabel = flags.data;
  }
  const test = flags.test === null ? null : await loadLibsvm(mast, "test", flags.test, data.cols);
  const d = data.cols, n = data.rows;

  // Problem, sketch and constants.
  const problem = makeProblem(mast, data, flags.loss, flags.l2, flags.data ?? "data");
  const testProblem = test === null ? null : makeProblem(mast, test, flags.loss, flags.l2, flags.test!);
  const distributed = flags.method === "distributed";
  const nodes = flags.nodes ?? DEFAULT_NODES;
  if (distributed && nodes > n) throw new UsageError(`--nodes must be in 1..${n} (the rows of the data), got ${nodes}`);
  if (distributed && flags.sketch === null && nodes > d) {
    throw new UsageError(`--nodes must be at most ${d} (the features) with the default --sketch permutation:M; give another --sketch for more nodes, got ${nodes}`);
  }
  const sketchRaw = flags.sketch ?? (distributed ? `permutation:${nodes}` : `randk:${Math.max(1, Math.round(d / 2))}`);
  const sk = parseSketch(sketchRaw, d);
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
    ?? (flags.batch === "full" ? DEFAULT_FULL_BATCH_ITERATIONS : Math.ceil((DEFAULT_EPOCHS * n) / flags.batch));
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
  const gamma = flags.step === "theory" ? theoryStep : flags.step;
  const epochs = flags.batch === "full" ? iterations : (iterations * flags.batch) / n;

  // Header.
  const methodName = {
    dsgd: "Double Sketched SGD", lsvrg: "L-SVRG (loopless SVRG on a finite sketch set)", svrg: "SVRG on a finite sketch set",
    distributed: `distributed DSGD over ${nodes} nodes (section 4.3${sk.kind === "permutation" ? ", IST" : ""})`,
  }[flags.method];
  say(`mast train ${version}: ${methodName} on f_D(x) = ${distributed ? "(1/M) Σ_i E f_i(v + S_i(x − v))" : "E_S f(v + S(x − v))"}, v = 0`);
  say(`data       ${dataLabel}`);
  say(`           ${dataSummary(data)}`);
  if (test !== null) say(`test       ${flags.test}: ${dataSummary(test)}`);
  say(`problem    ${flags.loss} loss, λ = ${num(flags.l2)}`);
  say(`sketch     ${sketchSpec(sk)}: ${sketchDescription(sk, d)}`);
  say(`constants  L = ${num(constants.L)}, μ = ${num(constants.mu)}, L_D = ${num(constants.LD)}, ` +
    `L_S^max = ${num(constants.LSmax)}, L_exp = ${num(constants.Lexp)}`);
  if (dc) {
    const lo = Math.min(...dc.rows), hi = Math.max(...dc.rows);
    const threads = Math.min(flags.workers, nodes);
    say(`nodes      M = ${nodes}: contiguous shards of ${lo === hi ? lo : `${lo}–${hi}`} rows, ${threads === 0 ? "all in the main thread" : `on ${threads} worker thread${threads > 1 ? "s" : ""}`}`);
    say(`           per node L_{f_i} in [${num(Math.min(...dc.L))}, ${num(Math.max(...dc.L))}], L_{D_i} = ${num(Math.max(...dc.LD))}, ` +
      `L_{S_i}^max = ${num(Math.max(...dc.LSmax))}; D_max = max L_{f_i}²·L_{D_i}·L_{S_i}^max = ${num(dc.Dmax)}`);
    say(`           theory γ = 1/√(D_max·T) = ${num(dc.stepSize)} (convex-case step 1/(max L_{f_i}·L_{S_i}^max) = ${num(dc.convexStepSize)})`);
    say(`           bound: min_t E‖∇f_D(x_t)‖² ≤ ${num(dc.startCoefficient)}·(f_D(x_0) − f_D^inf) + ${num(dc.errorTerm.coefficient)}·(f_D^inf − (1/M) Σ_i f_i^inf)`);
  } else {
    say(`           theory γ = 1/(${flags.method === "dsgd" ? "" : "6·"}L_exp·L_S^max) = ${num(constants.stepSize)} (batch ${flags.batch}${flags.sampling ? `, ${flags.sampling} sampling` : ""})`);
  }
  say(`run        γ = ${num(gamma)} (${flags.step === "theory" ? "theory" : `${num(gamma / theoryStep, 4)} × theory`}), ` +
    `${grouped(iterations)} ${distributed ? "rounds" : "steps"} (${flags.batch === "full" ? "full batch" : `${num(epochs, 4)} epochs, batch ${flags.batch}`}), ` +
    `seed ${flags.seed}, record every ${recordEvery}`);

  // Run.
  const bar = out.isTTY && !flags.quiet ? new ProgressBar(iterations, out) : null;
  let result: MinimizeResult;
  const t0 = performance.now();
  try {
    result = await problem.minimize(distributed ? {
      method: "distributed", nodes, workers: flags.workers, sketch: sk, stepSize: gamma, iterations, seed: flags.seed, recordEvery,
      onProgress: bar ? (row: TraceRow) => bar.update(row, row.iteration === 0 || row.iteration === iterations) : undefined,
    } as never : {
      method: flags.method, sketch: sk, stepSize: gamma, iterations, batch: flags.batch, seed: flags.seed, recordEvery,
      ...methodOptions(flags),
      ...(flags.tolerance !== null ? { tolerance: flags.tolerance } : {}),
      ...(flags.timeLimit !== null ? { timeLimitMs: flags.timeLimit } : {}),
      onProgress: bar ? (row) => bar.update(row, row.iteration === 0 || row.iteration === iterations) : undefined,
    });
  } finally {
    bar?.clear();
  }
  const minimizeMs = performance.now() - t0;

  // Summary.
  const fT = result.trace.length > 0 ? result.trace[result.trace.length - 1].f : problem.value(result.x);
  const f0 = result.trace.length > 0 ? result.trace[0].f : NaN;
  if (!Number.isFinite(fT)) {
    throw new CliDivergence(`${flags.method} diverged: x stayed finite but f(x_T) = ${fT} with step size ${num(gamma)}; ` +
      `try --step ≤ ${num(theoryStep)} (the theory step size, --step theory)`);
  }
  const fD = problem.sketchedValue(result.x, sk, { samples: flags.samples, seed: flags.seed });
  const trainAccuracy = flags.loss === "logistic" ? problem.accuracy(result.x) : null;
  const testF = testProblem === null ? null : testProblem.value(result.x);
  const testAccuracy = testProblem !== null && flags.loss === "logistic" ? testProblem.accuracy(result.x) : null;
  const stepsPerSecond = minimizeMs > 0 ? result.iterations / (minimizeMs / 1000) : 0;
  const totalMs = performance.now() - started;

  const lines: string[] = [];
  lines.push(`f(x_T)          ${num(fT, 8)}   (f(x_0) = ${num(f0, 8)})`);
  lines.push(`f_D(x_T)        ${num(fD.mean, 8)} ± ${num(fD.stderr, 3)}   (Monte Carlo, ${fD.samples} sketches)`);
  if (trainAccuracy !== null) lines.push(`train accuracy  ${pct(trainAccuracy)}`);
  if (testF !== null) {
    lines.push(testAccuracy !== null ? `test accuracy   ${pct(testAccuracy)}   (test f = ${num(testF, 8)})` : `test f          ${num(testF, 8)}`);
  }
  if (result.stoppedBy !== "iterations") lines.push(`stopped by      ${result.stoppedBy} at step ${grouped(result.iterations)}`);
  const comm = distributed ? (result as DistributedResult).communication : null;
  if (comm) {
    const ofDense = (x: number): string => (comm.totals.dense > 0 ? pct(x / comm.totals.dense) : "–");
    lines.push(`bytes sent      down ${grouped(comm.totals.down)} (${ofDense(comm.totals.down)} of dense), up ${grouped(comm.totals.up)} (${ofDense(comm.totals.up)} of dense); ` +
      `dense = ${grouped(comm.densePerRound)} a round each way`);
    lines.push(`rounds/s        ${grouped(stepsPerSecond)}   (${grouped(result.iterations)} rounds in ${duration(minimizeMs)}, ${(result as DistributedResult).workers === 0 ? "main thread" : `${(result as DistributedResult).workers} worker threads`})`);
  } else lines.push(`steps/s         ${grouped(stepsPerSecond)}   (${grouped(result.iterations)} steps in ${duration(minimizeMs)})`);
  lines.push(`elapsed         ${duration(totalMs)} total`);
  lines.push(`digest          ${result.digest}`);
  say();
  out.write(lines.join("\n") + "\n");

  if (flags.json !== null) {
    const report = {
      mast: version,
      command: "train",
      settings: {
        data: flags.data ?? { synthetic: { ...DEFAULT_SYNTHETIC } },
        test: flags.test,
        features: d,
        rows: n,
        nnz: data.nnz,
        loss: flags.loss,
        l2: flags.l2,
        sketch: sketchSpec(sk),
        sketchSpec: sk,
        method: flags.method,
        ...(distributed ? { nodes, workers: flags.workers } : {}),
        iterations,
        batch: flags.batch,
        step: flags.step,
        stepSize: gamma,
        seed: flags.seed,
        recordEvery,
        samples: flags.samples,
        build: problem.build,
      },
      constants: dc ? { ...constants, distributed: dc } : { ...constants },
      summary: {
        f0: finiteOrNull(f0),
        f: finiteOrNull(fT),
        fD: { mean: finiteOrNull(fD.mean), stderr: finiteOrNull(fD.stderr), samples: fD.samples },
        trainAccuracy,
        testAccuracy,
        testF,
        iterations: result.iterations,
        stoppedBy: result.stoppedBy,
        stepsPerSecond,
        minimizeMs,
        elapsedMs: totalMs,
        work: result.work,
        ...(comm ? { communication: { ...comm.totals, densePerRound: comm.densePerRound, down: Array.from(comm.down), up: Array.from(comm.up) } } : {}),
      },
      digest: result.digest,
      trace: result.trace,
    };
    try {
      writeFileSync(flags.json, JSON.stringify(report, null, 2) + "\n");
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      throw new UsageError(`cannot write --json file ${flags.json}: ${err.code === "ENOENT" ? "no such directory" : err.message}`);
    }
    say(`wrote ${flags.json}`);
  }
  return 0;
}

// ---------------------------------------------------------------------------------------------------------------
// main
// ---------------------------------------------------------------------------------------------------------------

function readVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version?: unknown };
    return typeof pkg.version === "string" ? pkg.version : "unknown";
  } catch {
    return "unknown";
  }
}

async function main(argv: string[]): Promise<number> {
  if (argv[0] === "repro") {
    return reproMain(argv.slice(1), { log: (line) => console.log(line), error: (line) => console.error(line) });
  }
  let parsed: { values: Record<string, string | boolean | undefined>; positionals: string[] };
  try {
    parsed = parseArgs({ args: joinNegativeValues(argv), options: TRAIN_OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    throw parseArgsError(e);
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (values.version) { process.stdout.write(`${readVersion()}\n`); return 0; }
  if (values.help) { process.stdout.write(command === "train" ? TRAIN_HELP : MAIN_HELP); return 0; }
  if (command === undefined) throw new UsageError("missing command; try mast train, or mast --help");
  if (command === "help") { process.stdout.write(rest[0] === "train" ? TRAIN_HELP : MAIN_HELP); return 0; }
  if (command !== "train") throw new UsageError(`unknown command ${show(command)}; the commands are train and repro (see mast --help)`);
  if (rest.length > 0) throw new UsageError(`unexpected argument ${show(rest[0])} (see mast train --help)`);
  return train(trainFlags(values), readVersion());
}

process.stdout.on("error", (e: NodeJS.ErrnoException) => {
  if (e.code === "EPIPE") process.exit(0); // e.g. `mast train | head`
  throw e;
});

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (e: unknown) => {
    if (e instanceof UsageError) {
      process.stderr.write(`mast: ${e.message}\n`);
      process.exitCode = 2;
    } else if (e instanceof CliDivergence) {
      process.stderr.write(`mast: ${e.message}\n`);
      process.exitCode = 1;
    } else if (e instanceof DistributedError) {
      process.stderr.write(`mast: ${e.message}\n`);
      process.exitCode = 1;
    } else if (e instanceof DivergenceError) {
      process.stderr.write(`mast: ${e.message.split(" ")[0]} diverged at step ${e.step}: x became non-finite with step size ${num(e.stepSize)}; ` +
        `try --step ≤ ${num(e.suggestedStepSize)} (the theory step size, --step theory)\n`);
      process.exitCode = 1;
    } else {
      process.stderr.write(`mast: internal error\n${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
      process.exitCode = 1;
    }
  },
);
