// The demo's own code in Node (demo/train.ts is what the page's worker runs): the default settings give the digest
// kept in demo/golden.json, and for each of a table of settings the `mast train` command the page shows gives the
// digest the page computed; bad inputs become messages on the control they name; the data sources are an extension
// point.
import { describe, it, expect, beforeAll } from "vitest";
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { gzipSync } from "node:zlib";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { init, type Mast } from "mast-wasm";
import { asFieldError, runDemo, type RunResult } from "../../demo/train.ts";
import { DEFAULTS, type Settings, cliArgs, fieldOf, numeric, shellCommand } from "../../demo/settings.ts";
import { DATA_SOURCES, FieldError, type DataSource, type InputFiles } from "../../demo/sources.ts";
import { root } from "../helpers.ts";
import { idxPair } from "../fixtures/idx.ts";

const fixtures = join(root, "test", "fixtures", "demo");
const golden = JSON.parse(readFileSync(join(root, "demo", "golden.json"), "utf8"));
const file = (name: string, bytes?: Uint8Array) => ({ name, bytes: bytes ?? new Uint8Array(readFileSync(join(fixtures, name))) });
let mast: Mast;
let work: string;
beforeAll(async () => {
  mast = await init();
  work = mkdtempSync(join(tmpdir(), "mast-demo-"));
  for (const f of ["tiny.libsvm", "tiny-test.libsvm"]) copyFileSync(join(fixtures, f), join(work, f));
  const { images, labels } = idxPair(300, 4), test = idxPair(100, 5);
  writeFileSync(join(work, "img.idx.gz"), gzipSync(images));
  writeFileSync(join(work, "lab.idx"), labels);
  writeFileSync(join(work, "test-img.idx"), test.images);
  writeFileSync(join(work, "test-lab.idx"), test.labels);
  writeFileSync(join(work, "tiny.libsvm.gz"), gzipSync(readFileSync(join(fixtures, "tiny.libsvm"))));
});

const idxFiles = (): InputFiles => ({
  data: file("img.idx.gz", new Uint8Array(readFileSync(join(work, "img.idx.gz")))), labels: file("lab.idx", new Uint8Array(readFileSync(join(work, "lab.idx")))),
  test: file("test-img.idx", new Uint8Array(readFileSync(join(work, "test-img.idx")))), testLabels: file("test-lab.idx", new Uint8Array(readFileSync(join(work, "test-lab.idx")))),
});

async function done(s: Partial<Settings>, files: InputFiles = {}): Promise<RunResult> {
  const r = await runDemo(mast, { ...DEFAULTS, ...s }, files);
  if (r.status !== "done") throw new Error(`run ${r.status}`);
  return r;
}

/** `mast train` with the page's arguments, in a folder holding the data files: its digest. */
function cliDigest(args: string[]): string {
  const r = spawnSync(process.execPath, [join(root, "dist", "cli.js"), ...args, "--quiet"], { cwd: work, encoding: "utf8" });
  expect(r.stderr).toBe("");
  expect(r.status).toBe(0);
  return r.stdout.match(/^digest\s+([0-9a-f]{64})$/m)![1];
}

describe("the demo's sources", () => {
  it("type-check in strict mode against the package's own types (esbuild does not check them)", () => {
    const r = spawnSync(join(root, "node_modules", ".bin", "tsc"), ["-p", join(root, "demo", "tsconfig.json")], { cwd: root, encoding: "utf8" });
    expect(r.stdout + r.stderr).toBe("");
    expect(r.status).toBe(0);
  });
});

