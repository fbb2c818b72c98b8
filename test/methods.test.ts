import { describe, it, expect } from "vitest";
import { sketch, schedules, type MinimizeOptions, type Sketch } from "../dist/index.js";
import { mast, lcg, maxRelErr, sameBits, spd } from "./helpers.ts";

function solve(M: number[][], r: number[]): number[] {
  const n = r.length, a = M.map((row, i) => [...row, r[i]]);
  for (let c = 0; c < n; c++) {
    let p = c; for (let i = c + 1; i < n; i++) if (Math.abs(a[i][c]) > Math.abs(a[p][c])) p = i;
    [a[c], a[p]] = [a[p], a[c]];
    for (let i = c + 1; i < n; i++) { const f = a[i][c] / a[c][c]; for (let k = c; k <= n; k++) a[i][k] -= f * a[c][k]; }
  }
  const x = new Array(n).fill(0);
  for (let i = n - 1; i >= 0; i--) { let s = a[i][n]; for (let k = i + 1; k < n; k++) s -= a[i][k] * x[k]; x[i] = s / a[i][i]; }
  return x;
}

/** The minimiser of the finite-sum f_D = (1/N) Σ_j f(v + S_j(x − v)): M(x − v) = S̄(b − Av), M = mean S_j A S_j. */
function finiteSetOptimum(A: number[][], b: number[], v: number[], set: Float64Array[]): number[] {
  const d = b.length, N = set.length;
  const M = A.map((row, i) => row.map((a, j) => set.reduce((s, S) => s + S[i] * a * S[j], 0) / N));
  const Av = A.map((row) => row.reduce((s, a, j) => s + a * v[j], 0));
  const rhs = b.map((bi, i) => (set.reduce((s, S) => s + S[i], 0) / N) * (bi - Av[i]));
  return solve(M, rhs).map((h, i) => h + v[i]);
}

/** Rand-K diagonals in d = 6, drawn with a test generator (an explicit sketch set). */
function randKSet(d: number, K: number, N: number, seed: number): Float64Array[] {
  const rnd = lcg(seed);
  return Array.from({ length: N }, () => {
    const idx = [...Array(d).keys()].sort(() => rnd() - 0.5).slice(0, K);
    const s = new Float64Array(d); idx.forEach((j) => { s[j] = d / K; }); return s;
  });
}

const relDist = (x: ArrayLike<number>, y: ArrayLike<number>) => {
  let a = 0, b = 0; for (let i = 0; i < x.length; i++) { a += (x[i] - y[i]) ** 2; b += y[i] ** 2; }
  return Math.sqrt(a / b);
};

