/**
 * The node side of a distributed round on a network (paper, section 4.3; IST when the nodes' unit sketches are the
 * blocks of one permutation): node i receives x on the support of its sketch S_i^t (the parameters of its
 * subnetwork), forms y_i = v + S_i^t(x − v) itself — so that its f32 y is the one a single-machine step forms — and
 * returns the non-zero entries of g_i = S_i^t ∇f̂_i(y_i) over τ rows of its shard (draw t·M + i of the nice sampler) or
 * the whole shard. The unit sketch of node i at round t is draw t·M + i of stream 11; for the permutation over units
 * with M blocks that is block i of round t's permutation.
 * @module
 */
import { SKETCH, STREAM } from "../../runtime/codes.js";
import { isUnitSketch, type Sketch } from "../../sketch/spec.js";
import { configureNetworkSketch, sketchWire } from "../../sketch/wire.js";
import { sketchConstants } from "../../sketch/constants.js";
import { unitSketchConstants } from "../../sketch/units.js";
import type { Objective } from "../objective.js";
import type { NetworkShared, NodeConstants, NodeSpec, SharedSpec } from "./node.js";

/** @internal One network node: the network on its shard (its own wasm instance) and its sketch. */
export class NetworkNodeState {
  readonly node: number;
  readonly objective: Objective;
  private readonly sketch: Sketch;
  private readonly shared: SharedSpec;
  private readonly net: NetworkShared;
  private readonly d: number;
  private readonly coords: boolean;

  constructor(objective: Objective, spec: NodeSpec, shared: SharedSpec) {
    this.node = spec.node;
    this.sketch = spec.sketch;
    this.shared = shared;
    this.net = shared.network!;
    this.objective = objective;
    this.d = objective.dimension;
    this.coords = !isUnitSketch(spec.sketch) && sketchWire(spec.sketch).code !== SKETCH.identity;
    configureNetworkSketch(objective.kernel, spec.sketch, objective.buffers.base);
    const tau = this.net.batch === "full" ? 0 : Math.min(this.net.batch, objective.rows);
    objective.kernel.call("dsgdConfigure", (ex) => ex.dsgdConfigure(tau, 0, 0));
  }

  /** round(t, idx, val): x_j = val at j = idx (the support of S_i^t); returns the non-zero entries of
   *  g_i = S_i^t ∇f̂_i(y_i) (f32 values). */
  round(t: number, idx: Int32Array, val: Float64Array): { idx: Int32Array; val: Float64Array } {
    const f = this.shared.failAt;
    if (f && f.node === this.node && f.round === t) throw new Error(`injected failure (failAt: node ${f.node}, round ${f.round})`);
    const o = this.objective, k = o.kernel, step = t * this.shared.M + this.node;
    const x = k.f32(o.buffers.x, this.d);
    for (let r = 0; r < idx.length; r++) x[idx[r]] = val[r];
    k.ex.setSeed(this.shared.seed[0], this.shared.seed[1]);
    k.ex.setSketchStream(STREAM.sketch);
    if (this.net.batch !== "full") {
      const m = k.call("nnGradient", (ex) => {
        const B = ex.nnSampleBatch(step);
        return this.gradient(ex, ex.nnBatchRowsPtr(), ex.nnBatchWeightsPtr(), B, ex.nnBatchDivisor(), step);
      });
      return this.nonZero(m, k.ex.nnGradIdxPtr(), k.ex.nnGradValPtr());
    }
    // the whole shard: chunks of maxBatch rows summed in order in f32, the ℓ2 term in the first chunk only
    const nn = o.buffers.nn!, n = o.rows, chunk = this.net.maxBatch;
    let len = 0;
    try {
      for (let r0 = 0; r0 < n; r0 += chunk) {
        k.ex.nnSetPenalty(r0 === 0 ? 1 : 0);
        len = k.call("nnGradient", (ex) => this.gradient(ex, nn.rows + 4 * r0, 0, Math.min(chunk, n - r0), n, step));
        const out = k.f32(k.ex.nnGradValPtr(), len), acc = k.f32(nn.gx, len);
        if (r0 === 0) { acc.set(out); k.i32(nn.idx, len).set(k.i32(k.ex.nnGradIdxPtr(), len)); }
        else for (let q = 0; q < len; q++) acc[q] = Math.fround(acc[q] + out[q]);
      }
    } finally {
      k.ex.nnSetPenalty(1);
    }
    return this.nonZero(len, nn.idx, nn.gx);
  }

  /** S_i^t ∇f̂(y) on the given rows: the unit path (unit sketches, the identity) or the coordinate path. */
  private gradient(ex: Objective["kernel"]["ex"], rows: number, w: number, B: number, D: number, step: number): number {
    if (!this.coords) return ex.nnGradient(this.objective.buffers.x, rows, w, B, D, step);
    const mT = ex.sketchSample(step);
    return ex.nnGradientCoords(this.objective.buffers.x, ex.supportPtr(), ex.scalePtr(), mT, rows, w, B, D);
  }

  /** The non-zero entries of an output (support at pIdx, f32 values at pVal). */
  private nonZero(m: number, pIdx: number, pVal: number): { idx: Int32Array; val: Float64Array } {
    const k = this.objective.kernel, T = k.i32(pIdx, m), g = k.f32(pVal, m);
    let nz = 0;
    for (let q = 0; q < m; q++) if (g[q] !== 0) nz++;
    const gi = new Int32Array(nz), gv = new Float64Array(nz);
    for (let q = 0, e = 0; q < m; q++) if (g[q] !== 0) { gi[e] = T[q]; gv[e] = g[q]; e++; }
    return { idx: gi, val: gv };
  }

  /** value(x) = f_i(x) over the shard. */
  value(x: Float64Array): number {
    const o = this.objective;
    o.writeX(x);
    return o.valueAtX();
  }

  /** constants(): n_i, L_{f_i} (NaN with hidden layers), L_{D_i}, μ_{D_i}, L_{S_i}^max over the parameters. */
  constants(): NodeConstants {
    const { L } = this.objective.smooth();
    const c = isUnitSketch(this.sketch) ? unitSketchConstants(this.sketch, this.objective.layout!) : sketchConstants(this.sketch, this.d);
    return { rows: this.objective.rows, L, LD: c.LD, muD: c.muD, LSmax: c.LSmax };
  }
}