describe("the demo's default run", () => {
  it("gives the digest of demo/golden.json, and so does the command the page shows for it", async () => {
    const r = await done({});
    expect(r.info.args).toEqual(golden.args);
    expect(r.info.command).toBe(golden.command);
    expect(r.digest).toBe(golden.digest);
    expect(cliDigest(golden.args)).toBe(golden.digest);
    // what the page plots and shows
    expect(r.iterations).toBe(Number(DEFAULTS.iterations));
    expect(r.trace.length).toBeGreaterThan(90);
    expect(r.points.length).toBe(21);
    expect(r.f).toBeLessThan(r.f0);
    expect(r.testAccuracy).toBeGreaterThan(0.6);
    expect(r.prune.on).toBe("test");
    expect(r.prune.levels.map((l) => l.k)).toEqual([12, 31, 62, 92]);
    expect(r.prune.erm?.converged).toBe(true);
    for (const l of r.prune.levels) expect(l.mast.n).toBe(100);
  });
});

describe("the mast train command the page shows reproduces the run", () => {
  const table: [string, Partial<Settings>, InputFiles | null][] = [
    ["Bernoulli, batch 8, a given step", { sketch: "bernoulli", sketchParam: "0.3", batch: "8", step: "0.05", iterations: "4000", seed: "3" }, null],
    ["permutation, full batch", { sketch: "permutation", sketchParam: "4", batch: "full", iterations: "300" }, null],
    ["identity, least squares, one row a step (the lazy path)", { sketch: "identity", loss: "squared", l2: "0.001", iterations: "20000", seed: "9" }, null],
    ["L-SVRG", { method: "lsvrg", sketchParam: "20", batch: "16", iterations: "600" }, null],
    ["SVRG", { method: "svrg", sketch: "bernoulli", sketchParam: "0.5", batch: "4", iterations: "500" }, null],
    ["a LibSVM file and a test file", { source: "libsvm", sketchParam: "5", batch: "2", iterations: "3000", seed: "1" }, { data: file("tiny.libsvm"), test: file("tiny-test.libsvm") }],
    ["softmax regression on the built-in set (two classes), Rand-K over the parameters, the theory step", { loss: "softmax", batch: "32", iterations: "400" }, null],
  ];
  for (const [name, s, files] of table) {
    it(name, async () => {
      const r = await done(s, files ?? {});
      expect(cliDigest(r.info.args)).toBe(r.digest);
    });
  }

  it("an MLP on IDX files with dropout over its hidden units: the page's command (--model mlp:…, --labels) gives its digest", async () => {
    const r = await done({ source: "idx", loss: "mlp", hidden: "12,8", over: "units", sketch: "bernoulli", sketchParam: "0.5", batch: "16", step: "0.2", iterations: "300", seed: "2" }, idxFiles());
    expect(r.info.args).toEqual(expect.arrayContaining(["--model", "mlp:12,8", "--labels", "lab.idx", "--test-labels", "test-lab.idx", "--sketch", "bernoulli:0.5:units"]));
    expect(cliDigest(r.info.args)).toBe(r.digest);
    expect(r.testAccuracy).toBeGreaterThan(0.5);   // 4 classes: chance is 0.25
    // the pruning view keeps hidden units, against the same network trained without a sketch
    expect(r.prune.unit).toBe("units");
    expect(r.prune.baseline).toMatch(/without a sketch/);
    expect(r.prune.levels.map((l) => l.k)).toEqual([2, 5, 10, 15]);   // round(q·12) + round(q·8) for q = 0.1, 0.25, 0.5, 0.75
    for (const l of r.prune.levels) { expect(l.mast.n).toBe(100); expect(l.erm!.n).toBe(100); }
    // IST over units and a softmax model on the same files
    const ist = await done({ source: "idx", loss: "mlp", hidden: "12", over: "units", sketch: "permutation", sketchParam: "3", batch: "8", step: "0.1", iterations: "200" }, idxFiles());
    expect(cliDigest(ist.info.args)).toBe(ist.digest);
    const soft = await done({ source: "idx", loss: "softmax", sketch: "randk", sketchParam: "", batch: "16", iterations: "200" }, idxFiles());
    expect(soft.info.sketch).toBe(`randk:${Math.round((25 * 4 + 4) / 2)}`);
    expect(cliDigest(soft.info.args)).toBe(soft.digest);
  });

  it("a gzipped LibSVM file trains like the plain one", async () => {
    const plain = await done({ source: "libsvm", iterations: "1000" }, { data: file("tiny.libsvm") });
    const gz = await done({ source: "libsvm", iterations: "1000" }, { data: file("tiny.libsvm.gz", new Uint8Array(readFileSync(join(work, "tiny.libsvm.gz")))) });
    expect(gz.digest).toBe(plain.digest);
    expect(gz.info.args).toContain("tiny.libsvm.gz");
    expect(cliDigest(gz.info.args)).toBe(gz.digest);
  });

  it("cliArgs spells every run-defining flag, and shellCommand quotes what the shell would split", () => {
    const args = cliArgs({ loss: "squared", hidden: null, l2: 1e-7, sketch: { kind: "bernoulli", p: 0.25 }, method: "svrg", batch: "full", step: 0.1, iterations: 5, seed: 2 }, ["--data", "my data.txt"]);
    expect(args).toEqual(["train", "--data", "my data.txt", "--loss", "squared", "--l2", "1e-7", "--sketch", "bernoulli:0.25", "--method", "svrg",
      "--batch", "full", "--step", "0.1", "--iterations", "5", "--seed", "2"]);
    expect(shellCommand(args)).toContain("--data 'my data.txt' --loss squared");
    expect(shellCommand(["train", "--data", "it's"])).toBe(`npx mast train --data 'it'\\''s'`);
  });
});

