// The golden check as a user runs it in Node, Deno (--allow-read) or Bun: import dist/index.js, init() with no source
// (the .wasm next to the bundle), run every golden scenario. Arguments: auto (default) | simd | scalar, then optionally
// the URLs of node processes (comma-separated): then only the distributed scenarios run, with their nodes there
// (Deno also needs --allow-net).
// Prints one line: GOLDEN_JSON <report>. Exit code 0 when every digest matches, 1 otherwise.
import { init } from "../../dist/index.js";
import { goldenReport, goldenScenarios } from "../../dist/repro.js";

const args = globalThis.Deno?.args ?? globalThis.process?.argv?.slice(2) ?? [];
const build = args[0] ?? "auto";
const endpoints = args[1] ? args[1].split(",") : null;
let report;
try {
  const mast = await init(undefined, build === "auto" ? {} : { build });
  report = await goldenReport(mast, endpoints === null ? {} : {
    only: goldenScenarios.filter((s) => s.method === "distributed").map((s) => s.name), distributed: { endpoints },
  });
} catch (e) {
  report = { error: String(e?.stack ?? e), build };
}
console.log(`GOLDEN_JSON ${JSON.stringify(report)}`);
if (!report.ok) {
  if (globalThis.Deno) Deno.exit(1);
  else globalThis.process.exitCode = 1;
}
