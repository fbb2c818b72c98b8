/**
 * ERM baselines solved to machine precision: Newton's method with a backtracking (Armijo) line search for data
 * problems f(x) = (1/n) Σ φ(a_iᵀx, b_i) + λ/2 ‖x‖² with the logistic or squared loss. The Hessian is formed by the
 * wasm kernel `hessian` (dense d×d), the Newton system is solved by deterministic Gaussian elimination, so the
 * iterates are the same bits in every runtime.
 * @module
 */
import { Problem } from "../models/linear.js";
import { solve } from "../runtime/linalg.js";
import { digestF64 } from "../runtime/digest.js";
import { integer, nonNegative, options, show, vector } from "../runtime/validate.js";

/** Options of {@link newton}. */
export interface NewtonOptions {
  /** Stop when ‖∇f(x)‖₂ ≤ tolerance (default 1e-10). */
  tolerance?: number;
  /** At most this many Newton steps (default 100). */
  maxIterations?: number;
  /** Start point (default zeros). */
  x0?: ArrayLike<number>;
  /** Called after each step with its trace row; return `false` to stop (the result then has `converged: false`). */
  onProgress?: (row: NewtonTraceRow) => void | boolean;
}

/** One row of a Newton trace. */
export interface NewtonTraceRow {
  /** The iteration k (x is x_k). */
  iteration: number;
  /** f(x_k). */
  f: number;
  /** ‖∇f(x_k)‖₂. */
  gradientNorm: number;
  /** The step length t accepted by the line search to reach x_k (1 is a full Newton step; 0 at k = 0). */
  step: number;
}

/** What {@link newton} returns. */
export interface NewtonResult {
  /** The last iterate (the minimiser when converged). */
  x: Float64Array;
  /** Newton steps taken. */
  iterations: number;
  /** f(x). */
  value: number;
  /** ‖∇f(x)‖₂ at the returned x. */
  gradientNorm: number;
  /** Whether ‖∇f(x)‖₂ ≤ tolerance. */
  converged: boolean;
  /** One row per iterate, x_0 first. */
  trace: NewtonTraceRow[];
  /** Lowercase SHA-256 hex of x as little-endian f64 bytes. */
  digest: string;
}

/** Thrown when Newton's method cannot reach the tolerance; `x` is the last iterate. */
export class ConvergenceError extends Error {
  /** Newton steps taken. */
  readonly iterations: number;
  /** ‖∇f‖₂ at the last iterate. */
  readonly gradientNorm: number;
  /** The last iterate. */
  readonly x: Float64Array;
  /** Thrown by {@link newton}. */
  constructor(message: string, iterations: number, gradientNorm: number, x: Float64Array) {
    super(message);
    this.name = "ConvergenceError";
    this.iterations = iterations;
    this.gradientNorm = gradientNorm;
    this.x = x;
  }
}

// The raw kernel export added by assembly/hessian.ts (not part of the shared Exports interface).
interface HessianExports { hessian(px: number, pH: number): void }

function checkProblem(problem: unknown, who: string): Problem {
  if (!(problem instanceof Problem)) {
    throw new TypeError(`${who} needs a data problem from mast.problem({ data, loss, l2 }), got ${show(problem)}` +
      (problem && typeof problem === "object" && "sketchedOptimum" in problem ? " (for a quadratic use problem.optimum())" : ""));
  }
  return problem;
}

/**
 * hessian(problem, x): ∇²f(x) = (1/n) Σ_i φ''(a_iᵀx) a_i a_iᵀ + λI as a dense d×d row-major Float64Array, computed
 * by the wasm kernel (logistic φ'' = σ(z)(1 − σ(z)), z = b a_iᵀx; squared φ'' = 1).
 */
export function hessian(problem: Problem, x: ArrayLike<number>): Float64Array {
  const p = checkProblem(problem, "hessian");
  const d = p.dimension;
  const xv = vector("x", x, d);
  const k = p.kernel;
  const mark = k.ex.mark();
  try {
    const px = k.alloc(d * 8), pH = k.alloc(d * d * 8);
    k.f64(px, d).set(xv);
    k.call("hessian", (ex) => (ex as unknown as HessianExports).hessian(px, pH));
    return k.f64(pH, d * d).slice();
  } finally {
    k.ex.release(mark);
  }
}

function norm2(v: Float64Array): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  return Math.sqrt(s);
}

/**
 * newton(problem, { tolerance, maxIterations, x0 }): minimise f by Newton's method, x_{k+1} = x_k + t_k p_k with
 * ∇²f(x_k) p_k = −∇f(x_k) and t_k the first of 1, ½, ¼, … with f(x_k + t p_k) ≤ f(x_k) + 10⁻⁴ t ∇f(x_k)ᵀp_k (Armijo),
 * until ‖∇f‖₂ ≤ tolerance. For λ > 0 (or a full-rank squared loss) f is strongly convex and convergence is quadratic
 * near x*: a few steps. Throws a {@link ConvergenceError} when the tolerance is not reached (for example λ = 0 on
 * linearly separable data, where the logistic loss has no minimiser).
 */
