// Shared helpers of the bench scripts (files starting with "_" are not bench scripts; run.mjs skips them).
// Plain ESM, no build step. Every bench: `node bench/<name>.mjs [--smoke]`.
import os from "node:os";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, renameSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Bench } from "tinybench";

export const benchDir = dirname(fileURLToPath(import.meta.url));
export const root = join(benchDir, "..");
export const resultsDir = join(benchDir, "results");
export const smoke = process.argv.includes("--smoke");
const loadAtStart = os.loadavg().map((x) => +x.toFixed(2));

// ---------- sanity checks: collected, reported at the end; never about timing ----------

const failures = [];
/** check(ok, what): record a failed sanity check (the bench exits non-zero at finish()). */
export function check(ok, what) {
  if (!ok) { failures.push(what); console.error(`  CHECK FAILED: ${what}`); }
  return ok;
}
/** relErr(a, b): |a − b| / max(|a|, |b|, 1e-300). */
export function relErr(a, b) {
  if (a === b) return 0;
  return Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b), 1e-300);
}
/** checkClose(a, b, tol, what): a and b agree to tol relative. */
export function checkClose(a, b, tol, what) {
  const e = relErr(a, b);
  return check(Number.isFinite(a) && Number.isFinite(b) && e <= tol, `${what}: ${a} vs ${b} (rel. err ${e.toExponential(2)} > ${tol})`);
}
/** checkRate(x, what): a throughput/time figure is finite and > 0. */
export function checkPositive(x, what) { return check(Number.isFinite(x) && x > 0, `${what} must be finite and > 0, got ${x}`); }
/** finish(): exit code 1 when a check failed. */
export function finish(name) {
  if (failures.length) {
    console.error(`${name}: ${failures.length} sanity check(s) failed`);
    process.exit(1);
  }
  console.log(`${name}: all sanity checks passed${smoke ? " (smoke)" : ""}`);
}

// ---------- a small PRNG shared with the C peers (bit-identical in JS and C) ----------

/**
 * Marsaglia xorshift128 on u32 words. `u32()`, `uniform()` in [0,1) from 53 bits of two words, `below(n)` =
 * floor(u32·n / 2^32) (exact in doubles for n < 2^21), `uniformOpen()` in (0,1). The C peers use the same code.
 */
export function xorshift128(seed) {
  let x = (123456789 ^ seed) >>> 0, y = 362436069, z = 521288629, w = 88675123;
  const u32 = () => {
    const t = (x ^ (x << 11)) >>> 0;
    x = y; y = z; z = w;
    w = (w ^ (w >>> 19) ^ (t ^ (t >>> 8))) >>> 0;
    return w;
  };
  for (let i = 0; i < 16; i++) u32();
  return {
    u32,
    uniform: () => { const a = u32(), b = u32(); return ((a >>> 5) * 67108864 + (b >>> 6)) / 9007199254740992; },
    uniformOpen: () => { const a = u32(), b = u32(); return ((a >>> 5) * 67108864 + (b >>> 6) + 0.5) / 9007199254740992; },
    below: (n) => Math.floor((u32() * n) / 4294967296),
  };
}
/** xorshiftState(seed): the same generator's state after seeding, as a Uint32Array(4) [x, y, z, w] for inlined loops. */
export function xorshiftState(seed) {
  const st = new Uint32Array([(123456789 ^ seed) >>> 0, 362436069, 521288629, 88675123]);
  for (let i = 0; i < 16; i++) {
    const t = (st[0] ^ (st[0] << 11)) >>> 0;
    st[0] = st[1]; st[1] = st[2]; st[2] = st[3];
    st[3] = (st[3] ^ (st[3] >>> 19) ^ (t ^ (t >>> 8))) >>> 0;
  }
  return st;
}
/** The same generator as C source (static state; seedRng(s) then next()/unif()/unifOpen()/below(n)). */
export const C_RNG = String.raw`
static uint32_t sx, sy, sz, sw;
static inline uint32_t next(void) {
  uint32_t t = sx ^ (sx << 11); sx = sy; sy = sz; sz = sw; sw = sw ^ (sw >> 19) ^ (t ^ (t >> 8)); return sw;
}
static void seedRng(uint32_t s) { sx = 123456789u ^ s; sy = 362436069u; sz = 521288629u; sw = 88675123u; for (int i = 0; i < 16; i++) next(); }
static inline double unif(void) { uint32_t a = next(), b = next(); return ((double)(a >> 5) * 67108864.0 + (double)(b >> 6)) * (1.0 / 9007199254740992.0); }
static inline double unifOpen(void) { uint32_t a = next(), b = next(); return ((double)(a >> 5) * 67108864.0 + (double)(b >> 6) + 0.5) * (1.0 / 9007199254740992.0); }
static inline uint32_t below(uint32_t n) { return (uint32_t)(((uint64_t)next() * n) >> 32); }
static double nowNs(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return (double)t.tv_sec * 1e9 + (double)t.tv_nsec; }
static int cmpd(const void* a, const void* b) { double x = *(const double*)a, y = *(const double*)b; return x < y ? -1 : x > y; }
/* quantile of sorted v[0..n) with linear interpolation (as tinybench) */
static double quant(const double* v, int n, double q) { double p = (n - 1) * q; int i = (int)p; double f = p - i; return i + 1 < n ? v[i] + f * (v[i + 1] - v[i]) : v[n - 1]; }
`;