describe("bad input: the library's message, on the control it names", () => {
  const cases: [string, Partial<Settings>, InputFiles, string, RegExp][] = [
    ["iterations", { iterations: "abc" }, {}, "iterations", /^iterations must be .*"abc"/],
    ["a negative seed", { seed: "-1", iterations: "10" }, {}, "seed", /^seed must be/],
    ["batch 0", { batch: "0" }, {}, "batch", /^batch must be in 1\.\.6414, got 0/],
    ["K above d", { sketchParam: "500" }, {}, "sketchParam", /K\) must be in 1\.\.123 \(the dimension\), got 500/],
    ["a Bernoulli p above 1", { sketch: "bernoulli", sketchParam: "1.5" }, {}, "sketchParam", /must be in \(0, 1\]/],
    ["a negative step", { step: "-0.1" }, {}, "step", /^stepSize must be a positive finite number, got -0.1/],
    ["a negative λ", { l2: "-1" }, {}, "l2", /^l2 must be ≥ 0/],
    ["no file", { source: "libsvm" }, {}, "data", /choose a LibSVM file/],
    ["a malformed file", { source: "libsvm" }, { data: file("bad.libsvm", new TextEncoder().encode("+1 1:1 2:1\n-1 3:1 2:0.5\n")) }, "data", /^bad\.libsvm: libsvm line 2: /],
    ["a test file with more features", { source: "libsvm" }, { data: file("tiny.libsvm"), test: file("wide.libsvm", new TextEncoder().encode("+1 40:1\n")) }, "test", /^wide\.libsvm: libsvm line 1: .*40/],
    ["logistic on real-valued labels", { source: "libsvm" }, { data: file("reg.libsvm", new TextEncoder().encode("2.5 1:1\n-0.5 2:1\n")) }, "loss", /^loss "logistic" needs labels/],
    ["an unknown data source", { source: "mnist" }, {}, "source", /unknown data "mnist"; the choices are synthetic, libsvm, idx/],
    ["IDX without files", { source: "idx", loss: "softmax" }, {}, "data", /choose an IDX image file/],
    ["IDX labels that are not IDX", { source: "idx", loss: "softmax" }, { data: file("img.idx", idxPair(10, 1).images), labels: file("lab.txt", new TextEncoder().encode("1\n2\n3\n")) }, "labels", /^lab\.txt: idx labels: truncated header/],
    ["IDX with fewer labels than images", { source: "idx", loss: "softmax" }, { data: file("img.idx", idxPair(10, 1).images), labels: file("lab.idx", idxPair(9, 1).labels) }, "labels", /10.*9|9.*10/],
    ["the linear model on IDX data", { source: "idx" }, {}, "loss", /trains softmax or mlp, not logistic/],
    ["an MLP without a step", { loss: "mlp", iterations: "10" }, {}, "step", /no theory step size is known for a network with hidden layers/],
    ["hidden widths that are not numbers", { loss: "mlp", hidden: "32,x", step: "0.1" }, {}, "hidden", /hidden must be widths ≥ 1/],
    ["units on softmax regression", { loss: "softmax", over: "units" }, {}, "over", /softmax regression has no hidden units/],
  ];
  for (const [name, s, files, field, message] of cases) {
    it(name, async () => {
      const e = await runDemo(mast, { ...DEFAULTS, ...s }, files).then(() => null, (err: unknown) => err);
      expect(e).toBeInstanceOf(FieldError);
      expect((e as FieldError).field).toBe(field);
      expect((e as FieldError).message).toMatch(message);
    });
  }

  it("a step that diverges is the library's DivergenceError with its advice (the page shows it in its general area)", async () => {
    const e = await runDemo(mast, { ...DEFAULTS, step: "1e6", iterations: "2000" }, {}).then(() => null, (err: unknown) => err);
    expect((e as Error).name).toBe("DivergenceError");
    expect((e as Error).message).toMatch(/step size/);
    expect(asFieldError(e, "")).toBe(e);
  });

  it("numeric() passes plain decimals as numbers and anything else as typed; fieldOf reads the name a message starts with", () => {
    expect([numeric(" 12 "), numeric("1e-4"), numeric("0x10"), numeric(""), numeric("Infinity")]).toEqual([12, 1e-4, "0x10", "", "Infinity"]);
    expect(fieldOf("batch must be …")).toBe("batch");
    expect(fieldOf("sketch.k (K) must be in 1..3")).toBe("sketchParam");
    expect(fieldOf("libsvm line 3: …")).toBe("data");
    expect(fieldOf("stepSize must be …")).toBe("step");
    expect(fieldOf("something else")).toBeNull();
  });
});

