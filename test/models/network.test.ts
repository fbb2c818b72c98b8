// mast.network, the facade: options, f and ∇f against the f64 reference network, the convex network's constants,
// predictions, Monte Carlo f_D against an enumerated f_D, sketched gradients against runs, and the rules of runs.
import { describe, it, expect } from "vitest";
import { sketch, KernelError, DivergenceError } from "../../dist/index.js";
import { mast, lcg } from "../helpers.ts";
import { blobs } from "../fixtures/blobs.ts";
import { lossGrad64, layout, refUnits, unitScales, sketchedPoint64, type Net } from "../reference/network.ts";

const fr = Math.fround;

const f32 = (x: ArrayLike<number>) => Float64Array.from(Float32Array.from(x as number[]));

describe("mast.network: options", () => {
  it("refuses what it cannot train, naming the option and the value", async () => {
    const m = await mast();
    const { data } = blobs(m, 20, 3, 3, 1);
    expect(() => m.network({ data: [1, 2] as never })).toThrow(/data must be a Dataset/);
    expect(() => m.network({ data, hidden: [4, 0] })).toThrow(/hidden\[1\].*0/);
    expect(() => m.network({ data, hidden: 8 as never })).toThrow(/hidden must be an array/);
    expect(() => m.network({ data, activation: "sigmoid" as never })).toThrow(/activation.*sigmoid/);
    expect(() => m.network({ data, loss: "logistic" as never })).toThrow(/loss.*logistic/);
    expect(() => m.network({ data, l2: -1 })).toThrow(/l2.*-1/);
    expect(() => m.network({ data, hiden: [3] } as never)).toThrow(/hiden is not a known option \(did you mean hidden\?\)/);
    expect(() => m.network({ data, shift: [1, 2] })).toThrow(/shift/);
    const real = m.data.dense([0.5, 1, 1.5, 2], { rows: 4, cols: 1, labels: [0.5, 1, 1.5, 2] });
    expect(() => m.network({ data: real })).toThrow(/integer class labels.*0\.5/);
    const one = m.data.dense([1, 2], { rows: 2, cols: 1, labels: [3, 3] });
    expect(() => m.network({ data: one })).toThrow(/at least 2 classes/);
  });

  it("a network that cannot fit its memory limit is refused with its size before anything is allocated", async () => {
    const m = await mast();
    const { data } = blobs(m, 50, 10, 3, 2);
    expect(() => m.network({ data, hidden: [4096, 4096], maxMemory: 64 * 2 ** 20 })).toThrow(/network 10-4096-4096-3 on 50 rows needs 1\.23 GB of wasm memory .* more than the 67\.1 MB limit \(maxMemory\)/);
  });

  it("reports its layout: per layer the weights row by row, then the biases", async () => {
    const m = await mast();
    const { data } = blobs(m, 30, 5, 3, 3);
    const net = m.network({ data, hidden: [4, 6] });
    expect(net.layout).toEqual([5, 4, 6, 3]);
    expect(net.dimension).toBe(4 * 5 + 4 + 6 * 4 + 6 + 3 * 6 + 3);
    expect(net.parameterLayout()).toEqual([
      { layer: 1, weights: 0, biases: 20, rows: 4, cols: 5 },
      { layer: 2, weights: 24, biases: 48, rows: 6, cols: 4 },
      { layer: 3, weights: 54, biases: 72, rows: 3, cols: 6 },
    ]);
    expect(net.classes).toBe(3);
  });
});

