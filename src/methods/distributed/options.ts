/**
 * The options of a distributed run (paper, section 4.3), checked once: the nodes' shards and sketches (the plan), where
 * they compute (threads or endpoints), the step, the record settings and the checkpoint a run resumes from.
 * @module
 */
import { Dataset } from "../../data/dataset.js";
import { type Sketch, checkSketch, isUnitSketch } from "../../sketch/spec.js";
import { integer, oneOf, options, positive, show, vector } from "../../runtime/validate.js";
import { splitSeed } from "../../runtime/seed.js";
import { digestF64 } from "../../runtime/digest.js";
import { decodeCheckpoint } from "../../runtime/checkpoint.js";
import type { Objective } from "../objective.js";
import type { DistributedNode, DistributedOptions, DistributedTraceRow } from "./types.js";
import { type NodeSpec, type SharedSpec, wireOf } from "./node.js";

/** dataOf(problem): the data set of a data problem or a network; distributed runs need one. */
export function dataOf(problem: Objective): Dataset {
  const data = problem.linear?.data ?? problem.network?.data;
  if (!data) throw new RangeError(`method "distributed" needs a data problem (mast.problem) or a network (mast.network), not a ${problem.kind === "quadratic" ? "quadratic" : "model"}`);
  return data;
}

/** sharedSpec(problem, seed, M, failAt, batch): what every node of a run shares. */
export function sharedSpec(problem: Objective, seed: [number, number], M: number, failAt: SharedSpec["failAt"], batch: number | "full"): SharedSpec {
  const lin = problem.linear, net = problem.network;
  return {
    loss: lin ? lin.loss : "logistic", l2: lin ? lin.l2 : net!.l2, shift: Float64Array.from(problem.shift), seed, M, failAt,
    maxMemory: problem.kernel.limit, intercept: lin ? lin.intercept : false,
    network: net ? { hidden: [...net.hidden], activation: net.activation, l2: net.l2, maxBatch: net.maxBatch, batch } : null,
  };
}
const KEYS = ["method", "nodes", "workers", "endpoints", "token", "nodeTimeoutMs", "httpClient", "sketch", "stepSize", "iterations", "batch", "seed",
  "x0", "recordEvery", "onProgress", "resumeFrom", "failAt"] as const;
/** The most worker threads a run may ask for. */
export const MAX_WORKERS = 64;
/** How long a node process may take to answer one request before the run fails (ms). */
export const DEFAULT_NODE_TIMEOUT_MS = 30_000;
/** The `format` of a distributed run's checkpoint header. */
export const DISTRIBUTED_FORMAT = "mast-wasm distributed run";

export interface Plan {
  M: number;
  specs: NodeSpec[];
  /** Shards made here (their buffers may be transferred to workers). */
  ownShards: boolean;
}

/** shardFingerprint(w): a SHA-256 of a shard's arrays (a checkpoint of nodes with their own data names them by it). */
function shardFingerprint(w: NodeSpec["data"]): string {
  const parts = [Float64Array.of(w.rows, w.cols, w.format === "csr" ? 1 : 0), w.values, w.labels,
    w.indptr ? Float64Array.from(w.indptr) : new Float64Array(0), w.indices ? Float64Array.from(w.indices) : new Float64Array(0)];
  const all = new Float64Array(parts.reduce((n, a) => n + a.length + 1, 0));
  let o = 0;
  for (const a of parts) { all[o++] = a.length; all.set(a, o); o += a.length; }
  return digestF64(all);
}

/**
 * planSettings(plan): what a checkpoint records of the nodes: M, and each node's rows and sketch; for nodes with data
 * of their own, each shard's fingerprint too (shards cut from the problem are named by the problem's fingerprint).
 */
export function planSettings(p: Plan): { nodes: number | "own"; plan: { rows: number; sketch: Sketch; shard?: string }[] } {
  return {
    nodes: p.ownShards ? p.M : "own",
    plan: p.specs.map((s) => ({ rows: s.data.rows, sketch: s.sketch, ...(p.ownShards ? {} : { shard: shardFingerprint(s.data) }) })),
  };
}

function rethrow(prefix: string, e: unknown): never {
  if (e instanceof RangeError) throw new RangeError(`${prefix}: ${e.message}`);
  if (e instanceof TypeError) throw new TypeError(`${prefix}: ${e.message}`);
  throw e;
}

