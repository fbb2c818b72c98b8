// The network's data set (its own module state, apart from data.ts): dense f32 rows and i32 class labels, uploaded once.
// Minibatch rows: the host's (rows, weights, D), as the samplers of sampling.ts write them, or nnSampleRows (τ-nice).
import { ERR_ABORT, ERR_STATE, STREAM_ROWS } from "../codes";
import { alloc } from "../memory";
import { samplingBuffers } from "../sampling";
import { fail } from "../errors";
import { floyd } from "../sketch";
import { firstBelow } from "../philox";
import { maxBatch, pRowBuf, pRowWBuf, pBatchY, classes, requireConfigured, size } from "./config";

export let pX: usize = 0;         // f32 n × n_0, row-major
export let pLabels: usize = 0;    // i32 n, in 0 .. C−1
export let nRows: i32 = 0;
export let nCols: i32 = 0;
let pRowMarks: usize = 0;          // i32 n: Floyd stamps of nnSampleRows
let rowStamp: i32 = 0;
let trainX: usize = 0;             // the rows of nnSetData (nnSwapData points back at them)
let trainLabels: usize = 0;
let trainRows: i32 = 0;

/** nnSetData(pX, pLabels, n, n0): rows i = pX[i·n0 .. (i+1)·n0) (f32), labels (i32). The host allocates and writes
 *  both and keeps them alive; allocates n i32 of Floyd marks for nnSampleRows (may grow memory). */
export function nnSetData(x: usize, labels: usize, n: i32, n0: i32): void {
  if (n < 1 || n0 < 1) fail(ERR_ABORT);
  pX = x; pLabels = labels; nRows = n; nCols = n0;
  trainX = x; trainLabels = labels; trainRows = n;
  pRowMarks = alloc(<usize>n << 2);
  rowStamp = 0;
  // the samplers of sampling.ts (nice, uniform, importance) draw the minibatches of training runs from these rows
  samplingBuffers(alloc(<usize>n << 2), alloc(<usize>n << 3), alloc(<usize>n << 2), n);
}

/** nnSwapData(pX, pLabels, n) -> n in use: point the full-data passes (nnValue, nnAccuracy, nnFullGradient) at other rows
 *  with the same n_0 columns, without allocating; pX = 0 points them back at the rows of nnSetData. Training steps must
 *  not run on swapped rows (the samplers and Floyd marks are sized for the training rows). */
export function nnSwapData(x: usize, labels: usize, n: i32): i32 {
  requireData();
  if (x == 0) { pX = trainX; pLabels = trainLabels; nRows = trainRows; }
  else {
    if (n < 1 || labels == 0) fail(ERR_ABORT);
    pX = x; pLabels = labels; nRows = n;
  }
  return nRows;
}

/** requireData(): data set, with n_0 columns and every label below C (checked by the kernels that read them). */
export function requireData(): void {
  requireConfigured();
  if (pX == 0 || nCols != size(0)) fail(ERR_STATE);
}

/** gatherRows(pRows, B, pDst): dst row r = X[rows_r] (B × n_0), labels into the batch label buffer; traps ERR_ABORT on a
 *  row outside [0, n) or a label outside [0, C). */
export function gatherRows(pRows: usize, B: i32, pDst: usize): void {
  const rowBytes = <usize>nCols << 2, C = classes();
  for (let r = 0; r < B; r++) {
    const i = load<i32>(pRows + (<usize>r << 2));
    if (<u32>i >= <u32>nRows) fail(ERR_ABORT);
    const y = load<i32>(pLabels + (<usize>i << 2));
    if (<u32>y >= <u32>C) fail(ERR_ABORT);
    store<i32>(pBatchY + (<usize>r << 2), y);
    memory.copy(pDst + <usize>r * rowBytes, pX + <usize>i * rowBytes, rowBytes);
  }
}

/** checkLabels(r0, B): labels of rows r0 .. r0+B−1 below C (full-data passes read them in place). */
export function checkLabels(r0: i32, B: i32): void {
  const C = classes();
  for (let r = r0; r < r0 + B; r++) if (<u32>load<i32>(pLabels + (<usize>r << 2)) >= <u32>C) fail(ERR_ABORT);
}

/** nnSampleRows(step, tau) -> τ: the rows of step t, τ of n without replacement, as sampling.ts's τ-nice sampler draws
 *  them (Floyd on stream 1, step t; τ = 1: one nextBelow(n)): rows at nnRowsPtr() (i32), weights 1 at
 *  nnRowWeightsPtr() (f64); the divisor is D = τ. 1 ≤ τ ≤ min(n, maxBatch). */
export function nnSampleRows(step: f64, tau: i32): i32 {
  requireData();
  if (tau < 1 || tau > nRows || tau > maxBatch) fail(ERR_ABORT);
  const t = <u64>step;
  if (tau == 1) store<i32>(pRowBuf, <i32>firstBelow(STREAM_ROWS, t, <u32>nRows));
  else {
    if (rowStamp == 0x7ffffffe) { memory.fill(pRowMarks, 0, <usize>nRows << 2); rowStamp = 0; }
    floyd(nRows, tau, STREAM_ROWS, t, pRowBuf, pRowMarks, ++rowStamp);
  }
  for (let r = 0; r < tau; r++) store<f64>(pRowWBuf + (<usize>r << 3), 1.0);
  return tau;
}

/** nnRowsPtr() / nnRowWeightsPtr(): where nnSampleRows writes (Bmax entries each). */
export function nnRowsPtr(): usize { requireConfigured(); return pRowBuf; }
export function nnRowWeightsPtr(): usize { requireConfigured(); return pRowWBuf; }
