// scripts/paper.mjs --networks --quick: the pruning experiment on networks and IST on threads, at toy size, into a
// temporary folder (never docs/). Checks what the report must contain, that its numbers are the results', and that the
// IST runs gave one digest for every thread count.
import { describe, it, expect } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { root, dataFile } from "../helpers.ts";

const paper = join(root, "scripts", "paper.mjs");

describe("npm run paper -- --networks --quick", () => {
  const mnist = dataFile("mnist/t10k-images-idx3-ubyte.gz");
  it.skipIf(!mnist)("writes the report, the figures and results.json: ERM vs dropout vs Rand-K over units, pruned; IST bit-identical across threads", () => {
    const out = mkdtempSync(join(tmpdir(), "mast-nn-paper-"));
    try {
      const r = spawnSync(process.execPath, [paper, "--networks", "--quick", "--out", out], {
        encoding: "utf8", env: { ...process.env, MAST_DATA: dirname(dirname(mnist!)) }, timeout: 120_000,
      });
      expect(r.status, r.stderr + r.stdout).toBe(0);
      expect(r.stdout).toMatch(/wrote 4 figures, results\.json and README\.md/);
      const readme = readFileSync(join(out, "README.md"), "utf8");
      const res = JSON.parse(readFileSync(join(out, "results.json"), "utf8"));
      expect(readme).toMatch(/This is a `--quick` run/);
      // one table row per level, with the medians of results.json
      for (const row of res.pruning) {
        expect(readme).toContain(`| ${row.q} | ${row.K} | **${(100 * row.erm.median).toFixed(2)}**`);
        expect(row.erm.n).toBe(res.settings.masks * res.settings.seeds.length);
      }
      expect(readme).toMatch(/kept units are \*\*scaled by 1\/q\*\*/);
      expect(readme).toMatch(/best step against q/);
      // the step was tuned the same way for every model, from the grid
      for (const m of res.models) expect(res.settings.steps).toContain(m.gamma);
      // IST: the same digest on 0, 1, 2 and 4 worker threads; fewer bytes than a dense exchange
      for (const s of res.ist) {
        expect(s.sameBits.equal).toBe(true);
        expect(new Set(Object.values(s.sameBits.digests)).size).toBe(1);
        expect(s.bytes.down + s.bytes.up).toBeLessThan(s.bytes.dense);
        expect(s.ist.length).toBeGreaterThan(1);
      }
      for (const f of ["pruning-boxplot.svg", "step-vs-q.svg", "convergence.svg", "ist-M2.svg"]) {
        const svg = readFileSync(join(out, f), "utf8");
        expect(svg.startsWith("<?xml")).toBe(true);
        expect(svg.trimEnd().endsWith("</svg>")).toBe(true);
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 150_000);

  it("--quick without --out is refused, so that a smoke run never overwrites docs/", () => {
    const r = spawnSync(process.execPath, [paper, "--networks", "--quick"], { encoding: "utf8" });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--quick needs --out DIR/);
  });
});