describe("mast.network: f, ∇f and predictions against the f64 reference", () => {
  for (const act of ["relu", "tanh"] as const) for (const hidden of [[], [6], [5, 4]]) {
    it(`${act}, hidden [${hidden}]: value, gradient (and finite differences of the reference), accuracy and predict`, async () => {
      const m = await mast();
      const { data, X, y } = blobs(m, 40, 4, 3, 7);
      const l2 = 0.01;
      const net = m.network({ data, hidden, activation: act, l2 });
      const sizes = [4, ...hidden, 3], ref: Net = { sizes, act, lambda: l2 };
      const x = f32(net.initialParameters(3).map((v, i) => v + 0.01 * Math.sin(i)));
      const r = lossGrad64(ref, x, X, y, null, X.length);
      expect(Math.abs(net.value(x) - r.value)).toBeLessThan(1e-5 * Math.max(1, r.value));
      const g = net.gradient(x);
      let err = 0, scale = 0;
      g.forEach((v, i) => { err = Math.max(err, Math.abs(v - r.grad[i])); scale = Math.max(scale, Math.abs(r.grad[i])); });
      expect(err).toBeLessThan(1e-5 * scale + 1e-6);
      // the reference's gradient is the derivative of its value (central differences, a few coordinates)
      for (const i of [0, Math.floor(x.length / 2), x.length - 1]) {
        const h = 1e-6, xp = Float64Array.from(x), xm = Float64Array.from(x);
        xp[i] += h; xm[i] -= h;
        const fd = (lossGrad64(ref, xp, X, y, null, X.length).value - lossGrad64(ref, xm, X, y, null, X.length).value) / (2 * h);
        expect(Math.abs(fd - r.grad[i])).toBeLessThan(1e-6 + 1e-4 * Math.abs(fd));
      }
      const pred = net.predict(x, data);
      const want = r.logits.map((z) => z.indexOf(Math.max(...z)));
      let agree = 0;
      pred.forEach((c, i) => { if (c === want[i]) agree++; });
      expect(agree).toBeGreaterThanOrEqual(X.length - 1);   // an f32 near-tie may go the other way
      const acc = want.filter((c, i) => c === y[i]).length / X.length;
      expect(Math.abs(net.accuracy(x) - acc)).toBeLessThanOrEqual(1 / X.length);
    });
  }

  it("accuracy and predict on other data: same columns and class values, mapped by value", async () => {
    const m = await mast();
    const values = [3, 7, 9];
    const { data } = blobs(m, 60, 4, 3, 11, values);
    const { train, test } = data.split({ at: 45 });
    const net = m.network({ data: train, hidden: [8] });
    const r = await net.minimize({ stepSize: 0.2, iterations: 300, batch: 15 });
    const pred = net.predict(r.x, test);
    const truth = Array.from(test.classLabels!);
    const acc = pred.filter((c, i) => c === truth[i]).length / test.rows;
    expect(net.accuracy(r.x, test)).toBe(acc);
    expect(net.accuracy(r.x)).toBeGreaterThan(0.9);
    expect(Array.from(net.classValues)).toEqual(values);
    // the training data are intact after a pass on other rows
    expect(net.value(r.x)).toBe(r.trace.at(-1)!.f);
    const wrongCols = blobs(m, 10, 5, 3, 1).data;
    expect(() => net.accuracy(r.x, wrongCols)).toThrow(/4 columns.*got 5/);
    const otherLabels = m.data.dense(new Array(8).fill(0), { rows: 2, cols: 4, labels: [3, 5] });
    expect(() => net.accuracy(r.x, otherLabels)).toThrow(/row 1 has label 5.*3, 7, 9/);
    expect(net.predict(r.x, otherLabels).length).toBe(2);   // predict reads no labels
  });

  it("initial parameters: He-uniform (relu) / Glorot-uniform (tanh) weights, zero biases, a function of the seed", async () => {
    const m = await mast();
    const { data } = blobs(m, 20, 6, 3, 2);
    for (const act of ["relu", "tanh"] as const) {
      const net = m.network({ data, hidden: [10], activation: act });
      const x = net.initialParameters(5);
      const [l1, l2] = net.parameterLayout();
      const a1 = act === "relu" ? Math.sqrt(6 / 6) : Math.sqrt(6 / 16);
      for (let i = l1.weights; i < l1.biases; i++) expect(Math.abs(x[i])).toBeLessThan(a1);
      for (let i = l1.biases; i < l1.biases + 10; i++) expect(x[i]).toBe(0);
      for (let i = l2.biases; i < l2.biases + 3; i++) expect(x[i]).toBe(0);
      expect(net.initialParameters(5)).toEqual(x);
      expect(net.initialParameters(6)).not.toEqual(x);
      // minimize starts there by default
      const r = await net.minimize({ stepSize: 0.1, iterations: 0, seed: 5 });
      expect(r.x).toEqual(x);
    }
  });

  it("a trap becomes a KernelError and the rebuilt instance has the network and its data again", async () => {
    const m = await mast();
    const { data } = blobs(m, 30, 4, 3, 9);
    const net = m.network({ data, hidden: [5] });
    const x = net.initialParameters(1), f = net.value(x);
    expect(() => net.kernel.call("nnSketchUnits", (ex) => ex.nnSketchUnits(99, 1, 0))).toThrow(KernelError);
    expect(net.value(x)).toBe(f);
    const r = await net.minimize({ stepSize: 0.1, iterations: 20 });
    expect(r.trace.at(-1)!.f).toBeLessThan(f);
  });
});

