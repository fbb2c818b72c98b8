// The public surface: the exports of each entry, listed, so that an accidental export (or a lost one) shows up here.
import { describe, it, expect } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as main from "../../dist/index.js";
import * as plot from "../../dist/plot.js";
import * as repro from "../../dist/repro.js";
import * as cluster from "../../dist/cluster.js";
import { root } from "../helpers.ts";

const MAIN = [
  "BaseProblem", "ConvergenceError", "Dataset", "DistributedError", "DivergenceError", "IdxParseError", "KernelError", "LibsvmParseError", "LoadError",
  "ModelProblem", "NetworkProblem", "Problem", "QuadraticProblem", "boxplotStats", "digestF64", "distributedConstants", "hessian", "init",
  "newton", "pruneAccuracies", "quantile", "randomMasks", "randomPrune", "schedules", "sha256", "simdSupported", "sketch",
  "sketchConstants",
];
const PLOT = ["PALETTE", "boxplotSvg", "escapeXml", "formatTick", "lineSvg", "linearScale", "logScale", "niceStep"];
const REPRO = ["PRUNE_STREAM", "goldenExpected", "goldenReport", "goldenScenarios", "goldenTable", "philox4x32", "runGolden", "runtimeInfo"];
const CLUSTER = ["start", "startNode", "workerdConfig", "workerdPath"];
/** Every value the main entry exported before the layout (commit 2230e14): each must stay reachable somewhere. */
const BEFORE = [...MAIN, ...PLOT, ...REPRO];

describe("the public entries", () => {
  it("mast-wasm exports the library and nothing else", () => expect(Object.keys(main).sort()).toEqual(MAIN));
  it("mast-wasm/plot exports the SVG plots", () => expect(Object.keys(plot).sort()).toEqual(PLOT));
  it("mast-wasm/repro exports the golden scenarios and the reference generator", () => expect(Object.keys(repro).sort()).toEqual(REPRO));
  it("mast-wasm/cluster exports the node processes' helpers", () => expect(Object.keys(cluster).sort()).toEqual(CLUSTER));
  it("the main entry pulls in no Node-only module statically (node processes live at mast-wasm/cluster)", () => {
    const main = readFileSync(join(root, "dist/index.js"), "utf8");
    expect(main).not.toMatch(/^import .* from "node:/m);
    expect(main).not.toMatch(/child_process/);
    expect(readFileSync(join(root, "dist/cluster.js"), "utf8")).toMatch(/from "node:child_process"/);
    // the Worker imports the kernels as modules, which wrangler and workerd turn into WebAssembly.Module bindings
    expect(readFileSync(join(root, "dist/cluster-node.js"), "utf8")).toMatch(/^import simd from "\.\/mast-simd\.wasm";$/m);
  });
  it("every name exported before the move is reachable from an entry", () => {
    const all = new Set([...Object.keys(main), ...Object.keys(plot), ...Object.keys(repro)]);
    for (const name of BEFORE) expect(all.has(name), name).toBe(true);
  });
  it("package.json maps each subpath to its module and its types", () => {
    const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
    for (const [sub, file] of [[".", "index"], ["./plot", "plot"], ["./repro", "repro"], ["./cluster", "cluster"]]) {
      expect(pkg.exports[sub]).toEqual({ types: `./dist/${file}.d.ts`, default: `./dist/${file}.js` });
      expect(() => readFileSync(join(root, "dist", `${file}.d.ts`))).not.toThrow();
    }
  });
});