// ---------- mast-wasm's own draws in C (for peers that should pay what the wasm pays for randomness) ----------

/** C source: Philox4x32-10 words of sequence (stream, step) as the wasm numbers them (word c = out[c mod 4] of block
 *  c/4 with counter (c/4, step lo, step hi, stream), key = the seed), Lemire's bounded draws with rejection, and
 *  Floyd's K-subset with stamps: the same supports as the wasm for the same seed. Needs <stdint.h>. */
export const C_PHILOX = String.raw`
static uint32_t KEY0 = 1, KEY1 = 0, WORDS[(1 << 16) + 64]; static int MARK[1 << 16]; static int STAMP = 0;
static inline void philoxBlock(uint32_t b, uint64_t step, uint32_t stream, uint32_t* out) {
  uint32_t c0 = b, c1 = (uint32_t)step, c2 = (uint32_t)(step >> 32), c3 = stream, k0 = KEY0, k1 = KEY1;
  for (int r = 0; r < 10; r++) {
    uint64_t p0 = (uint64_t)0xD2511F53u * c0, p1 = (uint64_t)0xCD9E8D57u * c2;
    uint32_t n0 = (uint32_t)(p1 >> 32) ^ c1 ^ k0, n2 = (uint32_t)(p0 >> 32) ^ c3 ^ k1;
    c1 = (uint32_t)p1; c3 = (uint32_t)p0; c0 = n0; c2 = n2; k0 += 0x9E3779B9u; k1 += 0xBB67AE85u;
  }
  out[0] = c0; out[1] = c1; out[2] = c2; out[3] = c3;
}
static int fillTo(uint64_t step, uint32_t stream, int count) {   /* words 0..count-1 (rounded up to blocks) */
  int blocks = (count + 3) >> 2; for (int b = 0; b < blocks; b++) philoxBlock((uint32_t)b, step, stream, WORDS + 4 * b); return 4 * blocks;
}
static inline uint32_t lemire(uint32_t bound, int* q, int* have, uint64_t step, uint32_t stream) {
  if (*q == *have) *have = fillTo(step, stream, *have + 64);
  uint64_t m = (uint64_t)WORDS[(*q)++] * bound;
  if ((uint32_t)m < bound) { uint32_t thr = (0u - bound) % bound;
    while ((uint32_t)m < thr) { if (*q == *have) *have = fillTo(step, stream, *have + 64); m = (uint64_t)WORDS[(*q)++] * bound; } }
  return (uint32_t)(m >> 32);
}
/* out[0..K) = Floyd's K-subset of [0, n) drawn from sequence (stream, step); K <= n/2 and n <= 2^16 here */
static void floydPhilox(int n, int K, uint64_t step, uint32_t stream, int* out) {
  int q = 0, have = fillTo(step, stream, K), st = ++STAMP;
  for (int k = 0; k < K; k++) { int j = n - K + k; int t = (int)lemire((uint32_t)(j + 1), &q, &have, step, stream);
    int pick = MARK[t] == st ? j : t; MARK[pick] = st; out[k] = pick; }
}
`;

// ---------- the C peers ----------

let gccChecked = null;
/** gccVersion(): "12.2.0" or null when gcc is missing. */
export function gccVersion() {
  if (gccChecked !== null) return gccChecked || null;
  const r = spawnSync("gcc", ["-dumpfullversion"], { encoding: "utf8" });
  gccChecked = r.status === 0 ? r.stdout.trim() : "";
  return gccChecked || null;
}
/** The flags every C peer is built with: strict IEEE order (no -ffast-math, no FMA contraction), like the wasm. */
export const C_FLAGS = ["-O3", "-march=native", "-ffp-contract=off", "-std=c11"];

