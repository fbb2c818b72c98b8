// The package as a new user gets it: `npm pack`, then an offline `npm install` of the tarball into an empty project
// (no warning), imported by name in Node, the README's example type-checked in a strict .ts file against the installed
// types, and a browser client bundled by esbuild (no flags beyond the format; the .wasm copied as the README says) and
// by Vite, each run in Chromium with the digest Node computes.
import { describe, it, expect, beforeAll } from "vitest";
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { init } from "mast-wasm";
import { chromiumOrSkip, consoleErrors, launchChromium, serveFolder } from "../browser.ts";
import { root } from "../helpers.ts";

const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const bin = (name: string) => join(root, "node_modules", ".bin", name);
const sh = (cmd: string, args: string[], cwd: string) => spawnSync(cmd, args, { cwd, encoding: "utf8", env: { ...process.env, npm_config_update_notifier: "false" } });

/** The client every bundler builds: train a small problem and publish the digest (no top-level await: iife too). */
const CLIENT = `import { init, sketch } from "mast-wasm";
init().then(async (mast) => {
  const problem = mast.problem({ data: mast.data.synthetic({ rows: 300, cols: 20, seed: 4 }), loss: "logistic", l2: 1e-3 });
  const run = await problem.minimize({ sketch: sketch.randK(5), batch: 4, iterations: 2000, seed: 1 });
  window.__result = { digest: run.digest, build: mast.build };
}, (e) => { window.__result = { error: String(e) }; });
`;
async function expectedDigest(): Promise<string> {
  const mast = await init();
  const problem = mast.problem({ data: mast.data.synthetic({ rows: 300, cols: 20, seed: 4 }), loss: "logistic", l2: 1e-3 });
  return (await problem.minimize({ sketch: mast.sketch.randK(5), batch: 4, iterations: 2000, seed: 1 })).digest;
}

let work = "", app = "", tarball = "", install: ReturnType<typeof sh>;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "mast-pack-"));
  const pack = sh("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", work], root);
  expect(pack.status, pack.stderr).toBe(0);
  tarball = join(work, JSON.parse(pack.stdout)[0].filename);
  app = join(work, "app");
  mkdirSync(app);
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "app", version: "1.0.0", private: true, type: "module" }));
  install = sh("npm", ["install", "--offline", "--no-audit", "--no-fund", tarball], app);
});

