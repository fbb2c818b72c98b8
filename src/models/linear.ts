/**
 * Data problems (generalised linear models): f(x) = (1/n) Σ_i φ(a_iᵀx, b_i) + λ/2 ‖x‖² over a data set, with the
 * logistic or squared loss on the margin, and the MAST shift v. The data are copied into the problem's own wasm
 * instance once.
 * @module
 */
import { Dataset, checkDataset } from "../data/dataset.js";
import type { Kernel } from "../runtime/kernel.js";
import { LOSS } from "../runtime/codes.js";
import { rescaleFor } from "../runtime/linalg.js";
import { nonNegative, oneOf, options, show } from "../runtime/validate.js";
import type { Sketch } from "../sketch/spec.js";
import type { LinearTerms, Loss, Smoothness } from "../methods/objective.js";
import type { MinimizeOptions, MinimizeResult } from "../methods/types.js";
import type { DistributedOptions, DistributedResult } from "../methods/distributed/types.js";
import { BaseProblem, type SketchedValue } from "./problem.js";
import { checkFits, dataProblemBytes, largestFitting, memoryLimit } from "./memory.js";
import { ColumnMap } from "../runtime/columns.js";

/** ‖a_i‖² of every row, summed as (Σ (r a_ij)²)/r² (r a power of two, for entries too large or small to square). */
function scaledRowNorms(D: Dataset, r: number): Float64Array {
  const out = new Float64Array(D.rows);
  for (let i = 0; i < D.rows; i++) {
    const lo = D.format === "dense" ? i * D.cols : D.indptr![i], hi = D.format === "dense" ? lo + D.cols : D.indptr![i + 1];
    let s = 0;
    for (let e = lo; e < hi; e++) { const a = r * D.values[e]; s += a * a; }
    out[i] = s / r / r;
  }
  return out;
}

/** Power iteration for L (and μ): stop at a relative change of the Rayleigh quotient ≤ 1e-9, or after 300 products. */
const POWER_ITERATIONS = 300;
/**
 * Wide, sparse data: when at most a quarter of d ≥ 2^16 columns hold a non-zero, λ_max(AᵀA) is computed on the used
 * columns alone (the others are zero columns: the same non-zero spectrum), so that the power iteration costs O(nnz) a
 * product instead of O(nnz + d). Narrower data keeps the full iteration and its bits.
 */
const COMPACT_MIN_D = 1 << 16;
const POWER_TOLERANCE = 1e-9;

/** Options of `mast.problem`. */
export interface ProblemOptions {
  /** The data set (rows a_i, labels b_i). */
  data: Dataset;
  /** The loss (default "logistic", which needs ±1 labels). */
  loss?: Loss;
  /** λ ≥ 0, the ℓ2 weight in λ/2 ‖x‖² (default 0). */
  l2?: number;
  /** The shift v (default zeros). */
  shift?: ArrayLike<number>;
  /** The most bytes of wasm memory the problem's instance may use (1 MiB .. 4 GiB, default 4 GiB, the wasm32 limit). */
  maxMemory?: number;
  /**
   * Fit an intercept b (default false): f(x) = (1/n) Σ φ(a_iᵀw + b, b_i) + λ/2 ‖w‖² with x = (w, b), b its last entry
   * (d + 1 parameters). b carries no ℓ2 term and no sketch drops it (scale 1 in every S, so E[S] = I still holds and
   * L_D, μ_D, L_S^max are those of the d features, taken with the intercept's 1). One-row steps take the general path.
   */
  fitIntercept?: boolean;
  /**
   * Let runs on wide sparse data take place on the coordinates they can change (default true): a DSGD run with the
   * identity sketch, whose x_0 is zero off the data's used columns and the shift's support, runs on those columns alone
   * when they are at most a quarter of d ≥ 2^16, so that its fixed cost is O(used columns) instead of O(d). The result,
   * digest, trace and checkpoint are the same bits either way (docs/performance.md#compact-runs); only `work` counts
   * the shorter vectors. false keeps every run on all d coordinates.
   */
  compactRuns?: boolean;
}

