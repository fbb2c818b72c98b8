// The API reference: TypeDoc over the three entries must pass without a single warning (every export documented, no
// broken link, no public type referring to an unexported one), and the check must fail on an undocumented export.
import { describe, it, expect } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { root } from "../helpers.ts";

describe("the API reference (TypeDoc)", () => {
  it("npm run docs -- --check: every export of every entry is documented and TypeDoc does not warn", () => {
    const r = spawnSync(process.execPath, [join(root, "scripts", "docs.mjs"), "--check"], { cwd: root, encoding: "utf8" });
    expect(r.stdout + r.stderr).not.toMatch(/\[warning\]|\[error\]/);
    expect(r.status).toBe(0);
    const config = JSON.parse(readFileSync(join(root, "typedoc.json"), "utf8"));
    const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
    expect(config.entryPoints).toEqual(["src/index.ts", "src/plot.ts", "src/repro.ts", "src/cluster.ts"]);
    expect(Object.keys(pkg.exports).filter((k) => !k.endsWith(".wasm") && k !== "./package.json" && k !== "./cluster-node.js")).toEqual([".", "./plot", "./repro", "./cluster"]);
    expect(config.treatWarningsAsErrors).toBe(true);
  });

  it("fails on an export without documentation (the same options on a small entry)", () => {
    mkdirSync(join(root, "build"), { recursive: true });
    const dir = mkdtempSync(join(root, "build", "typedoc-check-"));
    writeFileSync(join(dir, "entry.ts"), `/** An entry. @module */\n/** Documented. */\nexport function documented(): number { return 1; }\nexport interface Undocumented { /** Documented. */ a: number; b: string }\n`);
    writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({ extends: join(root, "tsconfig.json"), compilerOptions: { rootDir: dir, noEmit: true }, include: ["entry.ts"] }));
    const options = { ...JSON.parse(readFileSync(join(root, "typedoc.json"), "utf8")), entryPoints: [join(dir, "entry.ts")], tsconfig: join(dir, "tsconfig.json") };
    writeFileSync(join(dir, "typedoc.json"), JSON.stringify(options));
    const r = spawnSync(join(root, "node_modules", ".bin", "typedoc"), ["--options", join(dir, "typedoc.json"), "--emit", "none"], { cwd: root, encoding: "utf8" });
    const out = (r.stdout + r.stderr).replace(/\x1b\[[0-9;]*m/g, "");
    expect(r.status).not.toBe(0);
    expect(out).toMatch(/Undocumented \(Interface\).* does not have any documentation/);
    expect(out).toMatch(/Undocumented\.b \(Property\).* does not have any documentation/);
    expect(out).not.toMatch(/documented \(Function\)/);
    rmSync(dir, { recursive: true, force: true });
  });
});
