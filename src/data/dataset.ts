/**
 * Data sets: the sparse-row contract shared by every problem. Rows are dense row-major or CSR (f64 values,
 * i32 column indices); labels are ±1 for binary classification, any finite value for least squares, and integer
 * labels also carry classes 0…C−1 for multi-class models.
 * @module
 */
import { integer, options, positive, show, vector } from "../runtime/validate.js";
import { permutation } from "../runtime/philox.js";
import { STREAM } from "../runtime/codes.js";

/** The classes of integer labels: the label value of each class, ascending, and each row's class 0…C−1. */
export interface ClassInfo { values: Float64Array; labels: Int32Array }

/** classInfo(raw): classes from integer labels (the distinct values, ascending), or null when a label is not an integer. */
export function classInfo(raw: ArrayLike<number>): ClassInfo | null {
  const seen = new Set<number>();
  for (let i = 0; i < raw.length; i++) {
    const y = raw[i];
    if (!Number.isInteger(y) || Math.abs(y) > 2 ** 31) return null;
    seen.add(y === 0 ? 0 : y);   // −0 and +0 are one class
  }
  const values = Float64Array.from([...seen].sort((a, b) => a - b));
  const index = new Map<number, number>();
  values.forEach((v, c) => index.set(v, c));
  return { values, labels: Int32Array.from(raw, (y) => index.get(y === 0 ? 0 : y)!) };
}

/** A data set, immutable once made. Build one with `mast.data.dense`, `mast.data.libsvm` or `mast.data.synthetic`. */
export class Dataset {
  /** "dense" (row-major values, rows × cols) or "csr". */
  readonly format: "dense" | "csr";
  /** n, the number of rows. */
  readonly rows: number;
  /** d, the number of features (columns). */
  readonly cols: number;
  /** Dense: rows·cols values, row-major. CSR: the nnz non-zero values. */
  readonly values: Float64Array;
  /** CSR only: row i is entries indptr[i] .. indptr[i+1]. */
  readonly indptr: Int32Array | null;
  /** CSR only: 0-based column of each value, increasing within a row. */
  readonly indices: Int32Array | null;
  /** One label per row. */
  readonly labels: Float64Array;
  /** True when every label is −1 or +1 (required by the logistic loss). */
  readonly binary: boolean;
  /** For synthetic data: the planted weights w* that generated the labels. */
  readonly planted: Float64Array | null;
  /**
   * The classes, when every label is an integer: `classValues[c]` is the label value of class c (ascending; 0…9 for
   * MNIST), `classLabels[i]` the class of row i. Multi-class models (networks) train on these. Null otherwise.
   */
  readonly classValues: Float64Array | null;
  /** The class 0…C−1 of each row (see {@link Dataset.classValues}), or null. */
  readonly classLabels: Int32Array | null;

  /** @internal Use the `mast.data` constructors. */
  constructor(init: {
    format: "dense" | "csr"; rows: number; cols: number; values: Float64Array;
    indptr?: Int32Array | null; indices?: Int32Array | null; labels: Float64Array; planted?: Float64Array | null;
    classes?: ClassInfo | null;
  }) {
    this.format = init.format;
    this.rows = init.rows;
    this.cols = init.cols;
    this.values = init.values;
    this.indptr = init.indptr ?? null;
    this.indices = init.indices ?? null;
    this.labels = init.labels;
    this.planted = init.planted ?? null;
    let binary = true;
    for (const y of this.labels) if (y !== 1 && y !== -1) { binary = false; break; }
    this.binary = binary;
    const classes = init.classes === undefined ? classInfo(this.labels) : init.classes;
    this.classValues = classes ? classes.values : null;
    this.classLabels = classes ? classes.labels : null;
    Object.freeze(this);
  }

  /** C, the number of classes (the length of {@link Dataset.classValues}), or 0 when the labels are not integers. */
  get classes(): number { return this.classValues ? this.classValues.length : 0; }

