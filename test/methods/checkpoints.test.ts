// Checkpoints: a run resumed from any step reaches the digest of the uninterrupted run.
import { describe, it, expect } from "vitest";
import { sketch, schedules, type MinimizeOptions, type Sketch } from "../../dist/index.js";
import { mast, lcg, maxRelErr, sameBits, spd, quadraticModel } from "../helpers.ts";

const relDist = (x: ArrayLike<number>, y: ArrayLike<number>) => {
  let a = 0, c = 0; for (let i = 0; i < x.length; i++) { a += (x[i] - y[i]) ** 2; c += y[i] ** 2; }
  return Math.sqrt(a / c);
};

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
