// Question 1, kernel throughput: dot and axpy (f64, n = 1K, 16K, 256K) in GFLOP/s, one CSR row-dot pass over a
// synthetic sparse matrix, and sketch sampling (Rand-K at K/d = 0.5, 0.1, 0.01 and Bernoulli p = 0.1, d = 10,000)
// in elements/s. Implementations in the same run: the raw wasm exports of dist/mast-simd.wasm ("wasm") and
// dist/mast-scalar.wasm ("wasm-scalar"), plain JS over Float64Array ("js") and a native C build ("c", gcc -O3
// -march=native, strict IEEE order, timed inside C). Usage: node bench/kernels.mjs [--smoke]
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  root, smoke, check, checkClose, checkPositive, finish, xorshift128, xorshiftState, C_RNG, C_PHILOX, compileC, makeBench, runRounds, statsOf, fromC,
  calibrate, addRatios, writeResults, fmtTime, fmtNum,
} from "./_lib.mjs";

const NAME = "kernels";
const SIZES = smoke ? [256, 1024, 4096] : [1024, 16384, 262144];
const CSR = smoke ? { rows: 300, cols: 1000, avg: 20 } : { rows: 20000, cols: 10000, avg: 50 };
const SAMP_D = smoke ? 1000 : 10000;
const KFRACS = [0.5, 0.1, 0.01];
const BERN_P = 0.1;
const TARGET_MS = smoke ? 0.2 : 1;          // one sample lasts about this long
const C_SAMPLES = smoke ? 5 : 15;      // per round

const sizeLabel = (n) => (n >= 1024 ? `${n / 1024}K` : String(n));

// ---------- data (the C peer regenerates the same numbers with the same generator) ----------

function vectors(n) {
  const r = xorshift128(n);
  const x = new Float64Array(n), y = new Float64Array(n);
  for (let i = 0; i < n; i++) x[i] = 2 * r.uniform() - 1;
  for (let i = 0; i < n; i++) y[i] = 2 * r.uniform() - 1;
  return { x, y };
}

function csrMatrix({ rows, cols, avg }) {
  const r = xorshift128(7);
  const span = 2 * Math.floor(cols / avg) - 1;
  const indptr = new Int32Array(rows + 1);
  const idx = [], val = [];
  for (let i = 0; i < rows; i++) {
    let j = -1;
    for (;;) {
      j += 1 + r.below(span);
      if (j >= cols) break;
      idx.push(j); val.push(2 * r.uniform() - 1);
    }
    indptr[i + 1] = idx.length;
  }
  const x = new Float64Array(cols);
  for (let j = 0; j < cols; j++) x[j] = 2 * r.uniform() - 1;
  return { indptr, indices: Int32Array.from(idx), values: Float64Array.from(val), x, nnz: idx.length };
}

// ---------- plain-JS peers (same summation order as the wasm) ----------

