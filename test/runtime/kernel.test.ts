// The kernel instance: a trap is contained (KernelError + a rebuilt instance), a trap while uploading is final, a
// failed rebuild leaves a kernel that refuses every call, and allocations are checked against the memory limit.
import { describe, it, expect } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Kernel } from "../../src/runtime/kernel.ts";
import { KernelError } from "../../src/runtime/errors.ts";
import { root } from "../helpers.ts";

const module = new WebAssembly.Module(readFileSync(join(root, "dist/mast-simd.wasm")));
// sketchConfigure before sketchWorkspace traps with ERR_STATE (code 3); an allocation past 4 GiB with ERR_MEMORY (code 2)
const trap = (k: Kernel) => k.call("sketchConfigure", (ex) => ex.sketchConfigure(3, 1, 1, 0));
const trapAlways = (k: Kernel) => k.call("alloc", (ex) => ex.alloc(0xfffffff0));

describe("Kernel", () => {
  it("a trap during the first upload throws once and is not retried", () => {
    let uploads = 0;
    expect(() => new Kernel(module, (k) => { uploads++; trap(k); })).toThrow(/sketchConfigure failed \(code 3: kernel called before set-up\); while its data was being uploaded; nothing was retried/);
    expect(uploads).toBe(1);
  });

  it("a trap in a call rebuilds the instance once; a rebuild that traps is final and the kernel refuses later calls", () => {
    let uploads = 0, failNext = false;
    const k = new Kernel(module, (kk) => {
      uploads++;
      kk.call("sketchWorkspace", (ex) => ex.sketchWorkspace(4));
      if (failNext) trapAlways(kk);
    });
    const before = k.ex;
    expect(() => k.call("dsgdRun", (ex) => ex.dsgdRun(0, 0, 1))).toThrow(KernelError);   // no problem set: ERR_STATE
    expect(uploads).toBe(2);
    expect(k.ex).not.toBe(before);                                                      // a fresh instance
    expect(k.call("sketchSample", (ex) => { ex.sketchConfigure(3, 2, 1, 0); return ex.sketchSample(0); })).toBe(2);   // and it works
    failNext = true;
    const err = (() => { try { trapAlways(k); } catch (e) { return e as Error; } })()!;
    expect(err.message).toMatch(/and rebuilding the instance failed too .* this problem can no longer be used/);
    expect(uploads).toBe(3);
    expect(() => k.call("mark", (ex) => ex.mark())).toThrow(/can no longer be used/);
    expect(() => k.alloc(8)).toThrow(/can no longer be used/);
    expect(uploads).toBe(3);
  });

  it("alloc refuses a request past the limit before the module grows, naming what it was for", () => {
    const k = new Kernel(module, () => {}, 2 ** 20);
    const size = k.ex.memory.buffer.byteLength;
    expect(() => k.alloc(2 ** 21, "the test buffer")).toThrow(/the test buffer needs 2\.10 MB of wasm memory, but only .* of this problem's 1\.05 MB limit is free/);
    expect(k.ex.memory.buffer.byteLength).toBe(size);
    expect(k.alloc(1024)).toBeGreaterThan(0);
  });
});
