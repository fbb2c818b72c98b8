// Questions 2 and 3: DSGD steps/s through the public API against the same algorithm in plain JS and in C, and how
// the step time scales with the sketch density K/d.
//  (a) dense synthetic logistic problem n = 20,000, d = 1,000 (seeded xorshift128, labels ±1 from a planted w);
//  (b) a9a (sparse, $MAST_DATA/libsvm/a9a.gz or ../shared/data/libsvm/a9a.gz; skipped with a message if absent);
//  (c) sparsity scaling: dense d = 10,000, n = 2,000, K/d ∈ {1, 0.5, 0.2, 0.1, 0.05, 0.01} (+ identity).
// Sketches: identity and Rand-K at K/d = 0.5, 0.1, 0.01; batch 1; theory step size. Usage: node bench/dsgd.mjs [--smoke]
import { readFileSync } from "node:fs";
import { init, sketch } from "../dist/index.js";
import {
  smoke, check, checkClose, checkPositive, finish, xorshift128, xorshiftState, C_RNG, C_PHILOX, compileC, makeBench, runRounds,
  statsOf, fromC, ROUNDS, addRatios, writeResults, fmtTime, fmtNum, dataPath, existsSync, relErr,
} from "./_lib.mjs";

const NAME = "dsgd";
const DENSE = smoke ? { n: 400, d: 100 } : { n: 20000, d: 1000 };
const SCALE = smoke ? { n: 200, d: 1000 } : { n: 2000, d: 10000 };
const A9A_ROWS = smoke ? 1000 : Infinity;
const FRACS = [0.5, 0.1, 0.01];
const SCALE_FRACS = [1, 0.5, 0.2, 0.1, 0.05, 0.01];
const L2 = 1e-4;
const TARGET_MS = smoke ? 4 : 80;        // steps per timed call are chosen so one call lasts about this long
const C_SAMPLES = smoke ? 3 : 6;         // per round
const CHECK_STEPS = smoke ? 200 : 2000;
const SEED = 1;

// ---------- data (the C peer regenerates the same numbers) ----------

/** a_ij = (2u − 1)/√d, planted w_j = 2u − 1, b_i = sign(a_iᵀw) (sequential sum), shift v_j = 0.1(2u − 1). */
function denseData(n, d, seed) {
  const r = xorshift128(seed);
  const a = new Float64Array(n * d), inv = 1 / Math.sqrt(d);
  for (let i = 0; i < n * d; i++) a[i] = (2 * r.uniform() - 1) * inv;
  const w = new Float64Array(d), v = new Float64Array(d), b = new Float64Array(n);
  for (let j = 0; j < d; j++) w[j] = 2 * r.uniform() - 1;
  for (let j = 0; j < d; j++) v[j] = 0.1 * (2 * r.uniform() - 1);
  for (let i = 0; i < n; i++) { let s = 0; for (let j = 0; j < d; j++) s += a[i * d + j] * w[j]; b[i] = s >= 0 ? 1 : -1; }
  const Av = new Float64Array(n);
  for (let i = 0; i < n; i++) { let s = 0; for (let j = 0; j < d; j++) s += a[i * d + j] * v[j]; Av[i] = s; }
  return { n, d, a, b, v, Av };
}

// ---------- plain-JS peers: one row per step, Rand-K by partial Fisher–Yates with an inlined xorshift128 ----------

function deriv(m, b) {   // φ'(m) of log(1 + e^{−bm}), evaluated without overflow (same formula as the wasm)
  const z = b * m;
  if (z >= 0) { const e = Math.exp(-z); return -b * (e / (1 + e)); }
  return -b * (1 / (1 + Math.exp(z)));
}

/** Dense DSGD, identity sketch: margin over the whole row (4 accumulators), update every coordinate. */
function denseIdentityJs(a, b, Av, v, x, n, d, gamma, l2, T, st) {
  let rx = st[0], ry = st[1], rz = st[2], rw = st[3];
  for (let t = 0; t < T; t++) {
    const q = (rx ^ (rx << 11)) >>> 0; rx = ry; ry = rz; rz = rw; rw = (rw ^ (rw >>> 19) ^ (q ^ (q >>> 8))) >>> 0;
    const i = Math.floor((rw * n) / 4294967296), o = i * d;
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0, j = 0;
    for (; j + 4 <= d; j += 4) {
      s0 += a[o + j] * (x[j] - v[j]); s1 += a[o + j + 1] * (x[j + 1] - v[j + 1]);
      s2 += a[o + j + 2] * (x[j + 2] - v[j + 2]); s3 += a[o + j + 3] * (x[j + 3] - v[j + 3]);
    }
    let m = (s0 + s2) + (s1 + s3);
    for (; j < d; j++) m += a[o + j] * (x[j] - v[j]);
    const c = deriv(Av[i] + m, b[i]);
    for (j = 0; j < d; j++) {
      const y = v[j] + (x[j] - v[j]);
      x[j] = x[j] - gamma * (c * a[o + j] + l2 * y);
    }
  }
  st[0] = rx; st[1] = ry; st[2] = rz; st[3] = rw;
}

