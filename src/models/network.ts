/**
 * Networks: multi-class softmax models and MLPs trained in wasm, with MAST sketches over their parameters (DropConnect)
 * or over their hidden units (dropout, Rand-K subnetworks, IST). f(x) = (1/n) Σ_i CE(softmax(net_x(a_i)), c_i)
 * + λ/2 ‖W‖² (the weights, not the biases); the sketched objective is f_D(x) = E_S f(v + S(x − v)) (paper, section 1).
 * Parameters are one flat f32 vector x: per layer l = 1 … L+1, W_l (n_l × n_{l−1}, row by row) then b_l. See
 * docs/networks.md.
 * @module
 */
import { Dataset, checkDataset } from "../data/dataset.js";
import type { Kernel } from "../runtime/kernel.js";
import { ACT, SKETCH, STREAM } from "../runtime/codes.js";
import { splitSeed } from "../runtime/seed.js";
import { integer, nonNegative, oneOf, options, show, vector } from "../runtime/validate.js";
import { type Sketch, checkSketch, isUnitSketch } from "../sketch/spec.js";
import { configureNetworkSketch, sketchWire } from "../sketch/wire.js";
import type { SketchSetWire } from "../sketch/set.js";
import { parameterCount } from "../sketch/units.js";
import type { NetworkTerms, Smoothness, Work } from "../methods/objective.js";
import type { MinimizeOptions, MinimizeResult } from "../methods/types.js";
import type { DistributedOptions, DistributedResult } from "../methods/distributed/types.js";
import { BaseProblem, type SketchedValue } from "./problem.js";
import { checkFits, largestFitting, memoryLimit, networkBytes } from "./memory.js";

/** Options of `mast.network`. */
export interface NetworkOptions {
  /** The data: rows a_i (dense, or CSR made dense in the instance) with integer class labels (C ≥ 2 distinct values). */
  data: Dataset;
  /** Hidden layer widths n_1 … n_L (default []: multinomial logistic regression, which is convex). */
  hidden?: readonly number[];
  /** The hidden layers' activation (default "relu"; initial weights He-uniform, Glorot-uniform for "tanh"). */
  activation?: "relu" | "tanh";
  /** The loss: "softmax" cross-entropy (the only one; log-sum-exp stable). */
  loss?: "softmax";
  /** λ ≥ 0 in λ/2 ‖W‖², on the weights only (default 0). */
  l2?: number;
  /** The shift v (default zeros: unit sketches then run on the kept subnetwork only). Rounded to f32. */
  shift?: ArrayLike<number>;
  /** The largest minibatch (default 256): the instance's scratch holds this many rows' activations. */
  maxBatch?: number;
  /** The most bytes of wasm memory the instance may use (1 MiB .. 4 GiB, default 4 GiB). */
  maxMemory?: number;
}

/** Where one layer's parameters sit in x. */
export interface LayerLayout {
  /** l, 1 … L+1 (L+1 is the output layer). */
  layer: number;
  /** The offset of W_l in x. */
  weights: number;
  /** The offset of b_l in x (weights + rows·cols). */
  biases: number;
  /** n_l, the rows of W_l (units of layer l). */
  rows: number;
  /** n_{l−1}, the columns of W_l (inputs of layer l). */
  cols: number;
}

const NETWORK_KEYS = ["data", "hidden", "activation", "loss", "l2", "shift", "maxBatch", "maxMemory"];
/** Power iteration for λ_max(ÃᵀÃ/n) of the convex network: relative change ≤ 1e-9, or 300 products. */
const POWER_ITERATIONS = 300;
const POWER_TOLERANCE = 1e-9;

/** A softmax network on a data set: f, ∇f, accuracy, predictions, initial parameters and MAST training. */
export class NetworkProblem extends BaseProblem {
  /** The training data. */
  readonly data: Dataset;
  /** Hidden widths n_1 … n_L. */
  readonly hidden: readonly number[];
  /** The hidden layers' activation. */
  readonly activation: "relu" | "tanh";
  /** The loss: softmax cross-entropy. */
  readonly loss = "softmax" as const;
  /** λ on the weights. */
  readonly l2: number;
  /** The largest minibatch. */
  readonly maxBatch: number;
  /** C, the number of classes. */
  readonly classes: number;
  /** `classValues[c]` is the label value of class c (the training data's, ascending). */
  readonly classValues: Float64Array;
  /** The layer sizes n_0 (columns), n_1 … n_L, n_{L+1} = C. */
  override readonly layout: readonly number[];
  /** @internal */
  override readonly network: NetworkTerms;
  /** @internal */
  readonly kind = "network" as const;
  /** @internal */
  readonly host = null;
  /** @internal */
  readonly linear = null;
  /** Multiply-adds of full-data evaluations made during a run (the trace), not counted as training work. */
  private evalMacs = 0;