/**
 * compileC(name, source): build with gcc into a temp dir and return { run(args) → parsed JSON stdout, cleanup }.
 * Returns null (after printing why) when gcc is not found.
 */
export function compileC(name, source) {
  if (!gccVersion()) {
    console.log(`  skipped C peer ${name}: gcc not found on PATH`);
    return null;
  }
  const dir = mkdtempSync(join(os.tmpdir(), `mast-bench-${name}-`));
  process.once("exit", () => rmSync(dir, { recursive: true, force: true }));   // also when a bench fails midway
  const src = join(dir, `${name}.c`), exe = join(dir, name);
  writeFileSync(src, source);
  const r = spawnSync("gcc", [...C_FLAGS, "-o", exe, src, "-lm"], { encoding: "utf8" });
  if (r.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`gcc failed for ${name}:\n${r.stderr}`);
  }
  return {
    flags: C_FLAGS.join(" "),
    run(args) {
      const p = spawnSync(exe, args.map(String), { encoding: "utf8", maxBuffer: 64 << 20 });
      if (p.status !== 0) throw new Error(`C peer ${name} failed (${p.status}): ${p.stderr}`);
      return JSON.parse(p.stdout);
    },
    cleanup() { rmSync(dir, { recursive: true, force: true }); },
  };
}

// ---------- tinybench ----------

/** Rounds per bench: the task list is run this many times, interleaved, and the samples pooled (drift hits all alike). */
export const ROUNDS = smoke ? 1 : 3;

/** A Bench sized for the mode (time per task per round): smoke runs a few short samples. Samples are retained. */
export function makeBench(opts = {}) {
  return new Bench({
    time: smoke ? 15 : (opts.time ?? 200),
    iterations: smoke ? 3 : (opts.iterations ?? 10),
    warmupTime: smoke ? 5 : (opts.warmupTime ?? 50),
    warmupIterations: smoke ? 1 : (opts.warmupIterations ?? 2),
    retainSamples: true,
    throws: true,
  });
}

/**
 * runRounds(bench, { afterRound }): run every task ROUNDS times (reset between rounds, so each round warms up and
 * samples again) and pool the latency samples (ms) by task name. afterRound(r) runs after each round (e.g. a C peer).
 */
export async function runRounds(bench, { afterRound } = {}) {
  const pooled = new Map();
  for (let r = 0; r < ROUNDS; r++) {
    if (r > 0) bench.reset();
    await bench.run();
    for (const t of bench.tasks) {
      const res = t.result;
      if (!res || res.state !== "completed") throw new Error(`task ${t.name} did not complete: ${res?.state} ${res?.error ?? ""}`);
      if (!pooled.has(t.name)) pooled.set(t.name, []);
      const pool = pooled.get(t.name);
      for (const x of res.latency.samples) pool.push(x);   // not push(...): a long sample list overflows the stack
    }
    await afterRound?.(r);
  }
  return pooled;
}

/** quantile(sorted, q): linear interpolation between order statistics (as tinybench). */
export function quantile(sorted, q) {
  const p = (sorted.length - 1) * q, i = Math.floor(p), f = p - i;
  return i + 1 < sorted.length ? sorted[i] + f * (sorted[i + 1] - sorted[i]) : sorted[sorted.length - 1];
}

/**
 * statsOf(samplesMs, opsPerSample): per-op statistics from pooled samples that each ran opsPerSample ops.
 * medianMs/p75Ms are per op; opsPerSec = 1000 / medianMs (the rate of the median sample).
 */
export function statsOf(samplesMs, opsPerSample = 1) {
  const s = Float64Array.from(samplesMs).sort();
  const medianMs = quantile(s, 0.5) / opsPerSample;
  let mean = 0; for (const x of s) mean += x; mean /= s.length;
  return {
    medianMs, p75Ms: quantile(s, 0.75) / opsPerSample, meanMs: mean / opsPerSample, minMs: s[0] / opsPerSample,
    samples: s.length, rounds: ROUNDS, opsPerSample, opsPerSec: 1000 / medianMs,
  };
}

/** fromC(list): the same shape from C peer runs, each {t: [ns per op, …], reps}, pooled over rounds. */
export function fromC(list) {
  const st = statsOf(list.flatMap((c) => c.t.map((ns) => ns / 1e6)), 1);
  return { ...st, opsPerSample: list[0].reps, timedIn: "C clock_gettime" };
}

