// The code blocks of the README and the guides in docs/ that claim to run, run.
//
// The convention: a ```js block whose first line is exactly `// runs` is a complete program. This test writes it to a
// temporary .mjs file with `"mast-wasm"` (and `"mast-wasm/…"` subpaths) pointing at the built dist/ files, runs it
// with node, and asserts exit code 0 and an empty stderr; where a block prints a number a reader relies on, the
// checks below assert on it loosely. Fragments (option lists, signatures) carry no marker and are not run.
// docs/architecture.md and docs/paper/ are not scanned (they are not guides).
import { describe, it, expect } from "vitest";
import { readFileSync, readdirSync, writeFileSync, mkdtempSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { join, dirname, resolve } from "node:path";
import { tmpdir } from "node:os";
import { pathToFileURL } from "node:url";
import { root } from "./helpers.ts";

const MARK = "// runs";
const RUN_TIMEOUT_MS = 30_000;

/** README.md and the guides (docs/*.md but docs/architecture.md; docs/paper/ is a folder and not read). */
const PAGES = ["README.md", ...readdirSync(join(root, "docs")).filter((f) => f.endsWith(".md") && f !== "architecture.md").sort().map((f) => `docs/${f}`)];

interface Block { page: string; lang: string; line: number; code: string; runs: boolean }

/** Every fenced block of a page, with its language, 1-based line of the opening fence and whether it is marked. */
function fencedBlocks(page: string): Block[] {
  const lines = readFileSync(join(root, page), "utf8").split("\n");
  const out: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = lines[i].match(/^```(\S*)\s*$/);
    if (!open) continue;
    let j = i + 1;
    while (j < lines.length && !/^```\s*$/.test(lines[j])) j++;
    if (j === lines.length) throw new Error(`${page}:${i + 1}: a code fence is never closed`);
    const body = lines.slice(i + 1, j);
    out.push({ page, lang: open[1], line: i + 1, code: body.join("\n") + "\n", runs: body[0]?.trim() === MARK });
    i = j;
  }
  return out;
}

const ALL = PAGES.flatMap(fencedBlocks);
const RUNNABLE = ALL.filter((b) => b.runs);

/** The package's export map: "mast-wasm" and "mast-wasm/<sub>" → file URLs of the built files. */
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
function resolveSpecifier(spec: string): string | null {
  const sub = spec === "mast-wasm" ? "." : spec.startsWith("mast-wasm/") ? `./${spec.slice("mast-wasm/".length)}` : null;
  if (sub === null) return null;
  const target = pkg.exports[sub];
  const file = typeof target === "string" ? target : target?.default;
  if (typeof file !== "string") throw new Error(`${spec} is not exported by package.json`);
  return pathToFileURL(join(root, file)).href;
}

