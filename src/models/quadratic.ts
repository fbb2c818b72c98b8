/**
 * Quadratic problems f(x) = ½ xᵀAx − bᵀx with the MAST shift v, and their closed forms (paper, section 3, item 5):
 * E[SᵀAS], the exact f_D(x) = f(x) + ½ (x − v)ᵀ(E[SᵀAS] − A)(x − v) and the exact minimiser x_D*.
 * @module
 */
import type { Kernel } from "../runtime/kernel.js";
import { options, show, vector } from "../runtime/validate.js";
import { quadForm, solve } from "../runtime/linalg.js";
import { type Sketch, checkSketch } from "../sketch/spec.js";
import { sketchConstants } from "../sketch/constants.js";
import type { Smoothness } from "../methods/objective.js";
import { BaseProblem, type SketchedValue } from "./problem.js";

/** Options of `mast.quadratic`. */
export interface QuadraticOptions {
  /** A, symmetric positive semi-definite, d×d: a flat row-major array or an array of rows. */
  A: ArrayLike<number> | ArrayLike<number>[];
  /** b, length d. */
  b: ArrayLike<number>;
  /** The shift v (default zeros). */
  shift?: ArrayLike<number>;
}

/** f(x) = ½ xᵀAx − bᵀx, with exact f_D and x_D* (section 3, item 5). */
export class QuadraticProblem extends BaseProblem {
  /** A, row-major d×d (a copy). */
  readonly A: Float64Array;
  /** b (a copy). */
  readonly b: Float64Array;

  /** @internal Use `mast.quadratic`. */
  constructor(module: WebAssembly.Module, opts: QuadraticOptions) {
    const o = options<QuadraticOptions>("options", opts, ["A", "b", "shift"]);
    const b = vector("b", o.b);
    const d = b.length;
    if (d < 1) throw new RangeError("b must not be empty");
    let A: Float64Array;
    if (Array.isArray(o.A) && o.A.length > 0 && typeof o.A[0] === "object") {
      if (o.A.length !== d) throw new RangeError(`A must have ${d} rows (the length of b), got ${o.A.length}`);
      A = new Float64Array(d * d);
      (o.A as ArrayLike<number>[]).forEach((row, i) => A.set(vector(`A[${i}]`, row, d), i * d));
    } else A = vector("A", o.A, d * d);
    for (let i = 0; i < d; i++) for (let j = 0; j < i; j++) {
      if (A[i * d + j] !== A[j * d + i]) throw new RangeError(`A must be symmetric, got A[${i}][${j}] = ${A[i * d + j]} ≠ A[${j}][${i}] = ${A[j * d + i]}`);
    }
    super(module, d, o.shift);
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
    const L = this.kernel.call("powerIteration", (ex) => ex.powerIteration(0, 1, 5000, 1e-14));
    const shifted = this.kernel.call("powerIteration", (ex) => ex.powerIteration(L, -1, 5000, 1e-14));
    return { L, mu: Math.max(0, L - shifted), Lmax: L, Li: new Float64Array(0) };
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