/** Dense DSGD, Rand-K: K swaps of a persistent permutation give the support, then gather/scatter on it only. */
function denseRandKJs(a, b, Av, v, x, n, d, K, gamma, l2, T, st, perm) {
  let rx = st[0], ry = st[1], rz = st[2], rw = st[3];
  const s = d / K;
  for (let t = 0; t < T; t++) {
    for (let k = 0; k < K; k++) {
      const q = (rx ^ (rx << 11)) >>> 0; rx = ry; ry = rz; rz = rw; rw = (rw ^ (rw >>> 19) ^ (q ^ (q >>> 8))) >>> 0;
      const r = k + Math.floor((rw * (d - k)) / 4294967296);
      const p = perm[k]; perm[k] = perm[r]; perm[r] = p;
    }
    const q = (rx ^ (rx << 11)) >>> 0; rx = ry; ry = rz; rz = rw; rw = (rw ^ (rw >>> 19) ^ (q ^ (q >>> 8))) >>> 0;
    const i = Math.floor((rw * n) / 4294967296), o = i * d;
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0, k = 0;
    for (; k + 4 <= K; k += 4) {
      const j0 = perm[k], j1 = perm[k + 1], j2 = perm[k + 2], j3 = perm[k + 3];
      s0 += a[o + j0] * (s * (x[j0] - v[j0])); s1 += a[o + j1] * (s * (x[j1] - v[j1]));
      s2 += a[o + j2] * (s * (x[j2] - v[j2])); s3 += a[o + j3] * (s * (x[j3] - v[j3]));
    }
    let m = (s0 + s2) + (s1 + s3);
    for (; k < K; k++) { const j = perm[k]; m += a[o + j] * (s * (x[j] - v[j])); }
    const c = deriv(Av[i] + m, b[i]);
    for (k = 0; k < K; k++) {
      const j = perm[k];
      const y = v[j] + s * (x[j] - v[j]);
      x[j] = x[j] - gamma * (s * (c * a[o + j] + l2 * y));
    }
  }
  st[0] = rx; st[1] = ry; st[2] = rz; st[3] = rw;
}

/** Sparse (CSR) DSGD: support from Fisher–Yates (K < d) or all of 0..d−1 (identity); slot[j] maps the row onto it. */
function sparseJs(ip, ix, val, b, Av, v, x, n, d, K, gamma, l2, T, st, perm, slot, delta, g) {
  let rx = st[0], ry = st[1], rz = st[2], rw = st[3];
  const s = d / K;
  for (let t = 0; t < T; t++) {
    if (K < d) {
      for (let k = 0; k < K; k++) {
        const q = (rx ^ (rx << 11)) >>> 0; rx = ry; ry = rz; rz = rw; rw = (rw ^ (rw >>> 19) ^ (q ^ (q >>> 8))) >>> 0;
        const r = k + Math.floor((rw * (d - k)) / 4294967296);
        const p = perm[k]; perm[k] = perm[r]; perm[r] = p;
      }
    }
    for (let k = 0; k < K; k++) { const j = perm[k]; slot[j] = k; delta[k] = s * (x[j] - v[j]); g[k] = 0; }
    const q = (rx ^ (rx << 11)) >>> 0; rx = ry; ry = rz; rz = rw; rw = (rw ^ (rw >>> 19) ^ (q ^ (q >>> 8))) >>> 0;
    const i = Math.floor((rw * n) / 4294967296);
    let m = Av[i];
    for (let e = ip[i], end = ip[i + 1]; e < end; e++) { const k = slot[ix[e]]; if (k >= 0) m += val[e] * delta[k]; }
    const c = deriv(m, b[i]);
    for (let e = ip[i], end = ip[i + 1]; e < end; e++) { const k = slot[ix[e]]; if (k >= 0) g[k] += c * val[e]; }
    for (let k = 0; k < K; k++) {
      const j = perm[k];
      x[j] = x[j] - gamma * (s * (g[k] + l2 * (v[j] + delta[k])));
      slot[j] = -1;
    }
  }
  st[0] = rx; st[1] = ry; st[2] = rz; st[3] = rw;
}

/** f(x) = (1/n) Σ log(1 + e^{−b a·x}) + λ/2‖x‖² for the dense peer data. */
function denseObjective(D, x, l2) {
  const { n, d, a, b } = D;
  let f = 0;
  for (let i = 0; i < n; i++) {
    let m = 0; for (let j = 0; j < d; j++) m += a[i * d + j] * x[j];
    const z = b[i] * m;
    f += (z < 0 ? -z : 0) + Math.log1p(Math.exp(-Math.abs(z)));
  }
  let q = 0; for (let j = 0; j < d; j++) q += x[j] * x[j];
  return f / n + 0.5 * l2 * q;
}

/**
 * The sketched full-data gradient g = S ∇f(v + S(x − v)) on a given support (what the wasm's sketchedGradient returns),
 * computed in plain JS from the rows; used to check that the wasm and the JS peer do the same math.
 */
function sketchedGradientJs(rowsOf, n, b, Av, v, x, support, s, l2) {
  const m = support.length, delta = new Float64Array(m), acc = new Float64Array(m);
  const pos = new Map(); support.forEach((j, k) => { pos.set(j, k); delta[k] = s * (x[j] - v[j]); });
  for (let i = 0; i < n; i++) {
    let mi = Av[i];
    rowsOf(i, (j, a) => { const k = pos.get(j); if (k !== undefined) mi += a * delta[k]; });
    const c = deriv(mi, b[i]);
    rowsOf(i, (j, a) => { const k = pos.get(j); if (k !== undefined) acc[k] += c * a; });
  }
  return Float64Array.from(support, (j, k) => s * (acc[k] / n + l2 * (v[j] + delta[k])));
}