  /** @internal Use `mast.network`. */
  constructor(module: WebAssembly.Module, opts: NetworkOptions) {
    const o = options<NetworkOptions>("options", opts, NETWORK_KEYS);
    if (!(o.data instanceof Dataset)) throw new TypeError(`data must be a Dataset from mast.data.*, got ${show(o.data)}`);
    const D = o.data;
    if (D.classes < 2) {
      throw new RangeError(D.classValues
        ? `a network needs at least 2 classes; every label of this data set is ${show(D.classValues[0])}`
        : `a network needs integer class labels; this data set has a label ${show(D.labels.find((y) => !Number.isInteger(y)))}`);
    }
    if (o.hidden !== undefined && !Array.isArray(o.hidden)) throw new TypeError(`hidden must be an array of layer widths, got ${show(o.hidden)}`);
    const hidden = (o.hidden ?? []).map((w, l) => integer(`hidden[${l}]`, w, 1, 2 ** 20));
    if (hidden.length > 64) throw new RangeError(`hidden must have at most 64 layers, got ${hidden.length}`);
    const layout = [D.cols, ...hidden, D.classes];
    const maxBatch = integer("maxBatch", o.maxBatch ?? 256, 1, 65536);
    const limit = memoryLimit(o.maxMemory);
    const shifted = o.shift !== undefined && Array.from(o.shift as ArrayLike<number>).some((v) => v !== 0);
    checkFits(`a network ${layout.join("-")} on ${D.rows} rows`, networkBytes(layout, D.rows, maxBatch, shifted), limit, () => {
      const n = largestFitting((x) => networkBytes(layout, x, maxBatch, shifted).bytes, limit);
      return n > 0 ? `with this network the largest n that fits is ${n}` : `this network does not fit even on one row`;
    });
    checkDataset(D, "data");
    const d = parameterCount(layout);
    super(module, d, o.shift, limit);
    for (let i = 0; i < d; i++) this.shift[i] = Math.fround(this.shift[i]);
    this.data = D;
    this.hidden = Object.freeze(hidden);
    this.activation = oneOf("activation", o.activation ?? "relu", ["relu", "tanh"] as const);
    oneOf("loss", o.loss ?? "softmax", ["softmax"] as const);
    this.l2 = nonNegative("l2", o.l2 ?? 0);
    this.maxBatch = maxBatch;
    this.classes = D.classes;
    this.classValues = D.classValues!;
    this.layout = Object.freeze(layout);
    this.network = { data: D, hidden: this.hidden, activation: this.activation, l2: this.l2, maxBatch, convex: hidden.length === 0 };
    this.boot(module);
  }

  /** @internal n. */
  get rows(): number { return this.data.rows; }
  /** @internal The same network on other rows (a distributed node's shard), in an instance of its own. */
  shard(data: Dataset): NetworkProblem {
    return new NetworkProblem(this.module, { data, hidden: this.hidden, activation: this.activation, l2: this.l2, shift: this.shift, maxBatch: this.maxBatch, maxMemory: this.kernel.limit });
  }

  /** The parameter layout: for each layer l = 1 … L+1, where W_l (n_l × n_{l−1}, row j = unit j's incoming weights) and
   *  b_l start in x, and their shapes. */
  parameterLayout(): LayerLayout[] {
    const out = [];
    let o = 0;
    for (let l = 1; l < this.layout.length; l++) {
      const rows = this.layout[l], cols = this.layout[l - 1];
      out.push({ layer: l, weights: o, biases: o + rows * cols, rows, cols });
      o += rows * cols + rows;
    }
    return out;
  }

  protected coordinateBytes(): number { return 4; }

