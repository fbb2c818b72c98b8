/**
 * User-supplied models (the model-agnostic part of MAST): f and ∇f are a JavaScript function evaluated at the sketched
 * point y = v + S(x − v); sketching, sampling and the updates stay in wasm. Each step crosses the JS/wasm boundary a
 * few times (sample + build y, the callback, apply the step) and costs O(|supp S|) in wasm plus the callback.
 * @module
 */
import { BaseProblem, type MinimizeOptions, type SketchedValue } from "./problem.js";
import type { RunSpec } from "./run.js";
import { Kernel } from "./wasm.js";
import { Sketch, checkSketch } from "./sketch.js";
import { integer, options, positive, show } from "./validate.js";
import { splitSeed } from "./problem.js";

/** f at y, writing ∇f(y) into `grad`; or return `{ value, gradient }`. Do not keep or modify `y`. */
export type ValueAndGradient = (y: Float64Array, grad: Float64Array) => number | { value: number; gradient: ArrayLike<number> };

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
}

const STREAM_MONTE_CARLO = 2;

/** A user-supplied model f with the MAST shift v. */
export class ModelProblem extends BaseProblem {
  private readonly fn: ValueAndGradient;
  private readonly L: number;
  private evals = 0;

  /** @internal Use `mast.model`. */
  constructor(module: WebAssembly.Module, opts: ModelOptions) {
    const o = options<ModelOptions>("options", opts, ["dimension", "valueAndGradient", "shift", "smoothness"]);
    const d = integer("dimension", o.dimension, 1, 2 ** 26);
    if (typeof o.valueAndGradient !== "function") throw new TypeError(`valueAndGradient must be a function (y, grad) => f(y), got ${show(o.valueAndGradient)}`);
    super(module, d, o.shift);
    this.fn = o.valueAndGradient;
    this.L = o.smoothness === undefined ? NaN : positive("smoothness", o.smoothness);
    this.boot(module);
  }

  rows(): number { return 0; }
  protected identity(): Float64Array[] { return [Float64Array.of(this.dimension, this.L), this.shift]; }
  protected upload(k: Kernel): void {
    const pv = k.putF64(this.shift);
    k.call("setModelProblem", (ex) => ex.setModelProblem(pv, this.dimension));
    k.ex.modelResetPoint(this.dimension);
  }
  protected smoothness(): { L: number; mu: number; Lmax: number; Li: Float64Array } {
    return { L: this.L, mu: 0, Lmax: this.L, Li: new Float64Array(0) };
  }

  /** evaluate(y into grad): call the model once, checking what it returns; `where` names the step for errors. */
  private evaluate(y: Float64Array, grad: Float64Array, where: string): number {
    grad.fill(0);
    const r = this.fn(y, grad);
    this.evals++;
    let value: unknown = r;
    if (typeof r === "object" && r !== null) {
      value = (r as { value: unknown }).value;
      const g = (r as { gradient: ArrayLike<number> }).gradient;
      if (!g || typeof (g as ArrayLike<number>).length !== "number") throw new TypeError(`the model's gradient must be an array of numbers ${where}, got ${show(g)}`);
      if (g.length !== this.dimension) throw new RangeError(`the model's gradient must have length ${this.dimension} (the dimension) ${where}, got length ${g.length}`);
      grad.set(g);
    }
    if (typeof value !== "number") throw new TypeError(`the model must return f(y) as a number ${where}, got ${show(value)}`);
    for (let j = 0; j < grad.length; j++) {
      if (!Number.isFinite(grad[j])) throw new RangeError(`the model's gradient is not finite ${where}: gradient[${j}] = ${grad[j]}`);
    }
    return value;
  }

  private views(): { y: Float64Array; g: Float64Array } {
    const k = this.kernel;
    return { y: k.f64(k.ex.modelPointPtr(), this.dimension), g: k.f64(k.ex.modelGradPtr(), this.dimension) };
  }

  /** value(x) = f(x). */
  value(x: ArrayLike<number>): number {
    this.idle("value");
    this.putX(x);
    const y = this.kernel.f64(this.px, this.dimension).slice();
    return this.evaluate(y, new Float64Array(this.dimension), "at x");
  }

  /** gradient(x) = ∇f(x). */
  gradient(x: ArrayLike<number>): Float64Array {
    this.idle("gradient");
    this.putX(x);
    const y = this.kernel.f64(this.px, this.dimension).slice();
    const g = new Float64Array(this.dimension);
    this.evaluate(y, g, "at x");
    return g;
  }

  protected currentValue(): number {
    const y = this.kernel.f64(this.px, this.dimension).slice();
    return this.evaluate(y, new Float64Array(this.dimension), "at x");
  }
  protected gradEvals(): number { return this.evals; }
  protected beginRun(): void { this.evals = 0; }
  protected setGradEvals(n: number): void { this.evals = n; }

