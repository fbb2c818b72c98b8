/**
 * Distributed Double Sketched GD and independent subnetwork training (IST), paper section 4.3, on real threads.
 *
 * M nodes each hold the shift v, a data shard with loss f_i (+ λ/2‖x‖²) and a sketch distribution D_i; the objective is
 * f(x) = (1/M) Σ_i f_i(x) and the MAST objective f_D(x) = (1/M) Σ_i E f_i(v + S_i(x − v)). A round t:
 *
 *   1. the coordinator draws S_i^t for every node (node i at round t uses draw t·M + i of the sketch stream; for
 *      `sketch.permutation(M)` that is block i of the one permutation drawn for round t, so the blocks partition the
 *      coordinates: IST);
 *   2. it sends node i only the entries (j, y_j) of its sub-model y_i = v + S_i(x − v) with y_j ≠ v_j (4-byte index +
 *      8-byte value each). The sketch itself is never sent: node i redraws S_i^t from the shared seed, which gives the
 *      same support and scales (the generator is counter-based);
 *   3. node i forms δ = y_i − v on supp S_i^t, computes g_i = S_i ∇f_i(y_i) on that support over its whole shard
 *      (option I, the `supportGradient` kernel) and returns the non-zero entries (j, g_ij);
 *   4. the coordinator sums in node order and steps: acc_j = (…((g_{i1,j} + g_{i2,j}) + g_{i3,j}) …) over the nodes
 *      i1 < i2 < … that returned j, then x_j ← x_j − γ_t · (acc_j / M) for every returned j.
 *
 * Every number a node computes depends only on (module, shard, v, seed, t, i, the entries it receives), and step 4 fixes
 * the order of every floating-point operation on the coordinator, so `workers: 0` (every node its own wasm instance in
 * the calling thread) and `workers: k` (nodes round-robin on k threads) give bit-identical iterates.
 * @module
 */
import { Dataset } from "./data/dataset.js";
import { DivergenceError } from "./errors.js";
import { Kernel, defaultUrl, type Exports } from "./wasm.js";
import { Problem, splitSeed, type MinimizeResult, type TraceRow } from "./problem.js";
import { type Sketch, checkSketch, sketchWire } from "./sketch.js";
import { digestF64 } from "./digest.js";
import { integer, oneOf, options, positive, show, vector } from "./validate.js";

// ---------------------------------------------------------------------------------------------------------------
// Public types
// ---------------------------------------------------------------------------------------------------------------

/** One node of a heterogeneous run: its own shard and (optionally) its own sketch distribution D_i. */
export interface DistributedNode {
  /** The node's data shard (same number of columns as the problem). */
  data: Dataset;
  /** The node's sketch distribution D_i (default: the run's `sketch`, else `sketch.permutation(M)`). */
  sketch?: Sketch;
}

/** Options of `problem.minimize({ method: "distributed", … })`. */
export interface DistributedOptions {
  method: "distributed";
  /**
   * M, the number of nodes: the problem's n rows are cut into M contiguous shards, node i holding rows
   * ⌊i·n/M⌋ … ⌊(i+1)·n/M⌋ − 1. Or an array of nodes `{ data, sketch }`, each with its own shard and sketch.
   */
  nodes: number | DistributedNode[];
  /** Threads: 0 (default) runs every node in the calling thread; k ≥ 1 runs the nodes round-robin on min(k, M) workers. */
  workers?: number;
  /** The sketch of every node without its own (default `sketch.permutation(M)`: IST). Permutation sketches need M nodes. */
  sketch?: Sketch;
  /** γ: a number, "theory" (default: 1/√(D_max·T), see {@link distributedConstants}) or a schedule t ↦ γ_t. */
  stepSize?: number | "theory" | ((t: number) => number);
  /** T, the number of rounds (default 1000). */
  iterations?: number;
  /** Only "full" (option I: each node's gradient is over its whole shard). */
  batch?: "full";
  /** Seed of the counter-based generator (default 0). */
  seed?: number;
  /** x_0 (default the shift v). */
  x0?: ArrayLike<number>;
  /** Record a trace row every this many rounds (default ⌈T/100⌉). */
  recordEvery?: number;
  /** Called with each trace row; return false to stop. */
  onProgress?: (row: DistributedTraceRow) => void | boolean;
  /**
   * @internal For tests only: make node `node` fail at round `round`. `mode` "throw" (default): its computation throws;
   * "crash": an uncaught error kills its worker thread; "exit": its worker calls process.exit(1) (Node worker_threads;
   * elsewhere as "crash"). With `workers: 0` every mode throws.
   */
  failAt?: { node: number; round: number; mode?: "throw" | "crash" | "exit" };
}

/** A trace row of a distributed run: the DSGD row plus cumulative communication. */
export interface DistributedTraceRow extends TraceRow {
  /** f(x_t) = (1/M) Σ_i f_i(x_t), each f_i evaluated by its node over its shard. */
  f: number;
  /** Bytes sent coordinator → nodes in rounds 0 … t−1 (12 per sent entry). */
  bytesDown: number;
  /** Bytes sent nodes → coordinator in rounds 0 … t−1. */
  bytesUp: number;
  /** Bytes a dense exchange would have needed each way in those rounds: t·M·d·8. */
  denseBytes: number;
}

