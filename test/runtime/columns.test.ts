// Column maps: the lane-preserving layout of a compact run, its gather/expand, and scattered arrays in checkpoints.
import { describe, it, expect } from "vitest";
import { ColumnMap, Scattered } from "../../src/runtime/columns.ts";
import { encodeCheckpoint } from "../../src/runtime/checkpoint.ts";
import { lcg } from "../helpers.ts";

/** The kernels' reduction order (assembly/vector.ts dot): four lanes j mod 4, (s0+s2)+(s1+s3), then the tail. */
function laneSum(a: Float64Array, n = a.length): number {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0, i = 0;
  for (; i + 4 <= n; i += 4) { s0 += a[i]; s1 += a[i + 1]; s2 += a[i + 2]; s3 += a[i + 3]; }
  let s = (s0 + s2) + (s1 + s3);
  for (; i < n; i++) s += a[i];
  return s;
}

function keepOf(d: number, count: number, seed: number): Uint8Array {
  const rnd = lcg(seed), keep = new Uint8Array(d);
  for (let k = 0; k < count; k++) keep[Math.floor(rnd() * d)] = 1;
  return keep;
}

const bits = (a: Float64Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, 2 * a.length));

describe("ColumnMap.layout", () => {
  for (const d of [1000, 1001, 1002, 1003, 4096]) {
    it(`d = ${d}: each kept j in lane j mod 4, increasing; d's last group and tail last, in order; a padding slot`, () => {
      const keep = keepOf(d, 60, d);
      const map = ColumnMap.layout(d, keep);
      const ix = map.index, end0 = Math.max(0, 4 * Math.floor(d / 4) - 4);
      let last = -1, held = 0;
      for (let c = 0; c < ix.length; c++) {
        if (ix[c] < 0) continue;
        expect(ix[c] % 4).toBe(c % 4);
        expect(ix[c]).toBeGreaterThan(last);
        last = ix[c];
        held++;
      }
      let kept = 0;
      for (let j = 0; j < d; j++) if (keep[j] || j >= end0) kept++;
      expect(held).toBe(kept);
      expect(Array.from(ix.subarray(ix.length - (d - end0)))).toEqual(Array.from({ length: d - end0 }, (_, k) => end0 + k));
      expect(ix.includes(-1)).toBe(true);
      expect(map.dimension % 4).toBe(d % 4);
      expect(map.dimension).toBeLessThanOrEqual(4 * 60 + 4 + 8);
    });
  }

  it("adds a padding group when the kept columns fill their lanes exactly (the witness of the columns left out)", () => {
    const keep = new Uint8Array(1000);
    for (const j of [0, 1, 2, 3, 4, 5, 6, 7]) keep[j] = 1;
    const map = ColumnMap.layout(1000, keep);
    expect(Array.from(map.index.subarray(0, 12))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, -1, -1, -1, -1]);
  });

  it("a vector that is zero off the map sums (all of it, or all but the last entry) to the same bits in the compact layout", () => {
    const rnd = lcg(5);
    for (const d of [2000, 2001, 2002, 2003]) {
      const map = ColumnMap.layout(d, keepOf(d, 150, d + 1));
      for (let rep = 0; rep < 20; rep++) {
        const x = new Float64Array(d);
        for (const j of map.index) if (j >= 0) x[j] = (rnd() - 0.5) * 10 ** Math.floor(rnd() * 12 - 6);
        const c = map.gather(x);
        expect(laneSum(c)).toBe(laneSum(x));
        expect(laneSum(c, c.length - 1)).toBe(laneSum(x, d - 1));
        expect(bits(map.expand(c))).toEqual(bits(x));
      }
    }
  });
});

describe("ColumnMap: zeroOff, backgroundOf, gather", () => {
  const d = 5003, map = ColumnMap.layout(d, keepOf(d, 40, 3));
  const held = map.index.find((j) => j >= 0 && j < 4000)!, off = [...Array(d).keys()].find((j) => !map.index.includes(j))!;

  it("zeroOff: +0 everywhere off the map; −0 or a value there is not", () => {
    const x = new Float64Array(d);
    x[held] = 3;
    expect(map.zeroOff(x)).toBe(true);
    x[off] = -0;
    expect(map.zeroOff(x)).toBe(false);
    x[off] = 1e-300;
    expect(map.zeroOff(x)).toBe(false);
  });

  it("backgroundOf: the one value off the map (bit for bit), or null; gather puts it in the padding slots", () => {
    const x = new Float64Array(d).fill(7);
    x[held] = 2;
    expect(map.backgroundOf(x)).toBe(7);
    const c = map.gather(x, 7);
    expect(c[map.index.indexOf(-1)]).toBe(7);
    expect(bits(map.scattered(c).expand())).toEqual(bits(x));
    x[off] = 8;
    expect(map.backgroundOf(x)).toBeNull();
    x.fill(0); x[off] = -0;
    expect(map.backgroundOf(x)).toBeNull();
    x[off] = 0;
    expect(map.backgroundOf(x)).toBe(0);
  });
});

describe("Scattered arrays in a checkpoint", () => {
  it("encode to the same bytes as their expanded d-vectors: sparse, −0 and NaN kept, a non-zero background, dense", () => {
    const d = 3000, map = ColumnMap.layout(d, keepOf(d, 100, 7)), rnd = lcg(11);
    const cases: Scattered[] = [];
    const c1 = new Float64Array(map.dimension);
    map.index.forEach((j, c) => { if (j >= 0 && rnd() < 0.7) c1[c] = rnd() - 0.5; });
    const slots = map.index.map((j, c) => (j >= 0 ? c : -1)).filter((c) => c >= 0);
    c1[slots[3]] = -0; c1[slots[5]] = NaN;
    cases.push(map.scattered(c1));
    const c2 = c1.slice();
    map.index.forEach((j, c) => { if (j < 0) c2[c] = 41; });   // a counter every full step moved: dense in d
    cases.push(map.scattered(c2));
    cases.push(map.scattered(new Float64Array(map.dimension)));
    for (const s of cases) {
      const header = { t: 1 };
      expect(Array.from(encodeCheckpoint(header, { x: s, other: [1, 2, 3] }))).toEqual(Array.from(encodeCheckpoint(header, { x: s.expand(), other: [1, 2, 3] })));
    }
    expect(cases[1].zeroBackground).toBe(false);
    const offJ = [...Array(d).keys()].find((j) => !map.index.includes(j))!;
    expect(cases[1].expand()[offJ]).toBe(41);
  });
});
