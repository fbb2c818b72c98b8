#!/usr/bin/env node
// The API reference (`npm run docs`): TypeDoc reads the TSDoc of every export of the three entries (mast-wasm,
// mast-wasm/plot, mast-wasm/repro; typedoc.json) and writes HTML to build/api/ (not committed). Every warning is an
// error (treatWarningsAsErrors): an export without documentation, a broken {@link}, a public type that refers to an
// unexported one. `--check` validates without writing (test/layout/api-docs.test.ts runs it in npm test).
//
//   node scripts/docs.mjs [--check]
import { spawnSync } from "node:child_process";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const check = process.argv.includes("--check");
const r = spawnSync(join(root, "node_modules", ".bin", "typedoc"), ["--options", "typedoc.json", ...(check ? ["--emit", "none"] : [])], { cwd: root, stdio: "inherit" });
if (r.status !== 0) {
  console.error("docs: TypeDoc failed or warned (every warning is an error): document the export it names");
  process.exit(r.status ?? 1);
}
console.log(check ? "docs: every export is documented, and TypeDoc had nothing to say" : `docs: the API reference is in ${join("build", "api", "index.html")}`);
