import { describe, it, expect } from "vitest";
import { sketch, sketchConstants, type Sketch } from "../../dist/index.js";
import { rawKernels } from "../helpers.ts";
import { RefRng } from "../reference/philox.ts";
import { randKSupport } from "../reference/kernels.ts";

/** Exact distribution of a sketch for small d: a list of (probability, diagonal). */
function enumerate(s: Sketch, d: number): [number, number[]][] {
  const out: [number, number[]][] = [];
  if (s.kind === "identity") return [[1, new Array(d).fill(1)]];
  if (s.kind === "bernoulli") {
    const p = typeof s.p === "number" ? new Array(d).fill(s.p) : (s.p as number[]);
    for (let mask = 0; mask < 2 ** d; mask++) {
      let pr = 1;
      const diag = p.map((pj, j) => { const on = (mask >> j) & 1; pr *= on ? pj : 1 - pj; return on ? 1 / pj : 0; });
      out.push([pr, diag]);
    }
    return out;
  }
  if (s.kind === "randK") {
    const subsets: number[][] = [];
    const rec = (start: number, cur: number[]) => {
      if (cur.length === s.k) { subsets.push(cur.slice()); return; }
      for (let j = start; j < d; j++) { cur.push(j); rec(j + 1, cur); cur.pop(); }
    };
    rec(0, []);
    for (const T of subsets) { const diag = new Array(d).fill(0); T.forEach((j) => { diag[j] = d / s.k; }); out.push([1 / subsets.length, diag]); }
    return out;
  }
  // permutation: every permutation of M⌈d/M⌉ slots equally likely; node 0's block (all nodes are alike).
  const M = s.nodes, q = Math.ceil(d / M), slots = M * q;
  const perms: number[][] = [];
  const rec = (cur: number[], left: number[]) => {
    if (left.length === 0) { perms.push(cur); return; }
    left.forEach((x, i) => rec([...cur, x], [...left.slice(0, i), ...left.slice(i + 1)]));
  };
  rec([], [...Array(slots).keys()]);
  for (const node of [0, M - 1]) for (const p of perms) {
    const diag = new Array(d).fill(0);
    p.slice(node * q, (node + 1) * q).forEach((j) => { if (j < d) diag[j] = M; });
    out.push([1 / perms.length / 2, diag]);
  }
  return out;
}

const SMALL: [string, Sketch, number][] = [
  ["identity", sketch.identity(), 4],
  ["bernoulli p = 0.3", sketch.bernoulli(0.3), 5],
  ["bernoulli per coordinate", sketch.bernoulli([0.2, 0.5, 0.9, 1, 0.35]), 5],
  ["randK K = 2 of 5", sketch.randK(2), 5],
  ["randK K = 4 of 6", sketch.randK(4), 6],
  ["permutation M = 2, d = 6", sketch.permutation(2), 6],
  ["permutation M = 3, d = 5 (phantom slot)", sketch.permutation(3), 5],
  ["permutation M = 2, d = 5 (phantom slot)", sketch.permutation(2), 5],
];

describe("sketch moments by exact enumeration (section 2 table)", () => {
  for (const [name, s, d] of SMALL) {
    it(`${name}: E[S] = I, E[S²] and E[s_i s_j] match sketchConstants`, () => {
      const dist = enumerate(s, d);
      const total = dist.reduce((a, [p]) => a + p, 0);
      expect(total).toBeCloseTo(1, 12);
      const c = sketchConstants(s, d);
      let LSmax = 0;
      for (let i = 0; i < d; i++) {
        let m1 = 0, m2 = 0;
        for (const [p, diag] of dist) { m1 += p * diag[i]; m2 += p * diag[i] ** 2; LSmax = Math.max(LSmax, diag[i] ** 2); }
        expect(m1).toBeCloseTo(1, 12);
        expect(m2).toBeCloseTo(c.second[i], 10);
        for (let j = 0; j < d; j++) if (j !== i) {
          let mij = 0;
          for (const [p, diag] of dist) mij += p * diag[i] * diag[j];
          expect(mij).toBeCloseTo(c.cross, 10);
        }
      }
      expect(LSmax).toBeCloseTo(c.LSmax, 10);
      expect(c.LD).toBeCloseTo(Math.max(...c.second), 12);
      expect(c.muD).toBeCloseTo(Math.min(...c.second), 12);
      expect(c.muD).toBeGreaterThanOrEqual(1);
    });
  }
});

