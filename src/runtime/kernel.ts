/**
 * One wasm instance with its own linear memory, the views on it, and the rule that a trap never leaves a broken
 * instance behind.
 * @module
 */
import { KernelError } from "./errors.js";
import type { Exports } from "./exports.js";

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
