#!/usr/bin/env node
// How close do the nn GEMMs (assembly/nn/gemm.ts) get to the machine's 128-bit f32x4 peak?
//   peak: nnPeak, 26 independent f32x4 chains acc ← acc·c + d in registers (one mul and one add each, no FMA):
//         the best-case rate of the mul+add mix the GEMMs issue.
//   GEMMs at the layer shapes of a 784-256 layer and a batch of 64: forward Z = H·Wᵀ (64×256×784), backward-data
//   dH = dZ·W (64×784, r = 256), backward-weights dW = dZᵀ·H (256×784, r = 64); and whole training steps of
//   784-256-256-10 (dense, and Bernoulli(0.25) unit sketches), for scale.
// Prints medians over rounds (the machine is noisy: medians, and peak and GEMMs interleaved in every round).
//   node bench/gemm.mjs [--smoke] [--build=scalar]
// --smoke: toy sizes in about a second; checks the GEMMs against a plain-JS reference (bit for bit: same f32 order)
// and exits non-zero on a mismatch. The full run checks the bench-size results too.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { root, smoke, check, finish } from "./_lib.mjs";

const build = process.argv.find((a) => a.startsWith("--build="))?.slice(8) ?? "simd";
const bytes = readFileSync(join(root, "dist", `mast-${build}.wasm`));
const k = new WebAssembly.Instance(new WebAssembly.Module(bytes), {}).exports;
const f32 = (p, n) => new Float32Array(k.memory.buffer, p, n);
const i32 = (p, n) => new Int32Array(k.memory.buffer, p, n);
const median = (a) => { const s = [...a].sort((x, y) => x - y); return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };

// ---------------------------------------------------------------- plain-JS references (the kernels' f32 orders)
const fr = Math.fround;
function refNT(A, B, bias, M, N, K) {
  const C = new Float32Array(M * N);
  for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) {
    const c = [0, 0, 0, 0];
    let q = 0;
    for (; q + 4 <= K; q += 4) for (let l = 0; l < 4; l++) c[l] = fr(c[l] + fr(A[i * K + q + l] * B[j * K + q + l]));
    let s = fr(fr(c[0] + c[2]) + fr(c[1] + c[3]));
    for (; q < K; q++) s = fr(s + fr(A[i * K + q] * B[j * K + q]));
    C[i * N + j] = fr(s + (bias ? bias[j] : 0));
  }
  return C;
}
function refSerial(a, B, M, N, R) {   // C_ik = Σ_r a(i, r) B_rk, r ascending from +0
  const C = new Float32Array(M * N);
  for (let i = 0; i < M; i++) for (let q = 0; q < N; q++) {
    let s = 0;
    for (let r = 0; r < R; r++) s = fr(s + fr(a(i, r) * B[r * N + q]));
    C[i * N + q] = s;
  }
  return C;
}
function sameBits(a, b) { if (a.length !== b.length) return false; for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false; return true; }

// ---------------------------------------------------------------- buffers
let seed = 12345;
const rnd = () => { seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0; return seed / 2 ** 32 - 0.5; };
function gemmCase(M, N, K) {
  const pA = k.alloc(4 * M * K) >>> 0, pB = k.alloc(4 * N * K) >>> 0, pBias = k.alloc(4 * N) >>> 0;
  const pZ = k.alloc(4 * M * N) >>> 0, pH = k.alloc(4 * M * K) >>> 0, pW = k.alloc(4 * N * K) >>> 0;
  return { M, N, K, pA, pB, pBias, pZ, pH, pW };
}
function fill(c) {
  const { M, N, K } = c;
  for (const [p, n] of [[c.pA, M * K], [c.pB, N * K], [c.pBias, N], [c.pZ, M * N]]) { const v = f32(p, n); for (let i = 0; i < n; i++) v[i] = rnd(); }
}
const fwd = (c) => k.nnMatmulNT(c.pZ, c.N, c.pA, c.K, c.pB, c.K, c.pBias, c.M, c.N, c.K);
const bwdData = (c) => k.nnMatmulNN(c.pH, c.K, c.pZ, c.N, c.pB, c.K, c.M, c.K, c.N);
const bwdW = (c) => k.nnMatmulTN(c.pW, c.K, c.pZ, c.N, c.pA, c.K, c.N, c.K, c.M);

function checkCase(c, what) {
  const { M, N, K } = c;
  const A = f32(c.pA, M * K).slice(), B = f32(c.pB, N * K).slice(), bias = f32(c.pBias, N).slice();
  fwd(c);
  const Z = f32(c.pZ, M * N).slice();
  check(sameBits(Z, refNT(A, B, bias, M, N, K)), `${what}: forward Z = H·Wᵀ + b differs from the JS reference`);
  bwdData(c);
  check(sameBits(f32(c.pH, M * K), refSerial((i, r) => Z[i * N + r], B, M, K, N)), `${what}: backward-data dH = dZ·W differs`);
  bwdW(c);
  check(sameBits(f32(c.pW, N * K), refSerial((i, r) => Z[r * N + i], A, N, K, M)), `${what}: backward-weights dW = dZᵀ·H differs`);
}