/** usedColumnsOf(indices, d): which of d columns the CSR indices use, and how many. */
function usedColumnsOf(ix: Int32Array, d: number): { seen: Uint8Array; u: number } {
  const seen = new Uint8Array(d);
  let u = 0;
  for (let e = 0; e < ix.length; e++) { const j = ix[e]; if (!seen[j]) { seen[j] = 1; u++; } }
  return { seen, u };
}

/** withIntercept(D): the data with a constant-one column appended (the intercept's feature). */
function withIntercept(D: Dataset): Dataset {
  const n = D.rows, d = D.cols;
  if (D.format === "dense") {
    const values = new Float64Array(n * (d + 1));
    for (let i = 0; i < n; i++) { values.set(D.values.subarray(i * d, (i + 1) * d), i * (d + 1)); values[i * (d + 1) + d] = 1; }
    return new Dataset({ format: "dense", rows: n, cols: d + 1, values, labels: D.labels, classes: null });
  }
  const ptr = D.indptr!, nnz = D.values.length;
  const indptr = new Int32Array(n + 1), indices = new Int32Array(nnz + n), values = new Float64Array(nnz + n);
  for (let i = 0; i < n; i++) {
    const a = ptr[i], b = ptr[i + 1], o = a + i;
    indices.set(D.indices!.subarray(a, b), o); values.set(D.values.subarray(a, b), o);
    indices[o + b - a] = d; values[o + b - a] = 1;
    indptr[i + 1] = b + i + 1;
  }
  return new Dataset({ format: "csr", rows: n, cols: d + 1, values, indptr, indices, labels: D.labels, classes: null });
}

/** f(x) = (1/n) Σ_i φ(a_iᵀx, b_i) + λ/2 ‖x‖² over a data set, with the MAST shift v. */
export class Problem extends BaseProblem {
  /** The data set. */
  readonly data: Dataset;
  /** Whether x ends with an intercept (fitIntercept). */
  readonly fitIntercept: boolean;
  /** The rows the kernel sees: the data, with a constant-one column when fitting an intercept. */
  private readonly rowsData: Dataset;
  /** The loss. */
  readonly loss: Loss;
  /** λ. */
  readonly l2: number;

  /** @internal Use `mast.problem`. */
  constructor(module: WebAssembly.Module, opts: ProblemOptions) {
    const o = options<ProblemOptions>("options", opts, ["data", "loss", "l2", "shift", "maxMemory", "fitIntercept", "compactRuns"]);
    if (!(o.data instanceof Dataset)) throw new TypeError(`data must be a Dataset from mast.data.*, got ${show(o.data)}`);
    const D = o.data;
    const limit = memoryLimit(o.maxMemory);
    const csr = D.format === "csr";
    checkFits(`a problem on ${D.rows} rows × ${D.cols} columns`, dataProblemBytes(D.rows, D.cols, D.values.length, csr), limit, () => {
      const perRowEntries = D.values.length / D.rows;
      const d = largestFitting((x) => dataProblemBytes(D.rows, x, csr ? D.values.length : D.rows * x, csr).bytes, limit);
      const n = largestFitting((x) => dataProblemBytes(x, D.cols, csr ? Math.ceil(x * perRowEntries) : x * D.cols, csr).bytes, limit);
      return `with these rows the largest d that fits is ${d}` + (n > 0 ? `, and with these columns the largest n is ${n}` : `, and no number of rows fits with ${D.cols} columns`);
    });
    checkDataset(D, "data");
    if (o.fitIntercept !== undefined && typeof o.fitIntercept !== "boolean") throw new TypeError(`fitIntercept must be true or false, got ${show(o.fitIntercept)}`);
    const intercept = o.fitIntercept === true;
    if (o.compactRuns !== undefined && typeof o.compactRuns !== "boolean") throw new TypeError(`compactRuns must be true or false, got ${show(o.compactRuns)}`);
    // a shift of length d (the weights) gets an intercept of 0
    const shift = intercept && o.shift !== undefined && (o.shift as ArrayLike<number>).length === D.cols ? [...Array.from(o.shift as ArrayLike<number>), 0] : o.shift;
    if (intercept && o.shift !== undefined && (o.shift as ArrayLike<number>).length !== D.cols && (o.shift as ArrayLike<number>).length !== D.cols + 1) {
      throw new RangeError(`shift must have length ${D.cols} (the weights; the intercept's is 0) or ${D.cols + 1} (weights and intercept), got length ${(o.shift as ArrayLike<number>).length}`);
    }
    super(module, D.cols + (intercept ? 1 : 0), shift, limit);
    this.data = o.data;
    this.fitIntercept = intercept;
    this.rowsData = intercept ? withIntercept(D) : D;
    this.compactRuns = o.compactRuns !== false;
    this.loss = oneOf("loss", o.loss ?? "logistic", ["logistic", "squared"] as const);
    this.l2 = nonNegative("l2", o.l2 ?? 0);
    if (this.loss === "logistic" && !this.data.binary) {
      throw new RangeError(`loss "logistic" needs labels −1/+1 (or 0/1); this data set has other labels, e.g. ${show(this.data.labels.find((y) => y !== 1 && y !== -1))}`);
    }
    this.boot(module);
  }

