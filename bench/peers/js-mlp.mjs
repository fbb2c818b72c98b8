// Plain-JavaScript peer of the network bench: a relu MLP with minibatch SGD written the straightforward way, f32
// storage (Float32Array weights, activations and gradients), scalar loops, no SIMD, no skipping of zeros.
// A *speed* peer only: its softmax uses Math.exp, whose bits differ between engines (peers.md §4), so its results are
// not reproducible across runtimes and must not serve as a reference for values.
//
//   const net = jsMlp({ sizes: [784, 256, 256, 10], dropout: 0.5, lr: 0.1, seed: 1, batch: 64 });
//   net.step(X, Y, rows) → mean cross-entropy of the batch (before the update)
//   net.evaluate(X, Y, n) → { loss, acc } in inference mode (no dropout)
//
// Layout: W of layer l is [fanIn][fanOut] row-major, so the forward pass is z_b = b + Σ_i a_bi · W[i,:] (an axpy over
// a contiguous row of W) and the backward pass is dW[i,:] += a_bi · dz_b (axpy) and da_bi = W[i,:] · dz_b (dot).
// Dropout: inverted (kept units scaled by 1/(1−p)), masks drawn from the bench's xorshift128.
import { xorshift128 } from "../_lib.mjs";
import { initParams } from "./mlp-common.mjs";

export function jsMlp({ sizes, dropout = null, lr = 0.1, seed = 1, batch = 64 }) {
  const L = sizes.length - 1, B = batch, p = dropout ?? 0, keepScale = p > 0 ? 1 / (1 - p) : 1;
  const params = initParams(sizes, seed);
  const rng = xorshift128((seed + 0x9e3779b9) >>> 0);
  // Per layer: pre-activations Z, activations A (A[0] = the input batch), dropout masks, gradients.
  const A = sizes.map((n) => new Float32Array(B * n));
  const Z = sizes.map((n) => new Float32Array(B * n));
  const M = sizes.map((n, l) => (p > 0 && l > 0 && l < L ? new Float32Array(B * n) : null));
  const dZ = sizes.map((n) => new Float32Array(B * n));
  const dW = params.map((q) => new Float32Array(q.W.length)), db = params.map((q) => new Float32Array(q.b.length));
  const C = sizes[L], d = sizes[0];

  /** Forward over `rows` rows already in A[0]; training: dropout on. Logits land in Z[L]. */
  function forward(rows, training) {
    for (let l = 0; l < L; l++) {
      const { W, b, fanIn, fanOut } = params[l], a = A[l], z = Z[l + 1];
      for (let r = 0; r < rows; r++) {
        const zo = r * fanOut, ao = r * fanIn;
        for (let j = 0; j < fanOut; j++) z[zo + j] = b[j];
        for (let i = 0; i < fanIn; i++) {
          const ai = a[ao + i], wo = i * fanOut;
          for (let j = 0; j < fanOut; j++) z[zo + j] += ai * W[wo + j];
        }
      }
      if (l + 1 < L) {   // hidden: relu, then dropout
        const h = A[l + 1], m = M[l + 1], n = rows * fanOut;
        for (let k = 0; k < n; k++) h[k] = z[k] > 0 ? z[k] : 0;
        if (training && m) for (let k = 0; k < n; k++) { m[k] = rng.uniform() >= p ? keepScale : 0; h[k] *= m[k]; }
      }
    }
  }

  /** Softmax cross-entropy of Z[L] against labels; fills dZ[L] = (softmax − onehot) / rows when grad. */
  function lossAndGrad(Y, idx, rows, grad) {
    const z = Z[L], g = dZ[L];
    let loss = 0, correct = 0;
    for (let r = 0; r < rows; r++) {
      const o = r * C, y = Y[idx ? idx[r] : r];
      let mx = -Infinity, arg = 0;
      for (let c = 0; c < C; c++) if (z[o + c] > mx) { mx = z[o + c]; arg = c; }
      let s = 0;
      for (let c = 0; c < C; c++) s += Math.exp(z[o + c] - mx);
      loss += Math.log(s) - (z[o + y] - mx);
      if (arg === y) correct++;
      if (grad) for (let c = 0; c < C; c++) g[o + c] = (Math.exp(z[o + c] - mx) / s - (c === y ? 1 : 0)) / rows;
    }
    return { loss: loss / rows, correct };
  }

  function backwardAndUpdate(rows) {
    for (let l = L - 1; l >= 0; l--) {
      const { W, b, fanIn, fanOut } = params[l], a = A[l], g = dZ[l + 1], gW = dW[l], gb = db[l];
      gW.fill(0); gb.fill(0);
      for (let r = 0; r < rows; r++) {
        const go = r * fanOut, ao = r * fanIn;
        for (let j = 0; j < fanOut; j++) gb[j] += g[go + j];
        for (let i = 0; i < fanIn; i++) {
          const ai = a[ao + i], wo = i * fanOut;
          for (let j = 0; j < fanOut; j++) gW[wo + j] += ai * g[go + j];
        }
      }
      if (l > 0) {   // da = g Wᵀ, then through dropout and relu into dZ[l]
        const ga = dZ[l], z = Z[l], m = M[l];
        for (let r = 0; r < rows; r++) {
          const go = r * fanOut, ao = r * fanIn;
          for (let i = 0; i < fanIn; i++) {
            const wo = i * fanOut;
            let s = 0;
            for (let j = 0; j < fanOut; j++) s += W[wo + j] * g[go + j];
            if (m) s *= m[ao + i];
            ga[ao + i] = z[ao + i] > 0 ? s : 0;
          }
        }
      }
      for (let k = 0; k < W.length; k++) W[k] -= lr * gW[k];
      for (let j = 0; j < fanOut; j++) b[j] -= lr * gb[j];
    }
  }

  return {
    sizes, dropout, params,
    /** One SGD step on X's rows `idx` (Int32Array of length batch): returns the batch's mean loss before the update. */
    step(X, Y, idx) {
      const x = A[0];
      for (let r = 0; r < idx.length; r++) x.set(X.subarray(idx[r] * d, idx[r] * d + d), r * d);
      forward(idx.length, true);
      const { loss } = lossAndGrad(Y, idx, idx.length, true);
      backwardAndUpdate(idx.length);
      return loss;
    },
    /** Mean cross-entropy and accuracy over the first n rows of X, Y, in inference mode. */
    evaluate(X, Y, n) {
      let loss = 0, correct = 0;
      for (let s = 0; s < n; s += B) {
        const rows = Math.min(B, n - s);
        A[0].set(X.subarray(s * d, (s + rows) * d));
        forward(rows, false);
        const idx = Int32Array.from({ length: rows }, (_, k) => s + k);
        const r = lossAndGrad(Y, idx, rows, false);
        loss += r.loss * rows; correct += r.correct;
      }
      return { loss: loss / n, acc: correct / n };
    },
    finite() { return params.every((q) => q.W.every(Number.isFinite) && q.b.every(Number.isFinite)); },
  };
}