/** Draw sketches from the wasm sampler: (support, scales) for steps 0..count−1. */
function draws(s: Sketch, d: number, count: number, seed = 1, build: "simd" | "scalar" = "simd"): { T: number[]; s: number[] }[] {
  const k = rawKernels(build);
  k.sketchWorkspace(d);
  let code = 0, K = 0, p = 1, probs = 0;
  if (s.kind === "bernoulli") {
    if (typeof s.p === "number") { code = 1; p = s.p; } else { code = 2; probs = k.alloc(d * 8); new Float64Array(k.memory.buffer, probs, d).set(s.p as number[]); }
  } else if (s.kind === "randK") { code = 3; K = s.k; } else if (s.kind === "permutation") { code = 4; K = s.nodes; }
  k.sketchConfigure(code, K, p, probs);
  k.setSeed(seed, 0);
  const out = [];
  for (let t = 0; t < count; t++) {
    const m = k.sketchSample(t);
    out.push({ T: Array.from(new Int32Array(k.memory.buffer, k.supportPtr(), m)), s: Array.from(new Float64Array(k.memory.buffer, k.scalePtr(), m)) });
  }
  return out;
}

describe("the wasm sampler", () => {
  const cases: [string, Sketch, number][] = [
    ["bernoulli 0.25", sketch.bernoulli(0.25), 40],
    ["bernoulli per coordinate", sketch.bernoulli(Array.from({ length: 30 }, (_, j) => 0.1 + 0.03 * j)), 30],
    ["randK 5 of 40", sketch.randK(5), 40],
    ["randK 33 of 40", sketch.randK(33), 40],
    ["permutation 3 of d = 40", sketch.permutation(3), 40],
  ];
  for (const [name, s, d] of cases) {
    it(`${name}: Monte Carlo E[S] ≈ I and E[S²] ≈ table (5 standard errors)`, () => {
      const N = 20_000;
      const c = sketchConstants(s, d);
      const m1 = new Array(d).fill(0), m2 = new Array(d).fill(0);
      for (const { T, s: sc } of draws(s, d, N)) T.forEach((j, k) => { m1[j] += sc[k]; m2[j] += sc[k] ** 2; });
      for (let j = 0; j < d; j++) {
        const mean = m1[j] / N;
        const sd = Math.sqrt((c.second[j] - 1) / N);            // Var(s_j) = E[s_j²] − 1
        expect(Math.abs(mean - 1)).toBeLessThan(5 * sd + 1e-12);
        const sd2 = Math.sqrt(c.second[j] ** 3 / N);             // E[s⁴] ≤ E[s²]³ for these families
        expect(Math.abs(m2[j] / N - c.second[j])).toBeLessThan(5 * sd2);
      }
    });
  }

  it("a Rand-K support always has K distinct coordinates, and matches the reference Floyd sampler", () => {
    for (const [d, K] of [[10, 1], [10, 5], [10, 6], [10, 10], [1000, 7], [1000, 999]]) {
      const ref = new RefRng(9);
      draws(sketch.randK(K), d, 200, 9).forEach(({ T, s }, t) => {
        expect(T.length).toBe(K);
        expect(new Set(T).size).toBe(K);
        expect(T.every((j) => j >= 0 && j < d)).toBe(true);
        expect(s.every((x) => x === d / K)).toBe(true);
        expect(T).toEqual(randKSupport(ref, d, K, t));
      });
    }
  });

  it("Rand-K's scales are written once per configuration and rewritten after anything else wrote the scale buffer", () => {
    // randK keeps d/K in the scale buffer between samples; a set member (loadSetSketch) or the complement sweep (which
    // uses the buffer as scratch) must make the next sample write them again
    const k = rawKernels();
    const d = 12, K = 4;
    const put = (arr: number[], f64: boolean): number => {
      const p = k.alloc(arr.length * (f64 ? 8 : 4) || 8) >>> 0;
      (f64 ? new Float64Array(k.memory.buffer, p, arr.length) : new Int32Array(k.memory.buffer, p, arr.length)).set(arr);
      return p;
    };
    k.setDense(put(Array.from({ length: 3 * d }, (_, i) => Math.sin(i)), true), put([1, -1, 1], true), 3, d);
    k.setDataProblem(0, 0.1, put(new Array(d).fill(0), true));
    k.setSeed(3, 0);
    const pOff = k.sketchSetAlloc(1, d) >>> 0;
    new Int32Array(k.memory.buffer, pOff, 2).set([0, d]);
    new Int32Array(k.memory.buffer, k.sketchSetIndices() >>> 0, d).set(Array.from({ length: d }, (_, j) => j));
    new Float64Array(k.memory.buffer, k.sketchSetScales() >>> 0, d).fill(7.5);
    const scales = (m: number) => Array.from(new Float64Array(k.memory.buffer, k.scalePtr() >>> 0, m));
    for (const [KK, between] of [[K, "member"], [K, "none"], [9, "member"], [9, "none"]] as const) {
      k.sketchConfigure(3, KK, 1, 0);
      expect(scales(k.sketchSample(0))).toEqual(new Array(KK).fill(d / KK));
      if (between === "member") { expect(k.loadSetSketch(0)).toBe(d); expect(scales(d)).toEqual(new Array(d).fill(7.5)); }
      expect(scales(k.sketchSample(1))).toEqual(new Array(KK).fill(d / KK));
    }
  });

  it("permutation blocks are disjoint and cover every coordinate each round, with sizes ⌈d/M⌉ or less", () => {
    for (const [d, M] of [[12, 3], [10, 3], [7, 7], [100, 6], [5, 1]]) {
      const all = draws(sketch.permutation(M), d, 30 * M, 4);
      const q = Math.ceil(d / M);
      for (let r = 0; r < 30; r++) {
        const blocks = all.slice(r * M, (r + 1) * M);
        const seen = new Set<number>();
        let count = 0;
        for (const { T, s } of blocks) {
          expect(T.length).toBeLessThanOrEqual(q);
          expect(s.every((x) => x === M)).toBe(true);
          T.forEach((j) => seen.add(j));
          count += T.length;
        }
        expect(count).toBe(d);
        expect(seen.size).toBe(d);
      }
    }
  });

  it("the same seed gives the same sketches in both builds; another seed gives others", () => {
    for (const s of [sketch.bernoulli(0.3), sketch.randK(7), sketch.permutation(4)]) {
      const a = draws(s, 50, 50, 5, "simd"), b = draws(s, 50, 50, 5, "scalar"), c = draws(s, 50, 50, 6, "simd");
      expect(a).toEqual(b);
      expect(a).not.toEqual(c);
    }
  });
});