describe("mast.network: the convex network (hidden: [])", () => {
  it("L = ½ λ_max(ÃᵀÃ/n) + λ bounds the curvature, and is attained for two classes at x = 0 [D]", async () => {
    const m = await mast();
    for (const C of [2, 4]) {
      const { data, X, y } = blobs(m, 50, 3, C, 21 + C);
      const l2 = C === 2 ? 0 : 0.05;   // λ is not on the biases: with λ > 0 the bound is not attained
      const net = m.network({ data, l2 });
      const { L, mu, LD } = net.constants();
      expect(mu).toBe(0);
      expect(LD).toBe(1);
      // the largest curvature along a direction by power iteration on finite-difference Hessian products of the reference
      const ref: Net = { sizes: [3, C], act: "relu", lambda: l2 };
      const d = net.dimension, rnd = lcg(C);
      const hv = (x: Float64Array, u: Float64Array) => {
        const h = 1e-5, xp = x.map((v, i) => v + h * u[i]), xm = x.map((v, i) => v - h * u[i]);
        const gp = lossGrad64(ref, xp, X, y, null, X.length).grad, gm = lossGrad64(ref, xm, X, y, null, X.length).grad;
        return gp.map((v, i) => (v - gm[i]) / (2 * h));
      };
      let worst = 0;
      for (const start of [new Float64Array(d), Float64Array.from({ length: d }, () => rnd() - 0.5)]) {
        let u = Float64Array.from({ length: d }, () => rnd() - 0.5), ray = 0;
        for (let it = 0; it < 200; it++) {
          const w = hv(start, u);
          const nu = Math.hypot(...u);
          ray = w.reduce((s, v, i) => s + v * u[i], 0) / (nu * nu);
          const nw = Math.hypot(...w);
          u = w.map((v) => v / nw);
        }
        worst = Math.max(worst, ray);
        expect(ray).toBeLessThanOrEqual(L * (1 + 1e-6));
        if (C === 2 && start.every((v) => v === 0)) expect(ray).toBeGreaterThan(0.98 * L);   // tight: p = (½, ½)
      }
      expect(worst).toBeGreaterThan(0);
    }
  });

  it("per-row L_i feed importance sampling and the theory step size; a theory-step run decreases f", async () => {
    const m = await mast();
    const { data } = blobs(m, 60, 5, 3, 4);
    const net = m.network({ data, l2: 0.01 });
    const c = net.constants(undefined, { batch: 10, sampling: "importance" });
    expect(c.stepSize).toBeGreaterThan(0);
    expect(c.Lmax).toBeGreaterThanOrEqual(c.L * 0.999);
    const r = await net.minimize({ batch: 10, sampling: "importance", iterations: 400 });
    expect(r.stepSize).toBe(c.stepSize);
    expect(r.trace.at(-1)!.f).toBeLessThan(0.8 * r.trace[0].f);
  });
});