  /** Whether runs on wide sparse data may take place on the coordinates they can change (the option compactRuns). */
  readonly compactRuns: boolean;
  /** The compact twin: made on first use (null: none for this problem). */
  private twin: Problem | null | undefined = undefined;

  /** @internal */
  readonly kind = "data" as const;
  /** @internal */
  readonly host = null;
  /** @internal n. */
  get rows(): number { return this.data.rows; }
  /** @internal The data terms, for distributed nodes. */
  get linear(): LinearTerms { return { data: this.data, loss: this.loss, l2: this.l2, intercept: this.fitIntercept }; }
  /** @internal The same objective on other rows, in an instance of its own (a distributed node's shard). */
  shard(data: Dataset): Problem { return new Problem(this.module, { data, loss: this.loss, l2: this.l2, shift: this.shift, maxMemory: this.kernel.limit, fitIntercept: this.fitIntercept }); }

  /**
   * minimize(options): as {@link BaseProblem.minimize}; with `method: "distributed"`, distributed DSGD / IST over
   * `nodes` on `workers` threads (section 4.3, src/distributed.ts), which resolves to a {@link DistributedResult}.
   */
  minimize(opts: DistributedOptions): Promise<DistributedResult>;
  minimize(opts?: MinimizeOptions): Promise<MinimizeResult>;
  minimize(opts: MinimizeOptions | DistributedOptions = {}): Promise<MinimizeResult> { return super.minimize(opts as MinimizeOptions); }

  protected upload(k: Kernel): void {
    const D = this.rowsData;
    const pv = k.putF64(D.values);
    const pl = k.putF64(D.labels);
    if (D.format === "dense") {
      k.call("setDense", (ex) => ex.setDense(pv, pl, D.rows, D.cols));
    } else {
      const pi = k.putI32(D.indptr!), pj = k.putI32(D.indices!);
      k.call("setCsr", (ex) => ex.setCsr(pi, pj, pv, pl, D.rows, D.cols));
    }
    const ps = k.putF64(this.shift);
    k.call("setDataProblem", (ex) => ex.setDataProblem(LOSS[this.loss], this.l2, ps));
    if (this.fitIntercept) {
      // the intercept: no ℓ2 term, and in every sketch at scale 1
      k.call("setUnpenalised", (ex) => { ex.setUnpenalised(1); ex.sketchPin(1); });
    }
  }

