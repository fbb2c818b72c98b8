import { describe, it, expect } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { init, simdSupported, sketch, LoadError } from "../dist/index.js";
import { root } from "./helpers.ts";

async function digestWith(m: Awaited<ReturnType<typeof init>>): Promise<string> {
  const p = m.problem({ data: m.data.synthetic({ rows: 200, cols: 30, seed: 3 }), l2: 1e-3 });
  return (await p.minimize({ sketch: sketch.randK(9), batch: 4, iterations: 300, seed: 2 })).digest;
}

describe("init(source?)", () => {
  it("loads with no argument, and from a Module, bytes, a file URL, a path and a Response — all giving the same results", async () => {
    const file = join(root, "dist", "mast-simd.wasm");
    const bytes = readFileSync(file);
    const sources: unknown[] = [
      undefined,
      new WebAssembly.Module(bytes),
      bytes,
      new Uint8Array(bytes).buffer,
      pathToFileURL(file),
      file,
      new Response(bytes, { headers: { "content-type": "application/wasm" } }),
      new Response(bytes),                        // wrong MIME type: falls back to arrayBuffer()
    ];
    const digests = new Set<string>();
    for (const s of sources) {
      const m = await init(s as any);
      expect(m.build).toBe("simd");
      digests.add(await digestWith(m));
    }
    expect(digests.size).toBe(1);
  });

  it("build: \"scalar\" loads the build without SIMD, which gives the same digest", async () => {
    expect(simdSupported()).toBe(true);
    const [a, b] = [await init(), await init(undefined, { build: "scalar" })];
    expect(b.build).toBe("scalar");
    expect(await digestWith(b)).toBe(await digestWith(a));
  });

  it("picks the scalar build when the engine lacks SIMD (simulated by a validate that rejects SIMD)", async () => {
    const validate = WebAssembly.validate;
    (WebAssembly as any).validate = () => false;
    try {
      expect(simdSupported()).toBe(false);
      const m = await init();
      expect(m.build).toBe("scalar");
    } finally {
      (WebAssembly as any).validate = validate;
    }
  });

  it("the scalar build contains no SIMD instructions and neither build imports anything", () => {
    for (const b of ["simd", "scalar"]) {
      const mod = new WebAssembly.Module(readFileSync(join(root, "dist", `mast-${b}.wasm`)));
      expect(WebAssembly.Module.imports(mod)).toEqual([]);
    }
    // Without SIMD support in the validator, the scalar module would still have to validate: check opcode 0xfd is absent
    // from its code section by compiling it with a validator that knows nothing of v128 is not possible here, so check
    // the text form that the build writes.
    const wat = readFileSync(join(root, "build", "mast-scalar.wat"), "utf8");
    expect(wat).not.toMatch(/v128|f64x2/);
    expect(readFileSync(join(root, "build", "mast-simd.wat"), "utf8")).toMatch(/f64x2\.add/);
  });

  it("rejects bad sources and options clearly", async () => {
    await expect(init(42 as any)).rejects.toThrow(/source must be a WebAssembly.Module, bytes, a URL, a path string or a Response, got 42/);
    await expect(init(undefined, { build: "gpu" as any })).rejects.toThrow(/build must be "auto", "simd" or "scalar", got "gpu"/);
    // what was being loaded, and from where; the engine's own error is the cause
    const bytes = await init(new Uint8Array([1, 2, 3])).catch((e: unknown) => e) as Error;
    expect(bytes).toBeInstanceOf(LoadError);
    expect(bytes.message).toMatch(/could not compile the kernels from the given bytes/);
    expect((bytes as Error & { cause: unknown }).cause).toBeInstanceOf(WebAssembly.CompileError);
    await expect(init(new Response("nope", { status: 404 }))).rejects.toThrow(/HTTP 404/);
    await expect(init("/no/such/dir/mast.wasm")).rejects.toThrow(/could not read the kernels from \/no\/such\/dir\/mast.wasm: .*ENOENT/);
    // a valid WebAssembly module that is not ours
    const empty = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]);
    await expect(init(empty)).rejects.toThrow(/the given bytes is a WebAssembly module but not mast-wasm's \(it has no export hasSimd\)/);
  });
});