describe("one table of methods × sketches, one optimality test", () => {
  // Each row: the method's options and the accuracy it must reach, measured against the exact minimiser of what it
  // minimises (the closed-form x_D* for DSGD; the finite-set x_D* for the VR methods). A new method is one new row.
  const set = randKSet(6, 3, 12, 5);
  const table: [string, MinimizeOptions, number][] = [
    ["dsgd, Rand-K, decreasing step", { method: "dsgd", sketch: sketch.randK(3), iterations: 300_000 }, 2e-2],
    ["dsgd, Bernoulli, decreasing step", { method: "dsgd", sketch: sketch.bernoulli(0.6), iterations: 300_000 }, 2e-2],
    ["dsgd, identity = GD", { method: "dsgd", sketch: sketch.identity(), iterations: 3000 }, 1e-10],
    ["lsvrg, explicit Rand-K set, b = N", { method: "lsvrg", sketchSet: set, iterations: 20_000 }, 1e-10],
    ["svrg, explicit Rand-K set, b = N", { method: "svrg", sketchSet: set, iterations: 20_000 }, 1e-10],
    ["lsvrg, Bernoulli set drawn from a spec, b = N", { method: "lsvrg", sketch: sketch.bernoulli(0.5), sketchSet: { size: 16, seed: 3 }, iterations: 20_000 }, 1e-10],
    ["svrg, permutation set drawn from a spec, b = N", { method: "svrg", sketch: sketch.permutation(3), sketchSet: { size: 9, seed: 1 }, iterations: 20_000 }, 1e-10],
  ];
  for (const [name, opts, tol] of table) {
    it(`${name}: ‖x − x_D*‖/‖x_D*‖ ≤ ${tol}`, async () => {
      const m = await mast();
      const { A, b, v } = spd(6, 7);
      const q = m.quadratic({ A, b, shift: v });
      let target: number[];
      const o: MinimizeOptions = { seed: 4, ...opts };
      if (opts.method === "dsgd") {
        target = Array.from(q.sketchedOptimum(opts.sketch!));
        if (opts.sketch!.kind !== "identity") o.stepSize = schedules.inverseTime(q.constants(opts.sketch!).stepSize, 3000);
      } else if (Array.isArray(opts.sketchSet)) {
        target = finiteSetOptimum(A, b, v, opts.sketchSet as Float64Array[]);
      } else {
        // the drawn set: read it back through the checkpoint-independent route of drawing it again in the test
        const drawn = drawSet(q, opts);
        target = finiteSetOptimum(A, b, v, drawn);
      }
      const r = await q.minimize(o);
      expect(relDist(r.x, target)).toBeLessThanOrEqual(tol);
    });
  }

  it("plain DSGD with a constant step cannot reach the finite-set minimiser, L-SVRG can", async () => {
    const m = await mast();
    const { A, b, v } = spd(6, 7);
    const q = m.quadratic({ A, b, shift: v });
    const target = finiteSetOptimum(A, b, v, set);
    const lsvrg = await q.minimize({ method: "lsvrg", sketchSet: set, iterations: 20_000, seed: 1 });
    // DSGD with the same distribution as the set cannot be given the set; its best constant-step run stays in a ball
    const dsgd = await q.minimize({ method: "dsgd", sketch: sketch.randK(3), iterations: 20_000, seed: 1 });
    expect(relDist(lsvrg.x, target)).toBeLessThan(1e-10);
    expect(relDist(dsgd.x, target)).toBeGreaterThan(1e-4);
    expect(relDist(dsgd.x, q.sketchedOptimum(sketch.randK(3)))).toBeGreaterThan(1e-4);
  });

  it("with b < N the VR methods stop in a neighbourhood that shrinks as b grows", async () => {
    const m = await mast();
    const { A, b, v } = spd(6, 7);
    const q = m.quadratic({ A, b, shift: v });
    const big = randKSet(6, 3, 40, 9);
    const target = finiteSetOptimum(A, b, v, big);
    const err = async (rb: number) => {
      let e = 0;
      for (const seed of [1, 2, 3, 4]) e += relDist((await q.minimize({ method: "lsvrg", sketchSet: big, referenceBatch: rb, refreshProbability: 0.05, iterations: 20_000, seed })).x, target);
      return e / 4;
    };
    const [e4, e40] = [await err(4), await err(40)];
    expect(e40).toBeLessThan(1e-10);
    expect(e4).toBeGreaterThan(1e-6);
  });
});

/** The set a spec draws (stream 10, its own seed), read back by running one L-SVRG step per member is awkward;
 *  instead draw it with the raw sampler exactly as the facade does. */
function drawSet(q: any, opts: MinimizeOptions): Float64Array[] {
  const k = q.kernel, d = q.dimension;
  const { size, seed } = opts.sketchSet as { size: number; seed: number };
  const s = opts.sketch!;
  k.ex.release(q.buffers.base);
  if (s.kind === "bernoulli") k.ex.sketchConfigure(1, 0, s.p as number, 0);
  else if (s.kind === "permutation") k.ex.sketchConfigure(4, s.nodes, 1, 0);
  else throw new Error(`drawSet: add ${s.kind}`);
  k.ex.setSeed(seed, 0);
  k.ex.setSketchStream(10);
  const out: Float64Array[] = [];
  for (let j = 0; j < size; j++) {
    const m = k.ex.sketchSample(j);
    const T = k.i32(k.ex.supportPtr(), m), s = k.f64(k.ex.scalePtr(), m);
    const diag = new Float64Array(d); T.forEach((t: number, i: number) => { diag[t] = s[i]; });
    out.push(diag);
  }
  k.ex.setSketchStream(0);
  return out;
}

