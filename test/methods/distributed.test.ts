// Distributed DSGD / IST (paper section 4.3) on real threads: the IST identity, bit-identity across thread counts,
// failures that leave no thread running, convergence to the section 4.3 neighbourhood, and the bytes on the wire.
import { describe, it, expect } from "vitest";
import { sketch, type Problem } from "../../dist/index.js";
import { mast, lcg, rawKernels, maxRelErr, sameBits } from "../helpers.ts";
import { refGradient, squared } from "../reference/kernels.ts";

/** The distributed result (problem.minimize is typed as the DSGD result). */
type Run = Awaited<ReturnType<Problem["minimize"]>> & {
  trace: { iteration: number; f: number; bytesDown: number; bytesUp: number; denseBytes: number }[];
  communication: {
    entryBytes: number; down: Float64Array; up: Float64Array; densePerRound: number;
    perNode: { down: Float64Array; up: Float64Array };
    totals: { down: number; up: number; dense: number; downRatio: number; upRatio: number };
  };
  nodes: number; workers: number; threads: string;
  constants?: { Dmax: number; stepSize: number; convexStepSize: number; L: number[]; LD: number[]; LSmax: number[]; rows: number[];
    startCoefficient: number; errorTerm: { coefficient: number } };
};
const run = (p: Problem, o: Record<string, unknown>): Promise<Run> => p.minimize({ method: "distributed", ...o } as never) as Promise<Run>;

/** Dense rows with entries in [−1, 1) and labels b = A x* (+ noise). */
function denseLs(n: number, d: number, seed: number, noise = 0) {
  const rnd = lcg(seed);
  const rows = Array.from({ length: n }, () => Array.from({ length: d }, () => 2 * rnd() - 1));
  const xs = Array.from({ length: d }, () => 2 * rnd() - 1);
  const labels = rows.map((a) => a.reduce((s, aj, j) => s + aj * xs[j], 0) + noise * (2 * rnd() - 1));
  return { rows, labels, xs };
}

/** The supports of round t under sketch.permutation(M): block i of the round's permutation, from the raw kernels. */
function permutationBlocks(d: number, M: number, seed: number, t: number): number[][] {
  const ex = rawKernels();
  ex.sketchWorkspace(d);
  ex.sketchConfigure(4, M, 1, 0);
  ex.setSeed(seed % 2 ** 32, Math.floor(seed / 2 ** 32));
  ex.setSketchStream(0);
  const out: number[][] = [];
  for (let i = 0; i < M; i++) {
    const m = ex.sketchBlock(t, i);
    out.push(Array.from(new Int32Array(ex.memory.buffer, ex.supportPtr(), m)));
  }
  return out;
}

const shardRange = (i: number, n: number, M: number) => [Math.floor((i * n) / M), Math.floor(((i + 1) * n) / M)];

describe("distributed DSGD: IST identity (v = 0, permutation sketches)", () => {
  for (const [n, d, M] of [[60, 10, 4], [45, 12, 3], [30, 7, 2]] as const) {
    it(`n = ${n}, d = ${d}, M = ${M}: one round equals (1/M) Σ_i S_i(x − γ∇f_i(S_i x)) to 1e-12`, async () => {
      const m = await mast();
      const ref = denseLs(n, d, 11 + d);
      const l2 = 0.05, gamma = 0.07, seed = 9;
      const p = m.problem({ data: m.data.dense(ref.rows.flat(), { rows: n, cols: d, labels: ref.labels }), loss: "squared", l2 });
      const rnd = lcg(3);
      const x0 = Array.from({ length: d }, () => 2 * rnd() - 1);
      const r = await run(p, { nodes: M, iterations: 1, stepSize: gamma, seed, x0 });
      const blocks = permutationBlocks(d, M, seed, 0);
      // the blocks partition the coordinates
      expect(blocks.flat().sort((a, b) => a - b)).toEqual([...Array(d).keys()]);
      const want = new Array(d).fill(0);
      for (let i = 0; i < M; i++) {
        const [lo, hi] = shardRange(i, n, M);
        const shard = { rows: ref.rows.slice(lo, hi), labels: ref.labels.slice(lo, hi) };
        const Sx = new Array(d).fill(0);
        for (const j of blocks[i]) Sx[j] = M * x0[j];
        const g = refGradient(shard, squared, l2, Sx);
        // S_i(x − γ∇f_i(S_i x)), then (1/M) Σ_i
        for (const j of blocks[i]) want[j] += (M * (x0[j] - gamma * g[j])) / M;
      }
      expect(maxRelErr(r.x, want)).toBeLessThan(1e-12);
      expect(maxRelErr(r.x, x0)).toBeGreaterThan(1e-3);
    });
  }

  it("trace f is (1/M) Σ f_i = f when the shards are equal; gradEvals counts every shard's rows per round", async () => {
    const m = await mast();
    const ref = denseLs(80, 6, 5);
    const p = m.problem({ data: m.data.dense(ref.rows.flat(), { rows: 80, cols: 6, labels: ref.labels }), loss: "squared", l2: 0.01 });
    const r = await run(p, { nodes: 4, iterations: 10, stepSize: 0.05, recordEvery: 5 });
    expect(r.trace.map((row) => row.iteration)).toEqual([0, 5, 10]);
    expect(Math.abs(r.trace[0].f - p.value(new Float64Array(6)))).toBeLessThan(1e-12 * Math.abs(r.trace[0].f));
    expect(Math.abs(r.trace[2].f - p.value(r.x))).toBeLessThan(1e-12 * Math.abs(r.trace[2].f));
    expect(r.trace[2].gradEvals).toBe(10 * 80);
    expect(r.work.rowsTouched).toBe(800);
  });
});

