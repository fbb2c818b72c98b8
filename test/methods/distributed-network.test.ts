// Distributed DSGD and IST on networks (section 4.3): one node is single-machine DSGD bit for bit, threads change
// nothing, only a node's subnetwork travels, and the rules of the options.
import { describe, it, expect } from "vitest";
import { sketch, distributedConstants } from "../../dist/index.js";
import { mast } from "../helpers.ts";
import { blobs } from "../fixtures/blobs.ts";

describe("distributed runs on networks", () => {
  for (const [name, sk] of [
    ["dropout", sketch.bernoulli(0.5, { over: "units" })], ["Rand-K units", sketch.randK(3, { over: "units" })],
    ["DropConnect", sketch.randK(30)], ["no sketch", sketch.identity()],
  ] as const) {
    it(`one node, batch τ, ${name}: the same bits as single-machine DSGD`, async () => {
      const m = await mast();
      const { data } = blobs(m, 90, 5, 3, 3);
      const net = m.network({ data, hidden: [6, 5], l2: 1e-3 });
      const opts = { sketch: sk, stepSize: 0.15, iterations: 30, batch: 12, seed: 8 };
      const single = await net.minimize(opts);
      const one = await net.minimize({ method: "distributed", nodes: 1, ...opts });
      expect(one.digest).toBe(single.digest);
      expect(one.trace.map((r) => r.f)).toEqual(single.trace.map((r) => r.f));
    });
  }

  it("IST over units on 4 nodes: bit-identical on 0, 1 and 3 worker threads; each node gets only its subnetwork", async () => {
    const m = await mast();
    const { data } = blobs(m, 120, 6, 3, 4);
    const net = m.network({ data, hidden: [8, 8] });
    const runs = [];
    for (const workers of [0, 1, 3]) runs.push(await net.minimize({ method: "distributed", nodes: 4, workers, stepSize: 0.2, iterations: 40, batch: 10, recordEvery: 10 }));
    expect(new Set(runs.map((r) => r.digest)).size).toBe(1);
    expect(runs[0].trace.at(-1)!.f).toBeLessThan(runs[0].trace[0].f);
    // permutation(4) over units: 2 of each layer's 8 units a node; its support is their incoming rows and biases and
    // the output layer: 2·(6 + 1) + 2·(8 + 1) + 3·(8 + 1) parameters, 12 bytes each, out of d = 155
    const per = 2 * 7 + 2 * 9 + 3 * 9;
    expect(net.dimension).toBe(8 * 7 + 8 * 9 + 3 * 9);
    expect(Array.from(runs[0].communication.down)).toEqual(new Array(40).fill(4 * per * 12));
    expect(runs[0].work.rowsTouched).toBe(40 * 4 * 10);
  });

  it("whole shards (batch \"full\") and the convex network's theory step", async () => {
    const m = await mast();
    const { data } = blobs(m, 80, 4, 3, 5);
    const mlp = m.network({ data, hidden: [6] });
    const a = await mlp.minimize({ method: "distributed", nodes: 2, stepSize: 0.3, iterations: 25, batch: "full" });
    const b = await mlp.minimize({ method: "distributed", nodes: 2, workers: 2, stepSize: 0.3, iterations: 25, batch: "full" });
    expect(b.digest).toBe(a.digest);
    expect(a.trace.at(-1)!.f).toBeLessThan(a.trace[0].f);
    expect(a.work.rowsTouched).toBe(25 * 80);
    const soft = m.network({ data, l2: 0.01 });
    const c = distributedConstants(soft, { nodes: 2, iterations: 100 });
    expect(c.stepSize).toBeGreaterThan(0);
    const r = await soft.minimize({ method: "distributed", nodes: 2, iterations: 100, batch: "full" });
    expect(r.stepSize).toBe(c.stepSize);
    expect(r.trace.at(-1)!.f).toBeLessThan(r.trace[0].f);
  });

  it("refuses what it cannot do, with the reason", async () => {
    const m = await mast();
    const { data } = blobs(m, 60, 4, 3, 6);
    const net = m.network({ data, hidden: [6], maxBatch: 32 });
    await expect(net.minimize({ method: "distributed", nodes: 2, iterations: 3 })).rejects.toThrow(/non-convex/);
    await expect(net.minimize({ method: "distributed", nodes: 2, stepSize: 0.1, sketch: sketch.permutation(3, { over: "units" }) })).rejects.toThrow(/nodes = M = 2 .*every hidden layer's units.*got 3/);
    await expect(net.minimize({ method: "distributed", nodes: 7, stepSize: 0.1 })).rejects.toThrow(/nodes must be in 1\.\.6 \(the narrowest hidden layer\) for the default sketch\.permutation\(nodes, \{ over: "units" \}\) \(IST\); give another sketch for more nodes, got 7/);
    await expect(net.minimize({ method: "distributed", nodes: 2, stepSize: 0.1, batch: 33 })).rejects.toThrow(/batch.*33/);
    const lin = m.problem({ data: m.data.dense([1, 0, 0, 1], { rows: 2, cols: 2, labels: [1, -1] }) });
    await expect(lin.minimize({ method: "distributed", nodes: 2, batch: 1 })).rejects.toThrow(/batch must be "full" .* on a data problem/);
  });
});