export function newton(problem: Problem, opts: NewtonOptions = {}): NewtonResult {
  const p = checkProblem(problem, "newton");
  const o = options<NewtonOptions>("options", opts, ["tolerance", "maxIterations", "x0", "onProgress"]);
  const tol = nonNegative("tolerance", o.tolerance ?? 1e-10);
  const maxIter = integer("maxIterations", o.maxIterations ?? 100, 0);
  if (o.onProgress !== undefined && typeof o.onProgress !== "function") throw new TypeError(`onProgress must be a function, got ${show(o.onProgress)}`);
  const d = p.dimension;
  let x = o.x0 === undefined ? new Float64Array(d) : vector("x0", o.x0, d);
  const k = p.kernel;
  const hint = p.l2 === 0
    ? ` With l2 = 0, f is not strongly convex: the Hessian is singular when a feature is zero in every row or the rows span fewer than d directions${p.loss === "logistic" ? ", and the logistic loss has no minimiser when the data are linearly separable" : ""}; use l2 > 0.`
    : "";

  let f = p.value(x);
  let g = p.gradient(x);
  let gn = norm2(g);
  const trace: NewtonTraceRow[] = [{ iteration: 0, f, gradientNorm: gn, step: 0 }];
  if (!Number.isFinite(f) || !Number.isFinite(gn)) throw new RangeError(`newton: f or ∇f is not finite at x0 (f = ${f}, ‖∇f‖ = ${gn})`);
  let stopped = o.onProgress ? o.onProgress(trace[0]) === false : false;
  let it = 0;
  const mark = k.ex.mark();
  try {
    const px = k.alloc(d * 8), pH = k.alloc(d * d * 8);
    while (gn > tol && it < maxIter && !stopped) {
      k.f64(px, d).set(x);
      k.call("hessian", (ex) => (ex as unknown as HessianExports).hessian(px, pH));
      const H = k.f64(pH, d * d).slice();
      const rhs = Float64Array.from(g, (v) => -v);
      let dir: Float64Array;
      try {
        dir = solve(H, rhs, d);
      } catch (e) {
        throw new ConvergenceError(`newton: the Hessian is singular at iteration ${it} (‖∇f‖ = ${gn.toExponential(3)}): ${(e as Error).message}.${hint}`, it, gn, x);
      }
      let slope = 0;
      for (let j = 0; j < d; j++) slope += g[j] * dir[j];
      if (!(slope < 0)) {
        // Round-off: the Newton direction is no longer a descent direction, so no further progress is possible.
        throw new ConvergenceError(`newton: no descent direction at iteration ${it} (∇fᵀp = ${slope}, ‖∇f‖ = ${gn.toExponential(3)} > tolerance ${tol}); the tolerance is below what f64 round-off allows here.${hint}`, it, gn, x);
      }
      let t = 1, accepted = false, xn = x, fn = f;
      if (-slope <= 1e-10 * Math.max(1, Math.abs(f))) {
        // The predicted decrease ½|∇fᵀp| is at the level of the round-off in f, so comparing values of f is
        // meaningless: take the full Newton step when it reduces ‖∇f‖ (the gradient is still accurate here).
        const xf = Float64Array.from(x, (v, j) => v + dir[j]);
        if (norm2(p.gradient(xf)) < gn) { xn = xf; fn = p.value(xf); accepted = true; }
      }
      for (let ls = 0; ls < 60 && !accepted; ls++) {
        xn = Float64Array.from(x, (v, j) => v + t * dir[j]);
        fn = p.value(xn);
        if (Number.isFinite(fn) && fn <= f + 1e-4 * t * slope) { accepted = true; break; }
        t *= 0.5;
      }
      if (!accepted) {
        // Near x* the decrease f − f(x + p) ≈ ½|∇fᵀp| falls below the round-off of f; accept a full step that does
        // not increase ‖∇f‖ (the gradient is still computed accurately there).
        const xf = Float64Array.from(x, (v, j) => v + dir[j]);
        const gf = p.gradient(xf);
        if (norm2(gf) < gn) { xn = xf; fn = p.value(xf); t = 1; accepted = true; }
      }
      if (!accepted) {
        throw new ConvergenceError(`newton: the line search failed at iteration ${it} (‖∇f‖ = ${gn.toExponential(3)} > tolerance ${tol}).${hint}`, it, gn, x);
      }
      x = xn; f = fn; it++;
      g = p.gradient(x);
      gn = norm2(g);
      const row = { iteration: it, f, gradientNorm: gn, step: t };
      trace.push(row);
      if (o.onProgress && o.onProgress(row) === false) stopped = true;
    }
  } finally {
    k.ex.release(mark);
  }
  const converged = gn <= tol;
  if (converged && p.l2 === 0 && p.loss === "logistic") {
    // On separable data ∇f → 0 along a separating ray, so a small gradient does not mean a minimiser was found.
    const m = p.margins(x);
    let separated = true;
    for (let i = 0; i < m.length && separated; i++) if (!(p.data.labels[i] * m[i] > 0)) separated = false;
    if (separated) {
      throw new ConvergenceError(`newton: the data are linearly separable (x separates every row), so the logistic loss with l2 = 0 has no minimiser: ‖∇f‖ = ${gn.toExponential(3)} only because ‖x‖ grew; use l2 > 0.`, it, gn, x);
    }
  }
  if (!converged && !stopped) {
    let xn = 0;
    for (const v of x) xn += v * v;
    throw new ConvergenceError(`newton: ‖∇f‖ = ${gn.toExponential(3)} > tolerance ${tol} after ${it} iterations (‖x‖ = ${Math.sqrt(xn).toExponential(3)}).${hint}`, it, gn, x);
  }
  return { x, iterations: it, value: f, gradientNorm: gn, converged, trace, digest: digestF64(x) };
}