  protected reserve(k: Kernel): void {
    const d = this.dimension;
    this.buffers.nn = {
      w: k.alloc(4 * d, "the reference point w"), G: k.alloc(4 * d, "the reference gradient G"),
      gx: k.alloc(4 * d, "a member's gradient at x"), gw: k.alloc(4 * d, "a member's gradient at w"),
      idx: k.alloc(4 * d, "a member's support"), journal: k.alloc(4 * d, "the update journal"),
      rows: k.putI32(Int32Array.from({ length: this.data.rows }, (_, i) => i), "the row list"),
    };
  }

  protected upload(k: Kernel): void {
    const D = this.data, L = this.hidden.length, layout = this.layout;
    const pSizes = k.putI32(layout, "the layer sizes");
    k.call("nnConfigure", (ex) => ex.nnConfigure(pSizes, L, ACT[this.activation], this.l2, this.maxBatch));
    const pX = k.alloc(4 * D.rows * D.cols, "the data (f32)");
    this.fillRows(k.f32(pX, D.rows * D.cols), D);
    const pY = k.putI32(D.classLabels!, "the class labels");
    k.call("nnSetData", (ex) => ex.nnSetData(pX, pY, D.rows, D.cols));
    k.call("sketchWorkspace", (ex) => ex.sketchWorkspace(this.dimension));
    if (this.shift.some((v) => v !== 0)) {
      const pV = k.putF32(this.shift, "the shift v");
      k.call("nnSetShift", (ex) => ex.nnSetShift(pV));
    }
  }

  protected fingerprintParts(): (Float64Array | Int32Array)[] {
    const D = this.data;
    const csr = D.format === "csr";
    return [Float64Array.from([...this.layout, ACT[this.activation], this.l2]), D.values,
      csr ? D.indptr! : new Float64Array(0), csr ? D.indices! : new Float64Array(0),
      Float64Array.from(D.classLabels!), this.shift];
  }

  /** @internal x at the run buffer, widened from f32. */
  override readX(): Float64Array { return Float64Array.from(this.kernel.f32(this.buffers.x, this.dimension)); }
  override viewX(): Float64Array { return this.readX(); }
  /** @internal Put x at the run buffer, rounded to f32. */
  override writeX(x: ArrayLike<number>): void { this.kernel.f32(this.buffers.x, this.dimension).set(x); }
  /** @internal f at the run buffer (full data); its multiply-adds are not training work. */
  override valueAtX(): number {
    const k = this.kernel, m0 = k.ex.nnMacs();
    const f = k.call("nnValue", (ex) => ex.nnValue(this.buffers.x));
    this.evalMacs += k.ex.nnMacs() - m0;
    return f;
  }
  /** @internal Rows through sketched gradients so far. */
  override gradientEvaluations(): number { return this.kernel.ex.nnRowsTouched(); }
  /** @internal */
  override setGradientEvaluations(n: number): void { this.kernel.ex.nnSetRowsTouched(n); }
  /** @internal */
  override work(): Work {
    const ex = this.kernel.ex;
    return { coordsTouched: ex.nnCoordsTouched(), rowsTouched: ex.nnRowsTouched(), macs: ex.nnMacs() - this.evalMacs };
  }
  /** @internal */
  override resetWork(): void { this.kernel.ex.nnResetCounters(); this.evalMacs = 0; }
  /** @internal The default x_0: initial parameters from the seed, or v when a shift is given (fine-tuning starts there). */
  initialX(seed: number): Float64Array {
    return this.shift.some((v) => v !== 0) ? Float64Array.from(this.shift) : this.drawInitial(seed);
  }

  private drawInitial(seed: number): Float64Array {
    const k = this.kernel;
    k.call("nnInit", (ex) => ex.nnInit(this.buffers.g, seed));
    return Float64Array.from(k.f32(this.buffers.g, this.dimension));
  }

  /**
   * initialParameters(seed): x_0 drawn by the library's generator (stream 12, layer l at step l − 1): weights
   * uniform in (−a_l, a_l) with a_l = √(6/n_{l−1}) (He, relu) or √(6/(n_{l−1} + n_l)) (Glorot, tanh), biases 0.
   */
  initialParameters(seed = 0): Float64Array {
    this.idle("initialParameters");
    return this.drawInitial(integer("seed", seed, 0));
  }