function dotJs(x, y, n) {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0, i = 0;
  for (; i + 4 <= n; i += 4) {
    s0 += x[i] * y[i]; s1 += x[i + 1] * y[i + 1]; s2 += x[i + 2] * y[i + 2]; s3 += x[i + 3] * y[i + 3];
  }
  let s = (s0 + s2) + (s1 + s3);
  for (; i < n; i++) s += x[i] * y[i];
  return s;
}
function axpyJs(a, x, y, n) { for (let i = 0; i < n; i++) y[i] = y[i] + a * x[i]; }
function csrJs(indptr, indices, values, x, out, rows) {
  for (let i = 0; i < rows; i++) {
    let s = 0;
    for (let e = indptr[i], b = indptr[i + 1]; e < b; e++) s += values[e] * x[indices[e]];
    out[i] = s;
  }
}
// The generator is the xorshift128 of _lib.mjs, inlined by hand (state in a Uint32Array(4)): a closure call per
// draw made the JS peer ~9× slower, and a fair peer is written the way a performance-minded JS author would.
/** Partial Fisher–Yates: the first K entries of perm become a uniform K-subset; scale d/K written alongside. */
function randKJs(perm, d, K, st, scale, s) {
  let x = st[0], y = st[1], z = st[2], w = st[3];
  for (let k = 0; k < K; k++) {
    const t = (x ^ (x << 11)) >>> 0; x = y; y = z; z = w; w = (w ^ (w >>> 19) ^ (t ^ (t >>> 8))) >>> 0;
    const r = k + Math.floor((w * (d - k)) / 4294967296);
    const q = perm[k]; perm[k] = perm[r]; perm[r] = q;
    scale[k] = s;
  }
  st[0] = x; st[1] = y; st[2] = z; st[3] = w;
  return K;
}
/** Bernoulli(p) support by geometric skips (the wasm's algorithm), scale 1/p. */
function bernoulliJs(d, p, st, supp, scale) {
  const lq = Math.log1p(-p), s = 1 / p;
  let x = st[0], y = st[1], z = st[2], w = st[3];
  let j = -1, m = 0;
  for (;;) {
    let t = (x ^ (x << 11)) >>> 0; x = y; y = z; z = w; w = (w ^ (w >>> 19) ^ (t ^ (t >>> 8))) >>> 0;
    const a = w;
    t = (x ^ (x << 11)) >>> 0; x = y; y = z; z = w; w = (w ^ (w >>> 19) ^ (t ^ (t >>> 8))) >>> 0;
    const u = ((a >>> 5) * 67108864 + (w >>> 6) + 0.5) / 9007199254740992;
    j += Math.floor(Math.log(u) / lq) + 1;
    if (j >= d) break;
    supp[m] = j; scale[m] = s; m++;
  }
  st[0] = x; st[1] = y; st[2] = z; st[3] = w;
  return m;
}
const sumSeq = (a) => { let s = 0; for (let i = 0; i < a.length; i++) s += a[i]; return s; };

// ---------- the C peer ----------

