// Data sampling for option II: which rows a step uses, with the unbiased weights ĝ = (1/D) Σ_r w_r ∇f_{i_r}.
import { SAMPLE_FULL, SAMPLE_NICE, SAMPLE_UNIFORM, SAMPLE_INDEPENDENT, STREAM_ROWS } from "./codes";
import { seek, nextBelow, nextUniform, firstBelow } from "./philox";
import { floyd } from "./sketch";

export let samplingKind: i32 = SAMPLE_FULL;
export let tau: i32 = 0;
let pP: usize = 0;        // independent: p_i; importance: alias acceptance q_i
let pAlias: usize = 0;    // importance: alias index (i32)
let pW: usize = 0;        // independent: 1/p_i; importance: 1/(n p_i)
/** Sampled rows (i32), their weights (f64) and the divisor D of the last sampleRows(). */
export let pRowSel: usize = 0;
export let pRowW: usize = 0;
export let rowDivisor: f64 = 1;
let pRowMark: usize = 0;
let rowStamp: i32 = 0;

/** The number of rows the sampler draws from (the data set of a linear problem, or a network's). */
let nRows: i32 = 0;

/** samplingBuffers(pSel, pW, pMark, n): where sampled rows, weights and Floyd stamps live (n entries each), for n rows. */
export function samplingBuffers(sel: usize, w: usize, mark: usize, n: i32): void { pRowSel = sel; pRowW = w; pRowMark = mark; rowStamp = 0; nRows = n; }

/** samplingConfigure(kind, τ, pP, pAlias, pW): the sampler and its tables (see the SAMPLE_* kinds). */
export function samplingConfigure(kind: i32, t: i32, p: usize, alias: usize, w: usize): void {
  samplingKind = kind; tau = t; pP = p; pAlias = alias; pW = w;
}

@inline function nextStamp(): i32 {
  if (rowStamp == 0x7ffffffe) { memory.fill(pRowMark, 0, <usize>nRows << 2); rowStamp = 0; }
  return ++rowStamp;
}

/** sampleRows(t) -> count: rows of step t into pRowSel with weights in pRowW; rowDivisor = D. Not for SAMPLE_FULL. */
export function sampleRows(t: u64): i32 {
  const n = nRows;
  let c = 0;
  if ((samplingKind == SAMPLE_NICE || samplingKind == SAMPLE_UNIFORM) && tau == 1) {
    // one row: Floyd's single draw and the uniform draw are both nextBelow(n) on word 0 (no marks needed)
    store<i32>(pRowSel, <i32>firstBelow(STREAM_ROWS, t, <u32>n));
    store<f64>(pRowW, 1.0);
    c = 1; rowDivisor = 1;
  } else if (samplingKind == SAMPLE_NICE) {
    floyd(n, tau, STREAM_ROWS, t, pRowSel, pRowMark, nextStamp());
    for (let r = 0; r < tau; r++) store<f64>(pRowW + (<usize>r << 3), 1.0);
    c = tau; rowDivisor = <f64>tau;
  } else if (samplingKind == SAMPLE_UNIFORM) {
    seek(STREAM_ROWS, t, 0);
    for (let r = 0; r < tau; r++) {
      store<i32>(pRowSel + (<usize>r << 2), <i32>nextBelow(<u32>n));
      store<f64>(pRowW + (<usize>r << 3), 1.0);
    }
    c = tau; rowDivisor = <f64>tau;
  } else if (samplingKind == SAMPLE_INDEPENDENT) {
    seek(STREAM_ROWS, t, 0);
    for (let i = 0; i < n; i++) {
      if (nextUniform() < load<f64>(pP + (<usize>i << 3))) {
        store<i32>(pRowSel + (<usize>c << 2), i);
        store<f64>(pRowW + (<usize>c << 3), load<f64>(pW + (<usize>i << 3)));
        c++;
      }
    }
    rowDivisor = <f64>n;
  } else {
    seek(STREAM_ROWS, t, 0);
    for (let r = 0; r < tau; r++) {
      const col = <i32>nextBelow(<u32>n);
      const i = nextUniform() < load<f64>(pP + (<usize>col << 3)) ? col : load<i32>(pAlias + (<usize>col << 2));
      store<i32>(pRowSel + (<usize>r << 2), i);
      store<f64>(pRowW + (<usize>r << 3), load<f64>(pW + (<usize>i << 3)));
    }
    c = tau; rowDivisor = <f64>tau;
  }
  return c;
}
