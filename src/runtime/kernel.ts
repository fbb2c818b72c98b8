/**
 * One wasm instance with its own linear memory, the views on it, and the rules that keep a failure contained: every
 * allocation is checked against the instance's memory limit before the module grows, and a trap never leaves a broken
 * instance behind — the instance is rebuilt once; a trap while (re)building is final.
 * @module
 */
import { KernelError } from "./errors.js";
import type { Exports } from "./exports.js";

/** The largest linear memory a wasm32 instance can have: 65,536 pages of 64 KiB. */
export const WASM_MEMORY_LIMIT = 2 ** 32;

/** formatBytes(b): a byte count for messages ("3.2 GB", "512 MB", "12 kB"). */
export function formatBytes(b: number): string {
  if (b >= 1e9) return `${(b / 1e9).toPrecision(3)} GB`;
  if (b >= 1e6) return `${(b / 1e6).toPrecision(3)} MB`;
  if (b >= 1e3) return `${(b / 1e3).toPrecision(3)} kB`;
  return `${b} B`;
}

/**
 * One wasm instance with its own linear memory. Calls go through {@link Kernel.call}, which turns a trap into a
 * {@link KernelError} and rebuilds the instance (the owner's `reload` callback re-uploads its data). A trap during the
 * upload itself (at construction or in a rebuild) is final: it throws a KernelError and never retries, and a kernel
 * whose rebuild failed refuses every later call.
 */
export class Kernel {
  ex!: Exports;
  /** The most bytes of linear memory this instance may use (4 GiB, or a user-set `maxMemory`). */
  readonly limit: number;
  private readonly module: WebAssembly.Module;
  private readonly reload: (k: Kernel) => void;
  private loading = false;
  private broken: KernelError | null = null;

  constructor(module: WebAssembly.Module, reload: (k: Kernel) => void = () => {}, limit = WASM_MEMORY_LIMIT) {
    this.module = module;
    this.reload = reload;
    this.limit = limit;
    this.load();
  }

  /** A fresh instance and the owner's upload; a trap in between throws (from call) without a retry. */
  private load(): void {
    this.ex = new WebAssembly.Instance(this.module, {}).exports as unknown as Exports;
    this.loading = true;
    try {
      this.reload(this);
    } finally {
      this.loading = false;
    }
  }

  /** call(name, f): run f against the exports; a wasm trap becomes a KernelError and the instance is rebuilt. */
  call<T>(name: string, f: (ex: Exports) => T): T {
    if (this.broken) throw this.broken;
    try {
      return f(this.ex);
    } catch (e) {
      if (!(e instanceof WebAssembly.RuntimeError)) throw e;
      let code = 0, line = 0;
      try { code = this.ex.errorCode(); line = this.ex.errorLine(); } catch { /* the instance is gone */ }
      if (this.loading) throw new KernelError(name, code, line, e, "while its data was being uploaded; nothing was retried");
      try {
        this.load();
      } catch (rebuild) {
        this.broken = new KernelError(name, code, line, e, `and rebuilding the instance failed too (${rebuild instanceof Error ? rebuild.message : String(rebuild)}); this problem can no longer be used`);
        throw this.broken;
      }
      throw new KernelError(name, code, line, e);
    }
  }

  /** The bytes in use (the allocator's top). */
  used(): number { return this.ex.mark() >>> 0; }

  /**
   * alloc(bytes, what) → pointer; detaches earlier views when memory grows. A request that would take the instance
   * past its limit throws a RangeError naming `what`, before the module grows.
   */
  alloc(bytes: number, what = "scratch memory"): number {
    if (this.broken) throw this.broken;
    const need = this.used() + bytes + 16;
    if (!(need <= this.limit)) {
      throw new RangeError(`${what} needs ${formatBytes(bytes)} of wasm memory, but only ${formatBytes(Math.max(0, this.limit - this.used()))} ` +
        `of this problem's ${formatBytes(this.limit)} limit is free`);
    }
    return this.call("alloc", (ex) => ex.alloc(bytes) >>> 0);
  }
  /** Float64Array view of n doubles at p (take views after the last alloc). */
  f64(p: number, n: number): Float64Array { return new Float64Array(this.ex.memory.buffer, p, n); }
  /** Float32Array view of n floats at p. */
  f32(p: number, n: number): Float32Array { return new Float32Array(this.ex.memory.buffer, p, n); }
  /** Int32Array view of n ints at p. */
  i32(p: number, n: number): Int32Array { return new Int32Array(this.ex.memory.buffer, p, n); }
  /** putF64(src, what) → pointer to a fresh copy of src in wasm memory. */
  putF64(src: ArrayLike<number>, what?: string): number {
    const p = this.alloc(src.length * 8 || 8, what);
    // alloc's memory is zero: an all-(+0) source (a default zero shift) is not written, so its pages stay virtual
    if (!allPositiveZero(src)) this.f64(p, src.length).set(src);
    return p;
  }
  /** putF32(src, what) → pointer to a fresh copy of src rounded to f32. */
  putF32(src: ArrayLike<number>, what?: string): number { const p = this.alloc(src.length * 4 || 4, what); this.f32(p, src.length).set(src); return p; }
  /** putI32(src, what) → pointer to a fresh copy of src. */
  putI32(src: ArrayLike<number>, what?: string): number { const p = this.alloc(src.length * 4 || 4, what); this.i32(p, src.length).set(src); return p; }
}

/** allPositiveZero(a): every entry is +0 (bit for bit; −0 is not). A Float64Array is read as 32-bit words. */
function allPositiveZero(a: ArrayLike<number>): boolean {
  if (a instanceof Float64Array) {
    const w = new Uint32Array(a.buffer, a.byteOffset, 2 * a.length);
    for (let i = 0; i < w.length; i++) if (w[i] !== 0) return false;
    return true;
  }
  for (let i = 0; i < a.length; i++) if (a[i] !== 0 || 1 / a[i] < 0) return false;
  return true;
}
