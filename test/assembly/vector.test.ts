import { describe, it, expect } from "vitest";
import { rawKernels, lcg } from "../helpers.ts";
import { dot4 } from "../reference/kernels.ts";

describe("vector kernels against the TypeScript reference", () => {
  for (const build of ["simd", "scalar"] as const) {
    it(`dot, axpy, gatherDot, gatherAxpy are bit-exact with the four-lane reference (${build})`, () => {
      const k = rawKernels(build);
      const rnd = lcg(7);
      for (const n of [0, 1, 3, 4, 5, 8, 13, 64, 1001]) {
        const px = k.alloc(n * 8 + 8), py = k.alloc(n * 8 + 8), pi = k.alloc(n * 4 + 4), pz = k.alloc(n * 8 + 8);
        const x = new Float64Array(k.memory.buffer, px, n), y = new Float64Array(k.memory.buffer, py, n);
        const idx = new Int32Array(k.memory.buffer, pi, n), z = new Float64Array(k.memory.buffer, pz, n);
        for (let i = 0; i < n; i++) { x[i] = (rnd() - 0.5) * 10 ** Math.floor(rnd() * 6 - 3); y[i] = rnd() - 0.5; z[i] = rnd(); idx[i] = Math.floor(rnd() * n); }
        expect(Object.is(k.dot(px, py, n), dot4(x, y))).toBe(true);
        const gathered = Array.from(idx, (j) => x[j]);
        expect(Object.is(k.gatherDot(px, pi, pz, n), dot4(gathered, z))).toBe(true);
        const want = Array.from(y, (yi, i) => yi + 0.37 * x[i]);
        k.axpy(0.37, px, py, n);
        expect(Array.from(y)).toEqual(want);
        const acc = Array.from(z, (zk, kk) => zk + -1.5 * x[idx[kk]]);
        k.gatherAxpy(-1.5, px, pi, pz, n);
        expect(Array.from(z)).toEqual(acc);
      }
    });
  }

  it("the SIMD and scalar builds give the same dot bits on hard inputs", () => {
    const a = rawKernels("simd"), b = rawKernels("scalar");
    const rnd = lcg(3);
    for (const n of [7, 100, 4099]) {
      const vals = Array.from({ length: 2 * n }, () => (rnd() - 0.5) * 10 ** Math.floor(rnd() * 30 - 15));
      const res = [a, b].map((k) => {
        const px = k.alloc(n * 8), py = k.alloc(n * 8);
        new Float64Array(k.memory.buffer, px, n).set(vals.slice(0, n));
        new Float64Array(k.memory.buffer, py, n).set(vals.slice(n));
        return k.dot(px, py, n);
      });
      expect(Object.is(res[0], res[1])).toBe(true);
    }
  });

  it("a naive left-to-right sum differs somewhere, so the bit-exact checks above can fail", () => {
    const rnd = lcg(11);
    let differs = false;
    for (let t = 0; t < 50 && !differs; t++) {
      const x = Array.from({ length: 37 }, () => rnd() - 0.5), y = Array.from({ length: 37 }, () => rnd() * 1e3);
      let s = 0; for (let i = 0; i < 37; i++) s += x[i] * y[i];
      differs = !Object.is(s, dot4(x, y));
    }
    expect(differs).toBe(true);
  });
});