  /**
   * @internal compactTwin(): the same objective on the coordinates a run with the identity sketch can change (the
   * data's used columns, the shift's support and, for the layout, d's last group of four and tail), in a
   * {@link ColumnMap} layout and an instance of its own, sharing the data's values, row pointers and labels; made on
   * first use. Null when compactRuns is false, the data are dense or d < 2^16, or the layout would hold more than a
   * quarter of d.
   */
  compactTwin(): Problem | null {
    if (this.twin !== undefined) return this.twin;
    this.twin = null;
    const D = this.rowsData, d = this.dimension;
    if (!this.compactRuns || this.owner || D.format !== "csr" || d < COMPACT_MIN_D) return null;
    const keep = usedColumnsOf(D.indices!, d).seen, ix = this.data.indices!, v = this.shift;
    for (let j = 0; j < d; j++) if (v[j] !== 0 || 1 / v[j] < 0) keep[j] = 1;
    const map = ColumnMap.layout(d, keep);
    if (4 * map.dimension > d) return null;
    const at = map.positions(), indices = new Int32Array(ix.length);
    for (let e = 0; e < ix.length; e++) indices[e] = at[ix[e]];
    const S = this.data;
    const data = new Dataset({ format: "csr", rows: S.rows, cols: map.dimension - (this.fitIntercept ? 1 : 0), values: S.values, indptr: S.indptr, indices, labels: S.labels });
    const twin = new Problem(this.module, { data, loss: this.loss, l2: this.l2, shift: map.gather(v), maxMemory: this.kernel.limit, fitIntercept: this.fitIntercept, compactRuns: false });
    twin.twinOf(this, map);
    return (this.twin = twin);
  }

  /**
   * usedColumns(): for wide CSR data whose used columns are at most a quarter of d (d ≥ 2^16), their count u and the
   * map from a column to its rank among them (0…u−1, in order); otherwise null. The power iteration then runs over
   * those u coordinates, O(nnz) a product instead of O(nnz + d).
   */
  private usedColumns(): { u: number; map: Int32Array } | null {
    const D = this.rowsData;
    if (D.format !== "csr" || D.cols < COMPACT_MIN_D) return null;
    const { seen, u } = usedColumnsOf(D.indices!, D.cols);
    if (4 * u > D.cols) return null;
    const map = new Int32Array(D.cols);
    for (let j = 0, c = 0; j < D.cols; j++) if (seen[j]) map[j] = c++;
    return { u, map };
  }

  /** λ_max of r²AᵀA/n over the used columns: the kernel's column indices renumbered in place for the iteration and put
   *  back from the data set's own afterwards (a second instance with a copy of the data was the peak memory of a
   *  wide problem's set-up). */
  private compactTop(used: { u: number; map: Int32Array }, r: number): number {
    const k = this.kernel, ix = this.rowsData.indices!, nnz = ix.length;
    const view = k.i32(k.ex.dataIndicesPtr(), nnz);
    for (let e = 0; e < nnz; e++) view[e] = used.map[ix[e]];
    try {
      return k.call("powerIterationIn", (ex) => ex.powerIterationIn(used.u, 0, 1, POWER_ITERATIONS, POWER_TOLERANCE, r));
    } finally {
      k.i32(k.ex.dataIndicesPtr(), nnz).set(ix);
    }
  }

  protected fingerprintParts(): (Float64Array | Int32Array)[] {
    const D = this.rowsData;
    // index arrays hashed as f64, widened a chunk at a time (fingerprint)
    return [Float64Array.of(D.rows, D.cols, LOSS[this.loss], this.l2, this.fitIntercept ? 1 : 0), D.values, D.labels,
      D.indptr ?? new Float64Array(0), D.indices ?? new Float64Array(0), this.shift];
  }

