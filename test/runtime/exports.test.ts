// One source of truth across the boundary: the TypeScript declaration of the wasm exports (src/runtime/exports.ts)
// names exactly the module's exports, with each function's number of parameters.
import { describe, it, expect } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
import { root } from "../helpers.ts";

/** The members of the Exports interface: name → parameter count (functions) or "value". */
function declared(): Map<string, number | "value"> {
  const file = join(root, "src/runtime/exports.ts");
  const sf = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.ES2022, true);
  const out = new Map<string, number | "value">();
  sf.forEachChild((node) => {
    if (!ts.isInterfaceDeclaration(node) || node.name.text !== "Exports") return;
    for (const m of node.members) {
      const name = (m.name as ts.Identifier).text;
      out.set(name, ts.isMethodSignature(m) ? m.parameters.length : "value");
    }
  });
  return out;
}

describe("the wasm exports and their declaration", () => {
  for (const build of ["simd", "scalar"]) {
    it(`${build}: every declared export exists with the declared arity, and every export is declared`, () => {
      const module = new WebAssembly.Module(readFileSync(join(root, "dist", `mast-${build}.wasm`)));
      const inst = new WebAssembly.Instance(module, {});
      const real = new Map<string, number | "value">();
      for (const e of WebAssembly.Module.exports(module)) {
        real.set(e.name, e.kind === "function" ? (inst.exports[e.name] as (...a: unknown[]) => unknown).length : "value");
      }
      const decl = declared();
      expect(decl.size).toBeGreaterThan(80);
      expect([...decl.keys()].filter((n) => !real.has(n)), "declared but not exported").toEqual([]);
      expect([...real.keys()].filter((n) => !decl.has(n)), "exported but not declared").toEqual([]);
      for (const [name, arity] of decl) expect(real.get(name), name).toBe(arity);
    });
  }

  it("the module imports nothing (it loads everywhere, Cloudflare Workers included)", () => {
    const module = new WebAssembly.Module(readFileSync(join(root, "dist", "mast-simd.wasm")));
    expect(WebAssembly.Module.imports(module)).toEqual([]);
  });
});