  /**
   * split({ at } | { testFraction, seed }): a deterministic train/test split. `at`: the first `at` rows train, the rest
   * test (the MNIST t10k split is `{ at: 8000 }`). `testFraction`: a uniform permutation of the rows from the library's
   * generator (stream 17, the seed) and its last ⌈testFraction·n⌉ rows test. Both keep the parent's classes.
   */
  split(opts: { at?: number; testFraction?: number; seed?: number }): {
    /** The training rows. */
    train: Dataset;
    /** The test rows. */
    test: Dataset;
  } {
    const o = options<{ at: number; testFraction: number; seed: number }>("options", opts, ["at", "testFraction", "seed"]);
    if ((o.at === undefined) === (o.testFraction === undefined)) throw new TypeError("split needs either at (a row count) or testFraction");
    let order: Int32Array, cut: number;
    if (o.at !== undefined) {
      if (o.seed !== undefined) throw new RangeError("options.seed goes with testFraction, not with at");
      cut = integer("at", o.at, 1, this.rows - 1);
      order = Int32Array.from({ length: this.rows }, (_, i) => i);
    } else {
      const f = positive("testFraction", o.testFraction);
      if (!(f < 1)) throw new RangeError(`testFraction must be in (0, 1), got ${f}`);
      cut = this.rows - Math.ceil(f * this.rows);
      if (cut < 1) throw new RangeError(`testFraction ${f} leaves no training rows of ${this.rows}`);
      order = permutation(this.rows, integer("seed", o.seed ?? 0, 0), STREAM.split);
    }
    return { train: this.subset(order.subarray(0, cut)), test: this.subset(order.subarray(cut)) };
  }

  /** Number of stored entries (rows·cols for dense). */
  get nnz(): number { return this.values.length; }

  /** subset(rowIndices): a new data set with the given rows, in the given order. */
  subset(rowIndices: ArrayLike<number>): Dataset {
    const idx = Array.from(rowIndices, (i, k) => integer(`rowIndices[${k}]`, i, 0, this.rows - 1));
    const labels = Float64Array.from(idx, (i) => this.labels[i]);
    const classes = this.classValues ? { values: this.classValues, labels: Int32Array.from(idx, (i) => this.classLabels![i]) } : null;
    if (this.format === "dense") {
      const d = this.cols, values = new Float64Array(idx.length * d);
      idx.forEach((i, r) => values.set(this.values.subarray(i * d, (i + 1) * d), r * d));
      return new Dataset({ format: "dense", rows: idx.length, cols: d, values, labels, classes });
    }
    const ip = this.indptr!, ix = this.indices!;
    let nnz = 0;
    for (const i of idx) nnz += ip[i + 1] - ip[i];
    const indptr = new Int32Array(idx.length + 1), indices = new Int32Array(nnz), values = new Float64Array(nnz);
    let e = 0;
    idx.forEach((i, r) => {
      indices.set(ix.subarray(ip[i], ip[i + 1]), e);
      values.set(this.values.subarray(ip[i], ip[i + 1]), e);
      e += ip[i + 1] - ip[i];
      indptr[r + 1] = e;
    });
    return new Dataset({ format: "csr", rows: idx.length, cols: this.cols, values, indptr, indices, labels, classes });
  }
}

/** Options of {@link dense}. */
export interface DenseOptions { rows: number; cols: number; labels: ArrayLike<number> }

/** dense(values, { rows, cols, labels }): a dense row-major data set; labels −1/+1 or 0/1 become ±1. */
export function dense(values: ArrayLike<number>, opts: DenseOptions): Dataset {
  if (typeof opts !== "object" || opts === null) throw new TypeError(`options must be { rows, cols, labels }, got ${show(opts)}`);
  const o = options<DenseOptions>("options", opts, ["rows", "cols", "labels"]);
  const rows = integer("rows", o.rows, 1, 2 ** 31 - 1);
  const cols = integer("cols", o.cols, 1, 2 ** 31 - 1);
  if (rows * cols > 2 ** 28) throw new RangeError(`rows × cols must be at most 2^28 values, got ${rows * cols}`);
  const v = vector("values", values, rows * cols);
  const raw = vector("labels", o.labels, rows);
  return new Dataset({ format: "dense", rows, cols, values: v, labels: normaliseLabels(raw), classes: classInfo(raw) });
}

/** The arrays of {@link csr}. */
export interface CsrInit { indptr: ArrayLike<number>; indices: ArrayLike<number>; values: ArrayLike<number>; labels: ArrayLike<number>; cols: number }

