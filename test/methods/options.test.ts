// Options are checked once, at the door: bad settings are refused with a message that names them.
import { describe, it, expect } from "vitest";
import { sketch, schedules, type MinimizeOptions, type Sketch } from "../../dist/index.js";
import { mast, lcg, maxRelErr, sameBits, spd, quadraticModel } from "../helpers.ts";

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

describe("options that would do nothing, nulls and typos are refused", () => {
  it("sampling with batch \"full\", null as a value, typos in minimize and constants", async () => {
    const m = await mast();
    const p = m.problem({ data: m.data.synthetic({ rows: 30, cols: 6, seed: 1 }), l2: 0.1 });
    await expect(p.minimize({ sampling: "uniform", batch: "full" })).rejects.toThrow(/sampling "uniform" draws τ rows a step \(option II\) and goes with batch τ; batch "full" uses every row/);
    expect(() => p.constants(sketch.identity(), { sampling: "importance", batch: "full" })).toThrow(/goes with batch τ/);
    for (const key of ["method", "sketch", "stepSize", "iterations", "seed", "recordEvery"]) {
      await expect(p.minimize({ [key]: null } as any)).rejects.toThrow(new RegExp(`options\\.${key} must not be null: omit it to use the default`));
    }
    expect(() => m.problem({ data: p.data, l2: null } as any)).toThrow(/options\.l2 must not be null/);
    expect(() => m.problem({ data: p.data, loss: null } as any)).toThrow(/options\.loss must not be null/);
    expect(() => p.constants(null as any)).toThrow(/sketch must be a sketch spec, got null/);
    expect(() => p.constants(sketch.identity(), { bacth: 2 } as any)).toThrow(/options\.bacth is not a known option \(did you mean batch\?\)/);
    await expect(p.minimize({ iteration: 10 } as any)).rejects.toThrow(/options\.iteration is not a known option \(did you mean iterations\?\)/);
    expect(() => sketch.bernoulli(1e-200)).toThrow(/p must be at least 0\.000001/);
    expect(() => sketch.bernoulli([0.5, 1e-9])).toThrow(/p\[1\] must be at least 0\.000001/);
  });
});
