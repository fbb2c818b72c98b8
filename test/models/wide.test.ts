// Wide, sparse data (d ≥ 2^16 with at most a quarter of the columns used): L comes from the used columns alone — the
// same λ_max(AᵀA) as the full d, from a power iteration that costs O(nnz) a product instead of O(nnz + d).
import { describe, it, expect } from "vitest";
import { mast } from "../helpers.ts";
import { sketch } from "../../dist/index.js";

/** n rows of `per` entries among the columns {stride·c : c < used} of a d-wide space. */
function wideRows(n: number, per: number, used: number, stride: number, seed: number) {
  let s = seed;
  const r = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  const indptr = [0], idxWide: number[] = [], idxNarrow: number[] = [], values: number[] = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const cols = new Set<number>();
    while (cols.size < per) cols.add(Math.floor(r() * used));
    for (const c of [...cols].sort((a, b) => a - b)) { idxNarrow.push(c); idxWide.push(c * stride); values.push(r() * 2 - 1); }
    indptr.push(idxWide.length);
    labels.push(r() < 0.5 ? -1 : 1);
  }
  // the narrow problem has exactly the used columns, renumbered in order (the compaction the library does)
  const usedCols = [...new Set(idxNarrow)].sort((a, b) => a - b);
  const rank = new Map(usedCols.map((c, i) => [c, i]));
  return { indptr, idxWide, idxNarrow: idxNarrow.map((c) => rank.get(c)!), values, labels, used: usedCols.length };
}

describe("wide sparse data: L from the used columns", () => {
  for (const loss of ["logistic", "squared"] as const) {
    it(`${loss}: L of d = 2^17 with 3,000 used columns equals L of the same rows on the used columns alone; μ is λ`, async () => {
      const m = await mast();
      const used = 3000, stride = 40, d = 1 << 17;
      const w = wideRows(400, 12, used, stride, 9);
      const wide = m.problem({ data: m.data.csr({ indptr: w.indptr, indices: w.idxWide, values: w.values, labels: w.labels, cols: d }), loss, l2: 1e-3 });
      const narrow = m.problem({ data: m.data.csr({ indptr: w.indptr, indices: w.idxNarrow, values: w.values, labels: w.labels, cols: w.used }), loss, l2: 1e-3 });
      const cw = wide.constants(sketch.identity()), cn = narrow.constants(sketch.identity());
      expect(cw.L).toBe(cn.L);   // the same power iteration on the same (renumbered) columns
      expect(cw.mu).toBe(1e-3);
      // and a theory-step run on it converges like the narrow one (the same rows, the same step)
      const rw = await wide.minimize({ stepSize: "theory", iterations: 500, batch: "full", average: false, recordEvery: 500 });
      const rn = await narrow.minimize({ stepSize: "theory", iterations: 500, batch: "full", average: false, recordEvery: 500 });
      expect(Math.abs(rw.trace.at(-1)!.f - rn.trace.at(-1)!.f)).toBeLessThan(1e-9);
    });
  }
});
