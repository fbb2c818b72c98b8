/**
 * A sketch spec in the form the kernel takes it (`sketchConfigure`), and configuring a kernel's sampler with it.
 * @module
 */
import type { Sketch } from "./spec.js";
import type { Kernel } from "../runtime/kernel.js";
import { SKETCH } from "../runtime/codes.js";

/** Wire form for the kernel: family code, K or M, p, and the p_j vector when there is one. */
export function sketchWire(s: Sketch): { code: number; k: number; p: number; probs: Float64Array | null } {
  switch (s.kind) {
    case "identity": return { code: SKETCH.identity, k: 0, p: 1, probs: null };
    case "bernoulli":
      return typeof s.p === "number"
        ? (s.p === 1 ? { code: SKETCH.identity, k: 0, p: 1, probs: null } : { code: SKETCH.bernoulli, k: 0, p: s.p, probs: null })
        : { code: SKETCH.bernoulliVector, k: 0, p: 1, probs: Float64Array.from(s.p) };
    case "randK": return { code: SKETCH.randK, k: s.k, p: 1, probs: null };
    case "permutation": return { code: SKETCH.permutation, k: s.nodes, p: 1, probs: null };
  }
}

/** configureSampler(k, sketch, scratchMark): release k's scratch to the mark, upload p_j if any, and configure its sampler. */
export function configureSampler(k: Kernel, s: Sketch, scratchMark: number): void {
  const w = sketchWire(s);
  k.ex.release(scratchMark);
  const probs = w.probs ? k.putF64(w.probs) : 0;
  k.call("sketchConfigure", (ex) => ex.sketchConfigure(w.code, w.k, w.p, probs));
}
