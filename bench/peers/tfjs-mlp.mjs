// TensorFlow.js peer of the network bench: the relu MLP step of bench/peers/torch_mlp.py in TF.js 4.22 (float32),
// on the `wasm` backend (XNNPACK; the SIMD binary in Node 20) and on the `cpu` backend (plain JS kernels).
//
//   const T = await loadTfjs();                       // { tf, info } or { skipped: reason }
//   await useBackend(T.tf, "wasm");
//   const net = tfjsMlp(T.tf, { sizes, dropout, lr, seed, batch, method, fused });
//   net.step(X, Y, rows)  → nothing (one full step: batch upload, forward, backward, SGD update)
//   net.evaluate(X, Y, n) → { loss, acc } (inference mode)
//   net.dispose()
//
// Written the way a user would: weights are tf.variable, the loss is tf.losses.softmaxCrossEntropy on one-hot labels
// (mean over the batch), dropout is tf.dropout(h, p) after each hidden relu (kept units scaled by 1/(1−p)), and each
// step's minibatch comes from a JS Float32Array copied into a tf.tensor2d (a JS data pipeline), all inside tf.tidy.
// Two ways to take the step (both measured; `method`):
//   "minimize": tf.train.sgd(lr).minimize(loss, false, vars);
//   "grads":    tf.variableGrads(loss, vars), then v.assign(v − lr·g) per variable.
// And two ways to write a layer (`fused`): tf.fused.matMul({ a, b: W, bias, activation: "relu" }) (one kernel on the
// wasm backend, with its own gradient), or tf.relu(tf.add(tf.matMul(a, W), b)).
import { dirname, join } from "node:path";
import { createRequire } from "node:module";
import { initParams } from "./mlp-common.mjs";

const require = createRequire(import.meta.url);
let loaded = null;
let uid = 0;   // variable names must be unique per process

/**
 * loadTfjs() → { tf, info: { version, backends, wasmBinary, errors } } or { skipped: reason }. Loads what a Node user
 * installs: the @tensorflow/tfjs umbrella (core, cpu backend, gradients) and @tensorflow/tfjs-backend-wasm with its
 * .wasm files read from node_modules (setWasmPaths to its dist/ directory); tf.enableProdMode(). Loaded once.
 */
export async function loadTfjs() {
  if (loaded) return loaded;
  let tf;
  try {
    tf = await import("@tensorflow/tfjs");
    const wasm = await import("@tensorflow/tfjs-backend-wasm");
    wasm.setWasmPaths(join(dirname(require.resolve("@tensorflow/tfjs-backend-wasm/package.json")), "dist") + "/");
    tf.enableProdMode();
  } catch (e) {
    loaded = { skipped: `TensorFlow.js: ${String(e.message).split("\n")[0]} (npm install the devDependencies @tensorflow/tfjs and @tensorflow/tfjs-backend-wasm)` };
    return loaded;
  }
  const info = { version: tf.version_core, backends: [], errors: {} };
  for (const be of ["wasm", "cpu"]) {
    let ok = false;
    try { ok = await tf.setBackend(be); await tf.ready(); } catch (e) { info.errors[be] = String(e.message ?? e); }
    if (!ok) { info.errors[be] ??= "setBackend returned false"; continue; }
    info.backends.push(be);
    if (be === "wasm") {
      const simd = await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT"), threads = await tf.env().getAsync("WASM_HAS_MULTITHREAD_SUPPORT");
      info.wasmBinary = threads && simd ? "tfjs-backend-wasm-threaded-simd.wasm" : simd ? "tfjs-backend-wasm-simd.wasm" : "tfjs-backend-wasm.wasm";
    }
  }
  loaded = { tf, info };
  return loaded;
}

/** useBackend(tf, be): switch when needed (a model's tensors live on the backend that was active at its creation). */
export async function useBackend(tf, be) {
  if (tf.getBackend() !== be) { if (!(await tf.setBackend(be))) throw new Error(`TF.js backend ${be} did not initialise`); }
  await tf.ready();
}

