/**
 * The methods on network objectives (f32 parameters, minibatches always): DSGD (Algorithm 1, option II) with the steps
 * in the kernel (`nnRunSampled`), and L-SVRDSG / SVRG on the finite sketch set (section 4.4), stepped from here with the
 * kernel's member gradients. A set member is a coordinate sketch from the set's wire form, or a unit sketch drawn again
 * on demand (stream 14 under the set's seed, step j), so a set of N unit sketches costs no memory.
 * @module
 */
import { SKETCH, STREAM, VR } from "../runtime/codes.js";
import { isUnitSketch } from "../sketch/spec.js";
import { configureNetworkSketch, sketchWire } from "../sketch/wire.js";
import { uploadSketchSet } from "../sketch/set.js";
import type { MethodContext, MethodDescriptor } from "./method.js";

/** Unit sketches and the identity step through the unit path; coordinate sketches through the coordinate path. */
function coordinatePath(c: MethodContext): boolean {
  return !isUnitSketch(c.spec.sketch) && sketchWire(c.spec.sketch).code !== SKETCH.identity;
}

function noGradientNorm(): number {
  throw new RangeError("tolerance is not available on a network");
}

/** DSGD on a network: each step the τ rows of the sampler and the sketch of step t; x ← x − γ_t S_t∇̂f(y_t). */
export const networkDsgd: MethodDescriptor = {
  name: "dsgd",
  configure(c) { configureNetworkSketch(c.obj.kernel, c.spec.sketch, c.obj.buffers.base); },
  advance(c, t0, steps) {
    const px = c.obj.buffers.x, coords = coordinatePath(c) ? 1 : 0;
    return c.obj.kernel.call("nnRunSampled", (ex) => ex.nnRunSampled(px, t0, steps, coords));
  },
  gradientNorm: noGradientNorm,
  state() { return {}; },
  restore() {},
};

/** The seeds a VR run switches between: the run's (rows, member draws, refresh coins) and the unit set's. */
interface Seeds { run: number; set: number }
const seeds = new WeakMap<MethodContext["obj"], Seeds>();

/**
 * memberGradient(c, j, pAt, rows, weights, B, D) -> m: S_j ∇̂f(v + S_j(at − v)) on the given rows into the kernel's
 * output (support, values).
 */
function memberGradient(c: MethodContext, j: number, pAt: number, rows: number, weights: number, B: number, D: number): number {
  const k = c.obj.kernel;
  if (isUnitSketch(c.spec.sketch)) {
    const s = seeds.get(c.obj)!;
    return k.call("nnGradient", (ex) => {
      ex.nnSetSeed(s.set);
      ex.nnSetUnitStream(STREAM.unitsSet);
      try {
        return ex.nnGradient(pAt, rows, weights, B, D, j);
      } finally {
        ex.nnSetUnitStream(STREAM.units);
        ex.nnSetSeed(s.run);
      }
    });
  }
  return k.call("nnGradientCoords", (ex) => {
    const mT = ex.loadSetSketch(j);
    return ex.nnGradientCoords(pAt, ex.supportPtr(), ex.scalePtr(), mT, rows, weights, B, D);
  });
}

/** refresh(c, t): w ← x; G ← (1/b) Σ_r S_{j_r}∇f(v + S_{j_r}(w − v)) over all rows (in chunks of maxBatch, the ℓ2 term
 *  in the first chunk only). */
function refresh(c: MethodContext, t: number): void {
  const { obj } = c, k = obj.kernel, nn = obj.buffers.nn!, d = obj.dimension, n = obj.rows, chunk = obj.network!.maxBatch;
  k.f32(nn.w, d).set(k.f32(obj.buffers.x, d));
  k.f32(nn.G, d).fill(0);
  const b = k.ex.refreshBatch(t);
  try {
    for (let r = 0; r < b; r++) {
      const j = k.ex.refreshMember(r);
      for (let r0 = 0; r0 < n; r0 += chunk) {
        k.ex.nnSetPenalty(r0 === 0 ? 1 : 0);
        memberGradient(c, j, nn.w, nn.rows + 4 * r0, 0, Math.min(chunk, n - r0), n);
        k.ex.nnAccumulate(nn.G);
      }
    }
  } finally {
    k.ex.nnSetPenalty(1);
  }
  k.ex.nnDivide(nn.G, b);
}

/** One VR step t: refresh if due, draw j, the two member gradients on the step's rows, the update. */
function vrStep(c: MethodContext, t: number, gamma: number): boolean {
  const { obj } = c, k = obj.kernel, nn = obj.buffers.nn!;
  if (k.ex.refreshDue(t)) refresh(c, t);
  const j = k.ex.setDraw(t);
  const B = k.call("nnSampleBatch", (ex) => ex.nnSampleBatch(t));
  const rows = k.ex.nnBatchRowsPtr(), w = k.ex.nnBatchWeightsPtr(), D = k.ex.nnBatchDivisor();
  const m = memberGradient(c, j, obj.buffers.x, rows, w, B, D);
  k.i32(nn.idx, m).set(k.i32(k.ex.nnGradIdxPtr(), m));
  k.f32(nn.gx, m).set(k.f32(k.ex.nnGradValPtr(), m));
  memberGradient(c, j, nn.w, rows, w, B, D);
  k.f32(nn.gw, m).set(k.f32(k.ex.nnGradValPtr(), m));
  return k.call("nnVrUpdate", (ex) => ex.nnVrUpdate(obj.buffers.x, nn.G, nn.idx, nn.gx, nn.gw, m, gamma, nn.journal)) !== 0;
}

function networkVr(name: "lsvrg" | "svrg"): MethodDescriptor {
  return {
    name,
    configure(c) {
      const { obj, spec, set } = c;
      configureNetworkSketch(obj.kernel, spec.sketch, obj.buffers.base);
      uploadSketchSet(obj.kernel, set!);
      obj.kernel.call("vrConfigure", (ex) => ex.vrConfigure(VR[name], spec.referenceBatch, spec.refreshProbability, spec.snapshotEvery));
      const src = spec.sketchSet;
      seeds.set(obj, { run: spec.seed, set: src && !Array.isArray(src) ? src.seed : 0 });
    },
    advance(c, t0, steps, gamma) {
      for (let s = 0; s < steps; s++) if (!vrStep(c, t0 + s, gamma(s))) return s;
      return steps;
    },
    gradientNorm: noGradientNorm,
    state({ obj }) {
      const k = obj.kernel, d = obj.dimension, nn = obj.buffers.nn!;
      return { w: Float64Array.from(k.f32(nn.w, d)), G: Float64Array.from(k.f32(nn.G, d)) };
    },
    restore({ obj }, arrays) {
      const k = obj.kernel, d = obj.dimension, nn = obj.buffers.nn!;
      k.f32(nn.w, d).set(arrays.w);
      k.f32(nn.G, d).set(arrays.G);
    },
  };
}

/** L-SVRDSG on a network. */
export const networkLsvrg: MethodDescriptor = networkVr("lsvrg");
/** SVRG on a network. */
export const networkSvrg: MethodDescriptor = networkVr("svrg");
