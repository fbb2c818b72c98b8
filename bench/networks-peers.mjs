// The peers of the network bench: relu MLPs trained with minibatch SGD (batch 64, f32, one thread) on the MNIST t10k
// split (the 10,000-image MNIST test set as a data set of its own: first 8,000 images train, last 2,000 test), in
//  - PyTorch (Debian's python3-torch, through bench/peers/torch_mlp.py; it calls the system BLAS and says which),
//  - TensorFlow.js 4.22 on its wasm and cpu backends (bench/peers/tfjs-mlp.mjs),
//  - plain JavaScript with Float32Array loops (bench/peers/js-mlp.mjs).
// Cases: 784-256-256-10 dense; the same with Dropout(0.5) after each hidden relu; 784-64-64-10 (one IST node's
// subnetwork at M = 4). Figures are samples/s of full training steps (minibatch in, forward, backward, SGD update).
//
// As a module (for the network bench, which runs ours beside these in the same process and run):
//   runTorch(c, opts) / runTfjs(c, { backend: "wasm" | "cpu", ...opts }) / runJs(c, opts) / runPeer(peer, c, opts)
//     → { peer, case, samplesPerSec, reps, extra } or { peer, case, skipped }   (throws only when a present peer fails)
//   runTorchAccuracy(c, { epochs, lr, batch, seed }) → { peer, case, trainAcc, testAcc, perEpoch, extra } or { skipped }
//   bestOf(results) → the result with the highest samplesPerSec (e.g. the better TF.js backend), or null
//   CASES, SMOKE_CASES, PEERS, DEFAULTS, loadMnistT10kSplit
// c is a case object ({ id, sizes, dropout }, see CASES) or a case id.
//
// As a bench: node bench/networks-peers.mjs [--smoke] [--cases=dense,dropout,subnet] [--peers=torch,tfjs-wasm,...]
//   Full: interleaved rounds (every case and peer once a round), repetitions pooled, medians printed and written
//   to bench/results/networks-peers.json, plus the PyTorch accuracy check (784-256-10, step 0.1, 10 epochs, with and
//   without Dropout(0.5)). --smoke: two tiny networks, a few steps, checks only (finite positive rate, the loss on a
//   fixed set falls); a missing peer (no PyTorch, no TF.js, no data) is skipped with a message, never a failure.
//
// Set-up of the PyTorch peer (Debian): apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y
// python3-torch libopenblas0-pthread   (bench/peers/setup-peers.sh). Without OpenBLAS, torch falls back to the
// reference BLAS (~12× slower); the bench then prints a warning. MAST_BENCH_PYTHON picks another interpreter.
import os from "node:os";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { smoke, check, checkPositive, finish, statsOf, writeResults, fmtNum, benchDir, ROUNDS } from "./_lib.mjs";
import { CASES, SMOKE_CASES, DEFAULTS, SPLIT_NAME, loadMnistT10kSplit, mnistPaths, batchOrder, timeReps } from "./peers/mlp-common.mjs";
import { jsMlp } from "./peers/js-mlp.mjs";
import { loadTfjs, useBackend, tfjsMlp } from "./peers/tfjs-mlp.mjs";

export { CASES, SMOKE_CASES, DEFAULTS, loadMnistT10kSplit };
export const PEERS = ["torch", "tfjs-wasm", "tfjs-cpu", "js"];
export const PYTHON = process.env.MAST_BENCH_PYTHON ?? "/usr/bin/python3";
const TORCH_SCRIPT = join(benchDir, "peers", "torch_mlp.py");
const SETUP_HINT = "apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y python3-torch libopenblas0-pthread";
const EVAL_N = 1000;   // the loss before/after is measured on train[0:evalN] (default EVAL_N), inference mode

const caseOf = (c) => (typeof c === "string" ? CASES[c] ?? SMOKE_CASES[c] ?? (() => { throw new Error(`unknown case ${c}`); })() : c);
const caseId = (c) => c.id ?? `${c.sizes.join("-")}${c.dropout ? `-dropout${c.dropout}` : ""}`;

