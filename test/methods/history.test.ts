// A result is a function of its inputs alone: the same run gives the same digest on a fresh problem, on a reused one,
// and after other runs and calls that leave state in the kernel (minibatch rows, sketch caches, the lazy path, sets).
import { describe, it, expect } from "vitest";
import { sketch, type MinimizeOptions } from "../../dist/index.js";
import { mast, spd } from "../helpers.ts";

type Kind = "dense" | "csr" | "quadratic" | "model";

async function make(kind: Kind): Promise<any> {
  const m = await mast();
  if (kind === "quadratic") { const { A, b, v } = spd(6, 4); return m.quadratic({ A, b, shift: v }); }
  if (kind === "model") {
    const { A, b, v } = spd(6, 4);
    return m.model({
      dimension: 6, shift: v, smoothness: 4,
      valueAndGradient(y: Float64Array, g: Float64Array) {
        let f = 0;
        for (let i = 0; i < 6; i++) { let r = 0; for (let j = 0; j < 6; j++) r += A[i][j] * y[j]; g[i] = r - b[i]; f += 0.5 * y[i] * r - b[i] * y[i]; }
        return f;
      },
    });
  }
  const syn = m.data.synthetic({ rows: 120, cols: 6, density: 0.5, seed: 2 });
  const dense = new Float64Array(syn.rows * syn.cols);
  for (let i = 0; i < syn.rows; i++) for (let e = syn.indptr![i]; e < syn.indptr![i + 1]; e++) dense[i * syn.cols + syn.indices![e]] = syn.values[e];
  const data = kind === "csr" ? syn : m.data.dense(dense, { rows: syn.rows, cols: syn.cols, labels: syn.labels });
  return m.problem({ data, loss: "logistic", l2: 0.02, shift: [0.1, 0, -0.1, 0.2, 0, 0.05] });
}

/** Runs whose results must not depend on what ran before them, per problem kind. */
function runsFor(kind: Kind): [string, MinimizeOptions & Record<string, unknown>][] {
  const common: [string, MinimizeOptions][] = [
    ["dsgd full Rand-K", { sketch: sketch.randK(2), iterations: 200, stepSize: 0.1 }],
    ["dsgd full permutation", { sketch: sketch.permutation(3), iterations: 200, stepSize: 0.1 }],
    ["lsvrg full, drawn Rand-K set", { method: "lsvrg", sketch: sketch.randK(3), sketchSet: { size: 6, seed: 1 }, iterations: 300 }],
    ["svrg full, drawn Bernoulli set", { method: "svrg", sketch: sketch.bernoulli(0.5), sketchSet: { size: 6, seed: 1 }, iterations: 300 }],
    ["svrg full, identity", { method: "svrg", iterations: 300 }],
  ];
  if (kind === "quadratic" || kind === "model") return common;
  return [
    ...common,
    ["dsgd one row, identity (lazy on CSR)", { batch: 1, iterations: 500, stepSize: 0.2 }],
    ["dsgd one row, Rand-K", { sketch: sketch.randK(2), batch: 1, iterations: 500, stepSize: 0.2 }],
    ["dsgd minibatch 7, Rand-K", { sketch: sketch.randK(4), batch: 7, iterations: 300, stepSize: 0.2 }],
    ["dsgd importance, Bernoulli", { sketch: sketch.bernoulli(0.6), sampling: "importance", batch: 3, iterations: 300, stepSize: 0.1 }],
    ["lsvrg one row, Rand-K set", { method: "lsvrg", sketch: sketch.randK(3), sketchSet: { size: 6, seed: 1 }, batch: 1, iterations: 300 }],
    ["svrg minibatch 5, permutation set", { method: "svrg", sketch: sketch.permutation(2), sketchSet: { size: 4, seed: 2 }, batch: 5, iterations: 300 }],
    ["distributed IST, 3 nodes", { method: "distributed", nodes: 3, sketch: sketch.permutation(3), stepSize: 0.2, iterations: 60 } as never],
  ];
}

/** Other settings and calls that leave state behind in the kernel. */
async function disturb(p: any, kind: Kind): Promise<void> {
  const data = kind === "dense" || kind === "csr";
  const x = Array.from({ length: p.dimension }, (_, j) => 0.3 - 0.1 * j);
  await p.minimize({ method: "svrg", sketch: sketch.randK(2), sketchSet: { size: 3, seed: 9 }, iterations: 7, seed: 5, ...(data ? { batch: 64 } : {}) });
  await p.minimize({ sketch: sketch.permutation(2), iterations: 11, seed: 77, stepSize: 0.01 });
  if (data) {
    await p.minimize({ batch: 3, iterations: 13, seed: 8, stepSize: 0.01 });
    await p.minimize({ batch: 1, iterations: 9, seed: 8, stepSize: 0.01 });
    p.sketchedGradient(x, sketch.bernoulli(0.3), { step: 5, seed: 2, batch: 4 });
  }
  p.sketchedValue(x, sketch.permutation(3), { samples: 20, seed: 4, ...(kind === "quadratic" ? { exact: false } : {}) });
  p.constants(sketch.randK(2));
  p.value(x);
}

describe("history independence: run A, other runs, run A again — the same digest; fresh problem = reused problem", () => {
  for (const kind of ["dense", "csr", "quadratic", "model"] as Kind[]) {
    for (const [name, opts] of runsFor(kind)) {
      it(`${kind}: ${name}`, async () => {
        const p = await make(kind);
        const a = await p.minimize({ ...opts, seed: 3 });
        await disturb(p, kind);
        const again = await p.minimize({ ...opts, seed: 3 });
        const fresh = await (await make(kind)).minimize({ ...opts, seed: 3 });
        expect(again.digest).toBe(a.digest);
        expect(fresh.digest).toBe(a.digest);
        expect(again.trace.map((r: { f: number }) => r.f)).toEqual(a.trace.map((r: { f: number }) => r.f));
      });
    }
  }
});
