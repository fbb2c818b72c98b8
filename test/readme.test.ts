import { describe, it, expect } from "vitest";
import { readFileSync, writeFileSync, mkdtempSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { pathToFileURL } from "node:url";
import { root } from "./helpers.ts";

describe("README", () => {
  it("the usage example runs as written (importing the built package) and prints what it says", () => {
    const readme = readFileSync(join(root, "README.md"), "utf8");
    const usage = readme.slice(readme.indexOf("## Usage"));
    const code = usage.match(/```js\n([\s\S]*?)```/)![1];
    expect(code).toMatch(/from "mast-wasm"/);
    const dir = mkdtempSync(join(tmpdir(), "mast-readme-"));
    const file = join(dir, "example.mjs");
    writeFileSync(file, code.replace(/from "mast-wasm"/g, `from ${JSON.stringify(pathToFileURL(join(root, "dist/index.js")).href)}`));
    const r = spawnSync(process.execPath, [file], { encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const m = r.stdout.match(/theory step ([\d.]+), f ([\d.]+) -> ([\d.]+)\nf_D ≈ ([\d.]+) ± ([\d.]+), train accuracy ([\d.]+)\ndigest ([0-9a-f]{64})/);
    expect(m).not.toBeNull();
    const [, , f0, f1, fD, , acc] = m!.map(Number);
    expect(f1).toBeLessThan(f0);
    expect(fD).toBeGreaterThanOrEqual(f1);
    expect(acc).toBeGreaterThan(0.6);
    // run twice: same digest
    const again = spawnSync(process.execPath, [file], { encoding: "utf8" });
    expect(again.stdout).toBe(r.stdout);
  });

  it("the quick start has exactly the two set-up commands", () => {
    const readme = readFileSync(join(root, "README.md"), "utf8");
    const quick = readme.slice(readme.indexOf("## Quick start"), readme.indexOf("## Usage"));
    const block = quick.match(/```sh\n([\s\S]*?)```/)![1].trim().split("\n");
    expect(block).toEqual(["npm install && npm start", "npm test"]);
  });
});