const C_SOURCE = String.raw`
#define _POSIX_C_SOURCE 199309L
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <math.h>
#include <time.h>
${C_RNG}
${C_PHILOX}
#define BARRIER() __asm__ volatile("" ::: "memory")
static volatile double sink;

__attribute__((noinline)) static double dot(const double* x, const double* y, int n) {
  double s0 = 0, s1 = 0, s2 = 0, s3 = 0; int i = 0;
  for (; i + 4 <= n; i += 4) { s0 += x[i] * y[i]; s1 += x[i+1] * y[i+1]; s2 += x[i+2] * y[i+2]; s3 += x[i+3] * y[i+3]; }
  double s = (s0 + s2) + (s1 + s3);
  for (; i < n; i++) s += x[i] * y[i];
  return s;
}
/* the same 4-lane order written with GCC vector extensions: lanes (s0,s1,s2,s3), then (s0+s2)+(s1+s3) */
typedef double v4d __attribute__((vector_size(32)));
__attribute__((noinline)) static double dotv(const double* x, const double* y, int n) {
  v4d acc = {0, 0, 0, 0}; int i = 0;
  for (; i + 4 <= n; i += 4) { v4d a, b; memcpy(&a, x + i, 32); memcpy(&b, y + i, 32); acc += a * b; }
  double s = (acc[0] + acc[2]) + (acc[1] + acc[3]);
  for (; i < n; i++) s += x[i] * y[i];
  return s;
}
__attribute__((noinline)) static void axpy(double a, const double* x, double* y, int n) { for (int i = 0; i < n; i++) y[i] = y[i] + a * x[i]; }
__attribute__((noinline)) static void csr(const int* ip, const int* ix, const double* v, const double* x, double* out, int rows) {
  for (int i = 0; i < rows; i++) { double s = 0; for (int e = ip[i]; e < ip[i+1]; e++) s += v[e] * x[ix[e]]; out[i] = s; }
}
__attribute__((noinline)) static int randk(int* perm, int d, int K, double* scale, double s) {
  for (int k = 0; k < K; k++) { int r = k + (int)below((uint32_t)(d - k)); int t = perm[k]; perm[k] = perm[r]; perm[r] = t; scale[k] = s; }
  return K;
}
static uint64_t PSTEP = 0;
__attribute__((noinline)) static int randkPhilox(int* out, int d, int K, double* scale, double s) {
  floydPhilox(d, K, PSTEP++, 0, out);
  for (int k = 0; k < K; k++) scale[k] = s;
  return K;
}
__attribute__((noinline)) static int bern(int d, double p, int* supp, double* scale) {
  double lq = log1p(-p), s = 1.0 / p, j = -1; int m = 0;
  for (;;) { j += floor(log(unifOpen()) / lq) + 1; if (j >= d) break; supp[m] = (int)j; scale[m] = s; m++; }
  return m;
}

/* case state */
static int kind, cn; static double *X, *Y;
static int *IP, *IX; static double *V, *CX, *OUT; static int CR;
static int *PERM, *SUPP; static double *SCALE; static int SD, SK; static double SP;

static void ops(long reps) {
  for (long r = 0; r < reps; r++) {
    switch (kind) {
      case 0: sink = dot(X, Y, cn); break;
      case 1: axpy(1e-9, X, Y, cn); break;
      case 2: csr(IP, IX, V, CX, OUT, CR); break;
      case 3: sink = randk(PERM, SD, SK, SCALE, (double)SD / SK); break;
      case 4: sink = bern(SD, SP, SUPP, SCALE); break;
      case 5: sink = dotv(X, Y, cn); break;
      case 6: sink = randkPhilox(PERM, SD, SK, SCALE, (double)SD / SK); break;
    }
    BARRIER();
  }
}
static double targetNs; static int nSamples; static int first = 1;
static void timeCase(const char* name, double checkValue) {
  long reps = 1;
  for (;;) { double t0 = nowNs(); ops(reps); double dt = nowNs() - t0;
    if (dt >= targetNs) { reps = (long)(reps * fmin(8.0, targetNs / dt)); if (reps < 1) reps = 1; break; }
    reps *= dt < targetNs / 16 ? 8 : 2; }
  ops(reps); /* warm-up */
  double* t = malloc(sizeof(double) * nSamples);
  for (int s = 0; s < nSamples; s++) { double t0 = nowNs(); ops(reps); t[s] = (nowNs() - t0) / reps; }
  qsort(t, nSamples, sizeof(double), cmpd);
  printf("%s{\"name\":\"%s\",\"median_ns\":%.6g,\"p75_ns\":%.6g,\"samples\":%d,\"reps\":%ld,\"check\":%.17g,\"t\":[",
         first ? "" : ",", name, quant(t, nSamples, 0.5), quant(t, nSamples, 0.75), nSamples, reps, checkValue);
  for (int s = 0; s < nSamples; s++) printf("%s%.6g", s ? "," : "", t[s]);
  printf("]}");
  first = 0; free(t);
}

int main(int argc, char** argv) {
  int a = 1;
  targetNs = atof(argv[a++]) * 1e6; nSamples = atoi(argv[a++]);
  int nsizes = atoi(argv[a++]); int sizes[8]; for (int i = 0; i < nsizes; i++) sizes[i] = atoi(argv[a++]);
  int rows = atoi(argv[a++]), cols = atoi(argv[a++]), avg = atoi(argv[a++]);
  SD = atoi(argv[a++]); int nk = atoi(argv[a++]); int ks[8]; for (int i = 0; i < nk; i++) ks[i] = atoi(argv[a++]);
  SP = atof(argv[a++]);
  printf("{\"cases\":[");
  char name[64];
  for (int i = 0; i < nsizes; i++) {
    int n = sizes[i]; cn = n;
    X = aligned_alloc(64, ((size_t)n * 8 + 63) / 64 * 64); Y = aligned_alloc(64, ((size_t)n * 8 + 63) / 64 * 64);
    double* Y2 = malloc((size_t)n * 8);
    seedRng((uint32_t)n);
    for (int j = 0; j < n; j++) X[j] = 2 * unif() - 1;
    for (int j = 0; j < n; j++) Y[j] = 2 * unif() - 1;
    double dv = dot(X, Y, n);
    memcpy(Y2, Y, (size_t)n * 8); axpy(0.5, X, Y2, n); double av = 0; for (int j = 0; j < n; j++) av += Y2[j];
    kind = 0; snprintf(name, sizeof name, "dot/%d", n); timeCase(name, dv);
    kind = 5; snprintf(name, sizeof name, "dotv/%d", n); timeCase(name, dotv(X, Y, n));
    kind = 1; snprintf(name, sizeof name, "axpy/%d", n); timeCase(name, av);
    free(X); free(Y); free(Y2);
  }
  { /* CSR */
    seedRng(7); int span = 2 * (cols / avg) - 1; size_t cap = (size_t)rows * avg * 2 + 16, nnz = 0;
    IP = malloc(sizeof(int) * (rows + 1)); IX = malloc(sizeof(int) * cap); V = malloc(sizeof(double) * cap); IP[0] = 0;
    for (int i = 0; i < rows; i++) { int j = -1;
      for (;;) { j += 1 + (int)below((uint32_t)span); if (j >= cols) break;
        if (nnz == cap) { cap *= 2; IX = realloc(IX, sizeof(int) * cap); V = realloc(V, sizeof(double) * cap); }
        IX[nnz] = j; V[nnz] = 2 * unif() - 1; nnz++; }
      IP[i + 1] = (int)nnz; }
    CX = malloc(sizeof(double) * cols); for (int j = 0; j < cols; j++) CX[j] = 2 * unif() - 1;
    OUT = malloc(sizeof(double) * rows); CR = rows;
    csr(IP, IX, V, CX, OUT, rows); double cv = 0; for (int i = 0; i < rows; i++) cv += OUT[i];
    kind = 2; timeCase("csr", cv);
  }
  PERM = malloc(sizeof(int) * SD); SUPP = malloc(sizeof(int) * SD); SCALE = malloc(sizeof(double) * SD);
  for (int i = 0; i < nk; i++) {
    SK = ks[i];
    for (int j = 0; j < SD; j++) PERM[j] = j;
    seedRng(99); randk(PERM, SD, SK, SCALE, (double)SD / SK); double kv = 0; for (int k = 0; k < SK; k++) kv += PERM[k];
    kind = 3; snprintf(name, sizeof name, "randk/%d", SK); timeCase(name, kv);
    /* the wasm's own draws: the support of step 0 with seed 1 (checked against the wasm), then steps 1, 2, … */
    PSTEP = 0; randkPhilox(PERM, SD, SK, SCALE, (double)SD / SK); double pv = 0; for (int k = 0; k < SK; k++) pv += PERM[k];
    kind = 6; snprintf(name, sizeof name, "randk-philox/%d", SK); timeCase(name, pv);
  }
  seedRng(98); double bv = bern(SD, SP, SUPP, SCALE);
  kind = 4; timeCase("bernoulli", bv);
  printf("]}\n");
  return 0;
}
`;

