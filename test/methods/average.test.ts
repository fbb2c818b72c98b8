// Iterate averaging (assembly/average.ts, src/methods/run.ts): the lazy per-coordinate sums equal the plain weighted
// mean of the iterates on every path, resumes keep the bits, "auto" averages exactly the stochastic DSGD runs, and
// on a9a the defaults reach ERM-level test accuracy.
import { describe, it, expect } from "vitest";
import { readFileSync } from "node:fs";
import { sketch, schedules, newton, type MinimizeOptions, type Mast } from "../../dist/index.js";
import { mast, lcg, dataFile, quadraticModel, spd } from "../helpers.ts";

type Averaged = NonNullable<MinimizeOptions["average"]>;

/** The plain weighted mean of x_{t_a+1} … x_T, from the iterates of runs of every length (average: false). */
async function reference(p: { minimize(o: MinimizeOptions): Promise<{ x: Float64Array }> }, o: MinimizeOptions, T: number, tA: number, linear: boolean): Promise<Float64Array> {
  let sum: Float64Array | null = null, W = 0;
  for (let t = tA; t < T; t++) {
    const x = (await p.minimize({ ...o, average: false, iterations: t + 1 })).x;
    const w = linear ? t + 1 : 1;
    sum ??= new Float64Array(x.length);
    for (let j = 0; j < x.length; j++) sum[j] += w * x[j];
    W += w;
  }
  return sum!.map((s) => s / W);
}

const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol: number) => {
  let err = 0, big = 0;
  for (let i = 0; i < a.length; i++) { err = Math.max(err, Math.abs(a[i] - b[i])); big = Math.max(big, Math.abs(b[i])); }
  return err <= tol * Math.max(1, big);
};

function denseData(m: Mast, n: number, d: number, seed: number) {
  const rnd = lcg(seed);
  const rows = Array.from({ length: n * d }, () => (rnd() < 0.3 ? 0 : rnd() * 2 - 1));
  return m.data.dense(rows, { rows: n, cols: d, labels: Array.from({ length: n }, () => (rnd() < 0.5 ? -1 : 1)) });
}

describe("averaging: the lazy sums are the weighted mean of the iterates", () => {
  const cases: [string, (m: Mast) => { minimize(o: MinimizeOptions): Promise<{ x: Float64Array }> }, MinimizeOptions][] = [
    ["CSR, one row, Rand-K (the fused CSR step)", (m) => m.problem({ data: m.data.synthetic({ rows: 60, cols: 30, density: 0.2, seed: 1 }), l2: 0.01 }), { sketch: sketch.randK(6), batch: 1, stepSize: 0.3 }],
    ["CSR, one row, identity (the lazy path, averaging in B mode)", (m) => m.problem({ data: m.data.synthetic({ rows: 60, cols: 30, density: 0.2, seed: 2 }), l2: 0.05 }), { batch: 1, stepSize: 0.3 }],
    ["dense, one row, Bernoulli (the fused dense step)", (m) => m.problem({ data: denseData(m, 40, 12, 3), l2: 0.01 }), { sketch: sketch.bernoulli(0.5), batch: 1, stepSize: 0.2 }],
    ["dense, minibatch, permutation, a schedule (the general path)", (m) => m.problem({ data: denseData(m, 40, 12, 4), loss: "squared", l2: 0.01 }), { sketch: sketch.permutation(3), batch: 5, stepSize: schedules.inverseTime(0.2, 10) }],
    ["quadratic, Rand-K", (m) => { const { A, b, v } = spd(7, 5); return m.quadratic({ A, b, shift: v }); }, { sketch: sketch.randK(3), stepSize: 0.05 }],
    ["user model, Rand-K (the host loop)", (m) => { const { A, b, v } = spd(6, 6); return quadraticModel(m, A, b, v); }, { sketch: sketch.randK(2), stepSize: 0.05 }],
    ["L-SVRG, set of Rand-K (every step dense)", (m) => m.problem({ data: denseData(m, 30, 8, 7), l2: 0.01 }), { method: "lsvrg", sketch: sketch.randK(3), sketchSet: { size: 5, seed: 1 }, batch: 4, stepSize: 0.1 }],
  ];
  for (const [name, make, o] of cases) {
    for (const [average, tA, linear] of [["weighted", 0, true], ["all", 0, false], [{ from: 9 }, 9, false]] as [Averaged, number, boolean][]) {
      it(`${name}, average ${JSON.stringify(average)}`, async () => {
        const m = await mast();
        const p = make(m);
        const T = 23, opts = { ...o, seed: 4 };
        const r = await p.minimize({ ...opts, average, iterations: T, recordEvery: 7 }) as Awaited<ReturnType<typeof p.minimize>> & { lastIterate: Float64Array; averagedFrom: number | null; trace: { f: number }[] };
        expect(close(r.x, await reference(p, opts, T, tA, linear), 1e-12)).toBe(true);
        // the same iterates as without averaging (bit for bit; on the lazy path to rounding, as the eager one's)
        const plain = (await p.minimize({ ...opts, average: false, iterations: T })).x;
        if (name.includes("lazy path")) expect(close(r.lastIterate, plain, 1e-12)).toBe(true);
        else expect(r.lastIterate).toEqual(plain);
        expect(r.averagedFrom).toBe(tA);
        expect(r.x).not.toEqual(r.lastIterate);
      });
    }
  }
});