// tails in every direction, then the bench shape
const small = gemmCase(9, 13, 37);
const shape = smoke ? { M: 16, N: 64, K: 196 } : { M: 64, N: 256, K: 784 };
const big = gemmCase(shape.M, shape.N, shape.K);
const pConst = k.alloc(32) >>> 0;
// a network for whole steps
const sizes = smoke ? [196, 64, 64, 10] : [784, 256, 256, 10], nRows = smoke ? 128 : 1024, B = smoke ? 16 : 64;
const pSizes = k.alloc(16) >>> 0, pX = k.alloc(4 * nRows * sizes[0]) >>> 0, pY = k.alloc(4 * nRows) >>> 0, pRows = k.alloc(4 * B) >>> 0;
k.nnSetData(pX, pY, nRows, sizes[0]);
i32(pSizes, 4).set(sizes);
const d = k.nnConfigure(pSizes, 2, 0, 1e-4, B);
const px = k.alloc(4 * d) >>> 0;
// views only after the last allocation
fill(small); fill(big);
f32(pConst, 8).set([0.5, 0.5, 0.5, 0.5, 1, 1, 1, 1]);
{ const X = f32(pX, nRows * sizes[0]); for (let i = 0; i < X.length; i++) X[i] = rnd() + 0.5; const Y = i32(pY, nRows); for (let i = 0; i < nRows; i++) Y[i] = i % 10; }
i32(pRows, B).set(Array.from({ length: B }, (_, i) => (7 * i) % nRows));
k.nnInit(px, 1);

checkCase(small, `${small.M}×${small.N}×${small.K}`);
checkCase(big, `${big.M}×${big.N}×${big.K}`);
fill(big);

// ---------------------------------------------------------------- timing
/** rate(fn, flops, targetMs, samples): GFLOP/s of fn, calls batched to about targetMs a sample, median of the samples. */
function rate(fn, flops, targetMs, samples) {
  fn();
  let reps = 1;
  for (;;) { const t0 = performance.now(); for (let r = 0; r < reps; r++) fn(); const ms = performance.now() - t0; if (ms >= targetMs / 2 || reps > 1e6) break; reps *= 2; }
  const out = [];
  for (let s = 0; s < samples; s++) { const t0 = performance.now(); for (let r = 0; r < reps; r++) fn(); out.push((flops * reps) / ((performance.now() - t0) * 1e6)); }
  return median(out);
}
const peakIters = smoke ? 20000 : 40000;
const rounds = smoke ? 3 : 31, samples = 3, target = smoke ? 2 : 4;
const flops = 2 * big.M * big.N * big.K;
const stepFlops = {};
for (const [name, kind, p] of [["stepDense", 0, 1], ["stepQ", 1, 0.25]]) {
  k.nnSketchUnits(kind, p, 0); k.nnResetCounters();
  for (let t = 0; t < 8; t++) k.nnGradient(px, pRows, 0, B, B, t);
  stepFlops[name] = (2 * k.nnMacs()) / 8;
}
let t = 0;
const kernels = {
  peak: [() => k.nnPeak(peakIters, pConst), (k.hasSimd() ? 208 : 52) * peakIters],   // the scalar build's chains are one lane wide
  fwd: [() => fwd(big), flops],
  bwdData: [() => bwdData(big), flops],
  bwdW: [() => bwdW(big), flops],
  stepDense: [() => { k.nnSketchUnits(0, 1, 0); k.nnGradient(px, pRows, 0, B, B, t++); }, stepFlops.stepDense],
  stepQ: [() => { k.nnSketchUnits(1, 0.25, 0); k.nnGradient(px, pRows, 0, B, B, t++); }, stepFlops.stepQ],
};
// Every round times every kernel once (a median of a few short samples); a kernel's ratio to the peak is taken within
// the round, so that the load of other processes, which moves over seconds, mostly cancels. Medians over rounds.
const rates = Object.fromEntries(Object.keys(kernels).map((key) => [key, []]));
const ratios = Object.fromEntries(Object.keys(kernels).map((key) => [key, []]));
for (let r = 0; r < rounds; r++) {
  const g = {};
  for (const [key, [fn, fl]] of Object.entries(kernels)) { g[key] = rate(fn, fl, target, samples); rates[key].push(g[key]); }
  for (const key of Object.keys(kernels)) ratios[key].push(g[key] / g.peak);
}
const line = (label, key) => {
  const g = median(rates[key]), q = median(ratios[key]);
  check(Number.isFinite(g) && g > 0, `${label}: rate must be positive`);
  const sorted = [...rates[key]].sort((a, b) => a - b);
  console.log(`${label.padEnd(50)} ${g.toFixed(2).padStart(7)} GFLOP/s  ratio to peak ${q.toFixed(2)}  (rounds: min ${sorted[0].toFixed(1)}, max ${sorted[sorted.length - 1].toFixed(1)})`);
  return q;
};
console.log(`gemm bench (${build} build${smoke ? ", smoke" : ""}): medians over ${rounds} rounds; ratios within each round`);
line(k.hasSimd() ? "peak: 26 f32x4 mul+add chains in registers" : "peak: 26 scalar f32 mul+add chains in registers", "peak");
const q1 = line(`forward Z = H·Wᵀ + b          ${big.M}×${big.N}×${big.K}`, "fwd");
const q2 = line(`backward-data dH = dZ·W       ${big.M}×${big.K}, r = ${big.N}`, "bwdData");
const q3 = line(`backward-weights dW = dZᵀ·H   ${big.N}×${big.K}, r = ${big.M}`, "bwdW");
line(`step ${sizes.join("-")}, batch ${B}, dense`, "stepDense");
line(`step, Bernoulli(0.25) units (${(stepFlops.stepQ / stepFlops.stepDense).toFixed(2)}× the flops)`, "stepQ");
if (!smoke && build === "simd") check(Math.min(q1, q2, q3) >= 0.6, `GEMMs must reach 60% of the peak kernel (worst ${Math.min(q1, q2, q3).toFixed(2)})`);
finish("gemm");
