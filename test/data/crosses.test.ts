// Hashed pairwise crosses: MurmurHash3 x86_32 against an independent implementation's answers, the data set against a
// plain Map-based reference (same buckets, same sums), and the limits refused before anything is allocated.
import { describe, it, expect } from "vitest";
import { readFileSync } from "node:fs";
import { mast, lcg, dataFile } from "../helpers.ts";
import { murmur3Pair } from "../../src/data/crosses.ts";

/** The reference: for each row, a Map from bucket to the running sum, filled in generation order (j, then k). */
function reference(rows: { cols: number[]; vals: number[] }[], bits: number, seed: number, originals: boolean, normalize: boolean) {
  const indptr = [0], indices: number[] = [], values: number[] = [];
  for (const r of rows) {
    const acc = new Map<number, number>();
    const add = (b: number, v: number) => acc.set(b, (acc.get(b) ?? 0) + v);
    for (let a = 0; a < r.cols.length; a++) {
      if (originals) add(murmur3Pair(r.cols[a], r.cols[a], seed) % 2 ** bits, r.vals[a]);
      for (let b = a + 1; b < r.cols.length; b++) add(murmur3Pair(r.cols[a], r.cols[b], seed) % 2 ** bits, r.vals[a] * r.vals[b]);
    }
    const kept = [...acc].filter(([, v]) => v !== 0).sort((p, q) => p[0] - q[0]);
    let sq = 0;
    for (const [, v] of kept) sq += v * v;
    for (const [b, v] of kept) { indices.push(b); values.push(normalize && sq > 0 ? v / Math.sqrt(sq) : v); }
    indptr.push(indices.length);
  }
  return { indptr, indices, values };
}

