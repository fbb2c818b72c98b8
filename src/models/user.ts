/**
 * User-supplied models (the model-agnostic part of MAST): f and ∇f are a JavaScript function evaluated at the sketched
 * point y = v + S(x − v); sketching, sampling and the updates stay in wasm. Each step crosses the JS/wasm boundary a
 * few times (sample + build y, the callback, apply the step) and costs O(|supp S|) in wasm plus the callback.
 * @module
 */
import type { Kernel } from "../runtime/kernel.js";
import { splitSeed } from "../runtime/seed.js";
import { STREAM } from "../runtime/codes.js";
import { integer, options, positive, show } from "../runtime/validate.js";
import { type Sketch, checkSketch } from "../sketch/spec.js";
import { configureSampler } from "../sketch/wire.js";
import { type HostOracle, NonFiniteOutput, type Smoothness } from "../methods/objective.js";
import { evaluateAtHost } from "../methods/host.js";
import type { MinimizeOptions, MinimizeResult } from "../methods/types.js";
import { BaseProblem, type SketchedValue } from "./problem.js";
import { checkFits, largestFitting, memoryLimit, modelBytes } from "./memory.js";

/** f at y, writing ∇f(y) into `grad`; or return `{ value, gradient }`. Do not keep or modify `y`. */
export type ValueAndGradient = (y: Float64Array, grad: Float64Array) => number | {
  /** f(y). */
  value: number;
  /** ∇f(y), d numbers. */
  gradient: ArrayLike<number>;
};

/** Options of `mast.model`. */
export interface ModelOptions {
  /** d, the number of parameters. */
  dimension: number;
  /** The model: f(y) and ∇f(y). It should be deterministic (use + − × ÷ for bit-identical runs across engines). */
  valueAndGradient: ValueAndGradient;
  /** The shift v (default zeros). */
  shift?: ArrayLike<number>;
  /** L_f, if known: enables stepSize "theory" and the constants. */
  smoothness?: number;
  /** True when f is convex (default false: the theory steps then follow the nonconvex theorem, γ = 1/√(L_f L_D L_S^max T)). */
  convex?: boolean;
  /** μ_f > 0 when f is μ_f-strongly convex (implies convex): the strongly convex step 1/(L_f L_S^max). */
  strongConvexity?: number;
  /** The most bytes of wasm memory the problem's instance may use (1 MiB .. 4 GiB, default 4 GiB). */
  maxMemory?: number;
}

/** The host oracle of a model: calls the user's function and checks what it returns. */
class ModelOracle implements HostOracle {
  evaluations = 0;
  constructor(private readonly fn: ValueAndGradient, private readonly d: number) {}

  evaluate(y: Float64Array, grad: Float64Array, where: string): number {
    grad.fill(0);
    const r = this.fn(y, grad);
    this.evaluations++;
    let value: unknown = r;
    if (typeof r === "object" && r !== null) {
      value = (r as { value: unknown }).value;
      const g = (r as { gradient: ArrayLike<number> }).gradient;
      if (!g || typeof (g as ArrayLike<number>).length !== "number") throw new TypeError(`the model's gradient must be an array of numbers ${where}, got ${show(g)}`);
      if (g.length !== this.d) throw new RangeError(`the model's gradient must have length ${this.d} (the dimension) ${where}, got length ${g.length}`);
      grad.set(g);
    }
    if (typeof value !== "number") throw new TypeError(`the model must return f(y) as a number ${where}, got ${show(value)}`);
    if (!Number.isFinite(value)) throw new NonFiniteOutput(`the model's value is not finite ${where}: f(y) = ${value}`);
    for (let j = 0; j < grad.length; j++) {
      if (!Number.isFinite(grad[j])) throw new NonFiniteOutput(`the model's gradient is not finite ${where}: gradient[${j}] = ${grad[j]}`);
    }
    return value;
  }
}

/** A user-supplied model f with the MAST shift v. */
export class ModelProblem extends BaseProblem {
  /** @internal */
  readonly kind = "model" as const;
  /** @internal */
  readonly linear = null;
  /** @internal */
  readonly rows = 0;
  /** @internal The user's function behind the oracle interface the methods use. */
  readonly host: ModelOracle;
  private readonly L: number;
  private readonly mu: number;
  private readonly convex: boolean;

