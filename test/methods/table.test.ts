// One table: every method × batch × problem × sketch through the same optimality test, against optima computed
// independently in plain TypeScript (test/reference/finite-sum.ts). A cell either reaches its target or is refused
// with the documented error; a new method or problem kind is one more entry in the lists below.
import { describe, it, expect } from "vitest";
import { sketch, schedules, newton, type MinimizeOptions } from "../../dist/index.js";
import { mast, lcg, spd } from "../helpers.ts";
import { allRandK, dataObjective, finiteSumOptimum, quadraticObjective, type Smooth } from "../reference/finite-sum.ts";

const d = 5, n = 40, l2 = 0.05, K = 2;
const rnd = lcg(17);
const values = Float64Array.from({ length: n * d }, () => (rnd() < 0.3 ? 0 : Math.round((rnd() * 4 - 2) * 4) / 4));
const planted = [1, -0.5, 0.75, 0, -1];
const labels = Float64Array.from({ length: n }, (_, i) => {
  let m = 0;
  for (let j = 0; j < d; j++) m += values[i * d + j] * planted[j];
  return m + (rnd() - 0.5) >= 0 ? 1 : -1;
});
const v = [0.1, -0.2, 0.05, 0.3, -0.1];
const ones = Float64Array.from({ length: d }, () => 1);
const randKSet = allRandK(d, K);   // every 2-subset of 5: Rand-K's whole support, so f_fin = f_D

function csrArrays() {
  const indptr = [0], indices: number[] = [], vals: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) if (values[i * d + j] !== 0) { indices.push(j); vals.push(values[i * d + j]); }
    indptr.push(indices.length);
  }
  return { indptr, indices, values: vals, labels: Array.from(labels), cols: d };
}

type Kind = "dense" | "csr" | "quadratic" | "model";
const quad = spd(d, 3);

/** The problem of each kind, built fresh, and the smooth f behind it (for the reference optimum). */
async function build(kind: Kind): Promise<{ p: any; f: Smooth; shift: number[] }> {
  const m = await mast();
  const logistic = dataObjective(values, labels, n, d, "logistic", l2);
  if (kind === "dense") return { p: m.problem({ data: m.data.dense(values, { rows: n, cols: d, labels }), loss: "logistic", l2, shift: v }), f: logistic, shift: v };
  if (kind === "csr") return { p: m.problem({ data: m.data.csr(csrArrays()), loss: "logistic", l2, shift: v }), f: logistic, shift: v };
  if (kind === "quadratic") return { p: m.quadratic({ A: quad.A, b: quad.b, shift: quad.v }), f: quadraticObjective(quad.A, quad.b), shift: quad.v };
  // a user model: the same logistic regression, written in JS
  const L = 0.25 * 6 + l2;   // ≥ λ_max(AᵀA)/(4n) + λ for these entries (|a_ij| ≤ 2, d = 5: a loose but valid bound)
  return {
    p: m.model({
      dimension: d, shift: v, smoothness: L,
      valueAndGradient: (y, g) => { g.set(logistic.gradient(y)); return logistic.value(y); },
    }),
    f: logistic, shift: v,
  };
}

type Method = "dsgd" | "lsvrg" | "svrg" | "distributed";
type Batch = "full" | 8;
type SketchName = "identity" | "randK";

interface Cell { method: Method; batch: Batch; kind: Kind; sketch: SketchName }
/** What a cell must do: reach the target within `tol` (relative distance), or be refused with `refused`. */
type Outcome = { tol: number; opts: MinimizeOptions & Record<string, unknown> } | { refused: RegExp; opts: MinimizeOptions & Record<string, unknown> };