describe("hashedCrosses", () => {
  it("murmur3Pair is MurmurHash3 x86_32 of u32le(j) ‖ u32le(k) (answers from scikit-learn's murmurhash3_32)", () => {
    expect(murmur3Pair(0, 0, 0)).toBe(1669671676);
    expect(murmur3Pair(1, 2, 0)).toBe(3278122630);
    expect(murmur3Pair(5, 5, 7)).toBe(687955611);
    expect(murmur3Pair(122, 121, 0)).toBe(4135192588);
    expect(murmur3Pair(3, 100, 123456789)).toBe(2839646681);
    expect(murmur3Pair(4294967295, 1, 4294967295)).toBe(1454870481);
  });

  it("equals the Map reference on CSR and dense input, with and without originals and normalisation; few buckets force collisions", async () => {
    const m = await mast();
    const rnd = lcg(7);
    const n = 40, d = 30;
    const rows = Array.from({ length: n }, () => {
      const cols: number[] = [], vals: number[] = [];
      for (let j = 0; j < d; j++) if (rnd() < 0.3) { cols.push(j); vals.push(Math.round(rnd() * 8) - 4 || 1); }
      return { cols, vals };
    });
    rows[3] = { cols: [], vals: [] };   // an empty row stays empty
    const dense = new Float64Array(n * d);
    rows.forEach((r, i) => r.cols.forEach((j, e) => { dense[i * d + j] = r.vals[e]; }));
    const indptr = [0];
    rows.forEach((r) => indptr.push(indptr[indptr.length - 1] + r.cols.length));
    const labels = rows.map((_, i) => (i % 2 ? 1 : -1));
    const csrData = m.data.csr({ indptr, indices: rows.flatMap((r) => r.cols), values: rows.flatMap((r) => r.vals), labels, cols: d });
    const denseData = m.data.dense(dense, { rows: n, cols: d, labels });
    for (const [bits, seed, originals, normalize] of [[3, 0, true, false], [12, 9, true, true], [5, 1, false, false], [20, 0, true, false]] as const) {
      const want = reference(rows, bits, seed, originals, normalize);
      for (const data of [csrData, denseData]) {
        const got = m.data.hashedCrosses(data, { bits, seed, originals, normalize });
        expect(got.format).toBe("csr");
        expect(got.cols).toBe(2 ** bits);
        expect(Array.from(got.indptr!)).toEqual(want.indptr);
        expect(Array.from(got.indices!)).toEqual(want.indices);
        expect(Array.from(got.values)).toEqual(want.values);
        expect(Array.from(got.labels)).toEqual(labels);
      }
    }
    // bits 3 has 8 buckets for up to ~45 entries a row: collisions were summed, not dropped
    expect(m.data.hashedCrosses(csrData, { bits: 3 }).nnz).toBeLessThan(reference(rows, 20, 0, true, false).values.length);
  });

  it("refuses bad options and a result past the CSR index limit before allocating it", async () => {
    const m = await mast();
    const ds = m.data.csr({ indptr: [0, 2], indices: [0, 1], values: [1, 1], labels: [1], cols: 2 });
    expect(() => m.data.hashedCrosses(ds, {} as any)).toThrow(/options\.bits is required/);
    expect(() => m.data.hashedCrosses(ds, { bits: 31 })).toThrow(RangeError);
    expect(() => m.data.hashedCrosses(ds, { bits: 31 })).toThrow(/bits/);
    expect(() => m.data.hashedCrosses(ds, { bits: 4, seed: -1 })).toThrow(/seed/);
    expect(() => m.data.hashedCrosses(ds, { bits: 4, normalise: true } as any)).toThrow(/normalise is not a known option \(did you mean normalize\?\)/);
    expect(() => m.data.hashedCrosses(ds, { bits: 4, normalize: 1 } as any)).toThrow(/normalize must be true or false, got 1/);
    expect(() => m.data.hashedCrosses({ rows: 1 } as any, { bits: 4 })).toThrow(TypeError);
    // one dense row of 65,536 non-zeros would give 65,536 + 65,536·65,535/2 > 2^31 − 1 entries
    const wide = m.data.dense(new Float64Array(65536).fill(1), { rows: 1, cols: 65536, labels: [1] });
    expect(() => m.data.hashedCrosses(wide, { bits: 20 })).toThrow(/would make 2147516416 entries \(> 2\^31 − 1/);
    // one row of 2,897 non-zeros: 4,197,753 entries in one row, past the 2^22 a row can sort
    const row = m.data.dense(new Float64Array(2897).fill(1), { rows: 1, cols: 2897, labels: [1] });
    expect(() => m.data.hashedCrosses(row, { bits: 20 })).toThrow(/a row would make 4197753 entries \(> 2\^22/);
  });

  it("a1a crossed into 2^20 buckets: 14 active features a row give up to 105 entries, and logistic regression trains on it", async () => {
    const file = dataFile("libsvm/a1a");
    if (!file) { console.warn("SKIPPED: libsvm/a1a not found (set MAST_DATA)"); return; }
    const m = await mast();
    const a1a = await m.data.libsvm(readFileSync(file), { features: 123 });
    const crossed = m.data.hashedCrosses(a1a, { bits: 20, normalize: true });
    expect(crossed.cols).toBe(2 ** 20);
    let full = 0;
    for (let i = 0; i < crossed.rows; i++) {
      const mi = a1a.indptr![i + 1] - a1a.indptr![i], ci = crossed.indptr![i + 1] - crossed.indptr![i];
      expect(ci).toBeLessThanOrEqual(mi + (mi * (mi - 1)) / 2);
      if (ci === mi + (mi * (mi - 1)) / 2) full++;
    }
    expect(full / crossed.rows).toBeGreaterThan(0.95);   // 105 pairs in 2^20 buckets rarely collide
    const p = m.problem({ data: crossed, loss: "logistic", l2: 1e-4 });
    const run = await p.minimize({ batch: 1, iterations: 5 * crossed.rows, stepSize: 1, seed: 1, recordEvery: 5 * crossed.rows });
    expect(p.accuracy(run.x)).toBeGreaterThan(0.8);
  });
});