describe("sketch specs", () => {
  it("serialise to JSON and parse back, including the CLI forms", () => {
    for (const s of [sketch.identity(), sketch.bernoulli(0.5), sketch.bernoulli([0.5, 1]), sketch.randK(3), sketch.permutation(2)]) {
      expect(sketch.parse(JSON.parse(JSON.stringify(s)))).toEqual(s);
    }
    expect(sketch.parse("randk:10")).toEqual(sketch.randK(10));
    expect(sketch.parse("bernoulli:0.25")).toEqual(sketch.bernoulli(0.25));
    expect(sketch.parse("identity")).toEqual(sketch.identity());
    expect(sketch.parse("permutation:4")).toEqual(sketch.permutation(4));
  });

  it("reject bad parameters with errors naming the parameter and value", () => {
    expect(() => sketch.bernoulli(0)).toThrow(RangeError);
    expect(() => sketch.bernoulli(1.5)).toThrow(/p must be in \(0, 1\], got 1.5/);
    expect(() => sketch.bernoulli(NaN)).toThrow(/p must be finite, got NaN/);
    expect(() => sketch.bernoulli([0.5, -0.1])).toThrow(/p\[1\] must be in \(0, 1\], got -0.1/);
    expect(() => sketch.randK(0)).toThrow(/k must be in 1\.\./);
    expect(() => sketch.randK(2.5)).toThrow(/k must be an integer, got 2.5/);
    expect(() => sketch.permutation(0)).toThrow(/nodes must be in 1\.\./);
    expect(() => sketch.parse("dropout:0.5")).toThrow(/sketch must be one of/);
    expect(() => sketch.parse("randk:")).toThrow(/needs a numeric value/);
    expect(() => sketch.parse({ kind: "topK" })).toThrow(/sketch.kind must be one of/);
    expect(() => sketchConstants(sketch.randK(11), 10)).toThrow(/K\) must be in 1\.\.10 .*got 11/);
    expect(() => sketchConstants(sketch.bernoulli([0.5, 0.5]), 3)).toThrow(/length 3\), got length 2/);
  });
});

describe("sketch constants cost O(1) where they are closed forms", () => {
  it("Rand-K, one-p Bernoulli, permutation and identity at d = 2^33 need no d-sized array until `second` is read", () => {
    const d = 2 ** 33;   // a Float64Array of d entries (64 GiB) cannot be made: an eager `second` would throw here
    const cases: [Sketch, number][] = [[sketch.randK(1000), d / 1000], [sketch.bernoulli(0.25), 4], [sketch.permutation(4), 4], [sketch.identity(), 1]];
    for (const [s, c2] of cases) {
      const c = sketchConstants(s, d);
      expect(c.LD, JSON.stringify(s)).toBe(c2);
      expect(c.muD).toBe(c2);
      expect(c.kappaD).toBe(1);
    }
    expect(() => sketchConstants(sketch.randK(1000), d).second).toThrow(RangeError);
  });

  it("`second` is made once, on first read, with the family's E[s_j²] (a vector of p_j entry by entry)", () => {
    const c = sketchConstants(sketch.bernoulli([0.5, 0.25, 1]), 3);
    expect(Array.from(c.second)).toEqual([2, 4, 1]);
    expect(c.second).toBe(c.second);
    expect(Array.from(sketchConstants(sketch.randK(2), 8).second)).toEqual(new Array(8).fill(4));
  });
});