// ---------- PyTorch (a child process, JSON lines) ----------

/** Run torch_mlp.py with the given arguments; resolves { lines, code, stderr } (lines = parsed JSON objects). */
function runPython(args) {
  return new Promise((resolve) => {
    let child;
    try { child = spawn(PYTHON, [TORCH_SCRIPT, ...args], { stdio: ["ignore", "pipe", "pipe"] }); } catch (e) { resolve({ spawnError: e }); return; }
    let out = "", err = "";
    child.stdout.setEncoding("utf8").on("data", (s) => { out += s; });
    child.stderr.setEncoding("utf8").on("data", (s) => { err += s; });
    child.on("error", (e) => resolve({ spawnError: e }));
    child.on("close", (code, signal) => {
      const lines = out.split("\n").filter((l) => l.trim()).map((l) => { try { return JSON.parse(l); } catch { return { event: "garbage", text: l }; } });
      resolve({ lines, code: code ?? signal, stderr: err });
    });
  });
}

function torchArgs(c, o) {
  const p = mnistPaths();
  return ["--images", p.images, "--labels", p.labels, "--sizes", c.sizes.join(","), "--batch", String(o.batch ?? DEFAULTS.batch),
    "--dropout", c.dropout ? String(c.dropout) : "none", "--lr", String(o.lr ?? DEFAULTS.lr), "--seed", String(o.seed ?? DEFAULTS.seed)];
}

/** Common handling of a torch_mlp.py run: skipped (no python / no torch / no data), failure (throws), or the lines. */
async function torchRun(c, args) {
  const data = loadMnistT10kSplit();
  if (data.skipped) return { skipped: data.skipped };
  const r = await runPython([...torchArgs(c, args.opts), ...args.extra]);
  if (r.spawnError) return { skipped: `PyTorch: cannot run ${PYTHON} (${r.spawnError.code ?? r.spawnError.message}); set MAST_BENCH_PYTHON or ${SETUP_HINT}` };
  const sk = r.lines.find((l) => l.event === "skipped");
  if (sk) return { skipped: `PyTorch not importable by ${PYTHON}: ${sk.reason}` };
  const res = r.lines.find((l) => l.event === "result");
  if (r.code !== 0 || !res) {
    const e = r.lines.find((l) => l.event === "error");
    throw new Error(`torch_mlp.py (${caseId(c)}) exited with ${r.code}: ${e?.error ?? r.stderr.trim().split("\n").slice(-3).join(" | ")}`);
  }
  const info = r.lines.find((l) => l.event === "info") ?? {};
  return { res, info, lines: r.lines };
}

const blasNote = (b) => (b ? `${b.kind}${b.config ? ` (${b.config}${b.threads !== undefined ? `, ${b.threads} thread(s)` : ""})` : ""}` : "unknown");

/**
 * runTorch(c, { batch = 64, lr = 0.1, seed = 1, reps = 5, repMs = 1000, steps = 0, warmup = 20, batches = "index" }):
 * speed mode of bench/peers/torch_mlp.py in a fresh python process. extra: { torch, python, blas, blasConfig,
 * blasWarning?, stepsPerRep, evalLossBefore, evalLossAfter, finite, ... }.
 */