describe("distributed DSGD: the same bits on 0, 1, 2 and 4 worker threads", () => {
  const cases: { name: string; make: (m: Awaited<ReturnType<typeof mast>>) => { p: Problem; o: Record<string, unknown> } }[] = [
    {
      name: "IST: sketch.permutation(4), CSR logistic, shift v ≠ 0",
      make: (m) => {
        const data = m.data.synthetic({ rows: 1200, cols: 50, density: 0.2, seed: 2 });
        const p = m.problem({ data, loss: "logistic", l2: 1e-3, shift: Array.from({ length: 50 }, (_, j) => ((j % 5) - 2) * 0.05) });
        return { p, o: { nodes: 4, iterations: 60, stepSize: 0.5, seed: 21 } };
      },
    },
    {
      name: "independent Rand-K(12) sketches, 3 uneven shards, dense squared loss",
      make: (m) => {
        const ref = denseLs(301, 30, 8, 0.1);
        const p = m.problem({ data: m.data.dense(ref.rows.flat(), { rows: 301, cols: 30, labels: ref.labels }), loss: "squared", l2: 1e-2 });
        return { p, o: { nodes: 3, sketch: sketch.randK(12), iterations: 60, stepSize: 0.01, seed: 5 } };
      },
    },
    {
      name: "heterogeneous nodes: own shards and sketches (Rand-K, Bernoulli, per-coordinate Bernoulli, identity, permutation)",
      make: (m) => {
        const all = m.data.synthetic({ rows: 1500, cols: 40, density: 0.25, seed: 6 });
        const rows = (lo: number, hi: number) => Array.from({ length: hi - lo }, (_, r) => lo + r);
        const nodes = [
          { data: all.subset(rows(0, 700)), sketch: sketch.randK(30) },
          { data: all.subset(rows(700, 900)), sketch: sketch.bernoulli(0.2) },
          { data: all.subset(rows(900, 1000)), sketch: sketch.bernoulli(Array.from({ length: 40 }, (_, j) => 0.1 + j / 50)) },
          { data: all.subset(rows(1000, 1400)), sketch: sketch.identity() },
          { data: all.subset(rows(1400, 1500)), sketch: sketch.permutation(5) },
        ];
        return { p: m.problem({ data: all, loss: "logistic", l2: 1e-3 }), o: { nodes, iterations: 50, stepSize: 0.3, seed: 77 } };
      },
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const m = await mast();
      const { p, o } = c.make(m);
      const runs: Run[] = [];
      for (const workers of [0, 1, 2, 4]) runs.push(await run(p, { ...o, workers }));
      expect(runs.map((r) => r.threads)).toEqual(["none", "worker_threads", "worker_threads", "worker_threads"]);
      expect(runs.map((r) => r.workers)).toEqual([0, 1, 2, Math.min(4, runs[0].nodes)]);
      for (const r of runs.slice(1)) {
        expect(r.digest).toBe(runs[0].digest);
        expect(sameBits(r.x, runs[0].x)).toBe(true);
        expect(r.trace.map((t) => t.f)).toEqual(runs[0].trace.map((t) => t.f));
        expect(Array.from(r.communication.down)).toEqual(Array.from(runs[0].communication.down));
        expect(Array.from(r.communication.up)).toEqual(Array.from(runs[0].communication.up));
      }
      expect(runs[0].trace.at(-1)!.f).toBeLessThan(runs[0].trace[0].f);
      // another seed gives other bits
      const other = await run(p, { ...o, workers: 0, seed: (o.seed as number) + 1 });
      expect(other.digest).not.toBe(runs[0].digest);
    });
  }

  it("the SIMD and scalar builds give the same digest on threads", async () => {
    const digests: string[] = [];
    for (const build of ["simd", "scalar"] as const) {
      const m = await mast(build);
      const data = m.data.synthetic({ rows: 600, cols: 30, density: 0.3, seed: 1 });
      const p = m.problem({ data, loss: "logistic", l2: 1e-3 });
      digests.push((await run(p, { nodes: 3, workers: 2, iterations: 40, stepSize: 0.5, seed: 4 })).digest);
    }
    expect(digests[1]).toBe(digests[0]);
  });
});

