// Question 4 (L-SVRG): epochs per second of L-SVRG on the double-sketched finite sum, against DSGD on the same problem,
// and against the same L-SVRG written in plain JS (identity sketch, where it is the classical loopless SVRG). An
// "epoch" is n data-gradient evaluations, counted as the kernels count them (rowsTouched: 2 a step, n·b a refresh).
// Usage: node bench/lsvrg.mjs [--smoke]
import { readFileSync } from "node:fs";
import { init, sketch } from "../dist/index.js";
import { smoke, check, checkPositive, finish, makeBench, runRounds, statsOf, addRatios, writeResults, fmtNum, dataPath, existsSync } from "./_lib.mjs";

const NAME = "lsvrg";
const mast = await init();
const a9a = dataPath("libsvm/a9a.gz");
let data, dataset;
if (existsSync(a9a) && !smoke) {
  data = await mast.data.libsvm(readFileSync(a9a), { features: 123 });
  dataset = `a9a ${data.rows}×${data.cols}`;
} else {
  if (!smoke) console.log(`  [skip] a9a not found at ${a9a}: using synthetic data`);
  data = mast.data.synthetic({ rows: smoke ? 500 : 6414, cols: smoke ? 30 : 123, seed: 1 });
  dataset = `synthetic ${data.rows}×${data.cols}`;
}
const L2 = 1e-3;
const problem = mast.problem({ data, loss: "logistic", l2: L2 });
const n = data.rows, d = data.cols;
const STEPS = smoke ? 200 : 4 * n;
const cases = [];

// Plain JS L-SVRG, identity sketch, one row a step, full reference gradient with probability p = 1/n.
function jsLsvrg(steps, gamma, seed) {
  const ip = data.indptr, ix = data.indices, val = data.values, y = data.labels;
  const x = new Float64Array(d), w = new Float64Array(d), G = new Float64Array(d);
  let s = seed >>> 0 || 1;
  const rnd = () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s / 4294967296; };
  const dot = (i, z) => { let a = 0; for (let e = ip[i]; e < ip[i + 1]; e++) a += val[e] * z[ix[e]]; return a; };
  const dphi = (m, b) => -b / (1 + Math.exp(b * m));
  const refresh = () => {
    w.set(x); G.fill(0);
    for (let i = 0; i < n; i++) { const c = dphi(dot(i, w), y[i]); for (let e = ip[i]; e < ip[i + 1]; e++) G[ix[e]] += c * val[e]; }
    for (let j = 0; j < d; j++) G[j] = G[j] / n + L2 * w[j];
  };
  refresh();
  let evals = n;
  for (let t = 0; t < steps; t++) {
    const i = Math.floor(rnd() * n);
    const c = dphi(dot(i, x), y[i]) - dphi(dot(i, w), y[i]);
    for (let j = 0; j < d; j++) x[j] -= gamma * (G[j] + L2 * (x[j] - w[j]));
    for (let e = ip[i]; e < ip[i + 1]; e++) x[ix[e]] -= gamma * c * val[e];
    evals += 2;
    if (rnd() < 1 / n) { refresh(); evals += n; }
  }
  return { x, evals };
}

for (const [label, sk, N] of [["identity", sketch.identity(), 1], ["Rand-K K/d=0.5", sketch.randK(Math.round(d / 2)), 100]]) {
  const set = { size: N, seed: 1 };
  const vr = { method: "lsvrg", sketch: sk, sketchSet: set, batch: 1, refreshProbability: 1 / n, iterations: STEPS, recordEvery: STEPS, seed: 2 };
  const gamma = problem.constants(sk, { method: "lsvrg", sketchSet: set, batch: 1 }).stepSize;
  const runs = { ours: null, dsgd: null };
  const bench = makeBench();
  bench.add("L-SVRG (ours)", async () => { runs.ours = await problem.minimize(vr); });
  bench.add("DSGD (ours)", async () => { runs.dsgd = await problem.minimize({ sketch: sk, batch: 1, iterations: STEPS, recordEvery: STEPS, seed: 2, average: false }); });
  if (sk.kind === "identity") bench.add("L-SVRG plain JS", () => { runs.js = jsLsvrg(STEPS, gamma, 7); });
  const pooled = await runRounds(bench);
  const evalsOurs = runs.ours.trace.at(-1).gradEvals, evalsDsgd = runs.dsgd.trace.at(-1).gradEvals;
  check(evalsOurs >= 2 * STEPS, `L-SVRG counts at least 2 row gradients a step (${evalsOurs})`);
  check(runs.ours.x.every(Number.isFinite), "L-SVRG iterate is finite");
  const impls = {
    ours: statsOf(pooled.get("L-SVRG (ours)"), evalsOurs / n),
    dsgd: statsOf(pooled.get("DSGD (ours)"), evalsDsgd / n),
  };
  if (runs.js) {
    impls.js = statsOf(pooled.get("L-SVRG plain JS"), runs.js.evals / n);
    check(Math.abs(problem.value(runs.js.x) - runs.ours.trace.at(-1).f) < 0.05, "plain-JS and wasm L-SVRG reach similar f");
  }
  for (const [k, v] of Object.entries(impls)) checkPositive(v.opsPerSec, `${label} ${k} epochs/s`);
  const c = addRatios({ unit: "epochs/s", label: `${label}, ${dataset}, ${STEPS} steps, batch 1, p = 1/n${N > 1 ? `, set of N = ${N} (b = N)` : ""}`, impls }, "ours", Object.keys(impls).filter((k) => k !== "ours"));
  console.log(`  ${c.label}: L-SVRG ${fmtNum(impls.ours.opsPerSec)} epochs/s, DSGD ${fmtNum(impls.dsgd.opsPerSec)}${impls.js ? `, plain-JS L-SVRG ${fmtNum(impls.js.opsPerSec)}` : ""}`);
  cases.push(c);
}
writeResults(NAME, {
  title: "L-SVRG epochs per second (question 4)", dataset, cases,
  notes: [
    "An epoch is n data-gradient evaluations as the kernels count them: 2 rows a step, and b·n rows a refresh (b sketched full-data gradients), so with a sketch set the refreshes dominate the count.",
    "ours = L-SVRG on the double-sketched finite sum (method \"lsvrg\"); dsgd = DSGD with the same sketch; plain JS = loopless SVRG with the identity sketch in plain JS (xorshift, Math.exp).",
    "A VR step updates all d coordinates (x ← x − γ(G + S_j(g_x − g_w))). With an identity set member on CSR rows (the identity case here) the two sketched gradients and the update are one pass over d plus two walks of the row (identityCsrStep, the same bits as the general path); other members take the general path (two sketched gradients on the support, then the update). There is no lazy (just-in-time) update: with ℓ2 > 0 and the identity, g_x − g_w = λ(x − w) off the row, so every coordinate moves every step anyway.",
  ],
});
finish(NAME);
