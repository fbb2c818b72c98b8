#!/usr/bin/env node
// The cross-runtime reproducibility matrix (`npm run test:runtimes`): build dist/ if needed, then run every golden
// scenario (src/tools/golden.ts) in each runtime, loading dist/ the way a user of that runtime would, and compare every
// digest with the expected table. Prints runtime | version | build | result and exits 1 if any cell drifts (the
// message names the runtime and the scenario), or — with CI=true — if a runtime is missing.
//
//   node scripts/test-runtimes.mjs [--only node,deno,bun,chromium,firefox,workerd,cluster] [--json FILE] [--tamper SCENARIO] [--no-build] [--write-docs]
//
// --tamper flips the expected digest of one scenario on this side only: every cell must then fail naming it (a check
// that the matrix can fail). --no-build uses dist/ as it is. The runtime table of docs/determinism.md is compared with
// the run (a warning names any version that differs); --write-docs rewrites its versions and results from the run.
//
// Cells: Node (plain `node`), Deno and Bun from their npm packages, headless Chromium (Debian's, driven by
// playwright-core, page served from 127.0.0.1), Firefox ESR (Debian's, headless; the page POSTs its report back),
// and workerd (the .wasm as WebAssembly.Module bindings). Each runs the auto (SIMD) and the forced scalar build.
// The cluster cells ("node → workerd×2", …) run the distributed scenarios with their nodes in two workerd node
// processes (mast-wasm/cluster) and the coordinator in Node, Deno, Bun, Chromium, Firefox and a workerd Worker: the
// same digests.
// CHROMIUM_PATH and FIREFOX_PATH override the browsers' paths (default /usr/bin/chromium, /usr/bin/firefox-esr).
import { spawn, spawnSync } from "node:child_process";
import { createServer } from "node:http";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { extname, join, dirname, normalize, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const here = join(root, "scripts", "runtimes");
const CI = process.env.CI === "true" || process.env.CI === "1";
const CELL_TIMEOUT = 90_000;

// ---------------------------------------------------------------------------------------------------------------
// Arguments
// ---------------------------------------------------------------------------------------------------------------
const RUNTIMES = ["node", "deno", "bun", "chromium", "firefox", "workerd", "cluster"];
let only = RUNTIMES, jsonOut = null, tamper = null, noBuild = false, writeDocs = false;
for (let i = 2; i < process.argv.length; i++) {
  const a = process.argv[i];
  const val = () => { const v = process.argv[++i]; if (v === undefined) usage(`${a} needs a value`); return v; };
  if (a === "--only") only = val().split(",").map((s) => s.trim()).filter(Boolean);
  else if (a === "--json") jsonOut = val();
  else if (a === "--tamper") tamper = val();
  else if (a === "--no-build") noBuild = true;
  else if (a === "--write-docs") writeDocs = true;
  else if (a === "--help" || a === "-h") usage(null);
  else usage(`unknown flag ${a}`);
}
for (const r of only) if (!RUNTIMES.includes(r)) usage(`unknown runtime ${r} (known: ${RUNTIMES.join(", ")})`);
function usage(msg) {
  (msg ? console.error : console.log)(`${msg ? `test-runtimes: ${msg}\n` : ""}Usage: node scripts/test-runtimes.mjs [--only ${RUNTIMES.join(",")}] [--json FILE] [--tamper SCENARIO] [--no-build] [--write-docs]`);
  process.exit(msg ? 2 : 0);
}

// ---------------------------------------------------------------------------------------------------------------
// Build and the expected table
// ---------------------------------------------------------------------------------------------------------------
if (!noBuild) {
  const b = spawnSync(process.execPath, [join(root, "scripts/build.mjs"), "--if-needed"], { cwd: root, stdio: "inherit" });
  if (b.status !== 0) { console.error("test-runtimes: the build failed"); process.exit(1); }
}
const expectedFile = JSON.parse(readFileSync(join(root, "test/golden/expected.json"), "utf8")).scenarios;
const expected = Object.fromEntries(Object.entries(expectedFile).map(([k, v]) => [k, { digest: v.digest, traceDigest: v.traceDigest }]));
if (tamper !== null) {
  if (!expected[tamper]) usage(`--tamper: unknown scenario ${tamper}`);
  const e = expected[tamper];
  expected[tamper] = { ...e, digest: (e.digest[0] === "0" ? "1" : "0") + e.digest.slice(1) };
}
const names = Object.keys(expected);

// ---------------------------------------------------------------------------------------------------------------
// Cells
// ---------------------------------------------------------------------------------------------------------------
/** @typedef {{ runtime: string, version: string, build: string, status: "ok"|"drift"|"error"|"skipped", result: string, problems: string[] }} Cell */
/** @type {Cell[]} */
const cells = [];

/** judge(runtime, version, want, report, subset, label): a cell from one runtime's report on the scenarios `subset`. */
function judge(runtime, version, wantBuild, report, subset = names, label = runtime) {
  const cell = { runtime: label, version, build: wantBuild, status: "ok", result: "", problems: [] };
  if (!report || report.error || !Array.isArray(report.results)) {
    cell.status = "error";
    const msg = String(report?.error ?? "no report").split("\n")[0];
    cell.result = `ERROR: ${msg}`;
    cell.problems.push(`${runtime} ${version} (${wantBuild}): the golden run failed: ${msg}`);
    return cell;
  }
  cell.build = wantBuild === "auto" ? `${report.build} (auto)` : wantBuild === "scalar" ? `${report.build} (forced)` : `${report.build} (module)`;
  if (wantBuild === "scalar" && report.build !== "scalar") cell.problems.push(`${runtime} ${version}: asked for the scalar build, got ${report.build}`);
  if (report.runtime !== runtime) cell.problems.push(`${runtime} ${version} (${cell.build}): the report says it ran in ${report.runtime}`);
  const got = new Map(report.results.map((r) => [r.name, r]));
  for (const name of subset) {
    const r = got.get(name), e = expected[name];
    const where = `${label} ${version}, build ${cell.build}`;
    if (!r) { cell.problems.push(`${where}: scenario ${name} is missing (is dist/ stale?)`); continue; }
    if (r.error) { cell.problems.push(`${where}: scenario ${name} threw: ${r.error}`); continue; }
    if (r.digest !== e.digest) cell.problems.push(`${where}: scenario ${name} drifted: x digest ${r.digest}, expected ${e.digest}`);
    if (r.traceDigest !== e.traceDigest) cell.problems.push(`${where}: scenario ${name} drifted: trace digest ${r.traceDigest}, expected ${e.traceDigest}`);
    if (!r.ok && r.digest === e.digest && r.traceDigest === e.traceDigest) {
      cell.problems.push(`${where}: scenario ${name}: the bundle's embedded digests differ from test/golden/expected.json (rebuild dist/ or rerun update-golden)`);
    }
  }
  for (const r of report.results) if (!(r.name in expected)) cell.problems.push(`${runtime}: scenario ${r.name} has no entry in test/golden/expected.json`);
  const bad = new Set(cell.problems.map((p) => (p.match(/scenario (\S+)/) ?? [])[1]).filter(Boolean));
  if (cell.problems.length === 0) cell.result = `ok (${subset.length}/${subset.length} scenarios)`;
  else {
    cell.status = "drift";
    cell.result = bad.size > 0 ? `DRIFT: ${[...bad].join(", ")}` : `FAIL: ${cell.problems[0]}`;
  }
  return cell;
}

function skipped(runtime, version, build, why, missing) {
  return { runtime, version, build, status: "skipped", result: `skipped: ${why}`, problems: [], missing };
}

/** run(cmd, args, opts): a child process with a time limit; resolves { code, stdout, stderr, timedOut }. */
function run(cmd, args, { timeout = CELL_TIMEOUT, env } = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "", stderr = "", timedOut = false;
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => { timedOut = true; child.kill("SIGKILL"); }, timeout);
    child.on("error", (e) => { clearTimeout(timer); resolve({ code: -1, stdout, stderr: stderr + String(e), timedOut }); });
    child.on("close", (code) => { clearTimeout(timer); resolve({ code, stdout, stderr, timedOut }); });
  });
}

