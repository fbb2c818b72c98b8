// [scale] part 2: a real high-dimensional benchmark. a9a with all pairwise feature crosses hashed into 2^20 and 2^24
// buckets (mast.data.hashedCrosses: MurmurHash3 x86_32 of u32le(j) ‖ u32le(k), seed 0; originals as (j, j); rows
// scaled to unit ℓ2 norm), ~103 non-zeros a row; logistic regression, λ = 1e-4, no intercept; trained on a9a, tested
// on a9a.t crossed the same way. The target is ERM-level test accuracy: liblinear's (-s 0, -e 1e-4, C = 1/(λn)) less
// 0.25 points. Time to that accuracy, samples/s and peak RSS, for:
//   - mast-wasm (each configuration in a fresh process): identity and Rand-K (K = d/8), one row and minibatches, at
//     the defaults (theory step, weighted averaging); first a scouting run that scores the test set every quarter
//     epoch and stops at the target, then the timed runs of exactly that many steps (median of 3; every fixed cost
//     of a call included: digest, checkpoint, the result's d-vectors); samples/s is the steps' own rate (a call of
//     5 epochs more, less the call: the fixed cost cancels);
//   - scikit-learn's SGDClassifier on the same CSR (bench/peers/crosses_peers.py; partial_fit per epoch, timed);
//   - liblinear (Debian's liblinear-tools; `train -s 0`, wall time of the process, which includes reading the
//     LibSVM text; the same call with -e 1e9 gives the reading part) on the same data as LibSVM text;
//   - plain JavaScript: one-row SGD with the same step and the scaling trick (x = α u), in a fresh process.
// Imported by bench/scale.mjs; run as `node bench/_crosses.mjs --crosses-child JSON` for one measured process.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { benchDir, check, dataPath, quantile } from "./_lib.mjs";

const SELF = fileURLToPath(import.meta.url);
const PYTHON = process.env.MAST_BENCH_PYTHON ?? "/usr/bin/python3";
const LAMBDA = 1e-4, SLACK = 0.0025;

/** The crossed a9a train and test sets (smoke: the first rows only, fewer buckets). */
async function crossedData(mast, bits, rows) {
  const read = async (f) => mast.data.libsvm(readFileSync(dataPath(f)), { features: 123 });
  let [train, test] = [await read("libsvm/a9a.gz"), await read("libsvm/a9a.t.gz")];
  if (rows) { train = train.subset(Array.from({ length: rows.train }, (_, i) => i)); test = test.subset(Array.from({ length: rows.test }, (_, i) => i)); }
  const t0 = performance.now();
  const A = mast.data.hashedCrosses(train, { bits, normalize: true }), B = mast.data.hashedCrosses(test, { bits, normalize: true });
  return { A, B, crossMs: performance.now() - t0 };
}

// ---------- child processes: one configuration each, so that peak RSS is its own ----------

/** The memory of training alone (what liblinear's train does): the training set crossed, problem(), the run of the
 *  steps that reached the target; peak RSS of this process. */
async function childMemory(cfg) {
  const { init, sketch } = await import("../dist/index.js");
  const mast = await init();
  let train = await mast.data.libsvm(readFileSync(dataPath("libsvm/a9a.gz")), { features: 123 });
  if (cfg.rows) train = train.subset(Array.from({ length: cfg.rows.train }, (_, i) => i));
  const A = mast.data.hashedCrosses(train, { bits: cfg.bits, normalize: true });
  train = null;
  const p = mast.problem({ data: A, loss: "logistic", l2: LAMBDA });
  const run = await p.minimize({ batch: cfg.batch, seed: 1, iterations: cfg.iterations, recordEvery: cfg.iterations, ...(cfg.K ? { sketch: sketch.randK(Math.round(A.cols * cfg.K)) } : {}) });
  return { digest: run.digest, peakRssMB: process.resourceUsage().maxRSS / 1024 };
}