  /** @internal Use `mast.model`. */
  constructor(module: WebAssembly.Module, opts: ModelOptions) {
    const o = options<ModelOptions>("options", opts, ["dimension", "valueAndGradient", "shift", "smoothness", "convex", "strongConvexity", "maxMemory"]);
    const d = integer("dimension", o.dimension, 1, 2 ** 26);
    if (typeof o.valueAndGradient !== "function") throw new TypeError(`valueAndGradient must be a function (y, grad) => f(y), got ${show(o.valueAndGradient)}`);
    const limit = memoryLimit(o.maxMemory);
    checkFits(`a model of dimension ${d}`, modelBytes(d), limit, () => `the largest dimension that fits is ${largestFitting((x) => modelBytes(x).bytes, limit)}`);
    super(module, d, o.shift, limit);
    this.host = new ModelOracle(o.valueAndGradient, d);
    this.L = o.smoothness === undefined ? NaN : positive("smoothness", o.smoothness);
    if (o.convex !== undefined && typeof o.convex !== "boolean") throw new TypeError(`convex must be true or false, got ${show(o.convex)}`);
    this.mu = o.strongConvexity === undefined ? 0 : positive("strongConvexity", o.strongConvexity);
    if (this.mu > 0 && o.convex === false) throw new RangeError(`strongConvexity ${this.mu} says f is strongly convex, but convex is false`);
    if (this.mu > 0 && this.mu > this.L) throw new RangeError(`strongConvexity (μ = ${this.mu}) must be at most smoothness (L = ${this.L})`);
    this.convex = o.convex === true || this.mu > 0;
    this.boot(module);
  }

  protected fingerprintParts(): Float64Array[] { return [Float64Array.of(this.dimension, this.L), this.shift]; }
  protected upload(k: Kernel): void {
    const pv = k.putF64(this.shift);
    k.call("setModelProblem", (ex) => ex.setModelProblem(pv, this.dimension));
    k.ex.modelResetPoint(this.dimension);
  }
  protected smoothness(): Smoothness {
    return { L: this.L, mu: this.mu, Lmax: this.L, Li: new Float64Array(0), regime: this.mu > 0 ? "strongly convex" : this.convex ? "convex" : "nonconvex" };
  }

  /** value(x) = f(x). */
  value(x: ArrayLike<number>): number {
    this.idle("value");
    this.putX(x);
    const y = this.kernel.f64(this.buffers.x, this.dimension).slice();
    return this.host.evaluate(y, new Float64Array(this.dimension), "at x");
  }

  /** gradient(x) = ∇f(x). */
  gradient(x: ArrayLike<number>): Float64Array {
    this.idle("gradient");
    this.putX(x);
    const y = this.kernel.f64(this.buffers.x, this.dimension).slice();
    const g = new Float64Array(this.dimension);
    this.host.evaluate(y, g, "at x");
    return g;
  }

  /** sketchedValue(x, sketch, { samples, seed }): Monte Carlo f_D(x) = E f(v + S(x − v)) through the model. */
  sketchedValue(x: ArrayLike<number>, sketch: Sketch, opts: { samples?: number; seed?: number } = {}): SketchedValue {
    this.idle("sketchedValue");
    const o = options<{ samples: number; seed: number }>("options", opts, ["samples", "seed"]);
    const sk = checkSketch(sketch, this.dimension);
    const samples = integer("samples", o.samples ?? 1000, 1, 1e8);
    const [lo, hi] = splitSeed(o.seed ?? 0);
    this.putX(x);
    configureSampler(this.kernel, sk, this.buffers.base);
    const ex = this.kernel.ex;
    ex.setSeed(lo, hi);
    ex.setSketchStream(STREAM.monteCarlo);
    let sum = 0, sq = 0;
    const vals = new Float64Array(samples);
    try {
      for (let s = 0; s < samples; s++) {
        vals[s] = evaluateAtHost(this, this.buffers.x, ex.sketchSample(s), "in sketchedValue");
        sum += vals[s];
      }
    } finally { ex.setSketchStream(STREAM.sketch); }
    const mean = sum / samples;
    for (const v of vals) sq += (v - mean) * (v - mean);
    return { mean, stderr: samples > 1 ? Math.sqrt(sq / (samples - 1) / samples) : 0, samples, exact: false };
  }

  /** minimize(options): DSGD, L-SVRG or SVRG with the model evaluated at the sketched points (no data sampling). */
  minimize(opts: MinimizeOptions = {}): Promise<MinimizeResult> { return super.minimize(opts); }
}
