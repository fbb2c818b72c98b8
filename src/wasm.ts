// Loading the one .wasm in every runtime, and the Kernel wrapper: raw exports, memory views, traps → KernelError.
import { KernelError } from "./errors.js";
import { show } from "./validate.js";

/** The raw exports of mast-*.wasm (pointer ABI: usize → number, i32/u32 → number, f64 → number). */
export interface Exports {
  memory: WebAssembly.Memory;
  hasSimd(): number;
  errorCode(): number; errorLine(): number; clearError(): void;
  alloc(bytes: number): number; mark(): number; release(m: number): void; memoryBytes(): number;
  philox(c0: number, c1: number, c2: number, c3: number, k0: number, k1: number): void;
  out0: WebAssembly.Global; out1: WebAssembly.Global; out2: WebAssembly.Global; out3: WebAssembly.Global;
  setSeed(lo: number, hi: number): void;
  uniformAt(stream: number, step: number, k: number): number;
  belowAt(n: number, stream: number, step: number, k: number): number;
  dot(px: number, py: number, n: number): number;
  axpy(a: number, px: number, py: number, n: number): void;
  scale(a: number, px: number, n: number): void;
  gatherDot(prow: number, pidx: number, pz: number, m: number): number;
  gatherAxpy(a: number, prow: number, pidx: number, pacc: number, m: number): void;
  allFinite(px: number, n: number): number;
  sketchWorkspace(d: number): void;
  sketchConfigure(kind: number, k: number, p: number, probs: number): void;
  sketchSample(step: number): number;
  floydAt(n: number, K: number, stream: number, step: number, pOut: number, pMarks: number, st: number): void;
  sketchBlock(round: number, node: number): number;
  supportPtr(): number; scalePtr(): number; isIdentity(): number; setSketchStream(s: number): void;
  setDense(values: number, labels: number, n: number, d: number): void;
  setCsr(indptr: number, indices: number, values: number, labels: number, n: number, d: number): void;
  rowSquaredNorms(pOut: number): void;
  lossValueAt(kind: number, m: number, b: number): number;
  lossDerivAt(kind: number, m: number, b: number): number;
  expAt(x: number): number; logAt(x: number): number;
  setDataProblem(loss: number, l2: number, pv: number): void;
  setQuadraticProblem(pA: number, pB: number, pV: number, d: number): void;
  value(px: number): number;
  gradient(px: number, pg: number): void;
  margins(px: number, pOut: number): void;
  dsgdConfigure(batch: number, gamma: number, pGammas: number): void;
  samplingConfigure(kind: number, tau: number, pP: number, pAlias: number, pW: number): void;
  setRowsTouched(v: number): void;
  applySupportStep(px: number, m: number, gamma: number): number;
  setModelProblem(pv: number, d: number): void;
  sketchSetAlloc(N: number, total: number): number; sketchSetIndices(): number; sketchSetScales(): number;
  loadSetSketch(j: number): number;
  vrConfigure(kind: number, b: number, p: number, m: number): void;
  refreshBatch(t: number): number; refreshMember(r: number): number; refreshDue(t: number): number;
  beginRefresh(px: number): void; accumulateG(m: number): void; endRefresh(): void; stashAcc(m: number): void;
  vrUpdate(px: number, m: number, gamma: number): number; setDraw(t: number): number;
  vrRun(px: number, t0: number, steps: number): number; setGradient(px: number, pOut: number): void;
  wPtr(): number; gPtr(): number; getVrFailStep(): number; getVrCoords(): number; getRefreshes(): number; resetVrCounters(): void;
  modelPointPtr(): number; modelGradPtr(): number; modelPoint(px: number, m: number): void; modelRestore(m: number): void;
  modelResetPoint(d: number): void; modelGradient(m: number): number;
  sketchedGradientMean(px: number, samples: number, pOut: number): void;
  dsgdRun(px: number, t0: number, steps: number): number;
  lazyReset(): void; lazyStatePtr(): number; lazyStateAlpha(): number; setLazyState(alpha: number): void;
  resetCounters(): void; getCoordsTouched(): number; getRowsTouched(): number; getFailStep(): number;
  sketchedGradientAt(px: number, t: number, pOut: number): number;
  sketchedValueSamples(px: number, samples: number, pOut: number): void;
  meanAndStderr(p: number, n: number, pOut: number): void;
  powerIteration(c: number, sigma: number, maxIter: number, tol: number): number;
  syntheticCounts(n: number, d: number, density: number, seedLo: number, seedHi: number, pIndptr: number): number;
  syntheticFill(n: number, d: number, density: number, seedLo: number, seedHi: number,
    pIndptr: number, pIndices: number, pValues: number, pLabels: number, pW: number): void;
}