/** int32s(name, v, length?): an Int32Array copy of integers in the int32 range, refusing fractions and wrapped values. */
function int32s(name: string, v: unknown, length?: number): Int32Array {
  const a = vector(name, v, length);
  const out = new Int32Array(a.length);
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    if (!Number.isInteger(x)) throw new RangeError(`${name}[${i}] must be an integer, got ${x}`);
    if (x < -(2 ** 31) || x > 2 ** 31 - 1) throw new RangeError(`${name}[${i}] must be in the int32 range, got ${x}`);
    out[i] = x;
  }
  return out;
}

/** csr({ indptr, indices, values, labels, cols }): a CSR data set, checked entry by entry. */
export function csr(init: CsrInit): Dataset {
  if (typeof init !== "object" || init === null || Array.isArray(init)) {
    throw new TypeError(`init must be { indptr, indices, values, labels, cols }, got ${show(init)}`);
  }
  const o = options<CsrInit>("init", init, ["indptr", "indices", "values", "labels", "cols"]);
  const cols = integer("cols", o.cols, 1, 2 ** 31 - 1);
  const indptr = int32s("indptr", o.indptr);
  const rows = indptr.length - 1;
  if (rows < 1) throw new RangeError(`indptr must have at least 2 entries, got ${indptr.length}`);
  const values = vector("values", o.values);
  const indices = int32s("indices", o.indices, values.length);
  checkCsr(rows, cols, indptr, indices, values.length, "");
  const raw = vector("labels", o.labels, rows);
  return new Dataset({ format: "csr", rows, cols, values, indptr, indices, labels: normaliseLabels(raw), classes: classInfo(raw) });
}

/** checkCsr: indptr from 0 to nnz, non-decreasing; each row's indices increasing and in 0..cols−1. */
function checkCsr(rows: number, cols: number, indptr: Int32Array, indices: Int32Array, nnz: number, prefix: string): void {
  if (indptr[0] !== 0 || indptr[rows] !== nnz) {
    throw new RangeError(`${prefix}indptr must start at 0 and end at nnz = ${nnz}, got ${indptr[0]} … ${indptr[rows]}`);
  }
  for (let i = 0; i < rows; i++) {
    if (indptr[i + 1] < indptr[i]) throw new RangeError(`${prefix}indptr must be non-decreasing, got indptr[${i + 1}] = ${indptr[i + 1]} < ${indptr[i]}`);
    for (let e = indptr[i]; e < indptr[i + 1]; e++) {
      const j = indices[e];
      if (j < 0 || j >= cols || (e > indptr[i] && j <= indices[e - 1])) {
        throw new RangeError(`${prefix}indices of row ${i} must be increasing and in 0..${cols - 1}, got ${j} at entry ${e}`);
      }
    }
  }
}

/**
 * checkDataset(ds, name): check the arrays of a Dataset again where they are used (a problem or a shard takes them):
 * a Dataset's arrays are its own copies, made and checked by its constructor, but typed arrays cannot be frozen, so
 * an edit after the fact (ds.values[0] = NaN) is caught here instead of reaching a kernel.
 */
export function checkDataset(ds: Dataset, name: string): void {
  const bad = (what: string, i: number, v: number) => new RangeError(`${name}.${what}[${i}] must be finite, got ${v} (a Dataset's arrays were changed after it was made)`);
  for (let i = 0; i < ds.values.length; i++) if (!Number.isFinite(ds.values[i])) throw bad("values", i, ds.values[i]);
  for (let i = 0; i < ds.labels.length; i++) if (!Number.isFinite(ds.labels[i])) throw bad("labels", i, ds.labels[i]);
  if (ds.format === "dense") {
    if (ds.values.length !== ds.rows * ds.cols) throw new RangeError(`${name}.values must have rows × cols = ${ds.rows * ds.cols} entries, got ${ds.values.length}`);
  } else checkCsr(ds.rows, ds.cols, ds.indptr!, ds.indices!, ds.values.length, `${name}: `);
}

/** normaliseLabels(y): {−1, +1} kept; {0, 1} mapped to {−1, +1}; anything else kept as is (regression targets). */
export function normaliseLabels(y: Float64Array): Float64Array {
  let pm = true, zo = true;
  for (const v of y) { if (v !== 1 && v !== -1) pm = false; if (v !== 0 && v !== 1) zo = false; }
  if (!pm && zo) return Float64Array.from(y, (v) => (v === 0 ? -1 : 1));
  return y;
}
