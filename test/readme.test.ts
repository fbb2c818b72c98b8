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
    const m = r.stdout.match(/test accuracy: ERM ([\d.]+), MAST ([\d.]+)\npruned to 31 weights: ERM ([\d.]+), MAST ([\d.]+)\ndigest ([0-9a-f]{64})/);
    expect(m).not.toBeNull();
    const [, erm, mast, ermPruned, mastPruned] = m!.slice(0, 5).map(Number);
    expect(mastPruned).toBeGreaterThan(ermPruned);        // what the sketch buys
    expect(erm).toBeGreaterThan(mast);                    // and what it costs
    // the prose under the example quotes these very numbers
    const prose = usage.slice(usage.indexOf("It prints"), usage.indexOf("It prints") + 200);
    expect(prose).toContain(`test accuracies of ${m![1]} for ERM and ${m![2]} for MAST, and medians of ${m![3]} and ${m![4]}`);
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
