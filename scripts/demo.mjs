#!/usr/bin/env node
// The browser demo (`npm run demo`): build demo/ with esbuild into dist/demo/ (next to it the .wasm files, copied as
// an esbuild user must: esbuild does not copy `new URL("….wasm", import.meta.url)` assets), then serve dist/demo/ on
// 127.0.0.1 and print the URL. Nothing is fetched from anywhere else.
//
//   node scripts/demo.mjs [--port N] [--build-only] [--no-build] [--update-golden]
//
// --port N          listen on port N (default 8080; 0 picks a free port)
// --build-only      build dist/demo/ and exit (scripts/build.mjs calls this)
// --no-build        serve dist/demo/ as it is
// --update-golden   run the default settings in Node (the demo's own code) and with `mast train`, check that both
//                   give the same digest, and write it to demo/golden.json (the page's "same bits" reference)
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { dirname, extname, join, normalize, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "dist", "demo");
const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const portIndex = args.indexOf("--port");
const port = portIndex >= 0 ? Number(args[portIndex + 1]) : 8080;
const known = new Set(["--port", "--build-only", "--no-build", "--update-golden"]);
for (const [i, a] of args.entries()) {
  if (!known.has(a) && !(i > 0 && args[i - 1] === "--port")) fail(`unknown argument ${a}`);
}
if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be an integer in 0..65535, got ${args[portIndex + 1]}`);

function fail(msg) {
  console.error(`demo: ${msg}\nUsage: node scripts/demo.mjs [--port N] [--build-only] [--no-build] [--update-golden]`);
  process.exit(2);
}

/** buildDemo(): dist/demo/{index.html, style.css, main.js, worker.js, mast-*.wasm}. Needs dist/ (the library). */
export async function buildDemo() {
  const esbuild = await import("esbuild");
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  // a warning is a failure: the demo is also a check that the package bundles cleanly for browsers
  await esbuild.build({
    absWorkingDir: root,
    entryPoints: ["demo/main.ts", "demo/worker.ts"],
    outdir: out,
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    logLevel: "warning",
  }).then((r) => { if (r.warnings.length) throw new Error(`esbuild warned: ${r.warnings.map((w) => w.text).join("; ")}`); });
  for (const f of ["index.html", "style.css"]) copyFileSync(join(root, "demo", f), join(out, f));
  for (const f of ["mast-simd.wasm", "mast-scalar.wasm"]) copyFileSync(join(root, "dist", f), join(out, f));
}

const MIME = {
  ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8",
  ".wasm": "application/wasm", ".json": "application/json", ".svg": "image/svg+xml", ".ico": "image/x-icon",
};

/** serve(port): dist/demo/ on 127.0.0.1 (GET and HEAD only); resolves the server once it listens. */
export function serve(listenPort) {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const rel = decodeURIComponent(url.pathname === "/" ? "/index.html" : url.pathname);
    const path = normalize(join(out, rel));
    if ((req.method !== "GET" && req.method !== "HEAD") || !path.startsWith(out + sep) || !existsSync(path)) {
      res.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end("not found\n");
      return;
    }
    res.writeHead(200, { "content-type": MIME[extname(path)] ?? "application/octet-stream", "cache-control": "no-store", "x-content-type-options": "nosniff" });
    res.end(req.method === "HEAD" ? undefined : readFileSync(path));
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(listenPort, "127.0.0.1", () => resolve(server));
  });
}

/** updateGolden(): the default run in Node through the demo's code and through `mast train`; both digests must agree. */
async function updateGolden() {
  const esbuild = await import("esbuild");
  const entry = join(root, "build", "demo-golden.mjs");
  mkdirSync(dirname(entry), { recursive: true });
  // bundle the demo's code for Node, leaving mast-wasm to Node's resolver (the package's own dist/, by its name)
  await esbuild.build({
    absWorkingDir: root, bundle: true, format: "esm", platform: "node", target: "es2022", logLevel: "warning", external: ["mast-wasm", "mast-wasm/*"],
    stdin: {
      contents: `import { init } from "mast-wasm"; import { runDemo } from "./demo/train.ts"; import { DEFAULTS } from "./demo/settings.ts";
        export async function run() { return runDemo(await init(), { ...DEFAULTS }, {}); }`,
      resolveDir: root, loader: "ts",
    },
    outfile: entry,
  });
  const { run } = await import(pathToFileURL(entry).href);
  const r = await run();
  const cli = spawnSync(process.execPath, [join(root, "dist", "cli.js"), ...r.info.args, "--quiet"], { cwd: root, encoding: "utf8" });
  const cliDigest = (cli.stdout.match(/^digest\s+([0-9a-f]{64})$/m) ?? [])[1];
  if (cli.status !== 0 || !cliDigest) fail(`mast train failed: ${cli.stderr || cli.stdout}`);
  if (cliDigest !== r.digest) fail(`the demo's code gives ${r.digest} and mast train gives ${cliDigest} for ${r.info.command}`);
  const golden = { about: "The default settings of the demo, run in Node: the digest the page compares with (node scripts/demo.mjs --update-golden).", node: process.version, args: r.info.args, command: r.info.command, digest: r.digest };
  writeFileSync(join(root, "demo", "golden.json"), JSON.stringify(golden, null, 2) + "\n");
  console.log(`demo: wrote demo/golden.json: ${r.digest}\n      ${r.info.command}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === normalize(process.argv[1])) {
  if (flag("--update-golden")) {
    await updateGolden();
  } else {
    if (!flag("--no-build")) {
      if (!flag("--build-only")) {
        const b = spawnSync(process.execPath, [join(root, "scripts", "build.mjs"), "--if-needed"], { cwd: root, stdio: "inherit" });
        if (b.status !== 0) fail("the library build failed");
      }
      await buildDemo();
    }
    if (!flag("--build-only")) {
      if (!existsSync(join(out, "index.html"))) fail("dist/demo/ is missing: run without --no-build");
      const server = await serve(port).catch((e) => fail(`cannot listen on 127.0.0.1:${port}: ${e.message}`));
      console.log(`mast-wasm demo: http://127.0.0.1:${server.address().port}/  (Ctrl-C to stop)`);
    }
  }
}
