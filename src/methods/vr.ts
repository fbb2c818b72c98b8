/**
 * L-SVRDSG (loopless SVRG, "lsvrg") and loopy SVRG ("svrg") on the double-sketched finite sum
 * f_D = (1/N) Σ_j f(v + S_j(x − v)) over a finite sketch set (paper, section 4.4). A step draws j and moves along
 * g = ∇f_{S_j}(x) − ∇f_{S_j}(w) + G, both gradients on the same data rows; the reference point w and the reference
 * gradient G (the mean over b members drawn without replacement) are refreshed with probability p after each step
 * (L-SVRG) or every m steps (SVRG). Data and quadratic objectives step in the kernel (`vrRun`); user models on the host.
 * @module
 */
import { VR } from "../runtime/codes.js";
import { uploadSketchSet } from "../sketch/set.js";
import type { MethodContext, MethodDescriptor } from "./method.js";
import { addSupport, atStep, evaluateAtHost, sketchedAtHost } from "./host.js";

function norm(v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  return Math.sqrt(s);
}

/** One VR step of a user model at step t: refresh if due, then the two sketched gradients and the update. */
function hostStep({ obj }: MethodContext, t: number, gamma: number): boolean {
  const ex = obj.kernel.ex, px = obj.buffers.x;
  if (ex.refreshDue(t)) {
    ex.beginRefresh(px);
    const b = ex.refreshBatch(t);
    for (let r = 0; r < b; r++) {
      const m = ex.loadSetSketch(ex.refreshMember(r));
      sketchedAtHost(obj, ex.wPtr(), m, `in the refresh before step ${t}`);
      ex.accumulateG(m);
    }
    ex.endRefresh();
  }
  const m = ex.loadSetSketch(ex.setDraw(t));
  sketchedAtHost(obj, px, m, `at step ${t}`);
  ex.stashAcc(m);
  sketchedAtHost(obj, ex.wPtr(), m, `at step ${t}`);
  ex.avgTouchAllStep(px, t);
  return ex.vrUpdate(px, m, gamma) !== 0;
}

function descriptor(name: "lsvrg" | "svrg"): MethodDescriptor {
  return {
    name,
    configure({ obj, spec, set }) {
      uploadSketchSet(obj.kernel, set!);
      obj.kernel.call("vrConfigure", (ex) => ex.vrConfigure(VR[name], spec.referenceBatch, spec.refreshProbability, spec.snapshotEvery));
    },
    advance(c, t0, steps, gamma) {
      const { obj } = c;
      if (!obj.host) return obj.kernel.call("vrRun", (ex) => ex.vrRun(obj.buffers.x, t0, steps));
      for (let s = 0; s < steps; s++) if (!atStep(t0 + s, () => hostStep(c, t0 + s, gamma(s)))) return s;
      return steps;
    },
    gradientNorm({ obj, set }) {
      const k = obj.kernel, ex = k.ex, d = obj.dimension;
      if (obj.host) {
        const N = set!.offsets.length - 1;
        const total = new Float64Array(d);
        for (let j = 0; j < N; j++) {
          const m = ex.loadSetSketch(j);
          evaluateAtHost(obj, obj.buffers.x, m, "in the stopping test");
          addSupport(obj, m, total);
        }
        return norm(total.map((v) => v / N));
      }
      const saved = ex.getRowsTouched();
      k.call("setGradient", (e) => e.setGradient(obj.buffers.x, obj.buffers.g));
      ex.setRowsTouched(saved);
      return norm(k.f64(obj.buffers.g, d));
    },
    state({ obj }) {
      const k = obj.kernel, d = obj.dimension;
      return { w: k.f64(k.ex.wPtr(), d), G: k.f64(k.ex.gPtr(), d) };   // views: the checkpoint copies them
    },
    restore({ obj }, arrays) {
      const k = obj.kernel, d = obj.dimension;
      k.f64(k.ex.wPtr(), d).set(arrays.w);
      k.f64(k.ex.gPtr(), d).set(arrays.G);
    },
  };
}

/** L-SVRDSG: refresh with probability p after each step. */
export const lsvrg: MethodDescriptor = descriptor("lsvrg");
/** SVRG: a snapshot every m steps. */
export const svrg: MethodDescriptor = descriptor("svrg");
