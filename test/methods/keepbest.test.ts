// keepBest: the best validation score over the record points, without changing the run; resumes carry it.
import { describe, it, expect } from "vitest";
import { sketch } from "../../dist/index.js";
import { mast } from "../helpers.ts";
import { blobs } from "../fixtures/blobs.ts";

describe("keepBest", () => {
  it("data problem: the best record's point and score, the same run as without it, resumes keep the best", async () => {
    const m = await mast();
    const train = m.data.synthetic({ rows: 200, cols: 15, density: 0.4, seed: 1 });
    const valid = m.data.synthetic({ rows: 80, cols: 15, density: 0.4, seed: 2 });
    const p = m.problem({ data: train, l2: 1e-3 });
    const o = { sketch: sketch.randK(4), batch: 4, stepSize: 0.5, iterations: 600, recordEvery: 50, seed: 3 };
    const plain = await p.minimize(o);
    const r = await p.minimize({ ...o, keepBest: { data: valid } });
    expect(r.digest).toBe(plain.digest);
    const scores = r.trace.map((row) => row.validation!);
    expect(scores.every((s) => s >= 0 && s <= 1)).toBe(true);
    const bestScore = Math.max(...scores);
    expect(r.best!.score).toBe(bestScore);
    expect(r.best!.metric).toBe("accuracy");
    expect(r.best!.iteration).toBe(r.trace[scores.indexOf(bestScore)].iteration);
    // the point kept is the run's point at that record (the weighted average is the same for any T)
    const at = await p.minimize({ ...o, iterations: r.best!.iteration });
    expect(r.best!.x).toEqual(at.x);
    expect(p.accuracy(r.best!.x, valid)).toBe(bestScore);
    // loss: the lowest validation f
    const byLoss = await p.minimize({ ...o, keepBest: { data: valid, metric: "loss" } });
    expect(byLoss.best!.score).toBe(Math.min(...byLoss.trace.map((row) => row.validation!)));
    expect(byLoss.best!.score).toBe(p.value(byLoss.best!.x, valid));
    // resumed: the best so far comes along
    const first = await p.minimize({ ...o, iterations: 300, keepBest: { data: valid } });
    const rest = await p.minimize({ resumeFrom: first.checkpoint, iterations: 600, recordEvery: 50, keepBest: { data: valid } });
    expect(rest.best!.score).toBe(r.best!.score);
    expect(rest.best!.iteration).toBe(r.best!.iteration);
  });

  it("network: accuracy on the validation rows, and the run is unchanged", async () => {
    const m = await mast();
    const { data } = blobs(m, 150, 6, 3, 9);
    const { train, test } = data.split({ at: 110 });
    const net = m.network({ data: train, hidden: [8] });
    const o = { sketch: sketch.bernoulli(0.5, { over: "units" }), stepSize: 0.2, batch: 10, iterations: 200, recordEvery: 20 };
    const plain = await net.minimize(o);
    const r = await net.minimize({ ...o, keepBest: { data: test } });
    expect(r.digest).toBe(plain.digest);
    expect(r.best!.score).toBe(Math.max(...r.trace.map((row) => row.validation!)));
    expect(net.accuracy(r.best!.x, test)).toBe(r.best!.score);
    expect(net.value(r.x)).toBe(r.trace.at(-1)!.f);   // the training data are back in place
  });

  it("is refused where it cannot score, naming the option", async () => {
    const m = await mast();
    const q = m.quadratic({ A: [[1, 0], [0, 1]], b: [1, 1] });
    await expect(q.minimize({ keepBest: { data: m.data.synthetic({ rows: 5, cols: 2, seed: 1 }) } })).rejects.toThrow(/keepBest needs a data problem or a network/);
    const p = m.problem({ data: m.data.synthetic({ rows: 20, cols: 4, seed: 1 }) });
    await expect(p.minimize({ keepBest: { data: [1] as never } })).rejects.toThrow(/keepBest\.data must be a Dataset/);
    await expect(p.minimize({ keepBest: { data: m.data.synthetic({ rows: 5, cols: 4, seed: 2 }), metric: "auc" as never } })).rejects.toThrow(/keepBest\.metric.*auc/);
    await expect(p.minimize({ keepBest: { data: m.data.synthetic({ rows: 5, cols: 3, seed: 2 }) }, iterations: 3 })).rejects.toThrow(/must have 4 columns/);
  });
});

describe("warnings", () => {
  it("a given step more than 10× the theory step is noted in the result, with the theory step; a sane one is not", async () => {
    const m = await mast();
    const p = m.problem({ data: m.data.synthetic({ rows: 40, cols: 6, seed: 4 }), l2: 0.01 });
    const theory = p.constants().stepSize;
    const far = await p.minimize({ stepSize: 50 * theory, iterations: 5 });
    expect(far.warnings![0]).toMatch(new RegExp(`is 50\\.0× the theory step ${theory.toPrecision(4).replace(".", "\\.")}`));
    expect((await p.minimize({ stepSize: 2 * theory, iterations: 5 })).warnings).toBeUndefined();
  });
});
