// Shared test helpers: the built library (as a user loads it), the raw kernels, and the real-data folder.
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { init, type Mast } from "../dist/index.js";

export const root = fileURLToPath(new URL("..", import.meta.url));

const cache = new Map<string, Promise<Mast>>();
/** The library from dist/ with the given build. */
export function mast(build: "simd" | "scalar" = "simd"): Promise<Mast> {
  if (!cache.has(build)) cache.set(build, init(undefined, { build }));
  return cache.get(build)!;
}

/** A raw instance of a built module, for kernel-level tests. */
export function rawKernels(build: "simd" | "scalar" = "simd"): any {
  const bytes = readFileSync(join(root, "dist", `mast-${build}.wasm`));
  return new WebAssembly.Instance(new WebAssembly.Module(bytes), {}).exports;
}

/** The shared data folder ($MAST_DATA or ../shared/data), or null when absent. */
export function dataDir(): string | null {
  const dir = process.env.MAST_DATA ?? join(root, "..", "shared", "data");
  return existsSync(dir) ? dir : null;
}

/** dataFile(rel): the path of a shared data file, or null with a visible warning. */
export function dataFile(rel: string): string | null {
  const dir = dataDir();
  const p = dir ? join(dir, rel) : null;
  if (!p || !existsSync(p)) {
    const where = rel.startsWith("libsvm/") ? "https://www.csie.ntu.edu.tw/~cjlin/libsvmtools/datasets/" : "../shared/data/SOURCES.md";
    console.warn(`[skip] real data ${rel} not found (looked in ${dir ?? "$MAST_DATA and ../shared/data"}; public copies: ${where})`);
    return null;
  }
  return p;
}

/** A small seeded generator for test inputs (not the library's generator). */
export function lcg(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 2 ** 32; };
}

/** maxRelErr(a, b) = max_i |a_i − b_i| / max(1, |b_i|). */
export function maxRelErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let e = 0;
  for (let i = 0; i < a.length; i++) e = Math.max(e, Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(b[i])));
  return e;
}

/** sameBits(a, b): element-wise Object.is. */
export function sameBits(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

/** A random symmetric positive definite quadratic in dimension d: A = BᵀB/d + 0.5 I, with b and a shift v. */
export function spd(d: number, seed: number): { A: number[][]; b: number[]; v: number[] } {
  const rnd = lcg(seed);
  const B = Array.from({ length: d }, () => Array.from({ length: d }, () => rnd() * 2 - 1));
  const A = Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => {
    let s = 0; for (let k = 0; k < d; k++) s += B[k][i] * B[k][j];
    return s / d + (i === j ? 0.5 : 0);
  }));
  for (let i = 0; i < d; i++) for (let j = 0; j < i; j++) A[i][j] = A[j][i];
  return { A, b: Array.from({ length: d }, () => rnd() * 2 - 1), v: Array.from({ length: d }, () => rnd() - 0.5) };
}

/** A user model computing the quadratic f(y) = ½ yᵀAy − bᵀy in JavaScript (the same f as mast.quadratic); with μ it
 *  declares itself μ-strongly convex (the theory step of the strongly convex theorem). */
export function quadraticModel(m: Mast, A: number[][], b: number[], v: number[], L?: number, mu?: number) {
  return m.model({
    dimension: b.length, shift: v, smoothness: L, strongConvexity: mu,
    valueAndGradient(y: Float64Array, g: Float64Array) {
      let f = 0;
      for (let i = 0; i < y.length; i++) { let r = 0; for (let j = 0; j < y.length; j++) r += A[i][j] * y[j]; g[i] = r - b[i]; f += 0.5 * y[i] * r - b[i] * y[i]; }
      return f;
    },
  });
}