/** calibrate(fn, targetMs): how many ops make one sample last about targetMs (fn(reps) runs reps ops). */
export function calibrate(fn, targetMs) {
  let reps = 1;
  for (;;) {
    const t0 = performance.now();
    fn(reps);
    const dt = performance.now() - t0;
    if (dt >= targetMs || reps >= 1 << 26) {
      return Math.max(1, Math.round(reps * Math.min(8, targetMs / Math.max(dt, 1e-6))));
    }
    reps *= dt < targetMs / 16 ? 8 : 2;
  }
}

// ---------- machine, versions, results ----------

function pkgVersion(name) {
  try { return JSON.parse(readFileSync(join(root, "node_modules", name, "package.json"), "utf8")).version; } catch { return null; }
}
/** machine(): CPU model, cores, memory, OS, node/V8 versions. */
export function machine() {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model ?? "unknown", cores: cpus.length, memoryGB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()} ${os.arch()}`, node: process.version, v8: process.versions.v8,
  };
}
/** versions(): this package, the bench tools, the C compiler. */
export function versions() {
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
  return {
    [pkg.name]: pkg.version, tinybench: pkgVersion("tinybench"), assemblyscript: pkgVersion("assemblyscript"),
    gcc: gccVersion(), cFlags: C_FLAGS.join(" "),
  };
}

/**
 * ratios(cases, ours): for each case add ratios[`${ours}/${peer}`] = peer median time / our median time
 * (= our ops/s over the peer's; > 1 means ours is faster).
 */
export function addRatios(c, ours, peers) {
  c.ratios ??= {};
  for (const p of peers) {
    const a = c.impls[ours], b = c.impls[p];
    if (a && b) c.ratios[`${ours}/${p}`] = b.medianMs / a.medianMs;
  }
  return c;
}

/** writeResults(name, body): bench/results/<name>.json (full runs only; smoke never writes). */
export function writeResults(name, body) {
  if (smoke) { console.log(`  (smoke: not writing bench/results/${name}.json)`); return; }
  if (failures.length) { console.error(`  not writing bench/results/${name}.json: sanity checks failed`); return; }
  mkdirSync(resultsDir, { recursive: true });
  const file = join(resultsDir, `${name}.json`);
  const load = { start: loadAtStart, end: os.loadavg().map((x) => +x.toFixed(2)), note: "1/5/15-minute load averages" };
  const out = { name, generated: new Date().toISOString(), machine: machine(), versions: versions(), load, rounds: ROUNDS, ...body };
  writeFileSync(`${file}.tmp`, JSON.stringify(out, null, 2) + "\n");
  renameSync(`${file}.tmp`, file);
  console.log(`  wrote ${file}`);
}

/**
 * mergeResults(name, fields): a partial run (e.g. `frameworks.mjs --only-accuracy`) replaces these top-level fields of
 * bench/results/<name>.json and keeps the rest, including the file's own `generated` and `load` (so the fields should
 * carry their own). Full runs only, and only when every check passed, like writeResults.
 */
export function mergeResults(name, fields) {
  if (smoke) { console.log(`  (smoke: not writing bench/results/${name}.json)`); return; }
  if (failures.length) { console.error(`  not writing bench/results/${name}.json: sanity checks failed`); return; }
  mkdirSync(resultsDir, { recursive: true });
  const file = join(resultsDir, `${name}.json`);
  const old = existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : { name, generated: null, machine: machine(), versions: versions(), cases: [] };
  writeFileSync(`${file}.tmp`, JSON.stringify({ ...old, ...fields }, null, 2) + "\n");
  renameSync(`${file}.tmp`, file);
  console.log(`  merged ${Object.keys(fields).join(", ")} into ${file}`);
}

/** fmt helpers for console output. */
export function fmtTime(ms) {
  if (!Number.isFinite(ms)) return String(ms);
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms >= 1) return `${ms.toFixed(2)} ms`;
  if (ms >= 1e-3) return `${(ms * 1e3).toFixed(2)} µs`;
  return `${(ms * 1e6).toFixed(1)} ns`;
}
export function fmtNum(x, digits = 3) {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  if (a >= 1e9) return `${(x / 1e9).toPrecision(digits)} G`;
  if (a >= 1e6) return `${(x / 1e6).toPrecision(digits)} M`;
  if (a >= 1e3) return `${(x / 1e3).toPrecision(digits)} k`;
  return x.toPrecision(digits);
}

/** dataDir(): $MAST_DATA or <repo>/../shared/data. */
export function dataPath(rel) {
  const dir = process.env.MAST_DATA ?? join(root, "..", "shared", "data");
  return join(dir, rel);
}
export { existsSync };
