// Plain TypeScript references of the f32 MLP kernels (assembly/nn/):
//  - an f64 network (forward, softmax cross-entropy, backward) written for clarity, with no knowledge of the kernels'
//    orders: the oracle for gradients (analytic and by finite differences);
//  - the unit sketches' draws, from the reference Philox cursor;
//  - an f32 mirror: Math.fround after every + − × ÷, the kernels' reduction orders, so that results can be compared
//    bit for bit (exp, log and tanh are passed in: the module's own, where a test needs their bits).
import { RefRng } from "./philox.ts";
import { floyd } from "./kernels.ts";

export type Act = "relu" | "tanh";
export interface Net { sizes: number[]; act: Act; lambda: number }

/** The parameter layout: offW[l], offB[l] for l = 1 .. L+1 (index 0 unused), d. */
export function layout(sizes: number[]): { offW: number[]; offB: number[]; d: number } {
  const offW = [0], offB = [0];
  let o = 0;
  for (let l = 1; l < sizes.length; l++) { offW.push(o); o += sizes[l] * sizes[l - 1]; offB.push(o); o += sizes[l]; }
  return { offW, offB, d: o };
}

/** The tensors of a flat vector: for each layer l = 1 .. L+1 the name and [start, end) of W_l and b_l. */
export function tensors(sizes: number[]): { name: string; start: number; end: number; layer: number; bias: boolean }[] {
  const { offW, offB } = layout(sizes), out = [];
  for (let l = 1; l < sizes.length; l++) {
    out.push({ name: `W${l}`, start: offW[l], end: offB[l], layer: l, bias: false });
    out.push({ name: `b${l}`, start: offB[l], end: offB[l] + sizes[l], layer: l, bias: true });
  }
  return out;
}

// ---------------------------------------------------------------- the f64 network

/** f64 loss f̂(x) = (1/D) Σ_r w_r ℓ_r(x) + λ/2 ‖W‖² and its gradient, by plain backpropagation. */
export function lossGrad64(net: Net, x: ArrayLike<number>, X: number[][], labels: number[], w: number[] | null, D: number):
  { value: number; grad: Float64Array; logits: number[][] } {
  const { sizes, act, lambda } = net;
  const L = sizes.length - 2, { offW, offB, d } = layout(sizes);
  const Wt = (l: number, j: number, k: number) => x[offW[l] + j * sizes[l - 1] + k];
  const grad = new Float64Array(d);
  let value = 0;
  const logitsAll: number[][] = [];
  for (let r = 0; r < X.length; r++) {
    // forward
    const H: number[][] = [X[r].slice()];
    for (let l = 1; l <= L + 1; l++) {
      const z: number[] = [];
      for (let j = 0; j < sizes[l]; j++) {
        let s = x[offB[l] + j];
        for (let k = 0; k < sizes[l - 1]; k++) s += Wt(l, j, k) * H[l - 1][k];
        z.push(l <= L ? (act === "relu" ? Math.max(s, 0) : Math.tanh(s)) : s);
      }
      H.push(z);
    }
    const z = H[L + 1];
    logitsAll.push(z);
    const m = Math.max(...z);
    const e = z.map((v) => Math.exp(v - m)), S = e.reduce((a, b) => a + b, 0);
    const wr = w ? w[r] : 1;
    value += wr * (m + Math.log(S) - z[labels[r]]);
    // backward
    let dz = e.map((v, c) => (wr / D) * (v / S - (c === labels[r] ? 1 : 0)));
    for (let l = L + 1; l >= 1; l--) {
      for (let j = 0; j < sizes[l]; j++) {
        grad[offB[l] + j] += dz[j];
        for (let k = 0; k < sizes[l - 1]; k++) grad[offW[l] + j * sizes[l - 1] + k] += dz[j] * H[l - 1][k];
      }
      if (l > 1) {
        const dh = new Array(sizes[l - 1]).fill(0);
        for (let j = 0; j < sizes[l]; j++) for (let k = 0; k < sizes[l - 1]; k++) dh[k] += dz[j] * Wt(l, j, k);
        dz = dh.map((v, k) => {
          const a = H[l - 1][k];
          return act === "relu" ? (a > 0 ? v : 0) : v * (1 - a * a);
        });
      }
    }
  }
  value /= D;
  for (let l = 1; l <= L + 1; l++) {
    for (let i = offW[l]; i < offB[l]; i++) { grad[i] += lambda * x[i]; value += 0.5 * lambda * x[i] * x[i]; }
  }
  return { value, grad, logits: logitsAll };
}