/**
 * tfjsMlp(tf, { sizes, dropout = null, lr = 0.1, seed = 1, batch = 64, method = "grads", fused = true }): the model on
 * the backend active now, initialised like the other JS peers (uniform ±1/√fanIn, bench/peers/mlp-common.mjs).
 */
export function tfjsMlp(tf, { sizes, dropout = null, lr = 0.1, seed = 1, batch = 64, method = "grads", fused = true }) {
  const L = sizes.length - 1, d = sizes[0], C = sizes[L];
  const vars = tf.tidy(() => initParams(sizes, seed).flatMap((q, l) => [   // tidy: the initial values go, variables stay
    tf.variable(tf.tensor2d(q.W, [q.fanIn, q.fanOut]), true, `W${l}_${tf.getBackend()}_${seed}_${uid}`),
    tf.variable(tf.tensor1d(q.b), true, `b${l}_${tf.getBackend()}_${seed}_${uid++}`),
  ]));
  const opt = method === "minimize" ? tf.train.sgd(lr) : null;
  const lrT = tf.scalar(lr);
  const xBuf = new Float32Array(batch * d), yBuf = new Float32Array(batch * C);
  let dropSeed = seed * 1000003;

  function forward(x, training) {
    let h = x;
    for (let l = 0; l < L; l++) {
      const W = vars[2 * l], b = vars[2 * l + 1], hidden = l + 1 < L;
      if (fused) h = tf.fused.matMul({ a: h, b: W, bias: b, activation: hidden ? "relu" : "linear" });
      else { h = tf.add(tf.matMul(h, W), b); if (hidden) h = tf.relu(h); }
      if (hidden && training && dropout) h = tf.dropout(h, dropout, undefined, dropSeed++);
    }
    return h;
  }

  return {
    backend: tf.getBackend(), method, fused,
    /** One SGD step on X's rows `idx`. */
    step(X, Y, idx) {
      const rows = idx.length;
      yBuf.fill(0, 0, rows * C);
      for (let r = 0; r < rows; r++) { xBuf.set(X.subarray(idx[r] * d, idx[r] * d + d), r * d); yBuf[r * C + Y[idx[r]]] = 1; }
      tf.tidy(() => {
        const x = tf.tensor2d(xBuf.subarray(0, rows * d), [rows, d]), y = tf.tensor2d(yBuf.subarray(0, rows * C), [rows, C]);
        const loss = () => tf.losses.softmaxCrossEntropy(y, forward(x, true));
        if (opt) opt.minimize(loss, false, vars);
        else {
          const { grads } = tf.variableGrads(loss, vars);
          for (const v of vars) v.assign(tf.sub(v, tf.mul(lrT, grads[v.name])));
        }
      });
    },
    /** Mean cross-entropy and accuracy over the first n rows, inference mode. */
    evaluate(X, Y, n) {
      return tf.tidy(() => {
        const x = tf.tensor2d(X.subarray(0, n * d), [n, d]);
        const oh = new Float32Array(n * C);
        for (let r = 0; r < n; r++) oh[r * C + Y[r]] = 1;
        const logits = forward(x, false);
        const loss = tf.losses.softmaxCrossEntropy(tf.tensor2d(oh, [n, C]), logits).dataSync()[0];
        const pred = tf.argMax(logits, 1).dataSync();
        let correct = 0; for (let r = 0; r < n; r++) if (pred[r] === Y[r]) correct++;
        return { loss, acc: correct / n };
      });
    },
    /** Waits for the backend (cpu and wasm run synchronously; a read also guards against a lazy backend). */
    sync() { vars[vars.length - 1].dataSync(); },
    finite() { return vars.every((v) => v.dataSync().every(Number.isFinite)); },
    dispose() { for (const v of vars) v.dispose(); lrT.dispose(); opt?.dispose(); },
  };
}