describe("mast.network: rules of runs", () => {
  it("MLPs refuse the theory step (non-convex), importance sampling, batch full or beyond maxBatch, independent sampling, tolerance", async () => {
    const m = await mast();
    const { data } = blobs(m, 300, 4, 3, 5);
    const net = m.network({ data, hidden: [6], maxBatch: 100 });
    await expect(net.minimize({ iterations: 5 })).rejects.toThrow(/stepSize "theory" cannot be used: .*non-convex/);
    await expect(net.minimize({ stepSize: 0.1, batch: "full" })).rejects.toThrow(/batch "full" is not available on a network/);
    await expect(net.minimize({ stepSize: 0.1, batch: 150 })).rejects.toThrow(/at most the network's maxBatch \(100\), got 150.*maxBatch: 150/);
    await expect(net.minimize({ stepSize: 0.1, batch: 301 })).rejects.toThrow(/batch.*301/);
    await expect(net.minimize({ stepSize: 0.1, sampling: "importance", batch: 5 })).rejects.toThrow(/no L_i is known/);
    await expect(net.minimize({ stepSize: 0.1, sampling: "independent", probabilities: new Array(300).fill(0.5) })).rejects.toThrow(/"independent" is not available on a network/);
    await expect(net.minimize({ stepSize: 0.1, tolerance: 1e-3 })).rejects.toThrow(/tolerance is not available on a network/);
    expect(Number.isNaN(net.constants().L)).toBe(true);
    const r = await net.minimize({ stepSize: 0.1, iterations: 3 });
    expect(r.work.rowsTouched).toBe(3 * 64);   // the default batch
  });

  it("unit sketches need hidden layers and K, M within the narrowest one", async () => {
    const m = await mast();
    const { data } = blobs(m, 40, 4, 3, 6);
    await expect(m.network({ data }).minimize({ sketch: sketch.bernoulli(0.5, { over: "units" }) })).rejects.toThrow(/needs hidden layers/);
    const net = m.network({ data, hidden: [8, 5] });
    await expect(net.minimize({ stepSize: 0.1, sketch: sketch.randK(6, { over: "units" }) })).rejects.toThrow(/k must be in 1\.\.5.*got 6/);
    const lin = m.problem({ data: m.data.dense([1, 2, 3, 4], { rows: 2, cols: 2, labels: [1, -1] }) });
    await expect(lin.minimize({ sketch: sketch.bernoulli(0.5, { over: "units" }) })).rejects.toThrow(/needs a network/);
  });

  it("a step that would overflow is refused: DivergenceError with the step and the last finite x", async () => {
    const m = await mast();
    const { data } = blobs(m, 40, 4, 3, 8);
    const net = m.network({ data, hidden: [6] });
    const err = await net.minimize({ stepSize: 1e37, iterations: 50 }).catch((e) => e);
    expect(err).toBeInstanceOf(DivergenceError);
    expect(err.step).toBeGreaterThanOrEqual(0);
    expect(err.lastIterate.every(Number.isFinite)).toBe(true);
    expect(err.message).toMatch(/no theory step size is known for a network with hidden layers/);
  });
});

describe("mast.network: sketched gradients, f_D and unit sketch sets", () => {
  for (const [name, sk] of [
    ["dropout", sketch.bernoulli(0.5, { over: "units" })], ["Rand-K units", sketch.randK(3, { over: "units" })],
    ["IST (permutation units)", sketch.permutation(2, { over: "units" })], ["DropConnect", sketch.bernoulli(0.7)], ["identity", sketch.identity()],
  ] as const) {
    it(`${name}: sketchedGradient(x, S, { step, seed, batch }) is the step a run takes (x₁ = x₀ − γ g in f32)`, async () => {
      const m = await mast();
      const { data } = blobs(m, 50, 4, 3, 12);
      const net = m.network({ data, hidden: [6, 5], l2: 0.01 });
      const x0 = net.initialParameters(2), gamma = 0.3;
      for (const t of [0, 1, 7]) {
        const r0 = t === 0 ? null : await net.minimize({ sketch: sk, stepSize: gamma, iterations: t, seed: 4, batch: 10, x0 });
        const xt = r0 ? r0.x : x0;
        const { g, support } = net.sketchedGradient(xt, sk, { step: t, seed: 4, batch: 10 });
        expect(support.length).toBeGreaterThan(0);
        const r1 = await net.minimize({ sketch: sk, stepSize: gamma, iterations: t + 1, seed: 4, batch: 10, x0 });
        const g32 = fr(gamma);
        const want = xt.map((v, i) => fr(v - fr(g32 * g[i])));
        expect(Array.from(r1.x)).toEqual(Array.from(want));
      }
    });
  }

  it("sketchedValue: the identity gives f exactly; dropout's Monte Carlo mean agrees with f_D enumerated over the 2³ masks", async () => {
    const m = await mast();
    const { data, X, y } = blobs(m, 30, 3, 2, 13);
    const net = m.network({ data, hidden: [3] });
    const x = net.initialParameters(1);
    const id = net.sketchedValue(x, sketch.identity(), { samples: 5 });
    expect(id.mean).toBe(net.value(x));
    expect(id.stderr).toBe(0);
    const p = 0.5, sizes = [3, 3, 2], ref: Net = { sizes, act: "relu", lambda: 0 };
    let exact = 0;
    for (let mask = 0; mask < 8; mask++) {
      const T = [[0, 1, 2].filter((j) => mask & (1 << j))];
      const sc = unitScales(sizes, { T, s: [T[0].map(() => 1 / p)] });
      exact += lossGrad64(ref, sketchedPoint64(x, null, sc), X, y, null, X.length).value / 8;
    }
    const mc = net.sketchedValue(x, sketch.bernoulli(p, { over: "units" }), { samples: 4000, seed: 3 });
    expect(mc.stderr).toBeGreaterThan(0);
    expect(Math.abs(mc.mean - exact)).toBeLessThan(4 * mc.stderr);
    // and each sample is f at a draw of stream 13: the first sample alone is f at the reference's draw
    const one = net.sketchedValue(x, sketch.bernoulli(p, { over: "units" }), { samples: 1, seed: 3 });
    const u = refUnits(3, sizes, 1, p, null, 0, 13);
    const y0 = sketchedPoint64(x, null, unitScales(sizes, u));
    expect(Math.abs(one.mean - lossGrad64(ref, y0, X, y, null, X.length).value)).toBeLessThan(1e-5);
  });

  it("unit sketch constants by enumeration: E[S] = I, L_D = max E[s²], μ_D, L_S^max (Rand-K and permutation over units)", async () => {
    const m = await mast();
    const { data } = blobs(m, 20, 3, 2, 14);
    const net = m.network({ data, hidden: [4] });
    const sizes = [3, 4, 2], d = layout(sizes).d;
    // Rand-K, k = 2 of 4: all 6 subsets equally likely
    const subsets = [[0, 1], [0, 2], [0, 3], [1, 2], [1, 3], [2, 3]];
    const mean = new Float64Array(d), second = new Float64Array(d);
    for (const T of subsets) {
      const sc = unitScales(sizes, { T: [T], s: [T.map(() => 2)] });
      sc.forEach((s, i) => { mean[i] += s / 6; second[i] += (s * s) / 6; });
    }
    mean.forEach((v) => expect(v).toBeCloseTo(1, 12));
    const c = net.constants(sketch.randK(2, { over: "units" }), { batch: 5, stepSize: 0.1 });
    expect(c.LD).toBeCloseTo(Math.max(...second), 12);
    expect(c.muD).toBeCloseTo(Math.min(...second), 12);
    expect(c.LSmax).toBe(4);
    const cp = net.constants(sketch.permutation(4, { over: "units" }), { batch: 5, stepSize: 0.1 });
    expect([cp.LD, cp.muD, cp.LSmax]).toEqual([4, 1, 16]);
    // a finite set's constants are those of its members (stream 14, the set's seed), counted here from the reference draws
    const N = 7, seed = 3;
    const s2 = new Float64Array(d);
    for (let j = 0; j < N; j++) unitScales(sizes, refUnits(seed, sizes, 3, 2, null, j, 14)).forEach((s, i) => { s2[i] += (s * s) / N; });
    const cs = net.constants(sketch.randK(2, { over: "units" }), { method: "lsvrg", sketchSet: { size: N, seed }, batch: 5, stepSize: 0.1 });
    expect(cs.LD).toBeCloseTo(Math.max(...s2), 12);
    expect(cs.muD).toBeCloseTo(Math.min(...s2), 12);
  });

  for (const [name, sk, hidden] of [
    ["softmax, DropConnect set", sketch.bernoulli(0.6), []],
    ["MLP, dropout set", sketch.bernoulli(0.5, { over: "units" }), [5]],
  ] as const) {
    it(`L-SVRG and SVRG (${name}) drive the set's ∇f_D to 0 with all rows a step`, async () => {
      const m = await mast();
      const { data, X, y } = blobs(m, 24, 3, 3, 15);
      const l2 = 0.05;
      const net = m.network({ data, hidden: [...hidden], activation: "tanh", l2 });
      const sizes = [3, ...hidden, 3], ref: Net = { sizes, act: "tanh", lambda: l2 };
      const N = 4, d = layout(sizes).d, rnd = lcg(5);
      // the members' per-parameter scales: unit sets from the reference draws (stream 14 with the set's seed); the
      // coordinate set given explicitly
      const members = hidden.length
        ? Array.from({ length: N }, (_, j) => unitScales(sizes, refUnits(9, sizes, 1, 0.5, null, j, 14)))
        : Array.from({ length: N }, () => Float64Array.from({ length: d }, () => (rnd() < 0.6 ? fr(1 / 0.6) : 0)));
      const set = hidden.length ? { size: N, seed: 9 } : members;
      for (const method of ["lsvrg", "svrg"] as const) {
        const x0 = net.initialParameters(1);
        const r = await net.minimize({ method, sketch: sk, sketchSet: set, stepSize: 0.5, batch: 24, iterations: 1500, x0 });
        const gD = (x: Float64Array, ms: Float64Array[]) => {
          const out = new Float64Array(x.length);
          for (const sc of ms) {
            const g = lossGrad64(ref, sketchedPoint64(x, null, sc), X, y, null, X.length).grad;
            g.forEach((v, i) => { out[i] += (sc[i] * v) / ms.length; });
          }
          return Math.hypot(...out);
        };
        expect(gD(r.x, members)).toBeLessThan(2e-3);
        expect(gD(x0, members)).toBeGreaterThan(0.05);
        expect(r.trace.at(-1)!.f).toBeLessThan(r.trace[0].f);
        expect(r.work.rowsTouched).toBeGreaterThan(2 * 24 * 1500);   // two member gradients a step, plus refreshes
      }
    });
  }
});