  protected smoothness(): Smoothness {
    const k = this.kernel, D = this.rowsData, n = D.rows;
    // the power iteration runs on r² AᵀA/n, r a power of two that keeps extreme entries from over- or underflowing
    let maxAbs = 0;
    for (const a of D.values) if (Math.abs(a) > maxAbs) maxAbs = Math.abs(a);
    const r = rescaleFor(maxAbs), r2 = r * r;
    const compact = this.usedColumns();
    const top = compact !== null
      ? this.compactTop(compact, r) / r / r
      : k.call("powerIteration", (ex) => ex.powerIteration(0, 1, POWER_ITERATIONS, POWER_TOLERANCE, r)) / r / r;
    k.ex.release(this.buffers.base);
    const pn = k.alloc(n * 8, "the row norms");
    k.call("rowSquaredNorms", (ex) => ex.rowSquaredNorms(pn));
    const norms = r === 1 ? k.f64(pn, n).slice() : scaledRowNorms(D, r);
    const c = this.loss === "logistic" ? 0.25 : 1;
    const Li = Float64Array.from(norms, (q) => c * q + this.l2);
    let maxNorm = 0;
    for (const v of norms) if (v > maxNorm) maxNorm = v;
    // an unpenalised intercept: λ is no lower bound on the curvature (the logistic loss can be flat along b), and for
    // the squared loss λ_min(ÃᵀÃ/n) alone is
    let mu = this.fitIntercept ? 0 : this.l2;
    // with unused columns λ_min(AᵀA) = 0: μ is λ alone
    if (this.loss === "squared" && compact === null) {
      const shifted = k.call("powerIteration", (ex) => ex.powerIteration(top * r2, -1, POWER_ITERATIONS, POWER_TOLERANCE, r)) / r / r;
      mu += Math.max(0, top - shifted);
    }
    const L = c * top + this.l2, Lmax = c * maxNorm + this.l2;
    if (!Number.isFinite(L) || !Number.isFinite(Lmax)) {
      throw new RangeError(`the smoothness constant L_f = ${c === 0.25 ? "λ_max(AᵀA)/(4n)" : "λ_max(AᵀA)/n"} + λ of this data set overflows f64 ` +
        `(the largest |a_ij| is ${maxAbs}); rescale the features`);
    }
    return { L, mu, Lmax, Li, regime: mu > 0 ? "strongly convex" : "convex" };
  }

  /**
   * sketchedValue(x, sketch, { samples, seed }): Monte Carlo estimate of f_D(x) = E f(v + S(x − v)), with the sample
   * mean and its standard error sd/√samples. Sketches come from the generator's Monte Carlo stream.
   */
  sketchedValue(x: ArrayLike<number>, sketch: Sketch, opts: { samples?: number; seed?: number } = {}): SketchedValue {
    const o = options<{ samples: number; seed: number }>("options", opts, ["samples", "seed"]);
    return this.monteCarlo(x, sketch, o.samples, o.seed);
  }

  /** margins(x, data): a_iᵀx for every row of the training data, or of `data` (same columns). */
  margins(x: ArrayLike<number>, data?: Dataset): Float64Array {
    this.idle("margins");
    if (data !== undefined) return this.other(data, "margins", false).margins(x);
    this.putX(x);
    const k = this.kernel;
    k.ex.release(this.buffers.base);
    const p = k.alloc(this.data.rows * 8);
    k.call("margins", (ex) => ex.margins(this.buffers.x, p));
    return k.f64(p, this.data.rows).slice();
  }

  /** value(x, data): f(x) on the training data, or the same loss, λ and shift on `data` (e.g. a test set). */
  override value(x: ArrayLike<number>, data?: Dataset): number {
    if (data === undefined) return super.value(x);
    this.idle("value");
    return this.other(data, "value", true).value(x);
  }

  /**
   * accuracy(x, data): the fraction of rows with sign(a_iᵀx) = b_i, on the training data or on `data` (same columns,
   * ±1 labels). A zero margin predicts −1: the tie rule of {@link Problem.predict}.
   */
  accuracy(x: ArrayLike<number>, data?: Dataset): number {
    this.idle("accuracy");
    const D = data ?? this.data;
    if (!D.binary) throw new RangeError(`accuracy needs labels −1/+1; ${data ? "data" : "this problem's data"} has other labels, e.g. ${show(D.labels.find((y) => y !== 1 && y !== -1))}`);
    return accuracyOf(this.margins(x, data), D.labels);
  }