// ---------------------------------------------------------------- unit sketches

export interface UnitSketch { T: number[][]; s: number[][] }   // per hidden layer l (index l − 1): kept units, scales

/** The unit sketch of step t as assembly/nn/units.ts draws it: stream 11 (13: Monte Carlo, 14: sketch-set members),
 *  step index t·L + (l − 1). kind: 0 identity, 1 Bernoulli(param), 3 Rand-K (k per layer), 4 permutation (M per layer).
 *  Scales are f32 values. */
export function refUnits(seed: number, sizes: number[], kind: number, param: number, perLayer: number[] | null, t: number, stream = 11): UnitSketch {
  const L = sizes.length - 2, rng = new RefRng(seed);
  const T: number[][] = [], s: number[][] = [];
  for (let l = 1; l <= L; l++) {
    const n = sizes[l], seq = t * L + (l - 1), k = perLayer ? perLayer[l - 1] : param;
    let kept: number[] = [], scale = 1;
    if (kind === 0) kept = Array.from({ length: n }, (_, j) => j);
    else if (kind === 1) {
      const cur = rng.cursor(stream, seq);
      for (let j = 0; j < n; j++) if (cur.nextUniform() < param) kept.push(j);
      scale = Math.fround(1 / param);
    } else if (kind === 3) {
      kept = floyd(rng, n, k, stream, seq).sort((a, b) => a - b);
      scale = Math.fround(n / k);
    } else if (kind === 4) {
      const M = k, round = Math.floor(t / M), block = t % M, q = Math.ceil(n / M), slots = q * M;
      const perm = Array.from({ length: slots }, (_, i) => i);
      const cur = rng.cursor(stream, round * L + (l - 1));
      for (let i = slots - 1; i > 0; i--) { const j = cur.nextBelow(i + 1); [perm[i], perm[j]] = [perm[j], perm[i]]; }
      kept = perm.slice(block * q, (block + 1) * q).filter((j) => j < n).sort((a, b) => a - b);
      scale = M;
    } else throw new Error(`kind ${kind}`);
    T.push(kept);
    s.push(kept.map(() => scale));
  }
  return { T, s };
}

/** Per-parameter scale of a unit sketch (0 off its support): s_j on unit j's incoming weights and bias, 1 on the output
 *  layer. */
export function unitScales(sizes: number[], u: UnitSketch): Float64Array {
  const L = sizes.length - 2, { offW, offB, d } = layout(sizes);
  const sc = new Float64Array(d);
  for (let l = 1; l <= L + 1; l++) {
    const rows = l <= L ? u.T[l - 1] : Array.from({ length: sizes[l] }, (_, j) => j);
    rows.forEach((j, a) => {
      const s = l <= L ? u.s[l - 1][a] : 1;
      for (let k = 0; k < sizes[l - 1]; k++) sc[offW[l] + j * sizes[l - 1] + k] = s;
      sc[offB[l] + j] = s;
    });
  }
  return sc;
}

/** The support of a unit sketch's output in the kernels' order: per layer the kept rows of W_l (all columns), then
 *  the kept biases; the output layer whole. */
export function unitSupport(sizes: number[], u: UnitSketch): number[] {
  const L = sizes.length - 2, { offW, offB } = layout(sizes), out: number[] = [];
  for (let l = 1; l <= L + 1; l++) {
    const rows = l <= L ? u.T[l - 1] : Array.from({ length: sizes[l] }, (_, j) => j);
    for (const j of rows) for (let k = 0; k < sizes[l - 1]; k++) out.push(offW[l] + j * sizes[l - 1] + k);
    for (const j of rows) out.push(offB[l] + j);
  }
  return out;
}