  /** value(x) = f(x) over every row: the mean cross-entropy plus λ/2 ‖W‖² (x rounded to f32; the sum in f64). */
  override value(x: ArrayLike<number>): number {
    this.idle("value");
    this.writeX(vector("x", x, this.dimension));
    return this.kernel.call("nnValue", (ex) => ex.nnValue(this.buffers.x));
  }

  /** gradient(x) = ∇f(x) over every row (f32 arithmetic, chunks of maxBatch rows added in order, widened to f64). */
  override gradient(x: ArrayLike<number>): Float64Array {
    this.idle("gradient");
    this.writeX(vector("x", x, this.dimension));
    this.kernel.call("nnFullGradient", (ex) => ex.nnFullGradient(this.buffers.x, this.buffers.g));
    return Float64Array.from(this.kernel.f32(this.buffers.g, this.dimension));
  }

  /** accuracy(x, data): the fraction of rows whose largest logit (ties: the lower class) is their class; on the
   *  training data by default, or on any data set with the same columns and class values. */
  accuracy(x: ArrayLike<number>, data?: Dataset): number {
    this.idle("accuracy");
    this.writeX(vector("x", x, this.dimension));
    return this.onData(data, "accuracy", () => this.kernel.call("nnAccuracy", (ex) => ex.nnAccuracy(this.buffers.x, 0)));
  }

  /** predict(x, data): the predicted class 0 … C−1 of every row (`classValues[c]` is its label value). */
  predict(x: ArrayLike<number>, data: Dataset): Int32Array {
    this.idle("predict");
    this.writeX(vector("x", x, this.dimension));
    const n = data instanceof Dataset ? data.rows : 0;
    return this.onData(data, "predict", () => {
      const p = this.kernel.alloc(4 * n, "the predictions");
      this.kernel.call("nnAccuracy", (ex) => ex.nnAccuracy(this.buffers.x, p));
      return this.kernel.i32(p, n).slice();
    }, true);
  }

  /** @internal keepBest's scorer: the validation rows, their classes and an f32 x go in once, after the run's own
   *  scratch (no release: the run's sets and samplers sit below); each call swaps the passes to them and back. */
  validationScorer(data: Dataset, metric: "accuracy" | "loss"): (x: Float64Array) => number {
    const k = this.kernel, d = this.dimension;
    const classes = this.classesOf(data, "keepBest", false);
    const pX = k.alloc(4 * data.rows * data.cols, "keepBest's validation rows (f32)");
    this.fillRows(k.f32(pX, data.rows * data.cols), data);
    const pY = k.putI32(classes), px = k.alloc(4 * d, "keepBest's x");
    return (x) => {
      k.f32(px, d).set(x);
      k.call("nnSwapData", (ex) => ex.nnSwapData(pX, pY, data.rows));
      try {
        return metric === "accuracy" ? k.call("nnAccuracy", (ex) => ex.nnAccuracy(px, 0)) : k.call("nnValue", (ex) => ex.nnValue(px));
      } finally {
        k.ex.nnSwapData(0, 0, 0);
      }
    };
  }

  /** The class of every row of `data` under the network's class values (RangeError naming a row that has none,
   *  unless anyLabels: then 0). */
  private classesOf(data: Dataset, name: string, anyLabels: boolean): Int32Array {
    if (!(data instanceof Dataset)) throw new TypeError(`data must be a Dataset from mast.data.*, got ${show(data)}`);
    if (data.cols !== this.data.cols) throw new RangeError(`data must have ${this.data.cols} columns (the network's inputs), got ${data.cols}`);
    checkDataset(data, "data");
    const classes = new Int32Array(data.rows);
    const index = new Map<number, number>();
    this.classValues.forEach((v, c) => index.set(v, c));
    for (let i = 0; i < data.rows; i++) {
      const c = index.get(data.classValues ? data.classValues[data.classLabels![i]] : data.labels[i]);
      if (c === undefined) {
        if (anyLabels) continue;
        throw new RangeError(`${name}: data row ${i} has label ${show(data.labels[i])}, which is not one of the network's class values (${Array.from(this.classValues).join(", ")})`);
      }
      classes[i] = c;
    }
    return classes;
  }

  /** The rows of `data` as f32, dense, into X. */
  private fillRows(X: Float32Array, data: Dataset): void {
    if (data.format === "dense") X.set(data.values);
    else for (let i = 0; i < data.rows; i++) for (let e = data.indptr![i]; e < data.indptr![i + 1]; e++) X[i * data.cols + data.indices![e]] = data.values[e];
  }

