/**
 * The node side of a distributed round (paper, section 4.3), shared by the calling thread, worker threads and node
 * processes (serve.ts): node i redraws its sketch S_i^t from the shared seed, receives the entries of its sub-model
 * y_i = v + S_i^t(x − v) that differ from v, and returns the non-zero entries of g_i = S_i^t ∇f_i(y_i) over its shard.
 * @module
 */
import { Dataset } from "../../data/dataset.js";
import type { Sketch } from "../../sketch/spec.js";
import { sketchConstants } from "../../sketch/constants.js";
import { configureSampler } from "../../sketch/wire.js";
import { STREAM } from "../../runtime/codes.js";
import type { Loss, Objective } from "../objective.js";

/** A data set as plain arrays (what crosses postMessage). */
export interface DatasetWire {
  format: "dense" | "csr"; rows: number; cols: number; values: Float64Array;
  indptr: Int32Array | null; indices: Int32Array | null; labels: Float64Array;
  /** The classes (a shard keeps its parent's, even those it has no row of). */
  classValues?: Float64Array | null; classLabels?: Int32Array | null;
}

/** @internal What network nodes share besides the common spec: the network and the rows of a node's round. */
export interface NetworkShared {
  hidden: number[];
  activation: "relu" | "tanh";
  l2: number;
  maxBatch: number;
  /** τ rows of the node's shard per round (nice sampling, draw t·M + i), or "full": the whole shard. */
  batch: number | "full";
}

/** @internal What a node's objective is built from: its shard and the run's shared settings. */
export interface ShardObjectiveOptions {
  data: Dataset; loss: "logistic" | "squared"; l2: number; shift: Float64Array; maxMemory: number;
  /** Data problems: fit an intercept (x's last entry). */
  fitIntercept: boolean;
  /** Networks: the layers and rows per round; null for data problems. */
  network: NetworkShared | null;
}

/** @internal What every node of a run shares. */
export interface SharedSpec {
  loss: Loss;
  l2: number;
  shift: Float64Array;
  seed: [number, number];
  M: number;
  failAt: { node: number; round: number; mode: "throw" | "crash" | "exit" } | null;
  /** Each node's wasm memory limit (the problem's). */
  maxMemory: number;
  /** Data problems: whether x ends with an intercept (fitIntercept). */
  intercept?: boolean;
  /** Networks: the network every node builds on its shard; null for data problems. */
  network?: NetworkShared | null;
}

/** @internal One node's set-up. */
export interface NodeSpec { node: number; data: DatasetWire; sketch: Sketch }

/** Per-node constants for section 4.3. */
export interface NodeConstants { rows: number; L: number; LD: number; muD: number; LSmax: number }

/** wireOf(d): a data set's arrays, for postMessage. */
export function wireOf(d: Dataset): DatasetWire {
  return { format: d.format, rows: d.rows, cols: d.cols, values: d.values, indptr: d.indptr, indices: d.indices, labels: d.labels,
    classValues: d.classValues, classLabels: d.classLabels };
}
/** datasetOf(w): a Dataset again from its arrays. */
export function datasetOf(w: DatasetWire | Dataset): Dataset {
  if (w instanceof Dataset) return w;
  const { classValues, classLabels, ...rest } = w;
  return new Dataset({ ...rest, classes: classValues && classLabels ? { values: classValues, labels: classLabels } : undefined });
}

/**
 * @internal One node: the objective f_i over its shard (in a wasm instance of its own) and the sketch sampler of D_i.
 * `round()` is the whole node side of the protocol.
 */
export class NodeState {
  readonly node: number;
  readonly objective: Objective;
  private readonly sketch: Sketch;
  private readonly shared: SharedSpec;
  private readonly d: number;
  private mark0 = 0;
  private pOut = 0;

  constructor(objective: Objective, spec: NodeSpec, shared: SharedSpec) {
    this.node = spec.node;
    this.sketch = spec.sketch;
    this.shared = shared;
    this.objective = objective;
    this.d = objective.dimension;
    this.mark0 = objective.kernel.ex.mark();
    this.setup();
  }

  /** Configure the sampler and the output buffer after the objective's own buffers (redone after constants(), whose
   *  power iteration takes the same scratch). */
  private setup(): void {
    const k = this.objective.kernel;
    configureSampler(k, this.sketch, this.mark0);
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
    const k = this.objective.kernel;
    const v = this.shared.shift, M = this.shared.M;
    return k.call("supportGradient", (ex) => {
      ex.setSeed(this.shared.seed[0], this.shared.seed[1]);
      ex.setSketchStream(STREAM.sketch);
      const m = ex.sketchSample(t * M + this.node);
      const T = k.i32(ex.supportPtr(), m);
      const delta = k.f64(ex.deltaPtr(), m);
      let r = 0;
      for (let q = 0; q < m; q++) {
        const j = T[q];
        if (r < idx.length && idx[r] === j) { delta[q] = val[r] - v[j]; r++; } else delta[q] = 0;
      }
      if (r !== idx.length) {
        throw new RangeError(`node ${this.node} received ${idx.length} sub-model entries at round ${t} but only ${r} lie on its support (sketch streams out of step)`);
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
  value(x: Float64Array): number {
    const o = this.objective, k = o.kernel;
    k.f64(o.buffers.x, this.d).set(x);
    return k.call("value", (ex) => ex.value(o.buffers.x));
  }

  /** constants(): n_i, L_{f_i}, L_{D_i}, μ_{D_i}, L_{S_i}^max. */
  constants(): NodeConstants {
    const { L } = this.objective.smooth();
    this.setup();
    const dS = this.objective.sketchDimension;
    const c = sketchConstants(this.sketch, dS);
    const pin = dS < this.d;   // an intercept at scale 1 in every S
    return { rows: this.objective.rows, L, LD: pin ? Math.max(c.LD, 1) : c.LD, muD: pin ? Math.min(c.muD, 1) : c.muD, LSmax: pin ? Math.max(c.LSmax, 1) : c.LSmax };
  }
}