// ---------- wasm ----------

function instantiate(file) {
  const bytes = readFileSync(join(root, "dist", file));
  const ex = new WebAssembly.Instance(new WebAssembly.Module(bytes), {}).exports;
  return ex;
}

/** Allocate every buffer first, then take views (a later alloc could grow memory and detach them). */
function setupWasm(ex, vecs, M) {
  const P = {};
  P.vec = SIZES.map((n) => ({ n, px: ex.alloc(n * 8) >>> 0, py: ex.alloc(n * 8) >>> 0 }));
  P.indptr = ex.alloc((CSR.rows + 1) * 4) >>> 0;
  P.indices = ex.alloc(M.nnz * 4) >>> 0;
  P.values = ex.alloc(M.nnz * 8) >>> 0;
  P.labels = ex.alloc(CSR.rows * 8) >>> 0;
  P.cx = ex.alloc(CSR.cols * 8) >>> 0;
  P.out = ex.alloc(CSR.rows * 8) >>> 0;
  ex.sketchWorkspace(SAMP_D);          // allocates the support/scale/mark buffers
  const buf = ex.memory.buffer;
  const views = {
    vec: P.vec.map((v, i) => ({ ...v, x: new Float64Array(buf, v.px, v.n), y: new Float64Array(buf, v.py, v.n) })),
    out: new Float64Array(buf, P.out, CSR.rows),
  };
  views.vec.forEach((v, i) => { v.x.set(vecs[i].x); v.y.set(vecs[i].y); });
  new Int32Array(buf, P.indptr, CSR.rows + 1).set(M.indptr);
  new Int32Array(buf, P.indices, M.nnz).set(M.indices);
  new Float64Array(buf, P.values, M.nnz).set(M.values);
  new Float64Array(buf, P.cx, CSR.cols).set(M.x);
  ex.setCsr(P.indptr, P.indices, P.values, P.labels, CSR.rows, CSR.cols);
  ex.setSeed(12345, 0);
  views.buf = buf;
  return { P, views };
}