describe("data sampling (option II, general sampling)", () => {
  it("importance sampling (p_i ∝ L_i) needs fewer iterations than uniform sampling on rows of very different norms", async () => {
    const m = await mast();
    const rnd = lcg(21);
    const n = 200, d = 10;
    const xs = Array.from({ length: d }, () => rnd() * 2 - 1);
    const rows = Array.from({ length: n }, (_, i) => { const sc = i % 10 === 0 ? 20 : 1; return Array.from({ length: d }, () => sc * (rnd() * 2 - 1)); });
    const labels = rows.map((r) => r.reduce((s, a, j) => s + a * xs[j], 0));     // consistent: interpolation holds
    const p = m.problem({ data: m.data.dense(rows.flat(), { rows: n, cols: d, labels }), loss: "squared" });
    const steps = async (sampling: "uniform" | "importance") => {
      const r = await p.minimize({ sampling, batch: 1, iterations: 400_000, tolerance: 1e-6, recordEvery: 200, seed: 3 });
      expect(r.stoppedBy).toBe("tolerance");
      return r.iterations;
    };
    const [u, imp] = [await steps("uniform"), await steps("importance")];
    expect(imp).toBeLessThan(u / 2);
    const cu = p.constants(sketch.identity(), { sampling: "uniform", batch: 1 }), ci = p.constants(sketch.identity(), { sampling: "importance", batch: 1 });
    expect(ci.Lexp).toBeLessThan(cu.Lexp);           // mean(L_i) < max(L_i)
    expect(cu.Lexp).toBeCloseTo(cu.Lmax, 12);
  });

  it("each sampler is unbiased: the mean of many sampled gradients ≈ the full gradient", async () => {
    const m = await mast();
    const data = m.data.synthetic({ rows: 60, cols: 8, density: 0.5, seed: 5 });
    const p = m.problem({ data, loss: "logistic", l2: 0.01 });
    const x = Array.from({ length: 8 }, (_, j) => 0.3 - 0.1 * j);
    const full = p.gradient(x);
    const probs = Array.from({ length: 60 }, (_, i) => 0.2 + 0.6 * ((i * 7) % 11) / 10);
    for (const o of [{ sampling: "nice", batch: 5 }, { sampling: "uniform", batch: 3 }, { sampling: "independent", probabilities: probs }, { sampling: "importance", batch: 2 }] as const) {
      // one step of DSGD with γ = 1 from x: x_1 = x − ĝ, so ĝ = x − x_1; average over seeds.
      const N = 3000, mean = new Float64Array(8);
      for (let s = 0; s < N; s++) {
        const r = await p.minimize({ ...o, x0: x, iterations: 1, stepSize: 1, seed: s, recordEvery: 1 });
        for (let j = 0; j < 8; j++) mean[j] += (x[j] - r.x[j]) / N;
      }
      expect(maxRelErr(mean, full)).toBeLessThan(0.03);
    }
  });
});

