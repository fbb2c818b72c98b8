/**
 * Double Sketched (S)GD, Algorithm 1 (paper, section 4.1): each step draws S_t, forms y_t = v + S_t(x_t − v) and takes
 * x_{t+1} = x_t − γ_t S_t ∇̂f(y_t) on supp S_t only (∇̂f: all rows, option I, or sampled rows, option II). On data and
 * quadratic objectives the steps run in the kernel (`dsgdRun`); a user model's ∇f is evaluated on the host.
 * @module
 */
import { STREAM } from "../runtime/codes.js";
import type { MethodDescriptor } from "./method.js";
import { addSupport, atStep, sketchedAtHost, evaluateAtHost } from "./host.js";

function norm(v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  return Math.sqrt(s);
}

/** The DSGD descriptor. */
export const dsgd: MethodDescriptor = {
  name: "dsgd",
  configure() {},
  advance({ obj }, t0, steps, gamma) {
    const ex = obj.kernel.ex, px = obj.buffers.x;
    if (!obj.host) return obj.kernel.call("dsgdRun", (e) => e.dsgdRun(px, t0, steps));
    for (let s = 0; s < steps; s++) {
      const t = t0 + s;
      const m = ex.sketchSample(t);
      atStep(t, () => sketchedAtHost(obj, px, m, `at step ${t}`));
      ex.avgTouchStep(px, ex.supportPtr(), m, t);
      if (!ex.applySupportStep(px, m, gamma(s))) return s;
    }
    return steps;
  },
  gradientNorm({ obj, spec }, samples) {
    const k = obj.kernel, ex = k.ex, d = obj.dimension, px = obj.buffers.x, pg = obj.buffers.g;
    const identity = spec.sketch.kind === "identity";
    if (obj.host) {
      if (identity) {
        const g = new Float64Array(d);
        obj.host.evaluate(k.f64(px, d).slice(), g, "in the stopping test");
        return norm(g);
      }
      const total = new Float64Array(d);
      ex.setSketchStream(STREAM.monteCarlo);
      try {
        for (let s = 0; s < samples; s++) {
          const m = ex.sketchSample(s);
          evaluateAtHost(obj, px, m, "in the stopping test");
          addSupport(obj, m, total);
        }
      } finally { ex.setSketchStream(STREAM.sketch); }
      return norm(total.map((v) => v / samples));
    }
    const saved = ex.getRowsTouched();
    if (identity) k.call("gradient", (e) => e.gradient(px, pg));
    else k.call("sketchedGradientMean", (e) => e.sketchedGradientMean(px, samples, pg));
    ex.setRowsTouched(saved);
    return norm(k.f64(pg, d));
  },
  state() { return {}; },
  restore() {},
};