/** The block with its imports of the package pointed at dist/. */
function rewrite(code: string): string {
  return code.replace(/(\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(["'])(mast-wasm(?:\/[^"']*)?)\2/g, (all, lead: string, _q: string, spec: string) => {
    const url = resolveSpecifier(spec);
    return url === null ? all : `${lead}${JSON.stringify(url)}`;
  });
}

/**
 * Loose checks on what blocks print, by page and by the ordinal of the runnable block on that page (0-based).
 * A block without an entry must still exit 0, write nothing to stderr and print something.
 */
const num = (out: string, re: RegExp): number[] => {
  const m = out.match(re);
  expect(m, `output should match ${re}:\n${out}`).not.toBeNull();
  return m!.slice(1).map(Number);
};
const CHECKS: Record<string, (out: string) => void> = {
  "README.md#0": (out) => {
    const [ermPruned, mastPruned] = num(out, /pruned to 31 weights: ERM ([\d.]+), MAST ([\d.]+)/);
    expect(mastPruned).toBeGreaterThan(ermPruned);
    expect(out).toMatch(/digest [0-9a-f]{64}/);
  },
  "docs/sketches.md#0": (out) => {
    expect(out).toMatch(/"kind":"identity"\}: E\[s_j²\] 1, E\[s_i s_j\] 1\.0000, L_D 1, μ_D 1, L_S\^max 1/);
    // Rand-K, d = 10, K = 5: E[s_j²] = d/K = 2, E[s_i s_j] = d(K−1)/(K(d−1)) = 8/9, L_S^max = (d/K)² = 4
    expect(out).toMatch(/"kind":"randK","k":5\}: E\[s_j²\] 2, E\[s_i s_j\] 0\.8889, L_D 2, μ_D 2, L_S\^max 4/);
    // permutation, M = 3, q = ⌈10/3⌉ = 4: M(q−1)/(Mq−1) = 9/11
    expect(out).toMatch(/"kind":"permutation","nodes":3\}: E\[s_j²\] 3, E\[s_i s_j\] 0\.8182, L_D 3, μ_D 3, L_S\^max 9/);
    expect(out).toMatch(/round trip: \{"kind":"randK","k":5\}, from "randk:5": \{"kind":"randK","k":5\}/);
    const steps = [10, 5, 2].map((K) => num(out, new RegExp(`K = ${K}: theory step ([\\d.e+-]+)`))[0]);
    // γ = 1/(L_f (d/K)²): halving K quarters the step (printed to 4 digits)
    expect(steps[1] / steps[0]).toBeCloseTo(0.25, 3);
    expect(steps[2] / steps[0]).toBeCloseTo(0.04, 3);
  },
  "docs/methods.md#0": (out) => {
    expect(out).toMatch(/step 3 changes 15 of 60 coordinates/);
    const [fullStep] = num(out, /batch full: L_exp [\d.]+, L_S\^max 16, theory step ([\d.]+)/);
    const [tauStep] = num(out, /batch 16: L_exp [\d.]+, L_S\^max 16, theory step ([\d.]+)/);
    expect(tauStep).toBeLessThan(fullStep);
    for (const name of ["importance", "schedule"]) {
      const [f0, f1] = num(out, new RegExp(`${name}: +f ([\\d.]+) -> ([\\d.]+) \\(iterations\\)`));
      expect(f1).toBeLessThan(f0);
    }
  },
  "docs/methods.md#1": (out) => {
    const [, vrNorm] = num(out, /lsvrg: stopped by tolerance at step (\d+), ‖∇f_D‖ = ([\d.e+-]+)/);
    expect(vrNorm).toBeLessThanOrEqual(1e-10);
    const [steps, sgdNorm] = num(out, /dsgd: +stopped by iterations at step (\d+), ‖∇f_D‖ ≈ ([\d.e+-]+)/);
    expect(steps).toBe(20000);
    expect(sgdNorm).toBeGreaterThan(1e-6);
  },
  "docs/distributed.md#0": (out) => {
    const [f0, f1] = num(out, /f ([\d.]+) -> ([\d.]+), theory step/);
    expect(f1).toBeLessThan(f0);
    expect(out).toMatch(/workers 0 and 2 \((worker_threads|web)\) give the same digest: true/);
    const [down, up, dense] = num(out, /bytes down (\d+), up (\d+), dense exchange (\d+) each way/);
    expect(dense).toBe(100 * 4 * 60 * 8);          // T·M·d·8
    expect(down).toBeLessThanOrEqual(100 * 12 * 60); // at most 12·d a round with permutation sketches and v = 0
    expect(up).toBeLessThan(dense);
  },
  "docs/cluster.md#0": (out) => {
    expect(out).toMatch(/^2 node processes \(pids \d+, \d+\), endpoints: same digest as workers 0: true$/m);
    const [down, up, entriesDown, entriesUp, shard] = num(out, /rounds: (\d+) bytes down, (\d+) up in HTTP bodies \(entries (\d+) and (\d+)\); shards (\d+) bytes, once/);
    expect(down).toBe(entriesDown + 100 * 4 * 48);   // T·M·48 bytes of frames
    expect(up).toBe(entriesUp + 100 * 4 * 24);
    expect(shard).toBeGreaterThan(2000 * 8);
  },
  "docs/cluster.md#1": (out) => {
    expect(out).toMatch(/^DistributedError: distributed run failed at round 30; round 30, node 1, endpoint true$/m);
    expect(out).toMatch(/^resumed at round 30: the uninterrupted digest true$/m);
  },
  "docs/models.md#0": (out) => {
    expect(out).toMatch(/csr 4×3, nnz 8; labels 1,-1,1,-1/);
    const [a, b] = num(out, /f\(x\) ([\d.]+) \(CSR\) and ([\d.]+) \(dense\)/);
    expect(a).toBe(b);
    const [fD] = num(out, /f_D\(x\) ≈ ([\d.]+)/);
    expect(fD).toBeGreaterThan(a);                 // f_D ≥ f for convex f (Jensen)
  },
  "docs/models.md#1": (out) => {
    const [fStar, fDxStar, fDxD] = num(out, /f\(x\*\) ([\d.-]+), f_D\(x\*\) ([\d.-]+), f_D\(x_D\*\) ([\d.-]+)/);
    expect(fDxD).toBeLessThan(fDxStar);            // x_D* minimises f_D
    expect(fDxStar).toBeGreaterThanOrEqual(fStar);
    const [mc, se] = num(out, /Monte Carlo f_D\(x_D\*\) ≈ ([\d.-]+) ± ([\d.]+)/);
    expect(Math.abs(mc - fDxD)).toBeLessThan(4 * se);
  },
  "docs/models.md#2": (out) => {
    const [step, f0, f1] = num(out, /theory step ([\d.]+), f ([\d.]+) -> ([\d.]+)/);
    expect(step).toBeCloseTo(0.64, 10);            // 1/(L_f L_S^max) = p² with L_f = 1
    expect(f1).toBeLessThan(f0);
    const [fD] = num(out, /f_D ≈ ([\d.]+)/);
    expect(fD).toBeGreaterThan(f1);
  },
  "docs/models.md#3": (out) => {
    expect(out).toMatch(/newton: \d+ steps, ‖∇f‖ = [\d.e+-]+, converged true/);
    const [erm, mast] = num(out, /ERM ([\d.]+) \[[\d., ]+\], MAST ([\d.]+)/);
    expect(erm).toBeGreaterThan(0.5);
    expect(mast).toBeGreaterThan(0.5);
    expect(out).toMatch(/boxplot: \d+ bytes of SVG/);
  },
  "docs/checkpoints.md#0": (out) => {
    expect(out).toMatch(/resumed to 600: same digest true/);
    expect(out).toMatch(/on another problem: RangeError: resumeFrom is a checkpoint of a different problem/);
  },
  "docs/determinism.md#0": (out) => {
    expect(out).toMatch(/simd and scalar builds, same seed: same digest true/);
    expect(out).toMatch(/the digest is the SHA-256 of x: true; another seed, another digest: true/);
  },
  "docs/performance.md#0": (out) => {
    // 2·|supp S_t| coordinates a step: 2K for Rand-K
    for (const K of [10, 100, 1000]) expect(num(out, new RegExp(`K = ${K}: (\\d+) coordinates`))[0]).toBe(2 * K);
  },
};