function parseReport(out) {
  const line = out.stdout.split("\n").find((l) => l.startsWith("GOLDEN_JSON "));
  if (line) return JSON.parse(line.slice("GOLDEN_JSON ".length));
  const why = out.timedOut ? `timed out after ${CELL_TIMEOUT / 1000} s` : `exit code ${out.code}: ${(out.stderr.trim().split("\n").at(-1) ?? "").slice(0, 300)}`;
  return { error: why };
}

/** A runtime that runs scripts/runtimes/runner.mjs (Node, Deno, Bun); with `cluster`, the distributed scenarios over
 *  node processes. */
async function scriptRuntime(runtime, exe, argsFor, versionOf, install, cluster = null) {
  const label = cluster ? cluster.label : runtime;
  if (!existsSync(exe)) {
    for (const build of ["auto", "scalar"]) cells.push(skipped(label, "-", build, `${runtime} not installed (${install})`, true));
    return;
  }
  const version = versionOf();
  for (const build of ["auto", "scalar"]) {
    const args = argsFor(build);
    const report = parseReport(await run(exe, cluster ? [...args, cluster.endpoints.join(",")] : args));
    cells.push(judge(runtime, report.version ?? version, build, report, cluster?.subset, label));
  }
}

const bin = (name) => join(root, "node_modules", ".bin", name);
const firstLine = (cmd, args) => (spawnSync(cmd, args, { encoding: "utf8" }).stdout ?? "").trim().split("\n")[0];
const pkgVersion = (name) => { try { return JSON.parse(readFileSync(join(root, "node_modules", name, "package.json"), "utf8")).version; } catch { return "?"; } };

