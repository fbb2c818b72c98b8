import { describe, it, expect } from "vitest";
import { randomMasks, randomPrune, pruneAccuracies, boxplotStats, quantile } from "../../dist/index.js";
import { philox4x32, PRUNE_STREAM } from "../../dist/repro.js";
import { mast, rawKernels } from "../helpers.ts";

describe("philox4x32 (TypeScript, integer ops only)", () => {
  it("matches the Random123 known-answer vectors and the kernel's philox", () => {
    const hex = (w: number[]) => w.map((x) => x.toString(16).padStart(8, "0")).join(" ");
    expect(hex(philox4x32(0, 0, 0, 0, 0, 0))).toBe("6627e8d5 e169c58d bc57ac4c 9b00dbd8");
    expect(hex(philox4x32(0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff))).toBe("408f276d 41c83b0e a20bc7c6 6d5451fd");
    expect(hex(philox4x32(0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344, 0xa4093822, 0x299f31d0))).toBe("d16cfe09 94fdcceb 5001e420 24126ea1");
    const k = rawKernels();
    for (const c of [[1, 2, 3, 4, 5, 6], [0xdeadbeef, 7, 0, 16, 123456789, 42]]) {
      k.philox(...c);
      expect(philox4x32(...(c as [number, number, number, number, number, number]))).toEqual([k.out0.value >>> 0, k.out1.value >>> 0, k.out2.value >>> 0, k.out3.value >>> 0]);
    }
  });
});

describe("randomMasks / randomPrune", () => {
  it("mask r is the kernels' Rand-K sample of step r in stream 16 (K ≤ d/2 and K > d/2)", () => {
    const k = rawKernels();
    const d = 37;
    k.sketchWorkspace(d);
    for (const K of [1, 5, 18, 19, 30, 37]) for (const seed of [0, 12345, 2 ** 40 + 3]) {
      k.sketchConfigure(3, K, 0, 0);
      k.setSeed(seed % 2 ** 32, Math.floor(seed / 2 ** 32));
      k.setSketchStream(PRUNE_STREAM);
      const masks = randomMasks(d, K, { seed, count: 6 });
      masks.forEach((mask, r) => {
        const m = k.sketchSample(r);
        const supp = Array.from(new Int32Array(k.memory.buffer, k.supportPtr(), m)).sort((a, b) => a - b);
        expect(Array.from(mask)).toEqual(supp);
      });
    }
    k.setSketchStream(0);
  });

  it("gives K distinct ascending indices, is deterministic, and `start` skips masks", () => {
    const a = randomMasks(123, 40, { seed: 9, count: 50 });
    const b = randomMasks(123, 40, { seed: 9, count: 10, start: 40 });
    expect(a.slice(40).map((m) => Array.from(m))).toEqual(b.map((m) => Array.from(m)));
    for (const m of a) {
      expect(m.length).toBe(40);
      for (let i = 1; i < m.length; i++) expect(m[i]).toBeGreaterThan(m[i - 1]);
      expect(m[0]).toBeGreaterThanOrEqual(0);
      expect(m[m.length - 1]).toBeLessThan(123);
    }
    expect(Array.from(randomMasks(123, 40, { seed: 10 })[0])).not.toEqual(Array.from(a[0]));
  });

  it("is uniform: every coordinate is kept with frequency K/d, every pair with K(K−1)/(d(d−1))", () => {
    const d = 10, K = 3, R = 20000;
    const count = new Array(d).fill(0), pair01 = { n: 0 };
    for (const m of randomMasks(d, K, { seed: 4, count: R })) {
      for (const j of m) count[j]++;
      if (m.includes(0) && m.includes(1)) pair01.n++;
    }
    const p = K / d, se = Math.sqrt((p * (1 - p)) / R);
    for (const c of count) expect(Math.abs(c / R - p)).toBeLessThan(5 * se);
    const pp = (K * (K - 1)) / (d * (d - 1));
    expect(Math.abs(pair01.n / R - pp)).toBeLessThan(5 * Math.sqrt((pp * (1 - pp)) / R));
  });

  it("randomPrune keeps exactly the mask's coordinates, without rescaling", () => {
    const x = Array.from({ length: 20 }, (_, j) => j + 1);
    const masks = randomMasks(20, 6, { seed: 3, count: 4 });
    const pruned = randomPrune(x, 6, { seed: 3, count: 4 });
    pruned.forEach((y, r) => {
      const keep = new Set(masks[r]);
      y.forEach((v, j) => expect(v).toBe(keep.has(j) ? x[j] : 0));
    });
    expect(randomPrune(x, 20)[0]).toEqual(Float64Array.from(x));
  });

  it("validates its arguments", () => {
    expect(() => randomMasks(10, 0)).toThrow(/k must be in 1..10/);
    expect(() => randomMasks(10, 11)).toThrow(RangeError);
    expect(() => randomMasks(10, 3, { seed: -1 })).toThrow(/seed/);
    expect(() => randomMasks(10, 3, { count: 1.5 })).toThrow(/count/);
    expect(() => randomMasks(10, 3, { seeds: 1 } as never)).toThrow(/not a known option/);
    expect(() => randomPrune([1, NaN], 1)).toThrow(/finite/);
  });
});