  /** Run f with the full-data passes pointed at `data` (a copy in the instance while f runs), then back. */
  private onData<T>(data: Dataset | undefined, name: string, f: () => T, anyLabels = false): T {
    const k = this.kernel, base = this.buffers.base;
    if (data === undefined) return f();
    const classes = this.classesOf(data, name, anyLabels);
    k.ex.release(base);
    try {
      const pX = k.alloc(4 * data.rows * data.cols, `the rows of ${name}'s data (f32)`);
      this.fillRows(k.f32(pX, data.rows * data.cols), data);
      const pY = k.putI32(classes);
      k.call("nnSwapData", (ex) => ex.nnSwapData(pX, pY, data.rows));
      try {
        return f();
      } finally {
        k.ex.nnSwapData(0, 0, 0);
      }
    } finally {
      k.ex.release(base);
    }
  }

  /**
   * sketchedGradient(x, sketch, { step, seed, batch }): g = S_t ∇̂f(v + S_t(x − v)) of step t of a DSGD run with this
   * seed (the τ rows of step t, nice sampling; units or coordinates of step t), with its support.
   */
  override sketchedGradient(x: ArrayLike<number>, sketch: Sketch, opts: { step?: number; seed?: number; batch?: number | "full" } = {}): {
    /** The sketched gradient (a d-vector, zero off the support). */
    g: Float64Array;
    /** The parameters the step changes: a unit sketch's kept rows and biases and the output layer, or the coordinates. */
    support: Int32Array;
  } {
    this.idle("sketchedGradient");
    const o = options<{ step: number; seed: number; batch: number | "full" }>("options", opts, ["step", "seed", "batch"]);
    const sk = checkSketch(sketch, this.dimension, "sketch", this.layout);
    const seed = integer("seed", o.seed ?? 0, 0);
    const step = integer("step", o.step ?? 0, 0);
    if (o.batch === "full") throw new RangeError(`batch "full" is not available on a network; give batch τ in 1..${Math.min(this.rows, this.maxBatch)}`);
    const tau = integer("batch", o.batch ?? Math.min(64, this.rows, this.maxBatch), 1, Math.min(this.rows, this.maxBatch));
    const k = this.kernel, px = this.buffers.x;
    this.writeX(vector("x", x, this.dimension));
    configureNetworkSketch(k, sk, this.buffers.base);
    const [lo, hi] = splitSeed(seed);
    const m = k.call("nnGradient", (ex) => {
      ex.setSeed(lo, hi);
      ex.dsgdConfigure(tau, 0, 0);
      const c = ex.nnSampleBatch(step);
      const rows = ex.nnBatchRowsPtr(), w = ex.nnBatchWeightsPtr(), D = ex.nnBatchDivisor();
      if (isUnitSketch(sk) || sketchWire(sk).code === SKETCH.identity) return ex.nnGradient(px, rows, w, c, D, step);
      const mT = ex.sketchSample(step);
      return ex.nnGradientCoords(px, ex.supportPtr(), ex.scalePtr(), mT, rows, w, c, D);
    });
    const support = k.i32(k.ex.nnGradIdxPtr(), m).slice(), vals = k.f32(k.ex.nnGradValPtr(), m);
    const g = new Float64Array(this.dimension);
    for (let q = 0; q < m; q++) g[support[q]] = vals[q];
    k.ex.nnSketchUnits(SKETCH.identity, 1, 0);
    return { g, support };
  }

