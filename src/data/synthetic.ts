/**
 * A planted sparse logistic problem with binary features, drawn by the kernels from the counter-based generator
 * (streams 5–7): a_ij ~ Bernoulli(density), w*_j ~ U(−c, c) with c = 2√(3/(density·d)), P(b_i = +1) = σ(a_iᵀw*).
 * @module
 */
import type { Kernel } from "../runtime/kernel.js";
import { integer, options, positive } from "../runtime/validate.js";
import { splitSeed } from "../runtime/seed.js";
import { Dataset } from "./dataset.js";

/** Options of `mast.data.synthetic`. */
export interface SyntheticOptions {
  /** n (default 6414, shaped like a5a). */
  rows?: number;
  /** d (default 123). */
  cols?: number;
  /** Probability that a feature is 1 (default 14/123, about 14 non-zeros a row). */
  density?: number;
  /** Seed (default 0). */
  seed?: number;
}

/** synthetic(k, options): the data set, drawn in the scratch memory of kernel k (released afterwards). */
export function synthetic(k: Kernel, opts: SyntheticOptions = {}): Dataset {
  const o = options<SyntheticOptions>("options", opts, ["rows", "cols", "density", "seed"]);
  const rows = integer("rows", o.rows ?? 6414, 1, 2 ** 26);
  const cols = integer("cols", o.cols ?? 123, 1, 2 ** 24);
  const density = positive("density", o.density ?? 14 / 123);
  if (density > 1) throw new RangeError(`density must be in (0, 1], got ${density}`);
  if (rows * cols * density > 2 ** 27) throw new RangeError(`rows × cols × density must be at most 2^27 expected non-zeros, got ${rows * cols * density}`);
  const [lo, hi] = splitSeed(o.seed ?? 0);
  const mark = k.ex.mark();
  try {
    const pIndptr = k.alloc((rows + 1) * 4);
    const nnz = k.call("syntheticCounts", (ex) => ex.syntheticCounts(rows, cols, density, lo, hi, pIndptr));
    const pIdx = k.alloc(nnz * 4), pVal = k.alloc(nnz * 8), pLab = k.alloc(rows * 8), pW = k.alloc(cols * 8);
    k.call("syntheticFill", (ex) => ex.syntheticFill(rows, cols, density, lo, hi, pIndptr, pIdx, pVal, pLab, pW));
    return new Dataset({
      format: "csr", rows, cols,
      indptr: k.i32(pIndptr, rows + 1).slice(), indices: k.i32(pIdx, nnz).slice(), values: k.f64(pVal, nnz).slice(),
      labels: k.f64(pLab, rows).slice(), planted: k.f64(pW, cols).slice(),
    });
  } finally {
    k.ex.release(mark);
  }
}