// ---------- main ----------

console.log(`${NAME}: sizes ${SIZES.join(", ")}; CSR ${CSR.rows}×${CSR.cols} (~${CSR.avg}/row); sampling d=${SAMP_D}${smoke ? " [smoke]" : ""}`);
const vecs = SIZES.map(vectors);
const M = csrMatrix(CSR);
const builds = { wasm: instantiate("mast-simd.wasm"), "wasm-scalar": instantiate("mast-scalar.wasm") };
check(builds.wasm.hasSimd() === 1 && builds["wasm-scalar"].hasSimd() === 0, "mast-simd.wasm has SIMD, mast-scalar.wasm has not");
const W = Object.fromEntries(Object.entries(builds).map(([k, ex]) => [k, { ex, ...setupWasm(ex, vecs, M) }]));
const Ks = KFRACS.map((f) => Math.max(1, Math.round(f * SAMP_D)));

// Sanity: wasm and JS compute the same values (to 1e-9 relative; the order is the same, so usually bit-equal).
for (const [b, w] of Object.entries(W)) {
  const { ex, views } = w;
  views.vec.forEach((v, i) => {
    const n = v.n;
    checkClose(ex.dot(v.px, v.py, n), dotJs(vecs[i].x, vecs[i].y, n), 1e-9, `${b} dot n=${n} vs JS`);
    const y0 = v.y.slice();
    ex.axpy(0.5, v.px, v.py, n);
    const yj = vecs[i].y.slice(); axpyJs(0.5, vecs[i].x, yj, n);
    checkClose(sumSeq(v.y), sumSeq(yj), 1e-9, `${b} axpy n=${n} vs JS`);
    v.y.set(y0);
  });
  ex.margins(w.P.cx, w.P.out);
  const outJs = new Float64Array(CSR.rows);
  csrJs(M.indptr, M.indices, M.values, M.x, outJs, CSR.rows);
  checkClose(sumSeq(views.out), sumSeq(outJs), 1e-9, `${b} CSR row-dot pass vs JS`);
  for (const K of Ks) {
    ex.sketchConfigure(3, K, 1, 0);
    const m = ex.sketchSample(0);
    const supp = new Int32Array(ex.memory.buffer, ex.supportPtr() >>> 0, m);
    const scl = new Float64Array(ex.memory.buffer, ex.scalePtr() >>> 0, m);
    check(m === K && new Set(supp).size === K && supp.every((j) => j >= 0 && j < SAMP_D) && scl.every((s) => s === SAMP_D / K),
      `${b} Rand-K K=${K}: ${K} distinct coordinates in [0, d) with scale d/K`);
  }
  ex.sketchConfigure(1, 0, BERN_P, 0);
  let tot = 0; const S = 50;
  for (let s = 0; s < S; s++) tot += ex.sketchSample(s);
  const mean = tot / S, sd = Math.sqrt(SAMP_D * BERN_P * (1 - BERN_P) / S);
  check(Math.abs(mean - SAMP_D * BERN_P) < 6 * sd, `${b} Bernoulli p=${BERN_P}: mean support ${mean} ≈ ${SAMP_D * BERN_P}`);
}

