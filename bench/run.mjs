#!/usr/bin/env node
// Runs every bench script in bench/ (each *.mjs except run.mjs and _*.mjs), one after another, each in its own node
// process. `--smoke` is passed through: toy sizes, sanity checks only, nothing written. Without it, full sizes; each
// bench writes bench/results/<name>.json and, when all passed, BENCHMARKS.md is regenerated from every JSON file.
//   node bench/run.mjs [--smoke] [--only=kernels,dsgd] [--no-build] [--report]
//   --report: only re-render BENCHMARKS.md from the existing JSON files.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { benchDir, root, resultsDir } from "./_lib.mjs";
import { render } from "./_report.mjs";

const argv = process.argv.slice(2);
const smoke = argv.includes("--smoke");
const only = argv.find((a) => a.startsWith("--only="))?.slice(7).split(",").filter(Boolean);
const PREFERRED = ["kernels", "dsgd", "startup"];

function report(totalMs) {
  const files = existsSync(resultsDir) ? readdirSync(resultsDir).filter((f) => f.endsWith(".json") && !f.startsWith("_")) : [];
  if (!files.length) { console.error("run: no bench/results/*.json to report"); return false; }
  const results = files.map((f) => JSON.parse(readFileSync(join(resultsDir, f), "utf8")));
  // _run.json remembers how long the last full run took, so `--report` alone can still say it.
  const meta = join(resultsDir, "_run.json");
  let finished = new Date().toISOString();
  if (totalMs !== undefined) writeFileSync(meta, JSON.stringify({ totalMs, finished }, null, 2) + "\n");
  else if (existsSync(meta)) ({ totalMs, finished } = JSON.parse(readFileSync(meta, "utf8")));
  writeFileSync(join(root, "BENCHMARKS.md"), render(results, { totalMs, finished }));
  console.log(`run: wrote BENCHMARKS.md from ${files.length} result file(s)`);
  return true;
}

if (argv.includes("--report")) process.exit(report() ? 0 : 1);

if (!argv.includes("--no-build")) {
  const b = spawnSync(process.execPath, [join(root, "scripts", "build.mjs"), "--if-needed"], { cwd: root, stdio: "inherit" });
  if (b.status !== 0) { console.error("run: the build failed; fix it or pass --no-build"); process.exit(1); }
}

const names = readdirSync(benchDir)
  .filter((f) => f.endsWith(".mjs") && f !== "run.mjs" && !f.startsWith("_"))
  .map((f) => f.slice(0, -4))
  .filter((n) => !only || only.includes(n))
  .sort((a, b) => {
    const ia = PREFERRED.indexOf(a), ib = PREFERRED.indexOf(b);
    return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib) || a.localeCompare(b);
  });
if (!names.length) { console.error("run: no bench scripts selected"); process.exit(1); }

const started = performance.now();
const outcomes = [];
for (const name of names) {
  console.log(`\n=== bench/${name}.mjs${smoke ? " --smoke" : ""} ===`);
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [join(benchDir, `${name}.mjs`), ...(smoke ? ["--smoke"] : [])], { cwd: root, stdio: "inherit" });
  const sec = (performance.now() - t0) / 1000;
  outcomes.push({ name, ok: r.status === 0, status: r.status ?? r.signal, sec });
}
const totalMs = performance.now() - started;

console.log(`\n=== summary (${smoke ? "smoke" : "full"}, ${(totalMs / 1000).toFixed(1)} s) ===`);
for (const o of outcomes) console.log(`  ${o.ok ? "ok  " : "FAIL"} ${o.name.padEnd(16)} ${o.sec.toFixed(1)} s${o.ok ? "" : ` (exit ${o.status})`}`);
const failed = outcomes.filter((o) => !o.ok);

if (!smoke) {
  if (failed.length) console.error("run: not regenerating BENCHMARKS.md because a bench failed");
  else if (!report(totalMs)) process.exit(1);
}
process.exit(failed.length ? 1 : 0);