/** y = v + S(x − v) in f64 for per-parameter scales sc (0 = dropped: y = v; v null = 0); where s = 1, y = x. */
export function sketchedPoint64(x: ArrayLike<number>, v: ArrayLike<number> | null, sc: ArrayLike<number>): Float64Array {
  const y = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const vi = v ? v[i] : 0;
    y[i] = sc[i] === 1 ? x[i] : vi + sc[i] * (x[i] - vi);
  }
  return y;
}

// ---------------------------------------------------------------- the f32 mirror

const fr = Math.fround;

/** dot in the kernels' f32 order: four lanes over k < 4⌊K/4⌋, (c0 + c2) + (c1 + c3), then the tail. */
export function dotF32(a: ArrayLike<number>, ao: number, b: ArrayLike<number>, bo: number, K: number): number {
  const c = [0, 0, 0, 0];
  let k = 0;
  for (; k + 4 <= K; k += 4) for (let l = 0; l < 4; l++) c[l] = fr(c[l] + fr(a[ao + k + l] * b[bo + k + l]));
  let s = fr(fr(c[0] + c[2]) + fr(c[1] + c[3]));
  for (; k < K; k++) s = fr(s + fr(a[ao + k] * b[bo + k]));
  return s;
}

/** C = A·Bᵀ + bias (matmulNT), row-major, contiguous. */
export function matmulNT32(A: ArrayLike<number>, B: ArrayLike<number>, bias: ArrayLike<number> | null, M: number, N: number, K: number): Float32Array {
  const C = new Float32Array(M * N);
  for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) C[i * N + j] = fr(dotF32(A, i * K, B, j * K, K) + (bias ? bias[j] : 0));
  return C;
}

/** C_ik = Σ_r a(i, r) B_rk serially over r from +0 (matmulNN with a(i, r) = A[i·R + r]; matmulTN with A[r·M + i]). */
export function matmulSerial32(a: (i: number, r: number) => number, B: ArrayLike<number>, M: number, N: number, R: number): Float32Array {
  const C = new Float32Array(M * N);
  for (let i = 0; i < M; i++) for (let k = 0; k < N; k++) {
    let s = 0;
    for (let r = 0; r < R; r++) s = fr(s + fr(a(i, r) * B[r * N + k]));
    C[i * N + k] = s;
  }
  return C;
}

export interface Mirror {
  sizes: number[]; act: Act; lambda: number;
  tanh: (z: Float32Array) => Float32Array;   // elementwise f32 tanh (the module's, for bits)
  exp: (x: number) => number; log: (x: number) => number;   // f64 exp/log (the module's, for bits)
}

/** One pass of the kernels in f32 on parameters P with widths m (layout of m), input rows H0 (B × m_0), labels, weights,
 *  D: activations, logits, loss sum, and ∇ (data term) in P's layout. */