// The C peer: same data, same order; run once per round (between the tinybench rounds), samples pooled.
const cPeer = compileC("kernels", C_SOURCE);
const cArgs = [TARGET_MS, C_SAMPLES, SIZES.length, ...SIZES, CSR.rows, CSR.cols, CSR.avg, SAMP_D, Ks.length, ...Ks, BERN_P];
const cRuns = {};   // case name → [per-round result]
function runC() {
  for (const c of cPeer.run(cArgs).cases) (cRuns[c.name] ??= []).push(c);
}
if (cPeer) {
  runC();
  const cOut = Object.fromEntries(Object.entries(cRuns).map(([k, v]) => [k, v[0]]));
  for (const k of Object.keys(cRuns)) cRuns[k] = [];   // the first run only checks values (and warms up)
  SIZES.forEach((n, i) => {
    checkClose(cOut[`dot/${n}`].check, dotJs(vecs[i].x, vecs[i].y, n), 1e-9, `C dot n=${n} vs JS`);
    checkClose(cOut[`dotv/${n}`].check, dotJs(vecs[i].x, vecs[i].y, n), 1e-9, `C vector-extension dot n=${n} vs JS`);
    const yj = vecs[i].y.slice(); axpyJs(0.5, vecs[i].x, yj, n);
    checkClose(cOut[`axpy/${n}`].check, sumSeq(yj), 1e-9, `C axpy n=${n} vs JS`);
  });
  const outJs = new Float64Array(CSR.rows); csrJs(M.indptr, M.indices, M.values, M.x, outJs, CSR.rows);
  checkClose(cOut.csr.check, sumSeq(outJs), 1e-9, "C CSR pass vs JS");
  for (const K of Ks) {
    const perm = Int32Array.from({ length: SAMP_D }, (_, j) => j);
    randKJs(perm, SAMP_D, K, xorshiftState(99), new Float64Array(SAMP_D), SAMP_D / K);
    check(cOut[`randk/${K}`].check === sumSeq(perm.subarray(0, K)), `C and JS partial Fisher–Yates draw the same K=${K} subset`);
  }
  for (const K of Ks) {
    // the C peer with Philox draws makes the wasm's own support (seed 1, stream 0, step 0)
    const ex = Object.values(W)[0].ex;   // both builds draw the same words
    ex.setSeed(1, 0); ex.sketchConfigure(3, K, 1, 0);
    const m = ex.sketchSample(0);
    const wasmSum = sumSeq(Array.from(new Int32Array(ex.memory.buffer, ex.supportPtr() >>> 0, m)));
    check(cOut[`randk-philox/${K}`].check === wasmSum, `C with Philox draws and the wasm draw the same K=${K} support`);
  }
  const bj = bernoulliJs(SAMP_D, BERN_P, xorshiftState(98), new Int32Array(SAMP_D), new Float64Array(SAMP_D));
  check(Math.abs(cOut.bernoulli.check - bj) <= 1, `C and JS Bernoulli draw the same support size (${cOut.bernoulli.check} vs ${bj})`);
}

// ---------- timing with tinybench: each sample runs `reps` ops, calibrated to ~TARGET_MS ----------

const bench = makeBench();
const plan = [];   // { group, label, unit, work (units per op), impl, task name, reps }
let sink = 0;
function add(group, label, unit, work, impl, opsFn) {
  const reps = calibrate(opsFn, TARGET_MS);
  const name = `${label} [${impl}]`;
  bench.add(name, () => opsFn(reps));
  plan.push({ group, label, unit, work, impl, name, reps });
}