  /**
   * sketchedValue(x, sketch, { samples, seed }): a Monte Carlo f_D(x) = E_S f(v + S(x − v)) over `samples` draws
   * (default 100; generator stream 2 for coordinate sketches, 13 for unit sketches), each a full-data f, with its
   * standard error.
   */
  sketchedValue(x: ArrayLike<number>, sketch: Sketch, opts: { samples?: number; seed?: number } = {}): SketchedValue {
    this.idle("sketchedValue");
    const o = options<{ samples: number; seed: number }>("options", opts, ["samples", "seed"]);
    const sk = checkSketch(sketch, this.dimension, "sketch", this.layout);
    const samples = integer("samples", o.samples ?? 100, 1, 1e6);
    const [lo, hi] = splitSeed(o.seed ?? 0);
    const k = this.kernel, d = this.dimension;
    const xs = Float32Array.from(vector("x", x, d)), v = Float32Array.from(this.shift);
    configureNetworkSketch(k, sk, this.buffers.base);
    const py = this.buffers.g;
    const values = new Float64Array(samples);
    const unit = isUnitSketch(sk);
    k.ex.setSeed(lo, hi);
    if (unit) k.ex.nnSetUnitStream(STREAM.unitsMonteCarlo); else k.ex.setSketchStream(STREAM.monteCarlo);
    try {
      for (let s = 0; s < samples; s++) {
        const y = k.f32(py, d);
        if (unit) this.unitPoint(xs, v, y, s);
        else {
          y.set(v);
          const m = k.call("sketchSample", (ex) => ex.sketchSample(s));
          const T = k.i32(k.ex.supportPtr(), m), sc = k.f64(k.ex.scalePtr(), m), yv = k.f32(py, d);
          for (let q = 0; q < m; q++) yv[T[q]] = yOf(xs[T[q]], v[T[q]], Math.fround(sc[q]));
        }
        values[s] = k.call("nnValue", (ex) => ex.nnValue(py));
      }
    } finally {
      k.ex.nnSetUnitStream(STREAM.units);
      k.ex.setSketchStream(STREAM.sketch);
      k.ex.nnSketchUnits(SKETCH.identity, 1, 0);
    }
    let mean = 0;
    for (const f of values) mean += f;
    mean /= samples;
    let ss = 0;
    for (const f of values) ss += (f - mean) * (f - mean);
    const stderr = samples > 1 ? Math.sqrt(ss / (samples - 1) / samples) : NaN;
    return { mean, stderr, samples, exact: false };
  }

  /** y = v + S(x − v) for the unit sketch of draw s: kept units' incoming weights and bias scaled, dropped ones at v,
   *  the output layer x (as the kernel's steps form it, in f32). */
  private unitPoint(x: Float32Array, v: Float32Array, y: Float32Array, s: number): void {
    const k = this.kernel;
    y.set(v);
    k.call("nnSampleUnits", (ex) => ex.nnSampleUnits(s));   // allocates nothing: y stays a live view
    const layers = this.parameterLayout();
    for (let l = 1; l < this.layout.length; l++) {
      const { weights, biases, cols } = layers[l - 1];
      const out = l === this.layout.length - 1;
      const m = out ? this.layout[l] : k.ex.nnKeptCount(l);
      const T = out ? null : k.i32(k.ex.nnKeptPtr(l), m), S = out ? null : k.f32(k.ex.nnKeptScalePtr(l), m);
      for (let q = 0; q < m; q++) {
        const j = T ? T[q] : q, sc = S ? S[q] : 1;
        for (let c = 0; c < cols; c++) { const i = weights + j * cols + c; y[i] = yOf(x[i], v[i], sc); }
        y[biases + j] = yOf(x[biases + j], v[biases + j], sc);
      }
    }
  }

  /** @internal N unit sketches drawn with the set's seed (stream 14), and the set's constants over the parameters. */
  unitSketchSet(sketch: Sketch, src: { size: number; seed: number }): SketchSetWire {
    const k = this.kernel, L = this.hidden.length, N = src.size;
    configureNetworkSketch(k, sketch, this.buffers.base);
    const second: Float64Array[] = this.hidden.map((n) => new Float64Array(n));
    const first: Float64Array[] = this.hidden.map((n) => new Float64Array(n));
    let LSmax = 1;
    const [lo, hi] = splitSeed(src.seed);
    k.ex.setSeed(lo, hi);
    k.ex.nnSetUnitStream(STREAM.unitsSet);
    try {
      for (let j = 0; j < N; j++) {
        k.call("nnSampleUnits", (ex) => ex.nnSampleUnits(j));
        for (let l = 1; l <= L; l++) {
          const m = k.ex.nnKeptCount(l), T = k.i32(k.ex.nnKeptPtr(l), m), S = k.f32(k.ex.nnKeptScalePtr(l), m);
          for (let q = 0; q < m; q++) { const s2 = S[q] * S[q]; second[l - 1][T[q]] += s2; first[l - 1][T[q]] += S[q]; if (s2 > LSmax) LSmax = s2; }
        }
      }
    } finally {
      k.ex.nnSetUnitStream(STREAM.units);
    }
    let LD = 1, muD = 1;   // the output layer: scale 1 in every member
    for (const layer of second) for (const s2 of layer) { LD = Math.max(LD, s2 / N); muD = Math.min(muD, s2 / N); }
    let meanError = 0;
    for (const layer of first) for (const s1 of layer) meanError = Math.max(meanError, Math.abs(s1 / N - 1));
    return { offsets: new Int32Array(N + 1), indices: new Int32Array(0), scales: new Float64Array(0), LD, muD, LSmax, meanError };
  }