describe("distributed DSGD: failures", () => {
  const setup = async () => {
    const m = await mast();
    const data = m.data.synthetic({ rows: 800, cols: 30, density: 0.3, seed: 3 });
    return m.problem({ data, loss: "logistic", l2: 1e-3 });
  };
  const cases = [
    { mode: "throw", workers: 2, node: 3, round: 17, message: /^distributed run failed at round 17: node 3 \(worker 1\) threw: injected failure/ },
    { mode: "crash", workers: 2, node: 2, round: 7, message: /^distributed run failed at round 7: nodes 0, 2 \(worker 0\) lost: the worker thread died with an uncaught error: injected crash/ },
    { mode: "exit", workers: 4, node: 1, round: 5, message: /^distributed run failed at round 5: node 1 \(worker 1\) lost: the worker thread exited with code 1/ },
    { mode: "throw", workers: 0, node: 1, round: 3, message: /^distributed run failed at round 3: node 1 \(coordinator thread\) threw: injected failure/ },
  ] as const;
  for (const c of cases) {
    it(`${c.mode} in node ${c.node} at round ${c.round} with ${c.workers} workers: a clear error, and no thread left running`, async () => {
      const p = await setup();
      let err: any = null;
      try {
        await run(p, { nodes: 4, workers: c.workers, iterations: 30, stepSize: 0.5, failAt: { node: c.node, round: c.round, mode: c.mode } });
      } catch (e) { err = e; }
      expect(err).not.toBeNull();
      expect(err.name).toBe("DistributedError");
      expect(err.message).toMatch(c.message);
      expect(err.round).toBe(c.round);
      expect(err.nodes).toContain(c.node);
      const handles = err.handles as { threadId: number }[];
      expect(handles.length).toBe(c.workers === 0 ? 0 : Math.min(c.workers, 4));
      // Node sets threadId to −1 once a worker thread has stopped
      for (const h of handles) expect(h.threadId).toBe(-1);
      // the problem is still usable, and a failure at a round after the run's end changes nothing
      const ok = await run(p, { nodes: 4, workers: c.workers, iterations: 10, stepSize: 0.5, failAt: { node: c.node, round: 10 } });
      const ref = await run(p, { nodes: 4, workers: 0, iterations: 10, stepSize: 0.5 });
      expect(ok.digest).toBe(ref.digest);
    });
  }

  it("a callback that throws stops the run and terminates the workers", async () => {
    const p = await setup();
    await expect(run(p, { nodes: 2, workers: 2, iterations: 20, recordEvery: 5, stepSize: 0.5, onProgress: (r: { iteration: number }) => { if (r.iteration === 10) throw new Error("stop here"); } }))
      .rejects.toThrow("stop here");
    const r = await run(p, { nodes: 2, workers: 2, iterations: 20, recordEvery: 5, stepSize: 0.5, onProgress: (row: { iteration: number }) => row.iteration < 10 });
    expect(r.stoppedBy).toBe("callback");
    expect(r.iterations).toBe(10);
  });

  it("a step size that makes x non-finite throws DivergenceError before the bad step", async () => {
    const m = await mast();
    const ref = denseLs(40, 6, 2);
    const p = m.problem({ data: m.data.dense(ref.rows.flat().map((v) => v * 1e3), { rows: 40, cols: 6, labels: ref.labels }), loss: "squared" });
    const err: any = await run(p, { nodes: 2, workers: 1, iterations: 400, stepSize: 1e6 }).catch((e) => e);
    expect(err.name).toBe("DivergenceError");
    expect(err.message).toMatch(/^distributed diverged at step \d+/);
    expect(Array.from(err.lastIterate as Float64Array).every(Number.isFinite)).toBe(true);
  });
});