async function childMast(cfg) {
  const { init, sketch } = await import("../dist/index.js");
  const mast = await init();
  const { A, B, crossMs } = await crossedData(mast, cfg.bits, cfg.rows);
  const d = A.cols, n = A.rows;
  let t0 = performance.now();
  const p = mast.problem({ data: A, loss: "logistic", l2: LAMBDA });
  const problemMs = performance.now() - t0;
  const opts = { batch: cfg.batch, seed: 1, ...(cfg.K ? { sketch: sketch.randK(Math.round(d * cfg.K)) } : {}) };
  const stepsPerEpoch = Math.ceil(n / cfg.batch);
  const recordEvery = Math.max(1, Math.ceil(stepsPerEpoch / 4));
  let reached = null, best = { accuracy: 0, iteration: 0 }, stepsRun = 0;
  t0 = performance.now();
  const scout = await p.minimize({
    ...opts, iterations: cfg.maxEpochs * stepsPerEpoch, recordEvery, timeLimitMs: cfg.budgetMs,
    keepBest: { data: B, metric: "accuracy" },
    onProgress: (row) => {
      stepsRun = row.iteration;
      if (row.validation > best.accuracy) best = { accuracy: row.validation, iteration: row.iteration };
      if (row.validation >= cfg.target && reached === null) { reached = { iteration: row.iteration, accuracy: row.validation }; return false; }
    },
  });
  const scoutMs = performance.now() - t0;
  const out = { d, n, nnz: A.nnz, crossMs, problemMs, scoutMs, stepSize: scout.stepSize, stepsRun, best, reached, target: cfg.target };
  if (reached && reached.iteration > 0) {
    const times = [], digests = [];
    for (let r = 0; r < cfg.reps; r++) {
      t0 = performance.now();
      const run = await p.minimize({ ...opts, iterations: reached.iteration, recordEvery: reached.iteration });
      times.push(performance.now() - t0);
      digests.push(run.digest);
      if (r === 0) out.accuracyAtTarget = p.accuracy(run.x, B);
    }
    times.sort((a, b) => a - b);
    out.timeToTargetMs = quantile(times, 0.5);
    out.timesMs = times;
    out.sameDigests = digests.every((g) => g === digests[0]);
    out.digest = digests[0];
    // the steps' own rate: a call with `extra` more steps (20 epochs' worth, so that the steps outweigh the noise of a
    // call's fixed cost: at 2^24 columns that cost moves by ±0.4 s with page faults), less the call above; the fixed
    // cost is what the steps do not explain. A difference within the noise gives no figure (null), not a wrong one.
    const extra = cfg.smokeExtra ?? 20 * stepsPerEpoch, longer = [];
    for (let r = 0; r < cfg.reps; r++) {
      t0 = performance.now();
      await p.minimize({ ...opts, iterations: reached.iteration + extra, recordEvery: reached.iteration + extra });
      longer.push(performance.now() - t0);
    }
    longer.sort((a, b) => a - b);
    const diff = quantile(longer, 0.5) - out.timeToTargetMs, perStepMs = diff / extra;
    const clear = diff > 0.25 * quantile(longer, 0.5);
    out.samplesPerSecond = clear ? cfg.batch / (perStepMs / 1000) : null;
    out.fixedCostMs = clear ? Math.max(0, out.timeToTargetMs - reached.iteration * perStepMs) : null;
    out.epochs = (reached.iteration * cfg.batch) / n;
  } else {
    out.samplesPerSecond = (stepsRun * cfg.batch) / (scoutMs / 1000);   // scouting time includes the test scoring
    out.epochs = (stepsRun * cfg.batch) / n;
  }
  out.peakRssMB = process.resourceUsage().maxRSS / 1024;
  return out;
}

/** Plain JavaScript: one-row SGD, x = α u (the ℓ2 shrink as one product), rows in a fixed pseudo-random order per
 *  epoch, the step γ of mast-wasm's theory step for one row; scored every quarter epoch (untimed). */
async function childPlain(cfg) {
  const { init } = await import("../dist/index.js");
  const mast = await init();
  const { A, B } = await crossedData(mast, cfg.bits, cfg.rows);
  const n = A.rows, ip = A.indptr, ix = A.indices, val = A.values, y = A.labels, g = cfg.gamma, lam = LAMBDA;
  const u = new Float64Array(A.cols);
  let alpha = 1, s = 2463534242, elapsed = 0, reached = null, best = 0, done = 0;
  const rnd = () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s; };
  const accuracy = () => {
    let ok = 0;
    for (let i = 0; i < B.rows; i++) {
      let m = 0;
      for (let e = B.indptr[i]; e < B.indptr[i + 1]; e++) m += B.values[e] * u[B.indices[e]];
      if ((m * alpha > 0 ? 1 : -1) === B.labels[i]) ok++;
    }
    return ok / B.rows;
  };
  const quarter = Math.ceil(n / 4);
  outer: for (let epoch = 0; epoch < cfg.maxEpochs; epoch++) {
    for (let q = 0; q < 4; q++) {
      const t0 = performance.now();
      for (let k = 0; k < quarter; k++) {
        const i = rnd() % n;
        let m = 0;
        for (let e = ip[i]; e < ip[i + 1]; e++) m += val[e] * u[ix[e]];
        m *= alpha;
        const c = -y[i] / (1 + Math.exp(y[i] * m));
        alpha *= 1 - g * lam;
        const f = (g * c) / alpha;
        for (let e = ip[i]; e < ip[i + 1]; e++) u[ix[e]] -= f * val[e];
        if (alpha < 1e-9) { for (let j = 0; j < u.length; j++) u[j] *= alpha; alpha = 1; }
      }
      elapsed += performance.now() - t0;
      done += quarter;
      const acc = accuracy();
      best = Math.max(best, acc);
      if (acc >= cfg.target) { reached = { samples: done, accuracy: acc }; break outer; }
    }
  }
  return { reached, best, timeToTargetMs: reached ? elapsed : null, samplesPerSecond: done / (elapsed / 1000), epochs: done / n, peakRssMB: process.resourceUsage().maxRSS / 1024 };
}