SIZES.forEach((n, i) => {
  const label = `dot n=${sizeLabel(n)}`;
  for (const [b, w] of Object.entries(W)) {
    const { ex } = w; const { px, py } = w.P.vec[i];
    add("dot", label, "GFLOP/s", 2 * n / 1e9, b, (R) => { let s = 0; for (let r = 0; r < R; r++) s += ex.dot(px, py, n); sink += s; });
  }
  const x = vecs[i].x, y = vecs[i].y;
  add("dot", label, "GFLOP/s", 2 * n / 1e9, "js", (R) => { let s = 0; for (let r = 0; r < R; r++) s += dotJs(x, y, n); sink += s; });
});
SIZES.forEach((n, i) => {
  const label = `axpy n=${sizeLabel(n)}`;
  for (const [b, w] of Object.entries(W)) {
    const { ex } = w; const { px, py } = w.P.vec[i];
    add("axpy", label, "GFLOP/s", 2 * n / 1e9, b, (R) => { for (let r = 0; r < R; r++) ex.axpy(1e-9, px, py, n); });
  }
  const x = vecs[i].x, y = vecs[i].y.slice();
  add("axpy", label, "GFLOP/s", 2 * n / 1e9, "js", (R) => { for (let r = 0; r < R; r++) axpyJs(1e-9, x, y, n); });
});
{
  const label = `CSR row-dot pass ${CSR.rows}×${CSR.cols}, nnz=${M.nnz}`;
  for (const [b, w] of Object.entries(W)) {
    const { ex, P } = w;
    add("csr", label, "GFLOP/s", 2 * M.nnz / 1e9, b, (R) => { for (let r = 0; r < R; r++) ex.margins(P.cx, P.out); });
  }
  const out = new Float64Array(CSR.rows);
  add("csr", label, "GFLOP/s", 2 * M.nnz / 1e9, "js", (R) => { for (let r = 0; r < R; r++) csrJs(M.indptr, M.indices, M.values, M.x, out, CSR.rows); });
}
KFRACS.forEach((f, i) => {
  const K = Ks[i];
  const label = `Rand-K K/d=${f} (K=${K}, d=${SAMP_D})`;
  for (const [b, w] of Object.entries(W)) {
    const { ex } = w; let step = 0;
    add("sampling", label, "M elem/s", K / 1e6, b, (R) => { ex.sketchConfigure(3, K, 1, 0); let m = 0; for (let r = 0; r < R; r++) m += ex.sketchSample(step++); sink += m; });
  }
  const perm = Int32Array.from({ length: SAMP_D }, (_, j) => j), scale = new Float64Array(SAMP_D), rng = xorshiftState(5);
  add("sampling", label, "M elem/s", K / 1e6, "js", (R) => { let m = 0; for (let r = 0; r < R; r++) m += randKJs(perm, SAMP_D, K, rng, scale, SAMP_D / K); sink += m; });
});
{
  const label = `Bernoulli p=${BERN_P} (d=${SAMP_D})`;
  const work = SAMP_D * BERN_P / 1e6;   // expected elements per sample
  for (const [b, w] of Object.entries(W)) {
    const { ex } = w; let step = 0;
    add("sampling", label, "M elem/s", work, b, (R) => { ex.sketchConfigure(1, 0, BERN_P, 0); let m = 0; for (let r = 0; r < R; r++) m += ex.sketchSample(step++); sink += m; });
  }
  const supp = new Int32Array(SAMP_D), scale = new Float64Array(SAMP_D), rng = xorshiftState(6);
  add("sampling", label, "M elem/s", work, "js", (R) => { let m = 0; for (let r = 0; r < R; r++) m += bernoulliJs(SAMP_D, BERN_P, rng, supp, scale); sink += m; });
}

const pooled = await runRounds(bench, { afterRound: () => { if (cPeer) runC(); } });
cPeer?.cleanup();
check(Number.isFinite(sink), "kernel outputs stay finite");

// ---------- collect ----------