/** nodeSketch: a sketch valid in dimension d (or over a network's units); permutation sketches must have nodes = M. */
function nodeSketch(s: unknown, d: number, M: number, name: string, layout: readonly number[] | null): Sketch {
  let sk: Sketch;
  try { sk = checkSketch(s, d, name, layout); } catch (e) { rethrow(name, e); }
  if (sk.kind === "permutation" && sk.nodes !== M) {
    const what = isUnitSketch(sk) ? "every hidden layer's units" : "the coordinates";
    throw new RangeError(`${name}: a permutation sketch must have nodes = M = ${M} (the number of nodes; its blocks partition ${what} among them), got ${sk.nodes}`);
  }
  return sk;
}

/** The default sketch of M nodes: IST over the hidden units of a network with hidden layers (M ≤ its narrowest layer),
 *  else the permutation over coordinates (M ≤ d). `name` is the node's sketch option (an array of nodes) or null (a
 *  node count). */
function defaultSketch(problem: Objective, M: number, name: string | null): Sketch {
  const layout = problem.layout, d = problem.sketchDimension;
  const units = layout !== null && layout.length > 2;
  const most = units ? Math.min(...layout.slice(1, -1)) : d;
  if (M > most) {
    const what = units ? `${most} (the narrowest hidden layer) for the default sketch.permutation(nodes, { over: "units" }) (IST)` : `${d} (the dimension) for the default sketch.permutation(nodes)`;
    throw new RangeError(name === null
      ? `nodes must be in 1..${what}; give another sketch for more nodes, got ${M}`
      : `${name} is needed: M must be in 1..${what}, got M = ${M}`);
  }
  return units ? { kind: "permutation", nodes: M, over: "units" } : { kind: "permutation", nodes: M };
}

/** plan(problem, nodes, sketch): the nodes' shards and sketches. */
export function plan(problem: Objective, nodesArg: unknown, sketchArg: unknown): Plan {
  const data = dataOf(problem);
  const d = problem.sketchDimension, n = data.rows, layout = problem.layout, cols = data.cols;
  if (typeof nodesArg === "number") {
    const M = integer("nodes", nodesArg, 1, n);
    const sk = sketchArg === undefined ? defaultSketch(problem, M, null) : nodeSketch(sketchArg, d, M, "sketch", layout);
    const specs: NodeSpec[] = [];
    for (let i = 0; i < M; i++) {
      const lo = Math.floor((i * n) / M), hi = Math.floor(((i + 1) * n) / M);
      const rows = new Int32Array(hi - lo);
      for (let r = 0; r < rows.length; r++) rows[r] = lo + r;
      specs.push({ node: i, data: wireOf(data.subset(rows)), sketch: sk });
    }
    return { M, specs, ownShards: true };
  }
  if (!Array.isArray(nodesArg)) {
    throw new TypeError(`nodes must be an integer M ≥ 1 or a non-empty array of { data, sketch }, got ${show(nodesArg)}`);
  }
  const M = nodesArg.length;
  if (M < 1) throw new RangeError("nodes must be an integer M ≥ 1 or a non-empty array of { data, sketch }, got an empty array");
  const fallback = sketchArg === undefined ? undefined : nodeSketch(sketchArg, d, M, "sketch", layout);
  const specs = nodesArg.map((raw, i): NodeSpec => {
    const name = `nodes[${i}]`;
    const o = options<DistributedNode>(name, raw, ["data", "sketch"]);
    if (!(o.data instanceof Dataset)) throw new TypeError(`${name}.data must be a Dataset from mast.data.*, got ${show(o.data)}`);
    if (o.data.cols !== cols) throw new RangeError(`${name}.data must have ${cols} columns (the ${layout ? "network's inputs" : "problem's dimension"}), got ${o.data.cols}`);
    if (o.data.rows < 1) throw new RangeError(`${name}.data must have at least one row, got ${o.data.rows}`);
    if (problem.linear?.loss === "logistic" && !o.data.binary) {
      throw new RangeError(`${name}.data: loss "logistic" needs labels −1/+1 (or 0/1); this shard has other labels`);
    }
    const sk = o.sketch !== undefined ? nodeSketch(o.sketch, d, M, `${name}.sketch`, layout) : fallback ?? defaultSketch(problem, M, `${name}.sketch`);
    return { node: i, data: wireOf(layout ? withClassesOf(data, o.data, name) : o.data), sketch: sk };
  });
  return { M, specs, ownShards: false };
}