function outcome(c: Cell, theory: number): Outcome {
  const sk = c.sketch === "identity" ? sketch.identity() : sketch.randK(K);
  const batch = c.batch === "full" ? {} : { batch: c.batch };
  const data = c.kind === "dense" || c.kind === "csr";
  if (!data && c.batch !== "full") return { refused: /needs? a data problem/, opts: { method: c.method, sketch: sk, ...batch } as never };
  if (c.method === "distributed") {
    const opts = { method: "distributed", nodes: 2, workers: 0, sketch: sk, ...batch } as never;
    if (!data) return { refused: /needs a data problem/, opts };
    if (c.batch !== "full") return { refused: /batch must be "full"/, opts };
    // the two shards have 20 rows each, so (1/M) Σ f_i = f and the optimum is the single-machine one
    if (c.sketch === "identity") return { tol: 1e-9, opts: { ...(opts as object), stepSize: theory, iterations: 3000 } as never };
    return { tol: 2.5e-2, opts: { ...(opts as object), stepSize: schedules.inverseTime(theory / 8, 2000), iterations: 60_000 } as never };
  }
  if (c.method === "dsgd") {
    // GD converges to the optimum itself; stochastic steps (sparse sketch or τ rows) need a decreasing step
    if (c.sketch === "identity" && c.batch === "full") return { tol: 1e-9, opts: { method: "dsgd", sketch: sk, stepSize: theory, iterations: 3000 } };
    const both = c.sketch !== "identity" && c.batch !== "full";   // two sources of noise: more steps
    return { tol: 2.5e-2, opts: { method: "dsgd", sketch: sk, ...batch, stepSize: schedules.inverseTime(theory, 5000), iterations: both ? 1_000_000 : 300_000 } };
  }
  // L-SVRG / SVRG on the finite set with b = N: the exact finite-sum minimiser
  const set = c.sketch === "identity" ? [ones] : randKSet;
  return { tol: 1e-9, opts: { method: c.method, sketch: sk, sketchSet: set, ...batch, iterations: 12_000 } };
}

const cells: Cell[] = [];
for (const method of ["dsgd", "lsvrg", "svrg", "distributed"] as Method[])
  for (const batch of ["full", 8] as Batch[])
    for (const kind of ["dense", "csr", "quadratic", "model"] as Kind[])
      for (const sk of ["identity", "randK"] as SketchName[]) cells.push({ method, batch, kind, sketch: sk });

function relDist(x: ArrayLike<number>, y: ArrayLike<number>): number {
  let a = 0, b = 0;
  for (let i = 0; i < x.length; i++) { a += (x[i] - y[i]) ** 2; b += y[i] ** 2; }
  return Math.sqrt(a / b);
}

describe("the one table of methods: method × batch × problem × sketch, one optimality test", () => {
  const optimum = new Map<string, Float64Array>();
  const target = (kind: Kind, f: Smooth, shift: number[], s: SketchName) => {
    const key = `${kind === "csr" || kind === "model" ? "dense" : kind}/${s}`;   // csr, dense and the model share f
    if (!optimum.has(key)) optimum.set(key, finiteSumOptimum(f, s === "identity" ? [ones] : randKSet, shift));
    return optimum.get(key)!;
  };

  it("the reference optimum of the identity cells is the ERM optimum that newton() finds; x_D* is far from it", async () => {
    for (const kind of ["dense", "quadratic"] as Kind[]) {
      const { p, f, shift } = await build(kind);
      const ref = target(kind, f, shift, "identity");
      const erm = kind === "dense" ? newton(p, { tolerance: 1e-13 }).x : p.optimum();
      expect(relDist(erm, ref)).toBeLessThan(1e-12);
      // the loose tolerance of the stochastic cells still tells x_D* from x*
      expect(relDist(target(kind, f, shift, "randK"), ref)).toBeGreaterThan(0.1);
    }
  });

  for (const c of cells) {
    const name = `${c.method}, batch ${c.batch}, ${c.kind}, ${c.sketch}`;
    it(name, async () => {
      const { p, f, shift } = await build(c.kind);
      const dataLike = c.kind === "dense" || c.kind === "csr";
      const theory = p.constants(c.sketch === "identity" ? sketch.identity() : sketch.randK(K),
        dataLike && c.batch !== "full" && c.method === "dsgd" ? { batch: c.batch } : {}).stepSize;
      const o = outcome(c, theory);
      if ("refused" in o) {
        await expect(p.minimize({ ...o.opts, seed: 3 })).rejects.toThrow(o.refused);
        return;
      }
      const r = await p.minimize({ ...o.opts, seed: 3 });
      const x = target(c.kind, f, shift, c.sketch);
      const err = relDist(r.x, x);
      expect(err, `${name}: ‖x − x*‖/‖x*‖ = ${err}`).toBeLessThanOrEqual(o.tol);
      // and the start was not already there
      expect(relDist(shift, x)).toBeGreaterThan(10 * o.tol);
    });
  }
});
