// Property tests over the public API: random option objects, data shapes and values — typos, NaN, ±Infinity,
// fractions, null, huge and tiny numbers — and every call either succeeds with finite results or throws a TypeError,
// RangeError, DivergenceError or KernelError whose message names a parameter. Never a raw crash, a hang or runaway
// memory. A fixed seed runs in `npm test`; CI runs more cases (MAST_PROPERTY_RUNS).
import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { sketch, DivergenceError, KernelError } from "../dist/index.js";
import { mast, spd } from "./helpers.ts";

const RUNS = Number(process.env.MAST_PROPERTY_RUNS ?? 150);
const SEED = Number(process.env.MAST_PROPERTY_SEED ?? 20261203);

const OPTION_NAMES = ["method", "sketch", "stepSize", "iterations", "batch", "sampling", "probabilities", "seed", "x0", "sketchSet",
  "referenceBatch", "refreshProbability", "snapshotEvery", "tolerance", "gradientSamples", "timeLimitMs", "recordEvery", "onProgress", "resumeFrom"];
/** A message names a parameter when it names an option, a constructor argument, or (divergence) the step size to use. */
const NAMES_A_PARAMETER = new RegExp(`\\b(options\\.\\w+|${OPTION_NAMES.join("|")}|sketch\\.\\w+|k|p|p\\[\\d+\\]|nodes|values|labels|indices|indptr|cols|rows|init\\.\\w+|A|b|shift|l2|loss|maxMemory|data\\.\\w+|dimension|a problem on)\\b|diverged at step`);

const weird = fc.oneof(
  fc.constantFrom(NaN, Infinity, -Infinity, 0, -0, -1, 0.5, 1e300, 1e-300, 2 ** 53, -(2 ** 31), 3.7),
  fc.constant(null), fc.constant(undefined), fc.string({ maxLength: 6 }), fc.boolean(), fc.constant([]), fc.constant({}),
);
const smallInt = fc.integer({ min: 0, max: 40 });
const sketches = fc.oneof(
  fc.constantFrom(sketch.identity(), sketch.randK(2), sketch.bernoulli(0.5), sketch.permutation(2)),
  fc.record({ kind: fc.constantFrom("randK", "bernoulli", "permutation", "dropout"), k: weird, p: weird, nodes: weird }, { requiredKeys: ["kind"] }),
  weird,
);
/** Option values: mostly sensible, often not. */
const values: Record<string, fc.Arbitrary<unknown>> = {
  method: fc.oneof(fc.constantFrom("dsgd", "lsvrg", "svrg", "distributed", "sgd"), weird),
  sketch: sketches,
  stepSize: fc.oneof(fc.constantFrom(0.05, 0.2, "theory", "auto"), fc.double({ min: -10, max: 1e6, noNaN: false }), weird),
  iterations: fc.oneof(smallInt, weird),
  batch: fc.oneof(fc.constantFrom("full", 1, 4, 5), smallInt, weird),
  sampling: fc.oneof(fc.constantFrom("nice", "uniform", "importance", "independent", "stratified"), weird),
  probabilities: fc.oneof(fc.constant(new Array(12).fill(0.5)), fc.array(weird, { maxLength: 13 })),
  seed: fc.oneof(smallInt, weird),
  x0: fc.oneof(fc.array(fc.double({ min: -1e3, max: 1e3 }), { minLength: 6, maxLength: 6 }), fc.array(weird, { maxLength: 7 }), weird),
  sketchSet: fc.oneof(fc.record({ size: fc.oneof(fc.integer({ min: 1, max: 8 }), weird), seed: fc.oneof(smallInt, weird) }), weird),
  referenceBatch: fc.oneof(fc.integer({ min: 0, max: 10 }), weird),
  refreshProbability: fc.oneof(fc.double({ min: 0, max: 1.2 }), weird),
  snapshotEvery: fc.oneof(fc.integer({ min: 0, max: 10 }), weird),
  tolerance: fc.oneof(fc.constantFrom(1e-3, 1e-12), weird),
  gradientSamples: fc.oneof(fc.integer({ min: 0, max: 20 }), weird),
  timeLimitMs: fc.oneof(fc.constantFrom(50, 1), weird),
  recordEvery: fc.oneof(fc.integer({ min: 0, max: 20 }), weird),
  onProgress: fc.oneof(fc.constant(() => undefined), weird),
  resumeFrom: fc.oneof(fc.uint8Array({ maxLength: 40 }), weird),
  // typos of real options
  iteration: smallInt, stepsize: weird, bacth: smallInt, seeds: smallInt,
};
const optionObjects = fc.dictionary(fc.constantFrom(...Object.keys(values)), fc.constant(0), { maxKeys: 5 }).chain((keys) =>
  fc.record(Object.fromEntries(Object.keys(keys).map((k) => [k, values[k]])) as Record<string, fc.Arbitrary<unknown>>));