/** withClassesOf(parent, shard, name): a network node's shard with the network's classes (mapped by label value). */
function withClassesOf(parent: Dataset, shard: Dataset, name: string): Dataset {
  const index = new Map<number, number>();
  parent.classValues!.forEach((v, c) => index.set(v, c));
  const labels = Int32Array.from(shard.labels, (y, r) => {
    const raw = shard.classValues ? shard.classValues[shard.classLabels![r]] : y;
    const c = index.get(raw);
    if (c === undefined) throw new RangeError(`${name}.data row ${r} has label ${show(raw)}, which is not one of the network's class values`);
    return c;
  });
  return new Dataset({ format: shard.format, rows: shard.rows, cols: shard.cols, values: shard.values, indptr: shard.indptr, indices: shard.indices, labels: shard.labels, classes: { values: parent.classValues!, labels } });
}

/** The state a distributed checkpoint holds. */
export interface DistributedResume {
  /** The checkpoint's bytes (handed back by a failure at set-up). */
  bytes: Uint8Array;
  x: Float64Array;
  /** The γ the run used (a schedule is passed again). */
  gamma: number;
  down: Float64Array;
  up: Float64Array;
  nodeDown: Float64Array;
  nodeUp: Float64Array;
}

/** A distributed run, checked once. */
export interface DistributedSpec {
  plan: Plan;
  workers: number;
  /** The node processes' URLs (nodes round-robin on them), or null for threads. */
  endpoints: string[] | null;
  token: string | null;
  nodeTimeoutMs: number;
  /** The HTTP client of node processes. */
  httpClient: "auto" | "fetch";
  /** The round the run starts at (0, or the checkpoint's). */
  t0: number;
  T: number;
  seed: [number, number];
  seedValue: number;
  recordEvery: number;
  onProgress: ((row: DistributedTraceRow) => void | boolean) | undefined;
  step: number | "theory" | ((t: number) => number);
  /** How the step was given: a checkpoint stores it, and resuming keeps its γ. */
  stepRule: "theory" | "number" | "schedule";
  x0: Float64Array;
  failAt: SharedSpec["failAt"];
  /** Networks: τ rows of each node's shard a round, or "full" (data problems: always "full"). */
  batch: number | "full";
  resume: DistributedResume | null;
}

/** endpointList(v): the node processes' URLs, checked (http: or https:, no credentials). */
function endpointList(v: unknown, M: number): string[] {
  if (!Array.isArray(v) || v.length === 0) throw new TypeError(`endpoints must be a non-empty array of node URLs ("http://127.0.0.1:8701", …), got ${show(v)}`);
  if (v.length > M) throw new RangeError(`endpoints must have at most M = ${M} entries (the nodes are spread round-robin over them), got ${v.length}`);
  return v.map((e, i) => {
    if (typeof e !== "string") throw new TypeError(`endpoints[${i}] must be a URL string, got ${show(e)}`);
    let u: URL;
    try { u = new URL(e); } catch { throw new TypeError(`endpoints[${i}] must be a URL such as "http://127.0.0.1:8701", got ${show(e)}`); }
    if (u.protocol !== "http:" && u.protocol !== "https:") throw new RangeError(`endpoints[${i}] must be an http: or https: URL, got ${show(e)}`);
    if (u.username || u.password) throw new RangeError(`endpoints[${i}] must not carry credentials (give token instead), got ${show(e)}`);
    if (u.search || u.hash) throw new RangeError(`endpoints[${i}] must not have a query or fragment, got ${show(e)}`);
    return e;
  });
}

