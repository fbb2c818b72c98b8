// The cost of crossing the JS/wasm boundary per step for user-supplied models (mast.model): a DSGD step with a model
// whose callback does nothing (pure overhead: sample S, build y, call out, apply the step), against the same step
// with the model doing real work, and against the built-in wasm quadratic. Usage: node bench/model-boundary.mjs [--smoke]
import { init, sketch } from "../dist/index.js";
import { check, checkPositive, finish, makeBench, runRounds, statsOf, writeResults, smoke, fmtTime } from "./_lib.mjs";

const NAME = "model-boundary";
const mast = await init();
const STEPS = smoke ? 50 : 2000;
const cases = [];

for (const d of smoke ? [16] : [16, 128, 1024]) {
  for (const keep of [1, 0.1]) {
    const S = keep === 1 ? sketch.identity() : sketch.bernoulli(keep);
    // A diagonal quadratic: f(y) = ½ Σ a_j y_j² − y_j, as a model and as a built-in quadratic.
    const a = Float64Array.from({ length: d }, (_, j) => 1 + (j % 7) / 7);
    const empty = mast.model({ dimension: d, valueAndGradient: () => 0 });
    const model = mast.model({ dimension: d, valueAndGradient: (y, g) => { let f = 0; for (let j = 0; j < d; j++) { g[j] = a[j] * y[j] - 1; f += 0.5 * a[j] * y[j] * y[j] - y[j]; } return f; } });
    const A = new Float64Array(d * d); for (let j = 0; j < d; j++) A[j * d + j] = a[j];
    const q = mast.quadratic({ A, b: new Float64Array(d).fill(1) });
    const opts = { sketch: S, iterations: STEPS, stepSize: 0.1, recordEvery: STEPS, seed: 1, average: false };
    const [rm, rq] = [await model.minimize(opts), await q.minimize(opts)];
    let err = 0; for (let j = 0; j < d; j++) err = Math.max(err, Math.abs(rm.x[j] - rq.x[j]));
    check(err < 1e-12, `model and built-in quadratic agree (d = ${d}, keep ${keep}): max diff ${err}`);
    const bench = makeBench();
    bench.add("empty model", async () => { await empty.minimize(opts); });
    bench.add("JS model", async () => { await model.minimize(opts); });
    bench.add("wasm quadratic", async () => { await q.minimize(opts); });
    const pooled = await runRounds(bench);
    const impls = Object.fromEntries([...pooled].map(([k, v]) => [k, statsOf(v, STEPS)]));
    for (const [k, v] of Object.entries(impls)) checkPositive(v.opsPerSec, `${k} steps/s`);
    const c = { d, keep, impls, overheadUsPerStep: impls["empty model"].medianMs * 1000 };
    console.log(`  d = ${d}, keep ${keep}: empty model ${fmtTime(impls["empty model"].medianMs)}/step, JS model ${fmtTime(impls["JS model"].medianMs)}/step, wasm quadratic ${fmtTime(impls["wasm quadratic"].medianMs)}/step`);
    cases.push(c);
  }
}
writeResults(NAME, { question: "Per-step cost of the JS/wasm boundary for user models (DSGD steps)", steps: STEPS, cases });
finish(NAME);
