// Real data: the MNIST t10k split (first 8,000 images to train, last 2,000 to test; see shared/data/SOURCES.md), a
// 784-256-256-10 relu network trained by fused SGD steps with Bernoulli(0.5) unit sketches (dropout) on the compact path.
// Skipped, with a warning, when the shared data are absent.
import { describe, it, expect } from "vitest";
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { rawKernels, dataFile } from "../../helpers.ts";

function idx(path: string, magic: number): Uint8Array {
  const b = gunzipSync(readFileSync(path));
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  expect(dv.getUint32(0)).toBe(magic);
  return b.subarray(magic === 0x803 ? 16 : 8);
}

describe("MNIST t10k split (real data)", () => {
  const images = dataFile("mnist/t10k-images-idx3-ubyte.gz"), labels = dataFile("mnist/t10k-labels-idx1-ubyte.gz");
  it.skipIf(!images || !labels)("784-256-256-10, dropout-like Bernoulli(0.5) units, 700 steps of 64: test accuracy ≥ 0.93", () => {
    const px8 = idx(images!, 0x803), y8 = idx(labels!, 0x801);
    const n = 10000, nTr = 8000, n0 = 784, B = 64;
    const k = rawKernels("simd");
    const pX = k.alloc(4 * n * n0) >>> 0, pY = k.alloc(4 * n) >>> 0, pSizes = k.alloc(16) >>> 0;
    k.nnSetData(pX, pY, nTr, n0);
    new Int32Array(k.memory.buffer, pSizes, 4).set([784, 256, 256, 10]);
    const d = k.nnConfigure(pSizes, 2, 0, 1e-5, B);
    const px = k.alloc(4 * d) >>> 0;
    const X = new Float32Array(k.memory.buffer, pX, n * n0);
    for (let i = 0; i < n * n0; i++) X[i] = px8[i] / 255;
    new Int32Array(k.memory.buffer, pY, n).set(y8);
    k.nnInit(px, 1);
    const f0 = k.nnValue(px);
    k.nnSketchUnits(1, 0.5, 0);
    k.nnResetCounters();
    expect(k.nnRun(px, 0, 700, B, 0.1)).toBe(700);
    const f1 = k.nnValue(px);
    expect(f1).toBeLessThan(0.25 * f0);
    // the held-out rows as the data set
    k.nnSetData(pX + 4 * nTr * n0, pY + 4 * nTr, n - nTr, n0);
    const acc = k.nnAccuracy(px, 0);
    expect(acc).toBeGreaterThanOrEqual(0.93);
  });
});