describe("checkpoints: resume to T gives the digest of an uninterrupted run to T", () => {
  const runs: [string, MinimizeOptions][] = [
    ["dsgd full data, Rand-K", { sketch: sketch.randK(5) }],
    ["dsgd nice minibatch, permutation", { sketch: sketch.permutation(3), batch: 7 }],
    ["dsgd importance sampling, Bernoulli", { sketch: sketch.bernoulli(0.4), sampling: "importance", batch: 2 }],
    ["dsgd independent sampling", { sketch: sketch.randK(9), sampling: "independent", probabilities: Array.from({ length: 80 }, (_, i) => 0.1 + (i % 9) / 10) }],
    ["dsgd with a schedule", { sketch: sketch.randK(4), stepSize: schedules.inverseTime(0.2, 50) }],
    ["lsvrg, drawn set, b < N, minibatch rows", { method: "lsvrg", sketch: sketch.randK(4), sketchSet: { size: 20, seed: 2 }, referenceBatch: 6, refreshProbability: 0.1, batch: 5 }],
    ["svrg, explicit set", { method: "svrg", sketchSet: Array.from({ length: 7 }, (_, j) => Float64Array.from({ length: 12 }, (_, i) => ((i + j) % 3 === 0 ? 3 : 0))), snapshotEvery: 9 }],
  ];
  for (const [name, opts] of runs) {
    it(name, async () => {
      const m = await mast();
      const p = m.problem({ data: m.data.synthetic({ rows: 80, cols: 12, density: 0.4, seed: 8 }), loss: "logistic", l2: 0.01, shift: Array.from({ length: 12 }, (_, j) => 0.05 * j) });
      const whole = await p.minimize({ ...opts, iterations: 300, seed: 9 });
      const first = await p.minimize({ ...opts, iterations: 137, seed: 9 });
      const rest = await p.minimize({ resumeFrom: first.checkpoint, iterations: 300, ...(typeof opts.stepSize === "function" ? { stepSize: opts.stepSize } : {}) });
      expect(rest.digest).toBe(whole.digest);
      expect(rest.iterations).toBe(300);
      expect(rest.trace[0].iteration).toBe(137);
      expect(rest.trace.at(-1)!.gradEvals).toBe(whole.trace.at(-1)!.gradEvals);
      const again = await p.minimize({ resumeFrom: rest.checkpoint, iterations: 300 + 0, ...(typeof opts.stepSize === "function" ? { stepSize: opts.stepSize } : {}) });
      expect(again.digest).toBe(whole.digest);       // resuming at T with T steps to go does nothing
      expect(first.digest).not.toBe(whole.digest);
      // passing the run's own options again (with the theory step spelled out or not) is fine
      const same = await p.minimize({ ...opts, seed: 9, resumeFrom: first.checkpoint, iterations: 300 });
      expect(same.digest).toBe(whole.digest);
      if (opts.stepSize === undefined) {
        const chained = await p.minimize({ ...opts, seed: 9, stepSize: "theory", resumeFrom: (await p.minimize({ resumeFrom: first.checkpoint, iterations: 200 })).checkpoint, iterations: 300 });
        expect(chained.digest).toBe(whole.digest);
      }
    });
  }

  it("a quadratic and a user model resume exactly too; checkpoints are refused on another problem or with other settings", async () => {
    const m = await mast();
    const { A, b, v } = spd(6, 2);
    const q = m.quadratic({ A, b, shift: v });
    const o = { method: "lsvrg", sketch: sketch.randK(2), sketchSet: { size: 10, seed: 1 } } as const;
    const whole = await q.minimize({ ...o, iterations: 500, seed: 3 });
    const half = await q.minimize({ ...o, iterations: 250, seed: 3 });
    expect((await q.minimize({ resumeFrom: half.checkpoint, iterations: 500 })).digest).toBe(whole.digest);
    const model = quadraticModel(m, A, b, v);
    const mw = await model.minimize({ sketch: sketch.randK(3), iterations: 400, seed: 2, stepSize: 0.05 });
    const mh = await model.minimize({ sketch: sketch.randK(3), iterations: 111, seed: 2, stepSize: 0.05 });
    expect((await model.minimize({ resumeFrom: mh.checkpoint, iterations: 400 })).digest).toBe(mw.digest);
    const other = m.quadratic({ A, b: b.map((x) => x + 1), shift: v });
    await expect(other.minimize({ resumeFrom: half.checkpoint, iterations: 500 })).rejects.toThrow(/different problem/);
    await expect(q.minimize({ resumeFrom: half.checkpoint, iterations: 500, seed: 4 })).rejects.toThrow(/seed differs from the checkpoint's setting/);
    await expect(q.minimize({ resumeFrom: half.checkpoint, iterations: 100 })).rejects.toThrow(/iterations must be in 250\.\./);
    await expect(q.minimize({ resumeFrom: new Uint8Array(40), iterations: 500 })).rejects.toThrow(/not a valid mast-wasm checkpoint/);
    await expect(q.minimize({ resumeFrom: half.checkpoint, iterations: 500, x0: v })).rejects.toThrow(/x0 cannot be given when resuming/);
  });
});

function quadraticModel(m: any, A: number[][], b: number[], v: number[], L?: number) {
  return m.model({
    dimension: b.length, shift: v, smoothness: L,
    valueAndGradient(y: Float64Array, g: Float64Array) {
      let f = 0;
      for (let i = 0; i < y.length; i++) { let r = 0; for (let j = 0; j < y.length; j++) r += A[i][j] * y[j]; g[i] = r - b[i]; f += 0.5 * y[i] * r - b[i] * y[i]; }
      return f;
    },
  });
}

describe("user-supplied models", () => {
  it("a JS quadratic model follows the same iterates as the built-in quadratic (DSGD, L-SVRG, SVRG)", async () => {
    const m = await mast();
    const { A, b, v } = spd(6, 11);
    const q = m.quadratic({ A, b, shift: v });
    const model = quadraticModel(m, A, b, v, q.constants().L);
    for (const o of [
      { sketch: sketch.randK(2), iterations: 400, seed: 5 },
      { sketch: sketch.bernoulli(0.5), iterations: 400, seed: 5, stepSize: 0.02 },
      { method: "lsvrg", sketch: sketch.randK(3), sketchSet: { size: 8, seed: 2 }, iterations: 300, seed: 1 },
      { method: "svrg", sketch: sketch.randK(3), sketchSet: { size: 8, seed: 2 }, iterations: 300, seed: 1 },
    ] as MinimizeOptions[]) {
      const [rq, rm] = [await q.minimize(o), await model.minimize(o)];
      expect(maxRelErr(rm.x, rq.x)).toBeLessThan(1e-12);
      expect(relDist(rm.x, v)).toBeGreaterThan(1e-3);
    }
    const s = q.sketchedValue(v.map((x) => x + 0.3), sketch.randK(2));
    const sm = model.sketchedValue(v.map((x) => x + 0.3), sketch.randK(2), { samples: 20_000, seed: 1 });
    expect(Math.abs(s.mean - sm.mean)).toBeLessThan(4 * sm.stderr);
  });

  it("rejects a model whose gradient has the wrong length or is not finite, naming it and the step", async () => {
    const m = await mast();
    const short = m.model({ dimension: 3, valueAndGradient: () => ({ value: 1, gradient: [1, 2] }) });
    await expect(short.minimize({ iterations: 5, stepSize: 0.1 })).rejects.toThrow(/gradient must have length 3 \(the dimension\) at x, got length 2/);
    let calls = 0;
    const nan = m.model({ dimension: 3, valueAndGradient: (y: Float64Array, g: Float64Array) => { calls++; g.fill(calls > 4 ? NaN : 1); return 0; } });
    await expect(nan.minimize({ iterations: 10, stepSize: 0.1, recordEvery: 100 })).rejects.toThrow(/gradient is not finite at step \d+: gradient\[0\] = NaN/);
    expect(() => m.model({ dimension: 0, valueAndGradient: () => 0 })).toThrow(/dimension must be in 1\.\./);
    expect(() => m.model({ dimension: 3, valueAndGradient: 5 as any })).toThrow(/valueAndGradient must be a function/);
    const noL = m.model({ dimension: 2, valueAndGradient: () => 0 });
    await expect(noL.minimize({ iterations: 3 })).rejects.toThrow(/stepSize "theory" needs the smoothness constant L/);
    await expect(noL.minimize({ iterations: 3, stepSize: 0.1, batch: 2 })).rejects.toThrow(/batch and sampling need a data problem/);
  });
});

describe("bad settings are rejected, naming the setting", () => {
  it("b > N, p outside (0, 1], τ > n, m < 1, and options of the wrong method", async () => {
    const m = await mast();
    const p = m.problem({ data: m.data.synthetic({ rows: 30, cols: 6, seed: 1 }), l2: 0.1 });
    const bad: [MinimizeOptions, RegExp][] = [
      [{ method: "lsvrg", sketchSet: { size: 5, seed: 0 }, referenceBatch: 6 }, /referenceBatch \(b\) must be at most the sketch set size N = 5, got 6/],
      [{ method: "lsvrg", refreshProbability: 0 }, /refreshProbability must be in \(0, 1\], got 0/],
      [{ method: "lsvrg", refreshProbability: 1.5 }, /refreshProbability must be in \(0, 1\], got 1.5/],
      [{ batch: 31 }, /batch must be in 1\.\.30, got 31/],
      [{ sampling: "importance", batch: 31 }, /batch must be in 1\.\.30, got 31/],
      [{ method: "svrg", snapshotEvery: 0 }, /snapshotEvery must be in 1\.\./],
      [{ method: "svrg", refreshProbability: 0.5 }, /refreshProbability goes with method "lsvrg"/],
      [{ method: "dsgd", referenceBatch: 3 }, /referenceBatch goes with method "lsvrg" or "svrg"/],
      [{ sampling: "independent" }, /probabilities must be an array/],
      [{ sampling: "independent", probabilities: new Array(30).fill(0) }, /probabilities\[0\] must be in \(0, 1\], got 0/],
      [{ sampling: "independent", probabilities: new Array(29).fill(0.5) }, /probabilities must have length 30/],
      [{ sampling: "independent", probabilities: new Array(30).fill(0.5), batch: 3 }, /batch must be omitted with sampling "independent"/],
      [{ sampling: "stratified" as any }, /sampling must be one of "uniform", "nice", "independent", "importance", got "stratified"/],
      [{ method: "lsvrg", sketchSet: [] }, /sketchSet must not be empty/],
      [{ method: "lsvrg", sketchSet: [new Float64Array(5)] }, /sketchSet\[0\] must have length 6, got length 5/],
      [{ method: "lsvrg", sketchSet: { size: 0 } }, /sketchSet.size must be in 1\.\./],
      [{ tolerance: -1 }, /tolerance must be a positive finite number, got -1/],
      [{ timeLimitMs: 0 }, /timeLimitMs must be a positive finite number, got 0/],
      [{ resumeFrom: "x" as any }, /resumeFrom must be a checkpoint/],
    ];
    for (const [o, re] of bad) await expect(p.minimize(o)).rejects.toThrow(re);
  });
});

describe("stopping rules", () => {
  it("tolerance, time budget and callback each stop the run and say so", async () => {
    const m = await mast();
    const { A, b, v } = spd(6, 3);
    const q = m.quadratic({ A, b, shift: v });
    const tol = await q.minimize({ iterations: 100_000, tolerance: 1e-8, recordEvery: 10 });
    expect(tol.stoppedBy).toBe("tolerance");
    expect(tol.trace.at(-1)!.gradNorm).toBeLessThanOrEqual(1e-8);
    expect(tol.trace.at(-2)!.gradNorm).toBeGreaterThan(1e-8);
    expect(tol.iterations).toBeLessThan(100_000);
    const p = m.problem({ data: m.data.synthetic({ rows: 3000, cols: 50, seed: 2 }), l2: 1e-3 });
    const t0 = performance.now();
    const timed = await p.minimize({ iterations: 1e9, timeLimitMs: 150, recordEvery: 1e8 });
    expect(timed.stoppedBy).toBe("time");
    expect(performance.now() - t0).toBeLessThan(5000);
    expect(timed.iterations).toBeGreaterThan(0);
    expect(timed.iterations).toBeLessThan(1e9);
    const cb = await p.minimize({ iterations: 1000, recordEvery: 10, onProgress: (r) => r.iteration < 50 });
    expect([cb.stoppedBy, cb.iterations]).toEqual(["callback", 50]);
    const done = await p.minimize({ iterations: 100 });
    expect(done.stoppedBy).toBe("iterations");
    // the Monte Carlo ∇f_D estimate for a sparse sketch on data, and the exact finite-set gradient for L-SVRG
    const mc = await p.minimize({ sketch: sketch.randK(10), batch: 10, iterations: 200, tolerance: 1e-12, recordEvery: 100 });
    expect(mc.trace.every((r) => typeof r.gradNorm === "number" && r.gradNorm > 0)).toBe(true);
    expect(mc.trace.at(-1)!.gradEvals).toBe(200 * 10);      // the stopping test does not count as work
  });
});

describe("determinism of the new methods across builds", () => {
  it("L-SVRG, SVRG and importance sampling give the same digest in the SIMD and scalar builds", async () => {
    const [a, b] = [await mast("simd"), await mast("scalar")];
    const make = (m: any) => m.problem({ data: m.data.synthetic({ rows: 100, cols: 20, density: 0.3, seed: 6 }), l2: 1e-2 });
    const [pa, pb] = [make(a), make(b)];
    for (const o of [
      { method: "lsvrg", sketch: sketch.randK(5), sketchSet: { size: 15, seed: 1 }, referenceBatch: 5, batch: 4, iterations: 200, seed: 3 },
      { method: "svrg", sketch: sketch.bernoulli(0.3), sketchSet: { size: 15, seed: 1 }, iterations: 200, seed: 3 },
      { sampling: "importance", batch: 3, sketch: sketch.randK(5), iterations: 300, seed: 3 },
    ] as MinimizeOptions[]) {
      const [ra, rb] = [await pa.minimize(o), await pb.minimize(o)];
      expect(sameBits(ra.x, rb.x)).toBe(true);
    }
  });
});
