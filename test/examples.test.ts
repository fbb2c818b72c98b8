import { describe, it, expect } from "vitest";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { mast, root } from "./helpers.ts";
// @ts-expect-error: a plain .mjs example without types
import { trainTwoLayer, xorData, twoLayer } from "../examples/two-layer-network.mjs";

describe("examples/two-layer-network.mjs (a non-convex user model with dropout-style Bernoulli sketches)", () => {
  it("the network's gradient matches finite differences", () => {
    const net = twoLayer(xorData(30), 5);
    const t = net.init0(), g = new Float64Array(net.dimension);
    net.valueAndGradient(t, g);
    for (let j = 0; j < net.dimension; j += 3) {
      const tp = t.slice(), tm = t.slice(); tp[j] += 1e-6; tm[j] -= 1e-6;
      const z = new Float64Array(net.dimension);
      const fd = (net.valueAndGradient(tp, z) - net.valueAndGradient(tm, z.fill(0))) / 2e-6;
      expect(Math.abs(fd - g[j])).toBeLessThan(1e-6);
    }
  });

  it("training lowers the loss and learns XOR; the same seed gives the same digest", async () => {
    const m = await mast();
    const a = await trainTwoLayer(m, { iterations: 2000 });
    const b = await trainTwoLayer(m, { iterations: 2000 });
    expect(a.f).toBeLessThan(0.5 * a.f0);
    expect(a.accuracy).toBeGreaterThan(0.85);
    expect(a.accuracy0).toBeLessThan(0.7);
    expect(a.fD.mean).toBeGreaterThan(a.f);            // the dropout objective sits above f at its solution
    expect(b.run.digest).toBe(a.run.digest);
    const other = await trainTwoLayer(m, { iterations: 2000, seed: 2 });
    expect(other.run.digest).not.toBe(a.run.digest);
  });
});

describe("examples/", () => {
  it("import the package by its name, as a user copies them (resolved through the package's self-reference)", () => {
    const files = readdirSync(join(root, "examples")).filter((f) => /\.[cm]?[jt]s$/.test(f));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      const specifiers = [...readFileSync(join(root, "examples", f), "utf8").matchAll(/^import[^"']*["']([^"']+)["']/gm)].map((m) => m[1]);
      expect(specifiers.length, f).toBeGreaterThan(0);
      for (const s of specifiers) expect(s, `${f} imports ${s}`).toMatch(/^(mast-wasm(\/(plot|repro))?|node:.*)$/);
    }
  });
});