  /**
   * predict(x, data): a prediction for every row of the training data or of `data` (same columns; its labels are not
   * read). Logistic loss: the label sign(a_iᵀx) ∈ {−1, +1}, where a zero margin predicts −1 (a fixed rule, so that
   * predictions are a function of x alone; a pruned model often has exact ties). Squared loss: the value a_iᵀx.
   */
  predict(x: ArrayLike<number>, data?: Dataset): Float64Array {
    const m = this.margins(x, data);
    return this.loss === "logistic" ? m.map((t) => (t > 0 ? 1 : -1)) : m;
  }

  /** predictProba(x, data): P(b_i = +1) = σ(a_iᵀx) for every row (logistic loss), computed with the module's own exp. */
  predictProba(x: ArrayLike<number>, data?: Dataset): Float64Array {
    if (this.loss !== "logistic") throw new RangeError(`predictProba needs the logistic loss; this problem's loss is ${show(this.loss)} (use predict for its values)`);
    const m = this.margins(x, data);
    const ex = this.kernel.ex;
    return m.map((t) => (t >= 0 ? 1 / (1 + ex.expAt(-t)) : ex.expAt(t) / (1 + ex.expAt(t))));
  }

  /** @internal keepBest's scorer: accuracy or f on a validation set, through the set's own instance. */
  validationScorer(data: Dataset, metric: "accuracy" | "loss"): (x: Float64Array) => number {
    // a compact twin's run scores x in its owner's d (run.ts expands it)
    if (this.owner) return (this.owner as Problem).validationScorer(data, metric);
    if (metric === "accuracy" && !(data instanceof Dataset && data.binary)) throw new RangeError(`keepBest metric "accuracy" needs ±1 labels in keepBest.data; use metric "loss"`);
    const q = this.other(data, "keepBest", metric === "loss");
    return metric === "accuracy" ? (x) => accuracyOf(q.margins(x), data.labels) : (x) => q.value(x);
  }

  /** The same objective on other rows, built once per data set (in an instance of its own): with the problem's loss
   *  for values, or squared (no label rule) for margins alone. */
  private other(data: Dataset, what: string, sameLoss: boolean): Problem {
    if (!(data instanceof Dataset)) throw new TypeError(`data must be a Dataset from mast.data.*, got ${show(data)}`);
    if (data.cols !== this.data.cols) {
      const hint = data.cols < this.data.cols
        ? `; if it was parsed from LibSVM text, pass { features: ${this.data.cols} } to data.libsvm so that both have the training set's width`
        : `; parse the training data with { features: ${data.cols} } so that both have the same width`;
      throw new RangeError(`data for ${what} must have ${this.data.cols} columns (the problem's dimension), got ${data.cols}${hint}`);
    }
    const slot = others.get(data) ?? {};
    others.set(data, slot);
    const key = sameLoss ? "value" : "margins";
    const made = slot[key];
    if (made && made.module === this.module && made.fitIntercept === this.fitIntercept && (!sameLoss || (made.loss === this.loss && made.l2 === this.l2 && sameArray(made.shift, this.shift)))) return made;
    const p = new Problem(this.module, sameLoss
      ? { data, loss: this.loss, l2: this.l2, shift: this.shift, maxMemory: this.kernel.limit, fitIntercept: this.fitIntercept }
      : { data, loss: "squared", maxMemory: this.kernel.limit, fitIntercept: this.fitIntercept });
    slot[key] = p;
    return p;
  }
}

/** accuracyOf(margins, labels): the fraction of rows with sign(m_i) = b_i (a zero margin predicts −1). */
function accuracyOf(m: Float64Array, labels: Float64Array): number {
  let hit = 0;
  for (let i = 0; i < m.length; i++) if ((m[i] > 0 ? 1 : -1) === labels[i]) hit++;
  return hit / m.length;
}

/** Problems on other data sets (test sets), built on first use. */
const others = new WeakMap<Dataset, { value?: Problem; margins?: Problem }>();

function sameArray(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}
