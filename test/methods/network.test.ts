// Runs on networks: the same bits in both builds and after a resume, the work a unit sketch saves (multiply-adds,
// counted, never timed), and training on real data (the MNIST t10k split).
import { describe, it, expect } from "vitest";
import { readFileSync } from "node:fs";
import { sketch, type Mast, type Sketch } from "../../dist/index.js";
import { mast, lcg, dataFile } from "../helpers.ts";
import { blobs } from "../fixtures/blobs.ts";

const units = (s: Sketch) => s;

describe("network runs: determinism", () => {
  const cases: [string, Record<string, unknown>, number[]][] = [
    ["DSGD, dropout, nice", { sketch: sketch.bernoulli(0.5, { over: "units" }), batch: 16 }, [8, 6]],
    ["DSGD, IST, uniform", { sketch: sketch.permutation(3, { over: "units" }), batch: 9, sampling: "uniform" }, [9]],
    ["DSGD, DropConnect, schedule", { sketch: sketch.randK(40), batch: 12, stepSize: (t: number) => 0.3 / (1 + t / 50) }, [7]],
    ["L-SVRG, Rand-K units set", { method: "lsvrg", sketch: sketch.randK(4, { over: "units" }), sketchSet: { size: 6, seed: 2 }, batch: 10 }, [8]],
    ["SVRG, coordinate set", { method: "svrg", sketch: sketch.bernoulli(0.8), sketchSet: { size: 5, seed: 1 }, batch: 10, snapshotEvery: 25 }, [6]],
    ["DSGD softmax, importance", { batch: 8, sampling: "importance", stepSize: "theory" }, []],
  ];
  for (const [name, opts, hidden] of cases) {
    it(`${name}: SIMD and scalar builds agree bit for bit, and a resumed run ends where the whole run does`, async () => {
      const runs = [];
      for (const build of ["simd", "scalar"] as const) {
        const m = await mast(build);
        const { data } = blobs(m, 60, 5, 3, 31);
        const net = m.network({ data, hidden, l2: 1e-3 });
        const base = { stepSize: 0.2, seed: 7, ...opts };
        const whole = await net.minimize({ ...base, iterations: 120, recordEvery: 40 });
        const first = await net.minimize({ ...base, iterations: 50 });
        const rest = await net.minimize({ stepSize: base.stepSize as never, iterations: 120, resumeFrom: first.checkpoint, recordEvery: 40 });
        expect(rest.digest).toBe(whole.digest);
        expect(rest.iterations).toBe(120);
        expect(whole.trace.at(-1)!.f).toBeLessThan(whole.trace[0].f);
        runs.push(whole);
      }
      expect(runs[1].digest).toBe(runs[0].digest);
      expect(runs[1].trace.map((r) => r.f)).toEqual(runs[0].trace.map((r) => r.f));
      expect(runs[1].work).toEqual(runs[0].work);
    });
  }

  it("the seed moves the bits; the sketch moves the bits", async () => {
    const m = await mast();
    const { data } = blobs(m, 40, 4, 3, 2);
    const net = m.network({ data, hidden: [6] });
    const a = await net.minimize({ stepSize: 0.1, iterations: 30, seed: 1, sketch: sketch.bernoulli(0.5, { over: "units" }) });
    const b = await net.minimize({ stepSize: 0.1, iterations: 30, seed: 2, sketch: sketch.bernoulli(0.5, { over: "units" }) });
    const c = await net.minimize({ stepSize: 0.1, iterations: 30, seed: 1, sketch: sketch.bernoulli(0.5) });
    expect(new Set([a.digest, b.digest, c.digest]).size).toBe(3);
  });
});

/** Random dense rows with 10 classes (the cost does not depend on the values). */
function wide(m: Mast, n: number, d: number) {
  const rnd = lcg(3);
  return m.data.dense(Float64Array.from({ length: n * d }, () => rnd()), { rows: n, cols: d, labels: Array.from({ length: n }, (_, i) => i % 10) });
}