// ---------- the C peer (dense) ----------

const C_SOURCE = String.raw`
#define _POSIX_C_SOURCE 199309L
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <math.h>
#include <time.h>
${C_RNG}
static int n, d; static double *A, *B, *V, *AV, *X; static int* PERM; static double L2;

static inline double deriv(double m, double b) {
  double z = b * m;
  if (z >= 0) { double e = exp(-z); return -b * (e / (1 + e)); }
  return -b * (1 / (1 + exp(z)));
}
__attribute__((noinline)) static void identitySteps(double gamma, long T) {
  for (long t = 0; t < T; t++) {
    int i = (int)below((uint32_t)n); const double* a = A + (size_t)i * d;
    double s0 = 0, s1 = 0, s2 = 0, s3 = 0; int j = 0;
    for (; j + 4 <= d; j += 4) {
      s0 += a[j] * (X[j] - V[j]); s1 += a[j+1] * (X[j+1] - V[j+1]); s2 += a[j+2] * (X[j+2] - V[j+2]); s3 += a[j+3] * (X[j+3] - V[j+3]);
    }
    double m = (s0 + s2) + (s1 + s3);
    for (; j < d; j++) m += a[j] * (X[j] - V[j]);
    double c = deriv(AV[i] + m, B[i]);
    for (j = 0; j < d; j++) { double y = V[j] + (X[j] - V[j]); X[j] = X[j] - gamma * (c * a[j] + L2 * y); }
  }
}
__attribute__((noinline)) static void randKSteps(int K, double gamma, long T) {
  double s = (double)d / K;
  for (long t = 0; t < T; t++) {
    for (int k = 0; k < K; k++) { int r = k + (int)below((uint32_t)(d - k)); int p = PERM[k]; PERM[k] = PERM[r]; PERM[r] = p; }
    int i = (int)below((uint32_t)n); const double* a = A + (size_t)i * d;
    double s0 = 0, s1 = 0, s2 = 0, s3 = 0; int k = 0;
    for (; k + 4 <= K; k += 4) {
      int j0 = PERM[k], j1 = PERM[k+1], j2 = PERM[k+2], j3 = PERM[k+3];
      s0 += a[j0] * (s * (X[j0] - V[j0])); s1 += a[j1] * (s * (X[j1] - V[j1]));
      s2 += a[j2] * (s * (X[j2] - V[j2])); s3 += a[j3] * (s * (X[j3] - V[j3]));
    }
    double m = (s0 + s2) + (s1 + s3);
    for (; k < K; k++) { int j = PERM[k]; m += a[j] * (s * (X[j] - V[j])); }
    double c = deriv(AV[i] + m, B[i]);
    for (k = 0; k < K; k++) { int j = PERM[k]; double y = V[j] + s * (X[j] - V[j]); X[j] = X[j] - gamma * (s * (c * a[j] + L2 * y)); }
  }
}
#ifdef PHILOX_DRAWS
${C_PHILOX}
static long STEP = 0;
static inline int rowDraw(void) { int q = 0, have = fillTo((uint64_t)STEP, 1, 4); return (int)lemire((uint32_t)n, &q, &have, (uint64_t)STEP, 1); }
static void floydK(int K) { floydPhilox(d, K, (uint64_t)STEP, 0, PERM); }   /* PERM[0..K): the sketch of step STEP */
__attribute__((noinline)) static void philoxSteps(int K, double gamma, long T) {
  double s = K > 0 ? (double)d / K : 1;
  for (long t = 0; t < T; t++, STEP++) {
    int i = rowDraw(); const double* a = A + (size_t)i * d;
    if (K <= 0) {
      double s0 = 0, s1 = 0, s2 = 0, s3 = 0; int j = 0;
      for (; j + 4 <= d; j += 4) { s0 += a[j] * (X[j] - V[j]); s1 += a[j+1] * (X[j+1] - V[j+1]); s2 += a[j+2] * (X[j+2] - V[j+2]); s3 += a[j+3] * (X[j+3] - V[j+3]); }
      double m = (s0 + s2) + (s1 + s3); for (; j < d; j++) m += a[j] * (X[j] - V[j]);
      double c = deriv(AV[i] + m, B[i]);
      for (j = 0; j < d; j++) { double y = V[j] + (X[j] - V[j]); X[j] = X[j] - gamma * (c * a[j] + L2 * y); }
      continue;
    }
    floydK(K);
    double s0 = 0, s1 = 0, s2 = 0, s3 = 0; int k = 0;
    for (; k + 4 <= K; k += 4) {
      int j0 = PERM[k], j1 = PERM[k+1], j2 = PERM[k+2], j3 = PERM[k+3];
      s0 += a[j0] * (s * (X[j0] - V[j0])); s1 += a[j1] * (s * (X[j1] - V[j1])); s2 += a[j2] * (s * (X[j2] - V[j2])); s3 += a[j3] * (s * (X[j3] - V[j3]));
    }
    double m = (s0 + s2) + (s1 + s3);
    for (; k < K; k++) { int j = PERM[k]; m += a[j] * (s * (X[j] - V[j])); }
    double c = deriv(AV[i] + m, B[i]);
    for (k = 0; k < K; k++) { int j = PERM[k]; double y = V[j] + s * (X[j] - V[j]); X[j] = X[j] - gamma * (s * (c * a[j] + L2 * y)); }
  }
}
static void steps(int K, double gamma, long T) { philoxSteps(K, gamma, T); }
#else
static void steps(int K, double gamma, long T) { if (K <= 0) identitySteps(gamma, T); else randKSteps(K, gamma, T); }
#endif
static double objective(void) {
  double f = 0;
  for (int i = 0; i < n; i++) { double m = 0; for (int j = 0; j < d; j++) m += A[(size_t)i * d + j] * X[j];
    double z = B[i] * m; f += (z < 0 ? -z : 0) + log1p(exp(-fabs(z))); }
  double q = 0; for (int j = 0; j < d; j++) q += X[j] * X[j];
  return f / n + 0.5 * L2 * q;
}
int main(int argc, char** argv) {
  int a = 1;
  n = atoi(argv[a++]); d = atoi(argv[a++]); uint32_t seed = (uint32_t)atoi(argv[a++]); L2 = atof(argv[a++]);
  int samples = atoi(argv[a++]); long checkSteps = atol(argv[a++]); int nsk = atoi(argv[a++]);
  A = malloc(sizeof(double) * (size_t)n * d); B = malloc(sizeof(double) * n); V = malloc(sizeof(double) * d);
  AV = malloc(sizeof(double) * n); X = malloc(sizeof(double) * d); PERM = malloc(sizeof(int) * d);
  double* W = malloc(sizeof(double) * d);
  seedRng(seed); double inv = 1 / sqrt((double)d);
  for (size_t i = 0; i < (size_t)n * d; i++) A[i] = (2 * unif() - 1) * inv;
  for (int j = 0; j < d; j++) W[j] = 2 * unif() - 1;
  for (int j = 0; j < d; j++) V[j] = 0.1 * (2 * unif() - 1);
  for (int i = 0; i < n; i++) { double s = 0; for (int j = 0; j < d; j++) s += A[(size_t)i * d + j] * W[j]; B[i] = s >= 0 ? 1 : -1; }
  for (int i = 0; i < n; i++) { double s = 0; for (int j = 0; j < d; j++) s += A[(size_t)i * d + j] * V[j]; AV[i] = s; }
  double* t = malloc(sizeof(double) * samples);
  printf("{\"cases\":[");
  for (int c = 0; c < nsk; c++) {
    int K = atoi(argv[a++]); double gamma = atof(argv[a++]); long T = atol(argv[a++]);
    /* check run: fresh permutation, fixed seed, from x = v */
    for (int j = 0; j < d; j++) PERM[j] = j;
    memcpy(X, V, sizeof(double) * d); seedRng(4242); steps(K, gamma, checkSteps); double f = objective();
    seedRng(77 + c); steps(K, gamma, T); /* warm-up */
    for (int s = 0; s < samples; s++) {
      memcpy(X, V, sizeof(double) * d);
      double t0 = nowNs(); steps(K, gamma, T); t[s] = (nowNs() - t0) / T;
    }
    qsort(t, samples, sizeof(double), cmpd);
    printf("%s{\"K\":%d,\"median_ns\":%.6g,\"p75_ns\":%.6g,\"samples\":%d,\"reps\":%ld,\"check\":%.17g,\"x0\":%.17g,\"t\":[", c ? "," : "", K,
           quant(t, samples, 0.5), quant(t, samples, 0.75), samples, T, f, X[0]);
    for (int s = 0; s < samples; s++) printf("%s%.6g", s ? "," : "", t[s]);
    printf("]}");
  }
  printf("]}\n");
  return 0;
}
`;

