import { describe, it, expect } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, existsSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { root, dataFile } from "../helpers.ts";

// scripts/paper.mjs --quick: the paper's experiment in under a minute, into a temporary folder.
describe("npm run paper -- --quick", () => {
  const a9a = dataFile("libsvm/a9a.gz");
  it.skipIf(!a9a)("writes the report and the figures, with numbers", () => {
    const out = mkdtempSync(join(tmpdir(), "mast-paper-test-"));
    try {
      const started = Date.now();
      const r = spawnSync(process.execPath, [join(root, "scripts", "paper.mjs"), "--quick", "--out", out], {
        encoding: "utf8", env: { ...process.env, MAST_DATA: dirname(dirname(a9a!)) }, timeout: 180_000,
      });
      const seconds = (Date.now() - started) / 1000;
      console.log(`[paper --quick] ${seconds.toFixed(1)} s`);
      expect(r.status, r.stderr + r.stdout).toBe(0);
      expect(r.stdout).toMatch(/wrote 5 figures/);

      const readme = readFileSync(join(out, "README.md"), "utf8");
      expect(readme).toMatch(/a5a-like \(seeded subsample of a9a\)/);
      expect(readme.match(/\ba5a\b(?!-like|'s| file)/g)).toBeNull();   // never called plain "a5a"
      expect(readme).toMatch(/λ = 0\.001/);
      expect(readme).toMatch(/\| 0\.5 \| 62 \| [\d.]+ \| [\d,]+ \| [\d.]+ \/ [\d.]+ \| \*\*[\d.]+\*\* \[[\d.]+, [\d.]+\]/);   // a row of the pruning table
      expect(readme).toMatch(/test \d\d\.\d\d%/);
      expect(readme).toMatch(/scikit-learn/);
      // the tie rule: stated, its share per level, and the neutral-rule comparison; the reviews' claim carries its tag
      expect(readme).toMatch(/predict −1 — the package's documented tie rule/);
      expect(readme).toMatch(/\| 0\.5 \| [\d.]+% \| [\d.]+% \| \*\*[\d.]+\*\* \[[\d.]+, [\d.]+\] \| \*\*[\d.]+\*\* \[[\d.]+, [\d.]+\] \| (yes|no) \|/);
      expect(readme).toMatch(/trust tag \[R\]/);
      expect(readme).toMatch(/could hardly fail/);
      expect(readme).toMatch(/deep-network experiment/);
      for (const f of ["pruning-boxplot.svg", "pruning-boxplot-neutral.svg", "convergence-fD.svg", "convergence-accuracy.svg", "theory-neighbourhood.svg"]) {
        expect(readme).toContain(`](${f})`);
        const svg = readFileSync(join(out, f), "utf8");
        expect(svg.startsWith("<?xml")).toBe(true);
        expect(svg.trimEnd().endsWith("</svg>")).toBe(true);
        expect(svg).toMatch(/class="ytick"[^>]*>[\d.,e-]+</);
      }
      const box = readFileSync(join(out, "pruning-boxplot.svg"), "utf8");
      expect((box.match(/class="box"/g) ?? []).length).toBe(9);   // 3 sparsity levels × (ERM, MAST best, MAST final)
      const res = JSON.parse(readFileSync(join(out, "results.json"), "utf8"));
      expect(res.erm.gradientNorm).toBeLessThanOrEqual(1e-10);
      expect(res.data).toMatchObject({ train: 6414, test: 26147, fit: 5773, validation: 641 });
      expect(res.perQ.map((p: { q: number }) => p.q)).toEqual([0.2, 0.5, 0.8]);
      for (const p of res.perQ) expect(p.best.median).toBeGreaterThan(0.5);
      expect(res.sandwich.rows.every((row: { violations: number }) => row.violations === 0)).toBe(true);
      expect(res.theory[0].measured).toBeLessThanOrEqual(res.theory[0].bound);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it("skips with a clear message when a9a is absent", () => {
    const r = spawnSync(process.execPath, [join(root, "scripts", "paper.mjs"), "--quick", "--data", join(tmpdir(), "no-such-a9a.gz")], { encoding: "utf8" });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/\[skip\] paper: a9a\.gz not found/);
    expect(existsSync(join(tmpdir(), "no-such-a9a.gz"))).toBe(false);
  });

  it("rejects unknown flags", () => {
    const r = spawnSync(process.execPath, [join(root, "scripts", "paper.mjs"), "--fast"], { encoding: "utf8" });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/unknown argument --fast/);
  });
});
