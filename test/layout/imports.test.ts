// src/ has no import circles and no import points up the layers; the checker itself can fail.
import { describe, it, expect } from "vitest";
import { importGraph, cycles, upwardImports, missingTargets } from "../../scripts/check-imports.mjs";

describe("the import graph of src/", () => {
  it("has no circles, no upward imports between layer folders, and no imports of missing files", () => {
    const g = importGraph();
    expect(g.size).toBeGreaterThan(40);
    expect(cycles(g)).toEqual([]);
    expect(upwardImports(g)).toEqual([]);
    expect(missingTargets(g)).toEqual([]);
  });

  it("the checker finds a circle, a type-only circle and an upward import in a made-up graph", () => {
    const g = new Map<string, string[]>([
      ["methods/a.ts", ["models/b.ts"]],          // methods → models: upward
      ["models/b.ts", ["methods/a.ts"]],          // … and back: a circle
      ["tools/x.ts", ["tools/y.ts"]],
      ["tools/y.ts", ["tools/x.ts"]],
      ["runtime/z.ts", []],
    ]);
    expect(cycles(g).map((c: string[]) => c.join(" → "))).toEqual(["methods/a.ts → models/b.ts → methods/a.ts", "tools/x.ts → tools/y.ts → tools/x.ts"]);
    expect(upwardImports(g)).toEqual([["methods/a.ts", "models/b.ts"]]);
  });
});