describe("distributed DSGD: convergence to the section 4.3 neighbourhood", () => {
  it("least squares split over 4 nodes (IST, theory step 1/√(D_max T)): ‖∇f_D‖² falls below the bound 6Δ₀/(γT) + 2γ D_max (f_D^inf − (1/M)Σ f_i^inf)", async () => {
    const m = await mast();
    const n = 400, d = 8, M = 4, l2 = 0.05, T = 3000;
    const ref = denseLs(n, d, 31, 0.2);
    const p = m.problem({ data: m.data.dense(ref.rows.flat(), { rows: n, cols: d, labels: ref.labels }), loss: "squared", l2 });
    // f_i(x) = ½ xᵀH_i x − g_iᵀx + c_i over shard i; f = (1/M) Σ f_i.
    const H = Array.from({ length: M }, () => new Float64Array(d * d));
    const g = Array.from({ length: M }, () => new Float64Array(d));
    const c = new Float64Array(M);
    for (let i = 0; i < M; i++) {
      const [lo, hi] = shardRange(i, n, M);
      for (let r = lo; r < hi; r++) {
        const a = ref.rows[r], b = ref.labels[r];
        for (let j = 0; j < d; j++) { g[i][j] += (a[j] * b) / (hi - lo); for (let k = 0; k < d; k++) H[i][j * d + k] += (a[j] * a[k]) / (hi - lo); }
        c[i] += (b * b) / (2 * (hi - lo));
      }
      for (let j = 0; j < d; j++) H[i][j * d + j] += l2;
    }
    const Hbar = new Float64Array(d * d), gbar = new Float64Array(d);
    for (let i = 0; i < M; i++) { H[i].forEach((h, q) => { Hbar[q] += h / M; }); g[i].forEach((v, j) => { gbar[j] += v / M; }); }
    const cbar = c.reduce((s, v) => s + v, 0) / M;
    // f_i^inf = c_i − ½ g_iᵀ H_i⁻¹ g_i (through the library's exact quadratic solver)
    const fInfMean = H.map((Hi, i) => {
      const q = m.quadratic({ A: Hi, b: g[i] });
      return q.value(q.optimum()) + c[i];
    }).reduce((s, v) => s + v, 0) / M;
    // Every node's sketch is a block of sketch.permutation(4): the same marginal D, so
    // f_D(x) = ½ xᵀ E[S H̄ S] x − ḡᵀx + c̄ (exact, through the quadratic's closed form).
    const S = sketch.permutation(M);
    const qbar = m.quadratic({ A: Hbar, b: gbar });
    const qD = m.quadratic({ A: qbar.expectedSAS(S), b: gbar });
    const fD = (x: ArrayLike<number>) => qbar.sketchedValue(x, S).mean + cbar;
    const xDstar = qbar.sketchedOptimum(S);
    const fDinf = fD(xDstar);
    const gap = fDinf - fInfMean;
    expect(gap).toBeGreaterThan(0);          // no interpolation here: the neighbourhood is real
    const gradSq = (x: ArrayLike<number>) => qD.gradient(x).reduce((s, v) => s + v * v, 0);

    const x0 = new Float64Array(d);
    const runs: Run[] = [];
    for (const seed of [1, 2, 3, 4, 5]) runs.push(await run(p, { nodes: M, workers: seed % 2 ? 0 : 2, iterations: T, seed, recordEvery: T }));
    const C = runs[0].constants!;
    // per-node L_{f_i} = λ_max(H_i), L_{D_i} = M, L_{S_i}^max = M², D_max = max L_i² L_D L_S^max, γ = 1/√(D_max T)
    for (let i = 0; i < M; i++) {
      let u = new Float64Array(d).fill(1), lam = 0;
      for (let it = 0; it < 500; it++) {
        const w = new Float64Array(d);
        for (let j = 0; j < d; j++) for (let k = 0; k < d; k++) w[j] += H[i][j * d + k] * u[k];
        lam = Math.sqrt(w.reduce((s, v) => s + v * v, 0));
        u = w.map((v) => v / lam);
      }
      expect(Math.abs(C.L[i] - lam) / lam).toBeLessThan(1e-7);      // power iteration stops at a relative change ≤ 1e-9
      expect(C.LD[i]).toBe(M);
      expect(C.LSmax[i]).toBe(M * M);
    }
    expect(C.rows).toEqual([100, 100, 100, 100]);
    const Dmax = Math.max(...C.L.map((L) => L * L * M * M * M));
    expect(Math.abs(C.Dmax - Dmax) / Dmax).toBeLessThan(1e-14);
    const gamma = 1 / Math.sqrt(Dmax * T);
    expect(Math.abs(runs[0].stepSize - gamma) / gamma).toBeLessThan(1e-14);
    expect(Math.abs(C.convexStepSize - 1 / Math.max(...C.L.map((L) => L * M * M))) * Math.max(...C.L) * M * M).toBeLessThan(1e-12);

    const start = gradSq(x0);
    const bound = (6 * (fD(x0) - fDinf)) / (gamma * T) + 2 * gamma * Dmax * gap;
    expect(Math.abs(C.startCoefficient * (fD(x0) - fDinf) + C.errorTerm.coefficient * gap - bound) / bound).toBeLessThan(1e-12);
    const finals = runs.map((r) => gradSq(r.x));
    const mean = finals.reduce((s, v) => s + v, 0) / finals.length;
    expect(bound).toBeLessThan(start);       // the bound says something
    expect(mean).toBeLessThan(bound);        // E‖∇f_D(x_T)‖² (5 seeds) inside the predicted neighbourhood
    expect(mean).toBeLessThan(1e-2 * start); // and much closer than the start
    // f_D gap shrinks accordingly
    for (const r of runs) expect(fD(r.x) - fDinf).toBeLessThan(1e-2 * (fD(x0) - fDinf));
  });
});

