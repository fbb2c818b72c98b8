// The `mast` command line (dist/cli.js), run as a child process: the linear model (networks: cli-network.test.ts).
// dist/ is built before the suite runs (`npm test` runs `node scripts/build.mjs --if-needed` first).
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { HEX64, TIMEOUT, cli, digestOf, fails, mast, root } from "./cli-helpers.ts";

/** A small deterministic LibSVM file: ±1 labels from a planted linear rule with a little label noise. */
function libsvmText(rows: number, cols: number, seed: number, regression = false): string {
  let s = seed >>> 0 || 1;
  const rand = (): number => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 2 ** 32; };
  const w = Array.from({ length: cols }, (_, j) => (j % 2 === 0 ? 1 : -1) * (0.5 + j / cols));
  const lines: string[] = [];
  for (let i = 0; i < rows; i++) {
    const feats: string[] = [];
    let m = 0;
    for (let j = 0; j < cols; j++) {
      if (rand() < 0.4) {
        const v = Math.round(rand() * 100) / 100 + 0.01;
        feats.push(`${j + 1}:${v}`);
        m += w[j] * v;
      }
    }
    const label = regression ? (m + rand() - 0.5).toFixed(3) : (m + 0.3 * (rand() - 0.5) > 0 ? "+1" : "-1");
    lines.push(`${label} ${feats.join(" ")}`);
  }
  return lines.join("\n") + "\n";
}

let dir = "";
const file = (name: string): string => join(dir, name);

