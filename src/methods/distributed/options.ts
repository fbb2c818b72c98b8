/**
 * The options of a distributed run (paper, section 4.3), checked once: the nodes' shards and sketches (the plan), the
 * threads, the step and the record settings.
 * @module
 */
import { Dataset } from "../../data/dataset.js";
import { type Sketch, checkSketch, isUnitSketch } from "../../sketch/spec.js";
import { integer, oneOf, options, positive, show, vector } from "../../runtime/validate.js";
import { splitSeed } from "../../runtime/seed.js";
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
const KEYS = ["method", "nodes", "workers", "sketch", "stepSize", "iterations", "batch", "seed", "x0", "recordEvery", "onProgress", "failAt"] as const;
/** The most worker threads a run may ask for. */
export const MAX_WORKERS = 64;

export interface Plan {
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

/** A distributed run, checked once. */
export interface DistributedSpec {
  plan: Plan;
  workers: number;
  T: number;
  seed: [number, number];
  recordEvery: number;
  onProgress: ((row: DistributedTraceRow) => void | boolean) | undefined;
  step: number | "theory" | ((t: number) => number);
  x0: Float64Array;
  failAt: SharedSpec["failAt"];
  /** Networks: τ rows of each node's shard a round, or "full" (data problems: always "full"). */
  batch: number | "full";
}

/** distributedSpec(problem, opts): every option of a distributed run, checked. */
export function distributedSpec(problem: Objective, opts: Record<string, unknown>): DistributedSpec {
  const o = options<DistributedOptions>("options", opts, KEYS);
  if (o.method !== undefined) oneOf("method", o.method, ["distributed"] as const);
  if (o.nodes === undefined) throw new TypeError(`nodes must be an integer M ≥ 1 or a non-empty array of { data, sketch } for method "distributed", got undefined`);
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
  // the cheap checks first: plan() copies the shards
  const workers = integer("workers", o.workers ?? 0, 0, MAX_WORKERS);
  const seed = splitSeed(o.seed ?? 0);
  if (o.onProgress !== undefined && typeof o.onProgress !== "function") throw new TypeError(`onProgress must be a function, got ${show(o.onProgress)}`);
  const s = o.stepSize ?? "theory";
  let step: DistributedSpec["step"];
  if (s === "theory" || typeof s === "function") step = s;
  else if (typeof s === "number") step = positive("stepSize", s);
  else throw new TypeError(`stepSize must be a positive number, "theory" or a function t => γ_t, got ${show(s)}`);
  const x0 = o.x0 !== undefined ? vector("x0", o.x0, problem.dimension)
    : problem.initialX ? problem.initialX(o.seed === undefined ? 0 : integer("seed", o.seed, 0)) : Float64Array.from(problem.shift);
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
  if (net) for (let i = 0; i < x0.length; i++) x0[i] = Math.fround(x0[i]);   // a network's parameters are f32
  return { plan: p, workers, T, seed, recordEvery, onProgress: o.onProgress, step, x0, failAt, batch };
}