/** Communication of a distributed run (sub-models down, sketched gradients up; the trace's f evaluations excluded). */
export interface Communication {
  /** Bytes per sent entry: a 4-byte index and an 8-byte value. */
  entryBytes: 12;
  /** down[t]: bytes coordinator → nodes in round t. */
  down: Float64Array;
  /** up[t]: bytes nodes → coordinator in round t. */
  up: Float64Array;
  /** Bytes a dense exchange needs per round, each way: M·d·8. */
  densePerRound: number;
  /** Per-node totals over the run. */
  perNode: { down: Float64Array; up: Float64Array };
  /** Totals over the run: bytes each way, the dense counts and the ratios (sent / dense). */
  totals: { down: number; up: number; dense: number; downRatio: number; upRatio: number };
}

/** What a distributed run returns: the DSGD result plus communication and the set-up used. */
export interface DistributedResult extends MinimizeResult {
  trace: DistributedTraceRow[];
  /** Empty: distributed runs cannot be resumed (`resumeFrom` is a DSGD/VR feature). */
  checkpoint: Uint8Array;
  communication: Communication;
  /** M. */
  nodes: number;
  /** Threads used (0: the calling thread). */
  workers: number;
  /** How the threads were made: "none" (workers: 0), "worker_threads" (Node) or "web" (Web Workers: browsers, Deno, Bun). */
  threads: "none" | "worker_threads" | "web";
  /** The theory constants, when `stepSize: "theory"` was used. */
  constants?: DistributedConstants;
}

/** Theory constants of a distributed run (section 4.3), per node and combined. */
export interface DistributedConstants {
  /** M. */
  nodes: number;
  /** n_i, the rows of each shard. */
  rows: number[];
  /** L_{f_i}: smoothness of each node's f_i over its shard (power iteration, as `constants()`). */
  L: number[];
  /** L_{D_i} = λ_max(E[S_i²]). */
  LD: number[];
  /** μ_{D_i} = λ_min(E[S_i²]). */
  muD: number[];
  /** L_{S_i}^max = sup λ_max(S_i²). */
  LSmax: number[];
  /** D_max = max_i L_{f_i}² L_{D_i} L_{S_i}^max. */
  Dmax: number;
  /** T the step size is for. */
  iterations: number;
  /** The step size `stepSize: "theory"` uses: γ = 1/√(D_max·T) (nonconvex theorem of section 4.3; T ≥ 1). */
  stepSize: number;
  /** The convex-case step 1/(max_i L_{f_i} L_{S_i}^max) (by analogy with section 4.1; not used by "theory"). */
  convexStepSize: number;
  /** The γ the two coefficients below are evaluated at (opts.stepSize when a number was given, else stepSize). */
  gamma: number;
  /** 6/(γT): multiplies f_D(x_0) − f_D^inf in the bound. */
  startCoefficient: number;
  /** The error (neighbourhood) term: 2γ·D_max times f_D^inf − (1/M) Σ_i f_i^inf. */
  errorTerm: { coefficient: number; multiplies: string; bound: string };
}

/** A distributed run that failed in a node or a worker thread. Every worker has been terminated when this is thrown. */
export class DistributedError extends Error {
  /** The round being computed, or null when the failure happened at set-up. */
  readonly round: number | null;
  /** The node(s) affected. */
  readonly nodes: number[];
  /** The worker index, or null for `workers: 0`. */
  readonly worker: number | null;
  /** @internal The raw worker handles (all terminated by the time this is thrown), for tests. */
  declare readonly handles: unknown[];
  constructor(message: string, round: number | null, nodes: number[], worker: number | null, cause?: unknown, handles: unknown[] = []) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = "DistributedError";
    this.round = round;
    this.nodes = nodes;
    this.worker = worker;
    Object.defineProperty(this, "handles", { value: handles, enumerable: false });
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Node side (shared by the calling thread and the worker entry)
// ---------------------------------------------------------------------------------------------------------------

/** Exports this module uses beyond the facade's list. */
interface NodeExports extends Exports {
  deltaPtr(): number;
  supportGradient(m: number, pOut: number): void;
}

/** A data set as plain arrays (what crosses postMessage). */
export interface DatasetWire {
  format: "dense" | "csr"; rows: number; cols: number; values: Float64Array;
  indptr: Int32Array | null; indices: Int32Array | null; labels: Float64Array;
}

/** @internal What every node of a run shares. */
export interface SharedSpec {
  loss: "logistic" | "squared";
  l2: number;
  shift: Float64Array;
  seed: [number, number];
  M: number;
  failAt: { node: number; round: number; mode: "throw" | "crash" | "exit" } | null;
}

/** @internal One node's set-up. */
export interface NodeSpec { node: number; data: DatasetWire; sketch: Sketch }

/** Per-node constants for section 4.3. */
export interface NodeConstants { rows: number; L: number; LD: number; muD: number; LSmax: number }

function wireOf(d: Dataset): DatasetWire {
  return { format: d.format, rows: d.rows, cols: d.cols, values: d.values, indptr: d.indptr, indices: d.indices, labels: d.labels };
}
function datasetOf(w: DatasetWire | Dataset): Dataset {
  return w instanceof Dataset ? w : new Dataset({ ...w });
}

/**
 * @internal One node: a {@link Problem} over its shard (its own wasm instance) and the sketch sampler of D_i.
 * `round()` is the whole node side of the protocol.
 */
export class NodeState {
  readonly node: number;
  readonly problem: Problem;
  private readonly sketch: Sketch;
  private readonly shared: SharedSpec;
  private readonly d: number;
  private mark0 = 0;
  private pOut = 0;

  constructor(module: WebAssembly.Module, spec: NodeSpec, shared: SharedSpec) {
    this.node = spec.node;
    this.sketch = spec.sketch;
    this.shared = shared;
    this.problem = new Problem(module, { data: datasetOf(spec.data), loss: shared.loss, l2: shared.l2, shift: shared.shift });
    this.d = this.problem.dimension;
    this.mark0 = this.problem.kernel.ex.mark();
    this.setup();
  }

