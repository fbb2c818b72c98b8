// Question 5, start-up cost: wasm size (raw and gzip -9) of both builds, init() time, and the time to the first DSGD
// step on a small problem — in this process (median over repeated calls, each compiling from bytes) and in fresh
// node processes (cold: import + init + first step). Usage: node bench/startup.mjs [--smoke]
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { init, sketch } from "../dist/index.js";
import { root, smoke, check, checkPositive, finish, makeBench, runRounds, statsOf, writeResults, fmtTime } from "./_lib.mjs";

const NAME = "startup";
const FRESH_PROCESSES = smoke ? 1 : 7;
const SMALL = { rows: 2000, cols: 100, density: 0.1, seed: 1 };
const builds = ["simd", "scalar"];
const bytes = Object.fromEntries(builds.map((b) => [b, new Uint8Array(readFileSync(join(root, "dist", `mast-${b}.wasm`)))]));

// ---------- sizes ----------

const sizes = {};
for (const b of builds) {
  sizes[b] = { rawBytes: bytes[b].length, gzipBytes: gzipSync(bytes[b], { level: 9 }).length };
  checkPositive(sizes[b].rawBytes, `${b} wasm size`);
  check(sizes[b].gzipBytes > 0 && sizes[b].gzipBytes < sizes[b].rawBytes, `${b} gzip size is positive and smaller than raw`);
  console.log(`  mast-${b}.wasm: ${sizes[b].rawBytes} B raw, ${sizes[b].gzipBytes} B gzip -9`);
}

// Each call gets different bytes (a unique custom section appended), so no engine-side cache of compiled code can
// answer it: every init(bytes) below really compiles.
let counter = 0;
function freshBytes(b) {
  const name = new TextEncoder().encode(`bench-${counter++}`);
  const out = new Uint8Array(bytes[b].length + 3 + name.length);
  out.set(bytes[b]);
  out.set([0, name.length + 1, name.length], bytes[b].length);
  out.set(name, bytes[b].length + 3);
  return out;
}

// ---------- sanity ----------

for (const b of builds) {
  const m = await init(freshBytes(b));
  check(m.build === b, `init(fresh ${b} bytes) gives the ${b} build (got ${m.build})`);
}
const def = await init();
check(def.build === "simd", `init() picks the SIMD build on this engine (got ${def.build})`);
let lastRun = null;
async function firstStep(m, phases) {
  const t0 = performance.now();
  const data = m.data.synthetic(SMALL);
  const t1 = performance.now();
  const problem = m.problem({ data, loss: "logistic", l2: 1e-3 });
  const t2 = performance.now();
  const run = await problem.minimize({ sketch: sketch.randK(10), batch: 1, iterations: 1, recordEvery: 1 });
  const t3 = performance.now();
  phases?.data.push(t1 - t0); phases?.problem.push(t2 - t1); phases?.minimize.push(t3 - t2);
  lastRun = run;
  return run;
}
{
  const run = await firstStep(def);
  check(run.iterations === 1 && run.x.every(Number.isFinite) && run.work.rowsTouched === 1, "first DSGD step: one step, one row, finite x");
}

// ---------- in-process timings ----------

const bench = makeBench({ time: 500, iterations: 10, warmupIterations: 3 });
const phases = { init: [], data: [], problem: [], minimize: [] };
const modSimd = await WebAssembly.compile(bytes.simd);
bench.add("init(bytes) simd — compile + instantiate", async () => { await init(freshBytes("simd")); });
bench.add("init(bytes) scalar — compile + instantiate", async () => { await init(freshBytes("scalar")); });
bench.add("init() default — read dist file + compile + instantiate", async () => { await init(); });
bench.add("init(module) — instantiate a compiled module", async () => { await init(modSimd); });
let timed = false;   // phases are kept for timed runs only, not for warm-up runs
bench.add("init(bytes) → first DSGD step (synthetic 2000×100)", async () => {
  const t0 = performance.now();
  const m = await init(freshBytes("simd"));
  const t1 = performance.now();
  await firstStep(m, timed ? phases : null);
  if (timed) phases.init.push(t1 - t0);
}, { beforeAll(mode) { timed = mode === "run"; } });
const pooled = await runRounds(bench);

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const cases = [];
for (const t of bench.tasks) {
  const s = statsOf(pooled.get(t.name), 1);
  checkPositive(s.medianMs, `${t.name} median`);
  cases.push({ group: "in-process", label: t.name, unit: "ms", impls: { wasm: s } });
  console.log(`  ${t.name}: median ${fmtTime(s.medianMs)}, p75 ${fmtTime(s.p75Ms)} (${s.samples} samples)`);
}
const firstStepPhases = Object.fromEntries(Object.entries(phases).map(([k, v]) => [k, { medianMs: median(v), samples: v.length }]));
console.log(`  first-step phases (median): ${Object.entries(firstStepPhases).map(([k, v]) => `${k} ${fmtTime(v.medianMs)}`).join(", ")}`);
check(lastRun.iterations === 1 && lastRun.x.every(Number.isFinite), "first DSGD step (timed runs) is finite");

