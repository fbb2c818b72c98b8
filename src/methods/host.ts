/**
 * Sketched gradients of a user model: the kernel builds the sketched point y = v + S(x − v) on the current support,
 * the host oracle evaluates f and ∇f at y, and the kernel takes acc_k = s_k ∇f(y)_{T_k}. Sketching, sampling and the
 * updates stay in wasm; each evaluation crosses the boundary once.
 * @module
 */
import { NonFiniteOutput, type Objective } from "./objective.js";

/** atStep(t, f): f(), with a non-finite model output tagged with the step t it happened at. */
export function atStep<T>(t: number, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof NonFiniteOutput && e.step === null) e.step = t;
    throw e;
  }
}

/** sketchedAtHost(obj, pPoint, m, where): acc_k = s_k ∇f(y)_{T_k} at y = v + S(point − v) on the current support. */
export function sketchedAtHost(obj: Objective, pPoint: number, m: number, where: string): void {
  const k = obj.kernel, ex = k.ex, d = obj.dimension;
  ex.modelPoint(pPoint, m);
  const y = k.f64(ex.modelPointPtr(), d), g = k.f64(ex.modelGradPtr(), d);
  try { obj.host!.evaluate(y, g, where); } finally { ex.modelRestore(m); }
  ex.modelGradient(m);
}

/** hostValue(obj, px): f(x) through the host oracle. */
export function hostValue(obj: Objective, px: number): number {
  const y = obj.kernel.f64(px, obj.dimension).slice();
  return obj.host!.evaluate(y, new Float64Array(obj.dimension), "at x");
}

/** addSupport(obj, m, total): total_{T_k} += s_k ∇f(y)_{T_k} (the gradient of the last host evaluation). */
export function addSupport(obj: Objective, m: number, total: Float64Array): void {
  const k = obj.kernel, ex = k.ex;
  const T = k.i32(ex.supportPtr(), m), g = k.f64(ex.modelGradPtr(), obj.dimension), sc = k.f64(ex.scalePtr(), m);
  for (let q = 0; q < m; q++) total[T[q]] += sc[q] * g[T[q]];
}

/** evaluateAtHost(obj, px, m, where): one host evaluation at y = v + S(x − v) on the current support (no acc). */
export function evaluateAtHost(obj: Objective, px: number, m: number, where: string): number {
  const k = obj.kernel, ex = k.ex, d = obj.dimension;
  ex.modelPoint(px, m);
  const y = k.f64(ex.modelPointPtr(), d), g = k.f64(ex.modelGradPtr(), d);
  try { return obj.host!.evaluate(y, g, where); } finally { ex.modelRestore(m); }
}