export async function runTorch(c, opts = {}) {
  c = caseOf(c);
  const o = { reps: 5, repMs: 1000, steps: 0, warmup: 20, batches: "index", ...opts };
  const extra = ["--mode", "speed", "--reps", String(o.reps), "--rep-ms", String(o.repMs), "--steps", String(o.steps), "--warmup", String(o.warmup), "--batches", o.batches];
  const r = await torchRun(c, { opts: o, extra });
  if (r.skipped) return { peer: "torch", case: caseId(c), skipped: r.skipped };
  const { res, info } = r;
  const blas = info.blas ?? {};
  return {
    peer: "torch", case: caseId(c), samplesPerSec: res.samplesPerSec, reps: res.reps,
    extra: {
      torch: info.torch, python: info.python, numpy: info.numpy, torchThreads: info.torchThreads, blas: blas.kind, blasConfig: blas.config ?? null,
      blasThreads: blas.threads ?? null, blasSgemmFrom: blas.sgemmFrom ?? null, blasLibraries: blas.libraries, blasWarning: blas.warning ?? null, torchBlasInfo: info.torchBlasInfo,
      batch: res.batch, stepsPerRep: res.stepsPerRep, warmupSteps: res.warmupSteps, batches: res.batches,
      evalLossBefore: res.evalLossBefore, evalLossAfter: res.evalLossAfter, evalSet: res.evalSet, finite: res.finite,
      firstStepLoss: res.firstStepLoss, lastStepLoss: res.lastStepLoss, timedIn: "python time.perf_counter",
    },
  };
}

/**
 * runTorchAccuracy(c, { epochs = 10, lr = 0.1, batch = 64, seed = 1 }): accuracy mode (E shuffled epochs over the
 * 8,000 training images, inference-mode accuracy on them and on the last 2,000).
 */
export async function runTorchAccuracy(c, opts = {}) {
  c = caseOf(c);
  const o = { epochs: 10, ...opts };
  const r = await torchRun(c, { opts: o, extra: ["--mode", "accuracy", "--epochs", String(o.epochs)] });
  if (r.skipped) return { peer: "torch", case: caseId(c), skipped: r.skipped };
  const { res, info, lines } = r;
  return {
    peer: "torch", case: caseId(c), trainAcc: res.trainAcc, testAcc: res.testAcc,
    perEpoch: lines.filter((l) => l.event === "epoch").map(({ event: _e, ...x }) => x),
    extra: { torch: info.torch, blas: info.blas?.kind, epochs: res.epochs, lr: o.lr ?? DEFAULTS.lr, batch: o.batch ?? DEFAULTS.batch, seed: o.seed ?? DEFAULTS.seed, seconds: res.seconds, trainLoss: res.trainLoss, testLoss: res.testLoss },
  };
}

// ---------- the in-process JS peers ----------

/** Warm-up, timed repetitions, loss before/after on train[0:EVAL_N]: shared by the TF.js and plain-JS peers. */
function timeModel(net, data, o, sync = () => {}) {
  const batch = o.batch ?? DEFAULTS.batch;
  const order = batchOrder(data.nTrain, batch, o.seed ?? DEFAULTS.seed);
  const evalN = o.evalN ?? EVAL_N;
  const before = net.evaluate(data.trainX, data.trainY, evalN);
  const t = timeReps((k) => { for (let s = 0; s < k; s++) net.step(data.trainX, data.trainY, order.next()); sync(); },
    { reps: o.reps, steps: o.steps, repMs: o.repMs, warmup: o.warmup, batch });
  const after = net.evaluate(data.trainX, data.trainY, evalN);
  return { t, before, after, batch, evalSet: `train[0:${evalN}]` };
}

/**
 * runTfjs(c, { backend = "wasm", method = "minimize", fused = false, batch, lr, seed, reps = 5, repMs = 1000, steps = 0,
 * warmup = 3, evalN = 1000 }): TF.js on one backend, in this process. peer = "tfjs-wasm" | "tfjs-cpu".
 */
