/**
 * How much wasm memory a problem needs, computed before anything is allocated, so that a problem that cannot fit its
 * instance's limit (4 GiB, or `maxMemory`) is refused with the size, the limit and the largest size that would fit —
 * instead of a trap, or a module that grows until the machine runs out of memory. The counts mirror the allocations of
 * assembly/problem.ts (workspace), assembly/sketch.ts and the facade's buffers; test/models/memory.test.ts checks them
 * against what a kernel really allocates.
 * @module
 */
import { WASM_MEMORY_LIMIT, formatBytes } from "../runtime/kernel.js";
import { GAMMA_BLOCK } from "../methods/objective.js";
import { integer } from "../runtime/validate.js";

/** Static data (with the 32 KB table of Rand-K membership for K ≪ d), the allocator's alignment of ~40 blocks, and the γ_t
 *  buffer: bytes that do not scale with n or d. */
const FIXED = 48 * 1024 + 40 * 16 + 8 * GAMMA_BLOCK;
/** Bytes per coordinate: the sketch buffers (T, s, marks, permutation: 24), thirteen d-vectors of the workspace (100),
 *  x and the gradient buffer (16) and the shift (8). */
const PER_COORD = 148;
/** Bytes per row beyond its entries: label (8), a_iᵀv (8), the sampler's row, weight and mark buffers (16). */
const PER_ROW = 32;

/** The memory a problem's layout needs: total bytes, and how it splits (for messages). */
export interface MemoryNeed { bytes: number; parts: string }

/** dataProblemBytes(n, d, entries, csr): a data problem with n rows, d columns and `entries` stored values. */
export function dataProblemBytes(n: number, d: number, entries: number, csr: boolean): MemoryNeed {
  const data = csr ? 12 * entries + 4 * (n + 1) : 8 * entries;
  const bytes = FIXED + PER_COORD * d + PER_ROW * n + data;
  return { bytes, parts: `data ${formatBytes(data)}, ${PER_COORD} B × d = ${d}, ${PER_ROW} B × n = ${n}` };
}

/** quadraticBytes(d): A (8d²), b, and the per-coordinate buffers (with A v and A x). */
export function quadraticBytes(d: number): MemoryNeed {
  const bytes = FIXED + 8 * d * d + (PER_COORD + 24) * d;
  return { bytes, parts: `A ${formatBytes(8 * d * d)}, ${PER_COORD + 24} B × d = ${d}` };
}

/** modelBytes(d): the per-coordinate buffers of a user model. */
export function modelBytes(d: number): MemoryNeed {
  return { bytes: FIXED + PER_COORD * d, parts: `${PER_COORD} B × d = ${d}` };
}

/** memoryLimit(v): the `maxMemory` option: bytes in 1 MiB .. 4 GiB (default 4 GiB). */
export function memoryLimit(v: unknown): number {
  return v === undefined ? WASM_MEMORY_LIMIT : integer("maxMemory", v, 2 ** 20, WASM_MEMORY_LIMIT);
}

/** checkFits(what, need, limit, largest): a RangeError when `need` exceeds the limit, naming the largest size that fits. */
export function checkFits(what: string, need: MemoryNeed, limit: number, largest: () => string): void {
  if (need.bytes <= limit) return;
  throw new RangeError(`${what} needs ${formatBytes(need.bytes)} of wasm memory (${need.parts}), more than the ` +
    `${formatBytes(limit)} limit${limit === WASM_MEMORY_LIMIT ? " of a wasm32 instance" : " (maxMemory)"}; ${largest()}`);
}

/** The largest x ≥ 0 with f(x) ≤ limit for an increasing f (bisection over integers up to 2^53). */
export function largestFitting(f: (x: number) => number, limit: number): number {
  if (f(1) > limit) return 0;
  let lo = 1, hi = 2;
  while (f(hi) <= limit && hi < 2 ** 52) hi *= 2;
  while (hi - lo > 1) { const mid = Math.floor((lo + hi) / 2); if (f(mid) <= limit) lo = mid; else hi = mid; }
  return lo;
}

/**
 * networkBytes(layout, n, maxBatch, shifted): a network n_0 … n_{L+1} on n rows: the data as f32 with i32 class labels,
 * the kernels' scratch for batches of maxBatch rows (assembly/nn/config.ts), the sketch buffers (24 B per parameter),
 * x and the gradient buffer (8 B), the variance-reduced methods' state and scratch (24 B), the shift when there is one
 * (4 B), and per row the samplers' and Floyd marks' buffers and 0 … n−1 (24 B).
 */
export function networkBytes(layout: readonly number[], n: number, maxBatch: number, shifted = false): MemoryNeed {
  const L = layout.length - 2, n0 = layout[0], C = layout[L + 1];
  let d = 0, acts = 0, widest = 0, hid = 0, hidMax = 0;
  for (let l = 0; l <= L + 1; l++) {
    acts += layout[l];
    if (l >= 1) { d += layout[l] * layout[l - 1] + layout[l]; widest = Math.max(widest, layout[l]); }
    if (l >= 1 && l <= L) { hid += layout[l]; hidMax = Math.max(hidMax, layout[l]); }
  }
  const B = maxBatch;
  const scratch = 20 * (L + 2) + 16 * d + 4 * B * acts + 8 * B * widest + 4 * (2 * hid + 2 * L + 3 * hidMax) + 16 * B + 8 * C +
    512 * (L + 2) + 16 * (acts - n0) + 16 * 8 * (L + 2);
  const data = 4 * n * n0 + 4 * n;
  const perParam = 24 + 8 + 24 + (shifted ? 4 : 0);
  const bytes = FIXED + scratch + data + perParam * d + 24 * n;
  return { bytes, parts: `data ${formatBytes(data)} (f32), ${perParam} B × d = ${d}, scratch ${formatBytes(scratch)} for batches of ${B}, 24 B × n = ${n}` };
}
