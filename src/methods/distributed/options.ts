/**
 * The options of a distributed run (paper, section 4.3), checked once: the nodes' shards and sketches (the plan), the
 * threads, the step and the record settings.
 * @module
 */
import { Dataset } from "../../data/dataset.js";
import { type Sketch, checkSketch } from "../../sketch/spec.js";
import { integer, oneOf, options, positive, show, vector } from "../../runtime/validate.js";
import { splitSeed } from "../../runtime/seed.js";
import type { LinearTerms, Objective } from "../objective.js";
import type { DistributedNode, DistributedOptions, DistributedTraceRow } from "./types.js";
import { type NodeSpec, type SharedSpec, wireOf } from "./node.js";

/** linearOf(problem): the data terms of a data problem; distributed runs need one. */
export function linearOf(problem: Objective): LinearTerms {
  if (!problem.linear) throw new RangeError(`method "distributed" needs a data problem (mast.problem), not a ${problem.kind === "quadratic" ? "quadratic" : "model"}`);
  return problem.linear;
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

/** nodeSketch: a sketch valid in dimension d; permutation sketches must have nodes = M. */
function nodeSketch(s: unknown, d: number, M: number, name: string): Sketch {
  let sk: Sketch;
  try { sk = checkSketch(s, d, name); } catch (e) { rethrow(name, e); }
  if (sk.kind === "permutation" && sk.nodes !== M) {
    throw new RangeError(`${name}: a permutation sketch must have nodes = M = ${M} (the number of nodes; its blocks partition the coordinates among them), got ${sk.nodes}`);
  }
  return sk;
}

/** plan(problem, nodes, sketch): the nodes' shards and sketches. */
export function plan(problem: Objective, nodesArg: unknown, sketchArg: unknown): Plan {
  const lin = linearOf(problem);
  const d = problem.dimension, n = lin.data.rows;
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
      specs.push({ node: i, data: wireOf(lin.data.subset(rows)), sketch: sk });
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
    if (lin.loss === "logistic" && !o.data.binary) {
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
}

/** distributedSpec(problem, opts): every option of a distributed run, checked. */
export function distributedSpec(problem: Objective, opts: Record<string, unknown>): DistributedSpec {
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
  let step: DistributedSpec["step"];
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