// A static server for the browsers: dist/ and scripts/runtimes/ only; POST /result collects a report.
let posted = null;
let onPost = () => {};
const MIME = { ".js": "text/javascript; charset=utf-8", ".mjs": "text/javascript; charset=utf-8", ".wasm": "application/wasm", ".html": "text/html; charset=utf-8", ".json": "application/json", ".map": "application/json" };
function startServer() {
  const server = createServer((req, res) => {
    const url = new URL(req.url, "http://127.0.0.1");
    if (req.method === "POST" && url.pathname === "/result") {
      let body = "";
      req.on("data", (d) => (body += d));
      req.on("end", () => { res.writeHead(204).end(); posted = body; onPost(body); });
      return;
    }
    const path = normalize(join(root, decodeURIComponent(url.pathname)));
    const allowed = [join(root, "dist") + sep, here + sep].some((p) => path.startsWith(p));
    if (req.method !== "GET" || !allowed || !existsSync(path)) { res.writeHead(404).end("not found"); return; }
    res.writeHead(200, { "content-type": MIME[extname(path)] ?? "application/octet-stream", "cache-control": "no-store" });
    res.end(readFileSync(path));
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

async function chromium(server, cluster = null) {
  const label = cluster ? cluster.label : "chromium";
  const query = cluster ? `?endpoints=${cluster.endpoints.join(",")}` : "";
  const exe = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
  let pw;
  try { pw = await import("playwright-core"); } catch { pw = null; }
  if (!existsSync(exe) || !pw) {
    const why = !existsSync(exe) ? "chromium not installed (apt-get install -y chromium)" : "playwright-core not installed (npm install)";
    for (const build of ["auto", "scalar"]) cells.push(skipped(label, "-", build, why, true));
    return;
  }
  let browser;
  try {
    browser = await pw.chromium.launch({
      executablePath: exe, headless: true, timeout: CELL_TIMEOUT,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"],
    });
    const version = browser.version();
    const page = await browser.newPage();
    const logs = [];
    page.on("pageerror", (e) => logs.push(String(e)));
    page.on("console", (m) => { if (m.type() === "error") logs.push(m.text()); });
    await page.goto(`http://127.0.0.1:${server.address().port}/scripts/runtimes/browser.html${query}`, { timeout: CELL_TIMEOUT });
    await page.waitForFunction(() => window.__golden !== undefined, null, { timeout: CELL_TIMEOUT }).catch((e) => {
      throw new Error(`the page did not finish: ${logs[0] ?? e.message}`);
    });
    const reports = await page.evaluate(() => window.__golden);
    reports.forEach((rep, i) => cells.push(judge("chromium", version, i === 0 ? "auto" : "scalar", rep, cluster?.subset, label)));
  } catch (e) {
    for (const build of ["auto", "scalar"]) cells.push(judge("chromium", "?", build, { error: String(e?.message ?? e) }, cluster?.subset, label));
  } finally {
    await browser?.close().catch(() => {});
  }
}

async function firefox(server, cluster = null) {
  const label = cluster ? cluster.label : "firefox";
  const exe = process.env.FIREFOX_PATH ?? ["/usr/bin/firefox-esr", "/usr/bin/firefox"].find((p) => existsSync(p));
  if (!exe || !existsSync(exe)) {
    for (const build of ["auto", "scalar"]) cells.push(skipped(label, "-", build, "firefox-esr not installed (apt-get install -y firefox-esr)", true));
    return;
  }
  // playwright-core's firefox needs Playwright's patched build (Juggler) and Debian has no geckodriver, so Firefox is
  // started headless on the page itself, which POSTs its reports back to the local server.
  const version = (firstLine(exe, ["--version"]).match(/([\d.]+\w*)\s*$/) ?? [])[1] ?? "?";
  const profile = mkdtempSync(join(tmpdir(), "mast-firefox-"));
  writeFileSync(join(profile, "user.js"), [
    ["browser.shell.checkDefaultBrowser", false], ["browser.startup.homepage_override.mstone", "\"ignore\""],
    ["browser.aboutwelcome.enabled", false], ["datareporting.policy.dataSubmissionEnabled", false],
    ["datareporting.healthreport.uploadEnabled", false], ["toolkit.telemetry.reportingpolicy.firstRun", false],
    ["app.update.disabledForTesting", true], ["app.update.auto", false], ["extensions.update.enabled", false],
    ["network.captive-portal-service.enabled", false], ["network.connectivity-service.enabled", false],
    ["browser.safebrowsing.malware.enabled", false], ["browser.safebrowsing.phishing.enabled", false],
    ["browser.safebrowsing.downloads.enabled", false], ["browser.newtabpage.enabled", false],
    ["browser.region.network.url", "\"\""], ["browser.search.geoip.url", "\"\""], ["network.dns.disablePrefetch", true],
    ["network.prefetch-next", false], ["dom.disable_open_during_load", false], ["browser.tabs.warnOnClose", false],
  ].map(([k, v]) => `user_pref("${k}", ${v});`).join("\n") + "\n");
  posted = null;
  const got = new Promise((resolve) => { onPost = resolve; });
  const url = `http://127.0.0.1:${server.address().port}/scripts/runtimes/browser.html?post${cluster ? `&endpoints=${cluster.endpoints.join(",")}` : ""}`;
  const child = spawn(exe, ["--headless", "--no-remote", "--new-instance", "--profile", profile, url], {
    env: { ...process.env, MOZ_HEADLESS: "1", MOZ_CRASHREPORTER_DISABLE: "1" }, stdio: ["ignore", "ignore", "pipe"], detached: true,
  });
  let stderr = "", exited = null;
  child.stderr.on("data", (d) => (stderr += d));
  const died = new Promise((resolve) => child.on("exit", (code) => { exited = code; resolve(); }));
  let timer;
  const limit = new Promise((resolve) => { timer = setTimeout(resolve, CELL_TIMEOUT); });
  await Promise.race([got, died, limit]);
  clearTimeout(timer);
  if (exited === null) {
    try { process.kill(-child.pid, "SIGTERM"); } catch { /* already gone */ }
    await Promise.race([died, new Promise((r) => setTimeout(r, 5000))]);
    if (exited === null) try { process.kill(-child.pid, "SIGKILL"); } catch { /* already gone */ }
  }
  rmSync(profile, { recursive: true, force: true });
  if (posted === null) {
    const why = exited !== null ? `firefox exited (code ${exited}) before the page reported: ${stderr.trim().split("\n").at(-1) ?? ""}` : `no report within ${CELL_TIMEOUT / 1000} s`;
    for (const build of ["auto", "scalar"]) cells.push(judge("firefox", version, build, { error: why }, cluster?.subset, label));
    return;
  }
  JSON.parse(posted).forEach((rep, i) => cells.push(judge("firefox", version, i === 0 ? "auto" : "scalar", rep, cluster?.subset, label)));
}

async function workerd(cluster = null) {
  const label = cluster ? cluster.label : "workerd";
  const query = cluster ? `&endpoints=${cluster.endpoints.join(",")}` : "";
  const exe = bin("workerd");
  if (!existsSync(exe)) {
    for (const build of ["simd", "scalar"]) cells.push(skipped(label, "-", build, "workerd not installed (npm install)", true));
    return;
  }
  const version = `${pkgVersion("workerd")}`; // the npm version; `workerd --version` gives its date
  const port = await new Promise((resolve) => { const s = createServer(); s.listen(0, "127.0.0.1", () => { const p = s.address().port; s.close(() => resolve(p)); }); });
  const child = spawn(exe, ["serve", join(here, "workerd.capnp"), "--socket-addr", `http=127.0.0.1:${port}`], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
  let log = "", exited = null;
  child.stdout.on("data", (d) => (log += d));
  child.stderr.on("data", (d) => (log += d));
  child.on("exit", (code) => { exited = code; });
  try {
    const deadline = Date.now() + CELL_TIMEOUT;
    for (const build of ["simd", "scalar"]) {
      let report = null;
      while (report === null) {
        if (exited !== null) { report = { error: `workerd exited (code ${exited}): ${log.trim().split("\n").slice(-3).join(" | ")}` }; break; }
        if (Date.now() > deadline) { report = { error: `workerd did not answer within ${CELL_TIMEOUT / 1000} s` }; break; }
        try {
          const res = await fetch(`http://127.0.0.1:${port}/?build=${build}${query}`);
          report = await res.json();
        } catch { await new Promise((r) => setTimeout(r, 200)); }
      }
      cells.push(judge("workerd", version, build === "simd" ? "module" : "scalar", report, cluster?.subset, label));
    }
  } finally {
    if (exited === null) {
      child.kill("SIGTERM");
      await new Promise((r) => { const t = setTimeout(() => { if (exited === null) child.kill("SIGKILL"); r(); }, 5000); child.on("exit", () => { clearTimeout(t); r(); }); });
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The matrix
// ---------------------------------------------------------------------------------------------------------------
const started = Date.now();
const runner = join(here, "runner.mjs");
const scripts = {
  node: [process.execPath, (b) => [runner, b], () => process.versions.node, ""],
  deno: [bin("deno"), (b) => ["run", "--allow-read", "--allow-net=127.0.0.1", "--no-prompt", "--no-lock", runner, b],
    () => (firstLine(bin("deno"), ["--version"]).match(/deno ([\d.]+)/) ?? [])[1] ?? "?", "npm install (devDependency deno)"],
  bun: [bin("bun"), (b) => [runner, b], () => firstLine(bin("bun"), ["--version"]), "npm install (devDependency bun)"],
};
for (const rt of ["node", "deno", "bun"]) if (only.includes(rt)) await scriptRuntime(rt, ...scripts[rt]);
const browsers = only.includes("chromium") || only.includes("firefox") || only.includes("cluster");
const server = browsers ? await startServer() : null;
try {
  if (only.includes("chromium")) await chromium(server);
  if (only.includes("firefox")) await firefox(server);
  if (only.includes("workerd")) await workerd();
  if (only.includes("cluster")) await clusterCells(server);
} finally {
  server?.closeAllConnections?.();
  server?.close();
}

/**
 * The distributed scenarios with their nodes in two workerd node processes (mast-wasm/cluster, on 127.0.0.1), the
 * coordinator in each runtime: the digests must be those of the nodes in the calling thread.
 */
async function clusterCells(server) {
  const { start } = await import(pathToFileURL(join(root, "dist/cluster.js")).href);
  const { goldenScenarios } = await import(pathToFileURL(join(root, "dist/repro.js")).href);
  const subset = goldenScenarios.filter((s) => s.method === "distributed").map((s) => s.name);
  let nodes;
  try {
    nodes = await start({ nodes: 2 });
  } catch (e) {
    for (const rt of ["node", "deno", "bun", "chromium", "firefox", "workerd"]) for (const build of ["auto", "scalar"]) {
      cells.push(judge(rt, "?", build, { error: `the workerd nodes did not start: ${e?.message ?? e}` }, subset, `${rt} → workerd×2`));
    }
    return;
  }
  try {
    for (const rt of ["node", "deno", "bun"]) await scriptRuntime(rt, ...scripts[rt], { label: `${rt} → workerd×2`, endpoints: nodes.endpoints, subset });
    await chromium(server, { label: "chromium → workerd×2", endpoints: nodes.endpoints, subset });
    await firefox(server, { label: "firefox → workerd×2", endpoints: nodes.endpoints, subset });
    await workerd({ label: "workerd → workerd×2", endpoints: nodes.endpoints, subset });
  } finally {
    await nodes.stop();
  }
}
const seconds = (Date.now() - started) / 1000;

const rows = cells.map((c) => [c.runtime, c.version, c.build, c.result]);
const head = ["runtime", "version", "build", "result"];
const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
const line = (r) => `| ${r.map((v, i) => String(v).padEnd(w[i])).join(" | ")} |`;
console.log(`\nReproducibility matrix: ${names.length} golden scenarios, SHA-256 of x and of the trace (${seconds.toFixed(1)} s)`);
console.log(line(head));
console.log(`|${w.map((n) => "-".repeat(n + 2)).join("|")}|`);
for (const r of rows) console.log(line(r));

// docs/determinism.md's runtime table: each row's version and result come from a run of this matrix.
const DOC_ROWS = { node: "Node", deno: "Deno", bun: "Bun", chromium: "Chromium", firefox: "Firefox", workerd: "workerd" };
{
  const docPath = join(root, "docs", "determinism.md");
  const lines = readFileSync(docPath, "utf8").split("\n");
  let changed = false;
  for (const [runtime, label] of Object.entries(DOC_ROWS)) {
    const mine = cells.filter((c) => c.runtime === runtime);
    if (mine.length === 0 || mine.some((c) => c.status !== "ok")) continue;
    const i = lines.findIndex((l) => l.startsWith(`| ${label}`));
    if (i < 0) continue;
    const cols = lines[i].split(" | ");
    const version = mine[0].version, result = `ok, ${names.length}/${names.length} |`;
    if (cols[1] === version && cols[3] === result) continue;
    if (writeDocs) { cols[1] = version; cols[3] = result; lines[i] = cols.join(" | "); changed = true; }
    else console.warn(`test-runtimes: docs/determinism.md says ${label} ${cols[1]} (${cols[3].replace(/ \|$/, "")}), this run has ${version} (${result.replace(/ \|$/, "")}): npm run test:runtimes -- --write-docs`);
  }
  if (changed) { writeFileSync(docPath, lines.join("\n")); console.log("test-runtimes: wrote the runtime table of docs/determinism.md from this run"); }
}

const failed = cells.filter((c) => c.status === "drift" || c.status === "error");
const missing = cells.filter((c) => c.status === "skipped" && c.missing);
for (const c of failed) for (const p of c.problems) console.error(`test-runtimes: ${c.status === "drift" ? "DRIFT" : "FAIL"} ${p}`);
if (CI) for (const c of missing) console.error(`test-runtimes: ${c.runtime} (${c.build}) is missing, and CI=true needs every runtime: ${c.result}`);
const nSkipped = cells.filter((c) => c.status === "skipped").length - (CI ? missing.length : 0);
console.log(`runtimes: ${cells.length - failed.length - nSkipped - (CI ? missing.length : 0)} passed, ${failed.length + (CI ? missing.length : 0)} failed, ${nSkipped} skipped`);
if (jsonOut) writeFileSync(jsonOut, JSON.stringify({ seconds, expected, cells }, null, 2) + "\n");
process.exitCode = failed.length > 0 || (CI && missing.length > 0) ? 1 : 0;