/** distributedSpec(problem, opts): every option of a distributed run, checked (and the checkpoint it resumes from). */
export function distributedSpec(problem: Objective, opts: Record<string, unknown>): DistributedSpec {
  const o = options<DistributedOptions>("options", opts, KEYS);
  if (o.method !== undefined) oneOf("method", o.method, ["distributed"] as const);
  if (o.nodes === undefined && o.resumeFrom === undefined) throw new TypeError(`nodes must be an integer M ≥ 1 or a non-empty array of { data, sketch } for method "distributed", got undefined`);
  const net = problem.network;
  let batch: number | "full" = "full";
  if (net) {
    if (o.batch !== undefined && o.batch !== "full") {
      if (typeof o.batch !== "number") throw new RangeError(`batch must be "full" or an integer in 1..${net.maxBatch}, got ${show(o.batch)}`);
      batch = integer("batch", o.batch, 1, net.maxBatch);
    } else if (o.batch === undefined) batch = Math.min(64, net.maxBatch);
  } else if (o.batch !== undefined && o.batch !== "full") {
    throw new RangeError(`batch must be "full" for method "distributed" on a data problem (each node uses its whole shard, option I), got ${show(o.batch)}`);
  }
  const ck = o.resumeFrom === undefined ? null : decodeCheckpoint(o.resumeFrom);
  const h = (ck?.header ?? {}) as Record<string, unknown>;
  const st = (h.settings ?? {}) as Record<string, unknown>;
  if (ck) {
    if (h.format !== DISTRIBUTED_FORMAT) {
      throw new RangeError(`resumeFrom is a checkpoint of a single-machine run (method ${show(st.method)}); resume it without method "distributed"`);
    }
    if (h.dimension !== problem.dimension || h.fingerprint !== problem.fingerprint()) {
      throw new RangeError("resumeFrom is a checkpoint of a different problem (its data, shift or dimension differ)");
    }
    if (o.x0 !== undefined) throw new RangeError("x0 cannot be given when resuming (the checkpoint holds x)");
  }
  let nodesArg: unknown = o.nodes;
  if (nodesArg === undefined && ck) {
    if (typeof st.nodes !== "number") throw new TypeError("nodes must be given again to resume a run whose nodes had data of their own (the checkpoint names their shards, it does not hold them)");
    nodesArg = st.nodes;
  }
  if (nodesArg === undefined) throw new TypeError(`nodes must be an integer M ≥ 1 or a non-empty array of { data, sketch } for method "distributed", got undefined`);
  // the cheap checks first: plan() copies the shards
  const workers = integer("workers", o.workers ?? 0, 0, MAX_WORKERS);
  let seedValue: number;
  if (ck) {
    if (o.seed !== undefined && integer("seed", o.seed, 0) !== st.seed) throw new RangeError(`seed differs from the checkpoint's setting (${show(st.seed)}); omit it when resuming`);
    seedValue = st.seed as number;
  } else seedValue = integer("seed", o.seed ?? 0, 0);
  const seed = splitSeed(seedValue);
  if (o.onProgress !== undefined && typeof o.onProgress !== "function") throw new TypeError(`onProgress must be a function, got ${show(o.onProgress)}`);
  let s: unknown = o.stepSize;
  if (ck) {
    if (st.stepRule === "schedule" && typeof s !== "function") {
      throw new TypeError("stepSize must be given again as the same function t => γ_t to resume a run that used a schedule");
    }
    if (s === undefined) s = st.stepRule === "theory" ? "theory" : st.stepSize;
  }
  s ??= "theory";
  let step: DistributedSpec["step"];
  if (s === "theory" || typeof s === "function") step = s as DistributedSpec["step"];
  else if (typeof s === "number") step = positive("stepSize", s);
  else throw new TypeError(`stepSize must be a positive number, "theory" or a function t => γ_t, got ${show(s)}`);
  const stepRule = typeof step === "function" ? "schedule" : step === "theory" ? "theory" : "number";
  if (ck && (st.stepRule !== stepRule || (stepRule === "number" && step !== st.stepSize))) {
    throw new RangeError(`stepSize differs from the checkpoint's setting (${st.stepRule === "theory" ? `"theory", γ = ${st.stepSize}` : show(st.stepSize)}); omit it when resuming`);
  }
  if (ck && st.batch !== undefined && o.batch !== undefined && JSON.stringify(batch) !== JSON.stringify(st.batch)) {
    throw new RangeError(`batch differs from the checkpoint's setting (${show(st.batch)}); omit it when resuming`);
  }
  if (ck && st.batch !== undefined) batch = st.batch as number | "full";
  const x0 = o.x0 !== undefined ? vector("x0", o.x0, problem.dimension)
    : problem.initialX ? problem.initialX(seedValue) : Float64Array.from(problem.shift);
  if (o.iterations !== undefined) integer("iterations", o.iterations, 0);
  if (o.recordEvery !== undefined) integer("recordEvery", o.recordEvery, 1);
  if (o.nodeTimeoutMs !== undefined) positive("nodeTimeoutMs", o.nodeTimeoutMs);
  const p = plan(problem, nodesArg, o.sketch);
  let endpoints: string[] | null = null, token: string | null = null;
  if (o.endpoints !== undefined) {
    endpoints = endpointList(o.endpoints, p.M);
    if (workers !== 0) throw new RangeError(`workers goes with threads; with endpoints the nodes compute in the node processes (omit workers), got workers ${workers}`);
  }
  if (o.token !== undefined) {
    if (endpoints === null) throw new RangeError("token goes with endpoints (it is sent to the node processes)");
    if (typeof o.token !== "string" || !/^[\x21-\x7e]{1,4096}$/.test(o.token)) {
      throw new TypeError(`token must be a string of 1 to 4096 visible ASCII characters (no spaces), got ${typeof o.token === "string" ? `a string of length ${o.token.length} with other characters` : show(o.token)}`);
    }
    token = o.token;
  }
  if (o.nodeTimeoutMs !== undefined && endpoints === null) throw new RangeError("nodeTimeoutMs goes with endpoints (it bounds how long a node process may take to answer)");
  const nodeTimeoutMs = o.nodeTimeoutMs === undefined ? DEFAULT_NODE_TIMEOUT_MS : Math.min(positive("nodeTimeoutMs", o.nodeTimeoutMs), 2 ** 31 - 1);
  if (o.httpClient !== undefined && endpoints === null) throw new RangeError("httpClient goes with endpoints (it is how requests reach the node processes)");
  const httpClient = o.httpClient === undefined ? "auto" : oneOf("httpClient", o.httpClient, ["auto", "fetch"] as const);
  let resume: DistributedResume | null = null;
  const t0 = ck ? (h.t as number) : 0;
  if (ck) {
    const mine = planSettings(p);
    if (JSON.stringify(mine.nodes) !== JSON.stringify(st.nodes) || JSON.stringify(mine.plan) !== JSON.stringify(st.plan)) {
      const why = mine.plan.length !== (st.plan as unknown[]).length ? `M = ${mine.plan.length}, the checkpoint's M = ${(st.plan as unknown[]).length}`
        : o.sketch !== undefined ? "their sketches or shards differ" : "their shards or sketches differ";
      throw new RangeError(`nodes differ from the checkpoint's (${why}); give the same nodes and sketch${o.sketch === undefined ? "" : ", or omit sketch,"} when resuming`);
    }
    const a = ck.arrays;
    resume = { bytes: o.resumeFrom as Uint8Array, x: a.x, gamma: st.stepSize === "schedule" ? NaN : (st.stepSize as number), down: a.down, up: a.up, nodeDown: a.nodeDown, nodeUp: a.nodeUp };
  }
  const T = integer("iterations", o.iterations ?? 1000, t0, Math.floor(2 ** 53 / p.M) - 1);
  const recordEvery = integer("recordEvery", o.recordEvery ?? Math.max(1, Math.ceil((T - t0) / 100)), 1);
  let failAt: SharedSpec["failAt"] = null;
  if (o.failAt !== undefined) {
    if (endpoints !== null) throw new RangeError("failAt is a test hook of threads; with endpoints, stop a node process instead");
    const f = options<NonNullable<DistributedOptions["failAt"]>>("failAt", o.failAt, ["node", "round", "mode"]);
    failAt = {
      node: integer("failAt.node", f.node, 0, p.M - 1),
      round: integer("failAt.round", f.round, 0),
      mode: oneOf("failAt.mode", f.mode ?? "throw", ["throw", "crash", "exit"] as const),
    };
  }
  if (net) for (let i = 0; i < x0.length; i++) x0[i] = Math.fround(x0[i]);   // a network's parameters are f32
  return { plan: p, workers, endpoints, token, nodeTimeoutMs, httpClient, t0, T, seed, seedValue, recordEvery, onProgress: o.onProgress, step, stepRule, x0, failAt, resume, batch };
}
