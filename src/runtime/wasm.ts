/**
 * Loading the one .wasm in every runtime: a compiled module, bytes, a URL or path, a fetch Response, or the build
 * shipped next to this file.
 * @module
 */
import { show } from "./validate.js";
import { LoadError } from "./errors.js";
import { nodeBuiltin } from "./node.js";

/** Which build a module is: "simd" (f64x2 kernels) or "scalar" (same reduction order, no SIMD). */
export type Build = "simd" | "scalar";

// The smallest module using a v128 instruction: validates only where SIMD128 is supported.
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 22, 1, 20, 0, 253, 12,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 11,
]);

/** simdSupported(): whether this engine accepts wasm SIMD128. */
export function simdSupported(): boolean {
  try { return WebAssembly.validate(SIMD_PROBE); } catch { return false; }
}

/** What `init` accepts: a compiled module, the bytes, a URL or path string, or a fetch Response. */
export type WasmSource = WebAssembly.Module | ArrayBuffer | ArrayBufferView | URL | string | Response;

async function readUrl(url: URL): Promise<Uint8Array> {
  if (url.protocol === "file:") {
    const fs = await nodeBuiltin<typeof import("node:fs/promises")>("fs/promises");
    return new Uint8Array(await fs.readFile(url));
  }
  const res = await fetch(url);
  if (!res.ok) throw new Error(`mast-wasm: could not load ${url.href}: HTTP ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}

async function fromResponse(res: Response): Promise<WebAssembly.Module> {
  if (!res.ok) throw new Error(`mast-wasm: could not load ${res.url || "the wasm response"}: HTTP ${res.status}`);
  if (typeof WebAssembly.compileStreaming === "function") {
    try { return await WebAssembly.compileStreaming(res.clone()); } catch { /* wrong MIME type: fall back */ }
  }
  return WebAssembly.compile(await res.arrayBuffer());
}

/**
 * defaultUrl(build): the .wasm shipped next to this file, written as `new URL("./….wasm", import.meta.url)` so that
 * bundlers (Vite, webpack) see the asset. In a bundle without `import.meta` (esbuild's default iife format) the file is
 * looked up next to the page.
 */
export function defaultUrl(build: Build): URL {
  if (typeof import.meta.url !== "string") return new URL(`./mast-${build}.wasm`, (globalThis as { location?: { href: string } }).location?.href);
  return build === "simd" ? new URL("./mast-simd.wasm", import.meta.url) : new URL("./mast-scalar.wasm", import.meta.url);
}

/** Where a source is loaded from, for messages. */
function describeSource(source: WasmSource | undefined, build: Build): string {
  if (source === undefined) return `the shipped ${build} build (${defaultUrl(build).href})`;
  if (source instanceof URL) return source.href;
  if (typeof source === "string") return source;
  if (typeof Response !== "undefined" && source instanceof Response) return source.url || "the fetch Response";
  return "the given bytes";
}

/** Exports every mast-wasm module has: a compiled module without them is some other module. */
const REQUIRED = ["hasSimd", "alloc", "mark", "dsgdRun", "vrRun", "sketchConfigure"];

/**
 * loadModule(source, build): compile the given source, or the shipped build when source is undefined. A source that
 * cannot be read, is not WebAssembly, or is not a mast-wasm module throws a {@link LoadError} naming it.
 */
export async function loadModule(source: WasmSource | undefined, build: Build): Promise<WebAssembly.Module> {
  const where = describeSource(source, build);
  let module: WebAssembly.Module;
  try {
    module = await compileSource(source, build);
  } catch (e) {
    if (e instanceof TypeError && /^source must be/.test(e.message)) throw e;
    const why = e instanceof Error ? e.message : String(e);
    const reading = !(e instanceof WebAssembly.CompileError);
    const hint = source === undefined && /HTTP 404/.test(why)
      ? " (a bundle must serve mast-simd.wasm and mast-scalar.wasm from mast-wasm's dist/ next to it, or pass their URL to init: see the README's Bundlers section)" : "";
    throw new LoadError(`mast-wasm: could not ${reading ? "read" : "compile"} the kernels from ${where}: ${why}${hint}`, where, e);
  }
  const names = new Set(WebAssembly.Module.exports(module).map((x) => x.name));
  const missing = REQUIRED.find((n) => !names.has(n));
  if (missing) throw new LoadError(`mast-wasm: ${where} is a WebAssembly module but not mast-wasm's (it has no export ${missing})`, where);
  return module;
}

async function compileSource(source: WasmSource | undefined, build: Build): Promise<WebAssembly.Module> {
  if (source === undefined) return WebAssembly.compile(await readUrl(defaultUrl(build)) as BufferSource);
  if (source instanceof WebAssembly.Module) return source;
  if (source instanceof ArrayBuffer || ArrayBuffer.isView(source)) return WebAssembly.compile(source as BufferSource);
  if (typeof Response !== "undefined" && source instanceof Response) return fromResponse(source);
  if (source instanceof URL) return WebAssembly.compile(await readUrl(source) as BufferSource);
  if (typeof source === "string") {
    let url: URL;
    try { url = new URL(source); } catch { url = new URL(source, typeof location !== "undefined" ? location.href : `file://${"/"}`); }
    if (!/^[a-z][a-z0-9+.-]*:/i.test(source) && typeof location === "undefined") {
      const path = await nodeBuiltin<typeof import("node:path")>("path");
      const { pathToFileURL } = await nodeBuiltin<typeof import("node:url")>("url");
      url = pathToFileURL(path.resolve(source));
    }
    return WebAssembly.compile(await readUrl(url) as BufferSource);
  }
  throw new TypeError(`source must be a WebAssembly.Module, bytes, a URL, a path string or a Response, got ${show(source)}`);
}

/** shippedModule(build): the shipped .wasm of a build, compiled (for runtimes that can't clone a Module into a worker). */
export async function shippedModule(build: Build): Promise<WebAssembly.Module> {
  return loadModule(undefined, build);
}