/** The plain-JS peer of a dense group: (sketch, γ) → run(T), T steps from x = v with its own xorshift stream. */
function denseJsPeer(D, seed) {
  return (sk, gamma) => {
    const x = new Float64Array(D.d), st = xorshiftState(seed), perm = Int32Array.from({ length: D.d }, (_, j) => j);
    return (T) => {
      x.set(D.v);
      if (sk.identity) denseIdentityJs(D.a, D.b, D.Av, D.v, x, D.n, D.d, gamma, L2, T, st);
      else denseRandKJs(D.a, D.b, D.Av, D.v, x, D.n, D.d, sk.K, gamma, L2, T, st, perm);
      return x[0];
    };
  };
}

// ---------- harness ----------

const mast = await init();
console.log(`${NAME}: wasm build ${mast.build}; dense ${DENSE.n}×${DENSE.d}; scaling ${SCALE.n}×${SCALE.d}${smoke ? " [smoke]" : ""}`);
const cases = [];
const skipped = [];
let sinkJs = 0;

/** A wasm problem for dense peer data (copied in through the public API). */
function denseProblem(D) {
  const data = mast.data.dense(D.a, { rows: D.n, cols: D.d, labels: D.b });
  return mast.problem({ data, loss: "logistic", l2: L2, shift: D.v });
}

/** Sketch specs of one group: identity and Rand-K at the given fractions of d. */
function sketches(d, fracs, withIdentity = true) {
  const out = withIdentity ? [{ label: "identity", spec: sketch.identity(), K: d, identity: true }] : [];
  for (const f of fracs) {
    const K = Math.max(1, Math.round(f * d));
    out.push({ label: `Rand-K K/d=${f} (K=${K})`, spec: sketch.randK(K), K, frac: f, identity: false });
  }
  return out;
}

