#!/usr/bin/env node
// Build: the SIMD and scalar wasm (asc, -O3 s0), the facade bundle and CLI (esbuild, ESM es2022), .d.ts (tsc), and the
// browser demo (scripts/demo.mjs --build-only: dist/demo/, not packed).
// `--if-needed` skips the build when every output is newer than every input.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, statSync, chmodSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const inputs = ["assembly", "src", "asconfig.json", "tsconfig.json", "package.json", "scripts/build.mjs", "demo", "scripts/demo.mjs"];
const outputs = ["dist/mast-simd.wasm", "dist/mast-scalar.wasm", "dist/index.js", "dist/index.d.ts", "dist/plot.js", "dist/repro.js", "dist/cli.js", "dist/distributed-worker.js", "dist/cluster.js", "dist/cluster-node.js", "dist/demo/main.js", "dist/demo/worker.js"];

function newest(p) {
  const s = statSync(p);
  if (!s.isDirectory()) return s.mtimeMs;
  return Math.max(0, ...readdirSync(p).map((f) => newest(join(p, f))));
}

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: "inherit" });
  if (r.status !== 0) { console.error(`build: ${cmd} ${args.join(" ")} failed`); process.exit(r.status ?? 1); }
}

if (process.argv.includes("--if-needed")) {
  const fresh = outputs.every((o) => existsSync(join(root, o)));
  if (fresh) {
    const inTime = Math.max(...inputs.map((i) => newest(join(root, i))));
    const outTime = Math.min(...outputs.map((o) => statSync(join(root, o)).mtimeMs));
    if (outTime >= inTime) process.exit(0);
  }
}
if (!existsSync(join(root, "node_modules/assemblyscript"))) {
  console.error("build: dev dependencies are missing; run npm install first");
  process.exit(1);
}
mkdirSync(join(root, "dist"), { recursive: true });
mkdirSync(join(root, "build"), { recursive: true });
const bin = (name) => join(root, "node_modules", ".bin", name);
run(bin("asc"), ["--config", "asconfig.json", "--target", "simd"]);
run(bin("asc"), ["--config", "asconfig.json", "--target", "scalar"]);
run(bin("tsc"), ["-p", "tsconfig.json"]);
const common = ["--bundle", "--format=esm", "--target=es2022", "--external:node:*", "--log-level=warning"];
run(bin("esbuild"), ["src/index.ts", "--outfile=dist/index.js", "--platform=neutral", ...common]);
run(bin("esbuild"), ["src/plot.ts", "--outfile=dist/plot.js", "--platform=neutral", ...common]);
run(bin("esbuild"), ["src/repro.ts", "--outfile=dist/repro.js", "--platform=neutral", ...common]);
run(bin("esbuild"), ["src/distributed-worker.ts", "--outfile=dist/distributed-worker.js", "--platform=neutral", ...common]);
// the node process (a Worker: workerd or Cloudflare) imports the kernels as modules, next to it in dist/
run(bin("esbuild"), ["src/cluster-node.ts", "--outfile=dist/cluster-node.js", "--platform=neutral", "--external:./mast-simd.wasm", "--external:./mast-scalar.wasm", ...common]);
run(bin("esbuild"), ["src/cluster.ts", "--outfile=dist/cluster.js", "--platform=node", ...common]);
run(bin("esbuild"), ["src/tools/cli/main.ts", "--outfile=dist/cli.js", "--platform=node", "--banner:js=#!/usr/bin/env node", ...common]);
chmodSync(join(root, "dist/cli.js"), 0o755);
run(process.execPath, ["scripts/demo.mjs", "--build-only"]);
console.log("build: dist/ is up to date");