  /** One sketched gradient at the point at pPoint on the current support: acc_k = s_k ∇f(y)_{T_k}. */
  private sketchedAt(pPoint: number, m: number, where: string): void {
    const ex = this.kernel.ex;
    ex.modelPoint(pPoint, m);
    const { y, g } = this.views();
    try { this.evaluate(y, g, where); } finally { ex.modelRestore(m); }
    ex.modelGradient(m);
  }

  protected advance(spec: RunSpec, t0: number, steps: number): number {
    const ex = this.kernel.ex;
    const px = this.px;
    for (let s = 0; s < steps; s++) {
      const t = t0 + s;
      let ok: number;
      if (spec.method === "dsgd") {
        const m = ex.sketchSample(t);
        this.sketchedAt(px, m, `at step ${t}`);
        ok = ex.applySupportStep(px, m, this.gammaAt(s));
      } else {
        if (ex.refreshDue(t)) {
          ex.beginRefresh(px);
          const b = ex.refreshBatch(t);
          for (let r = 0; r < b; r++) {
            const m = ex.loadSetSketch(ex.refreshMember(r));
            this.sketchedAt(ex.wPtr(), m, `in the refresh before step ${t}`);
            ex.accumulateG(m);
          }
          ex.endRefresh();
        }
        const m = ex.loadSetSketch(ex.setDraw(t));
        this.sketchedAt(px, m, `at step ${t}`);
        ex.stashAcc(m);
        this.sketchedAt(ex.wPtr(), m, `at step ${t}`);
        ok = ex.vrUpdate(px, m, this.gammaAt(s));
      }
      if (!ok) return s;
    }
    return steps;
  }

  protected gradientNormD(spec: RunSpec, samples: number): number {
    const ex = this.kernel.ex, d = this.dimension;
    const total = new Float64Array(d);
    const add = (m: number) => {
      const T = this.kernel.i32(ex.supportPtr(), m);
      const g = this.kernel.f64(ex.modelGradPtr(), d), sc = this.kernel.f64(ex.scalePtr(), m);
      for (let k = 0; k < m; k++) total[T[k]] += sc[k] * g[T[k]];
    };
    const evalAt = (m: number) => {
      ex.modelPoint(this.px, m);
      const { y, g } = this.views();
      try { this.evaluate(y, g, "in the stopping test"); } finally { ex.modelRestore(m); }
      add(m);
    };
    let count: number;
    if (spec.method !== "dsgd") {
      for (let j = 0; j < this.setSize; j++) evalAt(ex.loadSetSketch(j));
      count = this.setSize;
    } else if (spec.sketch.kind === "identity") {
      const g = this.gradient(this.kernel.f64(this.px, d).slice());
      let s = 0; for (const v of g) s += v * v;
      return Math.sqrt(s);
    } else {
      ex.setSketchStream(STREAM_MONTE_CARLO);
      try { for (let s = 0; s < samples; s++) evalAt(ex.sketchSample(s)); } finally { ex.setSketchStream(0); }
      count = samples;
    }
    let s = 0;
    for (const v of total) s += (v / count) * (v / count);
    return Math.sqrt(s);
  }

  private setSize = 0;
  protected sketchSetWire(spec: RunSpec) {
    const w = super.sketchSetWire(spec);
    this.setSize = w.offsets.length - 1;
    return w;
  }

  /** sketchedValue(x, sketch, { samples, seed }): Monte Carlo f_D(x) = E f(v + S(x − v)) through the model. */
  sketchedValue(x: ArrayLike<number>, sketch: Sketch, opts: { samples?: number; seed?: number } = {}): SketchedValue {
    this.idle("sketchedValue");
    const o = options<{ samples: number; seed: number }>("options", opts, ["samples", "seed"]);
    const sk = checkSketch(sketch, this.dimension);
    const samples = integer("samples", o.samples ?? 1000, 1, 1e8);
    const [lo, hi] = splitSeed(o.seed ?? 0);
    this.putX(x);
    this.configureSketch(sk);
    const ex = this.kernel.ex;
    ex.setSeed(lo, hi);
    ex.setSketchStream(STREAM_MONTE_CARLO);
    let sum = 0, sq = 0;
    const vals = new Float64Array(samples);
    try {
      for (let s = 0; s < samples; s++) {
        const m = ex.sketchSample(s);
        ex.modelPoint(this.px, m);
        const { y, g } = this.views();
        try { vals[s] = this.evaluate(y, g, "in sketchedValue"); } finally { ex.modelRestore(m); }
        sum += vals[s];
      }
    } finally { ex.setSketchStream(0); }
    const mean = sum / samples;
    for (const v of vals) sq += (v - mean) * (v - mean);
    return { mean, stderr: samples > 1 ? Math.sqrt(sq / (samples - 1) / samples) : 0, samples, exact: false };
  }

  /** minimize(options): DSGD, L-SVRG or SVRG with the model evaluated at the sketched points (no data sampling). */
  minimize(opts: MinimizeOptions = {}) { return super.minimize(opts); }
}
