/**
 * Hashed pairwise feature crosses (the feature hashing of click and text models): every original feature j and every
 * pair j < k of a row's non-zeros go to bucket murmur3_32(j, k) mod 2^bits (an original j as the pair (j, j)), with
 * values a_j and a_j·a_k; entries that land in the same bucket of a row are summed. The hash is MurmurHash3 x86_32 of
 * the two indices as little-endian u32 words, so the buckets are the same in every runtime and language.
 */
import { Dataset } from "./dataset.js";
import { integer, options, show } from "../runtime/validate.js";

/** Options of `mast.data.hashedCrosses` (docs/models.md, "Hashed feature crosses"). */
export interface HashedCrossesOptions {
  /** The number of buckets is 2^bits (1 … 30). */
  bits: number;
  /** The hash's seed (a u32, default 0): another seed gives other collisions. */
  seed?: number;
  /** Keep the original features too (as the pairs (j, j); default true). False: only the crosses j < k. */
  originals?: boolean;
  /** Scale each row to unit ℓ2 norm after summing collisions (default false). */
  normalize?: boolean;
}

const C1 = 0xcc9e2d51, C2 = 0x1b873593;
const KEY_SPLIT = 2 ** 22;   // a row's entries are sorted by bucket·2^22 + their generation order (2^30 · 2^22 < 2^53)

function mixKey(h: number, k: number): number {
  k = Math.imul(k, C1);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, C2);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

/** murmur3Pair(j, k, seed): MurmurHash3 x86_32 of the 8 bytes u32le(j) ‖ u32le(k), as an unsigned 32-bit integer. */
export function murmur3Pair(j: number, k: number, seed: number): number {
  let h = mixKey(mixKey(seed | 0, j | 0), k | 0);
  h ^= 8;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * hashedCrosses(ds, { bits, seed, originals, normalize }): a CSR data set with 2^bits columns holding the hashed
 * originals and pairwise crosses of each row of `ds` (same labels and classes). A row with m non-zeros gives
 * m + m(m − 1)/2 entries before collisions (a9a: m = 14, 105 entries). The total is checked before anything is
 * allocated. Collisions within a row are summed in the order (j, then k) and exact zeros dropped.
 */
export function hashedCrosses(ds: Dataset, opts: HashedCrossesOptions): Dataset {
  if (!(ds instanceof Dataset)) throw new TypeError(`data must be a Dataset (from mast.data), got ${show(ds)}`);
  const o = options<HashedCrossesOptions>("options", opts, ["bits", "seed", "originals", "normalize"]);
  if (o.bits === undefined) throw new TypeError("options.bits is required: the data set gets 2^bits columns");
  const bits = integer("bits", o.bits, 1, 30);
  const seed = integer("seed", o.seed ?? 0, 0, 2 ** 32 - 1);
  for (const k of ["originals", "normalize"] as const) {
    if (o[k] !== undefined && typeof o[k] !== "boolean") throw new TypeError(`${k} must be true or false, got ${show(o[k])}`);
  }
  const originals = o.originals ?? true, normalize = o.normalize ?? false;
  const mask = 2 ** bits - 1, n = ds.rows, d = ds.cols;

  // A row's non-zeros as (column, value), from either format.
  const rowCols = new Int32Array(d), rowVals = new Float64Array(d);
  const rowOf = (i: number): number => {
    if (ds.format === "csr") {
      const ip = ds.indptr!, s = ip[i], m = ip[i + 1] - s;
      for (let e = 0; e < m; e++) { rowCols[e] = ds.indices![s + e]; rowVals[e] = ds.values[s + e]; }
      return m;
    }
    let m = 0;
    for (let j = 0; j < d; j++) { const a = ds.values[i * d + j]; if (a !== 0) { rowCols[m] = j; rowVals[m++] = a; } }
    return m;
  };
  const entries = (m: number) => (originals ? m : 0) + (m * (m - 1)) / 2;
  let total = 0, widest = 0;
  for (let i = 0; i < n; i++) {
    const m = ds.format === "csr" ? ds.indptr![i + 1] - ds.indptr![i] : rowOf(i);
    total += entries(m);
    widest = Math.max(widest, entries(m));
  }
  if (total > 2 ** 31 - 1) {
    throw new RangeError(`hashedCrosses would make ${total} entries (> 2^31 − 1, the CSR index limit); use fewer rows or originals: false on fewer features`);
  }

  const indptr = new Int32Array(n + 1);
  let indices = new Int32Array(total), values = new Float64Array(total);
  if (widest > KEY_SPLIT) {
    throw new RangeError(`hashedCrosses: a row would make ${widest} entries (> 2^22 = ${KEY_SPLIT}); use fewer features a row`);
  }
  const bucket = new Int32Array(widest), val = new Float64Array(widest), keys = new Float64Array(widest);
  let e = 0;
  for (let i = 0; i < n; i++) {
    const m = rowOf(i);
    let c = 0;
    for (let a = 0; a < m; a++) {
      const j = rowCols[a];
      if (originals) { bucket[c] = murmur3Pair(j, j, seed) & mask; val[c++] = rowVals[a]; }
      for (let b = a + 1; b < m; b++) { bucket[c] = murmur3Pair(j, rowCols[b], seed) & mask; val[c++] = rowVals[a] * rowVals[b]; }
    }
    // sort by (bucket, generation order): keys bucket·2^22 + q are exact below 2^53 and sort natively
    for (let q = 0; q < c; q++) keys[q] = bucket[q] * KEY_SPLIT + q;
    const sorted = keys.subarray(0, c).sort();
    const start = e;
    for (let q = 0; q < c;) {
      const col = Math.floor(sorted[q] / KEY_SPLIT);
      let sum = 0;
      for (; q < c && sorted[q] < (col + 1) * KEY_SPLIT; q++) sum += val[sorted[q] - col * KEY_SPLIT];
      if (sum !== 0) { indices[e] = col; values[e++] = sum; }
    }
    if (normalize) {
      let sq = 0;
      for (let q = start; q < e; q++) sq += values[q] * values[q];
      const norm = Math.sqrt(sq);   // IEEE sqrt, correctly rounded in every engine
      if (norm > 0) for (let q = start; q < e; q++) values[q] /= norm;
    }
    indptr[i + 1] = e;
  }
  // collisions leave the tail unused: views, not copies (a copy would double the peak memory of a large crossing)
  if (e < total) { indices = indices.subarray(0, e); values = values.subarray(0, e); }
  const classes = ds.classValues ? { values: ds.classValues, labels: ds.classLabels! } : null;
  return new Dataset({ format: "csr", rows: n, cols: mask + 1, values, indptr, indices, labels: ds.labels.slice(), classes });
}