if (process.argv[2] === "--crosses-child") {
  const cfg = JSON.parse(process.argv[3]);
  const out = cfg.kind === "plain" ? await childPlain(cfg) : cfg.kind === "memory" ? await childMemory(cfg) : await childMast(cfg);
  process.stdout.write(JSON.stringify(out) + "\n");
  process.exit(0);
}

// ---------- the parent: data files for the peers, the ERM target, every measured process ----------

function child(cfg) {
  const r = spawnSync(process.execPath, [SELF, "--crosses-child", JSON.stringify(cfg)], { encoding: "utf8", maxBuffer: 1 << 24 });
  if (!check(r.status === 0, `crosses child ${JSON.stringify(cfg)} exited with ${r.status}: ${(r.stderr || "").slice(-400)}`)) return null;
  return JSON.parse(r.stdout.trim().split("\n").pop());
}

function writeLibsvm(ds, file) {
  const parts = [];
  for (let i = 0; i < ds.rows; i++) {
    let line = ds.labels[i] > 0 ? "+1" : "-1";
    for (let e = ds.indptr[i]; e < ds.indptr[i + 1]; e++) line += ` ${ds.indices[e] + 1}:${ds.values[e]}`;
    parts.push(line);
  }
  writeFileSync(file, parts.join("\n") + "\n");
}

function writeRaw(ds, dir, tag) {
  const files = { indptr: `${tag}.indptr.i32`, indices: `${tag}.indices.i32`, values: `${tag}.values.f64`, b: `${tag}.b.f64` };
  writeFileSync(join(dir, files.indptr), ds.indptr);
  writeFileSync(join(dir, files.indices), ds.indices);
  writeFileSync(join(dir, files.values), ds.values);
  writeFileSync(join(dir, files.b), ds.labels);
  return { n: ds.rows, files };
}

/** liblinear: train (wall time and peak RSS through /usr/bin/time), predict (test accuracy). */
function liblinear(dir, C, eps) {
  const model = join(dir, "model"), out = join(dir, "pred");
  const t = spawnSync("/usr/bin/time", ["-f", "TIME %e %M", "liblinear-train", "-s", "0", "-c", String(C), "-e", String(eps), "-q", join(dir, "train.svm"), model], { encoding: "utf8" });
  if (!check(t.status === 0, `liblinear-train exited with ${t.status}: ${t.stderr.slice(-300)}`)) return null;
  const [, sec, kb] = t.stderr.match(/TIME ([\d.]+) (\d+)/);
  const p = spawnSync("liblinear-predict", [join(dir, "test.svm"), model, out], { encoding: "utf8" });
  const m = p.stdout.match(/Accuracy = ([\d.]+)%/);
  return { seconds: +sec, peakRssMB: +kb / 1024, accuracy: m ? +m[1] / 100 : NaN };
}

/**
 * runCrosses({ smoke }): the measurements at each size, or { skipped } when the data is absent. Smoke: 2^16 buckets,
 * 3,000 training and 2,000 test rows, mast-wasm's identity one row and plain JS only (no peers), sanity checks.
 */
