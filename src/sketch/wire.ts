/**
 * A sketch spec in the form the kernel takes it (`sketchConfigure`), and configuring a kernel's sampler with it.
 * @module
 */
import { type Sketch, isUnitSketch } from "./spec.js";
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

/**
 * configureNetworkSketch(k, sketch, base): a unit sketch goes to the network's unit sampler (nnSketchUnits) and the
 * coordinate sampler is left as the identity; a coordinate sketch goes to the coordinate sampler and the units to the
 * identity.
 */
export function configureNetworkSketch(k: Kernel, sk: Sketch, base: number): void {
  if (isUnitSketch(sk)) {
    configureSampler(k, { kind: "identity" }, base);
    const code = sk.kind === "bernoulli" ? SKETCH.bernoulli : sk.kind === "randK" ? SKETCH.randK : SKETCH.permutation;
    const param = sk.kind === "bernoulli" ? (sk.p as number) : sk.kind === "randK" ? sk.k : sk.kind === "permutation" ? sk.nodes : 1;
    k.call("nnSketchUnits", (ex) => ex.nnSketchUnits(code, param, 0));
  } else {
    configureSampler(k, sk, base);
    k.call("nnSketchUnits", (ex) => ex.nnSketchUnits(SKETCH.identity, 1, 0));
  }
}
