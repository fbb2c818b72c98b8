/**
 * Finite sketch sets {S_1..S_N} for the variance-reduced methods (paper, section 4.4): explicit diagonals, or N draws
 * from a spec (generator stream 10 with the set's own seed), in the wire form the kernel takes, with the set's own
 * L_D, μ_D and L_S^max.
 * @module
 */
import type { Kernel } from "../runtime/kernel.js";
import { splitSeed } from "../runtime/seed.js";
import { STREAM } from "../runtime/codes.js";
import type { Sketch } from "./spec.js";
import { configureSampler } from "./wire.js";

/** A finite sketch set in wire form (member j is indices/scales[offsets[j] .. offsets[j+1])), with its constants. */
export interface SketchSetWire {
  offsets: Int32Array; indices: Int32Array; scales: Float64Array; LD: number; muD: number; LSmax: number;
  /** max_j |S̄_jj − 1|: how far the set's mean is from I (0 up to rounding for a balanced set). */
  meanError: number;
}

/** What a set is made from: explicit diagonals (length d each; 0 = dropped), or N draws from a spec with a seed —
 *  independent draws, or (balanced) whole rounds that keep every coordinate equally often. */
export type SketchSetSource = Float64Array[] | { size: number; seed: number; balanced?: boolean };

/**
 * sketchSetWire(k, d, sketch, source, scratchMark, dSketch): the set in wire form (d coordinates, of which the sketch
 * draws over the first dSketch; the rest, an intercept, are in every member at scale 1). Drawing from a spec uses k's sampler
 * (configured here; the caller reconfigures it for the run).
 */
export function sketchSetWire(k: Kernel, d: number, sketch: Sketch, source: SketchSetSource, scratchMark: number, dSketch = d): SketchSetWire {
  const supports: Int32Array[] = [], scales: Float64Array[] = [];
  if (Array.isArray(source)) {
    for (const diag of source) {
      const T: number[] = [];
      diag.forEach((s, j) => { if (s !== 0) T.push(j); });
      supports.push(Int32Array.from(T));
      scales.push(Float64Array.from(T, (j) => diag[j]));
    }
  } else {
    // balanced Rand-K(K), K | d, is stratified: the d/K blocks of one permutation a round (the permutation sketch's draws)
    const drawn: Sketch = source.balanced && sketch.kind === "randK" ? { kind: "permutation", nodes: dSketch / sketch.k } : sketch;
    configureSampler(k, drawn, scratchMark);
    const [lo, hi] = splitSeed(source.seed);
    k.ex.setSeed(lo, hi);
    k.ex.setSketchStream(STREAM.sketchSet);
    for (let j = 0; j < source.size; j++) {
      const m = k.call("sketchSample", (ex) => ex.sketchSample(j));
      supports.push(k.i32(k.ex.supportPtr(), m).slice());
      scales.push(k.f64(k.ex.scalePtr(), m).slice());
    }
    k.ex.setSketchStream(STREAM.sketch);
  }
  const N = supports.length;
  const offsets = new Int32Array(N + 1);
  supports.forEach((T, j) => { offsets[j + 1] = offsets[j] + T.length; });
  const second = new Float64Array(d);
  let LSmax = 0;
  scales.forEach((s, j) => s.forEach((v, q) => { second[supports[j][q]] += v * v; if (v * v > LSmax) LSmax = v * v; }));
  let LD = 0, muD = Infinity;
  for (let i = 0; i < d; i++) { const m2 = second[i] / N; LD = Math.max(LD, m2); muD = Math.min(muD, m2); }
  const mean = new Float64Array(d);
  scales.forEach((s, j) => s.forEach((v, q) => { mean[supports[j][q]] += v; }));
  let meanError = 0;
  for (let i = 0; i < d; i++) meanError = Math.max(meanError, Math.abs(mean[i] / N - 1));
  const indices = new Int32Array(offsets[N]), flat = new Float64Array(offsets[N]);
  supports.forEach((T, j) => { indices.set(T, offsets[j]); flat.set(scales[j], offsets[j]); });
  return { offsets, indices, scales: flat, LD, muD, LSmax, meanError };
}

/** uploadSketchSet(k, set): copy the set into the kernel (after the run's other scratch allocations). */
export function uploadSketchSet(k: Kernel, set: SketchSetWire): void {
  const N = set.offsets.length - 1;
  const pOff = k.call("sketchSetAlloc", (ex) => ex.sketchSetAlloc(N, set.indices.length) >>> 0);
  k.i32(pOff, N + 1).set(set.offsets);
  k.i32(k.ex.sketchSetIndices(), set.indices.length).set(set.indices);
  k.f64(k.ex.sketchSetScales(), set.scales.length).set(set.scales);
}