/** expectSound(run): the call's outcome is finite results or an allowed error naming a parameter. */
async function outcome(call: () => unknown): Promise<void> {
  let r: unknown;
  try {
    r = await call();
  } catch (e) {
    const ok = e instanceof TypeError || e instanceof RangeError || e instanceof DivergenceError || e instanceof KernelError;
    if (!ok) throw new Error(`a raw ${(e as Error)?.name ?? typeof e}: ${(e as Error)?.message ?? String(e)}`);
    if (!NAMES_A_PARAMETER.test((e as Error).message)) throw new Error(`an error that names no parameter: ${(e as Error).message}`);
    return;
  }
  const res = r as { x?: Float64Array; trace?: { f: number }[] };
  if (res && res.x) {
    if (!res.x.every(Number.isFinite)) throw new Error("a non-finite x in a result");
    if (!res.trace!.every((row) => Number.isFinite(row.f))) throw new Error("a non-finite f in a trace");
  }
}

describe(`property tests over the public API (${RUNS} cases each, seed ${SEED})`, () => {
  it("minimize with random options on data, quadratic and model problems", async () => {
    const m = await mast();
    const rss0 = process.memoryUsage().rss;
    const { A, b, v } = spd(6, 1);
    const problems = [
      m.problem({ data: m.data.synthetic({ rows: 12, cols: 6, density: 0.5, seed: 2 }), l2: 0.01 }),
      m.quadratic({ A, b, shift: v }),
      m.model({ dimension: 6, smoothness: 3, valueAndGradient: (y: Float64Array, g: Float64Array) => { let f = 0; for (let j = 0; j < 6; j++) { g[j] = y[j] - 1; f += 0.5 * (y[j] - 1) ** 2; } return f; } }),
    ];
    await fc.assert(fc.asyncProperty(fc.integer({ min: 0, max: 2 }), optionObjects, async (which, o) => {
      // keep runs short: the property is about inputs, not long runs
      const opts = { ...o } as Record<string, unknown>;
      if (typeof opts.iterations === "number" && Number.isSafeInteger(opts.iterations) && opts.iterations > 60) opts.iterations = 60;
      if (opts.iterations === undefined) opts.iterations = 30;
      await outcome(() => problems[which].minimize(opts as never));
    }), { numRuns: RUNS, seed: SEED });
    expect(process.memoryUsage().rss - rss0).toBeLessThan(1e9);
  });

  it("constants with random sketches and options", async () => {
    const m = await mast();
    const p = m.problem({ data: m.data.synthetic({ rows: 12, cols: 6, density: 0.5, seed: 2 }), l2: 0.01 });
    await fc.assert(fc.asyncProperty(sketches, optionObjects, async (s, o) => {
      const opts = { ...o } as Record<string, unknown>;
      delete opts.resumeFrom; delete opts.onProgress;
      await outcome(() => {
        const c = p.constants(s as never, opts as never);
        for (const k of ["L", "mu", "LD", "muD", "LSmax"] as const) if (!Number.isFinite(c[k])) throw new Error(`constants: ${k} = ${c[k]}`);
        return c;
      });
    }), { numRuns: RUNS, seed: SEED });
  });

  it("data constructors and problems with random shapes and values", async () => {
    const m = await mast();
    const num = fc.oneof(fc.double({ min: -5, max: 5 }), weird);
    await fc.assert(fc.asyncProperty(
      fc.record({ indptr: fc.oneof(fc.constant([0, 1, 3]), fc.array(num, { maxLength: 4 })), indices: fc.oneof(fc.constant([0, 0, 2]), fc.array(num, { maxLength: 4 })),
        values: fc.oneof(fc.constant([1, 2, 3]), fc.array(num, { maxLength: 4 })), labels: fc.oneof(fc.constant([1, -1]), fc.array(num, { maxLength: 3 })),
        cols: fc.oneof(fc.constant(3), num, fc.constant(3e8)) }, { requiredKeys: [] }),
      fc.record({ rows: fc.oneof(fc.constant(2), num), cols: fc.oneof(fc.constant(2), num), labels: fc.oneof(fc.constant([1, -1]), fc.array(num, { maxLength: 3 })) }, { requiredKeys: [] }),
      fc.array(num, { maxLength: 5 }),
      fc.oneof(fc.constant(undefined), fc.record({ loss: fc.oneof(fc.constantFrom("logistic", "squared", "hinge"), weird), l2: fc.oneof(fc.constant(0.1), num), maxMemory: fc.oneof(fc.constant(2 ** 24), num) }, { requiredKeys: [] })),
      async (c, dOpts, dValues, pOpts) => {
        await outcome(() => m.problem({ data: m.data.csr(c as never), ...(pOpts ?? {}) } as never).minimize({ iterations: 5, stepSize: 0.1 }));
        await outcome(() => m.problem({ data: m.data.dense(dValues as never, dOpts as never), ...(pOpts ?? {}) } as never).minimize({ iterations: 5, stepSize: 0.1, batch: 1 }));
      }), { numRuns: RUNS, seed: SEED });
  });
});