describe("distributed DSGD: bytes on the wire", () => {
  it("permutation sketches, v = 0: coordinator→node i sends 12·nnz(x on block i) bytes a round, never more than dense", async () => {
    const m = await mast();
    const n = 120, d = 21, M = 4, seed = 13;
    const ref = denseLs(n, d, 4);
    const p = m.problem({ data: m.data.dense(ref.rows.flat(), { rows: n, cols: d, labels: ref.labels }), loss: "squared", l2: 0.01 });
    const rnd = lcg(8);
    const x0 = Array.from({ length: d }, (_, j) => (j % 3 === 0 ? 0 : 2 * rnd() - 1));
    const one = await run(p, { nodes: M, iterations: 1, stepSize: 0.05, seed, x0 });
    const blocks = permutationBlocks(d, M, seed, 0);
    for (let i = 0; i < M; i++) {
      const nnz = blocks[i].filter((j) => x0[j] !== 0).length;
      expect(one.communication.perNode.down[i]).toBe(12 * nnz);
      expect(one.communication.perNode.up[i]).toBeLessThanOrEqual(12 * blocks[i].length);
    }
    const nnzAll = x0.filter((v) => v !== 0).length;
    expect(one.communication.down[0]).toBe(12 * nnzAll);
    expect(one.communication.densePerRound).toBe(M * d * 8);
    expect(one.communication.down[0]).toBeLessThanOrEqual(one.communication.densePerRound);
    // round 1 sends 12·nnz(x_1)
    const two = await run(p, { nodes: M, iterations: 2, stepSize: 0.05, seed, x0, workers: 2 });
    expect(two.communication.down[1]).toBe(12 * Array.from(one.x).filter((v) => v !== 0).length);
    // per-round arrays, totals and the cumulative trace columns agree
    const r = await run(p, { nodes: M, iterations: 25, stepSize: 0.05, seed, x0, recordEvery: 5 });
    const sum = (a: Float64Array) => a.reduce((s, v) => s + v, 0);
    expect(r.communication.totals.down).toBe(sum(r.communication.down));
    expect(r.communication.totals.up).toBe(sum(r.communication.up));
    expect(r.communication.totals.dense).toBe(25 * M * d * 8);
    expect(r.trace.at(-1)!.bytesDown).toBe(r.communication.totals.down);
    expect(r.trace.at(-1)!.bytesUp).toBe(r.communication.totals.up);
    expect(r.trace.at(-1)!.denseBytes).toBe(r.communication.totals.dense);
    for (let t = 0; t < 25; t++) {
      expect(r.communication.down[t]).toBeLessThanOrEqual(12 * d);   // the blocks partition: ≤ one entry per coordinate
      expect(r.communication.up[t]).toBeLessThanOrEqual(12 * d);
    }
    expect(r.communication.totals.downRatio).toBeLessThan(12 / (8 * M) + 1e-12);
  });

  it("Rand-K(K) on M nodes sends at most 12·K entries per node each way", async () => {
    const m = await mast();
    const data = m.data.synthetic({ rows: 300, cols: 50, density: 0.3, seed: 9 });
    const p = m.problem({ data, loss: "logistic", l2: 1e-3 });
    const r = await run(p, { nodes: 3, sketch: sketch.randK(5), iterations: 30, stepSize: 0.3, x0: new Float64Array(50).fill(0.1) });
    for (let t = 0; t < 30; t++) {
      expect(r.communication.down[t]).toBe(3 * 5 * 12);   // x ≠ v on every coordinate: every support entry is sent
      expect(r.communication.up[t]).toBeLessThanOrEqual(3 * 5 * 12);
    }
  });
});