describe("pruneAccuracies", () => {
  it("is the accuracy of each pruned model, with the same masks for the same seed", async () => {
    const m = await mast();
    const data = m.data.synthetic({ rows: 400, cols: 30, density: 0.3, seed: 5 });
    const p = m.problem({ data, loss: "logistic", l2: 1e-2 });
    const x = data.planted!;
    const acc = pruneAccuracies(p, x, 10, { masks: 25, seed: 8 });
    expect(acc.length).toBe(25);
    const want = randomPrune(x, 10, { seed: 8, count: 25 }).map((y) => p.accuracy(y));
    expect(Array.from(acc)).toEqual(want);
    expect(Array.from(pruneAccuracies(p, x, 10, { masks: 25, seed: 8 }))).toEqual(Array.from(acc));
    // rescaling by d/K does not change a sign, hence not the accuracy
    const scaled = randomPrune(x, 10, { seed: 8, count: 25 }).map((y) => p.accuracy(y.map((v) => v * 3)));
    expect(scaled).toEqual(want);
    // K = d keeps the model
    expect(Array.from(pruneAccuracies(p, x, 30, { masks: 3 }))).toEqual([p.accuracy(x), p.accuracy(x), p.accuracy(x)]);
    expect(() => pruneAccuracies({} as never, x, 3)).toThrow(/accuracy/);
    expect(() => pruneAccuracies(p, [1, 2], 1)).toThrow(/length 30/);
  });
});

describe("boxplotStats (matplotlib/Seaborn defaults)", () => {
  it("1..10: quartiles by linear interpolation, whiskers at the data extremes, no outliers", () => {
    const s = boxplotStats([10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
    expect(s).toMatchObject({ n: 10, q1: 3.25, median: 5.5, q3: 7.75, iqr: 4.5, whiskerLow: 1, whiskerHigh: 10, outliers: [], mean: 5.5, min: 1, max: 10 });
  });

  it("one high outlier: the whisker stops at the largest value within q3 + 1.5·IQR", () => {
    const s = boxplotStats([1, 2, 3, 4, 5, 6, 7, 8, 9, 100]);
    expect(s).toMatchObject({ q1: 3.25, median: 5.5, q3: 7.75, whiskerLow: 1, whiskerHigh: 9, outliers: [100] });
  });

  it("outliers on both sides (hand-computed: n = 8, h = 1.75, 3.5, 5.25)", () => {
    const s = boxplotStats([2, 4, 4, 5, 7, 9, 30, -20]);
    expect(s.q1).toBe(3.5);
    expect(s.median).toBe(4.5);
    expect(s.q3).toBe(7.5);
    expect(s.whiskerLow).toBe(2);
    expect(s.whiskerHigh).toBe(9);
    expect(s.outliers).toEqual([-20, 30]);
    expect(s.mean).toBe(41 / 8);
  });

  it("a whisker never starts inside the box: [0, 100, 100, 100] has whiskerLow = q1 = 75 and outlier 0", () => {
    const s = boxplotStats([0, 100, 100, 100]);
    expect(s).toMatchObject({ q1: 75, median: 100, q3: 100, iqr: 25, whiskerLow: 75, whiskerHigh: 100, outliers: [0] });
  });

  it("one value, constant values, and bad input", () => {
    expect(boxplotStats([3])).toMatchObject({ n: 1, q1: 3, median: 3, q3: 3, whiskerLow: 3, whiskerHigh: 3, outliers: [] });
    expect(boxplotStats([2, 2, 2, 2])).toMatchObject({ iqr: 0, whiskerLow: 2, whiskerHigh: 2, outliers: [] });
    expect(boxplotStats(new Float64Array([0.5, 0.25]))).toMatchObject({ q1: 0.3125, median: 0.375, q3: 0.4375 });
    expect(() => boxplotStats([])).toThrow(/empty/);
    expect(() => boxplotStats([1, NaN])).toThrow(/finite/);
    expect(quantile([1, 2, 3, 4], 0.1)).toBeCloseTo(1.3, 15);
  });
});
