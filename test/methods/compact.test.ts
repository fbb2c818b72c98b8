// Compact runs (src/methods/compact.ts): DSGD with the identity sketch on wide sparse data runs on the used columns,
// with the same bits as on all d coordinates: x, digest, trace, checkpoint bytes, lastIterate, best, resumes.
import { describe, it, expect } from "vitest";
import { sketch, type MinimizeOptions } from "../../dist/index.js";
import { mast, lcg, sameBits } from "../helpers.ts";

type Mast = Awaited<ReturnType<typeof mast>>;

/** n rows over `pool` columns of d (the last and fifth-last among them), `per` non-zeros a row. */
function wide(m: Mast, d: number, n: number, seed: number, pool = 200, per = 7) {
  const rnd = lcg(seed);
  const cols = Array.from({ length: pool }, () => Math.floor(rnd() * d));
  cols.push(d - 1, d - 5);
  const indptr = [0], indices: number[] = [], values: number[] = [], labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const row = new Set<number>();
    while (row.size < per) row.add(cols[Math.floor(rnd() * cols.length)]);
    for (const j of [...row].sort((a, b) => a - b)) { indices.push(j); values.push(rnd() - 0.3); }
    indptr.push(indices.length);
    labels.push(rnd() < 0.5 ? -1 : 1);
  }
  return m.data.csr({ indptr, indices, values, labels, cols: d });
}

const sameBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((v, i) => v === b[i]);

describe("compact runs", () => {
  const table: MinimizeOptions[] = [
    { batch: 1, iterations: 400, recordEvery: 100 },
    { batch: 8, iterations: 200, recordEvery: 50 },
    { batch: 1, iterations: 300, recordEvery: 100, average: false },
    { batch: "full", iterations: 20, recordEvery: 5 },
    { batch: 4, iterations: 150, recordEvery: 50, sampling: "importance" },
    { batch: 1, iterations: 200, recordEvery: 200, stepSize: 2, average: { from: 50 } },
  ];
  for (const d of [2 ** 16, 2 ** 16 + 3]) {
    for (const fitIntercept of [false, true]) {
      it(`d = ${d}${fitIntercept ? ", intercept" : ""}: the same bits as the run on all d coordinates, and resumes across the two`, async () => {
        const m = await mast();
        const A = wide(m, d, 300, d), B = wide(m, d, 120, d + 1);
        const shift = new Float64Array(d + (fitIntercept ? 1 : 0));
        shift[A.indices![3]] = 0.25;   // a shift on a used column
        shift[17] = -0.5;              // and on one no row uses (held by the twin, so x there moves with the ℓ2 term)
        const make = (compactRuns: boolean) => m.problem({ data: A, loss: "logistic", l2: 1e-3, fitIntercept, shift, compactRuns });
        const [on, off] = [make(true), make(false)];
        for (const o of table) {
          const opts = { ...o, seed: 5, keepBest: { data: B, metric: "accuracy" as const } };
          const [a, b] = [await on.minimize(opts), await off.minimize(opts)];
          expect(a.work.coordsTouched).toBeLessThan(b.work.coordsTouched);   // a did run compact
          expect(a.digest).toBe(b.digest);
          expect(sameBits(a.x, b.x)).toBe(true);
          expect(a.x.length).toBe(d + (fitIntercept ? 1 : 0));
          expect(a.trace.map((r) => [r.iteration, r.f, r.gradEvals, r.validation])).toEqual(b.trace.map((r) => [r.iteration, r.f, r.gradEvals, r.validation]));
          expect(sameBytes(a.checkpoint, b.checkpoint)).toBe(true);
          expect(a.stepSize).toBe(b.stepSize);
          if (a.lastIterate) expect(sameBits(a.lastIterate, b.lastIterate!)).toBe(true);
          expect(sameBits(a.best!.x, b.best!.x)).toBe(true);
          const more = { ...opts, iterations: 2 * (o.iterations as number) };
          const [ra, rb] = [await off.minimize({ ...more, resumeFrom: a.checkpoint }), await on.minimize({ ...more, resumeFrom: b.checkpoint })];
          expect(ra.digest).toBe(rb.digest);
          expect(sameBytes(ra.checkpoint, rb.checkpoint)).toBe(true);
        }
      });
    }
  }

  it("x_0 off the used columns, another sketch, narrow or dense data, compactRuns: false: the run stays on all d", async () => {
    const m = await mast();
    const d = 2 ** 16, A = wide(m, d, 200, 3);
    const p = m.problem({ data: A, l2: 1e-3 }), q = m.problem({ data: A, l2: 1e-3, compactRuns: false });
    expect(p.compactRuns).toBe(true);
    expect(q.compactRuns).toBe(false);
    const coords = async (o: MinimizeOptions) => [(await p.minimize({ seed: 1, iterations: 50, ...o })).work.coordsTouched, (await q.minimize({ seed: 1, iterations: 50, ...o })).work.coordsTouched];
    const [c1, c0] = await coords({ batch: 1 });
    expect(c1).toBeLessThan(c0 / 10);
    // x_0 non-zero on a column no row uses (and the shift is zero there): nothing to hold it, so all of d
    const x0 = new Float64Array(d);
    x0[A.indices![0] === 11 ? 12 : 11] = 1;
    const [e1, e0] = await coords({ batch: 1, x0 });
    expect(e1).toBe(e0);
    const [r1, r0] = await coords({ batch: 1, sketch: sketch.randK(64) });
    expect(r1).toBe(r0);
    // x_0 on used columns only: compact
    const x0u = new Float64Array(d);
    x0u[A.indices![5]] = 0.5;
    const [u1, u0] = await coords({ batch: 1, x0: x0u });
    expect(u1).toBeLessThan(u0 / 10);
    expect(m.problem({ data: wide(m, 4000, 100, 1, 50), l2: 1e-3 }).compactTwin()).toBeNull();   // d < 2^16
    expect(m.problem({ data: wide(m, d, 100, 1, 30000, 100), l2: 1e-3 }).compactTwin()).toBeNull();   // a layout of more than d/4
    expect(q.compactTwin()).toBeNull();
    expect(p.compactTwin()!.dimension).toBeLessThanOrEqual(d / 4);
    expect(() => m.problem({ data: A, compactRuns: 1 as never })).toThrow(/compactRuns must be true or false, got 1/);
  });

  it("a diverging compact run stops at the same step with the same last finite iterate, in d coordinates", async () => {
    const m = await mast();
    const d = 2 ** 16, A = wide(m, d, 100, 9);
    const errOf = async (compactRuns: boolean) => {
      try { await m.problem({ data: A, loss: "squared", l2: 1e-3, compactRuns }).minimize({ batch: 1, iterations: 3000, stepSize: 60, seed: 2, average: false }); return null; } catch (e) { return e as { step: number; lastIterate: Float64Array }; }
    };
    const [a, b] = [await errOf(true), await errOf(false)];
    expect(a).not.toBeNull();
    expect(a!.step).toBe(b!.step);
    expect(a!.lastIterate.length).toBe(d);
    expect(sameBits(a!.lastIterate, b!.lastIterate)).toBe(true);
  });
});