// ---------- fresh processes (cold) ----------

const childSrc = `
const t0 = performance.now();
const { init, sketch } = await import(${JSON.stringify(pathToFileURL(join(root, "dist", "index.js")).href)});
const t1 = performance.now();
const m = await init();
const t2 = performance.now();
const data = m.data.synthetic(${JSON.stringify(SMALL)});
const p = m.problem({ data, loss: "logistic", l2: 1e-3 });
const r = await p.minimize({ sketch: sketch.randK(10), batch: 1, iterations: 1, recordEvery: 1 });
const t3 = performance.now();
console.log(JSON.stringify({ processStartToScript: t0, import: t1 - t0, init: t2 - t1, problemAndFirstStep: t3 - t2, processStartToFirstStep: t3, ok: r.x.every(Number.isFinite) }));
`;
const cold = [];
for (let k = 0; k < FRESH_PROCESSES; k++) {
  const t0 = performance.now();
  const p = spawnSync(process.execPath, ["--input-type=module", "-e", childSrc], { encoding: "utf8" });
  const wall = performance.now() - t0;
  if (p.status !== 0) { check(false, `fresh process exited with ${p.status}: ${p.stderr}`); continue; }
  const r = JSON.parse(p.stdout.trim().split("\n").at(-1));
  check(r.ok, "fresh process: first step finite");
  cold.push({ ...r, wallMs: wall });
}
const coldMedian = {};
if (cold.length) {
  for (const k of ["import", "init", "problemAndFirstStep", "processStartToFirstStep", "wallMs"]) {
    coldMedian[k] = median(cold.map((c) => c[k]));
    checkPositive(coldMedian[k], `fresh process ${k}`);
  }
  console.log(`  fresh process (median of ${cold.length}): import ${fmtTime(coldMedian.import)}, init() ${fmtTime(coldMedian.init)}, problem + first step ${fmtTime(coldMedian.problemAndFirstStep)}, process start → first step ${fmtTime(coldMedian.processStartToFirstStep)}, wall ${fmtTime(coldMedian.wallMs)}`);
}

// ---------- targets ----------

const initSimd = cases.find((c) => c.label.startsWith("init(bytes) simd")).impls.wasm;
const maxGz = Math.max(...builds.map((b) => sizes[b].gzipBytes));
const targets = [
  {
    id: "wasm-size", label: "wasm size, gzip -9 (larger of the two builds)", target: "≤ 64 KB",
    measured: `${(maxGz / 1024).toFixed(1)} KB (simd ${(sizes.simd.gzipBytes / 1024).toFixed(1)} KB, scalar ${(sizes.scalar.gzipBytes / 1024).toFixed(1)} KB)`,
    met: maxGz <= 64 * 1024,
  },
  {
    id: "init", label: "init() time (median; compile from bytes + instantiate)", target: "≤ 10 ms",
    measured: `${initSimd.medianMs.toFixed(2)} ms (p75 ${initSimd.p75Ms.toFixed(2)} ms)${cold.length ? `; cold in a fresh process: ${coldMedian.init.toFixed(2)} ms` : ""}`,
    met: initSimd.medianMs <= 10,
  },
];

writeResults(NAME, {
  title: "Start-up: size, init() and time to the first step (question 5)",
  ours: "wasm",
  implNames: { wasm: "mast-wasm (dist/index.js + dist/mast-*.wasm)" },
  config: { small: SMALL, freshProcesses: FRESH_PROCESSES },
  notes: [
    "init(bytes) gets bytes with a unique custom section appended on every call, so each call compiles (no engine cache can answer it).",
    "init() default reads the .wasm next to dist/index.js and compiles it; init(module) only instantiates.",
    "Fresh-process times are measured inside a new node process with performance.now() (0 = process start), median over the processes.",
  ],
  sizes,
  firstStepPhases,
  cold: { processes: cold.length, median: coldMedian, runs: cold },
  targets,
  cases,
});
finish(NAME);