beforeAll(() => {
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run node scripts/build.mjs first`);
  dir = mkdtempSync(join(tmpdir(), "mast-cli-"));
  writeFileSync(file("train.libsvm"), libsvmText(300, 12, 1));
  writeFileSync(file("test.libsvm"), libsvmText(100, 12, 2));
  writeFileSync(file("train.libsvm.gz"), gzipSync(readFileSync(file("train.libsvm"))));
  writeFileSync(file("wide.libsvm"), "+1 1:1 40:1\n-1 2:1\n");
  writeFileSync(file("regression.libsvm"), libsvmText(200, 8, 3, true));
  writeFileSync(file("bad.libsvm"), "+1 1:0.5 3:1\n-1 2:abc\n+1 1:1\n");
  writeFileSync(file("garbage.gz"), Buffer.from([0x1f, 0x8b, 1, 2, 3, 4, 5]));
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.concurrent("mast train: successful runs", () => {
  it("the default run (no flags) prints a header and a summary with f, f_D, accuracy, steps/s and a digest", async () => {
    const r = await mast(["train"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/built-in synthetic data set \(shaped like a5a/);
    expect(r.stdout).toMatch(/6,414 rows × 123 features/);
    expect(r.stdout).toMatch(/sketch\s+randk:62/);
    expect(r.stdout).toMatch(/L = [\d.e-]+, μ = [\d.e-]+, L_D = [\d.e-]+, L_S\^max = [\d.e-]+/);
    expect(r.stdout).toMatch(/theory γ = 1\/\(L_exp·L_S\^max\) = [\d.]+/);
    expect(r.stdout).toMatch(/64,140 steps \(10 epochs, batch 1\), seed 0, record every 642/);
    expect(r.stdout).toMatch(/^f\(x_T\)\s+0\.\d{6,8}/m);
    expect(r.stdout).toMatch(/^f_D\(x_T\)\s+[\d.]+ ± [\d.e-]+ +\(Monte Carlo, 200 sketches\)/m);
    expect(r.stdout).toMatch(/^train accuracy\s+\d+\.\d\d%$/m);
    expect(r.stdout).toMatch(/^steps\/s\s+[\d,]+/m);
    expect(r.stdout).toMatch(/^elapsed\s+/m);
    expect(r.stdout).toMatch(HEX64);
    expect(r.stdout).not.toContain("\r"); // stdout is a pipe: no progress bar
    const acc = Number(r.stdout.match(/^train accuracy\s+([\d.]+)%$/m)![1]);
    expect(acc).toBeGreaterThan(60);
  }, TIMEOUT);

  it("--quiet prints only the summary", async () => {
    const r = await mast(["train", "--iterations", "2000", "--quiet"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.stdout).not.toMatch(/constants|sketch /);
    expect(r.stdout).toMatch(/^f\(x_T\)/);
    expect(r.stdout).toMatch(/accuracy/);
    expect(r.stdout).toMatch(/steps\/s/);
    expect(digestOf(r.stdout)).toMatch(/^[0-9a-f]{64}$/);
    expect(r.stdout).not.toContain("\r");
  }, TIMEOUT);

  it("the same seed gives the same digest; another seed a different one", async () => {
    const args = ["train", "--iterations", "3000", "--quiet"];
    const [a, b, c] = await Promise.all([mast([...args, "--seed", "5"]), mast([...args, "--seed", "5"]), mast([...args, "--seed", "6"])]);
    for (const r of [a, b, c]) expect(r.code).toBe(0);
    expect(digestOf(a.stdout)).toBe(digestOf(b.stdout));
    expect(digestOf(c.stdout)).not.toBe(digestOf(a.stdout));
  }, TIMEOUT);

  it("--json writes settings, constants, summary, the printed digest and the whole trace", async () => {
    const out = file("run.json");
    const r = await mast(["train", "--iterations", "1500", "--record-every", "100", "--sketch", "bernoulli:0.5", "--batch", "8", "--json", out]);
    expect(r.code).toBe(0);
    const j = JSON.parse(readFileSync(out, "utf8"));
    expect(j.digest).toBe(digestOf(r.stdout));
    expect(j.settings).toMatchObject({ loss: "logistic", l2: 1e-4, sketch: "bernoulli:0.5", batch: 8, iterations: 1500, recordEvery: 100, seed: 0, samples: 200 });
    expect(j.constants.stepSize).toBeGreaterThan(0);
    expect(j.constants).toHaveProperty("LSmax");
    expect(j.summary.f).toBeTypeOf("number");
    expect(j.summary.fD.samples).toBe(200);
    expect(j.summary.trainAccuracy).toBeGreaterThan(0.5);
    expect(j.summary.stepsPerSecond).toBeGreaterThan(0);
    expect(j.trace.length).toBe(16); // t = 0, 100, …, 1500
    expect(j.trace[0]).toMatchObject({ iteration: 0 });
    expect(j.trace.at(-1)).toMatchObject({ iteration: 1500 });
    expect(j.trace.at(-1).f).toBe(j.summary.f);
  }, TIMEOUT);

  it("--data and --test read LibSVM files; test accuracy is reported", async () => {
    const r = await mast(["train", "--data", file("train.libsvm"), "--test", file("test.libsvm"), "--iterations", "6000", "--sketch", "randk:4"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(file("train.libsvm"));
    expect(r.stdout).toMatch(/300 rows × 12 features/);
    expect(r.stdout).toMatch(/100 rows × 12 features/);
    expect(r.stdout).toMatch(/sketch\s+randk:4/);
    const train = Number(r.stdout.match(/^train accuracy\s+([\d.]+)%$/m)![1]);
    const test = Number(r.stdout.match(/^test accuracy\s+([\d.]+)%/m)![1]);
    expect(train).toBeGreaterThan(70);
    expect(test).toBeGreaterThan(65);
    expect(r.stdout).toMatch(HEX64);
  }, TIMEOUT);

  it("a gzipped --data file gives the same run as the plain file", async () => {
    const args = ["--iterations", "3000", "--quiet", "--seed", "3"];
    const [plain, gz] = await Promise.all([
      mast(["train", "--data", file("train.libsvm"), ...args]),
      mast(["train", "--data", file("train.libsvm.gz"), ...args]),
    ]);
    expect(gz.stderr).toBe("");
    expect(gz.code).toBe(0);
    expect(plain.code).toBe(0);
    expect(digestOf(gz.stdout)).toBe(digestOf(plain.stdout));
  }, TIMEOUT);

  it("--loss squared on real-valued labels, with --features, identity and permutation sketches, and --batch full", async () => {
    const [a, b] = await Promise.all([
      mast(["train", "--data", file("regression.libsvm"), "--features", "10", "--loss", "squared", "--sketch", "permutation:2", "--iterations", "2000"]),
      mast(["train", "--data", file("regression.libsvm"), "--loss", "squared", "--sketch", "identity", "--batch", "full", "--iterations", "200", "--step", "0.1", "--l2", "0"]),
    ]);
    expect(a.stderr).toBe("");
    expect(a.code).toBe(0);
    expect(a.stdout).toMatch(/200 rows × 10 features/);
    expect(a.stdout).not.toMatch(/accuracy/);
    expect(b.stderr).toBe("");
    expect(b.code).toBe(0);
    expect(b.stdout).toMatch(/γ = 0\.1 \(/);
    expect(b.stdout).toMatch(/200 steps \(full batch\)/);
  }, TIMEOUT);
});

describe.concurrent("mast train: errors", () => {
  it("an unknown flag", () => fails(["train", "--frobnicate"], 2, "--frobnicate"), TIMEOUT);
  it("an unknown flag near a known one gets a suggestion", async () => {
    for (const [typo, flag] of [["--iteration", "--iterations"], ["--skecth", "--sketch"], ["--record_every", "--record-every"]]) {
      await fails(["train", typo, "1"], 2, `unknown flag ${typo} (did you mean ${flag}?) (see mast train --help)`);
    }
    expect(await fails(["train", "--frobnicate"], 2)).toBe("mast: unknown flag --frobnicate (see mast train --help)");
    expect(await fails(["train", "-seed", "1"], 2)).toBe("mast: unknown flag -s (see mast train --help)");   // -s -e -e -d to parseArgs
  }, TIMEOUT);
  it("--sketch randk:0", () => fails(["train", "--sketch", "randk:0"], 2, "--sketch", "randk:0"), TIMEOUT);
  it("--sketch foo", () => fails(["train", "--sketch", "foo"], 2, "--sketch", '"foo"'), TIMEOUT);
  it("--sketch randk:K with K > d", () => fails(["train", "--sketch", "randk:500"], 2, "--sketch", "randk:500", "123"), TIMEOUT);
  it("--sketch bernoulli:2", () => fails(["train", "--sketch", "bernoulli:2"], 2, "--sketch", "bernoulli:2"), TIMEOUT);
  it("--l2 -1", () => fails(["train", "--l2", "-1"], 2, "--l2", '"-1"'), TIMEOUT);
  it("--l2 1e (strict numbers)", () => fails(["train", "--l2", "1e"], 2, "--l2", '"1e"'), TIMEOUT);
  it("--l2 0x10 (no hex)", () => fails(["train", "--l2", "0x10"], 2, "--l2", '"0x10"'), TIMEOUT);
  it("--l2 with an empty value", () => fails(["train", "--l2="], 2, "--l2", '""'), TIMEOUT);
  it("--iterations 1.5", () => fails(["train", "--iterations", "1.5"], 2, "--iterations", "1.5"), TIMEOUT);
  it("--iterations abc", () => fails(["train", "--iterations", "abc"], 2, "--iterations", "abc"), TIMEOUT);
  it("--iterations without a value", () => fails(["train", "--iterations"], 2, "--iterations"), TIMEOUT);
  it("--batch 0", () => fails(["train", "--batch", "0"], 2, "--batch", '"0"'), TIMEOUT);
  it("--batch larger than the data", () => fails(["train", "--batch", "99999"], 2, "--batch", "99999"), TIMEOUT);
  it("--loss hinge", () => fails(["train", "--loss", "hinge"], 2, "--loss", "hinge"), TIMEOUT);
  it("--method sgd", () => fails(["train", "--method", "sgd"], 2, "--method", "sgd"), TIMEOUT);
  it("--step 0 and --step abc", async () => {
    await fails(["train", "--step", "0"], 2, "--step", '"0"');
    await fails(["train", "--step", "abc"], 2, "--step", '"abc"');
  }, TIMEOUT);
  it("--seed -3", () => fails(["train", "--seed", "-3"], 2, "--seed", "-3"), TIMEOUT);
  it("a stray positional argument", () => fails(["train", "extra"], 2, '"extra"'), TIMEOUT);
  it("an unknown command", () => fails(["fit"], 2, '"fit"'), TIMEOUT);
  it("a missing --data file names the path", () => fails(["train", "--data", file("nope.libsvm")], 2, file("nope.libsvm")), TIMEOUT);
  it("a missing --test file names the path", () => fails(["train", "--data", file("train.libsvm"), "--test", file("nope.t")], 2, file("nope.t")), TIMEOUT);
  it("a LibSVM file with a bad line names the path and the line", () => fails(["train", "--data", file("bad.libsvm")], 2, file("bad.libsvm"), "line 2"), TIMEOUT);
  it("a corrupt gzip file names the path", () => fails(["train", "--data", file("garbage.gz")], 2, file("garbage.gz"), "gzip"), TIMEOUT);
  it("a --test file with more features than the training set", () =>
    fails(["train", "--data", file("train.libsvm"), "--test", file("wide.libsvm")], 2, file("wide.libsvm"), "line 1"), TIMEOUT);
  it("the logistic loss on real-valued labels", () => fails(["train", "--data", file("regression.libsvm")], 2, "logistic", "--loss squared"), TIMEOUT);
  it("an unwritable --json path", () => fails(["train", "--iterations", "10", "--json", join(dir, "no", "such", "dir.json")], 2, "--json"), TIMEOUT);

  it("--step 1e9 on a squared-loss problem diverges: exit 1, pointing at the theory step size", async () => {
    const line = await fails(["train", "--data", file("regression.libsvm"), "--loss", "squared", "--step", "1e9", "--iterations", "5000"], 1, "diverged", "theory step size");
    expect(line).toMatch(/--step ≤ [\d.e-]+/);
  }, TIMEOUT);
});

describe.concurrent("mast: help and version", () => {
  it("--help and train --help exit 0", async () => {
    const [top, train, h] = await Promise.all([mast(["--help"]), mast(["train", "--help"]), mast(["train", "-h"])]);
    for (const r of [top, train, h]) {
      expect(r.code).toBe(0);
      expect(r.stderr).toBe("");
    }
    expect(top.stdout).toMatch(/mast train/);
    for (const flag of ["--data", "--test", "--features", "--loss", "--l2", "--sketch", "--method", "--iterations", "--batch", "--step", "--seed", "--record-every", "--samples", "--json", "--quiet"]) {
      expect(train.stdout).toContain(flag);
    }
    expect(h.stdout).toBe(train.stdout);
  }, TIMEOUT);

  it("--version prints the package version", async () => {
    const r = await mast(["--version"]);
    expect(r.code).toBe(0);
    const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
    expect(r.stdout.trim()).toBe(pkg.version);
  }, TIMEOUT);

  it("no command exits 2 with one line", async () => {
    const r = await mast([]);
    expect(r.code).toBe(2);
    expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/^mast: .*mast --help/);
  }, TIMEOUT);
});

describe.concurrent("mast train: the method family", () => {
  it("--method lsvrg and svrg run on a finite sketch set and report it; the same seed gives the same digest", async () => {
    const args = ["train", "--quiet", "--method", "lsvrg", "--sketch", "randk:30", "--sketch-set", "20:1", "--reference-batch", "5", "--batch", "16", "--iterations", "600"];
    const [a, b] = [await mast(args), await mast(args)];
    expect(a.code, a.stderr).toBe(0);
    expect(digestOf(a.stdout)).toBe(digestOf(b.stdout));
    const s = await mast(["train", "--method", "svrg", "--sketch", "bernoulli:0.5", "--sketch-set", "10", "--snapshot-every", "50", "--batch", "8", "--iterations", "300"]);
    expect(s.code, s.stderr).toBe(0);
    expect(s.stdout).toMatch(/SVRG on a finite sketch set/);
    expect(s.stdout).toMatch(/theory γ = 1\/\(6·L_exp·L_S\^max\)/);
    expect(digestOf(s.stdout)).not.toBe(digestOf(a.stdout));
  }, TIMEOUT);

  it("--sampling importance, --tolerance and --time-limit", async () => {
    const r = await mast(["train", "--quiet", "--sampling", "importance", "--batch", "4", "--iterations", "100000000", "--time-limit", "300", "--record-every", "100000"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/stopped by\s+time at step/);
    const t = await mast(["train", "--quiet", "--sketch", "identity", "--batch", "full", "--step", "5", "--iterations", "100000", "--tolerance", "1e-3", "--record-every", "10"]);
    expect(t.code, t.stderr).toBe(0);
    expect(t.stdout).toMatch(/stopped by\s+tolerance at step/);
  }, TIMEOUT);

  it("rejects method-family flags that do not fit", async () => {
    for (const [args, re] of [
      [["--method", "adam"], /--method must be "dsgd", "lsvrg", "svrg" or "distributed", got "adam"/],
      [["--sampling", "stratified"], /--sampling must be "nice", "uniform" or "importance"/],
      [["--reference-batch", "3"], /--reference-batch goes with --method lsvrg or svrg/],
      [["--method", "svrg", "--refresh-probability", "0.5"], /--refresh-probability goes with --method lsvrg/],
      [["--method", "lsvrg", "--refresh-probability", "0"], /--refresh-probability must be in \(0, 1\]/],
      [["--method", "lsvrg", "--sketch-set", "10", "--reference-batch", "11"], /--reference-batch \(b\) must be at most the sketch set size N = 10, got 11/],
      [["--method", "svrg", "--snapshot-every", "0"], /--snapshot-every must be an integer ≥ 1/],
      [["--method", "lsvrg", "--sketch-set", "0"], /--sketch-set must be an integer in 1\.\./],
      [["--tolerance", "-1"], /--tolerance must be a positive number/],
      [["--time-limit", "abc"], /--time-limit must be a positive number of milliseconds/],
    ] as [string[], RegExp][]) {
      const r = await mast(["train", ...args]);
      expect(r.code, `${args.join(" ")}: ${r.stderr}`).toBe(2);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.stderr).toMatch(re);
    }
  }, TIMEOUT);
});

describe.concurrent("mast train: --epochs and test sets cut from --data (linear model)", () => {
  it("--epochs E is --iterations ⌈E·n/τ⌉ (⌈E⌉ full-batch steps); giving both is refused", async () => {
    const base = ["train", "--data", file("train.libsvm"), "--sketch", "randk:4", "--quiet"];
    const [e, t, ef, tf] = await Promise.all([
      mast([...base, "--batch", "8", "--epochs", "2.5"]), mast([...base, "--batch", "8", "--iterations", "94"]),   // ⌈2.5 · 300 / 8⌉
      mast([...base, "--batch", "full", "--epochs", "2.5"]), mast([...base, "--batch", "full", "--iterations", "3"]),
    ]);
    for (const r of [e, t, ef, tf]) expect(r.code, r.stderr).toBe(0);
    expect(digestOf(e.stdout)).toBe(digestOf(t.stdout));
    expect(digestOf(ef.stdout)).toBe(digestOf(tf.stdout));
    const both = await mast([...base, "--epochs", "2", "--iterations", "10"]);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/^mast: --epochs and --iterations both set the length of the run; give one\n$/);
  }, TIMEOUT);

  it("--split-at N: the first N rows train, the rest test; the header and the JSON say so", async () => {
    const out = file("split.json");
    const r = await mast(["train", "--data", file("train.libsvm"), "--split-at", "200", "--sketch", "randk:4", "--epochs", "5", "--json", out]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ +300 rows × 12 features/m);
    expect(r.stdout).toMatch(/^split +the first 200 rows train, the last 100 test \(--split-at 200\)$/m);
    expect(r.stdout).toMatch(/1,000 steps \(5 epochs, batch 1\)/);
    expect(r.stdout).toMatch(/^test accuracy +[\d.]+% +\(test f = [\d.]+\)$/m);
    const j = JSON.parse(readFileSync(out, "utf8"));
    expect(j.settings).toMatchObject({ split: { at: 200 }, rows: 200, testRows: 100, epochs: 5, iterations: 1000 });
    expect(j.summary.testAccuracy).toBeGreaterThan(0.6);
  }, TIMEOUT);

  it("--test-fraction q:seed: the same seed gives the same split and digest, another seed another", async () => {
    const base = ["train", "--data", file("train.libsvm"), "--sketch", "randk:4", "--iterations", "2000", "--quiet"];
    const [a, b, c] = await Promise.all([mast([...base, "--test-fraction", "0.25"]), mast([...base, "--test-fraction", "0.25:0"]), mast([...base, "--test-fraction", "0.25:9"])]);
    for (const r of [a, b, c]) expect(r.code, r.stderr).toBe(0);
    expect(a.stdout).toMatch(/^test accuracy/m);
    expect(digestOf(b.stdout)).toBe(digestOf(a.stdout));
    expect(digestOf(c.stdout)).not.toBe(digestOf(a.stdout));
  }, TIMEOUT);

  it("refuses bad values and mixtures of the new flags, naming them", async () => {
    for (const [args, re] of [
      [["--epochs", "0"], /--epochs must be a positive number, got "0"/],
      [["--epochs", "1e"], /--epochs must be a positive number, got "1e"/],
      [["--data", file("train.libsvm"), "--split-at", "300"], /--split-at must be in 1\.\.299 .*, got 300/],
      [["--test-fraction", "1.5"], /--test-fraction must be in \(0, 1\), got "1\.5"/],
      [["--data", file("train.libsvm"), "--test", file("test.libsvm"), "--test-fraction", "0.2"], /--test and --test-fraction both make the test set/],
      [["--sketch", "bernoulli:0.5:units"], /--sketch "bernoulli:0\.5:units" sketches hidden units, which --model linear has none of/],
      [["--iteration", "5"], /unknown flag --iteration \(did you mean --iterations\?\)/],
    ] as [string[], RegExp][]) {
      const r = await mast(["train", ...args]);
      expect(r.code, `${args.join(" ")}: ${r.stderr}`).toBe(2);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.stderr).toMatch(re);
    }
  }, TIMEOUT);
});

describe.concurrent("mast repro", () => {
  it("prints the golden table for this runtime and exits 0 when every digest matches, in both builds", async () => {
    for (const args of [["repro"], ["repro", "--build", "scalar"]]) {
      const r = await mast(args);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/dsgd/);
      expect(r.stdout).toMatch(/^(\d+) passed, 0 failed$/m);
    }
    const bad = await mast(["repro", "--build", "gpu"]);
    expect(bad.code).toBe(2);
  }, TIMEOUT);
});
