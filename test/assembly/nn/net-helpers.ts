// Shared set-up of the nn kernel tests: a configured network on synthetic data in a raw instance, fresh views.
import { rawKernels, lcg } from "../../helpers.ts";
import { layout, type Mirror, type Act } from "../../reference/network.ts";

export type Build = "simd" | "scalar";

export interface NetSpec {
  sizes: number[]; act: Act; lambda: number; bmax: number; n: number; seed?: number;
  /** data: rows of n_0 features in [−1, 1) (or from gen), labels from gen or uniform. */
  gen?: (rnd: () => number, i: number) => { row: number[]; label: number };
}

export interface Harness {
  k: any; spec: NetSpec; d: number; px: number; pv: number; pRows: number; pW: number; pX: number; pLabels: number; pScratch: number;
  f32(p: number, n: number): Float32Array; i32(p: number, n: number): Int32Array; f64(p: number, n: number): Float64Array;
  x(): Float32Array; rows(): Float32Array[]; labels(): Int32Array;
  setRows(rows: number[], w?: number[] | null): void;
  mirror(): Mirror;
  out(): { idx: number[]; val: number[] };
}

/** A network in a fresh instance: data uploaded, configured, x from nnInit(seed), a shift buffer v (not set), row
 *  and weight buffers of bmax entries and a tanh scratch. Every allocation happens here, before any view. */
export function harness(spec: NetSpec, build: Build = "simd"): Harness {
  const k = rawKernels(build);
  const { sizes, n } = spec, n0 = sizes[0], C = sizes[sizes.length - 1], L = sizes.length - 2;
  const rnd = lcg(spec.seed ?? 1);
  const pSizes = k.alloc(4 * sizes.length) >>> 0;
  const pX = k.alloc(4 * n * n0) >>> 0, pLabels = k.alloc(4 * n) >>> 0;
  const { d } = layout(sizes);
  const px = k.alloc(4 * d) >>> 0, pv = k.alloc(4 * d) >>> 0;
  const pRows = k.alloc(4 * spec.bmax) >>> 0, pW = k.alloc(8 * spec.bmax) >>> 0;
  const pScratch = k.alloc(4 * Math.max(spec.bmax * Math.max(...sizes), d)) >>> 0;
  k.nnSetData(pX, pLabels, n, n0);
  const f32 = (p: number, m: number) => new Float32Array(k.memory.buffer, p, m);
  const i32 = (p: number, m: number) => new Int32Array(k.memory.buffer, p, m);
  const f64 = (p: number, m: number) => new Float64Array(k.memory.buffer, p, m);
  i32(pSizes, sizes.length).set(sizes);
  const X = f32(pX, n * n0), Y = i32(pLabels, n);
  for (let i = 0; i < n; i++) {
    if (spec.gen) { const g = spec.gen(rnd, i); X.set(g.row, i * n0); Y[i] = g.label; }
    else { for (let j = 0; j < n0; j++) X[i * n0 + j] = rnd() * 2 - 1; Y[i] = Math.floor(rnd() * C); }
  }
  const dd = k.nnConfigure(pSizes, L, spec.act === "relu" ? 0 : 1, spec.lambda, spec.bmax);
  if (dd !== d) throw new Error(`d ${dd} != ${d}`);
  k.nnInit(px, spec.seed ?? 1);
  const h: Harness = {
    k, spec, d, px, pv, pRows, pW, pX, pLabels, pScratch, f32, i32, f64,
    x: () => f32(px, d),
    rows: () => Array.from({ length: n }, (_, i) => f32(pX + 4 * i * n0, n0).slice()),
    labels: () => i32(pLabels, n).slice(),
    setRows(rows, w) {
      i32(pRows, rows.length).set(rows);
      if (w) f64(pW, w.length).set(w);
    },
    mirror: () => ({
      sizes, act: spec.act, lambda: spec.lambda,
      tanh: (z: Float32Array) => { f32(pScratch, z.length).set(z); k.nnActivate(1, pScratch, z.length); return f32(pScratch, z.length).slice(); },
      exp: (v: number) => k.expAt(v), log: (v: number) => k.logAt(v),
    }),
    out() {
      const m = k.nnGradLen();
      return { idx: Array.from(i32(k.nnGradIdxPtr() >>> 0, m)), val: Array.from(f32(k.nnGradValPtr() >>> 0, m)) };
    },
  };
  return h;
}

/** Random f32 values in [−a, a) into a Float32Array. */
export function fillRandom(arr: Float32Array, rnd: () => number, a: number): void {
  for (let i = 0; i < arr.length; i++) arr[i] = (rnd() * 2 - 1) * a;
}

/** First index where two sequences differ (bitwise, Object.is), or −1. */
export function firstDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return i;
  return -1;
}
