// Plain TypeScript references of the kernels, written for clarity; reductions use the kernels' four-lane order.
import { RefRng } from "./philox.ts";

/** dot with lanes s0..s3 over blocks of four, (s0+s2)+(s1+s3), then the tail in order. */
export function dot4(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const s = [0, 0, 0, 0];
  const n = x.length;
  let i = 0;
  for (; i + 4 <= n; i += 4) for (let l = 0; l < 4; l++) s[l] += x[i + l] * y[i + l];
  let r = (s[0] + s[2]) + (s[1] + s[3]);
  for (; i < n; i++) r += x[i] * y[i];
  return r;
}

/** Floyd's K-subset of [0, n) with the kernels' draw order. */
export function floyd(rng: RefRng, n: number, K: number, stream: number, step: number): number[] {
  const chosen = new Set<number>();
  const out: number[] = [];
  const cur = rng.cursor(stream, step);
  for (let j = n - K; j < n; j++) {
    const t = cur.nextBelow(j + 1);
    const pick = chosen.has(t) ? j : t;
    chosen.add(pick);
    out.push(pick);
  }
  return out;
}

/** Rand-K support as the kernel lists it: Floyd order for K ≤ d/2, else the complement swept in ascending order. */
export function randKSupport(rng: RefRng, d: number, K: number, step: number): number[] {
  if (K <= d - K) return floyd(rng, d, K, 0, step);
  const dropped = new Set(floyd(rng, d, d - K, 0, step));
  const out: number[] = [];
  for (let j = 0; j < d; j++) if (!dropped.has(j)) out.push(j);
  return out;
}

/** Rows as dense arrays for reference computations. */
export interface RefData { rows: number[][]; labels: number[] }

/** logistic φ and φ' in plain JS Math (differs from the kernels in the last bits: compare with a tolerance). */
export const logistic = {
  value: (m: number, b: number) => { const z = b * m; return Math.max(-z, 0) + Math.log1p(Math.exp(-Math.abs(z))); },
  deriv: (m: number, b: number) => -b / (1 + Math.exp(b * m)),
};
export const squared = { value: (m: number, b: number) => 0.5 * (m - b) ** 2, deriv: (m: number, b: number) => m - b };

/** f(x) = (1/n) Σ φ(a_iᵀx, b_i) + λ/2 ‖x‖². */
export function refValue(D: RefData, loss: typeof squared, l2: number, x: number[]): number {
  let s = 0;
  D.rows.forEach((a, i) => { s += loss.value(dot4(a, x), D.labels[i]); });
  return s / D.rows.length + 0.5 * l2 * dot4(x, x);
}

/** ∇f(x). */
export function refGradient(D: RefData, loss: typeof squared, l2: number, x: number[]): number[] {
  const g = new Array(x.length).fill(0);
  D.rows.forEach((a, i) => { const c = loss.deriv(dot4(a, x), D.labels[i]); a.forEach((aij, j) => { g[j] += c * aij; }); });
  return g.map((gj, j) => gj / D.rows.length + l2 * x[j]);
}

/**
 * One DSGD run with Rand-K sketches on dense rows, written from Algorithm 1 with the kernels' draw mapping:
 * S_t from stream 0, rows from stream 1 (τ-nice by Floyd), y = v + S(x − v), x_T ← x_T − γ S ∇f_B(y) on the support.
 */
export function refDsgdRandK(D: RefData, loss: typeof squared, l2: number, v: number[], x0: number[], K: number,
  batch: number | "full", gamma: number, T: number, seed: number): number[] {
  const rng = new RefRng(seed);
  const d = x0.length, n = D.rows.length;
  const x = x0.slice();
  const Av = D.rows.map((a) => dot4(a, v));
  for (let t = 0; t < T; t++) {
    const supp = randKSupport(rng, d, K, t);
    const s = d / K;
    const delta = supp.map((j) => s * (x[j] - v[j]));
    const dense = new Array(d).fill(0);
    supp.forEach((j, k) => { dense[j] = delta[k]; });
    const rows = batch === "full" ? [...Array(n).keys()] : floyd(rng, n, batch, 1, t);
    const acc = new Array(supp.length).fill(0);
    for (const i of rows) {
      const a = D.rows[i];
      // a support of at least d/6 is summed over the whole row against δ̄ (δ at T, 0 elsewhere); a smaller one in support order
      const m = Av[i] + (6 * supp.length >= d ? dot4(a, dense) : dot4(supp.map((j) => a[j]), delta));
      const c = loss.deriv(m, D.labels[i]);
      supp.forEach((j, k) => { acc[k] += c * a[j]; });
    }
    supp.forEach((j, k) => { x[j] = x[j] - gamma * (s * (acc[k] / rows.length + l2 * (v[j] + delta[k]))); });
  }
  return x;
}