  /**
   * @internal L and μ of f, and the per-row L_i. hidden: [] (multinomial logistic regression): the Hessian of one
   * row's cross-entropy in its logits is diag(p) − ppᵀ ≼ ½ I [D], so with ã_i = (a_i, 1) the row's Hessian in (W, b) is
   * ≼ ½ ã_iã_iᵀ ⊗ I_C: L_i = ½‖ã_i‖² + λ and L = ½ λ_max(ÃᵀÃ/n) + λ (power iteration); μ = 0 (the biases are not
   * penalised and adding a constant to every class's logit leaves f unchanged). With hidden layers nothing is known:
   * L, μ and L_max are NaN and the L_i empty.
   */
  protected smoothness(): Smoothness {
    if (this.hidden.length > 0) return { L: NaN, mu: NaN, Lmax: NaN, Li: new Float64Array(0), regime: "nonconvex" };
    const D = this.data, n = D.rows, d = D.cols;
    const Li = new Float64Array(n);
    const row = (i: number, f: (j: number, a: number) => void) => {
      if (D.format === "dense") for (let j = 0; j < d; j++) f(j, D.values[i * d + j]);
      else for (let e = D.indptr![i]; e < D.indptr![i + 1]; e++) f(D.indices![e], D.values[e]);
      f(d, 1);
    };
    let Lmax = 0;
    for (let i = 0; i < n; i++) { let s = 0; row(i, (_j, a) => { s += a * a; }); Li[i] = 0.5 * s + this.l2; Lmax = Math.max(Lmax, Li[i]); }
    // power iteration on M = ÃᵀÃ/n from the all-ones vector, normalised by its largest entry (no host Math in the result)
    let u = new Float64Array(d + 1).fill(1), lambda = 0;
    for (let it = 0; it < POWER_ITERATIONS; it++) {
      const Mu = new Float64Array(d + 1);
      for (let i = 0; i < n; i++) {
        let dot = 0;
        row(i, (j, a) => { dot += a * u[j]; });
        row(i, (j, a) => { Mu[j] += a * dot; });
      }
      let uu = 0, uMu = 0, big = 0;
      for (let j = 0; j <= d; j++) { Mu[j] /= n; uu += u[j] * u[j]; uMu += u[j] * Mu[j]; big = Math.max(big, Math.abs(Mu[j])); }
      const next = uMu / uu;
      const done = Math.abs(next - lambda) <= POWER_TOLERANCE * next;
      lambda = next;
      if (done || big === 0) break;
      u = Mu.map((m) => m / big);
    }
    return { L: 0.5 * lambda + this.l2, mu: 0, Lmax, Li, regime: "convex" };
  }

  /** minimize(options): DSGD, L-SVRG or SVRG on f_D with minibatches (see {@link BaseProblem.minimize}); x_0 defaults
   *  to `initialParameters(seed)` (or v when a shift is given); `work.macs` counts the training steps' multiply-adds.
   *  With `method: "distributed"`: distributed DSGD over `nodes` shards (section 4.3), IST by default (the blocks of
   *  `sketch.permutation(M, { over: "units" })`), `batch` τ rows of each shard a round (default 64) or "full". */
  minimize(opts: DistributedOptions): Promise<DistributedResult>;
  minimize(opts?: MinimizeOptions): Promise<MinimizeResult>;
  override minimize(opts: MinimizeOptions | DistributedOptions = {}): Promise<MinimizeResult> { return super.minimize(opts as MinimizeOptions); }
}

/** y of one coordinate: x where s = 1, else v + s(x − v), each operation rounded to f32 (the kernel's yOf). */
function yOf(x: number, v: number, s: number): number {
  return s === 1 ? x : Math.fround(v + Math.fround(s * Math.fround(x - v)));
}