/** One timed minimize() call: the steps only (the two trace objective evaluations are subtracted). */
async function wasmCall(problem, sk, T, valueMs, e2e) {
  let tA = 0, tB = 0;
  const t0 = performance.now();
  const r = await problem.minimize({
    // the last iterate, as the peers return (averaging adds its own cost: docs/methods.md#averaging)
    sketch: sk.spec, batch: 1, iterations: T, stepSize: "theory", recordEvery: T, seed: SEED, average: false,
    onProgress: (row) => { if (row.iteration === 0) tA = performance.now(); else tB = performance.now(); },
  });
  e2e?.push(performance.now() - t0);
  // T is chosen so the objective evaluation is a small part of the window; the bound only guards against noise.
  return { r, stepsMs: Math.max(tB - tA - valueMs, 0.5 * (tB - tA)) };
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };

/** Median time of problem.value(x): subtracted from each minimize() sample (it evaluates f once inside the window). */
function valueTime(problem, x) {
  for (let k = 0; k < 5; k++) problem.value(x);   // warm-up (tier-up of the wasm code)
  const ts = [];
  for (let k = 0; k < (smoke ? 7 : 15); k++) { const t0 = performance.now(); problem.value(x); ts.push(performance.now() - t0); }
  return median(ts);
}

/** Steps per call so that a call lasts about TARGET_MS, and at least 20× the objective evaluation inside the window. */
function stepsFor(msPerStep, valueMs) { return Math.max(smoke ? 20 : 200, Math.round(Math.max(TARGET_MS, 20 * valueMs) / msPerStep)); }

/**
 * benchGroup: for each sketch, time wasm minimize() and the JS peer over T steps (T calibrated per sketch), check
 * work counters and objective sanity, and return case objects { group, label, impls, ratios, extra }.
 */
async function benchGroup(group, problem, sks, js, extra = {}, afterRound = null) {
  const d = problem.dimension;
  await problem.minimize({ sketch: sks[0].spec, batch: 1, iterations: 1, recordEvery: 1, average: false });   // computes L etc. once
  const valueMs = valueTime(problem, problem.shift);
  const bench = makeBench({ time: 400, iterations: 5, warmupIterations: 1, warmupTime: 1 });
  const plan = [];
  for (const sk of sks) {
    const gamma = problem.constants(sk.spec, { batch: 1 }).stepSize;
    // calibrate T on the wasm (its per-step cost decides the call length; the peers run the same T): grow T until
    // the step window clearly dominates the objective evaluation inside it, then scale to TARGET_MS.
    let T0 = smoke ? 50 : 1000, perStep;
    await wasmCall(problem, sk, T0, 0);   // warm-up
    for (;;) {
      const { stepsMs } = await wasmCall(problem, sk, T0, 0);
      if (stepsMs >= Math.max(TARGET_MS / 4, 4 * valueMs) || T0 >= 1 << 24) { perStep = Math.max(stepsMs - valueMs, stepsMs / 2) / T0; break; }
      T0 *= 4;
    }
    const T = Math.min(stepsFor(perStep, valueMs), 1 << 24);
    const e2e = [];
    let last = null;
    const wName = `${group} ${sk.label} [wasm]`;
    bench.add(wName, async () => {
      const { r, stepsMs: ms } = await wasmCall(problem, sk, T, valueMs, e2e);
      last = r;
      return { overriddenDuration: ms };
    });
    const jName = `${group} ${sk.label} [js]`;
    const runJs = js(sk, gamma);
    bench.add(jName, () => { sinkJs += runJs(T); });
    plan.push({ sk, gamma, T, wName, jName, e2e, get last() { return last; } });
  }
  const pooled = await runRounds(bench, { afterRound: afterRound ? () => afterRound(plan) : undefined });
  const out = [];
  for (const p of plan) {
    const { sk, T } = p;
    const r = p.last;
    const m = sk.identity ? d : sk.K;
    check(r.iterations === T && r.work.rowsTouched === T, `${group} ${sk.label}: ${T} steps, one row each (got ${r.iterations} steps, ${r.work.rowsTouched} rows)`);
    if (sk.identity && problem.data.indptr) {
      // CSR rows with the identity: the lazy path touches 2·nnz(row) a step plus d at the write-back
      const maxNnz = Math.max(...Array.from({ length: problem.data.rows }, (_, i) => problem.data.indptr[i + 1] - problem.data.indptr[i]));
      check(r.work.coordsTouched > 0 && r.work.coordsTouched <= 2 * maxNnz * T + d, `${group} ${sk.label}: at most 2·max nnz·T + d = ${2 * maxNnz * T + d} coordinates touched, far below 2·d·T (got ${r.work.coordsTouched})`);
    } else {
      check(r.work.coordsTouched === 2 * m * T, `${group} ${sk.label}: 2·|supp S|·T = ${2 * m * T} coordinates touched (got ${r.work.coordsTouched})`);
    }
    const f0 = r.trace[0].f, fT = r.trace.at(-1).f;
    // SGD with the theory step need not decrease f over a short run (n < d overfits one row at a time), so this only
    // asks for a finite objective that has not blown up.
    check(Number.isFinite(fT) && fT < 2 * f0, `${group} ${sk.label}: f(x_T) = ${fT} finite and below 2·f(x_0) = ${2 * f0}`);
    const c = {
      group, label: sk.label, unit: "steps/s", workPerOp: 1, K: sk.K, frac: sk.frac ?? 1, identity: sk.identity,
      stepsPerCall: T, stepSize: p.gamma, fStart: f0, fEnd: fT,
      impls: { wasm: statsOf(pooled.get(p.wName), T), js: statsOf(pooled.get(p.jName), T) },
      wasmEndToEndMsPerCall: median(p.e2e), valueMsSubtracted: valueMs, ...extra,
    };
    for (const s of Object.values(c.impls)) s.rate = s.opsPerSec;
    out.push(c);
  }
  return out;
}