const cName = (label, group) => {
  if (group === "dot" || group === "axpy") return `${group}/${SIZES[SIZES.map(sizeLabel).indexOf(label.split("n=")[1])]}`;
  if (group === "csr") return "csr";
  if (label.startsWith("Rand-K")) return `randk/${label.match(/K=(\d+)/)[1]}`;
  return "bernoulli";
};
const cases = [];
for (const p of plan) {
  let c = cases.find((x) => x.label === p.label);
  if (!c) { c = { group: p.group, label: p.label, unit: p.unit, workPerOp: p.work, impls: {} }; cases.push(c); }
  const s = statsOf(pooled.get(p.name), p.reps);
  s.rate = p.work / (s.medianMs / 1e3);
  c.impls[p.impl] = s;
}
for (const c of cases) {
  if (cPeer) {
    const co = cRuns[cName(c.label, c.group)];
    if (co?.length) { const s = fromC(co); s.rate = c.workPerOp / (s.medianMs / 1e3); c.impls.c = s; }
    const cv = c.group === "dot" ? cRuns[cName(c.label, c.group).replace("dot/", "dotv/")] : null;
    if (cv?.length) { const s = fromC(cv); s.rate = c.workPerOp / (s.medianMs / 1e3); c.impls["c-vec"] = s; }
    const cp = c.label.startsWith("Rand-K") ? cRuns[cName(c.label, c.group).replace("randk/", "randk-philox/")] : null;
    if (cp?.length) { const s = fromC(cp); s.rate = c.workPerOp / (s.medianMs / 1e3); c.impls["c-philox"] = s; }
  }
  addRatios(c, "wasm", ["wasm-scalar", "js", "c", "c-philox", "c-vec"]);
  for (const [impl, s] of Object.entries(c.impls)) {
    checkPositive(s.rate, `${c.label} [${impl}] throughput`);
    checkPositive(s.medianMs, `${c.label} [${impl}] median time`);
  }
}

const order = ["wasm", "wasm-scalar", "js", "c", "c-philox", "c-vec"];
for (const c of cases) {
  const parts = order.filter((k) => c.impls[k]).map((k) => `${k} ${fmtNum(c.impls[k].rate)} (${fmtTime(c.impls[k].medianMs)})`);
  const rs = Object.entries(c.ratios).map(([k, v]) => `${k} ${v.toFixed(2)}×`);
  console.log(`  ${c.label} [${c.unit}]: ${parts.join(" | ")} | ${rs.join(" ")}`);
}

writeResults(NAME, {
  title: "Kernel throughput (question 1)",
  ours: "wasm",
  implNames: {
    wasm: "wasm SIMD (dist/mast-simd.wasm, raw exports)",
    "wasm-scalar": "wasm scalar (dist/mast-scalar.wasm)",
    js: "plain JS over Float64Array (same 4-accumulator order; partial Fisher–Yates + xorshift128 for Rand-K)",
    "c-philox": "C with mast-wasm's own draws for Rand-K (Philox4x32-10 words, Lemire, Floyd with stamps; bench/_lib.mjs C_PHILOX), the same flags, scalar Philox as gcc compiles it (not hand-vectorised): it draws the wasm's supports (checked)",
    c: `C, gcc ${cPeer ? cPeer.flags : "(not run)"}, timed inside C with clock_gettime`,
    "c-vec": "C dot written with GCC vector extensions (one 4-lane accumulator: the same order and bits as the wasm), same flags",
  },
  config: { sizes: SIZES, csr: { ...CSR, nnz: M.nnz }, sampling: { d: SAMP_D, Ks, bernoulliP: BERN_P }, targetSampleMs: TARGET_MS, cSamples: C_SAMPLES },
  notes: [
    "Rates are work per op divided by the median time per op; GFLOP/s counts 2 flops per element (dot, axpy) or per non-zero (CSR).",
    "Each tinybench sample runs a batch of ops calibrated to ~1 ms; the time per op is the sample time divided by the batch size.",
    "All tasks run in 3 interleaved rounds (the C peer runs once between rounds); samples are pooled over the rounds before the median and p75 are taken.",
    "Rand-K elements/s counts the K coordinates of one sample; Bernoulli counts the expected p·d.",
    "The wasm samples with Philox4x32-10 (counter-based, reproducible); the JS and C peers use xorshift128, and the C -O3, Philox draws peer uses the wasm's own generator and algorithm (so wasm/c-philox compares like with like).",
  ],
  cases,
});
finish(NAME);