export function passF32(M: Mirror, P: Float32Array, m: number[], H0: Float32Array, labels: number[], w: number[] | null, D: number) {
  const L = m.length - 2, B = labels.length, { offW, offB, d } = layout(m);
  const H: Float32Array[] = [H0];
  for (let l = 1; l <= L + 1; l++) {
    let z = matmulNT32(H[l - 1], P.subarray(offW[l], offB[l]), P.subarray(offB[l], offB[l] + m[l]), B, m[l], m[l - 1]);
    if (l <= L) z = M.act === "relu" ? z.map((v) => (Number.isNaN(v) ? v : v > 0 ? v : 0)) : M.tanh(z);
    H.push(z);
  }
  const C = m[L + 1], Z = H[L + 1];
  let total = 0;
  let dz = new Float32Array(B * C);
  for (let r = 0; r < B; r++) {
    let mx = Z[r * C];
    for (let c = 1; c < C; c++) if (Z[r * C + c] > mx) mx = Z[r * C + c];
    const e: number[] = [];
    let S = 0;
    for (let c = 0; c < C; c++) { e.push(M.exp(Z[r * C + c] - mx)); S += e[c]; }
    const wr = w ? w[r] : 1, y = labels[r];
    total += wr * ((mx - Z[r * C + y]) + M.log(S));
    const coef = wr / D;
    for (let c = 0; c < C; c++) { const p = e[c] / S; dz[r * C + c] = fr(coef * (c === y ? p - 1 : p)); }
  }
  const G = new Float32Array(d);
  for (let l = L + 1; l >= 1; l--) {
    const n = m[l], np = m[l - 1], Hp = H[l - 1], dzl = dz;
    G.set(matmulSerial32((i, r) => dzl[r * n + i], Hp, n, np, B), offW[l]);
    for (let j = 0; j < n; j++) { let s = 0; for (let r = 0; r < B; r++) s = fr(s + dzl[r * n + j]); G[offB[l] + j] = s; }
    if (l > 1) {
      const Wl = P.subarray(offW[l], offB[l]);
      const dh = matmulSerial32((i, r) => dzl[i * n + r], Wl, B, np, n);
      dz = M.act === "relu" ? dh.map((v, q) => (Hp[q] > 0 ? v : 0)) : dh.map((v, q) => fr(v * fr(1 - fr(Hp[q] * Hp[q]))));
    }
  }
  return { H, logits: Z, lossSum: total, G };
}

/** ‖row‖² as the kernels sum it: f64 squares of f32(s·x_k), four lanes, (c0 + c2) + (c1 + c3), then the tail. */
export function rowSq(x: ArrayLike<number>, o: number, n: number, s: number): number {
  const c = [0, 0, 0, 0];
  let k = 0;
  for (; k + 4 <= n; k += 4) for (let l = 0; l < 4; l++) { const y = fr(s * x[o + k + l]); c[l] += y * y; }
  let t = (c[0] + c[2]) + (c[1] + c[3]);
  for (; k < n; k++) { const y = fr(s * x[o + k]); t += y * y; }
  return t;
}

/** The kernels' step in f32 (assembly/nn/step.ts) for a unit sketch u (null = identity) or a coordinate sketch
 *  (coords: support and f64 scales), shift v (null = 0): loss f̂(y), the output support and values, activations. */
