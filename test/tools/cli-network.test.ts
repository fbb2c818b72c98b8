// `mast train --model softmax | mlp:…` (src/tools/cli/network.ts), IDX input (--labels) and the flags that go with
// networks, on small class-labelled files written to a temp dir; then the MNIST t10k split (real data, skipped with a
// warning when absent). Work is asserted by counting multiply-adds, never by time.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { HEX64, TIMEOUT, cli, digestOf, fails, mast } from "./cli-helpers.ts";
import { dataFile, lcg } from "../helpers.ts";

/** n rows of `cols` features in [0, 1] (30% zeros) with classes 1…3 from a planted linear rule plus a little noise. */
function classText(rows: number, seed: number): string {
  const rand = lcg(seed);
  const W = [[1, -1, 0.5, 0, 0, 1], [-1, 1, 0, 0.5, 1, 0], [0, 0, -1, 1, -0.5, -1]];
  const lines: string[] = [];
  for (let i = 0; i < rows; i++) {
    const a = Array.from({ length: 6 }, () => (rand() < 0.7 ? Math.round(rand() * 100) / 100 : 0));
    const z = W.map((w) => w.reduce((t, wj, j) => t + wj * a[j], 0) + 0.2 * (rand() - 0.5));
    const feats = a.flatMap((v, j) => (v !== 0 ? [`${j + 1}:${v}`] : []));
    lines.push(`${z.indexOf(Math.max(...z)) + 1} ${feats.join(" ")}`);
  }
  return lines.join("\n") + "\n";
}

/** An IDX image file (n images of 5 × 5 bytes) and its label file: class c lights up row c of the image. */
function idxPair(n: number, seed: number, labelCount = n): { images: Buffer; labels: Buffer } {
  const rand = lcg(seed);
  const images = Buffer.alloc(16 + 25 * n), labels = Buffer.alloc(8 + labelCount);
  images.writeUInt32BE(0x803, 0); images.writeUInt32BE(n, 4); images.writeUInt32BE(5, 8); images.writeUInt32BE(5, 12);
  labels.writeUInt32BE(0x801, 0); labels.writeUInt32BE(labelCount, 4);
  for (let i = 0; i < n; i++) {
    const c = Math.floor(rand() * 4);
    if (i < labelCount) labels[8 + i] = c;
    for (let p = 0; p < 25; p++) images[16 + 25 * i + p] = Math.floor(rand() * 90) + (Math.floor(p / 5) === c ? 150 : 0);
  }
  return { images, labels };
}

let dir = "";
const file = (name: string): string => join(dir, name);