/**
 * cPeers(D, seed, group): the C peers of a dense group (xorshift draws, and the wasm's own Philox draws) on the same
 * data (regenerated in C from the seed), run once after each round with the same steps per call; attach(cases) adds
 * impls.c and impls["c-philox"] and checks the C and JS peers against each other. null (with a message) without gcc.
 */
function cPeers(D, seed, group) {
  const cPeer = compileC("dsgd", C_SOURCE);
  if (!cPeer) return null;
  const cPhilox = compileC("dsgd-philox", "#define PHILOX_DRAWS 1\n" + C_SOURCE);
  const cRuns = [], pRuns = [];   // per round: one result per sketch
  return {
    afterRound(plan) {
      const args = [D.n, D.d, seed, L2, C_SAMPLES, CHECK_STEPS, plan.length];
      for (const p of plan) args.push(p.sk.identity ? 0 : p.sk.K, p.gamma, p.T);
      cRuns.push(cPeer.run(args).cases);
      pRuns.push(cPhilox.run(args).cases);
    },
    attach(cases) {
      cPeer.cleanup();
      cPhilox.cleanup();
      const f0 = denseObjective(D, D.v, L2);
      cases.forEach((c, k) => {
        const s = fromC(cRuns.map((r) => r[k])); s.rate = s.opsPerSec; c.impls.c = s;
        const sp = fromC(pRuns.map((r) => r[k])); sp.rate = sp.opsPerSec; c.impls["c-philox"] = sp;
        const fp = pRuns[0][k].check;
        check(Number.isFinite(fp) && fp < 2 * f0, `${group} ${c.label}: C peer with Philox draws: f = ${fp} finite and below 2·f(v)`);
        // JS check run, the same as the C one: fresh permutation, seed 4242, from x = v, CHECK_STEPS steps.
        const x = Float64Array.from(D.v), st = xorshiftState(4242), perm = Int32Array.from({ length: D.d }, (_, j) => j);
        if (c.identity) denseIdentityJs(D.a, D.b, D.Av, D.v, x, D.n, D.d, c.stepSize, L2, CHECK_STEPS, st);
        else denseRandKJs(D.a, D.b, D.Av, D.v, x, D.n, D.d, c.K, c.stepSize, L2, CHECK_STEPS, st, perm);
        const fj = denseObjective(D, x, L2);
        checkClose(cRuns[0][k].check, fj, 1e-9, `${group} ${c.label}: C and JS peers reach the same f after ${CHECK_STEPS} steps`);
        check(Number.isFinite(fj) && fj < 2 * f0, `${group} ${c.label}: JS peer f = ${fj} finite and below 2·f(v) = ${2 * f0}`);
      });
    },
  };
}

// ---------- (a) dense ----------

{
  const D = denseData(DENSE.n, DENSE.d, 2024);
  const problem = denseProblem(D);
  const sks = sketches(D.d, FRACS);
  // Same math: the wasm's sketched full-data gradient equals the JS computation on the same support (1e-9 relative).
  {
    const r = xorshift128(31);
    const x = Float64Array.from(D.v, (vj) => vj + 0.3 * (2 * r.uniform() - 1));
    const rowsOf = (i, f) => { const o = i * D.d; for (let j = 0; j < D.d; j++) f(j, D.a[o + j]); };
    for (const sk of [sks[0], sks[2]]) {
      const { g, support } = problem.sketchedGradient(x, sk.spec, { step: 3, seed: 9 });
      const s = sk.identity ? 1 : D.d / sk.K;
      const gj = sketchedGradientJs(rowsOf, D.n, D.b, D.Av, D.v, x, Array.from(support), s, L2);
      let scale = 0, err = 0;
      support.forEach((j, k) => { scale = Math.max(scale, Math.abs(gj[k])); });
      support.forEach((j, k) => { err = Math.max(err, Math.abs(g[j] - gj[k])); });
      check(support.length === (sk.identity ? D.d : sk.K) && err <= 1e-9 * scale,
        `dense ${sk.label}: wasm sketchedGradient = JS on the same support (max abs err ${err.toExponential(2)}, scale ${scale.toExponential(2)})`);
    }
  }
  const js = denseJsPeer(D, 77);
  const cp = cPeers(D, 2024, "dense");
  const group = await benchGroup("dense", problem, sks, js, { dataset: `dense synthetic ${D.n}×${D.d}` }, cp?.afterRound);
  cp?.attach(group);
  for (const c of group) addRatios(c, "wasm", ["js", "c", "c-philox"].filter((k) => c.impls[k]));
  cases.push(...group);
}

// ---------- (b) a9a ----------