const dir = mkdtempSync(join(tmpdir(), "mast-docs-"));
const ordinal = new Map<string, number>();
const keyed = RUNNABLE.map((b) => {
  const n = ordinal.get(b.page) ?? 0;
  ordinal.set(b.page, n + 1);
  return { ...b, key: `${b.page}#${n}` };
});

describe("runnable code blocks (first line `// runs`) in README.md and docs/*.md", () => {
  it("the marker is used only on js blocks that import the package", () => {
    for (const b of ALL) {
      if (b.code.split("\n")[0].trim() !== MARK) continue;
      expect(b.lang, `${b.page}:${b.line}: only \`\`\`js blocks can be marked ${MARK}`).toBe("js");
      expect(b.code, `${b.page}:${b.line}: a runnable block imports from "mast-wasm"`).toMatch(/from "mast-wasm(\/[^"]*)?"/);
    }
  });

  it("every page that shows JavaScript or TypeScript has at least one runnable block", () => {
    for (const page of PAGES) {
      const blocks = ALL.filter((b) => b.page === page);
      if (!blocks.some((b) => b.lang === "js" || b.lang === "ts")) continue;
      expect(blocks.filter((b) => b.runs).length, `${page} shows code but has no block marked ${MARK}`).toBeGreaterThan(0);
    }
    expect(RUNNABLE.length).toBeGreaterThanOrEqual(12);
  });

  it("every check names a runnable block that exists", () => {
    const keys = new Set(keyed.map((b) => b.key));
    for (const k of Object.keys(CHECKS)) expect(keys.has(k), `CHECKS has ${k}, but there is no such runnable block`).toBe(true);
  });

  for (const b of keyed) {
    it(`${b.key} (${b.page}:${b.line}) runs as written`, () => {
      const code = rewrite(b.code);
      expect(code, "every import of the package points at dist/").not.toMatch(/["']mast-wasm(\/[^"']*)?["']/);
      const file = join(dir, `${b.key.replace(/[^a-z0-9]+/gi, "-")}.mjs`);
      writeFileSync(file, code);
      const r = spawnSync(process.execPath, [file], { encoding: "utf8", timeout: RUN_TIMEOUT_MS, cwd: dir });
      expect(r.error, `${b.page}:${b.line} did not finish in ${RUN_TIMEOUT_MS} ms`).toBeUndefined();
      expect(r.stderr, `${b.page}:${b.line} wrote to stderr`).toBe("");
      expect(r.status, `${b.page}:${b.line} exited with ${r.status}`).toBe(0);
      expect(r.stdout.trim().length, `${b.page}:${b.line} printed nothing`).toBeGreaterThan(0);
      CHECKS[b.key]?.(r.stdout);
    });
  }
});

