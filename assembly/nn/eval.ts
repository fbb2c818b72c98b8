// Full-data passes at x (no sketch): f(x) = (1/n) Σ_i ℓ_i(x) + λ/2 ‖W‖², ∇f(x), accuracy and predictions. Rows go in
// chunks of Bmax straight from the data (no copy), so the scratch stays that of one batch.
import { xentSum, argmaxRow } from "./softmax";
import { forwardNet, backwardNet } from "./net";
import { pX, pLabels, nRows, nCols, requireData, checkLabels } from "./data";
import { nHidden, lambda, lambda32, maxBatch, dParams, size, offW, actBuf, dzBuf, classes, setFullDims, pGrad, pExp } from "./config";

// penalty(px) = ‖W‖²: per weight row the four-lane f64 sum of squares, rows summed in layout order (step.ts's order).
function penalty(px: usize): f64 {
  let pen: f64 = 0;
  for (let l = 1; l <= nHidden + 1; l++) {
    const n = size(l), np = size(l - 1);
    for (let j = 0; j < n; j++) {
      const p = px + ((<usize>offW(l) + <usize>j * <usize>np) << 2);
      let s0: f64 = 0, s1: f64 = 0, s2: f64 = 0, s3: f64 = 0;
      let k = 0;
      for (; k + 4 <= np; k += 4) {
        const o = <usize>k << 2;
        const y0 = <f64>load<f32>(p + o), y1 = <f64>load<f32>(p + o, 4), y2 = <f64>load<f32>(p + o, 8), y3 = <f64>load<f32>(p + o, 12);
        s0 += y0 * y0; s1 += y1 * y1; s2 += y2 * y2; s3 += y3 * y3;
      }
      let t = (s0 + s2) + (s1 + s3);
      for (; k < np; k++) { const y = <f64>load<f32>(p + (<usize>k << 2)); t += y * y; }
      pen += t;
    }
  }
  return pen;
}

/** nnValue(px) -> f(x) over all n rows: the losses summed over rows in order in f64 (the same bits for any Bmax),
 *  divided by n, plus λ/2 ‖W‖². */
export function nnValue(px: usize): f64 {
  requireData();
  setFullDims();
  const C = classes(), L = nHidden, n = nRows;
  let total: f64 = 0;
  for (let r0 = 0; r0 < n; r0 += maxBatch) {
    const B = min(maxBatch, n - r0);
    checkLabels(r0, B);
    forwardNet(px, pX + ((<usize>r0 * <usize>nCols) << 2), B);
    total = xentSum(actBuf(L + 1), C, 0, C, B, C, pLabels + (<usize>r0 << 2), 0, 1, pExp, total);
  }
  return total / <f64>n + (lambda != 0 ? 0.5 * lambda * penalty(px) : 0);
}

/** nnAccuracy(px, pPred) -> the fraction of rows whose argmax logit (ties to the lowest class) is the label; the
 *  predicted classes into pPred (i32, n) unless pPred = 0. */
export function nnAccuracy(px: usize, pPred: usize): f64 {
  requireData();
  setFullDims();
  const C = classes(), L = nHidden, n = nRows;
  let right = 0;
  for (let r0 = 0; r0 < n; r0 += maxBatch) {
    const B = min(maxBatch, n - r0);
    forwardNet(px, pX + ((<usize>r0 * <usize>nCols) << 2), B);
    const z = actBuf(L + 1);
    for (let r = 0; r < B; r++) {
      const c = argmaxRow(z + ((<usize>r * <usize>C) << 2), C);
      if (pPred != 0) store<i32>(pPred + (<usize>(r0 + r) << 2), c);
      if (c == load<i32>(pLabels + (<usize>(r0 + r) << 2))) right++;
    }
  }
  return <f64>right / <f64>n;
}

/** nnFullGradient(px, pg) -> f(x): ∇f(x) (f32, d) into pg: per chunk of Bmax rows the gradient of (1/n) Σ ℓ_i, chunks
 *  added in order in f32 (so the bits depend on Bmax), then + λ x on the weights. */
export function nnFullGradient(px: usize, pg: usize): f64 {
  requireData();
  setFullDims();
  const C = classes(), L = nHidden, n = nRows, d = dParams;
  let total: f64 = 0;
  for (let r0 = 0; r0 < n; r0 += maxBatch) {
    const B = min(maxBatch, n - r0);
    checkLabels(r0, B);
    const pIn = pX + ((<usize>r0 * <usize>nCols) << 2);
    forwardNet(px, pIn, B);
    total = xentSum(actBuf(L + 1), C, dzBuf(L + 1), C, B, C, pLabels + (<usize>r0 << 2), 0, <f64>n, pExp, total);
    backwardNet(px, pGrad, pIn, B, false);
    if (r0 == 0) memory.copy(pg, pGrad, <usize>d << 2);
    else for (let i = 0; i < d; i++) { const o = <usize>i << 2; store<f32>(pg + o, load<f32>(pg + o) + load<f32>(pGrad + o)); }
  }
  if (lambda != 0) {
    const lam = lambda32;
    for (let l = 1; l <= L + 1; l++) {
      const a = <usize>offW(l) << 2, b = a + ((<usize>size(l) * <usize>size(l - 1)) << 2);
      for (let o = a; o < b; o += 4) store<f32>(pg + o, load<f32>(pg + o) + lam * load<f32>(px + o));
    }
  }
  return total / <f64>n + (lambda != 0 ? 0.5 * lambda * penalty(px) : 0);
}