export function stepF32(M: Mirror, x: Float32Array, v: Float32Array | null, Xrows: Float32Array[], labels: number[], w: number[] | null,
  D: number, u: UnitSketch | null, coords: { T: number[]; s: number[] } | null) {
  const { sizes, lambda } = M, L = sizes.length - 2, full = layout(sizes), lam = fr(lambda);
  const B = labels.length, n0 = sizes[0];
  const H0 = new Float32Array(B * n0);
  Xrows.forEach((row, r) => H0.set(row, r * n0));
  const rowsOf = (l: number) => (l <= L ? u!.T[l - 1] : Array.from({ length: sizes[l] }, (_, j) => j));
  const scaleOf = (l: number, a: number) => (l <= L ? u!.s[l - 1][a] : 1);
  let pen = 0;
  const idx: number[] = [], val: number[] = [];
  let pass;
  if (u && !coords && !v) {
    // compact path
    const m = [n0, ...Array.from({ length: L }, (_, i) => u.T[i].length), sizes[L + 1]];
    const c = layout(m), P = new Float32Array(c.d);
    for (let l = 1; l <= L + 1; l++) {
      const rows = rowsOf(l), cols = l >= 2 ? u.T[l - 2] : Array.from({ length: n0 }, (_, k) => k), np = sizes[l - 1];
      rows.forEach((j, a) => {
        const s = scaleOf(l, a);
        cols.forEach((k, b) => { P[c.offW[l] + a * m[l - 1] + b] = fr(s * x[full.offW[l] + j * np + k]); });
        P[c.offB[l] + a] = fr(s * x[full.offB[l] + j]);
      });
    }
    pass = passF32(M, P, m, H0, labels, w, D);
    for (let l = 1; l <= L + 1; l++) {
      const rows = rowsOf(l), np = sizes[l - 1], colsSet = l >= 2 ? u.T[l - 2] : null;
      rows.forEach((j, a) => {
        const s = scaleOf(l, a);
        let b = 0;
        for (let k = 0; k < np; k++) {
          let g = 0;
          if (!colsSet) g = pass.G[c.offW[l] + a * m[l - 1] + k];
          else if (b < colsSet.length && colsSet[b] === k) { g = pass.G[c.offW[l] + a * m[l - 1] + b]; b++; }
          if (lambda !== 0) g = fr(g + fr(lam * fr(s * x[full.offW[l] + j * np + k])));
          idx.push(full.offW[l] + j * np + k); val.push(fr(s * g));
        }
        if (lambda !== 0) pen += rowSq(x, full.offW[l] + j * np, np, s);
      });
      rows.forEach((j, a) => { idx.push(full.offB[l] + j); val.push(fr(scaleOf(l, a) * pass.G[c.offB[l] + a])); });
    }
  } else {
    // dense paths: y, the full network at y, g + λ y
    let y: Float32Array;
    const yOf = (xi: number, vi: number, s: number) => (s === 1 ? xi : fr(vi + fr(s * fr(xi - vi))));
    if (coords) {
      y = v ? v.slice() : new Float32Array(full.d);
      coords.T.forEach((i, k) => { const s = fr(coords.s[k]); y[i] = v ? yOf(x[i], v[i], s) : fr(s * x[i]); });
    } else if (u) {
      y = v!.slice();
      for (let l = 1; l <= L; l++) {
        const np = sizes[l - 1];
        u.T[l - 1].forEach((j, a) => {
          const s = u.s[l - 1][a];
          for (let k = 0; k < np; k++) { const i = full.offW[l] + j * np + k; y[i] = yOf(x[i], v![i], s); }
          const i = full.offB[l] + j; y[i] = yOf(x[i], v![i], s);
        });
      }
      for (let i = full.offW[L + 1]; i < full.d; i++) y[i] = x[i];
    } else y = x;
    pass = passF32(M, y, sizes, H0, labels, w, D);
    const G = pass.G;
    if (lambda !== 0) {
      for (let l = 1; l <= L + 1; l++) {
        const np = sizes[l - 1];
        for (let j = 0; j < sizes[l]; j++) {
          const o = full.offW[l] + j * np;
          for (let k = 0; k < np; k++) G[o + k] = fr(G[o + k] + fr(lam * y[o + k]));
          pen += rowSq(y, o, np, 1);
        }
      }
    }
    if (coords) coords.T.forEach((i, k) => { idx.push(i); val.push(fr(fr(coords.s[k]) * G[i])); });
    else if (u) {
      for (let l = 1; l <= L + 1; l++) {
        const rows = rowsOf(l), np = sizes[l - 1];
        rows.forEach((j, a) => { for (let k = 0; k < np; k++) { const i = full.offW[l] + j * np + k; idx.push(i); val.push(fr(scaleOf(l, a) * G[i])); } });
        rows.forEach((j, a) => { const i = full.offB[l] + j; idx.push(i); val.push(fr(scaleOf(l, a) * G[i])); });
      }
    } else for (let i = 0; i < full.d; i++) { idx.push(i); val.push(G[i]); }
  }
  return { loss: pass.lossSum / D + 0.5 * lambda * pen, idx, val, H: pass.H, logits: pass.logits };
}

/** x ← f32(x − f32(γ₃₂ g)) on the support (the kernels' update). */
export function applyF32(x: Float32Array, idx: number[], val: number[], gamma: number): void {
  const g = fr(gamma);
  idx.forEach((i, k) => { x[i] = fr(x[i] - fr(g * val[k])); });
}
