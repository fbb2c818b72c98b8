import { describe, it, expect } from "vitest";
import { rawKernels } from "../helpers.ts";
import { philox4x32_10, RefRng } from "../reference/philox.ts";

// Random123 tests/kat_vectors, "philox4x32 10" lines: counter[4], key[2] → result[4].
const KAT: [number[], number[], number[]][] = [
  [[0, 0, 0, 0], [0, 0], [0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8]],
  [[0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff], [0xffffffff, 0xffffffff], [0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd]],
  [[0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344], [0xa4093822, 0x299f31d0], [0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1]],
];

describe("Philox4x32-10", () => {
  for (const build of ["simd", "scalar"] as const) {
    it(`matches the Random123 known answers (${build})`, () => {
      const k = rawKernels(build);
      for (const [c, key, want] of KAT) {
        k.philox(c[0], c[1], c[2], c[3], key[0], key[1]);
        expect([k.out0.value >>> 0, k.out1.value >>> 0, k.out2.value >>> 0, k.out3.value >>> 0]).toEqual(want);
      }
    });
  }

  it("the TypeScript reference matches the known answers", () => {
    for (const [c, key, want] of KAT) expect(philox4x32_10(c as any, key as any)).toEqual(want);
  });

  for (const build of ["simd", "scalar"] as const) {
    it(`the eight-step cache of single draws gives the cursor's first draw, in any step order and across streams (${build})`, () => {
      const k = rawKernels(build);
      const seed = 2 ** 40 + 3, ref = new RefRng(seed);
      k.setSeed(seed % 2 ** 32, Math.floor(seed / 2 ** 32));
      let rejecting = 0;
      // steps in and out of order, several streams sharing the four slots, n = 2^31 + 1 (about half the draws reject)
      const steps = [0, 1, 2, 9, 8, 7, 2 ** 33 + 5, 2 ** 33 + 6, 3, 40, 41, 42, 43, 44, 45, 46, 47, 48, 5];
      for (const step of steps) for (const stream of [1, 0, 9, 2, 10]) {
        for (const n of [1, 32561, 2 ** 31 + 1]) {
          const c = ref.cursor(stream, step);
          if (n === 2 ** 31 + 1 && Number((BigInt(ref.cursor(stream, step).next32()) * BigInt(n)) & 0xffffffffn) < 2 ** 31 - 1) rejecting++;
          expect(k.firstBelowAt(stream, step, n) >>> 0).toBe(c.nextBelow(n));
        }
        expect(k.firstUniformAt(stream, step)).toBe(ref.cursor(stream, step).nextUniform());
      }
      expect(rejecting).toBeGreaterThan(10);
      // a new seed empties the cache
      k.setSeed(5, 0);
      expect(k.firstBelowAt(1, 0, 1000) >>> 0).toBe(new RefRng(5).cursor(1, 0).nextBelow(1000));
    });

    it(`the eight-step cache of sixteen words gives words 0..15 of each step, in any step order, across streams and seeds (${build})`, () => {
      const k = rawKernels(build);
      for (const seed of [2 ** 40 + 3, 77]) {
        const ref = new RefRng(seed);
        k.setSeed(seed % 2 ** 32, Math.floor(seed / 2 ** 32));
        // the list ends at step 0 of stream 0, where the next seed starts: a cache kept across setSeed would be caught
        for (const step of [0, 1, 7, 8, 3, 2 ** 33 + 5, 2 ** 33 + 12, 2 ** 33 + 6, 15, 16, 9, 0]) for (const stream of [0, 2, 0]) {
          const c = ref.cursor(stream, step);
          const want = Array.from({ length: 16 }, () => c.next32());
          expect(Array.from({ length: 16 }, (_, w) => k.firstWord16At(stream, step, w) >>> 0)).toEqual(want);
        }
      }
    });
  }

  it("draws are a pure function of (seed, stream, step, word) and match the reference cursor", () => {
    const k = rawKernels();
    for (const seed of [0, 1, 2 ** 32 + 7, 2 ** 53 - 1]) {
      const ref = new RefRng(seed);
      k.setSeed(seed % 2 ** 32, Math.floor(seed / 2 ** 32));
      for (const [stream, step] of [[0, 0], [1, 5], [2, 2 ** 33 + 1], [7, 123456]]) {
        const c = ref.cursor(stream, step);
        k.seekAt(stream, step, 0);
        for (let i = 0; i < 9; i++) expect(k.next32At() >>> 0).toBe(c.next32());
        for (let i = 0; i < 5; i++) expect(k.nextBelowAt(1000003)).toBe(c.nextBelow(1000003));
        for (let i = 0; i < 5; i++) expect(k.nextUniformAt()).toBe(c.nextUniform());
        // n near 2^32 exercises Lemire's rejection
        for (let i = 0; i < 20; i++) expect(k.nextBelowAt(4294967291) >>> 0).toBe(c.nextBelow(4294967291));
      }
      // seeking to word w gives word w of the sequence, whatever was read before
      const c = ref.cursor(3, 9);
      const words = Array.from({ length: 11 }, () => c.next32());
      for (const w of [0, 1, 3, 4, 7, 10]) { k.seekAt(3, 9, w); expect(k.next32At() >>> 0).toBe(words[w]); }
    }
  });

  it("uniform draws look uniform (mean, variance, 10-bin χ² at a stated tolerance)", () => {
    const k = rawKernels();
    k.setSeed(42, 0);
    const N = 100_000, bins = new Array(10).fill(0);
    let s = 0, s2 = 0;
    k.seekAt(0, 0, 0);
    for (let i = 0; i < N; i++) { const u = k.nextUniformAt(); s += u; s2 += u * u; bins[Math.floor(u * 10)]++; }
    expect(Math.abs(s / N - 0.5)).toBeLessThan(0.005);             // sd of the mean ≈ 0.0009
    expect(Math.abs(s2 / N - s * s / N / N - 1 / 12)).toBeLessThan(0.002);
    const chi2 = bins.reduce((c, b) => c + (b - N / 10) ** 2 / (N / 10), 0);
    expect(chi2).toBeLessThan(27.9);                                 // χ²₉ at p = 0.001
  });
});