describe("averaging: runs, resumes and options", () => {
  it("resumes keep the bits for every kind of average, including across t_a and through the lazy path", async () => {
    const m = await mast();
    const p = m.problem({ data: m.data.synthetic({ rows: 80, cols: 20, density: 0.3, seed: 5 }), l2: 0.02 });
    for (const average of ["weighted", "all", { from: 50 }] as Averaged[]) {
      for (const o of [{ batch: 1 }, { sketch: sketch.randK(4), batch: 3 }] as MinimizeOptions[]) {
        const whole = await p.minimize({ ...o, average, iterations: 200, seed: 2 });
        for (const cut of [30, 120]) {
          const first = await p.minimize({ ...o, average, iterations: cut, seed: 2 });
          const rest = await p.minimize({ resumeFrom: first.checkpoint, iterations: 200 });
          expect(rest.digest).toBe(whole.digest);
        }
      }
    }
    // "tail" fixes t_a = ⌊T/2⌋ at the first call: a resumed run keeps it, and equals { from: t_a } uninterrupted
    const first = await p.minimize({ sketch: sketch.randK(4), batch: 3, average: "tail", iterations: 60, seed: 2 });
    const rest = await p.minimize({ resumeFrom: first.checkpoint, iterations: 200 });
    expect(rest.averagedFrom).toBe(30);
    expect(rest.digest).toBe((await p.minimize({ sketch: sketch.randK(4), batch: 3, average: { from: 30 }, iterations: 200, seed: 2 })).digest);
  });

  it("CSR problems read x̄ without the kernel's read-out buffer: the same bits as avgRead, and f(x̄) as value(x̄)", async () => {
    const m = await mast();
    const p = m.problem({ data: m.data.synthetic({ rows: 80, cols: 40, density: 0.2, seed: 12 }), l2: 0.03 });
    const k = (p as any).kernel, d = 40;
    for (const o of [{ sketch: sketch.randK(7), batch: 1 }, { batch: 1 }, { batch: 3 }, { sketch: sketch.bernoulli(0.5), batch: 2 }] as MinimizeOptions[]) {
      for (const average of ["weighted", "all", { from: 25 }] as Averaged[]) {
        const r = await p.minimize({ ...o, average, iterations: 77, recordEvery: 77, stepSize: 0.4, seed: 5 });
        // the run's averaging state is still in the kernel: avgRead forms x̄ from it as before
        k.ex.avgRead((p as any).buffers.x, 77, (p as any).buffers.g);
        expect(Buffer.from(r.x.buffer).equals(Buffer.from(k.f64((p as any).buffers.g, d).slice().buffer))).toBe(true);
        expect(r.trace[r.trace.length - 1].f).toBe(p.value(r.x));
      }
    }
  });

  it("lastIterate, read back from the checkpoint on first access, is the run's x_T even after later runs on the problem", async () => {
    const m = await mast();
    const p = m.problem({ data: m.data.synthetic({ rows: 60, cols: 25, density: 0.3, seed: 8 }), l2: 0.01 });
    for (const o of [{ sketch: sketch.randK(5), batch: 1 }, { batch: 1 }, { batch: 4 }] as MinimizeOptions[]) {
      const a = await p.minimize({ ...o, iterations: 90, seed: 3 });
      await p.minimize({ ...o, iterations: 40, seed: 9 });   // the kernel's x is now another run's
      const plain = (await p.minimize({ ...o, iterations: 90, seed: 3, average: false })).x;
      expect(Object.keys(a)).toContain("lastIterate");
      expect(a.lastIterate).toEqual(plain);
      expect(a.lastIterate).toBe(a.lastIterate);   // made once
      const spread = { ...a };
      expect(spread.lastIterate).toEqual(plain);
      a.lastIterate = Float64Array.of(1);          // an ordinary property once assigned
      expect(a.lastIterate).toEqual(Float64Array.of(1));
    }
    // a checkpoint changed before lastIterate is read is refused by name, not read as x_T
    const b = await p.minimize({ sketch: sketch.randK(5), batch: 1, iterations: 50, seed: 4 });
    b.checkpoint[b.checkpoint.length - 40] ^= 1;
    expect(() => b.lastIterate).toThrow(/lastIterate is read from the result's checkpoint, which is no longer valid: its SHA-256 does not match/);
  });

  it("the trace reports f at the average once averaging has started, and the last row is f(x)", async () => {
    const m = await mast();
    const p = m.problem({ data: m.data.synthetic({ rows: 50, cols: 10, density: 0.5, seed: 6 }), l2: 0.01 });
    const r = await p.minimize({ sketch: sketch.randK(3), batch: 2, iterations: 100, recordEvery: 25, average: { from: 40 } });
    expect(r.trace.at(-1)!.f).toBe(p.value(r.x));
    const at25 = await p.minimize({ sketch: sketch.randK(3), batch: 2, iterations: 25, average: false });
    expect(r.trace[1].f).toBe(p.value(at25.x));   // t = 25 ≤ t_a: the iterate itself
  });

  it('"auto" averages stochastic DSGD only: not the identity on all rows, not L-SVRG or SVRG, not networks', async () => {
    const m = await mast();
    const p = m.problem({ data: m.data.synthetic({ rows: 40, cols: 8, density: 0.5, seed: 7 }), l2: 0.01 });
    expect((await p.minimize({ sketch: sketch.randK(3), iterations: 20 })).averagedFrom).toBe(0);
    expect((await p.minimize({ batch: 4, iterations: 20 })).averagedFrom).toBe(0);
    const gd = await p.minimize({ iterations: 20 });
    expect(gd.averagedFrom).toBeUndefined();
    expect(gd.x).toEqual((await p.minimize({ iterations: 20, average: false })).x);
    expect((await p.minimize({ method: "lsvrg", sketch: sketch.randK(3), sketchSet: { size: 4, seed: 0 }, iterations: 20 })).averagedFrom).toBeUndefined();
  });

  it("bad values are refused, naming average", async () => {
    const m = await mast();
    const p = m.problem({ data: m.data.synthetic({ rows: 20, cols: 5, density: 0.5, seed: 8 }) });
    await expect(p.minimize({ average: "last" as never })).rejects.toThrow(/average must be true, false, "auto", "weighted", "all", "tail" or \{ from: t \}, got "last"/);
    await expect(p.minimize({ average: { from: -1 } })).rejects.toThrow(/average\.from.*-1/);
    await expect(p.minimize({ average: { start: 3 } as never })).rejects.toThrow(/average\.start is not a known option/);
    const net = m.network({ data: m.data.dense([0, 1, 1, 0], { rows: 2, cols: 2, labels: [0, 1] }) });
    await expect(net.minimize({ stepSize: 0.1, batch: 2, average: true })).rejects.toThrow(/average is not available on a network/);
  });
});

describe("averaging: a9a with the defaults (real data)", () => {
  const train = dataFile("libsvm/a9a.gz"), test = dataFile("libsvm/a9a.t.gz");
  it.skipIf(!train || !test)("identity, one row a step, three epochs: test accuracy within 0.5 point of Newton's; so do minibatches, L-SVRG and SVRG; Rand-K q = 0.5 reaches f_D within 1% of a long run's", async () => {
    const m = await mast();
    const tr = await m.data.libsvm(readFileSync(train!)), te = await m.data.libsvm(readFileSync(test!), { features: tr.cols });
    const p = m.problem({ data: tr, l2: 1e-4 }), q = m.problem({ data: te, l2: 1e-4 });
    const n = tr.rows, erm = q.accuracy(newton(p, {}).x);
    const runs: [string, MinimizeOptions][] = [
      ["DSGD, one row", { batch: 1, iterations: 3 * n }],
      ["DSGD, 16 rows", { batch: 16, iterations: Math.ceil(3 * n / 16) }],
      ["L-SVRG, one row", { method: "lsvrg", sketchSet: { size: 1, seed: 0 }, refreshProbability: 1 / n, batch: 1, iterations: 3 * n }],
      ["SVRG, one row", { method: "svrg", sketchSet: { size: 1, seed: 0 }, snapshotEvery: n, batch: 1, iterations: 3 * n }],
    ];
    const lines = [`Newton ${(100 * erm).toFixed(2)}%`];
    for (const [name, o] of runs) {
      const acc = q.accuracy((await p.minimize(o)).x);
      lines.push(`${name} ${(100 * acc).toFixed(2)}%`);
      expect(acc, name).toBeGreaterThanOrEqual(erm - 0.005);
    }
    const noAverage = q.accuracy((await p.minimize({ batch: 1, iterations: 3 * n, average: false })).x);
    lines.push(`DSGD one row without averaging ${(100 * noAverage).toFixed(2)}%`);
    const S = sketch.randK(62);
    const short = await p.minimize({ sketch: S, batch: 1, iterations: 3 * n });
    const long = await p.minimize({ sketch: S, batch: 1, iterations: 30 * n });
    const fa = p.sketchedValue(short.x, S, { samples: 2000, seed: 5 }).mean, fb = p.sketchedValue(long.x, S, { samples: 2000, seed: 5 }).mean;
    lines.push(`Rand-K 62 of 123: f_D after 3 epochs ${fa.toFixed(5)}, after 30 ${fb.toFixed(5)}`);
    console.log(`a9a.t test accuracy, defaults, 3 epochs: ${lines.join("; ")}`);
    expect(Math.abs(fa - fb) / fb).toBeLessThan(0.01);
  });
});
