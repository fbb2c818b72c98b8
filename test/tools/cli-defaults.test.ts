// `mast train` says how good its answer is (the ERM reference next to the result), takes the library's new defaults
// (--average, --intercept, --step switching), checks its output paths and the test file's width before any work,
// finds data sets by name in $MAST_DATA, and stops on Ctrl-C with a checkpoint that --resume continues from to the
// digest of the uninterrupted run.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TIMEOUT, cli, digestOf, fails, mast, root } from "./cli-helpers.ts";
import { mast as lib, dataFile } from "../helpers.ts";

let dir = "";
const file = (name: string): string => join(dir, name);
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "mast-cli-defaults-"));
  writeFileSync(file("train.svm"), "1 1:1 5:1\n-1 2:1\n1 3:0.5 5:1\n-1 1:0.2 4:1\n");
  writeFileSync(file("wide-test.svm"), "1 1:1 7:1\n-1 2:1\n");
});
afterAll(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

const numberAfter = (out: string, label: RegExp): number => Number(out.match(label)![1]);

describe("mast train: the main job says how good its answer is", () => {
  it("prints Newton's f* and accuracy, f(x_T) − f* and what f_D measures; the figures are the library's", async () => {
    const r = await mast(["train"]);
    expect(r.code, r.stderr).toBe(0);
    const fT = numberAfter(r.stdout, /^f\(x_T\)\s+([\d.]+)/m);
    const fStar = numberAfter(r.stdout, /^ERM reference\s+f\* = ([\d.]+)/m);
    const gap = numberAfter(r.stdout, /^f\(x_T\) − f\*\s+([\d.e-]+)/m);
    expect(r.stdout).toMatch(/^ERM reference .*train accuracy [\d.]+%\s+\(Newton's minimiser of f, \d+ steps\)$/m);
    expect(r.stdout).toMatch(/^note\s+MAST minimises f_D, f averaged over random sketches/m);
    expect(gap).toBeGreaterThan(0);
    expect(Math.abs(fT - fStar - gap)).toBeLessThan(1e-3);
    // the same optimum from the library: the built-in data set's problem and newton()
    const m = await lib();
    const { newton } = await import("../../dist/index.js");
    const p = m.problem({ data: m.data.synthetic({ rows: 6414, cols: 123, density: 14 / 123, seed: 0 }), loss: "logistic", l2: 1e-4 });
    expect(Math.abs(newton(p).value - fStar)).toBeLessThan(1e-7);
    // the steps' own rate, the set-up apart
    expect(r.stdout).toMatch(/^steps\/s\s+[\d,]+\s+\(the steps alone: .*; minimize\(\) took .* with set-up, Newton .*\)$/m);
  }, TIMEOUT);

  it("with the identity sketch the note says that f_D = f", async () => {
    const r = await mast(["train", "--sketch", "identity", "--iterations", "2000"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^note\s+with the identity sketch f_D = f/m);
  }, TIMEOUT);
});

describe.concurrent("mast train: --average, --intercept, --step switching", () => {
  const base = ["train", "--iterations", "3000", "--quiet"];
  it("--average none returns the last iterate, other than the default average; from:N and tail run too", async () => {
    const [auto, none, from, tail] = await Promise.all([mast(base), mast([...base, "--average", "none"]), mast([...base, "--average", "from:1500"]), mast([...base, "--average", "tail"])]);
    for (const r of [auto, none, from, tail]) expect(r.code, r.stderr).toBe(0);
    expect(digestOf(none.stdout)).not.toBe(digestOf(auto.stdout));
    expect(digestOf(from.stdout)).not.toBe(digestOf(none.stdout));
    // weighted is what auto means for a stochastic DSGD run
    expect(digestOf((await mast([...base, "--average", "weighted"])).stdout)).toBe(digestOf(auto.stdout));
  }, TIMEOUT);

  it("--intercept fits b (x's last entry): another answer, and the JSON says so", async () => {
    const json = file("intercept.json");
    const [plain, withB] = await Promise.all([mast(base), mast([...base, "--intercept", "--json", json])]);
    expect(withB.code, withB.stderr).toBe(0);
    expect(digestOf(withB.stdout)).not.toBe(digestOf(plain.stdout));
    const j = JSON.parse(readFileSync(json, "utf8"));
    expect(j.settings.intercept).toBe(true);
    expect(j.summary.reference.fStar).toBeGreaterThan(0);
  }, TIMEOUT);

  it("--step switching runs Gower et al.'s schedule", async () => {
    const r = await mast(["train", "--iterations", "3000", "--step", "switching"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^run\s+γ_t switching/m);
    expect(digestOf(r.stdout)).not.toBe(digestOf((await mast(["train", "--iterations", "3000"])).stdout));
  }, TIMEOUT);

  const bad: [string, string[], (string | RegExp)[]][] = [
    ["--average of an unknown kind", ["--average", "mean"], ["--average must be auto, weighted, all, tail, from:N or none", '"mean"']],
    ["--average with distributed", ["--average", "all", "--method", "distributed"], ["--average goes with --method dsgd"]],
    ["--step switching with distributed", ["--step", "switching", "--method", "distributed"], ["--step switching goes with --model linear"]],
    ["--step of another word", ["--step", "fast"], ['--step must be "theory", "switching" or a positive number']],
  ];
  for (const [name, args, patterns] of bad) it(name, () => fails(["train", ...args], 2, ...patterns), TIMEOUT);
});

describe.concurrent("mast train: early checks", () => {
  it("an unwritable --json or --checkpoint fails before any work: no header, exit 2", async () => {
    for (const [flag, path] of [["json", "/nonexistent-dir/out.json"], ["checkpoint", "/nonexistent-dir/ck.bin"], ["json", dir]] as const) {
      const r = await mast(["train", `--${flag}`, path]);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr).toMatch(new RegExp(`^mast: cannot write --${flag} file `));
    }
  }, TIMEOUT);

  it("a test file wider than the training file suggests --features before training", async () => {
    const line = await fails(["train", "--data", file("train.svm"), "--test", file("wide-test.svm")], 2, "exceeds features = 5", "give --features N (N ≥ 7");
    expect(line).toContain(file("wide-test.svm"));
  }, TIMEOUT);

  it("a data set that is nowhere: the message names it, the folders searched and the LibSVM page", async () => {
    await fails(["train", "--data", "no-such-set"], 2, "no-such-set", "libsvm", "https://www.csie.ntu.edu.tw/~cjlin/libsvmtools/datasets/");
    await fails(["train", "--data", join(dir, "missing.svm")], 2, "no such file", "https://www.csie.ntu.edu.tw/~cjlin/libsvmtools/datasets/");
  }, TIMEOUT);

  it("--data a9a finds the set by name in $MAST_DATA or ../shared/data", async () => {
    if (!dataFile("libsvm/a9a.gz")) return;
    const r = await mast(["train", "--data", "a9a", "--iterations", "100", "--quiet"]);
    expect(r.code, r.stderr).toBe(0);
    const byPath = await mast(["train", "--data", dataFile("libsvm/a9a.gz")!, "--iterations", "100", "--quiet"]);
    expect(digestOf(r.stdout)).toBe(digestOf(byPath.stdout));
  }, TIMEOUT);
});

/** Start `mast train …`, send SIGINT once its header is out and it has run a while, and collect what it printed. */
function interrupted(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [cli, ...args], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "", stderr = "", sent = false;
    child.stdout.setEncoding("utf8").on("data", (s: string) => {
      stdout += s;
      if (!sent && /^run /m.test(stdout)) { sent = true; setTimeout(() => child.kill("SIGINT"), 300); }
    });
    child.stderr.setEncoding("utf8").on("data", (s: string) => { stderr += s; });
    child.on("error", fail);
    child.on("close", (code) => done({ code, stdout, stderr }));
  });
}

describe("mast train: Ctrl-C and --resume", () => {
  it("Ctrl-C stops at the next record with a partial summary and a checkpoint; --resume ends on the uninterrupted digest", async () => {
    const ck = file("ck.bin");
    const args = ["train", "--iterations", "4000000", "--record-every", "5000", "--seed", "7"];
    const r = await interrupted([...args, "--checkpoint", ck]);
    expect(r.code, r.stderr).toBe(130);
    const at = Number(r.stdout.match(/^interrupted at step ([\d,]+) of 4,000,000/m)![1].replace(/,/g, ""));
    expect(at).toBeGreaterThan(0);
    expect(at).toBeLessThan(4_000_000);
    expect(at % 5000).toBe(0);
    expect(r.stdout).toMatch(/^stopped by\s+callback/m);
    expect(r.stdout).toMatch(new RegExp(`^checkpoint\\s+${ck.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} \\(step [\\d,]+\\); continue with the same flags and --resume`, "m"));
    expect(existsSync(ck)).toBe(true);
    const [resumed, whole] = await Promise.all([mast([...args, "--resume", ck]), mast(args)]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toMatch(/^resume\s+from /m);
    expect(digestOf(resumed.stdout)).toBe(digestOf(whole.stdout));
    // a checkpoint of other settings is refused by name
    await fails([...args.map((a) => (a === "7" ? "8" : a)), "--resume", ck], 2, "--resume", "seed differs from the checkpoint");
  }, 120_000);
});
