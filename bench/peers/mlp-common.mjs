// Shared pieces of the JS-side network peers (bench/peers/tfjs-mlp.mjs, bench/peers/js-mlp.mjs) and of
// bench/networks-peers.mjs: the MNIST t10k split loader, the initial weights, the minibatch order, the cases.
//
// Data: the MNIST t10k split = the 10,000-image MNIST test set read as a data set of its own (IDX, gzip), first
// 8,000 images train, last 2,000 test, pixels / 255 as float32. Found in $MAST_DATA/mnist/ or ../shared/data/mnist/
// relative to the repository; never copied into the repository.
import { existsSync, readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { dataPath, xorshift128 } from "../_lib.mjs";

export const IMAGES_REL = "mnist/t10k-images-idx3-ubyte.gz";
export const LABELS_REL = "mnist/t10k-labels-idx1-ubyte.gz";
export const SPLIT_NAME = "MNIST t10k split";

/** The paths the benches read (from $MAST_DATA or ../shared/data). */
export function mnistPaths() {
  return { images: dataPath(IMAGES_REL), labels: dataPath(LABELS_REL) };
}

function readIdx(path, magic, ndim) {
  let raw = readFileSync(path);
  if (path.endsWith(".gz")) raw = gunzipSync(raw);
  const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const m = dv.getUint32(0, false);
  if (m !== magic) throw new Error(`${path}: IDX magic 0x${m.toString(16).padStart(8, "0")}, expected 0x${magic.toString(16).padStart(8, "0")}`);
  const dims = Array.from({ length: ndim }, (_, i) => dv.getUint32(4 + 4 * i, false));
  const off = 4 + 4 * ndim, count = dims.reduce((a, b) => a * b, 1);
  if (raw.byteLength - off !== count) throw new Error(`${path}: ${raw.byteLength - off} bytes of data for dimensions ${dims.join("×")}`);
  return { dims, bytes: raw.subarray(off) };
}

const cache = new Map();
/**
 * loadMnistT10kSplit({ train = 8000, test = 2000 }) → { name, paths, d, classes, nTrain, nTest, trainX, trainY, testX,
 * testY } (X: Float32Array rows of d pixels / 255; Y: Uint8Array labels), or { skipped: reason } when the files are
 * absent. Cached per (train, test).
 */
export function loadMnistT10kSplit({ train = 8000, test = 2000 } = {}) {
  const paths = mnistPaths();
  const key = `${paths.images}|${train}|${test}`;
  if (cache.has(key)) return cache.get(key);
  for (const p of [paths.images, paths.labels]) {
    if (!existsSync(p)) return { skipped: `the ${SPLIT_NAME} not found: ${p} is missing (set MAST_DATA to the directory holding ${IMAGES_REL} and ${LABELS_REL})` };
  }
  const im = readIdx(paths.images, 0x00000803, 3), lb = readIdx(paths.labels, 0x00000801, 1);
  const [n, rows, cols] = im.dims, d = rows * cols;
  if (lb.dims[0] !== n) throw new Error(`${n} images but ${lb.dims[0]} labels`);
  if (train + test > n) throw new Error(`train ${train} + test ${test} > ${n} images`);
  const X = new Float32Array(n * d);
  for (let i = 0; i < n * d; i++) X[i] = im.bytes[i] / 255;   // as numpy: float32(u8) / float32(255), correctly rounded
  const Y = Uint8Array.from(lb.bytes);
  const out = {
    name: SPLIT_NAME, paths, d, classes: 10, nTrain: train, nTest: test,
    trainX: X.subarray(0, train * d), trainY: Y.subarray(0, train),
    testX: X.subarray((n - test) * d), testY: Y.subarray(n - test),
  };
  cache.set(key, out);
  return out;
}

/**
 * The three cases the network bench compares, plus two small ones for --smoke. sizes: input first, classes last;
 * dropout: rate after every hidden activation, or null.
 */
export const CASES = {
  dense: { id: "dense", label: "784-256-256-10 dense", sizes: [784, 256, 256, 10], dropout: null },
  dropout: { id: "dropout", label: "784-256-256-10, Dropout(0.5) on the hidden layers", sizes: [784, 256, 256, 10], dropout: 0.5 },
  subnet: { id: "subnet", label: "784-64-64-10 (one IST node's subnetwork, M = 4)", sizes: [784, 64, 64, 10], dropout: null },
};
export const SMOKE_CASES = {
  "smoke-dense": { id: "smoke-dense", label: "784-32-10 dense (smoke)", sizes: [784, 32, 10], dropout: null },
  "smoke-dropout": { id: "smoke-dropout", label: "784-32-10, Dropout(0.5) (smoke)", sizes: [784, 32, 10], dropout: 0.5 },
};

/** Training hyper-parameters shared by every peer unless a call overrides them. */
export const DEFAULTS = { batch: 64, lr: 0.1, seed: 1 };

/**
 * initParams(sizes, seed) → [{ W, b, fanIn, fanOut }] with W a Float32Array [fanIn][fanOut] (row-major: x·W) and b a
 * Float32Array(fanOut), all uniform in ±1/√fanIn: the distribution of PyTorch's default nn.Linear initialisation,
 * drawn from the bench's xorshift128 so the JS peers start alike.
 */
export function initParams(sizes, seed) {
  const r = xorshift128(seed >>> 0);
  const layers = [];
  for (let l = 0; l + 1 < sizes.length; l++) {
    const fanIn = sizes[l], fanOut = sizes[l + 1], bound = 1 / Math.sqrt(fanIn);
    const W = new Float32Array(fanIn * fanOut), b = new Float32Array(fanOut);
    for (let i = 0; i < W.length; i++) W[i] = (2 * r.uniform() - 1) * bound;
    for (let j = 0; j < fanOut; j++) b[j] = (2 * r.uniform() - 1) * bound;
    layers.push({ W, b, fanIn, fanOut });
  }
  return layers;
}

/** batchOrder(n, batch, seed): next() → Int32Array view of the next `batch` row indices of an epoch-wise shuffle. */
export function batchOrder(n, batch, seed) {
  const r = xorshift128((seed ^ 0x5bd1e995) >>> 0);
  const perm = Int32Array.from({ length: n }, (_, i) => i);
  let pos = n;
  return {
    next() {
      if (pos + batch > n) {
        for (let i = n - 1; i > 0; i--) { const j = r.below(i + 1), t = perm[i]; perm[i] = perm[j]; perm[j] = t; }
        pos = 0;
      }
      const p = pos; pos += batch;
      return perm.subarray(p, p + batch);
    },
  };
}

/** gather(X, d, rows, out): copy the rows into out (Float32Array of rows.length·d). */
export function gather(X, d, rows, out) {
  for (let k = 0; k < rows.length; k++) out.set(X.subarray(rows[k] * d, rows[k] * d + d), k * d);
  return out;
}

/** median of numbers. */
export function median(xs) {
  const s = Float64Array.from(xs).sort(), m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * timeReps(runSteps, { reps, steps, repMs, warmup, batch }): warm up (runSteps(warmup)), choose the steps per
 * repetition (given, or so that one lasts ~repMs), then time `reps` repetitions with performance.now().
 * runSteps(k) runs k full training steps and returns when they are done. → { samplesPerSec (median), reps
 * (samples/s of each), stepsPerRep, msPerRep }.
 */
export function timeReps(runSteps, { reps = 5, steps = 0, repMs = 1000, warmup = 5, batch }) {
  const t0 = performance.now();
  runSteps(Math.max(1, warmup));
  const perStep = (performance.now() - t0) / Math.max(1, warmup);
  const S = steps > 0 ? steps : Math.max(3, Math.round(repMs / Math.max(perStep, 1e-3)));
  const rates = [], ms = [];
  for (let r = 0; r < reps; r++) {
    const t = performance.now();
    runSteps(S);
    const dt = performance.now() - t;
    ms.push(dt); rates.push((S * batch) / (dt / 1000));
  }
  return { samplesPerSec: median(rates), reps: rates, stepsPerRep: S, msPerRep: ms };
}