  /** Configure the sampler and the output buffer (after the Problem's own allocations; redone after constants()). */
  private setup(): void {
    const k = this.problem.kernel;
    k.ex.release(this.mark0);
    const w = sketchWire(this.sketch);
    const probs = w.probs ? k.putF64(w.probs) : 0;
    k.call("sketchConfigure", (ex) => ex.sketchConfigure(w.code, w.k, w.p, probs));
    this.pOut = k.alloc(this.d * 8);
  }

  /**
   * round(t, idx, val): the node's part of round t. (idx, val) are the entries of y_i = v + S_i^t(x − v) that differ
   * from v, in the order of the node's support. Returns the non-zero entries of g_i = S_i^t ∇f_i(y_i).
   */
  round(t: number, idx: Int32Array, val: Float64Array): { idx: Int32Array; val: Float64Array } {
    const f = this.shared.failAt;
    if (f && f.node === this.node && f.round === t) {
      throw new Error(`injected failure (failAt: node ${f.node}, round ${f.round})`);
    }
    const k = this.problem.kernel;
    const v = this.shared.shift, M = this.shared.M;
    return k.call("supportGradient", (raw) => {
      const ex = raw as NodeExports;
      ex.setSeed(this.shared.seed[0], this.shared.seed[1]);
      ex.setSketchStream(0);
      const m = ex.sketchSample(t * M + this.node);
      const T = k.i32(ex.supportPtr(), m);
      const delta = k.f64(ex.deltaPtr(), m);
      let r = 0;
      for (let q = 0; q < m; q++) {
        const j = T[q];
        if (r < idx.length && idx[r] === j) { delta[q] = val[r] - v[j]; r++; } else delta[q] = 0;
      }
      if (r !== idx.length) {
        throw new Error(`node ${this.node} received ${idx.length} sub-model entries at round ${t} but only ${r} lie on its support (sketch streams out of step)`);
      }
      ex.supportGradient(m, this.pOut);
      const out = k.f64(this.pOut, m);
      let nz = 0;
      for (let q = 0; q < m; q++) if (out[q] !== 0) nz++;
      const gi = new Int32Array(nz), gv = new Float64Array(nz);
      for (let q = 0, e = 0; q < m; q++) if (out[q] !== 0) { gi[e] = T[q]; gv[e] = out[q]; e++; }
      return { idx: gi, val: gv };
    });
  }

  /** value(x) = f_i(x) over the shard. */
  value(x: Float64Array): number { return this.problem.value(x); }