{
  const file = dataPath("libsvm/a9a.gz");
  if (!existsSync(file)) {
    const msg = `skipped: a9a not found at ${file} (set MAST_DATA to the directory holding libsvm/a9a.gz)`;
    console.log(`  ${msg}`);
    skipped.push(msg);
  } else {
    let data = await mast.data.libsvm(readFileSync(file));
    if (data.rows > A9A_ROWS) data = data.subset(Array.from({ length: A9A_ROWS }, (_, i) => i));
    const n = data.rows, d = data.cols;
    const r = xorshift128(5);
    const v = Float64Array.from({ length: d }, () => 0.1 * (2 * r.uniform() - 1));
    const problem = mast.problem({ data, loss: "logistic", l2: L2, shift: v });
    const { indptr: ip, indices: ix, values: val, labels: b } = data;
    const Av = new Float64Array(n);
    for (let i = 0; i < n; i++) for (let e = ip[i]; e < ip[i + 1]; e++) Av[i] += val[e] * v[ix[e]];
    const sks = sketches(d, FRACS);
    {
      const x = Float64Array.from(v, (vj) => vj + 0.3 * (2 * r.uniform() - 1));
      const rowsOf = (i, f) => { for (let e = ip[i]; e < ip[i + 1]; e++) f(ix[e], val[e]); };
      for (const sk of [sks[0], sks[2]]) {
        const { g, support } = problem.sketchedGradient(x, sk.spec, { step: 3, seed: 9 });
        const s = sk.identity ? 1 : d / sk.K;
        const gj = sketchedGradientJs(rowsOf, n, b, problem.margins(v), v, x, Array.from(support), s, L2);
        let scale = 0, err = 0;
        support.forEach((j, k) => { scale = Math.max(scale, Math.abs(gj[k])); err = Math.max(err, Math.abs(g[j] - gj[k])); });
        check(err <= 1e-9 * scale, `a9a ${sk.label}: wasm sketchedGradient = JS on the same support (max abs err ${err.toExponential(2)})`);
      }
      checkClose(problem.margins(v).reduce((s, m) => s + m, 0), Av.reduce((s, m) => s + m, 0), 1e-9, "a9a: wasm margins a_iᵀv = JS");
    }
    const js = (sk, gamma) => {
      const x = new Float64Array(d), st = xorshiftState(78), perm = Int32Array.from({ length: d }, (_, j) => j);
      const slot = new Int32Array(d).fill(-1), delta = new Float64Array(d), g = new Float64Array(d);
      return (T) => { x.set(v); sparseJs(ip, ix, val, b, Av, v, x, n, d, sk.K, gamma, L2, T, st, perm, slot, delta, g); return x[0]; };
    };
    const group = await benchGroup("a9a", problem, sks, js, { dataset: `a9a ${n}×${d}, nnz=${data.nnz}` });
    for (const c of group) addRatios(c, "wasm", ["js"]);
    cases.push(...group);
  }
}

// ---------- (c) sparsity scaling ----------

{
  const D = denseData(SCALE.n, SCALE.d, 2025);
  const problem = denseProblem(D);
  const sks = [...sketches(D.d, SCALE_FRACS, false), { label: "identity", spec: sketch.identity(), K: D.d, identity: true }];
  const js = denseJsPeer(D, 79);
  const cp = cPeers(D, 2025, "scaling");
  const group = await benchGroup("scaling", problem, sks, js, { dataset: `dense synthetic ${D.n}×${D.d}` }, cp?.afterRound);
  cp?.attach(group);
  const full = group.find((c) => !c.identity && c.K === D.d), id = group.find((c) => c.identity);
  for (const c of group) {
    addRatios(c, "wasm", ["js", "c", "c-philox"].filter((k) => c.impls[k]));
    c.timeVsKd = {};
    c.timeVsIdentity = {};
    // the expected fraction of a row's 64-byte lines (8 f64) that a K-subset touches: 1 − C(d−8, K)/C(d, K)
    let miss = 1;
    for (let i = 0; i < 8; i++) miss *= Math.max(0, D.d - c.K - i) / (D.d - i);
    c.linesTouched = c.identity ? 1 : 1 - miss;
    for (const impl of Object.keys(c.impls)) {
      c.timeVsKd[impl] = c.impls[impl].medianMs / full.impls[impl].medianMs;
      c.timeVsIdentity[impl] = c.impls[impl].medianMs / id.impls[impl].medianMs;
    }
  }
  cases.push(...group);
}

for (const c of cases) for (const [impl, s] of Object.entries(c.impls)) {
  checkPositive(s.rate, `${c.group} ${c.label} [${impl}] steps/s`);
  checkPositive(s.medianMs, `${c.group} ${c.label} [${impl}] median step time`);
}
check(Number.isFinite(sinkJs), "JS peer iterates stay finite");

for (const c of cases) {
  const parts = ["wasm", "js", "c"].filter((k) => c.impls[k]).map((k) => `${k} ${fmtNum(c.impls[k].rate)} (${fmtTime(c.impls[k].medianMs)}/step)`);
  const rs = Object.entries(c.ratios).map(([k, v]) => `${k} ${v.toFixed(2)}×`);
  const rel = c.timeVsKd ? ` | t/t(K=d): ${Object.entries(c.timeVsKd).map(([k, v]) => `${k} ${v.toFixed(3)}`).join(" ")}` : "";
  console.log(`  ${c.group} ${c.label} [steps/s]: ${parts.join(" | ")} | ${rs.join(" ")}${rel}`);
}