describe("the guides' links and command lines", () => {
  /** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
  function anchors(page: string): Set<string> {
    const seen = new Map<string, number>();
    const out = new Set<string>();
    let fenced = false;
    for (const line of readFileSync(join(root, page), "utf8").split("\n")) {
      if (/^```/.test(line)) fenced = !fenced;
      const h = !fenced && line.match(/^#{1,6}\s+(.*?)\s*#*\s*$/);
      if (!h) continue;
      const base = h[1].toLowerCase().replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, "").replace(/ /g, "-");
      const n = seen.get(base) ?? 0;
      seen.set(base, n + 1);
      out.add(n === 0 ? base : `${base}-${n}`);
    }
    return out;
  }

  it("every relative link points at a file that exists, and every #anchor at a heading", () => {
    for (const page of PAGES) {
      const text = readFileSync(join(root, page), "utf8").replace(/^```[\s\S]*?^```/gm, "");
      for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/i.test(target)) continue;              // http:, https:, mailto:
        const [path, hash] = target.split("#");
        const file = path === "" ? page : join(dirname(page), path);
        let content: string;
        try { content = readFileSync(resolve(root, file), "utf8"); } catch { throw new Error(`${page}: the link ${target} points at a missing file ${file}`); }
        expect(content.length).toBeGreaterThan(0);
        if (hash !== undefined && file.endsWith(".md")) {
          expect(anchors(file).has(hash), `${page}: the link ${target} names no heading of ${file}`).toBe(true);
        }
      }
    }
  });

  it("the flags in the pages' `mast train` and `mast repro` command lines are flags the CLI knows", () => {
    const help = (cmd: string) => {
      const r = spawnSync(process.execPath, [join(root, "dist/cli.js"), cmd, "--help"], { encoding: "utf8" });
      expect(r.status).toBe(0);
      return r.stdout;
    };
    const flags = (text: string) => new Set(Array.from(text.matchAll(/--[a-z][a-z-]*/g), (m) => m[0]));
    const known: Record<string, Set<string>> = { train: flags(help("train")), repro: flags(help("repro")) };
    let lines = 0;
    for (const b of ALL.filter((x) => x.lang === "sh")) {
      // a command line and its continuation lines (indented)
      let cmd: string | null = null;
      for (const line of b.code.split("\n")) {
        const m = line.match(/^(?:npx )?mast (train|repro)\b/);
        if (m) { cmd = m[1]; lines++; } else if (!/^\s/.test(line)) cmd = null;
        if (cmd === null) continue;
        for (const [flag] of line.matchAll(/--[a-z][a-z-]*/g)) {
          expect(known[cmd].has(flag), `${b.page}:${b.line}: mast ${cmd} has no flag ${flag}`).toBe(true);
        }
      }
    }
    expect(lines).toBeGreaterThanOrEqual(3);
  });
});
