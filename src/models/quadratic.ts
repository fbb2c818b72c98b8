/**
 * Quadratic problems f(x) = ½ xᵀAx − bᵀx with the MAST shift v, and their closed forms (paper, section 3, item 5):
 * E[SᵀAS], the exact f_D(x) = f(x) + ½ (x − v)ᵀ(E[SᵀAS] − A)(x − v) and the exact minimiser x_D*.
 * @module
 */
import type { Kernel } from "../runtime/kernel.js";
import { options, show, vector } from "../runtime/validate.js";
import { cholesky, choleskySolve, quadForm, rescaleFor, solve } from "../runtime/linalg.js";
import { type Sketch, checkSketch } from "../sketch/spec.js";
import { sketchConstants } from "../sketch/constants.js";
import type { Smoothness } from "../methods/objective.js";
import { BaseProblem, type SketchedValue } from "./problem.js";
import { checkFits, largestFitting, memoryLimit, quadraticBytes } from "./memory.js";

/** checkSemidefinite(A, d): refuse an A with a negative diagonal entry, or (d ≤ 400) one whose Cholesky fails. */
function checkSemidefinite(A: Float64Array, d: number): void {
  let maxDiag = 0;
  for (let j = 0; j < d; j++) {
    const a = A[j * d + j];
    if (a < 0) throw new RangeError(`A must be positive semi-definite, got a negative diagonal entry A[${j}][${j}] = ${a}`);
    if (a > maxDiag) maxDiag = a;
  }
  if (d > CHOLESKY_CHECK_MAX_D) return;
  // A + τI with a relative τ: a semidefinite A passes, an indefinite one meets a negative pivot
  const shifted = Float64Array.from(A);
  const tau = 1e-12 * maxDiag * d;
  for (let j = 0; j < d; j++) shifted[j * d + j] += tau;
  const f = cholesky(shifted, d);
  if (!f.ok) {
    throw new RangeError(`A must be positive semi-definite, but it has a negative eigenvalue (the Cholesky factorisation of A + ${tau.toPrecision(2)}·I fails at row ${f.row})`);
  }
}

/** smallestEigenvalue(A, d): λ_min(A) by inverse iteration through a Cholesky factor (0 when A is singular). */
function smallestEigenvalue(A: Float64Array, d: number): number {
  const f = cholesky(Float64Array.from(A), d);
  if (!f.ok) return 0;
  let u = new Float64Array(d).fill(1 / Math.sqrt(d));
  let lambda = 0;
  for (let it = 0; it < 500; it++) {
    const w = choleskySolve(f.L, u, d);
    let n = 0, ray = 0;
    for (let j = 0; j < d; j++) { n += w[j] * w[j]; ray += u[j] * w[j]; }
    n = Math.sqrt(n);
    if (!(n > 0) || !Number.isFinite(n)) return 0;
    u = w.map((x) => x / n);
    const next = ray;
    const done = it > 0 && Math.abs(next - lambda) <= 1e-14 * Math.abs(next);
    lambda = next;
    if (done) break;
  }
  return lambda > 0 ? 1 / lambda : 0;
}

/** Options of `mast.quadratic`. */
export interface QuadraticOptions {
  /** A, symmetric positive semi-definite, d×d: a flat row-major array or an array of rows. */
  A: ArrayLike<number> | ArrayLike<number>[];
  /** b, length d. */
  b: ArrayLike<number>;
  /** The shift v (default zeros). */
  shift?: ArrayLike<number>;
  /** The most bytes of wasm memory the problem's instance may use (1 MiB .. 4 GiB, default 4 GiB). */
  maxMemory?: number;
}

/** Up to this dimension the constructor proves A positive semi-definite by a Cholesky factorisation (O(d³/6)); above
 *  it, `constants()` refuses an A whose smallest eigenvalue estimate is clearly negative. */
const CHOLESKY_CHECK_MAX_D = 400;

/** f(x) = ½ xᵀAx − bᵀx, with exact f_D and x_D* (section 3, item 5). */
export class QuadraticProblem extends BaseProblem {
  /** A, row-major d×d (a copy). */
  readonly A: Float64Array;
  /** b (a copy). */
  readonly b: Float64Array;

  /** @internal Use `mast.quadratic`. */
  constructor(module: WebAssembly.Module, opts: QuadraticOptions) {
    const o = options<QuadraticOptions>("options", opts, ["A", "b", "shift", "maxMemory"]);
    const b = vector("b", o.b);
    const d = b.length;
    if (d < 1) throw new RangeError("b must not be empty");
    const limit = memoryLimit(o.maxMemory);
    checkFits(`a quadratic in dimension ${d}`, quadraticBytes(d), limit, () => `the largest d that fits is ${largestFitting((x) => quadraticBytes(x).bytes, limit)}`);
    let A: Float64Array;
    if (Array.isArray(o.A) && o.A.length > 0 && typeof o.A[0] === "object") {
      if (o.A.length !== d) throw new RangeError(`A must have ${d} rows (the length of b), got ${o.A.length}`);
      A = new Float64Array(d * d);
      (o.A as ArrayLike<number>[]).forEach((row, i) => A.set(vector(`A[${i}]`, row, d), i * d));
    } else A = vector("A", o.A, d * d);
    for (let i = 0; i < d; i++) for (let j = 0; j < i; j++) {
      if (A[i * d + j] !== A[j * d + i]) throw new RangeError(`A must be symmetric, got A[${i}][${j}] = ${A[i * d + j]} ≠ A[${j}][${i}] = ${A[j * d + i]}`);
    }
    checkSemidefinite(A, d);
    super(module, d, o.shift, limit);
    this.A = A;
    this.b = b;
    this.boot(module);
  }