// ---------- targets ----------

const dense = cases.filter((c) => c.group === "dense"), a9a = cases.filter((c) => c.group === "a9a");
const worst = (cs, key) => cs.filter((c) => c.ratios[key] !== undefined).reduce((w, c) => (!w || c.ratios[key] < w.ratios[key] ? c : w), null);
const targets = [];
{
  const w = worst(dense, "wasm/c");
  if (w) targets.push({
    id: "dsgd-vs-c", label: "DSGD steps/s vs C -O3 (dense, worst sketch)", target: "≥ 0.77×", measured: `${w.ratios["wasm/c"].toFixed(2)}× (${w.label})`,
    met: dense.every((c) => c.ratios["wasm/c"] >= 0.77),
    detail: dense.map((c) => `${c.label}: ${c.ratios["wasm/c"].toFixed(2)}×`).join("; ") +
      (dense.every((c) => c.ratios["wasm/c-philox"] !== undefined)
        ? `. Against the same C with our Philox draws: ${dense.map((c) => `${c.label}: ${c.ratios["wasm/c-philox"].toFixed(2)}×`).join("; ")}`
        : ""),
  });
  else targets.push({ id: "dsgd-vs-c", label: "DSGD steps/s vs C -O3", target: "≥ 0.77×", measured: "not run (gcc not found)", met: null });
  const all = [...dense, ...a9a];
  const wj = worst(all, "wasm/js");
  targets.push({
    id: "dsgd-vs-js", label: "DSGD steps/s vs plain JS (dense + a9a, worst sketch)", target: "≥ 3×", measured: `${wj.ratios["wasm/js"].toFixed(2)}× (${wj.group} ${wj.label})`,
    met: all.every((c) => c.ratios["wasm/js"] >= 3),
    detail: all.map((c) => `${c.group} ${c.label}: ${c.ratios["wasm/js"].toFixed(2)}×`).join("; "),
  });
  const s01 = cases.find((c) => c.group === "scaling" && c.frac === 0.1 && !c.identity);
  targets.push({
    id: "sparsity-scaling", label: `Step time at K/d = 0.1 vs K = d (d = ${SCALE.d})`, target: "≤ 0.2×", measured: `${s01.timeVsKd.wasm.toFixed(3)}× (vs identity: ${s01.timeVsIdentity.wasm.toFixed(3)}×)`,
    met: s01.timeVsKd.wasm <= 0.2,
    detail: "K = d is Rand-K with K = d (every coordinate, scale 1); the identity sketch takes the contiguous fast path. " +
      `At K/d = 0.1 a step still touches ${(100 * s01.linesTouched).toFixed(0)}% of the row's 64-byte lines (8 f64 a line), at random` +
      (s01.timeVsKd.c !== undefined ? `; the C peer's t/t(K=d) is ${s01.timeVsKd.c.toFixed(3)} (xorshift) and ${s01.timeVsKd["c-philox"].toFixed(3)} (Philox draws)` : "") + ".",
  });
}

writeResults(NAME, {
  title: "DSGD throughput and sparsity scaling (questions 2 and 3)",
  ours: "wasm",
  implNames: {
    wasm: `mast-wasm public API (init() → ${mast.build} build): problem.minimize({ sketch, batch: 1, iterations: T, stepSize: "theory", recordEvery: T, average: false })`,
    js: "the same algorithm in plain JS (Float64Array, one row per step, partial Fisher–Yates + inlined xorshift128, 4-accumulator margins, update on the support only)",
    c: "the same algorithm in C (gcc -O3 -march=native -ffp-contract=off), dense only, timed inside C",
    "c-philox": "the same C with mast-wasm's own draws instead of xorshift128: Philox4x32-10 words, Lemire's bounded draws, Floyd's K-subset with stamps (scalar Philox, as gcc compiles it); what the counter-based generator costs, kernels apart",
  },
  config: { dense: DENSE, scaling: SCALE, fracs: FRACS, scalingFracs: SCALE_FRACS, l2: L2, batch: 1, targetCallMs: TARGET_MS, cSamples: C_SAMPLES, checkSteps: CHECK_STEPS, seed: SEED },
  notes: [
    "One sample = one minimize() call of T steps (T chosen so the step window lasts ≥ ~80 ms and ≥ 20× one objective evaluation); time per step = sample time / T.",
    "All tasks of a group run in 3 interleaved rounds (the C peer runs once after each round); samples are pooled over the rounds before the median and p75 are taken.",
    "minimize() evaluates f(x) at t = 0 and t = T for its trace; the step window is taken between the two onProgress callbacks and the median time of one problem.value(x) is subtracted. wasmEndToEndMsPerCall keeps the whole call for reference.",
    "The wasm draws S with Philox4x32-10 (Floyd's algorithm) and the row with Philox too; the peers use xorshift128, so the iterates differ; the same math is checked through sketchedGradient against a JS computation (1e-9 relative), and the C and JS peers are checked against each other.",
    "The wasm also checks every new iterate for finiteness (divergence detection); the peers do not.",
    "C -O3, Philox draws: the C peer with the wasm's generator and samplers. wasm/c-philox compares the kernels on equal terms; wasm/c includes the cost of a counter-based generator (required for same-seed-same-bits across runtimes and resumable runs) against xorshift128.",
  ],
  skipped,
  targets,
  cases,
});
finish(NAME);