describe("network runs: cost ∝ kept units", () => {
  it("784-256-256-10, batch 64: a keep-0.25 dropout run does at most 0.3 of a dense run's multiply-adds", async () => {
    const m = await mast();
    const net = m.network({ data: wide(m, 128, 784), hidden: [256, 256] });
    const run = (s: Sketch) => net.minimize({ sketch: s, stepSize: 0.01, batch: 64, iterations: 8, recordEvery: 8 });
    const dense = await run(sketch.identity());
    const keep = await run(units(sketch.bernoulli(0.25, { over: "units" })));
    const rk = await run(units(sketch.randK(64, { over: "units" })));
    // the dense step: 64 (2·784·256 + 3·256·256 + 3·256·10) multiply-adds (no input gradient for the first layer)
    expect(dense.work.macs).toBe(8 * 64 * (2 * 784 * 256 + 3 * 256 * 256 + 3 * 256 * 10));
    expect(keep.work.macs! / dense.work.macs!).toBeLessThanOrEqual(0.3);
    expect(keep.work.macs! / dense.work.macs!).toBeGreaterThan(0.1);
    // Rand-K 64 of 256 keeps exactly a quarter: q for the input and output layers, q² between hidden layers
    expect(rk.work.macs).toBe(8 * 64 * (2 * 784 * 64 + 3 * 64 * 64 + 3 * 64 * 10));
    // and the output: the kept units' whole incoming rows and biases (the λ y term lives on the columns of dropped inputs
    // too) and the output layer — a quarter of W_1, not d
    expect(rk.work.coordsTouched).toBe(8 * (64 * 785 + 64 * 257 + 10 * 257));
    expect(dense.work.coordsTouched).toBe(8 * net.dimension);
  });

  it("with a shift v ≠ 0 a dropped unit falls back to v: the whole network runs forward, only kept rows' weight gradients", async () => {
    const m = await mast();
    const net0 = m.network({ data: wide(m, 64, 784), hidden: [256, 256] });
    const v = net0.initialParameters(9);
    const net = m.network({ data: wide(m, 64, 784), hidden: [256, 256], shift: v });
    const rk = await net.minimize({ sketch: sketch.randK(64, { over: "units" }), stepSize: 0.01, batch: 64, iterations: 4, recordEvery: 4 });
    const dense = 64 * (2 * 784 * 256 + 3 * 256 * 256 + 3 * 256 * 10);
    const want = 64 * ((784 * 256 + 256 * 256 + 256 * 10) + (256 * 256 + 10 * 256) + (64 * 784 + 64 * 256 + 10 * 256));
    expect(rk.work.macs).toBe(4 * want);
    expect(want / dense).toBeGreaterThan(0.6);   // what fine-tuning with dropout costs: documented in docs/networks.md
    // x starts at v by default
    const r0 = await net.minimize({ stepSize: 0.01, iterations: 0 });
    expect(r0.x).toEqual(Float64Array.from(Float32Array.from(v)));
  });
});

describe("network runs: the MNIST t10k split (8,000 train, 2,000 test)", () => {
  const images = dataFile("mnist/t10k-images-idx3-ubyte.gz"), labels = dataFile("mnist/t10k-labels-idx1-ubyte.gz");
  it.skipIf(!images || !labels)("784-10 softmax (theory step, 4 epochs) and 784-128-10 with dropout (2 epochs) reach ≥ 0.87 and ≥ 0.9 test accuracy", async () => {
    const m = await mast();
    const all = await m.data.idx(readFileSync(images!), readFileSync(labels!));
    expect([all.rows, all.cols, all.classes]).toEqual([10000, 784, 10]);
    const { train, test } = all.split({ at: 8000 });
    const soft = m.network({ data: train, l2: 1e-4 });
    const rs = await soft.minimize({ batch: 64, iterations: 500, recordEvery: 500 });   // 4 epochs at the convex theory step
    const accSoft = soft.accuracy(rs.x, test);
    const mlp = m.network({ data: train, hidden: [128] });
    const rm = await mlp.minimize({ sketch: sketch.bernoulli(0.5, { over: "units" }), stepSize: 0.1, batch: 64, iterations: 250, recordEvery: 250 });
    const accMlp = mlp.accuracy(rm.x, test);
    console.log(`MNIST t10k split: softmax 4 epochs (γ = theory ${rs.stepSize.toExponential(2)}) test ${accSoft.toFixed(4)}; 784-128-10 dropout 0.5, 2 epochs, test ${accMlp.toFixed(4)}`);
    expect(accSoft).toBeGreaterThanOrEqual(0.87);
    expect(accMlp).toBeGreaterThanOrEqual(0.9);
  });
});