export async function runTfjs(c, opts = {}) {
  c = caseOf(c);
  const o = { backend: "wasm", method: "minimize", fused: false, reps: 5, repMs: 1000, steps: 0, warmup: 3, ...opts };
  const peer = `tfjs-${o.backend}`;
  const data = loadMnistT10kSplit();
  if (data.skipped) return { peer, case: caseId(c), skipped: data.skipped };
  const T = await loadTfjs();
  if (T.skipped) return { peer, case: caseId(c), skipped: T.skipped };
  const { tf, info } = T;
  if (!info.backends.includes(o.backend)) return { peer, case: caseId(c), skipped: `TensorFlow.js ${o.backend} backend did not initialise: ${info.errors[o.backend] ?? "?"}` };
  await useBackend(tf, o.backend);
  const tensorsBefore = tf.memory().numTensors;
  const net = tfjsMlp(tf, { sizes: c.sizes, dropout: c.dropout, lr: o.lr ?? DEFAULTS.lr, seed: o.seed ?? DEFAULTS.seed, batch: o.batch ?? DEFAULTS.batch, method: o.method, fused: o.fused });
  let m, finite;
  try { m = timeModel(net, data, o, () => net.sync()); finite = net.finite(); } finally { net.dispose(); }
  return {
    peer, case: caseId(c), samplesPerSec: m.t.samplesPerSec, reps: m.t.reps,
    extra: {
      tfjs: info.version, backend: o.backend, wasmBinary: o.backend === "wasm" ? info.wasmBinary : undefined, method: o.method, fused: o.fused,
      batch: m.batch, stepsPerRep: m.t.stepsPerRep, evalLossBefore: m.before.loss, evalLossAfter: m.after.loss, evalSet: m.evalSet,
      finite, tensorsLeaked: tf.memory().numTensors - tensorsBefore, timedIn: "performance.now",
    },
  };
}

/** runJs(c, { batch, lr, seed, reps = 5, repMs = 1000, steps = 0, warmup = 2, evalN = 1000 }): the plain-JS f32 peer. */
export async function runJs(c, opts = {}) {
  c = caseOf(c);
  const o = { reps: 5, repMs: 1000, steps: 0, warmup: 2, ...opts };
  const data = loadMnistT10kSplit();
  if (data.skipped) return { peer: "js", case: caseId(c), skipped: data.skipped };
  const net = jsMlp({ sizes: c.sizes, dropout: c.dropout, lr: o.lr ?? DEFAULTS.lr, seed: o.seed ?? DEFAULTS.seed, batch: o.batch ?? DEFAULTS.batch });
  const m = timeModel(net, data, o);
  return {
    peer: "js", case: caseId(c), samplesPerSec: m.t.samplesPerSec, reps: m.t.reps,
    extra: { batch: m.batch, stepsPerRep: m.t.stepsPerRep, evalLossBefore: m.before.loss, evalLossAfter: m.after.loss, evalSet: m.evalSet, finite: net.finite(), node: process.version, timedIn: "performance.now" },
  };
}

/** runPeer(peer, c, opts): one of PEERS by name. */
export function runPeer(peer, c, opts = {}) {
  if (peer === "torch") return runTorch(c, opts);
  if (peer === "tfjs-wasm" || peer === "tfjs-cpu") return runTfjs(c, { ...opts, backend: peer.slice(5) });
  if (peer === "js") return runJs(c, opts);
  throw new Error(`unknown peer ${peer} (one of ${PEERS.join(", ")})`);
}

/** bestOf(results): the non-skipped result with the highest samplesPerSec, or null. */
export function bestOf(results) {
  return results.filter((r) => r && !r.skipped).reduce((b, r) => (!b || r.samplesPerSec > b.samplesPerSec ? r : b), null);
}

// ---------- the CLI ----------

