// Training runs of a network in the kernel: DSGD steps whose rows come from the configured sampler (sampling.ts: nice,
// uniform or importance) and whose step sizes come from run.ts (a constant γ or a γ_t buffer); and the two kernels the
// variance-reduced methods need besides the gradient: G += S_j∇f (a member's output) and the update
// x ← x − γ (G + g_x − g_w), refused when a coordinate would be non-finite. f32 throughout, as the steps.
import { STREAM_SKETCH, PATH_GENERAL } from "../codes";
import { sampleRows, pRowSel, pRowW, rowDivisor } from "../sampling";
import { sample, pSupp, pScale, setSketchStream } from "../sketch";
import { stepSize, countPath } from "../run";
import { maxBatch, dParams, requireConfigured } from "./config";
import { nnSgd, nnSgdCoords, setNnFailStep, nnGradIdxPtr, nnGradValPtr, nnGradLen } from "./step";

/** nnRunSampled(px, t0, steps, coords) -> steps done: DSGD steps t0 .. t0 + steps − 1 on x (f32), each on the rows of
 *  sampleRows(t) (count ≤ maxBatch, weights w, divisor D) with γ = stepSize(s); the configured unit sketch, or
 *  (coords = 1) the coordinate sketch sample(t) of sketch.ts on stream 0. Stops at the first refused step
 *  (nnFailStep() = t). */
export function nnRunSampled(px: usize, t0: f64, steps: i32, coords: i32): i32 {
  setSketchStream(STREAM_SKETCH);
  setNnFailStep(-1);
  for (let s = 0; s < steps; s++) {
    const t = t0 + <f64>s;
    const c = sampleRows(<u64>t);
    const ok = coords != 0
      ? nnSgdCoords(px, pSupp, pScale, sample(<u64>t), pRowSel, pRowW, c, rowDivisor, stepSize(s))
      : nnSgd(px, pRowSel, pRowW, c, rowDivisor, t, stepSize(s));
    if (ok == 0) { setNnFailStep(t); countPath(PATH_GENERAL, s); return s; }
  }
  countPath(PATH_GENERAL, steps);
  return steps;
}

/** nnSampleBatch(t) -> count: the rows of step t from the configured sampler, at nnBatchRowsPtr() (i32) with weights
 *  at nnBatchWeightsPtr() (f64) and divisor nnBatchDivisor(); count ≤ maxBatch is the caller's to keep. */
export function nnSampleBatch(t: f64): i32 { requireConfigured(); return sampleRows(<u64>t); }
export function nnBatchRowsPtr(): usize { return pRowSel; }
export function nnBatchWeightsPtr(): usize { return pRowW; }
export function nnBatchDivisor(): f64 { return rowDivisor; }
/** nnMaxBatch() -> the largest batch nnConfigure made room for. */
export function nnMaxBatch(): i32 { requireConfigured(); return maxBatch; }

/** nnAccumulate(pG): G[idx_k] += val_k (f32) for the last step's output S∇̂f(y). */
export function nnAccumulate(pG: usize): void {
  const idx = nnGradIdxPtr(), val = nnGradValPtr(), m = nnGradLen();
  for (let k = 0; k < m; k++) {
    const p = pG + (<usize>load<i32>(idx + (<usize>k << 2)) << 2);
    store<f32>(p, load<f32>(p) + load<f32>(val + (<usize>k << 2)));
  }
}

/** nnDivide(pG, b): G_i ← G_i / b (f32) over all d parameters. */
export function nnDivide(pG: usize, b: f64): void {
  const c = <f32>b;
  for (let i = 0; i < dParams; i++) { const p = pG + (<usize>i << 2); store<f32>(p, load<f32>(p) / c); }
}

/** nnVrUpdate(px, pG, pIdx, pGx, pGw, m, γ, pJournal) -> 1, or 0 with x unchanged: x_i ← x_i − γ G_i off the support and
 *  x_i − γ (G_i + (gx_k − gw_k)) at i = idx_k (the two outputs of the same member on the same rows share the support);
 *  the old x is kept in pJournal (d f32) for the refusal. */
export function nnVrUpdate(px: usize, pG: usize, pIdx: usize, pGx: usize, pGw: usize, m: i32, gamma: f64, pJournal: usize): i32 {
  const g = <f32>gamma, d = dParams;
  memory.copy(pJournal, px, <usize>d << 2);
  let ok = true;
  for (let i = 0; i < d; i++) {
    const o = <usize>i << 2;
    const nx = load<f32>(px + o) - g * load<f32>(pG + o);
    if (!isFinite(nx)) ok = false;
    store<f32>(px + o, nx);
  }
  for (let k = 0; k < m; k++) {
    const o = <usize>load<i32>(pIdx + (<usize>k << 2)) << 2, q = <usize>k << 2;
    const nx = load<f32>(pJournal + o) - g * (load<f32>(pG + o) + (load<f32>(pGx + q) - load<f32>(pGw + q)));
    if (!isFinite(nx)) ok = false;
    store<f32>(px + o, nx);
  }
  if (!ok) { memory.copy(px, pJournal, <usize>d << 2); return 0; }
  return 1;
}