describe("distributed DSGD: options are checked", () => {
  it("bad options throw TypeError/RangeError naming the parameter and the value", async () => {
    const m = await mast();
    const data = m.data.synthetic({ rows: 50, cols: 8, density: 0.4, seed: 1 });
    const p = m.problem({ data, loss: "logistic" });
    const other = m.data.synthetic({ rows: 20, cols: 9, density: 0.4, seed: 2 });
    const real = m.data.dense([1, 2, 3, 4, 5, 6, 7, 8], { rows: 1, cols: 8, labels: [0.5] });
    const bad: [Record<string, unknown>, RegExp][] = [
      [{}, /^nodes must be an integer M ≥ 1 or a non-empty array/],
      [{ nodes: 0 }, /^nodes must be in 1\.\.50, got 0/],
      [{ nodes: 51 }, /^nodes must be in 1\.\.50, got 51/],
      [{ nodes: 9 }, /^nodes must be in 1\.\.8 \(the dimension\) for the default sketch\.permutation/],
      [{ nodes: 2.5 }, /^nodes must be an integer, got 2\.5/],
      [{ nodes: "4" }, /^nodes must be an integer M ≥ 1 or a non-empty array of \{ data, sketch \}, got "4"/],
      [{ nodes: [] }, /^nodes must be .* got an empty array/],
      [{ nodes: [{ data: other }] }, /^nodes\[0\]\.data must have 8 columns \(the problem's dimension\), got 9/],
      [{ nodes: [{ data: data }, { data: [1, 2] }] }, /^nodes\[1\]\.data must be a Dataset/],
      [{ nodes: [{ data: data }, { data: real }] }, /^nodes\[1\]\.data: loss "logistic" needs labels/],
      [{ nodes: [{ data: data, sketch: sketch.randK(9) }] }, /^nodes\[0\]\.sketch: nodes\[0\]\.sketch\.k \(K\) must be in 1\.\.8/],
      [{ nodes: [{ data: data, extra: 1 }] }, /^nodes\[0\]\.extra is not a known option/],
      [{ nodes: 2, sketch: sketch.permutation(3) }, /^sketch: a permutation sketch must have nodes = M = 2/],
      [{ nodes: 2, workers: -1 }, /^workers must be in 0\.\.64, got -1/],
      [{ nodes: 2, workers: 65 }, /^workers must be in 0\.\.64, got 65/],
      [{ nodes: 2, workers: "2" }, /^workers must be an integer, got "2"/],
      [{ nodes: 2, batch: 5 }, /^batch must be "full" for method "distributed"/],
      [{ nodes: 2, stepSize: -1 }, /^stepSize must be a positive finite number, got -1/],
      [{ nodes: 2, stepSize: "fast" }, /^stepSize must be a positive number, "theory" or a function/],
      [{ nodes: 2, iterations: -3 }, /^iterations must be in 0\.\./],
      [{ nodes: 2, x0: [1, 2] }, /^x0 must have length 8, got length 2/],
      [{ nodes: 2, recordEvery: 0 }, /^recordEvery must be in 1\.\./],
      [{ nodes: 2, onProgress: 3 }, /^onProgress must be a function, got 3/],
      [{ nodes: 2, failAt: { node: 2, round: 1 } }, /^failAt\.node must be in 0\.\.1, got 2/],
      [{ nodes: 2, failAt: { node: 0, round: 1, mode: "boom" } }, /^failAt\.mode must be one of "throw", "crash", "exit", got "boom"/],
      [{ nodes: 2, tolerance: 1 }, /^options\.tolerance is not a known option/],
    ];
    for (const [o, msg] of bad) {
      const e: any = await run(p, o).then(() => null, (x) => x);
      expect(e, JSON.stringify(Object.keys(o))).toBeInstanceOf(Error);
      expect(e.name === "TypeError" || e.name === "RangeError", e.message).toBe(true);
      expect(e.message).toMatch(msg);
    }
    // quadratics have no shards
    const q = m.quadratic({ A: [[2, 0], [0, 1]], b: [1, 1] });
    await expect(q.minimize({ method: "distributed", nodes: 2 } as never)).rejects.toThrow(/needs a data problem/);
  });

  it("T = 0 returns x_0 with one trace row and no communication; workers > M uses M threads", async () => {
    const m = await mast();
    const data = m.data.synthetic({ rows: 50, cols: 8, density: 0.4, seed: 1 });
    const p = m.problem({ data, loss: "logistic" });
    const x0 = Array.from({ length: 8 }, (_, j) => j / 10);
    const r = await run(p, { nodes: 2, iterations: 0, x0, workers: 3, stepSize: 0.1 });
    expect(Array.from(r.x)).toEqual(x0);
    expect(r.trace.length).toBe(1);
    expect(r.communication.down.length).toBe(0);
    expect(r.workers).toBe(2);
  });
});


describe("distributed DSGD: checkpoints and resuming", () => {
  const setup = async () => {
    const m = await mast();
    const data = m.data.synthetic({ rows: 600, cols: 24, density: 0.3, seed: 12 });
    return { m, data, p: m.problem({ data, loss: "logistic", l2: 1e-3, shift: Array.from({ length: 24 }, (_, j) => ((j % 4) - 1.5) * 0.03) }) };
  };

  it("a result's checkpoint resumes to the uninterrupted digest, on 0 or 2 threads, with the communication counts", async () => {
    const { p } = await setup();
    const o = { nodes: 4, iterations: 60, stepSize: 0.4, seed: 8, recordEvery: 10 };
    const whole = await run(p, { ...o, workers: 0 });
    const first = await run(p, { ...o, iterations: 23, workers: 2 });
    expect(first.checkpoint.length).toBeGreaterThan(0);
    expect(first.digest).not.toBe(whole.digest);
    for (const workers of [0, 2]) {
      const rest = await run(p, { nodes: 4, workers, resumeFrom: first.checkpoint, iterations: 60 });
      expect(rest.digest).toBe(whole.digest);
      expect(rest.iterations).toBe(60);
      expect(rest.trace[0].iteration).toBe(23);
      expect(rest.trace.at(-1)!.f).toBe(whole.trace.at(-1)!.f);
      expect(Array.from(rest.communication.down)).toEqual(Array.from(whole.communication.down));
      expect(Array.from(rest.communication.up)).toEqual(Array.from(whole.communication.up));
      expect(Array.from(rest.communication.perNode.down)).toEqual(Array.from(whole.communication.perNode.down));
      expect(rest.communication.totals).toEqual(whole.communication.totals);
      expect(rest.trace.at(-1)!.bytesDown).toBe(whole.trace.at(-1)!.bytesDown);
      expect(rest.work.rowsTouched).toBe(37 * 600);
    }
    // nodes may be omitted (M comes from the checkpoint); the run's own settings may be given again
    expect((await run(p, { resumeFrom: first.checkpoint, iterations: 60 })).digest).toBe(whole.digest);
    expect((await run(p, { ...o, resumeFrom: first.checkpoint })).digest).toBe(whole.digest);
    // resuming at T does nothing; a checkpoint of a checkpoint resumes too
    const end = await run(p, { resumeFrom: whole.checkpoint, iterations: 60 });
    expect(end.digest).toBe(whole.digest);
    const mid = await run(p, { resumeFrom: first.checkpoint, iterations: 41 });
    expect((await run(p, { resumeFrom: mid.checkpoint, iterations: 60, workers: 1 })).digest).toBe(whole.digest);
  });

  it("the theory step (γ depends on T) and a schedule resume exactly; nodes with data of their own must be given again", async () => {
    const { m, data, p } = await setup();
    const theory = { nodes: 3, iterations: 50, seed: 2 };
    const whole = await run(p, theory);
    const err: any = await run(p, { ...theory, workers: 2, failAt: { node: 1, round: 19 } }).catch((e) => e);
    expect(err.name).toBe("DistributedError");
    expect(err.round).toBe(19);
    const rest = await run(p, { ...theory, resumeFrom: err.checkpoint });
    expect(rest.digest).toBe(whole.digest);
    expect(rest.stepSize).toBe(whole.stepSize);
    expect(rest.trace[0].iteration).toBe(19);
    // a run continued past its T keeps the γ = 1/√(D_max·T) it started with
    const short = await run(p, { ...theory, iterations: 20 });
    expect(short.stepSize).toBeGreaterThan(whole.stepSize);
    const longer = await run(p, { resumeFrom: short.checkpoint, iterations: 50 });
    expect(longer.stepSize).toBe(short.stepSize);
    expect(longer.digest).toBe((await run(p, { ...theory, stepSize: short.stepSize })).digest);
    const sched = (t: number) => 0.5 / (1 + t / 20);
    const sw = await run(p, { nodes: 2, iterations: 40, stepSize: sched, seed: 4 });
    const sh = await run(p, { nodes: 2, iterations: 15, stepSize: sched, seed: 4 });
    expect((await run(p, { nodes: 2, iterations: 40, stepSize: sched, resumeFrom: sh.checkpoint })).digest).toBe(sw.digest);
    await expect(run(p, { nodes: 2, iterations: 40, resumeFrom: sh.checkpoint })).rejects.toThrow(/^stepSize must be given again as the same function/);
    // heterogeneous nodes: the checkpoint names the shards by fingerprint
    const rows = (lo: number, hi: number) => Array.from({ length: hi - lo }, (_, r) => lo + r);
    const nodes = [{ data: data.subset(rows(0, 250)), sketch: sketch.randK(10) }, { data: data.subset(rows(250, 600)), sketch: sketch.bernoulli(0.3) }];
    const hw = await run(p, { nodes, iterations: 30, stepSize: 0.3, seed: 6 });
    const hh = await run(p, { nodes, iterations: 11, stepSize: 0.3, seed: 6, workers: 2 });
    expect((await run(p, { nodes, resumeFrom: hh.checkpoint, iterations: 30 })).digest).toBe(hw.digest);
    await expect(run(p, { resumeFrom: hh.checkpoint, iterations: 30 })).rejects.toThrow(/^nodes must be given again to resume a run whose nodes had data of their own/);
    const swapped = [{ data: data.subset(rows(0, 250)), sketch: sketch.randK(10) }, { data: data.subset(rows(250, 599)), sketch: sketch.bernoulli(0.3) }];
    await expect(run(p, { nodes: swapped, resumeFrom: hh.checkpoint, iterations: 30 })).rejects.toThrow(/^nodes differ from the checkpoint's/);
    const other = [nodes[0], { data: nodes[1].data, sketch: sketch.bernoulli(0.4) }];
    await expect(run(p, { nodes: other, resumeFrom: hh.checkpoint, iterations: 30 })).rejects.toThrow(/^nodes differ from the checkpoint's/);
    // a checkpoint of another problem, another M, other settings, or a single-machine run is refused
    const q = m.problem({ data, loss: "logistic", l2: 2e-3 });
    await expect(run(q, { resumeFrom: sh.checkpoint, iterations: 40, stepSize: sched })).rejects.toThrow(/^resumeFrom is a checkpoint of a different problem/);
    await expect(run(p, { nodes: 3, resumeFrom: sh.checkpoint, iterations: 40, stepSize: sched })).rejects.toThrow(/^nodes differ from the checkpoint's \(M = 3, the checkpoint's M = 2\)/);
    await expect(run(p, { nodes: 2, sketch: sketch.randK(4), resumeFrom: sh.checkpoint, iterations: 40, stepSize: sched })).rejects.toThrow(/^nodes differ/);
    const fixed = await run(p, { nodes: 2, iterations: 10, stepSize: 0.3, seed: 4 });
    await expect(run(p, { resumeFrom: fixed.checkpoint, iterations: 20, seed: 5 })).rejects.toThrow(/^seed differs from the checkpoint's setting \(4\)/);
    await expect(run(p, { resumeFrom: fixed.checkpoint, iterations: 20, stepSize: 0.2 })).rejects.toThrow(/^stepSize differs from the checkpoint's setting \(0\.3\)/);
    await expect(run(p, { resumeFrom: fixed.checkpoint, iterations: 20, stepSize: "theory" })).rejects.toThrow(/^stepSize differs/);
    await expect(run(p, { resumeFrom: fixed.checkpoint, iterations: 5 })).rejects.toThrow(/^iterations must be in 10\.\./);
    await expect(run(p, { resumeFrom: fixed.checkpoint, iterations: 20, x0: new Float64Array(24) })).rejects.toThrow(/^x0 cannot be given when resuming/);
    const single = await p.minimize({ iterations: 5, stepSize: 0.1 });
    await expect(run(p, { nodes: 2, resumeFrom: single.checkpoint, iterations: 20 })).rejects.toThrow(/^resumeFrom is a checkpoint of a single-machine run/);
    await expect(p.minimize({ resumeFrom: fixed.checkpoint, iterations: 20 })).rejects.toThrow(/^resumeFrom is a checkpoint of a distributed run; resume it with method "distributed"/);
    const flipped = fixed.checkpoint.slice();
    flipped[flipped.length >> 1] ^= 4;
    await expect(run(p, { nodes: 2, resumeFrom: flipped, iterations: 20 })).rejects.toThrow(/^resumeFrom is not a valid mast-wasm checkpoint: its SHA-256 does not match/);
  });

  it("a failed round leaves the state of the last completed round: the error's checkpoint resumes to the uninterrupted digest", async () => {
    const { p } = await setup();
    const o = { nodes: 4, iterations: 40, stepSize: 0.4, seed: 3, recordEvery: 8 };
    const whole = await run(p, o);
    for (const [workers, mode, round] of [[0, "throw", 0], [2, "throw", 13], [2, "crash", 16], [4, "exit", 39]] as const) {
      const err: any = await run(p, { ...o, workers, failAt: { node: 2, round, mode } }).catch((e) => e);
      expect(err.name, `${workers} ${mode}`).toBe("DistributedError");
      expect(err.round).toBe(round);
      expect(err.checkpoint).toBeInstanceOf(Uint8Array);
      const rest = await run(p, { ...o, workers, resumeFrom: err.checkpoint });
      expect(rest.trace[0].iteration).toBe(round);
      expect(rest.digest, `${workers} ${mode} at ${round}`).toBe(whole.digest);
      expect(Array.from(rest.communication.perNode.down)).toEqual(Array.from(whole.communication.perNode.down));
    }
    // a failure at set-up of a fresh run has nothing to save; when resuming, the error hands the checkpoint back
    const big = await setup();
    const tiny = big.m.problem({ data: big.data, loss: "logistic", l2: 1e-3, maxMemory: 2 ** 20 });
    const huge = big.m.data.synthetic({ rows: 60000, cols: 24, density: 0.5, seed: 1 });
    const e1: any = await run(tiny, { nodes: [{ data: big.data }, { data: huge }], iterations: 5, stepSize: 0.1 }).catch((e) => e);
    expect(e1.name).toBe("DistributedError");
    expect(e1.round).toBe(null);
    expect(e1.checkpoint).toBe(null);
  });
});