  /** constants(): n_i, L_{f_i}, L_{D_i}, L_{S_i}^max. */
  constants(): NodeConstants {
    const c = this.problem.constants(this.sketch);
    this.setup();
    return { rows: this.problem.rows(), L: c.L, LD: c.LD, muD: c.muD, LSmax: c.LSmax };
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Options
// ---------------------------------------------------------------------------------------------------------------

const KEYS = ["method", "nodes", "workers", "sketch", "stepSize", "iterations", "batch", "seed", "x0", "recordEvery", "onProgress", "failAt"] as const;
/** The most worker threads a run may ask for. */
export const MAX_WORKERS = 64;

interface Plan {
  M: number;
  specs: NodeSpec[];
  /** Shards made here (their buffers may be transferred to workers). */
  ownShards: boolean;
}

function rethrow(prefix: string, e: unknown): never {
  if (e instanceof RangeError) throw new RangeError(`${prefix}: ${e.message}`);
  if (e instanceof TypeError) throw new TypeError(`${prefix}: ${e.message}`);
  throw e;
}

/** checkNodeSketch: a sketch valid in dimension d; permutation sketches must have nodes = M. */
function nodeSketch(s: unknown, d: number, M: number, name: string): Sketch {
  let sk: Sketch;
  try { sk = checkSketch(s, d, name); } catch (e) { rethrow(name, e); }
  if (sk.kind === "permutation" && sk.nodes !== M) {
    throw new RangeError(`${name}: a permutation sketch must have nodes = M = ${M} (the number of nodes; its blocks partition the coordinates among them), got ${sk.nodes}`);
  }
  return sk;
}

/** plan(problem, nodes, sketch): the nodes' shards and sketches. */
function plan(problem: Problem, nodesArg: unknown, sketchArg: unknown): Plan {
  const d = problem.dimension, n = problem.data.rows;
  if (typeof nodesArg === "number") {
    const M = integer("nodes", nodesArg, 1, n);
    let sk: Sketch;
    if (sketchArg === undefined) {
      if (M > d) throw new RangeError(`nodes must be in 1..${d} (the dimension) for the default sketch.permutation(nodes); give another sketch for more nodes, got ${M}`);
      sk = { kind: "permutation", nodes: M };
    } else sk = nodeSketch(sketchArg, d, M, "sketch");
    const specs: NodeSpec[] = [];
    for (let i = 0; i < M; i++) {
      const lo = Math.floor((i * n) / M), hi = Math.floor(((i + 1) * n) / M);
      const rows = new Int32Array(hi - lo);
      for (let r = 0; r < rows.length; r++) rows[r] = lo + r;
      specs.push({ node: i, data: wireOf(problem.data.subset(rows)), sketch: sk });
    }
    return { M, specs, ownShards: true };
  }
  if (!Array.isArray(nodesArg)) {
    throw new TypeError(`nodes must be an integer M ≥ 1 or a non-empty array of { data, sketch }, got ${show(nodesArg)}`);
  }
  const M = nodesArg.length;
  if (M < 1) throw new RangeError("nodes must be an integer M ≥ 1 or a non-empty array of { data, sketch }, got an empty array");
  const fallback = sketchArg === undefined ? undefined : nodeSketch(sketchArg, d, M, "sketch");
  const specs = nodesArg.map((raw, i): NodeSpec => {
    const name = `nodes[${i}]`;
    const o = options<DistributedNode>(name, raw, ["data", "sketch"]);
    if (!(o.data instanceof Dataset)) throw new TypeError(`${name}.data must be a Dataset from mast.data.*, got ${show(o.data)}`);
    if (o.data.cols !== d) throw new RangeError(`${name}.data must have ${d} columns (the problem's dimension), got ${o.data.cols}`);
    if (o.data.rows < 1) throw new RangeError(`${name}.data must have at least one row, got ${o.data.rows}`);
    if (problem.loss === "logistic" && !o.data.binary) {
      throw new RangeError(`${name}.data: loss "logistic" needs labels −1/+1 (or 0/1); this shard has other labels`);
    }
    let sk: Sketch;
    if (o.sketch !== undefined) sk = nodeSketch(o.sketch, d, M, `${name}.sketch`);
    else if (fallback !== undefined) sk = fallback;
    else {
      if (M > d) throw new RangeError(`${name}.sketch is needed: the default sketch.permutation(M) needs M ≤ ${d} (the dimension), got M = ${M}`);
      sk = { kind: "permutation", nodes: M };
    }
    return { node: i, data: wireOf(o.data), sketch: sk };
  });
  return { M, specs, ownShards: false };
}

interface Checked {
  plan: Plan;
  workers: number;
  T: number;
  seed: [number, number];
  recordEvery: number;
  onProgress: ((row: DistributedTraceRow) => void | boolean) | undefined;
  step: number | "theory" | ((t: number) => number);
  x0: Float64Array;
  failAt: SharedSpec["failAt"];
}

function check(problem: Problem, opts: Record<string, unknown>): Checked {
  const o = options<DistributedOptions>("options", opts, KEYS);
  if (o.method !== undefined) oneOf("method", o.method, ["distributed"] as const);
  if (o.nodes === undefined) throw new TypeError(`nodes must be an integer M ≥ 1 or a non-empty array of { data, sketch } for method "distributed", got undefined`);
  if (o.batch !== undefined && o.batch !== "full") {
    throw new RangeError(`batch must be "full" for method "distributed" (each node uses its whole shard, option I), got ${show(o.batch)}`);
  }
  // the cheap checks first: plan() copies the shards
  const workers = integer("workers", o.workers ?? 0, 0, MAX_WORKERS);
  const seed = splitSeed(o.seed ?? 0);
  if (o.onProgress !== undefined && typeof o.onProgress !== "function") throw new TypeError(`onProgress must be a function, got ${show(o.onProgress)}`);
  const s = o.stepSize ?? "theory";
  let step: Checked["step"];
  if (s === "theory" || typeof s === "function") step = s;
  else if (typeof s === "number") step = positive("stepSize", s);
  else throw new TypeError(`stepSize must be a positive number, "theory" or a function t => γ_t, got ${show(s)}`);
  const x0 = o.x0 === undefined ? Float64Array.from(problem.shift) : vector("x0", o.x0, problem.dimension);
  if (o.iterations !== undefined) integer("iterations", o.iterations, 0);
  if (o.recordEvery !== undefined) integer("recordEvery", o.recordEvery, 1);
  const p = plan(problem, o.nodes, o.sketch);
  const T = integer("iterations", o.iterations ?? 1000, 0, Math.floor(2 ** 53 / p.M) - 1);
  const recordEvery = integer("recordEvery", o.recordEvery ?? Math.max(1, Math.ceil(T / 100)), 1);
  let failAt: SharedSpec["failAt"] = null;
  if (o.failAt !== undefined) {
    const f = options<NonNullable<DistributedOptions["failAt"]>>("failAt", o.failAt, ["node", "round", "mode"]);
    failAt = {
      node: integer("failAt.node", f.node, 0, p.M - 1),
      round: integer("failAt.round", f.round, 0),
      mode: oneOf("failAt.mode", f.mode ?? "throw", ["throw", "crash", "exit"] as const),
    };
  }
  return { plan: p, workers, T, seed, recordEvery, onProgress: o.onProgress, step, x0, failAt };
}

// ---------------------------------------------------------------------------------------------------------------
// Constants (section 4.3)
// ---------------------------------------------------------------------------------------------------------------

/** combine(per, T, γ): D_max, the step sizes and the bound's coefficients from the per-node constants. */
function combine(per: NodeConstants[], T: number, gammaArg?: number): DistributedConstants {
  let Dmax = 0, convex = 0;
  for (const c of per) {
    Dmax = Math.max(Dmax, c.L * c.L * c.LD * c.LSmax);
    convex = Math.max(convex, c.L * c.LSmax);
  }
  const Teff = Math.max(1, T);
  const stepSize = 1 / Math.sqrt(Dmax * Teff);
  const gamma = gammaArg ?? stepSize;
  return {
    nodes: per.length,
    rows: per.map((c) => c.rows), L: per.map((c) => c.L), LD: per.map((c) => c.LD), muD: per.map((c) => c.muD), LSmax: per.map((c) => c.LSmax),
    Dmax, iterations: T, stepSize, convexStepSize: 1 / convex, gamma,
    startCoefficient: 6 / (gamma * Teff),
    errorTerm: {
      coefficient: 2 * gamma * Dmax,
      multiplies: "f_D^inf − (1/M) Σ_i f_i^inf",
      bound: "min_{t<T} E‖∇f_D(x_t)‖² ≤ 6(f_D(x_0) − f_D^inf)/(γT) + 2γ·D_max·(f_D^inf − (1/M) Σ_i f_i^inf), γ ≤ 1/√(D_max·T)",
    },
  };
}

/**
 * distributedConstants(problem, { nodes, sketch, iterations, stepSize }): the constants of section 4.3 for the nodes a
 * distributed run with these options would use: per node n_i, L_{f_i} (a Problem on each shard, its `constants()`),
 * L_{D_i} and L_{S_i}^max; D_max = max_i L_{f_i}² L_{D_i} L_{S_i}^max; the theory step γ = 1/√(D_max·T) (what
 * `stepSize: "theory"` uses); the convex-case step 1/(max_i L_{f_i} L_{S_i}^max); and the coefficients of the bound
 * min_t E‖∇f_D(x_t)‖² ≤ 6(f_D(x_0) − f_D^inf)/(γT) + 2γ D_max (f_D^inf − (1/M) Σ_i f_i^inf) at γ = stepSize (or the
 * number given as `stepSize`).
 */
export function distributedConstants(problem: Problem, opts: { nodes?: unknown; sketch?: Sketch; iterations?: number; stepSize?: unknown } = {}): DistributedConstants {
  const o = options<{ nodes: unknown; sketch: Sketch; iterations: number; stepSize: unknown }>("options", opts, ["nodes", "sketch", "iterations", "stepSize"]);
  if (!(problem instanceof Problem)) throw new TypeError(`problem must be a data problem (mast.problem), got ${show(problem)}`);
  if (o.nodes === undefined) throw new TypeError("nodes must be an integer M ≥ 1 or a non-empty array of { data, sketch }, got undefined");
  const p = plan(problem, o.nodes, o.sketch);
  const T = integer("iterations", o.iterations ?? 1000, 0);
  const gamma = o.stepSize === undefined || o.stepSize === "theory" ? undefined : positive("stepSize", o.stepSize);
  const shared: SharedSpec = { loss: problem.loss, l2: problem.l2, shift: problem.shift, seed: [0, 0], M: p.M, failAt: null };
  const per = p.specs.map((s) => new NodeState(problem.module, s, shared).constants());
  return combine(per, T, gamma);
}

// ---------------------------------------------------------------------------------------------------------------
// Threads
// ---------------------------------------------------------------------------------------------------------------

type Reply = { type: string; [k: string]: unknown };

/** A failure of one worker: what happened, and which node when the worker said so. */
class LinkFailure extends Error {
  constructor(message: string, readonly node: number | null, readonly kind: "threw" | "died" | "exited", cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
  }
}

/** A rejection tagged with the worker it came from. */
class Failed { constructor(readonly link: Link, readonly error: unknown) {} }

/** One worker thread behind a request/reply interface (one request in flight at a time). */
class Link {
  readonly index: number;
  readonly nodes: number[];
  readonly raw: unknown;
  private post: (msg: unknown, transfer: Transferable[]) => void;
  private kill: () => Promise<unknown> | unknown;
  private pending: { resolve: (r: Reply) => void; reject: (e: LinkFailure) => void } | null = null;
  private queue: Reply[] = [];
  private failure: LinkFailure | null = null;
  private terminated = false;

  constructor(index: number, nodes: number[], raw: unknown, kind: "worker_threads" | "web") {
    this.index = index;
    this.nodes = nodes;
    this.raw = raw;
    if (kind === "web") {
      const w = raw as Worker;
      this.post = (m, t) => w.postMessage(m, t);
      this.kill = () => w.terminate();
      w.addEventListener("message", (e) => this.receive((e as MessageEvent).data as Reply));
      w.addEventListener("error", (e) => {
        const ev = e as ErrorEvent;
        ev.preventDefault?.();
        const what = ev.error instanceof Error ? ev.error.message : typeof ev.message === "string" ? ev.message.split("\n")[0] : "unknown error";
        this.fail(new LinkFailure(`the worker thread died with an uncaught error: ${what}`, null, "died", ev.error));
      });
      w.addEventListener("messageerror", () => this.fail(new LinkFailure("a message from the worker could not be deserialised", null, "died")));
    } else {
      const w = raw as import("node:worker_threads").Worker;
      this.post = (m, t) => w.postMessage(m, t as never);
      this.kill = () => w.terminate();
      w.on("message", (m: Reply) => this.receive(m));
      w.on("error", (e: Error) => this.fail(new LinkFailure(`the worker thread died with an uncaught error: ${e?.message ?? String(e)}`, null, "died", e)));
      w.on("messageerror", () => this.fail(new LinkFailure("a message from the worker could not be deserialised", null, "died")));
      w.on("exit", (code: number) => {
        if (!this.terminated) this.fail(new LinkFailure(`the worker thread exited with code ${code}`, null, "exited"));
      });
    }
  }

  private receive(m: Reply): void {
    if (m && m.type === "error") {
      const node = typeof m.node === "number" ? m.node : null;
      this.fail(new LinkFailure(`threw: ${String(m.message)}`, node, "threw"));
      return;
    }
    if (this.pending) { const p = this.pending; this.pending = null; p.resolve(m); } else this.queue.push(m);
  }

  private fail(f: LinkFailure): void {
    if (this.terminated || this.failure) return;
    this.failure = f;
    if (this.pending) { const p = this.pending; this.pending = null; p.reject(f); }
  }

  /** next(): the next reply (or the failure). */
  next(): Promise<Reply> {
    if (this.queue.length) return Promise.resolve(this.queue.shift()!);
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => { this.pending = { resolve, reject }; });
  }

  /** request(msg, transfer): post and wait for the reply. */
  request(msg: unknown, transfer: Transferable[] = []): Promise<Reply> {
    if (this.failure) return Promise.reject(this.failure);
    try { this.post(msg, transfer); } catch (e) { return Promise.reject(e); }
    return this.next();
  }

  /** send(msg): post without waiting (throws a DataCloneError synchronously when the message can't be cloned). */
  send(msg: unknown, transfer: Transferable[] = []): void { this.post(msg, transfer); }

  async terminate(): Promise<void> {
    if (this.terminated) return;
    this.terminated = true;
    try { await this.kill(); } catch { /* already gone */ }
  }
}

/** The worker entry, next to this file in dist/. */
function workerUrl(): URL { return new URL("./distributed-worker.js", import.meta.url); }

/** threadKind(): Web Workers where the global Worker exists (browsers, Deno, Bun), else Node's worker_threads. */
function threadKind(): "web" | "worker_threads" {
  return typeof (globalThis as { Worker?: unknown }).Worker === "function" ? "web" : "worker_threads";
}

async function spawn(index: number, nodes: number[], kind: "web" | "worker_threads"): Promise<Link> {
  if (kind === "web") {
    const W = (globalThis as unknown as { Worker: typeof Worker }).Worker;
    const w = new W(new URL("./distributed-worker.js", import.meta.url), { type: "module", name: `mast-distributed-${index}` });
    return new Link(index, nodes, w, "web");
  }
  const wt = await import(/* @vite-ignore */ "node:worker_threads" as string) as typeof import("node:worker_threads");
  return new Link(index, nodes, new wt.Worker(workerUrl()), "worker_threads");
}

/** @internal The message that sets up a worker. */
export interface InitMessage {
  type: "init";
  module: WebAssembly.Module | null;
  build: "simd" | "scalar";
  worker: number;
  shared: SharedSpec;
  nodes: NodeSpec[];
}

function transfers(specs: NodeSpec[]): Transferable[] {
  const out: Transferable[] = [];
  for (const s of specs) {
    const w = s.data;
    for (const a of [w.values, w.indptr, w.indices, w.labels]) if (a && !out.includes(a.buffer as ArrayBuffer)) out.push(a.buffer as ArrayBuffer);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// The run
// ---------------------------------------------------------------------------------------------------------------

/** Coordinator-side sampler of one sketch distribution: its own small wasm instance. */
class Sampler {
  private readonly k: Kernel;
  constructor(module: WebAssembly.Module, d: number, sk: Sketch, seed: [number, number]) {
    const k = (this.k = new Kernel(module));
    const w = sketchWire(sk);
    k.call("sketchWorkspace", (ex) => ex.sketchWorkspace(d));
    const probs = w.probs ? k.putF64(w.probs) : 0;
    k.call("sketchConfigure", (ex) => { ex.sketchConfigure(w.code, w.k, w.p, probs); ex.setSeed(seed[0], seed[1]); ex.setSketchStream(0); });
  }
  /** sample(step): the support T and scales s of draw `step` (views, valid until the next call). */
  sample(step: number): { T: Int32Array; s: Float64Array } {
    const k = this.k;
    const m = k.call("sketchSample", (ex) => ex.sketchSample(step));
    return { T: k.i32(k.ex.supportPtr(), m), s: k.f64(k.ex.scalePtr(), m) };
  }
}

/** The node side as the coordinator sees it: in this thread or on workers. */
interface Backend {
  threads: DistributedResult["threads"];
  workers: number;
  /** Run round t: parts[i] = node i's sub-model; returns node i's gradient entries, in node order. */
  round(t: number, idx: Int32Array[], val: Float64Array[]): Promise<{ idx: Int32Array; val: Float64Array }[]> | { idx: Int32Array; val: Float64Array }[];
  values(x: Float64Array, t: number): Promise<number[]> | number[];
  constants(): Promise<NodeConstants[]> | NodeConstants[];
  close(): Promise<void>;
}

function localBackend(module: WebAssembly.Module, specs: NodeSpec[], shared: SharedSpec): Backend {
  const nodes = specs.map((s) => new NodeState(module, s, shared));
  let phase = "set-up";
  const guard = <T>(round: number | null, i: number, f: () => T): T => {
    try { return f(); } catch (e) {
      const where = round === null ? `at ${phase}` : `at round ${round}`;
      throw new DistributedError(`distributed run failed ${where}: node ${i} (coordinator thread) threw: ${describe(e)}`, round, [i], null, e);
    }
  };
  return {
    threads: "none",
    workers: 0,
    round: (t, idx, val) => nodes.map((n, i) => guard(t, i, () => n.round(t, idx[i], val[i]))),
    values: (x, t) => { phase = `the evaluation of f at round ${t}`; return nodes.map((n, i) => guard(null, i, () => n.value(x))); },
    constants: () => { phase = "the theory constants"; return nodes.map((n, i) => guard(null, i, () => n.constants())); },
    close: async () => {},
  };
}

function describe(e: unknown): string {
  if (e instanceof Error) return `${e.name === "Error" ? "" : `${e.name}: `}${e.message}`;
  return String(e);
}

async function workerBackend(problem: Problem, specs: NodeSpec[], shared: SharedSpec, k: number, ownShards: boolean): Promise<Backend> {
  const M = specs.length;
  const count = Math.min(k, M);
  const kind = threadKind();
  const assign: number[][] = Array.from({ length: count }, () => []);
  for (let i = 0; i < M; i++) assign[i % count].push(i);
  const links: Link[] = [];
  let current: { round: number | null; what: string } = { round: null, what: "at set-up" };

  const failure = async (link: Link, e: unknown): Promise<never> => {
    await Promise.all(links.map((l) => l.terminate()));
    const f = e instanceof LinkFailure ? e : new LinkFailure(`failed: ${describe(e)}`, null, "died", e);
    const nodes = f.node !== null ? [f.node] : link.nodes;
    const who = `${nodes.length === 1 ? "node" : "nodes"} ${nodes.join(", ")} (worker ${link.index})`;
    const what = f.kind === "threw" ? f.message : `lost: ${f.message}`;
    throw new DistributedError(`distributed run failed ${current.what}: ${who} ${what}`, current.round, nodes, link.index, f.cause ?? f,
      links.map((l) => l.raw));
  };
  /** all(f): run f on every link; the first failure terminates every worker and becomes a DistributedError. */
  const all = async <T>(f: (l: Link) => Promise<T>): Promise<T[]> => {
    try {
      return await Promise.all(links.map((l) => f(l).catch((e: unknown) => { throw new Failed(l, e); })));
    } catch (e) {
      if (e instanceof Failed) return failure(e.link, e.error);
      throw e;
    }
  };

  try {
    for (let w = 0; w < count; w++) links.push(await spawn(w, assign[w], kind));
  } catch (e) {
    await Promise.all(links.map((l) => l.terminate()));
    throw new DistributedError(`distributed run failed at set-up: could not start worker ${links.length} (${kind}): ${describe(e)}`, null, assign[links.length] ?? [], links.length, e);
  }
  await all(async (l) => {
    const hello = await l.next();
    if (hello.type !== "ready") throw new LinkFailure(`sent ${show(hello.type)} instead of "ready"`, null, "died");
    const mine = assign[l.index].map((i) => specs[i]);
    const msg: InitMessage = { type: "init", module: problem.module, build: problem.build, worker: l.index, shared, nodes: mine };
    const tr = ownShards ? transfers(mine) : [];
    try {
      l.send(msg, tr);
    } catch {
      // This runtime can't clone a WebAssembly.Module: the worker compiles the shipped .wasm of the same build.
      l.send({ ...msg, module: null }, tr);
    }
    const r = await l.next();
    if (r.type !== "init-done") throw new LinkFailure(`sent ${show(r.type)} instead of "init-done"`, null, "died");
  });

  const parts = (l: Link, r: Reply): Map<number, { idx: Int32Array; val: Float64Array }> => {
    const out = new Map<number, { idx: Int32Array; val: Float64Array }>();
    for (const p of r.parts as { node: number; idx: Int32Array; val: Float64Array }[]) out.set(p.node, p);
    if (out.size !== l.nodes.length) throw new LinkFailure(`replied for ${out.size} of its ${l.nodes.length} nodes`, null, "died");
    return out;
  };

  return {
    threads: kind,
    workers: count,
    async round(t, idx, val) {
      current = { round: t, what: `at round ${t}` };
      const res = new Array<{ idx: Int32Array; val: Float64Array }>(M);
      await all(async (l) => {
        const tr: Transferable[] = [];
        const msg = l.nodes.map((i) => { tr.push(idx[i].buffer as ArrayBuffer, val[i].buffer as ArrayBuffer); return { node: i, idx: idx[i], val: val[i] }; });
        const r = await l.request({ type: "round", t, parts: msg }, tr);
        for (const [i, p] of parts(l, r)) res[i] = { idx: p.idx, val: p.val };
      });
      return res;
    },
    async values(x, t) {
      current = { round: null, what: `at the evaluation of f at round ${t}` };
      const res = new Array<number>(M);
      await all(async (l) => {
        const r = await l.request({ type: "value", x });
        for (const [i, f] of r.values as [number, number][]) res[i] = f;
      });
      return res;
    },
    async constants() {
      current = { round: null, what: "at the theory constants" };
      const res = new Array<NodeConstants>(M);
      await all(async (l) => {
        const r = await l.request({ type: "constants" });
        for (const [i, c] of r.constants as [number, NodeConstants][]) res[i] = c;
      });
      return res;
    },
    async close() { await Promise.all(links.map((l) => l.terminate())); },
  };
}

/** @internal `problem.minimize({ method: "distributed", … })`. */
export async function minimizeDistributed(problem: Problem, opts: Record<string, unknown>): Promise<DistributedResult> {
  const c = check(problem, opts);
  const { M, specs } = c.plan;
  const d = problem.dimension, T = c.T;
  const v = problem.shift;
  const shared: SharedSpec = { loss: problem.loss, l2: problem.l2, shift: Float64Array.from(v), seed: c.seed, M, failAt: c.failAt };

  // Coordinator samplers: one per distinct distribution (a permutation is drawn once per round for all its nodes).
  const samplers = new Map<string, Sampler>();
  const samplerOf = specs.map((s) => {
    const key = JSON.stringify(s.sketch);
    if (!samplers.has(key)) samplers.set(key, new Sampler(problem.module, d, s.sketch, c.seed));
    return samplers.get(key)!;
  });
  let totalRows = 0;
  for (const s of specs) totalRows += s.data.rows;

  const backend = c.workers === 0 ? localBackend(problem.module, specs, shared) : await workerBackend(problem, specs, shared, c.workers, c.plan.ownShards);
  try {
    let constants: DistributedConstants | undefined;
    const theory = async (): Promise<DistributedConstants> => (constants ??= combine(await backend.constants(), T));
    let gamma = NaN;
    let schedule: ((t: number) => number) | null = null;
    if (c.step === "theory") gamma = (await theory()).stepSize;
    else if (typeof c.step === "function") schedule = c.step;
    else gamma = c.step;

    const x = Float64Array.from(c.x0);
    const acc = new Float64Array(d), next = new Float64Array(d);
    const seen = new Uint8Array(d), touched = new Int32Array(d);
    const down = new Float64Array(T), up = new Float64Array(T);
    const nodeDown = new Float64Array(M), nodeUp = new Float64Array(M);
    const densePerRound = M * d * 8;
    const local = backend.threads === "none";
    // Scratch for the sub-models when the nodes run here (workers get fresh arrays they take ownership of).
    const scratchIdx = local ? specs.map(() => new Int32Array(d)) : [];
    const scratchVal = local ? specs.map(() => new Float64Array(d)) : [];
    let sentDown = 0, sentUp = 0, coords = 0;
    const started = performance.now();
    const trace: DistributedTraceRow[] = [];
    const record = async (t: number): Promise<boolean> => {
      const fs = await backend.values(x, t);
      let s = 0;
      for (let i = 0; i < M; i++) s += fs[i];
      const row: DistributedTraceRow = {
        iteration: t, f: s / M, gradEvals: t * totalRows, ms: performance.now() - started,
        bytesDown: sentDown, bytesUp: sentUp, denseBytes: t * densePerRound,
      };
      trace.push(row);
      return c.onProgress ? c.onProgress(row) !== false : true;
    };

    let t = 0;
    let stoppedBy: MinimizeResult["stoppedBy"] = "iterations";
    if (!(await record(0))) stoppedBy = "callback";
    const subIdx: Int32Array[] = new Array(M), subVal: Float64Array[] = new Array(M);
    while (t < T && stoppedBy === "iterations") {
      const g = schedule ? positive(`stepSize(${t})`, schedule(t)) : gamma;
      // 1–2. Draw S_i^t and cut out the sub-model entries y_j = v_j + s_j(x_j − v_j) ≠ v_j, in support order.
      let roundDown = 0;
      for (let i = 0; i < M; i++) {
        const { T: supp, s } = samplerOf[i].sample(t * M + i);
        const m = supp.length;
        coords += m;
        const bi = local ? scratchIdx[i] : new Int32Array(m), bv = local ? scratchVal[i] : new Float64Array(m);
        let e = 0;
        for (let q = 0; q < m; q++) {
          const j = supp[q];
          const y = v[j] + s[q] * (x[j] - v[j]);
          if (y !== v[j]) { bi[e] = j; bv[e] = y; e++; }
        }
        subIdx[i] = local ? bi.subarray(0, e) : e === m ? bi : bi.slice(0, e);
        subVal[i] = local ? bv.subarray(0, e) : e === m ? bv : bv.slice(0, e);
        nodeDown[i] += 12 * e;
        roundDown += 12 * e;
      }
      // 3. The nodes' sketched gradients.
      const replies = await backend.round(t, subIdx, subVal);
      // 4. Sum in node order, then step.
      let nt = 0, roundUp = 0;
      for (let i = 0; i < M; i++) {
        const { idx, val } = replies[i];
        const n = idx.length;
        nodeUp[i] += 12 * n;
        roundUp += 12 * n;
        for (let r = 0; r < n; r++) {
          const j = idx[r];
          if (seen[j] === 0) { seen[j] = 1; touched[nt++] = j; acc[j] = val[r]; } else acc[j] += val[r];
        }
      }
      let ok = true;
      for (let q = 0; q < nt; q++) {
        const j = touched[q];
        const nx = x[j] - g * (acc[j] / M);
        if (!Number.isFinite(nx)) ok = false;
        next[j] = nx;
      }
      if (!ok) {
        const suggested = (await theory()).stepSize;
        throw new DivergenceError("distributed", t, g, suggested, Float64Array.from(x));
      }
      for (let q = 0; q < nt; q++) { const j = touched[q]; x[j] = next[j]; seen[j] = 0; }
      coords += nt;
      down[t] = roundDown;
      up[t] = roundUp;
      sentDown += roundDown;
      sentUp += roundUp;
      t++;
      if (t % c.recordEvery === 0 || t === T) if (!(await record(t))) stoppedBy = "callback";
    }

    const dense = t * densePerRound;
    const communication: Communication = {
      entryBytes: 12,
      down: down.slice(0, t), up: up.slice(0, t), densePerRound,
      perNode: { down: nodeDown, up: nodeUp },
      totals: { down: sentDown, up: sentUp, dense, downRatio: dense > 0 ? sentDown / dense : 0, upRatio: dense > 0 ? sentUp / dense : 0 },
    };
    const result: DistributedResult = {
      x, iterations: t, trace, digest: digestF64(x), stepSize: gamma, stoppedBy, checkpoint: new Uint8Array(0),
      work: { coordsTouched: coords, rowsTouched: t * totalRows },
      communication, nodes: M, workers: backend.workers, threads: backend.threads,
    };
    if (c.step === "theory") result.constants = constants;
    return result;
  } finally {
    await backend.close();
  }
}

/** @internal The shipped .wasm bytes of a build, next to this file (for runtimes that can't clone a Module). */
export async function shippedModule(build: "simd" | "scalar"): Promise<WebAssembly.Module> {
  const url = defaultUrl(build);
  if (url.protocol === "file:") {
    const fs = await import(/* @vite-ignore */ "node:fs/promises" as string) as typeof import("node:fs/promises");
    return WebAssembly.compile(new Uint8Array(await fs.readFile(url)) as BufferSource);
  }
  const res = await fetch(url);
  if (!res.ok) throw new Error(`mast-wasm: could not load ${url.href}: HTTP ${res.status}`);
  return WebAssembly.compile(await res.arrayBuffer());
}