beforeAll(() => {
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run node scripts/build.mjs first`);
  dir = mkdtempSync(join(tmpdir(), "mast-cli-net-"));
  writeFileSync(file("classes.libsvm"), classText(600, 1));
  writeFileSync(file("classes-test.libsvm"), classText(200, 2));
  // the same test rows with every label moved to the next class: a model that learnt the rule gets them wrong
  writeFileSync(file("rotated-test.libsvm"), classText(200, 2).replace(/^(\d)/gm, (c) => String((Number(c) % 3) + 1)));
  writeFileSync(file("real.libsvm"), "0.5 1:1\n1.5 2:1\n2 1:1 2:1\n");
  writeFileSync(file("new-class.libsvm"), "1 1:1\n7 2:1\n");
  const { images, labels } = idxPair(400, 3);
  writeFileSync(file("images.idx.gz"), gzipSync(images));
  writeFileSync(file("labels.idx"), labels);
  writeFileSync(file("short-labels.idx"), idxPair(400, 3, 399).labels);
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const json = (path: string) => JSON.parse(readFileSync(path, "utf8"));
const pctOf = (out: string, what: string): number => Number(out.match(new RegExp(`^${what} accuracy\\s+([\\d.]+)%$`, "m"))![1]) / 100;
const macsOf = (out: string): number => Number(out.match(/^multiply-adds\s+([\d,]+)/m)![1].replace(/,/g, ""));

describe.concurrent("mast train --model: successful runs", () => {
  it("softmax on a class-labelled LibSVM file: header, accuracy, multiply-adds and JSON", async () => {
    const out = file("softmax.json");
    const r = await mast(["train", "--data", file("classes.libsvm"), "--test", file("classes-test.libsvm"), "--model", "softmax",
      "--step", "0.5", "--epochs", "20", "--json", out]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ +600 rows × 6 features, [\d.]+ nnz\/row, 3 classes \(labels 1, 2, 3\)$/m);
    expect(r.stdout).toMatch(/^test +.*classes-test\.libsvm: 200 rows × 6 features/m);
    expect(r.stdout).toMatch(/^model +softmax: 6-3 \(multinomial logistic regression\), softmax cross-entropy, λ = 0 on the weights \(21 parameters, f32\)$/m);
    expect(r.stdout).toMatch(/^sketch +randk:11: Rand-K: 11 of 21 coordinates/m);   // K = round(d/2) over the parameters
    expect(r.stdout).toMatch(/^constants +L = [\d.e-]+, μ = 0, L_D = [\d.]+, L_S\^max = [\d.]+, L_exp = [\d.e-]+$/m);
    expect(r.stdout).toMatch(/theory γ = 1\/\(L_exp·L_S\^max\) = [\d.e-]+ \(batch 64\)/);
    expect(r.stdout).toMatch(/^run +γ = 0\.5 \([\d.]+ × theory\), 188 steps \(20\.05 epochs, batch 64\), seed 0, record every 10$/m);
    expect(r.stdout).toMatch(/^f_D\(x_T\) .*\(Monte Carlo, 10 sketches\)$/m);
    expect(r.stdout).toMatch(/^steps\/s +[\d,]+ +\(188 steps and 20 records in /m);
    expect(r.stdout).toMatch(HEX64);
    expect(pctOf(r.stdout, "train")).toBeGreaterThan(0.85);   // three classes: chance is about 1/3
    expect(pctOf(r.stdout, "test")).toBeGreaterThan(0.8);
    const j = json(out);
    expect(j.digest).toBe(digestOf(r.stdout));
    expect(j.settings).toMatchObject({ model: "softmax", layout: [6, 3], parameters: 21, classValues: [1, 2, 3], rows: 600, testRows: 200,
      l2: 0, batch: 64, maxBatch: 256, iterations: 188, step: 0.5, samples: 10, recordEvery: 10, sketch: "randk:11" });
    expect(j.summary.trainAccuracy).toBeCloseTo(pctOf(r.stdout, "train"), 4);
    expect(j.summary.testAccuracy).toBeCloseTo(pctOf(r.stdout, "test"), 4);
    // softmax: a forward and a weight-gradient GEMM of τ × n_0 × C a step, nothing propagated back to the inputs
    expect(j.summary.work.macs).toBe(188 * 2 * 64 * 6 * 3);
    expect(macsOf(r.stdout)).toBe(j.summary.work.macs);
    expect(j.trace.map((row: { iteration: number }) => row.iteration)).toEqual([...Array.from({ length: 19 }, (_, k) => 10 * k), 188]);
  }, TIMEOUT);

  it("test accuracy is measured on the test rows: with their labels rotated it collapses while train accuracy stays", async () => {
    const r = await mast(["train", "--data", file("classes.libsvm"), "--test", file("rotated-test.libsvm"), "--model", "softmax",
      "--step", "0.5", "--epochs", "20", "--quiet"]);
    expect(r.code, r.stderr).toBe(0);
    expect(pctOf(r.stdout, "train")).toBeGreaterThan(0.85);
    expect(pctOf(r.stdout, "test")).toBeLessThan(0.2);
  }, TIMEOUT);

  it("mlp with dropout on the hidden units (the default sketch) costs fewer multiply-adds than the identity", async () => {
    const args = ["train", "--data", file("classes.libsvm"), "--model", "mlp:16", "--step", "0.2", "--epochs", "3"];
    const [drop, dense] = await Promise.all([mast(args), mast([...args, "--sketch", "identity"])]);
    for (const r of [drop, dense]) { expect(r.stderr).toBe(""); expect(r.code).toBe(0); }
    expect(drop.stdout).toMatch(/^model +mlp:16: 6-16-3 relu network, softmax cross-entropy, λ = 0 on the weights \(163 parameters, f32\)$/m);
    expect(drop.stdout).toMatch(/^sketch +bernoulli:0\.5:units: dropout: keep each hidden unit with p = 0\.5/m);
    expect(drop.stdout).toMatch(/^constants +L_D = 2, L_S\^max = 4; no L, μ or theory step/m);
    expect(drop.stdout).toMatch(/^run +γ = 0\.2, 29 steps \(3\.0\d* epochs, batch 64\), seed 0, record every 10$/m);
    // a dense step: forward and weight gradient through both layers, the output layer's error back to the hidden one
    expect(macsOf(dense.stdout)).toBe(29 * 64 * (2 * (6 * 16 + 16 * 3) + 16 * 3));
    expect(macsOf(drop.stdout)).toBeLessThan(0.75 * macsOf(dense.stdout));
    expect(digestOf(drop.stdout)).not.toBe(digestOf(dense.stdout));
  }, TIMEOUT);

  it("the same flags give the same digest; --epochs E is --iterations ⌈E·n/τ⌉; --max-batch changes no bit of DSGD", async () => {
    const base = ["train", "--data", file("classes.libsvm"), "--model", "mlp:8", "--step", "0.2", "--batch", "16", "--quiet"];
    const [a, b, iters, maxBatch, seed, tanh] = await Promise.all([
      mast([...base, "--epochs", "2"]), mast([...base, "--epochs", "2"]), mast([...base, "--iterations", "75"]),
      mast([...base, "--epochs", "2", "--max-batch", "16"]), mast([...base, "--epochs", "2", "--seed", "1"]),
      mast([...base, "--epochs", "2", "--activation", "tanh"]),
    ]);
    for (const r of [a, b, iters, maxBatch, seed, tanh]) expect(r.code, r.stderr).toBe(0);
    expect(digestOf(b.stdout)).toBe(digestOf(a.stdout));
    expect(digestOf(iters.stdout)).toBe(digestOf(a.stdout));     // ⌈2 · 600 / 16⌉ = 75
    expect(digestOf(maxBatch.stdout)).toBe(digestOf(a.stdout));
    expect(digestOf(seed.stdout)).not.toBe(digestOf(a.stdout));
    expect(digestOf(tanh.stdout)).not.toBe(digestOf(a.stdout));
  }, TIMEOUT);

  it("--method lsvrg and svrg train a network on a finite set of unit sketches", async () => {
    const args = ["train", "--data", file("classes.libsvm"), "--model", "mlp:8", "--step", "0.1", "--sketch-set", "5", "--reference-batch", "2", "--iterations", "20"];
    const [l, s] = await Promise.all([mast([...args, "--method", "lsvrg"]), mast([...args, "--method", "svrg", "--snapshot-every", "10"])]);
    expect(l.code, l.stderr).toBe(0);
    expect(s.code, s.stderr).toBe(0);
    expect(l.stdout).toMatch(/^mast train .*: L-SVRG \(loopless SVRG on a finite sketch set\)/m);
    expect(s.stdout).toMatch(/^mast train .*: SVRG on a finite sketch set/m);
    expect(digestOf(l.stdout)).not.toBe(digestOf(s.stdout));
  }, TIMEOUT);

  it("--method distributed trains a network: IST over the hidden units by default, the same digest on 0 and 2 worker threads as the library's run", async () => {
    const args = ["train", "--data", file("classes.libsvm"), "--model", "mlp:8,6", "--method", "distributed", "--nodes", "3", "--step", "0.1", "--batch", "16", "--iterations", "30", "--seed", "4"];
    const [here, threads] = await Promise.all([mast(args), mast([...args, "--workers", "2", "--json", file("dist.json")])]);
    expect(here.code, here.stderr).toBe(0);
    expect(threads.code, threads.stderr).toBe(0);
    expect(here.stdout).toMatch(/^mast train .*: distributed DSGD \(section 4\.3\), IST over 3 nodes on this thread/m);
    expect(here.stdout).toMatch(/^sketch\s+permutation:3:units/m);
    expect(here.stdout).toMatch(/^run .* 30 rounds \(.* epochs, batch 16 a node\)/m);
    expect(here.stdout).toMatch(/^communication\s+[\d,]+ bytes \(down [\d,]+, up [\d,]+; a dense exchange: [\d,]+\)/m);
    expect(digestOf(threads.stdout)).toBe(digestOf(here.stdout));
    const j = json(file("dist.json"));
    expect(j.settings).toMatchObject({ method: "distributed", nodes: 3, workers: 2, batch: 16, sketch: "permutation:3:units" });
    // the library's own run on the same rows gives the same bits
    const { mast: lib } = await import("../helpers.ts");
    const m = await lib();
    const net = m.network({ data: await m.data.libsvm(readFileSync(file("classes.libsvm"))), hidden: [8, 6], l2: 0, maxBatch: 256 });
    const r = await net.minimize({ method: "distributed", nodes: 3, workers: 0, stepSize: 0.1, batch: 16, iterations: 30, seed: 4, recordEvery: j.settings.recordEvery });
    expect(r.digest).toBe(digestOf(here.stdout));
  }, TIMEOUT);

  it("IDX images with --labels (softmax by default) and --split-at: the first N rows train", async () => {
    const out = file("idx.json");
    const r = await mast(["train", "--data", file("images.idx.gz"), "--labels", file("labels.idx"), "--split-at", "300", "--step", "0.5", "--epochs", "10", "--json", out]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^data +.*images\.idx\.gz \+ .*labels\.idx \(IDX\)$/m);
    expect(r.stdout).toMatch(/^ +400 rows × 25 features, dense, 4 classes \(labels 0, 1, 2, 3\)$/m);
    expect(r.stdout).toMatch(/^split +the first 300 rows train, the last 100 test \(--split-at 300\)$/m);
    expect(r.stdout).toMatch(/^model +softmax: 25-4 /m);
    expect(pctOf(r.stdout, "test")).toBeGreaterThanOrEqual(0.9);
    const j = json(out);
    expect(j.settings).toMatchObject({ labels: file("labels.idx"), split: { at: 300 }, rows: 300, testRows: 100, iterations: Math.ceil(10 * 300 / 64) });
  }, TIMEOUT);

  it("--test-fraction q:seed draws the test rows; --test with --test-labels reads an IDX test set", async () => {
    const idx = ["--data", file("images.idx.gz"), "--labels", file("labels.idx"), "--model", "mlp:8", "--step", "0.3", "--epochs", "3"];
    const [a, b, c, same] = await Promise.all([
      mast(["train", ...idx, "--test-fraction", "0.25", "--json", file("frac.json")]),
      mast(["train", ...idx, "--test-fraction", "0.25:0", "--quiet"]),
      mast(["train", ...idx, "--test-fraction", "0.25:1", "--quiet"]),
      mast(["train", ...idx, "--test", file("images.idx.gz"), "--test-labels", file("labels.idx")]),
    ]);
    for (const r of [a, b, c, same]) expect(r.code, r.stderr).toBe(0);
    expect(a.stdout).toMatch(/^split +300 rows train, 100 test, by a permutation of the rows with seed 0 \(--test-fraction 0\.25\)$/m);
    expect(json(file("frac.json")).settings).toMatchObject({ split: { testFraction: 0.25, seed: 0 }, rows: 300, testRows: 100 });
    expect(digestOf(b.stdout)).toBe(digestOf(a.stdout));
    expect(digestOf(c.stdout)).not.toBe(digestOf(a.stdout));
    // the training rows as the test set: both accuracies are of the same rows under the same parameters
    expect(same.stdout).toMatch(/^test +.*images\.idx\.gz \+ .*labels\.idx \(IDX\): 400 rows × 25 features/m);
    expect(pctOf(same.stdout, "test")).toBe(pctOf(same.stdout, "train"));
  }, TIMEOUT);
});

describe.concurrent("mast train --model: bad flags and files (exit 2, one line naming the flag and value)", () => {
  const data = (): string[] => ["--data", file("classes.libsvm")];
  const idx = (): string[] => ["--data", file("images.idx.gz"), "--labels", file("labels.idx")];
  const cases: [string, () => string[], (string | RegExp)[]][] = [
    ["an unknown model", () => ["--model", "cnn"], ["--model", '"cnn"', "mlp:W1,W2"]],
    ["mlp without widths", () => ["--model", "mlp"], ["--model mlp", "mlp:256,256"]],
    ["a zero width", () => ["--model", "mlp:64,0"], ["--model", '"0"', '"mlp:64,0"']],
    ["a width that is not a number", () => ["--model", "mlp:64,x"], ["--model", '"x"']],
    ["an mlp without --step (no theory step)", () => [...data(), "--model", "mlp:16"], ["--step theory", "--model mlp:16", "non-convex", "--step γ"]],
    ["--batch full on a network", () => [...data(), "--model", "softmax", "--batch", "full"], ["--batch", '"full"']],
    ["--batch above the training rows", () => [...data(), "--model", "softmax", "--batch", "601"], ["--batch", "1..600", "601"]],
    ["--loss with a network", () => [...data(), "--model", "softmax", "--loss", "squared"], ["--loss", "--model linear"]],
    ["--activation with softmax", () => [...data(), "--model", "softmax", "--activation", "tanh"], ["--activation", "mlp:W1,W2"]],
    ["an unknown activation", () => [...data(), "--model", "mlp:4", "--step", "1", "--activation", "sigmoid"], ["--activation", '"sigmoid"']],
    ["--max-batch with the linear model", () => [...data(), "--max-batch", "10"], ["--max-batch", "--model softmax"]],
    ["--max-batch 0", () => [...data(), "--model", "softmax", "--max-batch", "0"], ["--max-batch", '"0"']],
    ["--batch above --max-batch", () => [...data(), "--model", "softmax", "--max-batch", "16", "--batch", "32"], ["--batch", "--max-batch 16", '"32"']],
    ["--method distributed with --batch τ too large for the shards", () => [...data(), "--model", "mlp:8", "--method", "distributed", "--nodes", "3", "--batch", "250", "--step", "0.1"], ["--batch 250 with --nodes 3", "give a smaller --batch or fewer --nodes"]],
    ["--tolerance with a network", () => [...data(), "--model", "softmax", "--tolerance", "1e-3"], ["--tolerance", "--model linear"]],
    ["a unit sketch on softmax", () => [...data(), "--model", "softmax", "--sketch", "bernoulli:0.5:units"], ["--sketch", '"bernoulli:0.5:units"', "mlp:W1"]],
    ["randk:K:units wider than a hidden layer", () => [...data(), "--model", "mlp:16", "--step", "1", "--sketch", "randk:17:units"], ["--sketch", '"randk:17:units"', "1..16"]],
    ["importance sampling on an mlp", () => [...data(), "--model", "mlp:16", "--step", "1", "--sampling", "importance"], ["--sampling", '"importance"']],
    ["non-integer labels", () => ["--data", file("real.libsvm"), "--model", "softmax"], ["real.libsvm", "integer class labels", "0.5"]],
    ["a test label that is no training class", () => [...data(), "--model", "softmax", "--test", file("new-class.libsvm")], ["new-class.libsvm", "row 2", "label 7"]],
    ["--epochs with --iterations", () => [...data(), "--model", "softmax", "--epochs", "2", "--iterations", "10"], ["--epochs", "--iterations"]],
    ["--epochs 0", () => [...data(), "--model", "softmax", "--epochs", "0"], ["--epochs", '"0"']],
    ["--split-at the whole file", () => [...data(), "--model", "softmax", "--split-at", "600"], ["--split-at", "1..599", "600"]],
    ["--split-at 1.5", () => [...data(), "--model", "softmax", "--split-at", "1.5"], ["--split-at", '"1.5"']],
    ["--test-fraction 1", () => [...data(), "--model", "softmax", "--test-fraction", "1"], ["--test-fraction", '"1"', "(0, 1)"]],
    ["--test-fraction with a bad seed", () => [...data(), "--model", "softmax", "--test-fraction", "0.2:x"], ["--test-fraction", '"0.2:x"']],
    ["--split-at and --test-fraction", () => [...data(), "--model", "softmax", "--split-at", "10", "--test-fraction", "0.2"], ["--split-at", "--test-fraction"]],
    ["--labels with the linear model", () => [...idx(), "--model", "linear"], ["--labels", "--model linear", "--model softmax"]],
    ["--labels without --data", () => ["--labels", file("labels.idx")], ["--labels", "--data"]],
    ["--features with IDX", () => [...idx(), "--features", "3"], ["--features", "IDX"]],
    ["an IDX --test without --test-labels", () => [...idx(), "--test", file("images.idx.gz")], ["--test", "--test-labels"]],
    ["--test-labels on LibSVM data", () => [...data(), "--test-labels", file("labels.idx")], ["--test-labels", "--labels"]],
    ["an IDX label count that disagrees", () => ["--data", file("images.idx.gz"), "--labels", file("short-labels.idx")], [file("short-labels.idx"), "idx labels", "399"]],
    ["LibSVM text given as IDX images", () => ["--data", file("classes.libsvm"), "--labels", file("labels.idx")], [file("classes.libsvm"), "idx images", "magic"]],
    ["a missing --labels file", () => ["--data", file("images.idx.gz"), "--labels", file("nope.idx")], ["--labels", file("nope.idx")]],
  ];
  for (const [name, args, patterns] of cases) it(name, () => fails(["train", ...args()], 2, ...patterns), TIMEOUT);

  it("unknown flags near a new one get a suggestion", async () => {
    for (const [typo, flag] of [["--epoch", "--epochs"], ["--modle", "--model"], ["--test-fractoin", "--test-fraction"], ["--splitat", "--split-at"],
      ["--activaton", "--activation"], ["--max-batches", "--max-batch"], ["--label", "--labels"]]) {
      await fails(["train", typo, "1"], 2, `unknown flag ${typo} (did you mean ${flag}?)`);
    }
  }, TIMEOUT);

  it("an mlp whose step is far too large diverges: exit 1, advice without a theory step", async () => {
    const line = await fails(["train", ...data(), "--model", "mlp:4", "--step", "1e30", "--epochs", "5"], 1, "diverged", "try a smaller --step");
    expect(line).not.toMatch(/NaN|theory step size/);
  }, TIMEOUT);

  it("train --help lists the new flags", async () => {
    const r = await mast(["train", "--help"]);
    expect(r.code).toBe(0);
    for (const flag of ["--model", "--labels", "--test-labels", "--split-at", "--test-fraction", "--epochs", "--activation", "--max-batch", "mlp:W1,W2", ":units"]) {
      expect(r.stdout).toContain(flag);
    }
  }, TIMEOUT);
});

// one after the other, and with a longer guard than the small runs: each reads 10,000 images (the guard is no
// assertion on time)
describe("mast train on the MNIST t10k split (real data)", () => {
  const MNIST_TIMEOUT = 120_000;
  const images = dataFile("mnist/t10k-images-idx3-ubyte.gz"), labels = dataFile("mnist/t10k-labels-idx1-ubyte.gz");
  const split = (): string[] => ["train", "--data", images!, "--labels", labels!, "--split-at", "8000", "--step", "0.05", "--epochs", "2"];

  it.skipIf(!images || !labels)("softmax, 2 epochs: test accuracy ≥ 0.85 with 250 dense steps of 64 rows", async () => {
    const out = join(dir, "mnist-softmax.json");
    const r = await mast([...split(), "--model", "softmax", "--json", out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^ +10,000 rows × 784 features, dense, 10 classes \(labels 0, 1, …, 9\)$/m);
    expect(r.stdout).toMatch(/^split +the first 8,000 rows train, the last 2,000 test \(--split-at 8000\)$/m);
    const j = json(out);
    expect(j.summary.testAccuracy).toBeGreaterThanOrEqual(0.85);
    expect(j.summary.iterations).toBe(250);
    expect(j.summary.work.macs).toBe(250 * 2 * 64 * 784 * 10);
  }, MNIST_TIMEOUT);

  it.skipIf(!images || !labels)("mlp:64 with dropout, 2 epochs: test accuracy ≥ 0.85, fewer multiply-adds than dense steps", async () => {
    const out = join(dir, "mnist-mlp.json");
    const r = await mast([...split(), "--model", "mlp:64", "--json", out]);
    expect(r.code, r.stderr).toBe(0);
    const j = json(out);
    expect(j.settings.sketch).toBe("bernoulli:0.5:units");
    expect(j.summary.testAccuracy).toBeGreaterThanOrEqual(0.85);
    expect(j.summary.work.macs).toBeLessThan(0.75 * 250 * 64 * (2 * (784 * 64 + 64 * 10) + 64 * 10));
  }, MNIST_TIMEOUT);
});