describe("the packed tarball", () => {
  it("holds the license, the changelog, the built library and its types, and no demo, sources or install-time script", () => {
    const files = sh("tar", ["-tzf", tarball], work).stdout.trim().split("\n").map((f) => f.replace(/^package\//, ""));
    for (const f of ["LICENSE", "README.md", "CHANGELOG.md", "package.json", "dist/index.js", "dist/index.d.ts", "dist/plot.js", "dist/repro.js",
      "dist/cli.js", "dist/distributed-worker.js", "dist/mast-simd.wasm", "dist/mast-scalar.wasm"]) expect(files).toContain(f);
    expect(files.filter((f) => /^(dist\/demo|src|scripts|demo|test)\//.test(f))).toEqual([]);
    const packed = JSON.parse(sh("tar", ["-xzOf", tarball, "package/package.json"], work).stdout);
    expect(Object.keys(packed.scripts).filter((s) => ["preinstall", "install", "postinstall", "prepare"].includes(s))).toEqual([]);
    expect(packed.license).toBe("MIT");
    expect(readFileSync(join(root, "LICENSE"), "utf8")).toMatch(/^MIT License\n[\s\S]*THE SOFTWARE IS PROVIDED "AS IS"/);
    expect(Object.keys(pkg.dependencies ?? {})).toEqual([]); // zero runtime dependencies
  });

  it("installs offline without a warning", () => {
    expect(install.status, install.stderr).toBe(0);
    expect(`${install.stdout}\n${install.stderr}`).not.toMatch(/warn|ERR/i);
  });

  it("imports by name in Node (every entry, and the mast command) and gives the digest of the repository's build", async () => {
    const script = `import { init, sketch } from "mast-wasm"; import { lineSvg } from "mast-wasm/plot"; import { goldenReport } from "mast-wasm/repro";
      const mast = await init();
      const problem = mast.problem({ data: mast.data.synthetic({ rows: 300, cols: 20, seed: 4 }), loss: "logistic", l2: 1e-3 });
      const run = await problem.minimize({ sketch: sketch.randK(5), batch: 4, iterations: 2000, seed: 1 });
      console.log(JSON.stringify({ digest: run.digest, plot: typeof lineSvg, golden: typeof goldenReport === "function" }));`;
    writeFileSync(join(app, "node-client.mjs"), script);
    const r = sh(process.execPath, ["node-client.mjs"], app);
    expect(r.stderr).toBe("");
    expect(JSON.parse(r.stdout)).toEqual({ digest: await expectedDigest(), plot: "function", golden: true });
    expect(sh(process.execPath, [join(app, "node_modules", ".bin", "mast"), "--version"], app).stdout.trim()).toBe(pkg.version);
  });

  it("the README's example type-checks in a strict .ts file against the installed types", () => {
    const readme = readFileSync(join(root, "README.md"), "utf8");
    const code = readme.slice(readme.indexOf("## Usage")).match(/```js\n([\s\S]*?)```/)![1];
    writeFileSync(join(app, "readme-example.ts"), `${code}\nexport {};\n`);
    writeFileSync(join(app, "tsconfig.json"), JSON.stringify({
      compilerOptions: { strict: true, target: "es2022", module: "nodenext", moduleResolution: "nodenext", lib: ["es2022", "dom"], types: [], noEmit: true, skipLibCheck: false },
      files: ["readme-example.ts"],
    }));
    const r = sh(bin("tsc"), ["-p", "tsconfig.json"], app);
    expect(r.stdout + r.stderr).toBe("");
    expect(r.status).toBe(0);
  });
});

const browser = chromiumOrSkip("bundled clients in Chromium");
describe.skipIf(!browser)("bundlers (the installed tarball, run in Chromium)", () => {
  /** runPage(dir, page): serve dir, open the page, wait for window.__result. */
  async function runPage(dir: string, pagePath = "index.html"): Promise<{ digest?: string; build?: string; error?: string; errors: string[] }> {
    const { url, server } = await serveFolder(dir);
    const b = await launchChromium();
    try {
      const page = await b.newPage();
      const errors = consoleErrors(page);
      await page.goto(url + pagePath);
      await page.waitForFunction(() => (window as unknown as { __result?: unknown }).__result !== undefined, null, { timeout: 30_000 });
      return { ...(await page.evaluate(() => (window as unknown as { __result: object }).__result)), errors };
    } finally {
      await b.close();
      server.close();
    }
  }
  const copyWasm = (to: string) => { for (const f of ["mast-simd.wasm", "mast-scalar.wasm"]) copyFileSync(join(app, "node_modules", "mast-wasm", "dist", f), join(to, f)); };

  it("esbuild --bundle --platform=browser --format=esm: builds without a warning, and runs once the .wasm files sit next to the bundle", async () => {
    const out = join(app, "esbuild-esm");
    mkdirSync(out);
    writeFileSync(join(app, "client.js"), CLIENT);
    const r = sh(bin("esbuild"), ["client.js", "--bundle", "--platform=browser", "--format=esm", "--outfile=esbuild-esm/client.js"], app);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/warning|error/i);
    writeFileSync(join(out, "index.html"), `<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><script type="module" src="client.js"></script>`);
    const before = await runPage(out);                    // esbuild does not copy the .wasm: a clear LoadError
    expect(before.error).toMatch(/LoadError: mast-wasm: could not read the kernels from the shipped simd build .*HTTP 404 \(a bundle must serve mast-simd\.wasm/);
    copyWasm(out);
    const after = await runPage(out);
    expect(after).toEqual({ digest: await expectedDigest(), build: "simd", errors: [] });
  });

  it("esbuild --bundle --platform=browser (iife, the default format): builds without an error and runs with the .wasm next to the page", async () => {
    const out = join(app, "esbuild-iife");
    mkdirSync(out);
    const r = sh(bin("esbuild"), ["client.js", "--bundle", "--platform=browser", "--outfile=esbuild-iife/client.js"], app);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/error/i);
    writeFileSync(join(out, "index.html"), `<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><script src="client.js"></script>`);
    copyWasm(out);
    expect(await runPage(out)).toEqual({ digest: await expectedDigest(), build: "simd", errors: [] });
  });

  it("Vite: vite build emits the .wasm assets itself, and the page runs", async () => {
    const src = join(app, "vite-app");
    mkdirSync(src);
    writeFileSync(join(src, "index.html"), `<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><script type="module" src="./main.js"></script>`);
    writeFileSync(join(src, "main.js"), CLIENT);
    const { build } = await import("vite");
    await build({ root: src, logLevel: "silent", configFile: false, build: { outDir: join(src, "dist"), emptyOutDir: true } });
    const assets = readdirSync(join(src, "dist", "assets"));
    expect(assets.filter((f) => f.endsWith(".wasm")).length).toBe(2);
    expect(await runPage(join(src, "dist"))).toEqual({ digest: await expectedDigest(), build: "simd", errors: [] });
  });
});
