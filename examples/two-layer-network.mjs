// A small two-layer ReLU network trained with MAST through a user-supplied model (mast.model): the network's loss
// and gradient are plain JavaScript; sketching (dropout-style Bernoulli masks on the weights), sampling and the updates
// run in wasm. The model uses only + − × ÷ and comparisons, so the run is bit-identical in every engine.
//
//   node examples/two-layer-network.mjs [--iterations T] [--keep p] [--hidden h]
import { init, sketch } from "mast-wasm";

/** XOR-like data: n points in [−1, 1]², label sign(x₁·x₂), from a small integer generator (no host Math). */
export function xorData(n, seed = 1) {
  let s = seed >>> 0 || 1;
  const next = () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 2 ** 31 - 1; };
  const X = new Float64Array(2 * n), y = new Float64Array(n);
  for (let i = 0; i < n; i++) { X[2 * i] = next(); X[2 * i + 1] = next(); y[i] = X[2 * i] * X[2 * i + 1] > 0 ? 1 : -1; }
  return { X, y, n };
}

/**
 * The network f(θ) = (1/2n) Σ_i (out_i − y_i)², out_i = w₂ᵀ relu(W₁ x_i + b₁) + b₂, with θ = [W₁ (h×2), b₁ (h), w₂ (h), b₂].
 * Returns the dimension and valueAndGradient(θ, grad) for mast.model.
 */
export function twoLayer(data, hidden) {
  const { X, y, n } = data, h = hidden;
  const d = 4 * h + 1;
  const a = new Float64Array(h);
  function valueAndGradient(t, g) {
    let f = 0;
    for (let i = 0; i < n; i++) {
      const x0 = X[2 * i], x1 = X[2 * i + 1];
      let out = t[4 * h];
      for (let k = 0; k < h; k++) {
        const z = t[2 * k] * x0 + t[2 * k + 1] * x1 + t[2 * h + k];
        a[k] = z > 0 ? z : 0;
        out += t[3 * h + k] * a[k];
      }
      const r = out - y[i];
      f += 0.5 * r * r;
      g[4 * h] += r;
      for (let k = 0; k < h; k++) {
        g[3 * h + k] += r * a[k];
        if (a[k] > 0) {
          const back = r * t[3 * h + k];
          g[2 * k] += back * x0; g[2 * k + 1] += back * x1; g[2 * h + k] += back;
        }
      }
    }
    for (let j = 0; j < d; j++) g[j] /= n;
    return f / n;
  }
  function accuracy(t) {
    let hit = 0;
    for (let i = 0; i < n; i++) {
      let out = t[4 * h];
      for (let k = 0; k < h; k++) { const z = t[2 * k] * X[2 * i] + t[2 * k + 1] * X[2 * i + 1] + t[2 * h + k]; out += t[3 * h + k] * (z > 0 ? z : 0); }
      if ((out > 0 ? 1 : -1) === y[i]) hit++;
    }
    return hit / n;
  }
  /** A deterministic start: small weights of alternating sign. */
  function init0(seed = 3) {
    let s = seed;
    const next = () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 2 ** 31 - 1; };
    return Float64Array.from({ length: d }, (_, j) => (j < 2 * h ? next() : j < 3 * h ? 0.1 * next() : 0.5 * next()));
  }
  return { dimension: d, valueAndGradient, accuracy, init0 };
}

/** Train the network with DSGD and Bernoulli(keep) sketches (DropConnect-style dropout on every weight). */
export async function trainTwoLayer(mast, { iterations = 3000, keep = 0.8, hidden = 16, n = 200, stepSize = 0.1, seed = 1 } = {}) {
  const data = xorData(n);
  const net = twoLayer(data, hidden);
  const model = mast.model({ dimension: net.dimension, valueAndGradient: net.valueAndGradient });
  const x0 = net.init0();
  const S = sketch.bernoulli(keep);
  const t0 = performance.now();
  const run = await model.minimize({ sketch: S, x0, stepSize, iterations, seed, recordEvery: Math.max(1, Math.floor(iterations / 10)) });
  const ms = performance.now() - t0;
  return {
    run, ms, f0: run.trace[0].f, f: run.trace.at(-1).f,
    accuracy0: net.accuracy(x0), accuracy: net.accuracy(run.x),
    fD: model.sketchedValue(run.x, S, { samples: 200, seed: 2 }),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const arg = (name, dflt) => { const i = process.argv.indexOf(`--${name}`); return i < 0 ? dflt : Number(process.argv[i + 1]); };
  const mast = await init();
  const r = await trainTwoLayer(mast, { iterations: arg("iterations", 3000), keep: arg("keep", 0.8), hidden: arg("hidden", 16) });
  console.log(`two-layer ReLU network, ${r.run.x.length} weights, Bernoulli(${arg("keep", 0.8)}) sketches on every weight`);
  console.log(`f: ${r.f0.toFixed(4)} -> ${r.f.toFixed(4)}, f_D ≈ ${r.fD.mean.toFixed(4)} ± ${r.fD.stderr.toFixed(4)}`);
  console.log(`accuracy: ${r.accuracy0.toFixed(3)} -> ${r.accuracy.toFixed(3)}`);
  console.log(`${r.run.iterations} steps in ${r.ms.toFixed(0)} ms (${(r.ms * 1000 / r.run.iterations).toFixed(1)} µs a step, the model's own cost included)`);
  console.log(`digest ${r.run.digest}`);
}