describe("stopping and the data-source extension point", () => {
  it("a stop request ends the run at the next record row, without a digest", async () => {
    let rows = 0;
    const r = await runDemo(mast, { ...DEFAULTS }, {}, { progress: () => { rows++; }, stop: () => rows >= 3 });
    expect(r.status).toBe("stopped");
    expect(r.iterations).toBeLessThan(Number(DEFAULTS.iterations));
    expect("digest" in r).toBe(false);
  });

  it("a new kind of data is one DataSource: the run uses its data, its models and its CLI flags", async () => {
    expect(DATA_SOURCES.map((s) => s.id)).toEqual(["synthetic", "libsvm", "idx"]);
    const dense: DataSource = {
      id: "dense-toy", label: "a dense toy", files: [], models: ["squared"],
      async load(m) {
        const x = Array.from({ length: 40 * 3 }, (_, i) => ((i * 7) % 11) / 10 - 0.5);
        const train = m.data.dense(x, { rows: 40, cols: 3, labels: Array.from({ length: 40 }, (_, i) => (i % 3 === 0 ? 1 : -1)) });
        return { train, test: null, label: "toy", testLabel: "", cli: ["--data", "toy.libsvm"] };
      },
    };
    const sources = [...DATA_SOURCES, dense];
    const r = await runDemo(mast, { ...DEFAULTS, source: "dense-toy", loss: "squared", sketch: "randk", sketchParam: "", iterations: "200" }, {}, {}, sources);
    expect(r.status).toBe("done");
    if (r.status !== "done") return;
    expect([r.info.rows, r.info.cols, r.info.sketch]).toEqual([40, 3, "randk:2"]);
    expect(r.info.args.slice(0, 3)).toEqual(["train", "--data", "toy.libsvm"]);
    expect(r.prune.on).toBe("train");
    const refused = await runDemo(mast, { ...DEFAULTS, source: "dense-toy" }, {}, {}, sources).catch((e: unknown) => e);
    expect((refused as FieldError).field).toBe("loss");
  });
});