async function main() {
  const argv = process.argv.slice(2);
  const arg = (k) => argv.find((a) => a.startsWith(`--${k}=`))?.slice(k.length + 3);
  const NAME = "networks-peers";
  const t0 = performance.now();
  const caseSet = smoke ? SMOKE_CASES : CASES;
  const cases = (arg("cases")?.split(",") ?? Object.keys(caseSet)).map((k) => caseOf(k));
  const peers = arg("peers")?.split(",") ?? PEERS;
  for (const p of peers) if (!PEERS.includes(p)) throw new Error(`unknown peer ${p}`);
  const rounds = Number(arg("rounds") ?? ROUNDS), reps = Number(arg("reps") ?? (smoke ? 2 : 3));
  const opts = smoke ? { reps, steps: 8, warmup: 2, evalN: 256 } : { reps, repMs: Number(arg("rep-ms") ?? 1000) };
  const withAccuracy = !smoke && !argv.includes("--no-accuracy") && peers.includes("torch");
  console.log(`${NAME}: ${SPLIT_NAME}, batch ${DEFAULTS.batch}, SGD step ${DEFAULTS.lr}, ${rounds} round(s) × ${reps} rep(s)${smoke ? " [smoke]" : ""}; load ${os.loadavg().map((x) => x.toFixed(2)).join(" ")}`);

  const skipped = [];
  const skip = (msg) => { if (!skipped.includes(msg)) { skipped.push(msg); console.log(`  skipped: ${msg}`); } };
  const data = loadMnistT10kSplit();
  if (data.skipped) {   // nothing can run: one message, no failure
    skip(`every peer: ${data.skipped}`);
    finish(NAME);
    return;
  }
  const pooled = new Map();   // `${case}|${peer}` → { reps: samples/s of every repetition, runs: the results }
  const record = (r) => {
    if (r.skipped) { skip(`${r.peer}: ${r.skipped}`); return; }
    const k = `${r.case}|${r.peer}`;
    if (!pooled.has(k)) pooled.set(k, { reps: [], runs: [] });
    const p = pooled.get(k);
    for (const x of r.reps) p.reps.push(x);
    p.runs.push(r);
  };
  const runSafe = async (peer, c, o) => {
    try { return await runPeer(peer, c, o); } catch (e) { check(false, `${peer} ${c.id}: ${e.message}`); return null; }
  };

  if (smoke) {
    // Everything once; the python processes run beside the in-process peers (timings do not matter here).
    const torchJobs = peers.includes("torch") ? cases.map((c) => runSafe("torch", c, opts)) : [];
    for (const c of cases) for (const p of peers.filter((x) => x !== "torch")) { const r = await runSafe(p, c, opts); if (r) record(r); }
    for (const r of await Promise.all(torchJobs)) if (r) record(r);
  } else {
    for (let round = 0; round < rounds; round++) {
      for (const c of cases) for (const p of peers) { const r = await runSafe(p, c, opts); if (r) record(r); }
      console.log(`  round ${round + 1}/${rounds} done (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
    }
  }

  // ---------- checks, table ----------
  const rows = [];
  for (const c of cases) {
    const row = { id: c.id, label: c.label, sizes: c.sizes, dropout: c.dropout, unit: "samples/s", impls: {} };
    for (const p of peers) {
      const P = pooled.get(`${c.id}|${p}`);
      if (!P) continue;
      for (const r of P.runs) {
        checkPositive(r.samplesPerSec, `${p} ${c.id} samples/s`);
        check(r.reps.every((x) => Number.isFinite(x) && x > 0), `${p} ${c.id}: every repetition finite and > 0`);
        check(r.extra.finite !== false, `${p} ${c.id}: weights finite after training`);
        check(r.extra.evalLossAfter < r.extra.evalLossBefore, `${p} ${c.id}: the loss on ${r.extra.evalSet} falls (${r.extra.evalLossBefore} → ${r.extra.evalLossAfter})`);
        if (r.extra.tensorsLeaked !== undefined) check(r.extra.tensorsLeaked === 0, `${p} ${c.id}: no TF.js tensors leak (${r.extra.tensorsLeaked})`);
        if (r.extra.blasWarning) console.log(`  WARNING ${p} ${c.id}: ${r.extra.blasWarning}`);
      }
      const batch = P.runs[0].extra.batch;
      const s = statsOf(P.reps.map((x) => (1000 * batch) / x), 1);   // per-step ms of each repetition
      const { evalLossBefore, evalLossAfter } = P.runs.at(-1).extra;
      row.impls[p] = {
        ...s, rate: (1000 * batch) / s.medianMs, samplesPerSec: (1000 * batch) / s.medianMs, stepsPerSec: 1000 / s.medianMs,
        repsSamplesPerSec: P.reps, minSamplesPerSec: Math.min(...P.reps), maxSamplesPerSec: Math.max(...P.reps), runs: P.runs.length,
        stepsPerRep: P.runs.map((r) => r.extra.stepsPerRep), evalLossBefore, evalLossAfter,
      };
    }
    const tfs = ["tfjs-wasm", "tfjs-cpu"].filter((k) => row.impls[k]);
    if (tfs.length) row.tfjsBest = tfs.reduce((a, k) => (row.impls[k].samplesPerSec > row.impls[a].samplesPerSec ? k : a));
    rows.push(row);
  }
  const torchInfo = [...pooled.values()].flatMap((P) => P.runs).find((r) => r.peer === "torch")?.extra;
  const tfInfo = [...pooled.values()].flatMap((P) => P.runs).find((r) => r.peer.startsWith("tfjs"))?.extra;
  if (torchInfo) console.log(`  PyTorch ${torchInfo.torch} (python ${torchInfo.python}), ${torchInfo.torchThreads} thread(s), BLAS in use: ${blasNote({ kind: torchInfo.blas, config: torchInfo.blasConfig, threads: torchInfo.blasThreads })}`);
  if (tfInfo) console.log(`  TensorFlow.js ${tfInfo.tfjs}: step = ${tfInfo.method === "minimize" ? "tf.train.sgd().minimize" : "tf.variableGrads + assign"}, layers ${tfInfo.fused ? "tf.fused.matMul" : "matMul + add + relu"}${rows.some((r) => r.impls["tfjs-wasm"]) ? `, wasm binary ${(await loadTfjs()).info?.wasmBinary}` : ""}`);

  const cols = [...peers.filter((p) => rows.some((r) => r.impls[p]))];
  const hasBest = rows.some((r) => r.tfjsBest);
  const cell = (s) => (s ? `${fmtNum(s.samplesPerSec)} [${fmtNum(s.minSamplesPerSec)}–${fmtNum(s.maxSamplesPerSec)}]` : "–");
  const head = ["case", ...cols, ...(hasBest ? ["tfjs-best"] : [])];
  const body = rows.map((r) => [r.label, ...cols.map((p) => cell(r.impls[p])), ...(hasBest ? [r.tfjsBest ? `${fmtNum(r.impls[r.tfjsBest].samplesPerSec)} (${r.tfjsBest.slice(5)})` : "–"] : [])]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  console.log(`  samples/s, median of the pooled repetitions [min–max]:`);
  for (const line of [head, widths.map((w) => "-".repeat(w)), ...body]) console.log(`  ${line.map((x, i) => x.padEnd(widths[i])).join(" | ")}`);
  if (!cols.length) console.log("  (no peer ran)");

  // ---------- PyTorch accuracy check ----------
  const accuracy = [];
  if (withAccuracy) {
    for (const dropout of [null, 0.5]) {
      const c = { id: `784-256-10${dropout ? "-dropout0.5" : ""}`, sizes: [784, 256, 10], dropout };
      let r = null;
      try { r = await runTorchAccuracy(c, { epochs: 10, lr: 0.1, batch: 64, seed: DEFAULTS.seed }); } catch (e) { check(false, `torch accuracy ${c.id}: ${e.message}`); }
      if (!r) continue;
      if (r.skipped) { skip(`torch accuracy: ${r.skipped}`); continue; }
      check(r.testAcc > 0.8, `torch accuracy ${c.id}: test accuracy ${r.testAcc} > 0.8`);
      console.log(`  PyTorch accuracy, 784-256-10${dropout ? ", Dropout(0.5)" : ""}, SGD step 0.1, batch 64, 10 epochs, seed ${DEFAULTS.seed}: train ${(100 * r.trainAcc).toFixed(2)}%, test (last 2,000) ${(100 * r.testAcc).toFixed(2)}%`);
      accuracy.push({ case: c.id, dropout, trainAcc: r.trainAcc, testAcc: r.testAcc, perEpoch: r.perEpoch, ...r.extra });
    }
  }

  if (!smoke && rows.some((r) => Object.keys(r.impls).length)) {
    writeResults(NAME, {
      title: "Network peers: relu MLPs in PyTorch, TensorFlow.js and plain JS (MNIST t10k split)",
      versions: { torch: torchInfo?.torch ?? null, python: torchInfo?.python ?? null, blas: torchInfo ? blasNote({ kind: torchInfo.blas, config: torchInfo.blasConfig, threads: torchInfo.blasThreads }) : null, tfjs: tfInfo?.tfjs ?? null },
      implNames: {
        torch: `PyTorch ${torchInfo?.torch ?? "?"} (Debian python3-torch) with ${torchInfo?.blas ?? "?"} BLAS, float32, 1 thread: nn.Linear/ReLU/Dropout stack, CrossEntropyLoss, optim.SGD, zero_grad(set_to_none=True); minibatch = index_select of an epoch-wise randperm`,
        "tfjs-wasm": `TensorFlow.js ${tfInfo?.tfjs ?? "?"} wasm backend: tf.variable weights, tf.losses.softmaxCrossEntropy, tf.dropout, ${tfInfo?.method === "grads" ? "tf.variableGrads + assign" : "tf.train.sgd(lr).minimize"}, each minibatch copied from a Float32Array into a tensor, tf.tidy per step`,
        "tfjs-cpu": "the same TF.js code on the cpu backend",
        js: "plain JavaScript, Float32Array weights and activations, scalar loops (axpy forward, axpy/dot backward), Math.exp softmax, xorshift128 dropout masks",
      },
      config: { data: SPLIT_NAME, train: 8000, test: 2000, ...DEFAULTS, reps, rounds, repMs: opts.repMs, evalSet: `train[0:${EVAL_N}]` },
      notes: [
        "samples/s = batch × steps/s of full training steps (minibatch in, forward, backward, SGD update); each repetition runs S steps (S calibrated so that one lasts about repMs), the median is over all repetitions of all rounds.",
        "Every case and peer runs once a round, rounds interleaved (drift hits all alike); PyTorch runs in a fresh python process per case and round and times itself with time.perf_counter.",
        "One thread everywhere: torch.set_num_threads(1) and OPENBLAS_NUM_THREADS=1; TF.js wasm is its single-threaded SIMD binary in Node.",
        "Initial weights: uniform ±1/√fan_in (PyTorch's default distribution); the JS peers draw them from the bench's xorshift128, PyTorch from torch.manual_seed.",
        "TF.js step: tf.train.sgd(lr).minimize and tf.variableGrads + assign, each with tf.fused.matMul or matMul + add + relu layers, measured within noise of each other (±7%, interleaved, both backends); the bench uses minimize with plain layers (runTfjs options method, fused).",
        "PyTorch's figure depends on the BLAS: the bench names the library torch's sgemm_ resolves to; with Debian's reference BLAS instead of OpenBLAS it is ~10× lower (784-64-64-10: 21k against 214k samples/s, measured).",
        ...accuracy.map((a) => `PyTorch accuracy check, 784-256-10${a.dropout ? `, Dropout(${a.dropout})` : ""}, SGD step ${a.lr}, batch ${a.batch}, ${a.epochs} epochs, seed ${a.seed}: train ${(100 * a.trainAcc).toFixed(2)}%, test (last 2,000) ${(100 * a.testAcc).toFixed(2)}%.`),
      ],
      skipped,
      accuracy,
      cases: rows,
    });
  }
  console.log(`  ${NAME}: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  finish(NAME);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