  /** @internal */
  readonly kind = "quadratic" as const;
  /** @internal */
  readonly host = null;
  /** @internal */
  readonly linear = null;
  /** @internal */
  readonly rows = 0;

  protected upload(k: Kernel): void {
    const pa = k.putF64(this.A), pb = k.putF64(this.b), pv = k.putF64(this.shift);
    k.call("setQuadraticProblem", (ex) => ex.setQuadraticProblem(pa, pb, pv, this.dimension));
  }

  protected fingerprintParts(): Float64Array[] { return [Float64Array.of(this.dimension), this.A, this.b, this.shift]; }

  protected smoothness(): Smoothness {
    // power iteration on r A, r a power of two that keeps extreme entries from over- or underflowing (1 otherwise)
    let maxAbs = 0;
    for (const a of this.A) if (Math.abs(a) > maxAbs) maxAbs = Math.abs(a);
    const r = rescaleFor(maxAbs);
    const L = this.kernel.call("powerIteration", (ex) => ex.powerIteration(0, 1, 5000, 1e-14, r)) / r;
    const shifted = this.kernel.call("powerIteration", (ex) => ex.powerIteration(L * r, -1, 5000, 1e-14, r)) / r;
    let mu = L - shifted;
    if (mu < -1e-9 * L) {
      throw new RangeError(`A must be positive semi-definite: its smallest eigenvalue is about ${mu.toPrecision(3)} (λ_max = ${L.toPrecision(3)})`);
    }
    // below about 1e-8·L the difference L − λ_max(L I − A) has lost its digits: invert A instead (when it is small)
    if (mu < 1e-8 * L && this.dimension <= CHOLESKY_CHECK_MAX_D * 5) mu = smallestEigenvalue(this.A, this.dimension);
    return { L, mu: Math.max(0, mu), Lmax: L, Li: new Float64Array(0), regime: mu > 0 ? "strongly convex" : "convex" };
  }

  /** M = E[SᵀAS] = c A + Diag((E[s_j²] − c) A_jj) with c = E[s_i s_j] (exact for every diagonal family here). */
  expectedSAS(sketch: Sketch): Float64Array {
    const d = this.dimension;
    const c = sketchConstants(checkSketch(sketch, d), d);
    const M = Float64Array.from(this.A, (a) => c.cross * a);
    for (let j = 0; j < d; j++) M[j * d + j] = c.second[j] * this.A[j * d + j];
    return M;
  }

  /**
   * sketchedValue(x, sketch, { exact, samples, seed }): f_D(x). By default exact, through
   * f_D(x) = f(x) + ½ (x − v)ᵀ(E[SAS] − A)(x − v) (stderr 0); with `exact: false` the Monte Carlo estimate.
   */
  sketchedValue(x: ArrayLike<number>, sketch: Sketch, opts: { exact?: boolean; samples?: number; seed?: number } = {}): SketchedValue {
    const o = options<{ exact: boolean; samples: number; seed: number }>("options", opts, ["exact", "samples", "seed"]);
    if (o.exact !== undefined && typeof o.exact !== "boolean") throw new TypeError(`exact must be a boolean, got ${show(o.exact)}`);
    if (o.exact === false) return this.monteCarlo(x, sketch, o.samples, o.seed);
    const d = this.dimension;
    const xv = vector("x", x, d);
    const M = this.expectedSAS(sketch);
    const h = Float64Array.from(xv, (xi, j) => xi - this.shift[j]);
    for (let i = 0; i < d * d; i++) M[i] -= this.A[i];
    return { mean: this.value(xv) + 0.5 * quadForm(M, h, d), stderr: 0, samples: 0, exact: true };
  }

  /** sketchedOptimum(sketch): x_D* = E[SAS]⁻¹ (b + (E[SAS] − A) v), the minimiser of f_D (section 3). */
  sketchedOptimum(sketch: Sketch): Float64Array {
    const d = this.dimension;
    const M = this.expectedSAS(sketch);
    const rhs = Float64Array.from(this.b);
    for (let i = 0; i < d; i++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += (M[i * d + j] - this.A[i * d + j]) * this.shift[j];
      rhs[i] += s;
    }
    return solve(M, rhs, d);
  }

  /** optimum(): x* = A⁻¹ b, the minimiser of f. */
  optimum(): Float64Array { return solve(this.A, this.b, this.dimension); }
}