export async function runCrosses({ smoke }) {
  if (!existsSync(dataPath("libsvm/a9a.gz")) || !existsSync(dataPath("libsvm/a9a.t.gz"))) {
    return { skipped: "a9a / a9a.t not found (set MAST_DATA to the directory holding libsvm/a9a.gz and libsvm/a9a.t.gz)" };
  }
  const { init } = await import("../dist/index.js");
  const mast = await init();
  const sizes = smoke ? [16] : (process.env.MAST_CROSSES_BITS ?? "20,24").split(",").map(Number);   // the env: for development
  const rows = smoke ? { train: 3000, test: 2000 } : null;
  const haveLiblinear = !smoke && spawnSync("sh", ["-c", "command -v liblinear-train && test -x /usr/bin/time"]).status === 0;
  const havePython = !smoke && spawnSync(PYTHON, ["-c", "import sklearn, scipy"]).status === 0;
  const skipped = [];
  if (!smoke && !haveLiblinear) skipped.push("liblinear: liblinear-train or /usr/bin/time not found (apt-get install -y liblinear-tools time)");
  if (!smoke && !havePython) skipped.push(`scikit-learn: not importable in ${PYTHON} (apt-get install -y python3-sklearn)`);
  const configs = smoke
    ? [{ label: "identity, one row", batch: 1 }]
    : [{ label: "identity, one row", batch: 1 }, { label: "identity, batch 64", batch: 64 },
      { label: "Rand-K (K = d/8), one row", batch: 1, K: 1 / 8, budgetMs: 20_000 }, { label: "Rand-K (K = d/8), batch 256", batch: 256, K: 1 / 8 }];
  const results = [];
  for (const bits of sizes) {
    const dir = mkdtempSync(join(tmpdir(), "mast-crosses-"));
    try {
      const { A, B, crossMs } = await crossedData(mast, bits, rows);
      const entry = { bits, d: A.cols, trainRows: A.rows, testRows: B.rows, nnzPerRow: A.nnz / A.rows, crossMs };
      console.log(`  a9a crossed into 2^${bits} buckets: ${A.rows} + ${B.rows} rows, ${entry.nnzPerRow.toFixed(1)} non-zeros a row (crossing ${crossMs.toFixed(0)} ms)`);
      check(entry.nnzPerRow > 90 && entry.nnzPerRow <= 106, `a9a crosses have about 100 non-zeros a row, got ${entry.nnzPerRow}`);
      const C = 1 / (LAMBDA * A.rows);
      if (haveLiblinear) {
        writeLibsvm(A, join(dir, "train.svm"));
        writeLibsvm(B, join(dir, "test.svm"));
        entry.erm = liblinear(dir, C, 1e-4);
        entry.liblinear = liblinear(dir, C, 0.01);
        entry.liblinearReading = liblinear(dir, C, 1e9);
        console.log(`  liblinear -s 0 -e 1e-4 (ERM): test accuracy ${(100 * entry.erm.accuracy).toFixed(2)}%; ` +
          `-e 0.01 (its default): ${entry.liblinear.seconds.toFixed(2)} s wall (reading the text ≈ ${entry.liblinearReading.seconds.toFixed(2)} s), ${(100 * entry.liblinear.accuracy).toFixed(2)}%, peak RSS ${entry.liblinear.peakRssMB.toFixed(0)} MB`);
      }
      // the target: ERM-level test accuracy (liblinear's ERM less 0.25 points; without liblinear, mast-wasm's Newton)
      let ermAccuracy = entry.erm?.accuracy;
      if (!(ermAccuracy > 0)) {
        if (smoke) ermAccuracy = 0.80 + SLACK;   // smoke: a fixed bar for 3,000 rows
        else {
          const { newton } = await import("../dist/index.js");
          const p = mast.problem({ data: A, loss: "logistic", l2: LAMBDA });
          ermAccuracy = p.accuracy(newton(p, { tolerance: 1e-8 }).x, B);
        }
      }
      entry.target = Math.floor((ermAccuracy - SLACK) * 1e4) / 1e4;
      const common = { bits, target: entry.target, rows, maxEpochs: smoke ? 2 : 10, reps: smoke ? 1 : 3, budgetMs: smoke ? 20_000 : 90_000, ...(smoke ? { smokeExtra: 3000 } : {}) };
      entry.mast = [];
      for (const c of configs) {
        const r0 = child({ ...common, ...c, kind: "mast" });   // (a configuration's own budgetMs wins)
        if (!r0) continue;
        const r = { ...c, ...r0 };
        entry.mast.push(r);
        console.log(`  mast-wasm ${c.label}: ` + (r.reached
          ? `${(100 * r.accuracyAtTarget).toFixed(2)}% after ${r.epochs.toFixed(2)} epochs in ${r.timeToTargetMs.toFixed(0)} ms (median of ${r.timesMs.length}` +
            (r.samplesPerSecond !== null ? `; the call's fixed cost ≈ ${r.fixedCostMs.toFixed(0)} ms), steps at ${(r.samplesPerSecond / 1e6).toFixed(2)} M samples/s` : `), the steps' rate within the noise`)
          : `target ${(100 * entry.target).toFixed(2)}% not reached in ${r.epochs.toFixed(2)} epochs (best ${(100 * r.best.accuracy).toFixed(2)}%), ${(r.samplesPerSecond / 1e3).toFixed(1)} k samples/s`) +
          `; problem() ${r.problemMs.toFixed(0)} ms; peak RSS ${r.peakRssMB.toFixed(0)} MB`);
        if (r.reached) {
          const mem = child({ ...common, ...c, kind: "memory", iterations: r.reached.iteration });
          if (mem) {
            r.trainPeakRssMB = mem.peakRssMB;
            check(mem.digest === r.digest, `${c.label} at 2^${bits}: the training-only process gives the timed runs' digest`);
            console.log(`    training alone (the training set, problem(), the run to the target): peak RSS ${mem.peakRssMB.toFixed(0)} MB`);
          }
          check(r.sameDigests, `${c.label} at 2^${bits}: the timed runs give the same digest`);
          check(r.accuracyAtTarget >= entry.target, `${c.label} at 2^${bits}: the timed run's x reaches the target (${r.accuracyAtTarget} ≥ ${entry.target})`);
        }
      }
      const gamma = entry.mast.find((r) => r.batch === 1 && !r.K)?.stepSize;
      if (gamma) {
        entry.plainJs = child({ ...common, kind: "plain", gamma });
        if (entry.plainJs) {
          const r = entry.plainJs;
          console.log(`  plain JS one-row SGD (γ = ${gamma.toPrecision(3)}): ` + (r.reached ? `${(100 * r.reached.accuracy).toFixed(2)}% after ${r.epochs.toFixed(2)} epochs in ${r.timeToTargetMs.toFixed(0)} ms` : `not reached (best ${(100 * r.best).toFixed(2)}%)`) +
            `, ${(r.samplesPerSecond / 1e6).toFixed(2)} M samples/s, peak RSS ${r.peakRssMB.toFixed(0)} MB`);
        }
      }
      if (havePython) {
        const cfg = { dir, d: A.cols, lam: LAMBDA, target: entry.target, epochs: 10, seeds: [1, 2, 3], train: writeRaw(A, dir, "train"), test: writeRaw(B, dir, "test") };
        writeFileSync(join(dir, "cfg.json"), JSON.stringify(cfg));
        const py = spawnSync(PYTHON, [join(benchDir, "peers", "crosses_peers.py"), join(dir, "cfg.json")], { encoding: "utf8", maxBuffer: 1 << 24 });
        if (check(py.status === 0, `crosses_peers.py exited with ${py.status}: ${py.stderr.slice(-400)}`)) {
          const o = JSON.parse(py.stdout.trim().split("\n").pop());
          const reachedTimes = o.runs.filter((r) => r.reached).map((r) => r.reached.seconds * 1000).sort((a, b) => a - b);
          entry.sklearn = { version: o.sklearn, peakRssMB: o.peakRssMB, runs: o.runs, reachedRuns: reachedTimes.length,
            timeToTargetMs: reachedTimes.length ? quantile(reachedTimes, 0.5) : null,
            samplesPerSecond: quantile(o.runs.map((r) => r.samplesPerSecond).sort((a, b) => a - b), 0.5) };
          const s = entry.sklearn;
          console.log(`  scikit-learn ${o.sklearn} SGDClassifier: ` + (s.timeToTargetMs !== null ? `target in ${s.timeToTargetMs.toFixed(0)} ms (median over the ${s.reachedRuns} of 3 seeds that reached it)` : "target not reached in 10 epochs") +
            `, ${(s.samplesPerSecond / 1e6).toFixed(2)} M samples/s, peak RSS ${s.peakRssMB.toFixed(0)} MB`);
        }
      }
      results.push(entry);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  // how the figures grow from 2^20 to 2^24
  let growth = null;
  if (results.length === 2) {
    const [a, b] = results;
    growth = a.mast.map((r, i) => ({
      label: r.label,
      time: r.timeToTargetMs && b.mast[i]?.timeToTargetMs ? b.mast[i].timeToTargetMs / r.timeToTargetMs : null,
      samplesPerSecond: b.mast[i]?.samplesPerSecond && r.samplesPerSecond ? b.mast[i].samplesPerSecond / r.samplesPerSecond : null,
      peakRss: b.mast[i] ? b.mast[i].peakRssMB / r.peakRssMB : null,
    }));
  }
  return { lambda: LAMBDA, slack: SLACK, sizes: results, growth, skipped };
}