/** Which build a module is: "simd" (f64x2 kernels) or "scalar" (same reduction order, no SIMD). */
export type Build = "simd" | "scalar";

/**
 * One wasm instance with its own linear memory. Calls go through {@link Kernel.call}, which turns a trap into a
 * {@link KernelError} and rebuilds the instance (the owner's `reload` callback re-uploads its data).
 */
export class Kernel {
  ex!: Exports;
  private readonly module: WebAssembly.Module;
  private readonly reload: (k: Kernel) => void;
  constructor(module: WebAssembly.Module, reload: (k: Kernel) => void = () => {}) {
    this.module = module;
    this.reload = reload;
    this.fresh();
    this.reload(this);
  }
  private fresh(): void {
    this.ex = new WebAssembly.Instance(this.module, {}).exports as unknown as Exports;
  }
  /** call(name, f): run f against the exports; a wasm trap becomes a KernelError and the instance is rebuilt. */
  call<T>(name: string, f: (ex: Exports) => T): T {
    try {
      return f(this.ex);
    } catch (e) {
      if (!(e instanceof WebAssembly.RuntimeError)) throw e;
      let code = 0, line = 0;
      try { code = this.ex.errorCode(); line = this.ex.errorLine(); } catch { /* the instance is gone */ }
      this.fresh();
      this.reload(this);
      throw new KernelError(name, code, line, e);
    }
  }
  /** alloc(bytes) → pointer; detaches earlier views when memory grows. */
  alloc(bytes: number): number { return this.call("alloc", (ex) => ex.alloc(bytes) >>> 0); }
  /** Float64Array view of n doubles at p (take views after the last alloc). */
  f64(p: number, n: number): Float64Array { return new Float64Array(this.ex.memory.buffer, p, n); }
  /** Int32Array view of n ints at p. */
  i32(p: number, n: number): Int32Array { return new Int32Array(this.ex.memory.buffer, p, n); }
  /** putF64(src) → pointer to a fresh copy of src in wasm memory. */
  putF64(src: ArrayLike<number>): number { const p = this.alloc(src.length * 8 || 8); this.f64(p, src.length).set(src); return p; }
  /** putI32(src) → pointer to a fresh copy of src. */
  putI32(src: ArrayLike<number>): number { const p = this.alloc(src.length * 4 || 4); this.i32(p, src.length).set(src); return p; }
}

// The smallest module using a v128 instruction: validates only where SIMD128 is supported.
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 22, 1, 20, 0, 253, 12,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 11,
]);

/** simdSupported(): whether this engine accepts wasm SIMD128. */
export function simdSupported(): boolean {
  try { return WebAssembly.validate(SIMD_PROBE); } catch { return false; }
}

/** What {@link loadModule} accepts: a compiled module, the bytes, a URL or path string, or a fetch Response. */
export type WasmSource = WebAssembly.Module | ArrayBuffer | ArrayBufferView | URL | string | Response;

async function readUrl(url: URL): Promise<Uint8Array> {
  if (url.protocol === "file:") {
    const fs = await import(/* @vite-ignore */ "node:fs/promises" as string) as typeof import("node:fs/promises");
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

/** defaultUrl(build): the .wasm shipped next to this file. */
export function defaultUrl(build: Build): URL { return new URL(`./mast-${build}.wasm`, import.meta.url); }

/** loadModule(source, build): compile the given source, or the shipped build when source is undefined. */
export async function loadModule(source: WasmSource | undefined, build: Build): Promise<WebAssembly.Module> {
  if (source === undefined) return WebAssembly.compile(await readUrl(defaultUrl(build)) as BufferSource);
  if (source instanceof WebAssembly.Module) return source;
  if (source instanceof ArrayBuffer || ArrayBuffer.isView(source)) return WebAssembly.compile(source as BufferSource);
  if (typeof Response !== "undefined" && source instanceof Response) return fromResponse(source);
  if (source instanceof URL) return WebAssembly.compile(await readUrl(source) as BufferSource);
  if (typeof source === "string") {
    let url: URL;
    try { url = new URL(source); } catch { url = new URL(source, typeof location !== "undefined" ? location.href : `file://${"/"}`); }
    if (!/^[a-z][a-z0-9+.-]*:/i.test(source) && typeof location === "undefined") {
      const path = await import(/* @vite-ignore */ "node:path" as string) as typeof import("node:path");
      const { pathToFileURL } = await import(/* @vite-ignore */ "node:url" as string) as typeof import("node:url");
      url = pathToFileURL(path.resolve(source));
    }
    return WebAssembly.compile(await readUrl(url) as BufferSource);
  }
  throw new TypeError(`source must be a WebAssembly.Module, bytes, a URL, a path string or a Response, got ${show(source)}`);
}
