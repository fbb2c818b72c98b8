// A planted sparse logistic problem with binary features: a_ij ~ Bern(ρ), w*_j ~ U(−c, c), b_i = ±1 with P(+1) = σ(a_iᵀw*).
import { STREAM_SYN_FEATURES, STREAM_SYN_WEIGHTS, STREAM_SYN_LABELS } from "./codes";
import { seek, nextUniform, nextUniformOpen, setSeed } from "./philox";

// rowFeatures(i, d, density, pOut) -> count: the columns of row i by geometric skips; writes them when pOut ≠ 0.
function rowFeatures(i: i32, d: i32, density: f64, pOut: usize): i32 {
  let m = 0;
  if (density >= 1) {
    if (pOut != 0) for (let j = 0; j < d; j++) store<i32>(pOut + (<usize>j << 2), j);
    return d;
  }
  const lq = Math.log1p(-density);
  let j: f64 = -1;
  seek(STREAM_SYN_FEATURES, <u64>i, 0);
  while (true) {
    j += Math.floor(Math.log(nextUniformOpen()) / lq) + 1;
    if (j >= <f64>d) break;
    if (pOut != 0) store<i32>(pOut + (<usize>m << 2), <i32>j);
    m++;
  }
  return m;
}

/** syntheticCounts(n, d, density, seedLo, seedHi, pIndptr) -> nnz: fills indptr (n+1). */
export function syntheticCounts(n: i32, d: i32, density: f64, seedLo: u32, seedHi: u32, pIndptr: usize): f64 {
  setSeed(seedLo, seedHi);
  let total: i32 = 0;
  store<i32>(pIndptr, 0);
  for (let i = 0; i < n; i++) {
    total += rowFeatures(i, d, density, 0);
    store<i32>(pIndptr + (<usize>(i + 1) << 2), total);
  }
  return <f64>total;
}

/** syntheticFill(n, d, density, seedLo, seedHi, pIndptr, pIndices, pValues, pLabels, pW): the rows, labels and w*. */
export function syntheticFill(n: i32, d: i32, density: f64, seedLo: u32, seedHi: u32,
                              pIndptr: usize, pIndices: usize, pValues: usize, pLabels: usize, pW: usize): void {
  setSeed(seedLo, seedHi);
  const c = 2.0 * Math.sqrt(3.0 / (density * <f64>d));
  seek(STREAM_SYN_WEIGHTS, 0, 0);
  for (let j = 0; j < d; j++) store<f64>(pW + (<usize>j << 3), c * (2.0 * nextUniform() - 1.0));
  for (let i = 0; i < n; i++) {
    const a = load<i32>(pIndptr + (<usize>i << 2));
    const pRow = pIndices + (<usize>a << 2);
    const m = rowFeatures(i, d, density, pRow);
    let margin: f64 = 0;
    for (let k = 0; k < m; k++) {
      store<f64>(pValues + (<usize>(a + k) << 3), 1.0);
      margin += load<f64>(pW + (<usize>load<i32>(pRow + (<usize>k << 2)) << 3));
    }
    const p = 1.0 / (1.0 + Math.exp(-margin));
    seek(STREAM_SYN_LABELS, <u64>i, 0);
    store<f64>(pLabels + (<usize>i << 3), nextUniform() < p ? 1.0 : -1.0);
  }
}
